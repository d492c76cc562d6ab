"""The one strict reading of numbers, times and ids that clients write.

Python's own parsers are generous: ``int(" 1")``, ``int("١")`` (Arabic-Indic one), ``int("１")``
(full width), ``int("1_0")`` and ``Decimal("1_0")`` all succeed, and ``time.fromisoformat``
takes ``"03:00+05:00"`` (an offset a service's wall-clock time then silently dropped). What a
client sends is read here instead: ASCII digits only, no signs or spaces where none belong, no
offsets on a local time. Everything that reads such text (the GraphQL scalars in
``schema/core/scalars.py``, global ids in ``schema/core/ids.py``) calls these.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

_POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,18}")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,29})(?:\.[0-9]{1,20})?")
_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def positive_integer(text: str) -> int:
    """``"17"`` → 17; ``" 17"``, ``"017"``, ``"+17"``, ``"1_7"``, ``"١٧"``, ``"0"`` → ValueError."""
    if not isinstance(text, str) or _POSITIVE_INTEGER.fullmatch(text) is None:
        raise ValueError("not a positive integer in ASCII digits")
    return int(text)


def exact_decimal(value: object) -> Decimal:
    """A decimal written plainly: ``"12.50"``, ``"-3"``, an integer. No exponent, no ``_``, no
    spaces, no digits of other scripts, no NaN or infinity; a float only as its plain repr."""
    if isinstance(value, bool):
        raise ValueError("true or false is not a number")
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        value = repr(value)
    if not isinstance(value, str) or _DECIMAL.fullmatch(value) is None:
        raise ValueError("not a decimal number in ASCII digits (like 12.50)")
    return Decimal(value)


def local_time(text: str) -> dt.time:
    """``"09:30"`` or ``"09:30:00"``: a wall-clock time, without an offset (which would change its meaning)."""
    if not isinstance(text, str) or _TIME.fullmatch(text) is None:
        raise ValueError("a time is HH:MM or HH:MM:SS, local, without an offset")
    return dt.time.fromisoformat(text)


def calendar_date(text: str) -> dt.date:
    """``"2026-03-01"`` and nothing else (``fromisoformat`` also takes ``"20260301"`` and week dates)."""
    if not isinstance(text, str) or _DATE.fullmatch(text) is None:
        raise ValueError("a date is YYYY-MM-DD")
    return dt.date.fromisoformat(text)
