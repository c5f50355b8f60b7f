"""Giving a worker's freed memory back to the system between megabyte answers.

A 1,000-cell JSON-LD page is about a megabyte, built from many smaller pieces. glibc keeps
what a page used in its heap for the next one, and under load a worker's heap settles far
above what it holds at any moment (fragments between live objects cannot be returned). Its
`malloc_trim` gives back every whole free page of the heap; called after every few dozen
megabytes answered, it keeps a worker's resident memory near what it really uses. Each call
costs more than itself: the pages it gives back are faulted in and zeroed again by the next
answers. Every 16 MB (14 pages) that cost 8 % of the page throughput; every 64 MB it costs
little (bench/api.py's pages: 561 -> 608 req/s, the server's peak RSS 248 -> 256 MB).
(Fixing glibc's mmap threshold instead did the same for memory but made every page 40 %
more expensive to build: each large buffer then gets a mapping of its own, faulted in and
zeroed anew.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

TRIM_EVERY = 64 * 2**20  # bytes answered between two trims (about 56 pages)


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    return trim


class Trimmer:
    """Counts the bytes a worker answers and trims its heap after every `every` of them."""

    def __init__(self, every: int = TRIM_EVERY) -> None:
        self.every = every
        self.pending = 0
        self.trims = 0
        self._trim = _malloc_trim()

    def answered(self, size: int) -> None:
        self.pending += size
        if self.pending >= self.every:
            self.pending = 0
            if self._trim is not None:
                self._trim(0)
                self.trims += 1
