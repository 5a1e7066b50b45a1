"""Stage 9, corrections: evident errors of the received text, corrected as data.

The corrections of a text are curated by hand in
`data/corrections/NAME.toml` (NAME is the source's file name without
`.txt`), one entry a line, reviewable in git:

    [[correction]] tables, or an array of inline tables:
    correction = [
      { sic = "Medvedey", corr = "Medvedev", why = "OCR: v read as y" },
      { sic = "F arty", corr = "Party" },
      { sic = "arid", corr = "and", context = "arid the" },
      { sic = "Ill", corr = "III", lines = [4123] },
    ]

- `sic`    the reading as the received text prints it: whole words, matched
           case-sensitively; a space stands for any run of white space (a
           word the OCR split in two, "F arty"). An entry written in lower
           case also corrects the same word capitalised at a sentence's
           start ("tbe" -> "the" also reads "Tbe" -> "The").
- `corr`   the edition's reading.
- `why`    optional: the reason, for the reviewer (stays in the data).
- `lines`  optional: only where the reading stands on these source lines.
- `context` optional: only where the reading stands inside this literal
           string (which must contain `sic`): for a form that is a real word
           elsewhere ("arid", "tire").
- `cert`   optional: high, medium or low, when the correction is a judgement.

Every match becomes `choice/sic + corr resp="#edition-editors"`: the source
is never edited, the received reading stays in the markup (and is what the
fidelity check counts). The stage runs after entities, so a correction inside
a name stays inside its `persName`. Its figures go to
doc.stage_report("corrections"): the count per entry, and every entry that
matched nothing is a warning, so stale data is noticed.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from . import DATA, SOURCE_LINE, tei
from .model import ConversionError, Document
from .registers import KINDS, load_registers
from .tree import inside, remove_keeping_text, rewrite_text, source_line

CORRECTIONS = DATA / "corrections"
EDITORS = "#edition-editors"
ENTRY_KEYS = {"sic", "corr", "why", "lines", "context", "cert"}
# an existing intervention is never corrected inside (no choice in a choice);
# the header and the edition's own notes are not received text
SKIP = ("teiHeader", "choice", "sic", "corr", "expan", "supplied")
WORD_CHAR = r"[^\W_]"


@dataclass
class Correction:
    sic: str
    corr: str
    why: str = ""
    lines: frozenset[int] = frozenset()
    context: str = ""
    cert: str | None = None
    where: str = ""  # file:line of the entry, for messages

    @property
    def label(self) -> str:
        limit = f" (lines {', '.join(map(str, sorted(self.lines)))})" if self.lines else ""
        limit += f" (in \u201c{self.context}\u201d)" if self.context else ""
        return f"{self.sic} -> {self.corr}{limit}"

    def forms(self) -> list[tuple[str, str]]:
        """(received, corrected) pairs this entry reads: itself, and capitalised if written in lower case."""
        pairs = [(self.sic, self.corr)]
        if self.sic[:1].islower() and self.corr[:1].islower():
            pairs.append((self.sic[0].upper() + self.sic[1:], self.corr[0].upper() + self.corr[1:]))
        return pairs


def corrections_file(doc: Document, directory: Path | None = None) -> Path:
    return Path(directory or CORRECTIONS) / f"{doc.id}.toml"


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and its tables; a file that is not UTF-8 TOML is an error naming it (and the line)."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConversionError(path, None, f"corrections file is not UTF-8: {err}") from None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None) or _line_from_message(str(err))
        raise ConversionError(path, line, f"corrections file is not valid TOML: {err}") from None
    unknown = set(data) - {"correction", "kept"}
    if unknown:
        raise ConversionError(path, None, f"unknown key(s) {', '.join(sorted(unknown))}: "
                                          "a corrections file holds 'correction' and 'kept' entries")
    return source, data


def load_kept(path: Path) -> dict[str, str]:
    """Forms examined and left as received ({form: why}): the rejected candidates, reviewable like the rest."""
    _, data = _read(path)
    kept = data.get("kept", [])
    if not isinstance(kept, list) or not all(isinstance(k, dict) and isinstance(k.get("form"), str)
                                              and set(k) <= {"form", "why"} for k in kept):
        raise ConversionError(path, None, "'kept' must be a list of { form = \"...\", why = \"...\" }")
    return {k["form"]: k.get("why", "") for k in kept}


def load_corrections(path: Path) -> list[Correction]:
    """The entries of one corrections file; any fault is an error naming the file (and line)."""
    path = Path(path)
    source, data = _read(path)
    entries = data.get("correction", [])
    if not isinstance(entries, list):
        raise ConversionError(path, None, "'correction' must be a list of entries")
    lines = _entry_lines(source)
    out: list[Correction] = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        out.append(_entry(path, line, index, entry))
    seen: dict[tuple, str] = {}
    for c in out:
        key = (c.sic, c.lines, c.context)
        if key in seen:
            raise ConversionError(path, None, f"'{c.sic}' is corrected twice with the same limits "
                                              f"({seen[key]} and {c.where})")
        seen[key] = c.where
    return out


def _entry(path: Path, line: int | None, index: int, entry: Any) -> Correction:
    where = f"{path.name}:{line}" if line else f"{path.name} entry {index + 1}"

    def fail(problem: str):
        raise ConversionError(path, line, f"correction entry {index + 1}: {problem}")

    if not isinstance(entry, dict):
        fail("must be a table { sic = ..., corr = ... }")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        fail(f"unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(ENTRY_KEYS))})")
    for key in ("sic", "corr"):
        if key not in entry:
            fail(f"needs '{key}' (the {'received' if key == 'sic' else 'corrected'} reading)")
        if not isinstance(entry[key], str) or not entry[key].strip():
            fail(f"'{key}' must be a non-empty string")
    sic, corr = entry["sic"].strip(), entry["corr"].strip()
    if sic == corr:
        fail(f"sic and corr are the same ('{sic}')")
    if not re.search(WORD_CHAR, sic):
        fail(f"sic '{sic}' holds no word (entries are whole words)")
    lines = entry.get("lines", [])
    if isinstance(lines, int):
        lines = [lines]
    if not isinstance(lines, list) or not all(isinstance(n, int) and n > 0 for n in lines):
        fail("'lines' must be a list of source line numbers")
    context = entry.get("context", "")
    if not isinstance(context, str) or (context and sic not in context):
        fail(f"'context' must be a string that contains sic ('{sic}')")
    cert = entry.get("cert")
    if cert not in (None, "high", "medium", "low"):
        fail("'cert' must be high, medium or low")
    return Correction(sic, corr, str(entry.get("why", "")), frozenset(lines), context, cert, where)


def _entry_lines(source: str) -> list[int]:
    """The line of each entry in the file (inline tables or [[correction]] tables), in order."""
    found = []
    for number, text in enumerate(source.splitlines(), 1):
        stripped = text.strip()
        if stripped.startswith("[[correction]]"):
            found.append(number)
        elif re.match(r"\{\s*sic\s*=", stripped) or re.match(r"\{.*\bsic\s*=", stripped):
            found.append(number)
    return found


def _line_from_message(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def correct(doc: Document, directory: Path | None = None) -> Document:
    """Encode every curated correction of this text as choice/sic/corr."""
    stats = doc.stage_report("corrections")
    path = corrections_file(doc, directory)
    text = doc.tei.find(tei("text")) if doc.tei is not None else None
    if text is None or not path.exists():
        return doc
    entries = load_corrections(path)
    if not entries:
        return doc
    reader = Reader(doc, entries)
    stats["names_read_in_part"] = unwrap_names_read_in_part(text, reader.pattern)
    rewrite_text(text, reader.pattern, reader, skip=SKIP)
    counts = {c.label: reader.counts.get(id(c), 0) for c in entries}
    stats["entries"] = len(entries)
    stats["total"] = sum(counts.values())
    stats["by_entry"] = counts
    stale = [c for c in entries if not reader.counts.get(id(c))]
    stats["matched_nothing"] = len(stale)
    for c in stale:
        doc.warn(None, f"correction {c.where} '{c.label}' matched nothing in the text (stale data?)")
    return doc


def unwrap_names_read_in_part(text: etree._Element, pattern: re.Pattern) -> int:
    """A damaged name the entities stage read in part ("Buryat- <placeName>Mongolia</placeName>",
    the place Mongolia): a correction's reading that holds the whole name element and more is
    one name, so the part's element is taken away and the corrected form is named (`named`)."""
    unwrapped = 0
    for name in list(text.iter(*NAME_TAGS)):
        if len(name) or not name.text or inside(name.getparent(), {tei(t) for t in SKIP}):
            continue
        previous = name.getprevious()
        before = (previous.tail if previous is not None else name.getparent().text) or ""
        start, end = len(before), len(before) + len(name.text)
        joined = before + name.text + (name.tail or "")
        if any(m.start() <= start and end <= m.end() and (m.start(), m.end()) != (start, end)
               for m in pattern.finditer(joined)):
            remove_keeping_text(name)
            unwrapped += 1
    return unwrapped


