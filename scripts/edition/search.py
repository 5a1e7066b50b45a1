"""The full-text search index of the edition: SQLite FTS5 in build/search.sqlite.

One row per passage a reader can land on (paragraph, head, list item, verse
line, note), with the id of the element to link to; one row per name with a
register @ref, with its keyword-in-context, for the registers' pages and the
"filter by entity" search. `edition build` rebuilds it; the viewer rebuilds it
when the TEI files changed since (`ensure_index`).
"""

from __future__ import annotations

import bisect
import functools
import html
import json
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import BUILD, TEI_DIR, XML_ID, tei
from .query import Query, QueryError, parse
from .spellings import Form, key, misreadings, register_forms, spelling_groups
from .health import sound

INDEX_PATH = BUILD / "search.sqlite"
REGISTER_FILES = {"persons.xml", "places.xml", "orgs.xml"}
# the passages a reader lands on; a note is its own passage, not part of its paragraph's
BLOCK_TAGS = {tei(t) for t in ("p", "head", "item", "l", "ab", "cell", "note", "trailer", "byline", "dateline",
                                "titlePart", "docImprint", "docAuthor", "docDate", "docEdition", "figDesc",
                                "salute", "signed", "speaker")}
# passages only where they stand free (a bibliography entry, a glossary term);
# inside a paragraph they are part of it
FREE_TAGS = {tei(t) for t in ("bibl", "label", "gloss", "quote", "q", "epigraph", "closer", "opener")}
PASSAGE_TAGS = BLOCK_TAGS | FREE_TAGS
NAME_TAGS = {tei(t) for t in ("persName", "placeName", "orgName", "rs", "name")}
SKIPPED_TAGS = {tei("fw")}
# inside choice only the edited reading is indexed: a snippet must read as the text reads
RECEIVED_READINGS = {tei(t) for t in ("sic", "orig", "abbr")}
KWIC_CHARS = 70
# sentinels around hits in snippets: never in the text, escaped around them
HIT_START, HIT_END = "\x02", "\x03"

_rebuild_lock = threading.Lock()


def _part_of_the_same(name) -> bool:
    """`Gosplan` in the whole `USSR Gosplan`: the whole names the same entry, one mention of it."""
    return any(a.tag in NAME_TAGS and a.get("ref") == name.get("ref") for a in name.iterancestors())


def text_files(tei_dir: Path) -> list[Path]:
    # a file that cannot be parsed is left out (and named by the viewer), not fatal to the index
    return sound(sorted(p for p in Path(tei_dir).glob("*.xml") if p.name not in REGISTER_FILES))


# raised when the tables change, so that an index of the old shape is rebuilt
INDEX_VERSION = 7


def _fingerprint(tei_dir: Path) -> str:
    """What the index was built from: its shape, names, sizes and mtimes of the TEI files
    (the registers too: their spellings widen a search)."""
    registers = [p for p in (Path(tei_dir) / name for name in sorted(REGISTER_FILES)) if p.is_file()]
    return json.dumps([INDEX_VERSION, [[p.name, p.stat().st_size, p.stat().st_mtime_ns]
                                       for p in [*text_files(tei_dir), *registers]]])


@dataclass
class Mention:
    register: str
    entity: str
    start: int
    end: int
    cert: str = ""  # the identification's certainty (@cert), "" for an exact name


def is_passage(element: etree._Element) -> bool:
    """A passage of its own; a note printed inline (a translator's bracketed
    gloss) belongs to the passage it stands in."""
    if element.tag in FREE_TAGS:
        return not any(a.tag in BLOCK_TAGS for a in element.iterancestors())
    return element.tag in BLOCK_TAGS and not (element.tag == tei("note") and element.get("place") == "inline")


# who may expand an abbreviation within the received text: their expansion stands beside it
VOICES_OF_THE_TEXT = ("#author", "#translator", "#editor")


def is_voiced_expansion(choice: etree._Element) -> bool:
    """'RSDRP [Russian Social Democratic Workers Party]': an abbreviation the
    translator (or author) expanded in brackets. Both were printed, both are read."""
    expan = choice.find(tei("expan"))
    return (choice.find(tei("abbr")) is not None and expan is not None
            and any(r.endswith(VOICES_OF_THE_TEXT) for r in (expan.get("resp") or "").split()))


