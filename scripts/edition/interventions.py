"""Stage 5, interventions: every voice that speaks inside the text, attributed.

Translators, authors and editors interpolate into the text they transmit:
a translator's expansion of an acronym, an author's "(emphasis mine - I.P.)",
a JPRS processing mark "[Text]". The profile's [interventions] table lists,
in order, the rules that recognise them; each rule has a `kind`:

- note      the interpolation (delimiters and all) becomes an inline
            `note` with @type and @resp: "[various public archives -- GF]";
- sign      a note body signed "(translator)" is the translator's note:
            the note that holds it takes @type/@resp from the rule;
- expan     "RSDRP [Russian Social Democratic Workers Party]" becomes
            `choice/abbr + expan` (the bracketed words are recorded as
            moved into the expansion);
- gloss     '"Ottseubiytsa" [Patricide]' becomes `term` + `gloss`, or a
            bracket alone becomes a `gloss`;
- supplied  "the [Great] Patriotic War", "Nik[olai]": `supplied` with @resp;
- foreign   a transliterated term the source marks: `foreign xml:lang`.

A rule's `pattern` names what it wraps with groups (`abbr`, `expan`, `term`,
`gloss`, `supplied`); `resp` points at the header's ids (#author,
#translator, #edition-editors). Text inside an intervention already made is
never matched again, and blocks inside `skip_within` elements (facsimile
transcriptions) keep their own brackets. A rule may give `cert` when the
attribution is an inference.

Two kinds of damage are read through, never repaired in the text:

- a bracket a mended page break cuts in two is matched across the <pb/>,
  which stays inside the element made;
- a malformed bracket ("[Feuchtwanger)", "Councill" for "Council]") is
  found by the `malformed` patterns (two built in, more in the profile for a
  source's own misreadings); the bracket it stands for is matched by the
  rules as if well formed, the element keeps the source's characters, an
  editorial note says what the source prints, and the build warns with
  file:line.

What is left in the reading text afterwards is counted by the profile's
`left_alone` classes (each with the reason it is not an intervention); the
counts per kind and type and the brackets left go to
doc.stage_report("interventions").
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from . import ED_NS, XML_ID, XML_LANG, tei
from .model import Document
from .profile import ProfileError
from .patterns import guarded
from .tree import inside, rewrite_text, source_line

# marks an element this stage made, so later rules leave its text alone
MADE = f"{{{ED_NS}}}intervention"
# marks a transcription (skip_within) whose brackets are its document's own
KEPT = f"{{{ED_NS}}}transcription"
# one step of a skip_within path: "figure", "figure[@type='facsimile']"
STEP = re.compile(r"^(?P<tag>\w+)(?:\[@(?P<attr>[\w:-]+)=['\"]?(?P<value>[^'\"\]]+)['\"]?\])?$")
EDITORS = "#edition-editors"
KINDS = ("note", "sign", "expan", "gloss", "supplied", "foreign")
# what each kind wraps must be named in its pattern
GROUPS_NEEDED = {"expan": ("abbr", "expan"), "supplied": ("supplied",)}


class InterventionRule:
    def __init__(self, table: dict[str, Any], index: int, where: str = "[interventions]"):
        self.kind = table.get("kind", "note")
        if self.kind not in KINDS:
            raise ProfileError(f"{where}: rules[{index}]: unknown kind '{self.kind}' (one of {', '.join(KINDS)})")
        if "pattern" not in table:
            raise ProfileError(f"{where}: rules[{index}] needs a pattern")
        self.pattern = guarded(table["pattern"])
        missing = [g for g in GROUPS_NEEDED.get(self.kind, ()) if g not in self.pattern.groupindex]
        if missing:
            raise ProfileError(f"{where}: rules[{index}] ({self.kind}) must name "
                               + " and ".join(f"(?P<{g}>...)" for g in missing))
        if self.kind == "gloss" and "term" in self.pattern.groupindex and "gloss" not in self.pattern.groupindex:
            raise ProfileError(f"{where}: rules[{index}] (gloss) names a term but not its (?P<gloss>...)")
        resp = table.get("resp", "#translator")
        if not str(resp).startswith("#"):
            raise ProfileError(f"{where}: rules[{index}].resp must point at a header id, e.g. '#translator'")
        self.type = table.get("type", self.kind)
        self.resp = table.get("resp", "#translator")
        self.lang = table.get("lang", "ru-Latn")
        self.lang_given = "lang" in table  # a bare gloss is tagged only when the rule says so
        self.cert = table.get("cert")
        if self.cert not in (None, "high", "medium", "low"):
            raise ProfileError(f"{where}: rules[{index}].cert must be high, medium or low")
        self.name = table.get("name") or f"{self.kind}:{self.type}"


# a bracket opened with one sign and closed with the other: the two misprints
# any source can have; a source's own misreadings come from its profile
BUILT_IN_MALFORMED = [
    {"pattern": r"\[(?P<inside>[^\[\]()]{1,80})\)", "fault": "opened with [ and closed with )"},
    {"pattern": r"\((?P<inside>[^\[\]()]{1,80})\]", "fault": "opened with ( and closed with ]"},
]


class MalformedBracket:
    """A pattern for a bracket the source misprints; (?P<inside>...) is what the bracket holds."""

    def __init__(self, table: dict[str, Any], index: int, where: str = "[interventions]"):
        if not isinstance(table, dict) or "pattern" not in table or "fault" not in table:
            raise ProfileError(f"{where}: malformed[{index}] needs a pattern and a fault")
        self.pattern = guarded(table["pattern"])
        if "inside" not in self.pattern.groupindex:
            raise ProfileError(f"{where}: malformed[{index}].pattern must name what the bracket holds "
                               "as (?P<inside>...)")
        self.fault = table["fault"]


# brackets that are not interpolations in any text
BUILT_IN_LEFT_ALONE = [
    {"name": "link residue", "pattern": r"\[[^\[\]]*\]\([^()\s]*\)",
     "why": "a markdown link of the extraction ([text](#)); the markup stage keeps the words and drops the link"},
]


class LeftAlone:
    """A class of brackets that stay in the reading text, with the reason why."""

    def __init__(self, table: dict[str, Any], index: int, where: str = "[interventions]"):
        if not isinstance(table, dict) or not {"name", "pattern", "why"} <= set(table):
            raise ProfileError(f"{where}: left_alone[{index}] needs a name, a pattern and a why")
        self.name, self.why = table["name"], table["why"]
        self.pattern = guarded(table["pattern"])


def record_interventions(doc: Document) -> Document:
    table = doc.profile.table("interventions")
    stats = doc.stage_report("interventions")
    if not table or doc.tei is None:
        return doc
    where = f"{doc.profile.path or doc.id} [interventions]"
    rules = [InterventionRule(rule, i, where) for i, rule in enumerate(table.get("rules", []))]
    skip = ["teiHeader"]
    text = doc.tei.find(tei("text"))
    kept = mark_transcriptions(text, table.get("skip_within", []), where)
    malformed = [MalformedBracket(m, i, "built-in") for i, m in enumerate(BUILT_IN_MALFORMED)] + \
        [MalformedBracket(m, i, where) for i, m in enumerate(table.get("malformed", []))]
    left_alone = [LeftAlone(c, i, "built-in") for i, c in enumerate(BUILT_IN_LEFT_ALONE)] + \
        [LeftAlone(c, i, where) for i, c in enumerate(table.get("left_alone", []))]
    numbering: dict[str, int] = {}
    for rule in rules:
        if rule.kind == "sign":
            count = sign_notes(text, rule)
        else:
            builder = Builder(doc, rule, numbering)
            count = rewrite_text(text, rule.pattern, builder, skip=skip)
            if rule.kind != "foreign":
                count += brackets_across_page_breaks(text, rule, builder, skip)
        if count:
            stats[rule.name] = stats.get(rule.name, 0) + count
    read, unread = read_malformed_brackets(doc, text, rules, malformed, numbering, skip)
    for name, count in read.items():  # each is counted with its kind and type
        stats[name] = stats.get(name, 0) + count
    stats["total"] = sum(v for v in stats.values() if isinstance(v, int))
    stats["malformed"] = {k: v for k, v in (("read", sum(read.values())), ("left as printed", unread)) if v}
    stats["left"] = brackets_left(doc, text, left_alone, skip + ["note", "gloss", "expan", "supplied"])
    # counted as pairs, like the classes: the larger of the two signs' counts
    signs = sum(max("".join(element.itertext()).count(sign) for sign in "[]") for element in kept)
    if signs:
        stats["left"]["in transcriptions (skip_within): the transcribed document's own brackets, as it prints "
                      "them"] = signs
    return doc


def mark_transcriptions(text: etree._Element, selectors: list[str], where: str) -> list[etree._Element]:
    """Mark the elements (a facsimile's transcription) whose brackets belong to the document they transcribe.

    A selector is an element name with an optional attribute test, or a
    child path of such steps: "figure[@type='facsimile']/p" is the
    transcription, not the caption (head) beside it.
    """
    kept = []
    for i, selector in enumerate(selectors):
        steps = [STEP.match(step) for step in str(selector).split("/")]
        if not all(steps):
            raise ProfileError(f"{where}: skip_within[{i}] must be element names with optional attribute tests, "
                               f"e.g. figure[@type='facsimile']/p, not {selector!r}")
        for element in text.iter(tei(steps[-1]["tag"])):
            if _matches_path(element, steps):
                element.set(KEPT, "1")
                kept.append(element)
    return kept


def _matches_path(element: etree._Element | None, steps: list[re.Match]) -> bool:
    for step in reversed(steps):
        if element is None or element.tag != tei(step["tag"]):
            return False
        attr = step["attr"]
        if attr is not None:
            name = XML_LANG if attr == "xml:lang" else XML_ID if attr == "xml:id" else attr
            if element.get(name) != step["value"]:
                return False
        element = element.getparent()
    return True


def brackets_across_page_breaks(text: etree._Element, rule: InterventionRule, builder: "Builder",
                                skip: list[str]) -> int:
    """An interpolation that a mended page break cuts in two: "(highlighted by <pb/>me. - I.P.)".

    The text on either side of the <pb/> is read as one; a match that runs
    over it becomes the rule's element, with the page break kept inside.
    """
    skip_tags = {tei(name) for name in skip}
    count = 0
    for pb in list(text.iter(tei("pb"))):
        parent = pb.getparent()
        if pb.get("type") != "mended" or _made(pb) or any(a.tag in skip_tags for a in pb.iterancestors()):
            continue
        previous = pb.getprevious()
        left = (previous.tail if previous is not None else parent.text) or ""
        right = pb.tail or ""
        joined = left + right
        for m in rule.pattern.finditer(joined):
            if not m.start() < len(left) < m.end():
                continue
            index = parent.index(pb)
            if rule.kind == "note":
                note = builder.note(m, parent)
                note.text = joined[m.start():len(left)]
                parent.remove(pb)
                note.append(pb)
                pb.tail = joined[len(left):m.end()]
            else:
                # the element's words are the match's words less its brackets:
                # the page break goes after as many letters as stood before it
                letters = len(_LETTERS.findall(joined[m.start():len(left)]))
                note = builder(m, parent) if letters else None
                if note is None:
                    continue
                parent.remove(pb)
                pb.tail = None
                _insert_after_letters(note, pb, letters)
            note.tail = joined[m.end():] or None
            if previous is not None:
                previous.tail = left[:m.start()] or None
            else:
                parent.text = left[:m.start()] or None
            parent.insert(index, note)
            count += 1
            break
    return count


_LETTERS = re.compile(r"[^\W_]")


def _insert_after_letters(element: etree._Element, pb: etree._Element, letters: int) -> None:
    """Put `pb` into `element`'s text after its first `letters` letters and digits."""
    ordered: list[tuple[etree._Element, str]] = []  # (node, "text" | "tail") in reading order

    def walk(node):
        ordered.append((node, "text"))
        for child in node:
            walk(child)
            ordered.append((child, "tail"))
    walk(element)
    seen = 0
    for node, slot in ordered:
        value = getattr(node, slot) or ""
        for i, ch in enumerate(value):
            if _LETTERS.match(ch):
                seen += 1
                if seen == letters:
                    cut = i + 1
                    before, after = value[:cut], value[cut:]
                    setattr(node, slot, before)
                    pb.tail = after or None
                    if slot == "text":
                        node.insert(0, pb)
                    else:
                        node.getparent().insert(node.getparent().index(node) + 1, pb)
                    return
    element.append(pb)  # fewer letters than expected: the break closes the element


def sign_notes(text: etree._Element, rule: InterventionRule) -> int:
    """A note whose body ends with the translator's signature is the translator's."""
    count = 0
    for note in text.iter(tei("note")):
        if note.get("type") == "editorial" or _made(note):
            continue
        body = "".join(note.itertext()).strip()
        if rule.pattern.search(body):
            note.set("type", rule.type)
            note.set("resp", rule.resp)
            count += 1
    return count


class SourceMatch:
    """A match found in the text as it should read, seen in the source's own characters.

    `to_source` maps a position in the repaired text to the source's; the
    builders read groups, starts and ends through it, so what they make
    holds exactly what the source prints.
    """

    def __init__(self, m: re.Match, source: str, to_source):
        self._m, self.string, self._to_source = m, source, to_source
        self.re = m.re

    def start(self, group: int | str = 0) -> int:
        return self._to_source(self._m.start(group)) if self._m.start(group) >= 0 else -1

    def end(self, group: int | str = 0) -> int:
        return self._to_source(self._m.end(group)) if self._m.end(group) >= 0 else -1

    def group(self, group: int | str = 0) -> str | None:
        return None if self._m.start(group) < 0 else self.string[self.start(group):self.end(group)]

    def groupdict(self) -> dict[str, str | None]:
        return {name: self.group(name) for name in self._m.re.groupindex}


def read_malformed_brackets(doc: Document, text: etree._Element, rules: list[InterventionRule],
                            malformed: list[MalformedBracket], numbering: dict[str, int],
                            skip: list[str]) -> tuple[dict[str, int], int]:
    """Encode each malformed bracket as the intervention it is, with the edition's note on it.

    The bracket is read as well formed ("[" + inside + "]"); the first rule
    whose match covers it decides what it is. A bracket no rule recognises
    stays in the text, and the build says where. Returns the brackets read,
    by the name of the rule that read them, and the number left.
    """
    counts: dict[str, int] = {}
    unread = 0
    skip_tags = {tei(name) for name in skip}
    bracket_rules = [r for r in rules if r.kind not in ("sign", "foreign")]
    for form in malformed:
        for parent, child in list(_text_slots(text, skip_tags)):
            while True:
                value = parent.text if child is None else child.tail
                m = form.pattern.search(value or "")
                if not m or _made(parent):
                    break
                name = _read_one(doc, parent, child, value, m, form, bracket_rules, numbering)
                if name is None:
                    unread += 1
                    break
                counts[name] = counts.get(name, 0) + 1
    return counts, unread


def _read_one(doc, parent, child, value, m, form, rules, numbering) -> str | None:
    a, b = m.span()
    ia, ib = m.span("inside")
    repaired = value[:a] + "[" + value[ia:ib] + "]" + value[b:]
    inside_end = a + 1 + (ib - ia)

    def to_source(i: int) -> int:
        if i <= a:
            return i
        if i <= inside_end:
            return ia + (i - a - 1)
        return b + (i - inside_end - 1)

    line = _line_holding(doc, parent, value[a:b])
    for rule in rules:
        rm = next((x for x in rule.pattern.finditer(repaired) if x.start() <= a and x.end() >= inside_end + 1), None)
        if rm is None:
            continue
        sm = SourceMatch(rm, value, to_source)
        element = Builder(doc, rule, numbering)(sm, parent)
        if element is None:
            continue
        numbering["malformed"] = numbering.get("malformed", 0) + 1
        remark = etree.Element(tei("note"), type="editorial", resp=EDITORS)
        remark.set(XML_ID, f"{doc.profile.key}.malformed{numbering['malformed']}")
        remark.set(MADE, "1")
        # the words are not repeated: the note is about the signs
        remark.text = (f"The source misprints this bracket: {form.fault}. The edition reads it as a "
                       f"bracket and keeps the signs as printed.")
        element.tail, remark.tail = None, value[sm.end():] or None
        if child is None:
            parent.text = value[:sm.start()] or None
            parent.insert(0, element)
        else:
            child.tail = value[:sm.start()] or None
            parent.insert(parent.index(child) + 1, element)
        parent.insert(parent.index(element) + 1, remark)
        doc.warn(line, f"malformed bracket \u201c{value[a:b]}\u201d ({form.fault}): read as {rule.name}")
        return rule.name
    doc.warn(line, f"malformed bracket \u201c{value[a:b]}\u201d ({form.fault}): no rule reads it, left as printed")
    return None


def brackets_left(doc: Document, text: etree._Element, classes: list[LeftAlone],
                  skip: list[str]) -> dict[str, int]:
    """Square brackets still in the reading text, counted by the profile's classes.

    A bracket no class explains is counted as unexplained, and the build
    says where it stands.
    """
    skip_tags = {tei(name) for name in skip}
    left: dict[str, int] = {}
    for parent, child in _text_slots(text, skip_tags):
        value = parent.text if child is None else child.tail
        if "[" not in value and "]" not in value:
            continue
        if _made(parent):  # the brackets of a glossed term ("Voyna" [War]) are the element's
            continue
        taken = []
        for cls in classes:
            for m in cls.pattern.finditer(value or ""):
                if not any(s < m.end() and m.start() < e for s, e in taken):
                    taken.append(m.span())
                    key = f"{cls.name}: {cls.why}"
                    left[key] = left.get(key, 0) + 1
        for i, ch in enumerate(value or ""):
            if ch in "[]" and not any(s <= i < e for s, e in taken):
                left["unexplained bracket signs"] = left.get("unexplained bracket signs", 0) + 1
                probe = value[max(0, i - 20):i + 20].strip()
                doc.warn(_line_holding(doc, parent, probe[:30]) if probe else source_line(parent),
                         f"bracket sign {ch} left unencoded: \u2026{probe}\u2026")
    return left


def _text_slots(root: etree._Element, skip_tags: set[str]):
    """(parent, None) for parent.text, (parent, child) for child.tail, outside skipped elements."""
    # the elements themselves, not their ids: a set keeps lxml's proxies alive and so their identity
    skipped = {e for tag in skip_tags for top in root.iter(tag) for e in top.iter()}
    if root.tag in skip_tags or inside(root, skip_tags):
        return
    for element in root.iter():
        if not isinstance(element.tag, str) or element in skipped:
            continue
        if element.text:
            yield element, None
        for child in element:
            if child.tail:
                yield element, child


def _line_holding(doc: Document, element: etree._Element, probe: str) -> int:
    """The source line a piece of text stands on (a paragraph spans several lines)."""
    first = source_line(element)
    for line in doc.lines:
        if line.number >= first and probe in line.text:
            return line.number
    return first


class Builder:
    """Turns one match into the element its rule's kind calls for."""

    def __init__(self, doc: Document, rule: InterventionRule, numbering: dict[str, int]):
        self.doc, self.rule, self.numbering = doc, rule, numbering

    def __call__(self, m: re.Match, parent: etree._Element):
        if _made(parent):
            return None
        element = getattr(self, self.rule.kind)(m, parent)
        if element is not None and self.rule.cert:
            attributed = element if element.get("resp") else element.find(".//*[@resp]")
            (attributed if attributed is not None else element).set("cert", self.rule.cert)
        return element

    def _element(self, tag: str, text: str | None = None, **attrs) -> etree._Element:
        element = etree.Element(tei(tag), **attrs)
        element.text = text
        element.set(MADE, "1")
        return element

    def note(self, m, parent):
        note = self._element("note", m.group(0), type=self.rule.type, resp=self.rule.resp, place="inline")
        # a provisional id, through the whole text: an inline note may end up inside
        # markup (<hi>) where position-derived ids would repeat; serialize names it
        # after its passage (name_inline_notes)
        self.numbering["note"] = self.numbering.get("note", 0) + 1
        note.set(XML_ID, f"{self.doc.profile.key}.voice{self.numbering['note']}")
        return note

    def expan(self, m, parent):
        choice = self._element("choice")
        abbr = etree.SubElement(choice, tei("abbr"))
        abbr.text = m.group("abbr")
        expan = etree.SubElement(choice, tei("expan"), resp=self.rule.resp)
        expan.text = m.group("expan")
        # the bracketed words are the source's, now read as the expansion
        self.doc.remove(source_line(parent), "translator-expansion", m.group(0)[m.end("abbr") - m.start():])
        return choice

    def gloss(self, m, parent):
        groups = m.groupdict()
        if groups.get("term"):
            seg = self._element("seg", type="glossed")
            seg.text = m.string[m.start():m.start("term")]
            term = etree.SubElement(seg, tei("term"))
            if self.rule.lang:  # a title or phrase in another language: not always known
                term.set(XML_LANG, self.rule.lang)
            term.text = groups["term"]
            term.tail = m.string[m.end("term"):m.start("gloss")]
            gloss = etree.SubElement(seg, tei("gloss"), resp=self.rule.resp)
            gloss.text = groups["gloss"]
            gloss.tail = m.string[m.end("gloss"):m.end()]
            return seg
        gloss = self._element("gloss", m.group(0), resp=self.rule.resp)
        if self.rule.lang_given and self.rule.lang:
            gloss.set(XML_LANG, self.rule.lang)
        return gloss

    def supplied(self, m, parent):
        supplied = self._element("supplied", m.group("supplied"), resp=self.rule.resp)
        # brackets and word are the source's: the word now stands as supplied
        self.doc.remove(source_line(parent), "translator-supplied", m.group(0))
        before = m.string[m.start():m.start("supplied")].replace("[", "")
        after = m.string[m.end("supplied"):m.end()].replace("]", "")
        if before or after:  # context the pattern matched but does not wrap
            seg = self._element("seg")
            seg.text = before or None
            seg.append(supplied)
            supplied.tail = after or None
            return seg
        return supplied

    def foreign(self, m, parent):
        foreign = self._element("foreign", m.group(0))
        foreign.set(XML_LANG, self.rule.lang)
        return foreign


def _made(element: etree._Element | None) -> bool:
    """Made by this stage, or in a transcription: either way no rule reads its text again."""
    while element is not None:
        if element.get(MADE) or element.get(KEPT):
            return True
        element = element.getparent()
    return False
