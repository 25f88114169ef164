"""Checks of the arguments of the public functions, so that every message has one shape.

A check returns the value it accepted (normalised: a NumPy integer becomes an ``int``) or raises
``TypeError`` (a value of the wrong kind: ``"3"``, ``None``, ``True`` or ``1.5`` where a whole
number is wanted, as Python's own ``range(1.5)`` does) or ``ValueError`` (the right kind, outside
what is allowed: ``0`` replications, a confidence of ``1.2``). The message starts
with the parameter's name and says what is allowed and what was given, e.g.
``"replications must be a whole number >= 1, got 1.5"``.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hiresim.text import shown

#: Characters of a value a message shows (:func:`hiresim.text.shown`).
SHOWN_WIDTH = 60


def _shown(value: Any) -> str:
    """``value`` as a message shows it: its repr, cut short, and its type when that helps."""
    return shown(value, width=SHOWN_WIDTH, kind=True)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def whole(name: str, value: Any, minimum: int = 0, maximum: int | None = None,
          none: bool = False) -> Any:
    """A whole number ``minimum <= value <= maximum`` (``None`` too when ``none``).

    ``True``/``False``, floats (even ``4.0``) and strings are refused: a whole number is written
    as one.
    """
    if none and value is None:
        return None
    allowed = f"a whole number >= {minimum}" if maximum is None else (
        f"a whole number from {minimum} to {maximum}")
    if none:
        allowed = f"None or {allowed}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {allowed}, got {_shown(value)}")
    n = int(value)
    if n < minimum or (maximum is not None and n > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return n


def number(name: str, value: Any, minimum: float | None = None, maximum: float | None = None,
           *, above: bool = False, below: bool = False, none: bool = False,
           what: str = "a number") -> Any:
    """A finite number in ``[minimum, maximum]`` (open at a side with ``above``/``below``)."""
    if none and value is None:
        return None
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if above else '>='} {minimum:g}")
    if maximum is not None:
        parts.append(f"{'<' if below else '<='} {maximum:g}")
    allowed = f"{what} {' and '.join(parts)}".strip() if parts else f"a finite {what}"
    if minimum is not None and maximum is not None and above and below:
        allowed = f"{what} between {minimum:g} and {maximum:g} (exclusive)"
    if none:
        allowed = f"None or {allowed}"
    if not _is_number(value):
        raise TypeError(f"{name} must be {allowed}, got {_shown(value)}")
    x = float(value)
    bad = not math.isfinite(x)
    if minimum is not None:
        bad |= x <= minimum if above else x < minimum
    if maximum is not None:
        bad |= x >= maximum if below else x > maximum
    if bad:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def probability(name: str, value: Any) -> float:
    """A level strictly between 0 and 1 (a confidence level, a quantile level)."""
    return float(number(name, value, 0.0, 1.0, above=True, below=True))


def probabilities(name: str, value: Any, empty: bool = True) -> list[float]:
    """One level or a sequence of levels, each strictly between 0 and 1."""
    if _is_number(value):
        return [probability(name, value)]
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a number between 0 and 1 or a sequence of them, got "
                        f"{_shown(value)}")
    levels = list(value)
    if not levels and not empty:
        raise ValueError(f"{name} must hold at least one level between 0 and 1, got {value!r}")
    for level in levels:
        if not _is_number(level) or not 0.0 < float(level) < 1.0:
            kind = ValueError if _is_number(level) else TypeError
            raise kind(f"{name} must hold levels between 0 and 1 (exclusive), got "
                       f"{_shown(level)} in {_shown(value)}")
    return [float(level) for level in levels]


def flag(name: str, value: Any) -> bool:
    """``True`` or ``False`` (a NumPy bool too); ``1``, ``"yes"`` and ``None`` are refused."""
    import numpy as np

    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {_shown(value)}")


def choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    """One of the strings ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        kind = ValueError if isinstance(value, str) else TypeError
        raise kind(f"{name} must be one of {options}, got {_shown(value)}")
    return value


