"""The edition's TEI customization (issue 5): the ODD, the RELAX NG generated
from it, and the Schematron.

The RELAX NG is derived from the official tei_all.rng, so these tests read that
file (parsing it is quick; compiling it is what takes ~10 s, and only
test_validate_edition does that, once).
"""

from __future__ import annotations

import importlib.util

import pytest
from lxml import etree

from edition import ROOT, SCHEMA
from edition.validate import edition_relaxng, element_count, safe_parser

RNG_NS = "http://relaxng.org/ns/structure/1.0"


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("schema_generate", SCHEMA / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def odd(generate):
    return generate.read_odd()


def extract(replace_from: str = "", replace_to: str = "") -> etree._ElementTree:
    text = (ROOT / "tests" / "broken" / "valid-extract.xml").read_text(encoding="utf-8")
    if replace_from:
        assert replace_from in text
        text = text.replace(replace_from, replace_to, 1)
    return etree.fromstring(text.encode("utf-8"), safe_parser()).getroottree()


def test_edition_rng_is_in_step_with_the_odd(generate, odd):
    assert generate.odd_to_rng(odd) == (SCHEMA / "edition.rng").read_bytes(), \
        "schema/edition.rng is stale: run .venv/bin/python schema/generate.py"


def test_encoding_guide_is_in_step_with_the_odd(generate, odd):
    assert generate.odd_to_guide(odd) == (ROOT / "docs" / "encoding.md").read_text(encoding="utf-8"), \
        "docs/encoding.md is stale: run .venv/bin/python schema/generate.py"


def test_schema_declares_exactly_the_odd_elements(odd):
    rng = etree.parse(str(SCHEMA / "edition.rng"))
    declared = {e.get("name") for e in rng.iter(f"{{{RNG_NS}}}element")}
    assert declared == set(odd["elements"])
    assert element_count() == len(odd["elements"]) >= 100


def test_every_odd_element_has_a_module_and_no_element_is_listed_twice(odd):
    listed = [name for module in odd["modules"] for name in module["elements"]]
    assert len(listed) == len(set(listed))
    assert {m["key"] for m in odd["modules"]} >= {"tei", "core", "header", "textstructure", "namesdates"}


def test_element_unknown_to_tei_in_the_odd_is_refused_by_the_generator(generate, tmp_path):
    broken = tmp_path / "edition.odd"
    text = (SCHEMA / "edition.odd").read_text(encoding="utf-8")
    broken.write_text(text.replace('include="supplied"', 'include="supplied personName"'), encoding="utf-8")
    with pytest.raises(generate.OddError, match="personName"):
        generate.odd_to_rng(generate.read_odd(broken))


def test_element_outside_the_odd_is_invalid_although_tei_has_it():
    # <app> (textcrit) is TEI, but the edition does not use it.
    tree = extract("Alma-Ata</placeName>", "Alma-Ata</placeName> <app><lem>550</lem></app>")
    assert not edition_relaxng().validate(tree)


def test_every_value_of_the_odd_closed_lists_is_accepted_by_the_grammar(odd):
    from edition import TEI_NS

    ns = {"tei": TEI_NS}
    cases = [("note", 'type="translator" resp="#translator" xml:id="rogovin.3.n8"',
              'type="{}" resp="#translator" xml:id="rogovin.3.n8"'),
             ("div", '<div type="chapter"', '<div type="{}"')]
    for element, original, template in cases:
        values = odd["element_specs"][element].xpath(".//tei:valItem/@ident", namespaces=ns)
        assert len(values) >= 4
        for value in values:
            tree = extract(original, template.format(value))
            assert edition_relaxng().validate(tree), (element, value, edition_relaxng().error_log)


@pytest.mark.parametrize("attribute, value", [
    ('<note type="translator"', '<note type="footnote"'),
    ('<div type="chapter"', '<div type="chaptre"'),
    ('cert="medium"', 'cert="0.8"'),
    ('<expan resp="#translator">', '<expan resp="#translator #nobody">'),
])
def test_closed_lists_are_closed_in_the_grammar(attribute, value):
    assert not edition_relaxng().validate(extract(attribute, value))


def test_odd_closed_lists_match_the_values_the_pipeline_uses(odd, trees):
    """Every note/@type, div/@type, @resp and @cert of the freshly built texts is in the ODD's lists."""
    from edition import TEI_NS

    note_types = set(odd["element_specs"]["note"].xpath(".//tei:valItem/@ident", namespaces={"tei": TEI_NS}))
    div_types = set(odd["element_specs"]["div"].xpath(".//tei:valItem/@ident", namespaces={"tei": TEI_NS}))
    for text_id, root in trees.items():
        assert set(root.xpath("//tei:note/@type", namespaces={"tei": TEI_NS})) <= note_types, text_id
        assert set(root.xpath("//tei:div/@type", namespaces={"tei": TEI_NS})) <= div_types, text_id


def test_generated_schema_states_its_tei_origin_and_licence():
    head = (SCHEMA / "edition.rng").read_text(encoding="utf-8")[:600]
    assert "tei_all schema, version 4.3.0" in head and "BSD-2" in head and "CC BY" in head


def test_schematron_is_iso_with_an_id_on_every_assertion():
    sch = etree.parse(str(SCHEMA / "edition.sch"))
    ns = {"sch": "http://purl.oclc.org/dsdl/schematron"}
    assert sch.getroot().tag == "{http://purl.oclc.org/dsdl/schematron}schema"
    assert sch.getroot().get("queryBinding") == "xslt2"  # SchXslt, oXygen, Saxon; libxslt via an adapter
    asserts = sch.xpath("//sch:assert | //sch:report", namespaces=ns)
    assert len(asserts) >= 15 and all(a.get("id") for a in asserts)


def test_every_element_in_use_is_documented_in_the_odd(odd):
    from edition import TEI_NS

    undocumented = [name for name in odd["elements"]
                    if name not in odd["element_specs"]
                    or not odd["element_specs"][name].findtext(f"{{{TEI_NS}}}remarks/{{{TEI_NS}}}p")]
    assert undocumented == []
    examples = [name for name, spec in odd["element_specs"].items()
                if spec.find("{http://www.tei-c.org/ns/1.0}exemplum") is not None]
    assert len(examples) >= 60


def test_examples_in_the_odd_use_only_elements_of_the_schema(odd):
    eg = "{http://www.tei-c.org/ns/Examples}"
    used = {etree.QName(e).localname for spec in odd["element_specs"].values()
            for example in spec.iter(f"{eg}egXML") for e in example.iter() if isinstance(e.tag, str)}
    assert used - {"egXML"} <= set(odd["elements"])
