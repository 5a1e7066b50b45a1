"""The notes report: figures computed by the notes stage, printed by `edition notes`."""

import json
import subprocess
import sys

import pytest

from edition import ROOT
from edition.notes import expected_differences, format_report
from f1_helpers import built

TEXTS = ["furr-struggle-for-democratic-reform", "gurdzhiyev-for-the-motherland",
         "medvedev-on-stalin-and-stalinism", "pavlova-mechanism-of-power",
         "rogovin-bolsheviks-against-stalinism"]
EDITION = [sys.executable, "-m", "edition.cli"]


def run_edition(*args):
    return subprocess.run(EDITION + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("text_id", TEXTS)
def test_expected_figures_are_met_or_explained(text_id):
    report = built(text_id).report["notes"]
    for figure in ("references", "bodies", "linked", "unanchored", "without_body", "duplicates"):
        assert isinstance(report[figure], int)
    # every reference is linked, unanchored... accounted for exactly once
    assert report["linked"] + report["without_body"] + report["bodies_absent_from_source"] \
        + report["duplicates"] - sum(1 for p in report["problems"] if "second body" in p) == report["references"]
    assert report["linked"] + report["unanchored"] <= report["bodies"]
    if expected_differences(report):
        assert report["expected"].get("explain"), f"{text_id}: a difference from the expected figures is unexplained"


@pytest.mark.parametrize("text_id", TEXTS)
def test_linking_notes_loses_no_source_word(text_id):
    fidelity = built(text_id).fidelity
    assert fidelity["lost"] == 0, fidelity["lost_sample"]


def test_edition_notes_prints_the_report_of_one_text():
    result = run_edition("notes", "furr")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "furr-struggle-for-democratic-reform: notes"
    figures = {line.rsplit(None, 1)[0].strip(): int(line.rsplit(None, 1)[1]) for line in lines[1:8]}
    assert figures["references (markers in the text)"] == 42
    assert figures["note bodies in the source"] == 41
    assert figures["linked pairs (reference and body)"] == 41
    assert any("note 4 (scope 2) is referred to a second time" in line for line in lines)
    # the same lines as the stage's own report, formatted: not a second implementation
    report = built("furr-struggle-for-democratic-reform").report
    assert lines == format_report("furr-struggle-for-democratic-reform", report["notes"], report["interventions"])


def test_edition_notes_json_gives_the_stage_figures():
    result = run_edition("notes", "medvedev", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "medvedev-on-stalin-and-stalinism"
    assert (data["notes"]["bodies"], data["notes"]["unanchored"]) == (35, 17)
    # what stays in brackets is counted by class, each with its reason
    assert data["interventions"]["malformed"] == {"read": 6}
    assert data["interventions"]["gloss:title"] == 30  # 28 well formed, 2 malformed ("Voyna" War])
    assert set(data["interventions"]["left"]) == {
        "brackets mentioned: the JPRS statement names its brackets ('material enclosed in brackets [] are "
        "supplied by FBIS/JPRS')",
        "stray closing bracket: the source closes the expansion of Rostselmash twice ('[Rostov Plant] for "
        "Agricultural Machine Building]'): the first pair is encoded, the stray sign stays as printed"}


def test_edition_notes_explains_the_brackets_left_in_rogovin():
    result = run_edition("notes", "rogovin")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "    square brackets not read as interventions, by class (each with its reason): 42" in lines
    assert any(line.split()[:3] == ["41", "dual", "date:"] for line in lines)  # "9 [21] March 1883"


def test_edition_notes_refuses_an_unknown_text_without_a_traceback():
    result = run_edition("notes", "trotsky")
    assert result.returncode == 2
    assert "no text named trotsky" in result.stderr
    assert "Traceback" not in result.stderr
