"""Stage 4, notes: note markers and note bodies become linked TEI notes.

The per-source note systems are declared in each profile's [notes] table;
this module is the one generic procedure that reads them:

1. blocks   - the reading text as a sequence of blocks (p, head, item) in
              document order; kept-but-not-reading regions (`ab`: a garbled
              contents, a note-link index) are never searched.
2. zones    - a note zone opens at a block matching `zone_start` (a "Notes"
              heading, a `---` rule) and runs until `zone_end`, a heading, or
              the first block that is neither a body nor an allowed
              continuation. A block that the page breaks glued together
              (several bodies in one paragraph) is split at the source lines
              where a body begins.
3. scopes   - the markers a zone answers are those in the blocks since the
              previous zone: numbering restarts with every zone.
4. linking  - each marker becomes a `note` holding its body (the body leaves
              the zone); a body nobody refers to stays, flagged unanchored,
              where its zone stood (the end of its division); a marker without
              a body gets a note that says so; a second reference to one note
              becomes a `ptr` to it. Faults are documented by an editorial
              note, never repaired silently.

Texts whose note bodies are absent from the source (`absent_bodies`) get a
note holding a `gap` for every marker.

Every marker and body number taken out of the text is recorded
(`doc.remove`) so that `edition fidelity` accounts for it: the number lives
on in `note/@n`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import SOURCE_LINE, XML_ID, tei
from .model import Document
from .profile import ProfileError
from .patterns import guarded
from .tree import remove_keeping_text, rewrite_text, source_line, text_of

SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
BLOCK_TAGS = (tei("p"), tei("head"), tei("item"), tei("milestone"))
EDITORS = "#edition-editors"


def note_number(raw: str) -> str:
    """'¹⁴' -> '14', ' 7 ' -> '7'."""
    return raw.translate(SUPERSCRIPT_DIGITS).strip()


@dataclass
class MarkerRule:
    pattern: re.Pattern
    # a weak marker (a bare digit glued to a word) counts only where a body
    # with that number exists: an ordinary number must never become a note
    needs_body: bool = False
    type: str | None = None  # a second series of notes (e.g. "comment")
    series: str = ""  # its letter in the note ids
    # a reference the edition reads where the source's sign is ambiguous
    # (a bare number after a space): linked with this @cert and an editorial
    # note saying why (`comment`, with {n} for the number)
    cert: str | None = None
    comment: str | None = None


@dataclass
class Body:
    n: str | None  # None: the source gives this body no number
    blocks: list[etree._Element] = field(default_factory=list)
    line: int = 0
    inferred: bool = False  # number supplied by the edition from the sequence
    misnumbered_from: str | None = None  # the number the source prints
    used: bool = False
    note: etree._Element | None = None


@dataclass
class Zone:
    index: int  # 1-based, in document order: the note scope
    start: etree._Element | None
    bodies: list[Body] = field(default_factory=list)
    scope: list[etree._Element] = field(default_factory=list)  # blocks whose markers it answers
    anchor: etree._Element | None = None  # where unanchored bodies go
    opened: bool = False  # False: the markers after the last zone, answered by none


class NotesSettings:
    """The [notes] table of a profile, compiled."""

    def __init__(self, table: dict[str, Any], where: str = "[notes]"):
        _check_notes_table(table, where)
        self.place = table.get("place", "end")
        self.type = table.get("type", "authorial")
        self.resp = table.get("resp", "#author")
        self.absent_bodies = bool(table.get("absent_bodies", False))
        self.markers = [MarkerRule(guarded(m["pattern"]), bool(m.get("needs_body", False)),
                                   m.get("type"), m.get("series", ""), m.get("cert"), m.get("comment"))
                        for m in table.get("markers", [])]
        # link residue wrapped round a marker ([press\[227\]56](#)): unwrapped
        # first, keeping the words, so the marker inside can be found
        self.unwrap = [guarded(p) for p in table.get("unwrap", [])]
        self.zone_start = _compile(table.get("zone_start"))
        self.zone_end = _compile(table.get("zone_end"))
        self.bodies = [guarded(p) for p in table.get("bodies", [])]
        self.body_exclude = _compile(table.get("body_exclude"))
        # True: any block inside a zone that is not a body continues the body
        # before it; False: it ends the zone; a list: only these source lines
        self.continuations = table.get("continuations", False)
        self.infer_unnumbered = bool(table.get("infer_unnumbered", True))
        self.open_at_first_body = bool(table.get("open_at_first_body", False))
        # blocks inside these elements (a facsimile transcription, a figure)
        # are neither the chapter's text nor its notes
        self.skip_within = [tei(t) for t in table.get("skip_within", [])]
        self.faults = table.get("faults", [])
        self.expected = table.get("expected", {})
        self.skip_lines = [tuple(r) for r in table.get("skip_lines", [])]

    def body_match(self, text: str) -> re.Match | None:
        if self.body_exclude and self.body_exclude.search(text):
            return None
        for rx in self.bodies:
            m = rx.match(text)
            if m:
                return m
        return None

    def continues(self, line: int) -> bool:
        if isinstance(self.continuations, list):
            return line in self.continuations
        return bool(self.continuations)

    def skipped(self, line: int) -> bool:
        return any(a <= line <= b for a, b in self.skip_lines)


PLACES = ("foot", "end", "inline", "margin")


def _check_notes_table(table: dict[str, Any], where: str) -> None:
    """A profile's [notes] table is checked before use: a slip names itself, it does not crash a stage."""
    for i, marker in enumerate(table.get("markers", [])):
        if not isinstance(marker, dict) or "pattern" not in marker:
            raise ProfileError(f"{where}: markers[{i}] needs a pattern")
        if "n" not in re.compile(marker["pattern"]).groupindex:
            raise ProfileError(f"{where}: markers[{i}].pattern must name the note number as (?P<n>...)")
        if marker.get("cert") is not None:
            if marker["cert"] not in ("medium", "low"):
                raise ProfileError(f"{where}: markers[{i}].cert must be medium or low (a certain marker has none)")
            if not marker.get("needs_body") or not marker.get("comment"):
                raise ProfileError(f"{where}: markers[{i}] with a cert needs needs_body = true and a comment "
                                   "saying why the reference is read so")
    if table.get("place", "end") not in PLACES:
        raise ProfileError(f"{where}: place must be one of {', '.join(PLACES)}, not {table['place']!r}")
    for i, fault in enumerate(table.get("faults", [])):
        if not isinstance(fault, dict) or "line" not in fault or "kind" not in fault:
            raise ProfileError(f"{where}: faults[{i}] needs a line and a kind")
        if fault["kind"] not in FAULT_KINDS:
            raise ProfileError(f"{where}: faults[{i}].kind must be one of {', '.join(FAULT_KINDS)}")
        if fault["kind"] in ("misnumbered-body", "marker-reads") and "n" not in fault:
            raise ProfileError(f"{where}: faults[{i}] ({fault['kind']}) needs the number it stands for (n)")
    if table.get("markers") and not table.get("absent_bodies") and not (
            table.get("zone_start") or table.get("open_at_first_body")):
        raise ProfileError(f"{where}: markers without bodies: give zone_start or open_at_first_body, "
                           "or absent_bodies = true")


