"""The static export's search: Pagefind (the `pagefind` package and its binary).

Every passage the edition's own search index holds (edition.search) becomes
one Pagefind record, linked to its anchor on its exported page, with filters
for its text and for each register entry it mentions (person, place,
organisation). Pagefind writes a chunked index into `pagefind/` beside the
pages; `static-search.js` answers the search page in the browser through
Pagefind's search API, which loads only the chunks a query needs. Pagefind
runs WebAssembly: a server that sends the export with a Content-Security-Policy
must allow it (script-src 'self' 'wasm-unsafe-eval').
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

BUNDLE = "pagefind"
GLUE = "static-search.js"
# the filters a record carries, by register
FILTER_OF_REGISTER = {"persons": "person", "places": "place", "orgs": "organisation"}
LANGUAGE = "en"


@dataclass
class Record:
    url: str                    # from the export's root: /text/furr/furr.1.1.html#furr.1.1.p3
    title: str                  # the text and section
    content: str
    filters: dict[str, list[str]] = field(default_factory=dict)

    def joined(self, other: "Record") -> "Record":
        """One record for two passages at the same address."""
        filters = {key: list(values) for key, values in self.filters.items()}
        for key, values in other.filters.items():
            filters.setdefault(key, []).extend(v for v in values if v not in filters[key])
        return Record(self.url, self.title, self.content + "\n" + other.content, filters)


def entity_names(tei_dir: Path) -> dict[str, str]:
    """{'persons/kamenev-lb': 'Kamenev, Lev Borisovich'}: the filters' values, as the live filter lists them."""
    from viewer.texts import REGISTERS, read_register
    return {f"{register}/{entry.id}": entry.sort_name
            for register, spec in REGISTERS.items() for entry in read_register(Path(tei_dir) / spec[0], register)}


def record_for(passage, page_file: str, anchor: str, names: dict[str, str]) -> Record:
    """One passage of the index (edition.search.every_passage) as a Pagefind record."""
    filters: dict[str, list[str]] = {"text": [passage.text_title]}
    for entity in passage.mentioned:
        register = entity.partition("/")[0]
        if register in FILTER_OF_REGISTER and entity in names:
            values = filters.setdefault(FILTER_OF_REGISTER[register], [])
            if names[entity] not in values:
                values.append(names[entity])
    title = passage.text_title + (f" › {passage.section}" if passage.section else "")
    return Record("/" + page_file + anchor, title, passage.body, filters)


def write_index(records: list[Record], site: Path) -> int:
    """Index the records with Pagefind into site/pagefind/; the number of records indexed."""
    from pagefind.service import get_executable
    binary = get_executable()
    if binary is None:
        raise RuntimeError("the pagefind binary is missing: `make install` brings it (pagefind[bin])")
    with tempfile.TemporaryFile() as log, PagefindService(binary, log) as service:
        index_id = service.ask([{"type": "NewIndex", "config": {"force_language": LANGUAGE}}])[0]["index_id"]
        adding = [{"type": "AddRecord", "index_id": index_id, "url": r.url, "content": r.content,
                   "language": LANGUAGE, "meta": {"title": r.title}, "filters": r.filters} for r in records]
        service.ask([*adding, {"type": "WriteFiles", "index_id": index_id, "output_path": str(site / BUNDLE)}])
    return len(records)


class PagefindService:
    """`pagefind --service`, spoken to in the protocol of the `pagefind` package (base64
    JSON messages, each ended by a comma). That package's own client waits 0.1 s for
    every answer, 10 minutes for the edition's 6,247 passages; this one reads them as they come."""

    def __init__(self, binary: Path, log):
        self.process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=log)
        self.sent = 0

    def __enter__(self) -> "PagefindService":
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ask(self, payloads: list[dict]) -> list[dict]:
        """Send the payloads (from a thread: the answers come while the questions are still
        being written) and read one answer for each, in the order asked."""
        first = self.sent + 1
        self.sent += len(payloads)

        def send() -> None:
            for number, payload in enumerate(payloads, first):
                message = json.dumps({"message_id": number, "payload": payload}).encode("utf-8")
                self.process.stdin.write(base64.b64encode(message) + b",")
            self.process.stdin.flush()

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        answers: dict[int, dict] = {}
        buffered = b""
        while len(answers) < len(payloads):
            chunk = self.process.stdout.read1(1 << 16)
            if not chunk:
                raise RuntimeError("pagefind stopped before it answered")
            buffered += chunk
            *complete, buffered = buffered.split(b",")
            for message in complete:
                answer = json.loads(base64.b64decode(message))
                if answer["payload"].get("type") == "Error":
                    raise RuntimeError(f"pagefind: {answer['payload'].get('message')}")
                answers[answer.get("message_id") or 0] = answer["payload"]
        writer.join()
        return [answers[number] for number in range(first, first + len(payloads))]


