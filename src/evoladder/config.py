"""Settings: read once from the environment (prefix ``EVOLADDER_``) and an optional ``.env`` file.

Built once by the composition root and passed down; nothing else in the project reads the
environment. A bad value fails at start with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ENV_PREFIX = "EVOLADDER_"


class SettingsError(Exception):
    """Configuration could not be loaded; the message names each bad variable."""


class Settings(BaseSettings):
    """Every knob of the service. See docs/configuration.md for the reference."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the embedded SQLite database and stored replays live.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL. Default: SQLite file <data_dir>/evoladder.db. "
            "PostgreSQL: postgresql+psycopg://user@host:5432/dbname"
        ),
    )
    db_pool_size: int = Field(default=10, ge=1, le=200, description="Connections kept open (PostgreSQL).")
    db_echo: bool = Field(default=False, description="Log every SQL statement.")
    data_pack: str = Field(
        default="evo_complete",
        description="Name of a bundled data pack, or a path to a data pack folder.",
    )
    discord_token: SecretStr | None = Field(default=None, description="Discord bot token (optional).")
    discord_admin_channel_id: int | None = Field(
        default=None, description="Channel for match results, conflicts and undeliverable-DM reports."
    )
    discord_staff_role_id: int | None = Field(default=None, description="Role mentioned on match conflicts.")
    discord_dev_guild_id: int | None = Field(
        default=None, description="Sync slash commands to this guild only (instant updates while developing)."
    )
    discord_terms_url: str = Field(
        default="https://evoladder.example/terms", description="The Terms of Service page /termsofservice links to."
    )
    discord_emotes: dict[str, str] = Field(
        default_factory=dict,
        description='JSON map of emote overrides, e.g. {"race.bw_zerg": "<:z1:123>", "rank.S": "<:s_:456>"}.',
    )
    discord_command_cooldown_s: float = Field(
        default=2.0, ge=0, le=600, description="Per-user cooldown between two uses of the same slash command."
    )
    discord_upload_cooldown_s: float = Field(
        default=10.0, ge=0, le=3600, description="Per-user cooldown between two replay uploads in the bot's DMs."
    )
    web_base_url: str | None = Field(
        default=None,
        description="Public base URL of the ladder's web pages; /profile links to <base>/players/<public id> when set.",
    )
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated Discord user ids seeded as admins on first start.",
    )
    owner_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated Discord user ids seeded as owners on first start.",
    )
    replay_workers: int = Field(default=2, ge=1, le=64, description="Replay parser processes.")
    replay_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, description="Upload size cap.")
    replay_parse_timeout_s: float = Field(default=2.5, gt=0, le=60, description="Per-parse timeout.")
    job_backend: Literal["local", "celery"] = Field(
        default="local", description="Replay job backend: local process pool, or Celery."
    )
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Celery broker / backend.")
    replay_queue_size: int = Field(
        default=100, ge=1, le=10_000, description="Replays waiting for or in a parse before uploads get 'busy'."
    )
    celery_queue: str = Field(
        default="evoladder.replays", min_length=1, description="Celery queue the replay parse tasks go to."
    )
    confirm_timeout_s: int = Field(default=60, ge=5, le=3600, description="Time to confirm a match.")
    aborts_per_month: int = Field(default=3, ge=0, le=100, description="Aborts allowed per UTC month.")
    wave_interval_s: float = Field(default=45.0, gt=0, le=3600, description="Matchmaking wave period.")
    matcher: Literal["global", "baseline"] = Field(
        default="global", description="Matchmaking strategy: ours (global min-cost) or the old bot's (baseline)."
    )
    season_carry_over: Literal["keep", "soft"] = Field(
        default="keep", description="How ratings enter a new season: kept, or moved toward the start (soft)."
    )
    season_soft_reset_factor: float = Field(
        default=0.25, ge=0.0, le=1.0, description="Share of the way to the starting MMR a soft reset moves."
    )
    rating_model: Literal["elo", "glicko2"] = Field(
        default="glicko2",
        description="Rating model of a NEW ladder; an existing ladder keeps its recorded model (see docs).",
    )
    web_host: str = Field(default="127.0.0.1", description="Web server bind address.")
    web_port: int = Field(default=8000, ge=1, le=65535, description="Web server port.")
    web_replay_downloads: bool = Field(
        default=False, description="Let the web's match page offer the stored replay file for download."
    )
    web_publish_battletags: bool = Field(
        default=False, description="Show players' BattleTags on the web and in its API (private by default)."
    )
    read_replica: bool = Field(
        default=False,
        description=(
            "This process only reads (a web process beside the ladder, PostgreSQL only): it follows the "
            "writer's changes over LISTEN/NOTIFY and runs no match expiry. `evoladder web` sets it itself."
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO")

    @field_validator("admin_ids", "owner_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            try:
                return tuple(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError(f"expected comma-separated Discord ids, got {value!r}") from exc
        if isinstance(value, int):
            return (value,)
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file under ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'evoladder.db').resolve()}"


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning validation errors into one message naming each variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            lines.append(f"{ENV_PREFIX}{field.upper()}: {err['msg']} (got {err.get('input')!r})")
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(lines)) from None
