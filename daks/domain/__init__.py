"""The vocabulary every room of daks shares: codes (metrics, directions, granularities) and
the value types that travel between the rooms. Pure: no I/O, no third-party imports."""