class Reader:
    """One pattern for every entry (one pass over the tree); each match decided by its entry's limits."""

    def __init__(self, doc: Document, entries: list[Correction]):
        self.doc = doc
        self.by_form: dict[str, list[tuple[Correction, str]]] = {}
        for entry in entries:
            for received, corrected in entry.forms():
                self.by_form.setdefault(_key(received), []).append((entry, corrected))
        # limited entries first: "arid" in "arid the" before a general "arid"
        for candidates in self.by_form.values():
            candidates.sort(key=lambda pair: not (pair[0].lines or pair[0].context))
        forms = sorted(self.by_form, key=len, reverse=True)  # the longest reading wins
        self.pattern = _whole_words(*forms)
        self.counts: dict[int, int] = {}
        self.block_lines: dict[int, int] = {}

    def __call__(self, m: re.Match, parent: etree._Element):
        received = m.group(0)
        for entry, corrected in self.by_form.get(_key(received), []):
            if entry.context and not _in_context(m, entry, _block(parent)):
                continue
            if entry.lines and self.line_of(m, parent, received) not in entry.lines:
                continue
            self.counts[id(entry)] = self.counts.get(id(entry), 0) + 1
            return named(self.choice(received, corrected, entry), corrected, parent)
        return None

    def choice(self, received: str, corrected: str, entry: Correction) -> etree._Element:
        choice = etree.Element(tei("choice"))
        etree.SubElement(choice, tei("sic")).text = received
        corr = etree.SubElement(choice, tei("corr"), resp=EDITORS)
        if entry.cert:
            corr.set("cert", entry.cert)
        corr.text = corrected
        return choice

    def line_of(self, m: re.Match, parent: etree._Element, received: str) -> int:
        """The source line a match stands on: from the block's first line, the k-th occurrence.

        A paragraph joins many source lines, so the block's own line is only
        where to start counting; k is the number of times the same reading
        stands earlier in the block (a name is a text node of its own).
        """
        block = _block(parent)
        first = source_line(parent)
        pattern = _whole_words(received)
        k = len(pattern.findall(_text_before(block, parent, m)))
        seen = 0
        for line in self.doc.lines:
            if line.number < first:
                continue
            for _ in pattern.finditer(line.text):
                if seen == k:
                    return line.number
                seen += 1
        return first


