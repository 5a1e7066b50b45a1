"""Distributed Text Services 1.0: the edition as collections of readable resources.

    GET /dts/             the entry endpoint (templates of the three others)
    GET /dts/collection   the edition, its two collections, or one resource, with Dublin Core from its header
    GET /dts/navigation   a resource's citation tree, from its citeStructure
    GET /dts/document     a resource's TEI, whole or one passage in dts:wrapper

The collections: the edition (BASE/id/edition) holds "texts" (the five texts)
and "registers" (persons, places, organisations); a text's citable units are
its front and back matter, divisions, paragraphs and loose blocks, so that
every word of its text is in one; a register's are its entries.
Conformance level 1: start/end are supported on navigation and document.
Responses are JSON-LD (application/ld+json) with absolute URLs; errors are
4xx with a JSON body naming the parameter at fault. Identifiers are the
persistent URIs of `public`, under this server's public base.
"""

from __future__ import annotations

import copy
import json
import math
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request
from lxml import etree

from edition import TEI_NS

from .catalogue import CatalogueError, CitableUnit, EditionText, catalogue_for, edition_facts
from .public import collection_uri, edition_uri, public_base, resource_uri, served, served_value

DTS_VERSION = "1.0"
DTS_CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_NS = "https://w3id.org/api/dts#"
JSON_LD = "application/ld+json"
TEI_MEDIA_TYPE = "application/tei+xml"
# Both names of TEI are accepted for mediaType; the response always says application/tei+xml.
TEI_MEDIA_TYPES = (TEI_MEDIA_TYPE, "application/xml", "text/xml")

dts = Blueprint("dts", __name__, url_prefix="/dts")


class DTSError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dts.after_request
def open_to_other_sites(response: Response) -> Response:
    # DTS clients are often web applications on other sites: the API is public, read-only data.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Link"
    return response


@dts.errorhandler(DTSError)
def dts_error(err: DTSError) -> Response:
    return _json({"@context": DTS_CONTEXT, "@type": "Error", "statusCode": err.status,
                  "title": {400: "Bad Request", 404: "Not Found"}.get(err.status, "Error"),
                  "description": err.message}, status=err.status)


@dts.errorhandler(CatalogueError)
def catalogue_error(err: CatalogueError) -> Response:
    current_app.logger.error("DTS: %s", err)
    return _json({"@context": DTS_CONTEXT, "@type": "Error", "statusCode": 500,
                  "title": "Internal Server Error", "description": "The edition's TEI could not be read."}, status=500)


def _json(payload: dict, status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, indent=1), status=status, mimetype=JSON_LD)


# Identifiers and URLs ---------------------------------------------------------

def _api(endpoint: str) -> str:
    return public_base() + "/dts/" + endpoint


