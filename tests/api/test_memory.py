"""A worker gives its freed heap back after every few megabytes answered (daks.api.memory)."""

from __future__ import annotations

import platform

import pytest

from daks.api.memory import Trimmer


def test_the_heap_is_trimmed_after_every_few_megabytes_answered() -> None:
    trimmer = Trimmer(every=3_000_000)
    calls: list[int] = []
    trimmer._trim = calls.append  # type: ignore[assignment]  # record, do not trim
    for _ in range(2):
        trimmer.answered(1_000_000)  # two pages: not yet
    assert calls == []
    trimmer.answered(1_000_000)
    assert calls == [0]  # malloc_trim(0): every free page of the heap
    for _ in range(5):
        trimmer.answered(1_000_000)
    assert calls == [0, 0]  # once per 3 MB, not per answer
    trimmer.answered(0)  # a 304 answers no body
    assert trimmer.pending == 3_000_000 - 1_000_000


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_on_glibc_the_trim_is_real() -> None:
    trimmer = Trimmer(every=1)
    trimmer.answered(1)
    assert trimmer.trims == 1
