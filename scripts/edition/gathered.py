"""Structures gathered from several blocks: entries and glosses that run over pages,
epigraphs, transcribed facsimiles (part of the structure stage, step 6)."""

from __future__ import annotations

import re

from lxml import etree

from . import SOURCE_LINE, XML_LANG, tei
from .blocks import CONTINUATION_START, HARD_BREAK, Block, set_text
from .joins import continues
from .model import Document
from .patterns import guarded

# 6. gathered structures: entries, glosses, epigraphs, facsimile transcriptions

SCRIPT_LETTERS = {
    "Cyrillic": re.compile(r"[\u0400-\u04FF]"),
    "Latin": re.compile(r"[A-Za-z\u00C0-\u024F]"),
    "Georgian": re.compile(r"[\u10A0-\u10FF]"),
}
HEADING_MARKS = re.compile(r"^#{1,6}\s+")
RULE_LINE = re.compile(r"^[-*_\s]{3,}$")


def gather_structures(doc: Document, blocks: list[Block]) -> None:
    """Entries that run over several blocks, headings that continue a heading,
    epigraphs, and markdown heading marks that head no division.

    - A [[structures]] rule with `continuation = "join"` (a glossary, a list
      of biographical notes) makes every paragraph of its division that does
      not open a new entry the continuation of the entry before: a page break
      split it. The join is marked like any mended page break.
    - A [[headings]] rule with `after_head = true` matches only right after a
      heading: it is that heading's second line (a subtitle), not a division.
    - A [[structures]] rule of kind "epigraph" matches the attribution line;
      the short blocks between a heading and it are the epigraph's quotation.
    """
    stats = doc.stage_report("structure")
    joining = [r for r in doc.profile.rules("structures") if r.get("continuation") == "join"]
    out: list[Block] = []
    current_entry: Block | None = None
    for block in blocks:
        if block.kind == "head":
            current_entry = None
        elif block.kind in ("gloss", "entry"):
            current_entry = block
        elif (current_entry is not None and block.kind == "p" and block.region == current_entry.region
              and any(r["kind"] == current_entry.kind for r in joining)):
            current_entry.mended_from.append(block.first_line)
            current_entry.text = current_entry.text.rstrip() + " \uE000" + block.text
            current_entry.lines = current_entry.lines + block.lines
            stats["entry_joins"] = stats.get("entry_joins", 0) + 1  # page breaks mended in entries
            continue
        else:
            current_entry = None
        if block.kind == "epigraph":
            # the quotation: the blocks since the last heading (at most three)
            quoted: list[Block] = []
            while out and out[-1].kind in ("p", "figure") and len(quoted) < 3:
                quoted.insert(0, out.pop())
            if out and out[-1].kind in ("head", "subhead") and quoted:
                block.members = _mend_quotation(quoted, stats)
                stats["epigraphs"] = stats.get("epigraphs", 0) + 1
            else:
                out.extend(quoted)
                block.kind = "p"
        if block.kind not in ("head", "subhead") and HEADING_MARKS.search(block.text):
            # markdown heading syntax that heads no division (a facsimile's
            # title, a title page line): the marks go, recorded
            doc.remove(block.first_line, "markdown-heading-mark", HEADING_MARKS.search(block.text).group(0))
            block.text = HEADING_MARKS.sub("", block.text)
        out.append(block)
    blocks[:] = out
    for block in blocks:
        if block.kind in ("gloss", "entry"):
            _split_entry(doc, block)


def _mend_quotation(quoted: list[Block], stats: dict) -> list[Block]:
    """An epigraph's lines cut by a page ("Well, I conducted organizational work in*" |
    "*the Central Committee") are one paragraph, read as any page break is."""
    mended = quoted[:1]
    for block in quoted[1:]:
        previous = mended[-1]
        if previous.kind == block.kind == "p" and continues(previous, block):
            previous.mended_from.append(block.first_line)
            previous.text = previous.text.rstrip() + " \uE000" + block.text
            previous.lines = previous.lines + block.lines
            stats["epigraph_joins"] = stats.get("epigraph_joins", 0) + 1
        else:
            mended.append(block)
    return mended


