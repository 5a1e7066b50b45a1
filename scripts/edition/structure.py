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
               Where the received text evidently lost words, a gap (reason
               lost) and an editorial note say so; a line out of its place
               is marked seg type="displaced" and left where it stands.
               (`joins` mends, `damage` marks; `gathered` makes entries,
               epigraphs and transcriptions of several blocks; `blocks` holds
               the Block they all work on.)
5. build     - headings open nested <div>s; blocks become elements.

Inline text is left as the source has it (markdown emphasis, note markers);
the `notes` and `markup` stages interpret it.

What the profile can say, by table (see the three profiles of Gurdzhiyev,
Furr and Medvedev for worked examples):

- [[regions]]   start/end or start_pattern/end_pattern, role (front, body,
                back, contents, omit); `div = "preface"` makes the region one
                division of its own; `keep_lines` keeps each line a block;
                `floating = "letter"` makes it a floatingText (a quoted letter).
- [[headings]]  pattern (groups `title`, `n`), level, type; `content` makes
                every block under the heading one kind (bibl, p) except those
                matching `content_except`; `sequence = true` checks numbers
                against their place (sic/corr), `supply_first_after = TYPE`
                supplies a lost first number.
- [[structures]] pattern, kind (item, quote, figure, figure_p, trailer,
                milestone, dateline, sp, byline, titlePart, docImprint, opener,
                salute, signed...), optional region, within (a division
                type), lines = [first, last]; milestones take `unit`, `rule`,
                `close_level`, `ends_content`.
- [blocks]      split_before (lines that start a block: "- " note bodies),
                verse (min_lines, max_length, min_capitalised),
                keep_line_breaks (kinds whose lines stay apart with <lb/>).
- [joins]       not_before, after_capitalised, digits_end_sentence,
                closers_end_sentence, open_words, movable...;
                lower_case_continues (a paragraph opening in mid-sentence is
                the rest of the one before); lost_before, lost_after (joins
                and endings read as made over lost words); mark_lost
                (the evidence trusted for text lost at a page break:
                "hyphen", "fragment", "new_sentence"), not_lost,
                displaced_max_words (stray lines kept in place, marked).
