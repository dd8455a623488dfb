"""Battle.net depot URLs: replays name every map and mod file they load by such a URL.

The host says which game region's depot serves the file; the file name is the file's SHA-256 and
its extension. Hosts are pack data (``regions.toml``), so this module takes them as an argument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from evoladder.datapack.errors import BadDepotUrl
from evoladder.datapack.schema import DepotHandle, GameRegionCode

_URL_RE = re.compile(r"(?:https?://)?([A-Za-z0-9.-]+)/([0-9A-Fa-f]{64})\.([A-Za-z0-9]{2,8})")


class DepotRef(NamedTuple):
    """A parsed depot URL: which game region's depot, and which file."""

    game_region: GameRegionCode
    hash: str
    ext: str

    @property
    def handle(self) -> DepotHandle:
        """The file as a handle, comparable with a mod release's chain."""
        return DepotHandle(hash=self.hash, ext=self.ext)


def parse_depot_url(url: str, hosts: Mapping[str, GameRegionCode]) -> DepotRef:
    """Split ``https://<host>/<sha256>.<ext>`` into (game region, hash, ext).

    ``hosts`` maps depot host names to game regions. Hash and extension come back lowercase.
    Raises ``BadDepotUrl`` for a malformed URL or a host not in ``hosts``.
    """
    match = _URL_RE.fullmatch(url.strip())
    if match is None:
        raise BadDepotUrl(f"not a depot URL (expected https://<host>/<sha256>.<ext>): {url!r}")
    host = match.group(1).lower()
    region = hosts.get(host)
    if region is None:
        known = ", ".join(sorted(hosts))
        raise BadDepotUrl(f"unknown depot host {host!r} in {url!r} (known: {known})")
    return DepotRef(region, match.group(2).lower(), match.group(3).lower())
