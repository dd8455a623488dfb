"""Fixtures for the data pack tests: the bundled pack, and an editable copy of it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from evoladder.datapack import DataPack, load_pack


@pytest.fixture(scope="session")
def pack() -> DataPack:
    """The bundled default pack (cached by the loader, as in production)."""
    return load_pack()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled pack's folder, for tests that corrupt one field."""
    source = resources.files("evoladder.datapack").joinpath("packs", "evo_complete")
    target = tmp_path / "evo_copy"
    with resources.as_file(source) as folder:
        shutil.copytree(folder, target)
    return target
