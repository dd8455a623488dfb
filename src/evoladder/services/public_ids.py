"""Public player ids: an opaque, stable id for a player that never reveals their Discord id.

Why: a player's primary key is their Discord user id, which the ladder treats as private (the web,
its JSON API and anything a spectator can see must not publish it). A public id is the Discord id
run through a keyed permutation of 64-bit integers (a 4-round Feistel network whose round function
is HMAC-SHA256 under a ladder secret), written as 13 base32 characters. Properties:

* **Opaque**: without the secret the ids look random; consecutive Discord ids give unrelated ids.
* **Stable**: the secret is created once per ladder, stored in ``ladder_meta`` (insert-if-absent,
  so concurrent first starts of several processes agree), and read at start: links keep working
  across restarts and every process of a deployment computes the same ids.
* **Reversible without an index**: decoding is the inverse permutation, so a lookup costs a few
  microseconds and no memory per player (a hash table of 1M players would cost ~100 MB).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

from evoladder.domain.ids import PlayerId
from evoladder.services.context import ServiceContext
from evoladder.store import meta as meta_store

META_KEY = "public_id_key"
"""The ``ladder_meta`` key holding the hex-encoded secret."""

_ROUNDS = 4
_MASK32 = 0xFFFFFFFF
_LENGTH = 13  # ceil(64 / 5) base32 characters
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
MAX_PLAYER_ID = 1 << 63
"""Player ids are stored as signed 64-bit integers (Discord snowflakes fit)."""
ENCODED_MEMO = 200_000


class PublicIdCodec:
    """Encode a player id into its public id and back, under one secret key (pure, no I/O)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the public id key needs at least 16 bytes")
        self._key = key
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._encoded: dict[int, str] = {}

    def _round(self, index: int, half: int) -> int:
        mac = self._mac.copy()  # the keyed state is computed once, not per round (4 rounds per id)
        mac.update(bytes((index,)) + half.to_bytes(4, "big"))
        return int.from_bytes(mac.digest()[:4], "big")

    def _permute(self, value: int, order: range) -> int:
        left, right = value >> 32, value & _MASK32
        for i in order:
            left, right = right, left ^ self._round(i, right)
        return (left << 32) | right

    def encode(self, player_id: int) -> str:
        """The public id of ``player_id`` (0 <= id < 2**64; Discord ids are below 2**63)."""
        known = self._encoded.get(player_id)
        if known is not None:
            return known
        if not 0 <= player_id < 1 << 64:
            raise ValueError("player ids are unsigned 64-bit integers")
        value = self._permute(player_id, range(_ROUNDS))
        raw = base64.b32encode(value.to_bytes(8, "big")).decode("ascii").rstrip("=").lower()[:_LENGTH]
        # Memoised: a leaderboard page encodes 40+ ids (~25 us each), on every request. Bounded, so a
        # million-player ladder costs at most ~20 MB here; a full memo starts over.
        if len(self._encoded) >= ENCODED_MEMO:
            self._encoded.clear()
        self._encoded[player_id] = raw
        return raw

    def decode(self, public_id: str) -> PlayerId | None:
        """The player id behind ``public_id``, or ``None`` if it cannot be one (malformed, out of range)."""
        text = public_id.strip().lower()
        if len(text) != _LENGTH or any(ch not in _ALPHABET for ch in text):
            return None
        try:
            data = base64.b32decode((text + "===").upper())
        except ValueError:
            return None
        # the 13th character carries one padding bit: accept only the canonical spelling
        if len(data) != 8 or base64.b32encode(data).decode("ascii").rstrip("=").lower() != text:
            return None
        value = int.from_bytes(data, "big")
        left, right = value >> 32, value & _MASK32
        for i in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(i, left), left
        player_id = (left << 32) | right
        # a well-formed but forged id may decode past the stored ids' range (signed BIGINT)
        return PlayerId(player_id) if player_id < MAX_PLAYER_ID else None


class PublicIds:
    """The ladder's codec, loaded (or created once) from ``ladder_meta`` on first use."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._codec: PublicIdCodec | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> PublicIdCodec:
        """Read the ladder's secret, creating it if this is the first start (one short transaction)."""
        if self._codec is not None:
            return self._codec
        async with self._lock:
            if self._codec is None:
                async with self.ctx.db.write() as conn:
                    stored = await meta_store.get(conn, META_KEY)
                    if stored is None:
                        fresh = secrets.token_hex(32)
                        stored = await meta_store.set_if_absent(conn, META_KEY, fresh, self.ctx.clock.now())
                self._codec = PublicIdCodec(bytes.fromhex(stored))
        return self._codec

    @property
    def codec(self) -> PublicIdCodec:
        """The loaded codec; raises ``RuntimeError`` before :meth:`start`."""
        if self._codec is None:
            raise RuntimeError("public ids are not loaded yet: await start() first")
        return self._codec

    def encode(self, player_id: int) -> str:
        return self.codec.encode(player_id)

    def decode(self, public_id: str) -> PlayerId | None:
        return self.codec.decode(public_id)
