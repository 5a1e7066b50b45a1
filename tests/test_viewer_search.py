"""Search by entity: the filter is a choice among the registers' entries the
texts mention (a select, grouped by register, that works without script),
and choosing one with no words lists every passage that mentions it. The real
server over HTTP on the real tei/."""

from __future__ import annotations

import sqlite3

import lxml.html
import pytest

from edition import TEI_DIR
from edition.search import mention_counts
from test_viewer import LiveServer
from viewer.texts import read_register


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from viewer import create_app
    search_db = tmp_path_factory.mktemp("index") / "search.sqlite"
    server = LiveServer(create_app(TEI_DIR, search_db=search_db))
    server.get("/search?q=Stalin")  # builds the index
    server.search_db = search_db
    yield server
    server.close()


def html_of(live, path: str) -> lxml.html.HtmlElement:
    response = live.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.content)


def passages_naming(live, register: str, entity: str) -> set[tuple[str, str]]:
    con = sqlite3.connect(live.search_db)
    try:
        return set(con.execute("SELECT text_key, passage_id FROM mentions WHERE register = ? AND entity = ?",
                               (register, entity)).fetchall())
    finally:
        con.close()


def hit_targets(page: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    # /text/KEY/at/ID
    return [tuple(href.split("/")[2::2]) for href in page.xpath("//li[@class='hit']/a/@href")]


def test_entity_filter_is_a_labelled_choice_of_every_mentioned_entry_grouped_by_register(live):
    page = html_of(live, "/search")
    select = page.get_element_by_id("search-entity")
    assert select.tag == "select" and select.get("name") == "entity"
    assert page.xpath("//label[@for='search-entity']")
    groups = {g.get("label"): g for g in select.findall("optgroup")}
    assert list(groups) == ["Persons", "Places", "Organisations"]
    for register, title in (("persons", "Persons"), ("places", "Places"), ("orgs", "Organisations")):
        counts = mention_counts(live.search_db, register)
        values = [o.get("value") for o in groups[title].findall("option")]
        assert sorted(values) == sorted(f"{register}/{e.id}" for e in read_register(TEI_DIR / f"{register}.xml", register)
                                        if e.id in counts)
    stalin = select.xpath(".//option[@value='persons/stalin']")[0]
    total = sum(mention_counts(live.search_db, "persons", "stalin")["stalin"].values())
    assert stalin.text == f"Stalin, Joseph Vissarionovich ({total:,})"
    # family names in order, so that typing "St" in the list reaches Stalin
    labels = [o.text.casefold() for o in groups["Persons"].findall("option")]
    assert labels == sorted(labels)


def test_choosing_stalin_with_a_word_finds_only_passages_that_mention_him(live):
    page = html_of(live, "/search?q=trial&entity=persons%2Fstalin")
    assert page.xpath("//select[@id='search-entity']/optgroup/option[@selected]/@value") == ["persons/stalin"]
    targets = hit_targets(page)
    assert targets and set(targets) <= passages_naming(live, "persons", "stalin")
    everywhere = hit_targets(html_of(live, "/search?q=trial"))
    assert set(everywhere) - passages_naming(live, "persons", "stalin"), "without the filter other passages are found"


def test_choosing_kamenev_without_words_lists_every_passage_that_names_him(live):
    wanted = passages_naming(live, "persons", "kamenev-lb")
    found, path = [], "/search?q=&entity=persons%2Fkamenev-lb"
    while path:
        page = html_of(live, path)
        found += hit_targets(page)
        # each hit shows the name in its context, marked
        assert all(hit.xpath(".//p[@class='snippet']/mark") for hit in page.xpath("//li[@class='hit']"))
        path = (page.xpath("//nav[@class='pager']/a[@rel='next']/@href") or [None])[0]
    assert len(found) == len(set(found)) and set(found) == wanted
    count = html_of(live, "/search?entity=persons%2Fkamenev-lb").find_class("search-count")[0].text_content()
    assert count.startswith(f"{len(wanted):,} passages found that mention ")


def test_entity_and_text_filters_together(live):
    page = html_of(live, "/search?entity=places%2Fmoscow&text=pavlova")
    targets = hit_targets(page)
    assert targets and {key for key, _ in targets} == {"pavlova"}
    assert set(targets) <= passages_naming(live, "places", "moscow")


@pytest.mark.parametrize("entity, status", [("persons/nobody-at-all", 404), ("kamenev-lb", 400), ("gods/zeus", 400)])
def test_an_entity_filter_the_registers_do_not_have_is_a_clear_error(live, entity, status):
    response = live.get("/search", params={"q": "Stalin", "entity": entity})
    assert response.status_code == status and "Traceback" not in response.text


def test_rsdrp_expanded_by_the_translator_is_found_and_downloaded_as_printed(live):
    # Medvedev: "RSDRP [Russian Social Democratic Workers Party]", the expansion the translator's
    page = html_of(live, "/search?q=RSDRP&text=medvedev")
    snippets = [" ".join(s.text_content().split()) for s in page.find_class("snippet")]
    assert any("RSDRP [Russian Social Democratic Workers Party]" in s for s in snippets)
    plain = live.get("/download/medvedev.txt").text
    assert "RSDRP [Russian Social Democratic Workers Party]" in " ".join(plain.split())


def test_an_entry_the_texts_never_name_stays_chosen_when_asked_for_by_address(live):
    counts = mention_counts(live.search_db, "persons")
    unnamed = next((e for e in read_register(TEI_DIR / "persons.xml", "persons") if e.id not in counts), None)
    if unnamed is None:
        pytest.skip("every person of the register is named in the texts")
    page = html_of(live, f"/search?q=Stalin&entity=persons%2F{unnamed.id}")
    assert page.xpath("//select[@id='search-entity']//option[@selected]/text()") == [f"{unnamed.name} (not mentioned)"]
    assert page.find_class("search-count")[0].text_content().startswith("0 passages found")
