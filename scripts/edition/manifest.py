"""What the build wrote last time: `tei/SHA256SUMS`, committed with tei/.

tei/ is generated: a hand edit there vanished at the next build, exit 0, without
a word. Each build writes the SHA-256 of every file it put in place (the format
of `sha256sum`, so `sha256sum -c` reads it too), and the next build first
compares: a file that differs was changed by someone, and the build stops and
names it, unless told `--force`. A file git holds as committed is not a loss
(a merge brings tei/ files that another build wrote): only uncommitted edits stop it.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from .model import ConversionError
from .serialize import write_atomic

MANIFEST_NAME = "SHA256SUMS"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def recorded(out_dir: Path) -> dict[str, str]:
    """file name -> SHA-256 as the last build wrote it (empty before the first build)."""
    path = Path(out_dir) / MANIFEST_NAME
    if not path.is_file():
        return {}
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        value, _, name = line.partition("  ")
        if name:
            sums[name] = value
    return sums


def changed_since_built(out_dir: Path) -> list[str]:
    """The files of out_dir whose bytes are not what the last build wrote, leaving
    out those git holds as committed: a merge or a checkout brings tei/ files
    another build wrote, and what git holds (committed or staged) is not lost when the build replaces it."""
    out_dir = Path(out_dir)
    changed = [name for name, value in sorted(recorded(out_dir).items())
               if (out_dir / name).is_file() and digest(out_dir / name) != value]
    return [name for name in changed if name not in committed_unchanged(out_dir, changed)] if changed else []


def committed_unchanged(out_dir: Path, names: list[str]) -> set[str]:
    """Those of `names` that git holds as they are: tracked, and not changed since last committed or staged."""
    try:
        status = subprocess.run(["git", "-C", str(out_dir), "status", "--porcelain", "--untracked-files=all",
                                 "--", *names], capture_output=True, text=True, timeout=30)
        tracked = subprocess.run(["git", "-C", str(out_dir), "ls-files", "--", *names],
                                 capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return set()
    if status.returncode or tracked.returncode:
        return set()  # not a git checkout: every difference counts
    # changed in the work tree (Y of "XY path") or untracked; a change only staged, as in a
    # merge, is held by git's index and can be had back with `git checkout -- FILE`
    dirty = {Path(line[3:]).name for line in status.stdout.splitlines() if line[1:2] != " "}
    return {Path(line).name for line in tracked.stdout.splitlines()} - dirty


def refuse_hand_edits(out_dir: Path) -> None:
    changed = changed_since_built(out_dir)
    if changed:
        files = ", ".join(str(Path(out_dir) / name) for name in changed)
        raise ConversionError(
            "nothing was built", None,
            f"{files} {'differs' if len(changed) == 1 else 'differ'} from what the last build wrote "
            f"({Path(out_dir) / MANIFEST_NAME}): tei/ is generated, and building would overwrite "
            f"{'it' if len(changed) == 1 else 'them'}. Make the change as data and build again: a misreading "
            "as a correction in data/corrections/NAME.toml, a name as a register entry in data/registers/, a "
            "structure as a rule in the source's profile sources/NAME.toml (docs/architecture.md). To discard "
            "the edit, run `edition build --force`.")


def write_manifest(folder: Path) -> Path:
    """SHA256SUMS of every TEI file in folder (a staging folder: it moves into place with them)."""
    folder = Path(folder)
    lines = [f"{digest(path)}  {path.name}\n" for path in sorted(folder.glob("*.xml"))]
    target = folder / MANIFEST_NAME
    write_atomic(target, "".join(lines).encode("utf-8"))
    return target
