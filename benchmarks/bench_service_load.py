"""Load benchmark of the service: 100 concurrent clients screening single names over loopback.

    .venv/bin/python benchmarks/bench_service_load.py [--entities 20000] [--clients 100] [--seconds 20]

What it does, all on data generated here with a fixed seed:
1. builds a workspace whose registry holds `--entities` listed people and companies (names from the
   synthetic bank's name pools), and one analyst with an API key;
2. starts `chainbreaker serve` logic (uvicorn, one process) on a free loopback port in a child process;
3. phase "users": `--clients` concurrent clients, each screening one name, thinking 0.5-1.5 s, again, for
   `--seconds` (100 analysts and integrations working at once; the target applies here);
4. phase "saturation": the same clients with no think time, to find the throughput ceiling;
5. baseline measured in the same run: `Screener.screen_one` called directly in Python (no HTTP, no
   auth), i.e. the floor the service adds its overhead to.
Reports p50/p95/p99 latency, errors, throughput and the server's peak memory. Target: users-phase
p95 <= 100 ms and no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import socket
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "service_load"
SECRET = "benchmark-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
SEED = 20250601


def names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    from chainbreaker.synth.names import CULTURES

    out: list[tuple[str, str]] = []
    for i in range(count):
        culture = CULTURES[rng.randrange(len(CULTURES))]
        if i % 5 == 4:
            out.append(
                (
                    "Company",
                    f"{rng.choice(culture.surnames)} {rng.choice(['Trading', 'Recruitment', 'Holdings', 'Imports'])} Ltd",
                )
            )
        else:
            first = rng.choice(culture.female + culture.male)
            out.append(("Person", f"{first} {rng.choice(culture.surnames)} {rng.choice(culture.surnames)}"))
    return out


def build_workspace(entities: int) -> tuple[Path, str, list[str]]:
    """The registry and one analyst; returns (workspace root, API key, query names)."""
    from chainbreaker.core.settings import Settings
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.registry.model import EntityBuilder, SourceRead
    from chainbreaker.registry.store import RegistryStore
    from chainbreaker.service import admin

    rng = random.Random(SEED)
    root = DATA / f"ws-{entities}"
    listed = names(entities, rng)
    queries = [name for _schema, name in rng.sample(listed, 200)] + [n for _s, n in names(200, rng)]
    marker = root / "ready"
    settings = Settings(secret_key=SECRET, database_url=f"sqlite:///{root / 'cases.sqlite'}")
    workspace = Workspace(root)
    if not marker.exists():
        if root.exists():
            import shutil

            shutil.rmtree(root)
        read = SourceRead(files=[])
        for i, (schema, name) in enumerate(listed):
            builder = EntityBuilder.create("bench_list", str(i), schema)
            builder.add("name", name)
            read.put(builder)
        read.rows_read = len(listed)
        with RegistryStore(workspace) as store:
            store.apply_edition("bench_list", read, date(2025, 1, 1), "c" * 64, datetime(2025, 1, 1))
        admin.add_user(workspace, settings, "bench", "analyst", "benchmark password", "analyst")
        marker.write_text("ok")
    key, _prefix = admin.create_api_key(workspace, settings, "analyst")
    return root, key, queries


def serve(root: str, port: int) -> None:
    from chainbreaker.core.settings import Settings
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.service.server import run_server

    settings = Settings(secret_key=SECRET, database_url=f"sqlite:///{Path(root) / 'cases.sqlite'}")
    run_server(settings, Workspace(Path(root)), "127.0.0.1", port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Connection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: a load generator must cost far less CPU
    than the server it measures (httpx costs about as much as the server per request), since both share
    this machine's two cores."""

    def __init__(self, host: str, port: int, key: str) -> None:
        self.host, self.port, self.key = host, port, key
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post_json(self, path: str, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {self.key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
        await self.reader.readexactly(length)
        return int(status_line.split()[1])

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def client(
    url: str,
    key: str,
    queries: list[str],
    seed: int,
    until: float,
    think: bool,
    latencies: list[float],
    errors: list[str],
) -> None:
    rng = random.Random(seed)
    host, port = url.removeprefix("http://").split(":")
    conn = Connection(host, int(port), key)
    if think:
        await asyncio.sleep(rng.uniform(0, 1.0))  # users do not all start in the same millisecond
    while time.monotonic() < until:
        body = json.dumps({"name": rng.choice(queries), "limit": 10}).encode()
        start = time.perf_counter()
        try:
            status = await conn.post_json("/api/v1/screening", body)
            if status != 200:
                errors.append(str(status))
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as exc:
            errors.append(type(exc).__name__)
            await conn.close()
            conn = Connection(host, int(port), key)
        latencies.append(time.perf_counter() - start)
        if think:
            await asyncio.sleep(rng.uniform(0.5, 1.5))
    await conn.close()


async def phase(
    url: str, key: str, queries: list[str], clients: int, seconds: float, think: bool
) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(client(url, key, queries, SEED + i, until, think, latencies, errors) for i in range(clients))
    )
    elapsed = time.perf_counter() - started
    return summarize(latencies, len(errors), elapsed)


def summarize(latencies: list[float], errors: int, elapsed: float) -> dict[str, float]:
    ms = sorted(x * 1000 for x in latencies)
    if len(ms) < 2:
        raise SystemExit(f"only {len(ms)} request(s) completed ({errors} errors); is the server up?")
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "requests": len(ms),
        "errors": errors,
        "rps": len(ms) / elapsed,
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "max": ms[-1] if ms else 0.0,
    }


