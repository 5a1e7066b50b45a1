"""Numbers in query strings: ASCII digits only.

Python's int() and str.isdigit() take any Unicode digit ("٣" is 3) and int()
also takes signs, spaces and underscores ("+3", " 3", "3_0"); a URL's number
is written in ASCII digits, and anything else is refused, not reinterpreted."""

from __future__ import annotations

import re

WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")  # 18 digits: past that a page number is an attack, not a page


def whole_number(text: str | None) -> int | None:
    """The number `text` writes in ASCII digits (an optional minus first), else None."""
    if text is None or not WHOLE_NUMBER.fullmatch(text):
        return None
    return int(text)
