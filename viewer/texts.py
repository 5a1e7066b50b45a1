"""What the viewer knows about each TEI text: its library entry, its pages
(the divisions a reader turns through), its table of contents and where each
xml:id lives. Read with lxml once per file version (keyed by mtime)."""

from __future__ import annotations

import copy
import functools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from edition import TEI_NS, XML_ID, XML_NS, tei
from edition.health import fault, sound
from edition.search import passage_text, words_read

REGISTERS = {"persons": ("persons.xml", "person", "persName", "Persons"),
             "places": ("places.xml", "place", "placeName", "Places"),
             "orgs": ("orgs.xml", "org", "orgName", "Organisations")}
REGISTER_FILES = {spec[0] for spec in REGISTERS.values()}
PARTS = ("front", "body", "back")
# a division longer than this (characters, about 12,000 words), if it has
# subdivisions, is read one subdivision per page
PAGE_CHARS = 75_000


@dataclass
class Page:
    id: str            # a div's xml:id, or 'front' / 'body' / 'back' for content outside divs
    title: str
    level: int
    chars: int
    trail: tuple[str, ...] = ()   # heads of the divisions it stands in, outermost first
    has_head: bool = False        # the rendered division gives the page its h1

    @property
    def full_title(self) -> str:
        return ", ".join((*self.trail, self.title))

    @property
    def label(self) -> str:
        """What a link to the page says: a section the text only numbers is named with its chapter."""
        return f"{self.trail[-1]}, {self.title[:1].lower()}{self.title[1:]}" if self.trail and is_numbered_only(self.title) else self.title


@dataclass
class TocEntry:
    id: str
    title: str
    level: int
    page: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class LibraryEntry:
    key: str
    path: Path
    mtime_ns: int
    title: str
    author: str
    translator: str
    date: str
    standpoint: str
    words: int | None


@dataclass
class Text(LibraryEntry):
    pages: list[Page] = field(default_factory=list)
    page_elements: dict[str, etree._Element] = field(default_factory=dict, repr=False)  # page id -> div or part
    toc: list[TocEntry] = field(default_factory=list)        # every entry, in reading order
    page_of: dict[str, str] = field(default_factory=dict)   # xml:id -> page id
    root: etree._Element | None = field(default=None, repr=False)

    @functools.cached_property
    def toc_tree(self) -> list[TocEntry]:
        """The contents as the text nests them: parts, chapters, their sections."""
        roots: list[TocEntry] = []
        open_entries: list[TocEntry] = []
        for entry in self.toc:
            while open_entries and open_entries[-1].level >= entry.level:
                open_entries.pop()
            (open_entries[-1].children if open_entries else roots).append(entry)
            open_entries.append(entry)
        return roots

    @property
    def page_ids(self) -> list[str]:
        return [p.id for p in self.pages]

    def page(self, page_id: str) -> Page | None:
        return next((p for p in self.pages if p.id == page_id), None)

    def neighbours(self, page_id: str) -> tuple[Page | None, Page | None]:
        ids = self.page_ids
        i = ids.index(page_id)
        return (self.pages[i - 1] if i > 0 else None, self.pages[i + 1] if i + 1 < len(ids) else None)

    @property
    def size(self) -> str:
        return f"{self.words:,} words, {len(self.pages)} {'section' if len(self.pages) == 1 else 'sections'}"


def _clean(text: str) -> str:
    return " ".join(text.split())


_STRING_VALUE = etree.XPath("string()")


def _chars(element: etree._Element) -> int:
    return len(_STRING_VALUE(element))


def head_text(div: etree._Element) -> str:
    """A division's head as read: without its notes, the edited reading of a correction;
    a head that is only a number ('3') is read as 'Section 3'."""
    head = div.find(tei("head"))
    title = (passage_text(head)[0] if head is not None else div.get("n")) or _division_type(div)
    return f"Section {title.rstrip('.')}" if is_numbered_only(title) else title


_NUMBER_ONLY = re.compile(r"(?:\d+|[IVXLC]+)\.?", re.IGNORECASE)