def _url(endpoint: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return _api(endpoint) + ("?" + query if query else "")


def _templates(resource_id: str | None = None, is_resource: bool = False) -> dict:
    if resource_id is None:
        return {"collection": _api("collection") + "{?id,page,nav}",
                "navigation": _api("navigation") + "{?resource,ref,start,end,down,tree,page}",
                "document": _api("document") + "{?resource,ref,start,end,tree,mediaType}"}
    fixed = "?" + urlencode({"id": resource_id})
    result = {"collection": _api("collection") + fixed + "{&page,nav}"}
    if is_resource:
        fixed = "?" + urlencode({"resource": resource_id})
        result["navigation"] = _api("navigation") + fixed + "{&ref,start,end,down,tree,page}"
        result["document"] = _api("document") + fixed + "{&ref,start,end,tree,mediaType}"
    return result


def _resources() -> list[EditionText]:
    return catalogue_for(current_app.config["TEI_DIR"]).resources()


def text_uri(text: EditionText) -> str:
    return resource_uri(text.id)


def _find_text(resource_id: str) -> EditionText:
    for text in _resources():
        if resource_id in (text_uri(text), text.id):
            return text
    raise DTSError(404, f"no resource {resource_id!r} in this edition")


def _one(name: str, required: bool = False) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise DTSError(400, f"parameter {name!r} given {len(values)} times")
    if required and (not values or not values[0]):
        raise DTSError(400, f"parameter {name!r} is required")
    return values[0] if values else None


def _int(name: str, minimum: int) -> int | None:
    value = _one(name)
    if value is None:
        return None
    if not re.fullmatch(r"-?[0-9]{1,9}", value):  # ASCII digits: int() would also read "٣"
        raise DTSError(400, f"parameter {name!r} must be an integer, not {value!r}")
    number = int(value)
    if number < minimum:
        raise DTSError(400, f"parameter {name!r} must be at least {minimum}, not {number}")
    return number


def _known_parameters(*names: str) -> None:
    unknown = sorted(set(request.args) - set(names))
    if unknown:
        raise DTSError(400, f"unknown parameter(s) {', '.join(unknown)}; this endpoint takes {', '.join(names)}")


# Entry ------------------------------------------------------------------------

@dts.get("/")
def entry() -> Response:
    return _json({"@context": DTS_CONTEXT, "@id": _api(""), "@type": "EntryPoint",
                  "dtsVersion": DTS_VERSION, **_templates()})


# Collection -------------------------------------------------------------------

def _dublin_core(text: EditionText) -> dict:
    dc = text.dublin_core
    lang = text.languages[0] if text.languages else "en"
    result: dict = {}
    for key, values in dc.items():
        if key in ("title", "description"):
            result[key] = [{"lang": lang, "value": v} for v in values]
        else:
            result[key] = [served_value(v) for v in values]
    return result


def _citation_trees(text: EditionText) -> list[dict]:
    if not text.cite_structures:
        return []
    return [{"@type": "CitationTree", "citeStructure": [s.as_dts() for s in text.cite_structures]}]


def _resource(text: EditionText, full: bool = True) -> dict:
    result = {"@id": text_uri(text), "@type": "Resource", "title": text.title,
              "totalParents": 1, "totalChildren": 0, **_templates(text_uri(text), is_resource=True),
              "citationTrees": _citation_trees(text)}
    if full:
        result["description"] = text.dublin_core["description"][0]
        result["dublinCore"] = _dublin_core(text)
        result["mediaTypes"] = [TEI_MEDIA_TYPE]
        result["download"] = _url("document", resource=text_uri(text))
    return result


# The edition's collections: (kind of resource, title, description)
COLLECTIONS = {
    "texts": ("text", "Texts", "The five texts of the edition, each a TEI P5 document."),
    "registers": ("register", "Registers", "The registers of persons, places and organisations the texts point to; "
                                           "each entry is a citable unit."),
}


def _edition_collection() -> dict:
    facts = edition_facts()
    return {"@id": edition_uri(), "@type": "Collection", "title": facts["title"],
            "description": f"{facts['short_title']}: its texts and its registers, each a TEI P5 document.",
            "totalParents": 0, "totalChildren": len(COLLECTIONS),
            "dublinCore": {"title": [{"lang": "en", "value": facts["title"]}], "publisher": [facts["publisher"]],
                           "date": [facts["date"]], "type": ["Collection"],
                           # the edition's licence covers its own layer; each text states its own rights
                           "rights": [f"{facts['licence']} ({facts['licence_url']})"]},
            **_templates(edition_uri())}


def _kind_collection(name: str, resources: list[EditionText]) -> dict:
    kind, title, description = COLLECTIONS[name]
    facts = edition_facts()
    dublin_core = {"title": [{"lang": "en", "value": title}], "type": ["Collection"]}
    if kind == "register":  # wholly the edition's work
        dublin_core["rights"] = [facts["licence_url"]]
    return {"@id": collection_uri(name), "@type": "Collection", "title": title, "description": description,
            "totalParents": 1, "totalChildren": sum(1 for r in resources if r.kind == kind),
            "dublinCore": dublin_core, **_templates(collection_uri(name))}


def _collection_of(text: EditionText) -> str:
    return next(name for name, (kind, _, _) in COLLECTIONS.items() if kind == text.kind)


@dts.get("/collection")
def collection() -> Response:
    _known_parameters("id", "page", "nav")
    collection_id = _one("id") or edition_uri()
    nav = _one("nav") or "children"
    if nav not in ("children", "parents"):
        raise DTSError(400, f"parameter 'nav' must be 'children' or 'parents', not {nav!r}")
    page = _int("page", 1)
    resources = _resources()
    by_uri = {collection_uri(name): name for name in COLLECTIONS}
    if collection_id == edition_uri():
        body = _edition_collection()
        members = [_kind_collection(name, resources) for name in COLLECTIONS] if nav == "children" else []
    elif collection_id in by_uri:
        name = by_uri[collection_id]
        body = _kind_collection(name, resources)
        members = ([_resource(r) for r in resources if r.kind == COLLECTIONS[name][0]] if nav == "children"
                   else [_edition_collection()])
    else:
        text = _find_text(collection_id)
        body = _resource(text)
        members = [_kind_collection(_collection_of(text), resources)] if nav == "parents" else []
    page_size = int(current_app.config.get("DTS_PAGE_SIZE", 10))
    body["member"], view = _paginate(members, page, page_size, "collection",
                                     {"id": _one("id"), "nav": _one("nav")})
    if view:
        body["view"] = view
    return _json({"@context": DTS_CONTEXT, "dtsVersion": DTS_VERSION, **body})


def _paginate(members: list, page: int | None, size: int, endpoint: str, params: dict) -> tuple[list, dict | None]:
    """One page of members and its Pagination object; a list that fits one page is not paginated."""
    last = max(1, math.ceil(len(members) / size))
    if page is not None and page > last:
        raise DTSError(404, f"page {page} does not exist; the last page is {last}")
    if len(members) <= size and page is None:
        return members, None
    current = page or 1
    def link(number: int) -> str:
        return _url(endpoint, **params, page=number)
    view = {"@id": link(current), "@type": "Pagination", "first": link(1), "last": link(last)}
    # The specification lists previous/next as required; at the ends of the list there is none to give.
    if current > 1:
        view["previous"] = link(current - 1)
    if current < last:
        view["next"] = link(current + 1)
    return members[(current - 1) * size: current * size], view


# Navigation -------------------------------------------------------------------

def _unit(unit: CitableUnit) -> dict:
    result = {"identifier": unit.identifier, "@type": "CitableUnit", "level": unit.level,
              "parent": unit.parent, "citeType": unit.cite_type}
    if unit.title:
        result["dublinCore"] = {"title": [{"lang": "en", "value": unit.title}]}
    return result


def _lookup(text: EditionText, name: str) -> CitableUnit | None:
    value = _one(name)
    if value is None:
        return None
    if value == "":
        raise DTSError(400, f"parameter {name!r} is empty")
    unit = text.by_identifier.get(value)
    if unit is None:
        raise DTSError(404, f"no citable unit {value!r} in {text.id}")
    return unit


def _check_tree(text: EditionText) -> None:
    tree = _one("tree")
    if tree is not None:
        # Each text has one citation tree, the default; it has no identifier to ask for.
        raise DTSError(404, f"{text.id} has no citation tree {tree!r}; only the default tree exists")


def _range(text: EditionText, start: CitableUnit, end: CitableUnit) -> list[CitableUnit]:
    if end.order < start.order:
        raise DTSError(400, f"'end' ({end.identifier}) comes before 'start' ({start.identifier})")
    return text.units[start.order: end.end + 1]


@dts.get("/navigation")
def navigation() -> Response:
    _known_parameters("resource", "ref", "start", "end", "down", "tree", "page")
    text = _find_text(_one("resource", required=True))
    if _one("ref") is not None and (_one("start") is not None or _one("end") is not None):
        raise DTSError(400, "'ref' cannot be combined with 'start' or 'end'")
    if (_one("start") is None) != (_one("end") is None):
        raise DTSError(400, "'start' and 'end' must be given together")
    down = _int("down", -1)
    page = _int("page", 1)
    _check_tree(text)
    ref, start, end = _lookup(text, "ref"), _lookup(text, "start"), _lookup(text, "end")
    if down is None and ref is None and start is None:
        raise DTSError(400, "give 'ref', 'start' and 'end', or 'down'")
    if down == 0 and ref is None:
        raise DTSError(400, "'down=0' (the siblings of a unit) needs 'ref'")
    if start is not None:
        _range(text, start, end)

    body: dict = {"@context": DTS_CONTEXT, "dtsVersion": DTS_VERSION, "@type": "Navigation",
                  "@id": request.url, "resource": _resource(text, full=False)}
    members: list[CitableUnit] | None = None
    if ref is not None:
        body["ref"] = _unit(ref)
        if down == 0:
            members = [u for u in text.units if u.parent == ref.parent]
        elif down is not None:
            members = [u for u in text.units[ref.order: ref.end + 1] if down == -1 or u.level <= ref.level + down]
    elif start is not None:
        body["start"], body["end"] = _unit(start), _unit(end)
        if down is not None:
            deepest = max(start.level, end.level)
            members = [u for u in _range(text, start, end) if down == -1 or u.level <= deepest + down]
    else:
        members = [u for u in text.units if down == -1 or u.level <= down]
    if members is not None:
        page_size = int(current_app.config.get("DTS_NAVIGATION_PAGE_SIZE", 1000))
        params = {k: _one(k) for k in ("resource", "ref", "start", "end", "down", "tree")}
        chosen, view = _paginate(members, page, page_size, "navigation", params)
        body["member"] = [_unit(u) for u in chosen]
        if view:
            body["view"] = view
    elif page is not None:
        raise DTSError(400, "'page' applies only to a list of members (give 'down')")
    return _json(body)


# Document ---------------------------------------------------------------------

def passage_document(text: EditionText, units: list[CitableUnit]) -> etree._Element:
    """A TEI document holding the text's header and the passage, wrapped in dts:wrapper.

    The passage is the requested units that are not inside another requested
    unit, copied whole: a division comes with its heads and notes.
    """
    root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS, "dts": DTS_NS})
    for name, value in text.root.attrib.items():
        root.set(name, value)
    root.append(copy.deepcopy(text.header))
    body = etree.SubElement(etree.SubElement(root, f"{{{TEI_NS}}}text"), f"{{{TEI_NS}}}body")
    wrapper = etree.SubElement(body, f"{{{DTS_NS}}}wrapper")
    covered = -1
    for unit in units:
        if unit.order <= covered:
            continue
        element = copy.deepcopy(unit.element)
        element.tail = None
        wrapper.append(element)
        covered = unit.end
    return root


