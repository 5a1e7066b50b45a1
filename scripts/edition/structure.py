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
                closers_end_sentence, open_words, movable...; mark_lost
                (the evidence trusted for text lost at a page break:
                "hyphen", "fragment", "new_sentence"), not_lost,
                displaced_max_words (stray lines kept in place, marked).
- [quotes]      lead_in, exclude_lead_in, run_in, continuation, also.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from lxml import etree

from . import ED_NS, SOURCE_LINE, TEI_NS, XML_LANG, tei
from .model import ConversionError, Document, Line
from .patterns import guarded
from .tree import replace_slot, rewrite_text

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
    region_rule: dict = field(default_factory=dict)  # the [[regions]] rule it falls in
    head_rule: dict = field(default_factory=dict)  # for heads: the [[headings]] rule
    sic: str = ""  # for heads: the received number when the profile corrects it
    label: str = ""  # for glosses and entries: the term or name the entry is about
    members: list = field(default_factory=list)  # blocks gathered into this one
    captions: list = field(default_factory=list)  # for transcriptions: caption blocks

    @property
    def first_line(self) -> int:
        return self.lines[0].number if self.lines else 0


def structure(doc: Document) -> Document:
    regions = assign_regions(doc)
    blocks = make_blocks(doc, regions)
    classify(doc, blocks)
    gather_structures(doc, blocks)
    gather_transcriptions(doc, blocks)
    displaced = displaced_lines(doc, blocks)  # read before joins hide them
    blocks = mend_page_breaks(doc, blocks)
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


HARD_BREAK = re.compile(r"(  |\\)$")
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


# 4. mend page breaks --------------------------------------------------------

# A paragraph that ends on one of these words was cut mid-sentence even when
# the next one opens with a capital (a name): "with the accession of | Khrushchev".
OPEN_WORDS = {
    "a", "an", "the", "of", "in", "on", "at", "to", "by", "for", "from", "with", "into", "onto",
    "upon", "and", "or", "but", "nor", "as", "than", "that", "which", "who", "whom", "whose",
    "is", "are", "was", "were", "be", "been", "his", "her", "its", "their", "our", "my", "your",
    "this", "these", "those", "about", "after", "before", "between", "under", "over", "against",
    "among", "through", "during", "without", "within", "toward", "towards", "comrade", "comrades",
}


def mend_page_breaks(doc: Document, blocks: list[Block]) -> list[Block]:
    """Join paragraphs that a page break cut mid-sentence.

    A paragraph that does not end a sentence, followed (possibly after blocks
    that a page break inserted: captions, figures) by a paragraph that starts
    in lower case, or after a word that cannot end a sentence ("of", "the")
    with a capital, is one paragraph. Intervening blocks are moved after it.
    Blocks matching the profile's `joins.not_before` (note bodies) never
    continue the previous one.
    """
    settings = doc.profile.table("joins")
    if settings.get("enabled", True) is False:
        return blocks
    movable = set(settings.get("movable", ["figure"]))
    open_words = set(settings.get("open_words", OPEN_WORDS))
    not_before = [guarded(p) for p in settings.get("not_before", [])]
    # paragraphs that continue the one before, identified by reading where no
    # rule can tell ("the exiled Kurnatovskiy met | Lenin in Minusinsk")
    also_before = [guarded(p) for p in settings.get("also_before", [])]
    # "the Soviets of Working People's | Deputies": a name cut by the break
    after_capitalised = bool(settings.get("after_capitalised", False))
    # a long paragraph that ends on a bare word, a comma or a hyphen was cut,
    # whatever the next one opens with ("...than in | 1929.")
    unfinished_min = int(settings.get("unfinished_min_chars", 0))
    unfinished_end = guarded(settings["unfinished_end"]) if settings.get("unfinished_end") else UNFINISHED_END
    # where no note bodies end on a page number, a final number ends no
    # sentence ("...Circulation 300 | copies).")
    digits_end = bool(settings.get("digits_end_sentence", True))
    # a closing quotation mark or bracket ends a sentence only after a full
    # stop: 'eliminating these new "kulaks"' | 'had been raised in 1926...'
    closers_end = bool(settings.get("closers_end_sentence", True))
    out: list[Block] = []
    joins = fragments = 0
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        moved: list[Block] = []
        while block.kind in ("p", "quote"):
            j = i
            while j < len(blocks) and blocks[j].kind in movable:
                j += 1
            if j < len(blocks) and blocks[j].kind == "p" and any(rx.search(blocks[j].text) for rx in also_before):
                decided = True  # a continuation the editor recognised by reading
            else:
                decided = False
            if decided or (j < len(blocks) and continues(block, blocks[j], open_words, after_capitalised,
                                                           unfinished_min, digits_end, unfinished_end, closers_end)
                           and not any(rx.search(blocks[j].text) for rx in not_before)):
                nxt = blocks[j]
                moved.extend(blocks[i:j])
                block.mended_from.append(nxt.first_line)
                # the join point; the space keeps the words apart around the <pb/>
                # (none after a hyphen: "Social-<pb/>Democracy")
                space = "" if UNFINISHED_HYPHEN.search(block.text) else " "
                block.text = block.text.rstrip() + space + "\uE000" + nxt.text
                block.lines = block.lines + nxt.lines
                joins += 1
                i = j + 1
            else:
                break
        if block.kind == "p" and HYPHEN_FRAGMENT.search(block.text) and not settings.get("mark_lost"):
            # "in the rural locali-" followed by an unrelated paragraph: the
            # rest of the page is missing from the received text; say so
            fragments += 1
            doc.warn(block.lines[-1].number, "paragraph ends in a hyphenated fragment that nothing "
                     "continues: text lost at a page break?")
        out.append(block)
        out.extend(moved)
    doc.stage_report("structure")["page_break_joins"] = joins
    doc.stage_report("structure")["unjoined_hyphen_fragments"] = fragments
    return out


