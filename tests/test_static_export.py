"""`edition export-static DIR`: the whole reading edition as static files, served by a plain file server.

The export is made once by the real command; Python's http.server serves it
and a crawler follows every link from index.html: every internal link and
fragment must resolve. The search works in the browser from the exported
Pagefind index (checked in Chromium).
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


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The live edition over the same TEI, to compare the static search with."""
    from viewer import create_app
    return create_app(TEI_DIR, search_db=tmp_path_factory.mktemp("index") / "search.sqlite").test_client()


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


def test_pagefind_indexes_every_passage_of_the_editions_search_index(exported, live_app):
    export_dir, run = exported
    indexed = int(re.search(r"(\d+) records in the Pagefind index", run.stderr).group(1))
    live_app.get("/search?q=Stalin")  # builds the index
    import sqlite3
    con = sqlite3.connect(live_app.application.extensions["edition"].search_db)
    try:
        # passages that lead to one place (the lines of a title page, a note's paragraphs) are one record
        places = con.execute("SELECT count(*) FROM (SELECT DISTINCT text_key, passage_id FROM passages)").fetchone()[0]
    finally:
        con.close()
    entry = json.loads((export_dir / "pagefind" / "pagefind-entry.json").read_text())
    assert indexed == entry["languages"]["en"]["page_count"] == places > 5000
    # the hand-written index and search of earlier exports are gone
    assert not (export_dir / "search-index.json").exists()


# the search page has answered: its count, and its first hits unless there are none (or an error said so)
ANSWERED = """() => {
  const box = document.getElementById('static-search-results');
  if (!box) return false;
  if (box.textContent.includes('could not be run')) return true;
  const count = box.querySelector('.search-count');
  return count && (count.textContent.startsWith('0 ') || box.querySelector('li.hit a'));
}"""


def static_results(page, site: str, **params) -> list[str]:
    """The result links Pagefind's interface shows on the exported search page for params."""
    page.goto(urljoin(site, "search.html") + "?" + requests.compat.urlencode(params))
    page.wait_for_function(ANSWERED, timeout=30000)
    return page.eval_on_selector_all("#static-search-results li.hit a", "links => links.map(a => a.href)")


def test_the_static_search_page_finds_a_passage_and_leads_to_its_anchor(site, export_dir, browser, live_app):
    # a real paragraph of Medvedev's: its three longest words are a query few other passages answer
    text = next(t for t in catalogue_for(TEI_DIR).texts() if t.id.startswith("medvedev"))
    paragraph = [u for u in text.units if u.cite_type == "paragraph"][40]
    words = sorted({w.strip(".,;:()\"'“”’") for w in "".join(paragraph.element.itertext()).split()}, key=len, reverse=True)
    page = browser.new_page()
    try:
        hrefs = static_results(page, site, q=" ".join(words[:3]))
        assert hrefs, words[:3]
        passage_id = paragraph.element.get("{http://www.w3.org/XML/1998/namespace}id")
        assert any(urlsplit(h).fragment == passage_id for h in hrefs), (passage_id, hrefs)
        page.goto(next(h for h in hrefs if urlsplit(h).fragment == passage_id))
        assert page.locator(f"[id='{passage_id}']").count() == 1
    finally:
        page.close()


def test_the_static_search_filtered_by_a_text_or_an_entity_keeps_only_those_passages(site, browser, live_app):
    page = browser.new_page()
    try:
        in_pavlova = static_results(page, site, q="party", text="pavlova")
        assert in_pavlova and all("/text/pavlova/" in urlsplit(h).path for h in in_pavlova)
        for params in ({"q": "trial", "entity": "persons/bukharin"}, {"q": "Politburo", "entity": "persons/stalin"},
                       {"q": "party", "entity": "places/moscow"}):
            hrefs = static_results(page, site, **params)
            mentioning = mentioned_in(live_app, params["entity"])[1]
            assert hrefs, params
            assert all(any(leads_to(urlsplit(h).fragment, p) for p in mentioning) for h in hrefs), params
        unfiltered = static_results(page, site, q="trial")
        assert set(unfiltered) != set(static_results(page, site, q="trial", entity="persons/bukharin"))
    finally:
        page.close()


def test_a_first_static_query_fetches_a_few_chunks_of_the_index_not_all_of_it(site, export_dir, browser):
    fetched: list[str] = []
    page = browser.new_page()
    page.on("response", lambda response: fetched.append(urlsplit(response.url).path))
    try:
        assert static_results(page, site, q="Kirov")
    finally:
        page.close()
    chunks = [p for p in fetched if "/pagefind/index/" in p]
    fragments = [p for p in fetched if "/pagefind/fragment/" in p]
    assert not [p for p in fetched if "/pagefind/filter/" in p], "a query without a filter loads no filter's data"
    assert 1 <= len(chunks) <= 3 < len(list((export_dir / "pagefind" / "index").iterdir()))
    assert len(fragments) <= 30 < len(list((export_dir / "pagefind" / "fragment").iterdir()))  # one page of hits


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