def seed(name: str, value: Any, none: bool = False) -> Any:
    """A random seed: a whole number >= 0 (``None`` too when ``none``: fresh entropy)."""
    return whole(name, value, 0, none=none)


def columns(name: str, value: Any) -> Any:
    """``None``, a column name, or a sequence of column names (what ``by=`` takes)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return value
    raise TypeError(f"{name} must be None, a column name or a list of column names, got "
                    f"{_shown(value)}")


def optional_text(name: str, value: Any) -> Any:
    """``None`` or a string."""
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{name} must be None or a string, got {_shown(value)}")


def callable_or_none(name: str, value: Any) -> Any:
    if value is None or callable(value):
        return value
    raise TypeError(f"{name} must be None or a function, got {_shown(value)}")


#: The one date and time form accepted from text: ISO 8601, ``YYYY-MM-DD`` with an optional
#: time (``T`` or a space, ``HH:MM`` or ``HH:MM:SS[.fff]``) and an optional offset (``Z``,
#: ``+01:00``). ``3.11.2025`` or ``11/03/2025`` mean different days in different countries, so
#: they are refused rather than guessed.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
                      r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")


def timestamp(name: str, value: Any) -> Any:
    """A date or time (an ISO 8601 text such as ``"2026-03-02"`` or ``"2026-03-02T14:00"``, a
    ``date``, a ``datetime`` or a pandas ``Timestamp``) as a time-zone-naive
    ``pandas.Timestamp`` in the years 1990 to 2200.

    Text in any other form (``3.11.2025``, ``11/03/2025``, ``March 3``) is refused with a
    message saying the form expected: such dates read differently by country, and a guess
    that flips day and month is worse than a refusal.
    """
    import datetime as dt

    import pandas as pd

    if isinstance(value, str | dt.date | pd.Timestamp):  # datetime is a date
        if isinstance(value, str) and not ISO_DATE.fullmatch(value.strip()):
            raise ValueError(f"{name} must be a date or time in ISO 8601 form, YYYY-MM-DD "
                             f"with an optional THH:MM (e.g. '2026-03-02' or "
                             f"'2026-03-02T14:00'), got {value!r}")
        try:
            t = pd.Timestamp(value.strip() if isinstance(value, str) else value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name} must be a date or time (e.g. '2026-03-02'), got "
                             f"{value!r}") from exc
        if t.tzinfo is not None:
            t = t.tz_localize(None)
        if not pd.Timestamp("1990-01-01") <= t <= pd.Timestamp("2200-12-31"):
            raise ValueError(f"{name} must lie in 1990-2200, got {value!r}")
        return t
    raise TypeError(f"{name} must be a date or time (e.g. '2026-03-02'), got {value!r}")


def results_like(name: str, value: Any, tables: Sequence[str] = ("journeys",)) -> Any:
    """A :class:`hiresim.Results` (or an object with its tables ``tables``)."""
    if all(hasattr(value, t) for t in tables):
        return value
    raise TypeError(f"{name} must be a hiresim.Results (what hiresim.simulate returns), got "
                    f"{type(value).__name__}")


def results_or_frame(name: str, value: Any, what: str) -> Any:
    """A :class:`hiresim.Results` or a DataFrame ``what`` returned."""
    import pandas as pd

    if isinstance(value, pd.DataFrame) or all(
            hasattr(value, t) for t in ("journeys", "candidates", "events")):
        return value
    raise TypeError(f"{name} must be a hiresim.Results or a DataFrame from {what}, got "
                    f"{type(value).__name__}")


def frame(name: str, value: Any, what: str, needs: Sequence[str] = ()) -> Any:
    """A DataFrame ``what`` returned, with the columns ``needs``."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be the DataFrame {what} returns, got "
                        f"{type(value).__name__}")
    missing = [c for c in needs if c not in value.columns]
    if missing:
        raise ValueError(f"{name} must be the DataFrame {what} returns: it has no column "
                         f"{', '.join(map(repr, missing))}")
    return value


