"""Cause labels of waiting time and the priority that resolves overlaps.

Every interval of a candidate's wait is charged to exactly one cause. When several causes hold
at once (a person on vacation during a weekend), the interval goes to the cause that comes first
in :data:`CAUSES`. The order is part of the public contract (design section 3): docs, notebooks,
tests and other analyses rely on it.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Cause labels, highest priority first. Index in this tuple = the cause's integer code.
CAUSES: tuple[str, ...] = (
    "reorganization",
    "requirements",
    "turnover",
    "absence",
    "priority",
    "off_hours",
    "batching",
    "scheduling",
    "communication",
    "contention",
    "work",
)
CODE: dict[str, int] = {name: i for i, name in enumerate(CAUSES)}
#: Codes reserved for the causes of a user's own mechanisms (:mod:`hiresim.mechanisms`), in
#: the order a scenario names its extensions. They rank below every built-in cause: where an
#: extension's spell overlaps a built-in cause, the built-in one is charged.
EXTENSION_CODES: tuple[int, ...] = tuple(range(len(CAUSES), len(CAUSES) + 4))
#: Length of a vector of charges by cause code: the built-in causes, then the extension slots.
N_CAUSES = len(CAUSES) + len(EXTENSION_CODES)

REORGANIZATION = CODE["reorganization"]
REQUIREMENTS = CODE["requirements"]
TURNOVER = CODE["turnover"]
ABSENCE = CODE["absence"]
PRIORITY = CODE["priority"]
OFF_HOURS = CODE["off_hours"]
BATCHING = CODE["batching"]
SCHEDULING = CODE["scheduling"]
COMMUNICATION = CODE["communication"]
CONTENTION = CODE["contention"]
WORK = CODE["work"]

#: Code of an open (available) segment of a timeline: lower priority than every cause.
OPEN = N_CAUSES

#: Causes that make a person unavailable (they override the default cause of a wait).
DISRUPTIONS: tuple[str, ...] = ("reorganization", "requirements", "turnover", "absence", "priority")

#: Result column of each cause in ``Results.journeys`` and ``Results.events``.
DELAY_COLUMNS: tuple[str, ...] = tuple(f"delay_{c}" for c in CAUSES)
WAIT_COLUMNS: tuple[str, ...] = tuple(f"wt_{c}" for c in CAUSES)


def cause_columns(columns: Iterable[str], prefix: str = "delay_") -> list[str]:
    """The cause columns among ``columns`` (``delay_`` or ``wt_``): the built-in causes in
    their order, then the causes of user mechanisms in the order they appear."""
    present = list(columns)
    built_in = [f"{prefix}{c}" for c in CAUSES]
    return ([c for c in built_in if c in present]
            + [c for c in present if c.startswith(prefix) and c not in built_in])