def is_received_reading(node: etree._Element) -> bool:
    """The reading a choice keeps beside the edited one, not read by default (sic, orig, abbr)
    — except an abbreviation whose expansion is the text's own."""
    parent = node.getparent()
    return (node.tag in RECEIVED_READINGS and parent is not None and parent.tag == tei("choice")
            and not (node.tag == tei("abbr") and is_voiced_expansion(parent)))


def words_read(text: etree._Element) -> int:
    """The extent of a text in words, as a reader reads it: notes included, the
    received reading of a correction left out (it is shown only on request).
    The one definition: the library, a text's contents and the index state it."""
    def read(node: etree._Element):
        if node.text:
            yield node.text
        for child in node:
            if isinstance(child.tag, str) and not is_received_reading(child):
                yield from read(child)
            if child.tail:
                yield child.tail
    return len("".join(read(text)).split())


def passage_text(element: etree._Element) -> tuple[str, list[Mention]]:
    """The text of a passage without its nested passages (notes, items), with
    the character span of every name in it that points into a register."""
    parts: list[str] = []
    mentions: list[Mention] = []
    length = 0

    def walk(node: etree._Element, top: bool) -> None:
        nonlocal length
        if not top and (is_passage(node) or node.tag in SKIPPED_TAGS or is_received_reading(node)):
            pass
        else:
            # the expansion of an abbreviation kept beside it is read in its brackets
            bracketed = node.tag == tei("expan") and node.getparent() is not None and is_voiced_expansion(node.getparent())
            if bracketed:
                parts.append(" [")
                length += 2
            start = length
            if node.text:
                parts.append(node.text)
                length += len(node.text)
            for child in node:
                if isinstance(child.tag, str):
                    walk(child, False)
                if child.tail:
                    parts.append(child.tail)
                    length += len(child.tail)
            if node.tag in NAME_TAGS and node.get("ref") and not _part_of_the_same(node):
                target = node.get("ref").split()[0]
                register, _, entity = target.partition("#")
                if entity:
                    mentions.append(Mention(register.removesuffix(".xml"), entity, start, length, node.get("cert") or ""))
            if bracketed:
                parts.append("]")
                length += 1
            return

    walk(element, True)
    text = "".join(parts)

    # whitespace is normalised (in C): every run becomes one space, a leading run none;
    # a span's ends move back by what the runs before them lost
    runs = [(r.start(), r.end()) for r in _WHITESPACE.finditer(text)] if mentions else []
    starts = [start for start, _end in runs]
    removed_before = [0]
    for start, end in runs:
        removed_before.append(removed_before[-1] + (end - start) - (0 if start == 0 else 1))

    def normalised_position(position: int) -> int:
        i = bisect.bisect_right(starts, position) - 1
        if i < 0:
            return position
        start, end = runs[i]
        keep = 0 if start == 0 else 1
        if position >= end:
            return position - removed_before[i + 1]
        return start - removed_before[i] + min(position - start, keep)

    for m in mentions:
        m.start, m.end = normalised_position(m.start), normalised_position(m.end)
    return _WHITESPACE.sub(" ", text.lstrip()).rstrip(), mentions


_WHITESPACE = re.compile(r"\s+")


def section_of(element: etree._Element, heads: dict) -> str:
    """The heads of the divisions a passage stands in (the innermost two), for the hit list."""
    trail = []
    for div in element.iterancestors(tei("div")):
        if div not in heads:
            head = div.find(tei("head"))
            heads[div] = passage_text(head)[0] if head is not None else ""
        if heads[div]:
            trail.append(heads[div])
    return " › ".join(reversed(trail[:2]))


def _link_id(element: etree._Element) -> str | None:
    node = element
    while node is not None:
        if node.get(XML_ID):
            return node.get(XML_ID)
        node = node.getparent()
    return None


