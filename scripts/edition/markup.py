"""Stage 6, markup: interpret the inline residue of markdown and HTML.

After `notes` has taken the note markers, what is left of the source's
inline formatting becomes TEI or is removed with a record:

- `***x***`, `**x**`, `*x*`, `_x_`   -> <hi rend="bold italic|bold|italic">
- `[text](#)` link residue           -> text (the dead link is recorded)
- `<https://...>` and bare URLs       -> <ref target="...">
- `<sup>x</sup>` left over            -> <hi rend="superscript">
- backslash escapes `\\[`             -> the character (recorded)
- runs of another script in the text  -> <foreign xml:lang="..."> (profile [foreign])

Each removal is recorded with the rule name so the fidelity report can
account for it.
"""

from __future__ import annotations

import re

from lxml import etree

from . import XML_LANG, tei
from .model import Document
from .tree import rewrite_text, source_line

EMPHASIS = [
    (re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"), "bold italic"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), "bold"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), "italic"),
    # (not a run of underscores: the blank of a form, "Фамилия \_\_\_\_\_")
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), "italic"),
    # struck-out words of the received page (Pavlova: "~~take~~ taken")
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), "strikethrough"),
]
LINK_RESIDUE = re.compile(r"\[([^\[\]]*)\]\((#[^)]*|)\)")
ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
SUPERSCRIPT = re.compile(r"<sup>(.*?)</sup>")
ESCAPE = re.compile(r"\\([\[\]*_#()<>`.\-!'\"])")
STRAY_TAG = re.compile(r"</?(?:sup|sub|span|br|u|em|strong|i|b|p|td|tr|table)\b[^>]*>")

SKIP = ("teiHeader",)
ESCAPED_MARKS = {"*": "\uE002", "_": "\uE003"}
HELD_MARKS = re.compile("[\uE002\uE003]")
HELD_MARKS_BACK = {"\uE002": "*", "\uE003": "_"}
# an opening mark whose closer is not in the same text node: a note or a
# superscript was made inside the emphasis ("**СТАЛИН ... <sup>1</sup>**")
OPEN_MARK = re.compile(r"(?<![\w*])(\*{1,3})(?=[^\s*]|$)[^*]*$")
STRAY_MARK = re.compile(r"\*+")
EMPHASIS_RENDS = {"***": "bold italic", "**": "bold", "*": "italic"}


def markup(doc: Document) -> Document:
    root = doc.tei
    stats = doc.stage_report("markup")

    def link(m: re.Match, parent) -> str:
        doc.remove(source_line(parent), "link-residue", m.group(0).replace(m.group(1), "", 1))
        return m.group(1)

    def url(m: re.Match, parent) -> etree._Element:
        ref = etree.Element(tei("ref"), target=m.group(1))
        ref.text = m.group(1)
        return ref

    def escape(m: re.Match, parent) -> str:
        doc.remove(source_line(parent), "markdown-escape", "\\")
        # an escaped asterisk or underscore is a character of the text, never
        # an emphasis mark: held apart until the emphasis is read
        return ESCAPED_MARKS.get(m.group(1), m.group(1))

    def sup(m: re.Match, parent) -> etree._Element:
        # the tags go (their "sup" is not a word of the text), the content stays
        doc.remove(source_line(parent), "html-residue", "<sup></sup>")
        hi = etree.Element(tei("hi"), rend="superscript")
        hi.text = m.group(1)
        return hi

    def stray(m: re.Match, parent) -> str:
        doc.remove(source_line(parent), "html-residue", m.group(0))
        return ""

    stats["link_residue"] = rewrite_text(root, LINK_RESIDUE, link, SKIP)
    stats["urls"] = rewrite_text(root, ANGLE_URL, url, SKIP)
    stats["superscripts"] = rewrite_text(root, SUPERSCRIPT, sup, SKIP)
    stats["escapes"] = rewrite_text(root, ESCAPE, escape, SKIP)
    for pattern, rend in EMPHASIS:
        def emphasis(m: re.Match, parent, rend=rend) -> etree._Element:
            hi = etree.Element(tei("hi"), rend=rend)
            hi.text = m.group(1)
            return hi
        stats[f"hi_{rend.replace(' ', '_')}"] = rewrite_text(root, pattern, emphasis, SKIP)
    stats["hi_across_elements"] = emphasis_across_elements(root)
    stats["unbalanced_emphasis"] = unbalanced_emphasis(doc)
    rewrite_text(root, HELD_MARKS, lambda m, parent: HELD_MARKS_BACK[m.group(0)], SKIP)
    stats["stray_tags"] = rewrite_text(root, STRAY_TAG, stray, SKIP)
    stats["foreign"] = mark_foreign(doc)
    return doc


