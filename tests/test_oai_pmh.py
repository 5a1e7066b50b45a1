"""OAI-PMH 2.0: a harvester gets every text, and every error is answered as the protocol says.

The endpoint runs in the real application under waitress on a loopback port;
the harvest is made with two independent harvesting libraries, sickle and
oaipmh-scythe. Every response is parsed by lxml in its default mode (which refuses a
repeated xml:id) and validated against the official OAI-PMH schema, taken at
test time from the pyoai source distribution on PyPI (pip download into
build/test-cache/); each oai_dc record against oai_dc.xsd (tests/schemas: no
package ships the official one). Expected metadata is read from the TEI files
with XPath here, never through the catalogue module the endpoint uses.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
import requests
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import (BadArgument, BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist,
                                  NoRecordsMatch)
from servers import serving

from edition import DATA, ROOT, TEI_DIR, TEI_NS

from viewer import create_app

OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
NS = {"tei": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CACHE = ROOT / "build" / "test-cache"
OAI_DC_SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "oai_dc.xsd")))


@functools.cache
def official_schema() -> etree.XMLSchema:
    """The official OAI-PMH.xsd, as the pyoai sdist ships it among its tests (fetched once, then cached)."""
    version = "2.5.0"  # only its sdist is used: pyoai's client no longer runs with lxml 5
    archive = CACHE / f"pyoai-{version}.tar.gz"
    if not archive.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", f"pyoai=={version}", "--no-deps",
                               "--no-binary", ":all:", "-q", "-d", str(CACHE)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not archive.exists():
            pytest.skip(f"the pyoai sdist (the official OAI-PMH.xsd) could not be downloaded: {done.stderr[-300:]}")
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/tests/OAI-PMH.xsd"))
        return etree.XMLSchema(etree.fromstring(tar.extractfile(member).read()))


def assert_valid(root: etree._Element) -> None:
    official_schema().assertValid(root)
    for dc in root.iter(f"{OAI_DC}dc"):
        OAI_DC_SCHEMA.assertValid(etree.fromstring(etree.tostring(dc)))


def tei_of(name: str, folder: Path = TEI_DIR) -> etree._Element:
    return etree.parse(str(folder / f"{name}.xml")).getroot()


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


TEXT_NAMES = sorted(p.stem for p in TEI_DIR.glob("*.xml") if p.stem not in ("persons", "places", "orgs"))


@pytest.fixture(scope="module")
def edition_copy(tmp_path_factory):
    """A snapshot of tei/: the harvest must not see a rebuild of the edition half-way."""
    folder = tmp_path_factory.mktemp("oai-edition")
    for path in TEI_DIR.glob("*.xml"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def texts(edition_copy):
    """What a record must say of each text, read here from the TEI and data/versions.toml."""
    recorded = tomllib.loads((DATA / "versions.toml").read_text(encoding="utf-8"))
    result = []
    for name in TEXT_NAMES:
        root = tei_of(name, edition_copy)
        header = root.find(f"{{{TEI_NS}}}teiHeader")
        main = words(header.xpath("tei:fileDesc/tei:titleStmt/tei:title[@type='main']", namespaces=NS)[0])
        sub = header.xpath("tei:fileDesc/tei:titleStmt/tei:title[@type='sub']", namespaces=NS)
        result.append(type("Expected", (), {
            "id": name, "key": root.get(XML_ID), "header": header,
            "title": [main + (": " + words(sub[0]) if sub else "")],
            "languages": header.xpath("tei:profileDesc/tei:langUsage/tei:language/@ident", namespaces=NS),
            "datestamp": recorded[name]["changed"],
            "rights": header.xpath("tei:fileDesc/tei:publicationStmt/tei:availability/tei:licence/@target",
                                   namespaces=NS),
            "status": header.xpath("string(tei:fileDesc/tei:publicationStmt/tei:availability/@status)",
                                   namespaces=NS),
            "abstract": [words(a) for a in header.xpath("tei:profileDesc/tei:abstract", namespaces=NS)],
            "creators": [words(a) for a in header.xpath("tei:fileDesc/tei:titleStmt/tei:author", namespaces=NS)],
        }))
    return result


@pytest.fixture(scope="module")
def base_url(edition_copy):
    app = create_app(edition_copy)
    app.config["OAI_PAGE_SIZE"] = 2  # five records in pages of two: tokens are exercised
    with serving(app) as base:
        yield f"{base}/oai"


def fetch(base_url: str, method: str = "GET", **params) -> etree._Element:
    """One protocol request; the response must be schema-valid OAI-PMH whatever it says."""
    if method == "POST":
        response = requests.post(base_url, data=params, timeout=30)
    else:
        response = requests.get(base_url, params=params, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)  # lxml's defaults: a repeated xml:id is an error
    assert_valid(root)
    return root


def error_code(root: etree._Element) -> str | None:
    error = root.find(f"{OAI}error")
    return error.get("code") if error is not None else None


# Harvesting with a client library ----------------------------------------------

def test_sickle_harvests_every_text_in_oai_dc_through_resumption_tokens(base_url, texts):
    records = list(Sickle(base_url).ListRecords(metadataPrefix="oai_dc"))
    assert len(texts) == 5
    assert len(records) == len(texts)
    harvested = {r.header.identifier.rsplit("/", 1)[-1] for r in records}
    assert harvested == {t.id for t in texts}
    for record in records:
        text = next(t for t in texts if record.header.identifier.endswith("/" + t.id))
        assert record.metadata["title"] == text.title
        assert record.metadata["language"] == text.languages
        assert record.metadata["creator"] == text.creators
        assert record.header.datestamp == text.datestamp
        # the text's own rights first, by URI, then the edition's licence: never CC BY alone
        uris = [value for value in record.metadata["rights"] if value.startswith("http")]
        assert uris == text.rights
        assert uris[0] == {"restricted": "http://rightsstatements.org/vocab/InC/1.0/",
                           "unknown": "http://rightsstatements.org/vocab/CNE/1.0/"}.get(text.status, uris[0])
        if text.abstract:
            assert record.metadata["description"] == text.abstract


def test_sickle_harvests_every_teiheader_and_it_equals_the_header_in_tei(base_url, texts):
    records = list(Sickle(base_url).ListRecords(metadataPrefix="tei"))
    assert len(records) == len(texts)
    for record in records:
        header = record.xml.find(f"{OAI}metadata/{{{TEI_NS}}}teiHeader")
        assert header is not None
        text = next(t for t in texts if record.header.identifier.endswith("/" + t.id))
        assert canonical(as_in_the_file(header, text.key, base_url)) == canonical(text.header)


def as_in_the_file(header: etree._Element, key: str, base_url: str) -> etree._Element:
    """Undo the documented rewriting of an embedded header: ids KEY.X back to X, pointers #KEY.X to #X,
    the server's URIs back to the canonical base."""
    from edition.header import edition_facts
    header = etree.fromstring(etree.tostring(header))
    server = base_url.rsplit("/oai", 1)[0] + "/id/"
    for element in header.iter():
        if element.get(XML_ID):
            assert element.get(XML_ID).startswith(key + ".")
            element.set(XML_ID, element.get(XML_ID)[len(key) + 1:])
        for name in ("who", "resp", "ref", "target", "corresp", "source"):
            if element.get(name):
                element.set(name, element.get(name).replace(f"#{key}.", "#"))
        if element.text and server in element.text:
            element.text = element.text.replace(server, edition_facts()["base_url"].rstrip("/") + "/id/")
    return header


