"""The dashboard's HTTP side without a browser: embeddable charts from the current release
(ETag per release, 304, periods, refusals), the page shells (languages, their own Content
Security Policy) and the static files (gzip, ETag, nothing outside the package)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine

from daks.api.app import create_app
from daks.settings import Settings
from daks.store import releases
from tests.api.conftest import published_row

NS = {"s": "http://www.w3.org/2000/svg"}


def _xml(text: str | bytes) -> ET.Element:
    """Parses what our own renderer wrote (trusted input)."""
    return ET.fromstring(text)  # noqa: S314


MARKT = "/embed/testtown/testtown-markt/pedestrians"
DAY = {
    "granularity": "hour",
    "from": "2025-03-03T00:00:00+01:00",
    "to": "2025-03-04T00:00:00+01:00",
}


def test_embedded_svg_draws_the_release_cells_with_the_suppressed_hour_as_a_gap(
    client: TestClient, release: int
) -> None:
    answer = client.get(f"{MARKT}.svg", params={**DAY, "lang": "en"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    root = _xml(answer.content)
    bars = root.findall(".//s:rect[@data-value]", NS)
    assert sorted(float(b.get("data-value", "")) for b in bars) == [
        10.0 * (h + 1) for h in range(24) if h != 3
    ]
    suppressed = root.findall(".//s:rect[@class='suppressed']", NS)
    assert len(suppressed) == 1
    desc = root.find("s:desc", NS)
    assert desc is not None
    assert f"release {release}" in (desc.text or "")
    assert "1 suppressed" in (desc.text or "")
    assert "script" not in answer.text.lower()


def test_the_default_period_is_the_newest_data_of_the_release(
    client: TestClient, release: int
) -> None:
    root = _xml(client.get(f"{MARKT}.svg", params={"granularity": "hour"}).content)
    assert len(root.findall(".//s:rect[@data-value]", NS)) == 23
    day = _xml(client.get(f"{MARKT}.svg").content)  # per day: no day cells here
    desc = day.find("s:desc", NS)
    assert desc is not None
    assert (desc.text or "").startswith("Geen gepubliceerde cellen")


def test_etag_follows_the_release_and_revalidation_is_304(
    client: TestClient, release: int, engine: Engine
) -> None:
    first = client.get(f"{MARKT}.svg", params=DAY)
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get(f"{MARKT}.svg", params=DAY, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(f"{MARKT}.svg", params={**DAY, "lang": "en"})
    assert other.headers["etag"] != etag
    row = published_row("testtown-markt", 1740956400 + 3 * 3600, 55.0)
    releases.write_release(
        engine, [row], kind="full", policies={"pedestrians": "public-v1"}, batch_ids=[], scope=None
    )
    after = client.get(f"{MARKT}.svg", params=DAY, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag


def test_the_iframe_page_holds_the_chart_and_links_its_data(
    client: TestClient, release: int
) -> None:
    answer = client.get(f"{MARKT}.html", params=DAY)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "x-frame-options" not in answer.headers
    assert "frame-ancestors *" in answer.headers["content-security-policy"]
    assert "<svg" in answer.text
    assert "<script" not in answer.text
    assert "/v1/observations?town=testtown" in answer.text
    assert "location=testtown-markt" in answer.text
    assert "format=csv" in answer.text


def test_embed_refusals(client: TestClient, release: int) -> None:
    assert client.get("/embed/testtown/nowhere/pedestrians.svg").status_code == 404
    assert client.get("/embed/elsewhere/testtown-markt/pedestrians.svg").status_code == 404
    assert client.get("/embed/testtown/testtown-bakkerij/pedestrians.svg").status_code == 404
    assert client.get("/embed/testtown/testtown-markt/nonsense.svg").status_code == 422
    assert client.get("/embed/testtown/testtown-markt/car_speed_share.svg").status_code == 404
    off = client.get(
        f"{MARKT}.svg", params={"granularity": "day", "from": "2025-03-03T05:00:00+01:00"}
    )
    assert off.status_code == 422
    assert off.headers["content-type"] == "application/problem+json"
    too_long = client.get(
        f"{MARKT}.svg",
        params={"granularity": "hour", "from": DAY["from"], "to": "2025-06-03T00:00:00+02:00"},
    )
    assert too_long.status_code == 422
    assert client.get(f"{MARKT}.svg", params={"lang": "fr"}).status_code == 422


def test_no_release_yet_is_404(client: TestClient, town: str) -> None:
    assert client.get(f"{MARKT}.svg").status_code == 404


def test_page_shells_in_both_languages_with_their_own_policy(client: TestClient) -> None:
    for path in ("/", "/shop", "/staff"):
        dutch = client.get(path)
        english = client.get(path, params={"lang": "en"})
        assert dutch.status_code == english.status_code == 200
        assert '<html lang="nl">' in dutch.text
        assert '<html lang="en">' in english.text
        policy = dutch.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert dutch.headers["x-frame-options"] == "DENY"
        assert "uPlot.iife.min.js" in dutch.text
    assert "Gemeenten en hun tellingen" in client.get("/").text
    assert "Towns and their counts" in client.get("/", params={"lang": "en"}).text
    assert client.get("/", params={"lang": "fr"}).status_code == 422


def test_static_files_are_compressed_cached_and_confined(client: TestClient) -> None:
    plain = client.get("/dashboard/static/uPlot.iife.min.js", headers={"Accept-Encoding": ""})
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("text/javascript")
    packed = client.get("/dashboard/static/uPlot.iife.min.js", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert plain.content.startswith(b"/*! https://github.com/leeoniya/uPlot (v1.6.32)")
    again = client.get(
        "/dashboard/static/uPlot.iife.min.js", headers={"If-None-Match": plain.headers["etag"]}
    )
    assert again.status_code == 304
    licence = client.get("/dashboard/static/uPlot.LICENSE.txt")
    assert licence.status_code == 200
    assert "MIT" in licence.text
    for name in ("nothing.js", "..%2Fpages.py", "pages.py", ".hidden.js"):
        assert client.get(f"/dashboard/static/{name}").status_code == 404


def _map_config(html: str) -> dict[str, object]:
    start = html.index('id="daks-map">') + len('id="daks-map">')
    config: dict[str, object] = json.loads(html[start : html.index("</script>", start)])
    return config


def test_the_map_needs_no_tile_service_by_default(client: TestClient) -> None:
    page = client.get("/")
    assert _map_config(page.text) == {"tiles": None}
    assert "img-src 'self' data:;" in page.headers["content-security-policy"]


def test_a_configured_tile_service_is_given_to_the_map_and_allowed_by_the_policy(
    settings: Settings,
) -> None:
    tiled = settings.model_copy(
        update={
            "map_tile_url": "https://tiles.example.org/osm/{z}/{x}/{y}.png",
            "map_tile_attribution": "© OpenStreetMap contributors",
        }
    )
    app = create_app(tiled)
    with TestClient(app) as client:
        page = client.get("/", params={"lang": "en"})
    app.state.engine.dispose()
    assert _map_config(page.text) == {
        "tiles": "https://tiles.example.org/osm/{z}/{x}/{y}.png",
        "attribution": "© OpenStreetMap contributors",
    }
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in policy
    assert "connect-src 'self';" in policy  # the tiles are images, nothing more


@pytest.mark.parametrize(
    "url",
    [
        "https://tiles.example.org/{z}/{x}.png",  # no {y}
        "javascript:alert(1)//{z}/{x}/{y}",
        "https://tiles.example.org/{z}/{x}/{y}.png; script-src *",
        'https://tiles.example.org/{z}/{x}/{y}"><script>',
    ],
)
def test_a_tile_url_that_is_not_a_plain_template_is_refused_at_start(url: str) -> None:
    with pytest.raises(ValidationError, match="map_tile_url"):
        Settings(map_tile_url=url)
    assert Settings(map_tile_url="").map_tile_url is None  # empty is off
