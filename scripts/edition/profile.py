"""Per-source profiles: a source's quirks declared as data (TOML).

Each source `sources/NAME.txt` has a profile `sources/NAME.toml`. A text
without one converts with the generic profile (`generic_profile`), so a new
plain-text or markdown text goes through the same code. Unknown keys, at the
top or in any table, are refused with the file, the line, the table and a
did-you-mean suggestion: a typo in a profile must not silently switch a rule
off. `TABLE_KEYS` declares, in one place, every key a stage reads; a stage
that reads a new key declares it there.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from .patterns import guarded, written_at

# Every top-level table or key a profile may hold, with what it is for.
KNOWN_KEYS = {
    "id": "the text's identifier (file stem)",
    "key": "short prefix for xml:ids, e.g. 'furr'",
    "format": "'markdown' or 'text' (descriptive: the stages read the markup they meet, whatever the format)",
    "languages": "language codes present, for langUsage",
    "bibl": "bibliographic facts of the source",
    "original": "the original (Russian) publication",
    "edition": "our edition's facts about this text (standpoint, notes_stmt, gap_at_end for a text that breaks off...)",
    "regions": "line ranges with a role (front, back, omit, contents...), optionally a div type and a lang",
    "headings": "patterns of division headings",
    "footers": "running footers and page furniture removed",
    "joins": "page-break mending settings (movable, not_before, unfinished_min_chars, unfinished_end, digits_end_sentence...)",
    "blocks": "block segmentation: lines that start a block of their own, verse detection",
    "quotes": "block-quotation rules",
    "notes": "note marker and note body formats",
    "interventions": "bracketed interpolations (translator, author, editor)",
    "foreign": "runs of another script in the text marked as foreign (script, lang)",
    "figures": "facsimile transcriptions in another script (transcription_script, transcription_lang) and their captions",
    "structures": "special structures: lists, letters, verse, glossary...",
    "entities": "entity annotation settings",
    "revisions": "revisionDesc changes",
}


# The keys each table may hold: exactly what the stages read, so that a
# misspelt key is refused instead of silently switching a rule off. A table
# of an array of tables ([[headings]]) is named once, for every rule in it.
# OPEN marks a table whose keys are the user's own (names, figures).
OPEN = None
EDITORIAL_DECL = frozenset({"correction", "normalization", "hyphenation", "quotation", "segmentation",
                            "interpretation"})
PERSON_KEYS = frozenset({"name", "forename", "surname", "id", "ref", "org", "resp"})
TABLE_KEYS: dict[str, frozenset[str] | None] = {
    "": frozenset(KNOWN_KEYS),
    # header: the source's bibliographic description
    "bibl": frozenset({
        "title", "subtitle", "analytic_title", "host_title", "level", "type", "authors", "translators",
        "editors", "availability", "rights", "rights_restricted", "rights_uri", "idnos", "pub_place", "publisher",
        "date", "date_text", "date_not_before", "date_not_after", "scopes", "series", "notes", "urls", "related"}),
    "bibl.authors": PERSON_KEYS,
    "bibl.translators": PERSON_KEYS,
    "bibl.editors": PERSON_KEYS,
    "bibl.idnos": frozenset({"value", "type", "subtype"}),
    "bibl.scopes": frozenset({"text", "unit"}),
    "bibl.series": frozenset({"title", "scope", "unit"}),
    "bibl.related": frozenset({"title", "type", "level", "pub_place", "publisher", "date", "date_text", "note"}),
    "original": frozenset({
        "title", "title_cyrillic", "title_lang", "analytic_title", "level", "lang", "pub_place", "publisher",
        "date", "date_text", "date_not_before", "date_not_after", "scopes", "note", "notes"}),
    "original.scopes": frozenset({"text", "unit"}),
    "edition": frozenset({"standpoint", "abstract", "notes_stmt", "policy", "policy_notes", "gap_at_end"}),
    # the editorialDecl paragraphs, by element: the common text replaced, or a note added
    "edition.policy": EDITORIAL_DECL,
    "edition.policy_notes": EDITORIAL_DECL,
    "revisions": frozenset({"when", "who", "text"}),
    # clean
    "footers": frozenset({"pattern", "rule", "replace"}),
    # structure
    "regions": frozenset({"role", "start", "end", "start_pattern", "end_pattern", "after", "reason",
                          "keep_lines", "div", "floating", "place", "lang"}),
    "headings": frozenset({"pattern", "region", "type", "level", "level_from", "multiline", "after_head",
                           "sequence", "supply_first_after", "content", "content_except"}),
    "structures": frozenset({"pattern", "kind", "region", "within", "lines", "type", "unit", "rule",
                             "close_level", "ends_content", "continuation"}),
    "blocks": frozenset({"split_before", "keep_line_breaks", "verse"}),
    "blocks.verse": frozenset({"min_lines", "max_length", "min_capitalised"}),
    "quotes": frozenset({"lead_in", "exclude_lead_in", "run_in", "continuation", "also"}),
    "joins": frozenset({
        "enabled", "movable", "open_words", "not_before", "also_before", "after_capitalised",
        "unfinished_min_chars", "unfinished_end", "digits_end_sentence", "closers_end_sentence",
        "mark_lost", "displaced_max_words", "not_lost", "lower_case_continues", "lost_before", "lost_after"}),
    "figures": frozenset({"transcription_script", "transcription_lang", "base_script", "caption_max_blocks",
                          "caption_max_chars"}),
    # notes
    "notes": frozenset({
        "markers", "bodies", "body_exclude", "zone_start", "zone_end", "open_at_first_body", "absent_bodies",
        "continuations", "infer_unnumbered", "unwrap", "skip_within", "skip_lines", "place", "type", "resp",
        "faults", "expected"}),
    "notes.markers": frozenset({"pattern", "needs_body", "type", "series", "cert", "comment"}),
    "notes.faults": frozenset({"line", "kind", "n", "marker", "comment"}),
    # the figures of the notes report the profile expects, and why
    "notes.expected": frozenset({
        "references", "bodies", "linked", "unanchored", "without_body", "duplicates", "inferred_numbers",
        "misnumbered", "continuations", "unjoined", "markers_left_in_facsimiles", "bodies_absent_from_source",
        "scopes", "inferred_references", "explain"}),
    "interventions": frozenset({"rules", "skip_within", "malformed", "left_alone"}),
    "interventions.rules": frozenset({"kind", "pattern", "type", "resp", "lang", "name", "cert"}),
    "interventions.malformed": frozenset({"pattern", "fault"}),
    "interventions.left_alone": frozenset({"name", "pattern", "why"}),
    # markup, entities
    "foreign": frozenset({"script", "lang"}),
    "entities": frozenset({"prefer", "signatures", "short_names", "skip", "skip_elements"}),
    "entities.prefer": OPEN,  # a name form -> its register entry
    "entities.short_names": OPEN,  # a word the text alone uses as a name -> its register entry
}
# keys that describe the source to the profile's reader; no stage reads them
DESCRIPTIVE_KEYS = frozenset({"format"})
# the tables above that are arrays of tables ([[headings]]), each element a rule or an entry
ARRAYS = frozenset({
    "headings", "regions", "structures", "footers", "revisions", "bibl.authors", "bibl.translators",
    "bibl.editors", "bibl.idnos", "bibl.scopes", "bibl.series", "bibl.related", "original.scopes",
    "notes.markers", "notes.faults", "interventions.rules", "interventions.malformed",
    "interventions.left_alone"})


class ProfileError(Exception):
    pass


@dataclass
class Profile:
    path: Path | None
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def table(self, key: str) -> dict[str, Any]:
        return self.data.get(key) or {}

    def rules(self, key: str) -> list[dict[str, Any]]:
        """An array of tables, e.g. [[headings]]."""
        return self.data.get(key) or []

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def key(self) -> str:
        return self.data.get("key") or self.id.split("-")[0]


def generic_profile(text_id: str, markdown: bool = True) -> Profile:
    """The profile of a text nobody has described yet."""
    return Profile(
        None,
        {
            "id": text_id,
            "key": re.sub(r"[^a-z0-9]", "", text_id.lower())[:12] or "text",
            "format": "markdown" if markdown else "text",
            "languages": ["en"],
            "bibl": {"title": text_id.replace("-", " ").title(), "authors": []},
            "headings": [{"pattern": r"^(#{1,6})\s+(?P<title>.+)$", "level_from": "hashes"}]
            if markdown
            else [],
        },
    )


def load_profile(path: Path) -> Profile:
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"{path}: not valid TOML: {err}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: a profile must be UTF-8") from None
    _check_keys(path, source, data)
    _check_types(path, source, data)
    data.setdefault("id", path.stem)
    _check_names(path, source, data)
    _check_patterns(path, data)
    _check_rules(path, data)
    return Profile(path, data)


# The type of every value the stages read as one type (as the five profiles
# write them): a number or true/false where a string belongs is refused here,
# with its line, instead of failing as a TypeError deep in a stage.
VALUE_TYPES: dict[str, frozenset[str]] = {
    "a string": frozenset({
        "bibl.analytic_title", "bibl.authors.forename", "bibl.authors.id", "bibl.authors.name",
        "bibl.authors.surname", "bibl.availability", "bibl.date", "bibl.date_text", "bibl.editors.forename",
        "bibl.editors.id", "bibl.editors.name", "bibl.editors.resp", "bibl.editors.surname",
        "bibl.host_title", "bibl.idnos.subtype", "bibl.idnos.type", "bibl.idnos.value", "bibl.level",
        "bibl.pub_place", "bibl.publisher", "bibl.related.date", "bibl.related.date_text",
        "bibl.related.level", "bibl.related.note", "bibl.related.pub_place", "bibl.related.publisher",
        "bibl.related.title", "bibl.related.type", "bibl.rights", "bibl.series.scope", "bibl.series.title",
        "bibl.series.unit", "bibl.subtitle", "bibl.title", "bibl.translators.forename", "bibl.translators.id",
        "bibl.translators.name", "bibl.translators.resp", "bibl.translators.surname", "bibl.type",
        "edition.gap_at_end", "edition.policy_notes.correction", "edition.policy_notes.quotation",
        "edition.policy_notes.segmentation", "edition.standpoint", "figures.transcription_lang",
        "figures.transcription_script", "footers.pattern", "footers.rule", "foreign.lang", "foreign.script",
        "format", "headings.content", "headings.content_except", "headings.pattern", "headings.region",
        "headings.supply_first_after", "headings.type", "id", "interventions.left_alone.name",
        "interventions.left_alone.pattern", "interventions.left_alone.why", "interventions.malformed.fault",
        "interventions.malformed.pattern", "interventions.rules.cert", "interventions.rules.kind",
        "interventions.rules.lang", "interventions.rules.name", "interventions.rules.pattern",
        "interventions.rules.resp", "interventions.rules.type", "joins.unfinished_end", "key",
        "notes.body_exclude", "notes.expected.explain", "notes.faults.comment", "notes.faults.kind",
        "notes.faults.marker", "notes.markers.cert", "notes.markers.comment", "notes.markers.pattern",
        "notes.markers.series", "notes.markers.type", "notes.place", "notes.resp", "notes.type",
        "notes.zone_end", "notes.zone_start", "original.analytic_title", "original.date",
        "original.date_text", "original.lang", "original.level", "original.note", "original.pub_place",
        "original.publisher", "original.scopes.text", "original.scopes.unit", "original.title",
        "original.title_cyrillic", "quotes.continuation", "quotes.exclude_lead_in", "quotes.lead_in",
        "quotes.run_in", "regions.div", "regions.end_pattern", "regions.floating", "regions.lang",
        "regions.reason", "regions.role", "regions.start_pattern", "structures.continuation",
        "structures.kind", "structures.pattern", "structures.region", "structures.rule", "structures.type",
        "structures.unit", "structures.within",
    }),
    # (lists a stage iterates as such: a lone string would be read letter by letter;
    # other lists, such as joins.mark_lost, also take one string)
    "strings": frozenset({
        "languages", "blocks.split_before", "joins.not_before", "joins.also_before", "quotes.also",
        "notes.bodies", "notes.unwrap",
    }),
    "true/false": frozenset({
        "bibl.rights_restricted", "bibl.translators.org", "headings.after_head", "headings.sequence",
        "joins.after_capitalised", "joins.closers_end_sentence", "joins.digits_end_sentence",
        "notes.absent_bodies", "notes.markers.needs_body", "notes.open_at_first_body", "regions.keep_lines",
        "structures.ends_content",
    }),
    "a whole number": frozenset({
        "blocks.verse.max_length", "blocks.verse.min_lines", "figures.caption_max_blocks",
        "figures.caption_max_chars", "headings.level", "joins.displaced_max_words",
        "joins.unfinished_min_chars", "notes.expected.bodies", "notes.expected.bodies_absent_from_source",
        "notes.expected.duplicates", "notes.expected.inferred_references", "notes.expected.linked",
        "notes.expected.misnumbered", "notes.expected.references", "notes.expected.unanchored",
        "notes.expected.without_body", "notes.faults.line", "regions.end", "regions.start",
        "structures.close_level",
    }),
    "a number": frozenset({
        "blocks.verse.min_capitalised",
    }),
}
TYPE_TESTS = {
    "a string": lambda v: isinstance(v, str),
    "strings": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    "true/false": lambda v: isinstance(v, bool),
    "a whole number": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "a number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
# An id names the output file (tei/ID.xml): letters, digits, '-', '_' and '.', not first.
TEXT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# A key prefixes every xml:id of the text (KEY.3.p5): an XML name without ':' or '.'.
TEXT_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,39}")
# The registers' own files: a text named like one would replace it.
RESERVED_IDS = frozenset({"persons", "places", "orgs"})
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _check_types(path: Path, source: str, data: dict[str, Any]) -> None:
    expected = {key: kind for kind, keys in VALUE_TYPES.items() for key in keys}

    def check(table: dict[str, Any], schema: str, trail: str) -> None:
        for key, value in table.items():
            inner = f"{schema}.{key}" if schema else key
            place = f"{trail}.{key}" if trail else key
            kind = expected.get(inner)
            if kind and not TYPE_TESTS[kind](value):
                raise ProfileError(f"{path}:{_line_of(source, trail, key)}: '{place}' must be {kind}, "
                                   f"not {_toml_type(value)} ({value!r})")
            if isinstance(value, dict):
                check(value, inner, place)
            elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
                for i, item in enumerate(value):
                    check(item, inner, f"{place}[{i}]")

    check(data, "", "")


def _check_names(path: Path, source: str, data: dict[str, Any]) -> None:
    """The id names a file in the output folder and the key every xml:id: both are
    checked for their characters (no '../', no spaces or markup) and neither may
    take a register's name."""
    text_id = data["id"]
    if not TEXT_ID.fullmatch(text_id):
        raise ProfileError(f"{path}:{_line_of(source, '', 'id')}: id {text_id!r} must be letters, digits, "
                           "'-', '_' or '.' (not first), at most 100: it names the TEI file")
    key = data.get("key")
    if key is not None and not TEXT_KEY.fullmatch(key):
        raise ProfileError(f"{path}:{_line_of(source, '', 'key')}: key {key!r} must start with a letter or '_' "
                           "and hold only letters, digits, '-' and '_' (at most 40): it begins every xml:id")
    for name, value in (("id", text_id), ("key", key)):
        if value in RESERVED_IDS:
            raise ProfileError(f"{path}:{_line_of(source, '', name)}: {name} {value!r} is the name of a register "
                               f"(tei/{value}.xml): choose another")
    for language in data.get("languages", []):
        if not LANGUAGE_TAG.fullmatch(language):
            raise ProfileError(f"{path}:{_line_of(source, '', 'languages')}: {language!r} in 'languages' is not a "
                               "language code (en, ru, de-AT...)")


