"""The reading edition over real HTTP: a waitress server on a free loopback
port, serving a small edition made of real passages from Medvedev and
Gurdzhiyev encoded the way the pipeline encodes them (notes at their point of
attachment, names with @ref into the registers, choice/sic/corr, supplied,
gap, mended page breaks), and the real tei/ for the checks that must hold of
every text (valid HTML, no text lost)."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urljoin

import html5lib
import lxml.html
import pytest
import requests
from bs4 import BeautifulSoup
from lxml import etree

from edition import SCHEMA, TEI_DIR, tei

TEI = 'xmlns="http://www.tei-c.org/ns/1.0"'

MEDVEDEV = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {TEI} xml:id="medvedev" xml:lang="en">
  <teiHeader><fileDesc>
    <titleStmt><title type="main">On Stalin and Stalinism</title>
      <author xml:id="author">Roy Medvedev</author>
      <editor role="translator" xml:id="translator">Ellen de Kadt</editor></titleStmt>
    <publicationStmt><publisher>The Stalinism Edition project</publisher></publicationStmt>
    <sourceDesc><biblStruct><monogr><title level="m">On Stalin and Stalinism</title>
      <imprint><publisher>Oxford University Press</publisher><date when="1979">1979</date></imprint></monogr></biblStruct></sourceDesc>
  </fileDesc>
  <profileDesc><textClass><keywords><term type="standpoint">Soviet dissident Marxist</term></keywords></textClass></profileDesc>
  </teiHeader>
  <text><body>
    <div xml:id="medvedev.1" type="chapter"><head xml:id="medvedev.1.h1">The Revolution</head>
      <p xml:id="medvedev.1.p1">The beginning of 1917 found <persName ref="persons.xml#stalin-iv">Stalin</persName> in <placeName ref="places.xml#krasnoyarsk">Krasnoyarsk</placeName>. He established contact with certain of the Krasnoyarsk Bolsheviks and spent a large portion of the evenings with <persName ref="persons.xml#kamenev-lb">L.B. Kamenev</persName> who also had been exiled to Siberia.<note n="1" xml:id="medvedev.n1-1" place="foot" type="translator" resp="#translator">The Russian text has “Krasnoiarsk”.</note></p>
      <p xml:id="medvedev.1.p2">Even after Lenin's arrival, when his famous "April Theses" were published in PRAVDA, <persName ref="persons.xml#kamenev-lb"><choice><sic>Kameney</sic><corr resp="#edition-editors">Kamenev</corr></choice></persName>, with Stalin's support, on the following day published an article with a harsh criticism of these theses.<note n="2" xml:id="medvedev.n1-2" place="foot" resp="#author">See PRAVDA, 8 April 1917 <note type="translator" resp="#translator" place="inline">[PRAVDA, No. 27]</note>.</note></p>
      <div xml:id="medvedev.1.1"><head xml:id="medvedev.1.1.h1">The Buro</head>
        <p xml:id="medvedev.1.1.p1">"Then the question was settled of Comrades Muranov, <persName ref="persons.xml#stalin-iv">Stalin</persName> and <persName ref="persons.xml#kamenev-lb">Kamenev</persName>. The first was invited unanimously. As for Stalin, it was reported that he had been a Central Committee agent in 1912 and for this reason it was desirable to have as a member of the BTsK [Central Committee Buro]<gap reason="illegible" quantity="2" unit="words"/>."</p>
        <note n="3" xml:id="medvedev.n1-3" subtype="unanchored" resp="#author">Minutes of the Central Committee Buro, 12 March 1917.</note>
      </div>
    </div>
    <div xml:id="medvedev.2" type="chapter"><head xml:id="medvedev.2.h1">Dual Power</head>
      <p xml:id="medvedev.2.p1">On 3 March 1917, a soviet was organized in <placeName ref="places.xml#krasnoyarsk">Krasnoyarsk</placeName>. Stalin together with <persName ref="persons.xml#kamenev-lb">Kamenev</persName> and M.K. Muranov immediately set off for the capital.</p>
    </div>
  </body></text>
</TEI>
"""

