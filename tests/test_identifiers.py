"""Persistent identifiers that resolve, pointers that resolve anywhere, a zip an archive can ingest (issue 14).

The edition is served by the real application under waitress on a loopback
port. Every /id/ URI found in what the server hands out (the TEI's
idno type="URI", DTS @ids, OAI-PMH identifiers and dc:identifier) is
followed as a browser, a TEI client and a DTS client would follow it; every
citable passage and register entry has its URI checked.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from urllib.parse import urljoin

import pytest
import requests
from lxml import etree
from servers import serving

from edition import TEI_DIR, TEI_NS
from viewer import create_app

NS = {"tei": TEI_NS, "dts": "https://w3id.org/api/dts#", "oai": "http://www.openarchives.org/OAI/2.0/",
      "dc": "http://purl.org/dc/elements/1.1/"}
LENIENT = etree.XMLParser(collect_ids=False, huge_tree=True)
REGISTERS = ("persons", "places", "orgs")
ACCEPT = {"browser": "text/html,application/xhtml+xml,*/*;q=0.8", "tei": "application/tei+xml",
          "dts": "application/ld+json"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("id-edition")
    for path in TEI_DIR.glob("*.xml"):
        (folder / path.name).write_bytes(path.read_bytes())
    app = create_app(folder, search_db=folder / "search.sqlite")
    with serving(app) as url:
        yield url


def resolves(uri: str, accept: str) -> requests.Response:
    response = requests.get(uri, headers={"Accept": ACCEPT[accept]}, timeout=120)
    assert response.status_code == 200, (uri, accept, response.status_code)
    assert all(r.status_code in (302, 303) for r in response.history), uri
    return response


def _uris_handed_out(base: str) -> set[str]:
    found = set()
    for name in [p.stem for p in TEI_DIR.glob("*.xml")]:
        tei = etree.fromstring(requests.get(f"{base}/download/{name}.xml", timeout=60).content, LENIENT)
        found |= set(tei.xpath("//tei:publicationStmt/tei:idno[@type='URI']/text()", namespaces=NS))
    root = requests.get(f"{base}/dts/collection", timeout=60).json()
    found.add(root["@id"])
    for collection in root["member"]:
        found.add(collection["@id"])
        for resource in requests.get(f"{base}/dts/collection", params={"id": collection["@id"]}, timeout=60).json()["member"]:
            found.add(resource["@id"])
            found |= {i for i in resource["dublinCore"].get("identifier", []) if "/id/" in i}
    for prefix in ("oai_dc", "tei"):
        page = etree.fromstring(requests.get(f"{base}/oai", params={"verb": "ListRecords", "metadataPrefix": prefix},
                                             timeout=60).content)
        while True:
            found |= set(page.xpath("//oai:header/oai:identifier/text() | //dc:identifier[contains(., '/id/')]/text()"
                                    " | //tei:idno[@type='URI']/text()", namespaces=NS))
            token = page.xpath("string(//oai:resumptionToken)", namespaces=NS)
            if not token:
                break
            page = etree.fromstring(requests.get(f"{base}/oai", params={"verb": "ListRecords", "resumptionToken": token},
                                                 timeout=60).content)
    return found


def test_every_id_uri_in_tei_dts_and_oai_resolves_for_browsers_tei_and_dts_clients(base):
    uris = _uris_handed_out(base)
    assert all(uri.startswith(base + "/id/") for uri in uris), uris  # one base: the server's own
    assert len(uris) == 1 + 2 + 8  # the edition, its two collections, five texts and three registers
    for uri in sorted(uris):
        assert resolves(uri, "browser").headers["Content-Type"].startswith("text/html")
        kind = "dts" if uri.endswith("/id/edition") or "/id/edition/" in uri else "tei"
        answer = resolves(uri, kind)
        if kind == "tei":
            assert answer.headers["Content-Type"].startswith("application/tei+xml")
            assert etree.fromstring(answer.content, LENIENT).tag == f"{{{TEI_NS}}}TEI"
        else:
            assert answer.json()["@id"] == uri


def test_every_citable_passage_and_register_entry_has_a_uri_that_resolves(base):
    """Every unit's URI redirects; one passage per text and level, and entries, are followed to the end."""
    checked = 0
    for name in sorted(p.stem for p in TEI_DIR.glob("*.xml")):
        resource = f"{base}/id/{name}"
        page = requests.get(f"{base}/dts/navigation", params={"resource": resource, "down": "-1"}, timeout=120).json()
        units = page["member"]
        while "view" in page and "next" in page["view"]:
            page = requests.get(page["view"]["next"], timeout=120).json()
            units += page["member"]
        assert units, name
        followed = {}
        for unit in units:
            uri = f"{resource}/{unit['identifier']}"
            for accept in ("browser", "tei"):
                answer = requests.get(uri, headers={"Accept": ACCEPT[accept]}, allow_redirects=False, timeout=60)
                assert answer.status_code == 303 and answer.headers["Location"].startswith(base), (uri, accept)
            followed.setdefault(unit["level"], uri)
            checked += 1
        for uri in followed.values():
            page = resolves(uri, "browser")
            fragment = page.url.split("#")[1] if "#" in page.url else None
            assert fragment is None or f'id="{fragment}"' in page.text, uri
            passage = etree.fromstring(resolves(uri, "tei").content, LENIENT)
            assert passage.xpath("//dts:wrapper/*", namespaces=NS), uri
    assert checked > 4000  # 4,392 units in the edition of 2026-12-06