@dts.get("/document")
def document() -> Response:
    _known_parameters("resource", "ref", "start", "end", "tree", "mediaType")
    text = _find_text(_one("resource", required=True))
    if _one("ref") is not None and (_one("start") is not None or _one("end") is not None):
        raise DTSError(400, "'ref' cannot be combined with 'start' or 'end'")
    if (_one("start") is None) != (_one("end") is None):
        raise DTSError(400, "'start' and 'end' must be given together")
    media_type = _one("mediaType") or TEI_MEDIA_TYPE
    if media_type not in TEI_MEDIA_TYPES:
        raise DTSError(404, f"{text.id} is not available as {media_type!r}; it is available as {TEI_MEDIA_TYPE}")
    ref, start, end = _lookup(text, "ref"), _lookup(text, "start"), _lookup(text, "end")
    if ref is not None or start is not None:
        _check_tree(text)  # tree has no effect on a whole document
    if ref is not None:
        payload = etree.tostring(passage_document(text, text.units[ref.order: ref.end + 1]),
                                 xml_declaration=True, encoding="UTF-8")
    elif start is not None:
        payload = etree.tostring(passage_document(text, _range(text, start, end)),
                                 xml_declaration=True, encoding="UTF-8")
    else:
        payload = text.path.read_bytes()
    payload = served(payload, text.id)
    response = Response(payload, mimetype=TEI_MEDIA_TYPE)
    response.headers["Link"] = f'<{_url("collection", id=text_uri(text))}>; rel="collection"'
    return response
