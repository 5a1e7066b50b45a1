"""The reading edition: a Flask app that renders the TEI through XSLT."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template
from lxml import etree

from edition import TEI_DIR, tei


def create_app(tei_dir: Path | None = None) -> Flask:
    app = Flask(__name__)
    app.config["TEI_DIR"] = Path(tei_dir or TEI_DIR)

    @app.get("/")
    def library():
        texts = []
        for path in sorted(app.config["TEI_DIR"].glob("*.xml")):
            root = etree.parse(str(path)).getroot()
            title = root.find(f".//{tei('titleStmt')}/{tei('title')}")
            if title is None:
                continue
            author = root.find(f".//{tei('titleStmt')}/{tei('author')}")
            texts.append({"id": path.stem, "title": "".join(title.itertext()),
                          "author": "".join(author.itertext()) if author is not None else ""})
        return render_template("library.html", texts=texts)

    return app
