"""The validator on deliberately broken documents (issue 5).

Each file in tests/broken/ is tests/broken/valid-extract.xml (passages of
Rogovin's chapter 3) with one fault. Each yields its rule, a message an encoder
can act on, and the exit status of `edition validate`; none hangs or crashes.
The 50 MB file is generated here, never committed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edition.cli import main
from edition.validate import (EXIT_INVALID, EXIT_REFUSED, EXIT_USAGE, EXIT_VALID, MAX_BYTES,
                              validate_bytes, validate_file)

BROKEN = Path(__file__).parent / "broken"
EDITION = [sys.executable, "-m", "edition.cli"]

# file: (exit status, rule, words the message must contain)
EXPECTED = {
    "wrong-nesting.xml": (EXIT_INVALID, "content-model", "<p> is not allowed at this point inside <p>"),
    "unknown-element.xml": (EXIT_INVALID, "unknown-element", "did you mean persName?"),
    "unresolved-register-pointer.xml": (EXIT_INVALID, "pointer-resolves",
                                        "persName/@ref points to persons.xml#trotsky-dl, which no register entry "
                                        "has; did you mean persons.xml#trotsky-ld?"),
    "unresolved-local-pointer.xml": (EXIT_INVALID, "pointer-resolves",
                                     "ref/@target points to #rogovin.3.n99, which no xml:id in this file has"),
    "missing-register.xml": (EXIT_INVALID, "pointer-resolves", "the register organisations.xml was not found"),
    "duplicate-id.xml": (EXIT_INVALID, "unique-id", 'xml:id="rogovin.3.p1" is used more than once'),
    "undeclared-language.xml": (EXIT_INVALID, "language-declared",
                                'xml:lang="ru" on foreign is not declared in the header\'s profileDesc/langUsage. '
                                "Declared: en, ru-Latn."),
    "missing-licence.xml": (EXIT_INVALID, "header-licence", "no availability/licence"),
    "missing-editorial-declaration.xml": (EXIT_INVALID, "header-editorial-declaration", "hyphenation"),
    "malformed.xml": (EXIT_INVALID, "well-formed", "Opening and ending tag mismatch: hi line 55 and p"),
    "empty.xml": (EXIT_INVALID, "well-formed", "Document is empty"),
    "note-type-not-in-list.xml": (EXIT_INVALID, "closed-value", 'note/@type="footnote" is not one of'),
    "resp-misspelt.xml": (EXIT_INVALID, "closed-value", "did you mean #translator?"),
    "cert-number.xml": (EXIT_INVALID, "closed-value", 'persName/@cert="0.8"'),
    "div-type-misspelt.xml": (EXIT_INVALID, "closed-value", "did you mean chapter?"),
    "choice-one-reading.xml": (EXIT_INVALID, "choice-abbr-expan", "abbr without its partner"),
    "loose-note.xml": (EXIT_INVALID, "note-attached", 'n="9"'),
    "unanchored-note-inline.xml": (EXIT_INVALID, "unanchored-at-division-end", "not inside p"),
    "xinclude.xml": (EXIT_INVALID, "unknown-element", "<include> is not in the TEI namespace"),
    "no-namespace.xml": (EXIT_INVALID, "not-tei", "<TEI> has no namespace"),
    "not-tei.xml": (EXIT_INVALID, "not-tei", "the root element is <html>"),
    "no-header.xml": (EXIT_INVALID, "content-model", "the document has no <teiHeader>"),
    "unknown-attribute.xml": (EXIT_INVALID, "attribute", "<p> has no attribute rend-colour"),
    "xxe.xml": (EXIT_REFUSED, "doctype", "read local files (XXE)"),
    "billion-laughs.xml": (EXIT_REFUSED, "doctype", "exhaust memory"),
    "deep-nesting.xml": (EXIT_REFUSED, "depth", "nested more than 256 levels"),
    "latin1-undeclared.xml": (EXIT_REFUSED, "encoding", "byte 0xE9 at line 54, column 275 is not UTF-8"),
    "latin1-declared.xml": (EXIT_REFUSED, "encoding", 'declares encoding="ISO-8859-1"'),
    "utf16.xml": (EXIT_REFUSED, "encoding", "UTF-16 or UTF-32"),
}
VALID = ["valid-extract.xml", "persons.xml", "places.xml", "orgs.xml"]


def run_cli(capsys, *args) -> tuple[int, str]:
    status = main(["validate", *args])
    return status, capsys.readouterr().out


def test_every_broken_document_has_an_expectation_and_there_are_at_least_twenty():
    on_disk = {p.name for p in BROKEN.glob("*.xml")} - set(VALID)
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("name", VALID)
def test_the_unbroken_extract_and_its_registers_are_valid(name, capsys):
    status, out = run_cli(capsys, str(BROKEN / name))
    assert (status, out) == (EXIT_VALID, "")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_document_yields_its_rule_message_and_exit_status(name, capsys):
    status_expected, rule, words = EXPECTED[name]
    started = time.perf_counter()
    status, out = run_cli(capsys, "--json", str(BROKEN / name))
    assert time.perf_counter() - started < 10, "the validator must not hang on a hostile file"
    report = json.loads(out)
    assert status == status_expected == report["exit_status"]
    matching = [p for p in report["problems"] if p["rule"] == rule]
    assert matching, f"no [{rule}] among {[(p['rule'], p['message']) for p in report['problems']]}"
    assert any(words in p["message"] for p in matching), [p["message"] for p in matching]
    # Every problem says where: the file, a line and a column.
    for problem in report["problems"]:
        assert problem["file"].endswith(name)
        assert problem["line"] > 0 and problem["column"] > 0, problem


def test_broken_pointer_is_reported_at_its_line_in_text_output(capsys):
    status, out = run_cli(capsys, str(BROKEN / "unresolved-register-pointer.xml"))
    assert status == EXIT_INVALID
    # line 53, column 95: where <persName ref="persons.xml#trotsky-dl" starts
    assert "unresolved-register-pointer.xml:53:95: error: [pointer-resolves] persName/@ref points to " \
           "persons.xml#trotsky-dl" in out


def test_xxe_never_reads_the_local_file():
    problems = validate_file(BROKEN / "xxe.xml")
    assert [p.rule for p in problems] == ["doctype"]
    assert "root:" not in " ".join(p.message for p in problems)


def test_doctype_hidden_behind_a_long_comment_is_still_refused():
    data = (BROKEN / "xxe.xml").read_bytes().replace(b"<!DOCTYPE", b"<!--" + b" padding" * 2000 + b" -->\n<!DOCTYPE", 1)
    assert data.index(b"<!DOCTYPE") > 4096
    assert [p.rule for p in validate_bytes(data, "hidden.xml")] == ["doctype"]


def test_billion_laughs_is_refused_in_a_real_process_without_expanding():
    started = time.perf_counter()
    run = subprocess.run([*EDITION, "validate", str(BROKEN / "billion-laughs.xml")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == EXIT_REFUSED
    assert "[doctype]" in run.stdout and "Traceback" not in run.stderr
    assert time.perf_counter() - started < 30


def test_fifty_megabyte_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "fifty-megabytes.xml"
    paragraph = b'<p xml:id="p">The force holding all this activity together was, of course, Trotsky.</p>\n'
    with big.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>\n')
        out.write(paragraph * (50 * 1024 * 1024 // len(paragraph) + 1))
        out.write(b"</body></text></TEI>\n")
    assert big.stat().st_size > 50 * 1024 * 1024 > MAX_BYTES
    run = subprocess.run([*EDITION, "validate", "--json", str(big)], capture_output=True, text=True, timeout=60)
    assert run.returncode == EXIT_REFUSED
    (problem,) = json.loads(run.stdout)["problems"]
    assert problem["rule"] == "size" and "at most 20,971,520 bytes" in problem["message"]
    # The same refusal from bytes in memory (the viewer's path).
    assert [p.rule for p in validate_bytes(big.read_bytes(), "upload.xml")] == ["size"]


def test_missing_file_is_a_usage_error(capsys, tmp_path):
    status = main(["validate", str(tmp_path / "no-such-file.xml")])
    assert status == EXIT_USAGE
    assert "no such file" in capsys.readouterr().err


def test_several_files_report_each_problem_with_its_own_file(capsys):
    status, out = run_cli(capsys, "--json", str(BROKEN / "valid-extract.xml"), str(BROKEN / "duplicate-id.xml"),
                          str(BROKEN / "xxe.xml"))
    report = json.loads(out)
    assert status == EXIT_REFUSED  # a refusal outranks an invalid file
    assert {Path(p["file"]).name for p in report["problems"]} == {"duplicate-id.xml", "xxe.xml"}
    assert report["valid"] is False


def test_upload_without_a_path_checks_pointers_against_the_given_registers():
    data = (BROKEN / "unresolved-register-pointer.xml").read_bytes()
    problems = validate_bytes(data, "upload.xml", registers_dir=BROKEN)
    assert [p.rule for p in problems] == ["pointer-resolves"]
    assert problems[0].message.endswith("did you mean persons.xml#trotsky-ld?")


def test_an_uploaded_name_never_chooses_where_registers_are_read(tmp_path):
    """The viewer passes the upload's file name: a name pointing into another
    folder must not make the validator read files there (nor suggest their ids);
    bytes are checked against the edition's own registers unless told otherwise."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    register = (BROKEN / "persons.xml").read_bytes().replace(b'"trotsky-ld"', b'"only-elsewhere-ld"')
    (elsewhere / "persons.xml").write_bytes(register)
    data = (BROKEN / "unresolved-register-pointer.xml").read_bytes().replace(b"trotsky-dl", b"only-elsewhere-ld")
    problems = validate_bytes(data, str(elsewhere / "upload.xml"))
    unresolved = [p.message for p in problems if "persons.xml#only-elsewhere-ld" in p.message]
    assert unresolved, "the pointer resolved against a register the upload's name pointed at"
    # The same bytes, told where their registers are, resolve.
    told = validate_bytes(data, "upload.xml", registers_dir=elsewhere)
    assert not [p for p in told if "only-elsewhere-ld" in p.message]


