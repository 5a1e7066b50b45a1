"""The edition's one benchmark: what every issue's speed target is measured by.

    edition bench                      everything, scales 1,20,100; writes docs/benchmarks.md
    edition bench --quick              fewer repeats, a 5 s load run, scales 1,20
    edition bench --scales 1,20        choose the synthetic corpus sizes

It measures, on this machine: the build of the five texts; validation of the
edition; the production server's start, a chapter page cold and warm, a
search; the largest chapter compressed; the static export and the bytes its
search's first query transfers (1x, 20x); a load run of concurrent readers; and the build
of synthetic corpora of 20x and 100x the edition (the sources repeated under
new ids) for time per megabyte, peak memory, validation time, index size and
search latency. Every server is a real `edition serve` (waitress) process on
a loopback port; every build is a real `edition build` process.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from . import BUILD, ROOT, SOURCES, TEI_DIR
from .build import source_files

EDITION = Path(sys.executable).with_name("edition")
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"

# Words and phrases a reader of these texts searches for: names that run
# through all five, a phrase, a prefix, a rare word.
SEARCH_QUERIES = ["Kirov", "Bukharin", "Yezhov", "Trotsky", '"secret ballot"', "collectivization",
                  "Zinoviev Kamenev", "purge*", "Tukhachevsky", "Politburo", '"Central Committee"', "Ryutin"]

TARGETS = {  # from issues 2, 5, 6 and 7
    "build": ("build of the five texts", 15.0, "s"),
    "validation": ("validation of the edition", 5.0, "s"),
    "server_start": ("server start", 3.0, "s"),
    "chapter_warm": ("chapter page, warm, median", 50.0, "ms"),
    "chapter_cold": ("chapter page, cold", 500.0, "ms"),
    "search": ("search, median", 100.0, "ms"),
    "export": ("static export", 60.0, "s"),
    "compressed_share": ("largest chapter page, compressed share of its size", 25.0, "%"),  # issue 15
    "first_query_1x": ("static export, a first query's transfer at 1x", 300.0, "KB"),
    "first_query_20x": ("static export, a first query's transfer at 20x", 1024.0, "KB"),
}


# --- small tools ---------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_rss(pid: int) -> int:
    """Resident memory, in bytes, of a process and all its descendants (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, AttributeError):
            continue  # the process ended while we looked
    return total


def run_measured(command: list[str], env: dict | None = None, timeout: float = 3600) -> dict:
    """Run a command; wall time, peak RSS of its process tree (sampled every 20 ms), exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    peak = 0
    output: dict[str, str] = {}

    def drain(name, stream):
        output[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in
               (("stdout", process.stdout), ("stderr", process.stderr))]
    for reader in readers:
        reader.start()
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        if time.perf_counter() - started > timeout:
            process.kill()
            raise RuntimeError(f"{' '.join(command[:3])} took more than {timeout} s")
        time.sleep(0.02)
    for reader in readers:
        reader.join()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the whole tree (workers are waited for by their parent, so they count):
    # unlike wall time it does not depend on what else the machine is doing
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss": peak, "returncode": process.returncode,
            "stdout": output.get("stdout", ""), "stderr": output.get("stderr", "")}


def _last_line(stderr: str, limit: int = 300) -> str:
    """The line of a failed command's output that says why, cut to a readable length."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else "(no output)"
    return last if len(last) <= limit else last[:limit] + "…"


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    memory = 0
    try:
        memory = int(re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text()).group(1)) * 1024
    except (OSError, AttributeError):
        pass
    import lxml.etree
    versions = {"python": platform.python_version(), "lxml": ".".join(map(str, lxml.etree.LXML_VERSION[:3]))}
    try:
        from importlib.metadata import version
        versions["saxonche"] = version("saxonche")
        versions["waitress"] = version("waitress")
        versions["flask"] = version("flask")
    except Exception:  # a missing distribution only shortens the list
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 2**30, 1),
            "system": f"{platform.system()} {platform.release()}", "versions": versions,
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# --- the production server ------------------------------------------------------------

