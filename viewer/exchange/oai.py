"""OAI-PMH 2.0 data provider: one record per text, in oai_dc and as its full teiHeader.

    GET or POST /oai?verb=...

All six verbs, every error condition of the protocol (section 3.6) answered
with HTTP 200 and an <error> element, resumption tokens for the three list
verbs. Tokens carry the whole request (they are stateless, so they survive a
restart) and a fingerprint of the repository: if a text changes between two
pages of a harvest, the old token is refused as badResumptionToken instead of
silently skipping or repeating records.

Sets: "language:CODE" for each language in the texts' langUsage, and
"genre:TYPE" for the kind of source (sourceDesc/biblStruct/@type). Records
are the five texts only; the registers are not records (they describe no
source). Datestamps are days (granularity YYYY-MM-DD): the day the record's
file last changed (data/versions.toml, kept by the build), so a harvester
asking from=DAY gets exactly the texts changed since.

A page of tei records holds several teiHeaders, which use the same xml:id
values ("author", "edition-editors"): a parser in its default mode refuses a
document with a repeated ID. So in an embedded header every xml:id X becomes
KEY.X (KEY the text's own xml:id: "rogovin.author"), and every "#X" pointing
at it inside the header becomes "#KEY.X"; nothing else changes.

Arguments are read strictly: dates of ASCII digits only, and a
resumptionToken only as this repository wrote it (its exact bytes, its exact
structure); anything else is badArgument or badResumptionToken, never a 500.
The repository's name and contact are settings (OAI_REPOSITORY_NAME,
OAI_ADMIN_EMAIL, or EDITION_OAI_REPOSITORY_NAME / EDITION_OAI_ADMIN_EMAIL in
the environment, else data/edition.toml [oai]).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import binascii
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, request
from lxml import etree

from edition import TEI_NS

from .catalogue import CatalogueError, EditionText, catalogue_for, edition_facts
from .public import public_base, resource_uri, served_value

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
TEI_SCHEMA = "https://www.tei-c.org/release/xml/tei/custom/schema/xsd/tei_all.xsd"

METADATA_FORMATS = {
    "oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS),
    "tei": (TEI_SCHEMA, TEI_NS),
}
DC_ELEMENTS = ("title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
               "format", "identifier", "source", "language", "relation", "coverage", "rights")
VERBS = {
    # verb: (required arguments, optional arguments); resumptionToken is exclusive where allowed
    "Identify": ((), ()),
    "ListMetadataFormats": ((), ("identifier",)),
    "ListSets": ((), ("resumptionToken",)),
    "ListIdentifiers": (("metadataPrefix",), ("from", "until", "set", "resumptionToken")),
    "ListRecords": (("metadataPrefix",), ("from", "until", "set", "resumptionToken")),
    "GetRecord": (("identifier", "metadataPrefix"), ()),
}
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
# ASCII digits only: \d would read "٢٠٠٠-01-01" (Arabic-Indic digits) as a date
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,2048}")  # unpadded urlsafe base64, as token() writes it

oai = Blueprint("oai", __name__)


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def O(tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.Element(f"{{{OAI_NS}}}{tag}", {k: v for k, v in attrs.items() if v is not None},
                            nsmap={None: OAI_NS})
    if text is not None:
        element.text = text
    return element


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = O(tag, text, **attrs)
    parent.append(element)
    return element


# Records ----------------------------------------------------------------------

def source_genres(text: EditionText) -> list[str]:
    """The kinds of source the header names (sourceDesc/biblStruct/@type: article, report...)."""
    types = text.root.xpath("tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:biblStruct/@type",
                            namespaces={"tei": TEI_NS})
    return sorted({_spec_part(t) for t in types})


def set_specs(text: EditionText) -> list[str]:
    return ["language:" + _spec_part(code) for code in text.languages] + ["genre:" + g for g in source_genres(text)]


def _spec_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9\-_.!~*'()]+", "-", value).strip("-") or "unnamed"


def all_sets(texts: list[EditionText]) -> dict[str, str]:
    """setSpec -> setName, parents before their members.

    The standpoint of each text (profileDesc/textClass) is its own and is given
    as dc:subject; a set of one text would select nothing a harvester needs.
    """
    sets: dict[str, str] = {}
    languages = sorted({code for t in texts for code in t.languages})
    genres = sorted({genre for t in texts for genre in source_genres(t)})
    if languages:
        sets["language"] = "Texts by language"
        for code in languages:
            sets["language:" + _spec_part(code)] = f"Texts in which the language {code} is used"
    if genres:
        sets["genre"] = "Texts by the kind of their source"
        for genre in genres:
            sets["genre:" + genre] = f"Texts whose source is a {genre}"
    return sets


def in_set(text: EditionText, spec: str) -> bool:
    # Membership in "language:en" implies membership in "language" (OAI-PMH 2.7.2).
    return any(own == spec or own.startswith(spec + ":") for own in set_specs(text))


def text_uri(text: EditionText) -> str:
    return resource_uri(text.id)


def record_header(text: EditionText) -> etree._Element:
    header = O("header")
    sub(header, "identifier", text_uri(text))
    sub(header, "datestamp", text.datestamp)
    for spec in set_specs(text):
        sub(header, "setSpec", spec)
    return header


def oai_dc(text: EditionText) -> etree._Element:
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    values = {name: [served_value(v) for v in vs] for name, vs in text.dublin_core.items()}
    values["identifier"] = list(dict.fromkeys([text_uri(text)] + values.get("identifier", [])))
    for name in DC_ELEMENTS:
        for value in values.get(name, []):
            etree.SubElement(dc, f"{{{DC_NS}}}{name}").text = value
    return dc


XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
POINTER_ATTRIBUTES = ("resp", "who", "ref", "target", "corresp", "source")


def tei_header(text: EditionText) -> etree._Element:
    """The text's teiHeader with its ids made unique in a page of records (see the module's docstring)."""
    header = copy.deepcopy(text.header)
    header.tail = None
    key = text.root.get(XML_ID) or text.id
    renamed = {}
    for element in header.iter():
        if isinstance(element.tag, str) and element.get(XML_ID):
            renamed[element.get(XML_ID)] = f"{key}.{element.get(XML_ID)}"
            element.set(XML_ID, renamed[element.get(XML_ID)])
    for element in header.iter():
        if not isinstance(element.tag, str):
            continue
        for name in POINTER_ATTRIBUTES:
            value = element.get(name)
            if value and "#" in value:
                element.set(name, " ".join(f"#{renamed[t[1:]]}" if t.startswith("#") and t[1:] in renamed else t
                                           for t in value.split()))
        if element.tag == f"{{{TEI_NS}}}idno" and element.text:
            element.text = served_value(element.text)
    return header


def record(text: EditionText, prefix: str) -> etree._Element:
    element = O("record")
    element.append(record_header(text))
    metadata = sub(element, "metadata")
    metadata.append(oai_dc(text) if prefix == "oai_dc" else tei_header(text))
    return element


# Requests ---------------------------------------------------------------------

def _arguments() -> dict[str, list[str]]:
    source = request.form if request.method == "POST" else request.args
    return {key: source.getlist(key) for key in source}


def _check_arguments(verb: str, args: dict[str, list[str]]) -> dict[str, str]:
    required, optional = VERBS[verb]
    repeated = [k for k, v in args.items() if len(v) > 1]
    if repeated:
        raise OAIError("badArgument", f"argument(s) repeated: {', '.join(repeated)}")
    given = {k: v[0] for k, v in args.items() if k != "verb"}
    illegal = sorted(set(given) - set(required) - set(optional))
    if illegal:
        raise OAIError("badArgument", f"{verb} does not take the argument(s) {', '.join(illegal)}")
    if "resumptionToken" in given:
        others = sorted(set(given) - {"resumptionToken"})
        if others:
            raise OAIError("badArgument", f"resumptionToken is exclusive; it cannot be combined with {', '.join(others)}")
        return given
    missing = [k for k in required if not given.get(k)]
    if missing:
        raise OAIError("badArgument", f"{verb} requires the argument(s) {', '.join(missing)}")
    return given


def _texts() -> list[EditionText]:
    return catalogue_for(current_app.config["TEI_DIR"]).texts()


def _find(texts: list[EditionText], identifier: str) -> EditionText:
    for text in texts:
        if text_uri(text) == identifier:
            return text
    raise OAIError("idDoesNotExist", f"no item {identifier!r} in this repository")


def _check_prefix(prefix: str) -> None:
    if prefix not in METADATA_FORMATS:
        raise OAIError("cannotDisseminateFormat",
                       f"metadataPrefix {prefix!r} is not supported; use {' or '.join(METADATA_FORMATS)}")


def _check_date(name: str, value: str) -> None:
    """A from/until at the repository's granularity: a day. Seconds are finer than that, so refused (3.3.1)."""
    if SECOND.fullmatch(value):
        raise OAIError("badArgument", f"{name}={value!r} is finer than this repository's granularity, YYYY-MM-DD")
    if DAY.fullmatch(value):
        try:
            datetime.strptime(value, "%Y-%m-%d")
            return
        except ValueError:
            pass
    raise OAIError("badArgument", f"{name}={value!r} is not a UTCdatetime (YYYY-MM-DD)")


