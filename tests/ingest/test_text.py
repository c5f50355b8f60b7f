"""Reading vendor files as text: UTF-8 with or without BOM and Windows-1252, LF, CRLF and
CR line endings, `,` and `;`, physical line numbers, strict numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from daks.ingest.errors import MalformedFile
from daks.ingest.text import (
    csv_records,
    csv_rows,
    detect_encoding,
    head,
    open_text,
    parse_number,
    require_columns,
    sniff_delimiter,
)

DATA = Path(__file__).parents[1] / "data" / "ingest"
TEXT = "location;timestamp;direction;count\nGrote Markt Café;2025-03-01T10:00:00+01:00;in;1,5\n"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("generic_long_utf8_lf.csv", "utf-8-sig"),
        ("generic_long_utf8bom_crlf.csv", "utf-8-sig"),
        ("generic_long_cp1252_cr.csv", "cp1252"),
    ],
)
def test_fixtures_of_each_encoding_and_line_ending_read_the_same(name: str, encoding: str) -> None:
    path = DATA / name
    assert detect_encoding(path) == encoding
    with open_text(path) as text:
        header, rows = csv_rows(text, name)
        values = [(row.line, row.values["location"], row.values["count"]) for row in rows]
    assert header == ["location", "timestamp", "direction", "count"]
    assert values == [(2, "Grote Markt Café", "1,5"), (3, "Grote Markt Café", "2")]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
def test_every_combination(tmp_path: Path, newline: str, encoding: str, bom: bytes) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(bom + TEXT.replace("\n", newline).encode(encoding))
    assert head(path).startswith("location;")  # no BOM left
    with open_text(path) as text:
        header, rows = csv_rows(text, "f.csv")
        [row] = list(rows)
    assert header[0] == "location"
    assert (row.line, row.values["location"]) == (2, "Grote Markt Café")


def test_a_windows_1252_byte_far_down_the_file_decides_the_encoding(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n" + b"x,1\n" * 400_000 + "Café,2\n".encode("cp1252"))
    assert detect_encoding(path) == "cp1252"


def test_a_utf8_character_across_the_read_chunks_stays_utf8(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    body = b"a" * ((1 << 20) - 1) + "é".encode()  # split between the first two chunks
    path.write_bytes(body)
    assert detect_encoding(path) == "utf-8-sig"


@pytest.mark.parametrize(
    ("line", "delimiter"), [("a,b,c", ","), ("a;b;c", ";"), ("a\tb", "\t"), ("a;b,c;d", ";")]
)
def test_delimiter(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line) == delimiter


def test_lines_are_physical_with_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(' a , b \n1,2\n\n"multi\nline",3\n4,5\n', encoding="utf-8")
    with open_text(path) as text:
        header, rows = csv_rows(text, "f.csv")
        lines = [(row.line, row.values["a"]) for row in rows]
    assert header == ["a", "b"]  # names stripped
    assert lines == [(2, "1"), (4, "multi\nline"), (6, "4")]


def test_a_row_with_the_wrong_number_of_fields_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with open_text(path) as text:
        _, rows = csv_rows(text, "f.csv")
        with pytest.raises(MalformedFile) as caught:
            list(rows)
    assert (caught.value.line, caught.value.reason) == (3, "expected 2 fields, found 3")


def test_an_empty_file_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("\n", encoding="utf-8")
    with open_text(path) as text, pytest.raises(MalformedFile) as caught:
        csv_rows(text, "f.csv")
    assert caught.value.line == 1


def test_require_columns_names_the_first_missing_one() -> None:
    require_columns(["a", "b"], ["a"], "f.csv")
    with pytest.raises(MalformedFile) as caught:
        require_columns(["a"], ["a", "b", "c"], "f.csv")
    assert (caught.value.field, caught.value.reason) == ("b", "missing column(s): b, c")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12", 12.0), (" 3.5 ", 3.5), ("1,5", 1.5), ("-2", -2.0), ("", None), ("  ", None)],
)
def test_numbers(raw: str, value: float | None) -> None:
    assert parse_number(raw, "f.csv", 2, "count") == value


@pytest.mark.parametrize("raw", ["x", "1.2.3", "nan", "NaN", "inf", "-Infinity", "1_000", "1,2,3"])
def test_what_is_not_a_number(raw: str) -> None:
    with pytest.raises(MalformedFile) as caught:
        parse_number(raw, "f.csv", 7, "count")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("f.csv", 7, "count")


def test_records_by_position_skip_blank_rows_even_when_their_first_cell_is_empty() -> None:
    body = "a,b,c\n1,2,3\n , ,\n\n,5,6\n,,\n7,8\n"
    header, records = csv_records(io.StringIO(body), "f.csv")
    assert header == ["a", "b", "c"]
    assert next(records) == (2, ["1", "2", "3"])
    assert next(records) == (5, ["", "5", "6"])  # an empty first cell is not a blank row
    with pytest.raises(MalformedFile) as caught:
        next(records)
    assert (caught.value.line, caught.value.reason) == (7, "expected 3 fields, found 2")