def test_an_unknown_id_is_404(base):
    assert requests.get(f"{base}/id/no-such-text", timeout=30).status_code == 404
    assert requests.get(f"{base}/id/persons/no-such-person", timeout=30).status_code == 404


# Register pointers from a download and inside the zip --------------------------------------------

def _register_pointers(tei: etree._Element) -> list[str]:
    return sorted(set(tei.xpath("//tei:text//@ref[contains(., '.xml#')]", namespaces=NS)))


def test_register_pointers_of_a_downloaded_file_resolve_from_its_address(base):
    """Issue 14.5: persons.xml#x read in /download/KEY.xml leads to /download/persons.xml, which has x."""
    registers = {}
    for path in sorted(TEI_DIR.glob("*.xml")):
        if path.stem in REGISTERS:
            continue
        response = requests.get(f"{base}/download/{path.name}", timeout=60)
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        pointers = _register_pointers(etree.fromstring(response.content, LENIENT))
        assert pointers, path.name
        for pointer in pointers:
            document, fragment = urljoin(response.url, pointer).split("#")
            if document not in registers:
                answer = requests.get(document, timeout=60)
                assert answer.status_code == 200, document
                assert answer.headers["Access-Control-Allow-Origin"] == "*"
                registers[document] = set(etree.fromstring(answer.content, LENIENT).xpath("//@xml:id"))
            assert fragment in registers[document], pointer


@pytest.fixture(scope="module")
def archive(base):
    response = requests.get(f"{base}/download/edition.zip", timeout=120)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_zip_holds_readme_licence_checksums_schema_and_registers(archive, base):
    names = set(archive.namelist())
    root = "stalinism-edition/"
    for member in ("README.txt", "LICENCE.txt", "SHA256SUMS", "schema/edition.rng", "schema/edition.sch",
                   *(f"tei/{r}.xml" for r in REGISTERS)):
        assert root + member in names, member
    sums = archive.read(root + "SHA256SUMS").decode().splitlines()
    assert len(sums) == len(names) - 1  # every file but the checksums themselves
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(root + name)).hexdigest() == digest, name
    licence = archive.read(root + "LICENCE.txt").decode()
    for name in names:
        if name.startswith(root + "tei/") and not any(name.endswith(f"/{r}.xml") for r in REGISTERS):
            tei = etree.fromstring(archive.read(name), LENIENT)
            text_rights = tei.xpath("string(//tei:availability/tei:licence[1]/@target)", namespaces=NS)
            assert text_rights in licence and "creativecommons.org/licenses" not in text_rights
            uri = tei.xpath("string(//tei:publicationStmt/tei:idno[@type='URI'])", namespaces=NS)
            assert uri.startswith(base + "/id/") and uri in archive.read(root + "README.txt").decode()


def test_register_pointers_inside_the_zip_resolve_to_the_register_beside_the_text(archive):
    root = "stalinism-edition/tei/"
    ids = {r: set(etree.fromstring(archive.read(f"{root}{r}.xml"), LENIENT).xpath("//@xml:id")) for r in REGISTERS}
    checked = 0
    for name in archive.namelist():
        if name.startswith(root) and not any(name.endswith(f"/{r}.xml") for r in REGISTERS):
            for pointer in _register_pointers(etree.fromstring(archive.read(name), LENIENT)):
                document, fragment = pointer.split("#")
                assert fragment in ids[document.removesuffix(".xml")], (name, pointer)
                checked += 1
    assert checked > 500
