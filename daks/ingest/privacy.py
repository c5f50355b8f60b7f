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
    "macadres",
    "hashedmac",
    "machash",
    "bssid",
    "bluetoothaddress",
    "btaddress",
    "deviceid",
    "deviceidentifier",
    "devicehash",
    "apparaatid",
    "toestelid",
    "visitorid",
    "userid",
    "customerid",
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
    "immatriculation",
    "anpr",
    "email",
    "personid",
    "cardnumber",
    "pan",
)
# Words of a name, camelCase split too ("srcMac", "BTMac", "deviceId"), so that a joined
# name does not hide an identifier word.
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _identifying(name: str) -> bool:
    words = [word.lower() for word in _WORDS.findall(name)]
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