def test_thousands_of_broken_pointers_are_reported_boundedly(tmp_path):
    """A long division of paragraphs, each with two broken pointers: the first
    1000 problems are listed with their lines, the rest counted; the cost stays
    linear (the Schematron's contexts avoid libxslt's quadratic *[predicate])."""
    text = (BROKEN / "valid-extract.xml").read_text(encoding="utf-8")
    paragraph = ('<p>he sent from <placeName ref="places.xml#alma-atta">Alma-Ata</placeName> around 550 '
                 'telegrams<ref target="#rogovin.3.n77">77</ref></p>\n')
    path = tmp_path / "many.xml"
    path.write_text(text.replace('<note n="9"', paragraph * 8000 + '<note n="9"', 1), encoding="utf-8")
    for name in ("persons.xml", "places.xml", "orgs.xml"):
        (tmp_path / name).write_bytes((BROKEN / name).read_bytes())
    problems = validate_file(path)
    listed = [p for p in problems if p.rule == "pointer-resolves"]
    assert len(listed) == 1000
    assert listed[0].message == ("placeName/@ref points to places.xml#alma-atta, which no register entry has; "
                                 "did you mean places.xml#alma-ata?")
    assert listed[0].line == 56 and listed[1].line == 56 and listed[2].line == 57
    (summary,) = [p for p in problems if p.rule == "too-many-problems"]
    assert "15,000 more problems" in summary.message


def test_threads_validating_at_once_each_get_their_own_problems():
    """The viewer validates uploads from several threads at once."""
    import threading

    files = sorted(BROKEN.glob("*.xml"))
    expected = {f.name: [(p.rule, p.line) for p in validate_bytes(f.read_bytes(), f.name, registers_dir=BROKEN)]
                for f in files}
    mismatches = []

    def validate_repeatedly(path):
        for _ in range(3):
            got = [(p.rule, p.line) for p in validate_bytes(path.read_bytes(), path.name, registers_dir=BROKEN)]
            if got != expected[path.name]:
                mismatches.append(path.name)

    threads = [threading.Thread(target=validate_repeatedly, args=(f,)) for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert mismatches == [] and not any(t.is_alive() for t in threads)
