"""The committed OpenAPI document: `python -m daks.api.openapi` rewrites openapi/openapi.json
from the app, `--check` exits 1 when the app has drifted from it (the test suite does the
same)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from daks.api.app import create_app
from daks.settings import Settings

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def current() -> dict[str, Any]:
    app = create_app(Settings(database_url="sqlite://"))
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render(current())
    if "--check" in argv:
        if not DOCUMENT.exists() or DOCUMENT.read_text(encoding="utf-8") != text:
            print(f"{DOCUMENT} is out of date: run python -m daks.api.openapi", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