def _check_rules(path: Path, data: dict[str, Any]) -> None:
    """The shapes the structure stage relies on, checked now with the rule's place."""
    for table in ("headings", "structures", "regions"):
        rules = data.get(table, [])
        if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
            raise ProfileError(f"{path}: '{table}' must be an array of tables ([[{table}]])")
        for i, rule in enumerate(rules):
            where = f"{path}: {table}[{i}]"
            if table != "regions" and "pattern" not in rule:
                raise ProfileError(f"{where}: a rule needs a 'pattern'")
            if table == "structures" and "kind" not in rule:
                raise ProfileError(f"{where}: a rule needs a 'kind' (p, item, quote, figure, milestone...)")
            lines = rule.get("lines")
            if lines is not None and not (isinstance(lines, list) and len(lines) == 2
                                          and all(isinstance(n, int) for n in lines) and lines[0] <= lines[1]):
                raise ProfileError(f"{where}: 'lines' must be [first, last] line numbers, got {lines!r}")
            for key in ("level", "close_level", "start", "end"):
                if key in rule and not isinstance(rule[key], int):
                    raise ProfileError(f"{where}: '{key}' must be a whole number, got {rule[key]!r}")


def _check_keys(path: Path, source: str, data: dict[str, Any]) -> None:
    """Every key of every table must be one a stage reads (TABLE_KEYS)."""

    def check(table: dict[str, Any], schema: str, trail: str) -> None:
        known = TABLE_KEYS[schema]
        if known is OPEN:
            return
        for key, value in table.items():
            if key not in known:
                raise ProfileError(_unknown_key(path, source, schema, trail, key, known))
            inner = f"{schema}.{key}" if schema else key
            if inner not in TABLE_KEYS:
                continue
            place = f"{trail}.{key}" if trail else key
            if inner in ARRAYS and isinstance(value, list) and all(isinstance(item, dict) for item in value):
                for i, item in enumerate(value):
                    check(item, inner, f"{place}[{i}]")
            elif inner not in ARRAYS and isinstance(value, dict):
                check(value, inner, place)
            else:
                shape = f"an array of tables ([[{inner}]])" if inner in ARRAYS else f"a table ([{inner}])"
                raise ProfileError(f"{path}:{_line_of(source, trail, key)}: '{place}' must be {shape}, "
                                   f"not {_toml_type(value)}")

    check(data, "", "")


