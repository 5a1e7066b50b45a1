"""Downloads: the TEI of each text and of the registers, a plain-text
reading version, and the whole edition as one zip archive."""

from __future__ import annotations

import io
import textwrap
import zipfile
from pathlib import Path

from flask import Blueprint, Response, abort, send_file
from lxml import etree

from edition import SCHEMA_FILES, tei
from edition.search import is_received_reading, is_voiced_expansion

from . import edition
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


@blueprint.get("/download/<key>.xml")
def tei_file(key: str):
    text = text_or_404(key)
    return send_file(text.path, mimetype="application/tei+xml", as_attachment=True,
                     download_name=f"{text.path.stem}.xml")


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
    return send_file(path, mimetype="application/tei+xml", as_attachment=True, download_name=path.name)


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
    """Every TEI file of the edition and its schemas, built once per version of the files."""
    files = sorted(edition().tei_dir.glob("*.xml"))
    key = tuple((p.name, p.stat().st_mtime_ns) for p in [*files, *SCHEMA_FILES])
    data = _zip_cache.get(key)
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, f"stalinism-edition/tei/{path.name}")
            # the schemas the files name in their xml-model instructions (../schema/)
            for path in SCHEMA_FILES:
                zf.write(path, f"stalinism-edition/schema/{path.name}")
        data = _zip_cache[key] = buffer.getvalue()
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True,
                     download_name="stalinism-edition.zip")
