"""Text lost and lines displaced in the received text, made visible (structure, step 4b).

Where a paragraph evidently breaks off, or a join is made over lost words, a
gap (reason lost) and an editorial note stand; a line out of its place is
marked seg type="displaced", never moved.
"""

from __future__ import annotations

import bisect
import re

from lxml import etree

from . import ED_NS, SOURCE_LINE, tei
from .blocks import TERMINAL, TERMINAL_PUNCTUATION, Block
from .joins import (CUT_WORDS, FIRST_WORD, HYPHEN_FRAGMENT, LAST_WORD, OPEN_WORDS, SENTENCE_OPENERS,
                    UNFINISHED_END)
from .model import ConversionError, Document, Line
from .patterns import guarded
from .tree import rewrite_text

# 4b. text lost and lines displaced in the received text ----------------------

LOST = "\uE010"  # words lost here: becomes <gap reason="lost"/> and an editorial note
DAMAGE_MARK = f"{{{ED_NS}}}damage"  # working attribute: an element made by `encode_damage`
DISPLACED_OPEN, DISPLACED_CLOSE = "\uE011", "\uE012"  # a line out of its place: <seg type="displaced">
LOST_BETWEEN = "\uE013"  # words lost between two pieces of a sentence: the same gap, its own note
DAMAGE = re.compile("\uE010|\uE013|\uE011(.*?)\uE012", re.S)
WORD_LETTERS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # "re-election" is not "re"
LAST_LETTERS = re.compile(r"([^\W\d_]+)\s*$")
NAME_INITIAL = re.compile(r"^[A-ZА-Я]\.")
LOST_NOTE = {
    "end": "The paragraph breaks off here in the received text: the rest was lost "
           "at a page break in the extraction, and the next paragraph does not continue it.",
    "join": "Words were lost here in the received text: the first piece breaks off inside "
            "a word, the next piece of the paragraph begins after the gap.",
    "between": "Words were lost here in the received text at a page break: the next piece of the "
               "paragraph begins in mid-sentence, and what led up to it is missing.",
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
    # endings the editors read as cut where no rule can tell ("Yes, on" | "At the meeting")
    lost_after = [guarded(p) for p in settings.get("lost_after", [])]
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
            elif k + 1 < len(pieces) and starts[k + 1] in block.lost_before and starts[k + 1] not in displaced:
                pieces[k] = piece.rstrip() + LOST_BETWEEN + trailing
                counts["lost_at_join"] += 1
        following = next((b for b in blocks[index + 1:] if b.kind not in movable), None)
        if mark_lost and starts[-1] not in displaced and index != last_body:
            if (cut_off(pieces[-1], following, evidence, vocabulary, terminal, not_before)
                    and not any(rx.search(pieces[-1]) for rx in not_lost)) \
                    or any(rx.search(pieces[-1]) for rx in lost_after):
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
    ("percent", "vigorous"), or when it has one or two letters and is no English word
    ("building a c", "in re"; a lower-case "i" is no pronoun). A capitalised piece
    is read alike ("supporters of Trots").
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
        # a capitalised piece too ("supporters of Trots", "The Ce"), not an abbreviation ("CPSU")
        if not m or not (m.group(1).islower() or m.group(1).istitle()):
            return False
        if len(m.group(1)) == 1 and m.group(1).isupper():
            return False  # "I", or an initial ("Moscow, L" | "B. Kamenev")
        word = m.group(1).lower()
        if text[:m.start()].endswith(("'", "’")):
            return False  # "Stalin's": a possessive, not a piece
        if len(word) <= 2:
            # "building a c", "the apparatus in re": no English word, however often the
            # extraction left the same piece elsewhere
            return word not in SHORT_WORDS
        if self.counts.get(word, 0) > 1:
            return False
        if len(word) >= 6 and word.endswith(WHOLE_WORD_ENDINGS):
            return False  # "vigorous", "percent", "recommendation": words, however rare
        at = bisect.bisect_right(self.sorted, word)
        return at < len(self.sorted) and self.sorted[at].startswith(word)


LOST_EVIDENCE = {"hyphen", "fragment", "new_sentence"}
# the English words of one or two letters: a piece as short that is none of them is cut
SHORT_WORDS = {"a", "am", "an", "as", "at", "be", "by", "do", "go", "he", "if", "in", "is", "it", "me",
               "my", "no", "of", "oh", "on", "or", "ox", "so", "to", "up", "us", "we"}
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
        if m.group(0) in (LOST, LOST_BETWEEN):
            gap = etree.Element(tei("gap"), {"reason": "lost", "resp": "#edition-editors",
                                             DAMAGE_MARK: "between" if m.group(0) == LOST_BETWEEN else "1"})
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
        text = DISPLACED_NOTE if element.tag == tei("seg") else \
            LOST_NOTE["between" if element.get(DAMAGE_MARK) == "between" else "end" if at_end else "join"]
        note = etree.Element(tei("note"), {"type": "editorial", "resp": "#edition-editors"})
        note.text = text
        note.tail, element.tail = element.tail, None
        element.addnext(note)