def is_numbered_only(title: str) -> bool:
    return bool(_NUMBER_ONLY.fullmatch(title.strip())) or title.startswith("Section ") and is_numbered_only(title[8:])


def is_notes_shell(div: etree._Element) -> bool:
    """A division that only gathers notes ('Footnotes' whose references the
    received text lost): its notes are listed with the page it stands in, it
    is no page or contents entry of its own."""
    children = [c for c in div if isinstance(c.tag, str)]
    return any(c.tag == tei("note") for c in children) and all(c.tag in (tei("head"), tei("note")) for c in children)


def _division_type(div: etree._Element) -> str:
    """A division without a head is named by its type: titlePage -> 'Title page'."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", div.get("type") or "section").lower()
    return words[:1].upper() + words[1:]


def _header_field(root: etree._Element, path: str) -> str:
    found = root.find(path, {"t": TEI_NS})
    return _clean("".join(found.itertext())) if found is not None else ""


def _header_facts(header: etree._Element | None) -> dict:
    """What the library says of a text, from its teiHeader."""
    if header is None:
        return {"title": "", "author": "", "translator": "", "date": "", "standpoint": ""}
    title_stmt = "t:fileDesc/t:titleStmt"
    translator = (_header_field(header, f"{title_stmt}/t:editor[@role='translator']")
                  or _header_field(header, f".//*[@{{{XML_NS}}}id='translator']"))
    date = (_header_field(header, "t:profileDesc/t:creation/t:date")
            or _header_field(header, "t:fileDesc/t:sourceDesc//t:imprint/t:date")
            or _header_field(header, "t:fileDesc/t:sourceDesc//t:date"))
    return {"title": _header_field(header, f"{title_stmt}/t:title"),
            "author": _header_field(header, f"{title_stmt}/t:author"),
            "translator": translator, "date": date,
            "standpoint": _header_field(header, "t:profileDesc/t:textClass/t:keywords/t:term[@type='standpoint']")}


def read_entry(path: Path, words: int | None = None) -> LibraryEntry:
    """A text's library entry from its header alone: the body is not parsed."""
    path = Path(path)
    mtime = path.stat().st_mtime_ns
    key, header = None, None
    for event, element in etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                                          no_network=True, collect_ids=False):
        if key is None:
            key = element.get(XML_ID) or path.stem
        if event == "end" and element.tag == tei("teiHeader"):
            header = element
            break
    facts = _header_facts(header)
    return LibraryEntry(key=key or path.stem, path=path, mtime_ns=mtime, words=words,
                        **{**facts, "title": facts["title"] or key or path.stem})


@functools.lru_cache(maxsize=64)
def _header_entry(path: Path, _mtime_ns: int, words: int) -> LibraryEntry:
    """read_entry once per version of the file: every register and search page lists the texts."""
    return read_entry(path, words)


def read_text(path: Path) -> Text:
    path = Path(path)
    mtime = path.stat().st_mtime_ns
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False)).getroot()
    key = root.get(XML_ID) or path.stem
    facts = _header_facts(root.find(tei("teiHeader")))
    text = root.find(tei("text"))
    entry = Text(key=key, path=path, mtime_ns=mtime, words=words_read(text) if text is not None else 0,
                 root=root, **{**facts, "title": facts["title"] or key})
    if text is not None:
        _paginate(entry, text)
    return entry


