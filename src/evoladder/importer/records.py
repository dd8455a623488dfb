"""Pure mapping of the records around the ladder: preferences, replay records, logs, the admin file.

Same contract as ``mapping``: a row comes back mapped, or ``None`` with a ``skipped`` issue; changed
values come with an ``adjusted`` issue.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping
from datetime import datetime
from typing import Any

from evoladder.importer.mapping import SOURCE, Catalog, Issue, Mapped, _Issues, _json_list

# ------------------------------------------------------------------ preferences


def map_preferences(row: Mapping[str, Any], catalog: Catalog, players: Container[int], now: datetime) -> Mapped:
    """Old ``preferences_1v1`` -> our ``preferences``; unknown races and maps are listed, not kept."""
    issues = _Issues("preferences_1v1", row["discord_uid"])
    if row["discord_uid"] not in players:
        return issues.skip(f"player {row['discord_uid']} was not imported")
    chosen: dict[str, list[str]] = {}
    for column, known, translate in (
        ("last_chosen_races", "race", lambda v: v if v in catalog.races else None),
        ("last_chosen_vetoes", "map", catalog.map_name),
    ):
        try:
            values = _json_list(row[column])
        except ValueError as exc:
            issues.adjust(f"{column} is not a JSON array ({exc}); stored empty")
            values = []
        kept: list[str] = []
        for value in values:
            ours = translate(value) if isinstance(value, str) else None
            if ours is None:
                issues.adjust(f"unknown {known} {value!r} in {column}; left out")
            elif ours not in kept:
                kept.append(ours)
        chosen[column] = kept
    return Mapped(
        {
            "player_id": int(row["discord_uid"]),
            "last_races": chosen["last_chosen_races"],
            "map_vetoes": chosen["last_chosen_vetoes"],
            "updated_at": now,
        },
        tuple(issues.items),
    )


# ------------------------------------------------------------------ replays

LEGACY_HASH_PREFIX = "blake2b80:"
"""Our ``sha256`` column holds ``blake2b80:<old hash>`` for imported records: it can never equal a
real file's SHA-256 (64 hex characters), so an imported record never deduplicates a new upload."""


def map_replay(
    row: Mapping[str, Any],
    link: tuple[int, int, int] | None,
    matches: Container[int],
    now: datetime,
) -> Mapped:
    """Old ``replays`` -> our ``replays`` (status ``imported``, same id), the old reading in ``summary``.

    ``link`` is ``(match id, uploader slot, uploader id)`` from the match whose
    ``player_N_replay_path`` names this replay, if any.
    """
    issues = _Issues("replays", row["id"])
    match_id = uploader = None
    if link is None:
        issues.adjust("no match points to this replay; stored unlinked")
    elif link[0] not in matches:
        issues.adjust(f"its match #{link[0]} was not imported; stored unlinked")
    else:
        match_id, uploader = link[0], link[2]
    summary: dict[str, Any] = {
        "source": SOURCE,
        "replay_path": row["replay_path"],
        "replay_hash": row["replay_hash"],
        "replay_date": _iso(issues.ts(row, "replay_date")),
        "map_name": row["map_name"],
        "duration_s": row["duration"],
        "result": row["result"],
        "players": [
            {"name": row[f"player_{n}_name"], "race": row[f"player_{n}_race"], "handle": row[f"player_{n}_handle"]}
            for n in (1, 2)
        ],
        "settings": {k: row[k] for k in ("game_privacy", "game_speed", "game_duration_setting", "locked_alliances")},
        "uploader_slot": link[1] if link else None,
    }
    for column, key in (("observers", "observers"), ("cache_handles", "cache_handles")):
        try:
            summary[key] = _json_list(row[column])
        except ValueError:
            summary[key] = row[column]
            issues.adjust(f"{column} is not a JSON array; kept as text")
    uploaded = issues.ts(row, "uploaded_at") or now
    return Mapped(
        {
            "id": int(row["id"]),
            "sha256": f"{LEGACY_HASH_PREFIX}{row['replay_hash'] or ''}",
            "size_bytes": 0,
            "match_id": match_id,
            "uploader_id": uploader,
            "status": "imported",
            "summary": summary,
            "verdict": None,
            "uploaded_at": uploaded,
            "parsed_at": None,
            "attempts": 0,
            "error": None,
            "effect": None,
        },
        tuple(issues.items),
    )


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


