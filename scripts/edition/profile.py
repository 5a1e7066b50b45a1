"""Per-source profiles: a source's quirks declared as data (TOML).

Each source `sources/NAME.txt` has a profile `sources/NAME.toml`. A text
without one converts with the generic profile (`generic_profile`), so a new
plain-text or markdown text goes through the same code. Unknown keys are
refused with a did-you-mean message: a typo in a profile must not silently
switch a rule off.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Every top-level table or key a profile may hold, with what it is for.
KNOWN_KEYS = {
    "id": "the text's identifier (file stem)",
    "key": "short prefix for xml:ids, e.g. 'furr'",
    "format": "'markdown' or 'text'",
    "languages": "language codes present, for langUsage",
    "bibl": "bibliographic facts of the source",
    "original": "the original (Russian) publication",
    "edition": "our edition's facts about this text (standpoint, notes_stmt, gap_at_end for a text that breaks off...)",
    "regions": "line ranges with a role (front, back, omit, contents...), optionally a div type and a lang",
    "headings": "patterns of division headings",
    "footers": "running footers and page furniture removed",
    "residue": "inline residue removed (link residue, escapes)",
    "joins": "page-break mending settings (movable, not_before, unfinished_min_chars, unfinished_end, digits_end_sentence...)",
    "blocks": "block segmentation: lines that start a block of their own, verse detection",
    "quotes": "block-quotation rules",
    "notes": "note marker and note body formats",
    "interventions": "bracketed interpolations (translator, author, editor)",
    "corrections": "sic/corr pairs",
    "foreign": "runs of another script in the text marked as foreign (script, lang)",
    "figures": "facsimile transcriptions in another script (transcription_script, transcription_lang) and their captions",
    "structures": "special structures: lists, letters, verse, glossary...",
    "entities": "entity annotation settings",
    "revisions": "revisionDesc changes",
}


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
    for key in data:
        if key not in KNOWN_KEYS:
            guess = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            raise ProfileError(f"{path}:{_line_of_key(source, key)}: unknown profile key '{key}'{hint}")
    data.setdefault("id", path.stem)
    _check_patterns(path, data)
    _check_rules(path, data)
    return Profile(path, data)


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


def _line_of_key(source: str, key: str) -> int:
    """The line where a top-level key or table is written, so the message points at the typo."""
    for number, line in enumerate(source.splitlines(), start=1):
        if re.match(rf"\s*(\[\[?\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\]|\.)", line):
            return number
    return 1


# keys whose value is a list of regular expressions
PATTERN_LISTS = ("split_before", "not_before", "also_before", "also")


def _check_patterns(path: Path, data: dict[str, Any]) -> None:
    """Compile every regular expression now, so a bad one fails with its name."""

    def walk(node: Any, trail: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("pattern", "start_pattern", "end_pattern", "lead_in", "exclude_lead_in",
                         "run_in", "continuation", "content_except") and isinstance(v, str):
                    try:
                        re.compile(v)
                    except re.error as err:
                        raise ProfileError(f"{path}: {trail}.{k} is not a valid pattern: {err}") from None
                elif k in PATTERN_LISTS and isinstance(v, list):
                    for i, item in enumerate(v):
                        try:
                            re.compile(item)
                        except (re.error, TypeError) as err:
                            raise ProfileError(f"{path}: {trail}.{k}[{i}] is not a valid pattern: {err}") from None
                else:
                    walk(v, f"{trail}.{k}" if trail else k)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{trail}[{i}]")

    walk(data, "")


def profile_for(source: Path) -> Profile:
    toml = source.with_suffix(".toml")
    if toml.exists():
        return load_profile(toml)
    return generic_profile(source.stem, markdown=source.suffix.lower() in (".md", ".markdown"))