GURDZHIYEV = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {TEI} xml:id="gurdzhiyev" xml:lang="en">
  <teiHeader><fileDesc>
    <titleStmt><title type="main">For the Motherland! For Stalin!</title><author xml:id="author">Lavrentiy Gurdzhiyev</author></titleStmt>
    <publicationStmt><publisher>The Stalinism Edition project</publisher></publicationStmt>
    <sourceDesc><bibl>The Red Phoenix, 2017</bibl></sourceDesc>
  </fileDesc>
  <profileDesc><textClass><keywords><term type="standpoint">Marxist-Leninist, anti-revisionist</term></keywords></textClass></profileDesc>
  </teiHeader>
  <text><body>
    <p xml:id="gurdzhiyev.p1">It should be recognized that in a number of concrete speeches there was an anti-Soviet component. However, most often it was a spontaneous splash of the people's anger specifically<pb type="mended"/> against the violation of Soviet rules and norms by the government. Such protests could not but connect with the name of <persName ref="persons.xml#stalin-iv">Stalin</persName>, whose image in the eyes of a large number of Soviet people embodied socialist legality, despite all the "exposures" of <supplied reason="omitted">Nikita</supplied> Khrushchev.</p>
  </body></text>
</TEI>
"""

PERSONS = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {TEI}><teiHeader><fileDesc><titleStmt><title>Persons</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>
<text><body><listPerson>
  <person xml:id="kamenev-lb"><persName>Lev Borisovich Kamenev</persName><birth when="1883">1883</birth><death when="1936">1936</death>
    <note>Bolshevik leader; chairman of the Moscow Soviet; shot after the first Moscow trial.</note>
    <note type="source">First met in <ref target="medvedev.xml#medvedev.1.p1">Medvedev, chapter 1</ref>.</note></person>
  <person xml:id="stalin-iv"><persName>Iosif Vissarionovich Stalin</persName><birth when="1878">1878</birth><death when="1953">1953</death></person>
</listPerson></body></text></TEI>
"""