FAULT_KINDS = ("misnumbered-body", "marker-reads", "reference")


def _compile(pattern: str | None) -> re.Pattern | None:
    return guarded(pattern) if pattern else None


def link_notes(doc: Document) -> Document:
    table = doc.profile.table("notes")
    stats = doc.stage_report("notes")
    if not table or doc.tei is None:
        stats.update(references=0, bodies=0, linked=0, unanchored=0, without_body=0, duplicates=0)
        return doc
    where = f"{doc.profile.path or doc.id} [notes]"
    NoteLinker(doc, NotesSettings(table, where)).run()
    return doc


class NoteLinker:
    def __init__(self, doc: Document, settings: NotesSettings):
        self.doc = doc
        self.settings = settings
        self.key = doc.profile.key
        self.stats = doc.stage_report("notes")
        self.ids: set[str] = set()
        self._suffixes: dict[str, int] = {}  # unique_id: the last suffix given to each wanted id
        self.faults_by_line: dict[int, list[dict]] = {}
        for fault in settings.faults:
            self.faults_by_line.setdefault(int(fault["line"]), []).append(fault)
        self.counts = dict(references=0, bodies=0, linked=0, unanchored=0, without_body=0,
                           duplicates=0, inferred_numbers=0, misnumbered=0, continuations=0,
                           unjoined=0, markers_left_in_facsimiles=0, bodies_absent_from_source=0,
                           inferred_references=0)
        self.problems: list[str] = []  # each documented fault, for the report

    # 1. blocks ---------------------------------------------------------------

    def blocks(self) -> list[etree._Element]:
        text = self.doc.tei.find(tei("text"))
        out = []
        for element in text.iter(*BLOCK_TAGS):
            if element.getparent() is not None and element.getparent().tag == tei("note"):
                continue
            if self.settings.skipped(source_line(element)):
                continue
            if self.settings.skip_within and _has_ancestor(element, self.settings.skip_within):
                self.count_foreign_markers(element)
                continue
            out.extend(self.unglue_zone_start(element))
        return out

    def count_foreign_markers(self, element: etree._Element) -> None:
        """Markers in a facsimile belong to the facsimile's own apparatus: counted, left as they are."""
        text = element.text or ""
        found = sum(len(rule.pattern.findall(text)) for rule in self.settings.markers if not rule.needs_body)
        self.counts["markers_left_in_facsimiles"] += found

    def unglue_zone_start(self, block: etree._Element) -> list[etree._Element]:
        """A "Footnotes" heading that a page-break join glued to its first body is cut off again."""
        first_pb = next((c for c in block if c.tag == tei("pb") and c.get("type") == "mended"), None)
        rx = self.settings.zone_start
        if first_pb is None or rx is None or first_pb is not block[0]:
            return [block]
        if not rx.search((block.text or "").strip()):
            return [block]
        offset = len(block.text or "")
        line = source_line(first_pb)
        remove_keeping_text(first_pb)
        self.counts["unjoined"] += 1
        return split_element(block, [(offset, line)])

    # 2. zones ----------------------------------------------------------------

    def find_zones(self, blocks: list[etree._Element]) -> list[Zone]:
        s = self.settings
        zones: list[Zone] = []
        scope: list[etree._Element] = []
        zone: Zone | None = None
        for block in blocks:
            text = block_text(block)
            if zone is not None:
                if s.zone_start and s.zone_start.search(text):
                    zone = None  # a second heading: a new zone (below)
                elif (s.zone_end and s.zone_end.search(text)) or block.tag == tei("head"):
                    zone = None
                else:
                    rest = self.take_bodies(zone, self.split_bodies(block))
                    if not rest:
                        continue
                    # what follows the bodies is text again: it belongs to the next scope
                    zone = None
                    scope.extend(rest)
                    continue
            if zone is None and s.zone_start and s.zone_start.search(text):
                zone = Zone(len(zones) + 1, block, scope=scope, opened=True)
                zones.append(zone)
                scope = []
                continue
            if zone is None and s.open_at_first_body and self.first_body(block):
                # endnotes that follow the text with no rule or heading before them
                zone = Zone(len(zones) + 1, None, scope=scope, opened=True)
                zones.append(zone)
                scope = []
                rest = self.take_bodies(zone, self.split_bodies(block))
                if rest:
                    zone = None
                    scope.extend(rest)
                continue
            if zone is None:
                scope.append(block)
        # markers after the last zone answer no zone (a text without bodies)
        if scope:
            zones.append(Zone(len(zones) + 1, None, scope=scope))
        return zones

    def take_bodies(self, zone: Zone, pieces: list[etree._Element]) -> list[etree._Element]:
        """Take pieces into the zone while they are bodies or continuations; return the rest."""
        for i, piece in enumerate(pieces):
            if not self.add_to_zone(zone, piece):
                return pieces[i:]
        return []

    def first_body(self, block: etree._Element) -> bool:
        if block.tag != tei("p"):
            return False
        m = self.settings.body_match(block.text or "")
        return bool(m) and m.groupdict().get("n") == "1"

    def add_to_zone(self, zone: Zone, block: etree._Element) -> bool:
        """Take a block into the zone as a body or a continuation; False ends the zone."""
        s = self.settings
        text = (block.text or "")
        m = s.body_match(text)
        line = source_line(block)
        if m:
            number = m.groupdict().get("n")
            self.doc.remove(line, "note-number", m.group(0))
            block.text = text[m.end():]
            body = Body(note_number(number) if number else None, [block], line)
            zone.bodies.append(body)
            self.counts["bodies"] += 1
            return True
        if zone.bodies and s.continues(line):
            zone.bodies[-1].blocks.append(block)
            self.counts["continuations"] += 1
            return True
        return False

    def split_bodies(self, block: etree._Element) -> list[etree._Element]:
        """A block holding several bodies (glued by the line joins) becomes one block per body."""
        lines = self.block_lines(block)
        text = text_of(block)
        offsets = []
        cursor = 0
        for number, line_text in lines[1:]:
            probe = line_text.strip()
            if not probe or not self.settings.body_match(probe):
                continue
            found = text.find(probe[:40], cursor)
            if found > 0:
                offsets.append((found, number))
                cursor = found + 1
        # a page-break join that glued the next body on (the body before it
        # did not end a sentence) was no page break: cut there, drop the <pb/>
        for pb in block.iter(tei("pb")):
            if pb.getparent() is block and pb.get("type") == "mended" and \
                    self.settings.body_match((pb.tail or "").lstrip()):
                before = (block.text or "") + "".join(
                    text_of(c) + (c.tail or "") for c in block[:block.index(pb)])
                offsets.append((len(before), source_line(pb)))
        if not offsets:
            return [block]
        offsets.sort()
        return [piece for piece in self._split(block, offsets) if self._has_words(piece)]

    def _has_words(self, piece: etree._Element) -> bool:
        """An empty bullet ("- ") left before the first body goes, recorded."""
        if re.search(r"[^\W_]", text_of(piece)) or len(piece):
            return True
        self.doc.remove(source_line(piece), "empty-bullet", text_of(piece))
        piece.getparent().remove(piece)
        return False

    def _split(self, block: etree._Element, offsets: list[tuple[int, int]]) -> list[etree._Element]:
        for pb in [pb for pb in block if pb.tag == tei("pb") and
                   any(o == source_line(pb) for _, o in offsets)]:
            remove_keeping_text(pb)
            self.counts["unjoined"] = self.counts.get("unjoined", 0) + 1
        return split_element(block, offsets)

    def block_lines(self, block: etree._Element) -> list[tuple[int, str]]:
        first = source_line(block)
        out = []
        index = self.line_index.get(first)
        if index is None:
            return out
        lines = self.doc.lines
        while index < len(lines) and lines[index].text.strip():
            out.append((lines[index].number, lines[index].text))
            index += 1
        return out

    @functools.cached_property
    def line_index(self) -> dict[int, int]:
        """Source line number -> position in doc.lines (clean keeps every line, some blank)."""
        return {line.number: i for i, line in enumerate(self.doc.lines)}

    # 3-4. linking --------------------------------------------------------------

    def run(self) -> None:
        blocks = self.blocks()
        zones = [] if self.settings.absent_bodies else self.find_zones(blocks)
        if self.settings.absent_bodies:
            zones = [Zone(1, None, scope=blocks)]
        for zone in zones:
            self.number_bodies(zone)
            self.place_anchor(zone)
        for zone in zones:
            for block in zone.scope:
                self.unwrap_residue(block)
            self.link_zone(zone)
        for zone in zones:
            self.leave_unanchored(zone)
            self.retire_zone_start(zone)
        self.report(zones)

    def number_bodies(self, zone: Zone) -> None:
        """Unnumbered bodies get the number the sequence implies; misnumbered ones are recorded."""
        previous = 0
        for i, body in enumerate(zone.bodies):
            for fault in self.faults_by_line.get(body.line, []):
                if fault.get("kind") == "misnumbered-body":
                    body.misnumbered_from, body.n = body.n, str(fault["n"])
                    self.counts["misnumbered"] += 1
                    self.problems.append(f"line {body.line}: the body numbered {body.misnumbered_from} "
                                         f"(scope {zone.index}) is note {body.n}")
            if body.n is None and self.settings.infer_unnumbered:
                following = next((b.n for b in zone.bodies[i + 1:] if b.n and b.n.isdigit()), None)
                guess = previous + 1
                if following is None or int(following) > guess:
                    body.n, body.inferred = str(guess), True
                    self.counts["inferred_numbers"] += 1
                    self.problems.append(f"line {body.line}: a body without a number (scope {zone.index}) "
                                         f"is read as note {guess} from its place (cert medium)")
            if body.n and body.n.isdigit():
                previous = int(body.n)

    def place_anchor(self, zone: Zone) -> None:
        """Remember where the zone stands: unanchored bodies stay there."""
        first = zone.start if zone.start is not None else (zone.bodies[0].blocks[0] if zone.bodies else None)
        if first is None:
            return
        parent = first.getparent()
        position = parent.index(first)
        while parent.tag in (tei("list"), tei("item"), tei("quote")):
            position = parent.getparent().index(parent)
            first, parent = parent, parent.getparent()
        if parent.tag == tei("div") and first.tag == tei("head"):
            position += 1  # keep a "Notes" heading above what stays
        marker = etree.Element(tei("anchor"))
        marker.set(SOURCE_LINE, str(source_line(first)))
        parent.insert(position, marker)
        zone.anchor = marker

    def unwrap_residue(self, block: etree._Element) -> None:
        for rx in self.settings.unwrap:
            def keep_inside(m: re.Match, parent) -> str:
                inner = m.group(1)
                self.doc.remove(source_line(parent), "link-residue", m.group(0).replace(inner, "", 1))
                return inner
            rewrite_text(block, rx, keep_inside, skip=("note", "teiHeader"))

    def link_zone(self, zone: Zone) -> None:
        bodies: dict[str, Body] = {}
        for body in zone.bodies:
            if body.n is None:
                continue
            if body.n in bodies:
                self.problems.append(f"line {body.line}: a second body numbered {body.n} in note scope "
                                     f"{zone.index}; kept unanchored")
                self.counts["duplicates"] += 1
                continue
            bodies[body.n] = body
        for block in zone.scope:
            self.link_markers(zone, block, bodies)

    def link_markers(self, zone: Zone, block: etree._Element, bodies: dict[str, Body]) -> None:
        for rule in self.settings.markers:
            def build(m: re.Match, parent, rule=rule):
                line = self.line_in_block(parent, m)
                numbers = [note_number(x) for x in re.split(r"[,\s]+", note_number(m.group("n"))) if x]
                for fault in self.faults_by_line.get(line, []):
                    if fault.get("kind") == "marker-reads" and fault.get("marker") == m.group(0):
                        numbers = [str(fault["n"])]
                        self.problems.append(f"line {line}: the reference printed {m.group(0).strip()} "
                                             f"is read as {fault['n']}")
                if rule.needs_body and not all(n in bodies for n in numbers):
                    return None
                if rule.cert and any(bodies[n].used for n in numbers):
                    return None  # an inferred reference never doubles a surviving one
                if rule.type:  # another series: its own numbering, never a body
                    return self.make_references(zone, m, numbers, {}, line, rule)
                return self.make_references(zone, m, numbers, bodies, line, rule)

            rewrite_text(block, rule.pattern, build, skip=("note", "teiHeader"))

    def line_in_block(self, parent: etree._Element, m: re.Match) -> int:
        """The source line a marker stands on (a block spans several lines)."""
        first = source_line(parent)
        probe = m.string[max(0, m.start() - 12):m.end()].lstrip()
        index = self.line_index.get(first)
        if index is None:
            return first
        # a mended paragraph runs over several source blocks: look a little way on
        for line in self.doc.lines[index:index + 60]:
            if probe in line.text:
                return line.number
        return first

    def make_references(self, zone: Zone, m: re.Match, numbers: list[str], bodies: dict[str, Body],
                        line: int, rule: MarkerRule):
        self.doc.remove(line, "note-marker", self.marker_record(m))
        local = next((note_number(v) for k, v in m.groupdict().items() if k.startswith("local") and v), None)
        elements = []
        for n in numbers:
            self.counts["references"] += 1
            body = bodies.get(n)
            if body is not None and body.used:
                self.counts["duplicates"] += 1
                elements.append(self.second_reference(zone, body, line))
                continue
            note = self.new_note(zone, n, line, rule)
            if local:
                # the number within its section: the running number is the
                # note's identity (@n), the section's number is kept beside it
                num = etree.SubElement(note, tei("num"), type="per-section")
                num.text = local
            if body is not None:
                body.used = True
                body.note = note
                self.fill(note, body)
                self.counts["linked"] += 1
                if rule.cert:
                    note.set("cert", rule.cert)
                    note.append(self.editorial(rule.comment.format(n=n), line, note.get(XML_ID)))
                    self.counts["inferred_references"] += 1
                    self.problems.append(f"line {line}: the bare number {n} (scope {zone.index}) is read as "
                                         f"a reference to note {n} (cert {rule.cert})")
            elif self.settings.absent_bodies:
                # the text's notes were never transmitted: say so in the note
                self.counts["bodies_absent_from_source"] += 1
                etree.SubElement(note, tei("gap"), reason="not-in-source")
            else:
                self.counts["without_body"] += 1
                note.set("subtype", "body-missing")
                etree.SubElement(note, tei("gap"), reason="body-missing")
                self.problems.append(f"line {line}: reference {n} (scope {zone.index}) has no body")
            elements.append(note)
        for fault in self.faults_by_line.get(line, []):
            if fault.get("kind") in ("marker-reads", "reference") and fault.get("comment") and \
                    str(fault.get("n")) in numbers and not any(e.tag == tei("seg") for e in elements):
                elements.append(self.editorial(fault["comment"], line, elements[-1].get(XML_ID)))
        if len(elements) == 1:
            return elements[0]
        # several notes at one point (<sup>7, 8</sup>): a neutral wrapper
        seg = etree.Element(tei("seg"), type="note-references")
        seg.extend(elements)
        return seg

    @staticmethod
    def marker_record(m: re.Match) -> str:
        """The source text a marker takes away, as the fidelity check counts words.

        A superscript glued to a word ("time⁵") is one word to the word
        count; the record names that word, so that the word is accounted for.
        """
        text = m.group(0)
        if text[:1] in "⁰¹²³⁴⁵⁶⁷⁸⁹":
            glued = re.search(r"[^\W_]+$", m.string[:m.start()])
            if glued:
                return glued.group(0) + text
        return text

    def second_reference(self, zone: Zone, body: Body, line: int) -> etree._Element:
        """The source refers to one note twice: the second reference points at the first."""
        ptr = etree.Element(tei("ptr"), type="noteref", target=f"#{body.note.get(XML_ID)}")
        ptr.set("n", body.n)
        ptr.set(SOURCE_LINE, str(line))
        self.problems.append(f"line {line}: note {body.n} (scope {zone.index}) is referred to a second time")
        # the fault is kept and said, not repaired
        wrapper = etree.Element(tei("seg"), type="note-references")
        wrapper.append(ptr)
        comment = next((f["comment"] for f in self.faults_by_line.get(line, [])
                        if str(f.get("n")) == body.n and f.get("comment")), None)
        wrapper.append(self.editorial(
            comment or f"The source refers to note {body.n} a second time here; both references are kept.", line,
            body.note.get(XML_ID)))
        return wrapper

    def new_note(self, zone: Zone, n: str, line: int, rule: MarkerRule | None = None) -> etree._Element:
        note = etree.Element(tei("note"))
        note.set("n", n)
        note.set("place", self.settings.place)
        note.set("type", (rule.type if rule else None) or self.settings.type)
        note.set("resp", self.settings.resp)
        series = rule.series if rule else ""
        scope = series or ("" if self.settings.absent_bodies else str(zone.index))
        note.set(XML_ID, self.unique_id(f"{self.key}.n{scope}-{n}"))
        note.set(SOURCE_LINE, str(line))
        return note

    def unique_id(self, wanted: str) -> str:
        # the last suffix given for `wanted` is remembered: counting up from 1 each
        # time was quadratic in the number of notes that share a number
        candidate, i = wanted, self._suffixes.get(wanted, 1)
        while candidate in self.ids:
            i += 1
            candidate = f"{wanted}.{i}"
        self._suffixes[wanted] = i
        self.ids.add(candidate)
        return candidate

    def fill(self, note: etree._Element, body: Body) -> None:
        for block in body.blocks:
            p = block if block.tag == tei("p") else _retag(block, "p")
            parent = block.getparent()
            if parent is not None:
                parent.remove(block)
                _drop_if_empty(parent)
            note.append(p)
        if body.inferred:
            note.set("cert", "medium")
            note.append(self.editorial(
                f"The source prints this note without a number; the edition infers {body.n} from its place "
                f"in the sequence.", body.line, note.get(XML_ID)))
        if body.misnumbered_from:
            note.append(self.editorial(
                f"The source numbers this note {body.misnumbered_from}; by its place and its reference it "
                f"is note {body.n}.", body.line, note.get(XML_ID)))
        if len(body.blocks) > 1:
            note.set("subtype", note.get("subtype") or "continued")

    def editorial(self, text: str, line: int, about: str | None = None) -> etree._Element:
        """The edition's own word on a fault; its id derives from the note it is about."""
        note = etree.Element(tei("note"), type="editorial", resp=EDITORS)
        note.set(XML_ID, self.unique_id(f"{about or f'{self.key}.line{line}'}.ed"))
        note.text = text
        note.set(SOURCE_LINE, str(line))
        return note

    def leave_unanchored(self, zone: Zone) -> None:
        if zone.anchor is None:
            return
        anchor = zone.anchor
        parent = anchor.getparent()
        position = parent.index(anchor)
        for body in zone.bodies:
            if body.used:
                continue
            note = self.new_note(zone, body.n or "unnumbered", body.line)
            if body.n is None:
                del note.attrib["n"]
            note.set("subtype", "unanchored")
            self.fill(note, body)
            if note.get("subtype") == "continued":
                note.set("subtype", "unanchored")
            parent.insert(position, note)
            position += 1
            self.counts["unanchored"] += 1
        parent.remove(anchor)

    def retire_zone_start(self, zone: Zone) -> None:
        """The "Notes" heading or rule goes when nothing is left under it (recorded)."""
        start = zone.start
        if start is None or start.getparent() is None or start.tag == tei("milestone"):
            return  # a rule stays: it has no words and still divides text from notes
        parent = start.getparent()
        if start.tag == tei("head") and parent.tag == tei("div"):
            if any(child is not start and isinstance(child.tag, str) for child in parent):
                return  # unanchored notes stay under their heading
            self.doc.remove(source_line(start), "notes-heading", text_of(start))
            grand = parent.getparent()
            grand.remove(parent)
            return
        self.doc.remove(source_line(start), "notes-heading", text_of(start))
        parent.remove(start)
        _drop_if_empty(parent)

    # report --------------------------------------------------------------------

    def report(self, zones: list[Zone]) -> None:
        self.stats.update(self.counts)
        self.stats["scopes"] = sum(1 for z in zones if z.opened)
        self.stats["problems"] = self.problems
        self.stats["expected"] = dict(self.settings.expected)


