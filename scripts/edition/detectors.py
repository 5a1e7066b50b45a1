"""Detectors: classes of damage looked for in every text of the edition, as a reader meets it.

The sampled joins and the fidelity count do not see a paragraph that is a
fragment of the one before, a page-break dash left standing, a note number
glued to a word or a letter of no script the text uses. Each detector here
reads the built TEI (the text as the reading view shows it: notes apart, the
edited reading of a choice) and lists its cases with the passage's id.

A case is closed only by fixing the class (a rule or the data it reads) or by
a recorded editorial decision in `data/decisions/NAME.toml`:

    kept = [
      { detector = "short-paragraph", passage = "Yes.", why = "a one-word answer in the dialogue" },
    ]

`passage` is a literal the flagged passage's text contains; a decision that
no case meets is stale and reported as such, so the data cannot outlive the
text it was written for. `edition detectors` prints the counts per text.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import DATA, TEI_DIR, XML_ID, tei
from .damaged_names import damaged_names, repeated_words
from .search import is_passage, passage_text

DECISIONS = DATA / "decisions"

DETECTORS = {
    "lower-start": "paragraph begins in lower case or with closing punctuation",
    "open-end": "paragraph ends without final punctuation and the next could continue it",
    "dash-end": "paragraph ends in a dash",
    "mended-dash": "a dash stands where a page break was mended",
    "residue": "markdown, link or superscript residue",
    "glued-note-number": "a note number glued to a word",
    "foreign-script": "a character outside the scripts the text uses",
    "short-paragraph": "a paragraph of a few words that is no heading, signature, caption, verse or item",
    "unmarked-loss": "a join or a paragraph end over evidently lost text without a gap",
    "contradicted-gap": "an editorial note on lost text contradicted by the text that follows",
    "damaged-name": "a register form glued to a word, split by a line-break hyphen or cut at its start",
}

# where a paragraph is not prose: verse, lists, speeches, title pages, letters' furniture
NOT_PROSE = {tei(t) for t in ("lg", "list", "sp", "figure", "titlePage", "closer", "opener",
                              "table", "listBibl", "note", "castList", "argument")}
FINAL = re.compile(r"""[.!?:;…"”’»)\]]$""")
CLOSING_START = re.compile(r"""^[,.;:!?)\]”’»]""")
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"}
# words no English sentence ends with
CUT_WORDS = {"a", "an", "the", "of", "to", "by", "for", "from", "with", "into", "onto", "upon", "and", "or",
             "nor", "than", "its", "their", "whose", "between", "among", "through", "during", "without",
             "toward", "towards", "against", "at", "in", "on"}
INITIAL_END = re.compile(r"(?:^|[\s(.])(?:[A-Z]|Ch|Sh|Ya|Yu|Ye|Zh|Kh|Ts)\.\s*$")
# a paragraph opening on an enumerator ("a) To proclaim") or an ellipsis ("... Under no
# circumstances", a quotation resumed) opens as it should
OPENS_AS_IT_SHOULD = re.compile(r"^(?:[a-z]\)|\.\.\.|\. \. \.|…)")
LAST_WORD = re.compile(r"([\w’']+)\W*$")
DASH_END = re.compile(r"[—–-]\s*$")
DASHES = "—–-"
RESIDUE = re.compile(r"\^\{|\*\*|~~|(?<=[a-z])\*|\*(?=[a-z])|</?[a-z]+>|\[[^\[\]]*\]\((?:#|https?:|www\.)[^()]*\)|\]\(#\)|[^\W\d_]_+|_+[^\W\d_]|_{2,}\s*[.,;:]")
# "party meetings25, known as", "the necessary symphony\"6, as": a note number without its reference
GLUED_NUMBER = re.compile(r"\b[A-Za-z][a-z]{2,}\d{1,3}\b|[a-z]{2}[\"”’]\d{1,3}(?=[\s,.;:])|[^\W\d_][⁰¹²³⁴⁵⁶⁷⁸⁹]+")
MOJIBAKE = re.compile(r"Ã[\x80-\xbf]|â€|Ð[\x80-\xbf]|\ufffd")
# a sentence of its own: opens on a capital (or a quotation mark before one) and closes
WHOLE_SENTENCE = re.compile(r"""^["“‘«(]*[A-ZА-Я0-9].*[.!?…]["”’»)]*\.?$""")
SHORT_WORDS = 6  # 'the main thing in the article'
# a sentence that opens after a join on "of" or "the" means the words between were lost
JOIN_OPENERS = {"there", "it", "he", "she", "they", "we", "however", "thus", "this", "but", "the"}
WORD = re.compile(r"[^\W_]+")
SENTENCE_OPENERS = {"there", "it", "he", "she", "they", "we", "i", "you", "then", "when", "however",
                    "thus", "yet", "so", "if", "although", "while", "since", "the", "this", "in", "on", "at",
                    "a", "an", "but", "and", "as", "after", "before"}