def baseline(root: Path, queries: list[str], repeat: int = 2000) -> dict[str, float]:
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.screening.index import Screener

    screener = Screener.from_workspace(Workspace(root))
    rng = random.Random(SEED)
    latencies = []
    started = time.perf_counter()
    for _ in range(repeat):
        name = rng.choice(queries)
        t = time.perf_counter()
        screener.screen_one(name, limit=10)
        latencies.append(time.perf_counter() - t)
    return summarize(latencies, 0, time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    root, key, queries = build_workspace(args.entities)
    print(f"workspace: {args.entities} listed entities, built/reused in {time.perf_counter() - t0:.1f} s")
    port = free_port()
    server = mp.get_context("spawn").Process(target=serve, args=(str(root), port), daemon=True)
    server.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    proc = psutil.Process(server.pid)
    warm = httpx.post(
        f"{url}/api/v1/screening",
        json={"name": queries[0]},
        headers={"Authorization": f"Bearer {key}"},
        timeout=120,
    )
    assert warm.status_code == 200, warm.text
    peak = [proc.memory_info().rss]

    async def run_all() -> dict[str, dict[str, float]]:
        async def watch() -> None:
            while True:
                peak[0] = max(peak[0], proc.memory_info().rss)
                await asyncio.sleep(0.2)

        watcher = asyncio.create_task(watch())
        users = await phase(url, key, queries, args.clients, args.seconds, think=True)
        saturation = await phase(url, key, queries, args.clients, min(args.seconds, 10.0), think=False)
        watcher.cancel()
        return {"users (think 0.5-1.5 s)": users, "saturation (no think)": saturation}

    results = asyncio.run(run_all())
    server.terminate()
    server.join(10)
    results["baseline: screen_one in Python"] = baseline(root, queries)
    print(
        f"\n{args.clients} concurrent clients, {args.seconds:.0f} s, {args.entities} listed entities, 1 server process"
    )
    print(
        f"{'phase':34} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for name, r in results.items():
        print(
            f"{name:34} {r['requests']:9.0f} {r['errors']:7.0f} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f}"
        )
    print(
        f"server peak RSS: {peak[0] / 2**20:.0f} MiB; client peak RSS: {psutil.Process().memory_info().rss / 2**20:.0f} MiB"
    )
    users = results["users (think 0.5-1.5 s)"]
    ok = users["p95"] <= 100.0 and users["errors"] == 0 and results["saturation (no think)"]["errors"] == 0
    print(f"target p95 <= 100 ms and no errors: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
