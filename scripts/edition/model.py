"""The small intermediate model that the stages hand to each other.

parse/clean work on `Line`s; structure turns them into an lxml TEI tree held
by `Document`, which every later stage enriches. Facts a stage learns for the
reports (removals, joins, note counts, warnings) are recorded here by the
stage that knows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .profile import Profile


class ConversionError(Exception):
    """A source cannot be converted; the message names file, line and problem."""

    def __init__(self, path, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


@dataclass
class Line:
    number: int  # 1-based line number in the source file
    text: str


@dataclass
class Removal:
    """Source text deliberately left out of the reading text, and why."""

    line: int
    rule: str  # e.g. "running-footer", "link-residue", "markdown-residue"
    text: str


@dataclass
class Document:
    id: str
    profile: Profile
    path: str
    lines: list[Line]
    removals: list[Removal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # per-stage report figures, e.g. report["structure"]["joins"] = 312
    report: dict[str, dict[str, Any]] = field(default_factory=dict)
    tei: etree._Element | None = None

    def remove(self, line: int, rule: str, text: str) -> None:
        if text.strip():
            self.removals.append(Removal(line, rule, text))

    def warn(self, line: int | None, message: str) -> None:
        where = f"{self.path}:{line}" if line else self.path
        self.warnings.append(f"{where}: {message}")

    def stage_report(self, stage: str) -> dict[str, Any]:
        return self.report.setdefault(stage, {})
