"""Bodies the texts name that no `orgName` marks: the organisations register's gaps, as a reader meets them.

An organisation the register does not hold is left as plain text by the entities stage, and
nothing else says so: the review queue lists single capitalised words, not `Moscow University`
or `the People's Commissariat of Defense`. This detector reads the built TEI (the text as the
reading view shows it: the edited reading of a choice, notes as passages of their own) and lists

- capitalised sequences headed by an institution word (`Samara Agricultural Institute`,
  `Hoover Institution`, `Commissariat of Defense`) that no `orgName` covers, and
- abbreviations in capitals (`KGB`, `JPRS`) that no name element covers,

ranked by frequency. The head words are the rules' `institution_heads` and `body_heads`
(data/registers/rules.toml) less those that head a place, an event or a meeting, and with
the few heads that only ever name a body and need no rule of the entities stage.
What was read and found to be no gap of the register (a title, a place, a heading in
capitals, a kind of body) is left by data/registers/not_bodies.toml, each with its reason.
`edition names --view bodies` prints the list.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import TEI_DIR, XML_ID, tei
from .entities import is_translated_title, title_spans, within_note
from .registers import REGISTERS, load_registers
from .search import REGISTER_FILES, is_passage, is_received_reading

# institution heads that head a place, an event, a meeting, a document or a prize, or qualify
# another head ("Executive Committee", "Military District"): no body of their own
NOT_BODY_HEADS = {
    "Prize", "Prizes", "Constitution", "Mausoleum", "Canal", "Street", "Square", "Avenue", "Prospekt",
    "Park", "Station", "Enrollment", "Levy", "Line", "Mainline", "Trunkline", "Railway", "Railroad",
    "Metro", "Affair", "Trial", "Trials", "Conference", "Congress", "Plenum", "Province", "Guberniya",
    "Regional", "Region", "Oblast", "Krai", "Kray", "Okrug", "Rayon", "Uezd", "Executive", "Military",
    "Front", "Pravda", "Soviet",
}
# heads that name only a body, which the entities stage has no need of (no place stands before them)
BODY_HEADS = {"Institution", "District", "International", "Army", "League", "Service", "Opposition", "Inspection",
              "Agency", "Politburo", "Orgburo"}
# a name element, a title or a nested passage breaks a sequence: its words are not the sequence's
COVERED = {tei(t) for t in ("orgName", "title")}
NAMED = {tei(t) for t in ("persName", "placeName", "rs", "name")}
BARRIER = "\x00"
CAPITALISED = r"[A-Z][\w’'-]*(?:\s*\([bB]\))?"
SEQUENCE = re.compile(rf"{CAPITALISED}(?:\s+(?:(?:of|for|on|in)\s+(?:the\s+)?)?{CAPITALISED})*")
# words that open a sentence or a phrase, not a name
OPENERS = {"The", "A", "An", "In", "On", "Of", "At", "By", "For", "From", "To", "With", "And", "But", "This",
           "That", "These", "Those", "His", "Her", "Its", "Their", "Our", "Under", "After", "Before", "When",
           "As", "All", "Both", "Each", "Every", "Former", "Then", "Thus", "Now", "If", "So", "Yet"}
WORD = re.compile(r"[A-Za-z][\w’'-]*(?:\s*\([bB]\))?")
CONNECTORS = {"of", "for", "on", "in", "the"}
CAPITALS_WORD = re.compile(r"[A-Z]{2,}")
# abbreviations of no body: a policy, an edition, a publisher, an editor's initials
NOT_BODY_ABBREVIATIONS = {"NEP", "PSS", "ROSSPEN", "GF"}
ABBREVIATION = re.compile(r"(?<![\w’'-])[A-Z][A-Z]{1,6}(?:\([bB]\))?(?![\w’'-])")
ROMAN = re.compile(r"^[IVXLCDM]+$")
# the names read and left, with why: data/registers/not_bodies.toml
NOT_BODIES = "not_bodies.toml"


@dataclass
class Finding:
    name: str
    texts: Counter = field(default_factory=Counter)
    example: str = ""  # the first passage it stands in, and its context

    @property
    def count(self) -> int:
        return sum(self.texts.values())


def body_heads(rules: dict) -> set[str]:
    """The words that head a body's name: the rules' institution and body heads that name a body."""
    heads = {word for head in rules.get("institution_heads", []) + rules.get("body_heads", []) for word in head.split()}
    return (heads - NOT_BODY_HEADS) | BODY_HEADS


def reading(passage: etree._Element) -> tuple[str, str]:
    """The passage's text as read, and beside it per character: 'o' inside an orgName or a title,
    'n' inside another name, ' ' outside; a nested passage is a barrier."""
    text: list[str] = []
    cover: list[str] = []

    def add(s: str | None, mark: str) -> None:
        if s:
            text.append(s)
            cover.append(mark * len(s))

    def walk(node: etree._Element, mark: str, top: bool) -> None:
        if not top and (is_passage(node) or is_received_reading(node)):
            add(BARRIER, "o")
            return
        if node.tag in COVERED or is_translated_title(node):
            mark = "o"  # (the translator's bracket after a cited title is the title's translation)
        elif node.tag in NAMED and mark == " ":
            mark = "n"
        add(node.text, mark)
        for child in node:
            if isinstance(child.tag, str):
                walk(child, mark, False)
            add(child.tail, mark)

    walk(passage, " ", True)
    return "".join(text), "".join(cover)


def candidates(text: str, cover: str, heads: set[str], other_names: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """The unmarked body names of a passage's text: (name, position); `other_names` are the
    abbreviations that name a place or a person (`USSR`), no body."""
    found = []
    # what an orgName or title covers is no candidate's word
    open_text = "".join(BARRIER if c == "o" else ch for ch, c in zip(text, cover))
    for m in SEQUENCE.finditer(open_text):
        named = _body_name(list(WORD.finditer(m.group())), heads)
        if named:
            start, end = m.start() + named[0], m.start() + named[1]
            if "n" in cover[start:end] and " " not in cover[start:end].replace(" ", "", 0).strip("n"):
                if set(cover[start:end]) <= {"n"}:
                    continue  # wholly another name (`the Soviet Union`, a place)
            found.append((" ".join(open_text[start:end].split()), start))
    for m in ABBREVIATION.finditer(text):
        if (set(cover[m.start():m.end()]) == {" "} and not ROMAN.match(m.group())
                and m.group() not in NOT_BODY_ABBREVIATIONS | other_names and not _in_capitals(text, m)):
            found.append((m.group(), m.start()))
    return found


def _body_name(words: list[re.Match], heads: set[str]) -> tuple[int, int] | None:
    """The span of the body's name in a capitalised sequence: its head is the last word before
    the first `of` (`People's Commissariat of Defense`, `Samara Agricultural Institute`); a head
    that is no body's (`Chairman of the Council of Ministers`) passes the name on to what follows."""
    while words and words[0].group() in OPENERS:
        words = words[1:]
    if not words:
        return None
    first = next((i for i, w in enumerate(words) if w.group() in CONNECTORS), len(words))
    head = words[first - 1].group() if first else ""
    bare = re.sub(r"['’]s?$", "", head)
    capitalised = [w for w in words if w.group()[0].isupper()]
    if (bare in heads or bare.rstrip("s") in heads) and len(capitalised) > 1:
        return words[0].start(), words[-1].end()
    rest = words[first:]
    while rest and rest[0].group() in CONNECTORS:
        rest = rest[1:]
    return _body_name(rest, heads) if rest and first < len(words) else None


