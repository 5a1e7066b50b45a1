"""The reading edition: a Flask app that renders the TEI through XSLT.

One blueprint per area, each a module of a few short views that call the
library code (`texts`, `render`, `edition.search`) and hand data to a template:

    reading      library, table of contents, pages of the text, header, permalinks,
                 citations (citation.py), the about page and the encoding guide
    registers    persons, places, organisations and every mention of each
    maps         the places of the edition or of one text on a map (SVG drawn by atlas)
    search       full text (SQLite FTS5)
    downloads    TEI, plain text, the whole edition as one zip
    validation   upload or paste TEI, get the validator's report
    exchange     DTS 1.0 and OAI-PMH 2.0 for archives (a package: dts, oai)
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from edition import DATA, TEI_DIR, XSLT
from edition.health import unsound
from edition.model import ConversionError
from edition.search import INDEX_PATH
from edition.switch import recover

from .render import Renderer
from .texts import TextLibrary

# The pages load nothing from elsewhere and run no inline code or style.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
# an uploaded or pasted TEI file: the largest text of the edition is under 2 MB
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass
class Edition:
    """What every view needs: the texts, the renderer, the search index."""
    tei_dir: Path
    library: TextLibrary
    renderer: Renderer
    search_db: Path

    def warm(self) -> None:
        """Compile the stylesheets and check the search index before the first
        reader asks. Done before serving, not beside it: a warming thread would
        compete with the first requests for the one interpreter lock."""
        from edition.search import ensure_index
        self.renderer.compile()
        ensure_index(self.tei_dir, self.search_db)


def edition() -> Edition:
    return current_app.extensions["edition"]


def edition_facts() -> dict:
    """The edition's own facts (title, version), as every teiHeader states them."""
    path = DATA / "edition.toml"
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def recover_interrupted_build(tei_dir: Path, search_db: Path) -> None:
    """Finish the switch of a build that was killed while it put its files in place, so the
    viewer never serves texts of one build beside registers or an index of another."""
    try:
        recover(tei_dir, search_db)
    except (OSError, ConversionError) as error:  # a read-only edition, an unreadable journal: serve what is there
        logging.getLogger(__name__).warning("could not finish an interrupted build in %s: %s", tei_dir, error)


def report_unsound_files(tei_dir: Path) -> dict[str, str]:
    """Name at start-up every file the edition cannot read: it is left out, the rest is served."""
    unsound_files = unsound(tei_dir)
    for name, problem in unsound_files.items():
        logging.getLogger(__name__).warning("%s is left out of the edition: %s", Path(tei_dir) / name, problem)
    return unsound_files


def create_app(tei_dir: Path | None = None, search_db: Path | None = None, warm: bool = False) -> Flask:
    """The reading edition of the TEI in tei_dir; warm=True prepares it first (see Edition.warm)."""
    app = Flask(__name__)
    tei_dir = Path(tei_dir or TEI_DIR)
    if search_db is None:
        search_db = INDEX_PATH if tei_dir.resolve() == Path(TEI_DIR).resolve() else tei_dir / "search.sqlite"
    app.config.update(TEI_DIR=tei_dir, MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
                      MAX_FORM_MEMORY_SIZE=MAX_UPLOAD_BYTES, JSON_SORT_KEYS=False,
                      EDITION_TITLE=edition_facts().get("title", "Stalin and Stalinism: Five Texts"),
                      EDITION_VERSION=edition_facts().get("version", ""))
    recover_interrupted_build(tei_dir, Path(search_db))
    report_unsound_files(tei_dir)
    app.extensions["edition"] = state = Edition(tei_dir, TextLibrary(tei_dir), Renderer(XSLT), Path(search_db))
    if warm:
        state.warm()

    from . import downloads, maps, reading, registers, search, validation
    for module in (reading, registers, maps, search, downloads, validation):
        app.register_blueprint(module.blueprint)
    from .exchange import dts, identifiers, oai, public  # exchange with archives: DTS 1.0, OAI-PMH 2.0, /id/
    public.configure(app)  # the public base URL and the hosts trusted to name it
    app.register_blueprint(dts)
    app.register_blueprint(oai)
    app.register_blueprint(identifiers)

    from . import transfer  # compression, ETags, versioned static files
    transfer.install(app)

    @app.after_request
    def security_headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # a 405 says which methods the address takes (RFC 9110 requires Allow)
        allowed = getattr(error, "valid_methods", None)
        return (render_template("errors/error.html", code=error.code, name=error.name,
                                description=error.description), error.code,
                {"Allow": ", ".join(allowed)} if allowed else {})

    @app.context_processor
    def unsound_files():
        """Every page names the files left out (a glob and a stat per file: the parse is remembered)."""
        return {"unsound_files": unsound(tei_dir)}

    # a reader never sees a stack trace: the error is logged, the page says what happened
    @app.errorhandler(Exception)
    def server_error(error: Exception):
        current_app.logger.exception("error serving %s", request.path)
        return render_template("errors/error.html", code=500, name="Internal Server Error",
                               description="The edition could not produce this page. The error has been logged."), 500

    return app
