"""Configuration errors name the variable; every setting is documented; layers point one way."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from evoladder.config import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVOLADDER_REPLAY_WORKERS", "many")
    with pytest.raises(SettingsError, match="EVOLADDER_REPLAY_WORKERS"):
        load_settings(_env_file=None)


def test_admin_ids_parse_from_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVOLADDER_ADMIN_IDS", "12, 34")
    assert load_settings(_env_file=None).admin_ids == (12, 34)
    monkeypatch.setenv("EVOLADDER_ADMIN_IDS", "12,abc")
    with pytest.raises(SettingsError, match="EVOLADDER_ADMIN_IDS"):
        load_settings(_env_file=None)


def test_default_database_is_sqlite_under_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert s.effective_database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'evoladder.db'}"


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"`EVOLADDER_([A-Z_0-9]+)`", doc))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set()


def test_layers_point_one_way() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
