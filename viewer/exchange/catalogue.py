"""The edition as archives see it: texts, their Dublin Core, their citation trees.

Both exchange protocols (DTS and OAI-PMH) and the static export read the
edition through this module, so a text is described the same way everywhere.
Everything comes from the TEI files in tei/: the teiHeader for the metadata,
the refsDecl/citeStructure for the citation tree, data/versions.toml for the
day each file last changed. Registers (persons.xml, places.xml, orgs.xml) are
resources too, of kind "register": their entries are their citable units;
they are read through DTS, but they are not OAI-PMH records (they describe
no source).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from edition import TEI_NS, XML_LANG, versions
from edition.header import edition_facts  # the facts of data/edition.toml, read once

NS = {"tei": TEI_NS}
LOG = logging.getLogger(__name__)
REGISTER_LISTS = ("listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listRelation")


class CatalogueError(Exception):
    """A TEI file the catalogue cannot describe (not well formed, no header)."""


def _text(element: etree._Element | None) -> str:
    """The normalised text of an element; notes inside it (a title's footnote) are not part of it."""
    if element is None:
        return ""
    parts: list[str] = []

    def visit(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and etree.QName(child).localname != "note":
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return " ".join("".join(parts).split())


def _all(root: etree._Element, path: str) -> list[str]:
    return [value for value in (_text(el) for el in root.xpath(path, namespaces=NS)) if value]


# The citation tree ------------------------------------------------------------

@dataclass(eq=False)
class CitableUnit:
    """One node of a text's citation tree: a division or a paragraph."""

    identifier: str
    level: int
    parent: str | None
    cite_type: str
    element: etree._Element
    title: str
    order: int  # position in document order among all units
    end: int = 0  # order of the last unit of its subtree (itself when it has none)


@dataclass
class CiteStructure:
    """A citeStructure declaration: what is matched, how it is named, what nests inside."""

    match: str
    use: str
    unit: str
    delim: str
    children: list["CiteStructure"] = field(default_factory=list)

    def as_dts(self) -> dict:
        result = {"@type": "CiteStructure", "citeType": self.unit}
        if self.children:
            result["citeStructure"] = [child.as_dts() for child in self.children]
        return result


_NAME_TEST = re.compile(r"(?<![@$\w.-])([A-Za-z_][\w.-]*)(?![\w.-]*\s*(?:\(|:))")


def tei_xpath(expression: str) -> str:
    """Put unprefixed element names of a citeStructure XPath in the TEI namespace.

    citeStructure expressions are written without prefixes (match="//body/div"),
    meaning TEI elements; XPath 1.0 in lxml has no default element namespace.
    A name is an element name where XPath expects a step: at the start, after
    '/', '[', '(', '|', ',' or an axis; this keeps the operators 'div', 'and',
    'or', 'mod' after an operand untouched.
    """
    out = []
    position = 0
    for match in _NAME_TEST.finditer(expression):
        before = expression[:match.start()].rstrip()
        if before.endswith(":") and not before.endswith("::"):
            continue  # the local part of a prefixed name
        if before and before[-1] not in "/[(|,:":
            continue
        out.append(expression[position:match.start()])
        out.append("tei:" + match.group(1))
        position = match.end()
    out.append(expression[position:])
    return "".join(out)


def read_cite_structures(root: etree._Element) -> list[CiteStructure]:
    def read(element: etree._Element) -> CiteStructure:
        return CiteStructure(
            match=element.get("match", ""),
            use=element.get("use", "position()"),
            unit=element.get("unit") or "unit",
            delim=element.get("delim", ""),
            children=[read(child) for child in element.findall(f"{{{TEI_NS}}}citeStructure")],
        )
    # The default citation tree is the first refsDecl's (TEI: a refsDecl without @n).
    decl = root.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}encodingDesc/{{{TEI_NS}}}refsDecl")
    if decl is None:
        return []
    return [read(el) for el in decl.findall(f"{{{TEI_NS}}}citeStructure")]


def build_citation_tree(root: etree._Element, structures: list[CiteStructure]) -> list[CitableUnit]:
    """Every citable unit in document order, following the citeStructure declarations."""
    units: list[CitableUnit] = []
    document_order = {element: i for i, element in enumerate(root.iter())}

    def walk(context: etree._Element, declarations: list[CiteStructure], parent: CitableUnit | None) -> None:
        level = parent.level + 1 if parent else 1
        found: list[tuple[etree._Element, CiteStructure, int]] = []
        for declaration in declarations:
            if not declaration.match:
                continue
            matched = context.xpath(tei_xpath(declaration.match), namespaces=NS)
            for position, element in enumerate(m for m in matched if isinstance(m, etree._Element)):
                found.append((element, declaration, position + 1))
        # Several declarations at one level (divs and paragraphs side by side) interleave in document order.
        found.sort(key=lambda item: document_order[item[0]])
        for element, declaration, position in found:
            value = _use_value(element, declaration.use, position)
            identifier = (parent.identifier + declaration.delim + value) if parent else value
            unit = CitableUnit(identifier=identifier, level=level, parent=parent.identifier if parent else None,
                               cite_type=declaration.unit, element=element, title=_unit_title(element),
                               order=len(units))
            units.append(unit)
            walk(element, declaration.children, unit)
            unit.end = len(units) - 1

    walk(root, structures, None)
    return units


def _use_value(element: etree._Element, use: str, position: int) -> str:
    """The reference value of a matched node: its @use evaluated on it, or its position if that yields nothing.

    TEI evaluates @use with the matched node as context, position() being the
    node's place among the nodes its @match selected, which lxml cannot know
    from the node alone: it is put into the expression as a number.
    """
    expression = re.sub(r"position\(\s*\)", str(position), tei_xpath(use))
    try:
        value = element.xpath(f"string({expression})", namespaces=NS)
    except etree.XPathError as err:
        raise CatalogueError(f"citeStructure/@use {use!r} is not XPath 1.0: {err}") from err
    value = " ".join(str(value).split())
    return value or str(position)


def _unit_title(element: etree._Element) -> str:
    head = element.find(f"{{{TEI_NS}}}head")
    return _text(head) if head is not None else ""


# Texts ------------------------------------------------------------------------

@dataclass(eq=False)
class EditionText:
    """A resource of the edition: a text, or a register (kind "register")."""
    id: str
    path: Path
    tree: etree._ElementTree
    dublin_core: dict
    cite_structures: list[CiteStructure]
    units: list[CitableUnit]
    datestamp: str
    digest: str = ""
    kind: str = "text"
    by_identifier: dict[str, CitableUnit] = field(default_factory=dict)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    @property
    def header(self) -> etree._Element:
        return self.root.find(f"{{{TEI_NS}}}teiHeader")

    @property
    def title(self) -> str:
        return self.dublin_core["title"][0]

    @property
    def languages(self) -> list[str]:
        return self.dublin_core["language"]


def is_register(root: etree._Element) -> bool:
    """A register's body is a list of persons, places or organisations, not a text."""
    lists = " | ".join(f"tei:text/tei:body/tei:{name} | tei:text/tei:body/tei:div/tei:{name}" for name in REGISTER_LISTS)
    return bool(root.xpath(lists, namespaces=NS))


def dublin_core(root: etree._Element, text_id: str) -> dict:
    """Unqualified Dublin Core of a text, from its teiHeader only.

    Keys are the fifteen DC elements (those the header supports); values are
    lists of strings in the order the header gives them.
    """
    header = root.find(f"{{{TEI_NS}}}teiHeader")
    if header is None:
        raise CatalogueError(f"{text_id}: no teiHeader")
    file_desc = "tei:teiHeader/tei:fileDesc"
    title = _all(root, f"{file_desc}/tei:titleStmt/tei:title[@type='main' or not(@type)]")[:1] or [text_id]
    subtitle = _all(root, f"{file_desc}/tei:titleStmt/tei:title[@type='sub']")
    facts = edition_facts()
    dc: dict[str, list[str]] = {
        "title": [title[0] + (": " + subtitle[0] if subtitle else "")],
        "creator": _all(root, f"{file_desc}/tei:titleStmt/tei:author"),
        "contributor": [f"{name} ({role})" for role, name in _responsibilities(root)],
        "publisher": _all(root, f"{file_desc}/tei:publicationStmt/tei:publisher"),
        "date": root.xpath(f"{file_desc}/tei:publicationStmt/tei:date/@when", namespaces=NS)[:1]
                or _all(root, f"{file_desc}/tei:publicationStmt/tei:date")[:1],
        "type": ["Text"],
        "format": ["application/tei+xml"],
        "identifier": _all(root, f"{file_desc}/tei:publicationStmt/tei:idno") or [text_id],
        "source": [_bibl_citation(el) for el in root.xpath(f"{file_desc}/tei:sourceDesc/tei:biblStruct", namespaces=NS)]
                  or _all(root, f"{file_desc}/tei:sourceDesc/*"),
        "language": root.xpath("tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language/@ident", namespaces=NS)
                    or [root.get(XML_LANG, "en")],
        "rights": _rights(root),
        "subject": _all(root, "tei:teiHeader/tei:profileDesc/tei:textClass/tei:keywords/tei:term"),
        # what the text is about (its abstract); how the file was made only where there is none
        "description": _all(root, "tei:teiHeader/tei:profileDesc/tei:abstract")
                       or _all(root, f"{file_desc}/tei:notesStmt/tei:note")
                       or [f"{title[0]}: a TEI P5 text of {facts.get('title', 'the edition')}."],
        "relation": [_bibl_citation(el) for el in root.xpath(
            f"{file_desc}/tei:sourceDesc/tei:biblStruct/tei:relatedItem/tei:biblStruct", namespaces=NS)],
    }
    return {key: values for key, values in dc.items() if values}


def _rights(root: etree._Element) -> list[str]:
    """Each licence's URI, then its words, in the header's order (the text's own rights first, then the
    edition's licence), and the source's own statement: a reader of URIs alone meets the text's first."""
    availability = root.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}fileDesc/{{{TEI_NS}}}publicationStmt/"
                             f"{{{TEI_NS}}}availability")
    if availability is None:
        return []
    rights = []
    for licence in availability.findall(f"{{{TEI_NS}}}licence"):
        rights += [value for value in (licence.get("target"), _text(licence)) if value]
    return rights + [_text(p) for p in availability.findall(f"{{{TEI_NS}}}p") if _text(p)]


