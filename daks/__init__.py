"""daks: publishes the counts small towns buy from sensor vendors as anonymised open data."""

__version__ = "0.1.0"
