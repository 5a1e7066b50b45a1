"""The reading edition as static files: `edition export-static DIR`.

The export does not know the viewer's pages: it crawls the Flask app through
its test client from "/", so every page the viewer links (and every page a
later version adds) is exported. Each URL becomes a file; links are rewritten
to relative paths, so the export works from any folder of any web server, a
CDN, or the file system.

    /                      -> index.html
    /text/furr/            -> text/furr/index.html
    /text/furr/3           -> text/furr/3.html
    /search?q=Kamenev      -> search--q-Kamenev-<hash>.html   (a snapshot of that result page)
    /static/edition.css    -> static/edition.css
    a redirect             -> a small page that refreshes to its target

What cannot be static is left to the live edition: forms that POST (the
validator) and the exchange endpoints (DTS, OAI-PMH) are linked at the
edition's base URL. Searching is done in the browser by Pagefind
(edition.static_search): every passage of the edition's search index is a
record of a Pagefind index in `pagefind/`, linked to its exported page, with
filters for its text and the register entries it names.

The export is atomic: it is written beside DIR and renamed into place, so DIR
holds the previous export or the new one, never half of each.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import multiprocessing
import os
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urljoin, urlsplit

from lxml import html as lxml_html

from .static_search import BUNDLE, GLUE, GLUE_JS, Record, entity_names, record_for, write_index

MARKER = ".edition-export"
# Served by the live edition only: protocols for harvesters, not pages for readers.
DYNAMIC_PREFIXES = ("/dts", "/oai")
# data-choices: the list a search field's choices are fetched from (the viewer's search page)
LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src"),
                   ("form", "action"), ("iframe", "src"), ("area", "href"), ("input", "data-choices"))
REDIRECTS = (301, 302, 303, 307, 308)
MAX_PAGES = 50_000
SEARCH_ENTITIES = "search-entities.json"
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class ExportError(Exception):
    pass


@dataclass
class Fetched:
    url: str  # path and query, as the app was asked
    status: int
    mimetype: str
    body: bytes
    location: str | None = None  # internal target of a redirect


@dataclass
class ExportReport:
    out_dir: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    redirects: int = 0
    indexed_passages: int = 0
    search_records: list = field(default_factory=list, repr=False)  # what Pagefind indexed (the bench reuses them)
    seconds: float = 0.0
    not_found: list[str] = field(default_factory=list)  # internal links the app answered with an error
    left_to_live_edition: set[str] = field(default_factory=set)

    def summary(self) -> str:
        return (f"{self.files} files ({self.pages} pages, {self.redirects} redirects, "
                f"{self.bytes / 1e6:.1f} MB, {self.indexed_passages} records in the Pagefind index) "
                f"in {self.seconds:.1f} s; {len(self.not_found)} links the app could not answer")


# URLs and files ---------------------------------------------------------------

def url_attributes(document: lxml_html.HtmlElement) -> Iterator[tuple[lxml_html.HtmlElement, str, str]]:
    """(element, attribute, value) for every attribute of a page that holds a URL (LINK_ATTRIBUTES)."""
    for tag, attribute in LINK_ATTRIBUTES:
        for element in document.iter(tag):
            value = element.get(attribute)
            if value is not None:
                yield element, attribute, value


def is_get_form(element: lxml_html.HtmlElement) -> bool:
    """A form whose submission only reads (a search box): the static export can answer it in the browser."""
    return (element.get("method") or "get").lower() == "get"

def internal_url(reference: str, base: str) -> str | None:
    """The app-relative URL (path?query) of a link, or None for external, fragment-only and special links."""
    reference = reference.strip()
    if not reference or reference.startswith(("#", "mailto:", "javascript:", "data:", "tel:")):
        return None
    if reference.startswith("/") and not reference.startswith("//"):
        # the common case (Flask's url_for): an absolute path, no joining needed
        return reference.split("#", 1)[0]
    absolute = urljoin("http://localhost" + base, reference)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname not in ("localhost", None):
        return None
    return parts.path + ("?" + parts.query if parts.query else "")


def file_for(url: str, mimetype: str) -> str:
    """The export file of an app URL: a path relative to the export folder (POSIX)."""
    parts = urlsplit(url)
    path = parts.path.lstrip("/")
    is_html = mimetype == "text/html"
    if path == "" or path.endswith("/"):
        path += "index.html" if is_html else "index" + (mimetypes.guess_extension(mimetype) or "")
    else:
        last = path.rsplit("/", 1)[-1]
        if is_html and not last.endswith((".html", ".htm")):
            path += ".html"
        elif not is_html and "." not in last:
            path += mimetypes.guess_extension(mimetype) or ".bin"
    if parts.query:
        stem, dot, extension = path.rpartition(".")
        readable = re.sub(r"[^A-Za-z0-9]+", "-", parts.query).strip("-")[:60]
        digest = hashlib.sha1(parts.query.encode()).hexdigest()[:8]
        path = f"{stem}--{readable}-{digest}.{extension}"
    return path


def relative(target_file: str, from_file: str) -> str:
    """The relative link from one export file to another (both POSIX paths inside the export)."""
    target, origin = target_file.split("/"), from_file.split("/")[:-1]
    common = 0
    while common < len(origin) and common < len(target) - 1 and origin[common] == target[common]:
        common += 1
    rel = "/".join([".."] * (len(origin) - common) + target[common:])
    return quote(rel, safe="/.-_~")


# Crawling ---------------------------------------------------------------------

class Crawler:
    def __init__(self, app, live_base: str, worker_tei_dir: Path | None = None):
        self.worker_tei_dir = worker_tei_dir  # set when worker processes may rebuild the app from tei/
        self.client = app.test_client()
        self.app = app
        self.live_base = live_base.rstrip("/")
        self.fetched: dict[str, Fetched] = {}
        self.client_side: set[str] = set()  # paths whose query is read in the browser (GET form targets)
        self._dynamic: dict[str, bool] = {}

    def is_dynamic(self, url: str) -> bool:
        path = urlsplit(url).path
        if path not in self._dynamic:
            self._dynamic[path] = self._judge_dynamic(path)
        return self._dynamic[path]

    def _judge_dynamic(self, path: str) -> bool:
        if any(path == p or path.startswith(p + "/") for p in DYNAMIC_PREFIXES):
            return True
        adapter = self.app.url_map.bind("localhost")
        try:
            adapter.match(path, method="GET")
        except Exception:  # noqa: BLE001 - any routing failure (405, 404, redirect) is judged by fetching
            try:
                adapter.match(path, method="POST")
                return True  # answers POST but not GET: a form handler, not a page
            except Exception:  # noqa: BLE001
                return False
        return False

    def crawl(self, start: str = "/", workers: int = 1) -> None:
        """Breadth first from start; each level's URLs are fetched by `workers` processes when more than one."""
        level = [start]
        queued = {start}
        pool = None
        if workers > 1 and self.worker_tei_dir is not None:
            pool = _worker_pool(workers, self.worker_tei_dir, self.live_base)
        try:
            while level:
                if len(self.fetched) + len(level) > MAX_PAGES:
                    raise ExportError(f"more than {MAX_PAGES} URLs: is a page generating endless links?")
                if pool is not None and len(level) > 1:
                    results = pool.map(_fetch_in_worker, level, chunksize=max(1, len(level) // (workers * 8)))
                else:
                    results = (self.fetch_with_links(url) for url in level)
                following = []
                for fetched, links, form_targets in results:
                    self.fetched[fetched.url] = fetched
                    self.client_side.update(form_targets)
                    for link in links:
                        if link not in queued and not self.is_dynamic(link):
                            queued.add(link)
                            following.append(link)
                level = following
        finally:
            if pool is not None:
                pool.shutdown()

    def fetch_with_links(self, url: str) -> tuple[Fetched, list[str], set[str]]:
        fetched = self.fetch(url)
        before = set(self.client_side)
        links = self.links_of(fetched)
        return fetched, links, self.client_side - before

    def fetch(self, url: str) -> Fetched:
        response = self.client.get(url)
        location = None
        if response.status_code in REDIRECTS:
            location = internal_url(response.headers.get("Location", ""), urlsplit(url).path)
        body = response.get_data()
        response.close()
        return Fetched(url, response.status_code, response.mimetype or "application/octet-stream", body, location)

    def links_of(self, fetched: Fetched) -> list[str]:
        if fetched.location:
            return [fetched.location.split("#")[0]]
        if fetched.status != 200:
            return []
        base = urlsplit(fetched.url).path
        found = []
        if fetched.mimetype == "text/html":
            document = lxml_html.document_fromstring(fetched.body)
            for element, _attribute, value in url_attributes(document):
                url = internal_url(value, base)
                if url is None:
                    continue
                if element.tag == "form":
                    if is_get_form(element):
                        self.client_side.add(urlsplit(url).path)
                        found.append(urlsplit(url).path)
                    continue
                found.append(url.split("#")[0])
        elif fetched.mimetype == "text/css":
            for match in CSS_URL.finditer(fetched.body.decode("utf-8", "replace")):
                url = internal_url(match.group(2), base)
                if url:
                    found.append(url.split("#")[0])
        return found


_worker_crawler: Crawler | None = None


def _start_worker(tei_dir: str, live_base: str) -> None:
    # Each worker builds its own app: Saxon and the app's caches are not shared across processes.
    global _worker_crawler
    from viewer import create_app
    _worker_crawler = Crawler(create_app(Path(tei_dir)), live_base)


def _fetch_in_worker(url: str) -> tuple[Fetched, list[str], set[str]]:
    _worker_crawler.client_side.clear()
    return _worker_crawler.fetch_with_links(url)


def _worker_pool(workers: int, tei_dir: Path, live_base: str) -> ProcessPoolExecutor:
    # spawn, not fork: a forked copy of a process that has started Saxon is not safe to use
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(str(tei_dir), live_base))


# Writing ----------------------------------------------------------------------

class Writer:
    def __init__(self, crawler: Crawler, out_dir: Path):
        self.crawler = crawler
        self.out_dir = out_dir
        self.files: dict[str, str] = {}  # url -> export file
        self.written: set[str] = set()
        self.folders: set[Path] = set()
        for url, fetched in crawler.fetched.items():
            if fetched.status == 200:
                self.files[url] = file_for(url, fetched.mimetype)
            elif fetched.location:
                self.files[url] = file_for(url, "text/html")

    def target(self, url: str) -> str | None:
        """The export file a link should point to (a GET form's target keeps its query for the browser)."""
        path = urlsplit(url).path
        if url in self.files:
            return self.files[url]
        if path in self.crawler.client_side and path in self.files:
            return self.files[path]
        return None

    def rewrite_reference(self, value: str, page_url: str, page_file: str, report: ExportReport) -> str:
        url = internal_url(value, urlsplit(page_url).path)
        if url is None:
            return value
        fragment = "#" + value.split("#", 1)[1] if "#" in value else ""
        bare = url.split("#")[0]
        if self.crawler.is_dynamic(bare):
            report.left_to_live_edition.add(urlsplit(bare).path)
            return self.crawler.live_base + bare + fragment
        target = self.target(bare)
        if target is None:
            report.not_found.append(f"{page_url} -> {bare}")
            return value
        query = ""
        if urlsplit(bare).query and self.files.get(bare) is None:
            query = "?" + urlsplit(bare).query  # read by static-search.js (static_search.GLUE)
        return relative(target, page_file) + query + fragment

    def html(self, fetched: Fetched, page_file: str, report: ExportReport) -> tuple[bytes, lxml_html.HtmlElement]:
        document = lxml_html.document_fromstring(fetched.body)
        for element, attribute, value in url_attributes(document):
            if element.tag == "form":
                url = internal_url(value, urlsplit(fetched.url).path)
                if url is not None and not is_get_form(element):
                    report.left_to_live_edition.add(urlsplit(url).path)
                    element.set(attribute, self.crawler.live_base + url)
                    continue
                if url is not None and urlsplit(url).path in self.files:
                    element.set(attribute, relative(self.files[urlsplit(url).path], page_file))
                    element.set("data-static-search", "")
                    continue
            element.set(attribute, self.rewrite_reference(value, fetched.url, page_file, report))
        # Only the search page itself answers a query; the other pages' search boxes just lead to it.
        if urlsplit(fetched.url).path in self.crawler.client_side and not urlsplit(fetched.url).query:
            with_pagefind(document, page_file)
        return lxml_html.tostring(document, doctype="<!DOCTYPE html>", encoding="utf-8"), document

    def css(self, fetched: Fetched, page_file: str, report: ExportReport) -> bytes:
        text = fetched.body.decode("utf-8", "replace")

        def replace(match: re.Match) -> str:
            return f"url({match.group(1)}{self.rewrite_reference(match.group(2), fetched.url, page_file, report)}{match.group(1)})"
        return CSS_URL.sub(replace, text).encode("utf-8")

    def redirect_page(self, fetched: Fetched, page_file: str) -> bytes:
        target = fetched.location or "/"
        fragment = "#" + target.split("#", 1)[1] if "#" in target else ""
        href = relative(self.target(target.split("#")[0]) or "index.html", page_file) + fragment
        href = href.replace('"', "%22")
        return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Moved</title>'
                f'<meta http-equiv="refresh" content="0; url={href}"><link rel="canonical" href="{href}"></head>'
                f'<body><p>This page is at <a href="{href}">{href}</a>.</p></body></html>\n').encode("utf-8")

    def write(self, report: ExportReport) -> None:
        for url, fetched in self.crawler.fetched.items():
            page_file = self.files.get(url)
            if page_file is None:
                if fetched.status != 200:
                    report.not_found.append(f"{url} ({fetched.status})")
                continue
            if fetched.location:
                payload = self.redirect_page(fetched, page_file)
                report.redirects += 1
            elif fetched.mimetype == "text/html":
                payload, _document = self.html(fetched, page_file, report)
                report.pages += 1
            elif fetched.mimetype == "text/css":
                payload = self.css(fetched, page_file, report)
            else:
                payload = fetched.body
            self.put(page_file, payload, report)

    def put(self, name: str, payload: bytes, report: ExportReport) -> None:
        if name in self.written:
            raise ExportError(f"two URLs export to the same file {name}")
        self.written.add(name)
        path = self.out_dir / name
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        path.write_bytes(payload)
        report.files += 1
        report.bytes += len(payload)


