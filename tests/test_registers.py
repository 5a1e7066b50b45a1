"""The registers of persons, places and organisations (data/registers -> tei/*.xml)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from lxml import etree

from edition import TEI_NS, XML_ID, tei
from edition.registers import KINDS, RegisterError, load_registers, register_document, write_registers

NS = {"t": TEI_NS}


def by_id(root, xml_id):
    return next(e for e in root.iter() if e.get(XML_ID) == xml_id)


@pytest.fixture(scope="module")
def registers():
    return load_registers()[0]


@pytest.fixture(scope="module")
def written(tmp_path_factory, trees):
    """The three registers as build_edition writes them, next to Rogovin's text (for the note links)."""
    out = tmp_path_factory.mktemp("registers")
    for text_id, root in trees.items():
        if text_id.startswith("rogovin"):
            (out / f"{text_id}.xml").write_bytes(etree.tostring(root))
    write_registers(out)
    roots = {kind: etree.parse(str(out / f"{stem}.xml")).getroot() for kind, stem in KINDS.items()}
    roots["folder"] = out
    return roots


def test_registers_are_valid_tei_all(written):
    from edition.validate import tei_all_relaxng

    schema = tei_all_relaxng()
    for kind in KINDS:
        root = written[kind]
        assert schema.validate(root), f"{kind}: {schema.error_log.last_error}"


def test_registers_pass_the_edition_validator(written):
    from edition.validate import validate_file

    for stem in KINDS.values():
        errors = [p for p in validate_file(written["folder"] / f"{stem}.xml") if p.severity == "error"]
        assert not errors, errors[:3]


def test_register_covers_every_frequent_name_of_the_corpus(registers):
    persons = {e.id for e in registers["person"]}
    places = {e.id for e in registers["place"]}
    assert len(persons) > 300 and len(places) > 150 and len(registers["org"]) > 50
    # a sample of the people and places the texts name most, with their homonyms
    assert {"stalin", "kamenev-lb", "kamenev-ss", "smirnov-in", "smirnov-ap", "smirnov-vm", "zhukov-yu",
            "zhukov-gk", "medvedev-ra", "medvedev-za", "slepkov-an", "slepkov-vn", "kosior-sv",
            "kosior-vv", "yakovlev-ya", "yakovlev-an", "yakovlev-as"} <= persons
    assert {"moscow", "saint-petersburg", "tbilisi", "stalingrad", "gorki-leninskiye"} <= places


def test_no_two_entries_share_a_name_or_variant(registers):
    """Accidental duplicates: two entries with the same full name, alias or variant form.

    Homonyms share a bare surname (three Smirnovs) but never their full name."""
    owners = defaultdict(set)
    for entries in registers.values():
        for entry in entries:
            names = {entry.name, *entry.data.get("alias", []), *entry.data.get("form", [])}
            names |= {f"{f} {p} {s}" for f in entry.forenames for p in entry.patronymics for s in entry.surnames}
            if entry.kind != "person":
                names |= set(entry.data.get("historical", []))
            for name in names:
                owners[name].add(entry.id)
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1}
    assert not shared, shared


def test_register_entry_keeps_old_style_dates_and_cyrillic(written):
    kamenev = by_id(written["person"], "kamenev-lb")
    birth = kamenev.find("t:birth", NS)
    assert birth.get("when") == "1883-07-18" and birth.text == "18 July 1883 (6 July Old Style)"
    assert (birth.get("when-custom"), birth.get("datingMethod")) == ("1883-07-06", "#julian")
    assert kamenev.find("t:persName[@type='alias']", NS).text == "Rozenfeld"
    russian = [n for n in kamenev.findall("t:persName", NS) if n.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"]
    assert [n.text for n in russian] == ["Каменев", "Лев Борисович Каменев"]  # the form met, the full name
    surname = kamenev.find("t:persName[@type='preferred']/t:surname", NS)
    assert surname.text == "Kamenev"


def test_places_have_coordinates_and_historical_names(written):
    places = written["place"]
    tbilisi = by_id(places, "tbilisi")
    assert tbilisi.find("t:placeName[@type='historical']", NS).text == "Tiflis"
    lat, lon = map(float, tbilisi.find("t:location/t:geo", NS).text.split())
    assert 41 < lat < 42.5 and 44 < lon < 45.5
    all_places = places.findall(".//t:place", NS)
    with_geo = [p for p in all_places if p.find("t:location/t:geo", NS) is not None]
    assert len(with_geo) / len(all_places) > 0.85


def test_rogovin_biographical_notes_link_both_ways(written, trees):
    """Every one of Rogovin's 93 notes names a register entry, and the entry points back at the note."""
    (rogovin,) = [root for text_id, root in trees.items() if text_id.startswith("rogovin")]
    items = rogovin.findall(".//t:list[@type='biographies']/t:item", NS)
    assert len(items) == 93
    refs = [item.find("t:persName", NS).get("ref") for item in items]
    assert all(refs), [etree.tostring(i)[:80] for i, r in zip(items, refs) if not r]
    ids = {item.get(XML_ID) for item in items}
    back = written["person"].findall(".//t:note[@type='source']/t:ref", NS)
    assert len(back) >= 90
    assert all(ref.get("target").partition("#")[2] in ids for ref in back)
    smirnov = by_id(written["person"], "smirnov-ap").find("t:note[@type='source']/t:ref", NS)
    note = by_id(rogovin, smirnov.get("target").partition("#")[2])
    assert "".join(note.itertext()).startswith("SMIRNOV, Aleksandr Petrovich")


def test_every_name_in_the_texts_points_at_a_register_entry(trees, registers):
    ids = {kind: {e.id for e in entries} for kind, entries in registers.items()}
    file_kind = {"persons.xml": "person", "places.xml": "place", "orgs.xml": "org"}
    checked = 0
    for text_id, root in trees.items():
        for name in root.iter(tei("persName"), tei("placeName"), tei("orgName")):
            ref = name.get("ref")
            if not ref:
                continue
            register, _, entry = ref.partition("#")
            assert entry in ids[file_kind[register]], f"{text_id}: {ref}"
            checked += 1
    assert checked > 15000


def test_a_bad_register_entry_is_refused_with_its_place(tmp_path):
    (tmp_path / "persons.toml").write_text('[[person]]\nid = "x"\nname = "X"\nsurnme = ["X"]\n', encoding="utf-8")
    with pytest.raises(RegisterError, match=r"persons.toml: person 1 \(x\): unknown field\(s\) surnme"):
        load_registers(tmp_path)
    (tmp_path / "persons.toml").write_text('[[person]]\nid = "a"\nname = "A"\n[[person]]\nid = "a"\nname = "B"\n')
    with pytest.raises(RegisterError, match="id already used"):
        load_registers(tmp_path)


def test_register_document_is_deterministic(registers):
    first = etree.tostring(register_document("place", registers["place"]))
    assert first == etree.tostring(register_document("place", registers["place"]))
    assert re.search(rb'<place xml:id="moscow">', first)
