"""Stage 4, notes: note markers and note bodies become linked TEI notes.

(The per-source note systems are declared in each profile's [notes] table.)
"""

from __future__ import annotations

from .model import Document


def link_notes(doc: Document) -> Document:
    doc.stage_report("notes")
    return doc