def with_pagefind(document: lxml_html.HtmlElement, page_file: str) -> None:
    """The search page loads the script that answers its form with Pagefind."""
    head = document.find("head")
    head = head if head is not None else document
    glue = lxml_html.Element("script", src=relative(GLUE, page_file), defer="defer")
    glue.set("data-bundle", relative(f"{BUNDLE}/", page_file))
    glue.set("data-entity-names", relative(SEARCH_ENTITIES, page_file))
    head.append(glue)


def passage_records(crawler: Crawler, writer: Writer) -> tuple[list[Record], dict[str, str]]:
    """Every passage of the edition's search index as a Pagefind record at its exported
    page (the static search finds what the live one finds, by the same names), and
    the names of the register entries the filters use."""
    state = crawler.app.extensions.get("edition")
    if state is None or "reading.permalink" not in crawler.app.view_functions:
        return [], {}
    from flask import url_for

    from .search import ensure_index, every_passage
    ensure_index(state.tei_dir, state.search_db)
    names = entity_names(state.tei_dir)
    ids_on_page: dict[str, set[str]] = {}

    def anchor(page_url: str, passage_id: str) -> str:
        # every passage is an anchor on its page (xslt: the "id" template), except the
        # passages of a text's title page (id: the text's key), which lead to the page itself
        if page_url not in ids_on_page:
            fetched = crawler.fetched.get(page_url) or crawler.fetch(page_url)
            ids_on_page[page_url] = set(lxml_html.document_fromstring(fetched.body).xpath("//@id"))
        return "#" + passage_id if passage_id in ids_on_page[page_url] else ""

    records: dict[str, Record] = {}
    with crawler.app.test_request_context():
        for passage in every_passage(state.search_db):
            permalink = url_for("reading.permalink", key=passage.text_key, xml_id=passage.passage_id)
            page_url = ((crawler.fetched.get(permalink) or crawler.fetch(permalink)).location or "").split("#")[0]
            page_file = writer.target(page_url)
            if page_file is not None:
                record = record_for(passage, page_file, anchor(page_url, passage.passage_id), names)
                # Pagefind keeps one record per address: passages that lead to the same place
                # (a title page's lines) are one record
                records[record.url] = records[record.url].joined(record) if record.url in records else record
    return list(records.values()), names


