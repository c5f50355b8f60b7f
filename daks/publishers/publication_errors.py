"""Errors of publishing outward (the catalogue, the event stream, the bulk files)::

PublicationError
├── CatalogueError   a catalogue page that does not exist, a bad configuration
├── StreamError      an event-stream fragment that does not exist or is malformed
└── DumpError        a bulk file that cannot be written (unknown format, bad cell)
"""

from __future__ import annotations


class PublicationError(Exception):
    """Base of every error raised while publishing outward."""


class CatalogueError(PublicationError):
    """The catalogue cannot be built as asked."""


class StreamError(PublicationError):
    """An event-stream page cannot be built as asked."""


class DumpError(PublicationError):
    """A bulk file cannot be written as asked."""
