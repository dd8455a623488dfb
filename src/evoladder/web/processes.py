"""``evoladder web --workers N``: N web processes sharing one listening socket, kept alive by the parent.

Why our own supervisor and not uvicorn's ``--workers``: uvicorn's imports an app by name in each
child and owns the loop, but our app needs a started ``Ladder`` (cache warm-up, board build, the
change listener) and a graceful stop in order. So the parent binds the socket once (a taken port
fails here, before any child starts; ``--port 0`` gives every child the same free port) and starts
N ordinary ``evoladder web --listen-fd FD`` processes that inherit it. The kernel hands each new
connection to whichever child accepts first. Each child builds its own read side and follows the
writer over PostgreSQL ``LISTEN/NOTIFY`` (``services/replication.py``).

The parent only supervises: a child that dies is restarted (after a pause); SIGINT / SIGTERM are
passed on and the parent waits for every child's graceful shutdown.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

from evoladder.web.server import bind_socket

log = logging.getLogger(__name__)

CHILD = ("-c", "from evoladder.cli.main import app; app()")
RESTART_PAUSE_S = 1.0
GIVE_UP_AFTER = 5
"""Children that die within ``FAST_DEATH_S`` of their start this many times in a row: stop everything
(a bad setting or an unreachable database will not fix itself)."""
FAST_DEATH_S = 10.0
STOP_TIMEOUT_S = 30.0


class Supervisor:
    """Runs ``n`` children over one socket until a signal; returns the exit status for the CLI."""

    def __init__(self, n: int, host: str, port: int, child_args: Sequence[str] = ()) -> None:
        self.n = n
        self.sock = bind_socket(host, port)
        self.host, self.port = host, int(self.sock.getsockname()[1])
        self.child_args = list(child_args)
        self.children: list[subprocess.Popen[bytes] | None] = [None] * n
        self.started_at: list[float] = [0.0] * n
        self._stopping = False
        self._fast_deaths = 0

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def _spawn(self, i: int) -> None:
        fd = self.sock.fileno()
        args = [sys.executable, *CHILD, "web", "--listen-fd", str(fd), *self.child_args]
        self.children[i] = subprocess.Popen(args, pass_fds=(fd,))
        self.started_at[i] = time.monotonic()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._stopping = True

    def run(self) -> int:
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for i in range(self.n):
                self._spawn(i)
            while not self._stopping:
                time.sleep(0.2)
                if self._reap() >= GIVE_UP_AFTER:
                    log.error("web processes keep failing at start; stopping")
                    self._stop_children()
                    return 2
            self._stop_children()
            return 0
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            self.sock.close()

    def _reap(self) -> int:
        """Restart children that exited; returns how many fast deaths in a row there have been."""
        for i, child in enumerate(self.children):
            if child is None or child.poll() is None or self._stopping:
                continue
            lived = time.monotonic() - self.started_at[i]
            self._fast_deaths = self._fast_deaths + 1 if lived < FAST_DEATH_S else 0
            log.warning("web process %d (pid %d) exited with %s; restarting", i, child.pid, child.returncode)
            if self._fast_deaths >= GIVE_UP_AFTER:
                return self._fast_deaths
            time.sleep(RESTART_PAUSE_S)
            self._spawn(i)
        return self._fast_deaths

    def _stop_children(self) -> None:
        alive = [c for c in self.children if c is not None and c.poll() is None]
        for c in alive:
            c.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for c in alive:
            try:
                c.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("web process %d did not stop in %.0f s; killing it", c.pid, STOP_TIMEOUT_S)
                c.kill()
                c.wait()
