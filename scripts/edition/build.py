"""Run the pipeline: one source in, one TEI file (and its reports) out.

    parse -> clean -> structure -> notes -> interventions -> markup -> entities -> identify -> corrections -> whole names
    -> header -> serialize

`build_edition` converts every source in `sources/` (in parallel processes
when there are several texts and several cores), then switches the whole
output set, texts, registers and search index, at once: if any text fails,
nothing of the previous edition is replaced. Everything new is first written
in full to a staging folder, and only then renamed into place, journalled and
with SIGINT/SIGTERM held back for those few renames: an interrupted build
leaves either the previous edition or the new one, never half of each and
never half a file (see `commit` and `recover`).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import SOURCES, TEI_DIR
from .clean import clean
from .corrections import correct
from .entities import annotate
from .fidelity import check
from .header import add_header
from .health import fault
from .identify import identify
from .spans import compose
from .interventions import record_interventions
from .manifest import refuse_hand_edits, write_manifest
from .markup import markup
from .model import ConversionError, Document
from .notes import link_notes
from .parse import parse, source_text
from .patterns import PatternTooSlow
from .profile import ProfileError, profile_for
from . import versions
from .register_tei import write_registers
from .registers import RegisterError, load_registers
from .search import INDEX_PATH, REGISTER_FILES, build_index
from .serialize import serialize, write_atomic
from .structure import structure
from .switch import JOURNAL_PREFIX, commit, recover, staging_folder
from .validate import MAX_BYTES as MAX_TEI_BYTES

STAGES: list[tuple[str, Callable[[Document], Document]]] = [
    ("clean", clean),
    ("structure", structure),
    ("notes", link_notes),
    ("interventions", record_interventions),
    ("markup", markup),
    ("entities", annotate),
    ("identify", identify),
    ("corrections", correct),
    ("whole names", compose),
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
    for name, stage in STAGES:
        doc = _run_stage(name, stage, doc, source)
    return doc


def _run_stage(name: str, stage: Callable[[Document], Document], doc: Document, source: Path) -> Document:
    """A stage's own bugs surface as a message naming the file and the stage, not a traceback."""
    try:
        return stage(doc)
    except (ConversionError, ProfileError):
        raise
    except PatternTooSlow as err:
        raise ConversionError(source, None, f"the {name} stage stopped: {err}") from None
    except RecursionError:
        raise ConversionError(source, None, f"the {name} stage gave up: the text nests too deeply "
                                            "(brackets, quotations or lists inside each other)") from None
    except MemoryError:
        raise ConversionError(source, None, f"the {name} stage ran out of memory") from None
    except Exception as err:
        if os.environ.get("EDITION_DEBUG"):
            raise
        raise ConversionError(source, None, f"internal error in the {name} stage: {type(err).__name__}: {err} "
                                            "(set EDITION_DEBUG=1 for the traceback)") from err


def build_text(source: Path) -> BuildResult:
    started = time.perf_counter()
    doc = convert(source)
    data = serialize(doc)
    check_output_size(source, data)
    # the text as parse decoded it (UTF-16, BOM, CRLF), so the words compare like for like
    fidelity = check(doc, source_text(Path(source)), doc.tei).as_dict()
    return BuildResult(doc.id, data, doc.report, fidelity, doc.warnings, time.perf_counter() - started)


def check_output_size(source: Path, data: bytes) -> None:
    """Refuse a text whose TEI the edition's own validator would refuse (over
    validate.MAX_BYTES): exit 0 with a file `edition validate` rejects is a lie."""
    if len(data) > MAX_TEI_BYTES:
        raise ConversionError(source, None, f"its TEI would be {len(data):,} bytes, over the {MAX_TEI_BYTES:,} bytes "
                                            "(20 MB) the edition validates: split the source into several texts")


def _build_one(source: str) -> BuildResult | str:
    """Worker entry: a result, or the error message (exceptions stay readable)."""
    try:
        return build_text(Path(source))
    except (ConversionError, ProfileError) as err:
        return str(err)
    except Exception as err:  # serialize or fidelity: still a message, not a dead worker
        if os.environ.get("EDITION_DEBUG"):
            raise
        return f"{source}: internal error: {type(err).__name__}: {err} (set EDITION_DEBUG=1 for the traceback)"


def _check_registers() -> None:
    """A fault in the registers' data (a prose date, an unknown field) is one message, before any text is
    converted, not the same 'internal error' from every text's entities stage."""
    try:
        load_registers()
    except RegisterError as err:
        raise ConversionError("nothing was replaced", None, f"the registers: {err}") from None


