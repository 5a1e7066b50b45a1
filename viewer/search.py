"""Full-text search across the edition, with filters by text and by entity."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from edition.query import Query, QueryTooLong
from edition.search import (QueryError, ensure_index, mention_counts, passages_mentioning, read_query,
                            search as run_search, word_counts)

from . import edition
from .registers import entry_or_404
from .texts import REGISTERS, RegisterEntry, read_register

blueprint = Blueprint("search", __name__)
HITS_PER_PAGE = 30
# FTS5's cost grows with the number of terms: a reader's query is a few words,
# a longer one is refused (edition.query.MAX_TERMS).
MAX_QUERY_CHARS = 500
# no reader turns a thousand pages of hits (30,000), and a
# page past the last costs only the count (edition.search.search)
MAX_PAGE = 1_000
# the words a hit's link carries to mark in the passage it lands on
MAX_HIGHLIGHT = 40


# The choices change only with a build: the list is fetched once under an address
# that names its version, and a browser keeps it for as long as it likes.
CHOICES_MAX_AGE = 365 * 24 * 3600


def choices_version(tei_dir: Path, search_db: Path) -> str:
    """A short token that changes whenever the index or a register does."""
    ensure_index(tei_dir, search_db)
    stamps = [p.stat().st_mtime_ns if p.is_file() else 0
              for p in [search_db, *(tei_dir / spec[0] for spec in REGISTERS.values())]]
    return hashlib.sha1(repr(stamps).encode()).hexdigest()[:12]


@functools.lru_cache(maxsize=4)
def entity_choices(tei_dir: Path, search_db: Path, _version: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's choices, register by register: every entry the texts
    mention, family name first, with its number of mentions."""
    choices = []
    for register, spec in REGISTERS.items():
        counts = mention_counts(search_db, register)
        entries = sorted((e for e in read_register(tei_dir / spec[0], register) if e.id in counts),
                         key=lambda e: e.sort_name.casefold())
        options = [(f"{register}/{e.id}", f"{e.sort_name} ({sum(counts[e.id].values()):,})") for e in entries]
        if options:
            choices.append((spec[3], options))
    return choices


def entity_named(text: str) -> tuple[str, RegisterEntry]:
    """(register, entry) of a filter typed as register/id, as a bare id, or as a name
    ("Bukharin", "Bukharin, Nikolai Ivanovich"): the form works without script."""
    register, slash, entity_id = text.partition("/")
    if slash:
        if register not in REGISTERS or not entity_id:
            abort(400, description="Filter by an entity as register/id, e.g. persons/kamenev-lb. Its name will do too.")
        return register, entry_or_404(register, entity_id)[1]
    wanted = " ".join(text.split()).casefold()
    found = []
    for register, spec in REGISTERS.items():
        for entry in read_register(edition().tei_dir / spec[0], register):
            names = {entry.id.casefold(), entry.name.casefold(), entry.sort_name.casefold(),
                     entry.sort_name.split(",")[0].casefold()}
            if wanted in names:
                found.append((register, entry))
    if not found:
        abort(404, description=f"No register entry is called “{text}”. Choose one from the list, or give its "
                               "address as register/id, e.g. persons/kamenev-lb.")
    exact = [(register, entry) for register, entry in found if wanted in (entry.id.casefold(), entry.name.casefold())]
    if len(found) > 1 and len(exact) != 1:
        named = "; ".join(f"{entry.name} ({register}/{entry.id})" for register, entry in found[:8])
        abort(400, description=f"“{text}” names more than one entry: {named}. Give the one you mean as register/id.")
    return (exact or found)[0]


@blueprint.get("/search/entities.json")
def entity_list():
    """The filter's choices for the search page's script: fetched once and kept."""
    ed = edition()
    version = choices_version(ed.tei_dir, ed.search_db)
    response = jsonify([{"title": title, "options": options}
                        for title, options in entity_choices(ed.tei_dir, ed.search_db, version)])
    response.set_etag(version)
    response.cache_control.public = True
    response.cache_control.max_age = CHOICES_MAX_AGE if request.args.get("v") == version else 0
    return response.make_conditional(request)


