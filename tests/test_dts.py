"""DTS 1.0: a client that knows only the entry URL reaches every text and register, its citation tree and
its passages, and through them every word of each text.

The edition is freshly built from the sources into a folder and served by the
real application under waitress. Every URL the tests request is expanded from
a URI template the API itself returned (RFC 6570, with the uritemplate
library), starting from the entry endpoint; each response is checked against
the rules of the specification (versions/v1.0): content types, required keys,
absolute @ids, templates, pagination, the 4xx errors for bad parameters.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from lxml import etree
from uritemplate import URITemplate
from servers import serving

from edition import TEI_DIR, TEI_NS
from viewer import create_app

DTS_NS = "https://w3id.org/api/dts#"
NS = {"tei": TEI_NS, "dts": DTS_NS}
# A repeated xml:id is the validator's finding (tests/test_build.py); it does not concern the protocol.
LENIENT = etree.XMLParser(collect_ids=False, huge_tree=True)
TEMPLATE_VARIABLES = {
    "collection": {"id", "page", "nav"},
    "navigation": {"resource", "ref", "start", "end", "down", "tree", "page"},
    "document": {"resource", "ref", "start", "end", "tree", "mediaType"},
}


@pytest.fixture(scope="module")
def edition_dir(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dts-edition")
    for text_id, result in built.items():
        (folder / f"{text_id}.xml").write_bytes(result.tei)
    for name in ("persons", "places", "orgs"):  # the registers, as committed (they are not built per text)
        (folder / f"{name}.xml").write_bytes((TEI_DIR / f"{name}.xml").read_bytes())
    return folder


@pytest.fixture(scope="module")
def server(edition_dir):
    app = create_app(edition_dir, search_db=edition_dir / "search.sqlite")
    with serving(app) as base:
        yield app, f"{base}/dts/"


@pytest.fixture(scope="module")
def entry(server):
    return get_json(server[1])


def get_json(url: str, status: int = 200) -> dict:
    response = requests.get(url, timeout=60)
    assert response.status_code == status, (url, response.text[:300])
    assert response.headers["Content-Type"].split(";")[0] == "application/ld+json", url
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # usable by web clients elsewhere
    return response.json()


def expand(template: str, **values) -> str:
    parsed = URITemplate(template)
    assert set(values) <= parsed.variable_names, (template, values)
    return parsed.expand(**{k: v for k, v in values.items() if v is not None})


def tei_file(edition_dir, resource: dict):
    """The file of the edition folder that the Document endpoint serves whole for this resource: the one
    whose root has the served root's xml:id."""
    served = etree.fromstring(requests.get(expand(resource["document"]), timeout=60).content, LENIENT)
    key = served.get("{http://www.w3.org/XML/1998/namespace}id")
    matches = [path for path in edition_dir.glob("*.xml")
               if etree.parse(str(path), LENIENT).getroot().get("{http://www.w3.org/XML/1998/namespace}id") == key]
    assert len(matches) == 1, resource["@id"]
    return matches[0]


def parse_tei(edition_dir, resource: dict) -> etree._Element:
    return etree.parse(str(tei_file(edition_dir, resource)), LENIENT).getroot()