def _responsibilities(root: etree._Element) -> list[tuple[str, str]]:
    result = []
    for stmt in root.xpath("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:respStmt", namespaces=NS):
        role = _text(stmt.find(f"{{{TEI_NS}}}resp"))
        for name in stmt.xpath("tei:persName | tei:orgName | tei:name", namespaces=NS):
            result.append((role, _text(name)))
    return result


def _bibl_citation(bibl: etree._Element) -> str:
    """A one-line citation of a biblStruct: authors. Title: subtitle. Translator. Imprint. Scope. (Series.)"""
    def values(path: str) -> list[str]:
        return _all(bibl, path)
    parts = ["; ".join(values("tei:analytic/tei:author") or values("tei:monogr/tei:author"))]
    parts.append(" / ".join(values("tei:analytic/tei:title")))
    main = values("tei:monogr/tei:title[not(@type='sub')]")
    subtitle = values("tei:monogr/tei:title[@type='sub']")
    # several main titles are the same title in other scripts (Latin and Cyrillic)
    parts.append(" / ".join(main) + (": " + subtitle[0] if subtitle else ""))
    for editor in bibl.xpath("tei:monogr/tei:editor", namespaces=NS):
        role = {"translator": "Translated by", "editor": "Edited by"}.get(editor.get("role"), "Edited by")
        parts.append(f"{role} {_text(editor)}")
    place, publisher, date = (values(f"tei:monogr/tei:imprint/tei:{name}")[:1]
                              for name in ("pubPlace", "publisher", "date"))
    parts.append(", ".join(place + publisher + date))
    parts += values("tei:monogr/tei:imprint/tei:biblScope")
    parts += [f"({series})" for series in values("tei:series/tei:title")]
    return ". ".join(p for p in parts if p)


