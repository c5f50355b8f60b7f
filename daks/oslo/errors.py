"""The oslo room's one error tree (see the package docstring)."""

from __future__ import annotations


class OsloError(Exception):
    """Base of every error the oslo room raises."""


class ContextRefused(OsloError):
    """A JSON-LD processor asked for a document that is not one of our local copies.

    Nothing is ever fetched over the network: an unknown context is a bug, not a download.
    """


class UnknownPlace(OsloError):
    """A cell names a place (location, zone, shop or town) the caller did not describe."""


class ConceptNotFound(OsloError):
    """An `/id/concept/…` path names no concept or concept scheme of ours."""


class BadObservationId(OsloError):
    """An `/id/observation/{id}` path is not an id this service mints."""


class ShapesError(OsloError):
    """The shapes themselves could not be used (a bug in a shapes file, not in the data)."""