def _fill_index(con: sqlite3.Connection, tei_dir: Path) -> dict:
    """Create the tables and index every passage and mention of every text."""
    con.executescript("""
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE texts(text_key TEXT PRIMARY KEY, file TEXT, title TEXT, words INTEGER);
        CREATE VIRTUAL TABLE passages USING fts5(
            body, text_key UNINDEXED, passage_id UNINDEXED, kind UNINDEXED, section UNINDEXED,
            tokenize = "unicode61 remove_diacritics 2");
        CREATE TABLE mentions(passage_rowid INTEGER, text_key TEXT, passage_id TEXT,
            register TEXT, entity TEXT, before TEXT, name TEXT, after TEXT, cert TEXT);
        CREATE TABLE spellings(grp INTEGER, form TEXT);
    """)
    stats = {"texts": 0, "passages": 0, "mentions": 0}
    forms = register_forms(tei_dir)
    for path in text_files(tei_dir):
        # per text: a cached div keeps its whole tree alive, so one cache for all
        # texts held every parsed text in memory (about 5 MB a text: over 2 GB at 100x)
        heads: dict[etree._Element, str] = {}
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False)).getroot()
        text_key = root.get(XML_ID) or path.stem
        title = root.find(f"{tei('teiHeader')}/{tei('fileDesc')}/{tei('titleStmt')}/{tei('title')}")
        text = root.find(tei("text"))
        con.execute("INSERT INTO texts VALUES (?, ?, ?, ?)",
                    (text_key, path.name, " ".join("".join(title.itertext()).split()) if title is not None else text_key,
                     words_read(text) if text is not None else 0))
        stats["texts"] += 1
        if text is None:
            continue
        for ref, form in misreadings(text):
            if ref in forms and form not in forms[ref]:
                forms[ref].append(form)
        for element in text.iter(PASSAGE_TAGS):
            if not is_passage(element) or any(a.tag in SKIPPED_TAGS for a in element.iterancestors()):
                continue
            body, mentions = passage_text(element)
            link = _link_id(element)
            if not body or not link:
                continue
            cursor = con.execute("INSERT INTO passages(body, text_key, passage_id, kind, section) VALUES (?, ?, ?, ?, ?)",
                                 (body, text_key, link, etree.QName(element).localname, section_of(element, heads)))
            stats["passages"] += 1
            for m in mentions:
                con.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (cursor.lastrowid, text_key, link, m.register, m.entity,
                             body[max(0, m.start - KWIC_CHARS):m.start], body[m.start:m.end],
                             body[m.end:m.end + KWIC_CHARS], m.cert))
                stats["mentions"] += 1
    # an entry's mentions in one text, in text order, are read from the index alone (Stalin: 3,000 rows)
    con.execute("CREATE INDEX mentions_entity ON mentions(register, entity, text_key, passage_rowid)")
    con.execute("INSERT INTO passages(passages) VALUES ('optimize')")
    con.executemany("INSERT INTO spellings VALUES (?, ?)",
                    [(n, " ".join(form)) for n, group in enumerate(spelling_groups(forms)) for form in group])
    return stats


