"""The JSON-LD pages are written as text for speed; they must be the very bytes orjson makes
of `page_document` (the ETag of an answer promises the same bytes, and the graph tests
check `page_document`'s meaning)."""

from __future__ import annotations

import orjson

from daks.oslo.jsonld import page_document, render_jsonld
from tests.oslo.conftest import AMBIENT, KINDS, PLACES, page


def test_every_kind_of_cell_is_written_byte_for_byte(kind: str) -> None:
    cells = KINDS[kind]
    assert render_jsonld(cells, PLACES, page()) == orjson.dumps(
        page_document(cells, PLACES, page())
    )


def test_a_mixed_page_with_ambient_observations_and_no_release_time() -> None:
    cells = [c for name in sorted(KINDS) for c in KINDS[name]]
    for bare in (page(), page(iri=None, next=None, published=None)):
        assert render_jsonld(cells, PLACES, bare, AMBIENT) == orjson.dumps(
            page_document(cells, PLACES, bare, AMBIENT)
        )


def test_an_empty_page_and_a_base_that_json_must_escape() -> None:
    assert render_jsonld([], PLACES, page()) == orjson.dumps(page_document([], PLACES, page()))
    odd = page(base_url='https://data.example/"quoted"\\ä', iri=None)
    cells = KINDS["pedestrians"]
    assert render_jsonld(cells, PLACES, odd) == orjson.dumps(page_document(cells, PLACES, odd))
