"""The library page, a text's contents, its pages, its header, permalinks."""

from __future__ import annotations

import datetime
import json

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup

import markdown

from edition import ROOT
from edition.search import word_counts

from . import citation, edition
from .texts import REGISTERS, header_document, page_document, text_key

blueprint = Blueprint("reading", __name__)


def text_or_404(key: str):
    text = edition().library.get(key)
    if text is None:
        abort(404, description=f"The edition has no text “{key}”.")
    return text


def render_page(text, page_id: str) -> Markup:
    """The HTML of one page of a text (cached by the renderer)."""
    return Markup(edition().renderer.render(
        text.path, lambda: page_document(text, page_id), view="section", section=page_id, pages=" ".join(text.page_ids),
        **{"text-url": url_for("reading.contents", key=text.key).rstrip("/"),
           "registers-url": url_for("registers.overview").rstrip("/"),
           "edition-url": url_for("reading.library") + "edition"}))


@blueprint.get("/")
def library():
    ed = edition()
    return render_template("reading/library.html", texts=ed.library.entries(word_counts(ed.tei_dir, ed.search_db)))


@blueprint.get("/about")
def about():
    return render_template("reading/about.html")


# generated from the ODD (schema/generate.py); the validator's messages point readers to it
ENCODING_GUIDE = ROOT / "docs" / "encoding.md"


@blueprint.get("/about/encoding")
def encoding_guide():
    if not ENCODING_GUIDE.is_file():
        abort(404, description="The encoding guide is not part of this installation.")
    html = markdown.markdown(ENCODING_GUIDE.read_text(encoding="utf-8"), extensions=["tables", "fenced_code"])
    return render_template("reading/encoding.html", html=Markup(html))


@blueprint.get("/text/<key>/")
def contents(key: str):
    return render_template("reading/contents.html", text=text_or_404(key))


@blueprint.get("/text/<key>/<page_id>")
def page(key: str, page_id: str):
    text = text_or_404(key)
    current = text.page(page_id)
    if current is None:
        abort(404, description=f"“{text.title}” has no section “{page_id}”.")
    previous, following = text.neighbours(page_id)
    return render_template("reading/page.html", text=text, page=current, previous=previous,
                           following=following, html=render_page(text, page_id))


@blueprint.get("/text/<key>/at/<xml_id>")
def permalink(key: str, xml_id: str):
    """A paragraph's (or any element's) stable address: pages may be re-cut, ids stay."""
    text = text_or_404(key)
    if xml_id == text.key:  # the text as a whole (a passage with no identified division)
        return redirect(url_for("reading.contents", key=key))
    page_id = text.page_of.get(xml_id)
    if page_id is None:
        abort(404, description=f"“{text.title}” has no passage “{xml_id}”.")
    # a search hit's words (hl) ride along, to be marked in the passage it lands on (static/highlight.js)
    return redirect(url_for("reading.page", key=key, page_id=page_id, hl=request.args.getlist("hl")[:40] or None,
                            _anchor=xml_id))


@blueprint.get("/edition/<file_name>")
@blueprint.get("/edition/<file_name>/<xml_id>")
def edition_file(file_name: str, xml_id: str | None = None):
    """Where a pointer into a file of the edition (persons.xml#kamenev-lb,
    rogovin-bolsheviks-against-stalinism.xml#rogovin.3.p5) leads a reader."""
    path = edition().tei_dir / file_name
    if not file_name.endswith(".xml") or path.parent != edition().tei_dir or not path.is_file():
        abort(404, description=f"The edition has no file “{file_name}”.")
    register = next((name for name, spec in REGISTERS.items() if spec[0] == file_name), None)
    if register:
        if xml_id:
            return redirect(url_for("registers.entry", register=register, entity_id=xml_id))
        return redirect(url_for("registers.index", register=register))
    key = text_key(path)
    if xml_id:
        return redirect(url_for("reading.permalink", key=key, xml_id=xml_id))
    return redirect(url_for("reading.contents", key=key))


@blueprint.get("/text/<key>/header")
def header(key: str):
    text = text_or_404(key)
    html = Markup(edition().renderer.render(text.path, lambda: header_document(text.path), view="header"))
    return render_template("reading/header.html", text=text, html=html)


# what each download of a citation is, as a reference manager expects it
CITATION_FORMATS = {"bibtex": ("application/x-bibtex", "bib"), "ris": ("application/x-research-info-systems", "ris"),
                    "csl": ("application/vnd.citationstyles.csl+json", "json")}


@blueprint.get("/text/<key>/cite/<xml_id>")
def cite(key: str, xml_id: str):
    """A passage's citation: formatted (the page, or JSON for the pop-up), BibTeX, RIS, CSL-JSON."""
    text = text_or_404(key)
    unit = citation.citable_unit(text, xml_id)
    if unit is None:
        abort(404, description=f"“{text.title}” has no paragraph “{xml_id}” to cite.")
    where = citation.locator(text, unit)
    item = citation.csl_item(text, xml_id, url_for("reading.permalink", key=key, xml_id=xml_id, _external=True),
                             datetime.date.today(), current_app.config["EDITION_TITLE"])
    kind = request.args.get("format", "html")
    if kind in CITATION_FORMATS:
        body = {"bibtex": lambda: citation.bibtex(item, where), "ris": lambda: citation.ris(item, where),
                "csl": lambda: json.dumps([item], ensure_ascii=False, indent=2)}[kind]()
        mimetype, extension = CITATION_FORMATS[kind]
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": f'attachment; filename="{xml_id}.{extension}"'})
    html, plain = citation.formatted(item, where)
    formats = {name: url_for("reading.cite", key=key, xml_id=xml_id, format=name) for name in CITATION_FORMATS}
    if kind == "json":
        return jsonify(html=html, text=plain, locator=where, permalink=url_for("reading.permalink", key=key, xml_id=xml_id),
                       formats=formats)
    if kind != "html":
        abort(400, description="A citation comes as html, json, bibtex, ris or csl.")
    return render_template("reading/cite.html", text=text, unit_id=xml_id, where=where, html=Markup(html),
                           plain=plain, formats=formats)
