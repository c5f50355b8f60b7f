"""The error tree of `daks.ingest` (see the package docstring)."""

from __future__ import annotations


class IngestError(Exception):
    """A vendor file that is refused whole."""

    def __init__(
        self, file: str, reason: str, *, line: int | None = None, field: str | None = None
    ):
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"


class MalformedFile(IngestError):
    """Content that cannot be read as its format says."""


class IdentifierColumn(IngestError):
    """A column that identifies a device or a person: never stored, the file is refused."""


class UnknownFormat(IngestError):
    """No adapter recognises the file."""