def assert_absolute(url: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, url


def assert_template(template: str, variables: set[str]) -> None:
    assert_absolute(template.split("{")[0])
    assert URITemplate(template).variable_names <= variables, template


def walk_collection(entry: dict, kind: str = "texts") -> tuple[dict, list[dict]]:
    """The collection of texts (or registers), reached from the edition's root collection, and its members."""
    root = get_json(expand(entry["collection"]))
    collection = next(m for m in root["member"] if m["@id"].endswith("/" + kind))
    collection = get_json(expand(collection["collection"]))
    return collection, collection["member"]


def navigation(resource: dict, **params) -> dict:
    return get_json(expand(resource["navigation"], **params))


# Entry --------------------------------------------------------------------------

def test_entry_point_gives_absolute_templates_for_the_three_endpoints(server, entry):
    assert entry["@type"] == "EntryPoint"
    assert entry["dtsVersion"] == "1.0"
    assert entry["@id"] == server[1]
    assert "@context" in entry
    for endpoint, variables in TEMPLATE_VARIABLES.items():
        assert_template(entry[endpoint], variables)
        assert URITemplate(entry[endpoint]).variable_names == variables


# Collection ---------------------------------------------------------------------

def test_root_collection_holds_the_texts_and_the_registers_as_two_collections(entry):
    """Issue 14.8: an intermediate level, so that the root's members are collections, not resources."""
    root = get_json(expand(entry["collection"]))
    assert root["@type"] == "Collection" and root["totalParents"] == 0
    assert [m["@type"] for m in root["member"]] == ["Collection", "Collection"]
    assert root["totalChildren"] == 2
    for member in root["member"]:
        collection = get_json(expand(member["collection"]))
        assert collection["totalParents"] == 1
        assert len(collection["member"]) == collection["totalChildren"]
        parents = get_json(expand(member["collection"], nav="parents"))
        assert [p["@id"] for p in parents["member"]] == [root["@id"]]
    _, registers = walk_collection(entry, "registers")
    assert sorted(m["@id"].rsplit("/", 1)[1] for m in registers) == ["orgs", "persons", "places"]


def test_texts_collection_has_the_five_texts_as_resources_with_dublin_core(entry, edition_dir):
    root, members = walk_collection(entry)
    assert root["@type"] == "Collection"
    assert root["dtsVersion"] == "1.0"
    assert root["totalParents"] == 1
    assert root["totalChildren"] == len(members) == 5
    assert_template(root["collection"], TEMPLATE_VARIABLES["collection"])
    for member in members:
        assert member["@type"] == "Resource"
        assert_absolute(member["@id"])
        for key in ("title", "totalParents", "collection", "navigation", "document", "citationTrees", "dublinCore"):
            assert key in member, key
        assert member["totalParents"] == 1
        for endpoint in ("collection", "navigation", "document"):
            assert_template(member[endpoint], TEMPLATE_VARIABLES[endpoint])
        assert_metadata_object(member["dublinCore"])
        tei = parse_tei(edition_dir, member)
        title = tei.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}fileDesc/{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title")
        assert member["title"].startswith(" ".join("".join(title.itertext()).split()))
        languages = tei.xpath("tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language/@ident", namespaces=NS)
        assert member["dublinCore"]["language"] == languages
        assert_dublin_core_states_the_tei(member["dublinCore"], tei, member["@id"])


def _words_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def assert_dublin_core_states_the_tei(dc: dict, tei: etree._Element, identifier: str) -> None:
    """Issue 14.9: the metadata checked against the TEI itself, read here with XPath, not through the
    catalogue module that produces it."""
    def xp(path):
        return tei.xpath(path, namespaces=NS)
    assert dc["creator"] == [_words_of(a) for a in xp("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:author")]
    main = _words_of(xp("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type='main']")[0])
    assert dc["title"][0]["value"].startswith(main)
    licences = xp("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:availability/tei:licence/@target")
    uris = [value for value in dc["rights"] if value.startswith("http")]
    assert uris == licences and len(uris) == 2  # the text's own rights first, then the edition's licence
    status = xp("string(tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:availability/@status)")
    assert uris[0] == {"restricted": "http://rightsstatements.org/vocab/InC/1.0/",
                       "unknown": "http://rightsstatements.org/vocab/CNE/1.0/"}.get(status, uris[0])
    assert "creativecommons.org/licenses" not in uris[0]
    abstract = xp("tei:teiHeader/tei:profileDesc/tei:abstract")
    if abstract:
        assert dc["description"][0]["value"] == _words_of(abstract[0])
    assert identifier in dc["identifier"]  # the TEI's idno type="URI", under this server's base


def assert_metadata_object(metadata: dict) -> None:
    """DTS MetadataObject values: a literal, a URI, a list of {lang, value}, or a list of URIs/strings."""
    for key, value in metadata.items():
        assert isinstance(value, (str, int, float, list)), key
        if isinstance(value, list):
            for item in value:
                assert isinstance(item, str) or set(item) == {"lang", "value"}, (key, item)


def test_each_resource_is_reached_through_its_own_collection_template(entry):
    root, members = walk_collection(entry)
    for member in members:
        resource = get_json(expand(member["collection"]))
        assert resource["@id"] == member["@id"]
        assert resource["@type"] == "Resource"
        assert resource["dtsVersion"] == "1.0"
        assert resource["citationTrees"] and resource["citationTrees"][0]["@type"] == "CitationTree"
        assert "identifier" not in resource["citationTrees"][0]  # the only tree is the default one
        parents = get_json(expand(member["collection"], nav="parents"))
        assert [p["@id"] for p in parents["member"]] == [root["@id"]]
        assert parents["member"][0]["@type"] == "Collection"
        assert root["@id"].endswith("/id/edition/texts")


def test_collection_pages_follow_next_links_to_every_member(server, entry):
    app, _ = server
    app.config["DTS_PAGE_SIZE"] = 2
    try:
        texts, _ = walk_collection(entry)
        page = get_json(expand(texts["collection"]))
        first_view = page["view"]
        assert first_view["@type"] == "Pagination" and "previous" not in first_view
        seen = []
        while True:
            view = page["view"]
            for key in ("@id", "first", "last"):
                assert_absolute(view[key])
            seen += [m["@id"] for m in page["member"]]
            assert len(page["member"]) <= 2
            if "next" not in view:
                assert view["@id"] == view["last"]
                break
            page = get_json(view["next"])
            assert get_json(page["view"]["previous"])["view"]["@id"] == view["@id"]
        assert len(seen) == len(set(seen)) == page["totalChildren"] == 5
        beyond = expand(texts["collection"], page="4")
        get_json(beyond, status=404)
    finally:
        app.config.pop("DTS_PAGE_SIZE")


@pytest.mark.parametrize("params, status", [
    ({"id": "http://example.org/no-such-collection"}, 404),
    ({"nav": "sideways"}, 400),
    ({"page": "0"}, 400),
    ({"page": "two"}, 400),
    ({"page": "٣"}, 400),  # Arabic-Indic three: ASCII digits only (issue 16.9)
])
def test_collection_refuses_bad_parameters(entry, params, status):
    error = get_json(expand(entry["collection"], **params), status=status)
    assert error["description"]


# Navigation ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def trees(entry):
    """Each resource with its whole citation tree (down=-1), as the API gives it."""
    _, members = walk_collection(entry)
    result = []
    for member in members:
        nav = navigation(member, down="-1")
        page = nav
        while "view" in page and "next" in page["view"]:
            page = get_json(page["view"]["next"])
            nav["member"] += page["member"]
        result.append((member, nav))
    return result


def test_every_text_has_a_citation_tree_of_divisions_and_paragraphs(trees):
    for resource, nav in trees:
        assert nav["@type"] == "Navigation"
        assert nav["dtsVersion"] == "1.0"
        assert_absolute(nav["@id"])
        assert nav["resource"]["@id"] == resource["@id"]
        units = nav["member"]
        assert units, resource["@id"]
        assert any(u["citeType"] == "paragraph" for u in units)
        identifiers = [u["identifier"] for u in units]
        assert len(identifiers) == len(set(identifiers))
        level_of = {}
        for unit in units:
            assert unit["@type"] == "CitableUnit"
            for key in ("identifier", "level", "parent"):
                assert key in unit
            if unit["parent"] is None:
                assert unit["level"] == 1
            else:
                # document order, pre-order: a parent comes before its children
                assert level_of[unit["parent"]] == unit["level"] - 1
            level_of[unit["identifier"]] = unit["level"]


def test_down_limits_the_depth_and_ref_selects_a_subtree(trees):
    for resource, nav in trees:
        units = nav["member"]
        top = navigation(resource, down="1")["member"]
        assert [u["identifier"] for u in top] == [u["identifier"] for u in units if u["level"] == 1]
        division = next((u for u in units if u["citeType"] != "paragraph"), None)
        if division is None:
            continue
        children = navigation(resource, ref=division["identifier"], down="1")
        assert children["ref"]["identifier"] == division["identifier"]
        assert children["member"][0]["identifier"] == division["identifier"]
        assert all(u["parent"] == division["identifier"] for u in children["member"][1:])
        assert len(children["member"]) == 1 + sum(1 for u in units if u["parent"] == division["identifier"])
        alone = navigation(resource, ref=division["identifier"])
        assert alone["ref"] == division and "member" not in alone
        siblings = navigation(resource, ref=division["identifier"], down="0")["member"]
        assert [u["identifier"] for u in siblings] == [u["identifier"] for u in units
                                                       if u["parent"] == division["parent"]]


def test_start_and_end_select_a_range_in_document_order(trees):
    for resource, nav in trees:
        paragraphs = [u for u in nav["member"] if u["citeType"] == "paragraph"]
        start, end = paragraphs[1], paragraphs[min(4, len(paragraphs) - 1)]
        both = navigation(resource, start=start["identifier"], end=end["identifier"])
        assert both["start"] == start and both["end"] == end and "member" not in both
        ranged = navigation(resource, start=start["identifier"], end=end["identifier"], down="-1")["member"]
        identifiers = [u["identifier"] for u in nav["member"]]
        expected = identifiers[identifiers.index(start["identifier"]): identifiers.index(end["identifier"]) + 1]
        assert [u["identifier"] for u in ranged] == expected


def test_navigation_pages_when_the_tree_is_longer_than_a_page(server, trees):
    app, _ = server
    resource, nav = max(trees, key=lambda pair: len(pair[1]["member"]))
    app.config["DTS_NAVIGATION_PAGE_SIZE"] = 500
    try:
        page = navigation(resource, down="-1")
        collected = []
        while True:
            collected += page["member"]
            if "next" not in page["view"]:
                break
            page = get_json(page["view"]["next"])
        assert collected == nav["member"]
    finally:
        app.config.pop("DTS_NAVIGATION_PAGE_SIZE")


@pytest.mark.parametrize("case, status", [
    ("no resource", 400), ("unknown resource", 404), ("ref and start", 400), ("start without end", 400),
    ("nothing asked", 400), ("down=0 without ref", 400), ("down=0 with a range", 400), ("unknown ref", 404),
    ("unknown tree", 404), ("down not a number", 400), ("end before start", 400),
])
def test_navigation_answers_bad_parameters_with_the_errors_the_specification_demands(entry, trees, case, status):
    resource, nav = trees[0]
    first, second = nav["member"][1]["identifier"], nav["member"][2]["identifier"]
    template = entry["navigation"]
    url = {
        "no resource": expand(template, down="1"),
        "unknown resource": expand(template, resource="http://example.org/no-such-text", down="1"),
        "ref and start": expand(resource["navigation"], ref=first, start=first, end=second),
        "start without end": expand(resource["navigation"], start=first),
        "nothing asked": expand(resource["navigation"]),
        "down=0 without ref": expand(resource["navigation"], down="0"),
        "down=0 with a range": expand(resource["navigation"], start=first, end=second, down="0"),
        "unknown ref": expand(resource["navigation"], ref="no.such.ref"),
        "unknown tree": expand(resource["navigation"], ref=first, tree="pages"),
        "down not a number": expand(resource["navigation"], down="deep"),
        "end before start": expand(resource["navigation"], start=second, end=first),
    }[case]
    assert get_json(url, status=status)["statusCode"] == status


# Document -----------------------------------------------------------------------

def resolve(tei: etree._Element, unit: dict, units_by_id: dict) -> etree._Element:
    """The TEI element a reference names, found independently of the server: "pN" is the N-th
    paragraph, "dN" the N-th unnumbered division, anything else the division with that @n."""
    chain = []
    while unit is not None:
        parent = units_by_id.get(unit["parent"]) if unit["parent"] else None
        own = unit["identifier"][len(parent["identifier"]) + 1:] if parent else unit["identifier"]
        chain.insert(0, own)
        unit = parent
    element = tei.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
    for step in chain:
        if step in ("front", "back"):
            element = tei.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}{step}")
        elif step.rstrip("0123456789") not in ("p", "d", "") and step[-1].isdigit():
            name = step.rstrip("0123456789")  # a block standing in the body: quote2
            element = element.findall(f"{{{TEI_NS}}}{name}")[int(step[len(name):]) - 1]
        elif step[0] == "p" and step[1:].isdigit():
            element = element.findall(f"{{{TEI_NS}}}p")[int(step[1:]) - 1]
        elif step[0] == "d" and step[1:].isdigit() and len(element.findall(f"{{{TEI_NS}}}div")) >= int(step[1:]) \
                and element.findall(f"{{{TEI_NS}}}div")[int(step[1:]) - 1].get("n") is None:
            element = element.findall(f"{{{TEI_NS}}}div")[int(step[1:]) - 1]
        else:
            element = next(d for d in element.findall(f"{{{TEI_NS}}}div") if d.get("n") == step)
    return element


