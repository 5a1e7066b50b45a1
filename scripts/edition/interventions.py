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
transcriptions) keep their own brackets. The counts per kind and type go to
doc.stage_report("interventions").
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from . import ED_NS, SOURCE_LINE, XML_ID, XML_LANG, tei
from .model import Document
from .profile import ProfileError
from .tree import rewrite_text

# marks an element this stage made, so later rules leave its text alone
MADE = f"{{{ED_NS}}}intervention"
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
        self.pattern = re.compile(table["pattern"])
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
        self.name = table.get("name") or f"{self.kind}:{self.type}"


def record_interventions(doc: Document) -> Document:
    table = doc.profile.table("interventions")
    stats = doc.stage_report("interventions")
    if not table or doc.tei is None:
        return doc
    where = f"{doc.profile.path or doc.id} [interventions]"
    rules = [InterventionRule(rule, i, where) for i, rule in enumerate(table.get("rules", []))]
    skip = ["teiHeader", *table.get("skip_within", [])]
    text = doc.tei.find(tei("text"))
    numbering: dict[str, int] = {}
    for rule in rules:
        if rule.kind == "sign":
            count = sign_notes(text, rule)
        else:
            builder = Builder(doc, rule, numbering)
            count = rewrite_text(text, rule.pattern, builder, skip=skip)
            if rule.kind == "note":
                count += notes_across_page_breaks(text, rule, builder, skip)
        if count:
            stats[rule.name] = stats.get(rule.name, 0) + count
    stats["total"] = sum(v for k, v in stats.items() if k != "total")
    return doc


def notes_across_page_breaks(text: etree._Element, rule: InterventionRule, builder: "Builder",
                             skip: list[str]) -> int:
    """An interpolation that a mended page break cuts in two: "(highlighted by <pb/>me. - I.P.)".

    The text on either side of the <pb/> is read as one; a match that runs
    over it becomes the note, with the page break kept inside.
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
            note = builder.note(m, parent)
            note.text = joined[m.start():len(left)]
            index = parent.index(pb)
            parent.remove(pb)
            note.append(pb)
            pb.tail = joined[len(left):m.end()]
            note.tail = joined[m.end():] or None
            if previous is not None:
                previous.tail = left[:m.start()] or None
            else:
                parent.text = left[:m.start()] or None
            parent.insert(index, note)
            count += 1
            break
    return count


def sign_notes(text: etree._Element, rule: InterventionRule) -> int:
    """A note whose body ends with the translator's signature is the translator's."""
    count = 0
    for note in text.iter(tei("note")):
        if note.get("type") == "editorial" or note.get(MADE):
            continue
        body = "".join(note.itertext()).strip()
        if rule.pattern.search(body):
            note.set("type", rule.type)
            note.set("resp", rule.resp)
            count += 1
    return count


class Builder:
    """Turns one match into the element its rule's kind calls for."""

    def __init__(self, doc: Document, rule: InterventionRule, numbering: dict[str, int]):
        self.doc, self.rule, self.numbering = doc, rule, numbering

    def __call__(self, m: re.Match, parent: etree._Element):
        if _made(parent):
            return None
        return getattr(self, self.rule.kind)(m, parent)

    def _element(self, tag: str, text: str | None = None, **attrs) -> etree._Element:
        element = etree.Element(tei(tag), **attrs)
        element.text = text
        element.set(MADE, "1")
        return element

    def note(self, m, parent):
        note = self._element("note", m.group(0), type=self.rule.type, resp=self.rule.resp, place="inline")
        # an id of its own: an inline note may end up inside markup (<hi>) where
        # position-derived ids would repeat
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
        self.doc.remove(_line(parent), "translator-expansion", m.group(0)[m.end("abbr") - m.start():])
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
        self.doc.remove(_line(parent), "translator-supplied", m.group(0))
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
    while element is not None:
        if element.get(MADE):
            return True
        element = element.getparent()
    return False


def _line(element: etree._Element | None) -> int:
    while element is not None:
        if element.get(SOURCE_LINE):
            return int(element.get(SOURCE_LINE))
        element = element.getparent()
    return 0
