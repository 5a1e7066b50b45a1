"""The entities stage against the hand-marked gold samples (tests/gold/).

entities.toml, marked in the first round while the rules were written; entities_heldout.toml, drawn at
random afterwards and marked before the rules were revised, though edited since; entities_blind.toml and
the four entities_tuning*.toml (issue 12), each drawn with a fresh seed and marked by hand from the plain
text before the annotation was looked at, then tuned on; and entities_blind2-5.toml, each drawn after the
rules were frozen and scored once before any rule changed again: the measure on unseen passages (each but
the last tuned on after it was scored).

Precision and recall of person, place and organisation mentions (a mention counts
when its words are exactly the gold's: `I. N. Smirnov` whole, not `Smirnov`; a name
nested in another is part of it, not a mention; a sample without an `orgs` list is not
scored for organisations), the share of linked mentions that point at the right register
entry, and the wrong links as a share of the names tagged.
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from edition import tei

GOLD = Path(__file__).parent / "gold" / "entities.toml"
HELD_OUT = Path(__file__).parent / "gold" / "entities_heldout.toml"
BLIND = Path(__file__).parent / "gold" / "entities_blind.toml"
# marked blind, then tuned on (issue 12, 2026-12-06): each found the faults of the rules before they were
# frozen, so their figures measure nothing unseen; they hold the level reached, against regressions
TUNING = {name: Path(__file__).parent / "gold" / f"entities_{name}.toml"
          for name in ("tuning", "tuning2", "tuning3", "tuning4", "tuning5", "tuning6", "tuning7", "tuning8",
                       "tuning9", "tuning10", "tuning11", "tuning12", "tuning13")}
SAMPLES = {"first": GOLD, "held-out": HELD_OUT, "blind": BLIND, **TUNING}
BLOCKS = {tei(t) for t in ("p", "item", "head", "l", "ab", "label", "figDesc", "note")}
KINDS = {"persons": tei("persName"), "places": tei("placeName"), "orgs": tei("orgName")}


def gold_paragraphs(sample: Path = GOLD) -> list[dict]:
    return tomllib.loads(sample.read_text(encoding="utf-8"))["paragraph"]


# The editors' corrections (`choice/corr`, `reg`, `expan`) are not the received text the gold was marked on
EDITORIAL = {tei("corr"), tei("reg"), tei("expan")}


def own_text(element) -> str:
    """The paragraph's received words without those of notes or blocks nested in it."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in BLOCKS and child.tag not in EDITORIAL:
            parts.append(own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def find_paragraph(trees, text: str, contains: str):
    (text_id,) = [t for t in trees if t.startswith(text)]
    for element in trees[text_id].iter(*BLOCKS):
        if contains in " ".join(own_text(element).split()):
            return element
    raise AssertionError(f"gold paragraph not found in {text_id}: {contains!r}")


NAMES = set(KINDS.values())


def predicted(paragraph, tag) -> list[tuple[str, str]]:
    """(surface, register id) of the names the stage marked in the paragraph's own text. A name nested
    in another is a part of that name (`USSR` and `Gosplan` in `USSR Gosplan`), not a mention of its
    own: the samples mark a body's whole name as one mention, and no place inside it."""
    found = []
    for name in paragraph.iter(tag):
        block = next(a for a in name.iterancestors() if a.tag in BLOCKS)
        if block is not paragraph:
            continue
        if any(a.tag in NAMES for a in name.iterancestors() if a is not block and block in a.iterancestors()):
            continue
        if any(a.tag in EDITORIAL for a in name.iterancestors() if block in a.iterancestors()):
            continue  # (a name in a translator's or editor's expansion: words own_text leaves out, the markers never saw)
        ref = (name.get("ref") or "").partition("#")[2]
        found.append((" ".join(own_text(name).split()), ref))
    return found


def registered_when_marked(sample: Path) -> set[str]:
    """The register's ids when `sample` was marked. The whole-edition samples keep the list in their marks folder
    (`registered.txt`, from the register at the commit their markers read); for the older samples, the ids their gold
    gives to someone, which undercounts: a link to an entry the markers saw and refused would pass as new."""
    listed = sample.parent / f"{sample.stem.removeprefix('entities_')}_marks" / "registered.txt"
    if listed.exists():
        return {line.strip() for line in listed.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}
    return {m.rsplit("=", 1)[1] for p in gold_paragraphs(sample) for k in KINDS for m in p.get(k, [])} - {""}


def score(trees, sample: Path = GOLD) -> dict:
    figures = {}
    # the entries the register held when the sample was marked: those its marks folder lists (the later samples),
    # else at least every entry the gold gives to someone
    gold_refs = registered_when_marked(sample)
    for kind, tag in KINDS.items():
        marked = [p for p in gold_paragraphs(sample) if kind in p]
        if not marked:  # a sample marked before the kind was scored (the first two have no `orgs`)
            continue
        gold_total = predicted_total = matched = linked = linked_right = newly_registered = 0
        for paragraph_gold in marked:
            paragraph = find_paragraph(trees, paragraph_gold["text"], paragraph_gold["contains"])
            gold = [tuple(m.rsplit("=", 1)) for m in paragraph_gold[kind]]
            found = predicted(paragraph, tag)
            gold_total += len(gold)
            predicted_total += len(found)
            matched += sum((Counter(s for s, _ in gold) & Counter(s for s, _ in found)).values())
            with_ref = [(s, r) for s, r in found if r]
            # "SURFACE=" is a name the register held no entry for when the gold was marked; once the
            # register gains the entry the mention gets its id (the samples' header): counted apart,
            # unless the id is one the register held then (the markers had it and refused it: a wrong link)
            newly = Counter(s for s, r in with_ref if r not in gold_refs) & Counter(s for s, r in gold if not r)
            newly_registered += sum(newly.values())
            linked += sum((Counter(s for s, _ in with_ref) & Counter(s for s, _ in gold)).values()) \
                - sum(newly.values())
            linked_right += sum((Counter(with_ref) & Counter(g for g in gold if g[1])).values())
        figures[kind] = {
            "gold": gold_total, "predicted": predicted_total, "matched": matched,
            "precision": matched / predicted_total if predicted_total else 1.0,
            "recall": matched / gold_total if gold_total else 1.0,
            "linked": linked, "linked_right": linked_right, "newly_registered": newly_registered,
            "link_accuracy": linked_right / linked if linked else 1.0,
            # a linked mention whose entry is not the gold's: the issue counts it against the names tagged
            "wrong_ref": linked - linked_right,
            "wrong_ref_share": (linked - linked_right) / predicted_total if predicted_total else 0.0,
        }
    return figures


# the thresholds below are those the first two samples were held to; the blind sample has its own
# tests, with the issue's targets (further down)
@pytest.fixture(scope="module", params=["first", "held-out"])
def figures(request, trees):
    result = score(trees, SAMPLES[request.param])
    for kind, f in result.items():
        print(f"\n{request.param} gold {kind}: {f['gold']} mentions, predicted {f['predicted']}, "
              f"matched {f['matched']}; precision {f['precision']:.3f}, recall {f['recall']:.3f}, "
              f"right entry {f['linked_right']}/{f['linked']} = {f['link_accuracy']:.3f}, "
              f"wrong @ref {f['wrong_ref']} = {f['wrong_ref_share']:.2%} of tagged, "
              f"newly registered {f['newly_registered']}")
    return result


def test_gold_sample_is_large_and_spread_over_the_five_texts():
    paragraphs = gold_paragraphs()
    assert len(paragraphs) >= 25
    assert {p["text"] for p in paragraphs} == {"furr", "gurdzhiyev", "medvedev", "pavlova", "rogovin"}


def test_held_out_sample_is_drawn_apart_from_the_first():
    held_out = gold_paragraphs(HELD_OUT)
    assert len(held_out) >= 20
    assert {p["text"] for p in held_out} == {"furr", "gurdzhiyev", "medvedev", "pavlova", "rogovin"}
    first = {(p["text"], p["contains"]) for p in gold_paragraphs(GOLD)}
    assert not first & {(p["text"], p["contains"]) for p in held_out}


def test_every_gold_reference_names_a_register_entry():
    from edition.registers import load_registers
    registers, _rules = load_registers()
    ids = {e.id for entries in registers.values() for e in entries}
    for sample in SAMPLES.values():
        for paragraph in gold_paragraphs(sample):
            for mention in paragraph.get("persons", []) + paragraph["places"] + paragraph.get("orgs", []):
                ref = mention.rsplit("=", 1)[1]
                assert not ref or ref in ids, (sample.name, mention)


def test_person_mentions_precision_and_recall_against_gold(figures):
    persons = figures["persons"]
    assert persons["precision"] >= 0.95, persons
    assert persons["recall"] >= 0.90, persons


# The held-out sample was marked before the guide (CONVENTIONS.md D) kept a capitalised head word in the place:
# it reads `Prinkipo` where every later sample reads `Prinkipo Island`, one mention of its 29 counted wrong both ways
# (precision 26 of 28, recall 26 of 29 since the rule; 0.964 and 0.931 before it)
PLACE_LEVELS = {"first": (0.95, 0.90), "held-out": (0.92, 0.89)}


def test_place_mentions_precision_and_recall_against_gold(figures, request):
    places = figures["places"]
    precision, recall = PLACE_LEVELS[request.node.callspec.params["figures"]]
    assert places["precision"] >= precision, places
    assert places["recall"] >= recall, places


def test_linked_mentions_point_at_the_right_register_entry(figures):
    linked = figures["persons"]["linked"] + figures["places"]["linked"]
    right = figures["persons"]["linked_right"] + figures["places"]["linked_right"]
    assert linked > 50
    assert right / linked >= 0.95, figures


def test_org_mentions_precision_and_recall_against_gold(figures):
    if "orgs" not in figures:
        pytest.skip("this sample was marked before organisations were scored (no `orgs` lists)")
    orgs = figures["orgs"]
    assert orgs["precision"] >= 0.95, orgs
    assert orgs["recall"] >= 0.90, orgs


# The samples tuned on (the first blind sample among them, once its faults were fixed): (sample, kind) ->
# (precision, recall) each held at, the level measured at main 4210d1b where the rules were frozen
TUNED_LEVELS = {
    # (the first blind sample's orgs at 0.97: its marker read Medvedev's `the "leftist" opposition` as a generic
    # reference, and Pavlova's `the so-called. right bias` as words; the later markers, and the edition since
    # rounds 6 and 8, read the one as the Left Opposition's name, the other as the Right Opposition's; its places
    # at 0.98: its marker read Pavlova's `the Union` of 1922 as no name, the markers of the twentieth and twenty-third
    # draws as the USSR, which the edition follows since round 10)
    # (its organisations at 0.96 since the ninth round of 2026-12-07: its marker read `The secretariat of the Central
    # Control Commission` as the commission alone, where settled reading 32 makes the lower-case part one mention)
    ("blind", "persons"): (0.99, 0.99), ("blind", "places"): (0.98, 0.97), ("blind", "orgs"): (0.96, 0.97),
    ("tuning", "persons"): (0.99, 0.97), ("tuning", "places"): (0.97, 0.96), ("tuning", "orgs"): (0.92, 0.85),
    ("tuning2", "persons"): (0.98, 0.98), ("tuning2", "places"): (0.96, 0.96), ("tuning2", "orgs"): (0.92, 0.90),
    ("tuning3", "persons"): (0.99, 0.98), ("tuning3", "places"): (0.95, 0.99), ("tuning3", "orgs"): (0.95, 0.89),
    # the twelfth draw (seed 1796576488), marked blind at 17:01-17:07 and tuned on until the fourth freeze
    ("tuning4", "persons"): (0.99, 0.98), ("tuning4", "places"): (0.96, 0.96), ("tuning4", "orgs"): (0.93, 0.94),
    # the sixteenth and seventeenth draws (seeds 1796584619, 1796585717), marked blind at 19:17-19:23 and
    # 19:36-19:41, tuned on in round 6 until the seventh freeze
    ("tuning5", "persons"): (0.99, 0.99), ("tuning5", "places"): (0.99, 0.97), ("tuning5", "orgs"): (0.95, 0.89),
    # (tuning6's organisations at 0.95 since round 15: its marker read "the German Communists" whose pamphlet Lenin
    # mocked as people; the guide's settled reading 2, with two samples against it, makes them the KPD)
    ("tuning6", "persons"): (0.99, 0.97), ("tuning6", "places"): (0.99, 0.95), ("tuning6", "orgs"): (0.95, 0.92),
    # the nineteenth draw (seed 1796586683): 15 of Pavlova's long paragraphs, marked blind at 19:51-19:56
    ("tuning7", "persons"): (0.99, 0.95), ("tuning7", "places"): (0.90, 0.90), ("tuning7", "orgs"): (0.98, 0.96),
    # the twenty-first draw (seed 1796594640): 41 passages, marked blind at 22:04-22:08, tuned on in round 8
    ("tuning8", "persons"): (0.99, 0.98), ("tuning8", "places"): (0.99, 0.94), ("tuning8", "orgs"): (0.97, 0.91),
    # the twenty-fifth draw (seed 1796604072): 262 passages marked blind for places and organisations only at
    # 00:43-00:55 on 2026-12-07 (places 0.934/0.929, organisations 0.899/0.885 when scored), tuned on in round 11
    ("tuning9", "places"): (0.96, 0.97), ("tuning9", "orgs"): (0.93, 0.93),
    # the twenty-sixth and twenty-seventh draws (seeds 1796605964, 1796606685): 218 and 213 passages marked blind for
    # places and organisations at 01:14-01:20 and 01:26-01:28 (tuning10: places 0.925/0.935, organisations
    # 0.937/0.911; tuning11: 0.948/0.967, 0.929/0.867 when scored), tuned on in rounds 12 and 13
    ("tuning10", "places"): (0.95, 0.97), ("tuning10", "orgs"): (0.94, 0.95),
    # (tuning11's organisations at 0.94 since the ninth round: its marker read `The publishing house of the Peoples
    # Commissariat of Education` as the commissariat alone, the fifth whole-edition sample's markers as one mention)
    ("tuning11", "places"): (0.95, 0.96), ("tuning11", "orgs"): (0.94, 0.90),
    # the thirty-eighth draw (seed 1796633527): 100 of the passages no earlier sample held, marked blind for all three
    # kinds at 08:55-09:20 (persons 0.976/0.980, places 0.927/0.944, organisations 0.990/0.887 when scored), tuned on
    # in the ninth round
    ("tuning12", "persons"): (0.97, 0.98), ("tuning12", "places"): (0.94, 0.96), ("tuning12", "orgs"): (0.98, 0.89),
    # the thirty-ninth (seed 1796635118): 114 more of them, marked at 09:19-09:30 (persons 1.000/0.988, places
    # 0.955/0.955, organisations 0.946/0.905 when scored), tuned on in the ninth round
    ("tuning13", "persons"): (0.99, 0.98), ("tuning13", "places"): (0.96, 0.95), ("tuning13", "orgs"): (0.96, 0.92),
}


def test_unseen_draw_sample_is_its_seed_s_draw_of_passages_no_earlier_sample_held():
    """The twelfth and thirteenth tuning samples are each the draw of its seed from the passages the samples before
    it left unmarked (select_heldout.UNSEEN_DRAWS), less the passages whose words stand elsewhere too, none twice."""
    sys.path.insert(0, str(GOLD.parent))
    import select_heldout

    for seed, count, sample, left_out in select_heldout.UNSEEN_DRAWS:
        assert sample.name not in left_out
        passages = gold_paragraphs(sample)
        drawn = select_heldout.unseen_draw(seed, count, left_out)
        positions = [next(i for i, (key, _kind, _id, text) in enumerate(drawn)
                          if key == p["text"] and p["contains"] in text) for p in passages]
        assert len(set(positions)) == len(passages) and count - len(passages) <= count // 5
        assert all(p["seed"] == seed and {"persons", "places", "orgs"} <= set(p) for p in passages)


@pytest.mark.parametrize("sample, kind", sorted(TUNED_LEVELS), ids=lambda v: str(v))
def test_tuned_samples_hold_the_level_reached_when_the_rules_were_frozen(trees, sample, kind):
    """Regression guard, not a measure: at 4210d1b the tuning samples (sixth to eighth draws, 60-61
    passages each) scored persons P 0.986-1.000 R 0.971-0.987, places P 0.957-0.980 R 0.960-1.000,
    organisations P 0.924-0.959 R 0.867-0.904, and the first blind sample (fifth draw, tuned on since)
    persons P 0.995 R 0.995, places P 1.000 R 0.961, organisations P 0.992 R 0.975. After the tenth draw
    the sixth's organisations fell to P 0.928 R 0.853: its marker kept `the collegium of the People's
    Commissariat for Food` apart, where two others (seventh and tenth draws) marked a lower-case sub-body
    with its body as one name, which the rules now follow. The twelfth draw (tuning4) was marked blind after
    the third freeze and tuned on before the fourth (persons P 0.992 R 0.988, places 0.964/0.964, organisations 0.940/0.948)."""
    figures = score(trees, SAMPLES[sample])[kind]
    precision, recall = TUNED_LEVELS[(sample, kind)]
    assert figures["precision"] >= precision, figures
    assert figures["recall"] >= recall, figures


# The blind samples (issue 12): each drawn with a fresh seed after the rules were frozen and marked by hand
# from the plain text before the annotation was looked at. Their figures are the issue's measure: each test
# states the issue's target and holds the level the sample met when it was scored, so that a regression
# below it fails. The ninth draw was scored at 4210d1b's rules and tuned on afterwards, the tenth at
# 6aada2b's (after the second freeze) and tuned on afterwards; the eleventh, drawn at 0a30e13 after the
# third freeze, and tuned on afterwards; the thirteenth, drawn at 3afa7a9 after the fourth freeze (the twelfth
# was a tuning sample), and tuned on afterwards; the fourteenth, drawn at 471d3bf after the fifth, and tuned on
# afterwards; and so on, freeze by freeze (the comments at BLIND_LEVELS): the last is the measure. (The fifth draw,
# the first blind sample, was tuned on after it was scored: it is among the tuned samples above.)
BLIND_SAMPLES = {
    "blind2": Path(__file__).parent / "gold" / "entities_blind2.toml",  # ninth draw, seed 1796569448, 15:04 UTC
    "blind3": Path(__file__).parent / "gold" / "entities_blind3.toml",  # tenth draw, seed 1796570831, 15:27 UTC
    "blind4": Path(__file__).parent / "gold" / "entities_blind4.toml",  # eleventh draw, seed 1796572165, 15:49 UTC
    "blind5": Path(__file__).parent / "gold" / "entities_blind5.toml",  # thirteenth draw, seed 1796578467, 17:34 UTC
    "blind6": Path(__file__).parent / "gold" / "entities_blind6.toml",  # fourteenth draw, seed 1796580086, 18:01 UTC
    "blind7": Path(__file__).parent / "gold" / "entities_blind7.toml",  # fifteenth draw, seed 1796581136, 18:18 UTC
    # labelled the eighteenth draw, the nineteenth by time (select_heldout.py says why)
    "blind8": Path(__file__).parent / "gold" / "entities_blind8.toml",  # seed 1796588439, 20:20 UTC
    "blind9": Path(__file__).parent / "gold" / "entities_blind9.toml",  # twentieth draw, seed 1796590279, 20:51 UTC
    "blind10": Path(__file__).parent / "gold" / "entities_blind10.toml",  # twenty-second, seed 1796596415, 22:33 UTC
    "blind11": Path(__file__).parent / "gold" / "entities_blind11.toml",  # twenty-third, seed 1796598622, 23:10 UTC
    "blind12": Path(__file__).parent / "gold" / "entities_blind12.toml",  # twenty-fourth, seed 1796600204, 23:36 UTC
    "blind13": Path(__file__).parent / "gold" / "entities_blind13.toml",  # twenty-eighth, seed 1796608908, 02:01 UTC
    "blind14": Path(__file__).parent / "gold" / "entities_blind14.toml",  # twenty-ninth, seed 1796610524, 02:28 UTC
    "blind15": Path(__file__).parent / "gold" / "entities_blind15.toml",  # thirtieth, seed 1796616833, 04:13 UTC
    "blind16": Path(__file__).parent / "gold" / "entities_blind16.toml",  # thirty-first, seed 1796617880, 04:31 UTC
    "blind17": Path(__file__).parent / "gold" / "entities_blind17.toml",  # thirty-second, seed 1796618468, 04:41 UTC
    "blind18": Path(__file__).parent / "gold" / "entities_blind18.toml",  # thirty-third, seed 1796619168, 04:52 UTC
}
SAMPLES.update(BLIND_SAMPLES)
# (sample, kind) -> (precision, recall) measured when the sample was scored; the issue's targets are
# precision >= 0.97 for each kind, recall >= 0.97 for persons and >= 0.95 for places and organisations
BLIND_LEVELS = {
    # ninth draw at 4210d1b: persons 224 gold, 221 tagged, 218 matched; places 61/59/54; orgs 147/143/135
    ("blind2", "persons"): (0.986, 0.973), ("blind2", "places"): (0.915, 0.885), ("blind2", "orgs"): (0.944, 0.918),
    # tenth draw at 6aada2b: persons 236 gold, 237 tagged, 232 matched; places 56/60/54; orgs 125/119/111
    ("blind3", "persons"): (0.979, 0.983), ("blind3", "places"): (0.900, 0.964), ("blind3", "orgs"): (0.933, 0.888),
    # eleventh draw at 0a30e13: persons 250 gold, 250 tagged, 248 matched; places 71/68/64; orgs 101/93/91
    ("blind4", "persons"): (0.992, 0.992), ("blind4", "places"): (0.941, 0.901), ("blind4", "orgs"): (0.978, 0.901),
    # thirteenth draw at 3afa7a9 (the fourth freeze): persons 263 gold, 260 tagged, 257 matched; places 48/43/43;
    # orgs 135/130/125; no wrong @ref
    ("blind5", "persons"): (0.988, 0.977), ("blind5", "places"): (1.000, 0.895), ("blind5", "orgs"): (0.961, 0.925),
    # fourteenth draw at 471d3bf (the fifth freeze): persons 209 gold, 209 tagged, 206 matched; places 55/55/51;
    # orgs 114/111/99; 1 wrong @ref (the "Cheka" of a 1933 banquet, the OGPU by then)
    ("blind6", "persons"): (0.985, 0.985), ("blind6", "places"): (0.927, 0.927), ("blind6", "orgs"): (0.891, 0.868),
    # fifteenth draw at c07e235 (the sixth freeze): persons 280 gold, 278 tagged, 274 matched;
    # places 89/92/87; orgs 105/104/97; 1 wrong @ref (Medvedev's "Moscow" for Mexico, read as the place meant)
    ("blind7", "persons"): (0.985, 0.978), ("blind7", "places"): (0.945, 0.977), ("blind7", "orgs"): (0.932, 0.923),
    # eighteenth draw at 9f005fd (the seventh freeze) (82 passages, Pavlova's 12 long ones among
    # them): persons 291 gold, 292 tagged, 283 matched; places 41/40/40; orgs 152/151/145; 2 wrong @ref of 483
    # tagged (0.41 %: Pavlova's "Admiral Orlov", V. M. Orlov, linked to the NKVD's A. M. Orlov; one body)
    ("blind8", "persons"): (0.969, 0.972), ("blind8", "places"): (1.000, 0.975), ("blind8", "orgs"): (0.960, 0.953),
    # twentieth draw at b233be3 (the eighth freeze) (81 passages, Pavlova's 12 long ones among them):
    # persons 289 gold, 286 tagged, 282 matched; places 49/50/47; orgs 143/140/133; 1 wrong @ref of 476 tagged
    # (0.21 %: Stalin's "People's Commissariat of Internal Affairs" of 1924, linked to the NKVD it names, which the
    # marker read as the Commissariat of Internal Trade the next sentence means)
    ("blind9", "persons"): (0.986, 0.975), ("blind9", "places"): (0.940, 0.959), ("blind9", "orgs"): (0.950, 0.930),
    # twenty-second draw at 54a1d1f (the ninth freeze) (83 passages, Pavlova's 12 long ones among
    # them): persons 322 gold, 314 tagged, 310 matched; places 74/73/71; orgs 131/129/122; 1 wrong @ref of 516 tagged
    # (0.19 %: Rogovin's "Saveliev" of Pravda's board in 1928, linked to the Saveliev of 1932, which the marker read
    # as M. A. Saveliev, uncertain)
    ("blind10", "persons"): (0.987, 0.962), ("blind10", "places"): (0.972, 0.959), ("blind10", "orgs"): (0.945, 0.931),
    # twenty-third draw at 1b140cf (the tenth freeze) (83 passages, Pavlova's 12 long ones among
    # them): persons 263 gold, 257 tagged, 254 matched; places 55/53/46; orgs 154/156/142; no wrong @ref of 466
    # tagged. Two Pavlova passages hold 10 of the 16 place errors: the law gazettes' abbreviations `(SZ USSR)`,
    # `(SU RSFSR)`, read by the marker as titles, and Lenin's letter of 1922 on the `Union` of the republics
    # (organisation recall 0.922 when scored counted the "Politburo" of a collection's quoted title, "Stalin's Politburo
    # in the 30s", against a mention in Pavlova's prose the edition splits ("the Politburo of the Central Committee of
    # the RCP (b) - VKP (b)"); the title holds no name since the list-of-titles rule of round 14: 0.916)
    ("blind11", "persons"): (0.988, 0.965), ("blind11", "places"): (0.867, 0.836), ("blind11", "orgs"): (0.910, 0.916),
    # twenty-fourth draw at eff974f (the eleventh freeze): persons 314 gold, 311 tagged, 310 matched; places 56/56/53;
    # orgs 164/156/147; no wrong @ref of 523 tagged (82 passages marked of 83: one citation repeated word for word
    # elsewhere left out)
    ("blind12", "persons"): (0.996, 0.987), ("blind12", "places"): (0.946, 0.946), ("blind12", "orgs"): (0.942, 0.896),
    # twenty-eighth draw at bff3d56 (the twelfth freeze, after the tuning samples 9 to 11): 83 passages; persons 354
    # gold, 356 tagged, 351 matched; places 79/79/78; orgs 149/150/143; 2 wrong @ref of 585 tagged (0.34 %)
    ("blind13", "persons"): (0.985, 0.991), ("blind13", "places"): (0.987, 0.987), ("blind13", "orgs"): (0.953, 0.959),
    # twenty-ninth draw at 11b8ff4 (the thirteenth freeze), the last measure: 82 passages marked of 83 (a citation
    # repeated word for word left out); persons 281 gold, 274 tagged, 270 matched; places 58/55/55; orgs 139/143/130;
    # 1 wrong @ref of 472 tagged (0.21 %)
    ("blind14", "persons"): (0.985, 0.960), ("blind14", "places"): (1.0, 0.948), ("blind14", "orgs"): (0.909, 0.935),
    # thirtieth draw at fa44cfe (the fourteenth freeze), each passage marked by two markers against CONVENTIONS.md: 82
    # passages, no Gurdzhiyev (all drawn); persons 246 gold, 251 tagged, 245 matched; places 63/61/60; orgs 158/151/147;
    # 1 wrong @ref of 463 tagged (0.22 %: Rykov's "Council of National Economy" of 1924-1930, the register's form of
    # the VSNKh, which the markers read as the Sovnarkom he then chaired)
    ("blind15", "persons"): (0.976, 0.995), ("blind15", "places"): (0.983, 0.952), ("blind15", "orgs"): (0.973, 0.930),
    # thirty-first draw at 874e0d7 (the fifteenth freeze, tuned on the fifteenth sample), two markers a passage: 82
    # passages; persons 308 gold, 309 tagged, 304 matched; places 78/86/74; orgs 175/168/158; no wrong @ref of 563
    # tagged. Seven of the twelve place errors are one passage, the JPRS back matter's list of the FBIS Daily Report's
    # regional volumes, which the markers read as titles; most organisation misses are sub-bodies named with their owner
    # ("the Central Committee's Organizing Buro", "the press department of Central Committee")
    ("blind16", "persons"): (0.983, 0.987), ("blind16", "places"): (0.860, 0.948), ("blind16", "orgs"): (0.940, 0.902),
    # thirty-second draw at 1175ccf (the sixteenth freeze, tuned on the sixteenth sample), two markers a passage: 81
    # passages; persons 258 gold, 251 tagged, 248 matched; places 52/48/46; orgs 134/134/126 (137 tagged and
    # precision 0.920 before `predicted` left out names in the translator's expansions, words the markers never saw);
    # no wrong @ref of 433 tagged. Misses: Pavlova's list "O.V. Khlevnyuk - People's Commissariat of ...", where a
    # spaced dash joined each name to the body after it (fixed since), and Lenin's lower-case "union of socialist
    # republics" (4 of the 6 place misses)
    ("blind17", "persons"): (0.988, 0.961), ("blind17", "places"): (0.958, 0.884), ("blind17", "orgs"): (0.940, 0.940),
    # thirty-third draw at 57d01f2 (the eighteenth freeze, tuned on the seventeenth sample), the last measure, two
    # markers a passage: 83 passages, the last three of Pavlova's paragraphs among them; persons 263 gold, 258 tagged, 256
    # matched; places 72/76/71; orgs 140/133/131; 2 wrong @ref of 467 tagged (0.43 %: the Kazakh party's "Central
    # Committee" linked to the all-Union one, and one body). Places miss precision on Pavlova's "Marshal of the Soviet
    # Union" (a rank, twice) and a bio note's "Brest debates"; organisations miss recall on a bio note's bare "Opposition"
    # (twice), unregistered bodies ("Red Front", "Ekaterinburg Soviet", "Vagrius") and a lower-case "Right deviation"
    ("blind18", "persons"): (0.992, 0.973), ("blind18", "places"): (0.934, 0.986), ("blind18", "orgs"): (0.984, 0.935),
}


@pytest.fixture(scope="module")
def blinds(trees):
    result = {name: score(trees, sample) for name, sample in BLIND_SAMPLES.items()}
    for name, figures in result.items():
        for kind, f in figures.items():
            print(f"\n{name} {kind}: gold {f['gold']}, predicted {f['predicted']}, matched {f['matched']}; "
                  f"precision {f['precision']:.3f}, recall {f['recall']:.3f}; wrong @ref {f['wrong_ref']} "
                  f"({f['wrong_ref_share']:.2%} of tagged)")
    return result


@pytest.mark.parametrize("name", sorted(BLIND_SAMPLES))
def test_blind_sample_is_large_spread_over_the_texts_and_apart_from_earlier_samples(trees, name):
    def where(passage: dict) -> str:  # the passage's place in its tree: lxml proxies have no stable id()
        element = find_paragraph(trees, passage["text"], passage["contains"])
        return passage["text"] + element.getroottree().getpath(element)

    blind = gold_paragraphs(BLIND_SAMPLES[name])
    assert len(blind) >= 80
    drawn = {where(p) for p in blind}
    earlier = {where(p) for other, sample in SAMPLES.items() if other != name for p in gold_paragraphs(sample)}
    five = {"furr", "gurdzhiyev", "medvedev", "pavlova", "rogovin"}
    assert {p["text"] for p in blind} <= five
    # a text is left out of a draw only when it has no paragraph left that the draw could take (Gurdzhiyev's, after
    # the twenty-ninth draw): the draws replayed up to this one (select_heldout.py)
    left_out = five - {p["text"] for p in blind}
    if left_out:
        sys.path.insert(0, str(GOLD.parent))
        import select_heldout
        seed = blind[0]["seed"]
        before = next(before for s, *_drawn, before in select_heldout.replay(seed) if s == seed)
        for key in left_out:
            assert not select_heldout.undrawn(key, "p", seed, before), key
    assert len(drawn) == len(blind), "each blind passage is found as itself"
    homonyms = tomllib.loads((GOLD.parent / "homonyms.toml").read_text(encoding="utf-8"))["decision"]
    assert not earlier & drawn
    # as the draw left them out (select_heldout.py): no homonym decision's words in a blind passage
    for passage in blind:
        words = " ".join(own_text(find_paragraph(trees, passage["text"], passage["contains"])).split())
        assert not [d for d in homonyms if d["text"] == passage["text"] and d["contains"] in words], passage
    assert all("orgs" in p for p in blind), "the blind samples mark organisations too"


@pytest.mark.parametrize("name, kind", sorted(BLIND_LEVELS))
def test_blind_samples_hold_the_level_they_measured_against_the_issue_target(blinds, name, kind):
    """Issue 12's targets: person precision and recall >= 0.97; place and organisation precision >= 0.97,
    recall >= 0.95. Met on the three blind samples: persons (0.986/0.973, 0.979/0.983, 0.992/0.992), and
    organisation precision on the last (0.978). Not met: places (0.915/0.885, 0.900/0.964, 0.941/0.901:
    a region after its city and "Washington, D.C." cut short, fixed after the ninth draw; places inside a
    body's lower-case or unregistered name, fixed after the tenth; then damaged forms, "Russiain",
    "Buryat- Mongolia", a city for its oblast, "Kalinin" for Tver, places the register does not hold), and
    organisation recall (0.918, 0.888, 0.901: OCR-garbled commissariat abbreviations, lower-case
    sub-bodies, members' plurals the marker read as a party, "the Social-Democracy" as the SPD). The
    assertion holds the measured level."""
    figures = blinds[name][kind]
    precision, recall = BLIND_LEVELS[(name, kind)]
    assert figures["precision"] >= precision - 0.0005, figures
    assert figures["recall"] >= recall - 0.0005, figures


@pytest.mark.parametrize("name", sorted(BLIND_SAMPLES))
def test_blind_sample_wrong_references_are_at_most_half_a_percent_of_tagged_names(blinds, name):
    """Issue 12: linked mentions pointing at a wrong entry <= 0.5 % of the names tagged. Measured: ninth
    draw 1 of 423 (0.24 %: "Middle Volga", which the marker read as the Middle Volga Krai); tenth draw 0 of
    416 (393 linked mentions matched to the gold); eleventh draw 1 of 411 (0.24 %: Medvedev's "Peoples
    Commissariat of Internal Affairs", linked to the NKVD it names, which the marker read as the foreign
    affairs commissariat the context means)."""
    figures = blinds[name]
    tagged = sum(f["predicted"] for f in figures.values())
    wrong = sum(f["wrong_ref"] for f in figures.values())
    assert sum(f["linked"] for f in figures.values()) > 200
    assert wrong / tagged <= 0.005, figures


def test_two_markers_of_the_fifteenth_draw_agree_closely():
    """The ceiling of the measure: the fifteenth draw marked a second time, independently, from the same
    headers. Taking the first marker as gold, the second's mentions agree at P 0.996 R 0.986 for persons,
    0.989 / 1.000 for places and 1.000 / 0.990 for organisations: the edition's shortfall on that draw
    (places P 0.946, organisations 0.933 / 0.924) is the rules', not the markers' disagreement."""
    first = gold_paragraphs(BLIND_SAMPLES["blind7"])
    second = gold_paragraphs(Path(__file__).parent / "gold" / "entities_blind7_second.toml")
    assert [p["contains"] for p in first] == [p["contains"] for p in second]
    for kind in KINDS:
        gold = sum(len(p[kind]) for p in first)
        other = sum(len(p[kind]) for p in second)
        both = sum(sum((Counter(m.rsplit("=", 1)[0] for m in a[kind])
                        & Counter(m.rsplit("=", 1)[0] for m in b[kind])).values()) for a, b in zip(first, second))
        print(f"\n{kind}: first {gold}, second {other}, both {both}: P {both / other:.3f} R {both / gold:.3f}")
        assert both / other >= 0.98 and both / gold >= 0.98, kind


# Whole-edition samples (select_heldout.py, WHOLE_EDITION_DRAWS): after the thirty-third draw no paragraph of Pavlova's
# or Gurdzhiyev's was left that no sample held, so each later measure is drawn from every passage of the edition, in
# the fifth draw's proportions, earlier samples' passages included, and marked blind by markers barred from every
# earlier sample. Figures for the whole draw measure the edition as it stands; those of the passages no earlier
# sample holds (FRESH_LEVELS) measure it on passages no rule was tuned on.
WHOLE_SAMPLES = {
    "whole1": GOLD.parent / "entities_whole1.toml",  # thirty-fourth draw, seed 1796626497, 06:54 UTC, rules at 6226b74
    "whole2": GOLD.parent / "entities_whole2.toml",  # thirty-fifth draw, seed 1796627981, 07:19 UTC, rules at 61b7663
    "whole3": GOLD.parent / "entities_whole3.toml",  # thirty-sixth draw, seed 1796628976, 07:36 UTC, rules at 529e19f
    "whole4": GOLD.parent / "entities_whole4.toml",  # thirty-seventh draw, seed 1796629848, 07:50 UTC, rules at 63e1c7e
    "whole5": GOLD.parent / "entities_whole5.toml",  # fortieth draw, seed 1796637284, 09:54 UTC, rules at 10db410
    "whole6": GOLD.parent / "entities_whole6.toml",  # forty-first draw, seed 1796638758, 10:19 UTC, rules at bae224f
    "whole7": GOLD.parent / "entities_whole7.toml",  # forty-second draw, seed 1796640977, 10:56 UTC, rules at 37bfdbc
    "whole8": GOLD.parent / "entities_whole8.toml",  # forty-third draw, seed 1796649314, 13:15 UTC, rules at ddf5c01
}
# (sample, kind) -> (precision, recall) when scored, at the frozen rules
WHOLE_LEVELS = {
    # 90 passages: persons 245 gold, 246 tagged, 240 matched; places 56/58/53; orgs 110/105/100; no wrong @ref of 409
    # tagged. Missed: places P and R, organisations P and R. Of the 21 passages in no earlier sample: persons 60/60/60,
    # places 12/14/12, orgs 26/23/23. Tuned on afterwards (a dash printed as a hyphen before a forename, a head word
    # referring back, quotations paired across a stray closing mark, a military district in lower case)
    ("whole1", "persons"): (0.975, 0.979), ("whole1", "places"): (0.913, 0.946), ("whole1", "orgs"): (0.952, 0.909),
    # 177 passages (of 180 drawn; three whose words stand elsewhere too left out): persons 427 gold, 422 tagged, 418
    # matched; places 139/140/137; orgs 241/240/230; 3 wrong @ref of 802 tagged (0.37 %). Met: persons, places,
    # organisation recall, wrong @ref; missed organisation precision (0.958: quoted documents' and works' titles that
    # hold bodies, a qualified party plural, `a Cheka in our party`). Of the 39 passages in no earlier sample: persons
    # 87/84/84, places 27/29/27, orgs 61/53/53, 3 wrong @ref of 166. Tuned on afterwards (a document's title opening in
    # lower case, a work's title after a colon, `the Sumgait events`, `Bolshevik groups`)
    ("whole2", "persons"): (0.990, 0.978), ("whole2", "places"): (0.978, 0.985), ("whole2", "orgs"): (0.958, 0.954),
    # 176 passages (of 180): persons 388 gold, 383 tagged, 380 matched; places 104/104/99; orgs 194/202/189; 3 wrong
    # @ref of 689 tagged (0.44 %). Met: persons, organisation recall, wrong @ref; missed place precision and recall
    # (0.952: "Prinkipo Island" cut short twice, "Tiflis" inside an observatory's name, the quoted novel "Tikhii Don")
    # and organisation precision (0.936: a list of party plurals after "a handful of former", titles of a body's
    # verbatim reports and of the Short Course, "another Politburo"). Of the 36 passages in no earlier sample: persons
    # 60/58/58, places 9/10/7, orgs 35/36/31, 2 wrong @ref of 104. Tuned on afterwards
    ("whole3", "persons"): (0.991, 0.979), ("whole3", "places"): (0.951, 0.951), ("whole3", "orgs"): (0.935, 0.974),
    # 179 passages (of 180), the last measure: persons 412 gold, 410 tagged, 410 matched; places 130/132/128; orgs
    # 269/261/255; no wrong @ref of 803 tagged. Met: persons, place recall, organisation precision, wrong @ref; missed
    # place precision by one mention (0.9697: "Prinkipo Island" cut short, "Krasnodar" inside a lower-case kraikom,
    # "Berlin" in the "Berlin-Rome Axis", "France" in a misnamed party) and organisation recall by one (0.948:
    # lower-case sub-bodies the register lacks, "the Korean section of the Comintern", quoted alleged groups, a
    # lower-case "kraikom", the Menshevik-Internationalists). Of the 33 passages in no earlier sample: persons 55/54/54,
    # places 28/30/28, orgs 38/36/33, no wrong @ref of 120. Not tuned on
    ("whole4", "persons"): (0.999, 0.994), ("whole4", "places"): (0.969, 0.984), ("whole4", "orgs"): (0.976, 0.947),
    # the fifth (fortieth draw, 179 passages, 23 in no earlier sample), rules at 10db410: persons P 0.992 R 0.992,
    # places 0.962 / 0.950, organisations 0.969 / 0.930, 1 wrong @ref of 767 tagged (the GPU of Strong's 1936-1938,
    # the NKVD). Met: persons, place recall, wrong @ref; missed place precision ("USSR" in the [Congress of] People's
    # Deputies, "Moscow" in a title after `published` and in a capitalised "Moscow Trotskyist Center"), organisation
    # precision (by one mention: a post's wording taken for a sub-body, an abbreviation's letters) and recall (quoted
    # lower-case alleged centres, lower-case sub-bodies, a capitalised "Center"). The 23 passages in no earlier sample
    # scored persons 0.980/1.000, places and organisations 1.000/1.000. Tuned on afterwards (the levels held here)
    ("whole5", "persons"): (0.991, 0.995), ("whole5", "places"): (0.999, 0.974), ("whole5", "orgs"): (0.989, 0.964),
    # the sixth (forty-first draw, 173 passages, 26 in no earlier sample), rules at bae224f: persons P 0.989 R 0.994,
    # places 0.975 / 0.987, organisations 0.963 / 0.883, 2 wrong @ref of 842 tagged (0.24%). Met: persons, places,
    # wrong @ref; missed organisation precision and recall (lower-case departments of the Central Committee and its
    # possessive before one, the Inquisition, the Jesuits and the Catholic Church unregistered, three regional
    # committees sharing a head word, a republic's "organization", an observatory and a club). The 26 passages in no
    # earlier sample scored persons 1.000/0.986, places 0.923/0.923, organisations 0.962/0.862. Tuned on afterwards
    ("whole6", "persons"): (0.988, 0.993), ("whole6", "places"): (0.980, 0.993), ("whole6", "orgs"): (0.963, 0.903),
    # the seventh (forty-second draw, 179 passages, 28 in no earlier sample), rules at 37bfdbc, the round's last:
    # persons P 0.998 R 0.990, places 0.990 / 0.971, organisations 0.957 / 0.944, 3 wrong @ref of 723 tagged (0.41%) as
    # then scored, 8 (1.11%) counted strictly (registered.txt: the 1920 Southern Front and its RVS, a Konstantinov,
    # Austen Chamberlain, the German "Schutzbund" and "Communists" the markers left without the entry they had).
    # Met: persons, places, wrong @ref; missed organisation precision (0.957: a sub-body's name cut before its
    # bracketed gloss, local NKVD branches named by "oblast", a post's department) and recall (0.944: the same, "the
    # Right and Left Oppositions", "communist party" in lower case, a referring-back "kraikom"). The 28 passages in no
    # earlier sample: persons 0.988/0.988, places 1.000/0.769, organisations 0.889/0.828. Not tuned on
    ("whole7", "persons"): (0.997, 0.989), ("whole7", "places"): (0.989, 0.970), ("whole7", "orgs"): (0.956, 0.943),
    # the eighth (forty-third draw, 178 passages, 27 in no earlier sample), rules at ddf5c01, frozen after the seventh
    # was tuned on: persons P 0.987 R 0.989 (462 gold, 463 tagged, 457 matched), places 0.990 / 0.961 (102/99/98),
    # organisations 0.983 / 0.951 (182/176/173), 3 wrong @ref of 738 tagged (0.41%), counted strictly (registered.txt):
    # the German "Communist party" and "Social-Democrats" of a passage naming no country, linked by the chapter's country,
    # and Medvedev's misnamed "Peoples Commissariat of Internal Affairs" (the foreign-affairs commissariat). Every target
    # met. The 27 passages in no earlier sample: persons 1.000/0.987, places 1.000/1.000, organisations 1.000/0.941, no
    # wrong @ref. Not tuned on
    ("whole8", "persons"): (0.987, 0.989), ("whole8", "places"): (0.990, 0.961), ("whole8", "orgs"): (0.983, 0.951),
}


@pytest.mark.parametrize("name", sorted(WHOLE_SAMPLES))
def test_whole_edition_sample_is_its_seed_s_draw_over_the_five_texts(trees, name):
    sys.path.insert(0, str(GOLD.parent))
    import select_heldout

    passages = gold_paragraphs(WHOLE_SAMPLES[name])
    seed = passages[0]["seed"]
    (draw,) = [d for s, d, sample in select_heldout.WHOLE_EDITION_DRAWS if s == seed and sample == WHOLE_SAMPLES[name]]
    drawn = select_heldout.whole_edition_draw(seed, draw)
    # each passage of the sample is one of the draw's, none twice (the draw's parts went to the markers in turn)
    positions = [next(i for i, (key, _kind, _id, text) in enumerate(drawn) if key == p["text"] and p["contains"] in text)
                 for p in passages]
    assert len(set(positions)) == len(passages) >= 80
    assert {p["text"] for p in passages} == {"furr", "gurdzhiyev", "medvedev", "pavlova", "rogovin"}
    assert all({"persons", "places", "orgs"} <= set(p) for p in passages)


@pytest.mark.parametrize("name, kind", sorted(WHOLE_LEVELS))
def test_whole_edition_samples_hold_the_level_they_measured(trees, name, kind):
    figures = score(trees, WHOLE_SAMPLES[name])[kind]
    precision, recall = WHOLE_LEVELS[(name, kind)]
    assert figures["precision"] >= precision - 0.0005, figures
    assert figures["recall"] >= recall - 0.0005, figures


@pytest.mark.parametrize("name", sorted(WHOLE_SAMPLES))
def test_whole_edition_sample_wrong_references_are_at_most_half_a_percent(trees, name):
    figures = score(trees, WHOLE_SAMPLES[name])
    tagged = sum(f["predicted"] for f in figures.values())
    assert sum(f["linked"] for f in figures.values()) > 200
    assert sum(f["wrong_ref"] for f in figures.values()) / tagged <= 0.005, figures


def test_a_link_to_an_entry_the_markers_had_and_refused_is_a_wrong_reference(tmp_path):
    """A mention marked "SURFACE=" (no entry fits) that the edition links counts as newly registered only if the
    register lacked that entry when the sample was marked (`registered.txt` in its marks folder); linked to an entry
    the register held then, the markers saw it and refused it: a wrong @ref, not a new entry."""
    from lxml import etree

    (tmp_path / "entities_probe.toml").write_text(
        '[[paragraph]]\ntext = "probe"\ncontains = "Schutzbund"\npersons = []\nplaces = []\n'
        'orgs = ["Schutzbund=", "Red Front="]\n', encoding="utf-8")
    root = etree.fromstring(
        f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>the Communists had the <orgName ref="orgs.xml#red-front">'
        'Red Front</orgName>, the Social-Democrats their <orgName ref="orgs.xml#schutzbund">Schutzbund</orgName></p>'
        '</body></text></TEI>')
    trees = {"probe-text": root}
    # no list of the register when marked: both pass as newly registered (the older samples' undercount)
    assert score(trees, tmp_path / "entities_probe.toml")["orgs"]["wrong_ref"] == 0
    (tmp_path / "probe_marks").mkdir()
    (tmp_path / "probe_marks" / "registered.txt").write_text("# the register then\nschutzbund\nkpd\n", encoding="utf-8")
    orgs = score(trees, tmp_path / "entities_probe.toml")["orgs"]
    assert (orgs["wrong_ref"], orgs["newly_registered"]) == (1, 1)


def test_whole_edition_samples_list_the_register_their_markers_read():
    """Each whole-edition sample's marks folder lists the register's ids of its marking (the commit its markers
    read): the strict count of wrong @ref depends on it."""
    for name, sample in WHOLE_SAMPLES.items():
        listed = registered_when_marked(sample)
        assert len(listed) > 2000 and {"stalin", "moscow", "central-committee"} <= listed, name
