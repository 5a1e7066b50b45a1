"""The entities stage on real passages: homonyms, initials, things named after people, derived words."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pytest
from lxml import etree

from edition import ROOT, TEI_NS as TEI, tei

NAMES = (tei("persName"), tei("placeName"), tei("orgName"))
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def text_of(trees, key):
    (root,) = [r for text_id, r in trees.items() if text_id.startswith(key)]
    return root


def received(element) -> str:
    """The words as the source has them: an OCR correction (`choice/corr`) is the editors', not the text's."""
    return " ".join("".join(t for t in element.xpath(".//text()[not(ancestor::t:corr)]",
                                                       namespaces={"t": TEI})).split())


def names(root, tag="persName"):
    """(words, register id, cert) of every name of that kind in the text."""
    return [(received(n), (n.get("ref") or "").partition("#")[2], n.get("cert")) for n in root.iter(tei(tag))]


def refs_of(root, words, tag="persName"):
    return {ref for w, ref, _ in names(root, tag) if w == words}


def test_furr_zhukov_is_always_the_historian_never_the_marshal(trees):
    furr = text_of(trees, "furr")
    zhukovs = [(w, r) for w, r, _ in names(furr) if w.endswith("Zhukov")]
    assert len(zhukovs) > 80
    assert {r for _, r in zhukovs} == {"zhukov-yu"}


def test_pavlova_marshal_zhukov_is_the_marshal(trees):
    assert refs_of(text_of(trees, "pavlova"), "G.K. Zhukov") == {"zhukov-gk"}


def test_commander_s_kamenev_is_not_lev_kamenev(trees):
    medvedev = text_of(trees, "medvedev")
    assert refs_of(medvedev, "S. Kamenev") == {"kamenev-ss"}
    assert refs_of(medvedev, "L. B. Kamenev") == {"kamenev-lb"}
    assert refs_of(medvedev, "Kamenev") == {"kamenev-lb"}


def test_three_smirnovs_told_apart_by_initials_and_undecided_when_bare(trees):
    rogovin = text_of(trees, "rogovin")
    assert refs_of(rogovin, "I. N. Smirnov") == {"smirnov-in"}
    assert refs_of(rogovin, "A. P. Smirnov") == {"smirnov-ap"}
    assert refs_of(text_of(trees, "medvedev"), "V. M. Smirnov") == {"smirnov-vm"}
    # a bare Smirnov far from any identification is not guessed
    bare = [(r, c) for w, r, c in names(rogovin) if w == "Smirnov"]
    assert ("", "low") in bare


def test_two_slepkovs_and_two_kosiors(trees):
    rogovin = text_of(trees, "rogovin")
    assert refs_of(rogovin, "Vasily Slepkov") == {"slepkov-vn"}
    assert refs_of(rogovin, "Aleksandr Slepkov") == {"slepkov-an"}
    assert refs_of(rogovin, "V. Kosior") == {"kosior-vv"}
    assert refs_of(rogovin, "Stanislav Kosior") == {"kosior-sv"}


def test_roy_and_zhores_medvedev(trees):
    furr = text_of(trees, "furr")
    assert refs_of(furr, "Roy Medvedev") == {"medvedev-ra"}
    assert refs_of(furr, "Zhores Medvedev") == {"medvedev-za"}


def test_larina_s_n_i_is_bukharin(trees):
    assert refs_of(text_of(trees, "rogovin"), "N. I.") == {"bukharin"}


def test_gorki_the_estate_and_gorky_the_writer(trees):
    assert refs_of(text_of(trees, "pavlova"), "Gorki", "placeName") == {"gorki-leninskiye"}
    assert refs_of(text_of(trees, "medvedev"), "M. Gorki") == {"gorky"}


def test_the_steamship_ilyich_is_not_lenin(trees):
    rogovin = text_of(trees, "rogovin")
    for paragraph in rogovin.iter(tei("p")):
        text = "".join(paragraph.itertext())
        if 'steamship "Ilyich"' in text or 'the "Ilyich" entered' in text:
            assert "Ilyich" not in [w for w, _, _ in names(paragraph)]
            break
    else:
        pytest.fail("the steamship passage is missing")


def test_names_inside_institution_names_are_not_persons_or_places(trees):
    medvedev = text_of(trees, "medvedev")
    for name in medvedev.iter(tei("persName"), tei("placeName")):
        following = (name.tail or "")[:12]
        assert not re.match(r"\s+(Plant|Committee|Prize|Constitution)\b", following), \
            ("".join(name.itertext()), following)
    assert "Order of Lenin" in "".join(medvedev.itertext())
    for name in medvedev.iter(tei("persName")):
        parent_text = (name.getprevious().tail if name.getprevious() is not None else name.getparent().text) or ""
        assert not parent_text.endswith("Order of "), "Order of Lenin marked as the person"


def test_derived_words_and_possessives_stay_outside(trees):
    for text_id, root in trees.items():
        for name in root.iter(*NAMES):
            words = "".join(name.itertext())
            assert not re.search(r"['’]s$", words), (text_id, words)
            tail = name.tail or ""
            assert not tail[:1].isalpha(), (text_id, words + tail[:10])  # Stalin|ist would be cut mid-word


def test_initials_are_marked_with_the_name(trees):
    pavlova = text_of(trees, "pavlova")
    assert refs_of(pavlova, "H.K. Krupskaya") == {"krupskaya"}  # Cyrillic Н misread as H
    assert refs_of(text_of(trees, "medvedev"), "Ye. A. Preobrazhenskiy") <= {"preobrazhensky"}
    initialled = [w for w, _, _ in names(text_of(trees, "medvedev")) if re.match(r"[A-Z]\. [A-Z]\. \w", w)]
    assert len(initialled) > 500


def test_unregistered_people_are_marked_without_a_guess(trees):
    medvedev = text_of(trees, "medvedev")
    unknown = [(" ".join("".join(n.itertext()).split()), n.get("cert")) for n in medvedev.iter(tei("persName"))
               if n.get("resp") == "#edition-editors" and not n.get("ref")]
    # initials before a surname the register does not hold (a misread genitive of Badayev, unconfirmed)
    assert ("A. Ye. Balayeva", "low") in unknown
    assert all(c == "low" for _, c in unknown)


def test_names_in_notes_and_captions_but_not_in_titles(trees):
    rogovin = text_of(trees, "rogovin")
    assert any(n.iterancestors(tei("note")) for n in rogovin.iter(tei("persName")) if n.get("ref"))
    assert any(list(n.iterancestors(tei("figure"))) for n in rogovin.iter(tei("persName")))
    for text_id, root in trees.items():
        for name in root.iter(*NAMES):
            assert not list(name.iterancestors(tei("title"))), text_id


def test_every_automatic_name_carries_its_provenance(trees):
    for text_id, root in trees.items():
        for name in root.iter(*NAMES):
            if name.get("resp") is None:
                continue  # encoded by an earlier stage (e.g. the headings of biographical notes)
            assert name.get("resp") == "#edition-editors"
            if not name.get("ref"):
                assert name.get("cert") == "low", (text_id, "".join(name.itertext()))


def test_every_text_is_annotated_with_high_share_of_links(built):
    for text_id, result in built.items():
        report = result.report["entities"]
        total = report["persName"] + report["placeName"] + report["orgName"]
        assert total > 150, text_id
        assert report["with_ref"] / total > 0.8, (text_id, report["with_ref"], total)


def test_names_command_prints_counts_and_review_queue():
    done = subprocess.run([sys.executable, "-m", "edition.cli", "names", "furr-struggle-for-democratic-reform",
                           "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    (row,) = report["texts"]
    assert row["persName"] > 700 and 0.9 < row["share_with_ref"] <= 1
    queue = {entry["name"]: entry["count"] for entry in report["review_queue"]}
    # Yakovlev at the June 1937 plenum: a surname three registered people share, left for the editors
    assert queue.get("Yakovlev", 0) >= 5 and "Kravtsov" not in queue  # Kravtsov, a speaker, now registered
    assert "Stalin" not in queue and "Stalinist" not in queue


def test_names_command_read_by_a_pipe_that_closes_early_ends_quietly():
    """`edition names --view bodies | head -1`: the reader stops reading; no internal error is reported."""
    command = f"{sys.executable} -m edition.cli names --view bodies --limit 100 | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert done.stdout.startswith("Unmarked bodies:"), done.stdout
    assert "error" not in done.stderr.lower(), done.stderr


def test_names_command_refuses_an_unknown_text():
    done = subprocess.run([sys.executable, "-m", "edition.cli", "names", "no-such-text"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 2
    assert "no such text: no-such-text" in done.stderr
    assert "Traceback" not in done.stderr


# --- second round: what the held-out sample and the review queue showed ---

def _block_containing(root, words, tags=("p", "note", "head", "item")):
    for block in root.iter(*(tei(t) for t in tags)):
        if words in received(block):
            return block
    raise AssertionError(f"no block with {words!r}")


def test_author_before_a_quoted_title_is_marked_and_the_title_holds_no_person(trees):
    note = _block_containing(text_of(trees, "rogovin"), "P. Broué, “Party Opposition to Stalin", ("note",))
    marked = [received(n) for n in note.iter(tei("persName"))]
    assert "P. Broué" in marked  # an accented surname after initials
    assert "Stalin" not in marked


def test_quotation_after_wrote_in_a_note_keeps_its_names(trees):
    # in a note a quotation is a title only right after an author's name and a comma; speech keeps its names
    note = _block_containing(text_of(trees, "rogovin"), "Trotsky on 14 July 1929 wrote: “In the struggle between",
                             ("note",))
    assert [n.get("ref") for n in note.iter(tei("persName"))] == [
        "persons.xml#trotsky", "persons.xml#stalin", "persons.xml#bukharin"]


def test_russian_genitive_in_cited_titles_is_no_new_person(trees):
    # Furr cites "Ubiystvo Stalina i Beriia", "Vystuplenie I.V. Stalina ...": titles, not a person Stalina
    furr = text_of(trees, "furr")
    assert not [w for w, _, _ in names(furr) if w.endswith("Stalina")]


def test_unlisted_forename_before_a_registered_surname_decides_the_link(trees):
    rogovin = text_of(trees, "rogovin")
    # the poet Bulat Okudzhava is not the Old Bolshevik Okudzhava of the register: his forename decides
    assert [(r, c) for w, r, c in names(rogovin) if w == "Bulat Okudzhava"] == [("okudzhava-bs", None)]
    # a forename no entry of the surname has (Sonya, not M. I. Ulyanova) leaves the name without @ref
    medvedev = text_of(trees, "medvedev")
    assert [(r, c) for w, r, c in names(medvedev) if w == "Sonya Ulyanova"] == [("", "low")]
    assert "okudzhava" in refs_of(rogovin, "M. Okudzhava")
    # `Iuri` transliterates the register's `Yuri`: the forename joins the name and the link stands
    assert refs_of(text_of(trees, "furr"), "Iuri Mukhin") == {"mukhin"}


def test_rank_before_a_surname_is_not_a_forename(trees):
    pavlova = text_of(trees, "pavlova")
    assert not [w for w, _, _ in names(pavlova) if w.startswith("Admiral ")]


def test_district_committee_in_lower_case_is_not_the_district(trees):
    rogovin = text_of(trees, "rogovin")
    paragraph = _block_containing(rogovin, "secretary of the Krasnopresnensky regional committee")
    assert not list(paragraph.iter(tei("placeName")))
    # the district itself, named as a district, is a place in the register
    medvedev = text_of(trees, "medvedev")
    assert refs_of(medvedev, "Krasnopresnenskiy Rayon", "placeName") == {"krasnopresnensky"}


def test_oblast_named_after_a_city_is_not_the_city(trees):
    medvedev = text_of(trees, "medvedev")
    paragraph = _block_containing(medvedev, "chairman of the Moscow Oblast Executive Committee")
    for place in paragraph.iter(tei("placeName")):
        assert not (place.tail or "").startswith(" Oblast"), "".join(place.itertext())
    # a region the register holds as a region keeps its whole name
    assert refs_of(medvedev, "Turukhanskiy Kray", "placeName") == {"turukhansk"}


def test_contractions_and_web_addresses_hold_no_places(trees):
    for root in trees.values():
        for place in root.iter(tei("placeName")):
            assert not (place.tail or "").startswith(("'t", "’t")), "".join(place.itertext())
            assert not (place.tail or "").startswith("/"), "".join(place.itertext())


def test_ocr_and_transliterated_forms_reach_their_entries(trees):
    medvedev, pavlova = text_of(trees, "medvedev"), text_of(trees, "pavlova")
    assert refs_of(medvedev, "Artur Kestler") == {"koestler"}
    assert refs_of(medvedev, "Houtermanns") == {"houtermans"}
    assert refs_of(pavlova, "H.K. Kpupskaya") == {"krupskaya"}
    assert refs_of(pavlova, "L.Z. Mehlis") == {"mekhlis"}


def test_homonymous_nevskys_told_apart_by_initials(trees):
    medvedev = text_of(trees, "medvedev")
    assert refs_of(medvedev, "V. I. Nevskiy") == {"nevsky-vi"}
    assert refs_of(medvedev, "N. A. Nevsky") == {"nevsky-na"}


def test_review_queue_leaves_out_sentence_openers_titles_and_russian_passages(built):
    queues = {text_id: result.report["entities"]["review_queue"] for text_id, result in built.items()}
    furr = next(q for t, q in queues.items() if t.startswith("furr"))
    assert "Yakovlev" in furr  # a surname several registered people share stays for the editors
    assert "Whatever" not in furr and "Inoy" not in furr  # an opener; Zhukov's book "Inoy Stalin"
    rogovin = next(q for t, q in queues.items() if t.startswith("rogovin"))
    assert "Сент" not in rogovin  # the Russian facsimiles (xml:lang="ru") are not the reading text
    assert not [name for q in queues.values() for name in q if name.endswith(("'m", "’m", "n't", "n’t"))]


def test_town_named_after_a_person_only_after_in(trees):
    medvedev = text_of(trees, "medvedev")
    paragraph = _block_containing(medvedev, "That sort of court of law took place in Kuybyshev")
    assert "samara" in {(p.get("ref") or "").partition("#")[2] for p in paragraph.iter(tei("placeName"))}
    paragraph = _block_containing(medvedev, "In Ordzhonikidze, a special session of the Supreme Court")
    assert not list(paragraph.iter(tei("persName")))
    # the man keeps his name everywhere else
    assert len(refs_of(medvedev, "Kuybyshev")) == 1 and refs_of(medvedev, "Kuybyshev") <= {"kuibyshev"}


def test_name_in_quotation_marks_before_an_institution_head_is_not_the_person(trees):
    # Furr: `The new "Stalin" Constitution guaranteed every Soviet citizen a job`
    paragraph = _block_containing(text_of(trees, "furr"), "Constitution guaranteed every Soviet citizen a job")
    for name in paragraph.iter(tei("persName")):
        assert not (name.tail or "").startswith('" Constitution'), received(name)


def test_quoted_title_after_a_word_for_a_work_holds_no_names(trees):
    # Medvedev: `In his article "Stalin and the Red Army" K. Ye. Voroshilov ascribed to Stalin ...`
    paragraph = _block_containing(text_of(trees, "medvedev"), 'In his article "Stalin and the Red Army"')
    words = [received(n) for n in paragraph.iter(tei("persName"))]
    assert "K. Ye. Voroshilov" in words
    assert not any((n.tail or "").startswith(" and the") for n in paragraph.iter(tei("persName")))
    # Rogovin: Trotsky's article “Hands Off Rosa Luxemburg!” names no one
    paragraph = _block_containing(text_of(trees, "rogovin"), "rotsky wrote an article, “Hands Off Rosa Luxemburg!”",
                                  ("p",))
    # she is named once before the title ("above all, Rosa Luxemburg"), and that mention stands
    assert [received(n) for n in paragraph.iter(tei("persName"))].count("Rosa Luxemburg") == 1


def test_a_list_of_quoted_titles_after_the_word_for_them_holds_no_names(trees):
    """Pavlova: `the compilers of the collections of documents "Stalin's Politburo in the 30s", "The Politburo of
    the Central Committee of the RCP (b) - VKP(b): Meeting agendas..."`: a plural word for works, and each title
    of the list after it, not only the first."""
    paragraph = _block_containing(text_of(trees, "pavlova"), "compilers of the collections of documents")
    markup = etree.tostring(paragraph, encoding="unicode")
    titles = markup[markup.index("collections of documents"):markup.index("Catalog.")]
    assert "Stalin's Politburo" in titles and "Name" not in titles, titles
    assert "Politburo</orgName>" in markup[markup.index("Catalog."):]  # named after the titles, it is a name


def test_a_document_cited_by_its_title_holds_no_names(trees):
    """A quotation opening with `On` after a word for a document (`the decree of the Central Executive Committee
    and Council of People's Commissars of the USSR, “On the Establishment of a Unified Passport System for the
    USSR ...”`), one opening with a document's word (`the "Appeal to All Members of the VKP(b)"`), one followed by
    what it is (`“Illustrated Russia,” an emigré newspaper`), an article signed with initials (`G. G., “Inside the
    Right-Centrist Bloc (A Letter from Moscow)”`), a collection of documents' title: no name inside is a mention.
    Speech after a full stop keeps its names (`“On the tenth anniversary of the October Revolution, ...”`)."""
    rogovin, pavlova = text_of(trees, "rogovin"), text_of(trees, "pavlova")
    cases = ((rogovin, "On the Establishment of a Unified Passport System for the USSR", "USSR"),
             (rogovin, "Appeal to All Members of the VKP(b)", "VKP(b)"),
             (rogovin, "Illustrated Russia", "Russia"),
             (rogovin, "Inside the Right-Centrist Bloc (A Letter from Moscow)", "Moscow"),
             (rogovin, "On the Factional Work of Syrtsov, Lominadze and others", "Syrtsov"),
             (pavlova, "Order of the Council of People's Commissars on the Implementation", "Council of People's Commissars"),
             (pavlova, "Stalin's Politburo in the 30s", "Politburo"),
             (rogovin, "About the Case of the So-Called 'Union of Marxist-Leninists.'", "Union of Marxist-Leninists"),
             (pavlova, "The Role of Stalin's Secret Chancellery in the Soviet System", "Stalin"),
             (pavlova, "Draft Regulations on Cells of the RCP(b)", "RCP(b)"),
             (pavlova, "Rules for the Handling of Secret Documents of the Central Committee of the RCP", "Central Committee"))
    for root, title, name in cases:
        block = _block_containing(root, title)
        text = received(block)
        at = text.index(title)
        spans, offset = [], 0
        for element in block.iter(tei("persName"), tei("placeName"), tei("orgName")):
            spans.append(received(element))
        # the name's words occur in the title; none of the block's names may be those words there
        inside = text[at:at + len(title)]
        assert name in inside
        assert spans.count(name) <= text.count(name) - inside.count(name), (title, name)
    speech = _block_containing(rogovin, "On the tenth anniversary of the October Revolution")
    assert "October Revolution" in [received(n) for n in speech.iter(tei("orgName"), tei("persName"))] or \
        not any("October" in received(n) for n in speech.iter(tei("placeName")))


def test_a_glossed_russian_title_and_an_imprint_in_prose_name_no_place(trees):
    """`the novel "Moskva. 41-y" [Moscow, 1941]`: the title and the translator's rendering of it are titles;
    `Vlast' i oppozitsii, Moskva: Tovarishestvo "Zhurnal 'Teatr,'" 1993`: an imprint, wherever it stands."""
    medvedev, rogovin = text_of(trees, "medvedev"), text_of(trees, "rogovin")
    novel = _block_containing(medvedev, "The author of the novel")
    for seg in novel.iter(tei("seg")):
        if "Moskva" in received(seg):
            assert [received(t) for t in seg.iter(tei("title"))] == ["Moskva. 41-y", "Moscow, 1941"]
            assert not list(seg.iter(tei("placeName")))
    front = _block_containing(rogovin, "Vlast' i oppozitsii")
    assert "Moskva" not in [received(p) for p in front.iter(tei("placeName"))]
    # glossed words that are no titles keep their names (`members of "Narodnaya Volya" ['Peoples Freedom"]`)
    assert any(received(o) == "Narodnaya Volya" for o in medvedev.iter(tei("orgName")))


def test_thing_named_after_a_person_in_lower_case_is_not_the_person(trees):
    # Pavlova: `The Lenin recruitment has already rendered the first service`; Rogovin: `on the Lenin mausoleum`
    paragraph = _block_containing(text_of(trees, "pavlova"), "recruitment has already rendered the first service")
    assert not [n for n in paragraph.iter(tei("persName")) if (n.tail or "").startswith(" recruitment")]
    rogovin = text_of(trees, "rogovin")
    assert not [n for n in rogovin.iter(tei("persName")) if (n.tail or "").startswith(" mausoleum")]


def test_people_named_in_a_group_s_description_are_mentions_each_of_a_joined_pair(trees):
    # the editors' decision of 2026-12-04: `the Syrtsov-Lominadze opposition group` names both men
    note = _block_containing(text_of(trees, "rogovin"), "One of organizers of Syrtsov-Lominadze opposition group")
    marked = [(received(n), (n.get("ref") or "").partition("#")[2]) for n in note.iter(tei("persName"))]
    assert ("Syrtsov", "syrtsov") in marked and ("Lominadze", "lominadze") in marked
    # Medvedev's dash: `the Zinovyev—Kamenev opposition`; Rogovin's `Riutin Platform`, `Bukharin “troika”`
    paragraph = _block_containing(text_of(trees, "medvedev"), "differences with the Zinovyev—Kamenev opposition")
    assert {"Zinovyev", "Kamenev"} <= {received(n) for n in paragraph.iter(tei("persName"))}
    rogovin = text_of(trees, "rogovin")
    for words, person in (("As noted in the “Riutin Platform,”", "Riutin"),
                          ("mistaken in supporting the Bukharin “troika”", "Bukharin")):
        assert person in {received(n) for n in _block_containing(rogovin, words).iter(tei("persName"))}
    # a place before a group word is the place: `the Leningrad opposition`; before an event's head it is not
    paragraph = _block_containing(rogovin, "much softer criticism by the Leningrad opposition")
    assert "Leningrad" in {received(n) for n in paragraph.iter(tei("placeName"))}
    for root in trees.values():
        for name in root.iter(tei("placeName")):
            assert not re.match(r"\s+trials?\b", name.tail or ""), received(name)
    # a person before an event's head is a mention in capitals as in lower case; a place is not
    paragraph = _block_containing(text_of(trees, "furr"), "the military purges or \"Tukhachevskii Affair\" of 1937")
    assert "Tukhachevskii" in {received(n) for n in paragraph.iter(tei("persName"))}
    assert "Moscow" not in {received(n) for n in paragraph.iter(tei("placeName"))}  # the Moscow Trials of 1936-38


def test_derived_and_thing_compounds_stay_unmarked(trees):
    # `the Trotskyite-Zinovyevite bloc` is derived words; `the Moscow-Volga canal` a thing; `Pro-Khrushchev` derived
    medvedev = text_of(trees, "medvedev")
    paragraph = _block_containing(medvedev, "Trotskyite-Zinovyevite bloc")
    assert not [n for n in paragraph.iter(*NAMES) if "Zinov" in received(n) or "Trotsk" in received(n)]
    paragraph = _block_containing(medvedev, "The banks of the Moscow-Volga and the White Sea-Baltic Sea")
    assert not [received(n) for n in paragraph.iter(tei("placeName")) if received(n) in ("Moscow", "Volga")]
    gurdzhiyev = text_of(trees, "gurdzhiyev")
    assert not [n for n in gurdzhiyev.iter(tei("persName")) if (n.getprevious() is not None and
                                                                 (n.getprevious().tail or "").endswith("Pro-"))]


def test_a_party_s_adjective_names_the_party_only_before_a_word_for_its_people(trees):
    # Medvedev: `a Bolshevik deputy to the State Duma`, `many Bolshevik administrators`; Pavlova's
    # `Socialist-Revolutionary and Menshevik parties`: each adjective its party, with its certainty
    medvedev = text_of(trees, "medvedev")
    for words in ("a Bolshevik deputy to the State Duma", "many Bolshevik administrators"):
        marked = [(received(n), n.get("ref"), n.get("cert")) for n in _block_containing(medvedev, words).iter(tei("orgName"))]
        assert ("Bolshevik", "orgs.xml#party", "medium") in marked, marked
    paragraph = _block_containing(text_of(trees, "pavlova"), "Socialist-Revolutionary and Menshevik parties")
    refs = {received(n): n.get("ref") for n in paragraph.iter(tei("orgName"))}
    assert refs.get("Socialist-Revolutionary") == "orgs.xml#srs" and refs.get("Menshevik") == "orgs.xml#mensheviks"
    # the party's views, an Old Bolshevik, and a city's organisation: no mention of the party, the city no owner
    for root in trees.values():
        for name in root.iter(tei("orgName")):
            if received(name) == "Bolshevik":
                assert not re.match(r"\s+(?:tradition|principles|strategy|guard)\b", name.tail or ""), name.tail
                before = name.getprevious().tail if name.getprevious() is not None else name.getparent().text
                assert not re.search(r"\b[Oo]ld\s+$", before or "")
    paragraph = _block_containing(medvedev, "Bolshevik organization could protest")
    assert "Petrograd" in {received(n) for n in paragraph.iter(tei("placeName"))}
    # and a city's party people keep the city: `Moscow Party leader Khrushchev`
    paragraph = _block_containing(text_of(trees, "furr"), "criticized Moscow Party leader")
    assert "Moscow" in {received(n) for n in paragraph.iter(tei("placeName"))}


def test_members_singled_out_are_people_not_the_party(trees):
    # Rogovin: `a significant portion of the Bolsheviks`; Medvedev: `the Bolsheviks of Omsk`; but `the
    # Bolsheviks took power` is the party
    rogovin = text_of(trees, "rogovin")
    paragraph = _block_containing(rogovin, "a significant portion of the Bolsheviks")
    assert "Bolsheviks" not in {received(n) for n in paragraph.iter(tei("orgName"))}
    paragraph = _block_containing(text_of(trees, "medvedev"), "it is time for the Bolsheviks of Omsk")
    assert "Omsk" in {received(n) for n in paragraph.iter(tei("placeName"))}
    assert "Bolsheviks" not in {received(n) for n in paragraph.iter(tei("orgName"))}
    assert any(received(n) == "Bolsheviks" for n in rogovin.iter(tei("orgName")))


def test_a_lower_case_group_is_named_only_after_so_called(trees):
    # Pavlova: `the so-called. right bias` (the translation's full stop kept), `the entire so-called. new
    # opposition`; but `old and new opposition groups` are words
    pavlova = text_of(trees, "pavlova")
    marked = [(received(n), n.get("ref")) for n in pavlova.iter(tei("orgName")) if received(n).islower()]
    assert ("right bias", "orgs.xml#right-opposition") in marked and ("new opposition", "orgs.xml#new-opposition") in marked
    for name in pavlova.iter(tei("orgName")):
        if received(name) in ("right bias", "new opposition", "right deviation"):
            before = "".join(name.xpath("preceding::text()[position() <= 3]"))
            assert re.search(r"so-called\.?\s+$", before), before


def test_a_quotation_after_its_author_or_a_meeting_is_a_title(trees):
    # Pavlova cites `M. Eastman "After the death of Lenin"` and `a round table meeting "Stalin's model of
    # socialism..."`: the names in the titles are no mentions (each name marked is shown as `@`)
    pavlova = text_of(trees, "pavlova")
    for words in ('Eastman "After the death of Lenin"', "round table meeting \"Stalin's model of socialism"):
        paragraph = copy.deepcopy(_block_containing(pavlova, words))
        for name in paragraph.iter(tei("persName")):
            name.tail = "@" + (name.tail or "")
            for child in list(name):
                name.remove(child)
            name.text = ""
        shown = received(paragraph)
        assert words.replace("Lenin", "@").replace("Stalin's", "@'s") not in shown, shown
        assert words in received(_block_containing(pavlova, words))


def test_a_city_s_organisation_of_the_party_is_one_body(trees):
    # Medvedev: `Stalin went to work on the Baku organization of the RSDRP`: neither the city nor the party alone
    paragraph = _block_containing(text_of(trees, "medvedev"), "went to work on the Baku organization of the")
    outer = [n for n in paragraph.iter(tei("orgName")) if received(n).startswith("Baku organization of the")]
    assert len(outer) == 1 and outer[0].get("cert") == "low" and not outer[0].get("ref")
    assert outer[0].getparent().tag == tei("p")  # the whole is the mention; the city and the party are its parts


def test_signatures_name_their_authors(trees):
    # Rogovin's `– V. R.` (in italics) and Pavlova's `- I.P.` after their remarks within quotations
    for key, form, person in (("rogovin", "V. R.", "rogovin"), ("pavlova", "I.P.", "pavlova")):
        signed = [n for n in text_of(trees, key).iter(tei("persName")) if received(n) == form]
        assert len(signed) > 20 and {n.get("ref") for n in signed} == {f"persons.xml#{person}"}, (key, len(signed))


def test_signature_initials_before_a_surname_are_that_person_s():
    from lxml import etree

    from edition.entities import Annotator, matcher
    annotator = Annotator(matcher())
    annotator.learn_signatures({"I.P.": "pavlova"})
    paragraph = etree.Element(tei("p"))
    found = annotator.finditer("as the physiologist I.P. Pavlov wrote (emphasis mine - I.P.).", paragraph)
    signed = [(m.group(), m.entry.id if m.entry else None) for m in found]
    assert ("I.P.", "pavlova") in signed and signed.count(("I.P.", "pavlova")) == 1, signed


def test_a_country_s_initials_before_a_title_are_the_country(trees):
    # Medvedev: `special ambassador of U.S. President F. Roosevelt`: no person `U.S. President`
    paragraph = _block_containing(text_of(trees, "medvedev"), "special ambassador of U.S. President")
    assert "U.S." in {received(n) for n in paragraph.iter(tei("placeName"))}
    assert not [n for n in paragraph.iter(tei("persName")) if "President" in received(n)]


def test_a_translated_title_inside_a_quoted_title_holds_no_names(trees):
    # Rogovin's note: `Korsakov, “Stanovlenie Instituta filosofii ... [Founding of the Institute of Philosophy and
    # the Fate of Philosophers under the Stalinist Regime],”`
    note = _block_containing(text_of(trees, "rogovin"), "Founding of the Institute of Philosophy", ("note",))
    assert not list(note.iter(tei("orgName")))


def test_a_name_split_by_supplied_letters_is_marked_whole(trees):
    # Pavlova quotes Zinoviev and Kamenev: `V[ladimir] I[lyich] never took these letters back`, six times
    paragraph = _block_containing(text_of(trees, "pavlova"), "Vladimir Ilyich never took these letters back")
    whole = [n for n in paragraph.iter(tei("persName")) if received(n) == "Vladimir Ilyich"]
    assert len(whole) == 6 and {n.get("ref") for n in whole} == {"persons.xml#lenin"}
    assert all(len(n.findall(tei("supplied"))) == 2 for n in whole)  # the author's supplied letters kept inside


def test_initials_alone_are_the_one_person_the_division_named_with_them(trees):
    # Pavlova quotes the Ulyanovs' letters: `talked with M.I. (Ulyanova - I.P.)`, `she told V.I. about this
    # reprimand`: Maria Ilyinichna and Vladimir Ilyich, named in the chapter; the translation's `A.I., authorized
    # representatives of the Council of Labor and Defense` has lost the name, and the initials are no mention
    pavlova = text_of(trees, "pavlova")
    for words, initials, person in (("talked with M.I.", "M.I.", "ulyanova"), ("told V.I. about this reprimand", "V.I.", "lenin")):
        marked = {received(n): n.get("ref") for n in _block_containing(pavlova, words).iter(tei("persName"))}
        assert marked.get(initials) == f"persons.xml#{person}", marked
    paragraph = _block_containing(pavlova, "it would be quite enough for A.I.")
    assert "A.I." not in {received(n) for n in paragraph.iter(tei("persName"))}
    # nor Furr's `C.C.` (the Central Committee), nor a bibliography's inverted `Nevezhin, V. A.`
    for root in trees.values():
        assert not [n for n in root.iter(tei("persName")) if received(n) in ("C.C.", "U.S.", "S.R.")]


def test_a_family_by_its_surname_in_the_plural_is_a_mention(trees):
    # Rogovin: `the attempts of the Slepkovs, Aikhenvalds and ...`, `The Kaganoviches will rule`: the surname's
    # family, decided as the surname would be (the register's two Slepkovs leave it undecided)
    rogovin = text_of(trees, "rogovin")
    marked = {received(n): n.get("ref") for n in rogovin.iter(tei("persName"))}
    assert {"Slepkovs", "Kaganoviches"} <= set(marked) and marked["Aikhenvalds"] == "persons.xml#aikhenvald"


def test_the_union_alone_is_the_ussr_and_a_hero_of_it_no_mention(trees):
    # Pavlova: `refusal to enter the Union through the Transcaucasian Federation`; not `the Union of Marxist-
    # Leninists` (Rogovin), nor the title `Hero of the Soviet Union`
    paragraph = _block_containing(text_of(trees, "pavlova"), "refusal to enter the Union through")
    assert ("Union", "places.xml#ussr") in {(received(n), n.get("ref")) for n in paragraph.iter(tei("placeName"))}
    for root in trees.values():
        for name in root.iter(tei("placeName")):
            if received(name) == "Union":
                assert not re.match(r"\s+(?:of\b|[A-Z])", name.tail or "")
            if received(name) == "Soviet Union":
                before = "".join(name.xpath("preceding::text()[position() <= 2]"))
                assert not re.search(r"[Hh]eroe?s? of the\s+$", before), before


def test_a_dash_between_spaces_after_a_name_does_not_join_it_to_the_next_name(trees):
    """Pavlova's list of who studied what, `O.V. Khlevnyuk - People's Commissariat of Heavy Industry, M. Tauger -
    People's Commissariat of Agriculture`: a dash between spaces is punctuation, not the hyphen of `Kirov-Plant`,
    so the person before it stays a mention. No initialled name before such a dash is left untagged anywhere."""
    dashed = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,2}\s?[A-Z][a-z]{2,}\s[-–]\s[A-Z]")
    names = (tei("persName"), tei("title"))
    untagged = []
    for root in trees.values():
        for element in root.find(tei("text")).iter():
            if any(a.tag in names for a in (element, *element.iterancestors())):
                continue
            untagged += dashed.findall(element.text or "")
        for element in root.find(tei("text")).iter(*names):
            if not any(a.tag in names for a in element.iterancestors()):
                untagged += dashed.findall(element.tail or "")
    assert not untagged, untagged
    paragraph = _block_containing(text_of(trees, "pavlova"), "Khlevnyuk - People's Commissariat of Heavy Industry")
    marked = [received(n) for n in paragraph.iter(tei("persName"))]
    assert {"M. Tauger", "V. Barnet", "E. Rees"} <= set(marked) and marked.count("O.V. Khlevnyuk") == 2


def test_a_bare_opposition_after_its_full_name_refers_back_to_it(trees):
    """Rogovin's biographical notes: `Supported Left Opposition, 1926–1929. ... Broke with Opposition in 1929`: the
    bare word refers back to the body named before it in the passage (the marking guide's settled reading 24,
    rules.toml `referring_heads`); an inline note's words are a passage of their own. No block of the edition leaves such a word untagged after a registered
    `... Opposition`, nor tags one with an id other than the last such body's; a title's `of the Opposition` is
    no mention."""
    bare = re.compile(r"(?<![\w'’-])Opposition(?![\w'’-])")
    untagged, other = [], []
    for root in trees.values():
        for block in root.find(tei("text")).iter(tei("p"), tei("item")):
            last = None  # the @ref of the last registered `... Opposition` in reading order
            for node in block.iter():
                if any(a.tag == tei("note") for a in node.iterancestors() if block in a.iterancestors()):
                    continue  # an inline note is a passage of its own (`the (Left – V. R.) Opposition`)
                if node.tag in NAMES and node.get("ref") and received(node).endswith(" Opposition"):
                    last = node.get("ref")
                elif node.tag == tei("orgName") and received(node) == "Opposition" and last \
                        and node.get("ref") != last:
                    other.append((block.get(XML_ID), node.get("ref"), last))
                for words in ((node.tail,) if node.tag in (*NAMES, tei("title"), tei("note")) else ()):
                    for found in bare.finditer(words or ""):
                        before = (words or "")[:found.start()]
                        if last and not re.search(r"[A-Z][\w'’-]*[”\"»]?\s+[“\"«]?$|[A-Z][\w'’-]*\s+of\s+(?:the\s+)?$",
                                                  before) and before:
                            untagged.append((block.get(XML_ID), words[max(0, found.start() - 40):found.end()]))
    assert not untagged, untagged
    assert not other, other
    note = _block_containing(text_of(trees, "rogovin"), "Broke with Opposition in 1929", ("item",))
    assert ("Opposition", "orgs.xml#left-opposition") in {(received(n), n.get("ref")) for n in note.iter(tei("orgName"))}


def test_a_lower_case_communist_faction_of_a_body_names_the_party(trees):
    """`the communist faction of the Congress of Soviets`, `of the Presidium of the VTsIK`: the party's members in a
    body of the state (rules.toml `faction_adjectives`); the same word elsewhere is no name (`communist ideals`)."""
    tagged, untagged = 0, []
    for root in trees.values():
        for block in root.find(tei("text")).iter(tei("p"), tei("item"), tei("note")):
            words = received(block)
            marked = [n for n in block.iter(tei("orgName")) if received(n) == "communist"]
            found = len(re.findall(r"\bcommunist fr?actions? of\b", words))
            tagged += len(marked)
            if len(marked) < found:
                untagged.append(block.get(XML_ID))
            assert all(n.get("ref") == "orgs.xml#party" for n in marked)
            assert len(marked) <= found, block.get(XML_ID)  # no other lower-case `communist` tagged
    assert not untagged and tagged >= 4, (untagged, tagged)


def test_the_central_committee_s_bulletin_is_a_title_not_a_mention_of_the_committee(trees):
    """Pavlova's `the journal *Izvestia* of the Central Committee of the CPSU` (Izvestiia TsK KPSS): the words after
    the italic title go on with it, and name no body; nowhere in the edition is a body tagged in such a title."""
    seen = 0
    for root in trees.values():
        for title in root.iter(tei("title")):
            if received(title) not in ("Izvestia", "Izvestiia"):
                continue
            following = title.getparent() if title.getparent().tag == tei("hi") else title
            if re.match(r"\s+of\s+the\s*$", following.tail or "") or re.match(r"\s+of\s+the\s+Central", following.tail or ""):
                seen += 1
                after = following.getnext()
                assert not (after is not None and after.tag == tei("orgName")
                            and received(after).startswith("Central Committee")), received(title.getparent())
    assert seen >= 2


def test_a_forename_and_surname_after_a_hyphen_for_a_dash_are_one_name(trees):
    """Medvedev's `three members of the Politburo of the German Communist Party-Hermann Remmele`: the hyphen stands
    for a dash, and the forename the register gives the man is part of his name. No person of the edition is left
    with one of his own forenames outside his name just after a hyphen."""
    from edition.registers import load_registers

    forenames = {e.id: set(e.forenames) for e in load_registers()[0]["person"]}
    cut = []
    for root in trees.values():
        for name in root.find(tei("text")).iter(tei("persName")):
            before = name.getprevious().tail if name.getprevious() is not None else name.getparent().text
            word = re.search(r"-([A-Z][a-z]+)\s$", before or "")
            if word and word.group(1) in forenames.get((name.get("ref") or "").partition("#")[2], ()):
                cut.append(received(name.getparent())[:80])
    assert not cut, cut
    paragraph = _block_containing(text_of(trees, "medvedev"), "German Communist Party-Hermann Remmele")
    marked = {received(n) for n in paragraph.iter(tei("persName"))}
    assert {"Hermann Remmele", "Hans Kannenberger"} <= marked, marked


def test_a_head_word_refers_back_only_standing_alone(trees):
    """Settled reading 24 (rules.toml `referring_heads`): Pavlova's `the Library of Congress ... the Library staff`
    is the Library of Congress; `the Bureau of the Central Committee` after `the Organizing Bureau` is a name of its
    own, never the Orgburo by reference."""
    paragraph = _block_containing(text_of(trees, "pavlova"), "the Library staff")
    assert ("Library", "orgs.xml#library-of-congress") in {(received(n), n.get("ref")) for n in paragraph.iter(tei("orgName"))}
    for root in trees.values():
        for name in root.iter(tei("orgName")):
            if received(name) in ("Opposition", "Library", "Presidium", "Collegium", "Bureau") and name.get("ref"):
                assert not re.match(r"[”\"»]?\s+of\b", name.tail or ""), received(name.getparent())[:120]


def test_quotations_pair_across_no_stray_closing_mark_and_a_title_before_its_imprint_is_a_title():
    from edition.entities import title_spans

    # Pavlova's machine translation lost an opening mark: the stray closer after `USSR` must not open a quotation
    text = ('organizations in the USSR", found in the collection (kept at the Hoover Institution), and another - '
            'under the title "Organization and Function of the Special Sector of the Central Committee" (Library')
    spans = [text[a:b] for a, b in title_spans(text, False, False)]
    assert spans == ['"Organization and Function of the Special Sector of the Central Committee"'], spans
    # a quotation before its imprint in brackets is a title; before a sentence with a year it is not
    text = 'in the book ("Stalin\'s Special Departments". Copenhagen, 1989), he analyzed'
    assert [text[a:b] for a, b in title_spans(text, False, False)] == ['"Stalin\'s Special Departments"']
    text = 'one of the leaders of the "military opposition." In Red Army, 1918–1920.'
    assert title_spans(text, False, False) == []


def test_furr_s_initials_after_his_remarks_are_his(trees):
    """Furr signs his bracketed remarks within quotations `-- GF` (the profile's signatures)."""
    furr = text_of(trees, "furr")
    signed = [n for n in furr.iter(tei("persName")) if received(n) == "GF"]
    assert len(signed) >= 3 and all(n.get("ref") == "persons.xml#furr" for n in signed)


def test_a_document_s_title_opens_in_lower_case_too_and_a_work_s_title_may_follow_a_colon():
    from edition.entities import title_spans

    text = 'This is actually not a law but a "decision of the Central Executive Committee and the Council" -- i.e.'
    assert [text[a:b] for a, b in title_spans(text, False, False)] == [
        '"decision of the Central Executive Committee and the Council"']
    text = 'Pravda published a lead article inspired by Stalin: “The Comintern on the Struggle against Right Deviations.”'
    assert len(title_spans(text, False, False)) == 1
    # a colon after a word that is no work's (`into play`) opens quoted speech, which keeps its names
    text = 'where does "independence" come into play? Kamenev: "I think, since Vladimir Ilyich insists, it will be worse."'
    assert title_spans(text, False, False) == []


def test_a_place_before_events_names_the_events(trees):
    """Settled reading 22: `the Sumgait events`, like `the Sumgait pogrom`, is no mention of the town."""
    for root in trees.values():
        for name in root.iter(tei("placeName")):
            assert not re.match(r"\s+events?\b", name.tail or ""), received(name.getparent())[:100]


def test_a_qualifier_before_a_list_of_party_plurals_makes_them_all_people(trees):
    """Medvedev: `Only a handful of former socialist-revolutionaries, Bundists, Mensheviks, Constitutional Democrats,
    Dashnaks, Musavatists and anarchists were spared`: the first item's words qualify the list (settled reading 1)."""
    paragraph = _block_containing(text_of(trees, "medvedev"), "a handful of former socialist-revolutionaries")
    tagged = {received(n) for n in paragraph.iter(tei("orgName"))}
    assert not tagged & {"Bundists", "Mensheviks", "Constitutional Democrats", "Dashnaks", "Musavatists"}, tagged


def test_another_body_is_a_likeness_and_a_body_s_serial_or_history_a_title(trees):
    """Pavlova: `There is another Politburo in the Politburo` (settled reading 7: the second only); `Verbatim Reports of
    the Moscow Soviet ... (No. 15)` and the quoted `Short Course in the History of the CPSU (b)` are titles."""
    pavlova = text_of(trees, "pavlova")
    paragraph = _block_containing(pavlova, "another Politburo in the Politburo")
    assert [received(n) for n in paragraph.iter(tei("orgName"))].count("Politburo") == 1
    for words, body in (("Verbatim Reports of the Moscow Soviet", "Moscow Soviet"),
                        ("Short Course in the History of the CPSU", "CPSU (b)")):
        paragraph = _block_containing(pavlova, words)
        assert body not in {received(n) for n in paragraph.iter(tei("orgName"))}, words
    # `one or another Central Committee member` is the Central Committee
    paragraph = _block_containing(text_of(trees, "medvedev"), "one or another Central Committee member")
    assert "Central Committee" in {received(n) for n in paragraph.iter(tei("orgName"))}


def test_a_place_s_committee_or_soviet_the_register_lacks_is_one_body_with_its_place(trees):
    """`the Krasnodar <foreign>kraikom</foreign>`, `the Kazakh kraikom` (a Russian committee's word after its place,
    rules.toml institution_heads_lower bare_heads), `Kronstadt Soviet`, `the Baku Soviet apparatus`: one body each,
    the place no mention of its own (settled reading 23); over the whole edition, no place stands bare before such a
    word, and no place's soviet is left untagged."""
    from edition.entities import matcher

    bare = matcher().bare_committee_heads
    for root in trees.values():
        for name in root.iter(tei("placeName")):
            if any(a.tag == tei("orgName") for a in name.iterancestors()):
                continue
            following = name.getnext()
            if (name.tail or "").strip() == "" and following is not None and following.tag == tei("foreign"):
                assert " ".join(following.itertext()).strip() not in bare, received(name.getparent())[:120]
            assert not re.match(rf"\s+(?:{'|'.join(bare)})\b", name.tail or ""), received(name.getparent())[:120]
            # (the state's adjective before `Union`, `Republic`..., a capitalised word, is no soviet)
            assert not re.match(r"\s+Soviet(?![\w'’-])(?!\s+[A-Z])", name.tail or ""), received(name.getparent())[:120]
    furr, rogovin = text_of(trees, "furr"), text_of(trees, "rogovin")
    for root, words, body in ((furr, "Kravtsov, First Secretary of the Krasnodar", "Krasnodar kraikom"),
                              (rogovin, "a decree by the bureau of the Kazakh kraikom", "Kazakh kraikom"),
                              (rogovin, "chairman of Kronstadt Soviet", "Kronstadt Soviet")):
        paragraph = _block_containing(root, words)
        assert body in {received(n) for n in paragraph.iter(tei("orgName"))}, words


def test_a_place_s_head_word_of_its_own_kind_is_the_place_whole(trees):
    """`Prinkipo Island` is the island the register holds (its type `island`), a mention whole (guide D, as
    `Butyrki Prison`); `the Moscow River` a river the register does not hold, its city no mention."""
    rogovin, medvedev = text_of(trees, "rogovin"), text_of(trees, "medvedev")
    islands = [n for n in rogovin.iter(tei("placeName")) if received(n) == "Prinkipo Island"]
    assert len(islands) == 2 and {n.get("ref") for n in islands} == {"places.xml#prinkipo"}
    paragraph = _block_containing(medvedev, "the Moscow River")
    (river,) = [n for n in paragraph.iter(tei("placeName")) if received(n) == "Moscow River"]
    assert river.get("ref") is None and river.get("cert") == "low"


def test_a_register_form_split_by_italics_and_a_republic_s_party_organization_are_one_name(trees):
    """`the Khopior <foreign>okrug</foreign>` is the register's form `Khopior okrug`, one place; over the whole edition
    no place stands bare before an italic word that makes a register form with it. `the party organization of the
    Ukraine` is the Ukrainian party (decisions.toml [[owner]]), not a mention of the republic."""
    from edition.spans import whole_names

    rules = whole_names()
    for root in trees.values():
        for name in root.iter(tei("placeName")):
            following = name.getnext()
            if (name.tail or "").strip() == "" and following is not None and following.tag == tei("foreign") \
                    and name.getparent().tag != tei("placeName"):
                assert not rules.place_form(f"{received(name)} {received(following)}"), received(name.getparent())[:120]
            before = name.getprevious().tail if name.getprevious() is not None else name.getparent().text
            if re.search(r"\bparty\s+organi[sz]ation\s+of\s+(?:the\s+)?$", before or ""):
                assert name.getparent().tag == tei("orgName"), received(name.getparent())[:120]
    paragraph = _block_containing(text_of(trees, "medvedev"), "party organization of the Ukraine")
    (party,) = [n for n in paragraph.iter(tei("orgName")) if received(n) == "party organization of the Ukraine"]
    assert party.get("ref") == "orgs.xml#cp-ukraine"


def test_capitalised_words_before_a_sub_body_s_head_are_its_name_s(trees):
    """`a report ... sent to the International Secretariat of the Left Opposition`: one body the register does not
    hold, not the Central Committee's Secretariat; the Left Opposition inside it is part of its name."""
    paragraph = _block_containing(text_of(trees, "rogovin"), "sent to the International Secretariat")
    names = {received(n): n for n in paragraph.iter(tei("orgName"))}
    whole = names["International Secretariat of the Left Opposition"]
    assert whole.get("ref") is None and whole.get("cert") == "low"
    assert "Secretariat of the Left Opposition" not in names


def test_a_quotation_after_a_work_by_the_latter_is_its_title():
    from edition.entities import title_spans

    text = 'as well as an article by the latter, "The Economic Situation in the USSR," soon published in the Bulletin'
    assert [text[a:b] for a, b in title_spans(text, False, False)] == ['"The Economic Situation in the USSR,"']
    # (a quotation after a person's words, not after a work, stays quoted speech with its names)
    text = 'said the latter, "The Economic Situation in the USSR is grave"'
    assert title_spans(text, False, False) == []


def test_alleged_centres_quoted_in_lower_case_are_bodies_but_not_a_description_or_a_trial(trees):
    """Settled readings and section E: `the "fascist center,"`, `the “illegal Trotskyist center”` (a charge's alleged
    organisation, in quotation marks) are bodies the register does not hold; `“an illegal all-union center”`, quoted
    whole with its article, is a description, and `the "parallel center" trial` the trial (settled reading 6). Over the
    whole edition no quoted lower-case `... center` before `trial` or `case` is tagged."""
    medvedev, rogovin = text_of(trees, "medvedev"), text_of(trees, "rogovin")
    for root, words, body in ((medvedev, "Accused of belonging to the", "fascist center"),
                              (rogovin, "prosecuted in the case of the", "illegal Trotskyist center")):
        paragraph = _block_containing(root, words)
        assert body in {received(n) for n in paragraph.iter(tei("orgName"))}, words
    paragraph = _block_containing(rogovin, "an illegal all-union center")
    assert not any("center" in received(n) for n in paragraph.iter(tei("orgName")))
    for root in trees.values():
        for name in root.iter(tei("orgName")):
            if re.fullmatch(r"[a-z][\w'’ -]* cent(?:er|re)", received(name)):
                assert not re.match(r"[.,]?[\"”»]\s+(?:trial|case)\b", name.tail or ""), received(name.getparent())[:120]


def test_a_centre_a_congress_s_place_a_title_a_post_s_wording_and_the_far_north(trees):
    """`the Foreign Bolshevik Center` and `the Kolkhoz Center` are bodies (rules.toml institution_kinds); `the
    [Congress of] People's Deputies of the USSR` holds no place mention (settled readings 28, 36); what a periodical
    `published "Correspondence from Moscow,"` is a title; `The secretariat of the Central Control Commission` is one
    body, but `the secretary of the board of the Soviet Union of Writers` names the union alone (settled reading 32);
    `sent to the far North` names the region."""
    rogovin, medvedev, pavlova = (text_of(trees, t) for t in ("rogovin", "medvedev", "pavlova"))
    for root, words, body in ((rogovin, "Member of Foreign Bolshevik Center", "Foreign Bolshevik Center"),
                              (pavlova, "The secretariat of the Central Control Commission",
                               "secretariat of the Central Control Commission")):
        paragraph = _block_containing(root, words)
        assert body in {received(n) for n in paragraph.iter(tei("orgName"))}, words
    for root in trees.values():
        for name in root.iter(tei("placeName")):
            before = name.getprevious().tail if name.getprevious() is not None else name.getparent().text
            assert not re.search(r"People['’]?s\s+Deputies\s+of\s+(?:the\s+)?$", before or ""), received(name)
    paragraph = _block_containing(rogovin, 'published "Correspondence from Moscow,"')
    assert "Moscow" not in {received(n) for n in paragraph.iter(tei("placeName"))}
    paragraph = _block_containing(medvedev, "the secretary of the board of the Soviet Union of Writers")
    assert "Soviet Union of Writers" in {received(n) for n in paragraph.iter(tei("orgName"))}
    paragraph = _block_containing(rogovin, "sent to the far North")
    assert "North" in {received(n) for n in paragraph.iter(tei("placeName"))}


def test_a_likeness_is_no_mention_and_institutions_the_register_lacks_are_bodies(trees):
    """`Inquisition-like methods`, `Pilate-like` are derived words: over the whole edition no name stands before
    `-like`, `-style` or `-type`. `the Inquisition and the Jesuits` are bodies of the register; `the Tiflis Geophysics
    Observatory` and `the Club of Food Industry Workers` bodies it does not hold (rules.toml institution_kinds);
    `in Lefortovskaya Prison-he had been beaten` names the prison whole, the hyphen a dash."""
    for root in trees.values():
        for tag in ("persName", "placeName", "orgName"):
            for name in root.iter(tei(tag)):
                assert not re.match(r"-(?:like|style|type)\b", name.tail or ""), received(name.getparent())[:120]
    medvedev = text_of(trees, "medvedev")
    for words, names in (("activities of the Inquisition and the Jesuits", {"Inquisition", "Jesuits"}),
                         ("hired by the Tiflis Geophysics Observatory", {"Tiflis Geophysics Observatory"}),
                         ("Club of Food Industry Workers", {"Club of Food Industry Workers"})):
        paragraph = _block_containing(medvedev, words)
        assert names <= {received(n) for n in paragraph.iter(tei("orgName"))}, words
    paragraph = _block_containing(medvedev, "Lefortovskaya Prison-he")
    assert "Lefortovskaya Prison" in {received(n) for n in paragraph.iter(tei("placeName"))}


def test_bodies_sharing_a_plural_head_word_are_a_mention_each():
    """`the Right and Left Oppositions`: the first by its own word, the last with the head (the guide's "3rd" and
    "9th armies"); a listed word before them is a body the register may lack, not the city it is named for. Words the
    register holds under no such body share nothing (`the Fourteenth and Fifteenth Congresses`)."""
    from edition.entities import Annotator, matcher
    annotator = Annotator(matcher())
    paragraph = etree.Element(tei("p"))

    def found(text):
        return [(m.group(), m.entry.id if m.entry else None) for m in annotator.finditer(text, paragraph)
                if m.kind == "org"]

    assert found("its relationship to the Right and Left Oppositions.") == [
        ("Right", "right-opposition"), ("Left Oppositions", "left-opposition")]
    assert found("the RVS on the Petrograd, Western and Southern Fronts.")[-3:] == [
        ("Petrograd", None), ("Western", "western-front"), ("Southern Fronts", "southern-front")]
    assert found("between the Fourteenth and Fifteenth Congresses of the party.") == []


def test_a_department_named_after_its_body_s_possessive_is_one_name_with_it(trees):
    """Medvedev's `director of the Central Committee's agitation and propaganda department`: one name, the register's
    department of the Central Committee; `the RSDRP (of Mensheviks)` takes its bracket and is the Mensheviks' party."""
    for contains in ("A. I. Stetskiy, director of", "N. N. Rabichev, deputy director"):
        paragraph = _block_containing(text_of(trees, "medvedev"), contains)
        whole = [n for n in paragraph.iter(tei("orgName"))
                 if received(n) == "Central Committee's agitation and propaganda department"]
        assert [(n.get("ref") or "").partition("#")[2] for n in whole] == ["agitprop"], contains
    trial = _block_containing(text_of(trees, "medvedev"), "Union Bureau")
    # (the abbreviation with the translator's expansion in a choice, and the bracket after them)
    assert [(n.get("ref") or "").partition("#")[2] for n in trial.iter(tei("orgName"))
            if received(n).startswith("RSDRP") and received(n).endswith("(of Mensheviks)")] == ["mensheviks"]


def test_a_whole_name_takes_its_owner_s_later_name_joined_by_a_dash(trees):
    """Pavlova's `the Special Department of the OGPU - NKVD` and `the Politburo of the Central Committee of the RCP (b) -
    VKP (b)`: one name each, the owner's two names inside (the guide's reading); `the OGPU - NKVD field communications
    fund`, no whole name before the dash, stays two bodies."""
    pavlova = text_of(trees, "pavlova")
    wholes = {received(n): (n.get("ref") or "").partition("#")[2] for n in pavlova.iter(tei("orgName"))}
    assert wholes["Special Department of the OGPU - NKVD"] == "ogpu-special-department"
    assert wholes["Politburo of the Central Committee of the RCP (b) - VKP (b)"] == "politburo"
    fund = _block_containing(pavlova, "OGPU - NKVD field communications")
    assert {received(n) for n in fund.iter(tei("orgName"))} >= {"OGPU", "NKVD"}
    assert not [n for n in fund.iter(tei("orgName")) if "field" in received(n) or " - " in received(n)]


def test_an_institution_s_number_is_part_of_its_name(trees):
    """Rogovin's bio note: `Kremlin Polyclinic № 1`, one name with its number (the guide's numbered institutions)."""
    found = [received(n) for n in text_of(trees, "rogovin").iter(tei("orgName")) if "Polyclinic" in received(n)]
    assert found and all(name.endswith("№ 1") for name in found), found