def canonical(element: etree._Element) -> bytes:
    element = etree.fromstring(etree.tostring(element), LENIENT)
    element.tail = None
    return etree.tostring(element, method="c14n", exclusive=True)


def get_tei(url: str, status: int = 200) -> requests.Response:
    response = requests.get(url, timeout=60)
    assert response.status_code == status, (url, response.text[:300])
    return response


def test_whole_document_is_the_tei_file_with_a_link_to_its_collection(trees, edition_dir):
    for resource, _ in trees:
        response = get_tei(expand(resource["document"]))
        assert response.headers["Content-Type"].split(";")[0] == "application/tei+xml"
        root = etree.fromstring(response.content, LENIENT)
        assert root.tag == f"{{{TEI_NS}}}TEI"
        assert tei_file(edition_dir, resource).stem in resource["dublinCore"]["identifier"]
        link = requests.utils.parse_header_links(response.headers["Link"])
        collection = next(item["url"] for item in link if item.get("rel") == "collection")
        assert get_json(collection)["@id"] == resource["@id"]


def test_passage_of_every_division_and_a_paragraph_equals_that_part_of_the_tei(trees, edition_dir):
    for resource, nav in trees:
        tei = parse_tei(edition_dir, resource)
        units_by_id = {u["identifier"]: u for u in nav["member"]}
        chosen = [u for u in nav["member"] if u["citeType"] != "paragraph"]
        chosen += [u for u in nav["member"] if u["citeType"] == "paragraph"][-1:]
        for unit in chosen:
            response = get_tei(expand(resource["document"], ref=unit["identifier"]))
            assert response.headers["Content-Type"].split(";")[0] == "application/tei+xml"
            passage = etree.fromstring(response.content, LENIENT)
            assert passage.tag == f"{{{TEI_NS}}}TEI"
            wrapper = passage.xpath("//dts:wrapper", namespaces=NS)
            assert len(wrapper) == 1
            assert len(wrapper[0]) == 1
            assert canonical(wrapper[0][0]) == canonical(resolve(tei, unit, units_by_id)), unit["identifier"]