def block_text(block: etree._Element) -> str:
    """A block's text; a rule (milestone) is known by its @n ("---")."""
    if block.tag == tei("milestone"):
        return block.get("n", "")
    return text_of(block).strip()


def _has_ancestor(element: etree._Element, tags: list[str]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _retag(block: etree._Element, tag: str) -> etree._Element:
    p = etree.Element(tei(tag))
    for name, value in block.attrib.items():
        if name == SOURCE_LINE:
            p.set(name, value)
    p.text = block.text
    for child in block:
        p.append(child)
    parent = block.getparent()
    if parent is not None:
        parent.replace(block, p)
    return p


def _drop_if_empty(element: etree._Element) -> None:
    """A list whose items all became notes goes too."""
    if element.tag == tei("list") and not len(element) and element.getparent() is not None:
        element.getparent().remove(element)


def split_element(element: etree._Element, offsets: list[tuple[int, int]]) -> list[etree._Element]:
    """Cut `element` at text offsets into siblings of the same kind.

    `offsets` are (character offset in text_of(element), source line). Child
    elements are kept whole, in the piece where they begin.
    """
    segments: list[str | etree._Element] = []
    if element.text:
        segments.append(element.text)
    for child in list(element):
        tail = child.tail
        child.tail = None
        element.remove(child)
        segments.append(child)
        if tail:
            segments.append(tail)
    pieces: list[list[str | etree._Element]] = [[]]
    cuts = [o for o, _ in offsets]
    position = 0
    for segment in segments:
        if isinstance(segment, str):
            start = 0
            while cuts and cuts[0] < position + len(segment):
                local = max(cuts[0] - position, start)
                pieces[-1].append(segment[start:local])
                pieces.append([])
                cuts.pop(0)
                start = local
            pieces[-1].append(segment[start:])
            position += len(segment)
            continue
        while cuts and cuts[0] <= position:
            pieces.append([])
            cuts.pop(0)
        pieces[-1].append(segment)
        position += len(text_of(segment))
    elements = []
    lines = [source_line(element)] + [line for _, line in offsets]
    parent = element.getparent()
    index = parent.index(element)
    for i, piece in enumerate(pieces):
        new = element if i == 0 else etree.Element(element.tag)
        new.text = None
        for segment in piece:
            if isinstance(segment, str):
                segment = segment.lstrip() if not new.text and not len(new) else segment
                if len(new):
                    new[-1].tail = (new[-1].tail or "") + segment
                else:
                    new.text = (new.text or "") + segment
            else:
                new.append(segment)
        if len(new):
            new[-1].tail = (new[-1].tail or "").rstrip() or None
        elif new.text:
            new.text = new.text.rstrip()
        new.set(SOURCE_LINE, str(lines[min(i, len(lines) - 1)]))
        if i:
            parent.insert(index + i, new)
        elements.append(new)
    return elements


# the notes report -------------------------------------------------------------

REPORT_FIGURES = [
    ("references", "references (markers in the text)"),
    ("bodies", "note bodies in the source"),
    ("linked", "linked pairs (reference and body)"),
    ("unanchored", "unanchored bodies (no reference survives)"),
    ("without_body", "references without a body"),
    ("bodies_absent_from_source", "references whose notes the source never transmitted"),
    ("duplicates", "duplicates (a second reference to one note, or a second body with one number)"),
]


def expected_differences(report: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(figure, expected, found) for every expected figure the stage did not meet."""
    expected = report.get("expected", {})
    return [(key, value, report.get(key)) for key, value in expected.items()
            if key != "explain" and report.get(key) != value]


def format_report(text_id: str, report: dict[str, Any], interventions: dict[str, Any] | None = None) -> list[str]:
    """The per-text notes report, as the `edition notes` command prints it."""
    out = [f"{text_id}: notes"]
    for key, label in REPORT_FIGURES:
        out.append(f"    {label:<80} {report.get(key, 0):>5}")
    extras = [k for k in ("scopes", "continuations", "inferred_numbers", "inferred_references", "misnumbered",
                          "unjoined",
                          "markers_left_in_facsimiles") if report.get(k)]
    if extras:
        out.append("    also: " + ", ".join(f"{k.replace('_', ' ')} {report[k]}" for k in extras))
    expected = report.get("expected", {})
    if expected:
        figures = ", ".join(f"{k} {v}" for k, v in expected.items() if k != "explain")
        out.append(f"    expected: {figures}")
        for key, wanted, found in expected_differences(report):
            out.append(f"      differs: {key} expected {wanted}, found {found}")
        if expected.get("explain"):
            out.append(f"      why: {expected['explain']}")
    for problem in report.get("problems", []):
        out.append(f"    documented fault: {problem}")
    if interventions:
        out.append(f"{text_id}: interventions")
        for name, count in sorted(interventions.items()):
            if name not in ("total", "left", "malformed"):
                out.append(f"    {name:<80} {count:>5}")
        out.append(f"    {'total':<80} {interventions.get('total', 0):>5}")
        malformed = interventions.get("malformed", {})
        if malformed:
            out.append("    malformed brackets (counted above with their kind): "
                       + ", ".join(f"{k} {v}" for k, v in malformed.items()))
        left = interventions.get("left", {})
        out.append(f"    square brackets not read as interventions, by class (each with its reason): {sum(left.values())}")
        for name, count in sorted(left.items()):
            out.append(f"      {count:>5}  {name}")
    return out
