"""Run the pipeline: one source in, one TEI file (and its reports) out.

    parse -> clean -> structure -> notes -> markup -> entities -> header -> serialize

`build_edition` converts every source in `sources/` (in parallel processes
when there are several texts and several cores), then writes the TEI files
atomically: if any text fails, nothing of the previous edition is replaced.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import SOURCES, TEI_DIR
from .clean import clean
from .entities import annotate
from .fidelity import check
from .header import add_header
from .markup import markup
from .model import ConversionError, Document
from .notes import link_notes
from .parse import parse
from .profile import ProfileError, profile_for
from .serialize import serialize, write_atomic
from .structure import structure

STAGES: list[tuple[str, Callable[[Document], Document]]] = [
    ("clean", clean),
    ("structure", structure),
    ("notes", link_notes),
    ("markup", markup),
    ("entities", annotate),
    ("header", add_header),
]

SOURCE_SUFFIXES = (".txt", ".md", ".markdown")


@dataclass
class BuildResult:
    text_id: str
    tei: bytes
    report: dict
    fidelity: dict
    warnings: list[str]
    seconds: float


def source_files(directory: Path = SOURCES) -> list[Path]:
    return sorted(p for p in Path(directory).iterdir() if p.suffix.lower() in SOURCE_SUFFIXES)


def convert(source: Path) -> Document:
    """Run every stage up to (not including) serialization."""
    source = Path(source)
    profile = profile_for(source)
    doc = parse(source, profile)
    for _name, stage in STAGES:
        doc = stage(doc)
    return doc


def build_text(source: Path) -> BuildResult:
    started = time.perf_counter()
    doc = convert(source)
    source_text = Path(source).read_text(encoding="utf-8-sig", errors="replace")
    data = serialize(doc)
    fidelity = check(doc, source_text, doc.tei).as_dict()
    return BuildResult(doc.id, data, doc.report, fidelity, doc.warnings, time.perf_counter() - started)


def _build_one(source: str) -> BuildResult | str:
    """Worker entry: a result, or the error message (exceptions stay readable)."""
    try:
        return build_text(Path(source))
    except (ConversionError, ProfileError) as err:
        return str(err)


def build_edition(sources: list[Path] | None = None, out_dir: Path = TEI_DIR,
                  jobs: int | None = None, progress: bool = False) -> list[BuildResult]:
    sources = sources if sources is not None else source_files()
    jobs = jobs or min(len(sources), os.cpu_count() or 1)
    results: list[BuildResult] = []
    errors: list[str] = []
    if jobs > 1 and len(sources) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            outcomes = pool.map(_build_one, [str(s) for s in sources])
            for source, outcome in zip(sources, outcomes):
                _collect(source, outcome, results, errors, progress)
    else:
        for source in sources:
            _collect(source, _build_one(str(source)), results, errors, progress)
    if errors:
        raise ConversionError("build", None, "; ".join(errors))
    # write only once every text has converted: a failed build replaces nothing
    for result in results:
        write_atomic(Path(out_dir) / f"{result.text_id}.xml", result.tei)
    from .registers import write_registers  # the registers know every text's mentions
    write_registers(out_dir)
    return results


def _collect(source, outcome, results, errors, progress) -> None:
    if isinstance(outcome, str):
        errors.append(outcome)
        if progress:
            print(f"  FAILED {Path(source).name}: {outcome}", file=sys.stderr)
        return
    results.append(outcome)
    if progress:
        print(f"  built {outcome.text_id:<45} {outcome.seconds:5.2f} s", file=sys.stderr)
