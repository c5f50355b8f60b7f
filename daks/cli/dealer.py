"""The supervisor of `daks serve --workers N`: it alone listens, and deals the connections
it accepts to its worker processes in turn.

uvicorn's own `--workers` hands one listening socket to every worker, and each accepts all
the connections waiting when it wakes. A client that opens its connections at once (a
browser, a proxy's pool, a load test) lands them mostly on one worker: 44 of 50 in one run
of bench/api.py, whose answers then waited seven times as long as the other worker's while
that one had little to do. Dealt in turn, each worker holds its share of the connections.

The supervisor imports nothing of the app (its memory is a bare interpreter's); a worker is
`daks.cli.worker`, which receives each connection over a Unix socket pair as a file
descriptor, and says "ready" on it once it serves. Connections are dealt to ready workers
only. A worker that dies is started again (unless the app could not start at all: then the
supervisor stops, as starting it again would not help); SIGTERM or SIGINT stops dealing and
lets the workers finish what they are answering.

    python -m daks.cli.dealer HOST PORT WORKERS
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass

BACKLOG = 2048  # as uvicorn's
READY = b"ready"  # what a worker says once it serves
STARTUP_SECONDS = 60  # a worker's time to import and start the app
SEND_SECONDS = 1.0  # a worker that takes no connection for this long is passed over
STOP_SECONDS = 30  # a worker's time to finish what it is answering
STARTUP_FAILURE = 3  # a worker's exit status when the app could not start (uvicorn's)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    channel: socket.socket  # the supervisor's end of the pair; the worker holds the other
    ready: bool = False


def start_worker() -> Worker:
    # Datagrams in order: one connection's descriptor a message, never two run together.
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    process = subprocess.Popen(
        [sys.executable, "-m", "daks.cli.worker", str(theirs.fileno())],
        pass_fds=[theirs.fileno()],
    )
    theirs.close()
    return Worker(process, ours)


def await_ready(worker: Worker) -> bool:
    """Waits for the worker to say it serves: False if it exits or stays silent."""
    worker.channel.settimeout(STARTUP_SECONDS)
    try:
        said = worker.channel.recv(len(READY))
    except OSError:  # silent for too long, or closed by a stop meanwhile
        said = b""
    worker.channel.settimeout(SEND_SECONDS)
    worker.ready = said == READY
    return worker.ready


class Dealer:
    """Deals accepted connections to the ready `workers` in turn. A worker found dead is
    replaced, and its turn passes to the next; a worker whose queue stays full for
    `SEND_SECONDS` is passed over for that connection."""

    def __init__(self, listener: socket.socket, workers: list[Worker]) -> None:
        self.listener = listener
        self.workers = workers
        self.turn = 0
        self.stopping = threading.Event()
        self.failed = False  # a worker could not start the app: starting it again won't help
        self.lock = threading.Lock()  # the dealing thread, the watching one, the admitting ones

    def deal(self, connection: socket.socket) -> None:
        try:
            with self.lock:
                for _ in range(len(self.workers)):
                    index = self.turn
                    self.turn = (index + 1) % len(self.workers)
                    worker = self.workers[index]
                    if not worker.ready:
                        continue
                    try:
                        socket.send_fds(worker.channel, [b"c"], [connection.fileno()])
                        return
                    except TimeoutError:  # alive but not taking any: the next one may
                        continue
                    except OSError:  # gone: its end of the pair is closed
                        self._replace(index)
        finally:
            connection.close()  # the worker holds its own copy now (or none took it)

    def _replace(self, index: int) -> None:
        """Under the lock: a new worker for the one at `index`, which has ended or is
        ending; the new one is dealt connections once it says it is ready."""
        old = self.workers[index]
        old.ready = False
        old.channel.close()
        if old.process.wait() == STARTUP_FAILURE:
            self.failed = True
            self.stopping.set()
        if self.stopping.is_set():
            return
        new = self.workers[index] = start_worker()
        threading.Thread(target=await_ready, args=(new,), daemon=True).start()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:  # the listener was shut down to stop
                break
            self.deal(connection)

    def watch(self) -> None:
        """Replaces a worker that died while no connection came to find out."""
        while not self.stopping.wait(1.0):
            with self.lock:
                for index, worker in enumerate(self.workers):
                    if worker.process.poll() is not None:
                        self._replace(index)

    def stop(self) -> None:
        self.stopping.set()
        # Wakes the thread blocked in accept (closing alone would not) and frees the port.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for worker in self.workers:
                if worker.process.poll() is None:
                    worker.process.send_signal(signal.SIGTERM)
            for worker in self.workers:
                try:
                    worker.process.wait(STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait()
                worker.channel.close()


def main(host: str, port: int, count: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listener = socket.create_server((host, port), family=family, backlog=BACKLOG)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        sys.exit(f"daks: cannot listen on {host}:{port}: {reason}")
    dealer = Dealer(listener, [start_worker() for _ in range(count)])
    signal.signal(signal.SIGTERM, lambda *_: dealer.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: dealer.stopping.set())
    if all(await_ready(worker) for worker in dealer.workers):
        threads = [threading.Thread(target=t, daemon=True) for t in (dealer.run, dealer.watch)]
        for thread in threads:
            thread.start()
        print(
            f"daks: listening on http://{host}:{port}, {count} workers (press CTRL+C to quit)",
            file=sys.stderr,
            flush=True,
        )
    else:  # a worker that exits or stays silent, unless a signal stopped them all meanwhile
        dealer.failed = not dealer.stopping.is_set()
        dealer.stopping.set()
    dealer.stopping.wait()  # a signal's handler, or a worker that could not start
    dealer.stop()
    if dealer.failed:
        sys.exit("daks: a worker could not start the app; stopped")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