def _paginate(entry: Text, text: etree._Element) -> None:
    part_titles = {"front": "Front matter", "body": "Text", "back": "Back matter"}
    page_elements: dict[etree._Element, str] = {}

    def add_div(div: etree._Element, level: int, page_id: str | None, trail: tuple[str, ...] = ()) -> None:
        div_id = div.get(XML_ID)
        split = False
        if is_notes_shell(div):
            return
        if page_id is None and div_id:
            page_id = div_id
            chars = _chars(div)
            entry.pages.append(Page(div_id, head_text(div), level, chars, trail, div.find(tei("head")) is not None))
            page_elements[div] = div_id
            split = chars > PAGE_CHARS
        if div_id:
            entry.toc.append(TocEntry(div_id, head_text(div), level, page_id))
        for child in div.iterchildren(tei("div")):
            add_div(child, level + 1, None if split else page_id, (*trail, head_text(div)))

    for name in PARTS:
        part = text.find(tei(name))
        if part is None:
            continue
        loose = [c for c in part if isinstance(c.tag, str) and c.tag != tei("div")]
        if loose:
            entry.pages.append(Page(name, part_titles[name], 1, sum(_chars(c) for c in loose)))
            entry.toc.append(TocEntry(name, part_titles[name], 1, name))
            page_elements[part] = name
        for div in part.iterchildren(tei("div")):
            add_div(div, 1, None)

    # every xml:id lives on the page of its nearest ancestor that is a page
    for node in text.iter():
        node_id = node.get(XML_ID) if isinstance(node.tag, str) else None
        if not node_id or node_id in entry.page_of:
            continue
        ancestor = node
        while ancestor is not None and ancestor not in page_elements:
            ancestor = ancestor.getparent()
        if ancestor is not None:
            entry.page_of[node_id] = page_elements[ancestor]
    entry.page_elements = {page_id: element for element, page_id in page_elements.items()}


def page_document(text: Text, page_id: str) -> str:
    """A small TEI document holding only one page: Saxon parses a chapter, not
    the book. Divisions that are pages of their own keep only their head (the
    page links to them)."""
    source = text.page_elements[page_id]
    document = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
    holder = etree.SubElement(etree.SubElement(document, tei("text")), tei(page_id if page_id in PARTS else "body"))
    if page_id in PARTS:
        for child in source:
            if child.tag != tei("div"):
                holder.append(copy.deepcopy(child))
    else:
        holder.append(_copy_without_sub_pages(source, set(text.page_elements) - {page_id}))
    return etree.tostring(document, encoding="unicode")


def _copy_without_sub_pages(element: etree._Element, other_pages: set[str]) -> etree._Element:
    clone = etree.Element(element.tag, dict(element.attrib), nsmap=element.nsmap)
    clone.text, clone.tail = element.text, element.tail
    if element.tag == tei("div") and element.get(XML_ID) in other_pages:
        head = element.find(tei("head"))
        if head is not None:
            clone.append(copy.deepcopy(head))
        clone.text = None
        return clone
    for child in element:
        if isinstance(child.tag, str) and child.tag == tei("div"):
            clone.append(_copy_without_sub_pages(child, other_pages))
        else:
            clone.append(copy.deepcopy(child))
    return clone


def header_document(path: Path) -> str:
    """The teiHeader alone, in a TEI root, for the header view: the text is not read."""
    for _event, element in etree.iterparse(str(path), tag=tei("teiHeader"), resolve_entities=False,
                                           no_network=True, collect_ids=False):
        document = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
        document.append(copy.deepcopy(element))
        return etree.tostring(document, encoding="unicode")
    return etree.tostring(etree.Element(tei("TEI"), nsmap={None: TEI_NS}), encoding="unicode")


def text_key(path: Path) -> str:
    """The root's xml:id, read without parsing the whole file."""
    for _event, element in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                           no_network=True, collect_ids=False):
        return element.get(XML_ID) or Path(path).stem
    return Path(path).stem


