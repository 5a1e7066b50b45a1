"""Full-text search across the edition, with filters by text and by entity."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from flask import Blueprint, abort, jsonify, render_template, request

from edition.search import QueryError, ensure_index, mention_counts, passages_mentioning, search as run_search, word_counts

from . import edition
from .registers import entry_or_404
from .texts import REGISTERS, RegisterEntry, read_register

blueprint = Blueprint("search", __name__)
HITS_PER_PAGE = 30
# FTS5's cost grows with the square of the number of terms (100 terms: half a
# second; 1,400: 46 s): a reader's query is a few words, a longer one is refused.
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 24
MAX_PAGE = 10_000


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


@blueprint.get("/search")
def results():
    ed = edition()
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS or len(re.findall(r"\w+", query)) > MAX_QUERY_WORDS:
        abort(400, description=f"A search may hold at most {MAX_QUERY_WORDS} words "
                               f"and {MAX_QUERY_CHARS} characters.")
    text_key = request.args.get("text", "")
    entity_arg = request.args.get("entity", "").strip()
    # the library's headers suffice here: reading whole texts would slow the first search
    texts = ed.library.entries(word_counts(ed.tei_dir, ed.search_db))
    if text_key and text_key not in {t.key for t in texts}:
        abort(400, description=f"There is no text “{text_key}” to search in.")
    entity, entity_name = None, ""
    if entity_arg:
        register, entry = entity_named(entity_arg)
        entity, entity_name = (register, entry.id), entry.name
        entity_arg = f"{register}/{entry.id}"
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        abort(400, description="The page of results must be a number.")
    if not 1 <= page <= MAX_PAGE:
        abort(400, description=f"The page of results must be a number from 1 to {MAX_PAGE:,}.")
    total, hits, error = 0, [], None
    if query:
        ensure_index(ed.tei_dir, ed.search_db)
        try:
            total, hits = run_search(ed.search_db, query, text_key or None, entity,
                                     limit=HITS_PER_PAGE, offset=(page - 1) * HITS_PER_PAGE)
        except QueryError as err:
            error = str(err)
    elif entity:
        # no words, only an entity: every passage that mentions it, in text order
        ensure_index(ed.tei_dir, ed.search_db)
        total, hits = passages_mentioning(ed.search_db, *entity, text_key or None,
                                          limit=HITS_PER_PAGE, offset=(page - 1) * HITS_PER_PAGE)
    # the choices are not in the page (628 entries, 45 KB): the page's script fetches them once
    return render_template("search/results.html", query=query, text_key=text_key, entity=entity_arg,
                           texts=texts, total=total, hits=hits, error=error, page=page, entity_name=entity_name,
                           pages=(total + HITS_PER_PAGE - 1) // HITS_PER_PAGE, searched=bool(query or entity),
                           choices_version=choices_version(ed.tei_dir, ed.search_db))
