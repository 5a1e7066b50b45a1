"""Upload or paste a TEI file and read the validator's report."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from edition.validate import validate_bytes

from . import MAX_UPLOAD_BYTES
from .problem_messages import as_html

blueprint = Blueprint("validation", __name__)


@blueprint.app_template_filter("problem_message")
def problem_message(message: str):
    return as_html(message, url_for("reading.encoding_guide"))


@blueprint.get("/validate")
def form():
    return render_template("validation/form.html", limit=MAX_UPLOAD_BYTES)


@blueprint.post("/validate")
def report():
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data, name = upload.read(), upload.filename
    else:
        data, name = request.form.get("text", "").encode("utf-8"), "pasted text"
    if not data.strip():
        # the form stays, with what to do
        return render_template("validation/form.html", limit=MAX_UPLOAD_BYTES,
                               message="Choose a TEI file or paste its text, then validate."), 400
    problems = validate_bytes(data, name)
    return render_template("validation/form.html", limit=MAX_UPLOAD_BYTES, name=name, size=len(data),
                           problems=problems, checked=True,
                           errors=sum(1 for p in problems if p.severity == "error"))