def mapping(function: str, value: Any, example: str) -> Any:
    """A non-empty mapping of labels to runs (what ``function`` compares)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{function} takes a mapping of labels to Results (e.g. {example}), got "
                        f"{type(value).__name__}")
    if not value:
        raise ValueError(f"{function} takes a mapping of labels to Results (e.g. {example}), "
                         "got an empty mapping")
    return value


def axes(name: str, value: Any) -> Any:
    """``None`` or a matplotlib Axes."""
    if value is None:
        return value
    from matplotlib.axes import Axes

    if isinstance(value, Axes):
        return value
    raise TypeError(f"{name} must be None or a matplotlib Axes, got {type(value).__name__}")



def workers(name: str, value: Any) -> Any:
    """``None`` (this process), a whole number >= 1 of local processes, or an Executor."""
    from concurrent.futures import Executor

    if value is None or isinstance(value, Executor):
        return value
    allowed = "None, a whole number >= 1 or a concurrent.futures.Executor"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {allowed}, got {_shown(value)}")
    if value < 1:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


def calendars(name: str, value: Any, scenario: Any) -> Any:
    """``None``, a :class:`hiresim.TeamCalendars`, or its per-person hours (a mapping of person
    ids to ``(absence_starts, absence_ends, busy_starts, busy_ends)``), every id a person of
    ``scenario``. Returns the hours of the scenario's start (plain lists of floats), or
    ``None``."""
    if value is None:
        return None
    shape = ("None, a hiresim.TeamCalendars (what hiresim.read_calendars returns) or a mapping "
             "of person ids to (absence_starts, absence_ends, busy_starts, busy_ends) hours")
    if hasattr(value, "hours") and hasattr(value, "absences"):
        value = value.hours(scenario.start)
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be {shape}, got {_shown(value)}")
    known = {pid for role_name, role in scenario.roles.items()
             for pid in role.person_ids(role_name)}
    unknown = sorted(str(pid) for pid in value if pid not in known)
    if unknown:
        few = ", ".join(repr(p) for p in sorted(known)[:6])
        more = f", ... ({len(known)} in all)" if len(known) > 6 else ""
        raise ValueError(f"{name} names {len(unknown)} person id(s) that are not in scenario "
                         f"{scenario.name!r}: {', '.join(repr(u) for u in unknown[:5])}"
                         f"{' ...' if len(unknown) > 5 else ''} (its people: {few}{more}; "
                         "name them in [roles.<role>] people = [...])")
    out = {}
    for pid, entry in value.items():
        where = f"{name}[{pid!r}]"
        if isinstance(entry, str | bytes) or not isinstance(entry, Sequence) or len(entry) != 4:
            raise TypeError(f"{where} must be (absence_starts, absence_ends, busy_starts, "
                            f"busy_ends), got {_shown(entry)}")
        parts = []
        for label, seq in zip(("absence_starts", "absence_ends", "busy_starts", "busy_ends"),
                              entry, strict=True):
            if isinstance(seq, str | bytes) or not isinstance(seq, Iterable):
                raise TypeError(f"{where} {label} must be a sequence of hours, got "
                                f"{_shown(seq)}")
            hours = [float(number(f"{where} {label}", x, what="an hour")) for x in seq]
            parts.append(hours)
        for k, what in ((0, "absence"), (2, "busy")):
            if len(parts[k]) != len(parts[k + 1]):
                raise ValueError(f"{where} has {len(parts[k])} {what} starts but "
                                 f"{len(parts[k + 1])} ends")
            bad = [i for i, (a, b) in enumerate(zip(parts[k], parts[k + 1], strict=True))
                   if b < a]
            if bad:
                raise ValueError(f"{where} {what} block {bad[0]} ends before it starts "
                                 f"({parts[k + 1][bad[0]]} < {parts[k][bad[0]]} hours)")
        out[str(pid)] = tuple(parts)
    return out