HYPHEN_FRAGMENT = re.compile(r"[a-z]-$")
SENTENCE_END = re.compile(r"[.!?:;…]$")
FIRST_WORD = re.compile(r"\w+(?:-\w+)*")  # "All-Union" is a name, not "All"
SENTENCE_OPENERS = {"there", "it", "he", "she", "they", "we", "i", "you", "then", "when", "however",
                    "thus", "yet", "so", "if", "although", "while", "since", "not", "no", "all", "some"}
CLOSED_SENTENCE = re.compile(r"""[.!?…]['"”’»)\]]+\s*$""")
LAST_WORD = re.compile(r"(\w[\w'’]*)\W*$")


UNFINISHED_END = re.compile(r"(?:[^\W\d_]|[,\u2013-])\s*$")
UNFINISHED_HYPHEN = re.compile(r"[^\W\d_]-\s*$")


# a link of the extraction, `[the](#)`: its words are the text's, its brackets are not;
# nor are the marks of an emphasis cut by the break (`work in*` | `*the Central Committee`)
LINK_WORDS = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
EMPHASIS_AT_END, EMPHASIS_AT_START = re.compile(r"\*+\s*$"), re.compile(r"^\s*\*+")


def continues(block: Block, nxt: Block, open_words=OPEN_WORDS, after_capitalised=False,
              unfinished_min=0, digits_end=True, unfinished_end=None, closers_end=True) -> bool:
    """Does `nxt` continue `block`, cut by a page break? Read on the words as a reader sees
    them: a paragraph ending in a link residue ("felt [the](#)") ends on "the", one ending
    in an emphasis ("work in*") on "in"."""
    if "](" in block.text[-80:] or "](" in nxt.text[:80] or block.text.rstrip().endswith("*"):
        block = replace(block, text=EMPHASIS_AT_END.sub("", LINK_WORDS.sub(r"\1", block.text)))
        nxt = replace(nxt, text=EMPHASIS_AT_START.sub("", LINK_WORDS.sub(r"\1", nxt.text)))
    terminal = TERMINAL if digits_end else TERMINAL_PUNCTUATION
    if nxt.kind != "p" or nxt.region != block.region:
        return False
    if (block.region_rule.get("floating") or nxt.region_rule.get("floating")) \
            and nxt.region_rule is not block.region_rule:
        return False  # a quoted letter begins or ends there
    if CLOSED_SENTENCE.search(block.text):
        return False  # "...tell the truth.'"
    if terminal.search(block.text):
        before_closers = block.text.rstrip().rstrip("\"”’»)]").rstrip()
        if closers_end or before_closers == block.text.rstrip() or SENTENCE_END.search(before_closers):
            return False
        # cut after a closing mark: only a lower-case start continues
        # ('"Yes, a scoundrel"' | '"You are a traitor."' are two lines)
        return nxt.text[:1].islower()
    if CONTINUATION_START.search(nxt.text):
        return True
    # (a word cut at a hyphen is unfinished at any length: "positions of Social-")
    if (unfinished_min and block.region == "body"
            and (len(block.text) >= unfinished_min or UNFINISHED_HYPHEN.search(block.text))
            and (unfinished_end or UNFINISHED_END).search(block.text)):
        return True
    if block.text.rstrip().endswith(",") and nxt.text[:1].isalpha():
        return True  # "Once, half-joking, | Lenin proposed..."
    last = LAST_WORD.search(block.text)
    if not last:
        return False
    word = last.group(1)
    if word in open_words and nxt.text[:1].isdigit():
        return True  # "in the summer of | 1936 the ..."
    if not nxt.text[:1].isupper():
        return False
    first = FIRST_WORD.match(nxt.text)
    if first and first.group(0).lower() in SENTENCE_OPENERS | open_words:
        # "...regions of the" | "The mass resettlement...": a sentence begins;
        # what stood between was lost, the two are not one paragraph
        return False
    return word in open_words or (after_capitalised and word[:1].isupper()
                                  and word.replace("'", "").replace("’", "").isalpha()
                                  and block.text.rstrip()[-1:].isalpha())


