"""Paragraphs cut by a page break, mended (part of the structure stage, step 4).

A paragraph that does not end a sentence, followed by one that continues it
(in lower case, after a word no sentence ends with, inside a name or a date,
or as the profile's [joins] says by reading) is one paragraph; the join point
carries <pb type="mended"/>. Where the received text breaks paragraphs at
every page, a paragraph opening in mid-sentence is a piece of the one before
(`lower_case_continues`).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .blocks import CONTINUATION_START, TERMINAL, TERMINAL_PUNCTUATION, UNFINISHED_HYPHEN, Block
from .model import Document
from .patterns import guarded

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
    # where the received text breaks paragraphs at every page, a paragraph that
    # opens in mid-sentence ("beginning of a large-scale...", ". Most clearly")
    # is a piece of the one before, whatever that one ends with; after a full
    # stop the words between were lost
    mid_sentence_continues = bool(settings.get("lower_case_continues", False))
    # joins the editors read as made over lost words ("in August | telegrams sent")
    lost_before = [guarded(p) for p in settings.get("lost_before", [])]
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
            piece = (mid_sentence_continues and j < len(blocks) and block.kind == "p"
                     and starts_mid_sentence(block, blocks[j])
                     and not any(rx.search(blocks[j].text) for rx in not_before))
            if piece or decided or (j < len(blocks) and continues(block, blocks[j], open_words, after_capitalised,
                                                           unfinished_min, digits_end, unfinished_end, closers_end)
                           and not any(rx.search(blocks[j].text) for rx in not_before)):
                nxt = blocks[j]
                moved.extend(blocks[i:j])
                block.mended_from.append(nxt.first_line)
                if (piece and closes_sentence(block.text)
                        and not LEADING_NOTE_MARKER.sub("", nxt.text).startswith(CLOSING)) \
                        or any(rx.search(nxt.text) for rx in lost_before):
                    block.lost_before.add(nxt.first_line)
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


ITEM_NUMBER = re.compile(r"^(?:-\s+)?(\d+)([.)])\s")


def first_list_items(doc: Document, blocks: list[Block]) -> None:
    """'1. When in the mid-1930's...' printed as a paragraph before the list whose
    items run '- 2. One old Bolshevik...': the first item lost its bullet."""
    count = 0
    for block, following in zip(blocks, blocks[1:]):
        first, second = ITEM_NUMBER.match(block.text), ITEM_NUMBER.match(following.text)
        if (block.kind == "p" and following.kind == "item" and first and second
                and (first.group(1), second.group(1)) == ("1", "2") and first.group(2) == second.group(2)):
            block.kind, block.attrs = "item", dict(following.attrs)
            count += 1
    if count:
        doc.stage_report("structure")["first_list_items"] = count


HYPHEN_FRAGMENT = re.compile(r"[a-z]-$")
CLOSING = tuple(",.;:)]”’»")
MID_SENTENCE_START = re.compile(r"^(?:[a-z](?![a-z]?\))|[,.;:)\]”’»]\s|%)")  # not "a) To proclaim"
# a note reference standing first ("[205]34. Most clearly"): it belongs to the sentence before
LEADING_NOTE_MARKER = re.compile(r"^\^?\{?\\?\[\d+\\?\]\d*\}?")


# words no English sentence ends with: a paragraph ending on one was cut
CUT_WORDS = {"a", "an", "the", "of", "to", "by", "for", "from", "with", "into", "onto", "upon", "and", "or",
             "nor", "than", "its", "their", "whose", "between", "among", "through", "during", "without",
             "toward", "towards", "against", "comrade", "comrades"}
# the stop of an abbreviation, not of a sentence ("the so-called. new opposition")
ABBREVIATIONS = {"so-called", "st", "mr", "dr", "cf", "no", "vol", "pp", "p", "t", "n"}
ANY_NOTE_MARKER = re.compile(r"\^?\{?\\?\[\d+\\?\]\d*\}?|[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
STOP_AT_END = re.compile(r"(\S*?)[\s—–]*[.!?…]+[\"”’»)\]]*\s*$")


def closes_sentence(text: str) -> bool:
    """Does the paragraph end a sentence, read as a reader sees it? A stop after a
    note reference the extraction moved ('simultaneously with the ^[17].'), after a
    comma and a page-break dash ('who, however, — .') or after an abbreviation
    ('the so-called.') ends none; a colon or a semicolon goes on in lower case."""
    text = EMPHASIS_AT_END.sub("", LINK_WORDS.sub(r"\1", text[-200:]))
    text = ANY_NOTE_MARKER.sub("", text).rstrip()
    m = STOP_AT_END.search(text)
    if not m:
        return False
    before = m.group(1).strip("\"“”‘’«»(")
    if text.endswith(("...", "…")):
        return False  # an omission in a quotation: "and ... | huge non-communist masses"
    return bool(before) and not before.endswith(",") and before.lower() not in CUT_WORDS | ABBREVIATIONS


def starts_mid_sentence(block: Block, nxt: Block) -> bool:
    """'beginning of a large-scale declassification...', '. Most clearly': a piece of a
    paragraph, not one (an item "a) To proclaim" or an ellipsis "... Under no" is one)."""
    return (nxt.kind == "p" and nxt.region == block.region == "body"
            and not nxt.text.startswith(("...", ". . .", "…"))
            and bool(MID_SENTENCE_START.match(LEADING_NOTE_MARKER.sub("", nxt.text))))

SENTENCE_END = re.compile(r"[.!?:;…]$")
FIRST_WORD = re.compile(r"\w+(?:-\w+)*")  # "All-Union" is a name, not "All"
SENTENCE_OPENERS = {"there", "it", "he", "she", "they", "we", "i", "you", "then", "when", "however",
                    "thus", "yet", "so", "if", "although", "while", "since", "not", "no", "all", "some"}
CLOSED_SENTENCE = re.compile(r"""[.!?…]['"”’»)\]]+\s*$""")
LAST_WORD = re.compile(r"(\w[\w'’]*)\W*$")


UNFINISHED_END = re.compile(r"(?:[^\W\d_]|[,\u2013-])\s*$")


# a link of the extraction, `[the](#)`: its words are the text's, its brackets are not;
# nor are the marks of an emphasis cut by the break (`work in*` | `*the Central Committee`)
LINK_WORDS = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
EMPHASIS_AT_END, EMPHASIS_AT_START = re.compile(r"\*+\s*$"), re.compile(r"^\s*\*+")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# a name's initials: "A. S." | "Grishin", "Ya." | "M. Sverdlov", "A.M." | "Kollontai"
ENDS_ON_INITIAL = re.compile(r"(?:^|[\s(.])(?:[A-Z]|Ch|Sh|Ya|Yu|Ye|Zh|Kh|Ts)\.$")
SURNAME_OR_INITIAL = re.compile(r"^(?:[A-Z][a-z]?\.|[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?(?=[\s,.;:!?)]))")
ENDS_ON_DAY = re.compile(r"(?:^|\s)\d{1,2}$")
ENDS_ON_MONTH = re.compile(r"(?:^|\s)(?:" + "|".join(MONTHS) + r")$")


def cut_in_name_or_date(text: str, following: str) -> bool:
    """A page break inside a name or a date: "A. S. | Grishin", "on 27 | November 1932",
    "after the February | Revolution", "in August | 1923"."""
    text = text.rstrip()
    first = FIRST_WORD.match(following)
    first_word = first.group(0) if first else ""
    if ENDS_ON_INITIAL.search(text) and SURNAME_OR_INITIAL.match(following):
        return first_word.lower() not in SENTENCE_OPENERS | OPEN_WORDS
    if ENDS_ON_DAY.search(text):
        return first_word in MONTHS
    if ENDS_ON_MONTH.search(text):
        return following[:1].isdigit() or (following[:1].isupper() and first_word.lower() not in
                                           SENTENCE_OPENERS | OPEN_WORDS and first_word not in MONTHS)
    return False


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
    if cut_in_name_or_date(block.text, nxt.text):
        return True
    if terminal.search(block.text):
        before_closers = block.text.rstrip().rstrip("\"”’»)]").rstrip()
        if before_closers.endswith(",") and CONTINUATION_START.search(nxt.text):
            return True  # 'As noted in the “Riutin Platform,”' | '“the rout of the Deborin group'
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