def canonical(element: etree._Element) -> bytes:
    """Exclusive c14n without indentation (the harvester's parser drops whitespace-only text)."""
    reparsed = etree.fromstring(etree.tostring(element), etree.XMLParser(remove_blank_text=True))
    reparsed.tail = None
    return etree.tostring(reparsed, method="c14n", exclusive=True)


def test_sickle_lists_identifiers_and_gets_each_record(base_url, texts):
    sickle = Sickle(base_url)
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert len(headers) == len(texts)
    for header in headers:
        record = sickle.GetRecord(identifier=header.identifier, metadataPrefix="oai_dc")
        assert record.header.identifier == header.identifier
        assert record.metadata["title"]


def test_identify_describes_the_repository(base_url, texts):
    identify = Sickle(base_url).Identify()
    assert identify.protocolVersion == "2.0"
    assert identify.baseURL == base_url
    assert identify.granularity == "YYYY-MM-DD"
    assert identify.deletedRecord == "no"
    assert identify.earliestDatestamp == min(t.datestamp for t in texts)


def test_list_metadata_formats_offers_oai_dc_and_tei(base_url):
    formats = {f.metadataPrefix: f.metadataNamespace for f in Sickle(base_url).ListMetadataFormats()}
    assert formats == {"oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/", "tei": TEI_NS}
    one = fetch(base_url, verb="ListMetadataFormats", identifier=_identifier(base_url))
    assert len(one.findall(f"{OAI}ListMetadataFormats/{OAI}metadataFormat")) == 2