# 4b. text lost and lines displaced in the received text ----------------------

LOST = "\uE010"  # words lost here: becomes <gap reason="lost"/> and an editorial note
DAMAGE_MARK = f"{{{ED_NS}}}damage"  # working attribute: an element made by `encode_damage`
DISPLACED_OPEN, DISPLACED_CLOSE = "\uE011", "\uE012"  # a line out of its place: <seg type="displaced">
DAMAGE = re.compile("\uE010|\uE011(.*?)\uE012", re.S)
WORD_LETTERS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # "re-election" is not "re"
LAST_LETTERS = re.compile(r"([^\W\d_]+)\s*$")
NAME_INITIAL = re.compile(r"^[A-ZА-Я]\.")
LOST_NOTE = {
    "end": "The paragraph breaks off here in the received text: the rest was lost "
           "at a page break in the extraction, and the next paragraph does not continue it.",
    "join": "Words were lost here in the received text: the first piece breaks off inside "
            "a word, the next piece of the paragraph begins after the gap.",
}
DISPLACED_NOTE = ("This line stands out of its place in the received text (a line of another "
                  "page or sentence, scrambled by the extraction); it is kept where it stands, not moved.")


def displaced_lines(doc: Document, blocks: list[Block]) -> set[int]:
    """First lines of the paragraphs that are lines out of place (see `mark_damage`)."""
    settings = doc.profile.table("joins")
    max_words = int(settings.get("displaced_max_words", 0))
    if not max_words:
        return set()
    terminal = TERMINAL if settings.get("digits_end_sentence", True) else TERMINAL_PUNCTUATION
    # among prose only: in a form ("I, | former | _____") short lines are the form's
    return {b.first_line for i, b in enumerate(blocks)
            if is_displaced(b, max_words, terminal) and i > 0
            and blocks[i - 1].kind in ("p", "quote") and len(blocks[i - 1].text) >= PROSE_MIN_CHARS}


PROSE_MIN_CHARS = 80


