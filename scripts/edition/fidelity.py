"""The fidelity check: is every word of the source in the TEI, or accounted for?

The words of the source are compared, as multisets, with the words of the
TEI reading text plus the words of every recorded removal. What is left over
is reported by category:

- lost:     source words neither in the TEI nor in a recorded removal
            (the target is none);
- removed:  words taken out by a named rule (running footer, link residue...);
- added:    words in the TEI that the source does not have: the edition's own
            (corrections, supplied words, editorial notes) are expected here.

Hyphenation joins are recorded as removals "docu-ment": the fragments are
explained on the source side and the joined word on the TEI side.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from . import tei
from .model import Document

WORD = re.compile(r"[^\W_]+")

# TEI content the edition adds (not source words): excluded from the TEI side.
EDITORIAL = {tei("corr"), tei("supplied"), tei("expan"), tei("reg")}


# Superscript digits glued to a word are a note reference, not part of the
# word: "time⁵" is the word "time" and the marker "⁵".
SUPERSCRIPT_DIGITS = re.compile(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")


# (a per-section note number the source prints in superscript, `^[189]¹⁸`, the edition keeps in plain digits,
# `<num type="per-section">18</num>`: the same number)
PLAIN_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def words(text: str) -> list[str]:
    return WORD.findall(SUPERSCRIPT_DIGITS.sub(r" \1 ", text.lower()).translate(PLAIN_DIGITS))


@dataclass
class FidelityReport:
    text_id: str
    source_words: int = 0
    tei_words: int = 0
    removed: Counter = field(default_factory=Counter)  # rule -> word count
    lost: Counter = field(default_factory=Counter)  # word -> count
    added: Counter = field(default_factory=Counter)
    # where the first lost words stand in the source: word -> line numbers
    lost_where: dict = field(default_factory=dict)

    @property
    def lost_total(self) -> int:
        return sum(self.lost.values())

    def as_dict(self) -> dict:
        return {
            "text": self.text_id,
            "source_words": self.source_words,
            "tei_words": self.tei_words,
            "removed_by_rule": dict(sorted(self.removed.items())),
            "lost": self.lost_total,
            "lost_sample": dict(self.lost.most_common(20)),
            "lost_where": self.lost_where,
            "added_by_edition": sum(self.added.values()),
            "added_sample": dict(self.added.most_common(20)),
        }


def reading_words(root: etree._Element) -> list[str]:
    """Words of the TEI text (not the header), leaving out the edition's additions."""
    text = root.find(tei("text")) if root.tag == tei("TEI") else root
    out: list[str] = []

    def walk(element):
        if element.tag in EDITORIAL or (element.tag == tei("note") and element.get("resp") == "#edition-editors"
                                        and element.get("type") == "editorial"):
            if element.tail:
                out.extend(words(element.tail))
            return
        if element.text:
            out.extend(words(element.text))
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            elif child.tail:
                out.extend(words(child.tail))
        if element.tail and element is not text:
            out.extend(words(element.tail))

    walk(text)
    return out


def check(doc: Document, source_text: str, root: etree._Element) -> FidelityReport:
    report = FidelityReport(doc.id)
    source = Counter(words(source_text))
    report.source_words = sum(source.values())
    tei_words = Counter(reading_words(root))
    report.tei_words = sum(tei_words.values())
    explained_source = Counter()
    explained_tei = Counter()
    for removal in doc.removals:
        if removal.rule == "hyphenation":
            explained_source.update(words(removal.text.replace("-", " ")))
            explained_tei.update(words(removal.text.replace("-", "")))
            continue
        removed_words = words(removal.text)
        report.removed[removal.rule] += len(removed_words)
        explained_source.update(removed_words)
    report.lost = source - tei_words - explained_source
    report.added = (tei_words - explained_tei) - source
    report.lost_where = locate(source_text, [w for w, _ in report.lost.most_common(20)])
    return report


def locate(source_text: str, wanted: list[str], limit: int = 5) -> dict[str, list[int]]:
    """The source lines (1-based) where each wanted word occurs, the first few."""
    if not wanted:
        return {}
    where: dict[str, list[int]] = {w: [] for w in wanted}
    for number, line in enumerate(source_text.splitlines(), start=1):
        for word in set(words(line)) & where.keys():
            if len(where[word]) < limit:
                where[word].append(number)
    return where
