"""Serve the web app with uvicorn on the ladder's own event loop, as a task the caller owns.

Why not ``uvicorn.run``: it creates its own loop and owns the signals. Embedded in ``evoladder run``,
the web shares the loop with the ladder and the Discord bot, and the ladder's shutdown decides the
order (stop taking requests, then stop the services). So the server here ignores signals and is
stopped with :meth:`WebServer.stop`. A multi-process ``evoladder web --workers N`` (a later slice)
would start one ``WebServer`` per process over shared sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI


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
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        sock.set_inheritable(True)
        self.port = int(sock.getsockname()[1])
        self._socket = sock
        return sock

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
        return self.task

    async def stop(self) -> None:
        """Stop accepting, let in-flight requests finish (uvicorn's graceful shutdown), then return."""
        if self.task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(self.task, return_exceptions=True)
        self.task = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
