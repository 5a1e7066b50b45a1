"""The whole edition passes the edition's RELAX NG, its Schematron and the
official tei_all (issue 5): both the TEI built now from the sources and the
files on disk in tei/.
"""

from __future__ import annotations

import pytest
from lxml import etree

from edition import SCHEMA, TEI_DIR
from edition.register_tei import write_registers
from edition.validate import (benchmark, check_relaxng, check_schematron, edition_files, edition_relaxng, parse_safely,
                              tei_all_relaxng, validate_edition)


@pytest.fixture(scope="module")
def fresh_edition(built, tmp_path_factory):
    """The texts built now, written with their registers into a fresh folder."""
    out = tmp_path_factory.mktemp("edition")
    for text_id, result in built.items():
        (out / f"{text_id}.xml").write_bytes(result.tei)
    write_registers(out)
    return out


def parsed(path):
    tree, problems = parse_safely(path.read_bytes(), str(path))
    assert tree is not None, problems
    return tree


def errors_only(problems):
    return [str(p) for p in problems if p.severity == "error"]


def test_fresh_edition_holds_five_texts_and_the_registers(fresh_edition, built):
    names = {p.name for p in edition_files(fresh_edition)}
    assert {f"{t}.xml" for t in built} <= names
    assert len(built) == 5


def test_fresh_edition_is_valid_against_the_edition_schema(fresh_edition):
    for path in edition_files(fresh_edition):
        assert errors_only(check_relaxng(parsed(path), str(path))) == [], path.name


def test_fresh_edition_passes_the_schematron(fresh_edition):
    for path in edition_files(fresh_edition):
        assert errors_only(check_schematron(parsed(path), str(path))) == [], path.name


def test_edition_on_disk_passes_the_schema_and_the_schematron():
    files = edition_files(TEI_DIR)
    if not files:
        pytest.skip("tei/ is empty: run edition build")
    report = validate_edition()
    assert [str(p) for p in report.errors] == []
    assert report.exit_status == 0


def test_fresh_and_disk_editions_are_valid_against_tei_all(fresh_edition):
    # One test compiles tei_all (~10 s) once; everything TEI we hold goes through it.
    schema = tei_all_relaxng()
    for path in edition_files(fresh_edition) + edition_files(TEI_DIR):
        tree = parsed(path)
        assert schema.validate(tree), f"{path}: {schema.error_log.filter_from_errors()[:3]}"
    # The customization is itself a TEI document (an ODD).
    odd = parsed(SCHEMA / "edition.odd")
    assert schema.validate(odd), schema.error_log.filter_from_errors()[:3]
    # And a fault the edition schema catches is one tei_all catches too (a subset, not a dialect).
    broken = etree.fromstring(b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p><p/></p></body></text></TEI>')
    assert not schema.validate(broken) and not edition_relaxng().validate(broken)


def test_benchmark_figures_of_the_fresh_edition(fresh_edition):
    figures = benchmark(fresh_edition)
    assert figures["files"] == len(edition_files(fresh_edition)) >= 5
    assert figures["errors"] == 0 and figures["schema_elements"] >= 100
    assert figures["sequential_seconds"] > 0 and figures["parallel_seconds"] > 0
