"""The edition's public address: the URIs it mints and the hosts it answers for.

Every text, citable passage and register entry has a persistent URI under
BASE/id/ (resolved by `viewer.exchange.identifiers`). The TEI files carry the
URIs minted from the edition's canonical base (data/edition.toml `base_url`),
since a build cannot know where it will be served. A server has a public base
of its own:

    PUBLIC_BASE_URL (app setting) or EDITION_BASE_URL (environment)
    else the address the request came to, if its host is trusted

and states it in everything it serves: DTS and OAI-PMH identifiers, and the
TEI it sends (downloads, DTS documents, OAI records, the zip), where the
canonical base of each URI is replaced by the public one. So what a client
harvested from a server resolves on that server, and one URI names one thing
in TEI, DTS, OAI-PMH and the zip alike.

The hosts a server answers for when no public base is set are Flask's
TRUSTED_HOSTS: data/edition.toml `trusted_hosts`, the host of the public base,
and EDITION_TRUSTED_HOSTS (comma-separated). Any other Host header is refused
(400) rather than reflected into identifiers and redirects.
"""

from __future__ import annotations

import os
import re
from xml.sax.saxutils import escape
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import SecurityError

from edition.header import edition_facts


def configure(app: Flask) -> None:
    """Settle the public base and the trusted hosts of an app (settings already given win)."""
    base = app.config.get("PUBLIC_BASE_URL") or os.environ.get("EDITION_BASE_URL") or None
    app.config["PUBLIC_BASE_URL"] = base.rstrip("/") if base else None
    if app.config.get("TRUSTED_HOSTS") is None:
        hosts = list(edition_facts().get("trusted_hosts", []))
        hosts += [h.strip() for h in os.environ.get("EDITION_TRUSTED_HOSTS", "").split(",") if h.strip()]
        for url in (base, canonical_base()):
            if url and urlsplit(url).hostname:
                hosts.append(urlsplit(url).hostname)
        app.config["TRUSTED_HOSTS"] = sorted(set(hosts))
    app.register_error_handler(SecurityError, untrusted_host)


def untrusted_host(error: SecurityError) -> Response:
    # plain text: with no trusted host there is no URL to build a page's links from
    return Response("This edition does not answer for that host name.\n", status=400, mimetype="text/plain")


def canonical_base() -> str:
    """The base of the URIs written into the TEI by the build."""
    return edition_facts()["base_url"].rstrip("/")


def public_base() -> str:
    """The base of the URIs this server states: its setting, else the (trusted) host it was asked at."""
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")


def uri(*path: str) -> str:
    """BASE/id/PATH: the persistent identifier of a thing of the edition."""
    return public_base() + "/id/" + "/".join(quote(part, safe="") for part in path)


def edition_uri() -> str:
    return uri("edition")


def collection_uri(name: str) -> str:
    """The edition's two kinds of resource: "texts" and "registers"."""
    return uri("edition", name)


def resource_uri(resource_id: str) -> str:
    """A text or register by its file name (rogovin-bolsheviks-against-stalinism, persons)."""
    return uri(resource_id)


def unit_uri(resource_id: str, unit_id: str) -> str:
    """A citable passage of a text (its DTS identifier) or an entry of a register (its xml:id)."""
    return uri(resource_id, unit_id)


def download_url(resource_id: str) -> str:
    """Where this server hands out the TEI file of a text or register."""
    return public_base() + "/download/" + quote(resource_id, safe="") + ".xml"


def served_value(value: str) -> str:
    """A string of the TEI (an idno, a dc:identifier) with its canonical URIs under the public base."""
    return value.replace(canonical_base() + "/id/", public_base() + "/id/")


def served(data: bytes, resource_id: str | None = None) -> bytes:
    """TEI as this server sends it: its canonical URIs under the public base and, given the resource,
    xml:base on the root so that relative pointers (persons.xml#kamenev-lb) resolve to this server's
    copy of the file they name, from wherever the document is read (a saved download, a DTS passage)."""
    canonical, public = canonical_base() + "/id/", public_base() + "/id/"
    if canonical != public:
        data = data.replace(canonical.encode(), public.encode())
    if resource_id is not None:
        base = escape(download_url(resource_id), {'"': "&quot;"}).encode()
        data = ROOT_START.sub(lambda m: m.group(0) + b' xml:base="' + base + b'"', data, count=1)
    return data


ROOT_START = re.compile(rb"<TEI(?=[\s>/])")
