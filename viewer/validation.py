"""Upload or paste a TEI file and read the validator's report."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from edition.validate import validate_bytes

from . import MAX_UPLOAD_BYTES

blueprint = Blueprint("validation", __name__)


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
        abort(400, description="Choose a TEI file or paste its text, then validate.")
    problems = validate_bytes(data, name)
    return render_template("validation/form.html", limit=MAX_UPLOAD_BYTES, name=name, size=len(data),
                           problems=problems, checked=True,
                           errors=sum(1 for p in problems if p.severity == "error"))
