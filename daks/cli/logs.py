"""What a served worker logs: uvicorn's own lines as uvicorn sets them up, and daks's
access log (one JSON line per request, naming no key, address or person: see
daks.api.hardening) and error log on standard output. Without this, Python's default
configuration drops every access line: they are INFO, and nobody listens to `daks`."""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG

LOG_CONFIG: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
LOG_CONFIG["formatters"]["line"] = {"format": "%(message)s"}
LOG_CONFIG["handlers"]["daks"] = {
    "class": "logging.StreamHandler",
    "formatter": "line",
    "stream": "ext://sys.stdout",
}
LOG_CONFIG["loggers"]["daks"] = {"handlers": ["daks"], "level": "INFO", "propagate": False}