def _titles_covered(text: str, cover: str, passage: etree._Element) -> str:
    """The quoted titles the entities stage reads as titles (`the resolution "On the Unity of the Party"`, the
    "Draft Regulations on Cells of the RCP(b)"): covered as a title element is, their words no candidate's."""
    for start, end in title_spans(text, False, within_note(passage)):
        cover = cover[:start] + "o" * (end - start) + cover[end:]
    return cover


def _in_capitals(text: str, m: re.Match) -> bool:
    """A word of a line set in capitals (`END OF FICHE`), no abbreviation."""
    before = text[:m.start()].split()[-1:]
    after = text[m.end():].split()[:1]
    return any(CAPITALS_WORD.fullmatch(w.strip(".,;:-\"'“”")) for w in before + after)


def _passage_id(element: etree._Element) -> str:
    for e in [element, *element.iterancestors()]:
        if e.get(XML_ID):
            return e.get(XML_ID)
    return "?"


def left_names(registers: Path = REGISTERS) -> list[dict]:
    """The names read and left as no gap of the register: `name`, `why`, and `context` where
    only the passages holding that literal are meant."""
    path = Path(registers) / NOT_BODIES
    return tomllib.loads(path.read_text(encoding="utf-8")).get("left", []) if path.exists() else []


def _left_by(left: list[dict], name: str, text: str) -> int | None:
    """The entry of `left` that leaves this name in this passage's text, if any."""
    return next((i for i, entry in enumerate(left)
                 if entry["name"] == name and entry.get("context", "") in text), None)


def unmarked_bodies(tei_dir: Path = TEI_DIR, registers: Path = REGISTERS) -> list[Finding]:
    """Every unmarked body name of the edition, most frequent first."""
    return scan(tei_dir, registers)[0]


def scan(tei_dir: Path = TEI_DIR, registers: Path = REGISTERS) -> tuple[list[Finding], list[dict]]:
    """The unmarked body names of the edition, most frequent first, and the entries of
    not_bodies.toml that left none (stale)."""
    entries, rules = load_registers(registers)
    left = left_names(registers)
    used: set[int] = set()
    heads = body_heads(rules)
    # an abbreviation the places' or persons' register holds (`USSR`, `RSFSR`) names no body
    other_names = frozenset(form for kind in ("place", "person") for entry in entries.get(kind, [])
                            for form, _explicit in entry.surface_forms() if form.isupper())
    findings: dict[str, Finding] = {}
    for path in sorted(Path(tei_dir).glob("*.xml")):
        if path.name in REGISTER_FILES:
            continue
        root = etree.parse(str(path), etree.XMLParser(huge_tree=True)).getroot()
        body = root.find(f".//{tei('text')}")
        for passage in (e for e in (body if body is not None else root).iter() if is_passage(e)):
            text, cover = reading(passage)
            cover = _titles_covered(text, cover, passage)
            for name, at in candidates(text, cover, heads, other_names):
                leaving = _left_by(left, name, text)
                if leaving is not None:
                    used.add(leaving)
                    continue
                finding = findings.setdefault(name, Finding(name))
                finding.texts[path.stem] += 1
                if not finding.example:
                    context = " ".join(text[max(0, at - 50): at + len(name) + 50].replace(BARRIER, " ").split())
                    finding.example = f"{_passage_id(passage)}: {context}"
    stale = [entry for i, entry in enumerate(left) if i not in used]
    return sorted(findings.values(), key=lambda f: (-f.count, f.name)), stale
