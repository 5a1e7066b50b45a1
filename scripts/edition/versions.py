"""The day each file of the edition last changed: the datestamps an archive harvests.

data/versions.toml records, for every file of tei/, the SHA-256 of its bytes
and the day a build first wrote those bytes. `edition build` updates it after
putting a new edition in place: a file whose bytes are unchanged keeps its
day, a changed one gets the day of the build. The file is kept in git with
tei/, so the datestamps are a fact of the repository, the same on every
checkout and every server, and an OAI-PMH harvester asking `from=DAY` gets
exactly the records whose content changed since.
"""

from __future__ import annotations

import hashlib
import tomllib
from datetime import datetime, timezone
from pathlib import Path

from . import DATA

VERSIONS = DATA / "versions.toml"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(path: Path = VERSIONS) -> dict[str, dict[str, str]]:
    """name (file stem) -> {"sha256": ..., "changed": "YYYY-MM-DD"}; empty if there is no record yet."""
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def changed_on(name: str, data: bytes, versions: dict[str, dict[str, str]]) -> str | None:
    """The recorded day of these bytes of file `name`, or None if these bytes were never recorded."""
    record = versions.get(name)
    if record and record.get("sha256") == digest(data):
        return record["changed"]
    return None


def update(tei_dir: Path, path: Path = VERSIONS, today: str | None = None) -> list[str]:
    """Record the files of tei_dir; returns the names whose day changed. Written only if something changed."""
    versions = load(path)
    today = today or datetime.now(timezone.utc).strftime("%Y-%m-%d")
    current: dict[str, dict[str, str]] = {}
    changed = []
    for file in sorted(Path(tei_dir).glob("*.xml")):
        data = file.read_bytes()
        day = changed_on(file.stem, data, versions)
        if day is None:
            day = today
            changed.append(file.stem)
        current[file.stem] = {"sha256": digest(data), "changed": day}
    if current != versions:
        lines = ["# The day each file of tei/ last changed (OAI-PMH datestamps); written by `edition build`.", ""]
        for name, record in current.items():
            lines += [f'["{name}"]', f'sha256 = "{record["sha256"]}"', f'changed = "{record["changed"]}"', ""]
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        tmp.replace(path)
    return changed