PLACES = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI {TEI}><teiHeader><fileDesc><titleStmt><title>Places</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>
<text><body><listPlace><place xml:id="krasnoyarsk"><placeName>Krasnoyarsk</placeName><note>City in Siberia.</note></place></listPlace></body></text></TEI>
"""


def write_small_edition(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in [("medvedev.xml", MEDVEDEV), ("gurdzhiyev.xml", GURDZHIYEV),
                          ("persons.xml", PERSONS), ("places.xml", PLACES)]:
        (folder / name).write_text(content, encoding="utf-8")
    return folder


class LiveServer:
    """The real app under waitress on a free loopback port, in a thread."""

    def __init__(self, app):
        from servers import start
        self.url, self.close = start(app)

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(self.url + path, timeout=30, **kwargs)


@pytest.fixture(scope="module")
def small_edition(tmp_path_factory):
    return write_small_edition(tmp_path_factory.mktemp("edition") / "tei")


@pytest.fixture(scope="module")
def server(small_edition):
    from viewer import create_app
    live = LiveServer(create_app(small_edition))
    yield live
    live.close()


def soup(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


# --- library, reading view -------------------------------------------------------

def test_library_gives_author_translator_date_and_standpoint_in_one_line(server):
    page = soup(server.get("/"))
    line = page.select_one("#text-medvedev .library-line").get_text(" ", strip=True)
    assert line == "Roy Medvedev, translated by Ellen de Kadt; 1979; standpoint: Soviet dissident Marxist"
    links = [a["href"] for a in page.select("#text-medvedev a")]
    assert "/download/medvedev.xml" in links and "/text/medvedev/header" in links
    assert "words" in page.select_one("#text-gurdzhiyev .library-size").get_text()


def test_chapter_page_has_its_own_text_and_links_to_the_next(server):
    response = server.get("/text/medvedev/medvedev.1")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "The Revolution"
    assert "spent a large portion of the evenings" in page.select_one("article.reading-text").get_text()
    assert "Dual Power" not in page.select_one("article.reading-text").get_text()
    assert page.select_one("a[rel=next]")["href"] == "/text/medvedev/medvedev.2"
    toc = [a.get_text() for a in page.select(".page-toc .toc a")]
    assert toc == ["The Revolution", "The Buro", "Dual Power"]


def test_note_reference_points_to_the_note_listed_at_the_end_with_a_back_link(server):
    page = soup(server.get("/text/medvedev/medvedev.1"))
    ref = page.select_one("a.note-ref[data-note='medvedev.n1-1']")
    assert ref["href"] == "#medvedev.n1-1" and ref.get_text() == "1"
    note = page.find(id="medvedev.n1-1")
    assert note.find_parent("section")["class"] == ["notes"]
    assert "Krasnoiarsk" in note.select_one(".note-body").get_text()
    assert note.select_one("a.note-back")["href"] == "#" + ref["id"]


def test_translator_and_author_notes_are_told_apart(server):
    page = soup(server.get("/text/medvedev/medvedev.1"))
    assert "note-translator" in page.find(id="medvedev.n1-1")["class"]
    assert "note-author" in page.find(id="medvedev.n1-2")["class"]
    assert page.find(id="medvedev.n1-1").select_one(".note-voice").get_text() == "translator’s note"


def test_translators_inline_gloss_stays_inside_the_authors_note(server):
    page = soup(server.get("/text/medvedev/medvedev.1"))
    gloss = page.find(id="medvedev.n1-2").select_one(".note-inline")
    assert gloss.get_text() == "[PRAVDA, No. 27]" and "note-translator" in gloss["class"]
    assert len(page.select(".note-list > li")) == 3


def test_unanchored_note_is_listed_without_a_reference_in_the_text(server):
    page = soup(server.get("/text/medvedev/medvedev.1"))
    note = page.find(id="medvedev.n1-3")
    assert "unanchored" in note["class"] and note.select_one(".note-back") is None
    assert page.select_one("a.note-ref[data-note='medvedev.n1-3']") is None


def test_received_kameney_is_kept_beside_the_corrected_kamenev(server):
    choice = soup(server.get("/text/medvedev/medvedev.1")).select_one("#medvedev\\.1\\.p2 .choice")
    assert choice.select_one(".edited").get_text() == "Kamenev"
    assert "Kameney" in choice.select_one(".edited")["title"]
    # a screen reader, once the interventions are shown, hears what the received text is
    assert choice.select_one(".received").get_text() == " (the received text reads: Kameney)"
    assert [ui.get_text() for ui in choice.select(".received .ui")] == [" (the received text reads: ", ")"]


def test_mended_page_break_gap_and_supplied_are_marked(server):
    page = soup(server.get("/text/gurdzhiyev/body"))
    assert page.select_one("#gurdzhiyev\\.p1 .pb-mended") is not None
    supplied = page.select_one("#gurdzhiyev\\.p1 .supplied")
    assert supplied.get_text() == "[Nikita]" and "omitted" in supplied["title"]
    gap = soup(server.get("/text/medvedev/medvedev.1")).select_one(".gap")
    assert "illegible" in gap["title"] and "2 words" in gap["title"]


def test_names_link_to_their_register_entries(server):
    page = soup(server.get("/text/medvedev/medvedev.1"))
    for ui in page.select(".ui"):  # what the viewer adds is not the text
        ui.decompose()
    kamenev = page.select("a.name-person[data-entity='persons/kamenev-lb']")
    assert [a.get_text() for a in kamenev] == ["L.B. Kamenev", "KamenevKameney", "Kamenev"]
    assert kamenev[0]["href"] == "/registers/persons/kamenev-lb"
    assert page.select_one("a.name-place")["href"] == "/registers/places/krasnoyarsk"


def test_paragraph_number_is_a_permalink_that_leads_back_to_the_paragraph(server):
    page = soup(server.get("/text/medvedev/medvedev.1"))
    number = page.select_one("#medvedev\\.1\\.1\\.p1 .para-num")
    assert number.get_text() == "1" and number["data-permalink"] == "/text/medvedev/at/medvedev.1.1.p1"
    response = server.get(number["data-permalink"], allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/text/medvedev/medvedev.1#medvedev.1.1.p1")
    assert server.get("/text/medvedev/at/medvedev.2.p1").url.endswith("/text/medvedev/medvedev.2#medvedev.2.p1")


def test_a_long_division_is_read_one_subdivision_per_page(small_edition, monkeypatch):
    from viewer import create_app, texts
    monkeypatch.setattr(texts, "PAGE_CHARS", 300)
    client = create_app(small_edition).test_client()
    chapter = BeautifulSoup(client.get("/text/medvedev/medvedev.1").data, "html.parser")
    assert chapter.select_one(".subsection-link a")["href"] == "/text/medvedev/medvedev.1.1"
    assert "Comrades Muranov" not in chapter.select_one("article").get_text()
    section = BeautifulSoup(client.get("/text/medvedev/medvedev.1.1").data, "html.parser")
    assert "Comrades Muranov" in section.select_one("article").get_text()
    # the unanchored note belongs to the subdivision's page, not the chapter's
    assert section.find(id="medvedev.n1-3") is not None and chapter.find(id="medvedev.n1-3") is None


def test_header_view_shows_translator_and_source(server):
    text = soup(server.get("/text/medvedev/header")).select_one("main").get_text(" ", strip=True)
    assert "Translator Ellen de Kadt" in text
    assert "Oxford University Press" in text and "Soviet dissident Marxist" in text


# --- registers ---------------------------------------------------------------------

def test_kamenev_entry_lists_every_mention_in_context_linking_to_the_paragraph(server):
    page = soup(server.get("/registers/persons/kamenev-lb"))
    assert page.h1.get_text() == "Lev Borisovich Kamenev"
    assert "shot after the first Moscow trial" in page.select_one(".register-entry").get_text()
    lines = page.select(".kwic li a")
    assert len(lines) == 4
    assert lines[0]["href"] == "/text/medvedev/at/medvedev.1.p1"
    assert lines[0].select_one(".kwic-name").get_text() == "L.B. Kamenev"
    assert lines[0].select_one(".kwic-before").get_text().endswith("spent a large portion of the evenings with ")


def test_register_pointer_into_a_text_leads_to_the_paragraph(server):
    link = soup(server.get("/registers/persons/kamenev-lb")).select_one(".register-entry a.ref")
    assert link["href"] == "/edition/medvedev.xml/medvedev.1.p1"
    assert server.get(link["href"]).url.endswith("/text/medvedev/medvedev.1#medvedev.1.p1")
    assert server.get("/edition/persons.xml/kamenev-lb").url.endswith("/registers/persons/kamenev-lb")
    assert server.get("/edition/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert server.get("/edition/trotsky.xml").status_code == 404


def test_stalin_entry_groups_mentions_by_text(server):
    page = soup(server.get("/registers/persons/stalin-iv"))
    groups = {g.h3.cite.get_text(): len(g.select(".kwic li")) for g in page.select(".kwic-group")}
    assert groups == {"On Stalin and Stalinism": 2, "For the Motherland! For Stalin!": 1}


def test_register_index_filters_by_text_and_sorts_by_mentions(server):
    # persons stand family name first, as they are sorted; the letter rows of the A-Z index are no entries
    rows = soup(server.get("/registers/persons/?text=gurdzhiyev")).select(".register-table tbody tr:not(.letter-row)")
    assert [r.a.get_text() for r in rows] == ["Stalin, Iosif Vissarionovich"]
    rows = soup(server.get("/registers/persons/?sort=mentions")).select(".register-table tbody tr")
    assert [r.a.get_text() for r in rows] == ["Kamenev, Lev Borisovich", "Stalin, Iosif Vissarionovich"]
    assert server.get("/registers/persons/?sort=age").status_code == 400


def test_name_card_gives_the_pop_up_its_register_entry(server):
    card = server.get("/registers/persons/kamenev-lb/card").json()
    assert card == {"name": "Lev Borisovich Kamenev", "dates": "1883 – 1936",
                    "description": "Bolshevik leader; chairman of the Moscow Soviet; shot after the first Moscow trial.",
                    "url": "/registers/persons/kamenev-lb", "mentions": 4, "texts": 1}


# --- search -----------------------------------------------------------------------

def test_phrase_search_finds_the_paragraph_and_highlights_the_phrase(server):
    page = soup(server.get("/search", params={"q": '"spent a large portion"'}))
    hits = page.select(".hit")
    assert len(hits) == 1
    assert hits[0].a["href"] == "/text/medvedev/at/medvedev.1.p1?hl=spent+a+large+portion"
    assert [m.get_text() for m in hits[0].select("mark")] == ["spent a large portion"]
    # the words apart, not as a phrase, are not in that order anywhere
    assert not soup(server.get("/search", params={"q": '"portion large"'})).select(".hit")


def test_search_filters_by_text_and_by_entity(server):
    everywhere = soup(server.get("/search", params={"q": "Stalin"})).select(".hit a")
    assert {a["href"].split("/")[2] for a in everywhere} == {"medvedev", "gurdzhiyev"}
    in_gurdzhiyev = soup(server.get("/search", params={"q": "Stalin", "text": "gurdzhiyev"})).select(".hit a")
    assert [a["href"] for a in in_gurdzhiyev] == ["/text/gurdzhiyev/at/gurdzhiyev.p1?hl=Stalin"]
    with_krasnoyarsk = soup(server.get("/search", params={"q": "Stalin", "entity": "places/krasnoyarsk"})).select(".hit a")
    assert sorted(a["href"].split("?")[0] for a in with_krasnoyarsk) == ["/text/medvedev/at/medvedev.1.p1",
                                                                         "/text/medvedev/at/medvedev.2.p1"]
    count = soup(server.get("/search", params={"q": "Stalin", "entity": "places/krasnoyarsk"})).select_one(".search-count")
    assert count.get_text() == "2 passages found that mention Krasnoyarsk."
    assert server.get("/search", params={"q": "Stalin", "entity": "persons/beria-lp"}).status_code == 404


def test_search_finds_a_note(server):
    hits = soup(server.get("/search", params={"q": "Krasnoiarsk"})).select(".hit a")
    assert [a["href"] for a in hits] == ["/text/medvedev/at/medvedev.n1-1?hl=Krasnoiarsk"]
    assert server.get(hits[0]["href"]).url.endswith("/text/medvedev/medvedev.1?hl=Krasnoiarsk#medvedev.n1-1")


@pytest.mark.parametrize("query", ['"', "AND (", 'NEAR("x" "y")', "*", "Kamenev OR", "-- ; DROP TABLE passages"])
def test_search_syntax_the_reader_did_not_mean_is_no_error(server, query):
    response = server.get("/search", params={"q": query})
    assert response.status_code == 200
    assert "Traceback" not in response.text


def test_search_in_an_unknown_text_is_a_clear_400(server):
    response = server.get("/search", params={"q": "Stalin", "text": "trotsky"})
    assert response.status_code == 400 and "no text “trotsky”" in response.text


# --- downloads ---------------------------------------------------------------------

def test_downloads_give_the_tei_plain_text_and_the_whole_edition(server, small_edition):
    assert server.get("/download/medvedev.xml").content == (small_edition / "medvedev.xml").read_bytes()
    plain = " ".join(server.get("/download/medvedev.txt").text.split())
    assert "spent a large portion of the evenings with L.B. Kamenev" in plain
    assert "Kamenev, with Stalin's support" in plain and "Kameney" not in plain
    assert "[1] The Russian text has “Krasnoiarsk”." in plain
    assert server.get("/download/registers/persons.xml").content == (small_edition / "persons.xml").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(server.get("/download/edition.zip").content))
    names = archive.namelist()
    assert sorted(Path(n).name for n in names if "/tei/" in n) == ["gurdzhiyev.xml", "medvedev.xml", "persons.xml",
                                                                   "places.xml"]
    assert sorted(Path(n).name for n in names if "/schema/" in n) == ["edition.odd", "edition.rng", "edition.sch"]


def test_validation_page_offers_the_schema_files_encoders_validate_against(server):
    page = BeautifulSoup(server.get("/validate").text, "html.parser")
    links = [a["href"] for a in page.select("main a[href*='/schema/']")]
    assert sorted(Path(href).name for href in links) == ["edition.odd", "edition.rng", "edition.sch"]
    for href in links:
        response = server.get(href)
        assert response.status_code == 200 and response.content == (SCHEMA / Path(href).name).read_bytes()
    missing = server.get("/schema/tei_all.rng")
    assert missing.status_code == 404 and "edition.rng" in missing.text
    assert server.get("/schema/..%2Fpyproject.toml").status_code == 404


def test_the_schemas_the_tei_names_are_where_a_download_or_dts_leads(real_edition_client):
    """`<?xml-model href="../schema/edition.rng"?>` resolved against the address the file came from."""
    client = real_edition_client
    texts = client.get("/dts/collection").json["member"][0]["@id"]  # the edition's texts, then its registers
    resource = client.get("/dts/collection", query_string={"id": texts}).json["member"][0]["@id"]
    for address in ("/download/furr.xml", "/dts/document?" + urlencode({"resource": resource})):
        response = client.get(address)
        assert response.status_code == 200, address
        models = etree.fromstring(response.data).getroottree().xpath("/processing-instruction('xml-model')")
        assert len(models) == 2
        for model in models:
            schema = client.get(urljoin("http://localhost" + address, model.get("href")))
            name = model.get("href").rsplit("/", 1)[1]
            assert schema.status_code == 200 and schema.data == (SCHEMA / name).read_bytes(), (address, name)


def test_every_file_of_the_edition_names_its_schemas_where_the_zip_and_the_checkout_have_them():
    """`<?xml-model?>`: an XML editor validates the edition's files as it opens them."""
    for path in sorted(TEI_DIR.glob("*.xml")):
        models = [pi for pi in etree.parse(str(path)).xpath("/processing-instruction('xml-model')")]
        hrefs = sorted(pi.get("href") for pi in models)
        assert hrefs == ["../schema/edition.rng", "../schema/edition.sch"], path.name
        assert all((path.parent / href).resolve().is_file() for href in hrefs)