@dataclass
class Case:
    detector: str
    text_key: str
    where: str  # the passage's id
    excerpt: str
    passage: str = ""  # the passage's whole text, which a decision's literal is read in
    decided: str = ""  # the recorded decision's reason, if one closes it

    def __str__(self) -> str:
        return f"{self.where}: {self.detector}: {self.excerpt}"


@dataclass
class Report:
    text_key: str
    cases: list[Case] = field(default_factory=list)
    stale: list[dict] = field(default_factory=list)  # decisions no case meets

    def open_cases(self) -> list[Case]:
        return [c for c in self.cases if not c.decided]

    def counts(self, decided: bool | None = None) -> dict[str, int]:
        counts = {name: 0 for name in DETECTORS}
        for case in self.cases:
            if decided is None or bool(case.decided) == decided:
                counts[case.detector] += 1
        return counts


# -- reading the text ---------------------------------------------------------

def _id(element: etree._Element) -> str:
    for e in [element, *element.iterancestors()]:
        if e.get(XML_ID):
            return e.get(XML_ID)
    return "?"


def _is_prose(p: etree._Element) -> bool:
    return not any(a.tag in NOT_PROSE for a in p.iterancestors()) and \
        not any(a.tag in (tei("front"), tei("back")) for a in p.iterancestors())


def _prose_paragraphs(root: etree._Element) -> list[etree._Element]:
    return [p for p in root.iter(tei("p")) if _is_prose(p)]


def _ends_in_gap(p: etree._Element) -> bool:
    """The edition marks the paragraph as breaking off (gap reason lost and its note) or
    as ending in a line out of its place (seg type displaced and its note)."""
    for c in p:
        if (c.tag == tei("gap") and c.get("reason") == "lost"
                or c.tag == tei("seg") and c.get("type") == "displaced") and not (c.tail or "").strip() \
                and all(n.tag == tei("note") and not (n.tail or "").strip() for n in c.itersiblings()):
            return True
    return False


def _following_p(p: etree._Element) -> etree._Element | None:
    """The next paragraph in reading order, if it is the next block (no heading, division between)."""
    nxt = p.getnext()
    while nxt is not None and nxt.tag in (tei("pb"), tei("milestone"), tei("figure")):
        nxt = nxt.getnext()
    return nxt if nxt is not None and nxt.tag == tei("p") else None


def _excerpt(text: str, at_end: bool = False, size: int = 60) -> str:
    if len(text) <= size:
        return text
    return "…" + text[-size:] if at_end else text[:size] + "…"


# -- the detectors ------------------------------------------------------------

def lower_start(key: str, p: etree._Element, text: str) -> list[Case]:
    if not text or not (text[0].islower() or CLOSING_START.match(text)) or OPENS_AS_IT_SHOULD.match(text):
        return []
    previous = p.getprevious()
    if previous is not None and previous.tag in (tei("quote"), tei("cit"), tei("lg"), tei("list"), tei("table")):
        return []  # the sentence resumes after a block quotation, a verse or a list
    return [Case("lower-start", key, _id(p), _excerpt(text))]


