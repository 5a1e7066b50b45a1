"""Maps of places: the whole register's (/registers/places/map, filtered by a
text) and one text's (/text/KEY/map). Drawn on the server (viewer.atlas)."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, render_template, request

from edition.search import ensure_index, mention_counts, word_counts

from . import edition
from .atlas import draw, places_with_coordinates
from .reading import text_or_404
from .texts import REGISTERS

blueprint = Blueprint("maps", __name__)


def mapped_places(text_key: str | None):
    """(the map, its places by mentions, most first) of the places the texts (or one text) name."""
    ed = edition()
    ensure_index(ed.tei_dir, ed.search_db)
    counts = mention_counts(ed.search_db, "places")
    places = [dataclasses.replace(p, mentions=sum(n for key, n in counts.get(p.id, {}).items()
                                                  if text_key in (None, key)))
              for p in places_with_coordinates(ed.tei_dir / REGISTERS["places"][0])]
    drawn = draw(places)
    return drawn, sorted((m.place for m in drawn.markers), key=lambda p: (-p.mentions, p.name))


@blueprint.get("/registers/places/map")
def register_map():
    ed = edition()
    texts = ed.library.entries(word_counts(ed.tei_dir, ed.search_db))
    text_key = request.args.get("text", "")
    if text_key and text_key not in {t.key for t in texts}:
        abort(400, description=f"There is no text “{text_key}” to map.")
    drawn, places = mapped_places(text_key or None)
    chosen = next((t for t in texts if t.key == text_key), None)
    return render_template("registers/map.html", map=drawn, places=places, texts=texts, text=chosen,
                           text_key=text_key, filter=True)


@blueprint.get("/text/<key>/map")
def text_map(key: str):
    text = text_or_404(key)
    drawn, places = mapped_places(text.key)
    return render_template("registers/map.html", map=drawn, places=places, text=text, text_key=text.key,
                           filter=False)
