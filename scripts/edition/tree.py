"""Helpers for rewriting the text of a TEI tree, shared by the inline stages.

`rewrite_text` finds a pattern in every text node (element text and tails)
and replaces each match by what `build` returns: an element (inserted in
place, its tail holding the text after the match), a string (replacing the
match), or None (leaving it). This is how note markers, markdown residue and
names become markup without re-parsing strings.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Callable, Iterable, Union

from lxml import etree

from . import SOURCE_LINE, tei

Replacement = Union[etree._Element, str, None]


def rewrite_text(
    root: etree._Element,
    pattern: re.Pattern,
    build: Callable[[re.Match, etree._Element], Replacement],
    skip: Iterable[str] = (),
) -> int:
    """Rewrite every match of `pattern` in the text under `root`.

    `skip` names TEI elements whose content is left alone (e.g. 'teiHeader').
    `build(match, parent)` gets the element that will hold the replacement.
    Returns the number of matches replaced.
    """
    skip_tags = {tei(s) for s in skip}
    count = 0
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or inside(element, skip_tags):
            continue
        if element.text:
            count += _rewrite_slot(element, None, pattern, build)
        for child in list(element):
            if child.tail and element.tag not in skip_tags:
                count += _rewrite_slot(element, child, pattern, build)
    return count


def inside(element: etree._Element, tags: set[str]) -> bool:
    """Is `element`, or an element around it, one of `tags` (Clark names)?"""
    while element is not None:
        if element.tag in tags:
            return True
        element = element.getparent()
    return False


def _rewrite_slot(parent, after, pattern, build) -> int:
    """Rewrite parent.text (after=None) or after.tail."""
    text = parent.text if after is None else after.tail
    pieces: list[Union[str, etree._Element]] = []
    pos = 0
    count = 0
    for m in pattern.finditer(text):
        result = build(m, parent)
        if result is None:
            continue
        pieces.append(text[pos:m.start()])
        pieces.append(result)
        pos = m.end()
        count += 1
    if not count:
        return 0
    pieces.append(text[pos:])
    # merge strings; attach elements with their following text as tail
    head = ""
    nodes: list[etree._Element] = []
    for piece in pieces:
        if isinstance(piece, str):
            if nodes:
                nodes[-1].tail = (nodes[-1].tail or "") + piece
            else:
                head += piece
        else:
            piece.tail = None
            nodes.append(piece)
    replace_slot(parent, after, head, nodes)
    return count


def replace_slot(parent: etree._Element, after: etree._Element | None, head: str,
                 nodes: list[etree._Element]) -> None:
    """Set parent.text (after=None) or after.tail to `head`, and insert `nodes`, each
    carrying its own tail, right where that text ends."""
    if after is None:
        parent.text = head
        if not nodes:
            return
        parent.insert(0, nodes[0])
        after, nodes = nodes[0], nodes[1:]
    else:
        after.tail = head
    # each node after the one before: parent.index(after) walks the siblings, and a
    # paragraph of a million note references made that quadratic
    for node in nodes:
        after.addnext(node)
        after = node


def text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def source_line(element: etree._Element | None) -> int:
    """The source line of `element`, or of the nearest element around it that has one (0: none)."""
    while element is not None:
        if element.get(SOURCE_LINE):
            return int(element.get(SOURCE_LINE))
        element = element.getparent()
    return 0


@contextmanager
def milestones_lifted(root: etree._Element, tag: str, **attributes: str):
    """Take the milestones `tag` with these attributes out of the text for the time of the `with` block, and
    put each back where it stood in its parent's text: a page break that a mended paragraph keeps between
    two words (`the Central <pb type="mended"/>Committee`) does not cut the name the words make. The block
    may wrap the text in elements (names), never change it: a milestone goes back inside the element that
    now holds its place, at the end of the text before it where it stands between two."""
    lifted = []
    for milestone in list(root.iter(tag)):
        if any(milestone.get(k) != v for k, v in attributes.items()) or len(milestone):
            continue
        parent = milestone.getparent()
        offset = len("".join(_text_before(parent, milestone)))
        lifted.append((parent, offset, milestone))
        remove_keeping_text(milestone)
    try:
        yield len(lifted)
    finally:
        for parent, offset, milestone in lifted:
            _insert_at(parent, offset, milestone)


def _text_before(parent, milestone) -> list[str]:
    parts = [parent.text or ""]
    for child in parent:
        if child is milestone:
            break
        parts.append("".join(child.itertext()) if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return parts


def remove_keeping_text(element: etree._Element) -> None:
    """Take out an element that holds no element (a milestone, a name read in part): its text and
    its tail stay where they stood in its parent's text."""
    parent, previous = element.getparent(), element.getprevious()
    words = (element.text or "") + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + words
    else:
        parent.text = (parent.text or "") + words
    parent.remove(element)


def _insert_at(parent, offset: int, milestone) -> None:
    """Put `milestone` at character `offset` of `parent`'s text, descending into the element that holds it."""
    position = len(parent.text or "")
    if offset <= position:
        milestone.tail, parent.text = (parent.text or "")[offset:], (parent.text or "")[:offset]
        parent.insert(0, milestone)
        return
    for index, child in enumerate(parent):
        inner = len("".join(child.itertext())) if isinstance(child.tag, str) else 0
        if offset < position + inner:  # within the child (a name now holding the words around it)
            _insert_at(child, offset - position, milestone)
            return
        position += inner
        tail = child.tail or ""
        if offset <= position + len(tail):
            at = offset - position
            milestone.tail, child.tail = tail[at:], tail[:at]
            parent.insert(index + 1, milestone)
            return
        position += len(tail)
    parent.append(milestone)  # past the end: the text was changed, which the block must not do
