"""Names damaged in the received text: a register's form that the extraction glued to a word,
split with a line-break hyphen or cut at its first letters (issue 12).

The names stage finds a name by its register forms, so a form damaged in the
received text is no mention: "Russiain Central Asia" (Russia glued to "in"),
"Buryat- Mongolia" (the hyphen of a line break left standing with its space),
"students of a munist Academy" (the Communist Academy cut at a page). Each is
found here in the text as the reader meets it, against every form of every
register (persons, places, organisations), and is closed by a correction
(data/corrections/NAME.toml) or, where the glued word is a real word
("Azerbaijanis"), by a recorded decision (data/decisions/NAME.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .registers import load_registers

# the short words the extraction glues to a name; not "a", "an" or "s", which are the endings
# of real words made from names (a Russian genitive "Stalina", "European", "Urals")
GLUED_WORDS = ("in", "and", "of", "the", "to", "was", "is", "with", "for", "on", "at", "by", "from",
               "as", "had", "which", "were", "has", "who", "that", "or", "it", "he", "be", "but", "not",
               "into", "are", "its", "his", "this")
NAME_MIN = 4  # shorter forms ("Don", "Ob") hide in real words
CUT_WORD_MIN = 6  # a first word long enough that its tail is no word of its own
TAIL_MIN = 3
WORD = re.compile(r"[^\W\d_]+(?:[-’'][^\W\d_]+)*")
SPLIT = re.compile(r"(?<![\w-])([A-ZА-Я][^\W\d_]*)- ([^\W\d_]+)")


@dataclass(frozen=True)
class DamagedName:
    kind: str  # glued, split or cut
    received: str  # the damaged reading, as the text has it
    form: str  # the register form it damages
    at: int  # where the damaged reading begins in the passage


@dataclass(frozen=True)
class Forms:
    whole: frozenset[str]  # every form of every register
    words: frozenset[str]  # every word of every form ("Buryat-Mongolia", "Academy")
    by_last_word: dict  # last word -> the forms of several words it ends
    by_second_word: dict  # second word -> the forms of several words whose first word is long


@lru_cache(maxsize=1)
def register_forms() -> Forms:
    registers, _ = load_registers()
    whole = {form for entries in registers.values() for entry in entries
             for form, _explicit in entry.surface_forms() if len(form) >= NAME_MIN and form[:1].isupper()}
    by_last: dict[str, list[str]] = {}
    by_second: dict[str, list[str]] = {}
    for form in whole:
        words = form.split()
        if len(words) > 1:
            by_last.setdefault(words[-1], []).append(form)
            if len(words[0]) >= CUT_WORD_MIN and words[0][:1].isupper():
                by_second.setdefault(words[1], []).append(form)
    return Forms(frozenset(whole), frozenset(w for f in whole for w in f.split()), by_last, by_second)


def damaged_names(text: str, words: set[str] = frozenset(), forms: Forms | None = None) -> list[DamagedName]:
    """The register forms damaged in a passage's text, in the order they stand; `words` are the
    lower-case words its text uses more than once, which no cut leaves ("our Party" is whole)."""
    forms = forms or register_forms()
    found = glued(text, forms) + split(text, forms) + cut(text, forms, words)
    return sorted(found, key=lambda d: d.at)


def glued(text: str, forms: Forms) -> list[DamagedName]:
    """A form run together with the short word after it ("Russiain") or before it ("ofMoscow")."""
    found = []
    for m in WORD.finditer(text):
        token = m.group(0)
        if token in forms.whole:
            continue
        for word in GLUED_WORDS:
            stem = token[:-len(word)]
            if token.endswith(word) and (form := _form_ending(text[:m.start()], stem, forms)):
                found.append(DamagedName("glued", token, form, m.start()))
                break
            rest = token[len(word):]
            if token.startswith(word) and rest[:1].isupper() and rest in forms.words:
                found.append(DamagedName("glued", token, rest, m.start()))
                break
    return found


def _form_ending(before: str, stem: str, forms: Forms) -> str | None:
    """The form that `stem` completes: the longest the text holds ("Central Asiaand"), or itself."""
    for form in sorted(forms.by_last_word.get(stem, []), key=len, reverse=True):
        if before.endswith(form[:-len(stem)]):
            return form
    return stem if stem in forms.whole else None


def split(text: str, forms: Forms) -> list[DamagedName]:
    """A word of a form broken at a line end and left as two words, "Buryat- Mongolia"."""
    found = []
    for m in SPLIT.finditer(text):
        first, second = m.groups()
        for joined in (f"{first}-{second}", first + second):
            if joined in forms.words:
                found.append(DamagedName("split", m.group(0), joined, m.start()))
                break
    return found


def cut(text: str, forms: Forms, words: set[str] = frozenset()) -> list[DamagedName]:
    """A form whose first letters are lost, read as a lower-case piece the text uses nowhere
    else: "munist Academy" (not "our Party", nor "democratic Party" of "Social-Democratic")."""
    found = []
    for m in WORD.finditer(text):
        tail, after = m.group(0), text[m.end():]
        if len(tail) < TAIL_MIN or not tail.islower() or tail in words or not after.startswith(" "):
            continue
        second = WORD.match(after, 1)
        for form in forms.by_second_word.get(second.group(0) if second else "", []):
            first, rest = form.split(" ", 1)
            if first.lower().endswith(tail) and tail not in first.lower().split("-") and after[1:].startswith(rest) \
                    and not after[1 + len(rest):][:1].isalnum():
                found.append(DamagedName("cut", f"{tail} {rest}", form, m.start()))
                break
    return found


def repeated_words(texts: list[str]) -> set[str]:
    """The lower-case words a text uses more than once: whole words, not pieces a cut left."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in WORD.findall(text):
            counts[word.lower()] = counts.get(word.lower(), 0) + 1
    return {word for word, n in counts.items() if n > 1}