def _fingerprint(texts: list[EditionText]) -> str:
    state = "|".join(f"{t.id}@{t.digest}" for t in texts)
    return hashlib.sha256(state.encode()).hexdigest()[:12]


@dataclass
class ListRequest:
    verb: str
    prefix: str | None
    start: str | None
    until: str | None
    set_spec: str | None
    cursor: int
    fingerprint: str

    def token(self, cursor: int) -> str:
        state = [self.verb, self.prefix, self.start, self.until, self.set_spec, cursor, self.fingerprint]
        return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls, verb: str, token: str, texts: list[EditionText]) -> "ListRequest":
        try:
            if not TOKEN.fullmatch(token):
                raise ValueError
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            # a flat list of seven scalars: the JSON is never nested (a crafted nesting cannot recurse)
            if raw.count(b"[") != 1 or b"{" in raw:
                raise ValueError
            state = json.loads(raw)
            if not isinstance(state, list) or len(state) != 7:
                raise ValueError
            token_verb, prefix, start, until, set_spec, cursor, fingerprint = state
            if type(cursor) is not int or cursor < 0 or token_verb != verb or not isinstance(fingerprint, str):
                raise ValueError
            # a token is only a request this repository accepted, continued: nothing a request could not say
            if verb != "ListSets" and prefix not in METADATA_FORMATS:
                raise ValueError
            if any(d is not None and not (isinstance(d, str) and DAY.fullmatch(d)) for d in (start, until)):
                raise ValueError
            if set_spec is not None and not (isinstance(set_spec, str) and SET_SPEC.fullmatch(set_spec)):
                raise ValueError
            request = cls(verb, prefix, start, until, set_spec, cursor, fingerprint)
            # only the exact bytes this repository writes: no trailing junk, no other spelling of the same state
            if request.token(cursor) != token:
                raise ValueError
        except (ValueError, TypeError, UnicodeDecodeError, binascii.Error, RecursionError):
            raise OAIError("badResumptionToken", "the resumptionToken is not one this repository issued") from None
        if fingerprint != _fingerprint(texts):
            raise OAIError("badResumptionToken", "the repository has changed since this resumptionToken was issued; "
                                                 "start the list again")
        return request


