"""RDF terms straight from the fast path's compact dicts, for the N-Triples and Turtle
writers: a tiny JSON-LD-to-RDF for the one context we control (no processor, no graph).

It knows exactly what our context uses (term definitions with ``@id``, ``@type`` coercion to
``@id`` or a datatype, ``@language``) and nothing else; the tests hold its output isomorphic
to the rdflib reference for every kind of cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from daks.oslo.contexts import context_document

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
XSD = "http://www.w3.org/2001/XMLSchema#"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})

# (subject, [(predicate, object)]) with every term already in N-Triples form
Block = tuple[str, list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Term:
    iri: str  # in N-Triples form: <…>
    coerce: str | None  # "@id", a datatype IRI (bare), or None
    language: str | None


@dataclass(frozen=True, slots=True)
class CompiledContext:
    terms: dict[str, Term]
    types: dict[str, str]  # type term -> <iri>
    prefixes: dict[str, str]


def literal(lexical: str, datatype: str | None = None, language: str | None = None) -> str:
    text = '"' + lexical.translate(_ESCAPES) + '"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != XSD + "string":
        return f"{text}^^<{datatype}>"
    return text


@lru_cache(maxsize=4)
def compiled(name: str = "daks") -> CompiledContext:
    raw: dict[str, Any] = context_document(name)["@context"]
    prefixes = {k: v for k, v in raw.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(value: str) -> str:
        prefix, sep, local = value.partition(":")
        if sep and prefix in prefixes and not local.startswith("//"):
            return prefixes[prefix] + local
        return value

    terms: dict[str, Term] = {}
    types: dict[str, str] = {}
    for key, value in raw.items():
        if key.startswith("@") or key in prefixes:
            continue
        if isinstance(value, str):
            types[key] = f"<{expand(value)}>"
            continue
        coerce = value.get("@type")
        if coerce is not None and coerce != "@id":
            coerce = expand(coerce)
        terms[key] = Term(f"<{expand(value['@id'])}>", coerce, value.get("@language"))
    return CompiledContext(terms, types, prefixes)


class Walker:
    """Turns node dicts into blocks of triples; blank nodes get page-unique labels."""

    __slots__ = ("_blank", "context")

    def __init__(self, context: CompiledContext | None = None) -> None:
        self.context = context or compiled()
        self._blank = 0

    def subject(self, node: dict[str, Any]) -> str:
        iri = node.get("@id")
        if iri is not None:
            return iri if iri.startswith("_:") else f"<{iri}>"
        self._blank += 1
        return f"_:b{self._blank}"

    def blocks(self, node: dict[str, Any], subject: str | None = None) -> Iterator[Block]:
        """The node's own block first, then the blocks of the nodes embedded in it."""
        me = subject or self.subject(node)
        pairs: list[tuple[str, str]] = []
        nested: list[tuple[dict[str, Any], str]] = []
        context = self.context
        for key, value in node.items():
            if key == "@type":
                for name in value if isinstance(value, list) else (value,):
                    pairs.append((RDF_TYPE, context.types[name]))
                continue
            if key[0] == "@":
                continue
            term = context.terms[key]
            for item in value if isinstance(value, list) else (value,):
                if isinstance(item, dict) and "@value" not in item:
                    child = self.subject(item)
                    nested.append((item, child))
                    pairs.append((term.iri, child))
                else:
                    pairs.append((term.iri, self._object(term, item)))
        yield me, pairs
        for child_node, child in nested:
            yield from self.blocks(child_node, child)

    def _object(self, term: Term, value: Any) -> str:
        if isinstance(value, dict):
            datatype = value.get("@type")
            if datatype is not None:
                prefix, _, local = datatype.partition(":")
                datatype = self.context.prefixes.get(prefix, prefix + ":") + local
            return literal(str(value["@value"]), datatype)
        if term.coerce == "@id":
            return value if value.startswith("_:") else f"<{value}>"
        if isinstance(value, bool):
            return literal("true" if value else "false", XSD + "boolean")
        if term.language:
            return literal(value, language=term.language)
        if term.coerce:
            return literal(str(value), term.coerce)
        if isinstance(value, int):
            return literal(str(value), XSD + "integer")
        return literal(str(value))
