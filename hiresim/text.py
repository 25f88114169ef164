"""Text for people, in one place: plurals and shares, values shown in messages, did-you-mean
hints, and ready-to-send sentences for candidates in their language and date format.

The HR report, the CLI and the plots used to write "1 candidates", "1 working hours" and
"0 % get an offer". Every counted noun goes through :func:`plural` and every share meant for a
sentence through :func:`share`, so those slips cannot come back one f-string at a time.
"""

from __future__ import annotations

import difflib
import math
import numbers
from datetime import date
from typing import Any

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


def days(x: float | None, digits: int = 1, unknown: str = "–") -> str:
    """A number of days for a table cell, with ``digits`` decimals; ``unknown`` when there is
    none (``None``, NaN or infinite: the CLI says ``"never"`` for a share never reached)."""
    if x is None or not math.isfinite(x):
        return unknown
    return f"{x:.{digits}f}"


def percent(x: float | None, digits: int = 0) -> str:
    """A share for a table cell, in percent; a small share below 1 % keeps one decimal, so it
    does not print as 0 (:func:`share` is the one for sentences: it says "none")."""
    if x is None or not math.isfinite(x):
        return "–"
    if digits == 0 and 0 < abs(x) < 0.01:
        digits = 1
    return f"{100 * x:.{digits}f} %"


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


def duration_words(d: Any) -> str:
    """A duration (a :class:`hiresim.durations.DurationSpec`) for a sentence: ``"2 working
    hours"``, or ``"typically 2 working days, one in ten over 5"`` when it varies."""
    unit = {"working_hours": "working hour", "working_days": "working day",
            "calendar_days": "calendar day", "hours": "hour"}.get(d.unit, d.unit)
    lo, mid, hi = d.quantile(0.1), d.quantile(0.5), d.quantile(0.9)
    if abs(lo - hi) <= 1e-8 + 1e-5 * abs(hi):  # numpy.isclose's tolerance
        return plural(float(f"{mid:g}"), unit)
    return (f"typically {plural(float(f'{mid:.3g}'), unit)}, one in ten over "
            f"{float(f'{hi:.3g}'):g}")


def roles_words(roles: list[str] | None) -> str:
    """Role names for a sentence: ``"finance, works council"``; ``"everyone"`` for none."""
    return "everyone" if not roles else ", ".join(r.replace("_", " ") for r in roles)


# -- values in messages ------------------------------------------------------------------------

#: Names longer than this are not compared for did-you-mean hints (:func:`close_matches` is
#: quadratic in the length: a 100,000-character name would take minutes).
MAX_HINT_LENGTH = 128


def shown(value: Any, width: int = 40, kind: bool = False) -> str:
    """``value`` as a message shows it: its ``repr`` (control characters escaped), cut to
    ``width`` characters; with ``kind``, its type first where the repr does not say it
    (``list [1, 2]``; not for text, numbers and ``None``). Scenario messages use the default
    width; the argument checks of :mod:`hiresim.arguments` show 60 characters with the kind."""
    text = repr(value)
    if len(text) > width:
        text = text[: width - 3] + "..."
    if not kind or isinstance(value, str | bool | numbers.Number) or value is None:
        return text
    return f"{type(value).__name__} {text}"


def close_matches(word: str, options: list[str], n: int = 1, cutoff: float = 0.6
                  ) -> list[str]:
    """:func:`difflib.get_close_matches` for words of a sensible length."""
    if len(word) > MAX_HINT_LENGTH:
        return []
    return difflib.get_close_matches(word, [o for o in options if len(o) <= MAX_HINT_LENGTH],
                                     n=n, cutoff=cutoff)


# -- sentences for candidates ------------------------------------------------------------------
#
# Ready-to-send sentences for candidates, in their language and date format (Babel).
#
# A forecast's promise at a chosen confidence becomes "You will hear from us by Friday,
# 11 December 2026." or "Sie hören spätestens am Freitag, 11. Dezember 2026, von uns."; the date
# is written in the full format of the locale (weekday, day, month and year: no ambiguity
# between 11/12 and 12/11). Where no date can be promised at that confidence, the sentence
# promises none.

#: Sentences by language: with a date, and when no date can be promised.
SENTENCES: dict[str, tuple[str, str]] = {
    "en": ("You will hear from us by {date}.",
           "We cannot give you a date for our decision yet; we will keep you informed."),
    "de": ("Sie hören spätestens am {date} von uns.",
           "Wir können Ihnen noch keinen Termin für unsere Entscheidung nennen; wir halten "
           "Sie auf dem Laufenden."),
}


def language_of(locale: str) -> str:
    """The language of ``locale`` (``de_CH`` → ``de``), checked against :data:`SENTENCES`."""
    from babel import Locale, UnknownLocaleError

    if not isinstance(locale, str) or not locale.strip():
        raise ValueError(f"locale must be a locale name such as 'en', 'en_GB' or 'de', got "
                         f"{locale!r}")
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"locale {locale!r} is not a known locale (e.g. 'en', 'en_GB', "
                         "'de', 'de_AT')") from exc
    if parsed.language not in SENTENCES:
        raise ValueError(f"no sentences in {parsed.language!r} yet: languages are "
                         f"{', '.join(sorted(SENTENCES))}")
    return str(parsed.language)


def format_day(day: Any, locale: str) -> str:
    """``day`` in the locale's full date format (``Friday, 11 December 2026`` in en_GB)."""
    from babel.dates import format_date

    d = day.date() if hasattr(day, "date") and not isinstance(day, date) else day
    if hasattr(d, "date") and callable(d.date):
        d = d.date()
    return str(format_date(d, "full", locale=locale.replace("-", "_")))


def feedback_sentence(day: Any, locale: str = "en") -> str:
    """The sentence for a candidate who hears by ``day`` (``None``: no date can be given)."""
    language = language_of(locale)
    with_date, without = SENTENCES[language]
    if day is None:
        return without
    text = format_day(day, locale)
    if language == "de":  # an apposition inside the sentence closes with a comma
        return with_date.replace("{date}", text + ",")
    return with_date.replace("{date}", text)
