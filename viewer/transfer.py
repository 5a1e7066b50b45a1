"""What goes over the wire: compressed bodies, validators, and how long a browser keeps a file.

- Text (HTML, XML, JSON, CSS, JS, plain text) is sent compressed when the
  browser accepts it: brotli if the `brotli` package is there and asked for,
  else gzip. A chapter of 300 KB of HTML travels as about a seventh of it.
- Every answer whose body is in hand gets an ETag (a hash of its bytes, the
  encoding appended, since the compressed bytes differ), so a browser that
  asks again with If-None-Match gets a 304 and no body.
- Static files are linked with their content's hash (`?v=…`, added by
  url_for): under the current hash a file is kept a year, unchanged
  ("immutable"); under any other address it is revalidated every time.

Compressed bodies are kept (bounded by bytes) under their ETag, so a warm page
is compressed once, not on every request.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

try:  # optional: browsers ask for br over HTTPS only; gzip serves everyone else
    import brotli
except ImportError:  # pragma: no cover - brotli is a dependency; a bare install still serves gzip
    brotli = None

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "application/ld+json", "application/xml", "text/xml", "application/tei+xml", "text/plain",
                "image/svg+xml", "application/xhtml+xml"}
MIN_BYTES = 500          # below this the headers outweigh the saving
GZIP_LEVEL = 6
BROTLI_QUALITY = 5       # near gzip -9's size at gzip -6's speed
STATIC_MAX_AGE = 365 * 24 * 3600
CACHE_BYTES = 64 * 1024 * 1024


class CompressedBodies:
    """Compressed bodies by (ETag, encoding), least recently used dropped first, at most max_bytes."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str, encoding: str, body: bytes) -> bytes:
        key = (etag, encoding)
        with self._lock:
            found = self._bodies.get(key)
            if found is not None:
                self._bodies.move_to_end(key)
                return found
        compressed = compress(body, encoding)
        with self._lock:
            if key not in self._bodies:
                self._bodies[key] = compressed
                self.bytes += len(compressed)
            while self.bytes > self.max_bytes and self._bodies:
                self.bytes -= len(self._bodies.popitem(last=False)[1])
        return compressed


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def chosen_encoding(accept_encoding: str) -> str | None:
    """br or gzip, as the browser's Accept-Encoding allows (a q=0 refuses)."""
    accepted = {}
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        accepted[name.strip().lower()] = q
    for encoding in (("br", "gzip") if brotli is not None else ("gzip",)):
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return None


def static_version(static_folder: str, filename: str) -> str:
    """The hash of a static file's bytes (read again when the file changes)."""
    joined = safe_join(static_folder, filename)  # None for ../ and the like
    if joined is None:
        return ""
    try:
        path = Path(joined)
        return _file_hash(path, path.stat().st_mtime_ns) if path.is_file() else ""
    except (OSError, ValueError):  # a name no file system holds (a NUL byte)
        return ""


_hashes: dict[tuple[Path, int], str] = {}


def _file_hash(path: Path, mtime_ns: int) -> str:
    key = (path, mtime_ns)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _hashes[key]


def install(app: Flask) -> None:
    """Versioned static URLs, ETags and compression for every answer of the app."""
    bodies = CompressedBodies()

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def transfer(response: Response) -> Response:
        if request.endpoint == "static":
            keep_static(response)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return with_vary(response) if response.mimetype in COMPRESSIBLE else response
        if response.direct_passthrough and response.mimetype in COMPRESSIBLE:
            # a file (static, a TEI download): text of a few MB at most, read to be compressed
            response.direct_passthrough = False
            response.set_data(b"".join(response.response))
        if response.is_streamed or response.direct_passthrough:
            return response
        body = response.get_data()
        encoding = (chosen_encoding(request.headers.get("Accept-Encoding", ""))
                    if response.mimetype in COMPRESSIBLE and len(body) >= MIN_BYTES
                    and "Content-Encoding" not in response.headers else None)
        etag, _weak = response.get_etag()
        base = etag or hashlib.sha1(body).hexdigest()
        response.set_etag(f"{base}-{encoding}" if encoding else base)
        if response.mimetype in COMPRESSIBLE:
            with_vary(response)
        response.make_conditional(request)
        if response.status_code == 304 or encoding is None:
            return response
        response.set_data(bodies.get(base, encoding, body))
        response.headers["Content-Encoding"] = encoding
        return response


def keep_static(response: Response) -> None:
    """A year under the address that names the file's hash; revalidated under any other."""
    wanted = request.args.get("v")
    current = static_version(current_app.static_folder or "", (request.view_args or {}).get("filename", ""))
    if wanted and wanted == current:
        response.cache_control.public = True
        response.cache_control.max_age = STATIC_MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    else:
        response.cache_control.no_cache = True
        response.cache_control.max_age = None


def with_vary(response: Response) -> Response:
    response.vary.add("Accept-Encoding")
    return response