def test_passage_from_start_to_end_holds_those_paragraphs_in_order(trees, edition_dir):
    for resource, nav in trees:
        tei = parse_tei(edition_dir, resource)
        units_by_id = {u["identifier"]: u for u in nav["member"]}
        paragraphs = [u for u in nav["member"] if u["citeType"] == "paragraph"]
        parent = paragraphs[0]["parent"]
        run = [u for u in paragraphs if u["parent"] == parent][:3]
        response = get_tei(expand(resource["document"], start=run[0]["identifier"], end=run[-1]["identifier"]))
        wrapper = etree.fromstring(response.content, LENIENT).xpath("//dts:wrapper", namespaces=NS)[0]
        assert [canonical(el) for el in wrapper] == [canonical(resolve(tei, u, units_by_id)) for u in run]


@pytest.mark.parametrize("case, status", [
    ("no resource", 400), ("unknown resource", 404), ("unknown ref", 404), ("media type not offered", 404),
    ("ref and start", 400), ("start without end", 400), ("unknown tree", 404),
])
def test_document_answers_bad_parameters_with_the_errors_the_specification_demands(entry, trees, case, status):
    resource, nav = trees[0]
    first, second = nav["member"][1]["identifier"], nav["member"][2]["identifier"]
    url = {
        "no resource": expand(entry["document"], ref=first),
        "unknown resource": expand(entry["document"], resource="http://example.org/no-such-text"),
        "unknown ref": expand(resource["document"], ref="no.such.ref"),
        "media type not offered": expand(resource["document"], mediaType="application/pdf"),
        "ref and start": expand(resource["document"], ref=first, start=first, end=second),
        "start without end": expand(resource["document"], start=first),
        "unknown tree": expand(resource["document"], ref=first, tree="pages"),
    }[case]
    response = get_tei(url, status=status)
    assert response.json()["statusCode"] == status