def _list_request(verb: str, args: dict[str, str], texts: list[EditionText]) -> ListRequest:
    if "resumptionToken" in args:
        return ListRequest.from_token(verb, args["resumptionToken"], texts)
    prefix = args.get("metadataPrefix")
    start, until, set_spec = args.get("from"), args.get("until"), args.get("set")
    for name, value in (("from", start), ("until", until)):
        if value is not None:
            _check_date(name, value)
    if start and until:
        if start > until:
            raise OAIError("badArgument", f"from ({start}) is later than until ({until})")
    if set_spec is not None and not SET_SPEC.fullmatch(set_spec):
        raise OAIError("badArgument", f"set={set_spec!r} is not a setSpec")
    if prefix is not None:
        _check_prefix(prefix)
    return ListRequest(verb, prefix, start, until, set_spec, 0, _fingerprint(texts))


def _select(texts: list[EditionText], query: ListRequest) -> list[EditionText]:
    # Bounds are inclusive (2.7.1): from=D and until=D select the records of day D.
    chosen = []
    for text in texts:
        if query.start and text.datestamp < query.start:
            continue
        if query.until and text.datestamp > query.until:
            continue
        if query.set_spec and not in_set(text, query.set_spec):
            continue
        chosen.append(text)
    return chosen


def _resumption(parent: etree._Element, query: ListRequest, total: int, size: int) -> None:
    if query.cursor == 0 and total <= size:
        return  # a complete list in one response carries no token
    following = query.cursor + size
    token = query.token(following) if following < total else None
    sub(parent, "resumptionToken", token, completeListSize=str(total), cursor=str(query.cursor))


# Verbs ------------------------------------------------------------------------

def setting(name: str) -> str:
    """OAI_NAME (app setting), else EDITION_OAI_NAME (environment), else data/edition.toml [oai] name."""
    return (current_app.config.get(f"OAI_{name.upper()}") or os.environ.get(f"EDITION_OAI_{name.upper()}")
            or edition_facts()["oai"][name])


def base_url() -> str:
    return public_base() + request.path