def build_edition(sources: list[Path] | None = None, out_dir: Path = TEI_DIR,
                  jobs: int | None = None, progress: bool = False, force: bool = False) -> list[BuildResult]:
    """Convert every source, then put the new edition in place at once.

    The whole output set is made in a staging folder first: each text's TEI
    as soon as it is converted (so memory does not grow with the number of
    texts: the results come back without their bytes), then the registers
    (which read the new texts) and the search index (which fingerprints
    them). Only when all of it exists is it renamed into place, texts,
    registers and index together (`commit`), with the SHA-256 of each file
    (tei/SHA256SUMS): a file changed by hand since then stops the next build
    unless `force` (edition.manifest).
    """
    out_dir = Path(out_dir)
    sources = sources if sources is not None else source_files()
    _check_registers()
    check_distinct(sources)
    jobs = jobs or min(len(sources), os.cpu_count() or 1)
    index_path = INDEX_PATH if out_dir.resolve() == Path(TEI_DIR).resolve() else out_dir / "search.sqlite"
    recover(out_dir, index_path)
    if not force:
        refuse_hand_edits(out_dir)  # a file changed since the last build would be lost
    results: list[BuildResult] = []
    errors: list[str] = []
    staging = staging_folder(out_dir)
    staged_index = index_path.with_name(f".{index_path.name}{staging.name}")
    built: list[str] = []

    def take(source, outcome) -> None:
        _collect(source, outcome, results, errors, progress)
        if not isinstance(outcome, str) and not errors:
            name = f"{outcome.text_id}.xml"
            write_atomic(staging / name, outcome.tei)
            built.append(name)
            outcome.tei = b""

    try:
        if jobs > 1 and len(sources) > 1:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_leave_signals_to_parent)
            try:
                for source, outcome in zip(sources, pool.map(_build_one, [str(s) for s in sources])):
                    take(source, outcome)
            except BrokenProcessPool:
                # a worker killed from outside (out of memory, kill -9): say so, replace nothing
                raise ConversionError("nothing was replaced", None,
                                      "a conversion process died (out of memory or killed)") from None
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        else:
            for source in sources:
                take(source, _build_one(str(source)))
        if errors:
            raise ConversionError("nothing was replaced", None, "; ".join(errors))
        # the texts this build leaves as they are, seen beside the new ones by the
        # registers (Rogovin's notes) and by the index (all texts are searched)
        _link_unchanged(out_dir, staging, set(built), progress)
        made = [staging / name for name in built] + write_registers(staging)
        made.append(write_manifest(staging))  # after the registers: it lists every file in place
        build_index(staging, staged_index)
        # everything exists: only now is anything of the previous edition replaced
        commit([(path, out_dir / path.name) for path in made] + [(staged_index, index_path)], out_dir)
        if out_dir.resolve() == Path(TEI_DIR).resolve():
            versions.update(out_dir)  # the OAI-PMH datestamps: the day each file's bytes last changed
    finally:
        # a commit that failed half-way keeps its journal and what it staged, for `recover`
        if not (out_dir / f"{JOURNAL_PREFIX}{os.getpid()}.json").exists():
            shutil.rmtree(staging, ignore_errors=True)
            staged_index.unlink(missing_ok=True)
    return results


def check_distinct(sources: list[Path]) -> None:
    """Two texts with one id would write one file, two with one key would share
    xml:ids: refused before anything is converted, naming both profiles."""
    seen: dict[tuple[str, str], Path] = {}
    for source in sources:
        try:
            profile = profile_for(Path(source))
        except ProfileError as err:
            raise ConversionError("nothing was replaced", None, str(err)) from None
        for name, value in (("id", profile.id), ("key", profile.key)):
            other = seen.setdefault((name, value), Path(source))
            if other != Path(source):
                raise ConversionError("nothing was replaced", None,
                                      f"{profile.path or source}: {name} {value!r} is also the {name} of {other.name}: "
                                      "every text needs its own")


def _leave_signals_to_parent() -> None:
    """Workers ignore Ctrl-C: the parent decides, and cleans up, on an interrupt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _collect(source, outcome, results, errors, progress) -> None:
    if isinstance(outcome, str):
        errors.append(outcome)
        if progress:
            print(f"  FAILED {Path(source).name}: {outcome}", file=sys.stderr)
        return
    results.append(outcome)
    if progress:
        print(f"  built {outcome.text_id:<45} {outcome.seconds:5.2f} s", file=sys.stderr)


def _link_unchanged(out_dir: Path, staging: Path, built: set[str], progress: bool = False) -> None:
    """Hard links (copies where links fail) of the texts already in place that this build does not replace.
    A file that cannot be read is left where it is, out of the registers and the index, and named."""
    for path in sorted(out_dir.glob("*.xml")):
        if path.name in built or path.name in REGISTER_FILES:
            continue
        problem = fault(path)
        if problem:
            if progress:
                print(f"  warning: {path} is left out of the registers and the search index: {problem}; "
                      "it has no source in this build to remake it from", file=sys.stderr)
            continue
        try:
            os.link(path, staging / path.name)
        except OSError:
            shutil.copy2(path, staging / path.name)  # keeps the mtime the index fingerprints
