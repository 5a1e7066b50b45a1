"""Shared fixtures: the built edition, parsed once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from edition import SOURCES, TEI_DIR
from edition.build import build_text, source_files

TEXT_IDS = [p.stem for p in source_files(SOURCES)]
# Debian's chromium, which .ci/run installs; browser tests skip, saying so, where there is none
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


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


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, one per test module."""
    if CHROMIUM is None:
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