def build_index(tei_dir: Path = TEI_DIR, db_path: Path = INDEX_PATH) -> dict:
    """Index every text in tei_dir into db_path (replaced atomically)."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # one scratch file per builder: two processes may rebuild at once (a server, a build)
    tmp_path = db_path.with_name(f"{db_path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp_path.unlink(missing_ok=True)
    fingerprint = _fingerprint(tei_dir)
    con = sqlite3.connect(tmp_path)
    try:
        stats = _fill_index(con, tei_dir)
        con.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
        con.commit()
    except BaseException:
        con.close()
        tmp_path.unlink(missing_ok=True)
        raise
    con.close()
    tmp_path.replace(db_path)
    return stats


def index_is_current(tei_dir: Path = TEI_DIR, db_path: Path = INDEX_PATH) -> bool:
    if not Path(db_path).is_file():
        return False
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return bool(row) and row[0] == _fingerprint(tei_dir)


def ensure_index(tei_dir: Path = TEI_DIR, db_path: Path = INDEX_PATH) -> None:
    """Rebuild the index if the TEI changed since it was built."""
    if index_is_current(tei_dir, db_path):
        return
    with _rebuild_lock:
        if not index_is_current(tei_dir, db_path):
            build_index(tei_dir, db_path)


def word_counts(tei_dir: Path = TEI_DIR, db_path: Path = INDEX_PATH) -> dict[str, int] | None:
    """{file name: words of its text} if the index is current, else None."""
    if not index_is_current(tei_dir, db_path):
        return None
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT file, words FROM texts").fetchall())
    finally:
        con.close()


@dataclass
class Passage:
    text_key: str
    text_title: str
    passage_id: str
    section: str
    body: str
    mentioned: list[str]   # register/id of each entry it names


def every_passage(db_path: Path) -> list[Passage]:
    """Every passage of the index in text order, for a search run elsewhere (the static export)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        mentioned: dict[int, list[str]] = {}
        for rowid, register, entity in con.execute("SELECT DISTINCT passage_rowid, register, entity FROM mentions"):
            mentioned.setdefault(rowid, []).append(f"{register}/{entity}")
        return [Passage(text_key, title, passage_id, section or "", body, mentioned.get(rowid, []))
                for rowid, text_key, title, passage_id, section, body in con.execute(
                    "SELECT passages.rowid, passages.text_key, texts.title, passage_id, section, body"
                    " FROM passages JOIN texts ON texts.text_key = passages.text_key ORDER BY passages.rowid")]
    finally:
        con.close()


@dataclass
class Hit:
    text_key: str
    text_title: str
    passage_id: str
    kind: str
    snippet_html: str
    section: str = ""


def _snippet_html(snippet: str) -> str:
    return html.escape(snippet).replace(HIT_START, "<mark>").replace(HIT_END, "</mark>")


def spellings(db_path: Path) -> dict[Form, list[Form]]:
    """{a form's key: every form of its group} from the index (read once per index version)."""
    return _spellings(Path(db_path), Path(db_path).stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _spellings(db_path: Path, _mtime_ns: int) -> dict[Form, list[Form]]:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        groups: dict[int, list[Form]] = {}
        for group, form in con.execute("SELECT grp, form FROM spellings ORDER BY rowid"):
            groups.setdefault(group, []).append(tuple(form.split(" ")))
    finally:
        con.close()
    return {key(form): forms for forms in groups.values() for form in forms}


def read_query(db_path: Path, text: str, variants: bool = True) -> Query:
    """The reader's query, its names widened to the registers' spellings unless variants is False."""
    return parse(text, spellings(db_path) if variants else None)


def search(db_path: Path, query: str | Query, text_key: str | None = None,
           entity: tuple[str, str] | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Hit]]:
    """(number of hits, one page of hits ranked by bm25). A query given as text is widened
    to the registers' spellings; read_query(..., variants=False) gives one that is not."""
    if isinstance(query, str):
        query = read_query(db_path, query)
    where = ["passages MATCH ?"]
    params: list = [query.fts()]
    if text_key:
        where.append("passages.text_key = ?")
        params.append(text_key)
    if entity:
        where.append("passages.rowid IN (SELECT passage_rowid FROM mentions WHERE register = ? AND entity = ?)")
        params.extend(entity)
    clause = " AND ".join(where)
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        total = con.execute(f"SELECT count(*) FROM passages WHERE {clause}", params).fetchone()[0]
        # a page past the last costs nothing; the snippets are made for the page's rows
        # only (ordered with them, FTS5 would make one for every hit)
        rows = [] if offset >= total else con.execute(
            f"""WITH page AS (SELECT passages.rowid AS id, rank FROM passages WHERE {clause}
                              ORDER BY rank LIMIT ? OFFSET ?)
                SELECT passages.text_key, texts.title, passage_id, kind,
                       snippet(passages, 0, ?, ?, '…', 32), section
                FROM page JOIN passages ON passages.rowid = page.id JOIN texts ON texts.text_key = passages.text_key
                WHERE passages MATCH ? ORDER BY page.rank""",
            [*params, limit, offset, HIT_START, HIT_END, params[0]]).fetchall()
    except sqlite3.OperationalError as err:
        raise QueryError(f"the search could not be run: {err}") from err
    finally:
        con.close()
    return total, [Hit(r[0], r[1], r[2], r[3], _snippet_html(r[4]), r[5] or "") for r in rows]