def open_end(key: str, p: etree._Element, text: str, texts: dict) -> list[Case]:
    nxt = _following_p(p)
    if nxt is None or _ends_in_gap(p) or not text:
        return []
    following = texts.get(nxt) or ""
    if not following:
        return []
    first = WORD.match(following)
    first_word = first.group(0) if first else ""
    last = LAST_WORD.search(text)
    last_word = last.group(1) if last else ""
    could_continue = (following[0].islower() or following[0].isdigit() or first_word in MONTHS
                      or last_word.lower() in CUT_WORDS or last_word in MONTHS or last_word.isdigit())
    if INITIAL_END.search(text) and following[:1].isupper():
        return [Case("open-end", key, _id(p), f"{_excerpt(text, True, 40)} | {_excerpt(following, False, 40)}")]
    if FINAL.search(text) or DASH_END.search(text) or text[-1] in "⁰¹²³⁴⁵⁶⁷⁸⁹":
        return []
    if not could_continue and first_word.lower() in SENTENCE_OPENERS:
        return []
    if not could_continue and not last_word[:1].isupper():
        return []
    return [Case("open-end", key, _id(p), f"{_excerpt(text, True, 40)} | {_excerpt(following, False, 40)}")]


def dash_end(key: str, p: etree._Element, text: str) -> list[Case]:
    if text and DASH_END.search(text) and not _ends_in_gap(p):
        return [Case("dash-end", key, _id(p), _excerpt(text, True))]
    return []


def mended_dashes(key: str, root: etree._Element) -> list[Case]:
    cases = []
    for pb in root.iter(tei("pb")):
        if pb.get("type") != "mended":
            continue
        before = _text_before(pb)
        # the page's dash is an em dash; a hyphen between words is a translation's own dash
        if before.rstrip()[-1:] == "—":  # an en dash there is a range cut by the page ("1920– | 1923")
            cases.append(Case("mended-dash", key, _id(pb), _excerpt(before.rstrip(), True, 40)
                              + " | " + _excerpt(_text_after(pb), False, 30)))
    return cases


def _text_before(node: etree._Element, limit: int = 80) -> str:
    """The reading text just before `node` inside its block (notes left out)."""
    parts = []
    current = node
    while len("".join(parts)) < limit:
        prev = current.getprevious()
        if prev is None:
            parent = current.getparent()
            if parent is None or parent.tag in (tei("p"), tei("quote"), tei("div")):
                parts.append(parent.text or "" if parent is not None else "")
                break
            parts.append(parent.text or "")
            current = parent
            continue
        parts.append(prev.tail or "")
        if prev.tag != tei("note"):
            parts.append("".join(t for t in prev.itertext()))
        current = prev
    return "".join(reversed(parts))


def _text_after(node: etree._Element) -> str:
    return (node.tail or "") + "".join("".join(s.itertext()) + (s.tail or "") for s in node.itersiblings()
                                       if s.tag != tei("note"))[:60]


def residue(key: str, p: etree._Element, text: str) -> list[Case]:
    return [Case("residue", key, _id(p), _context(text, m)) for m in RESIDUE.finditer(text)
            if not _form_blank(text, m)]


def _form_blank(text: str, m: re.Match) -> bool:
    """'I, ______, former member': a blank of a printed form, not residue."""
    return bool(re.fullmatch(r"_{3,}", m.group(0).strip(".,;: ")))


def glued_note_numbers(key: str, p: etree._Element, text: str) -> list[Case]:
    return [Case("glued-note-number", key, _id(p), _context(text, m)) for m in GLUED_NUMBER.finditer(text)]


def foreign_script(key: str, p: etree._Element, text: str, scripts: set[str]) -> list[Case]:
    cases = [Case("foreign-script", key, _id(p), _context(text, m)) for m in MOJIBAKE.finditer(text)]
    i = 0
    while i < len(text):
        if _script(text[i]) in scripts:
            i += 1
            continue
        end = i  # one case for a run of them ("Механизм власти")
        while end < len(text) and (_script(text[end]) not in scripts or text[end] == " "):
            end += 1
        cases.append(Case("foreign-script", key, _id(p),
                          f"{unicodedata.name(text[i], hex(ord(text[i])))}: …{text[max(0, i - 25):end + 25]}…"))
        i = end
    return cases


