"""The legacy tables follow the schema reference, and every old map and race name resolves in our pack.

Needs ../shared/reference (skips when absent, as on a user's machine): the importer itself never reads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evoladder.datapack import load_pack
from evoladder.importer import legacy_schema as old
from evoladder.importer.mapping import Catalog

pytestmark = pytest.mark.shared


def _reference_columns(text: str) -> dict[str, set[str]]:
    """Table -> column names, from the reference's tables and its log bullet list."""
    columns: dict[str, set[str]] = {}
    table = None
    for line in text.splitlines():
        if line.startswith("## "):
            table = line[3:].split(":")[0].strip()
            continue
        cell = re.match(r"^\| ([a-z0-9_, ]+) \|", line)
        if table and cell and cell.group(1) != "column":
            columns.setdefault(table, set()).update(c.strip() for c in cell.group(1).split(","))
    for name, inside in re.findall(r"^- `(\w+)` \(([^)]*)\)", text, flags=re.MULTILINE):
        words = (part.split()[0] for part in inside.split(",") if part.split())
        columns[name] = {w for w in words if re.fullmatch(r"[a-z][a-z0-9_]*", w)}
    return columns


def test_legacy_tables_declare_every_column_of_the_reference(shared_dir: Path) -> None:
    reference = _reference_columns((shared_dir / "reference/evoladderbot-schema.md").read_text(encoding="utf-8"))
    assert {"players", "mmrs_1v1", "matches_1v1", "replays", "player_action_logs", "admin_actions"} <= set(reference)
    for name, expected in reference.items():
        declared = set(old.legacy_metadata.tables[name].c.keys())
        assert expected <= declared, (name, expected - declared)


def test_every_old_map_and_race_resolves_in_our_pack(shared_dir: Path) -> None:
    catalog = Catalog.from_pack(load_pack("evo_complete"))
    data = shared_dir / "reference/evoladderbot-data"
    maps = json.loads((data / "maps.json").read_text(encoding="utf-8"))["maps"]
    names = {m["name"] for season in maps.values() for m in season if m["name"]}  # season_beta's are blank
    assert len(names) == 13 and all(catalog.map_name(n) == n for n in names)
    races = {r["code"] for r in json.loads((data / "races.json").read_text(encoding="utf-8"))["races"]}
    assert races == set(catalog.races)
    regions = {
        r["code"] for r in json.loads((data / "regions.json").read_text(encoding="utf-8"))["residential_regions"]
    }
    assert regions <= set(catalog.regions)
    servers = {s["code"] for s in json.loads((data / "regions.json").read_text(encoding="utf-8"))["game_servers"]}
    assert servers <= set(catalog.servers)
