"""The country of a company's records, from the time zone its export is in: whose public
holidays its calendars keep.

An export's timestamps are in the company's local time, and its mapping names that time zone
(``timezone = "Europe/Berlin"``). The IANA database says which country each zone is in
(``zone.tab``, shipped by the ``tzdata`` package that pandas installs, or the system's
``/usr/share/zoneinfo``): Europe/Berlin is DE, so a scenario calibrated to that export takes
German public holidays, not the base preset's US ones. A zone shared by several countries
(``Europe/Zurich`` also serves Liechtenstein) is the first country ``zone.tab`` lists, the one
the zone is named after.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

#: Where ``zone.tab`` is looked for when the ``tzdata`` package does not have it.
SYSTEM_ZONE_TAB = Path("/usr/share/zoneinfo/zone.tab")


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    text = None
    try:
        from importlib.resources import files

        text = (files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, OSError):
        if SYSTEM_ZONE_TAB.is_file():
            text = SYSTEM_ZONE_TAB.read_text(encoding="utf-8")
    zones: dict[str, str] = {}
    for line in (text or "").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            zones.setdefault(fields[2].strip(), fields[0].strip())
    return zones


def country_of_timezone(timezone: str | None) -> str | None:
    """The ISO 3166 country code of an IANA time zone (``"Europe/Berlin"`` → ``"DE"``);
    ``None`` for no zone, a zone of no country (``UTC``) or one the database does not list."""
    if not timezone:
        return None
    return _zones().get(str(timezone).strip())


__all__ = ["country_of_timezone"]
