"""Ready-to-send sentences for candidates, in their language and date format (Babel).

A forecast's promise at a chosen confidence becomes "You will hear from us by Friday,
11 December 2026." or "Sie hören spätestens am Freitag, 11. Dezember 2026, von uns."; the date
is written in the full format of the locale (weekday, day, month and year: no ambiguity
between 11/12 and 12/11). Where no date can be promised at that confidence, the sentence
promises none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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