def passages_mentioning(db_path: Path, register: str, entity: str, text_key: str | None = None,
                        limit: int = 50, offset: int = 0) -> tuple[int, list[Hit]]:
    """(number of passages, one page of them in text order) that mention one
    register entry: the search filtered by an entity with no words to match.
    The snippet is the first mention's keyword-in-context."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        total = con.execute("SELECT count(DISTINCT passage_rowid) FROM mentions WHERE register = ? AND entity = ?"
                            " AND (? IS NULL OR text_key = ?)", (register, entity, text_key, text_key)).fetchone()[0]
        rows = con.execute(
            """SELECT m.text_key, texts.title, m.passage_id, passages.kind, m.before, m.name, m.after, passages.section
               FROM (SELECT passage_rowid, text_key, passage_id, before, name, after,
                            row_number() OVER (PARTITION BY passage_rowid ORDER BY rowid) AS n
                     FROM mentions WHERE register = ? AND entity = ? AND (? IS NULL OR text_key = ?)) AS m
               JOIN passages ON passages.rowid = m.passage_rowid JOIN texts ON texts.text_key = m.text_key
               WHERE m.n = 1 ORDER BY m.text_key, m.passage_rowid LIMIT ? OFFSET ?""",
            (register, entity, text_key, text_key, limit, offset)).fetchall()
    finally:
        con.close()
    return total, [Hit(r[0], r[1], r[2], r[3], html.escape(("…" if len(r[4]) >= KWIC_CHARS else "") + r[4])
                       + f"<mark>{html.escape(r[5])}</mark>" + html.escape(r[6] + ("…" if len(r[6]) >= KWIC_CHARS else "")),
                       r[7] or "") for r in rows]


def mentions_of(db_path: Path, register: str, entity: str, text_key: str | None = None,
                limit: int | None = None, offset: int = 0) -> list[dict]:
    """Every mention of one register entry (or one page of them, in one text),
    in text order, for keyword-in-context."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        texts = "AND text_key = ?" if text_key else ""
        rows = con.execute(f"""SELECT text_key, passage_id, before, name, after, cert FROM mentions
                               WHERE register = ? AND entity = ? {texts}
                               ORDER BY text_key, passage_rowid LIMIT ? OFFSET ?""",
                           (register, entity, *([text_key] if text_key else []), -1 if limit is None else limit,
                            offset)).fetchall()
    finally:
        con.close()
    return [dict(r) for r in rows]


def first_mentions_by_text(db_path: Path, register: str, entity: str, per_text: int) -> dict[str, list[dict]]:
    """{text_key: its first per_text mentions of the entry}: one query, so that
    an entry named thousands of times (Stalin) still shows every text at once."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        rows = con.execute("""SELECT text_key, passage_id, before, name, after, cert FROM (
                                SELECT *, row_number() OVER (PARTITION BY text_key ORDER BY passage_rowid) AS n
                                FROM mentions WHERE register = ? AND entity = ?)
                              WHERE n <= ? ORDER BY text_key, n""", (register, entity, per_text)).fetchall()
    finally:
        con.close()
    by_text: dict[str, list[dict]] = {}
    for row in rows:
        by_text.setdefault(row["text_key"], []).append(dict(row))
    return by_text


def mention_counts(db_path: Path, register: str, entity: str | None = None) -> dict[str, dict[str, int]]:
    """{entity: {text_key: number of mentions}} for a register's index page (or one entry)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        # two statements: "(? IS NULL OR entity = ?)" would keep SQLite from the index for one entry
        if entity is None:
            rows = con.execute("SELECT entity, text_key, count(*) FROM mentions WHERE register = ?"
                               " GROUP BY entity, text_key", (register,)).fetchall()
        else:
            rows = con.execute("SELECT entity, text_key, count(*) FROM mentions WHERE register = ? AND entity = ?"
                               " GROUP BY entity, text_key", (register, entity)).fetchall()
    finally:
        con.close()
    counts: dict[str, dict[str, int]] = {}
    for entity, text_key, n in rows:
        counts.setdefault(entity, {})[text_key] = n
    return counts