ELEMENT_FOR_KIND = {"person": "persName", "place": "placeName", "org": "orgName"}
NAME_TAGS = {tei(t) for t in ("persName", "placeName", "orgName", "name", "rs")}


def named(choice: etree._Element, corrected: str, parent: etree._Element) -> etree._Element:
    """A misprinted name the registers do not list ("Tomsy": a register variant must never
    hide a misprint) is named by its corrected form, when that form names one entry alone."""
    name = next((e for e in (parent, *parent.iterancestors()) if e.tag in NAME_TAGS), None)
    if not corrected[:1].isupper() or (name is not None and name.get("ref")):
        return choice  # a word ("slanderous"), or a name already placed: the registers are not read
    entries = _register_forms().get(corrected, set())
    if len(entries) != 1:
        return choice
    (kind, entry_id), = entries
    ref = f"{KINDS[kind]}.xml#{entry_id}"
    if name is None:
        name = etree.Element(tei(ELEMENT_FOR_KIND[kind]), ref=ref, resp=EDITORS)
        name.append(choice)
        return name
    if name.tag == tei(ELEMENT_FOR_KIND[kind]) and not name.get("ref"):
        # "M.P. Tomsy", a name the entities stage found but could not place: the corrected
        # form places it
        name.set("ref", ref)
        name.attrib.pop("cert", None)
    return choice


@functools.cache
def _register_forms() -> dict[str, set[tuple[str, str]]]:
    registers, _rules = load_registers()
    forms: dict[str, set[tuple[str, str]]] = {}
    for kind, entries in registers.items():
        for entry in entries:
            for form, _explicit in entry.surface_forms():
                forms.setdefault(form, set()).add((kind, entry.id))
    return forms


def _text_before(block: etree._Element | None, parent: etree._Element, m: re.Match) -> str:
    """The block's received text before the match, in reading order (corrections made so far left out)."""
    if block is None:
        return m.string[:m.start()]
    parts: list[str] = []

    def walk(element: etree._Element) -> bool:
        """Append text up to the match's text node; True once it is reached."""
        if element is parent and element.text == m.string:
            parts.append(m.string[:m.start()])
            return True
        if element.tag != tei("corr"):
            parts.append(element.text or "")
            for child in element:
                if isinstance(child.tag, str) and walk(child):
                    return True
                if element is parent and child.tail == m.string:
                    parts.append(m.string[:m.start()])
                    return True
                parts.append(child.tail or "")
        return False

    return "".join(parts) if walk(block) else m.string[:m.start()]


