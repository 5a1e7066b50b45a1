"""What goes over the wire (viewer.transfer): text compressed for the browsers
that accept it, an ETag on every page so that asking again costs a 304,
static files linked under their content's hash and kept a year. The real
server (waitress) on the real tei/, spoken to over HTTP."""

from __future__ import annotations

import gzip
import re
import shutil

import brotli
import pytest
import requests

from edition import TEI_DIR
from test_viewer import LiveServer

STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"')


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from viewer import create_app
    server = LiveServer(create_app(TEI_DIR, search_db=tmp_path_factory.mktemp("index") / "search.sqlite", warm=True))
    yield server
    server.close()


def raw(live, path: str, encoding: str = "identity", **headers) -> requests.Response:
    """The bytes as sent, not decoded by requests."""
    response = requests.get(live.url + path, headers={"Accept-Encoding": encoding, **headers}, timeout=60, stream=True)
    response.body = response.raw.read(decode_content=False)
    return response


def every_page(live) -> list[str]:
    from viewer.texts import TextLibrary
    return [f"/text/{text.key}/{page_id}" for text in TextLibrary(TEI_DIR).texts() for page_id in text.page_ids]


def test_every_chapter_page_travels_compressed_at_a_quarter_of_its_size_or_less(live):
    sizes = []
    for path in every_page(live):
        plain, packed = raw(live, path), raw(live, path, "gzip, deflate")
        assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.body) == plain.body
        sizes.append((len(plain.body), len(packed.body), path))
    largest, packed, path = max(sizes)
    assert largest > 250_000, "the largest chapter (Pavlova 2.2, 304 KB) is among the pages"
    assert packed <= largest / 4, path
    # every long chapter too (short pages are mostly the page's frame, which compresses less)
    assert [p for size, small, p in sizes if size > 100_000 and small > size / 4] == []


def test_brotli_is_sent_to_a_browser_that_asks_for_it(live):
    path = "/text/pavlova/pavlova.2.2"
    answer = raw(live, path, "br, gzip")
    assert answer.headers["Content-Encoding"] == "br"
    assert brotli.decompress(answer.body) == raw(live, path).body


@pytest.mark.parametrize("path, mimetype", [
    ("/registers/persons/", "text/html"), ("/search?q=Kamenev", "text/html"),
    ("/search/entities.json", "application/json"), ("/download/furr.xml", "application/tei+xml"),
    ("/dts/collection", "application/ld+json"), ("/oai?verb=Identify", "text/xml"),
])
def test_html_json_and_xml_are_compressed(live, path, mimetype):
    answer = raw(live, path, "gzip")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(mimetype)
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.body)


@pytest.mark.parametrize("path", ["/", "/text/furr/furr.1.1", "/registers/places/moscow", "/search?q=Ezhov"])
def test_a_page_asked_for_again_with_its_etag_is_a_304_without_a_body(live, path):
    first = raw(live, path, "gzip")
    assert first.headers["ETag"]
    again = raw(live, path, "gzip", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.body == b""
    assert "default-src 'self'" in again.headers["Content-Security-Policy"]
    # the uncompressed bytes are another representation, with another tag
    plain = raw(live, path, "identity", **{"If-None-Match": first.headers["ETag"]})
    assert plain.status_code == 200 and plain.headers["ETag"] != first.headers["ETag"]


def test_static_files_are_linked_under_their_hash_and_kept_a_year(live):
    page = raw(live, "/text/furr/furr.1.1").body.decode()
    links = STATIC_LINK.findall(page)
    assert {"/static/edition.css", "/static/edition.js"} <= {path for path, _v in links}
    for path, version in links:
        kept = raw(live, f"{path}?v={version}", "gzip")
        assert kept.status_code == 200 and kept.headers["Content-Encoding"] == "gzip"
        assert "immutable" in kept.headers["Cache-Control"] and "max-age=31536000" in kept.headers["Cache-Control"]
        # under any other address the browser asks again each time
        for other in (path, f"{path}?v=0000"):
            assert "no-cache" in raw(live, other).headers["Cache-Control"]


def test_a_changed_static_file_gets_a_new_address(tmp_path):
    from viewer import create_app
    app = create_app(TEI_DIR, search_db=tmp_path / "search.sqlite")
    app.static_folder = str(shutil.copytree(app.static_folder, tmp_path / "static"))
    client = app.test_client()
    before = STATIC_LINK.findall(client.get("/registers/").get_data(as_text=True))
    css = tmp_path / "static" / "edition.css"
    css.write_text(css.read_text() + "\n/* changed */\n")
    after = STATIC_LINK.findall(client.get("/registers/").get_data(as_text=True))
    changed = {path for path, _v in set(after) - set(before)}
    assert changed == {"/static/edition.css"}
