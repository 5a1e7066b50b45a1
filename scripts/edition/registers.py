"""The registers of persons, places and organisations (tei/persons.xml ...).

Built from the curated data in data/registers/. (Filled in by the entities
work; until then no register file is written.)
"""

from __future__ import annotations

from pathlib import Path


def write_registers(out_dir: Path) -> list[Path]:
    return []