def emphasis_across_elements(root: etree._Element) -> int:
    """Emphasis opened in one text node of an element and closed in a later one.

    The children between (a superscript, a note, a term) go inside the <hi>.
    """
    count = 0
    header = root.find(tei("teiHeader"))
    in_header = set(header.iter()) if header is not None else set()
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element in in_header or not len(element):
            continue  # (a span needs a child to run over)
        while _wrap_one_span(element):
            count += 1
    return count


def _wrap_one_span(element: etree._Element) -> bool:
    slots = [element.text] + [child.tail for child in element]
    for i, text in enumerate(slots):
        opening = OPEN_MARK.search(text or "")
        if not opening:
            continue
        mark = opening.group(1)
        closer = re.compile(r"^([^*]*?)" + re.escape(mark) + r"(?![\w*])")
        for j in range(i + 1, len(slots)):
            closing = closer.match(slots[j] or "")
            if closing and not closing.group(1)[-1:].isspace():
                children = list(element)[i:j]
                hi = etree.Element(tei("hi"), rend=EMPHASIS_RENDS[mark])
                hi.text = text[opening.end(1):]
                for child in children:
                    hi.append(child)  # moves it (with its tail)
                hi[-1].tail = closing.group(1) or None
                hi.tail = slots[j][closing.end():] or None
                if i == 0:
                    element.text = text[:opening.start()] or None
                else:
                    element[i - 1].tail = text[:opening.start()] or None
                element.insert(i, hi)
                return True
            if "*" in (slots[j] or ""):
                break  # another mark stands between: not this span
    return False


def unbalanced_emphasis(doc: Document) -> int:
    """Asterisks no reading of the emphasis could pair: warned with file:line.

    A stray "**" is never a character of the text: it goes, recorded. A single
    "*" may be the source's own sign (an asterisk note): it stays, warned.
    """
    count = 0

    def stray(m: re.Match, parent) -> str | None:
        nonlocal count
        count += 1
        line = source_line(parent)
        doc.warn(line, f"unbalanced markdown emphasis {m.group(0)!r}"
                 + (" removed" if len(m.group(0)) > 1 else " kept (an asterisk of the text?)"))
        if len(m.group(0)) > 1:
            doc.remove(line, "markdown-unbalanced-emphasis", m.group(0))
            return ""
        return None

    rewrite_text(doc.tei, STRAY_MARK, stray, SKIP)
    return count


SCRIPT_RUNS = {
    # words of the script, with what joins them inside a phrase, a parenthesis
    # included: "Байкало-Амурская магистраль (БАМ)", "ВКП(б)"
    "Cyrillic": r"{w}(?:[ ,]+{w}|\s*\({w}(?:[ ,]+{w})*\))*".format(w=r"[\u0400-\u04FF][\u0400-\u04FF\d.\-–]*"),
}


def mark_foreign(doc: Document) -> int:
    """Runs of another script inside the text become foreign with their language.

    The profile's [foreign] table names the script and the language
    (`script = "Cyrillic"`, `lang = "ru"`): "[сословие: estate]" gets
    <foreign xml:lang="ru">сословие</foreign>. Text already declared in that
    language (a transcribed facsimile) is left alone.
    """
    settings = doc.profile.table("foreign")
    if not settings.get("script") in SCRIPT_RUNS or not settings.get("lang"):
        return 0
    lang = settings["lang"]
    run = re.compile(SCRIPT_RUNS[settings["script"]])

    def in_language(element: etree._Element) -> bool:
        while element is not None:
            if element.get(XML_LANG):
                return element.get(XML_LANG) == lang
            element = element.getparent()
        return False

    def foreign(m: re.Match, parent) -> etree._Element | None:
        if in_language(parent) or etree.QName(parent).localname == "foreign":
            return None
        element = etree.Element(tei("foreign"))
        element.set(XML_LANG, lang)
        element.text = m.group(0)
        return element

    return rewrite_text(doc.tei, run, foreign, SKIP)
