"""The edition is built deterministically from sources/ and the curated data."""

import hashlib

from edition import SOURCES
from edition.build import build_text, source_files


def test_sources_are_the_verbatim_corpus():
    recorded = dict(line.split()[::-1] for line in (SOURCES / "SHA256SUMS").read_text().splitlines())
    for path in source_files(SOURCES):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded[path.name], path.name


def test_committed_tei_is_what_the_build_produces(built, committed):
    for text_id, result in built.items():
        assert committed.get(f"{text_id}.xml") == result.tei, (
            f"tei/{text_id}.xml is stale: run `edition build` and commit the result")


def test_build_is_deterministic():
    source = source_files(SOURCES)[0]
    assert build_text(source).tei == build_text(source).tei
