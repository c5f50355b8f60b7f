"""Privacy at the door: a file with a column that identifies a device or a person is
refused whole, before a single value of it is read."""

from __future__ import annotations

import re
from collections.abc import Iterable

from daks.ingest.errors import IdentifierColumn

# Normalised column names (lower case, letters and digits only) that identify a device or
# a person. Matched as whole names or as a prefix/suffix word, so "mac_address",
# "hashed_mac", "MAC-hash", "device id" and "nummerplaat" are caught, "machine" is not.
_IDENTIFIER_WORDS = (
    "mac",
    "macaddress",
    "macaddr",
    "hashedmac",
    "machash",
    "bssid",
    "bluetoothaddress",
    "btaddress",
    "deviceid",
    "deviceidentifier",
    "devicehash",
    "imei",
    "imsi",
    "msisdn",
    "phonenumber",
    "advertisingid",
    "idfa",
    "adid",
    "plate",
    "numberplate",
    "licenseplate",
    "licenceplate",
    "platenumber",
    "nummerplaat",
    "kenteken",
    "kennzeichen",
    "anpr",
    "email",
    "personid",
    "cardnumber",
    "pan",
)
_WORDS = re.compile(r"[a-z0-9]+")


def _identifying(name: str) -> bool:
    words = _WORDS.findall(name.lower())
    joined = "".join(words)
    if joined in _IDENTIFIER_WORDS:
        return True
    # "hashed mac", "mac hash", "device id", "src mac", "plate number": adjacent words.
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 3) + 1):
            if "".join(words[i:j]) in _IDENTIFIER_WORDS and "".join(words[i:j]) != "pan":
                return True
    return False


def refuse_identifier_columns(names: Iterable[str], file: str) -> None:
    for name in names:
        if _identifying(name):
            raise IdentifierColumn(
                file,
                "the file holds a column that identifies a device or a person; "
                "nothing of it is stored",
                line=1,
                field=name,
            )
