"""OSLO linked data for daks: namespaces, the JSON-LD context, concept schemes, the mapping
of cells to RDF, the renderers (JSON-LD, Turtle, N-Triples, CSV, plain JSON, GeoJSON) and
SHACL validation against the official shapes and our profile.

Pure: it takes cells and place descriptions and returns bytes, strings or graphs; it never
reads the environment, the database or the network (JSON-LD contexts are local copies).

Errors (``daks.oslo.errors``)::

    OsloError
    ├── ContextRefused     a JSON-LD processor asked for a context we do not ship
    ├── UnknownPlace       a cell names a place the caller did not describe
    ├── ConceptNotFound    an /id/concept/… path names nothing of ours
    ├── BadObservationId   an /id/observation/{id} path is not one we mint
    └── ShapesError        a shapes file cannot be used (a bug, not bad data)
"""
