"""Stage 3, structure: group lines into blocks and blocks into a TEI text.

Generic steps, each driven by the profile:

1. regions   - line ranges declared as front, body, back, or kept-but-not-
               reading-text (a garbled contents, a note-link index).
2. blocks    - runs of non-blank lines; hard line breaks and end-of-line
               hyphenation inside a block are mended (and counted).
3. classify  - a block is a heading, a list item, a figure caption, a block
               quotation... when a profile rule says so; otherwise a paragraph.
4. mend      - a paragraph split by a page break (it ends mid-sentence and the
               next paragraph continues in lower case) is joined; the join
               point carries <pb type="mended"/>. Blocks that stood in the
               way (a caption inserted mid-sentence) are moved after it.
5. build     - headings open nested <div>s; blocks become elements.

Inline text is left as the source has it (markdown emphasis, note markers);
the `notes` and `markup` stages interpret it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from . import SOURCE_LINE, TEI_NS, tei
from .model import Document, Line

TERMINAL = re.compile(r"""[.!?:;…"”’»)\]*_>]\s*$|\d\)?$""")
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

    @property
    def first_line(self) -> int:
        return self.lines[0].number if self.lines else 0


def structure(doc: Document) -> Document:
    regions = assign_regions(doc)
    blocks = make_blocks(doc, regions)
    classify(doc, blocks)
    blocks = mend_page_breaks(doc, blocks)
    doc.tei = build_tree(doc, blocks)
    return doc


# 1. regions -----------------------------------------------------------------

def assign_regions(doc: Document) -> dict[int, dict]:
    """Map line number -> region rule (a dict with at least 'role')."""
    result: dict[int, dict] = {}
    lines = doc.lines
    for rule in doc.profile.rules("regions"):
        start = rule.get("start")
        end = rule.get("end")
        if "start_pattern" in rule:
            start = _find_line(lines, rule["start_pattern"], after=rule.get("after", 0))
        if "end_pattern" in rule:
            end = _find_line(lines, rule["end_pattern"], after=start or 0)
        if start is None:
            doc.warn(None, f"region {rule.get('role')}: start not found")
            continue
        end = end if end is not None else lines[-1].number
        for n in range(start, end + 1):
            result[n] = rule
    return result


def _find_line(lines: list[Line], pattern: str, after: int = 0) -> int | None:
    rx = re.compile(pattern)
    for line in lines:
        if line.number > after and rx.search(line.text):
            return line.number
    return None


# 2. blocks ------------------------------------------------------------------

def make_blocks(doc: Document, regions: dict[int, dict]) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []
    current_region: dict | None = None

    def flush():
        nonlocal current
        if current:
            region = current_region or {"role": "body"}
            blocks.append(Block("p", current, region=region.get("role", "body"),
                                attrs={k: str(v) for k, v in region.items()
                                       if k in ("type", "reason")}))
        current = []

    for line in doc.lines:
        region = regions.get(line.number)
        if region is not None and region.get("role") == "omit":
            # recorded, not rendered: e.g. a duplicated title block
            doc.remove(line.number, region.get("reason", "omitted-region"), line.text)
            flush()
            continue
        if not line.text.strip():
            flush()
            continue
        if region is not current_region:
            flush()
            current_region = region
        current.append(line)
    flush()
    for block in blocks:
        block.text = join_lines(doc, block.lines)
    return blocks


HARD_BREAK = re.compile(r"(  |\\)$")
HYPHEN_BREAK = re.compile(r"(\w)-$")


def join_lines(doc: Document, lines: list[Line]) -> str:
    """Join the lines of one block into one string, mending line-end hyphens."""
    out = ""
    for line in lines:
        text = line.text.strip()
        if not out:
            out = text
            continue
        if HARD_BREAK.search(out):
            out = HARD_BREAK.sub("", out)
            doc.stage_report("structure").setdefault("hard_breaks", 0)
            doc.report["structure"]["hard_breaks"] += 1
        if HYPHEN_BREAK.search(out) and text[:1].islower():
            doc.stage_report("structure").setdefault("hyphenation_mended", 0)
            doc.report["structure"]["hyphenation_mended"] += 1
            left = re.search(r"\w+-$", out).group(0)
            right = re.match(r"\w+", text)
            doc.remove(line.number, "hyphenation", left + (right.group(0) if right else ""))
            out = out[:-1] + text
        else:
            out = out + " " + text
    return HARD_BREAK.sub("", out)


# 3. classify ----------------------------------------------------------------

