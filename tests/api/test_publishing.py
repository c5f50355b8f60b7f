"""Publishing outward over HTTP: the catalogue (valid, negotiated, paged), the bulk files of
the release (they open in pyarrow and rdflib and hold exactly its cells) and the event stream,
replicated by the real LDES consumer (`ldes-client` from npm) from a live server."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
import uvicorn
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from sqlalchemy import Engine, text

from daks.api.app import create_app
from daks.api.routes.publishing import write_downloads
from daks.oslo import shacl
from daks.oslo.namespaces import DCAT, SOSA
from daks.oslo.namespaces_publishing import SPDX, TREE
from daks.publishers.dcat_shapes import ShapeSet, check
from daks.settings import Settings
from daks.store import releases
from tests.api.conftest import MONDAY, STREETS, published_row
from tests.ports import free_port

LDES_CLIENT = "0.3.0"  # the version whose quirks REPLICATE works around
NPM_CACHE = Path(os.environ.get("DAKS_NPM_CACHE", Path.home() / ".cache" / "daks-tests" / "npm"))


def _rows(corrected: float | None = None) -> list[tuple[object, ...]]:
    rows = []
    for day in range(2):
        for place in STREETS:
            for h in range(24):
                start = MONDAY + day * 86400 + h * 3600
                suppressed = (day, h, place) == (0, 3, STREETS[0])
                value = 10.0 * (h + 1)
                if corrected is not None and (day, h, place) == (1, 5, STREETS[1]):
                    value = corrected
                rows.append(published_row(place, start, None if suppressed else value,
                                  status="suppressed" if suppressed else "ok"))  # fmt: skip
    # A daily total (not a member: pedestrians' finest granularity is the hour).
    rows.append(
        published_row("testtown", MONDAY, 999.0, granularity="day", seconds=86400, level="town")
    )
    return rows


def _write(engine: Engine, rows: list[tuple[object, ...]]) -> int:
    record = releases.write_release(
        engine, rows, kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[], scope=None
    )
    return record.id


@pytest.fixture
def two_releases(engine: Engine, town: str) -> tuple[int, int]:
    """Release 1, then release 2 that corrects one hour of one street."""
    first = _write(engine, _rows())
    second = _write(engine, _rows(corrected=555.0))
    return first, second


def _current_cells(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT level, place, metric, granularity, start, value, status"
                    " FROM published_cell WHERE town = 'testtown' AND valid_to IS NULL"
                )
            )
        ]


# -- the catalogue ---------------------------------------------------------------------


def test_catalogue_is_valid_dcat_in_each_format(
    client: TestClient, two_releases: tuple[int, int]
) -> None:
    response = client.get("/v1/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="turtle")
    for shape_set in (ShapeSet.DCAT_AP_MANDATORY, ShapeSet.DCAT_AP_VL):
        assert [f for f in check(graph, shape_set) if f.severity == "Violation"] == []
    dataset = URIRef("https://daks.example/id/dataset/testtown/footfall")
    assert (dataset, None, None) in graph
    downloads = {
        str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))
    }
    assert "https://daks.example/v1/towns/testtown/downloads/footfall.parquet" in downloads
    for accept, fmt in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        other = client.get("/v1/catalog", headers={"Accept": accept})
        assert other.status_code == 200
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert len(Graph().parse(data=other.content, format=fmt)) == len(graph)


def test_catalogue_refuses_what_it_cannot_serve(
    client: TestClient, two_releases: tuple[int, int]
) -> None:
    assert client.get("/v1/catalog", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get("/v1/catalog", params={"page": 2}).status_code == 404
    assert client.get("/v1/catalog", params={"page": 0}).status_code == 422


def test_no_catalogue_before_a_release(client: TestClient, town: str) -> None:
    assert client.get("/v1/catalog").status_code == 404


# -- the bulk files --------------------------------------------------------------------


def test_downloads_hold_exactly_the_cells_of_the_release(
    client: TestClient, engine: Engine, two_releases: tuple[int, int]
) -> None:
    listing = client.get("/v1/towns/testtown/downloads").json()
    assert listing["release"] == two_releases[1]
    names = {item["url"].rsplit("/", 1)[-1]: item for item in listing["items"]}
    assert set(names) == {"footfall.csv.gz", "footfall.parquet", "footfall.nt.gz"}
    expected = sorted(_current_cells(engine), key=repr)

    parquet = client.get("/v1/towns/testtown/downloads/footfall.parquet")
    assert parquet.status_code == 200
    # Sent as written (the catalogue states their size and checksum): Parquet compresses
    # its own columns, and a .gz is gzip already, so neither is gzipped again.
    assert "content-encoding" not in parquet.headers
    assert "accept-encoding" not in parquet.headers.get("vary", "").lower()
    assert len(parquet.content) == names["footfall.parquet"]["byte_size"]
    table = pq.read_table(io.BytesIO(parquet.content)).to_pylist()
    got = sorted(
        ((r["level"], r["location"], r["metric"], r["granularity"], int(r["start"].timestamp()),
          r["value"], r["status"]) for r in table),
        key=repr,
    )  # fmt: skip
    assert got == expected
    assert 555.0 in {r["value"] for r in table}  # the corrected value, not the first one

    nt = client.get("/v1/towns/testtown/downloads/footfall.nt.gz")
    assert "content-encoding" not in nt.headers
    graph = Graph().parse(data=gzip.decompress(nt.content).decode(), format="nt")
    members = set(graph.objects(None, URIRef("http://www.w3.org/ns/sosa/hasMember")))
    assert len(members) == len(expected)

    etag = parquet.headers["etag"]
    assert etag == f'"{names["footfall.parquet"]["sha256"]}"'
    again = client.get(
        "/v1/towns/testtown/downloads/footfall.parquet", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304


def test_release_files_are_written_at_build_and_the_catalogue_states_them(
    client: TestClient, engine: Engine, settings: Settings, two_releases: tuple[int, int]
) -> None:
    _, second = two_releases
    written = write_downloads(engine, settings)  # what `daks release build` runs after commit
    directory = settings.data_dir / "downloads" / f"r{second}" / "testtown"
    files = {p.name: p.read_bytes() for p in directory.iterdir() if p.name != "manifest.json"}
    assert set(files) == {"footfall.csv.gz", "footfall.parquet", "footfall.nt.gz"}
    assert {f.sha256 for dumps in written["testtown"].values() for f in dumps} == {
        hashlib.sha256(data).hexdigest() for data in files.values()
    }
    graph = Graph().parse(data=client.get("/v1/catalog").text, format="turtle")
    stated = {}
    for url in graph.objects(None, DCAT.downloadURL):
        node = next(graph.subjects(DCAT.downloadURL, url))
        checksum = next(graph.objects(node, SPDX.checksum))
        stated[str(url).rsplit("/", 1)[-1]] = (
            int(next(graph.objects(node, DCAT.byteSize))),
            str(next(graph.objects(checksum, SPDX.checksumValue))),
        )
    assert stated == {n: (len(d), hashlib.sha256(d).hexdigest()) for n, d in files.items()}
    # Served as written: the same bytes, and the file is not made again.
    before = (directory / "footfall.nt.gz").stat().st_mtime_ns
    served = client.get("/v1/towns/testtown/downloads/footfall.nt.gz")
    assert served.content == files["footfall.nt.gz"]
    assert (directory / "footfall.nt.gz").stat().st_mtime_ns == before
    # A file gone missing is written again at the first request for it.
    (directory / "footfall.parquet").unlink()
    again = client.get("/v1/towns/testtown/downloads/footfall.parquet")
    assert again.status_code == 200
    assert again.content == files["footfall.parquet"]


def test_files_of_releases_before_the_previous_one_are_removed(
    engine: Engine, settings: Settings, two_releases: tuple[int, int]
) -> None:
    first, second = two_releases
    old = settings.data_dir / "downloads" / f"r{first}" / "testtown"
    old.mkdir(parents=True)
    (old / "footfall.parquet").write_bytes(b"written for release 1")
    write_downloads(engine, settings)
    assert old.is_dir()  # the previous release's files stay while downloads may run
    third = _write(engine, _rows(corrected=777.0))
    write_downloads(engine, settings)
    kept = sorted(p.name for p in (settings.data_dir / "downloads").iterdir())
    assert kept == [f"r{second}", f"r{third}"]


def test_a_harvester_checks_a_download_with_head(
    client: TestClient, two_releases: tuple[int, int]
) -> None:
    """Data portals check a distribution's downloadURL with HEAD: it must not be a 405."""
    url = "/v1/towns/testtown/downloads/footfall.parquet"
    listed = {i["url"]: i for i in client.get("/v1/towns/testtown/downloads").json()["items"]}
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == listed["https://daks.example" + url]["byte_size"]
    assert head.headers["etag"] == client.get(url).headers["etag"]


