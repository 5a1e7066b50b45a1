"""Register variants that may be misprints: what the registers absorb, screened.

A register lists the forms under which the texts name an entry, so that every
mention is linked. A misprint listed there ("Tomsy" for Tomsky) would be
linked and never corrected. So every variant within two letters of its
entry's preferred form must be either a transliteration of the same Russian
spelling (-sky/-skii/-skiy, Yezhov/Ezhov, Kh/H: told apart by `fold`), or a
decided form in `data/corrections/NAME.toml`: a correction (`sic`, the
misprint corrected in the text) or a `kept` form whose reason names the
source that uses the spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .corrections import CORRECTIONS, load_corrections, load_kept
from .registers import Entry, load_registers

# one Russian letter, several romanisations: each folded to one spelling
TRANSLITERATIONS = (("shch", "sc"), ("sch", "sc"), ("kh", "h"), ("zh", "z"), ("tch", "c"), ("ch", "c"),
                    ("ts", "c"), ("tz", "c"), ("sh", "s"), ("x", "ks"), ("ye", "e"), ("yo", "e"), ("je", "e"),
                    ("ya", "ia"), ("ja", "ia"), ("yu", "iu"), ("ju", "iu"), ("w", "v"), ("ph", "f"))
I_SOUNDS = re.compile(r"[iyj]+")  # й, и, ы, ий: i, y, j, ii, iy
# ье, ьё, ью written with or without the soft sign's i: Kondratiev, Kondratev; Khruliov, Khrulev
SOFTENED = (("ie", "e"), ("io", "e"), ("iu", "u"), ("ia", "a"))


def fold(form: str) -> str:
    """A form as its Russian letters are, whichever romanisation wrote it down:
    Tomsky, Tomskii and Tomskiy fold alike; Tomsy does not."""
    text = unicodedata.normalize("NFKD", form.lower())
    text = "".join(ch for ch in text if ch.isalpha() or ch == " ")
    for written, letter in TRANSLITERATIONS:
        text = text.replace(written, letter)
    text = I_SOUNDS.sub("i", text)
    for written, letter in SOFTENED:
        text = text.replace(written, letter)
    return text


def distance(a: str, b: str) -> int:
    """Letters to change, add or remove to turn a into b (Levenshtein)."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@dataclass
class Variant:
    entry: str  # register id
    preferred: str
    form: str
    letters: int  # how many letters from the preferred form
    used_in: dict[str, int] = field(default_factory=dict)  # text -> occurrences
    decided: str = ""  # "correction in NAME" or "kept in NAME: why"


def preferred_and_variants(entry: Entry) -> tuple[str, list[str]]:
    if entry.kind == "person":
        surnames = entry.surnames or [entry.name.split()[-1]]
        return surnames[0], surnames[1:] + list(entry.data.get("alias", []))
    return entry.name, list(entry.data.get("form", []))


def near_variants(registers: dict[str, list[Entry]], within: int = 2) -> list[Variant]:
    """Variants within `within` letters of their entry's preferred form that are not
    the same Russian spelling romanised otherwise."""
    found = []
    for entries in registers.values():
        for entry in entries:
            preferred, variants = preferred_and_variants(entry)
            for form in variants:
                letters = distance(form, preferred)
                if 0 < letters <= within and fold(form) != fold(preferred):
                    found.append(Variant(entry.id, preferred, form, letters))
    return found


def screen(sources: list[Path], decisions: dict[str, tuple[set[str], dict[str, str]]],
           registers: dict[str, list[Entry]] | None = None) -> list[Variant]:
    """Every near variant, with the texts that use it and the decision that covers it.

    `decisions`: text name -> (its corrections' sic forms, its kept forms -> why)."""
    if registers is None:
        registers, _rules = load_registers()
    variants = near_variants(registers)
    texts = {s.stem: s.read_text(encoding="utf-8") for s in sources}
    for variant in variants:
        word = re.compile(rf"(?<![^\W_]){re.escape(variant.form)}(?![^\W_])")
        variant.used_in = {name: n for name, text in texts.items() if (n := len(word.findall(text)))}
        # decided in every text that uses it: a correction there, or kept with its reason
        said = []
        for name in variant.used_in:
            corrected, kept = decisions.get(name, (set(), {}))
            if variant.form in corrected:
                said.append(f"corrected in {name}")
            elif variant.form in kept:
                said.append(f"kept in {name}: {kept[variant.form]}")
            else:
                said = []
                break
        variant.decided = "; ".join(said)
    return variants


def decisions(directory: Path = CORRECTIONS) -> dict[str, tuple[set[str], dict[str, str]]]:
    """Per text: the forms its corrections correct, and the forms it keeps with their reason."""
    return {path.stem: ({c.sic for c in load_corrections(path)}, load_kept(path))
            for path in sorted(directory.glob("*.toml"))}


def misread_headings(decisions: dict[str, tuple[set[str], dict[str, str]]],
                     registers: dict[str, list[Entry]] | None = None) -> list[str]:
    """Register entries headed by a misreading that a text's corrections correct
    ("S. P. Pisarey", id pisarey, for the Pisarev the text names a paragraph later).

    The register shows an entry under its name, preferred form and id: these are the
    edition's reading. The received misprint may still be listed as a later variant
    or a `form`, so that the name is found in the received text."""
    if registers is None:
        registers, _rules = load_registers()
    misread = set().union(*(corrected for corrected, _kept in decisions.values()))
    found = []
    for entries in registers.values():
        for entry in entries:
            preferred, _variants = preferred_and_variants(entry)
            heading = {*re.findall(r"[^\W\d_][^\W_]*", entry.name), preferred}
            id_words = set(entry.id.split("-"))
            words = sorted(w for w in heading if w in misread) + sorted(
                s for s in misread if s.lower() in id_words)
            if words:
                found.append(f"{entry.id} ({entry.name}): {', '.join(dict.fromkeys(words))}")
    return found
