"""The wire protocol between ``ParserPool`` and its workers, both ends in one place.

One socketpair per worker; each direction carries frames: a 4-byte big-endian length, then the body.
    parent -> worker   8-byte big-endian job id + the replay bytes; closing the socket means "exit"
    worker -> parent   UTF-8 JSON: first ``{"type": "ready", "pid", "warmup_ok", "warmup_ms"}``
                       once warm, then per job ``{"id", "ok": true, "summary": {...}, "ms"}`` or
                       ``{"id", "ok": false, "reason", "recycle", "ms"}``

Replies are JSON rather than pickle so the parent never unpickles anything produced by a process
that has just handled untrusted input, and they are size-capped on reading for the same reason.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from typing import Any

FRAME = struct.Struct("!I")
JOB_ID = struct.Struct("!Q")
MAX_REPLY_BYTES = 4 << 20
"""A summary is a few KB; a worker announcing more is misbehaving and gets replaced."""


class ProtocolError(Exception):
    """A worker broke the protocol (oversized or malformed reply)."""


def job_frame(job_id: int, data: bytes) -> bytes:
    return FRAME.pack(JOB_ID.size + len(data)) + JOB_ID.pack(job_id) + data


async def read_reply(reader: asyncio.StreamReader) -> dict[str, Any]:
    """Parent side: the next reply. Raises ``asyncio.IncompleteReadError`` at EOF (worker gone)."""
    (size,) = FRAME.unpack(await reader.readexactly(FRAME.size))
    if size > MAX_REPLY_BYTES:
        raise ProtocolError(f"reply of {size} bytes")
    try:
        reply = json.loads(await reader.readexactly(size))
    except ValueError as exc:
        raise ProtocolError(f"reply is not JSON: {exc}") from None
    if not isinstance(reply, dict):
        raise ProtocolError("reply is not a JSON object")
    return reply


def send_reply(sock: socket.socket, message: dict[str, Any]) -> None:
    """Worker side: send one JSON message."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
    sock.sendall(FRAME.pack(len(body)) + body)


def receive_job(sock: socket.socket) -> tuple[int, bytes] | None:
    """Worker side: the next (job id, payload), or None once the parent has closed the socket."""
    header = _receive_exactly(sock, FRAME.size)
    if header is None:
        return None
    (size,) = FRAME.unpack(header)
    frame = _receive_exactly(sock, size)
    if frame is None or size < JOB_ID.size:
        return None
    return JOB_ID.unpack_from(frame)[0], frame[JOB_ID.size :]


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = sock.recv_into(view[received:])
        if count == 0:
            return None
        received += count
    return bytes(buffer)