def _script(ch: str) -> str:
    if ch.isascii():
        return "Latn"
    category = unicodedata.category(ch)
    if category[0] in "PZ" or ch in "§°№×±€£$%&+=<>~|•·©®™′″":
        return "Latn"  # punctuation and signs any text may use
    name = unicodedata.name(ch, "")
    if category[0] == "L" or category[0] == "M":
        if name.startswith("LATIN") or category == "Mn":
            return "Latn"
        if name.startswith("CYRILLIC"):
            return "Cyrl"
        return name.split(" ")[0] or "unknown"
    if category == "Nd" and name.startswith("DIGIT"):
        return "Latn"
    return "other"  # subscript and superscript digits, control and private-use characters


def short_paragraph(key: str, p: etree._Element, text: str) -> list[Case]:
    words = WORD.findall(text)
    if not text or len(words) > SHORT_WORDS or _ends_in_gap(p):
        return []
    if p.get("rend") or p.getparent().tag in (tei("quote"), tei("sp"), tei("floatingText")) \
            or text.endswith(":") or WHOLE_SENTENCE.match(text):
        return []  # "From this Zhukov concludes:" leads in; "Bukharin did not ask for mercy." is whole
    return [Case("short-paragraph", key, _id(p), text)]


def unmarked_loss(key: str, p: etree._Element, text: str, texts: dict) -> list[Case]:
    """A paragraph that stops on a word no sentence ends with before a new sentence,
    or a join whose first piece stops so, without the gap that says words were lost."""
    cases = []
    nxt = _following_p(p)
    last = LAST_WORD.search(text)
    if last and last.group(1).lower() in CUT_WORDS and not FINAL.search(text) and not _ends_in_gap(p):
        following = texts.get(nxt, "") if nxt is not None else ""
        first = WORD.match(following)
        if nxt is None or (following[:1].isupper() and first and first.group(0).lower() in SENTENCE_OPENERS):
            cases.append(Case("unmarked-loss", key, _id(p), _excerpt(text, True, 50) + " | "
                              + _excerpt(following, False, 30)))
    for pb in p.iter(tei("pb")):
        if pb.get("type") != "mended" or _gap_before(pb):
            continue
        before, after = _text_before(pb).rstrip(), _text_after(pb).lstrip()
        word, first = LAST_WORD.search(before), WORD.match(after)
        doubled = word and first and word.group(1).lower() == first.group(0).lower()  # "the | the same period"
        if (word and word.group(1).lower() in CUT_WORDS and first and after[:1].isupper()
                and first.group(0).lower() in JOIN_OPENERS) or (doubled and word.group(1).lower() in CUT_WORDS):
            cases.append(Case("unmarked-loss", key, _id(p), f"{_excerpt(before, True, 40)} | {after[:30]}"))
    return cases


def _gap_before(pb: etree._Element) -> bool:
    """The join already says words were lost: a gap (and its note) stands just before it."""
    previous = pb.getprevious()
    if previous is not None and previous.tag == tei("note"):
        previous = previous.getprevious()
    return previous is not None and previous.tag == tei("gap") and not (previous.tail or "").strip()


def contradicted_gaps(key: str, p: etree._Element, texts: dict) -> list[Case]:
    """'The next paragraph does not continue it' said of a paragraph whose next one
    begins in lower case, mid-word or with closing punctuation: the note is wrong."""
    if not _ends_in_gap(p):
        return []
    nxt = _following_p(p)
    following = texts.get(nxt, "") if nxt is not None else ""
    if following and (following[0].islower() or CLOSING_START.match(following)
                      or re.match(r"^[A-Z]?[a-z]+[”’\"]", following)):
        return [Case("contradicted-gap", key, _id(p), f"… | {_excerpt(following, False, 40)}")]
    return []