def mark_damage(doc: Document, blocks: list[Block], displaced: set[int]) -> None:
    """Make visible where the received text lost words and where a line strayed.

    The profile's `[joins] mark_lost` names the evidence it trusts for that
    text. A paragraph that ends in mid-sentence is marked as cut (a gap) when
    the cut is evident: "hyphen", it ends in a hyphenated fragment ("rural
    locali-"); "fragment", it ends in a piece of a word (see `Vocabulary`:
    "socialism clea"); "new_sentence", it ends on a word no sentence ends
    with ("of the", "by a", see CUT_WORDS) or a comma, and the next block is
    no paragraph or opens a new sentence ("The", "However") or is one the
    profile's `not_before` says continues nothing. A paragraph followed by
    one that may continue it (a name: "the writer | A. Adamovich") is left
    alone. A join made after a piece of a word gets a gap at the join
    point. `not_lost` lists endings read and found complete.

    With `displaced_max_words = N`, a paragraph of at most N lower-case words
    without punctuation standing among prose ("on", "before last") is a line
    displaced by the extraction: kept where it stands, marked, never moved.
    """
    settings = doc.profile.table("joins")
    evidence = settings.get("mark_lost", [])
    evidence = {evidence} if isinstance(evidence, str) else set(evidence)  # mark_lost = "hyphen"
    unknown = evidence - LOST_EVIDENCE
    if unknown:
        raise ConversionError(doc.profile.path or doc.path, None,
                              f"[joins] mark_lost: unknown evidence {sorted(unknown)}; "
                              f"known: {sorted(LOST_EVIDENCE)}")
    mark_lost = bool(evidence)
    if not mark_lost and not displaced:
        return
    terminal = TERMINAL if settings.get("digits_end_sentence", True) else TERMINAL_PUNCTUATION
    movable = set(settings.get("movable", ["figure"]))
    not_lost = [guarded(p) for p in settings.get("not_lost", [])]
    not_before = [guarded(p) for p in settings.get("not_before", [])]
    vocabulary = Vocabulary.of(doc) if "fragment" in evidence else None
    # the end of a text the profile declares truncated has its own gap
    last_body = max((i for i, b in enumerate(blocks) if b.region == "body"), default=-1) \
        if doc.profile.table("edition").get("gap_at_end") else -1
    stats = doc.stage_report("structure")
    counts = {"lost_at_paragraph_end": 0, "lost_at_join": 0, "displaced_lines": 0,
              "unfinished_left_as_received": 0}
    for index, block in enumerate(blocks):
        if block.kind not in ("p", "quote") or block.region != "body":
            continue
        pieces = block.text.split("\uE000")
        starts = [block.first_line] + block.mended_from
        for k, (line, piece) in enumerate(zip(starts, pieces)):
            trailing = " " if piece.endswith(" ") else ""
            if line in displaced:
                pieces[k] = DISPLACED_OPEN + piece.strip() + DISPLACED_CLOSE + trailing
                counts["displaced_lines"] += 1
            elif vocabulary and k + 1 < len(pieces) and vocabulary.fragment(piece):
                pieces[k] = piece.rstrip() + LOST + trailing
                counts["lost_at_join"] += 1
        following = next((b for b in blocks[index + 1:] if b.kind not in movable), None)
        if mark_lost and starts[-1] not in displaced and index != last_body:
            if (cut_off(pieces[-1], following, evidence, vocabulary, terminal, not_before)
                    and not any(rx.search(pieces[-1]) for rx in not_lost)):
                pieces[-1] = pieces[-1].rstrip() + LOST
                counts["lost_at_paragraph_end"] += 1
            elif block.kind == "p" and not terminal.search(pieces[-1].rstrip()) \
                    and UNFINISHED_END.search(pieces[-1]) and pieces[-1].rstrip()[-1:] not in SUPERSCRIPT_DIGITS:
                # ends without a full stop, but the cut is not evident: left as received
                counts["unfinished_left_as_received"] += 1
        block.text = "\uE000".join(pieces)
    stats.update({k: v for k, v in counts.items() if v or mark_lost})


def is_displaced(block: Block, max_words: int, terminal: re.Pattern) -> bool:
    words = block.text.split()
    return (block.kind == "p" and block.region == "body" and 0 < len(words) <= max_words
            and not terminal.search(block.text) and not re.search(r"[\d_\[\]{}*#]", block.text)
            and all(w.islower() or (i == 0 and w.lower() in OPEN_WORDS) for i, w in enumerate(words)))


