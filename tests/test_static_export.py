"""`edition export-static DIR`: the whole reading edition as static files, served by a plain file server.

The export is made once by the real command; Python's http.server serves it
and a crawler follows every link from index.html: every internal link and
fragment must resolve. The search works in the browser from the exported
index (checked in Chromium).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from lxml import html

from edition import ROOT, TEI_DIR
from edition.export_static import MARKER, ExportError, export_static
from viewer.exchange.catalogue import catalogue_for

EDITION = Path(sys.executable).with_name("edition")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    target = tmp_path_factory.mktemp("static") / "site"
    run = subprocess.run([str(EDITION), "export-static", str(target)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert (target / "index.html").is_file(), run.stderr[-2000:]
    return target, run


@pytest.fixture(scope="module")
def export_dir(exported):
    return exported[0]


def test_export_command_reports_every_link_it_could_export(exported):
    """The command exits 1 and names the links when a page links to something the app cannot serve."""
    target, run = exported
    assert "Exported" in run.stderr
    problems = [line for line in run.stderr.splitlines() if "not exported" in line]
    assert (run.returncode, problems) == (0, [])


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(export_dir):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(export_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def crawl(start: str) -> tuple[dict[str, bytes], list[str]]:
    """Every page reachable from start on the static server, and every link or fragment that does not resolve."""
    host = urlsplit(start).netloc
    pages: dict[str, bytes] = {}
    statuses: dict[str, int] = {}
    fragments: list[tuple[str, str, str]] = []
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=8))

    def get(url: str) -> tuple[str, requests.Response]:
        return url, session.get(url, timeout=60)

    level, seen = [start], {start}
    with ThreadPoolExecutor(8) as pool:
        while level:
            following = []
            for url, response in pool.map(get, level):
                statuses[url] = response.status_code
                if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith("text/html"):
                    continue
                pages[url] = response.content
                for element, attribute, link, _ in html.document_fromstring(response.content).iterlinks():
                    parts = urlsplit(urljoin(url, link))
                    if parts.netloc != host or parts.scheme not in ("http", "https"):
                        continue
                    bare = parts._replace(query="", fragment="").geturl()
                    if parts.fragment:
                        fragments.append((url, bare, parts.fragment))
                    if bare not in seen:
                        seen.add(bare)
                        following.append(bare)
            level = following
    broken = [f"{url}: {status}" for url, status in statuses.items() if status != 200]
    ids: dict[str, set[str]] = {}
    for page, target, fragment in fragments:
        if target not in pages:
            continue
        if target not in ids:
            ids[target] = set(html.document_fromstring(pages[target]).xpath("//@id"))
        if fragment not in ids[target]:
            broken.append(f"{page} -> {target}#{fragment}: no such id")
    return pages, broken


@pytest.fixture(scope="module")
def crawled(site):
    return crawl(site)


def test_static_export_has_no_broken_internal_link_or_fragment(crawled):
    pages, broken = crawled
    assert broken == []
    assert len(pages) > 10


def test_static_export_reaches_every_text_and_its_download(site, export_dir, crawled):
    pages, _ = crawled
    all_pages = b"".join(pages.values())
    for text in catalogue_for(TEI_DIR).texts():
        assert text.title.encode() in all_pages or text.title.split(":")[0].encode() in all_pages
    downloads = [p for p in export_dir.rglob("*.xml")]
    assert downloads, "the TEI downloads are part of the export"
    address = urljoin(site, downloads[0].relative_to(export_dir).as_posix())
    served = requests.get(address, timeout=30)
    assert served.status_code == 200 and served.content.startswith(b"<?xml")
    # the schemas its xml-model instructions name are in the export, where they lead
    for href in re.findall(rb'<\?xml-model href="([^"]+)"', served.content):
        assert requests.get(urljoin(address, href.decode()), timeout=30).status_code == 200, href


def test_static_export_links_only_to_relative_paths(site, export_dir):
    """Relative links let the export be hosted under any folder of any server."""
    for page in export_dir.rglob("*.html"):
        document = html.document_fromstring(page.read_bytes())
        for element, attribute, link, _ in document.iterlinks():
            if element.tag == "a" or element.tag in ("link", "script", "img"):
                parts = urlsplit(link)
                assert parts.netloc or not link.startswith("/"), f"{page.relative_to(export_dir)}: {link}"


def test_search_index_holds_every_paragraph_of_the_reading_pages(export_dir):
    index = json.loads((export_dir / "search-index.json").read_text(encoding="utf-8"))
    assert index and {"u", "t", "x"} <= set(index[0])
    for entry in index[:50]:
        page, _, anchor = entry["u"].partition("#")
        assert (export_dir / page).is_file()
        ids = html.document_fromstring((export_dir / page).read_bytes()).xpath("//@id")
        assert anchor in ids
    # a real passage of the first text: its paragraph text is findable
    text = catalogue_for(TEI_DIR).texts()[0]
    paragraph = next(u for u in text.units if u.cite_type == "paragraph")
    words = " ".join("".join(paragraph.element.itertext()).split()[:6])
    assert any(words in entry["x"] for entry in index), words


def test_search_page_answers_a_query_in_the_browser(site, export_dir, browser):
    index = json.loads((export_dir / "search-index.json").read_text(encoding="utf-8"))
    search_page = next(p for p in export_dir.glob("search*.html") if "--" not in p.name)
    entry = next(e for e in index if len(e["x"].split()) > 12 and "#" in e["u"] and "index.html" not in e["u"])
    # its three longest words: a query few other passages answer (results are listed up to 200)
    words = sorted({w.strip(".,;:()\"'“”’") for w in entry["x"].split()}, key=len, reverse=True)
    query = " ".join(words[:3])
    page = browser.new_page()
    try:
        page.goto(urljoin(site, search_page.name) + "?" + requests.compat.urlencode({"q": query}))
        page.wait_for_selector("#static-search-results li a", timeout=15000)
        hrefs = page.eval_on_selector_all("#static-search-results li a", "links => links.map(a => a.href)")
        assert urljoin(site, entry["u"]) in hrefs
        target = hrefs[0]
        page.goto(target)
        anchor = urlsplit(target).fragment
        assert page.locator(f"[id='{anchor}']").count() == 1
        # the form's choice of a text narrows the results to that text's pages
        form = html.document_fromstring(search_page.read_bytes()).xpath("//form[@data-static-search]")[-1]
        for select in form.xpath(".//select[@name]"):
            values = [v for v in select.xpath("option/@value") if v]
            inside = next((v for v in values if f"/{v}/" in "/" + entry["u"]), None)
            if inside is None:
                continue
            for value in values:
                params = {"q": query, select.get("name"): value}
                page.goto(urljoin(site, search_page.name) + "?" + requests.compat.urlencode(params))
                page.wait_for_selector("#static-search-results .search-count", timeout=15000)
                scoped = page.eval_on_selector_all("#static-search-results li a", "ls => ls.map(a => a.href)")
                assert all(f"/{value}/" in urlsplit(h).path for h in scoped)
                assert (urljoin(site, entry["u"]) in scoped) == (value == inside)
    finally:
        page.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The live edition over the same TEI, to compare the static search with."""
    from viewer import create_app
    return create_app(TEI_DIR, search_db=tmp_path_factory.mktemp("index") / "search.sqlite").test_client()