def export_static(out_dir: Path, app=None, live_base: str | None = None, tei_dir: Path | None = None,
                  jobs: int | None = None) -> ExportReport:
    """Crawl the app from "/" and write the whole reading edition as static files into out_dir."""
    started = time.perf_counter()
    out_dir = Path(out_dir).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file, not a folder")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise ExportError(f"{out_dir} exists and is not an earlier export; refusing to replace it")
    # the staging folder first: a folder that cannot be written fails now, not after the crawl
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.export-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    report = ExportReport(out_dir)
    try:
        crawler = crawl_edition(app, live_base, tei_dir, jobs)
        writer = Writer(crawler, staging)
        writer.write(report)
        records, names = passage_records(crawler, writer)
        report.search_records = records
        writer.put(SEARCH_ENTITIES, json.dumps(names, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), report)
        writer.put(GLUE, GLUE_JS.encode("utf-8"), report)
        try:
            report.indexed_passages = write_index(records, staging)
        except (OSError, RuntimeError) as err:
            raise ExportError(f"the search index could not be written: {err}") from err
        bundle = [p for p in (staging / BUNDLE).rglob("*") if p.is_file()]
        report.files += len(bundle)
        report.bytes += sum(p.stat().st_size for p in bundle)
        (staging / MARKER).write_text(json.dumps({"files": report.files}) + "\n", encoding="utf-8")
        swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - started
    return report


