"""Medvedev: JPRS title matter, garbled contents kept aside, preface, Part 1 with ten essays
and 74 numbered sections, Znamya installment markers, dateline, back matter outside the text."""

from f1_helpers import NS, built, text_of, tree

TEXT = "medvedev-on-stalin-and-stalinism"

ESSAYS = [
    ("Stalin at the Head of the VKP(b)", 7),
    ("The Struggle Against the Opposition", 5),
    ("Methods of Carrying Out Collectivization and Industrialization", 7),
    ("Aggravation of the Domestic and Foreign Situation in the Early 1930s", 11),
    ("The Assassination of S. M. Kirov. The Trials of Former Leaders of the Opposition", 8),
    ("Attack on the Principal Party and State Workers (1937-1938)", 8),
    ("Rehabilitations and Repressions, 1939-1941", 4),
    ("Illegal Methods of Investigation and Detention", 4),
    ("On the Personal Responsibility of Stalin for the Terror of 1937-1938", 7),
    ("Conditions Which Facilitated Stalin's Usurpation of Power", 13),
]


def test_part_one_holds_ten_essays_with_74_numbered_sections():
    root = tree(TEXT)
    part = root.xpath("//tei:body/tei:div[@type='part']", namespaces=NS)
    assert len(part) == 1 and text_of(part[0].find("tei:head", NS)) == "Part 1: The Rise of Stalinism"
    essays = part[0].xpath("tei:div[@type='essay']", namespaces=NS)
    assert [(text_of(e.find("tei:head", NS)), len(e.xpath("tei:div[@type='section']", namespaces=NS)))
            for e in essays] == ESSAYS
    assert len(root.xpath("//tei:div[@type='section']", namespaces=NS)) == 74
    for essay in essays:  # every essay numbers its sections 1, 2, 3... in order
        numbers = [d.get("n") for d in essay.xpath("tei:div[@type='section']", namespaces=NS)]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_misread_section_numbers_keep_the_received_reading_as_sic():
    root = tree(TEXT)
    corrected = {(text_of(h.xpath("ancestor::tei:div[@type='essay']/tei:head", namespaces=NS)[0])[:20],
                  text_of(h.find("tei:choice/tei:sic", NS)), h.getparent().get("n"))
                 for h in root.xpath("//tei:div[@type='section']/tei:head[tei:choice]", namespaces=NS)}
    assert corrected == {
        ("Stalin at the Head o", "١", "1"),
        ("The Assassination of", "Ñ", "8"),
        ("Attack on the Princi", "31", "8"),
        ("Rehabilitations and ", "3", "2"),
        ("Illegal Methods of I", "19", "2"),
    }


def test_lost_first_section_numbers_are_supplied_by_the_edition():
    root = tree(TEXT)
    supplied = root.xpath("//tei:div[@type='section']/tei:head/tei:supplied", namespaces=NS)
    assert len(supplied) == 5
    assert all(s.text == "1" and s.get("resp") == "#edition-editors" for s in supplied)
    first = supplied[0].xpath("ancestor::tei:div[@type='section'][1]/tei:p[1]", namespaces=NS)[0]
    assert text_of(first).startswith("Serious mistakes in economic and social policy in 1928-1932")


def test_znamya_installments_are_milestones_between_sections():
    root = tree(TEXT)
    milestones = root.xpath("//tei:milestone[@unit='issue']", namespaces=NS)
    assert [m.get("n") for m in milestones] == [
        "No 1, Jan 89; pp 159-209", "No 2, Feb 89, pp 174-222", "No 3, Mar 89; pp 144-192", "No 4, Apr 89; pp 165-203"]
    # the marker does not stay in the text, and does not sit inside a Footnotes block
    assert not root.xpath("//tei:text//text()[contains(., '[ZNAMYA')]", namespaces=NS)
    assert not root.xpath("//tei:div[@type='notes']//tei:milestone", namespaces=NS)
    assert built(TEXT).fidelity["removed_by_rule"]["jprs-issue-marker"] == 32


def test_title_matter_preface_and_garbled_contents_are_front_matter():
    root = tree(TEXT)
    front = root.find("tei:text/tei:front", NS)
    contents = front.xpath("tei:div[@type='contents']/tei:ab", namespaces=NS)
    assert contents and "Attack on the Principal F" in " ".join(text_of(a) for a in contents)
    assert not root.xpath("//tei:body//*[contains(., 'Principal F\tarty')]", namespaces=NS)
    titles = [text_of(t) for t in front.xpath(".//tei:titlePart[@type='main']", namespaces=NS)]
    assert "ON STALIN AND STALINISM: HISTORICAL ESSAYS" in titles
    preface = front.xpath("tei:div[@type='preface']/tei:p", namespaces=NS)
    assert text_of(preface[0]).startswith("[Text] The essays which I offer here to the attention of the readers")
    assert len(preface) == 5  # the paragraph cut after "based" is joined


def test_closing_dateline_ends_the_last_section():
    root = tree(TEXT)
    closer = root.xpath("//tei:closer[not(ancestor::tei:floatingText)]/tei:dateline", namespaces=NS)
    assert [text_of(d) for d in closer] == ["August 1962 - November 1988 Moscow"]
    section = closer[0].xpath("ancestor::tei:div[@type='section'][1]", namespaces=NS)[0]
    assert section.get("n") == "13"


