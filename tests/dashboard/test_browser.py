"""The dashboard in a real browser (Debian's Chromium through Playwright), against the app
under uvicorn on a seeded town: each page loads without console errors under its Content
Security Policy, its charts draw the expected series, the retailer sees its own shop only,
and the staff upload names a refused file's line and field. Screenshots of every page go to
tests/artifacts/screenshots/."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx

from tests.dashboard.conftest import Console, screenshot
from tests.dashboard.seed import Seeded

READY = "body[data-ready=true]"


def _series(page: Any, chart: str) -> list[str]:
    labels: list[str] = json.loads(page.get_attribute(f"#{chart}", "data-series"))
    return labels


def _number(page: Any, chart: str, name: str) -> int:
    return int(page.get_attribute(f"#{chart}", f"data-{name}"))


def test_town_page(page: Any, server: str) -> None:
    console = Console(page)
    page.goto(f"{server}/?lang=en")
    page.wait_for_selector(READY)
    assert page.inner_text("h1") == "Towns and their counts"
    assert "SYNTHETIC" in page.inner_text("#town-h").upper()
    # The first street, per hour over the last 7 days (168 hours, the nights suppressed),
    # per day and per week; each a uPlot canvas with the series the API gave.
    for chart in ("chart-hour", "chart-day", "chart-week"):
        assert _series(page, chart) == ["pedestrians, Kerkstraat"]
        assert page.locator(f"#{chart} canvas").count() >= 1
        assert "release 1" in page.inner_text(f"#{chart} .note")
    published = httpx.get(
        f"{server}/v1/observations",
        params={
            "location": "dashdorp-kerkstraat", "metric": "pedestrians", "direction": "both",
            "granularity": "hour", "from": "2025-09-29T00:00:00+02:00",
            "to": "2025-10-06T00:00:00+02:00",
        },
    ).json()["items"]  # fmt: skip
    hidden = sum(1 for c in published if c["status"] == "suppressed")
    assert len(published) == 168
    assert hidden >= 7 * 8  # every night hour (23:00-06:59) is below the threshold
    assert _number(page, "chart-hour", "points") == 168
    assert _number(page, "chart-hour", "suppressed") == hidden
    assert page.locator("#chart-hour details tbody tr").count() == 168
    assert page.locator("#chart-hour details tbody td", has_text="suppressed").count() == hidden
    # The typical week: 168 hours, the suppressed night hours hatched, never a zero.
    profile = httpx.get(
        f"{server}/v1/towns/dashdorp/profiles", params={"place": "dashdorp-kerkstraat"}
    ).json()["items"][0]["hours"]
    assert page.locator("#heatmap td").count() == 168
    assert page.locator("#heatmap td.hidden").count() == sum(
        1 for h in profile if h["median"] is None
    )
    assert page.locator("#heatmap td.hidden").count() >= 7 * 8
    # The braderie doubled the footfall: its impact and band are shown.
    event = page.inner_text("#events")
    assert "Braderie Dashdorp" in event
    assert "clearly different" in event
    assert page.locator("#events svg[role=img]").count() == 1
    assert _series(page, "chart-bench") == ["Dashdorp (synthetic)"]
    assert page.locator("#map .map-point").count() == 3
    # No tile service by default: the map is drawn from the coordinates, nothing leaves daks.
    assert page.get_attribute("#map svg", "data-tiles") == "off"
    assert page.locator("#map image").count() == 0
    assert all(url.startswith(server) for url in console.requests), console.requests
    screenshot(page, "town")
    # Keyboard: focus the Stationsstraat on the map and press Enter; its outage day is a gap.
    page.focus("[data-location=dashdorp-stationsstraat]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chart-day[data-series*=Stationsstraat]")
    page.wait_for_selector(READY)
    assert _number(page, "chart-day", "gaps") >= 2  # before the data, and 1 October
    assert "location=dashdorp-stationsstraat" in page.url
    # The language switch keeps the place.
    page.click("#lang-switch")
    page.wait_for_selector(READY)
    assert page.inner_text("h1") == "Gemeenten en hun tellingen"
    assert _series(page, "chart-day") == ["voetgangers, Stationsstraat"]
    screenshot(page, "town-nl")
    assert console.unexplained() == []


# A 1×1 grey PNG: every tile of the test's tile service.
TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4AwAA0ADPiJ6rbgAAAABJRU5ErkJggg=="
)


def test_town_map_over_a_configured_tile_service(page: Any, tiled_server: str) -> None:
    console = Console(page)
    tiles: list[str] = []

    def answer(route: Any) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.route("https://tiles.test/**", answer)
    page.goto(f"{tiled_server}/?lang=en")
    page.wait_for_selector(READY)
    assert page.get_attribute("#map svg", "data-tiles") == "on"
    images = page.locator("#map image")
    assert images.count() >= 1
    hrefs = [images.nth(i).get_attribute("href") for i in range(images.count())]
    assert all(h.startswith("https://tiles.test/") and h.endswith(".png") for h in hrefs)
    page.wait_for_function("document.querySelectorAll('#map image').length > 0")
    page.wait_for_timeout(200)
    assert tiles, "the browser fetched the tiles (the page's policy allowed them)"
    zoom = {int(u.split("/")[3]) for u in tiles}
    assert len(zoom) == 1
    assert 14 <= zoom.pop() <= 19  # a town centre, not the world
    assert page.locator("#map .map-point").count() == 3  # the points over the tiles
    assert "Background map: Test tiles" in page.inner_text("#unmapped")
    screenshot(page, "town-tiles")
    assert console.unexplained() == []


def test_embed_page(page: Any, server: str) -> None:
    console = Console(page)
    page.goto(f"{server}/embed/dashdorp/dashdorp-markt/pedestrians.html?granularity=hour&lang=en")
    assert page.locator("svg[role=img] title").count() >= 1
    assert page.locator("svg rect.suppressed").count() >= 1
    assert page.locator("a", has_text="The data (CSV)").count() == 1
    screenshot(page, "embed")
    assert console.unexplained() == []


def test_retailer_sees_only_its_own_shop(page: Any, server: str, seeded: Seeded) -> None:
    console = Console(page)
    page.goto(f"{server}/shop?lang=en")
    page.wait_for_selector(READY)
    page.fill("#key", seeded.retailer_key)
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#signed-in:not([hidden])")
    page.wait_for_selector(f"{READY} #chart-entries canvas")
    assert page.locator("#shops button").all_inner_texts() == ["Bakkerij Brood · Markt"]
    assert _series(page, "chart-entries") == [
        "Bakkerij Brood: entries",
        "Markt: pedestrians in the street",
    ]
    assert (
        _series(page, "chart-conversion")[0]
        == "Bakkerij Brood: Conversion (entries ÷ pedestrians) (%)"
    )
    assert page.locator("#heatmap td").count() == 168
    assert "of the pedestrians pass outside these opening hours" in page.inner_text("#advice")
    text = page.inner_text("body")
    for other in ("Slagerij", "Boekhandel", "dashdorp-slagerij", "dashdorp-boekhandel"):
        assert other not in text
    # The key is in this tab's sessionStorage, in no address the page asked for.
    assert page.evaluate("sessionStorage.getItem('daks.retailerKey')") == seeded.retailer_key
    assert all(seeded.retailer_key not in url for url in console.requests)
    assert seeded.retailer_key not in page.url
    screenshot(page, "shop")
    assert console.unexplained() == []


def test_staff_upload_reports_a_refused_files_line(
    page: Any, server: str, seeded: Seeded, tmp_path: Path
) -> None:
    console = Console(page)
    page.goto(f"{server}/staff?lang=en")
    page.wait_for_selector(READY)
    page.fill("#key", seeded.internal_key)
    page.click("#signin button[type=submit]")
    page.wait_for_selector(f"{READY} #signed-in:not([hidden]) #sensors table")
    page.wait_for_selector("#events li")
    outage = page.locator("#sensors tr", has_text="dashdorp-stationsstraat")
    assert outage.locator("td").nth(4).inner_text() == "24"  # the day the counter was down
    assert "basis exact" in page.inner_text("#events")
    # Every file imported for the town is listed from the API, not only this tab's uploads.
    page.wait_for_selector("#imports .import")
    listed = page.locator("#imports .import h3").all_inner_texts()
    for name in ("footfall.csv", "shop-entries.csv", "events.csv"):
        assert any(text.startswith(name) for text in listed), listed
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "location,timestamp,direction,count\n"
        "dashdorp-markt,2025-10-06T10:00:00+02:00,both,12\n"
        "dashdorp-markt,2025-10-06T11:00:00+02:00,both,twelve\n",
        encoding="utf-8",
    )
    page.set_input_files("#file", str(bad))
    page.click("#upload button[type=submit]")
    refusal = page.wait_for_selector("#upload-result p.error")
    assert refusal is not None
    assert refusal.get_attribute("data-line") == "3"
    assert refusal.get_attribute("data-field") == "count"
    assert "line 3" in refusal.inner_text()
    good = tmp_path / "good.csv"
    good.write_text(
        "location,timestamp,direction,count\n"
        "dashdorp-markt,2025-10-06T10:00:00+02:00,both,12\n"
        "dashdorp-markt,2025-10-06T10:00:00+02:00,both,12\n",
        encoding="utf-8",
    )
    page.set_input_files("#file", str(good))
    page.click("#upload button[type=submit]")
    page.wait_for_selector("#upload-result p.ok")
    page.wait_for_selector("#imports .import h3:text-matches('^good.csv')")
    newest = page.locator("#imports .import").first
    assert newest.locator("h3").inner_text().startswith("good.csv")
    assert "anomalies 1" in newest.inner_text()
    newest.locator("summary").click()
    assert newest.locator("tbody tr").count() == 1
    assert "bad.csv" not in page.inner_text("#imports")  # a refused file imported nothing
    screenshot(page, "staff")
    assert console.unexplained(expected=((422, "/v1/internal/imports"),)) == []


def test_staff_see_the_towns_imports_in_a_new_tab(page: Any, server: str, seeded: Seeded) -> None:
    """The list comes from the API: another tab, signed in afresh, sees the same imports."""
    console = Console(page)
    page.goto(f"{server}/staff?lang=en")
    page.wait_for_selector(READY)
    page.fill("#key", seeded.internal_key)
    page.click("#signin button[type=submit]")
    page.wait_for_selector(f"{READY} #signed-in:not([hidden]) #imports .import")
    listed = page.locator("#imports .import h3").all_inner_texts()
    assert any(text.startswith("footfall.csv") for text in listed)
    assert page.evaluate("sessionStorage.getItem('daks.staffImports')") is None
    assert console.unexplained() == []
