"""Shared fixtures: the built edition, parsed once per test session."""

from __future__ import annotations

import pytest
from lxml import etree

from edition import SOURCES, TEI_DIR
from edition.build import build_text, source_files

TEXT_IDS = [p.stem for p in source_files(SOURCES)]


@pytest.fixture(scope="session")
def built():
    """Every text converted in memory now: {text_id: BuildResult}."""
    return {p.stem: build_text(p) for p in source_files(SOURCES)}


@pytest.fixture(scope="session")
def trees(built):
    """The freshly built TEI trees: {text_id: lxml root}."""
    return {tid: etree.fromstring(result.tei) for tid, result in built.items()}


@pytest.fixture(scope="session")
def committed():
    """The TEI files as committed in tei/: {file name: bytes}."""
    return {p.name: p.read_bytes() for p in sorted(TEI_DIR.glob("*.xml"))}