def damaged_name_cases(key: str, root: etree._Element) -> list[Case]:
    """Every passage of the text, front matter and notes too: a name is damaged wherever it stands."""
    passages = [e for e in root.find(tei("text")).iter() if isinstance(e.tag, str) and is_passage(e)
                and not _editors_note(e)]
    texts = [passage_text(e)[0] for e in passages]
    words = repeated_words(texts)
    return [Case("damaged-name", key, _id(e), f"{d.kind}: {d.received!r} ({d.form}): "
                 f"{_excerpt(text[max(0, d.at - 30):d.at + len(d.received) + 30])}", passage=text)
            for e, text in zip(passages, texts) for d in damaged_names(text, words)]


def _editors_note(element: etree._Element) -> bool:
    """The edition's own words, which may quote a fault they describe."""
    return any(e.get("resp") == "#edition-editors" and e.tag == tei("note") for e in (element, *element.iterancestors()))


def _context(text: str, m: re.Match, width: int = 25) -> str:
    return f"…{text[max(0, m.start() - width):m.end() + width]}…"


# -- running them ---------------------------------------------------------------

def text_scripts(root: etree._Element) -> set[str]:
    """The scripts the text declares by its languages (ru -> Cyrillic, the rest Latin)."""
    scripts = {"Latn"}
    for lang in root.iter(tei("language")):
        if (lang.get("ident") or "").split("-")[0] in ("ru", "uk", "be", "bg", "sr"):
            if "Latn" not in (lang.get("ident") or ""):
                scripts.add("Cyrl")
    return scripts


def detect(path: Path) -> Report:
    root = etree.parse(str(path)).getroot()
    key = root.get(XML_ID) or path.stem
    report = Report(key)
    scripts = text_scripts(root)
    paragraphs = _prose_paragraphs(root)
    texts = {p: passage_text(p)[0] for p in paragraphs}
    for p in paragraphs:
        text = texts[p]
        report.cases += lower_start(key, p, text)
        report.cases += open_end(key, p, text, texts)
        report.cases += dash_end(key, p, text)
        report.cases += short_paragraph(key, p, text)
        report.cases += unmarked_loss(key, p, text, texts)
        report.cases += contradicted_gaps(key, p, texts)
    # residue and scripts everywhere in the reading text, not only in prose
    for element in root.find(tei("text")).iter(tei("p"), tei("head"), tei("item"), tei("l"), tei("note")):
        if _editors_note(element):
            continue
        text = passage_text(element)[0]
        report.cases += residue(key, element, text)
        report.cases += glued_note_numbers(key, element, text)
        report.cases += foreign_script(key, element, text, scripts)
    report.cases += mended_dashes(key, root)
    report.cases += damaged_name_cases(key, root)
    # a decision's literal is read in the whole passage, not in the excerpt shown
    by_id = {_id(p): text for p, text in texts.items()}
    for case in report.cases:
        case.passage = case.passage or by_id.get(case.where, "")
    apply_decisions(report, load_decisions(path.stem))
    return report


def load_decisions(name: str, directory: Path = DECISIONS) -> list[dict]:
    path = directory / f"{name}.toml"
    if not path.exists():
        return []
    with path.open("rb") as f:
        data = tomllib.load(f)
    kept = data.get("kept", [])
    for i, entry in enumerate(kept):
        missing = {"detector", "passage", "why"} - set(entry)
        if missing or entry["detector"] not in DETECTORS:
            raise ValueError(f"{path}: kept[{i}]: needs detector (one of {sorted(DETECTORS)}), "
                             f"passage and why; missing {sorted(missing)}")
    return kept


def apply_decisions(report: Report, decisions: list[dict]) -> None:
    for decision in decisions:
        met = [c for c in report.cases if c.detector == decision["detector"]
               and decision["passage"] in (c.passage or c.excerpt)]
        for case in met:
            case.decided = decision["why"]
        if not met:
            report.stale.append(decision)


def detect_edition(tei_dir: Path = TEI_DIR, names: list[str] | None = None) -> list[Report]:
    from .search import text_files

    return [detect(path) for path in text_files(tei_dir) if not names or path.stem in names]
