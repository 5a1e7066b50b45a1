"""Shared by the structure, header and fidelity tests of Gurdzhiyev, Furr and Medvedev."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from edition import SOURCES
from edition.build import build_text

NS = {"tei": "http://www.tei-c.org/ns/1.0"}


@lru_cache(maxsize=None)
def built(text_id: str):
    """The text converted now through the whole pipeline (once per process)."""
    return build_text(SOURCES / f"{text_id}.txt")


def tree(text_id: str) -> etree._Element:
    return etree.fromstring(built(text_id).tei)


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def heads(root: etree._Element, xpath: str) -> list[str]:
    return [text_of(h) for h in root.xpath(xpath, namespaces=NS)]
