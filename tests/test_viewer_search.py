"""Search by entity: the filter is a choice among the registers' entries the
texts mention (a text field taking a name or register/id without script, which
the page's script turns into a select grouped by register from one cached list),
and choosing one with no words lists every passage that mentions it. The real
server over HTTP on the real tei/."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlencode

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
    return [tuple(href.split("?")[0].split("/")[2::2]) for href in page.xpath("//li[@class='hit']/a/@href")]


def test_entity_filter_is_a_labelled_field_whose_choices_are_fetched_once(live):
    response = live.get("/search")
    assert len(response.content) < 8_000, "the 628 choices are not in every search page"
    page = lxml.html.fromstring(response.content)
    field = page.get_element_by_id("search-entity")
    assert field.tag == "input" and field.get("name") == "entity" and field.get("type") == "text"
    assert page.xpath("//label[@for='search-entity']")
    assert page.get_element_by_id(field.get("aria-describedby")).text_content().strip()
    choices = live.get(field.get("data-choices"))
    assert choices.headers["Content-Type"] == "application/json"
    assert "public" in choices.headers["Cache-Control"] and "max-age=31536000" in choices.headers["Cache-Control"]
    again = live.get(field.get("data-choices"), headers={"If-None-Match": choices.headers["ETag"]})
    assert again.status_code == 304 and not again.content


def test_entity_choices_are_every_mentioned_entry_grouped_by_register_family_name_first(live):
    url = html_of(live, "/search").get_element_by_id("search-entity").get("data-choices")
    groups = {group["title"]: group["options"] for group in live.get(url).json()}
    assert list(groups) == ["Persons", "Places", "Organisations"]
    for register, title in (("persons", "Persons"), ("places", "Places"), ("orgs", "Organisations")):
        counts = mention_counts(live.search_db, register)
        values = [value for value, _label in groups[title]]
        assert sorted(values) == sorted(f"{register}/{e.id}" for e in read_register(TEI_DIR / f"{register}.xml", register)
                                        if e.id in counts)
    stalin = dict(groups["Persons"])["persons/stalin"]
    total = sum(mention_counts(live.search_db, "persons", "stalin")["stalin"].values())
    assert stalin == f"Stalin, Joseph Vissarionovich ({total:,})"
    # family names in order, so that typing "St" in the list reaches Stalin
    labels = [label.casefold() for _value, label in groups["Persons"]]
    assert labels == sorted(labels)


def test_choosing_stalin_with_a_word_finds_only_passages_that_mention_him(live):
    page = html_of(live, "/search?q=trial&entity=persons%2Fstalin")
    assert page.get_element_by_id("search-entity").get("value") == "persons/stalin"
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


@pytest.mark.parametrize("entity, status", [("persons/nobody-at-all", 404), ("Nobody At All", 404), ("gods/zeus", 400),
                                            ("persons/", 400)])
def test_an_entity_filter_the_registers_do_not_have_is_a_clear_error(live, entity, status):
    response = live.get("/search", params={"q": "Stalin", "entity": entity})
    assert response.status_code == status and "Traceback" not in response.text


@pytest.mark.parametrize("typed", ["Bukharin", "bukharin", "Nikolai Ivanovich Bukharin", "Bukharin, Nikolai Ivanovich",
                                   "persons/bukharin"])
def test_without_script_the_filter_takes_a_name_or_an_id_and_finds_what_the_choice_finds(live, typed):
    chosen = html_of(live, "/search?q=trial&entity=persons%2Fbukharin")
    page = html_of(live, "/search?" + urlencode({"q": "trial", "entity": typed}))
    assert hit_targets(page) == hit_targets(chosen) and hit_targets(page)
    assert page.find_class("search-count")[0].text_content() == chosen.find_class("search-count")[0].text_content()
    # the field now holds the entry's address, so the next search keeps it
    assert page.get_element_by_id("search-entity").get("value") == "persons/bukharin"


def test_rsdrp_expanded_by_the_translator_is_found_and_downloaded_as_printed(live):
    # Medvedev: "RSDRP [Russian Social Democratic Workers Party]", the expansion the translator's;
    # the exact spelling, not the party's other names in the register
    page = html_of(live, "/search?q=RSDRP&text=medvedev&variants=off")
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
    field = page.get_element_by_id("search-entity")
    assert (field.get("value"), field.get("data-entity-name")) == (f"persons/{unnamed.id}", unnamed.name)
    assert page.find_class("search-count")[0].text_content().startswith("0 passages found")


def test_every_passage_a_hit_can_link_to_is_an_anchor_on_its_page(live):
    """Search hits link to /text/KEY/at/ID: that page must carry the id, or the reader lands at its top."""
    from viewer.texts import TextLibrary
    library = TextLibrary(TEI_DIR)
    con = sqlite3.connect(live.search_db)
    try:
        passages = con.execute("SELECT DISTINCT text_key, passage_id FROM passages").fetchall()
    finally:
        con.close()
    pages: dict[tuple[str, str], set[str]] = {}
    for key, passage_id in passages:
        page_id = library.get(key).page_of.get(passage_id) if passage_id != key else None
        if page_id is not None:
            pages.setdefault((key, page_id), set()).add(passage_id)
    assert sum(map(len, pages.values())) > 5_000
    missing = []
    for (key, page_id), ids in pages.items():
        page = html_of(live, f"/text/{key}/{page_id}")
        missing += sorted(ids - set(page.xpath("//@id")))
    assert not missing, f"{len(missing)} passages without an anchor, e.g. {missing[:5]}"


@pytest.mark.parametrize("params, status, said", [
    ({"q": "Stalin " * 100}, 400, "at most 500 characters"),
    ({"q": "the " * 24, "page": "10000"}, 400, "at most 12 words or phrases"),
    ({"q": "Kirov", "page": "٣"}, 400, "in the digits 0–9"),
    ({"q": "Kirov", "entity": "Akhundov"}, 400, "names more than one entry"),
    ({"q": "Kirov", "entity": "Nobody Atall"}, 404, "No register entry is called"),
    ({"q": "Kirov", "text": "trotsky"}, 400, "There is no text “trotsky”"),
    ({"q": "AND"}, 200, "AND, OR and NOT join two searches"),
    ({"q": "(Kamenev OR Zinoviev"}, 200, "a bracket is opened and not closed"),
])
def test_every_refused_search_keeps_the_form_with_what_was_typed_and_why(live, params, status, said):
    response = live.get("/search?" + urlencode(params))
    assert response.status_code == status
    page = lxml.html.fromstring(response.content)
    field = page.get_element_by_id("search-q")
    assert field.get("value") == params["q"].strip()
    assert field.get("aria-invalid") == "true"
    error = page.get_element_by_id(field.get("aria-errormessage"))
    assert error.get("role") == "alert" and said in error.text_content()
    assert page.xpath("//form[@role='search']//button[@type='submit']")


def test_the_search_page_documents_its_operators(live):
    page = html_of(live, "/search")
    guide = page.get_element_by_id(page.get_element_by_id("search-q").get("aria-describedby"))
    examples = [k.text_content() for k in guide.iter("kbd")]
    assert {"Kamenev OR Zinoviev", "Trotsky NOT Lenin", "(Kamenev OR Zinoviev) trial", '"show trial"', "kulak*"} <= set(examples)
    for example in examples:  # every example the page gives is a search that runs
        assert live.get("/search?" + urlencode({"q": example})).status_code == 200


def test_a_name_searched_shows_its_other_spellings_and_a_way_to_search_the_exact_one(live):
    page = html_of(live, "/search?q=Ezhov")
    widened = " ".join(page.find_class("search-widened")[0].text_content().split())
    assert "Ezhov as Yezhov, Ежов, Yezhos" in widened
    assert int(page.find_class("search-count")[0].text_content().split()[0]) > 50
    exact_link = page.find_class("search-widened")[0].xpath(".//a/@href")[0]
    exact = html_of(live, exact_link)
    assert exact.get_element_by_id("search-variants").get("checked") is not None
    assert exact.find_class("search-count")[0].text_content().startswith("1 passage found")


def test_a_hit_leads_to_its_passage_with_the_words_to_mark(live):
    page = html_of(live, "/search?q=Ezhov&text=furr")
    href = page.xpath("//li[@class='hit']/a/@href")[0]
    landed = live.get(href)
    assert landed.status_code == 200 and "hl=Ezhov" in landed.url and "hl=Yezhov" in landed.url
    assert "#" + href.split("?")[0].rsplit("/", 1)[1] in landed.url
