"""Every TOML snippet in docs/ validates (issue 11): a reader who copies one into a scenario
gets no error.

A snippet with ``roles`` and ``rounds`` is a whole scenario and is loaded as it is; any other is
a fragment, merged into the ``default`` preset (its tables replace or extend the preset's) and
loaded. A snippet whose lines are ``name = <duration>`` examples (the durations reference) has
each value validated as a duration. A snippet whose first line is ``# invalid`` shows a
mistake on purpose, and must be refused.
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import hiresim as hs
import hiresim.examples.background_check  # registers the mechanism a how-to snippet uses
from hiresim.durations import parse_duration

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.S | re.M)


def _snippets() -> list[tuple[str, str]]:
    out = []
    for page in sorted(DOCS.rglob("*.md")):
        if "_build" in page.parts or "notebooks" in page.parts:
            continue
        blocks = [body for lang, body in FENCE.findall(page.read_text(encoding="utf-8"))
                  if lang.strip() == "toml"
                  and not body.lstrip().startswith("# ATS mapping")]  # tests/test_ats.py
        out += [(f"{page.relative_to(DOCS)}[{i + 1}]", body) for i, body in enumerate(blocks)]
    return out


SNIPPETS = _snippets()


def _merge(into: dict[str, Any], extra: dict[str, Any], path: str = "") -> None:
    for key, value in extra.items():
        # a duration (a table with ``dist``) replaces the preset's whole: a lognormal snippet
        # merged key by key into an exponential duration would mix the two families' keys;
        # so does a role (``[roles.recruiter]`` in a snippet is the whole role)
        whole = "dist" in value if isinstance(value, dict) else True
        if not whole and path != "roles." and isinstance(into.get(key), dict):
            _merge(into[key], value, f"{path}{key}.")
        else:
            into[key] = value


def _duration_examples(body: str) -> list[Any] | None:
    """The values of a block of ``name = <duration>`` lines, or ``None`` if it is not one."""
    values = []
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = tomllib.loads(line)
        (key, value), = item.items()
        if key in hs.Scenario.model_fields or not (
                isinstance(value, int | float) or (isinstance(value, dict) and "dist" in value)):
            return None
        values.append(value)
    return values


def test_the_docs_have_toml_snippets():
    assert len(SNIPPETS) >= 15


@pytest.mark.parametrize(("where", "body"), SNIPPETS, ids=[w for w, _ in SNIPPETS])
def test_toml_snippet_validates(where: str, body: str):
    invalid = body.lstrip().startswith("# invalid")
    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        examples = _duration_examples(body)
        assert examples, f"{where}: neither valid TOML nor a block of example values"
        for value in examples:
            parse_duration(value)
        return
    examples = _duration_examples(body) if not ({"roles", "rounds"} <= set(data)) else None
    if examples:
        for value in examples:
            parse_duration(value)
        return
    if {"roles", "rounds"} <= set(data):
        scenario = data
    else:
        scenario = hs.preset("default").model_dump(mode="json")
        _merge(scenario, copy.deepcopy(data))
    if invalid:
        with pytest.raises(hs.ScenarioError):
            hs.load_scenario(scenario, source=where)
    else:
        hs.load_scenario(scenario, source=where)