def test_two_divisions_with_the_same_number_stay_reachable_apart(built, tmp_path):
    """A repeated @n (a misprinted chapter number kept as received) must not make a division unreachable."""
    text_id, result = next((tid, r) for tid, r in built.items()
                           if len(etree.fromstring(r.tei, LENIENT).xpath("//tei:body/tei:div[@n]", namespaces=NS)) > 1)
    root = etree.fromstring(result.tei, LENIENT)
    first, second = root.xpath("//tei:body/tei:div[@n]", namespaces=NS)[:2]
    second.set("n", first.get("n"))
    (tmp_path / f"{text_id}.xml").write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    client = create_app(tmp_path, search_db=tmp_path / "search.sqlite").test_client()
    entry = client.get("/dts/").get_json()
    texts = next(m for m in client.get(expand(entry["collection"])).get_json()["member"] if m["@id"].endswith("/texts"))
    member = client.get(expand(texts["collection"])).get_json()["member"][0]
    units = client.get(expand(member["navigation"], down="1")).get_json()["member"]
    identifiers = [u["identifier"] for u in units]
    assert first.get("n") in identifiers and first.get("n") + "~2" in identifiers
    passage = client.get(expand(member["document"], ref=first.get("n") + "~2"))
    wrapper = etree.fromstring(passage.data, LENIENT).xpath("//dts:wrapper", namespaces=NS)[0]
    assert canonical(wrapper[0]) == canonical(second)


