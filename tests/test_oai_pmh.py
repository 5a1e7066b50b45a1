"""OAI-PMH 2.0: a harvester gets every text, and every error is answered as the protocol says.

The endpoint runs in the real application under waitress on a loopback port;
the harvest is made with sickle, a harvesting library, and every response is
validated against the OAI-PMH schema (tests/schemas/OAI-PMH.xsd, with oai_dc).
"""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

import pytest
import requests
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import (BadArgument, BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist,
                                  NoRecordsMatch)
from waitress.server import create_server

from edition import TEI_DIR, TEI_NS
from viewer import create_app
from viewer.exchange.catalogue import catalogue_for

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "OAI-PMH.xsd")))


@pytest.fixture(scope="module")
def edition_copy(tmp_path_factory):
    """A snapshot of tei/: the harvest must not see a rebuild of the edition half-way."""
    folder = tmp_path_factory.mktemp("oai-edition")
    for path in TEI_DIR.glob("*.xml"):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def texts(edition_copy):
    return catalogue_for(edition_copy).texts()


@pytest.fixture(scope="module")
def base_url(edition_copy):
    app = create_app(edition_copy)
    app.config["OAI_PAGE_SIZE"] = 2  # five records in pages of two: tokens are exercised
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/oai"
    server.close()
    thread.join(timeout=5)


def fetch(base_url: str, method: str = "GET", **params) -> etree._Element:
    """One protocol request; the response must be schema-valid OAI-PMH whatever it says."""
    if method == "POST":
        response = requests.post(base_url, data=params, timeout=30)
    else:
        response = requests.get(base_url, params=params, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    SCHEMA.assertValid(root)
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
        assert record.metadata["title"] == text.dublin_core["title"]
        assert record.metadata["language"] == text.languages
        assert record.header.datestamp == text.datestamp


def test_sickle_harvests_every_teiheader_and_it_equals_the_header_in_tei(base_url, texts):
    records = list(Sickle(base_url).ListRecords(metadataPrefix="tei"))
    assert len(records) == len(texts)
    for record in records:
        header = record.xml.find(f"{OAI}metadata/{{{TEI_NS}}}teiHeader")
        assert header is not None
        text = next(t for t in texts if record.header.identifier.endswith("/" + t.id))
        assert canonical(header) == canonical(text.header)


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
    SCHEMA.assertValid(again)
    assert error_code(again) == "badResumptionToken"