# --- validation ----------------------------------------------------------------------

def test_validator_reports_the_line_of_an_unclosed_paragraph(server):
    broken = MEDVEDEV.replace("set off for the capital.</p>", "set off for the capital.", 1).encode()
    assert broken != MEDVEDEV.encode()
    response = server.post("/validate", files={"file": ("medvedev.xml", broken, "application/xml")})
    assert response.status_code == 200
    row = soup(response).select_one(".problems tbody tr")
    cells = [td.get_text() for td in row.select("td")]
    assert cells[3] == "well-formed" and int(cells[0]) > 10


def test_validator_refuses_an_external_entity(server):
    xxe = '<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]><TEI>&x;</TEI>'
    response = server.post("/validate", data={"text": xxe})
    assert response.status_code == 200
    assert "root:" not in response.text and "DOCTYPE" in soup(response).select_one(".problems").get_text()


def test_upload_over_the_limit_gets_a_413_page(server):
    from viewer import MAX_UPLOAD_BYTES
    response = server.post("/validate", files={"file": ("big.xml", b"<TEI>" + b" " * MAX_UPLOAD_BYTES + b"</TEI>")})
    assert response.status_code == 413
    assert "Traceback" not in response.text and soup(response).h1.get_text() == "Request Entity Too Large"


def test_empty_validation_is_a_clear_400(server):
    response = server.post("/validate", data={"text": "  "})
    assert response.status_code == 400 and "paste its text" in response.text


