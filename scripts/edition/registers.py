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
    birth = "1883-07-18"                   # ISO date (Gregorian); born = the source's wording
    death = "1936-08-25"
    about = "Bolshevik leader; chairman of the Moscow Soviet; shot after the first Moscow trial"
    default = true                         # a bare surname means him unless the context says otherwise
    title = ["comrade"]                    # role words that single him out before a bare surname
    rogovin = "KAMENEV"                    # his entry in Rogovin's Selected Biographical Notes
    wikidata = "Q..."                      # only where certain

Places have `name`, `form` (modern, historical, variant names), `geo =
"lat lon"`, `about`; organisations `name`, `form`, `about`, and `parent`, the
body they belong to (written as a `relation name="partOf"` in the listOrg).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import DATA, TEI_NS, XML_ID, XML_LANG, tei

REGISTERS = DATA / "registers"
KINDS = {"person": "persons", "place": "places", "org": "orgs"}
FIELDS = {
    "person": {"id", "name", "surname", "forename", "patronymic", "initials", "alias", "form", "cyrillic", "birth",
               "death", "born", "died", "about", "default", "title", "rogovin", "wikidata", "viaf", "sex"},
    "place": {"id", "name", "form", "historical", "cyrillic", "geo", "about", "type", "default", "title",
              "wikidata", "geonames"},
    "org": {"id", "name", "form", "cyrillic", "about", "type", "default", "title", "wikidata", "parent"},
}
# Transliterations of one Cyrillic initial: `Ye.` and `E.` are both Е, `Yu.` and `Iu.` Ю;
# and the misreadings of the machine-translated text: Cyrillic Н and Х read as Latin `H`
# (Pavlova's `H.K. Krupskaya`, `H.G. Rakovsky`).
INITIAL_EQUIVALENTS = {"E": {"Ye"}, "Ye": {"E"}, "Yu": {"Iu"}, "Iu": {"Yu"}, "Ya": {"Ia"}, "Ia": {"Ya"},
                       "Yo": {"E"}, "H": {"N", "Kh"}, "Kh": {"H"}}


class RegisterError(Exception):
    pass


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
                entries.append(Entry(kind, item["id"], item["name"], item))
        registers[kind] = entries
    for entry in registers.get("org", []):
        # `parent`: the body this one belongs to (the KPD's Central Committee to the KPD)
        if entry.data.get("parent") and entry.data["parent"] not in ids:
            raise RegisterError(f"orgs: {entry.id}: parent {entry.data['parent']!r} is no register entry")
    rules_path = Path(directory) / "rules.toml"
    rules = tomllib.loads(rules_path.read_text(encoding="utf-8")) if rules_path.exists() else {}
    return registers, rules


# --- writing the TEI registers -------------------------------------------------

TITLES = {"person": "Register of persons", "place": "Register of places", "org": "Register of organisations"}
LIST = {"person": "listPerson", "place": "listPlace", "org": "listOrg"}
NAME = {"person": "persName", "place": "placeName", "org": "orgName"}


def write_registers(out_dir: Path, directory: Path = REGISTERS) -> list[Path]:
    from .serialize import PROLOGUE, write_atomic

    registers, _rules = load_registers(directory)
    notes = _rogovin_notes(Path(out_dir))
    written = []
    for kind, entries in registers.items():
        root = register_document(kind, entries, notes)
        data = PROLOGUE + etree.tostring(root, encoding="UTF-8", pretty_print=True)
        path = Path(out_dir) / f"{KINDS[kind]}.xml"
        write_atomic(path, data)
        written.append(path)
    return written


def register_document(kind: str, entries: list[Entry], notes: dict[str, str] | None = None) -> etree._Element:
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
    availability = _sub(publication, "availability", attrs={"status": "free"})
    licence = _sub(availability, "licence", attrs={"target": "https://creativecommons.org/licenses/by/4.0/"})
    _sub(licence, "p", "Licensed under Creative Commons Attribution 4.0 International (CC BY 4.0).")
    source_desc = _sub(file_desc, "sourceDesc")
    _sub(source_desc, "p", "Compiled by the editors from the five texts of the edition (Rogovin's Selected "
                           "Biographical Notes among them) and the editors' knowledge; authority identifiers "
                           "are given only where certain.")
    languages = _sub(_sub(header, "profileDesc"), "langUsage")
    _sub(languages, "language", "English", {"ident": "en"})
    _sub(languages, "language", "Russian", {"ident": "ru"})
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


def _entry_element(entry: Entry, notes: dict[str, str]) -> etree._Element:
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
        for event in ("birth", "death"):
            when, wording = data.get(event), data.get("born" if event == "birth" else "died")
            if when or wording:
                attrs = {"when": when} if when else {}
                _sub(element, event, wording or when, attrs)
    if entry.kind == "place" and data.get("geo"):
        _sub(_sub(element, "location"), "geo", data["geo"])
    for authority in ("wikidata", "viaf", "geonames"):
        if data.get(authority):
            _sub(element, "idno", data[authority], {"type": authority})
    if data.get("about"):
        _sub(element, "note", data["about"], {"type": "identification"})
    if data.get("rogovin"):
        note = _sub(element, "note", attrs={"type": "source"})
        note.text = "Rogovin, Bolsheviks against Stalinism, Selected Biographical Notes: "
        target = notes.get(data["rogovin"])
        ref = _sub(note, "ref" if target else "name", data["rogovin"], {"target": target} if target else {})
        ref.tail = None
    return element


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


def _rogovin_notes(out_dir: Path) -> dict[str, str]:
    """Rogovin's biographical notes in the built TEI, by their SURNAME heading: 'FILE#xml:id'.

    Linked by the name that opens each note (stable), resolved to whatever
    xml:id the structure gives the note at build time.
    """
    found: dict[str, str] = {}
    for path in sorted(out_dir.glob("rogovin*.xml")):
        try:
            # collect_ids=False: a duplicate xml:id elsewhere in the text must not hide the notes
            tree = etree.parse(str(path), etree.XMLParser(collect_ids=False, huge_tree=True))
        except (OSError, etree.XMLSyntaxError):
            continue
        for element in tree.iter(tei("p"), tei("item"), tei("person"), tei("note"), tei("label")):
            text = "".join(element.itertext()).lstrip(" -")
            heading = re.match(r"([A-ZÀ-ÝЁА-Я][A-ZÀ-ÝЁА-Я'’-]{2,})\s*(?:\[[^\]]*\]\s*)?,\s*([\w'’-]+)", text)
            if not heading:
                continue
            holder = element
            while holder is not None and holder.get(XML_ID) is None:
                holder = holder.getparent()
            if holder is None:
                continue
            target = f"{path.name}#{holder.get(XML_ID)}"
            # `SMIRNOV, Ivan` tells the three Smirnovs apart; `KAMENEV` alone serves the rest
            found.setdefault(f"{heading.group(1)}, {heading.group(2)}", target)
            found.setdefault(heading.group(1), target)
    return found


def _sub(parent, tag: str, text: str | None = None, attrs: dict | None = None) -> etree._Element:
    child = etree.SubElement(parent, tei(tag), attrs or {})
    if text is not None:
        child.text = text
    return child