# Every word reachable -------------------------------------------------------------

def _word_list(element: etree._Element) -> list[str]:
    return "".join(element.itertext()).split()


def test_every_word_of_each_text_is_reached_through_its_citable_units(trees, edition_dir):
    """Issue 14.6: a client that rebuilds a text from its top-level units (fetched as passages) gets every
    word of the TEI's <text>: front and back matter, glossaries, chronologies, biographies, loose quotes."""
    for resource, nav in trees:
        tei = parse_tei(edition_dir, resource)
        expected = _word_list(tei.find(f"{{{TEI_NS}}}text"))
        rebuilt: list[str] = []
        for unit in (u for u in nav["member"] if u["parent"] is None):
            passage = etree.fromstring(get_tei(expand(resource["document"], ref=unit["identifier"])).content, LENIENT)
            for element in passage.xpath("//dts:wrapper/*", namespaces=NS):
                rebuilt += _word_list(element)
        assert rebuilt == expected, (resource["@id"], len(rebuilt), len(expected))


def test_rogovins_glossary_chronology_and_biographies_are_citable(trees):
    resource, nav = next(pair for pair in trees if pair[0]["@id"].endswith("/rogovin-bolsheviks-against-stalinism"))
    back = [u for u in nav["member"] if u["parent"] == "back"]
    titles = [u.get("dublinCore", {}).get("title", [{}])[0].get("value", "") for u in back]
    assert any("Glossary" in t for t in titles) and any("Biographical" in t for t in titles)
    assert any("Party Congresses" in t for t in titles)


# Navigation on nested units, every value of down ----------------------------------

def _nested_unit(units: list[dict]) -> dict:
    """A unit at level 2 or deeper whose level also holds units of other parents: there "same parent" and
    "same level" differ, which a top-level unit cannot show."""
    by_level: dict[int, set] = {}
    for unit in units:
        by_level.setdefault(unit["level"], set()).add(unit["parent"])
    return next(u for u in units if u["level"] >= 2 and len(by_level[u["level"]]) > 1
                and any(v["parent"] == u["identifier"] for v in units))


def _expected(units: list[dict], ref: dict, depth: int | None) -> list[str]:
    """The subtree of ref down to `depth` levels below it (None: all), computed from the whole tree."""
    position = next(i for i, u in enumerate(units) if u["identifier"] == ref["identifier"])
    subtree = [ref]
    for unit in units[position + 1:]:
        if unit["level"] <= ref["level"]:
            break
        subtree.append(unit)
    return [u["identifier"] for u in subtree if depth is None or u["level"] <= ref["level"] + depth]