def _split_entry(doc: Document, block: Block) -> None:
    """Take the label (a glossed term, a person's name) off the entry's text."""
    for rule in doc.profile.rules("structures"):
        if rule.get("kind") != block.kind:
            continue
        m = guarded(rule["pattern"]).search(block.text)
        if not m:
            continue
        group = "label" if "label" in m.re.groupindex else "name"
        before = block.text[:m.start(group)]
        if before.strip():
            doc.remove(block.first_line, "markdown-list-mark", before)
        block.label = m.group(group).strip()
        block.text = block.text[m.end(group):]
        if block.kind == "gloss":
            # the separator between term and gloss (": ", "** :") is not text
            sep = re.match(r"^(?:\s*\*\*)?\s*:(?:\*\*)?\s*", block.text)
            if sep:
                block.text = block.text[sep.end():]
        return


def is_subheading(rule: dict, previous: Block | None) -> bool:
    return bool(rule.get("after_head")) and previous is not None and previous.kind in ("head", "subhead")


def gather_transcriptions(doc: Document, blocks: list[Block]) -> None:
    """A run of blocks in another script (a facsimile's transcription) is a figure.

    The profile's [figures] table names the script and language of the
    transcriptions (`transcription_script = "Cyrillic"`, `transcription_lang =
    "ru"`). A run is a sequence of blocks in that script; blocks without
    letters ("1 9 2 8") or mixing scripts are taken in when the run goes on
    after them. Markdown heading marks inside a run head no division. The
    blocks right after the run that are captions (a caption rule's kind
    "figure", or short blocks not continuing a sentence, up to
    `caption_max_blocks`) become the figure's head.
    """
    settings = doc.profile.table("figures")
    script = SCRIPT_LETTERS.get(settings.get("transcription_script", ""))
    if script is None:
        return
    base = SCRIPT_LETTERS.get(settings.get("base_script", "Latin"))
    lang = settings.get("transcription_lang")
    max_captions = int(settings.get("caption_max_blocks", 2))
    max_chars = int(settings.get("caption_max_chars", 300))
    stats = doc.stage_report("structure")

    def foreign(block: Block) -> bool:
        return (block.kind in ("p", "figure") and block.region in ("body", "back")
                and len(script.findall(block.text)) > len(base.findall(block.text)))

    def neutral(block: Block) -> bool:
        return block.kind in ("p", "milestone") and (
            not re.search(r"[^\W\d_]", block.text) or bool(script.search(block.text)))

    out: list[Block] = []
    i = 0
    while i < len(blocks):
        if not foreign(blocks[i]):
            out.append(blocks[i])
            i += 1
            continue
        run = [blocks[i]]
        j = i + 1
        while j < len(blocks):
            if foreign(blocks[j]):
                run.append(blocks[j])
                j += 1
                continue
            k = j
            while k < len(blocks) and k - j < 3 and neutral(blocks[k]) and not foreign(blocks[k]):
                k += 1
            if k > j and k < len(blocks) and foreign(blocks[k]):
                run.extend(blocks[j:k])
                j = k
                continue
            break
        while j < len(blocks) and blocks[j].kind == "p" and not re.search(r"[^\W\d_]", blocks[j].text):
            run.append(blocks[j])  # a date or number closing the facsimile
            j += 1
        captions: list[Block] = []
        while j < len(blocks) and len(captions) < max_captions:
            nxt = blocks[j]
            # a further caption block belongs to this figure when the caption
            # before it left a quotation open, or when a heading follows it;
            # otherwise it captions a picture of its own (a portrait)
            further = (not captions or j + 1 >= len(blocks) or blocks[j + 1].kind == "head"
                       or _open_quotation(captions[-1].text))
            if further and (nxt.kind == "figure" or (
                    nxt.kind == "p" and len(nxt.text) <= max_chars and not CONTINUATION_START.search(nxt.text)
                    and not RULE_LINE.match(nxt.text))):
                captions.append(nxt)
                j += 1
            else:
                break
        figure = Block("transcription", run[0].lines, region=run[0].region,
                       attrs={"lang": lang} if lang else {}, region_rule=run[0].region_rule)
        for member in run:
            if RULE_LINE.match(member.text):
                continue  # a rule drawn in the facsimile: no text
            if HEADING_MARKS.search(member.text):
                doc.remove(member.first_line, "markdown-heading-mark", HEADING_MARKS.search(member.text).group(0))
                member.text = HEADING_MARKS.sub("", member.text)
            facsimile_lines(doc, member)
            figure.members.append(member)
        figure.captions = captions
        out.append(figure)
        stats["facsimile_transcriptions"] = stats.get("facsimile_transcriptions", 0) + 1
        i = j
    blocks[:] = out