class Vocabulary:
    """The words of the text, to recognise a piece of a word where a line was cut.

    A last word is a piece when the text uses it nowhere else and it begins a
    longer word the text does use ("clea" of "clearly", "organiza" of
    "organization"), unless a long one has the ending of a whole word
    ("percent", "vigorous"), or when it is a lone letter other than "a" and "i".
    """

    def __init__(self, lines: list[Line]):
        self.counts: dict[str, int] = {}
        for word in WORD_LETTERS.findall("\n".join(line.text for line in lines).lower()):
            self.counts[word] = self.counts.get(word, 0) + 1
        self.sorted = sorted(self.counts)

    @classmethod
    def of(cls, doc: Document) -> "Vocabulary":
        return cls(doc.lines)

    def fragment(self, text: str) -> bool:
        if TERMINAL_PUNCTUATION.search(text.rstrip()):
            return False
        m = LAST_LETTERS.search(text)
        if not m or not m.group(1).islower() or self.counts.get(m.group(1), 0) > 1:
            return False
        word = m.group(1)
        if len(word) == 1:
            return word not in ("a", "i")
        if len(word) >= 6 and word.endswith(WHOLE_WORD_ENDINGS):
            return False  # "vigorous", "percent", "recommendation": words, however rare
        at = bisect.bisect_right(self.sorted, word)
        return at < len(self.sorted) and self.sorted[at].startswith(word)


LOST_EVIDENCE = {"hyphen", "fragment", "new_sentence"}
# words no English sentence ends with: a paragraph ending on one was cut
CUT_WORDS = {"a", "an", "the", "of", "to", "by", "for", "from", "with", "into", "onto", "upon", "and", "or",
             "nor", "than", "its", "their", "whose", "between", "among", "through", "during", "without",
             "toward", "towards", "against", "comrade", "comrades"}
# English endings that make a long piece a whole word
WHOLE_WORD_ENDINGS = ("ous", "ent", "ant", "tion", "sion", "ly", "ed", "ing", "al", "ive", "ism", "ist",
                      "ity", "ness", "ment", "er", "or", "es", "ic", "ary", "ory", "ble")
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def cut_off(text: str, following: Block | None, evidence: set[str], vocabulary: "Vocabulary | None",
            terminal: re.Pattern, no_continuation: list[re.Pattern] = ()) -> bool:
    """Does this paragraph evidently break off (see `mark_damage`)?"""
    text = text.rstrip()
    if "hyphen" in evidence and HYPHEN_FRAGMENT.search(text):
        return True
    if terminal.search(text) or not UNFINISHED_END.search(text) or text[-1:] in SUPERSCRIPT_DIGITS:
        return False
    if vocabulary and vocabulary.fragment(text):
        return True
    if "new_sentence" not in evidence:
        return False
    # a sentence cannot end on "the", "of", "its" or a comma; after a word
    # that could end one ("destroyed", "this", "over"), only its full stop
    # may be lost (the OCR drops stops at the ends of sections too)
    last = LAST_WORD.search(text)
    if not (text.endswith((",", "-", "\u2013")) or (last and last.group(1).lower() in CUT_WORDS)):
        return False
    if following is None or following.kind not in ("p", "quote") or following.region != "body":
        return True
    if any(rx.search(following.text) for rx in no_continuation):
        return True  # the profile says, by reading, that this one continues nothing
    first = FIRST_WORD.match(following.text)
    return bool(first and following.text[:1].isupper() and not NAME_INITIAL.match(following.text)
                and first.group(0).lower() in SENTENCE_OPENERS | OPEN_WORDS)


