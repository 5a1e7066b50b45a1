"""Pavlova: about 600 note markers in five shapes; the bodies were never transmitted."""

from f1_helpers import NS, built, text_of, tree

TEXT = "pavlova-mechanism-of-power"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def note(root, n, type_="authorial"):
    found = root.xpath(f"//tei:note[@type='{type_}'][not(@place='inline')][@n='{n}']", namespaces=NS)
    assert len(found) == 1, (n, len(found))
    return found[0]


def per_section(note_element):
    return note_element.xpath("string(tei:num[@type='per-section'])", namespaces=NS)


def before(note_element):
    previous = note_element.getprevious()
    return (previous.tail if previous is not None else note_element.getparent().text) or ""


def test_pavlova_every_marker_is_a_note_recording_its_missing_text():
    report = built(TEXT).report["notes"]
    assert report["references"] == 601 and report["bodies"] == 0
    assert report["bodies_absent_from_source"] == 601
    root = tree(TEXT)
    notes = root.xpath("//tei:note[@type='authorial'][not(@place='inline')]", namespaces=NS)
    assert len(notes) == 598
    assert all(n.xpath("tei:gap/@reason", namespaces=NS) == ["not-in-source"] for n in notes)
    # the running number is the note's identity: each occurs once, none beyond the book's 676
    numbers = [int(n.get("n")) for n in notes]
    assert len(set(numbers)) == len(numbers) and max(numbers) == 676
    assert len({n.get(XML_ID) for n in notes}) == 598


def test_pavlova_running_number_and_number_within_section():
    root = tree(TEXT)
    # 'turns into waving ~~hands~~"[175]4.'
    assert per_section(note(root, 175)) == "4"
    # '"[201]30. Not only'
    assert per_section(note(root, 201)) == "30"
    # a bare marker '[5]' has no number within its section
    assert per_section(note(root, 2)) == ""


def test_pavlova_caret_and_superscript_shape():
    root = tree(TEXT)
    # 'of [the Central Committee](#)^[269]⁹⁸. Thi'
    n269 = note(root, 269)
    assert per_section(n269) == "98"
    assert n269.tail.startswith(". Thi")


def test_pavlova_marker_inside_link_residue_keeps_the_linked_word():
    root = tree(TEXT)
    # '[press\\[227\\]56](#)': the word stays, the marker becomes note 227 (56 in its section)
    n227 = note(root, 227)
    assert per_section(n227) == "56"
    assert before(n227).endswith("press")
    # '[liters](#)[\\[381\\]](#)[30](#)': running number and section number in two links
    n381 = note(root, 381)
    assert per_section(n381) == "30"
    assert n381.tail.startswith(". But how importa")


def test_pavlova_comment_markers_are_a_series_of_their_own():
    root = tree(TEXT)
    comments = root.xpath("//tei:note[@type='comment']", namespaces=NS)
    assert [c.get("n") for c in comments] == ["1", "2", "3"]
    assert before(comments[0]).endswith("a Russified Georgian-Asian ")
    assert all(c.get(XML_ID).startswith("pavlova.nc-") for c in comments)


def test_pavlova_note_link_index_is_not_reading_text():
    root = tree(TEXT)
    reading = text_of(root.find("{http://www.tei-c.org/ns/1.0}text"))
    assert "[notes 1]" not in reading and "comments 1" not in reading
    assert "[1379]" not in reading


def test_pavlova_no_marker_left_as_text():
    root = tree(TEXT)
    text = root.find("{http://www.tei-c.org/ns/1.0}text")
    import re
    shapes = re.compile(r"\\?\[\d+\\?\]|\{\d+\}|\^\[")
    for element in text.iter():
        if not isinstance(element.tag, str):
            continue
        for piece in (element.text, element.tail):
            assert not shapes.search(piece or ""), piece


def test_pavlova_running_numbers_rise_through_the_text_once_the_misprinted_524_is_read_as_521():
    root = tree(TEXT)
    numbers = [int(n.get("n")) for n in root.xpath("//tei:note[@type='authorial'][@place='end']", namespaces=NS)]
    # every running number rises: a number out of sequence would be an ordinary number taken for a marker
    assert all(a < b for a, b in zip(numbers, numbers[1:]))
    # "he categorically refused^[524]¹⁸" (line 2958), between 520 and 522, 18th of a section running from 504
    misprinted = note(root, 521)
    seg = misprinted.getparent()  # the note and the edition's word on it stand together
    assert before(seg).endswith("he categorically refused") and per_section(misprinted) == "18"
    remark = misprinted.getnext()
    assert remark.get("type") == "editorial" and "prints this reference as 524" in text_of(remark)
    assert not root.xpath("//tei:note[@type='authorial'][@n='524']", namespaces=NS)


def test_pavlova_number_within_section_follows_its_running_number():
    # in each section the running number is the number within the section plus a constant:
    # a local number taken from an ordinary figure ("[173] 2 thousand") would break it
    root = tree(TEXT)
    notes = root.xpath("//tei:note[@type='authorial'][@place='end'][tei:num]", namespaces=NS)
    offsets = [int(n.get("n")) - int(per_section(n)) for n in notes]
    changes = [i for i in range(1, len(notes)) if offsets[i] != offsets[i - 1]]
    assert len(changes) >= 5 and len({offsets[i] for i in changes}) == len(changes)  # never back to an old one
    # the offset changes only where a new section starts its numbering again
    assert all(int(per_section(notes[i])) <= 3 for i in changes), [notes[i].get("n") for i in changes]
