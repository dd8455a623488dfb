"""Serve the web app with uvicorn on the ladder's own event loop, as a task the caller owns.

Why not ``uvicorn.run``: it creates its own loop and owns the signals. Embedded in ``evoladder run``,
the web shares the loop with the ladder and the Discord bot, and the ladder's shutdown decides the
order (stop taking requests, then stop the services). So the server here ignores signals and is
stopped with :meth:`WebServer.stop`. ``evoladder web --workers N`` runs one ``WebServer`` per
process over one inherited socket (``web/processes.py``, :meth:`WebServer.adopt`).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening, inheritable TCP socket on ``host:port`` (``port=0``: a free one); ``OSError`` if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on accepted sockets whose proto says TCP.
    # Without it, a response written as headers + body waits ~40 ms for the client's delayed ACK
    # (Nagle): every request with a body took 40-50 ms and one connection managed 20 req/s.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _web_state(app: object) -> Any:
    """The ``WebState`` of an app built by ``create_app`` (None for any other ASGI app)."""
    return getattr(getattr(app, "state", None), "web", None)


class _LoopOwnedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the process's owner."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class WebServer:
    """One uvicorn server for ``app`` on ``host:port``; :meth:`start` returns once it listens."""

    def __init__(self, app: FastAPI, host: str, port: int, *, log_level: str = "warning") -> None:
        config = uvicorn.Config(
            app, host=host, port=port, log_level=log_level.lower(), lifespan="off", access_log=False,
            server_header=False, proxy_headers=True,
        )  # fmt: skip
        self.host, self.port = host, port
        self._server = _LoopOwnedServer(config)
        self._socket: socket.socket | None = None
        self.task: asyncio.Task[None] | None = None

    def bind(self) -> socket.socket:
        """Open the listening socket here, so a taken port is a plain ``OSError`` for the caller
        (uvicorn's own bind exits the process), and ``port=0`` picks a free port."""
        if self._socket is not None:
            return self._socket
        sock = bind_socket(self.host, self.port)
        self.port = int(sock.getsockname()[1])
        self._socket = sock
        return sock

    def adopt(self, fd: int) -> None:
        """Serve on an inherited listening socket (a child of ``evoladder web --workers N``)."""
        sock = socket.socket(fileno=fd)  # family, type and proto (TCP) are read from the descriptor
        self.host, self.port = str(sock.getsockname()[0]), int(sock.getsockname()[1])
        self._socket = sock

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    async def start(self) -> asyncio.Task[None]:
        """Start serving; raises ``OSError`` (e.g. the port is taken) if the server could not listen."""
        sock = self.bind()
        self.task = asyncio.get_running_loop().create_task(self._server.serve(sockets=[sock]), name="web-server")
        while not self._server.started:
            if self.task.done():
                self.task.result()  # re-raise why it stopped
                raise OSError(f"the web server on {self.host}:{self.port} stopped before it listened")
            await asyncio.sleep(0.01)
        if (web := _web_state(self._server.config.app)) is not None:
            await web.start()  # the app's own background work (event-loop lag probe)
        return self.task

    async def stop(self) -> None:
        """Stop accepting, let in-flight requests finish (uvicorn's graceful shutdown), then return."""
        if self.task is None:
            return
        if (web := _web_state(self._server.config.app)) is not None:
            await web.stop()  # end the live SSE streams first: they would hold the graceful shutdown open
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(self.task, return_exceptions=True)
        self.task = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
