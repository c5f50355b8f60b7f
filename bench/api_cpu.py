"""CPU per request of the API, measured in-process: the ASGI app driven directly (no
socket, no client) on a built release, the process's CPU time (every thread) divided by the
requests. On a shared machine throughput and latency move with the neighbours; CPU time per
request moves far less, and a bare FastAPI endpoint measured in the same run gives the ratio.

    .venv/bin/python bench/api_cpu.py                       # 100k cells on SQLite, 1,000 requests
    .venv/bin/python bench/api_cpu.py --requests 300 --cells 20000
    .venv/bin/python bench/api_cpu.py --database postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/api_cpu.py --inflight 4            # as under load: 4 at a time

Scenarios are those of bench/api.py: 1,000-cell JSON-LD pages (as they are, and gzipped for
a client that accepts it) and 24-cell day queries (plain JSON) at a random location and day,
and 304 revalidations of 20 fixed questions.
The worker's answer cache is emptied before every page and day query: under load those are
new questions (tens of thousands of location-days), so the bench measures the answer that
reads and renders cells; `--keep` leaves the cache on. Also printed: the modules a worker
imports that only few routes need, and the worker's resident memory after the scenarios.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]
HEAVY = ("rdflib", "numpy", "holidays", "scipy", "pyarrow", "pyld", "pyshacl", "pandas")


def _load_bench() -> Any:
    """bench/api.py, for its release builder and calendar (bench is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_api", ROOT / "bench" / "api.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def call(app: App, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI app, as uvicorn would hand it over."""
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"bench"),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status = 0
    out: dict[str, str] = {}
    body: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            out.update((k.decode(), v.decode()) for k, v in message["headers"])
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, out, b"".join(body)


def bare_app() -> App:
    """The floor: FastAPI routing one path to a plain async endpoint, no middleware."""
    from fastapi import FastAPI, Response

    app = FastAPI()

    @app.get("/ping")
    async def ping() -> Response:
        return Response(b'{"ok":true}', media_type="application/json")

    return app


def questions(scenario: str, locations: int, year_start: int, n: int) -> list[str]:
    """The same random questions as bench/api.py's wrk script asks."""
    rng = random.Random(scenario)

    def iso(t: int) -> str:
        return time.strftime("%Y-%m-%dT%H:00:00Z", time.gmtime(t))

    urls = []
    for _ in range(n):
        loc = f"loc{rng.randrange(locations):05d}"
        start = year_start + rng.randrange(300) * 86400
        if scenario == "pages":
            urls.append(
                f"/v1/observations?metric=pedestrians&location={loc}&limit=1000&from={iso(start)}"
            )
        else:
            urls.append(
                f"/v1/observations?metric=pedestrians&location={loc}"
                f"&from={iso(start)}&to={iso(start + 86400)}"
            )
    return urls


async def measure(
    app: App,
    requests: list[tuple[str, dict[str, str]]],
    expected: int,
    reset: Callable[[], None],
    inflight: int = 1,
) -> tuple[float, float]:
    """CPU ms and wall ms per request, the best of 5 rounds over the list (other work on
    a shared machine only ever adds to a round: the least disturbed one is the figure),
    with `inflight` requests at a time (as a loaded worker has them)."""
    for url, headers in requests[: max(1, len(requests) // 10)]:  # warm up
        reset()
        await call(app, url, headers)
    slots = asyncio.Semaphore(inflight)

    async def one(url: str, headers: dict[str, str]) -> None:
        async with slots:
            reset()
            status, _, body = await call(app, url, headers)
        if status != expected:
            raise SystemExit(f"{url}: {status} instead of {expected}: {body[:300]!r}")

    cpu, wall = [], []
    for _ in range(5):
        c0, w0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one(url, headers) for url, headers in requests))
        cpu.append((time.process_time() - c0) * 1000 / len(requests))
        wall.append((time.perf_counter() - w0) * 1000 / len(requests))
    return min(cpu), min(wall)


# A fresh interpreter that makes the app as a uvicorn worker does: what it imports and holds.
_STARTUP = """
import os, sys
from daks.api.app import create_app
from daks.settings import Settings
create_app(Settings(database_url=sys.argv[1]))
with open("/proc/self/statm") as f:
    rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
heavy = [m for m in sys.argv[2:] if m in sys.modules]
print(f"a worker after start-up: {rss:.0f} MB resident;"
      f" imports of few routes loaded: {', '.join(heavy) or 'none'}")
"""


def startup(url: str) -> None:
    subprocess.run([sys.executable, "-c", _STARTUP, url, *HEAVY], check=True, cwd=ROOT)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def run(args: argparse.Namespace, url: str, locations: int, bench: Any) -> None:
    from daks.api.answers import Answers
    from daks.api.app import create_app
    from daks.settings import Settings

    settings = Settings(
        database_url=url,
        base_url="http://127.0.0.1:8000",
        rate_limit_public="10000000/minute",
        redis_url=args.redis,
    )
    app = create_app(settings)
    answers: Answers = app.state.answers
    kept = app.state.answers

    def reset() -> None:
        if not args.keep:
            app.state.answers = Answers(kept.max_bytes)

    def nothing() -> None:
        pass

    n = args.requests
    pages = [
        (u, {"Accept": "application/ld+json"})
        for u in questions("pages", locations, bench.YEAR_START, n)
    ]
    days: list[tuple[str, dict[str, str]]] = [
        (u, {}) for u in questions("days", locations, bench.YEAR_START, n)
    ]
    if args.profile:
        await profile(app, args.profile, locations, bench.YEAR_START, n, reset)
        return
    rows: list[tuple[str, float, float]] = []
    floor = bare_app()
    rows.append(("bare FastAPI endpoint", *await measure(floor, [("/ping", {})] * n, 200, nothing)))
    async with app.router.lifespan_context(app):
        fixed = [f"/v1/observations?location=loc{i % locations:05d}&limit=100" for i in range(20)]
        revalidations = []
        for u in fixed:
            _, headers, _ = await call(app, u, {})
            revalidations.append((u, {"If-None-Match": headers["etag"]}))
        at_once = args.inflight
        rows.append(
            (
                "304 revalidation",
                *await measure(app, revalidations * (n // 20), 304, nothing, at_once),
            )
        )
        rows.append(("24-cell day query (JSON)", *await measure(app, days, 200, reset, at_once)))
        rows.append(("1,000-cell page (JSON-LD)", *await measure(app, pages, 200, reset, at_once)))
        gzipped = [(u, {**h, "Accept-Encoding": "gzip"}) for u, h in pages]
        rows.append(("the same page, gzipped", *await measure(app, gzipped, 200, reset, at_once)))
    app.state.engine.dispose()
    del answers
    base = rows[0][1]
    print(f"{'scenario':<28} {'CPU ms/req':>10} {'x bare':>7} {'wall ms/req':>11}")
    for name, cpu, wall in rows:
        print(f"{name:<28} {cpu:10.3f} {cpu / base:7.1f} {wall:11.3f}")
    gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"worker after the scenarios: {rss_mb():.0f} MB resident (peak {peak:.0f} MB)")


async def profile(
    app: App, scenario: str, locations: int, year_start: int, n: int, reset: Callable[[], None]
) -> None:
    import cProfile
    import pstats

    import anyio.to_thread

    async def inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        if scenario == "304":
            url = "/v1/observations?location=loc00000&limit=100"
            _, headers, _ = await call(app, url, {})
            requests = [(url, {"If-None-Match": headers["etag"]})] * n
        else:
            media = {"Accept": "application/ld+json"} if scenario == "pages" else {}
            requests = [(u, media) for u in questions(scenario, locations, year_start, n)]
        for url, headers in requests[:20]:
            await call(app, url, headers)
        profiler = cProfile.Profile()
        profiler.enable()
        for url, headers in requests:
            reset()
            await call(app, url, headers)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(60)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cells", type=int, default=100_000, help="size of the release built")
    parser.add_argument("--requests", type=int, default=1000, help="per scenario and round")
    parser.add_argument("--database", help="an empty database to build in (default: SQLite)")
    parser.add_argument("--redis", help="rate-limit storage, e.g. redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep answers between requests")
    parser.add_argument(
        "--inflight",
        type=int,
        default=1,
        help="requests at a time (a loaded worker has several: its threads then contend)",
    )
    parser.add_argument(
        "--profile",
        choices=("304", "days", "pages"),
        help="profile one scenario instead (thread hops run inline so cProfile sees them)",
    )
    args = parser.parse_args()
    bench = _load_bench()
    with tempfile.TemporaryDirectory(prefix="daks-bench-cpu-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        began = time.perf_counter()
        locations = bench.build(url, args.cells)
        print(
            f"built a release of {args.cells:,} cells ({locations} locations)"
            f" in {time.perf_counter() - began:.0f} s on {url.split(':', 1)[0]}"
        )
        startup(url)
        asyncio.run(run(args, url, locations, bench))


if __name__ == "__main__":
    main()