def test_jprs_back_matter_is_outside_the_reading_text():
    root = tree(TEXT)
    back = root.xpath("//tei:back/tei:div[@type='boilerplate']", namespaces=NS)
    assert len(back) == 1
    assert "This is a U.S. Government publication." in text_of(back[0])
    assert "END OF FICHE DATE FILMED 26 July 89" in text_of(back[0])
    assert not root.xpath("//tei:body//*[contains(., 'SUBSCRIPTION/PROCUREMENT')]", namespaces=NS)


def test_numbered_list_in_the_text_stays_reading_text_not_notes():
    # "- 2. One old Bolshevik claimed..." looks exactly like a footnote body
    root = tree(TEXT)
    items = root.xpath("//tei:body//tei:list/tei:item[contains(., 'One old Bolshevik claimed')]", namespaces=NS)
    assert len(items) == 1
    assert text_of(items[0]).startswith("2. One old Bolshevik claimed that at the turn of the century")
    assert not items[0].xpath("ancestor::tei:note", namespaces=NS)
    siblings = [text_of(i)[:2] for i in items[0].getparent().findall("tei:item", NS)]
    assert siblings == ["1.", "2.", "3.", "4."]


def test_the_first_item_printed_without_its_bullet_opens_the_list():
    # "1. When in the mid-1930's..." stood as a paragraph before "- 2. One old Bolshevik..."
    root = tree(TEXT)
    first = root.xpath("//tei:body//tei:list/tei:item[starts-with(., '1. When in the mid-1930')]", namespaces=NS)
    assert len(first) == 1
    assert "Social Democratic organizations in the" in text_of(first[0])  # its page-break join kept
    assert not root.xpath("//tei:body//tei:p[starts-with(., '1. When in the mid-1930')]", namespaces=NS)


def test_poems_are_line_groups():
    root = tree(TEXT)
    groups = root.xpath("//tei:body//tei:lg", namespaces=NS)
    assert [len(g.findall("tei:l", NS)) for g in groups] == [8, 12]
    assert text_of(groups[1].find("tei:l", NS)) == "Under strict Soviet laws"


def test_paragraph_cut_after_a_comma_or_before_a_year_is_joined():
    root = tree(TEXT)
    p = root.xpath("//tei:p[contains(., 'Once, half-joking,')]", namespaces=NS)[0]
    assert "Once, half-joking, Lenin proposed that Stalin marry" in text_of(p)
    assert p.xpath("tei:pb[@type='mended']", namespaces=NS)
    p = root.xpath("//tei:p[contains(., 'but in the summer of')]", namespaces=NS)[0]
    assert "but in the summer of 1936 the All-Union CP (Bolshevik) Central Committee" in text_of(p)


def test_cuts_no_rule_can_tell_are_joined_as_the_profile_records_them():
    # "the exiled Kurnatovskiy met" | "Lenin in Minusinsk": a verb may end a
    # sentence, so only the profile's reading decides (joins.also_before)
    root = tree(TEXT)
    p = root.xpath("//tei:p[contains(., 'the exiled Kurnatovskiy met')]", namespaces=NS)[0]
    assert "the exiled Kurnatovskiy met Lenin in Minusinsk." in text_of(p)


def test_a_sentence_closed_inside_quotation_marks_ends_its_paragraph():
    # "...I charge you to tell the truth.'" | "In fulfillment of this charge..."
    root = tree(TEXT)
    p = root.xpath("//tei:p[starts-with(., '\"In fulfillment of this charge of my senior comrade')]", namespaces=NS)
    assert len(p) == 1
    # 167 and the six cut inside a name or a date ("A. S. | Grishin", "on 23 | November")
    assert built(TEXT).report["structure"]["page_break_joins"] == 173


def test_trial_transcript_is_speech_with_speakers():
    root = tree(TEXT)
    speeches = root.xpath("//tei:sp", namespaces=NS)
    assert [text_of(s.find("tei:speaker", NS)) for s in speeches] == ["Krestinskiy:", "Vyshinskiy:", "Krestinskiy:"]
    assert text_of(speeches[2].find("tei:p", NS)) == '"I completely confirm all testimony given in the preliminary investigation."'


def test_quoted_letters_are_floating_texts_with_opener_and_closer():
    # Lenin's telegram (1920), Lenin to Mdivani (1923), Yakubovich (1967), Yezhov (1938):
    # declared as regions in the profile, each a text of its own inside its section.
    from lxml import etree

    root = tree(TEXT)
    letters = root.xpath("//tei:floatingText[@type='letter']", namespaces=NS)
    assert len(letters) == 4
    mdivani = letters[1].find("tei:body", NS)
    assert text_of(mdivani.find("tei:opener/tei:salute", NS)) == '"Respected comrades!'
    assert text_of(mdivani.find("tei:p", NS)).startswith('"I am following your question with all my heart.')
    closer = letters[2].find("tei:body/tei:closer", NS)
    assert [text_of(c) for c in closer] == ['"Mikhail Yakubovich', '5 May 1967"']
    assert text_of(letters[3].find("tei:body/tei:opener/tei:salute", NS)) == '"Comrade Stalin:'
    # the letter sits among the paragraphs of its section, which goes on after it
    assert letters[2].getparent().get("n") == "5"
    assert etree.QName(letters[1].getnext()).localname == "p"
