"""A register entry named thousands of times: Stalin's page in the real
edition shows each text's first mentions side by side, and every further
mention is one link away, page by page, per text (with or without script).
The real server over HTTP on the real tei/."""

from __future__ import annotations

import lxml.html
import pytest

from edition import TEI_DIR
from edition.search import mention_counts, mentions_of
from test_viewer import LiveServer
from viewer.registers import MENTIONS_PER_PAGE


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from viewer import create_app
    search_db = tmp_path_factory.mktemp("index") / "search.sqlite"
    server = LiveServer(create_app(TEI_DIR, search_db=search_db))
    assert server.get("/registers/").status_code == 200
    server.get("/search?q=Stalin")  # builds the index
    server.search_db = search_db
    yield server
    server.close()


@pytest.fixture(scope="module")
def stalin(live):
    counts = mention_counts(live.search_db, "persons", "stalin")["stalin"]
    assert sum(counts.values()) > 2000, "Stalin is the edition's most named person"
    return counts


def page(live, path: str) -> lxml.html.HtmlElement:
    response = live.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.content)


def test_stalin_entry_shows_every_text_with_its_first_mentions_and_its_count(live, stalin):
    html = page(live, "/registers/persons/stalin")
    groups = {g.get("id").removeprefix("mentions-"): g for g in html.find_class("kwic-group")}
    assert set(groups) == set(stalin)
    for key, group in groups.items():
        lines = group.xpath(".//ol[@class='kwic']/li")
        assert len(lines) == min(stalin[key], MENTIONS_PER_PAGE)
        assert f"({stalin[key]:,})" in group.findtext(".//h3/span")
        # the first line is the text's first mention, linked to its paragraph
        first = mentions_of(live.search_db, "persons", "stalin", key, limit=1)[0]
        assert lines[0].find("a").get("href") == f"/text/{key}/at/{first['passage_id']}"
        more = group.xpath(".//a[@rel='next']")
        assert bool(more) == (stalin[key] > MENTIONS_PER_PAGE)
    assert f"{sum(stalin.values()):,} mentions in 5 texts" in html.text_content()


def test_following_next_through_medvedev_reaches_every_mention_once_in_text_order(live, stalin):
    expected = [(m["passage_id"], m["before"]) for m in mentions_of(live.search_db, "persons", "stalin", "medvedev")]
    seen, path, pages = [], "/registers/persons/stalin", 0
    while path:
        html = page(live, path)
        group = html.get_element_by_id("mentions-medvedev")
        lines = group.xpath(".//ol[@class='kwic']/li")
        assert int(group.find(".//ol").get("start")) == len(seen) + 1  # numbered on from the page before
        seen += [(li.find("a").get("href").rsplit("/", 1)[1], li.find_class("kwic-before")[0].text or "") for li in lines]
        more = group.xpath(".//a[@rel='next']/@href")
        path, pages = (more[0] if more else None), pages + 1
    assert len(seen) == stalin["medvedev"] and pages == -(-stalin["medvedev"] // MENTIONS_PER_PAGE)
    assert [s[0] for s in seen] == [e[0] for e in expected]
    # each line's context is the index's, cut back to whole words where the index cut a word
    for (_id, shown), (_id, indexed) in zip(seen, expected):
        assert shown == indexed or (shown.startswith("… ") and indexed.endswith(shown[1:]))


def test_kamenev_in_furr_reads_from_a_whole_word_to_the_name(live):
    line = page(live, "/registers/persons/kamenev-lb").get_element_by_id("mentions-furr").find(".//ol/li/a")
    text = line.text_content()
    assert text.startswith("… was between the first two large-scale Moscow Trials. Zinoviev and Kamenev had gone on trial")
    assert text.endswith("along with some others in August 1936. The second …")


def test_a_page_of_mentions_in_one_text_links_back_to_all_texts(live, stalin):
    html = page(live, "/registers/persons/stalin/in/rogovin?page=2")
    assert html.findtext(".//h1").startswith("Joseph Vissarionovich Stalin in")
    assert html.find_class("kwic-range")[0].text_content() == \
        f"Mentions {MENTIONS_PER_PAGE + 1}–{2 * MENTIONS_PER_PAGE} of {stalin['rogovin']:,}"
    assert html.xpath("//a[@rel='prev']/@href") == ["/registers/persons/stalin/in/rogovin?page=1"]
    assert html.xpath("//a[@href='/registers/persons/stalin#mentions']")


def test_stalin_entry_is_a_page_of_tens_of_kilobytes_not_a_megabyte(live):
    # the whole list of 3,000 mentions made a 1 MB page; a page of each text is bounded
    assert len(live.get("/registers/persons/stalin").content) < 150_000


@pytest.mark.parametrize("path, status", [
    ("/registers/persons/stalin/in/rogovin?page=0", 400),
    ("/registers/persons/stalin/in/rogovin?page=9999", 400),
    ("/registers/persons/stalin/in/rogovin?page=two", 400),
    ("/registers/persons/stalin/in/tolstoy", 404),
    ("/registers/persons/nobody-at-all/in/rogovin", 404),
])
def test_a_page_of_mentions_that_does_not_exist_is_a_clear_error(live, path, status):
    response = live.get(path)
    assert response.status_code == status
    assert "Traceback" not in response.text and "<h1>" in response.text


def test_a_text_that_never_names_the_person_has_no_page_of_mentions(live):
    counts = mention_counts(live.search_db, "persons")
    key, entity = next((key, entity) for entity, by_text in counts.items()
                       for key in ("furr", "gurdzhiyev", "medvedev", "pavlova", "rogovin") if key not in by_text)
    response = live.get(f"/registers/persons/{entity}/in/{key}")
    assert response.status_code == 404 and "does not mention" in response.text


def test_an_entry_page_shows_how_certain_each_identification_is(live):
    """P. A. Smirnov is named only as "V. Smirnov, ... appointed people's commissar of the Navy in
    1938": identified from the context, the mention says so; an exact name (A. F. Ioffe) carries
    no such mark."""
    smirnov = page(live, "/registers/persons/smirnov-pa")
    (mention,) = smirnov.xpath("//ol[@class='kwic']/li")
    assert mention.xpath(".//mark[@class='kwic-name']")[0].text_content() == "V. Smirnov"
    assert mention.xpath(".//small[@class='kwic-cert']")[0].text_content().strip() == "(medium certainty)"
    exact = page(live, "/registers/persons/ioffe-af").xpath("//ol[@class='kwic']/li")
    assert exact and not any(li.xpath(".//small[@class='kwic-cert']") for li in exact)
