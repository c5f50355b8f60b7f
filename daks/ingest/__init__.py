"""The door: one adapter per vendor format turns a file into canonical records.

Errors (all subclasses of `IngestError`, in `daks.ingest.errors`):

- `MalformedFile`: the content cannot be read as the format says (unparsable value,
  missing column). Carries file, line and field. The whole file is refused.
- `IdentifierColumn`: the file holds a column that identifies a device or person (MAC,
  hashed MAC, device id, number plate). Refused whole, before anything is read.
- `UnknownFormat`: no adapter recognises the file, or `--format` names none.

Odd but well-formed content (a local hour that does not exist or occurs twice, duplicate
rows, gaps) is not an error: the adapter records an `Anomaly` and goes on.
"""
