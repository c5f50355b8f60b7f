"""The dashboard: HTML shells, their scripts and styles (package data), the vendored
charting library (uPlot, MIT, its licence beside it in `static/`), and the server-side SVG
chart that `/embed/…` serves to town websites.

The pages hold no figures of their own: their scripts call the same public, retailer and
internal endpoints any client calls, with the key in a header. Only the embeddable chart is
drawn on the server, because it must be readable without JavaScript.

Pure: no database, no web framework, no settings. The shell (`daks.api.routes.dashboard`
and `daks.api.routes.embed`) reads the cells and serves what is built here.

Errors: `DashboardError` is the root; `UnknownAsset` (a static file or page that is not in
the package) and `UnknownLanguage` (a language the labels are not written in) derive from it.
"""

from __future__ import annotations


class DashboardError(Exception):
    """Root of the dashboard's errors."""


class UnknownAsset(DashboardError):
    """A static file or page template that the package does not ship."""


class UnknownLanguage(DashboardError):
    """The labels exist in Dutch (`nl`) and English (`en`) only."""
