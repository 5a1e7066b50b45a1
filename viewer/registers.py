"""Persons, places and organisations: index pages and one page per entry
with every mention, grouped by text, as keyword-in-context."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from markupsafe import Markup

from edition.search import KWIC_CHARS, ensure_index, first_mentions_by_text, mention_counts, mentions_of, word_counts

from . import edition
from .arguments import whole_number
from .texts import REGISTERS, LibraryEntry, read_register

blueprint = Blueprint("registers", __name__, url_prefix="/registers")
# mentions shown per text and per page: Stalin is named 3,000 times, a page stays small and fast
MENTIONS_PER_PAGE = 50


def kwic_line(mention: dict) -> dict:
    """A mention's context cut at whole words: the index cuts at a fixed number
    of characters, which leaves a word's stump ('hip was between') at either end."""
    before, after = mention["before"], mention["after"]
    # a context the index cut says so; a word it cut into goes, a cut between words keeps them all
    if len(before) >= KWIC_CHARS:
        if not before[:1].isspace() and " " in before:
            before = before[before.index(" "):]
        before = "… " + before.lstrip()
    if len(after) >= KWIC_CHARS:
        if not after[-1:].isspace() and " " in after:
            after = after[:after.rindex(" ")]
        after = after.rstrip() + " …"
    return {**mention, "before": before, "after": after}


@dataclass
class MentionGroup:
    """One text's mentions of an entry, one page of them."""
    text: LibraryEntry
    total: int
    mentions: list[dict]
    page: int = 1

    @property
    def first(self) -> int:
        return (self.page - 1) * MENTIONS_PER_PAGE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.mentions) - 1

    @property
    def following(self) -> int:
        """How many mentions the next page holds."""
        return min(self.total - self.last, MENTIONS_PER_PAGE)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // MENTIONS_PER_PAGE))


def register_or_404(register: str):
    if register not in REGISTERS:
        abort(404, description=f"The edition has no register “{register}”.")
    path = edition().tei_dir / REGISTERS[register][0]
    return path, read_register(path, register)


def entry_or_404(register: str, entity_id: str):
    path, entries = register_or_404(register)
    entry = next((e for e in entries if e.id == entity_id), None)
    if entry is None:
        abort(404, description=f"The register of {REGISTERS[register][3].lower()} has no entry “{entity_id}”.")
    return path, entry


@blueprint.get("/")
def overview():
    registers = [(name, spec[3], len(register_or_404(name)[1])) for name, spec in REGISTERS.items()]
    return render_template("registers/overview.html", registers=registers)


@blueprint.get("/<register>/")
def index(register: str):
    _path, entries = register_or_404(register)
    ed = edition()
    ensure_index(ed.tei_dir, ed.search_db)
    counts = mention_counts(ed.search_db, register)
    texts = ed.library.entries(word_counts(ed.tei_dir, ed.search_db))
    text_key = request.args.get("text", "")
    if text_key and text_key not in {t.key for t in texts}:
        abort(400, description=f"There is no text “{text_key}” to filter by.")
    if text_key:
        entries = [e for e in entries if counts.get(e.id, {}).get(text_key)]
    name_filter = " ".join(request.args.get("name", "").split())[:100]
    if name_filter:
        wanted = name_filter.casefold()
        entries = [e for e in entries if wanted in e.name.casefold() or wanted in e.sort_name.casefold()]
    sort = request.args.get("sort", "name")
    if sort == "mentions":
        entries = sorted(entries, key=lambda e: (-sum(counts.get(e.id, {}).values()), e.sort_name.casefold()))
    elif sort == "name":
        entries = sorted(entries, key=lambda e: e.sort_name.casefold())
    else:
        abort(400, description="Sort by “name” or “mentions”.")
    return render_template("registers/index.html", register=register, title=REGISTERS[register][3],
                           entries=entries, counts=counts, texts=texts, text_key=text_key, sort=sort,
                           name_filter=name_filter, letters=index_letters(entries) if sort == "name" else {})


def index_letter(entry) -> str:
    """The letter an entry is filed under: its sort name's first letter, without accents; a name that opens
    with a numeral (`29th Rifle Division`) is filed before A, under 0-9 (a fragment an address may hold)."""
    first = unicodedata.normalize("NFKD", entry.sort_name.lstrip("«“\"'(["))[:1].upper()
    return first if first.isalpha() else "0-9"


def index_letters(entries) -> dict[str, str]:
    """{entry id: letter} for the first entry under each letter, where the A–Z index leads."""
    firsts: dict[str, str] = {}
    for entry in entries:
        firsts.setdefault(index_letter(entry), entry.id)
    return {entry_id: letter for letter, entry_id in firsts.items()}


@blueprint.get("/<register>/<entity_id>")
def entry(register: str, entity_id: str):
    """The entry and the first page of its mentions in every text, text beside text."""
    path, entry = entry_or_404(register, entity_id)
    ed = edition()
    ensure_index(ed.tei_dir, ed.search_db)
    counts = mention_counts(ed.search_db, register, entity_id).get(entity_id, {})
    first = first_mentions_by_text(ed.search_db, register, entity_id, MENTIONS_PER_PAGE)
    groups = [MentionGroup(text, counts[text.key], [kwic_line(m) for m in first.get(text.key, [])])
              for text in ed.library.entries(word_counts(ed.tei_dir, ed.search_db)) if counts.get(text.key)]
    html = Markup(ed.renderer.render(path, view="entry", entry=entity_id,
                                     **{"edition-url": url_for("reading.library") + "edition"}))
    return render_template("registers/entry.html", register=register, title=REGISTERS[register][3],
                           entry=entry, html=html, groups=groups, total=sum(counts.values()))


@blueprint.get("/<register>/<entity_id>/in/<text_key>")
def mentions_in_text(register: str, entity_id: str, text_key: str):
    """One page of an entry's mentions in one text: where "more" leads, with or without script."""
    _path, entry = entry_or_404(register, entity_id)
    ed = edition()
    ensure_index(ed.tei_dir, ed.search_db)
    text = next((t for t in ed.library.entries(word_counts(ed.tei_dir, ed.search_db)) if t.key == text_key), None)
    if text is None:
        abort(404, description=f"The edition has no text “{text_key}”.")
    total = mention_counts(ed.search_db, register, entity_id).get(entity_id, {}).get(text_key, 0)
    if not total:
        abort(404, description=f"“{text.title}” does not mention {entry.name}.")
    page = whole_number(request.args.get("page", "1"))
    pages = MentionGroup(text, total, []).pages
    if page is None or not 1 <= page <= pages:
        abort(400, description=f"The page of mentions must be a number from 1 to {pages:,}.")
    mentions = mentions_of(ed.search_db, register, entity_id, text_key,
                           limit=MENTIONS_PER_PAGE, offset=(page - 1) * MENTIONS_PER_PAGE)
    return render_template("registers/mentions.html", register=register, title=REGISTERS[register][3],
                           entry=entry, group=MentionGroup(text, total, [kwic_line(m) for m in mentions], page))


@blueprint.get("/<register>/<entity_id>/card")
def card(register: str, entity_id: str):
    """What the reading view's pop-up shows for a name."""
    _path, entry = entry_or_404(register, entity_id)
    ed = edition()
    ensure_index(ed.tei_dir, ed.search_db)
    counts = mention_counts(ed.search_db, register, entity_id).get(entity_id, {})
    return jsonify(name=entry.name, dates=entry.dates, description=entry.description,
                   url=url_for("registers.entry", register=register, entity_id=entity_id),
                   mentions=sum(counts.values()), texts=len(counts))
