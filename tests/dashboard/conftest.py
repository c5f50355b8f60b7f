"""Fixtures of the dashboard tests: the API's test app and release (reused), and for the
browser tests a seeded town served by uvicorn on a free loopback port and Debian's
Chromium driven by Playwright.

Outside CI the browser tests are skipped when Chromium or Playwright is missing, saying
why; in CI (`CI=true`) they fail instead, since `.ci/run` installs Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from daks.store.db import make_engine, migrate
from tests.api.conftest import client, release, settings, town  # noqa: F401 (fixtures)
from tests.dashboard.seed import Seeded, seed
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (in CI the browser tests must run: .ci/run installs chromium)")
    pytest.skip(f"{reason}; the browser tests run in CI")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if path is None:
        _unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    folder = tmp_path_factory.mktemp("dashdorp")
    url = f"sqlite:///{folder / 'daks.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    try:
        return seed(engine, folder, url)
    finally:
        engine.dispose()


@contextmanager
def _serve(seeded: Seeded, folder: Path, extra: dict[str, str] | None = None) -> Iterator[str]:
    """The app under uvicorn, as `daks serve` runs it, on the seeded database."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DAKS_DATABASE_URL": seeded.database_url,
        "DAKS_DATA_DIR": str(folder),
        "DAKS_BASE_URL": base,
        "DAKS_RATE_LIMIT_PUBLIC": "100000/minute",
        "DAKS_RATE_LIMIT_RETAILER": "100000/minute",
        "DAKS_RATE_LIMIT_INTERNAL": "100000/minute",
        **(extra or {}),
    }
    env.pop("DAKS_REDIS_URL", None)
    if not extra:
        env.pop("DAKS_MAP_TILE_URL", None)
    log = (folder / "uvicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "daks.api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError((folder / "uvicorn.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as a town runs it by default: no tile service."""
    with _serve(seeded, tmp_path_factory.mktemp("serve")) as base:
        yield base


TILES = "https://tiles.test/{z}/{x}/{y}.png"  # answered by the browser test itself


@pytest.fixture(scope="session")
def tiled_server(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with a tile service configured behind the town map."""
    extra = {"DAKS_MAP_TILE_URL": TILES, "DAKS_MAP_TILE_ATTRIBUTION": "Test tiles"}
    with _serve(seeded, tmp_path_factory.mktemp("serve-tiles"), extra) as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


class Console:
    """What a page said: console errors, uncaught exceptions, and the API's answers."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.answers: list[tuple[int, str]] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("response", lambda r: self.answers.append((r.status, r.url)))
        page.on("request", lambda r: self.requests.append(r.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def unexplained(self, expected: tuple[tuple[int, str], ...] = ()) -> list[str]:
        """Console errors, less Chromium's own line for each API answer the page was meant
        to receive and show (an impact that cannot be measured, a refused file)."""
        allowed = [
            status
            for status, url in self.answers
            if any(status == s and part in url for s, part in expected)
        ]
        left = []
        prefix = "Failed to load resource: the server responded with a status of"
        for text in self.errors:
            match = next((s for s in allowed if text.startswith(f"{prefix} {s}")), None)
            if match is None:
                left.append(text)
            else:
                allowed.remove(match)
        return left


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
