"""The page shells and static files, read once from the package.

A shell is `templates/base.html` around one page's body, filled in the reader's language
(`static/i18n.json`, the one table of words the pages and their scripts share: the shell
carries the language's table as JSON for the scripts). Static files are served with a
content digest as ETag and, for text, gzip-compressed when the browser takes it, so that
the town page stays light.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template

from daks.dashboard import UnknownAsset, labels

PAGES = ("town", "shop", "staff")
MEDIA = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Where the pages may fetch from and what they may run: themselves only (and, when a tile
# service is configured, images from its origin for the town map's backdrop).
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles};"
    " connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class Tiles:
    """A tile service behind the town map: a URL template with {z}, {x} and {y} (checked
    by the settings) and the credit line its licence asks for. Without one, the map is
    drawn from the places' coordinates alone."""

    url: str
    attribution: str = ""

    @property
    def origin(self) -> str:
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"


def policy(tiles: Tiles | None = None) -> str:
    """The pages' Content Security Policy."""
    return PAGE_POLICY.format(tiles="" if tiles is None else f" {tiles.origin}")


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


def _read(folder: str, name: str) -> bytes:
    return resources.files("daks.dashboard").joinpath(folder, name).read_bytes()


@cache
def words() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = json.loads(_read("static", "i18n.json"))
    return table


@cache
def asset(name: str) -> Asset:
    """A static file of the package; `UnknownAsset` for anything else (no path walking)."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    if not _NAME.match(name) or suffix not in MEDIA:
        raise UnknownAsset(name)
    try:
        body = _read("static", name)
    except (FileNotFoundError, IsADirectoryError):
        raise UnknownAsset(name) from None
    packed = gzip.compress(body, 9, mtime=0) if suffix != ".svg" or len(body) > 1024 else None
    digest = hashlib.sha256(body).hexdigest()[:20]
    return Asset(body, packed, MEDIA[suffix], f'"{digest}"')


@cache
def version() -> str:
    """A digest of every static file, appended to their URLs so a new version is fetched."""
    folder = resources.files("daks.dashboard").joinpath("static")
    digest = hashlib.sha256()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()[:12]


@cache
def _template(name: str) -> Template:
    try:
        return Template(_read("templates", f"{name}.html").decode("utf-8"))
    except FileNotFoundError:
        raise UnknownAsset(f"{name}.html") from None


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element, whose text is never entity-decoded."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def page(name: str, lang: str, tiles: Tiles | None = None) -> str:
    """The shell of one page in one language (the town map's tiles, if any, with it)."""
    if name not in PAGES:
        raise UnknownAsset(name)
    labels.check(lang)
    table = words()[lang]
    fields = {f"t_{k}": escape(v) for k, v in table.items()}
    body = _template(name).substitute(fields)
    return _template("base").substitute(
        fields,
        lang=lang,
        page=name,
        main=body,
        v=version(),
        words=_script_json(table),
        map=_script_json(
            {"tiles": None}
            if tiles is None
            else {"tiles": tiles.url, "attribution": tiles.attribution}
        ),
        current_town='aria-current="page"' if name == "town" else "",
        current_shop='aria-current="page"' if name == "shop" else "",
        current_staff='aria-current="page"' if name == "staff" else "",
    )
