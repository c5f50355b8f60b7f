"""The house rules are part of the suite: ruff, mypy strict and the import-linter contracts
of DESIGN.md (the core never touches the store or the web; oslo and anonymisation are
independent)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*argv: str) -> None:
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stdout}\n{result.stderr}"


def test_ruff_lint() -> None:
    _run(str(BIN / "ruff"), "check", "daks", "tests", "bench")


def test_ruff_format() -> None:
    _run(str(BIN / "ruff"), "format", "--check", "daks", "tests", "bench")


@pytest.mark.slow
def test_mypy_strict() -> None:
    _run(str(BIN / "mypy"), "daks", "bench")


def test_import_contracts() -> None:
    _run(str(BIN / "lint-imports"))