# ------------------------------------------------------------------ logs


def _json_value(value: Any) -> Any:
    """Old log values are text; JSON text is decoded, anything else kept as the string."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def map_action_log(row: Mapping[str, Any], players: Container[int], now: datetime) -> Mapped:
    """Old ``player_action_logs`` -> our ``action_log`` (same id)."""
    issues = _Issues("player_action_logs", row["id"])
    if row["discord_uid"] not in players:
        return issues.skip(f"player {row['discord_uid']} was not imported")
    at = issues.ts(row, "changed_at")
    if at is None:
        at = now
        issues.adjust("changed_at missing; import time used")
    return Mapped(
        {
            "id": int(row["id"]),
            "player_id": int(row["discord_uid"]),
            "action": issues.text(row["setting_name"] or "unknown", "action"),
            "old_value": _json_value(row["old_value"]),
            "new_value": _json_value(row["new_value"]),
            "actor": issues.text(row["changed_by"] or "player", "actor"),
            "at": at,
        },
        tuple(issues.items),
    )


def map_admin_action(row: Mapping[str, Any], now: datetime) -> Mapped:
    """Old ``admin_actions`` -> our ``audit_log`` (same id; ``request_id`` names the old row)."""
    issues = _Issues("admin_actions", row["id"])
    if row["admin_discord_uid"] is None:
        return issues.skip("admin_discord_uid is NULL")
    at = issues.ts(row, "performed_at")
    if at is None:
        at = now
        issues.adjust("performed_at missing; import time used")
    return Mapped(
        {
            "id": int(row["id"]),
            "request_id": f"{SOURCE}:{int(row['id'])}",
            "admin_id": int(row["admin_discord_uid"]),
            "action": issues.text(row["action_type"] or "unknown", "action"),
            "target_player_id": row["target_player_uid"],
            "target_match_id": row["target_match_id"],
            "old_value": None,
            "new_value": {"details": _json_value(row["action_details"]), "admin_username": row["admin_username"]},
            "reason": row["reason"],
            "at": at,
        },
        tuple(issues.items),
    )


# ------------------------------------------------------------------ admins file


def parse_admins(text: str, now: datetime) -> tuple[list[dict[str, Any]], list[Issue]]:
    """The old admin JSON file (``[{"discord_id", "name", "role"}]``) -> ``staff`` rows and issues.

    Raises ``ValueError`` when the file is not a JSON array at all.
    """
    entries = _json_list(text)
    rows: dict[int, dict[str, Any]] = {}
    issues: list[Issue] = []
    for n, entry in enumerate(entries):
        key = str(entry.get("discord_id") if isinstance(entry, dict) else n)
        if not isinstance(entry, dict):
            issues.append(Issue("admins_file", key, "skipped", f"entry {n} is not an object"))
            continue
        try:
            uid = int(entry["discord_id"])
        except (KeyError, TypeError, ValueError):
            issues.append(Issue("admins_file", key, "skipped", f"entry {n} has no valid discord_id"))
            continue
        role = str(entry.get("role", "")).lower()
        if role not in ("admin", "owner"):
            issues.append(Issue("admins_file", key, "skipped", f"role {entry.get('role')!r} is not admin or owner"))
            continue
        if uid in rows:
            issues.append(Issue("admins_file", key, "adjusted", "listed twice; the higher role kept"))
            if rows[uid]["role"] == "owner":
                continue
        name = entry.get("name")
        rows[uid] = {
            "discord_id": uid,
            "role": role,
            "name": str(name)[:64] if name is not None else None,
            "added_at": now,
            "added_by": None,
        }
    return list(rows.values()), issues
