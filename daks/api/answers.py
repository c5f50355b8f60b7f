"""Rendered answers of immutable releases, kept for the questions that come again.

A release never changes, so the answer to one question about it (the same path, query and
media type) is the same bytes and headers every time: a worker keeps the most recently
asked ones, bounded by their total size, and answers a repeat without reading or rendering
a cell. A newer release starts afresh: the answers worth keeping are the current one's.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Answer:
    body: bytes
    media_type: str
    headers: dict[str, str]  # ETag, Last-Modified, Vary, Cache-Control, Link

    @property
    def size(self) -> int:
        return len(self.body) + 512  # the headers and the entry itself, roughly


class Answers:
    """A least-recently-used map of answers, at most `max_bytes` of them in all; an answer
    larger than a quarter of that is not kept (it would push out many small ones)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._release = -1
        self._kept: OrderedDict[Hashable, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # routes run in the worker's thread pool

    def serve(self, release: int) -> None:
        """Called with the release a request reads: a newer one than seen so far starts
        afresh (an older one, pinned by a cursor, is kept beside it)."""
        if release > self._release:
            with self._lock:
                if release > self._release:
                    self._release = release
                    self._kept.clear()
                    self._bytes = 0

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._kept.get(key)
            if answer is not None:
                self._kept.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        if answer.size * 4 > self.max_bytes:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._kept[key] = answer
            self._bytes += answer.size
            while self._bytes > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self._bytes -= dropped.size

    def __len__(self) -> int:
        return len(self._kept)
