"""Dates of the registers: ISO 8601 in the data, one readable English form in display.

A register date is written as a year, a year and month, or a full day
("1881", "1881-02", "1881-02-25"), always Gregorian. Russia kept the Julian
calendar (Old Style) until February 1918, and the sources often give both
("13 [25] February 1881"); the Old Style day is kept beside the Gregorian
one as an ISO date of the Julian calendar, and checked against it, so that a
slip in either (a day off, a month missing) is found when the register is read.
"""

from __future__ import annotations

import calendar
import datetime
import re

ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
# Julian day number of 0001-01-01 (proleptic Gregorian) less one: date.fromordinal counts from 1
_ORDINAL_OFFSET = 1721425


class DateError(ValueError):
    """A date in the data that is not an ISO date of the calendar it claims."""


def parse_iso(value: object, julian: bool = False) -> tuple[int, int | None, int | None]:
    """(year, month, day) of an ISO date string, month and day None where not given.

    `julian`: the day is one of the Julian calendar, whose every fourth year is a leap year (1900-02-29)."""
    if not isinstance(value, str):
        raise DateError(f"{value!r} is not a date string; write it quoted, as \"1881\", \"1881-02\" or \"1881-02-25\"")
    match = ISO_DATE.fullmatch(value)
    if not match:
        raise DateError(f"{value!r} is not an ISO date (\"1881\", \"1881-02\" or \"1881-02-25\")")
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"{value!r} has no month {month}")
    if day is not None and not 1 <= day <= _days_in_month(year, month, julian):
        raise DateError(f"{value!r} is not a day of the {'Julian' if julian else 'Gregorian'} calendar")
    return year, month, day


def _days_in_month(year: int, month: int, julian: bool) -> int:
    if month == 2:
        return 29 if (year % 4 == 0 if julian else calendar.isleap(year)) else 28
    return calendar.monthrange(2001, month)[1]


def gregorian_of_julian(value: str) -> str:
    """The Gregorian (New Style) day of a full Julian (Old Style) ISO date: '1881-02-13' -> '1881-02-25'."""
    year, month, day = parse_iso(value, julian=True)
    if day is None:
        raise DateError(f"{value!r}: an Old Style date is a full day")
    # the Julian calendar's day number (Fliegel-Van Flandern), read back as a Gregorian date
    shift = (14 - month) // 12
    y, m = year + 4800 - shift, month + 12 * shift - 3
    julian_day = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    return datetime.date.fromordinal(julian_day - _ORDINAL_OFFSET).isoformat()


def readable(value: str, julian: bool = False) -> str:
    """One readable form for every precision: '25 February 1881', 'February 1881', '1881'."""
    year, month, day = parse_iso(value, julian)
    parts = [str(day)] if day else []
    if month:
        parts.append(MONTHS[month - 1])
    return " ".join([*parts, str(year)])


def readable_old_style(old_style: str, gregorian: str) -> str:
    """The Old Style day as it reads beside the Gregorian: the year only where the two differ."""
    year, month, day = parse_iso(old_style, julian=True)
    if year == parse_iso(gregorian)[0]:
        return f"{day} {MONTHS[month - 1]} Old Style"
    return f"{readable(old_style, julian=True)} Old Style"
