"""The persistent URIs of the edition resolve: /id/... answers with a redirect (303 See Other).

    /id/edition                      the edition            -> the library | DTS collection
    /id/edition/texts, .../registers its two collections    -> the library, the registers | DTS collection
    /id/NAME                         a text or a register   -> its contents | its TEI | DTS collection
    /id/NAME/REF                     a citable passage (a text's DTS reference, 3.2.p4) or a register
                                     entry (its xml:id)     -> its place in the reading edition | its TEI
                                                               (DTS document) | its DTS navigation

What is sent depends on Accept: a browser (text/html, or anything) gets the
page, `application/tei+xml` (or application/xml) the TEI, `application/ld+json`
the DTS description. A URI names a thing, not one of its documents; hence
the redirect, whose target is under this server's public base.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, url_for

from .. import edition as reading_edition
from .catalogue import CitableUnit, EditionText, catalogue_for
from .public import collection_uri, edition_uri, public_base, resource_uri

identifiers = Blueprint("identifiers", __name__, url_prefix="/id")

TEI_TYPES = ("application/tei+xml", "application/xml", "text/xml")
JSON_LD = "application/ld+json"
COLLECTION_PAGES = {"texts": "reading.library", "registers": "registers.overview"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _wanted() -> str:
    """html, tei or dts: what the client's Accept prefers (html when it states no preference)."""
    from flask import request
    best = request.accept_mimetypes.best_match(["text/html", *TEI_TYPES, JSON_LD], default="text/html")
    if best in TEI_TYPES:
        return "tei"
    return "dts" if best == JSON_LD else "html"


def _see_other(location: str) -> Response:
    response = redirect(location, code=303)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _dts(endpoint: str, **params: str) -> str:
    return public_base() + f"/dts/{endpoint}?" + urlencode(params)


def _resource(name: str) -> EditionText:
    resource = catalogue_for(current_app.config["TEI_DIR"]).text(name)
    if resource is None:
        abort(404, description=f"The edition has no text or register “{name}”.")
    return resource


@identifiers.get("/edition")
def edition() -> Response:
    if _wanted() == "dts":
        return _see_other(_dts("collection", id=edition_uri()))
    return _see_other(public_base() + url_for("reading.library"))


@identifiers.get("/edition/<name>")
def collection(name: str) -> Response:
    if name not in COLLECTION_PAGES:
        abort(404, description=f"The edition has no collection “{name}” (it has texts and registers).")
    if _wanted() == "dts":
        return _see_other(_dts("collection", id=collection_uri(name)))
    return _see_other(public_base() + url_for(COLLECTION_PAGES[name]))


@identifiers.get("/<name>")
def resource(name: str) -> Response:
    text = _resource(name)
    wanted = _wanted()
    if wanted == "tei":
        return _see_other(public_base() + url_for("downloads.tei_file", key=text.id))
    if wanted == "dts":
        return _see_other(_dts("collection", id=resource_uri(text.id)))
    return _see_other(public_base() + url_for("reading.edition_file", file_name=f"{text.id}.xml"))


@identifiers.get("/<name>/<path:ref>")
def unit(name: str, ref: str) -> Response:
    text = _resource(name)
    citable = text.by_identifier.get(ref)
    if citable is None:
        abort(404, description=f"“{text.title}” has no passage or entry “{ref}”.")
    wanted = _wanted()
    if wanted == "tei":
        return _see_other(_dts("document", resource=resource_uri(text.id), ref=ref))
    if wanted == "dts":
        return _see_other(_dts("navigation", resource=resource_uri(text.id), ref=ref, down="1"))
    anchor = _anchor(text, citable)
    if anchor is None:
        return _see_other(public_base() + url_for("reading.edition_file", file_name=f"{text.id}.xml"))
    return _see_other(public_base() + url_for("reading.edition_file", file_name=f"{text.id}.xml", xml_id=anchor))


def _anchor(text: EditionText, citable: CitableUnit) -> str | None:
    """The xml:id a reader is led to: the unit's own, else its first element that has a place in the
    reading edition (the front matter has no id of its own), else its nearest such ancestor."""
    candidates = [el.get(XML_ID) for el in citable.element.iter() if isinstance(el.tag, str) and el.get(XML_ID)]
    candidates += [el.get(XML_ID) for el in citable.element.iterancestors() if el.get(XML_ID)]
    if text.kind == "register":
        return candidates[0] if candidates else None
    reading = reading_edition().library.get(text.root.get(XML_ID) or text.id)
    placed = reading.page_of if reading is not None else {}
    return next((c for c in candidates if c in placed), None)