CELL_SEPARATOR = "\t"


def facsimile_lines(doc: Document, member: Block) -> None:
    """A transcribed facsimile keeps its lines: a form's rows become a table,
    the lines of a title page or a signature stay apart with <lb/>.

    A block whose lines hold tab-separated columns (a ration card's coupons, a
    protocol's "СЛУШАЛИ | ПОСТАНОВИЛИ") is a table, one row per line, one cell
    per column; a row with fewer columns keeps the cells it has. In any other
    block of several lines the line ends are the print's and stay <lb/>; a
    word divided at a line end keeps its hyphen before <lb break="no"/>, so
    the hyphenation mended while the block was made is taken back.
    """
    if len(member.lines) < 2 and CELL_SEPARATOR not in member.text:
        return
    hyphenated = {line.number for line in member.lines[1:]}
    doc.removals[:] = [r for r in doc.removals
                       if not (r.rule == "hyphenation" and r.line in hyphenated)]
    lines = [HARD_BREAK.sub("", line.text.strip()) for line in member.lines]
    if any(CELL_SEPARATOR in line.text for line in member.lines):
        member.kind = "table"
        member.text = "\uE001".join(lines)
        return
    member.text = "\uE001".join(lines)


def _facsimile_table(member: Block) -> etree._Element:
    table = etree.Element(tei("table"))
    table.set(SOURCE_LINE, str(member.first_line))
    for line, text in zip(member.lines, member.text.split("\uE001")):
        row = etree.SubElement(table, tei("row"))
        row.set(SOURCE_LINE, str(line.number))
        for value in text.split(CELL_SEPARATOR):
            cell = etree.SubElement(row, tei("cell"))
            cell.text = value.strip()
            cell.set(SOURCE_LINE, str(line.number))
    return table


def _open_quotation(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def make_gathered(block: Block) -> etree._Element:
    """The element of a gathered block: a transcribed facsimile or an epigraph."""
    if block.kind == "transcription":
        figure = etree.Element(tei("figure"), {"type": "facsimile"})
        figure.set(SOURCE_LINE, str(block.first_line))
        for caption in block.captions:
            set_text(etree.SubElement(figure, tei("head")), caption)
        for member in block.members:
            if member.kind == "table":
                element = _facsimile_table(member)
            else:
                element = etree.SubElement(figure, tei("p"))
                set_text(element, member)
            figure.append(element)
            if block.attrs.get("lang"):
                element.set(XML_LANG, block.attrs["lang"])
        return figure
    epigraph = etree.Element(tei("epigraph"))
    epigraph.set(SOURCE_LINE, str(block.first_line))
    quote = etree.SubElement(epigraph, tei("quote"))
    for member in block.members:
        set_text(etree.SubElement(quote, tei("p")), member)
    set_text(etree.SubElement(epigraph, tei("bibl")), block)
    return epigraph


def add_entry(container: etree._Element, block: Block, previous):
    """A glossed term (label + item) or a biographical entry (item with persName)."""
    prev_element, prev_kind = previous if previous else (None, None)
    if prev_kind == block.kind:
        group = prev_element
    else:
        group = etree.SubElement(container, tei("list"),
                                 {"type": block.attrs.get("type", "gloss" if block.kind == "gloss" else "entries")})
        group.set(SOURCE_LINE, str(block.first_line))
    if block.kind == "gloss":
        label = etree.SubElement(group, tei("label"))
        label.text = block.label
        label.set(SOURCE_LINE, str(block.first_line))
        set_text(etree.SubElement(group, tei("item")), block)
    else:
        item = etree.SubElement(group, tei("item"))
        set_text(item, block)
        name = etree.Element(tei(block.attrs.get("name_element", "persName")))
        name.text = block.label
        name.tail, item.text = item.text, None
        item.insert(0, name)
    return group, block.kind
