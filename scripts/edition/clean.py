"""Stage 2, clean: take page furniture out of the lines, recording each removal.

Whole lines that are not text (running footers, link-residue lines, image
placeholders) are declared in the profile's [[footers]] rules; each removed
line is recorded with its rule so that the fidelity report can account for
every source word.
"""

from __future__ import annotations

import re

from .model import Document, Line
from .patterns import guarded


def clean(doc: Document) -> Document:
    rules = [(guarded(r["pattern"]), r.get("rule", "running-footer"), r.get("replace"))
             for r in doc.profile.rules("footers")]
    kept: list[Line] = []
    removed = 0
    hard_breaks = 0
    for line in doc.lines:
        text = line.text
        for pattern, rule, replace in rules:
            if replace is None:
                if pattern.search(text):
                    doc.remove(line.number, rule, text)
                    text = None
                    break
            else:
                new = pattern.sub(replace, text)
                if new != text:
                    for m in pattern.finditer(text):
                        doc.remove(line.number, rule, _removed(m, replace))
                    text = new
        if text is None:
            removed += 1
            # keep the line as blank so paragraph boundaries stay visible
            kept.append(Line(line.number, ""))
        else:
            if text.strip() and (text.endswith("  ") or text.endswith("\\")):
                # a markdown hard line break: a line end of the print, not of
                # the text (no words go; the trailing spaces are dropped here)
                hard_breaks += 1
                text = text[:-1] if text.endswith("\\") else text
            kept.append(Line(line.number, text.rstrip()))
    doc.lines = kept
    doc.stage_report("clean")["lines_removed"] = removed
    doc.stage_report("clean")["hard_line_breaks"] = hard_breaks
    return doc


def _removed(m: re.Match, replace: str) -> str:
    """What a replacement takes out: the match without the words it keeps
    ("^{said}" -> "said" records "^{…}"), so that a kept word is not also
    counted as removed."""
    kept = m.expand(replace)
    return m.group(0).replace(kept, "…", 1) if kept else m.group(0)
