"""The search index (edition.search): what it holds, how a reader's query is
read, and that it follows the TEI when the TEI changes."""

from __future__ import annotations

import os
import re
import sqlite3

import pytest

from edition import TEI_DIR
from edition.query import parse
from edition.search import (QueryError, build_index, ensure_index, index_is_current, mentions_of,
                            search, text_files)
from test_viewer import MEDVEDEV, write_small_edition


@pytest.fixture()
def small_index(tmp_path):
    folder = write_small_edition(tmp_path / "tei")
    db = tmp_path / "search.sqlite"
    build_index(folder, db)
    return folder, db


def test_index_holds_paragraphs_heads_and_notes_not_the_registers(small_index):
    _folder, db = small_index
    con = sqlite3.connect(db)
    kinds = dict(con.execute("SELECT kind, count(*) FROM passages GROUP BY kind").fetchall())
    assert kinds == {"head": 3, "p": 5, "note": 3}
    assert con.execute("SELECT count(*) FROM texts").fetchone()[0] == 2


def test_a_note_is_its_own_passage_not_part_of_its_paragraph(small_index):
    _folder, db = small_index
    total, hits = search(db, '"Russian text has"')
    assert total == 1 and hits[0].passage_id == "medvedev.n1-1" and hits[0].kind == "note"
    assert hits[0].section == "The Revolution"
    assert search(db, "Muranov Comrades")[1][0].section == "The Revolution › The Buro"
    total, _hits = search(db, '"Siberia The Russian"')
    assert total == 0


def test_an_inline_gloss_is_searched_with_its_note(small_index):
    _folder, db = small_index
    total, hits = search(db, '"8 April 1917 PRAVDA No 27"')
    assert total == 1 and hits[0].passage_id == "medvedev.n1-2"


def test_the_corrected_reading_is_indexed_not_the_received_one(small_index):
    _folder, db = small_index
    assert search(db, "Kameney")[0] == 0
    assert [h.passage_id for h in search(db, '"Kamenev with Stalin s support"')[1]] == ["medvedev.1.p2"]


def test_mentions_keep_their_context_in_the_edited_reading(small_index):
    _folder, db = small_index
    mentions = mentions_of(db, "persons", "kamenev-lb")
    assert [m["passage_id"] for m in mentions] == ["medvedev.1.p1", "medvedev.1.p2", "medvedev.1.1.p1", "medvedev.2.p1"]
    assert mentions[1]["name"] == "Kamenev"
    assert mentions[1]["before"].endswith('were published in PRAVDA, ')
    assert mentions[1]["after"].startswith(", with Stalin's support")


@pytest.mark.parametrize("typed, expected", [
    ("Kamenev Zinoviev", '"Kamenev" AND "Zinoviev"'),
    ('"show trial"', '"show trial"'),
    ("Trotsky*", '"Trotsky"*'),
    ('Bukharin "Right Opposition" kulak*', '"Bukharin" AND "Right Opposition" AND "kulak"*'),
    ("Kamenev's", '"Kamenev s"'),
    ("Kamenev OR Zinoviev", '"Kamenev" OR "Zinoviev"'),
    ("Trotsky NOT Lenin", '"Trotsky" NOT "Lenin"'),
    ("(Kamenev OR Zinoviev) trial", '("Kamenev" OR "Zinoviev") AND "trial"'),
    ("Kamenev OR Zinoviev AND trial NOT Lenin", '"Kamenev" OR ("Zinoviev" AND ("trial" NOT "Lenin"))'),
    ("war and peace or not", '"war" AND "and" AND "peace" AND "or" AND "not"'),
    ('"NEAR" {col}:x ^y', '"NEAR" AND "col x" AND "y"'),
])
def test_the_readers_query_is_read_with_fts5s_operators_and_nothing_else(typed, expected):
    assert parse(typed).fts() == expected


@pytest.mark.parametrize("typed", ["", '""', "--", "* ( )"])
def test_a_query_without_words_is_refused_in_plain_words(typed):
    with pytest.raises(QueryError, match="no words"):
        parse(typed)


@pytest.mark.parametrize("typed, said", [
    ("AND", "join two searches"), ("Stalin OR", "ends with an operator"), ("NOT Trotsky", "cannot stand here"),
    ("(Kamenev OR Zinoviev", "not closed"), ("Kamenev)", "not opened"), ("Stalin () Lenin", "holds nothing"),
    ("the " * 13, "at most 12"),
])
def test_a_query_that_cannot_be_read_is_refused_in_plain_words(typed, said):
    with pytest.raises(QueryError, match=re.escape(said)):
        parse(typed)


def test_index_is_rebuilt_when_a_text_changes(small_index):
    folder, db = small_index
    assert index_is_current(folder, db)
    assert search(db, "Sverdlov")[0] == 0
    path = folder / "medvedev.xml"
    path.write_text(MEDVEDEV.replace("M.K. Muranov", "Ya.M. Sverdlov"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert not index_is_current(folder, db)
    ensure_index(folder, db)
    assert index_is_current(folder, db)
    assert [h.passage_id for h in search(db, "Sverdlov")[1]] == ["medvedev.2.p1"]


def test_real_edition_is_searchable_by_a_phrase_of_medvedev(tmp_path):
    db = tmp_path / "search.sqlite"
    stats = build_index(TEI_DIR, db)
    assert stats["texts"] == len(text_files(TEI_DIR)) == 5
    total, hits = search(db, '"spent a large portion of the evenings"')
    assert total == 1 and hits[0].text_key.startswith("medvedev")
    assert "<mark>spent a large portion of the evenings</mark>" in hits[0].snippet_html
    assert search(db, "Kamenev", text_key=hits[0].text_key)[0] > 10


def test_a_name_keeps_its_place_when_the_whitespace_around_it_is_normalised():
    from lxml import etree
    from edition.search import passage_text
    paragraph = etree.fromstring(
        '<p xmlns="http://www.tei-c.org/ns/1.0">\n   Stalin together   with\n\t<persName ref="persons.xml#kamenev-lb">L.B.\n'
        '   Kamenev</persName>  and M.K. Muranov\n immediately set off</p>')
    body, mentions = passage_text(paragraph)
    assert body == "Stalin together with L.B. Kamenev and M.K. Muranov immediately set off"
    assert body[mentions[0].start:mentions[0].end] == "L.B. Kamenev"


@pytest.mark.parametrize("path", text_files(TEI_DIR), ids=lambda p: p.stem)
def test_every_word_of_the_real_text_stands_in_a_searchable_passage(path):
    from lxml import etree
    from edition import tei
    from edition.search import is_passage
    text = etree.parse(str(path), etree.XMLParser(collect_ids=False)).getroot().find(tei("text"))
    outside = []
    for node in text.iter():
        if not isinstance(node.tag, str) or node.tag == tei("fw"):
            continue
        for words, owner in ((node.text, node), (node.tail, node.getparent())):
            if words and words.strip() and not any(is_passage(a) for a in (owner, *owner.iterancestors())):
                outside.append((etree.QName(owner).localname, words.strip()[:40]))
    assert outside == []
