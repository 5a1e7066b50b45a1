"""Downloads: the TEI of each text and of the registers, a plain-text
reading version, and the whole edition as one zip archive.

The TEI is sent as `viewer.exchange.public.served` makes it: its persistent
URIs under this server's public base. The registers are also served beside
the texts (/download/persons.xml), where the texts' relative pointers
(persons.xml#kamenev-lb) lead from /download/KEY.xml, as they lead to the
register beside a text in tei/ and in the zip. Other sites may read the
files (CORS), as they read DTS and OAI-PMH."""

from __future__ import annotations

import hashlib
import io
import textwrap
import zipfile
from pathlib import Path

from flask import Blueprint, Response, abort, send_file
from lxml import etree

from edition import SCHEMA_FILES, tei
from edition.header import edition_facts
from edition.search import is_received_reading, is_voiced_expansion

from . import edition
from .exchange.catalogue import catalogue_for
from .exchange.public import public_base, served
from .reading import text_or_404
from .texts import REGISTER_FILES

blueprint = Blueprint("downloads", __name__)

BLOCKS = {tei(t) for t in ("head", "p", "item", "l", "ab", "trailer", "byline", "dateline", "label", "cell")}
_zip_cache: dict[tuple, bytes] = {}


def _inline(element: etree._Element, notes: list[etree._Element]) -> str:
    """A block's text as read: edited readings, notes as [n] (collected)."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == tei("note"):
            notes.append(child)
            if child.get("subtype") != "unanchored":
                parts.append(f"[{child.get('n') or len(notes)}]")
        elif is_received_reading(child):
            pass
        elif child.tag == tei("expan") and is_voiced_expansion(element):
            parts.append(" [" + _inline(child, notes) + "]")
        elif child.tag == tei("gap"):
            parts.append("[…]")
        elif child.tag in BLOCKS:
            parts.append("\n" + _inline(child, notes) + "\n")
        else:
            parts.append(_inline(child, notes))
        parts.append(child.tail or "")
    return "".join(parts)


def fill(text: str) -> str:
    # a URL or a long word is never broken: the plain text must keep every word whole
    return textwrap.fill(text, 78, break_long_words=False, break_on_hyphens=False)


def _has_own_text(element: etree._Element) -> bool:
    return bool((element.text or "").strip() or any((child.tail or "").strip() for child in element))


def plain_text(path: Path) -> str:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False)).getroot()
    title = root.find(f"{tei('teiHeader')}/{tei('fileDesc')}/{tei('titleStmt')}/{tei('title')}")
    lines = [" ".join("".join(title.itertext()).split()) if title is not None else path.stem, ""]

    def emit_notes(notes: list[etree._Element]) -> None:
        if notes:
            lines.append("Notes")
            # a note may hold notes (an editor's on the author's): they follow it
            while notes:
                note = notes.pop(0)
                nested: list[etree._Element] = []
                label = note.get("n") or "*"
                lines.append(fill(f"[{label}] " + " ".join(_inline(note, nested).split())))
                notes[:0] = nested
            lines.append("")

    def walk(container: etree._Element) -> None:
        notes: list[etree._Element] = []
        for child in container:
            if not isinstance(child.tag, str) or child.tag == tei("fw"):
                continue
            if child.tag == tei("div"):
                emit_notes(notes)
                walk(child)
            elif child.tag == tei("head"):
                heading = " ".join(_inline(child, notes).split())
                lines.extend([heading, "=" * min(len(heading), 78), ""])
            elif child.tag == tei("note"):
                notes.append(child)
            elif child.tag in BLOCKS or not len(child) or _has_own_text(child):
                text = " ".join(_inline(child, notes).split())
                if text:
                    lines.extend([fill(text), ""])
            else:
                # a container of blocks (titlePage, listBibl, quote of paragraphs...)
                walk(child)
        emit_notes(notes)

    text = root.find(tei("text"))
    if text is not None:
        walk(text)
    return "\n".join(lines).rstrip() + "\n"


@blueprint.after_request
def open_to_other_sites(response: Response) -> Response:
    # the TEI, the texts and the zip are public data, read by web applications elsewhere (as DTS and OAI-PMH are)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _tei_response(path: Path) -> Response:
    return Response(served(path.read_bytes()), mimetype="application/tei+xml",
                    headers={"Content-Disposition": f"attachment; filename={path.name}"})


@blueprint.get("/download/<key>.xml")
def tei_file(key: str):
    """A text by its key or file name, or a register by its file name (persons.xml beside the texts,
    where their relative pointers lead)."""
    register = edition().tei_dir / f"{key}.xml"
    if register.name in REGISTER_FILES and register.is_file():
        return _tei_response(register)
    text = edition().library.get(key) or next((t for t in edition().library.texts() if t.path.stem == key), None)
    if text is None:
        text = text_or_404(key)
    return _tei_response(text.path)


# a text's plain-text version by file, with the version of the file it was made from:
# made once per edition version (eight readers downloading Rogovin's rebuilt it each time)
_plain_text_cache: dict[Path, tuple[tuple[int, int], bytes]] = {}


def cached_plain_text(path: Path) -> bytes:
    stat = path.stat()
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _plain_text_cache.get(path)
    if cached is None or cached[0] != version:
        cached = _plain_text_cache[path] = (version, plain_text(path).encode("utf-8"))
    return cached[1]


@blueprint.get("/download/<key>.txt")
def text_file(key: str):
    text = text_or_404(key)
    return Response(cached_plain_text(text.path), mimetype="text/plain",
                    headers={"Content-Disposition": f"attachment; filename={text.path.stem}.txt"})


@blueprint.get("/download/registers/<name>.xml")
def register_file(name: str):
    path = edition().tei_dir / f"{name}.xml"
    if path.name not in REGISTER_FILES or not path.is_file():
        abort(404, description=f"The edition has no register file “{name}.xml”.")
    return _tei_response(path)


# at /schema/, where the files' `<?xml-model href="../schema/edition.rng"?>` leads from
# /download/KEY.xml and from DTS's /dts/document as from tei/ in a checkout
@blueprint.get("/schema/<name>")
def schema_file(name: str):
    """The edition's customization, for encoders who validate their own TEI against it."""
    path = next((p for p in SCHEMA_FILES if p.name == name), None)
    if path is None:
        abort(404, description=f"The edition's schema has no file “{name}” "
                               f"(it has {', '.join(p.name for p in SCHEMA_FILES)}).")
    return send_file(path, mimetype="application/xml", as_attachment=True, download_name=path.name)


