"""The switch from one edition to the next, and the recovery of an interrupted one.

A build stages the new edition in a hidden folder `.build-PID-XXXX` inside the
output folder (same file system: a rename moves a file without copying it).
`commit` first writes a journal, `.commit-PID.json`, listing every rename, then
makes them with SIGINT and SIGTERM held back, then deletes the journal. A
build killed outright (kill -9, power loss) between the first and the last
rename leaves the journal behind, and the next build finishes those renames
(`recover`) before it does anything else: the edition goes from old to new,
never to a mixture of the two for longer than the interruption lasts. The
viewer recovers too before it serves (`viewer.create_app`), which is why this
lives apart from the pipeline: it needs none of the stages.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path

from .model import ConversionError
from .search import INDEX_PATH
from .serialize import write_atomic

STAGING_PREFIX = ".build-"
JOURNAL_PREFIX = ".commit-"


def staging_folder(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))


def commit(moves: list[tuple[Path, Path]], out_dir: Path) -> None:
    """Rename every staged file into place, journalled; SIGINT and SIGTERM wait until all are done."""
    journal = out_dir / f"{JOURNAL_PREFIX}{os.getpid()}.json"
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    # two builds into one folder commit one after the other, so the last one's set wins whole
    folder_lock = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(folder_lock, fcntl.LOCK_EX)
        write_atomic(journal, json.dumps([[str(a), str(b)] for a, b in moves]).encode("utf-8"))
        _replace_all(moves)
        journal.unlink()
        for folder in {out_dir, *(final.parent for _, final in moves)}:
            _sync_folder(folder)
    finally:
        os.close(folder_lock)  # releases the lock
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def recover(out_dir: Path, index_path: Path = INDEX_PATH) -> None:
    """Finish the renames of a build killed while it committed; then sweep what killed builds staged."""
    out_dir, index_path = Path(out_dir), Path(index_path)
    if not out_dir.is_dir():
        return
    for journal in sorted(out_dir.glob(f"{JOURNAL_PREFIX}*.json")):
        if _alive(journal.name):
            continue
        # written whole by write_atomic before the first rename, so it lists every one
        try:
            moves = [(Path(a), Path(b)) for a, b in json.loads(journal.read_text(encoding="utf-8"))]
        except (ValueError, TypeError):
            raise ConversionError(journal, None, "the journal of an interrupted build cannot be read; check "
                                                 "the edition's files, then delete the journal") from None
        _replace_all(moves)
        journal.unlink(missing_ok=True)
    for stale in [*out_dir.glob(f"{STAGING_PREFIX}*"), *index_path.parent.glob(f".{index_path.name}{STAGING_PREFIX}*")]:
        if _alive(stale.name):
            continue
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    # the search index's own scratch file (search.sqlite.PID.THREAD.tmp) of a killed build
    for stale in index_path.parent.glob(f"{index_path.name}.*.tmp"):
        pid = re.fullmatch(rf"{re.escape(index_path.name)}\.(\d+)\.\d+\.tmp", stale.name)
        if pid and not _process_runs(int(pid.group(1))):
            stale.unlink(missing_ok=True)
    for stale in out_dir.glob(".*.tmp"):  # a write_atomic cut short
        try:
            if time.time() - stale.stat().st_mtime > 60:
                stale.unlink()
        except OSError:
            pass


def _replace_all(moves: list[tuple[Path, Path]]) -> None:
    for staged, final in moves:
        try:
            os.replace(staged, final)
        except FileNotFoundError:
            if not final.exists():
                raise
            # renamed already (by the build itself, before it was killed, or by a recovery)


def _alive(name: str) -> bool:
    """Is the process whose id the staging folder or journal carries still running?"""
    m = re.search(rf"(?:{re.escape(STAGING_PREFIX)}|{re.escape(JOURNAL_PREFIX)})(\d+)", name)
    if not m:
        return False
    pid = int(m.group(1))
    if pid == os.getpid():
        return False  # this process starts no build while one of its own is under way
    return _process_runs(pid)


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _sync_folder(folder: Path) -> None:
    """The renames themselves reach the disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