def live_search(live_app, **params) -> tuple[int, set[str]]:
    """The live search's count and the ids of the passages on its first page."""
    page = html.document_fromstring(live_app.get("/search?" + requests.compat.urlencode(params)).data)
    count = page.find_class("search-count")[0].text_content().split()[0]
    return int(count.replace(",", "")), {href.rsplit("/", 1)[-1] for href in page.xpath("//li[@class='hit']/a/@href")}


def mentioned_in(live_app, entity: str) -> tuple[int, set[str]]:
    """How many passages the live edition's index says mention entity, and their ids."""
    import sqlite3
    live_app.get("/search?q=Stalin")  # builds the index
    register, _, entry = entity.partition("/")
    con = sqlite3.connect(live_app.application.extensions["edition"].search_db)
    try:
        rows = con.execute("SELECT DISTINCT passage_rowid, passage_id FROM mentions WHERE register = ? AND entity = ?",
                           (register, entry)).fetchall()
        return len(rows), {passage_id for _rowid, passage_id in rows}
    finally:
        con.close()


def leads_to(anchor: str, passage_id: str) -> bool:
    """The static index links a passage to its own id, or (a paragraph of a note) to the
    nearest id the page has: its note's; a passage of the text as a whole (its title page)
    to the text's contents, as the live permalink does."""
    return anchor in ("", passage_id) or passage_id.startswith(anchor + ".")


