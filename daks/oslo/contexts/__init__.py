"""The JSON-LD contexts we ship and the offline document loader that serves them.

Nothing is fetched over the network: a JSON-LD processor (pyld) gets our local copy for a
context URL we know, and `ContextRefused` for anything else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from daks.oslo.errors import ContextRefused

# name (served at /contexts/{name}.jsonld) -> package file
CONTEXT_FILES: Mapping[str, str] = {
    "daks": "daks.jsonld",
    # The valid context published next to the Verkeersmetingen HTML spec (the /context/ one
    # is rejected by JSON-LD processors: workarounds.CONTEXT_HTML).
    "verkeersmetingen-ap": "verkeersmetingen-ap.jsonld",
}
OFFICIAL_CONTEXT_URLS: Mapping[str, str] = {
    "https://data.vlaanderen.be/doc/applicatieprofiel/verkeersmetingen/erkendestandaard/"
    "2024-04-17/html/verkeersmetingen-ap.jsonld": "verkeersmetingen-ap",
}

DocumentLoader = Callable[..., dict[str, Any]]


def context_url(base: str, name: str = "daks") -> str:
    return f"{base.rstrip('/')}/contexts/{name}.jsonld"


@lru_cache(maxsize=8)
def context_bytes(name: str) -> bytes:
    """The file as shipped, for the API to serve at /contexts/{name}.jsonld."""
    try:
        filename = CONTEXT_FILES[name]
    except KeyError:
        raise ContextRefused(f"no context named {name!r}") from None
    return resources.files(__package__).joinpath(filename).read_bytes()


@lru_cache(maxsize=8)
def context_document(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(context_bytes(name))
    return document


def document_loader(base: str) -> DocumentLoader:
    """A pyld document loader that knows our contexts under `base` and the official ones."""
    known = {context_url(base, name): name for name in CONTEXT_FILES}
    known.update(OFFICIAL_CONTEXT_URLS)

    def load(url: str, options: object = None) -> dict[str, Any]:
        name = known.get(url)
        if name is None:
            raise ContextRefused(f"refusing to fetch {url}: not a context we ship")
        return {"contextUrl": None, "documentUrl": url, "document": context_document(name)}

    return load
