"""The registers of persons, places and organisations (tei/persons.xml ...).

The curated data lives in data/registers/ as TOML, one table per entity
(`[[person]]`, `[[place]]`, `[[org]]`), so that an editor can review an entry
in a diff. `load_registers` reads it for the entities stage (every surface
form the annotator may meet) and refuses a record not in the register's one
form; `register_tei.write_registers` turns it into three TEI documents
(listPerson, listPlace, listOrg).

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
from dataclasses import dataclass, field
from pathlib import Path

from . import DATA
from .dates import DateError, gregorian_of_julian, parse_iso

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
            # a body's or a place's name is printed with either apostrophe (`People’s Commissariat`,
            # `Workers’ Opposition`): the register writes one, the texts read both
            forms += [(f.replace("'", "’"), explicit) for f, explicit in forms if "'" in f]
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