def identify(args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    facts = edition_facts()
    element = O("Identify")
    sub(element, "repositoryName", setting("repository_name"))
    sub(element, "baseURL", base_url())
    sub(element, "protocolVersion", "2.0")
    sub(element, "adminEmail", setting("admin_email"))
    sub(element, "earliestDatestamp", min((t.datestamp for t in texts), default=facts["date"]))
    sub(element, "deletedRecord", "no")
    sub(element, "granularity", "YYYY-MM-DD")
    return element


def list_metadata_formats(args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    if "identifier" in args:
        _find(texts, args["identifier"])  # every text is available in every format
    element = O("ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        fmt = sub(element, "metadataFormat")
        sub(fmt, "metadataPrefix", prefix)
        sub(fmt, "schema", schema)
        sub(fmt, "metadataNamespace", namespace)
    return element


def list_sets(args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    query = _list_request("ListSets", args, texts)
    sets = list(all_sets(texts).items())
    if not sets:
        raise OAIError("noSetHierarchy", "this repository has no sets")
    size = int(current_app.config.get("OAI_PAGE_SIZE", 2))
    if query.cursor >= len(sets) and query.cursor:
        raise OAIError("badResumptionToken", "the resumptionToken points past the end of the list")
    element = O("ListSets")
    for spec, name in sets[query.cursor: query.cursor + size]:
        entry = sub(element, "set")
        sub(entry, "setSpec", spec)
        sub(entry, "setName", name)
    _resumption(element, query, len(sets), size)
    return element


def _list(verb: str, args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    query = _list_request(verb, args, texts)
    chosen = _select(texts, query)
    if not chosen:
        raise OAIError("noRecordsMatch", "no record matches the arguments given")
    size = int(current_app.config.get("OAI_PAGE_SIZE", 2))
    if query.cursor >= len(chosen):
        raise OAIError("badResumptionToken", "the resumptionToken points past the end of the list")
    element = O(verb)
    for text in chosen[query.cursor: query.cursor + size]:
        element.append(record_header(text) if verb == "ListIdentifiers" else record(text, query.prefix))
    _resumption(element, query, len(chosen), size)
    return element


def list_identifiers(args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    return _list("ListIdentifiers", args, texts)


def list_records(args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    return _list("ListRecords", args, texts)


def get_record(args: dict[str, str], texts: list[EditionText]) -> etree._Element:
    _check_prefix(args["metadataPrefix"])
    text = _find(texts, args["identifier"])
    element = O("GetRecord")
    element.append(record(text, args["metadataPrefix"]))
    return element


HANDLERS = {"Identify": identify, "ListMetadataFormats": list_metadata_formats, "ListSets": list_sets,
            "ListIdentifiers": list_identifiers, "ListRecords": list_records, "GetRecord": get_record}


def _response(request_element: etree._Element, content: list[etree._Element]) -> Response:
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sub(root, "responseDate", stamp)
    root.append(request_element)
    root.extend(content)
    etree.cleanup_namespaces(root)
    payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return Response(payload, mimetype="text/xml")


@oai.after_request
def open_to_other_sites(response: Response) -> Response:
    # harvesters in a browser (validators, aggregator dashboards) read the same public records
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _echo(request_element: etree._Element, args: dict[str, list[str]]) -> None:
    """Echo the arguments of a request that failed for a reason other than its syntax."""
    request_element.set("verb", args["verb"][0])
    for key, values in args.items():
        value = values[0]
        if key == "metadataPrefix" and not re.fullmatch(r"[A-Za-z0-9\-_.!~*'()]+", value):
            continue  # the schema's metadataPrefix pattern would reject the echo
        if key != "verb":
            try:
                request_element.set(key, value)
            except ValueError:
                pass  # a control character cannot be written in XML; the echo goes without it


@oai.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    args = _arguments()
    request_element = O("request", base_url())
    verbs = args.get("verb", [])
    try:
        if len(verbs) != 1 or verbs[0] not in VERBS:
            raise OAIError("badVerb", "verb is missing, repeated or not an OAI-PMH verb" if len(verbs) != 1
                           else f"{verbs[0]!r} is not an OAI-PMH verb")
        verb = verbs[0]
        given = _check_arguments(verb, args)
        # The request element echoes the arguments only of a request without badVerb/badArgument (3.2).
        content = HANDLERS[verb](given, _texts())
        request_element.set("verb", verb)
        for key, value in given.items():
            request_element.set(key, value)
        return _response(request_element, [content])
    except OAIError as err:
        if err.code not in ("badVerb", "badArgument"):
            _echo(request_element, args)
        return _response(request_element, [O("error", err.message, code=err.code)])
    except CatalogueError as err:
        current_app.logger.error("OAI-PMH: %s", err)
        return Response("The repository cannot read its records at present.", status=503, mimetype="text/plain",
                        headers={"Retry-After": "3600"})
