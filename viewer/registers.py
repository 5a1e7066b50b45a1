"""Persons, places and organisations: index pages and one page per entry
with every mention, grouped by text, as keyword-in-context."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from markupsafe import Markup

from edition.search import ensure_index, mention_counts, mentions_of, word_counts

from . import edition
from .texts import REGISTERS, read_register

blueprint = Blueprint("registers", __name__, url_prefix="/registers")


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
    sort = request.args.get("sort", "name")
    if sort == "mentions":
        entries = sorted(entries, key=lambda e: (-sum(counts.get(e.id, {}).values()), e.name))
    elif sort == "name":
        entries = sorted(entries, key=lambda e: e.name.casefold())
    else:
        abort(400, description="Sort by “name” or “mentions”.")
    return render_template("registers/index.html", register=register, title=REGISTERS[register][3],
                           entries=entries, counts=counts, texts=texts, text_key=text_key, sort=sort)


@blueprint.get("/<register>/<entity_id>")
def entry(register: str, entity_id: str):
    path, entry = entry_or_404(register, entity_id)
    ed = edition()
    ensure_index(ed.tei_dir, ed.search_db)
    mentions = mentions_of(ed.search_db, register, entity_id)
    by_text = [(text, [m for m in mentions if m["text_key"] == text.key]) for text in ed.library.entries(word_counts(ed.tei_dir, ed.search_db))]
    html = Markup(ed.renderer.render(path, view="entry", entry=entity_id,
                                     **{"edition-url": url_for("reading.library") + "edition"}))
    return render_template("registers/entry.html", register=register, title=REGISTERS[register][3],
                           entry=entry, html=html, by_text=[(t, ms) for t, ms in by_text if ms],
                           total=len(mentions))


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
