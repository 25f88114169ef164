"""The value types every scenario block is made of: numbers written as numbers, dates in range,
one-line names, clock times, weekdays, and the limits of what hiresim simulates.

They live below the scenario and the mechanisms, which both build their blocks from them.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from hiresim.text import shown

if TYPE_CHECKING:
    pass

def real(value: Any) -> Any:
    """A number, written as one: not text, not true/false, not NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, got {shown(value)}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value}")
    return value


def whole(value: Any) -> Any:
    """A whole number, written as one (``4``, not ``4.0``, ``"4"`` or ``true``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be a whole number such as 4, got {shown(value)}")
    return value


def in_range(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"must be a date from {FIRST_DATE} to {LAST_DATE}, got {value}")
    return value


#: Limits of the values hiresim simulates (documented in the scenario reference): beyond them a
#: run would not fit in memory or time, or the calendar arithmetic would leave its range.
FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2200, 12, 31)
MAX_SPAN_DAYS = 100_000
#: Timestamps are nanoseconds since 1970 (pandas): the simulated span must end before this.
LAST_TIMESTAMP_DATE = date(2262, 1, 1)
MAX_PEOPLE = 10_000
MAX_REQUISITIONS = 10_000
MIN_FOLLOW_UP_DAYS = 0.25
MAX_NAME = 200
#: Names of roles and calendars: letters, digits, ``_``, ``-``, ``.`` and spaces, at most this
#: many characters (they appear in ids, tables and the report).
MAX_KEY = 64
KEY_NAME = re.compile(rf"^[A-Za-z0-9_][A-Za-z0-9_.\- ]{{0,{MAX_KEY - 1}}}$")

#: A date between :data:`FIRST_DATE` and :data:`LAST_DATE`.
SimDate = Annotated[date, AfterValidator(in_range)]
#: Control characters (C0, DEL, C1) and the bidirectional overrides that can disguise text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain_line(value: str) -> str:
    """One line of text: no control characters (an ESC sequence would reach the terminal)."""
    hit = _CONTROL.search(value)
    if hit:
        raise ValueError(f"must be one line of plain text; it contains the control character "
                         f"U+{ord(hit.group()):04X} at position {hit.start()}")
    return value


def plain_text(value: str) -> str:
    """Text that may have several lines (tabs and newlines) but no other control character."""
    plain_line(value.replace("\n", " ").replace("\t", " ").replace("\r", " "))
    return value


#: A name shown in tables and messages: one line, at most :data:`MAX_NAME` characters.
Name = Annotated[str, Field(max_length=MAX_NAME), AfterValidator(plain_line)]
#: Longer text (a description): at most 10,000 characters, no control characters.
Text = Annotated[str, Field(max_length=10_000), AfterValidator(plain_text)]
#: A finite number (an int is accepted and becomes a float).
Real = Annotated[float, BeforeValidator(real)]
#: A whole number.
Whole = Annotated[int, BeforeValidator(whole)]
Probability = Annotated[Real, Field(ge=0.0, le=1.0)]
CLOCK_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
ClockTime = Annotated[str, Field(pattern=CLOCK_PATTERN)]
Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS: tuple[Weekday, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WORKWEEK: tuple[Weekday, ...] = WEEKDAYS[:5]
Outcome = Literal["advance", "offer", "reject"]
Policy = Literal["hr_gated", "direct"]


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