def test_search_entities_lead_to_exactly_the_passages_that_mention_each_entry(export_dir, live_app):
    index = json.loads((export_dir / "search-index.json").read_text(encoding="utf-8"))
    entities = json.loads((export_dir / "search-entities.json").read_text(encoding="utf-8"))
    for entity in ("persons/stalin", "persons/kamenev-lb", "places/moscow", "orgs/central-committee"):
        positions = entities[entity]
        assert positions == sorted(set(positions))
        anchors = [index[i]["u"].partition("#")[2] for i in positions]
        count, passage_ids = mentioned_in(live_app, entity)
        assert len(anchors) == count, entity
        assert all(any(leads_to(a, p) for p in passage_ids) for a in anchors), entity
        assert all(any(leads_to(a, p) for a in anchors) for p in passage_ids), entity
        # each at a page of the export that holds it
        for i in positions[:20]:
            page, _, anchor = index[i]["u"].partition("#")
            assert anchor in html.document_fromstring((export_dir / page).read_bytes()).xpath("//@id")


def test_static_search_filtered_by_an_entity_finds_what_the_live_search_finds(site, export_dir, live_app, browser):
    cases = [{"q": "trial", "entity": "persons/bukharin"}, {"q": "Politburo", "entity": "persons/stalin"},
             {"q": '"Central Committee"', "entity": "persons/kamenev-lb"}, {"q": "", "entity": "persons/kamenev-lb"},
             {"q": "party", "entity": "places/moscow", "text": "pavlova"}]
    page = browser.new_page()
    try:
        for params in cases:
            page.goto(urljoin(site, "search.html") + "?" + requests.compat.urlencode(params))
            page.wait_for_selector("#static-search-results .search-count", timeout=15000)
            count = int(page.inner_text("#static-search-results .search-count").split()[0])
            hrefs = page.eval_on_selector_all("#static-search-results li a", "ls => ls.map(a => a.href)")
            live_count, live_first_page = live_search(live_app, **params)
            assert count == live_count > 0, params
            anchors = {urlsplit(h).fragment for h in hrefs}
            passage_ids = mentioned_in(live_app, params["entity"])[1]
            assert all(any(leads_to(a, p) for p in passage_ids) for a in anchors), params
            assert all(any(leads_to(a, p) for a in anchors) for p in live_first_page) or len(hrefs) == 200, params
            if "text" in params:
                assert all(f"/{params['text']}/" in urlsplit(h).path for h in hrefs)
        # the same words without the filter find passages that do not mention him
        page.goto(urljoin(site, "search.html") + "?q=trial")
        page.wait_for_selector("#static-search-results .search-count", timeout=15000)
        unfiltered = int(page.inner_text("#static-search-results .search-count").split()[0])
        # (more than the live search too: the static one also reads the library's and the registers' pages)
        assert unfiltered >= live_search(live_app, q="trial")[0] > live_search(live_app, **cases[0])[0]
    finally:
        page.close()


def test_export_replaces_an_earlier_export_and_refuses_a_foreign_folder(tmp_path):
    from flask import Flask

    app = Flask("tiny")

    @app.get("/")
    def home():
        return '<html><head><title>t</title></head><body><a href="/about">about</a></body></html>'

    @app.get("/about")
    def about():
        return '<html><head><title>about</title></head><body><p id="x">About.</p><a href="/">home</a></body></html>'

    pages = {"/old": True}

    @app.get("/old")
    def old():  # a page the first export has and the second no longer links to
        return '<html><head><title>old</title></head><body><a href="/">home</a></body></html>'

    @app.after_request
    def link_old_while_it_exists(response):
        if pages["/old"] and response.mimetype == "text/html" and b"</body>" in response.data:
            response.data = response.data.replace(b"</body>", b'<a href="/old">old</a></body>')
        return response

    target = tmp_path / "site"
    export_static(target, app=app, live_base="http://example.org")
    assert (target / "old.html").exists()
    pages["/old"] = False
    # what a publisher adds to the folder: a domain for GitHub Pages, a folder of their own
    (target / "CNAME").write_text("edition.example.org\n")
    (target / "custom").mkdir()
    (target / "custom" / "logo.svg").write_text("<svg/>")
    report = export_static(target, app=app, live_base="http://example.org")
    assert not (target / "old.html").exists()  # what the earlier export wrote is replaced
    assert (target / "CNAME").read_text() == "edition.example.org\n"  # what others added is kept
    assert (target / "custom" / "logo.svg").read_text() == "<svg/>"
    assert (target / MARKER).exists() and (target / "about.html").exists()
    assert report.files == len([p for p in target.rglob("*") if p.is_file() and p.name != MARKER
                                and p.name not in ("CNAME", "logo.svg")])
    assert html.document_fromstring((target / "about.html").read_bytes()).xpath("//a/@href") == ["index.html"]
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("precious")
    with pytest.raises(ExportError):
        export_static(foreign, app=app, live_base="http://example.org")
    assert (foreign / "thesis.txt").read_text() == "precious"
    assert not list(tmp_path.glob(".*export*"))
