"""Stage 11, serialize: identifiers, cleanup of working attributes, atomic write.

Identifiers are derived from the structure (position of each division,
paragraph, item, note within its parent) so that a citation link survives a
rebuild. Output is deterministic: the same input gives the same bytes.
Files are written to a temporary file and renamed into place, so an
interrupted build never leaves half a TEI file.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from lxml import etree

from . import ED_NS, TEI_NS, XML_ID, tei
from .model import Document

# Elements whose content is only other elements: safe to indent.
CONTAINERS = {tei(t) for t in (
    "TEI", "teiHeader", "fileDesc", "titleStmt", "editionStmt", "publicationStmt",
    "availability", "licence", "sourceDesc", "biblStruct", "analytic", "monogr", "imprint", "series",
    "relatedItem", "encodingDesc", "projectDesc", "editorialDecl", "correction",
    "normalization", "hyphenation", "quotation", "segmentation", "interpretation",
    "refsDecl", "citeStructure", "profileDesc", "langUsage", "textClass", "keywords",
    "revisionDesc", "respStmt", "notesStmt", "text", "front", "body", "back", "div", "list", "listBibl",
    "listPerson", "listPlace", "listOrg", "person", "place", "org", "figure", "quote",
    "lg", "sp", "opener", "closer", "floatingText", "titlePage", "docTitle", "standOff", "listNote", "table", "row",
)}

# the interventions stage's provisional id of an inline note (see name_inline_notes)
INTERIM_NOTE_ID = re.compile(r"[\w-]+\.voice\d+")
ID_PREFIX = {"p": "p", "head": "h", "item": "i", "note": "n", "list": "l", "quote": "q",
             "figure": "fig", "lg": "lg", "l": "l", "listBibl": "bl", "bibl": "b", "ab": "ab",
             "sp": "sp", "table": "t", "milestone": "m", "label": "lab",
             # a quoted letter is a text of its own: its paragraphs are numbered within it
             "floatingText": "ft"}


def assign_ids(doc: Document) -> None:
    key = doc.profile.key
    text = doc.tei.find(tei("text"))
    for part in text:
        part_name = etree.QName(part).localname
        base = key if part_name == "body" else f"{key}.{part_name}"
        _assign_within(part, base)
    name_inline_notes(text)


def name_inline_notes(root: etree._Element) -> None:
    """A note the source prints in its running text (a translator's bracket, an
    author's "– V. R.") is named after the passage that holds it: `rogovin.36.p20.v1`.
    The interventions stage numbers them through the whole text (`KEY.voiceN`)
    because it cannot know the passages' ids yet; a number per passage keeps a
    citation of one note from moving when a note is added chapters away."""
    counters: dict[str, int] = {}
    for note in root.iter(tei("note")):
        if note.get("place") != "inline" or not INTERIM_NOTE_ID.fullmatch(note.get(XML_ID) or ""):
            continue
        holder = next(a.get(XML_ID) for a in note.iterancestors() if a.get(XML_ID))
        counters[holder] = counters.get(holder, 0) + 1
        note.set(XML_ID, f"{holder}.v{counters[holder]}")


def _assign_within(container: etree._Element, base: str) -> None:
    counters: dict[str, int] = {}
    for child, name in _element_children(container):
        if name == "div":
            counters["div"] = counters.get("div", 0) + 1
            own = child.get(XML_ID) or f"{base}.{counters['div']}"
            child.set(XML_ID, own)
            _assign_within(child, own)
            continue
        if name in ID_PREFIX:
            _number(child, name, base, counters)
        # descend into anything (notes inside p, items inside list...)
        _assign_nested(child, child.get(XML_ID) or base)


def _assign_nested(element: etree._Element, base: str) -> None:
    counters: dict[str, int] = {}
    for child, name in _element_children(element):
        if name in ("div",):
            _assign_within(element, base)
            return
        if name in ("item", "note", "p", "head", "l", "lg", "bibl", "list", "quote", "sp", "figure"):
            _number(child, name, base, counters)
        _assign_nested(child, child.get(XML_ID) or base)


def _element_children(element: etree._Element):
    """(child, local name) of each element child; comments and processing instructions have no id."""
    for child in element:
        if isinstance(child.tag, str):
            yield child, etree.QName(child).localname


def _number(child: etree._Element, name: str, base: str, counters: dict[str, int]) -> None:
    """Count `child` among its kind within `base`; give it that number as its id unless it has one."""
    counters[name] = counters.get(name, 0) + 1
    if not child.get(XML_ID):
        child.set(XML_ID, f"{base}.{ID_PREFIX.get(name, name)}{counters[name]}")


def strip_working(root: etree._Element) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in [n for n in element.attrib if n.startswith(f"{{{ED_NS}}}")]:
            del element.attrib[name]
    etree.cleanup_namespaces(root, top_nsmap={None: TEI_NS})


def indent(element: etree._Element, level: int = 0) -> None:
    """Indent element-only containers; never touch mixed content."""
    if element.tag not in CONTAINERS or (element.text and element.text.strip()):
        return
    children = [c for c in element if isinstance(c.tag, str)]
    if not children or any(c.tail and c.tail.strip() for c in element):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in element:
        child.tail = pad
        indent(child, level + 1)
    element[-1].tail = "\n" + "  " * level


# Every file of the edition names its schemas, so that an XML editor (oXygen, VS Code)
# validates it as it opens; the paths hold in the checkout and in the edition's zip.
PROLOGUE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<?xml-model href="../schema/edition.rng" type="application/xml"'
            b' schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
            b'<?xml-model href="../schema/edition.sch" type="application/xml"'
            b' schematypens="http://purl.oclc.org/dsdl/schematron"?>\n')


def to_bytes(root: etree._Element) -> bytes:
    indent(root)
    return PROLOGUE + etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"


def serialize(doc: Document) -> bytes:
    assign_ids(doc)
    strip_working(doc.tei)
    return to_bytes(doc.tei)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; the edition is for reading
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
