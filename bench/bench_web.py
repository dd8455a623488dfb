"""Load test of the web: the leaderboard page (HTML) and API, 1 and 2 processes, and the loop's lag.

    uv run python bench/bench_web.py [--entries 20000 1000000] [--seconds 10] [--pg URL]

Needs PostgreSQL (``--pg``, default the test server's ``test`` database; each size gets a fresh
schema, dropped at the end) and ``wrk`` (Debian: ``apt-get install wrk``), a C load generator in its
own process, so the generator is not the bottleneck (its CPU time is reported).

For each size (player-race rows, seeded in bulk as ``bench_leaderboard_service.py`` does, with
last games in the past 20 days of the real clock):

* ``evoladder web`` (1 process) and ``evoladder web --workers 2``: 32 connections for
  ``--seconds`` on ``/api/v1/leaderboard``, ``/`` (HTML), and the API with a matching
  ``If-None-Match`` (the 304 path); req/s, p50 / p99 from wrk, and the CPU seconds of the servers
  and of wrk during the run;
* embedded: a ladder with the web on its own loop (as ``evoladder run``), loaded the same way,
  with ``loop_probe`` timing every callback and a 1 ms ticker (the bot's view of the loop); once at
  full load (32 connections flat out) and once paced (``--paced`` req/s, a spectator-sized load).

Writes ``bench/results/web.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

import bench_leaderboard_service as seeding
from evoladder.store.schema import upgrade

RESULTS = Path(__file__).parent / "results" / "web.json"
PG_BASE = os.environ.get("EVOLADDER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
CHILD = [sys.executable, "-c", "from evoladder.cli.main import app; app()", "web", "--port", "0"]
TARGETS = {
    "api": "/api/v1/leaderboard",
    "html": "/",
    "api_304": "/api/v1/leaderboard",
    "api_varied": "/api/v1/leaderboard",
    "html_varied": "/",
}
VARIED = """
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "{path}?page=" .. math.random(1, 200) .. "&page_size=" .. math.random(20, 59))
end
"""
"""Views that miss the body cache (8,000 page / size pairs against 512 kept): the render cost itself."""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


# ------------------------------------------------------------------ helpers
def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a live process (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def family(pid: int) -> list[int]:
    """A process and its children (the supervisor's web processes)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    return [pid, *map(int, kids)]


def wrk(url: str, seconds: float, connections: int, headers: dict[str, str], script: str = "") -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "5s"]
    if script:
        lua = Path(tempfile.mkdtemp()) / "varied.lua"
        lua.write_text(script)
        cmd += ["-s", str(lua)]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    done = subprocess.run([*cmd, url], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout} {done.stderr}")
    out = done.stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lat = {p: float(v) * UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": round(lat.get("50", 0.0), 3),
        "p99_ms": round(lat.get("99", 0.0), 3),
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "wrk_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
    }


def load(base: str, seconds: float, connections: int, pids: list[int]) -> dict[str, Any]:
    """wrk on each target; the servers' CPU seconds during each run."""
    import httpx

    out = {}
    for name, path in TARGETS.items():
        headers = {"Accept-Language": "en"}
        if name == "api_304":
            headers["If-None-Match"] = httpx.get(base.rstrip("/") + path).headers["etag"]
        httpx.get(base.rstrip("/") + path, headers=headers)  # warm (first compile, templates)
        cpu0 = sum(cpu_s(p) for p in pids)
        script = VARIED.replace("{path}", path) if name.endswith("_varied") else ""
        result = wrk(base.rstrip("/") + path, seconds, connections, headers, script)
        result["server_cpu_s"] = round(sum(cpu_s(p) for p in pids) - cpu0, 2)
        result["machine_load_1m"] = os.getloadavg()[0]
        out[name] = result
        print(f"  {name:8s} {result}", flush=True)
    return out


def start(cmd: list[str], env: dict[str, str], lines: int, pattern: str = "serving on") -> subprocess.Popen[str]:
    """Start ``cmd`` and wait until ``lines`` of its output contain ``pattern``; returns it (base URL on .base)."""
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    seen = 0
    while seen < lines:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{cmd} exited before serving")
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            proc.base = found.group(1)  # type: ignore[attr-defined]
        seen += pattern in line
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()