@blueprint.get("/download/edition.zip")
def archive():
    """Every TEI file of the edition, its schemas, a README, the licences and checksums: built once per
    version of the files (and per public base, which the TEI's URIs are under)."""
    files = sorted(edition().tei_dir.glob("*.xml"))
    key = (public_base(), *((p.name, p.stat().st_mtime_ns) for p in [*files, *SCHEMA_FILES]))
    data = _zip_cache.get(key)
    if data is None:
        _zip_cache.clear()  # one version is kept: an old one is never asked for again
        data = _zip_cache[key] = edition_zip(files)
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name="stalinism-edition.zip")


ZIP_ROOT = "stalinism-edition"


def edition_zip(files: list[Path]) -> bytes:
    members: dict[str, bytes] = {}
    for path in files:
        members[f"tei/{path.name}"] = served(path.read_bytes())
    # the schemas the files name in their xml-model instructions (../schema/)
    for path in SCHEMA_FILES:
        members[f"schema/{path.name}"] = path.read_bytes()
    resources = catalogue_for(edition().tei_dir).resources()
    members["README.txt"] = zip_readme(resources).encode("utf-8")
    members["LICENCE.txt"] = zip_licence(resources).encode("utf-8")
    members["SHA256SUMS"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                                    for name, data in sorted(members.items())).encode("ascii")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(f"{ZIP_ROOT}/{name}", data)
    return buffer.getvalue()


def _identifier(resource) -> str:
    return public_base() + "/id/" + resource.id


def zip_readme(resources) -> str:
    facts = edition_facts()
    lines = [facts["title"], "=" * len(facts["title"]), "",
             f"Version {facts['version']}, {facts['date']}. {facts['publisher']}.", "",
             "tei/        one TEI P5 file per text, and the registers (persons.xml, places.xml, orgs.xml)",
             "schema/     the edition's RELAX NG and Schematron, which the files name in <?xml-model?>",
             "LICENCE.txt the rights in each text and the licence of the edition's own work",
             "SHA256SUMS  a checksum of every other file (sha256sum -c SHA256SUMS)", "",
             "The texts point into the registers with relative URIs (persons.xml#kamenev-lb), which resolve",
             "to the register beside them in tei/. Every text, passage and register entry has a persistent",
             "URI under " + public_base() + "/id/ (a passage: /id/TEXT/REF, with REF its DTS reference;",
             "an entry: /id/persons/ID); each file states its own in publicationStmt/idno[@type='URI'].", "",
             "Files:"]
    for resource in resources:
        lines.append(f"  tei/{resource.path.name}  {resource.title}  <{_identifier(resource)}>")
    return "\n".join(lines) + "\n"


def zip_licence(resources) -> str:
    facts = edition_facts()
    lines = ["Rights in this archive, per layer", "", "The edition's own work (encoding, editorial notes, registers,"
             " schemas): " + facts["licence"], f"  {facts['licence_url']}", "",
             "Each text's own rights (the source text, whatever the licence of its encoding):"]
    for resource in resources:
        if resource.kind != "text":
            continue
        rights = resource.dublin_core.get("rights", [])
        lines += ["", f"tei/{resource.path.name}: {resource.title}"]
        lines += [f"  {value}" for value in rights[:2]]  # the text's statement: its URI and its words
        lines += [f"  {value}" for value in rights[4:]]  # the source's own words
    return "\n".join(lines) + "\n"