def classify(doc: Document, blocks: list[Block]) -> None:
    heading_rules = [(re.compile(r["pattern"]), r) for r in doc.profile.rules("headings")]
    structure_rules = [(re.compile(r["pattern"]), r) for r in doc.profile.rules("structures")
                       if "pattern" in r]
    for block in blocks:
        region_kind = block.attrs.get("type")
        if block.region not in ("front", "body", "back"):
            block.kind = block.region  # e.g. 'contents': kept, not reading text
            continue
        for rx, rule in heading_rules:
            if rule.get("region") and rule["region"] != block.region:
                continue
            m = rx.search(block.text)
            if m and (len(block.lines) == 1 or rule.get("multiline")):
                block.kind = "head"
                if rule.get("level_from") == "hashes":
                    block.level = len(m.group(1))
                else:
                    block.level = int(rule.get("level", 1))
                block.attrs = {"type": rule.get("type", "section")}
                if "title" in rx.groupindex and m.group("title"):
                    block.text = m.group("title").strip()
                if "n" in rx.groupindex and m.group("n"):
                    block.attrs["n"] = m.group("n")
                break
        else:
            for rx, rule in structure_rules:
                if rx.search(block.text):
                    block.kind = rule["kind"]
                    break
        del region_kind


# 4. mend page breaks --------------------------------------------------------

def mend_page_breaks(doc: Document, blocks: list[Block]) -> list[Block]:
    """Join paragraphs that a page break cut mid-sentence.

    A paragraph that does not end a sentence, followed (possibly after blocks
    that a page break inserted: captions, figures) by a paragraph that starts
    in lower case, is one paragraph. Intervening blocks are moved after it.
    """
    settings = doc.profile.table("joins")
    if settings.get("enabled", True) is False:
        return blocks
    movable = set(settings.get("movable", ["figure"]))
    out: list[Block] = []
    joins = 0
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        moved: list[Block] = []
        while block.kind == "p":
            j = i
            while j < len(blocks) and blocks[j].kind in movable:
                j += 1
            if j < len(blocks) and continues(block, blocks[j]):
                nxt = blocks[j]
                moved.extend(blocks[i:j])
                block.mended_from.append(nxt.first_line)
                block.text = block.text + "\uE000" + nxt.text  # the join point
                block.lines = block.lines + nxt.lines
                joins += 1
                i = j + 1
            else:
                break
        out.append(block)
        out.extend(moved)
    doc.stage_report("structure")["page_break_joins"] = joins
    return out


def continues(block: Block, nxt: Block) -> bool:
    return (nxt.kind == "p" and nxt.region == block.region
            and not TERMINAL.search(block.text)
            and bool(CONTINUATION_START.search(nxt.text)))


# 5. build -------------------------------------------------------------------

def build_tree(doc: Document, blocks: list[Block]) -> etree._Element:
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
    text = etree.SubElement(root, tei("text"))
    parts = {}
    for name in ("front", "body", "back"):
        parts[name] = etree.Element(tei(name))
    stacks = {name: [(0, parts[name])] for name in parts}
    counts: dict[str, int] = {}
    for block in blocks:
        region = block.region if block.region in parts else _region_of_kept(block)
        stack = stacks[region]
        if block.kind == "head":
            while stack[-1][0] >= block.level:
                stack.pop()
            div = etree.SubElement(stack[-1][1], tei("div"), block.attrs)
            head = etree.SubElement(div, tei("head"))
            _set_text(head, block)
            stack.append((block.level, div))
        else:
            element = make_element(block)
            stack[-1][1].append(element)
        counts[block.kind] = counts.get(block.kind, 0) + 1
    for name in ("front", "body", "back"):
        if len(parts[name]) or name == "body":
            if name == "body" and not len(parts[name]):
                etree.SubElement(parts[name], tei("p"))
            text.append(parts[name])
    doc.stage_report("structure").update({f"blocks_{k}": v for k, v in sorted(counts.items())})
    return root


def _region_of_kept(block: Block) -> str:
    return "front" if block.attrs.get("place") == "front" else "front"


def make_element(block: Block) -> etree._Element:
    if block.kind == "item":
        element = etree.Element(tei("list"))
        item = etree.SubElement(element, tei("item"))
        _set_text(item, block)
        return element
    if block.kind == "quote":
        element = etree.Element(tei("quote"))
        p = etree.SubElement(element, tei("p"))
        _set_text(p, block)
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind in ("p", "figure"):
        tag = "p" if block.kind == "p" else "figure"
        element = etree.Element(tei(tag))
        if tag == "figure":
            _set_text(etree.SubElement(element, tei("head")), block)
            element.set(SOURCE_LINE, str(block.first_line))
        else:
            _set_text(element, block)
        return element
    # kept-but-not-reading-text regions (garbled contents, link index...)
    element = etree.Element(tei("div"), {"type": block.kind})
    ab = etree.SubElement(element, tei("ab"))
    _set_text(ab, block)
    return element


def _set_text(element: etree._Element, block: Block) -> None:
    """Put the block's text into the element; join points become <pb/>."""
    element.set(SOURCE_LINE, str(block.first_line))
    pieces = block.text.split("\uE000")
    element.text = pieces[0]
    for line_no, piece in zip(block.mended_from, pieces[1:]):
        pb = etree.SubElement(element, tei("pb"), {"type": "mended"})
        pb.set(SOURCE_LINE, str(line_no))
        pb.tail = piece
