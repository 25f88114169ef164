"""Event-log export for process mining: CSV, Parquet, and XES with a start/complete lifecycle.

``results.events`` is an *interval* log: one row per activity instance with ``enabled_timestamp``,
``start_timestamp`` and ``time:timestamp`` (completion). CSV and Parquet keep that shape (PM4Py,
Disco, Celonis and waiting-time analysers read it as is). XES is an *atomic* log, so each
activity instance becomes two events, ``lifecycle:transition`` ``start`` and ``complete``
(:func:`lifecycle_events`). Suspensions inside an activity (``suspended_days > 0``: the person
went on leave or onto a priority project mid-task) are known only as a total, not as dated
intervals, so no ``suspend``/``resume`` pair is invented: the total is carried as the attribute
``hiresim:suspended_days`` of both events instead.

The XES file is written with :mod:`xml.etree.ElementTree` (no extra dependency) following
IEEE 1849-2016: a ``log`` of ``trace`` elements (one per candidate, ``concept:name`` = the case
id), each holding its ``event`` elements in time order with ``concept:name`` (activity),
``org:resource``, ``org:role``, ``lifecycle:transition`` and ``time:timestamp``.

>>> import hiresim as hs
>>> from hiresim.records.eventlog import lifecycle_events
>>> results = hs.simulate(hs.preset("mmc"), replications=1, seed=1)
>>> log = lifecycle_events(results)
>>> len(log) == 2 * len(results.events)
True
>>> sorted(log["lifecycle:transition"].unique())
['complete', 'start']
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

from hiresim.records.csvfile import write_csv

if TYPE_CHECKING:
    from hiresim.tables import ResultsLike

    #: What the export functions take: a run, or its ``events`` table itself.
    EventSource: TypeAlias = ResultsLike | pd.DataFrame

#: Formats understood by :func:`export_events`, and the file suffix each one gets by default.
FORMATS: dict[str, str] = {"csv": ".csv", "parquet": ".parquet", "xes": ".xes"}

_CASE, _ACTIVITY, _RESOURCE, _ROLE = "case:concept:name", "concept:name", "org:resource", "org:role"
_TIME, _START, _ENABLED = "time:timestamp", "start_timestamp", "enabled_timestamp"
_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
)


def _events(results: EventSource) -> pd.DataFrame:
    if not (hasattr(results, "events") or isinstance(results, pd.DataFrame)):
        raise TypeError("results must be a hiresim.Results or its events DataFrame, got "
                        f"{type(results).__name__}")
    events: pd.DataFrame = results.events if hasattr(results, "events") else results
    if events is None or len(events) == 0:
        raise ValueError(
            "the results have no event log (simulated with event_log=False?): nothing to export"
        )
    return events


def format_for(path: str | os.PathLike, format: str | None = None) -> str:
    """The export format: ``format`` if given, else guessed from the file suffix."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a file name (str or os.PathLike), got "
                        f"{type(path).__name__}")
    if format is not None:
        if format not in FORMATS:
            raise ValueError(f"format {format!r} is unknown; allowed: {', '.join(FORMATS)}")
        return format
    suffix = Path(path).suffix.lower()
    for name, ext in FORMATS.items():
        if suffix == ext:
            return name
    raise ValueError(
        f"cannot tell the format of {os.fspath(path)!r} from its suffix; "
        f"use a suffix {', '.join(FORMATS.values())} or give the format"
    )


def export_events(results: EventSource, path: str | os.PathLike, format: str | None = None) -> Path:
    """Write the event log of ``results`` to ``path`` as CSV, Parquet or XES.

    Parameters
    ----------
    results:
        A :class:`hiresim.Results` (or its ``events`` DataFrame).
    path:
        The file to write; its parent folder is created.
    format:
        ``"csv"``, ``"parquet"`` or ``"xes"``; by default taken from the suffix of ``path``.

    Returns
    -------
    The path written.
    """
    kind = format_for(path, format)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    {"csv": to_csv, "parquet": to_parquet, "xes": to_xes}[kind](results, path)
    return path


def to_csv(results: EventSource, path: str | os.PathLike) -> Path:
    """The interval event log as CSV (ISO timestamps, one row per activity instance); text
    cells a spreadsheet would evaluate as a formula are written with a leading ``'``
    (:func:`hiresim.records.csvfile.write_csv`)."""
    return write_csv(_events(results), path, date_format="%Y-%m-%dT%H:%M:%S.%f")


def to_parquet(results: EventSource, path: str | os.PathLike) -> Path:
    """The interval event log as one Parquet file (types kept)."""
    _events(results).to_parquet(path, index=False)
    return Path(path)


