"""First load of the dashboard's town page on the demo, in Debian's Chromium (Playwright):
the time until the page has drawn everything it asked for (every chart, the typical week,
the events' impacts and the benchmark lines) and its weight (bytes transferred, compressed
where the server compresses). Targets (issue 8): under 1 s, under 300 KB.

    .venv/bin/daks demo                                   # once: the demo in ./var
    .venv/bin/python bench/dashboard.py                   # 5 cold loads of the default town
    .venv/bin/python bench/dashboard.py --data-dir /tmp/demo --town oostkamp --runs 10

Each run is a fresh browser context (empty cache, as a first visit) against the app under
uvicorn (one worker) on a free loopback port. Printed per run: the load event, "drawn" (the
page's own mark when its last answer is drawn), requests and bytes; then the medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOAD_TARGET_MS = 1000
WEIGHT_TARGET_KB = 300

WEIGHT = """() => {
  const [nav] = performance.getEntriesByType("navigation");
  const resources = performance.getEntriesByType("resource");
  return {
    load: nav.loadEventEnd,
    bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0),
    requests: 1 + resources.length,
    drawn: Number(document.body.dataset.readyAt),
  };
}"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(data_dir: Path, port: int, log: Any) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DAKS_DATA_DIR": str(data_dir),
        "DAKS_BASE_URL": f"http://127.0.0.1:{port}",
        "DAKS_RATE_LIMIT_PUBLIC": "100000/minute",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "daks.api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start (see its log above)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("var"), help="where `daks demo` ran")
    parser.add_argument("--town", default=None, help="default: the page's own choice")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = _port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = _serve(args.data_dir.resolve(), port, log)
        try:
            _wait(base, process)
            if httpx.get(f"{base}/v1/releases/current").status_code != 200:
                raise SystemExit(f"no release in {args.data_dir}: run `daks demo` there first")
            path = "/" + (f"?town={args.town}" if args.town else "")
            rows = _measure(sync_playwright, args.chromium, base + path, args.runs)
        finally:
            process.terminate()
            process.wait(timeout=10)
            if process.returncode not in (0, -15):
                log.seek(0)
                print(log.read().decode(errors="replace")[-3000:])
    _report(rows, path)


def _measure(sync_playwright: Any, chromium: str, url: str, runs: int) -> list[dict[str, float]]:
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        warm = browser.new_context()  # one untimed load: the server's first-request work
        warm.new_page().goto(url)
        warm.close()
        for run in range(1, runs + 1):
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("body[data-ready=true]", timeout=30_000)
            page.wait_for_load_state("load")
            row = page.evaluate(WEIGHT)
            rows.append(row)
            print(
                f"run {run}: load event {row['load']:.0f} ms, drawn {row['drawn']:.0f} ms,"
                f" {row['requests']} requests, {row['bytes'] / 1024:.1f} KB transferred"
            )
            context.close()
        browser.close()
    return rows


def _report(rows: list[dict[str, float]], path: str) -> None:
    load = statistics.median(r["load"] for r in rows)
    drawn = statistics.median(r["drawn"] for r in rows)
    weight = statistics.median(r["bytes"] for r in rows) / 1024
    print(f"\ntown page {path} on the demo, median of {len(rows)} cold loads:")
    print(f"  load event      {load:7.0f} ms")
    print(f"  everything drawn{drawn:7.0f} ms   (target < {LOAD_TARGET_MS} ms)"
          f" {'ok' if drawn < LOAD_TARGET_MS else 'OVER'}")  # fmt: skip
    print(f"  page weight     {weight:7.1f} KB   (target < {WEIGHT_TARGET_KB} KB)"
          f" {'ok' if weight < WEIGHT_TARGET_KB else 'OVER'}")  # fmt: skip


if __name__ == "__main__":
    main()