def datestamp(name: str, data: bytes, recorded: dict, path: Path) -> str:
    """The day the file's content last changed (data/versions.toml, written by the build); for a file
    the build never wrote (a copy changed by hand), the day it was last modified."""
    day = versions.changed_on(name, data, recorded)
    if day is None:
        day = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%d")
    return day


def load_text(path: Path, recorded: dict | None = None) -> EditionText | None:
    """The text or register in a TEI file, or None when the file is no TEI document."""
    data = path.read_bytes()
    try:
        # collect_ids=False: a repeated xml:id is the validator's finding to report; it must not take a text offline.
        root = etree.fromstring(data, etree.XMLParser(huge_tree=True, collect_ids=False))
    except etree.XMLSyntaxError as err:
        raise CatalogueError(f"{path.name}: not well formed: {err}") from err
    if root.tag != f"{{{TEI_NS}}}TEI":
        return None
    recorded = versions.load() if recorded is None else recorded
    try:
        structures = read_cite_structures(root)
        units = build_citation_tree(root, structures)
        text = EditionText(id=path.stem, path=path, tree=root.getroottree(),
                           dublin_core=dublin_core(root, path.stem), cite_structures=structures, units=units,
                           datestamp=datestamp(path.stem, data, recorded, path), digest=versions.digest(data),
                           kind="register" if is_register(root) else "text")
    except CatalogueError as err:
        raise CatalogueError(f"{path.name}: {err}") from err
    text.by_identifier = unique_identifiers(units)
    return text


