"""Upload or paste a TEI file and read the validator's report.

The validation itself runs in a child process with limits (`viewer.sandbox`):
a serving thread only waits for it, and stops it if the client goes away."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from flask import Blueprint, current_app, render_template, request, url_for

from edition.validate import Problem

from . import MAX_UPLOAD_BYTES
from .problem_messages import as_html
from .sandbox import Refused, Sandbox

blueprint = Blueprint("validation", __name__)

MAX_NAME_CHARS = 120  # a file name is shown back: a 1 MB "name" is cut, never echoed whole


def sandbox() -> Sandbox:
    return current_app.extensions.setdefault("validation-sandbox", Sandbox())


def shown_name(filename: str) -> str:
    """The upload's own name, without any folders its browser sent, cut to MAX_NAME_CHARS."""
    name = PureWindowsPath(PurePosixPath(filename).name).name or "uploaded file"
    return name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS - 1] + "…"


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
        data, name = upload.read(), shown_name(upload.filename)
    else:
        data, name = request.form.get("text", "").encode("utf-8"), "pasted text"
    if not data.strip():
        # the form stays, with what to do
        return render_template("validation/form.html", limit=MAX_UPLOAD_BYTES,
                               message="Choose a TEI file or paste its text, then validate."), 400
    client_gone = request.environ.get("waitress.client_disconnected", lambda: False)
    try:
        problems = [Problem(**p) for p in sandbox().validate(data, name, request.remote_addr or "", client_gone)]
    except Refused as refusal:
        return refused(refusal, name, len(data))
    return render_template("validation/form.html", limit=MAX_UPLOAD_BYTES, name=name, size=len(data),
                           problems=problems, checked=True,
                           errors=sum(1 for p in problems if p.severity == "error"))


def refused(refusal: Refused, name: str, size: int):
    page = render_template("validation/form.html", limit=MAX_UPLOAD_BYTES, name=name, size=size,
                           refusal=refusal.message)
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else {}
    return page, refusal.status, headers
