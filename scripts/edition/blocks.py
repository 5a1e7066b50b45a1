"""The blocks the structure stage works on: runs of source lines, each of one kind.

`structure` makes them from the lines and classifies them; `joins` mends the
paragraphs a page break cut; `damage` marks where the received text lost words
or a line strayed; then `structure` builds the TEI tree from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from . import SOURCE_LINE, XML_LANG, tei
from .model import Line
from .tree import replace_slot

TERMINAL = re.compile(r"""[.!?:;…"”’»)\]*_>]\s*$|\d\)?$""")
TERMINAL_PUNCTUATION = re.compile(r"""[.!?:;…"”’»)\]*_>]\s*$""")
CONTINUATION_START = re.compile(r"^[a-zа-яё(\[“\"'‘-]")


@dataclass
class Block:
    kind: str  # p, head, item, quote, figure, contents, ...
    lines: list[Line]
    region: str = "body"
    level: int = 0
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""
    mended_from: list[int] = field(default_factory=list)  # line numbers of joins
    lost_before: set[int] = field(default_factory=set)  # joins (their line numbers) over lost words
    region_rule: dict = field(default_factory=dict)  # the [[regions]] rule it falls in
    head_rule: dict = field(default_factory=dict)  # for heads: the [[headings]] rule
    sic: str = ""  # for heads: the received number when the profile corrects it
    label: str = ""  # for glosses and entries: the term or name the entry is about
    members: list = field(default_factory=list)  # blocks gathered into this one
    captions: list = field(default_factory=list)  # for transcriptions: caption blocks

    @property
    def first_line(self) -> int:
        return self.lines[0].number if self.lines else 0


HARD_BREAK = re.compile(r"(  |\\)$")
UNFINISHED_HYPHEN = re.compile(r"[^\W\d_]-\s*$")


def set_text(element: etree._Element, block: Block) -> None:
    """Put the block's text into the element; join points become <pb/>."""
    element.set(SOURCE_LINE, str(block.first_line))
    if block.region_rule.get("lang"):
        element.set(XML_LANG, block.region_rule["lang"])
    pieces = block.text.split("\uE000")
    element.text = pieces[0]
    for line_no, piece in zip(block.mended_from, pieces[1:]):
        pb = etree.SubElement(element, tei("pb"), {"type": "mended"})
        pb.set(SOURCE_LINE, str(line_no))
        pb.tail = piece
    if "\uE001" in block.text:
        line_breaks(element)


def line_breaks(element: etree._Element) -> None:
    """Kept line breaks (U+E001, see `keep_line_breaks`) become <lb/>."""
    slots = [(element, None)] + [(element, child) for child in element]
    for parent, after in slots:
        text = parent.text if after is None else after.tail
        if not text or "\uE001" not in text:
            continue
        pieces = text.split("\uE001")
        breaks = []
        for before, piece in zip(pieces, pieces[1:]):
            lb = etree.Element(tei("lb"))
            if UNFINISHED_HYPHEN.search(before) and piece[:1].isalpha():
                lb.set("break", "no")  # "ГОСУДАР-<lb break="no"/>СТВЕННОГО"
            lb.tail = "\n" + piece  # so that plain-text readers keep the words apart
            breaks.append(lb)
        replace_slot(parent, after, pieces[0], breaks)