GLUE_JS = r"""// The static export's search page, answered by Pagefind's search API (pagefind/pagefind.js):
// the form's words, text and entity (search.html?q=…&text=KEY&entity=persons/ID, as the live edition's
// form sends them) become a Pagefind search with filters; the hits are listed as the live page lists
// them. Pagefind loads only the chunks of its index a query needs, and a filter's data only when the
// query uses it (its own interface loads every filter first: 1 MB at 20x the edition).
(function () {
  "use strict";
  var script = document.currentScript;
  var PER_PAGE = 30;
  var FILTER_OF_REGISTER = {persons: "person", places: "place", orgs: "organisation"};
  function url(attribute) { return new URL(script.getAttribute(attribute), document.baseURI).href; }
  function filtersFor(form, params) {
    var filters = {};
    var text = params.get("text");
    var option = text && form && Array.prototype.find.call(form.querySelectorAll("select[name=text] option"),
      function (o) { return o.value === text; });
    if (option) { filters.text = option.textContent.trim(); }
    var entity = params.get("entity");
    if (!entity) { return Promise.resolve(filters); }
    return fetch(url("data-entity-names")).then(function (r) { return r.json(); }).then(function (names) {
      var key = FILTER_OF_REGISTER[entity.split("/")[0]];
      if (key && names[entity]) { filters[key] = names[entity]; }
      return filters;
    });
  }
  function box(form) {
    var section = document.createElement("section");
    section.id = "static-search-results";
    section.setAttribute("aria-label", "Results");
    form.parentNode.insertBefore(section, form.nextSibling);
    return section;
  }
  function show(section, search, shown) {
    var list = section.querySelector("ol") || section.appendChild(document.createElement("ol"));
    list.className = "hits";
    var more = section.querySelector("button.more");
    if (more) { more.remove(); }
    return Promise.all(search.results.slice(shown, shown + PER_PAGE).map(function (r) { return r.data(); }))
      .then(function (hits) {
        hits.forEach(function (hit) {
          var item = list.appendChild(document.createElement("li"));
          item.className = "hit";
          var link = item.appendChild(document.createElement("a"));
          link.href = hit.url;
          link.textContent = hit.meta.title;
          var snippet = item.appendChild(document.createElement("p"));
          snippet.className = "snippet";
          snippet.innerHTML = hit.excerpt;  // Pagefind's excerpt of our own text: escaped, <mark> around the words
        });
        if (shown + PER_PAGE < search.results.length) {
          more = section.appendChild(document.createElement("button"));
          more.type = "button";
          more.className = "more";
          more.textContent = "More results";
          more.addEventListener("click", function () { show(section, search, shown + PER_PAGE); });
        }
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var params = new URLSearchParams(window.location.search);
    var forms = document.querySelectorAll("form[data-static-search]");
    var form = forms[forms.length - 1];
    if (!form) { return; }
    form.querySelectorAll("input[name], select[name]").forEach(function (control) {
      var value = params.get(control.name);
      if (value !== null && control.type !== "checkbox") { control.value = value; }
    });
    var query = (params.get("q") || "").trim();
    if (!query && !params.get("entity")) { return; }
    var section = box(form);
    section.textContent = "Searching…";
    Promise.all([import(url("data-bundle") + "pagefind.js"), filtersFor(form, params)]).then(function (loaded) {
      var pagefind = loaded[0];
      var options = {baseUrl: new URL(".", url("src")).pathname};
      if (query) { options.highlightParam = "hl"; }  // the words ride along, marked at the passage (highlight.js)
      return pagefind.options(options).then(function () {
        return pagefind.search(query || null, {filters: loaded[1]});
      });
    }).then(function (search) {
      section.textContent = "";
      var count = section.appendChild(document.createElement("p"));
      count.className = "search-count";
      count.setAttribute("role", "status");
      var n = search.results.length;
      count.textContent = n.toLocaleString("en") + (n === 1 ? " passage" : " passages") + " found.";
      return show(section, search, 0);
    }).catch(function (error) {
      section.textContent = "The search could not be run here: " + error.message;
    });
  });
})();
"""