# --- errors, headers, HTML -------------------------------------------------------------

def test_unknown_text_gets_the_edition_404_page(server):
    response = server.get("/text/trotsky/")
    assert response.status_code == 404
    assert "no text “trotsky”" in response.text and response.headers["Content-Type"].startswith("text/html")


def test_a_broken_tei_file_is_left_out_and_named_without_a_stack_trace(tmp_path):
    """Issue 16: one malformed file degrades the edition, it does not take the site down."""
    from viewer import create_app
    folder = write_small_edition(tmp_path / "tei")
    (folder / "medvedev.xml").write_text(MEDVEDEV.replace("</TEI>", ""), encoding="utf-8")
    client = create_app(folder).test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert b"Traceback" not in response.data and b"XMLSyntaxError" not in response.data
    assert b"Left out of the edition until mended" in response.data and b"medvedev.xml" in response.data


PAGES = ["/", "/text/medvedev/", "/text/medvedev/medvedev.1", "/text/medvedev/medvedev.2", "/text/gurdzhiyev/body",
         "/text/medvedev/header", "/registers/", "/registers/persons/", "/registers/persons/kamenev-lb",
         "/registers/places/krasnoyarsk", "/search?q=Stalin", "/search?q=%22", "/validate", "/text/nowhere/"]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_valid_html_with_a_content_security_policy(server, path):
    response = server.get(path)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(response.content)  # raises on any parse error
    page = soup(response)
    ids = [e["id"] for e in page.select("[id]")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert not page.select("[style]") and not page.select("script:not([src])"), "inline code or style breaks the CSP"


def test_server_starts_and_serves_the_real_edition(tmp_path):
    from viewer import create_app
    texts = [p for p in TEI_DIR.glob("*.xml") if p.name not in ("persons.xml", "places.xml", "orgs.xml")]
    live = LiveServer(create_app(TEI_DIR, search_db=tmp_path / "search.sqlite"))
    try:
        page = soup(live.get("/"))
        assert len(page.select(".library-entry")) == len(texts)
        first = page.select_one(".library-links a")["href"]
        response = live.get(first)
        assert response.status_code == 200
        html5lib.HTMLParser(strict=True).parse(response.content)
    finally:
        live.close()


# --- no text lost in rendering ------------------------------------------------------------

def tei_words(text_element: etree._Element) -> Counter:
    """Words of the TEI's reading text, text node by text node (page furniture aside)."""
    words = Counter()
    for node in text_element.iter():
        if not isinstance(node.tag, str) or any(a.tag == tei("fw") for a in node.iterancestors()):
            continue
        if node.tag != tei("fw"):
            words.update(re.findall(r"\w+", node.text or ""))
        if node is not text_element:
            words.update(re.findall(r"\w+", node.tail or ""))
    return words


def rendered_words(html: str) -> Counter:
    """Words of the rendered pages, text node by text node, without what the
    viewer adds (elements of class ui)."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    ui = {el for el in root.iter() if "ui" in (el.get("class") or "").split()}
    words = Counter()
    for element in root.iter():
        inside_ui = element in ui or any(a in ui for a in element.iterancestors())
        if not inside_ui and isinstance(element.tag, str):
            words.update(re.findall(r"\w+", element.text or ""))
        if element is not root and not any(a in ui for a in element.iterancestors()):
            words.update(re.findall(r"\w+", element.tail or ""))
    return words


@pytest.fixture(scope="module")
def real_edition_client(tmp_path_factory):
    from viewer import create_app
    return create_app(TEI_DIR, search_db=tmp_path_factory.mktemp("index") / "search.sqlite").test_client()


def render_all_pages(path: Path) -> str:
    from viewer.render import Renderer
    from viewer.texts import page_document, read_text
    text = read_text(path)
    renderer = Renderer()
    return "".join(renderer.render(path, lambda: page_document(text, p), view="section", section=p,
                                   pages=" ".join(text.page_ids), **{"text-url": f"/text/{text.key}"})
                   for p in text.page_ids)


def test_small_edition_loses_no_word_in_rendering(small_edition):
    for name in ("medvedev.xml", "gurdzhiyev.xml"):
        root = etree.parse(str(small_edition / name)).getroot()
        assert rendered_words(render_all_pages(small_edition / name)) == tei_words(root.find(tei("text")))


REAL_TEXTS = sorted(p for p in TEI_DIR.glob("*.xml") if p.name not in ("persons.xml", "places.xml", "orgs.xml"))


@pytest.mark.parametrize("path", REAL_TEXTS, ids=lambda p: p.stem)
def test_every_page_of_the_text_is_valid_html_and_every_word_of_the_tei_is_rendered(path, real_edition_client):
    from viewer.texts import read_text
    text = read_text(path)
    articles = []
    for url in [f"/text/{text.key}/", f"/text/{text.key}/header"] + [f"/text/{text.key}/{p}" for p in text.page_ids]:
        response = real_edition_client.get(url)
        assert response.status_code == 200, url
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(response.data)
        assert parser.errors == [], f"{url}: {parser.errors[:3]}"
        articles.extend(lxml.html.tostring(a, encoding="unicode")
                        for a in lxml.html.fromstring(response.data).find_class("reading-text"))
    root = etree.parse(str(path), etree.XMLParser(collect_ids=False)).getroot()
    expected, rendered = tei_words(root.find(tei("text"))), rendered_words("".join(articles))
    assert expected - rendered == Counter(), "words of the TEI missing from the rendering"
    assert rendered - expected == Counter(), "words in the rendering that the TEI does not have"


@pytest.mark.parametrize("register", ["persons", "places", "orgs"])
def test_real_register_pages_are_valid_html(register, real_edition_client):
    index = real_edition_client.get(f"/registers/{register}/?sort=mentions")
    assert index.status_code == 200
    pages = [index] + [real_edition_client.get(a.get("href"))
                       for a in lxml.html.fromstring(index.data).xpath("//table[@class='register-table']/tbody//a")[:3]]
    for response in pages:
        assert response.status_code == 200
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(response.data)
        assert parser.errors == [], parser.errors[:3]


@pytest.mark.parametrize("path", REAL_TEXTS, ids=lambda p: p.stem)
def test_plain_text_download_keeps_every_word_of_the_edited_text(path, real_edition_client):
    from edition.search import is_passage, passage_text
    from viewer.texts import text_key
    download = real_edition_client.get(f"/download/{text_key(path)}.txt").get_data(as_text=True)
    # a note's reference glued to a word (Molotov[390]) stands where the index joins the words around the note
    plain = Counter(re.findall(r"\w+", re.sub(r"(?<=\w)\[[0-9*][^\]\s]*\]", "", download)))
    text = etree.parse(str(path), etree.XMLParser(collect_ids=False)).getroot().find(tei("text"))
    # the text as read, passage by passage: notes apart, corrections in their edited reading
    edited = Counter(word for element in text.iter() if isinstance(element.tag, str) and is_passage(element)
                     for word in re.findall(r"\w+", passage_text(element)[0]))
    assert edited - plain == Counter()
