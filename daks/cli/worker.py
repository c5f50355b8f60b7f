"""A worker of `daks serve --workers N`: uvicorn serving the app on the connections the
supervisor (`daks.cli.dealer`) deals it. It listens on nothing itself; each connection
comes as a file descriptor over the Unix socket pair it was started with.

    python -m daks.cli.worker FD
"""

from __future__ import annotations

import asyncio
import socket
import sys
from functools import partial

import uvicorn

from daks.cli.dealer import READY
from daks.cli.uvicorn_config import APP, OPTIONS

# Connections received from one wake-up of the channel (more stay queued for the next).
BATCH = 64


class DealtServer(uvicorn.Server):
    """uvicorn's server, fed connections instead of accepting them: the protocol it would
    give an accepted connection is given each dealt one."""

    def __init__(self, config: uvicorn.Config, channel: socket.socket) -> None:
        super().__init__(config)
        self.channel = channel
        self.joining: set[asyncio.Task[object]] = set()  # held until taken up (asyncio's advice)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=[])  # the app and its lifespan, no listener
        loop = asyncio.get_running_loop()
        # As uvicorn's startup makes its protocols (the class's type says only "a Protocol").
        protocol = partial(
            self.config.http_protocol_class,  # type: ignore[call-arg]
            config=self.config,
            server_state=self.server_state,
            app_state=self.lifespan.state,
        )
        self.channel.setblocking(False)
        loop.add_reader(self.channel.fileno(), self._take, loop, protocol)
        self.channel.send(READY)

    def _take(self, loop: asyncio.AbstractEventLoop, protocol: partial[asyncio.Protocol]) -> None:
        for _ in range(BATCH):
            try:
                message, fds, _, _ = socket.recv_fds(self.channel, 1, 1)
            except BlockingIOError:
                return
            if not message and not fds:  # the supervisor is gone: finish and stop
                loop.remove_reader(self.channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                connection = socket.socket(fileno=fd)
                task = loop.create_task(loop.connect_accepted_socket(protocol, connection))
                self.joining.add(task)
                task.add_done_callback(partial(self._joined, connection))

    def _joined(self, connection: socket.socket, task: asyncio.Task[object]) -> None:
        self.joining.discard(task)
        if task.cancelled() or task.exception() is not None:  # the client left meanwhile
            connection.close()


def main(fd: int) -> None:
    channel = socket.socket(fileno=fd)
    config = uvicorn.Config(APP, **OPTIONS)
    DealtServer(config, channel).run()


if __name__ == "__main__":
    main(int(sys.argv[1]))
