"""Identifier columns are refused before anything is read; innocent names pass."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from daks.ingest.adapters.footfall_long import ADAPTER
from daks.ingest.errors import IdentifierColumn
from daks.ingest.model import ParseContext
from daks.ingest.privacy import refuse_identifier_columns


@pytest.mark.parametrize(
    "name",
    [
        "MAC",
        "mac_address",
        "MAC-Address",
        "macAddress",
        "src_mac",
        "WiFiMAC",
        "BTMac",
        "hashed_mac",
        "HashedMAC",
        "mac_hash",
        "mac sha256",
        "device_id",
        "Device ID",
        "deviceId",
        "DeviceID",
        "device_hash",
        "imei",
        "number_plate",
        "NumberPlate",
        "license plate",
        "licence_plate",
        "plate_number",
        "plate",
        "nummerplaat",
        "Kenteken",
        "Kennzeichen",
        "anpr_read",
        "visitor_id",
        "e-mail",
    ],
)
def test_identifier_columns_are_refused(name: str) -> None:
    with pytest.raises(IdentifierColumn) as caught:
        refuse_identifier_columns(["location", name, "count"], "f.csv")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("f.csv", 1, name)


@pytest.mark.parametrize(
    "name",
    [
        "machine_count",
        "Machine",
        "macro_zone",
        "template",
        "uid",
        "id",
        "counter_id",
        "location",
        "Peds IN",
        "span",
        "pan_tilt",
        "device",
        "Dun Laoghaire @ Peoples Park Peds OUT",
    ],
)
def test_innocent_columns_pass(name: str) -> None:
    refuse_identifier_columns(["location", name], "f.csv")


def test_a_file_with_an_identifier_column_is_refused_before_any_row_is_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    # The row is malformed too: the identifier column is what the user hears about.
    path.write_text(
        "location,timestamp,direction,count,Hashed MAC\nA,never,in,x,ab12\n", encoding="utf-8"
    )
    with pytest.raises(IdentifierColumn) as caught:
        list(ADAPTER.parse(path, ParseContext(str(path), ZoneInfo("UTC"))))
    assert caught.value.field == "Hashed MAC"