def test_unknown_downloads_are_404(client: TestClient, two_releases: tuple[int, int]) -> None:
    assert client.get("/v1/towns/testtown/downloads/traffic.parquet").status_code == 404
    assert client.get("/v1/towns/nowhere/downloads").status_code == 404


# -- the event stream ------------------------------------------------------------------


def _quads(data: bytes | str) -> list[tuple[Any, Any, Any, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's own Dataset internals
        ds = Dataset()
        ds.parse(data=data if isinstance(data, str) else data.decode(), format="nquads")
        return list(ds.quads((None, None, None, None)))


def _dataset(data: bytes | str) -> Graph:
    """Every triple of an N-Quads document, whatever its graph."""
    graph = Graph()
    for s, p, o, _ in _quads(data):
        graph.add((s, p, o))
    return graph


def test_stream_root_links_day_fragments_pinned_to_their_release(
    client: TestClient, two_releases: tuple[int, int]
) -> None:
    first, second = two_releases
    root = client.get("/ldes/testtown")
    assert root.status_code == 200
    assert root.headers["content-type"].startswith("application/n-quads")
    assert "immutable" not in root.headers["cache-control"]
    ds = _dataset(root.content)
    targets = {str(o) for o in ds.objects(None, TREE.node)}
    # Day 1 was not touched by the correction: still pinned to release 1.
    assert targets == {
        f"https://daks.example/ldes/testtown/2025-03-03?release={first}",
        f"https://daks.example/ldes/testtown/2025-03-04?release={second}",
    }
    kinds = {
        str(o)
        for s in ds.subjects(TREE.node, None)
        for o in ds.objects(s, None)
        if "Relation" in str(o)
    }
    assert kinds == {str(TREE.GreaterThanOrEqualToRelation), str(TREE.LessThanRelation)}


def test_a_correction_is_a_new_version_never_an_edit(
    client: TestClient, two_releases: tuple[int, int]
) -> None:
    first, second = two_releases
    page = client.get(f"/ldes/testtown/2025-03-04?release={second}")
    assert page.status_code == 200
    assert "immutable" in page.headers["cache-control"]
    ds = _dataset(page.content)
    members = {str(o) for o in ds.objects(None, TREE.member)}
    assert len(members) == 3 * 24 + 1  # every hour of the day, and the new version
    versions = [m for m in members if "stationsstraat" in m and "T040000Z" in m]
    assert sorted(v.rsplit("=", 1)[-1] for v in versions) == [str(first), str(second)]
    # The page as of release 1 is still served and still says the old value only.
    old = _dataset(client.get(f"/ldes/testtown/2025-03-04?release={first}").content)
    assert len(set(old.objects(None, TREE.member))) == 3 * 24
    redirect = client.get("/ldes/testtown/2025-03-04", follow_redirects=False)
    assert redirect.status_code == 302
    assert redirect.headers["location"].endswith(f"?release={second}")
    assert client.get(f"/ldes/testtown/2025-03-04?release={second + 1}").status_code == 404
    assert client.get("/ldes/testtown/2025-04-01").status_code == 404


def test_a_busy_day_is_served_in_pages_of_bounded_size(
    client: TestClient, two_releases: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("daks.api.routes.publishing.LDES_PAGE_SIZE", 7)
    _, second = two_releases
    day = f"https://daks.example/ldes/testtown/2025-03-04?release={second}"
    pages = _crawl(lambda url: client.get(url.removeprefix("https://daks.example")), day)
    node = pages.pop(day)
    assert not [q for q in node if q[1] == TREE.member]  # the day only links its pages
    assert len(pages) == 12  # 24 hours of 3 members (one of 4): two hours a page
    members = [str(o) for quads in pages.values() for _, p, o, _ in quads if p == TREE.member]
    assert len(members) == len(set(members)) == 3 * 24 + 1
    assert all(len({q[2] for q in quads if q[1] == TREE.member}) <= 7 for quads in pages.values())
    first = client.get(f"/ldes/testtown/2025-03-04/1?release={second}")
    assert "immutable" in first.headers["cache-control"]
    assert client.get(f"/ldes/testtown/2025-03-04/13?release={second}").status_code == 404
    redirect = client.get("/ldes/testtown/2025-03-04/2", follow_redirects=False)
    assert redirect.status_code == 302
    assert redirect.headers["location"].endswith(f"/2025-03-04/2?release={second}")


# -- replication by the real consumer ----------------------------------------------------


@pytest.fixture(scope="session")
def ldes_client() -> Path:
    """`ldes-client` from the npm registry, installed once into a cache directory."""
    npm = shutil.which("npm")
    assert npm, "npm is needed to install the LDES consumer"
    marker = NPM_CACHE / "node_modules" / "ldes-client" / "package.json"
    if not marker.is_file() or json.loads(marker.read_text())["version"] != LDES_CLIENT:
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(NPM_CACHE), "--no-audit", "--no-fund",
                        f"ldes-client@{LDES_CLIENT}"], check=True, capture_output=True, timeout=300)  # fmt: skip
    script = NPM_CACHE / "replicate.mjs"
    script.write_text(REPLICATE, encoding="utf-8")
    return script


REPLICATE = """
import { replicateLDES, intoConfig } from "ldes-client";
import { Writer } from "n3";
const writer = new Writer({ format: "N-Quads" });
// One fetch at a time: ldes-client 0.3.0 numbers the pages it queues with a counter that two
// pages fetched at once can both read before either bumps it; the two then share a slot,
// one finishing clears the other, and the client closes before the other's members are out.
const client = replicateLDES(intoConfig({ url: process.argv[2], concurrentFetches: 1 }));
const reader = client.stream({ highWaterMark: 10 }).getReader();
for (;;) {
  const next = await reader.read();
  if (next.done) break;
  const member = next.value;
  process.stdout.write(JSON.stringify({ id: member.id.value, quads: writer.quadsToString(member.quads) }) + "\\n");
}
"""


@pytest.fixture
def live_base(
    database_url: str, tmp_path: Path, town: str, two_releases: tuple[int, int]
) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = Settings(database_url=database_url, data_dir=tmp_path / "live", base_url=base,
                      rate_limit_prefix=f"test-{uuid.uuid4().hex}", rate_limit_public="100000/minute")  # fmt: skip
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


def _crawl(get: Any, url: str) -> dict[str, list[tuple[Any, Any, Any, Any]]]:
    """Every node of the stream reachable from `url`, by URL, with its quads."""
    seen: dict[str, list[tuple[Any, Any, Any, Any]]] = {}
    todo = [url]
    while todo:
        here = todo.pop()
        if here in seen:
            continue
        response = get(here)
        assert response.status_code == 200, (here, response.text)
        seen[here] = _quads(response.content)
        todo += [str(o) for s, p, o, _ in seen[here] if p == TREE.node]
    return seen


def _shared(pages: dict[str, list[tuple[Any, Any, Any, Any]]]) -> Graph:
    """What the pages say in their default graph (what members share), minus the stream."""
    graph = Graph()
    for quads in pages.values():
        for s, p, o, g in quads:
            if g is None or str(g).startswith("urn:x-rdflib:"):
                graph.add((s, p, o))
    return graph


@pytest.mark.slow
def test_ldes_client_replicates_every_member(
    ldes_client: Path, live_base: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two members a page at most: every day is cut into pages, every hour into two.
    monkeypatch.setattr("daks.api.routes.publishing.LDES_PAGE_SIZE", 2)
    node = shutil.which("node")
    assert node, "node is needed to run the LDES consumer"
    result = subprocess.run([node, str(ldes_client), f"{live_base}/ldes/testtown"],
                            capture_output=True, text=True, timeout=120, cwd=ldes_client.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    members = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    with engine.connect() as conn:
        versions = conn.execute(
            text(
                "SELECT COUNT(*) FROM published_cell WHERE town = 'testtown' AND granularity = 'hour'"
            )
        ).scalar_one()
    assert len(members) == versions == 2 * 3 * 24 + 1
    assert len({m["id"] for m in members}) == len(members)
    graph = Graph()
    for member in members:
        alone = _dataset(member["quads"])
        assert (URIRef(member["id"]), None, None) in alone
        # Only the member's own nodes: what it shares is described once per page.
        assert not [s for s in alone.subjects() if "/id/sensor/" in str(s)]
        graph += alone
    pages = _crawl(httpx.get, f"{live_base}/ldes/testtown")
    for url, quads in pages.items():
        assert len({o for _, p, o, _ in quads if p == TREE.member}) <= 2, url
    # Each member conforms to the OSLO shapes with what its page says of what it refers to.
    report = shacl.validate(graph + _shared(pages))
    assert report.violations == ()
    # ... and every IRI it refers to on this server also dereferences on its own.
    sensor = next(graph.objects(URIRef(members[0]["id"]), SOSA.madeBySensor))
    described = httpx.get(str(sensor), headers={"Accept": "text/turtle"})
    assert described.status_code == 200
    assert (sensor, None, None) in Graph().parse(data=described.text, format="turtle")