# ------------------------------------------------------------------ the embedded web (child mode)
async def embedded(url: str) -> None:
    """A ladder with the web on its loop; stdin ``start`` / ``stop`` bracket a measured window."""
    from evoladder.app import build
    from evoladder.config import Settings
    from evoladder.web import WebOptions, create_app
    from evoladder.web.server import WebServer
    from loop_probe import CallbackTimer, lag, ticker

    settings = Settings(database_url=url, rating_model="elo", log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
    ladder = build(settings)
    await ladder.start(expiry_interval_s=1.0, run_waves=True, run_replays=False)
    server = WebServer(create_app(ladder, WebOptions(expect_replay_workers=False)), "127.0.0.1", 0)
    await server.start()
    print(f"embedded serving on {server.url}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := (await reader.readline()).decode().strip():
            if line != "start":
                continue
            stop_tick = asyncio.Event()
            lags: list[float] = []
            timer = CallbackTimer()
            tick = asyncio.create_task(ticker(stop_tick, lags))
            with timer.installed():
                await reader.readline()  # "stop"
            stop_tick.set()
            await tick
            print(json.dumps({**lag(lags), **timer.summary()}), flush=True)
    finally:
        await server.stop()
        await ladder.stop()


async def paced(url: str, rate: float, seconds: float, connections: int) -> dict[str, Any]:
    """A fixed request rate over keep-alive connections (httpx), for the paced loop-lag run."""
    import httpx

    times: list[float] = []
    per = connections
    interval = per / rate

    async def one(client: httpx.AsyncClient, offset: float) -> None:
        t0 = time.perf_counter() + offset
        k = 0
        while time.perf_counter() - t0 < seconds:
            await asyncio.sleep(max(0.0, t0 + k * interval - time.perf_counter()))
            t = time.perf_counter()
            (await client.get(url)).raise_for_status()
            times.append(time.perf_counter() - t)
            k += 1

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=5) as client:
        await asyncio.gather(*(one(client, i * interval / per) for i in range(per)))
    times.sort()
    return {
        "req_per_s": round(len(times) / seconds, 1),
        "p50_ms": round(times[len(times) // 2] * 1000, 3),
        "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 3),
    }


def measure_embedded(url: str, env: dict[str, str], seconds: float, connections: int, rate: float) -> dict[str, Any]:
    proc = start([sys.executable, __file__, "--embedded", url], env, 1)
    assert proc.stdin is not None
    assert proc.stdout is not None
    base = proc.base  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    try:
        for name, path in (("api", TARGETS["api"]), ("html", TARGETS["html"])):
            proc.stdin.write("start\n")
            proc.stdin.flush()
            result = wrk(base.rstrip("/") + path, seconds, connections, {"Accept-Language": "en"})
            proc.stdin.write("stop\n")
            proc.stdin.flush()
            out[f"{name}_full_load"] = {**result, "loop": json.loads(proc.stdout.readline())}
            print(f"  embedded {name} full: {out[f'{name}_full_load']}", flush=True)
        for name, path in (("api", TARGETS["api"]), ("html", TARGETS["html"])):
            proc.stdin.write("start\n")
            proc.stdin.flush()
            before = resource.getrusage(resource.RUSAGE_SELF)
            result = asyncio.run(paced(base.rstrip("/") + path, rate, seconds, connections))
            after = resource.getrusage(resource.RUSAGE_SELF)
            result["generator_cpu_s"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)
            proc.stdin.write("stop\n")
            proc.stdin.flush()
            out[f"{name}_paced_{int(rate)}"] = {**result, "loop": json.loads(proc.stdout.readline())}
            print(f"  embedded {name} paced: {out[f'{name}_paced_{int(rate)}']}", flush=True)
        proc.stdin.write("\n")
        proc.stdin.flush()
    finally:
        stop(proc)
    return out


# ------------------------------------------------------------------ driver
def fresh_schema() -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in PG_BASE else "?"
    return name, f"{PG_BASE}{sep}options={quote(f'-csearch_path={name}')}"


def drop_schema(name: str) -> None:
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def run_size(entries: int, seconds: float, connections: int, rate: float, tmp: Path) -> dict[str, Any]:
    import random

    schema, url = fresh_schema()
    try:
        upgrade(url)
        seeding.NOW = datetime.now(UTC)  # ranked: last games within 20 days of the real clock
        t = time.perf_counter()
        players = asyncio.run(seeding.seed(url, entries, random.Random(11)))
        print(f"{entries} rows, {players} players seeded in {time.perf_counter() - t:.1f} s", flush=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVOLADDER_")}
        env.update(
            EVOLADDER_DATABASE_URL=url,
            EVOLADDER_DATA_DIR=str(tmp),
            EVOLADDER_LOG_LEVEL="WARNING",
            EVOLADDER_RATING_MODEL="elo",
        )
        result: dict[str, Any] = {"entries": entries, "players": players}
        for n in (1, 2):
            t = time.perf_counter()
            proc = start([*CHILD, "--workers", str(n)], env, n)
            started = time.perf_counter() - t
            print(f" {n} process(es) ready in {started:.1f} s", flush=True)
            try:
                pids = family(proc.pid)
                result[f"processes_{n}"] = {"start_s": round(started, 1), **load(proc.base, seconds, connections, pids)}  # type: ignore[attr-defined]
            finally:
                stop(proc)
        result["embedded"] = measure_embedded(url, env, seconds, connections, rate)
        return result
    finally:
        drop_schema(schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--paced", type=float, default=200.0, help="req/s of the paced embedded run")
    parser.add_argument("--embedded", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.embedded:
        asyncio.run(embedded(args.embedded))
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: apt-get install wrk")
    out = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        for entries in args.entries:
            load_start = os.getloadavg()
            result = run_size(entries, args.seconds, args.connections, args.paced, Path(tmp))
            result["machine"] = {
                "cpus": os.cpu_count(),
                "load_avg_at_start": load_start,
                "load_avg_at_end": os.getloadavg(),
            }
            result["connections"], result["seconds"] = args.connections, args.seconds
            out[str(entries)] = result
            RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
