"""`daks serve --workers N`: the supervisor deals connections to its workers in turn, starts
a worker that died again, and stops cleanly. Real processes on a real port and database."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def _workers(supervisor: int) -> list[int]:
    """The supervisor's child processes, whichever of its threads started them."""
    children = []
    for task in Path(f"/proc/{supervisor}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


def _connections(pid: int, port: int) -> int:
    """Established TCP connections to `port` whose socket the process `pid` holds."""
    with open("/proc/net/tcp") as f:
        inodes = {
            fields[9]
            for fields in (line.split() for line in f.readlines()[1:])
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01"
        }
    held = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        held += target.startswith("socket:[") and target[8:-1] in inodes
    return held


def _ask(connection: http.client.HTTPConnection) -> http.client.HTTPConnection:
    """The connection, kept alive, once /health has answered on it."""
    connection.request("GET", "/health")
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    return connection


def _health(port: int) -> http.client.HTTPConnection:
    return _ask(http.client.HTTPConnection("127.0.0.1", port, timeout=10))


def _until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "serve.log"


@pytest.fixture
def supervisor(
    engine: Engine, database_url: str, tmp_path: Path, log: Path
) -> Iterator[tuple[int, int]]:
    """`python -m daks.cli.dealer` with 2 workers, as `daks serve --workers 2` runs it: its
    process id and port, once both workers answer."""
    port = free_port()
    env = {**os.environ, "DAKS_DATABASE_URL": database_url, "DAKS_DATA_DIR": str(tmp_path)}
    env.pop("DAKS_REDIS_URL", None)
    out = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "daks.cli.dealer", "127.0.0.1", str(port), "2"],
        env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    try:
        _until(lambda: b"daks: listening on" in log.read_bytes(), 60)
        yield process.pid, port
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)
        out.close()


def test_connections_are_dealt_to_the_workers_in_turn(supervisor: tuple[int, int]) -> None:
    pid, port = supervisor
    # Opened at once, as a pool or a load test opens them (the burst one worker took whole
    # from uvicorn's shared socket), then each asked once.
    opened = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(6)]
    for connection in opened:
        connection.connect()
    for connection in opened:
        _ask(connection)
    workers = _workers(pid)
    assert sorted(_connections(w, port) for w in workers) == [3, 3]
    assert _connections(pid, port) == 0  # the supervisor keeps none
    for connection in opened:
        connection.close()


def test_the_workers_write_the_access_log_without_keys(
    supervisor: tuple[int, int], log: Path
) -> None:
    _, port = supervisor
    key = "daks_0123abcd_" + "s" * 40
    for headers, query in (({"Authorization": f"Bearer {key}"}, ""), ({}, f"?api_key={key}")):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", f"/v1/towns{query}", headers=headers)
        connection.getresponse().read()
        connection.close()
    _until(lambda: log.read_text().count('"path":"/v1/towns"') == 2)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {(line["path"], line["status"]) for line in lines} == {
        ("/v1/towns", 401),
        ("/v1/towns", 400),
    }
    assert key not in log.read_text()
    assert "0123abcd" not in log.read_text()


def test_a_worker_that_dies_is_started_again(supervisor: tuple[int, int]) -> None:
    pid, port = supervisor
    first, second = _workers(pid)
    os.kill(first, signal.SIGKILL)
    _until(lambda: len(_workers(pid)) == 2 and first not in _workers(pid))
    assert second in _workers(pid)
    (new,) = set(_workers(pid)) - {second}
    # Every connection is answered meanwhile (by the other worker until the new one is
    # ready), and the new worker is dealt its turns once it is.
    opened: list[http.client.HTTPConnection] = []
    _until(lambda: opened.append(_health(port)) or _connections(new, port) > 0)
    for connection in opened:
        connection.close()


def test_sigterm_stops_the_supervisor_and_its_workers(supervisor: tuple[int, int]) -> None:
    pid, port = supervisor
    workers = _workers(pid)
    os.kill(pid, signal.SIGTERM)
    _until(lambda: _ended(pid))
    assert all(_ended(w) for w in workers)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_a_worker_that_cannot_start_the_app_stops_the_supervisor(
    database_url: str, tmp_path: Path
) -> None:
    env = {**os.environ, "DAKS_DATABASE_URL": database_url, "DAKS_MAX_REQUEST_BYTES": "lots"}
    finished = subprocess.run(
        [sys.executable, "-m", "daks.cli.dealer", "127.0.0.1", str(free_port()), "2"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 1
    assert "max_request_bytes" in finished.stderr  # the workers said why
    assert "a worker could not start the app" in finished.stderr
    assert "listening" not in finished.stderr


def test_a_taken_port_is_said_plainly(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "daks.cli.dealer", "127.0.0.1", str(port), "2"],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert finished.returncode == 1
    assert (
        finished.stderr.strip()
        == f"daks: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def _ended(pid: int) -> bool:
    """Gone, or a zombie its parent has not reaped yet."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