def crawl_edition(app, live_base: str | None, tei_dir: Path | None, jobs: int | None) -> Crawler:
    workers, worker_tei_dir = 1, None
    if live_base is None:
        from viewer.exchange.catalogue import edition_facts
        live_base = edition_facts()["base_url"]
    if app is None:
        # The edition's own app can be rebuilt in worker processes: pages are rendered in parallel.
        from viewer import create_app
        app = create_app(tei_dir)
        workers = max(1, min(jobs or os.cpu_count() or 1, 8))
        worker_tei_dir = app.config["TEI_DIR"]
    crawler = Crawler(app, live_base, worker_tei_dir)
    try:
        crawler.crawl("/", workers=workers)
    except BrokenProcessPool:
        # a worker could not start (no way to spawn here, or it died): crawl again in this process
        crawler = Crawler(app, live_base)
        crawler.crawl("/")
    if crawler.fetched["/"].status != 200:
        raise ExportError(f"the app's front page answered {crawler.fetched['/'].status}")
    return crawler


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with two renames; the old export is removed only once the new one is in place."""
    record_what_was_written(staging)
    old = None
    if out_dir.exists():
        old = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.rename(out_dir, old)
    try:
        os.rename(staging, out_dir)
    except OSError:
        if old is not None:
            os.rename(old, out_dir)
        raise
    if old is not None:
        keep_what_others_added(old, out_dir)
        shutil.rmtree(old, ignore_errors=True)


def record_what_was_written(staging: Path) -> None:
    """The marker lists every file of the export: the next one deletes only these, and keeps what others added."""
    marker = staging / MARKER
    facts = json.loads(marker.read_text(encoding="utf-8")) if marker.is_file() else {}
    facts["written"] = sorted(f.relative_to(staging).as_posix() for f in staging.rglob("*")
                              if not f.is_dir() and f != marker)
    marker.write_text(json.dumps(facts) + "\n", encoding="utf-8")


def keep_what_others_added(old: Path, out_dir: Path) -> list[str]:
    """Move into the new export every file of the old one that no export wrote (a
    CNAME, a custom/ folder): re-exporting deleted them. The old export's marker
    lists what it wrote; an export from before that list counts as having written
    only what the new one writes again. A file the new export writes itself wins."""
    try:
        written = set(json.loads((old / MARKER).read_text(encoding="utf-8")).get("written", ()))
    except (OSError, ValueError, AttributeError):
        written = set()
    kept = []
    for path in sorted(old.rglob("*")):
        relative = path.relative_to(old).as_posix()
        if (path.is_dir() and not path.is_symlink()) or relative == MARKER or relative in written:
            continue
        target = out_dir / relative
        if target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(path, target)
        kept.append(relative)
    return kept