def encode_damage(doc: Document) -> None:
    """The marks of `mark_damage` become gap + editorial note, and seg type="displaced"."""
    def damage(m: re.Match, parent) -> etree._Element:
        if m.group(0) == LOST:
            gap = etree.Element(tei("gap"), {"reason": "lost", "resp": "#edition-editors", DAMAGE_MARK: "1"})
            gap.set(SOURCE_LINE, parent.get(SOURCE_LINE) or "0")
            return gap
        seg = etree.Element(tei("seg"), {"type": "displaced", DAMAGE_MARK: "1"})
        seg.text = m.group(1)
        return seg

    rewrite_text(doc.tei, DAMAGE, damage)
    for element in list(doc.tei.iter(tei("gap"), tei("seg"))):
        if not element.get(DAMAGE_MARK):
            continue
        at_end = element.getnext() is None and not (element.tail or "").strip()
        text = DISPLACED_NOTE if element.tag == tei("seg") else LOST_NOTE["end" if at_end else "join"]
        note = etree.Element(tei("note"), {"type": "editorial", "resp": "#edition-editors"})
        note.text = text
        note.tail, element.tail = element.tail, None
        element.addnext(note)


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
            _set_text(head, block)
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
        _set_text(element, block)
        return page, "titlePage"
    if kind in GROUPED:
        group = prev_element if prev_kind == kind else etree.SubElement(container, tei(GROUPED[kind]))
        element = etree.SubElement(group, tei(kind))
        if kind == "item":
            block.text = re.sub(r"^-\s+", "", block.text)  # the markdown bullet
        _set_text(element, block)
        return group, kind
    if kind in ("opener", "salute"):
        # "To Comrades Mdivani..." / "Respected comrades!"
        opener = prev_element if prev_kind == "opener" else etree.SubElement(container, tei("opener"))
        if kind == "salute":
            _set_text(etree.SubElement(opener, tei("salute")), block)
        else:
            _set_text(etree.SubElement(opener, tei("seg")), block)
        return opener, "opener"
    if kind in ("signed", "dateline") and (prev_kind == "closer" or kind == "signed"):
        # "Mikhail Yakubovich" / "5 May 1967": the letter's closer
        closer = prev_element if prev_kind == "closer" else etree.SubElement(container, tei("closer"))
        _set_text(etree.SubElement(closer, tei(kind)), block)
        return closer, "closer"
    if kind == "figure_p" and prev_kind == "figure":
        _set_text(etree.SubElement(prev_element, tei("p")), block)
        return prev_element, "figure"
    element = make_element(block)
    container.append(element)
    return element, ("closer" if kind == "dateline" else kind)


def make_element(block: Block) -> etree._Element:
    if block.kind == "quote":
        element = etree.Element(tei("quote"))
        p = etree.SubElement(element, tei("p"))
        _set_text(p, block)
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind in ("figure", "figure_p"):
        element = etree.Element(tei("figure"))
        _set_text(etree.SubElement(element, tei("head")), block)
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
        _set_text(etree.SubElement(element, tei("p")), block)
        return element
    if block.kind == "dateline":
        element = etree.Element(tei("closer"))
        _set_text(etree.SubElement(element, tei("dateline")), block)
        element.set(SOURCE_LINE, str(block.first_line))
        return element
    if block.kind in ("p", "trailer", "ab") or block.kind in TITLE_PAGE:
        element = etree.Element(tei(block.kind))
        _set_text(element, block)
        return element
    # kept-but-not-reading-text regions (garbled contents, link index...)
    element = etree.Element(tei("ab"), {"type": block.kind})
    _set_text(element, block)
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
    _set_text(head, block)


def _set_text(element: etree._Element, block: Block) -> None:
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
        _line_breaks(element)


def _line_breaks(element: etree._Element) -> None:
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
                block.members = quoted
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
            _set_text(etree.SubElement(figure, tei("head")), caption)
        for member in block.members:
            if member.kind == "table":
                element = _facsimile_table(member)
            else:
                element = etree.SubElement(figure, tei("p"))
                _set_text(element, member)
            figure.append(element)
            if block.attrs.get("lang"):
                element.set(XML_LANG, block.attrs["lang"])
        return figure
    epigraph = etree.Element(tei("epigraph"))
    epigraph.set(SOURCE_LINE, str(block.first_line))
    quote = etree.SubElement(epigraph, tei("quote"))
    for member in block.members:
        _set_text(etree.SubElement(quote, tei("p")), member)
    _set_text(etree.SubElement(epigraph, tei("bibl")), block)
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
        _set_text(etree.SubElement(group, tei("item")), block)
    else:
        item = etree.SubElement(group, tei("item"))
        _set_text(item, block)
        name = etree.Element(tei(block.attrs.get("name_element", "persName")))
        name.text = block.label
        name.tail, item.text = item.text, None
        item.insert(0, name)
    return group, block.kind


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