- [quotes]      lead_in, exclude_lead_in, run_in, continuation, also.
"""

from __future__ import annotations

import re

from lxml import etree

from . import SOURCE_LINE, TEI_NS, tei
from .blocks import HARD_BREAK, Block, set_text
from .damage import displaced_lines, encode_damage, mark_damage
from .gathered import add_entry, gather_structures, gather_transcriptions, is_subheading, make_gathered
from .joins import first_list_items, mend_page_breaks
from .model import Document, Line
from .patterns import guarded

def structure(doc: Document) -> Document:
    regions = assign_regions(doc)
    blocks = make_blocks(doc, regions)
    classify(doc, blocks)
    gather_structures(doc, blocks)
    gather_transcriptions(doc, blocks)
    displaced = displaced_lines(doc, blocks)  # read before joins hide them
    blocks = mend_page_breaks(doc, blocks)
    first_list_items(doc, blocks)
    mark_damage(doc, blocks, displaced)
    mark_quotations(doc, blocks)
    doc.tei = build_tree(doc, blocks)
    encode_damage(doc)
    mark_lost_end(doc)
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
    rx = guarded(pattern)
    for line in lines:
        if line.number > after and rx.search(line.text):
            return line.number
    return None


# 2. blocks ------------------------------------------------------------------

def make_blocks(doc: Document, regions: dict[int, dict]) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []
    current_region: dict | None = None

    # a line that starts a block of its own even without a blank line before
    # it (e.g. "- 1. V.I. Lenin..." note bodies, one per line)
    split_before = [guarded(p) for p in doc.profile.table("blocks").get("split_before", [])]

    def flush():
        nonlocal current
        if current:
            region = current_region or {"role": "body"}
            blocks.append(Block("p", current, region=region.get("role", "body"),
                                attrs={k: str(v) for k, v in region.items()
                                       if k in ("type", "reason")},
                                region_rule=region))
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
        if current and (any(rx.search(line.text) for rx in split_before)
                        or (region is not None and region.get("keep_lines"))):
            # a region whose lines are kept apart (a garbled contents page)
            flush()
        current.append(line)
    flush()
    for block in blocks:
        block.text = join_lines(doc, block.lines)
    return blocks


HYPHEN_BREAK = re.compile(r"(\w)-$")


def join_lines(doc: Document, lines: list[Line]) -> str:
    """Join the lines of one block into one string, mending line-end hyphens.

    Linear in the block: each line looks only at the end of what is joined so
    far (`_Joined`); searching the whole growing paragraph for every line took
    54 s for a paragraph of 20,000 lines."""
    out = _Joined()
    for line in lines:
        text = line.text.strip()
        if not out.length:
            out.append(text)
            continue
        hard_break = HARD_BREAK.search(out.end(2))
        if hard_break:
            out.drop(len(hard_break.group(0)))
            doc.stage_report("structure").setdefault("hard_breaks", 0)
            doc.report["structure"]["hard_breaks"] += 1
        if HYPHEN_BREAK.search(out.end(2)) and text[:1].islower():
            doc.stage_report("structure").setdefault("hyphenation_mended", 0)
            doc.report["structure"]["hyphenation_mended"] += 1
            right = re.match(r"\w+", text)
            doc.remove(line.number, "hyphenation", out.last_word() + "-" + (right.group(0) if right else ""))
            out.drop(1)
            out.append(text)
        else:
            out.append(" ")
            out.append(text)
    hard_break = HARD_BREAK.search(out.end(2))
    if hard_break:
        out.drop(len(hard_break.group(0)))
    return "".join(out.parts)


class _Joined:
    """A string built by appending, whose end is read without joining it."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0

    def append(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def end(self, n: int) -> str:
        """The last n characters."""
        tail, i = "", len(self.parts)
        while len(tail) < n and i:
            i -= 1
            tail = self.parts[i][-n:] + tail
        return tail[-n:]

    def drop(self, n: int) -> None:
        """Remove the last n characters."""
        while n and self.parts:
            last = self.parts.pop()
            cut = min(n, len(last))
            if cut < len(last):
                self.parts.append(last[:-cut])
            self.length -= cut
            n -= cut

    def last_word(self) -> str:
        """The word (\\w+) just before the final character."""
        word, i, skip = "", len(self.parts), 1
        while i:
            i -= 1
            part = self.parts[i][:len(self.parts[i]) - skip] if skip else self.parts[i]
            skip = max(0, skip - len(self.parts[i]))
            run = TRAILING_WORD.search(part).group(0)
            word = run + word
            if len(run) < len(part):
                break
        return word


TRAILING_WORD = re.compile(r"\w*\Z")


# 3. classify ----------------------------------------------------------------

def classify(doc: Document, blocks: list[Block]) -> None:
    heading_rules = [(guarded(r["pattern"]), r) for r in doc.profile.rules("headings")]
    structure_rules = [(guarded(r["pattern"]), r) for r in doc.profile.rules("structures")
                       if "pattern" in r]
    verse = doc.profile.table("blocks").get("verse")
    division: dict = {}  # the heading rule of the division the block stands in
    previous: Block | None = None
    for block in blocks:
        if block.region not in ("front", "body", "back"):
            block.kind = block.region  # e.g. 'contents': kept, not reading text
            continue
        previous_block, previous = previous, block
        for rx, rule in heading_rules:
            if rule.get("region") and rule["region"] != block.region:
                continue
            m = rx.search(block.text)
            if m and rule.get("after_head") and not is_subheading(rule, previous_block):
                continue
            if m and (len(block.lines) == 1 or rule.get("multiline")):
                block.kind = "subhead" if rule.get("after_head") else "head"
                block.head_rule = rule
                if rule.get("level_from") == "hashes":
                    block.level = len(m.group(1))
                else:
                    block.level = int(rule.get("level", 1))
                block.attrs = {"type": rule.get("type", "section")}
                if "title" in rx.groupindex and m.group("title"):
                    block.text = m.group("title").strip()
                if "n" in rx.groupindex and m.group("n"):
                    block.attrs["n"] = m.group("n")
                if block.kind == "head":
                    division = rule
                break
        else:
            content = division.get("content")
            # a marker that ends the division's content (an installment
            # marker after a notes block) is not part of it
            ends_content = any(rule.get("ends_content") and rx.search(block.text)
                               for rx, rule in structure_rules)
            if ends_content:
                division = {}
                content = None
            if content and not (division.get("content_except")
                                and re.search(division["content_except"], block.text)):
                # e.g. every block under "Bibliography" is a bibl, under
                # "Footnotes" a note body that must stay a paragraph
                block.kind = content
                continue
            for rx, rule in structure_rules:
                if rule.get("region") and rule["region"] != block.region:
                    continue
                if rule.get("within") and rule["within"] != division.get("type"):
                    continue
                if rule.get("lines") and not rule["lines"][0] <= block.first_line <= rule["lines"][1]:
                    continue
                m = rx.search(block.text)
                if m:
                    block.kind = rule["kind"]
                    block.attrs.update({k: str(rule[k]) for k in ("type", "unit", "rule", "close_level")
                                        if k in rule})
                    if "n" in rx.groupindex and m.group("n"):
                        block.attrs["n"] = m.group("n")
                    if "speaker" in rx.groupindex:
                        # "Stalin: Who?" -> the label up to the colon, then the speech
                        block.attrs["speaker_end"] = str(m.end("speaker"))
                    if block.kind == "milestone":
                        # its words survive only in @n: recorded as removed
                        doc.remove(block.first_line, rule.get("rule", "milestone"), block.text)
                    break
            else:
                if verse and is_verse(block, verse):
                    block.kind = "lg"
    keep = set(doc.profile.table("blocks").get("keep_line_breaks", []))
    for block in blocks:
        if block.kind in keep and len(block.lines) > 1 and not block.mended_from:
            # "End of Part One" / "Go to Part Two in this issue.": two lines
            block.text = "\uE001".join(line.text.strip() for line in block.lines)
    number_divisions(doc, blocks)


def is_verse(block: Block, settings: dict) -> bool:
    """Short lines kept apart in the source, most of them capitalised: a poem."""
    lines = [line.text.strip() for line in block.lines]
    if len(lines) < int(settings.get("min_lines", 4)):
        return False
    if any(len(text) > int(settings.get("max_length", 60)) for text in lines):
        return False
    capitalised = sum(1 for text in lines if text[:1].isupper())
    return capitalised / len(lines) >= float(settings.get("min_capitalised", 0.7))


def number_divisions(doc: Document, blocks: list[Block]) -> None:
    """Check numbered headings against their sequence; supply a lost first one.

    A heading rule with `sequence = true` numbers its divisions 1, 2, 3...
    within the enclosing division (a heading of a higher level restarts the
    count). A received number that breaks the sequence (an OCR misreading:
    "31" for 8) is kept as the received reading and the division gets the
    number of its place. With `supply_first_after = TYPE`, a division of TYPE
    whose text begins without a number gets a first division whose number
    the edition supplies.
    """
    stats = doc.stage_report("structure")
    for rule in doc.profile.rules("headings"):
        if not rule.get("sequence"):
            continue
        level = int(rule.get("level", 1))
        expected = 1
        out: list[Block] = []
        pending_parent = False
        for block in blocks:
            if block.kind == "head" and block.level < level:
                expected = 1
                pending_parent = block.attrs.get("type") == rule.get("supply_first_after")
                out.append(block)
                continue
            if pending_parent and block.kind != "head":
                supplied = Block("head", [], region=block.region, level=level,
                                 attrs={"type": rule.get("type", "section"), "n": "1"},
                                 head_rule=rule, sic="", text="")
                supplied.attrs["supplied"] = "1"
                supplied.lines = [Line(block.first_line, "")]
                out.append(supplied)
                stats["numbers_supplied"] = stats.get("numbers_supplied", 0) + 1
                expected = 2
            pending_parent = False
            if block.kind == "head" and block.head_rule is rule:
                received = block.attrs.get("n", block.text)
                if received != str(expected):
                    block.sic = received
                    block.attrs["n"] = str(expected)
                    stats["numbers_corrected"] = stats.get("numbers_corrected", 0) + 1
                else:
                    block.attrs["n"] = received
                expected += 1
            out.append(block)
        blocks[:] = out


# 3b. block quotations -------------------------------------------------------

def mark_quotations(doc: Document, blocks: list[Block]) -> None:
    """Paragraphs the source sets off as quotations become quote.

    The rule of the profile's [quotes] table: a paragraph introduced by a
    lead-in ending with a colon, and not itself opening with a quotation mark
    (then the quotation is run in), is a block quotation; so is a paragraph
    that continues one (opening with an ellipsis). Lead-ins that announce a
    list or the author's own conclusion are excluded by pattern.
    """
    settings = doc.profile.table("quotes")
    if not settings:
        return
    lead_in = guarded(settings.get("lead_in", r":\s*$"))
    exclude = guarded(settings["exclude_lead_in"]) if settings.get("exclude_lead_in") else None
    run_in = guarded(settings.get("run_in", r"""^\s*["“‘'(\[-]"""))
    continuation = guarded(settings["continuation"]) if settings.get("continuation") else None
    also = [guarded(p) for p in settings.get("also", [])]
    count = 0
    previous: Block | None = None
    for block in blocks:
        if block.kind == "p" and block.region == "body" and previous is not None:
            introduced = (previous.kind == "p" and lead_in.search(previous.text)
                          and not (exclude and exclude.search(previous.text))
                          and not run_in.search(block.text))
            continued = (previous.kind == "quote" and continuation and continuation.search(block.text))
            if introduced or continued or any(rx.search(block.text) for rx in also):
                block.kind = "quote"
                count += 1
        previous = block
    doc.stage_report("structure")["block_quotations"] = count


# 5. build -------------------------------------------------------------------

# Kinds of block that gather into one container when they follow each other.
TITLE_PAGE = {"titlePart", "byline", "docAuthor", "docImprint", "docDate", "docEdition"}
GROUPED = {"item": "list", "bibl": "listBibl"}


def build_tree(doc: Document, blocks: list[Block]) -> etree._Element:
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
    text = etree.SubElement(root, tei("text"))
    parts = {}
    for name in ("front", "body", "back"):
        parts[name] = etree.Element(tei(name))
    stacks = {name: [(0, parts[name])] for name in parts}
    counts: dict[str, int] = {}
    region_div: dict[str, dict] = {}  # part -> the region rule whose div is open
    previous: tuple[etree._Element, str] | None = None  # last element made, its kind
    floating: tuple[dict, etree._Element] | None = None  # open floatingText: region rule, its body
    for block in blocks:
        region = block.region if block.region in parts else _region_of_kept(block)
        stack = stacks[region]
        wrapper = block.region_rule.get("div")
        if block.kind == "head":
            if region_div.get(region) and region_div[region] is not block.region_rule:
                # a heading outside the region that opened a division closes it
                del stack[1:]
                region_div[region] = None
            while stack[-1][0] >= block.level:
                stack.pop()
            attrs = {k: v for k, v in block.attrs.items() if k != "supplied"}
            div = etree.SubElement(stack[-1][1], tei("div"), attrs)
            head = etree.SubElement(div, tei("head"))
            _set_head(head, block)
            stack.append((block.level, div))
            previous = None
            floating = None
        elif block.kind == "subhead":
            # a heading's second line (a subtitle): a second head of the same div
            container = stack[-1][1]
            head = etree.SubElement(container, tei("head"), {"type": "sub"})
            set_text(head, block)
        else:
            if wrapper and region_div.get(region) is not block.region_rule:
                # a region declared as a division of its own (a preface, a
                # contents page): one div, opened at its first block
                del stack[1:]
                div = etree.SubElement(stack[0][1], tei("div"), {"type": wrapper})
                div.set(SOURCE_LINE, str(block.first_line))
                stack.append((0.5, div))
                region_div[region] = block.region_rule
                previous = None
            elif not wrapper and region_div.get(region) and stack[-1][0] == 0.5:
                del stack[1:]
                region_div[region] = None
            if block.attrs.get("close_level"):
                # a marker that stands between divisions (a journal installment)
                while len(stack) > 1 and stack[-1][0] >= int(block.attrs["close_level"]):
                    stack.pop()
            container = stack[-1][1]
            floating_type = block.region_rule.get("floating")
            if floating_type:
                # a region that is a text of its own inside the text (a quoted
                # letter with its opener and closer): floatingText/body
                if floating is None or floating[0] is not block.region_rule:
                    floating_text = etree.SubElement(container, tei("floatingText"), {"type": floating_type})
                    floating_text.set(SOURCE_LINE, str(block.first_line))
                    floating = (block.region_rule, etree.SubElement(floating_text, tei("body")))
                    previous = None
                container = floating[1]
            else:
                floating = None
            previous = add_block(container, block, previous)
        counts[block.kind] = counts.get(block.kind, 0) + 1
    for name in ("front", "body", "back"):
        if len(parts[name]) or name == "body":
            if name == "body" and not len(parts[name]):
                etree.SubElement(parts[name], tei("p"))
            text.append(parts[name])
    doc.stage_report("structure").update({f"blocks_{k}": v for k, v in sorted(counts.items())})
    return root


def _region_of_kept(block: Block) -> str:
    """Kept-but-not-reading-text regions live in front unless the rule says back."""
    return block.region_rule.get("place", "front")


def add_block(container: etree._Element, block: Block, previous):
    """Append the block's element; return (element, kind) for grouping the next one."""
    kind = block.kind
    prev_element, prev_kind = previous if previous else (None, None)
    if kind in ("gloss", "entry"):
        return add_entry(container, block, previous)
    if kind in ("transcription", "epigraph"):
        element = make_gathered(block)
        container.append(element)
        return element, kind
    if kind in TITLE_PAGE and container.tag in (tei("front"), tei("back")):
        page = prev_element if prev_kind == "titlePage" else etree.SubElement(container, tei("titlePage"))
        if kind == "titlePart":
            doc_title = page[-1] if len(page) and page[-1].tag == tei("docTitle") else etree.SubElement(page, tei("docTitle"))
            element = etree.SubElement(doc_title, tei("titlePart"))
            if block.attrs.get("type"):
                element.set("type", block.attrs["type"])
        else:
            element = etree.SubElement(page, tei(kind))
        set_text(element, block)
        return page, "titlePage"
    if kind in GROUPED:
        group = prev_element if prev_kind == kind else etree.SubElement(container, tei(GROUPED[kind]))
        element = etree.SubElement(group, tei(kind))
        if kind == "item":
            block.text = re.sub(r"^-\s+", "", block.text)  # the markdown bullet
        set_text(element, block)
        return group, kind
    if kind in ("opener", "salute"):
        # "To Comrades Mdivani..." / "Respected comrades!"
        opener = prev_element if prev_kind == "opener" else etree.SubElement(container, tei("opener"))
        if kind == "salute":
            set_text(etree.SubElement(opener, tei("salute")), block)
        else:
            set_text(etree.SubElement(opener, tei("seg")), block)
        return opener, "opener"
    if kind in ("signed", "dateline") and (prev_kind == "closer" or kind == "signed"):
        # "Mikhail Yakubovich" / "5 May 1967": the letter's closer
        closer = prev_element if prev_kind == "closer" else etree.SubElement(container, tei("closer"))
        set_text(etree.SubElement(closer, tei(kind)), block)
        return closer, "closer"
    if kind == "figure_p" and prev_kind == "figure":
        set_text(etree.SubElement(prev_element, tei("p")), block)
        return prev_element, "figure"
    element = make_element(block)
    container.append(element)
    return element, ("closer" if kind == "dateline" else kind)


def make_element(block: Block) -> etree._Element:
    if block.kind == "quote":
        element = etree.Element(tei("quote"))
        p = etree.SubElement(element, tei("p"))
        set_text(p, block)
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind in ("figure", "figure_p"):
        element = etree.Element(tei("figure"))
        set_text(etree.SubElement(element, tei("head")), block)
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind == "lg":
        element = etree.Element(tei("lg"))
        element.set(SOURCE_LINE, str(block.first_line))
        for line in block.lines:
            verse_line = etree.SubElement(element, tei("l"))
            verse_line.text = line.text.strip()
            verse_line.set(SOURCE_LINE, str(line.number))
        return element
    if block.kind == "milestone":
        # the marker's words are kept in @n; the line itself is recorded as
        # removed by the clean-up of the block (see `structure`)
        element = etree.Element(tei("milestone"), {"unit": block.attrs.get("unit", "section"),
                                                   "n": block.attrs.get("n", block.text)})
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind == "sp" and block.attrs.get("speaker_end"):
        element = etree.Element(tei("sp"))
        element.set(SOURCE_LINE, str(block.first_line))
        end = int(block.attrs["speaker_end"])
        label, speech = block.text[:end], block.text[end:]
        speaker = etree.SubElement(element, tei("speaker"))
        speaker.text = label + (":" if speech.startswith(":") else "")
        speaker.set(SOURCE_LINE, str(block.first_line))
        block.text = speech[1:].lstrip() if speech.startswith(":") else speech.lstrip()
        set_text(etree.SubElement(element, tei("p")), block)
        return element
    if block.kind == "dateline":
        element = etree.Element(tei("closer"))
        set_text(etree.SubElement(element, tei("dateline")), block)
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind in ("p", "trailer", "ab") or block.kind in TITLE_PAGE:
        element = etree.Element(tei(block.kind))
        set_text(element, block)
        return element
    # kept-but-not-reading-text regions (garbled contents, link index...)
    element = etree.Element(tei("ab"), {"type": block.kind})
    set_text(element, block)
    return element


def _set_head(head: etree._Element, block: Block) -> None:
    """A heading's text; a corrected number as sic/corr, a lost one supplied."""
    if block.attrs.get("supplied"):
        head.set(SOURCE_LINE, str(block.first_line))
        supplied = etree.SubElement(head, tei("supplied"), {"reason": "number-lost-in-source",
                                                              "resp": "#edition-editors"})
        supplied.text = block.attrs.get("n", "")
        return
    if block.sic:
        head.set(SOURCE_LINE, str(block.first_line))
        choice = etree.SubElement(head, tei("choice"))
        etree.SubElement(choice, tei("sic")).text = block.sic
        etree.SubElement(choice, tei("corr"), {"resp": "#edition-editors"}).text = block.attrs.get("n", "")
        return
    set_text(head, block)


def mark_lost_end(doc: Document) -> None:
    """A text that breaks off (profile `[edition] gap_at_end`) ends in a gap.

    The gap closes the innermost last division of the body, where the reader
    meets the break, with the reason the profile gives ("lost").
    """
    reason = doc.profile.table("edition").get("gap_at_end")
    if not reason:
        return
    body = doc.tei.find(f"{tei('text')}/{tei('body')}")
    container = body
    while len(container) and container[-1].tag == tei("div"):
        container = container[-1]
    gap = etree.SubElement(container, tei("gap"), {"reason": reason})
    gap.set(SOURCE_LINE, str(doc.lines[-1].number if doc.lines else 0))
    doc.stage_report("structure")["gap_at_end"] = 1



def join_points(doc: Document) -> list[dict]:
    """Every mended page break of a structured text, with the words either side,
    for reading a sample by eye (`edition joins`): the line where the second
    piece begins, the end of the first piece, the start of the second, and
    whether the edition marked a loss there."""
    points = []
    for pb in list(doc.tei.iter(tei("pb"))):
        if pb.get("type") != "mended":
            continue
        block = next((a for a in pb.iterancestors() if a.tag in BLOCK_TAGS), pb.getparent())
        before = pb.getprevious()
        lost = (before is not None and before.tag == tei("note") and before.get("type") == "editorial"
                and before.getprevious() is not None and before.getprevious().tag == tei("gap"))
        # where the break stands in the block's words (editorial notes left out)
        received, pb.tail = pb.tail, "\uE020" + (pb.tail or "")
        words = "".join(block.xpath(".//text()[not(ancestor::tei:note[@type='editorial'])]",
                                    namespaces={"tei": TEI_NS}))
        pb.tail = received
        left, _, right = words.partition("\uE020")
        points.append({"line": int(pb.get(SOURCE_LINE) or 0), "left": " ".join(left.split()),
                       "right": " ".join(right.split()), "lost": lost})
    return points


BLOCK_TAGS = {tei(name) for name in ("p", "item", "head", "l", "bibl", "ab", "label")}