def _unknown_key(path: Path, source: str, schema: str, trail: str, key: str, known: frozenset[str]) -> str:
    guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{guess[0]}'?" if guess else f"; the table knows: {', '.join(sorted(known))}"
    line = _line_of(source, trail, key)
    if not schema:
        return f"{path}:{line}: unknown profile key '{key}'{hint}"
    return f"{path}:{line}: unknown key '{key}' in {_table_name(trail)}{hint}"


def _table_name(trail: str) -> str:
    """A table as the profile writes it: [bibl], [[headings]] #3 (the third rule)."""
    element = re.fullmatch(r"([^\[\]]+)\[(\d+)\]", trail)
    if element:
        return f"[[{element.group(1)}]] #{int(element.group(2)) + 1}"
    return f"[{trail}]" if "[" not in trail else trail


def _toml_type(value: Any) -> str:
    names = {str: "a string", bool: "true/false", int: "a number", float: "a number", list: "an array",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _headers(source: str) -> list[tuple[int, str]]:
    """(line, table) for every table header, arrays numbered as the loader numbers them:
    the third `[[headings]]` is `headings[2]`, a `[[notes.markers]]` under it `notes.markers[0]`."""
    found: list[tuple[int, str]] = []
    counts: dict[str, int] = {}
    for number, line in enumerate(source.splitlines(), start=1):
        m = HEADER.match(line)
        if not m:
            continue
        name = ".".join(part.strip().strip("\"'") for part in m.group(2).split("."))
        # a name under an array of tables counts within the array's current element
        parent = next((t for _, t in reversed(found) if name.startswith(re.sub(r"\[\d+\]", "", t) + ".")
                       and t.endswith("]")), None)
        if parent is not None:
            name = parent + name[len(re.sub(r"\[\d+\]", "", parent)):]
        if m.group(1) == "[[":
            counts[name] = counts.get(name, -1) + 1
            name = f"{name}[{counts[name]}]"
        found.append((number, name))
    return found


def _line_of(source: str, trail: str, key: str) -> int:
    """The line where `key` of the table `trail` is written, so the message points at the typo.

    The key is looked for under the table's own header, or under the nearest
    enclosing one (an inline table, a dotted key); failing that, the header's line.
    """
    lines = source.splitlines()
    headers = _headers(source)
    # the key written as a table of its own: [bibl.titel], [[headingz]]
    for number, name in headers:
        if re.sub(r"\[0\]$", "", name) == (f"{trail}.{key}" if trail else key):
            return number
    start, end = 0, len(lines)
    enclosing = trail
    while True:
        spans = [(i, number) for i, (number, name) in enumerate(headers) if name == enclosing]
        if spans or not enclosing:
            break
        enclosing = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", enclosing)
    if spans:
        i, number = spans[0]
        start = number
        end = headers[i + 1][0] - 1 if i + 1 < len(headers) else len(lines)
    elif headers:
        end = headers[0][0] - 1  # top-level keys come before the first header
    written = re.compile(rf"(^|[\s{{,.])[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(start + 1, end + 1):
        if written.search(lines[number - 1].split("#", 1)[0]):
            return number
    return start or 1


# keys whose value is a list of regular expressions
PATTERN_LISTS = ("split_before", "not_before", "also_before", "lost_before", "lost_after", "also")


def _check_patterns(path: Path, data: dict[str, Any]) -> None:
    """Compile every regular expression now, so a bad one fails with its name."""

    def walk(node: Any, trail: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("pattern", "start_pattern", "end_pattern", "lead_in", "exclude_lead_in",
                         "run_in", "continuation", "content_except") and isinstance(v, str):
                    _compile(path, f"{trail}.{k}", v)
                elif k in PATTERN_LISTS and isinstance(v, list):
                    for i, item in enumerate(v):
                        _compile(path, f"{trail}.{k}[{i}]", item)
                else:
                    walk(v, f"{trail}.{k}" if trail else k)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{trail}[{i}]")

    walk(data, "")


def _compile(path: Path, where: str, text: Any) -> None:
    """A pattern must compile for `re` (its error messages are the clearer) and for
    `regex`, which runs it with a time limit (edition.patterns)."""
    try:
        re.compile(text)
        guarded(text)
    except (re.error, regex.error, TypeError) as err:
        raise ProfileError(f"{path}: {where} is not a valid pattern: {err}") from None
    written_at(text, f"{path}: {where}")


def profile_for(source: Path) -> Profile:
    toml = source.with_suffix(".toml")
    if toml.exists():
        return load_profile(toml)
    return generic_profile(source.stem, markdown=source.suffix.lower() in (".md", ".markdown"))