def _whole_words(*forms: str) -> re.Pattern:
    """Any of the forms, as whole words; a space in a form stands for any white space."""
    spaced = (r"\s+".join(map(re.escape, form.split())) for form in forms)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(spaced) + r")(?![^\W_])")


def _key(form: str) -> str:
    return " ".join(form.split())


def _in_context(m: re.Match, entry: Correction, block: etree._Element | None) -> bool:
    """Does the text around the match read as the entry's context?

    A name made by the entities stage is a text node of its own, so the
    context is read as far as this text node goes, and the whole of it must
    stand in the block (paragraph, head, note) that holds the match.
    """
    at = entry.context.find(entry.sic)
    before, after = entry.context[:at], entry.context[at + len(entry.sic):]
    text = m.string
    left, right = text[:m.start()], text[m.end():]
    agrees = (left.endswith(before) if len(left) >= len(before) else before.endswith(left)) and \
        (right.startswith(after) if len(right) >= len(after) else after.startswith(right))
    if not agrees:
        return False
    whole = " ".join("".join(block.itertext()).split()) if block is not None else text
    return " ".join(entry.context.split()) in whole


def _block(element: etree._Element | None) -> etree._Element | None:
    """The nearest element made from the source (it carries its first line): the context's frame."""
    while element is not None and not element.get(SOURCE_LINE):
        element = element.getparent()
    return element


# --- finding candidates ---------------------------------------------------------
#
# A misreading is a rare form that is not an English word and lies one letter
# from a frequent form: "Kameney" (4 times) beside "Kamenev" (89),
# "naterials" beside "materials"; or two words whose space was lost. The
# corpus is the dictionary of names and transliterations, pyspellchecker's
# word list that of English. Candidates are for a person to decide, passage
# by passage; what was decided is in the data (correction or kept) and is not
# proposed again. Misreadings that are English words ("arty" for "party")
# need the passage: they are not proposed.

TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class Candidate:
    form: str
    count: int
    suggestion: str
    suggestion_count: int
    kind: str  # one letter from a frequent form / from an English word, or two words run together
    lines: list[int]


def ocr_candidates(text: str, corpus: list[str], decided: set[str] = frozenset(),
                   rare: int = 4, frequent: int = 5) -> list[Candidate]:
    """Forms of `text` that may be misreadings, in the order they first stand in the text."""
    from spellchecker import SpellChecker  # its word list loads in a second: only when asked

    english = SpellChecker(distance=1).word_frequency
    counts: dict[str, int] = {}
    for document in corpus:
        for token in TOKEN.findall(document):
            counts[token] = counts.get(token, 0) + 1
    lower: dict[str, int] = {}
    for token, n in counts.items():
        lower[token.lower()] = lower.get(token.lower(), 0) + n
    where: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        for token in TOKEN.findall(line):
            where.setdefault(token, []).append(number)
    found: list[Candidate] = []
    for form, lines in where.items():
        n = lower.get(form.lower(), 0)
        bare = form.split("'")[0]
        if n > rare or len(bare) < 3 or form in decided or bare.isupper() or bare.lower() in english:
            continue
        edits = _one_letter_away(bare)
        near = max(((counts.get(v, 0), v) for v in edits), default=(0, ""))
        if near[0] >= max(frequent, 3 * n):
            found.append(Candidate(form, n, near[1] + form[len(bare):], near[0],
                                   "one letter from a frequent form", lines))
            continue
        word = max(((english[v], v) for v in {e.lower() for e in edits} if v in english and len(v) > 2),
                   default=(0, ""))
        if word[0]:
            suggestion = word[1].capitalize() if bare[0].isupper() else word[1]
            found.append(Candidate(form, n, suggestion + form[len(bare):], lower.get(word[1], 0),
                                   "one letter from an English word", lines))
            continue
        for cut in range(1, len(bare)):
            left, right = bare[:cut], bare[cut:]
            if all(part.lower() in english and lower.get(part.lower(), 0) >= frequent and (len(part) > 1 or part in "aI")
                   for part in (left, right)):
                found.append(Candidate(form, n, f"{left} {right}", min(lower[left.lower()], lower[right.lower()]),
                                       "two words run together", lines))
                break
    return sorted(found, key=lambda c: c.lines[0])


def _one_letter_away(form: str) -> set[str]:
    """Every form one deletion, transposition, replacement or insertion away (Norvig's edits1)."""
    splits = [(form[:i], form[i:]) for i in range(len(form) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    inserts = {a + c + b for a, b in splits for c in LETTERS}
    return (deletes | transposes | replaces | inserts) - {form}
