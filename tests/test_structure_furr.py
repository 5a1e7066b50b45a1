"""Furr: two parts, each with its sections, notes and bibliography; block quotations; the page footer."""

from f1_helpers import NS, built, heads, text_of, tree

TEXT = "furr-struggle-for-democratic-reform"


def test_two_parts_with_their_section_headings():
    root = tree(TEXT)
    parts = root.xpath("//tei:body/tei:div[@type='part']", namespaces=NS)
    assert [p.get("n") for p in parts] == ["Part One", "Part Two"]
    # the "Notes" divisions are emptied by the notes stage, which moves each
    # body to its reference; what remains of them is not asserted here
    assert [h for h in heads(parts[0], "tei:div/tei:head") if h != "Notes"] == [
        "Introduction", "A New Constitution", "The Anti-Bureaucracy Struggle", "Stalin's Defeat",
        "Trials, Conspiracies, Repression", "Additional Notes", "Bibliography"]
    sections_two = [h for h in heads(parts[1], "tei:div[@type='section']/tei:head")]
    assert sections_two[:4] == ["During the War", "After the War", "The 1947 Draft of the Party Program",
                                "The Nineteenth Party Congress"]
    assert sections_two[4].startswith("Lavrentii Beria")  # its note reference follows the name
    assert sections_two[5:] == ["Beria's Moves towards Democratic Reform",
                                "Deaths of Stalin and Beria . . . and Others?", "Conclusions and Future Research"]
    assert heads(parts[1], "tei:div[@type='bibliography']/tei:head") == ["Supplemental Bibliography for Part Two"]


def test_additional_notes_hold_the_two_notes_on_sources():
    root = tree(TEXT)
    assert heads(root, "//tei:div[tei:head='Additional Notes']/tei:div/tei:head") == [
        "Note on Yuri Zhukov's work:", "Note on Iuri Mukhin, Ubiystvo Stalina i Beriia:"]


def test_bibliographies_are_lists_of_bibl_entries():
    root = tree(TEXT)
    first = root.xpath("//tei:div[@type='bibliography'][1]", namespaces=NS)[0]
    entries = first.xpath("tei:listBibl/tei:bibl", namespaces=NS)
    assert len(entries) == 68
    assert text_of(entries[0]).startswith("Alikhanov, Sergei. \"Bagazh na brichke.\"")
    # the author's remark on URLs opens the bibliography as a paragraph
    assert text_of(first.xpath("tei:p", namespaces=NS)[0]).startswith("(I have included URLs")
    supplemental = root.xpath("//tei:div[@type='bibliography'][tei:head='Supplemental Bibliography for Part Two']"
                              "/tei:listBibl/tei:bibl", namespaces=NS)
    assert len(supplemental) == 11
    assert text_of(supplemental[-1]).startswith("Toptygin, Aleksei.")


def test_page_footer_inside_the_last_bibliography_is_removed_and_recorded():
    result = built(TEXT)
    root = tree(TEXT)
    assert not root.xpath("//tei:text//*[normalize-space(text())='Furr 17']", namespaces=NS)
    assert result.fidelity["removed_by_rule"]["running-footer"] == 2  # "Furr", "17"


def test_note_body_continued_after_a_page_break_is_one_paragraph():
    # Part One note 23: "... According to" | "Khrushchev, Eikhe repudiated his confession"
    root = tree(TEXT)
    text = " ".join(text_of(n) for n in root.xpath("//tei:note", namespaces=NS))
    assert "According to Khrushchev, Eikhe repudiated his confession" in text


def test_paragraph_cut_inside_a_name_is_joined():
    root = tree(TEXT)
    p = root.xpath("//tei:p[contains(., 'Soviets of Working People')]", namespaces=NS)[0]
    assert "the Soviets of Working People's Deputies.\" The Communist Party" in text_of(p)
    assert p.xpath("tei:pb[@type='mended']", namespaces=NS)


def test_quotations_introduced_by_a_colon_are_block_quotations():
    root = tree(TEXT)
    quotes = [text_of(q) for q in root.xpath("//tei:body//tei:quote", namespaces=NS)]
    assert len(quotes) == 27
    assert any(q.startswith("I can honestly tell you that I oppose the rehabilitation of Stalin") for q in quotes)
    # the Zhukov passage cut by a page break is one quotation, continued after an ellipsis
    assert any(q.startswith("In January 1944 . . . for the first time") and "selection of cadres" in q for q in quotes)
    assert any(q.startswith(". . . This was a new attempt to lead the Party") for q in quotes)


def test_run_in_quotations_and_announced_lists_stay_paragraphs():
    root = tree(TEXT)
    # opens with a quotation mark: quoted in the running text
    assert root.xpath("//tei:p[starts-with(., '\"There') and contains(., 'no point in searching for people to blame')]",
                      namespaces=NS)
    # "Other changes were made:" announces Furr's own enumeration
    assert root.xpath("//tei:p[starts-with(., 'The post of General Secretary -- Stalin')]", namespaces=NS)


def test_painting_at_the_head_of_part_two_is_a_figure_with_its_credit():
    root = tree(TEXT)
    figure = root.xpath("//tei:div[@n='Part Two']/tei:figure", namespaces=NS)[0]
    assert text_of(figure.find("tei:head", NS)) == "\"Famous People of the Land of Soviets\" By Vasilii Efanov"
    assert "ARTiHaus" in text_of(figure)


def test_bulleted_lines_are_list_items():
    root = tree(TEXT)
    items = root.xpath("//tei:div[tei:head='After the War']/tei:list[1]/tei:item", namespaces=NS)
    assert [text_of(i)[:40] for i in items] == [
        "It would institute the 1936 Constitution",
        "It would return the running of state ins",
        "It would save the Party from degeneratin"]


def test_plenum_exchange_between_stalin_and_kravtsov_is_speech():
    root = tree(TEXT)
    speeches = root.xpath("//tei:sp", namespaces=NS)
    assert [text_of(s.find("tei:speaker", NS)) for s in speeches] == ["Stalin:", "Kravtsov:"] * 4 + ["Stalin:"]
    assert text_of(speeches[2].find("tei:p", NS)) == "Who advised you to do this?"
    # Stalin's interview with Howard, also "Stalin: ...", is a quotation, not a dialogue
    assert not root.xpath("//tei:sp[contains(., 'We shall probably adopt')]", namespaces=NS)


def test_end_of_part_one_is_a_two_line_trailer_before_the_notes():
    root = tree(TEXT)
    trailer = root.xpath("//tei:div[@n='Part One']//tei:trailer", namespaces=NS)
    assert len(trailer) == 1 and trailer[0].find("tei:lb", NS) is not None
    assert text_of(trailer[0]) == "End of Part One Go to Part Two in this issue."
    # it closes the last section of Part One, not the part
    assert text_of(trailer[0].getparent().find("tei:head", NS)) == "Trials, Conspiracies, Repression"


def test_profile_rule_with_a_malformed_line_range_is_refused_with_its_place(tmp_path):
    import pytest

    from edition import SOURCES
    from edition.profile import ProfileError, load_profile

    profile = (SOURCES / f"{TEXT}.toml").read_text(encoding="utf-8").replace("lines = [335, 351]", "lines = [351]")
    broken = tmp_path / f"{TEXT}.toml"
    broken.write_text(profile, encoding="utf-8")
    with pytest.raises(ProfileError, match=r"structures\[\d+\]: 'lines' must be \[first, last\] line numbers"):
        load_profile(broken)
