"""How daks runs under uvicorn, the same with one worker (`uvicorn.run`) and with several
(`daks.cli.worker`, dealt connections by `daks.cli.dealer`).

The event loop is asyncio's, not uvloop's: uvloop writes an answer into its socket holding
the GIL, and a 1,000-cell JSON-LD page is a megabyte, copied into the kernel for about a
quarter of a millisecond while the worker's route thread waits to render the next one.
asyncio's socket send lets go of the GIL for the copy. Measured with bench/api.py (1,000-cell
pages, 50 connections, alternating runs): asyncio 628, 633 and 609 req/s, uvloop 615, 605
and 575 (p99 100-112 ms against 109-116 ms). Small answers cost asyncio a little more
(24-cell days 3,294 against 3,474 req/s; 304s 4,858 against 5,521), far above their targets.
On SQLite, where pages are answered on the event loop itself (daks.api.routes.observations),
no route thread waits, and uvloop is no faster still: 692, 765 and 759 pages a second with
asyncio against 729, 779 and 645 with uvloop (p99 91-116 ms against 110-147 ms; wrk, 15 s).

The log configuration is uvicorn's with daks's own loggers added: the access log (one JSON
line per request, naming no key, address or person: see daks.api.hardening) and the error
log, on standard output. Without it Python's default configuration drops every access line:
they are INFO, and nobody listens to `daks`.
"""

from __future__ import annotations

import copy
from typing import Any

from uvicorn.config import LOGGING_CONFIG

APP = "daks.api.app:create_app"

LOG_CONFIG: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
LOG_CONFIG["formatters"]["line"] = {"format": "%(message)s"}
LOG_CONFIG["handlers"]["daks"] = {
    "class": "logging.StreamHandler",
    "formatter": "line",
    "stream": "ext://sys.stdout",
}
LOG_CONFIG["loggers"]["daks"] = {"handlers": ["daks"], "level": "INFO", "propagate": False}

OPTIONS: dict[str, Any] = {"factory": True, "log_config": LOG_CONFIG, "loop": "asyncio"}