def test_list_sets_pages_through_a_token_and_every_set_selects_its_members(base_url):
    sickle = Sickle(base_url)
    sets = [s.setSpec for s in sickle.ListSets()]
    assert "language" in sets and "language:en" in sets
    assert len(sets) == len(set(sets))
    for spec in sets:
        members = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", set=spec)}
        expected = {h.identifier for h in sickle.ListIdentifiers(metadataPrefix="oai_dc")
                    if any(s == spec or s.startswith(spec + ":") for s in h.setSpecs)}
        assert members == expected and members


def test_resumption_token_carries_cursor_and_complete_list_size_and_the_last_is_empty(base_url, texts):
    page = fetch(base_url, verb="ListIdentifiers", metadataPrefix="oai_dc")
    seen, cursors = [], []
    while True:
        seen += [h.findtext(f"{OAI}identifier") for h in page.iter(f"{OAI}header")]
        token = page.find(f".//{OAI}resumptionToken")
        assert token is not None
        assert token.get("completeListSize") == str(len(texts))
        cursors.append(int(token.get("cursor")))
        if not token.text:
            break
        page = fetch(base_url, verb="ListIdentifiers", resumptionToken=token.text)
    assert cursors == [0, 2, 4]
    assert len(seen) == len(set(seen)) == len(texts)


def test_post_requests_are_answered_like_get(base_url):
    by_get = fetch(base_url, verb="GetRecord", identifier=_identifier(base_url), metadataPrefix="oai_dc")
    by_post = fetch(base_url, "POST", verb="GetRecord", identifier=_identifier(base_url), metadataPrefix="oai_dc")
    assert etree.tostring(by_get.find(f"{OAI}GetRecord")) == etree.tostring(by_post.find(f"{OAI}GetRecord"))


