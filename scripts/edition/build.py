"""Run the pipeline: one source in, one TEI file (and its reports) out.

    parse -> clean -> structure -> notes -> markup -> entities -> header -> serialize

`build_edition` converts every source in `sources/` (in parallel processes
when there are several texts and several cores), then writes the TEI files
atomically: if any text fails, nothing of the previous edition is replaced.
Every new file is first written in full beside its old one, and only then are
all of them renamed into place, with SIGINT/SIGTERM held back for those few
renames: an interrupted build leaves either the previous edition or the new
one, never half of each and never half a file.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import SOURCES, TEI_DIR
from .clean import clean
from .entities import annotate
from .fidelity import check
from .header import add_header
from .interventions import record_interventions
from .markup import markup
from .model import ConversionError, Document
from .notes import link_notes
from .parse import parse, source_text
from .profile import ProfileError, profile_for
from .serialize import serialize
from .structure import structure

STAGES: list[tuple[str, Callable[[Document], Document]]] = [
    ("clean", clean),
    ("structure", structure),
    ("notes", link_notes),
    ("interventions", record_interventions),
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
    for name, stage in STAGES:
        doc = _run_stage(name, stage, doc, source)
    return doc


def _run_stage(name: str, stage: Callable[[Document], Document], doc: Document, source: Path) -> Document:
    """A stage's own bugs surface as a message naming the file and the stage, not a traceback."""
    try:
        return stage(doc)
    except (ConversionError, ProfileError):
        raise
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
    # the text as parse decoded it (UTF-16, BOM, CRLF), so the words compare like for like
    fidelity = check(doc, source_text(Path(source)), doc.tei).as_dict()
    return BuildResult(doc.id, data, doc.report, fidelity, doc.warnings, time.perf_counter() - started)


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


def build_edition(sources: list[Path] | None = None, out_dir: Path = TEI_DIR,
                  jobs: int | None = None, progress: bool = False) -> list[BuildResult]:
    """Convert every source, then put the new edition in place at once.

    Each text's TEI is staged on disk as soon as it is converted (so memory
    does not grow with the number of texts: the results come back without
    their bytes), and renamed into place only when every text has converted.
    """
    sources = sources if sources is not None else source_files()
    jobs = jobs or min(len(sources), os.cpu_count() or 1)
    results: list[BuildResult] = []
    errors: list[str] = []
    staged: list[tuple[str, Path]] = []

    def take(source, outcome) -> None:
        _collect(source, outcome, results, errors, progress)
        if not isinstance(outcome, str) and not errors:
            staged.append(_stage(Path(out_dir) / f"{outcome.text_id}.xml", outcome.tei))
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
        # every text has converted: only now is anything of the previous edition replaced
        _commit(staged)
    finally:
        _discard(staged)
    from .registers import write_registers  # the registers know every text's mentions
    write_registers(out_dir)
    from .search import INDEX_PATH, build_index  # the index follows the TEI just written
    build_index(out_dir, INDEX_PATH if Path(out_dir) == Path(TEI_DIR) else Path(out_dir) / "search.sqlite")
    return results


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


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Stage every file in full, then rename them all into place at once."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append(_stage(path, data))
        _commit(staged)
    finally:
        _discard(staged)


def _stage(path: Path, data: bytes) -> tuple[str, Path]:
    """Write `data` in full to a hidden file beside `path`: (staging file, final path).

    A build killed while staging leaves only hidden `.NAME.*.tmp` files, swept
    by a later build.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; the edition is for reading
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp, path


def _commit(staged: list[tuple[str, Path]]) -> None:
    """Rename every staged file into place; SIGINT and SIGTERM wait until all are done."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        while staged:
            tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _discard(staged: list[tuple[str, Path]]) -> None:
    for tmp, _path in staged:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _sweep_stale(path: Path) -> None:
    """Remove staging files a killed build (kill -9, power loss) left beside `path`."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if time.time() - stale.stat().st_mtime > 60:
                stale.unlink()
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