class Server:
    """`edition serve` (waitress) on a free loopback port, for as long as the `with` lasts."""

    def __init__(self, threads: int = 8):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.start_seconds = 0.0

    def __enter__(self) -> "Server":
        started = time.perf_counter()
        # the server's log goes to a file: a pipe nobody reads would block it once full
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [str(EDITION), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--threads", str(self.threads)],
            stdout=subprocess.DEVNULL, stderr=self.log, text=True)
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"edition serve exited: {_last_line(self.read_log())}")
            try:
                status, _body, _headers = get(self.base, "/", timeout=max(1.0, deadline - time.perf_counter()))
                if status == 200:
                    self.start_seconds = time.perf_counter() - started
                    return self
                log = self.read_log()
                self.__exit__()
                raise RuntimeError(f"edition serve answered HTTP {status} on its home page: {_last_line(log)}")
            except OSError:
                time.sleep(0.02)
        self.__exit__()  # never leave a server behind
        raise RuntimeError("edition serve did not answer within 60 s")

    def read_log(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def get(base: str, path: str, connection: http.client.HTTPConnection | None = None,
        timeout: float = 30, headers: dict | None = None) -> tuple[int, bytes, dict]:
    """One GET; reuses `connection` (keep-alive) when given."""
    own = connection is None
    if own:
        parsed = urllib.parse.urlsplit(base)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, {k.lower(): v for k, v in response.getheaders()}
    finally:
        if own:
            connection.close()


def timed_get(base: str, path: str, connection=None) -> tuple[float, int]:
    started = time.perf_counter()
    status, _body, _headers = get(base, path, connection)
    return (time.perf_counter() - started) * 1000, status


# --- finding the viewer's pages by following its links ------------------------------------

class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.search_forms: list[tuple[str, str]] = []  # (action, name of the text field)
        self._form_action: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form_action = attrs.get("action") or ""
        elif tag == "input" and self._form_action is not None:
            if attrs.get("type", "text") in ("search", "text") and attrs.get("name"):
                self.search_forms.append((self._form_action, attrs["name"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form_action = None


# downloads, not pages (page ids themselves may hold dots: /text/rogovin/rogovin.3)
FILE_SUFFIXES = {".xml", ".txt", ".zip", ".json", ".css", ".js", ".png", ".jpg", ".svg", ".ico", ".pdf", ".sqlite"}
EXCHANGE = re.compile(r"^/(dts|oai|api|static)\b")
REGISTER = re.compile(r"/(registers?|persons?|places?|orgs?|organi[sz]ations?|people|entities)(/|$)")


@dataclass
class SiteMap:
    reading: list[str] = field(default_factory=list)  # chapters and sections
    registers: list[str] = field(default_factory=list)
    search_path: str = ""
    search_field: str = "q"
    other: list[str] = field(default_factory=list)

    def search_url(self, query: str, **extra) -> str:
        params = {self.search_field: query, **extra}
        return f"{self.search_path}?{urllib.parse.urlencode(params)}"


def discover(base: str, limit: int = 400) -> SiteMap:
    """Crawl the viewer from its home page and sort its pages by kind."""
    site = SiteMap()
    seen, queue = {"/"}, ["/"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        status, body, headers = get(base, path)
        if status != 200 or "html" not in headers.get("content-type", ""):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8", "replace"))
        for action, name in parser.search_forms:
            if not site.search_path and ("search" in action or name in ("q", "query")):
                site.search_path = urllib.parse.urljoin(path, action) or "/search"
                site.search_field = name
        for href in parser.links:
            target = urllib.parse.urljoin(path, href)
            parsed = urllib.parse.urlsplit(target)
            if parsed.netloc and parsed.netloc != urllib.parse.urlsplit(base).netloc:
                continue
            page = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if page in seen or EXCHANGE.match(parsed.path) or Path(parsed.path).suffix in FILE_SUFFIXES:
                continue
            seen.add(page)
            if "/search" in parsed.path or "/validat" in parsed.path or "download" in parsed.path:
                site.other.append(page)
                continue
            if REGISTER.search(parsed.path):
                site.registers.append(page)
            elif (parsed.path.count("/") >= 2 and not parsed.query and not parsed.path.endswith("/")
                  and parsed.path.rsplit("/", 1)[1] not in ("header", "contents", "about")):
                site.reading.append(page)  # a chapter or section: not a contents page or a header
            else:
                site.other.append(page)
            queue.append(page)
    if not site.search_path:
        site.search_path = "/search"
    return site


# --- the measurements ---------------------------------------------------------------

def measure_build(repeats: int) -> dict:
    """The real `edition build` into a scratch folder, `repeats` times."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        for _ in range(repeats):
            run = run_measured([str(EDITION), "build", "--out", str(Path(scratch) / "tei")])
            if run["returncode"]:
                raise RuntimeError(f"edition build failed: {_last_line(run['stderr'])}")
            runs.append(run)
    per_text = dict(re.findall(r"built (\S+)\s+([\d.]+) s", runs[-1]["stderr"]))
    return {"seconds": statistics.median(r["seconds"] for r in runs), "runs": [round(r["seconds"], 2) for r in runs],
            "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
            "peak_rss": max(r["peak_rss"] for r in runs), "per_text": per_text}


def measure_validation(files: list[Path], repeats: int) -> dict:
    """`edition validate` in a fresh process (schemas compiled once in it), as a build would run it."""
    runs = [run_measured([str(EDITION), "validate", "--json", *map(str, files)]) for _ in range(repeats)]
    problems = None
    try:
        problems = len(json.loads(runs[-1]["stdout"])["problems"])
    except (ValueError, KeyError):
        pass
    return {"seconds": statistics.median(r["seconds"] for r in runs), "files": len(files),
            "megabytes": sum(f.stat().st_size for f in files) / 2**20, "problems": problems,
            "returncode": runs[-1]["returncode"]}


def measure_server(quick: bool) -> dict:
    """Start, cold and warm chapter pages, search: each on a freshly started server."""
    results: dict = {}
    starts = []
    with Server() as server:
        starts.append(server.start_seconds)
        site = discover(server.base)
        results["pages_found"] = {"reading": len(site.reading), "registers": len(site.registers),
                                  "other": len(site.other)}
        chapters = site.reading
        if not chapters:
            raise RuntimeError("the viewer links to no chapter pages from its home page")
    # cold: the first request for each of a sample of chapters, on a fresh server
    sample = random.Random(8).sample(chapters, min(len(chapters), 5 if quick else 12))
    with Server() as server:
        starts.append(server.start_seconds)
        cold = [timed_get(server.base, path)[0] for path in sample]
        # warm: the same chapters again and again over one keep-alive connection
        parsed = urllib.parse.urlsplit(server.base)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        warm, statuses = [], set()
        for _ in range(5 if quick else 20):
            for path in sample:
                ms, status = timed_get(server.base, path, connection)
                warm.append(ms)
                statuses.add(status)
        # search: every query once to warm the page cache, then timed
        search_ms = []
        for query in SEARCH_QUERIES:
            get(server.base, site.search_url(query), connection)
        for _ in range(2 if quick else 5):
            for query in SEARCH_QUERIES:
                ms, status = timed_get(server.base, site.search_url(query), connection)
                search_ms.append(ms)
                statuses.add(status)
        connection.close()
    results.update({
        "server_start": statistics.median(starts),
        "chapter_cold_first": cold[0], "chapter_cold_median": statistics.median(cold),
        "chapter_cold_max": max(cold),
        "chapter_warm_median": statistics.median(warm), "chapter_warm_p95": percentile(warm, 95),
        "search_median": statistics.median(search_ms), "search_p95": percentile(search_ms, 95),
        "statuses": sorted(statuses), "chapters_sampled": len(sample), "search_path": site.search_path,
    })
    return results


def measure_export() -> dict | None:
    """`edition export-static DIR`, if the command has it."""
    help_text = subprocess.run([str(EDITION), "--help"], capture_output=True, text=True).stdout
    if "export-static" not in help_text:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        target = Path(scratch) / "site"
        run = run_measured([str(EDITION), "export-static", str(target)])
        files = [p for p in target.rglob("*") if p.is_file()] if target.exists() else []
        return {"seconds": run["seconds"], "returncode": run["returncode"], "files": len(files),
                "megabytes": sum(p.stat().st_size for p in files) / 2**20, "peak_rss": run["peak_rss"],
                "error": _last_line(run["stderr"]) if run["returncode"] else ""}


def measure_transfer(quick: bool) -> dict:
    """The largest chapter page as sent to a browser that takes gzip or brotli, and chapters
    warm over one keep-alive connection with gzip, as a browser asks for them."""
    with Server() as server:
        site = discover(server.base)
        sizes = sorted(((len(get(server.base, path)[1]), path) for path in site.reading), reverse=True)
        plain, largest = sizes[0]
        packed = {}
        for encoding in ("gzip", "br"):
            status, body, headers = get(server.base, largest, headers={"Accept-Encoding": encoding})
            packed[encoding] = len(body) if headers.get("content-encoding") == encoding else None
        parsed = urllib.parse.urlsplit(server.base)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        sample = [path for _size, path in sizes[:12]]
        warm = []
        for _ in range(3 if quick else 10):
            for path in sample:
                started = time.perf_counter()
                get(server.base, path, connection, headers={"Accept-Encoding": "gzip"})
                warm.append((time.perf_counter() - started) * 1000)
        connection.close()
    return {"largest_page": largest, "largest_bytes": plain, "gzip_bytes": packed["gzip"], "br_bytes": packed["br"],
            "gzip_share": packed["gzip"] / plain if packed["gzip"] else None,
            "br_share": packed["br"] / plain if packed["br"] else None,
            "chapter_warm_gzip_median": statistics.median(warm), "chapters_sampled": len(sample)}


PAGE_KIND = "search page (HTML, CSS, JS)"
# the static export's search: words a reader tries first (a name, a phrase, a rare word)
FIRST_QUERIES = ["Kirov", "Yezhov", "collectivization", '"secret ballot"', "Ryutin"]


def measure_static_search(factors: list[int]) -> dict:
    """The bytes a reader's first query transfers on the static export's search page,
    from a cold browser cache (Chromium, a plain file server, no compression): at 1x the
    export itself; at Nx the same export with a Pagefind index of every passage N times
    over, under new text keys (the index is what grows with the edition)."""
    from .export_static import export_static
    from .static_search import BUNDLE, Record, write_index
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-static-search-") as scratch:
        site = Path(scratch) / "site"
        report = export_static(site)
        for factor in factors:
            if factor == 1:
                folder, records = site, len(report.search_records)
            else:
                folder = Path(scratch) / f"site-{factor}x"
                shutil.copytree(site, folder, ignore=shutil.ignore_patterns(BUNDLE))
                copies = [Record(r.url.replace("/text/", f"/text/c{n}-", 1), r.title, r.content,
                                 {**r.filters, "text": [f"{t} (copy {n})" for t in r.filters.get("text", [])]})
                          for n in range(factor) for r in report.search_records]
                write_index(copies, folder)
                records = len(copies)
            bundle = [p for p in (folder / BUNDLE).rglob("*") if p.is_file()]
            transfers = [first_query_bytes(folder, query) for query in FIRST_QUERIES]
            rows.append({"factor": factor, "records": records, "index_mb": sum(p.stat().st_size for p in bundle) / 2**20,
                         "query_kb_median": statistics.median(t["query"] for t in transfers) / 1024,
                         "query_kb_max": max(t["query"] for t in transfers) / 1024,
                         "first_query_kb_median": statistics.median(t["total"] for t in transfers) / 1024,
                         "first_query_kb_max": max(t["total"] for t in transfers) / 1024,
                         "first_query_gzip_kb_median": statistics.median(t["gzip"] for t in transfers) / 1024,
                         "by_kind_kb": {k: round(v / 1024, 1) for k, v in max(transfers, key=lambda t: t["total"])
                                        ["by_kind"].items()}})
    return {"queries": FIRST_QUERIES, "rows": rows}


def first_query_bytes(folder: Path, query: str) -> dict:
    """Everything the search page at folder/search.html?q=query fetches until Pagefind shows
    its results: bytes as served (no compression), and as a server that gzips text would send them."""
    import functools
    import gzip
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched: list[tuple[str, bytes]] = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            page = browser.new_context().new_page()
            responses = []
            page.on("response", lambda response: responses.append(response))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search.html?"
                      + urllib.parse.urlencode({"q": query}))
            page.wait_for_function("(() => { const box = document.getElementById('static-search-results');"
                                   " const count = box && box.querySelector('.search-count');"
                                   " return count && (count.textContent.startsWith('0 ')"
                                   " || box.querySelector('li.hit a')); })()", timeout=60000)
            page.wait_for_load_state("networkidle")
            # the bodies are read before the browser closes (read in the event, they may not have arrived)
            fetched = [(urllib.parse.urlsplit(r.url).path, r.body()) for r in responses if r.status == 200]
            browser.close()
    finally:
        server.shutdown()
        server.server_close()

    def kind(path: str) -> str:
        for marker, name in (("/pagefind/index/", "index chunks"), ("/pagefind/fragment/", "fragments"),
                             ("/pagefind/filter/", "filters"), (".pf_meta", "metadata"), ("wasm", "wasm"),
                             ("/pagefind/", "pagefind code")):
            if marker in path:
                return name
        return PAGE_KIND

    by_kind: dict[str, int] = {}
    for path, body in fetched:
        by_kind[kind(path)] = by_kind.get(kind(path), 0) + len(body)
    textual = (".html", ".css", ".js", ".json", "/")
    for_query = [(p, b) for p, b in fetched if kind(p) != PAGE_KIND]
    return {"total": sum(len(b) for _p, b in fetched), "by_kind": by_kind,
            "gzip": sum(len(gzip.compress(b)) if p.endswith(textual) else len(b) for p, b in fetched),
            # what the query itself brings, beyond the search page a reader has open
            "query": sum(len(b) for _p, b in for_query)}


def load_run(base: str, site: SiteMap, clients: int = 8, seconds: float = 30.0,
             max_requests: int = 100_000) -> dict:
    """`clients` readers at once, each reading chapters, searching and opening registers
    in a random order for `seconds` (bounded also by `max_requests` in all)."""
    # a third of the requests each: reading, registers, searching (whatever the number of pages of each)
    pools = {"reading": site.reading, "register": site.registers,
             "search": [site.search_url(q) for q in SEARCH_QUERIES]}
    pools = {kind: paths for kind, paths in pools.items() if paths}
    if not pools:
        raise RuntimeError("nothing to load: the viewer links to no pages")
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {"reading": [], "register": [], "search": []}
    errors: list[str] = []
    issued = [0]
    deadline = time.perf_counter() + seconds
    parsed = urllib.parse.urlsplit(base)

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    break
                issued[0] += 1
            kind = rng.choice(sorted(pools))
            path = rng.choice(pools[kind])
            try:
                ms, status = timed_get(base, path, connection)
            except (OSError, http.client.HTTPException) as err:
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
                with lock:
                    errors.append(f"{path}: {type(err).__name__}: {err}")
                continue
            with lock:
                latencies[kind].append(ms)
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=reader, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [ms for values in latencies.values() for ms in values]
    summary = {"clients": clients, "seconds": elapsed, "requests": len(every) + len(errors),
               "errors": len(errors), "error_sample": errors[:5],
               "throughput": len(every) / elapsed if elapsed else 0.0}
    if every:
        summary.update({"p50": percentile(every, 50), "p95": percentile(every, 95), "p99": percentile(every, 99)})
    summary["by_kind"] = {kind: {"requests": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95)}
                          for kind, values in latencies.items() if values}
    return summary


def measure_load(clients: int, seconds: float) -> dict:
    with Server(threads=8) as server:
        site = discover(server.base)
        return load_run(server.base, site, clients, seconds)


# --- scale: synthetic corpora of n times the edition -------------------------------------

def synthetic_corpus(target: Path, copies: int) -> list[Path]:
    """Each source `copies` times under a new id, with its profile's id and key renamed.

    With copies == 1 the sources keep their own names (the edition itself).
    """
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for source in source_files(SOURCES):
        profile = source.with_suffix(".toml")
        text = profile.read_text(encoding="utf-8") if profile.exists() else ""
        data = tomllib.loads(text) if text else {}
        key = data.get("key") or source.stem.split("-")[0]
        for n in range(1, copies + 1):
            stem = source.stem if copies == 1 else f"{source.stem}-copy{n}"
            copy = target / f"{stem}{source.suffix}"
            os.link(source, copy) if _same_device(source, target) else shutil.copyfile(source, copy)
            if text or copies > 1:
                new_key = key if copies == 1 else f"{key}-c{n}"
                (target / f"{stem}.toml").write_text(_renamed_profile(text, stem, new_key), encoding="utf-8")
            made.append(copy)
    return made


def _same_device(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def _renamed_profile(text: str, stem: str, key: str) -> str:
    """The profile with new top-level `id` and `key` (written first, before any table)."""
    kept = [line for line in text.splitlines() if not re.match(r"\s*(id|key)\s*=", line)]
    return f'id = "{stem}"\nkey = "{key}"\n' + "\n".join(kept) + "\n"


VALIDATION_SAMPLE = 5  # copies of each text validated at each scale


def measure_scale(factor: int, work: Path, validate: bool = True) -> dict:
    corpus = work / f"corpus-{factor}x"
    out = work / f"tei-{factor}x"
    sources = synthetic_corpus(corpus, factor)
    megabytes = sum(p.stat().st_size for p in sources) / 2**20
    build = run_measured([str(EDITION), "build", "--sources", str(corpus), "--out", str(out)])
    if build["returncode"]:
        raise RuntimeError(f"build at {factor}x failed: {_last_line(build['stderr'])}")
    tei_files = sorted(out.glob("*.xml"))
    result = {"factor": factor, "texts": len(sources), "source_mb": megabytes,
              "tei_mb": sum(p.stat().st_size for p in tei_files) / 2**20,
              "build_seconds": build["seconds"], "seconds_per_mb": build["seconds"] / megabytes,
              "build_cpu_seconds": build["cpu_seconds"], "cpu_seconds_per_mb": build["cpu_seconds"] / megabytes,
              "peak_rss_mb": build["peak_rss"] / 2**20}
    if validate:
        # Validation is per file with the schemas compiled once per process, so its cost per MB
        # is what can grow; at 20x and 100x (tens of minutes on two cores) it is measured on
        # the first VALIDATION_SAMPLE copies of each text, the registers included.
        sample = [p for p in tei_files if not re.search(r"-copy(\d+)\.xml$", p.name)
                  or int(re.search(r"-copy(\d+)\.xml$", p.name).group(1)) <= VALIDATION_SAMPLE]
        validation = run_measured([str(EDITION), "validate", "--json", *map(str, sample)])
        sample_mb = sum(p.stat().st_size for p in sample) / 2**20
        result.update({"validation_files": len(sample), "validation_mb": sample_mb,
                       "validation_seconds": validation["seconds"],
                       "validation_seconds_per_mb": validation["seconds"] / sample_mb,
                       "validation_cpu_seconds_per_mb": validation["cpu_seconds"] / sample_mb,
                       "validation_peak_rss_mb": validation["peak_rss"] / 2**20})
    index = out / "search.sqlite"
    if index.exists():
        from .search import search
        result["index_mb"] = index.stat().st_size / 2**20
        timings = []
        for _ in range(3):
            for query in SEARCH_QUERIES:
                started = time.perf_counter()
                search(index, query)
                timings.append((time.perf_counter() - started) * 1000)
        result["search_median_ms"] = statistics.median(timings)
        result["search_p95_ms"] = percentile(timings, 95)
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return result


# --- the report ------------------------------------------------------------------------

def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "not measured"
    return "meets" if value < target else "**misses**"


def render(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `edition bench` (scripts/edition/bench.py); do not edit by hand, run it again.",
        f"Command: `{results['command']}`.",
        "",
        "## Machine",
        "",
        f"- date: {m['date']}" + ("; parts measured at: " + ", ".join(f"{k} {v}" for k, v in
                                                                results.get("measured", {}).items())
                                  if len(set(results.get("measured", {}).values())) > 1 else ""),
        f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_gb']} GB; {m['system']}",
        "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
    ]
    if results.get("load_average"):
        lines.append("- load average (1 min) of the machine as each part started: "
                     + ", ".join(f"{k} {v}" for k, v in results["load_average"].items())
                     + f" (with {m['cores']} cores, a higher figure means other work shared the CPU: "
                     "wall times then include waiting for it; CPU seconds do not)")
    lines += [
        "",
        "## Targets",
        "",
        "| what | target | measured | |",
        "|---|---|---|---|",
    ]
    measured = results.get("figures", {})
    for key, (label, target, unit) in TARGETS.items():
        value = measured.get(key)
        shown = "—" if value is None else (f"{value:.2f} {unit}" if unit == "s" else f"{value:.1f} {unit}")
        lines.append(f"| {label} | < {target:g} {unit} | {shown} | {verdict(value, target)} |")
    build = results.get("build")
    if build:
        lines += ["", "## Build", "",
                  f"`edition build` of the five texts, median of {len(build['runs'])} runs: "
                  f"{build['seconds']:.2f} s (runs: {', '.join(map(str, build['runs']))})"
                  + (f", {build['cpu_seconds']:.2f} CPU s" if "cpu_seconds" in build else "")
                  + f"; peak memory of the process tree {build['peak_rss'] / 2**20:.0f} MB.", "",
                  "| text | seconds (in its worker) |", "|---|---|"]
        lines += [f"| {text} | {seconds} |" for text, seconds in build["per_text"].items()]
    validation = results.get("validation")
    if validation:
        lines += ["", "## Validation", "",
                  f"`edition validate` of the {validation['files']} files in tei/ ({validation['megabytes']:.1f} MB), "
                  f"in a fresh process, median: {validation['seconds']:.2f} s; problems reported: "
                  f"{validation['problems']} (exit status {validation['returncode']})."]
    server = results.get("server")
    if server:
        lines += ["", "## Reading edition (waitress, loopback)", "",
                  f"Pages found by following links from the home page: {server['pages_found']}.",
                  f"{server['chapters_sampled']} chapter pages sampled; statuses seen: {server['statuses']}.", "",
                  "| figure | ms |", "|---|---|",
                  f"| server start (process start to first 200) | {server['server_start'] * 1000:.0f} |",
                  f"| first chapter on a fresh server (stylesheets compiled) | {server['chapter_cold_first']:.1f} |",
                  f"| chapter, cold (first request for it), median / max | "
                  f"{server['chapter_cold_median']:.1f} / {server['chapter_cold_max']:.1f} |",
                  f"| chapter, warm, median / p95 | {server['chapter_warm_median']:.1f} / {server['chapter_warm_p95']:.1f} |",
                  f"| search ({server['search_path']}), median / p95 | "
                  f"{server['search_median']:.1f} / {server['search_p95']:.1f} |"]
    export = results.get("export")
    lines += ["", "## Static export", ""]
    if export:
        lines.append(f"`edition export-static`: {export['seconds']:.2f} s, {export['files']} files, "
                     f"{export['megabytes']:.1f} MB, exit status {export['returncode']}. {export['error']}")
    else:
        lines.append("`edition export-static` is not available in this checkout: not measured.")
    transfer = results.get("transfer")
    if transfer:
        lines += ["", "## Transfer", "",
                  f"The largest chapter page, {transfer['largest_page']}: {transfer['largest_bytes']:,} bytes of HTML; "
                  f"sent gzip {transfer['gzip_bytes']:,} bytes ({transfer['gzip_share']:.1%}), "
                  f"brotli {transfer['br_bytes']:,} bytes ({transfer['br_share']:.1%}); target ≤ 25 %: "
                  f"{'meets' if max(transfer['gzip_share'], transfer['br_share']) <= 0.25 else '**misses**'}.",
                  f"The {transfer['chapters_sampled']} largest chapters warm, asked for with gzip over one keep-alive "
                  f"connection, median {transfer['chapter_warm_gzip_median']:.1f} ms (compressed once, then kept)."]
    static_search = results.get("static_search")
    if static_search:
        lines += ["", "## Static export: the first query", "",
                  "Bytes the export's search page (search.html?q=…, Pagefind) fetches from a cold browser cache until "
                  "it shows results, served by a plain file server without compression (Pagefind's index and "
                  "fragments are compressed already); 'gzip' is what a server that compresses HTML, CSS, JS and "
                  "JSON would send. At 20x the index holds every passage 20 times, under new text keys. Queries: "
                  + ", ".join(f"`{q}`" for q in static_search["queries"]) + ".", "",
                  "'The query' is what the query itself fetches (Pagefind's code, its wasm, the index's metadata, "
                  "chunks and the hits' fragments); 'with the page' adds the search page's own HTML, CSS and JS.", "",
                  "| size | records | index MB | the query KB, median / max | with the page KB, median / max | "
                  "with the page, gzip, median | target (the query) |",
                  "|---|---|---|---|---|---|---|"]
        for row in static_search["rows"]:
            target = 300 if row["factor"] == 1 else 1024
            lines.append(f"| {row['factor']}x | {row['records']:,} | {row['index_mb']:.1f} | "
                         f"{row.get('query_kb_median', float('nan')):.0f} / {row.get('query_kb_max', float('nan')):.0f} | "
                         f"{row['first_query_kb_median']:.0f} / {row['first_query_kb_max']:.0f} | "
                         f"{row['first_query_gzip_kb_median']:.0f} | < {target} KB: "
                         f"{verdict(row.get('query_kb_max'), target)} |")
        lines += ["", "Where the bytes of the largest first query go (KB): " + "; ".join(
            f"{row['factor']}x: " + ", ".join(f"{k} {v}" for k, v in row["by_kind_kb"].items())
            for row in static_search["rows"]) + "."]
    load = results.get("load")
    if load:
        lines += ["", "## Load", "",
                  f"{load['clients']} concurrent clients for {load['seconds']:.1f} s against `edition serve` "
                  "(waitress, 8 threads), each reading chapters, searching and opening registers in random order "
                  "over keep-alive connections.", "",
                  f"- requests: {load['requests']}, errors: {load['errors']}",
                  f"- throughput: {load['throughput']:.1f} requests/s",
                  f"- latency: p50 {load.get('p50', 0):.1f} ms, p95 {load.get('p95', 0):.1f} ms, "
                  f"p99 {load.get('p99', 0):.1f} ms", ""]
        lines += ["| kind | requests | p50 ms | p95 ms |", "|---|---|---|---|"]
        lines += [f"| {k} | {v['requests']} | {v['p50']:.1f} | {v['p95']:.1f} |" for k, v in load["by_kind"].items()]
        if load["error_sample"]:
            lines += ["", "Errors (sample): " + "; ".join(load["error_sample"])]
    scale = results.get("scale")
    if scale:
        lines += ["", "## Scale", "",
                  "The sources repeated under new ids (each profile copied with its id and key renamed), built by "
                  "`edition build` with one process per core, then validated by `edition validate`. Peak memory is "
                  "the resident memory of the whole process tree, sampled every 20 ms.", "",
                  f"Validation is measured on the first {VALIDATION_SAMPLE} copies of each text (and the registers) "
                  "at every size: it works file by file, so its cost per MB is the figure that could grow.", "",
                  "CPU seconds are those of the whole process tree (user + system): unlike wall time they do not "
                  "depend on what else the machine was doing while the bench ran.", "",
                  "| size | texts | source MB | build wall s | build CPU s | wall s per MB | CPU s per MB | "
                  "build peak MB | TEI MB | validated files (MB) | validation wall s | validation CPU s per MB | "
                  "index MB | search median / p95 ms |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        nan = float("nan")
        for row in scale:
            lines.append(
                f"| {row['factor']}x | {row['texts']} | {row['source_mb']:.1f} | {row['build_seconds']:.1f} | "
                f"{row['build_cpu_seconds']:.1f} | {row['seconds_per_mb']:.2f} | {row['cpu_seconds_per_mb']:.2f} | "
                f"{row['peak_rss_mb']:.0f} | {row['tei_mb']:.1f} | "
                f"{row.get('validation_files', 0)} ({row.get('validation_mb', nan):.1f}) | "
                f"{row.get('validation_seconds', nan):.1f} | {row.get('validation_cpu_seconds_per_mb', nan):.2f} | "
                f"{row.get('index_mb', nan):.1f} | {row.get('search_median_ms', nan):.2f} / "
                f"{row.get('search_p95_ms', nan):.2f} |")
        base = scale[0]
        for row in scale[1:]:
            wall = row["seconds_per_mb"] / base["seconds_per_mb"]
            cpu = row["cpu_seconds_per_mb"] / base["cpu_seconds_per_mb"]
            lines.append("")
            lines.append(f"At {row['factor']}x, build time per MB is {wall:.2f}x (wall) and {cpu:.2f}x (CPU) that at "
                         f"{base['factor']}x ({'within' if max(wall, cpu) <= 1.5 else '**outside**'} the 1.5x bound); "
                         f"peak memory of the build {row['peak_rss_mb']:.0f} MB "
                         f"({'under' if row['peak_rss_mb'] < 2048 else '**over**'} 2 GB).")
    from . import bench_robustness
    if results.get("converter"):
        lines += bench_robustness.render_converter(results["converter"])
    if results.get("siege"):
        lines += bench_robustness.render_siege(results["siege"])
    lines += ["", "## Robustness (proved by tests, not timed)", "",
              "- `tests/test_bad_input.py`: the converter on empty, binary, Latin-1, UTF-16 (with and without BOM), "
              "BOM+CRLF, form-feed, control-character, 100 MB, unbalanced-marker, lost-note and 10,000-bracket "
              "input, and profiles misspelt at the top or in any table (each refused with file, line, table and a "
              "suggestion); a failing stage, a failure after the registers and index are made, SIGTERM and kill -9 "
              "during a build leave the previous edition whole, texts, registers and search index together; a "
              "build killed half-way through its renames is finished by the next one.",
              "- `tests/test_hostile_input.py`: the viewer (`edition serve`) on unknown ids, path traversal in every "
              "path parameter, script injection, absurd search parameters, oversized uploads, entity bombs and "
              "external entities: a 4xx page each, never a 500, with a Content-Security-Policy.",
              "- `tests/test_load.py`: 8 concurrent readers for 5 s with zero errors (the 30 s run is above).",
              "- issue 16 (`tests/test_hostile_input.py`, `tests/test_bad_input.py`): uploads validated in child "
              "processes with time and memory limits, stopped when the client hangs up, 429/503 with Retry-After "
              "over the limits; readers answered while 60k attributes are validated; plain-text downloads made once "
              "per version; 405 with Allow, ASCII page numbers, a 1 MB file name cut; profiles refused for a "
              "climbing id, a key that is no XML name, a string for a list, a number for a string, a register's "
              "name or another text's key; a backtracking pattern stopped with its name; a hand edit in tei/ stops "
              "the build (`--force` discards it); a re-export keeps CNAME and custom/; one unreadable file in tei/ "
              "is left out and named while every other page works."]
    if results.get("failures"):
        lines += ["", "## Not measured, or failed", ""] + [f"- {f}" for f in results["failures"]]
    return "\n".join(lines) + "\n"


ALL_PARTS = ("build", "validation", "server", "transfer", "export", "static_search", "load", "scale", "converter", "siege")
# every part's latest figures, so that `--only` re-measures some parts and keeps the others
RESULTS_JSON = BUILD / "benchmarks.json"


def run(quick: bool = False, scales: list[int] | None = None, load_seconds: float | None = None,
        out: Path = BENCHMARKS_MD, parts: set[str] | None = None, log=print) -> dict:
    scales = scales if scales is not None else ([1, 20] if quick else [1, 20, 100])
    unknown = set(parts or ()) - set(ALL_PARTS)
    if unknown:
        raise ValueError(f"unknown bench parts {sorted(unknown)}; the parts are {', '.join(ALL_PARTS)}")
    results: dict = {}
    if parts and RESULTS_JSON.exists():
        try:
            results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    parts = set(parts or ALL_PARTS)
    now = machine()
    results.update({"machine": now, "command": "edition bench " + " ".join(sys.argv[2:])})
    results.setdefault("figures", {})
    results.setdefault("measured", {})
    failures = results.setdefault("failure_by_part", {})
    figures = results["figures"]

    def step(name: str, function):
        if name not in parts:
            return
        log(f"bench: {name} ...")
        results.pop(name, None)
        failures.pop(name, None)
        results["measured"][name] = now["date"]
        # what else the machine was doing: wall times on a busy machine include waiting for a core
        results.setdefault("load_average", {})[name] = round(os.getloadavg()[0], 2)
        try:
            results[name] = function()
        except Exception as err:  # one part failing still leaves the others measured
            failures[name] = f"{type(err).__name__}: {err}"
            log(f"bench: {name} failed: {err}")

    step("build", lambda: measure_build(1 if quick else 3))
    if "build" in parts and "build" in results:
        figures["build"] = results["build"]["seconds"]
    step("validation", lambda: measure_validation(sorted(Path(TEI_DIR).glob("*.xml")), 1 if quick else 3))
    if "validation" in parts and "validation" in results:
        figures["validation"] = results["validation"]["seconds"]
    step("server", lambda: measure_server(quick))
    if "server" in parts and "server" in results:
        s = results["server"]
        figures.update({"server_start": s["server_start"], "chapter_warm": s["chapter_warm_median"],
                        "chapter_cold": s["chapter_cold_max"], "search": s["search_median"]})
    step("transfer", lambda: measure_transfer(quick))
    if "transfer" in parts and "transfer" in results:
        figures["compressed_share"] = max(results["transfer"]["gzip_share"], results["transfer"]["br_share"]) * 100
    step("export", measure_export)
    if "export" in parts and results.get("export"):
        export = results["export"]
        if export["returncode"]:
            # a time for an export that failed meets no target
            figures.pop("export", None)
            failures["export"] = f"edition export-static exited {export['returncode']}: {export['error']}"
        else:
            figures["export"] = export["seconds"]
    step("static_search", lambda: measure_static_search([1, 20]))
    if "static_search" in parts and "static_search" in results:
        for row in results["static_search"]["rows"]:
            figures[f"first_query_{row['factor']}x"] = row.get("query_kb_max")
    step("load", lambda: measure_load(8, load_seconds or (5.0 if quick else 30.0)))
    step("scale", lambda: measure_scales(scales, log))
    from . import bench_robustness  # issue 16's parts: the converter on costly input, the server under siege
    step("converter", bench_robustness.measure_converter)
    step("siege", bench_robustness.measure_siege)
    results["failures"] = [f"{part}: {message}" for part, message in failures.items()]
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(render(results), encoding="utf-8")
        log(f"bench: wrote {out}")
    return results


def measure_scales(scales: list[int], log) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as work:
        for factor in scales:
            log(f"bench: scale {factor}x ...")
            rows.append(measure_scale(factor, Path(work)))
            log(f"bench: scale {factor}x: {rows[-1]['build_seconds']:.1f} s wall, "
                f"{rows[-1]['cpu_seconds_per_mb']:.2f} CPU s per MB, peak {rows[-1]['peak_rss_mb']:.0f} MB")
    return rows