def unique_identifiers(units: list[CitableUnit]) -> dict[str, CitableUnit]:
    """Identifiers must be unique in a citation tree (DTS); a repeated one (two divisions with
    the same @n) is told apart by "~2", "~3" in document order rather than making the text unreachable."""
    by_identifier: dict[str, CitableUnit] = {}
    for unit in units:
        if unit.identifier in by_identifier:
            count = 2
            while f"{unit.identifier}~{count}" in by_identifier:
                count += 1
            renamed = f"{unit.identifier}~{count}"
            for child in units[unit.order + 1: unit.end + 1]:
                if child.identifier.startswith(unit.identifier):
                    child.identifier = renamed + child.identifier[len(unit.identifier):]
                if child.parent and child.parent.startswith(unit.identifier):
                    child.parent = renamed + child.parent[len(unit.identifier):]
            unit.identifier = renamed
        by_identifier[unit.identifier] = unit
    return by_identifier


class Catalogue:
    """The texts of a tei/ folder, reloaded when a file changes (the edition is rebuilt in place)."""

    def __init__(self, tei_dir: Path):
        self.tei_dir = Path(tei_dir)
        self._lock = threading.Lock()
        self._texts: dict[str, tuple[int, EditionText | None]] = {}
        self.problems: dict[str, str] = {}  # file name -> why it is not in the catalogue

    def texts(self) -> list[EditionText]:
        """The readable texts (the OAI-PMH records)."""
        return [text for text in self.resources() if text.kind == "text"]

    def registers(self) -> list[EditionText]:
        return [text for text in self.resources() if text.kind == "register"]

    def resources(self) -> list[EditionText]:
        """Texts and registers; a file that cannot be read is left out and named in `problems` (and logged)."""
        with self._lock:
            seen = {}
            recorded = None
            for path in sorted(self.tei_dir.glob("*.xml")):
                try:
                    stamp = path.stat().st_mtime_ns
                    cached = self._texts.get(path.stem)
                    if cached is None or cached[0] != stamp:
                        recorded = versions.load() if recorded is None else recorded
                        cached = (stamp, load_text(path, recorded))
                        self.problems.pop(path.name, None)
                except (OSError, CatalogueError) as err:
                    if self.problems.get(path.name) != str(err):
                        LOG.error("catalogue: %s", err)
                    self.problems[path.name] = str(err)
                    continue
                seen[path.stem] = cached
            self._texts = seen
            return [text for _, text in seen.values() if text is not None]

    def text(self, text_id: str) -> EditionText | None:
        """A text or register by its file name."""
        return next((t for t in self.resources() if t.id == text_id), None)


_catalogues: dict[Path, Catalogue] = {}


def catalogue_for(tei_dir: Path) -> Catalogue:
    tei_dir = Path(tei_dir).resolve()
    if tei_dir not in _catalogues:
        _catalogues[tei_dir] = Catalogue(tei_dir)
    return _catalogues[tei_dir]