@pytest.mark.parametrize("down", ["-1", "0", "1", "2"])
def test_navigation_of_a_nested_unit_for_every_value_of_down(trees, down):
    """Issue 14.9: down=0 gives the siblings (same parent, not the same level), down=N the subtree N deep."""
    tested = 0
    for resource, nav in trees:
        units = nav["member"]
        try:
            ref = _nested_unit(units)
        except StopIteration:
            continue
        got = [u["identifier"] for u in navigation(resource, ref=ref["identifier"], down=down)["member"]]
        if down == "0":
            siblings = [u["identifier"] for u in units if u["parent"] == ref["parent"]]
            same_level = [u["identifier"] for u in units if u["level"] == ref["level"]]
            assert got == siblings and len(same_level) > len(siblings)
        else:
            assert got == _expected(units, ref, None if down == "-1" else int(down))
        tested += 1
    assert tested >= 3  # Furr, Medvedev, Pavlova, Rogovin nest divisions


@pytest.mark.parametrize("down", ["-1", "0", "1"])
def test_range_of_nested_units_for_every_value_of_down(trees, down):
    resource, nav = max(trees, key=lambda pair: max(u["level"] for u in pair[1]["member"]))
    units = nav["member"]
    ref = _nested_unit(units)
    children = [u for u in units if u["parent"] == ref["identifier"]]
    start, end = children[0], children[-1]
    url = expand(resource["navigation"], start=start["identifier"], end=end["identifier"], down=down)
    if down == "0":
        get_json(url, status=400)  # siblings are asked of one unit, never of a range
        return
    got = [u["identifier"] for u in get_json(url)["member"]]
    first = next(i for i, u in enumerate(units) if u["identifier"] == start["identifier"])
    last = len(units) - 1 - next(i for i, u in enumerate(reversed(units)) if u["identifier"] == end["identifier"])
    deepest = max(start["level"], end["level"])
    span = units[first: last + 1]
    last_subtree = _expected(units, end, None)
    span = span + [u for u in units[last + 1:] if u["identifier"] in last_subtree]
    assert got == [u["identifier"] for u in span if down == "-1" or u["level"] <= deepest + int(down)]


# Registers ----------------------------------------------------------------------

def test_registers_are_resources_whose_entries_are_citable(entry, edition_dir):
    _, registers = walk_collection(entry, "registers")
    persons = next(r for r in registers if r["@id"].endswith("/persons"))
    page = navigation(persons, down="1")
    units = page["member"]
    while "view" in page and "next" in page["view"]:  # a register of over a thousand entries is paged
        page = get_json(page["view"]["next"])
        units += page["member"]
    tei = parse_tei(edition_dir, persons)
    ids = tei.xpath("//tei:listPerson/tei:person/@xml:id", namespaces=NS)
    assert [u["identifier"] for u in units] == ids
    passage = etree.fromstring(get_tei(expand(persons["document"], ref="trotsky")).content, LENIENT)
    person = passage.xpath("//dts:wrapper/tei:person", namespaces=NS)
    assert len(person) == 1 and person[0].get("{http://www.w3.org/XML/1998/namespace}id") == "trotsky"


def test_a_register_pointer_in_a_dts_passage_resolves_to_its_entry(trees):
    """Issue 14.5: persons.xml#x read in a passage of /dts/document resolves against the passage's xml:base
    (the text's download), to a register that has entry x."""
    from urllib.parse import urljoin
    resource, nav = next(pair for pair in trees if pair[0]["@id"].endswith("/rogovin-bolsheviks-against-stalinism"))
    unit = next(u for u in nav["member"] if u["citeType"] == "paragraph")
    passage = etree.fromstring(get_tei(expand(resource["document"], ref="3")).content, LENIENT)
    names = passage.xpath("//dts:wrapper//tei:persName[@ref]", namespaces=NS)
    assert names and unit
    for name in names[:5]:
        target = urljoin(name.base, name.get("ref"))
        document_url, fragment = target.split("#")
        register = etree.fromstring(get_tei(document_url).content, LENIENT)
        assert register.xpath("//*[@xml:id=$id]", id=fragment), target
