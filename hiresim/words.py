"""Numbers in words for people: plurals and shares, the same everywhere text is printed.

The HR report, the CLI and the plots used to write "1 candidates", "1 working hours" and
"0 % get an offer". Every counted noun goes through :func:`plural` and every share meant for a
sentence through :func:`share`, so those slips cannot come back one f-string at a time.
"""

from __future__ import annotations

import math

#: Plurals that are not the singular plus "s".
IRREGULAR: dict[str, str] = {"person": "people", "day": "days", "hour": "hours"}


def plural_of(word: str) -> str:
    """``"candidate"`` -> ``"candidates"``; the last word of a phrase is the one inflected
    (``"working hour"`` -> ``"working hours"``), with the few irregular nouns hiresim prints."""
    head, _, last = word.rpartition(" ")
    if last in IRREGULAR:
        many = IRREGULAR[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        many = last + "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return f"{head} {many}" if head else many


def plural(n: float, word: str, many: str | None = None, digits: int | None = None) -> str:
    """``n`` and the noun in the right number: ``plural(1, "candidate") == "1 candidate"``,
    ``plural(3, "works council member") == "3 works council members"``; ``many`` overrides
    the plural form. A whole count is printed with thousands separators; ``digits`` prints a
    fraction (``plural(0.5, "working day", digits=1) == "0.5 working days"``)."""
    one = n == 1
    number = f"{n:,.{digits}f}" if digits is not None else (
        f"{int(n):,}" if float(n).is_integer() else f"{n:g}")
    return f"{number} {word if one else (many or plural_of(word))}"


def share(x: float | None, none: str = "none") -> str:
    """A share for a sentence: ``"none"`` for exactly 0, one decimal below 1 % (``"0.4 %"``,
    so a small share does not read as zero), whole percent otherwise; ``"–"`` when unknown."""
    if x is None or not math.isfinite(x):
        return "–"
    if x == 0:
        return none
    if abs(x) < 0.01:
        return f"{100 * x:.1f} %"
    return f"{100 * x:.0f} %"