def test_from_and_until_select_by_datestamp(base_url, texts):
    day = min(t.datestamp for t in texts)
    same_day = fetch(base_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": day, "until": day})
    assert error_code(same_day) is None
    later = fetch(base_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2999-01-01"})
    assert error_code(later) == "noRecordsMatch"
    before = list(Sickle(base_url).ListIdentifiers(metadataPrefix="oai_dc", until=day))
    assert len(before) == sum(1 for t in texts if t.datestamp <= day)


def _identifier(base_url: str) -> str:
    return fetch(base_url, verb="ListIdentifiers", metadataPrefix="oai_dc").findtext(f".//{OAI}identifier")


# Every error condition (protocol section 3.6) ------------------------------------

@pytest.mark.parametrize("params, code", [
    ({}, "badVerb"),
    ({"verb": "ListAllTheThings"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "tei"]}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "22 November 2026"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-11-22", "until": "2026-11-23T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-12-01", "until": "2026-11-01"}, "badArgument"),
    # seconds are finer than the repository's day granularity (3.3.1)
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "2026-11-22T23:59:59Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": "IDENTIFIER"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "http://example.org/no-such-text"},
     "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "http://example.org/no-such-text"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "bad\x01id" + "x" * 5000}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "language:xx"}, "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "1900-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "not-a-token"}, "badResumptionToken"),
])
def test_error_condition_is_reported_with_its_code(base_url, params, code):
    params = {k: (_identifier(base_url) if v == "IDENTIFIER" else v) for k, v in params.items()}
    root = fetch(base_url, **params)
    assert error_code(root) == code
    request_element = root.find(f"{OAI}request")
    assert request_element.text == base_url
    if code in ("badVerb", "badArgument"):
        # 3.2: the request echo of a request with a bad verb or argument has no attributes
        assert dict(request_element.attrib) == {}
    assert not root.xpath("oai:Identify|oai:ListRecords|oai:GetRecord", namespaces={"oai": OAI[1:-1]})


def test_sickle_raises_the_protocol_errors_of_the_list_verbs(base_url):
    sickle = Sickle(base_url, max_retries=0)
    with pytest.raises(BadArgument):
        list(sickle.ListIdentifiers())
    with pytest.raises(CannotDisseminateFormat):
        list(sickle.ListRecords(metadataPrefix="marc21"))
    with pytest.raises(IdDoesNotExist):
        list(sickle.ListMetadataFormats(identifier="http://example.org/no-such-text"))
    with pytest.raises(NoRecordsMatch):
        list(sickle.ListRecords(metadataPrefix="oai_dc", set="language:xx"))
    with pytest.raises(BadResumptionToken):
        list(sickle.ListRecords(resumptionToken="not-a-token"))


def test_a_forged_token_asking_for_an_unoffered_format_is_refused(base_url):
    token = fetch(base_url, verb="ListRecords", metadataPrefix="oai_dc").findtext(f".//{OAI}resumptionToken")
    state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    state[1] = "marc21"
    forged = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    assert error_code(fetch(base_url, verb="ListRecords", resumptionToken=forged)) == "badResumptionToken"


def test_a_token_of_one_verb_is_refused_by_another(base_url):
    token = fetch(base_url, verb="ListRecords", metadataPrefix="oai_dc").findtext(f".//{OAI}resumptionToken")
    assert token
    assert error_code(fetch(base_url, verb="ListIdentifiers", resumptionToken=token)) == "badResumptionToken"
    assert error_code(fetch(base_url, verb="ListRecords", resumptionToken=token)) is None


def test_a_token_issued_before_a_text_changed_is_refused(tmp_path, edition_copy, texts):
    """Tokens fingerprint the repository: a harvest across a rebuild restarts instead of skipping records."""
    for path in edition_copy.glob("*.xml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    app = create_app(tmp_path)
    app.config["OAI_PAGE_SIZE"] = 2
    client = app.test_client()
    first = etree.fromstring(client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").data)
    token = first.findtext(f".//{OAI}resumptionToken")
    changed = tmp_path / f"{texts[0].id}.xml"
    tree = etree.parse(str(changed), etree.XMLParser(collect_ids=False, huge_tree=True))
    change = tree.find(f".//{{{TEI_NS}}}revisionDesc/{{{TEI_NS}}}change")
    new_change = etree.SubElement(change.getparent(), f"{{{TEI_NS}}}change", when="2027-01-01", who="#edition-editors")
    new_change.text = "Corrected."
    tree.write(str(changed), xml_declaration=True, encoding="UTF-8")
    again = etree.fromstring(client.get("/oai", query_string={"verb": "ListIdentifiers", "resumptionToken": token}).data)
    assert_valid(again)
    assert error_code(again) == "badResumptionToken"


# Every response parses and validates; two harvesters get every record ---------------

def _pages(base_url: str, verb: str, **params) -> list[etree._Element]:
    """Every page of a list verb, following the tokens; each page parsed and validated by fetch()."""
    pages = [fetch(base_url, verb=verb, **params)]
    while (token := pages[-1].findtext(f".//{OAI}resumptionToken")):
        pages.append(fetch(base_url, verb=verb, resumptionToken=token))
    return pages


@pytest.mark.parametrize("prefix", ["oai_dc", "tei"])
def test_every_response_of_all_six_verbs_parses_with_lxml_defaults_and_is_valid(base_url, texts, prefix):
    """Issue 14.1: two teiHeaders on a page reused the ids "author" and "edition-editors"."""
    fetch(base_url, verb="Identify")
    fetch(base_url, verb="ListMetadataFormats")
    _pages(base_url, "ListSets")
    identifiers = [h.findtext(f"{OAI}identifier") for page in _pages(base_url, "ListIdentifiers", metadataPrefix=prefix)
                   for h in page.iter(f"{OAI}header")]
    records = [r for page in _pages(base_url, "ListRecords", metadataPrefix=prefix) for r in page.iter(f"{OAI}record")]
    assert len(identifiers) == len(records) == len(texts) == 5
    for identifier in identifiers:
        fetch(base_url, verb="ListMetadataFormats", identifier=identifier)
        fetch(base_url, verb="GetRecord", identifier=identifier, metadataPrefix=prefix)


def test_embedded_headers_keep_their_pointers_inside_the_record(base_url, texts):
    """The documented rewriting: ids KEY.X, and every "#..." in a header names an id of that header."""
    for page in _pages(base_url, "ListRecords", metadataPrefix="tei"):
        for header in page.iter(f"{{{TEI_NS}}}teiHeader"):
            ids = set(header.xpath(".//@xml:id"))
            pointers = {t[1:] for value in header.xpath(".//@who | .//@resp") for t in value.split() if t[0] == "#"}
            assert ids and pointers <= ids


def test_oaipmh_scythe_harvests_every_record_in_both_formats(base_url, texts):
    """A second harvester, independent of sickle (oaipmh-scythe parses each page with lxml's defaults)."""
    from oaipmh_scythe import Scythe
    with Scythe(base_url) as scythe:
        assert scythe.identify().repositoryName
        for prefix in ("oai_dc", "tei"):
            records = list(scythe.list_records(metadata_prefix=prefix))
            assert sorted(r.header.identifier.rsplit("/", 1)[1] for r in records) == TEXT_NAMES
            for record in records:
                text = next(t for t in texts if record.header.identifier.endswith("/" + t.id))
                assert record.header.datestamp == text.datestamp
                if prefix == "oai_dc":
                    assert record.metadata["title"] == text.title


# Datestamps ----------------------------------------------------------------------------

def test_committed_versions_record_the_bytes_of_every_file_in_tei():
    """The datestamps are git-tracked facts: data/versions.toml must know the committed bytes of each file."""
    import hashlib
    recorded = tomllib.loads((DATA / "versions.toml").read_text(encoding="utf-8"))
    for path in TEI_DIR.glob("*.xml"):
        assert recorded[path.stem]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), path.name


def test_a_changed_text_gets_a_new_datestamp_and_the_others_keep_theirs(tmp_path, edition_copy, texts):
    """Issue 14.10: per-record datestamps, so an incremental harvest (from=DAY) sees exactly the change."""
    for path in edition_copy.glob("*.xml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    changed = tmp_path / f"{texts[2].id}.xml"
    changed.write_bytes(changed.read_bytes().replace(b"</revisionDesc>", b"  <change when=\"2030-01-02\" "
                                                     b"who=\"#edition-editors\">Corrected.</change>\n</revisionDesc>"))
    day = 1893456000  # 2030-01-01T00:00:00Z: the day this copy was changed
    os.utime(changed, (day, day))
    app = create_app(tmp_path)
    app.config["OAI_PAGE_SIZE"] = 10
    client = app.test_client()
    page = etree.fromstring(client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").data)
    stamps = {h.findtext(f"{OAI}identifier").rsplit("/", 1)[1]: h.findtext(f"{OAI}datestamp")
              for h in page.iter(f"{OAI}header")}
    assert stamps == {t.id: ("2030-01-01" if t.id == texts[2].id else t.datestamp) for t in texts}
    since = etree.fromstring(client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&from=2030-01-01").data)
    assert [h.findtext(f"{OAI}identifier").rsplit("/", 1)[1] for h in since.iter(f"{OAI}header")] == [texts[2].id]


# Strict arguments (issue 16.8, 16.9) ------------------------------------------------------

def _token(state) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


@pytest.mark.parametrize("case", ["2,000 nested brackets", "trailing junk", "padding", "a dict", "extra field",
                                  "cursor as text", "cursor as float", "not base64"])
def test_every_malformed_resumption_token_is_bad_resumption_token_never_a_500(base_url, case):
    token = fetch(base_url, verb="ListRecords", metadataPrefix="oai_dc").findtext(f".//{OAI}resumptionToken")
    state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    crafted = {
        "2,000 nested brackets": base64.urlsafe_b64encode(b"[" * 2000 + b"]" * 2000).decode().rstrip("="),
        "trailing junk": token + "AAAA",
        "padding": token + "=" * (-len(token) % 4 or 4),
        "a dict": _token({"verb": "ListRecords"}),
        "extra field": _token(state + [1]),
        "cursor as text": _token(state[:5] + [str(state[5])] + state[6:]),
        "cursor as float": _token(state[:5] + [float(state[5])] + state[6:]),
        "not base64": "%%%",
    }[case]
    response = requests.get(base_url, params={"verb": "ListRecords", "resumptionToken": crafted}, timeout=30)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert_valid(root)
    assert error_code(root) == "badResumptionToken"


@pytest.mark.parametrize("argument, value", [("from", "٢٠٠٠-01-01"), ("until", "２０２６-12-31"),
                                             ("from", "2000-01-0١"), ("until", "2026-12-31T00:00:0٠Z")])
def test_dates_of_other_scripts_digits_are_bad_arguments(base_url, argument, value):
    root = fetch(base_url, verb="ListIdentifiers", metadataPrefix="oai_dc", **{argument: value})
    assert error_code(root) == "badArgument"


# Settings and the public base --------------------------------------------------------------

def test_repository_name_and_admin_email_are_settings(edition_copy, monkeypatch):
    app = create_app(edition_copy)
    app.config["OAI_ADMIN_EMAIL"] = "archive@example.org"
    identify = etree.fromstring(app.test_client().get("/oai?verb=Identify").data)
    assert identify.findtext(f".//{OAI}adminEmail") == "archive@example.org"
    monkeypatch.setenv("EDITION_OAI_REPOSITORY_NAME", "Stalinism texts")
    identify = etree.fromstring(create_app(edition_copy).test_client().get("/oai?verb=Identify").data)
    assert identify.findtext(f".//{OAI}repositoryName") == "Stalinism texts"


def test_a_host_not_trusted_is_refused_not_reflected(edition_copy):
    client = create_app(edition_copy).test_client()
    response = client.get("/oai?verb=Identify", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert b"attacker.example" not in response.data
    response = client.get("/dts/collection", headers={"Host": "attacker.example"})
    assert response.status_code == 400


def test_a_configured_public_base_names_every_identifier_whatever_the_host(edition_copy, monkeypatch):
    monkeypatch.setenv("EDITION_BASE_URL", "https://edition.example.org")
    client = create_app(edition_copy).test_client()
    page = etree.fromstring(client.get("/oai?verb=ListRecords&metadataPrefix=tei").data)
    assert page.findtext(f".//{OAI}request") == "https://edition.example.org/oai"
    identifiers = [h.findtext(f"{OAI}identifier") for h in page.iter(f"{OAI}header")]
    assert all(i.startswith("https://edition.example.org/id/") for i in identifiers)
    idnos = page.xpath("//tei:idno[@type='URI']/text()", namespaces=NS)
    assert idnos and set(idnos) <= set(identifiers)  # the embedded header names the record by its identifier
