"""The spellings of a name that a search treats as one: an entry's forms in the
registers (preferred and variant: Yezhov, Ezhov, Ежов, Yezhos) and the
misreadings the edition corrected inside a name that points at the entry
(`<persName ref="persons.xml#kamenev-lb"><choice><sic>Kameney</sic>...`).

A form is a tuple of tokens, cut as SQLite FTS5's unicode61 tokenizer cuts
text; it is compared folded (`key`: lower case, no diacritics) and handed to
FTS5 as written, which folds it the way it folded the texts.
Entries that share a form (two Akhundovs) make one group: every form of a group
finds the same passages, whichever of them the reader typed.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from lxml import etree

from . import XML_ID, tei
from .health import fault

# (register file, entry element, name element): the names a search may expand
REGISTER_NAMES = (("persons.xml", "person", "persName"), ("places.xml", "place", "placeName"),
                  ("orgs.xml", "org", "orgName"))
# other names of an entry (aliases, historical names) are not spellings: a search for
# "Stalin" should not silently become a search for "Koba"
SPELLING_TYPES = ("preferred", "variant")
NAME_TAGS = {tei(t) for _file, _entry, t in REGISTER_NAMES}
_TOKEN = re.compile(r"[^\W_]+")

Form = tuple[str, ...]


def fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer compares."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> Form:
    return tuple(_TOKEN.findall(text))


def key(form: Form) -> Form:
    """What two forms are compared by: Ежов and ежов, Łukasz and Lukasz are one."""
    return tuple(fold(token) for token in form)


def entry_forms(entry: etree._Element, name_tag: str) -> list[Form]:
    """The preferred name (for a person: the surname, as a text names him) and the variants."""
    forms = []
    for name in entry.iter(tei(name_tag)):
        kind = name.get("type")
        if kind not in SPELLING_TYPES:
            continue
        surnames = name.findall(tei("surname")) if kind == "preferred" else []
        for part in surnames or [name]:
            form = tokens("".join(part.itertext()))
            if form and form not in forms:
                forms.append(form)
    return forms


def register_forms(tei_dir: Path) -> dict[str, list[Form]]:
    """{'persons.xml#yezhov': [('yezhov',), ('ezhov',), ('ежов',), ('yezhos',)]} for every entry."""
    forms: dict[str, list[Form]] = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False)
    for file_name, entry_tag, name_tag in REGISTER_NAMES:
        path = Path(tei_dir) / file_name
        if not path.is_file() or fault(path):
            continue  # a register that cannot be read gives no spellings; the viewer names it
        for entry in etree.parse(str(path), parser).getroot().iter(tei(entry_tag)):
            if entry.get(XML_ID):
                forms[f"{file_name}#{entry.get(XML_ID)}"] = entry_forms(entry, name_tag)
    return forms


def misreadings(text: etree._Element) -> list[tuple[str, Form]]:
    """(the entry's pointer, the received form) of every correction standing inside a name."""
    found = []
    for sic in text.iter(tei("sic")):
        name = next((a for a in sic.iterancestors() if a.tag in NAME_TAGS and a.get("ref")), None)
        form = tokens("".join(sic.itertext()))
        if name is not None and form:
            found.append((name.get("ref").split()[0], form))
    return found


def spelling_groups(forms_by_entry: dict[str, list[Form]]) -> list[list[Form]]:
    """Forms joined when an entry holds both (union-find), in the order first met:
    only groups of two forms or more expand a search."""
    parent: dict[Form, Form] = {}
    written: dict[Form, Form] = {}  # a key's form as first met

    def root(form: Form) -> Form:
        while parent[form] != form:
            parent[form] = parent[parent[form]]
            form = parent[form]
        return form

    for forms in forms_by_entry.values():
        keys = [key(form) for form in forms]
        for form, folded in zip(forms, keys):
            parent.setdefault(folded, folded)
            written.setdefault(folded, form)
        for folded in keys[1:]:
            parent[root(folded)] = root(keys[0])
    groups: dict[Form, list[Form]] = {}
    for folded in parent:
        groups.setdefault(root(folded), []).append(written[folded])
    return [forms for forms in groups.values() if len(forms) > 1]