def lifecycle_events(results: EventSource) -> pd.DataFrame:
    """The event log in atomic form: one ``start`` and one ``complete`` row per activity.

    Columns: ``case:concept:name``, ``concept:name``, ``org:resource``, ``org:role``,
    ``lifecycle:transition``, ``time:timestamp``, ``activity_instance`` (the row of
    ``results.events`` it comes from), ``replication``, ``stage``, ``requisition`` and
    ``suspended_days`` when present. Sorted by case, time, then start before complete.
    """
    events = _events(results).reset_index(drop=True)
    keep = [c for c in (_CASE, _ACTIVITY, _RESOURCE, _ROLE, "replication", "stage",
                        "requisition", "round", "suspended_days") if c in events]
    base = events[keep].assign(activity_instance=np.arange(len(events)))
    start = base.assign(**{"lifecycle:transition": "start", _TIME: events[_START].to_numpy(),
                           "_order": 0})
    complete = base.assign(**{"lifecycle:transition": "complete",
                              _TIME: events[_TIME].to_numpy(), "_order": 1})
    log = pd.concat([start, complete], ignore_index=True)
    log = log.sort_values([_CASE, _TIME, "activity_instance", "_order"], kind="stable")
    return log.drop(columns="_order").reset_index(drop=True)


def _timestamp(value: Any) -> str:
    # Local time of the scenario, written without an offset (xs:dateTime allows it).
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def _attribute(parent: ET.Element, key: str, value: object) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return
    if isinstance(value, bool | np.bool_):
        ET.SubElement(parent, "boolean", key=key, value="true" if value else "false")
    elif isinstance(value, int | np.integer):
        ET.SubElement(parent, "int", key=key, value=str(int(value)))
    elif isinstance(value, float | np.floating):
        ET.SubElement(parent, "float", key=key, value=repr(float(value)))
    elif isinstance(value, pd.Timestamp | np.datetime64):
        if not pd.isna(value):
            ET.SubElement(parent, "date", key=key, value=_timestamp(value))
    else:
        ET.SubElement(parent, "string", key=key, value=str(value))


def to_xes(results: EventSource, path: str | os.PathLike) -> Path:
    """The event log as an XES file (IEEE 1849) with ``start``/``complete`` lifecycle events.

    One trace per candidate (``concept:name`` = case id, with ``replication`` and
    ``requisition``); each event carries ``concept:name``, ``org:resource``, ``org:role``,
    ``lifecycle:transition``, ``time:timestamp``, ``stage`` and, when non-zero,
    ``hiresim:suspended_days``. Written trace by trace, so memory stays flat for long logs.
    """
    log = lifecycle_events(results)
    path = Path(path)
    root = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "nested-attributes",
                              "xmlns": "http://www.xes-standard.org/"})
    for name, prefix, uri in _EXTENSIONS:
        ET.SubElement(root, "extension", name=name, prefix=prefix, uri=uri)
    trace_globals = ET.SubElement(root, "global", scope="trace")
    ET.SubElement(trace_globals, "string", key="concept:name", value="__INVALID__")
    event_globals = ET.SubElement(root, "global", scope="event")
    ET.SubElement(event_globals, "string", key="concept:name", value="__INVALID__")
    ET.SubElement(event_globals, "string", key="lifecycle:transition", value="complete")
    ET.SubElement(event_globals, "date", key="time:timestamp", value="1970-01-01T00:00:00.000")
    ET.SubElement(root, "classifier", name="Activity", keys="concept:name")
    ET.SubElement(root, "classifier", name="Activity and transition",
                  keys="concept:name lifecycle:transition")
    _attribute(root, "concept:name", "hiresim simulated event log")
    header = ET.tostring(root, encoding="unicode")
    head, tail = header.rsplit("</log>", 1)

    columns = list(log.columns)
    at = {c: i for i, c in enumerate(columns)}
    event_keys = [c for c in (_ACTIVITY, _RESOURCE, _ROLE, "lifecycle:transition", _TIME,
                              "stage") if c in at]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        fh.write(head)
        for case, sub in log.groupby(_CASE, sort=False):
            trace = ET.Element("trace")
            _attribute(trace, "concept:name", str(case))
            first = sub.iloc[0]
            for key in ("replication", "requisition"):
                if key in at:
                    _attribute(trace, key, first[key])
            for row in sub.itertuples(index=False, name=None):
                event = ET.SubElement(trace, "event")
                for key in event_keys:
                    _attribute(event, key, row[at[key]])
                if "suspended_days" in at and row[at["suspended_days"]] > 0:
                    _attribute(event, "hiresim:suspended_days", float(row[at["suspended_days"]]))
            fh.write(ET.tostring(trace, encoding="unicode"))
            fh.write("\n")
        fh.write("</log>" + tail + "\n")
    return path
