"""Profile patterns, run with a time limit on every match.

A profile's regular expressions are data anyone may write, and Python's `re`
backtracks without bound: a heading pattern `^(a+)+$` hung the build. The
profile's patterns are compiled here with the `regex` module (the same syntax
as `re`, lookarounds included, which RE2 lacks) and every search, match, sub and
finditer runs with `timeout`: a pattern that takes longer than MATCH_SECONDS
on one passage stops the conversion with the pattern and where the profile
writes it (`profile._check_patterns` tells us that), never a hang.

    guarded(text)   -> a compiled pattern with the `re.Pattern` methods the stages use
"""

from __future__ import annotations

import functools

import regex

# No pattern of the five profiles takes a millisecond on a passage; `regex`
# checks its clock now and then, so the real stop comes some seconds later.
MATCH_SECONDS = 2.0

# pattern text -> "sources/NAME.toml: headings[0].pattern", from the profile checks
_WRITTEN_AT: dict[str, str] = {}


def written_at(text: str, where: str) -> None:
    """Remember where a profile writes a pattern, for the message if it runs too long."""
    _WRITTEN_AT.setdefault(text, where)


class PatternTooSlow(Exception):
    """A profile pattern ran past its time limit (the build names the source too)."""


class GuardedPattern:
    """A `regex` pattern whose every match is time-limited; the `re.Pattern` interface."""

    def __init__(self, text: str):
        self.pattern = text
        self._compiled = regex.compile(text, flags=regex.VERSION0)

    @property
    def groupindex(self):
        return self._compiled.groupindex

    @property
    def groups(self) -> int:
        return self._compiled.groups

    def _run(self, method: str, *args, **kwargs):
        try:
            return getattr(self._compiled, method)(*args, timeout=MATCH_SECONDS, **kwargs)
        except TimeoutError:
            raise self._too_slow() from None

    def _too_slow(self) -> PatternTooSlow:
        return PatternTooSlow(f"{_WRITTEN_AT.get(self.pattern, 'a profile pattern')}: "
                              f"the pattern {self.pattern!r} took more than {MATCH_SECONDS:g} s on one passage: it "
                              "backtracks without end (a repetition inside a repetition, such as (a+)+, or "
                              "alternatives that overlap, such as (a|aa)+); rewrite it")

    def search(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._run("search", string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._run("match", string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._run("fullmatch", string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None):
        # the matches are found as the caller iterates: the time limit must hold there too
        iterator = self._run("finditer", string, pos, endpos)
        while True:
            try:
                found = next(iterator)
            except StopIteration:
                return
            except TimeoutError:
                raise self._too_slow() from None
            yield found

    def findall(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._run("findall", string, pos, endpos)

    def sub(self, repl, string: str, count: int = 0):
        return self._run("sub", repl, string, count)

    def subn(self, repl, string: str, count: int = 0):
        return self._run("subn", repl, string, count)

    def split(self, string: str, maxsplit: int = 0):
        return self._run("split", string, maxsplit)

    def __repr__(self) -> str:
        return f"guarded({self.pattern!r})"


@functools.lru_cache(maxsize=1024)
def guarded(text: str) -> GuardedPattern:
    """The profile pattern `text`, compiled once, every match time-limited."""
    return GuardedPattern(text)