class TextLibrary:
    """The texts of one TEI folder, re-read when a file changes."""

    def __init__(self, tei_dir: Path):
        self.tei_dir = Path(tei_dir)
        self._texts: dict[Path, Text] = {}
        self._keys: dict[Path, tuple[int, str]] = {}
        self._lock = threading.Lock()

    def files(self) -> list[Path]:
        # a file that cannot be parsed is left out; the pages name it (viewer.unsound_files)
        return sound(sorted(p for p in self.tei_dir.glob("*.xml") if p.name not in REGISTER_FILES))

    def texts(self) -> list[Text]:
        return [self._read(path) for path in self.files()]

    def entries(self, word_counts: dict[str, int] | None = None) -> list[LibraryEntry]:
        """The library: headers only (fast), words from word_counts ({file name: words},
        the search index's) or, failing that, from reading the whole text."""
        result = []
        for path in self.files():
            text = self._texts.get(path)
            if text is not None and text.mtime_ns == path.stat().st_mtime_ns:
                result.append(text)
            elif word_counts is not None and path.name in word_counts:
                result.append(_header_entry(path, path.stat().st_mtime_ns, word_counts[path.name]))
            else:
                result.append(self._read(path))
        return result

    def _read(self, path: Path) -> Text:
        mtime = path.stat().st_mtime_ns
        cached = self._texts.get(path)
        if cached is None or cached.mtime_ns != mtime:
            with self._lock:
                # another thread may have read it while this one waited
                cached = self._texts.get(path)
                if cached is None or cached.mtime_ns != mtime:
                    cached = self._texts[path] = read_text(path)
        return cached

    def get(self, key: str) -> Text | None:
        """One text by its key: only that file is read, the others are not."""
        for path in self.files():
            mtime = path.stat().st_mtime_ns
            known = self._keys.get(path)
            if known is None or known[0] != mtime:
                known = self._keys[path] = (mtime, text_key(path))
            if known[1] == key:
                return self._read(path)
        return None


@dataclass
class RegisterEntry:
    id: str
    name: str
    dates: str
    description: str
    sort_name: str = ""   # 'Stalin, Joseph Vissarionovich': how an index and a choice list order persons

    def __post_init__(self):
        self.sort_name = self.sort_name or self.name


def read_register(path: Path, register: str) -> list[RegisterEntry]:
    if not path.is_file() or fault(path):  # an unreadable register reads as empty; the pages name it
        return []
    return _read_register(path, path.stat().st_mtime_ns, register)


@functools.lru_cache(maxsize=16)
def _read_register(path: Path, _mtime_ns: int, register: str) -> list[RegisterEntry]:
    """Read once per version of the file (the mtime is part of the cache key)."""
    _file, entry_tag, name_tag, _title = REGISTERS[register]
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False)).getroot()
    entries = []
    for element in root.iter(tei(entry_tag)):
        entry_id = element.get(XML_ID)
        if not entry_id:
            continue
        name = element.find(tei(name_tag))
        # the register writes its dates out (birth when="1883-07-18" reads '18 July 1883'): shown as written
        dates = " – ".join((_clean("".join(d.itertext())) or d.get("when") or "")
                           for d in (element.find(tei("birth")), element.find(tei("death"))) if d is not None)
        note = element.find(tei("note"))
        if note is None:
            note = element.find(tei("desc"))
        full_name = _clean("".join(name.itertext())) if name is not None else entry_id
        entries.append(RegisterEntry(entry_id, full_name, dates,
                                     _clean("".join(note.itertext())) if note is not None else "",
                                     _inverted_name(name) if name is not None and register == "persons" else full_name))
    return entries


def _inverted_name(name: etree._Element) -> str:
    """A person's name family name first: 'Stalin, Joseph Vissarionovich'."""
    surname = name.find(tei("surname"))
    whole = _clean("".join(name.itertext()))
    if surname is None:
        # 'I. P. Aleksakhin': a person's name without its parts marked ends with the family name;
        # a party name in brackets after it is no family name ('Yan Berzin (Ziemelis)' -> 'Berzin, Yan (Ziemelis)')
        named, aside = re.fullmatch(r"(.*?)\s*((?:\([^)]*\)|\[[^\]]*\])?)", whole).groups()
        first, _, last = named.rpartition(" ")
        return " ".join(filter(None, (f"{last}, {first}" if first else named, aside)))
    family = _clean("".join(surname.itertext()))
    rest = _clean(" ".join("".join(part.itertext()) for part in name if part is not surname and isinstance(part.tag, str)))
    return f"{family}, {rest}" if rest else family or whole