def page_number(text: str) -> int:
    """The page of results asked for: ASCII digits only (int() would read "٣" as 3)."""
    if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= MAX_PAGE:
        abort(400, description=f"The page of results must be a number from 1 to {MAX_PAGE:,}, in the digits 0–9.")
    return int(text)


@dataclass
class SearchForm:
    """What the reader asked for, as the form shows it again, and what was found."""
    query: str = ""
    text_key: str = ""
    entity: str = ""
    entity_name: str = ""
    variants: bool = True
    page: int = 1
    total: int = 0
    hits: list = field(default_factory=list)
    read: Query | None = None
    error: str = ""

    @property
    def pages(self) -> int:
        return (self.total + HITS_PER_PAGE - 1) // HITS_PER_PAGE

    @property
    def searched(self) -> bool:
        return bool(self.query or self.entity) and not self.error

    def link(self, **changes) -> str:
        """The results page of this search with some of its choices changed (a pager, the variants switch)."""
        args = {"q": self.query, "text": self.text_key, "entity": self.entity,
                "variants": None if self.variants else "off", "page": self.page if self.page > 1 else None}
        args.update(changes)
        return url_for("search.results", **{k: v for k, v in args.items() if v})

    def hit_link(self, hit) -> str:
        """A hit's permalink; the words to mark in the passage ride along (hl) when there are words."""
        highlight = self.read.highlight if self.read else []
        return url_for("reading.permalink", key=hit.text_key, xml_id=hit.passage_id, hl=highlight[:MAX_HIGHLIGHT] or None)


@blueprint.get("/search")
def results():
    ed = edition()
    # the library's headers suffice here: reading whole texts would slow the first search
    texts = ed.library.entries(word_counts(ed.tei_dir, ed.search_db))
    form = SearchForm(query=request.args.get("q", "").strip(), text_key=request.args.get("text", ""),
                      entity=request.args.get("entity", "").strip(), variants=request.args.get("variants") != "off")
    status = 200
    try:
        answer(form, ed, {t.key for t in texts})
    except HTTPException as refused:
        # the reader keeps the form, with what was typed and why it cannot be answered
        form.error, status = refused.description, refused.code
    # the choices are not in the page (628 entries, 45 KB): the page's script fetches them once
    return render_template("search/results.html", form=form, texts=texts,
                           choices_version=choices_version(ed.tei_dir, ed.search_db)), status


def answer(form: SearchForm, ed, text_keys: set[str]) -> None:
    """Fill the form's hits, or abort with what the reader should change (the view keeps the form)."""
    if len(form.query) > MAX_QUERY_CHARS:
        abort(400, description=f"A search may hold at most {MAX_QUERY_CHARS} characters; "
                               f"this one holds {len(form.query):,}.")
    if form.query:
        ensure_index(ed.tei_dir, ed.search_db)
        try:
            form.read = read_query(ed.search_db, form.query, form.variants)
        except QueryTooLong as err:
            abort(400, description=f"The search could not be run: {err}.")
        except QueryError as err:  # a slip of the reader's (a bracket left open): said, not refused
            form.error = f"The search could not be run: {err}."
            return
    if form.text_key and form.text_key not in text_keys:
        abort(400, description=f"There is no text “{form.text_key}” to search in.")
    form.page = page_number(request.args.get("page", "1"))
    entity = None
    if form.entity:
        register, entry = entity_named(form.entity)
        entity, form.entity_name, form.entity = (register, entry.id), entry.name, f"{register}/{entry.id}"
    offset = (form.page - 1) * HITS_PER_PAGE
    if form.read:
        form.total, form.hits = run_search(ed.search_db, form.read, form.text_key or None, entity,
                                           limit=HITS_PER_PAGE, offset=offset)
    elif entity:
        # no words, only an entity: every passage that mentions it, in text order
        ensure_index(ed.tei_dir, ed.search_db)
        form.total, form.hits = passages_mentioning(ed.search_db, *entity, form.text_key or None,
                                                    limit=HITS_PER_PAGE, offset=offset)
