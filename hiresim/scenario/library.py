"""The embedded presets and the JSON Schema of scenario files."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from hiresim.scenario.loading import load_scenario, validate
from hiresim.scenario.schema import Scenario, ScenarioError
from hiresim.text import close_matches

#: How a command line names a preset where a scenario file is expected: ``preset:default``.
PRESET_PREFIX = "preset:"


def presets() -> list[str]:
    """Names of the scenario files embedded in hiresim (``hs.preset(name)`` loads one)."""
    return sorted(p.name.removesuffix(".toml") for p in _preset_folder().iterdir()
                  if p.name.endswith(".toml"))


def _preset_folder() -> Any:
    """The embedded presets: a data folder (not a subpackage, which would shadow
    :func:`presets` as an attribute of the ``hiresim`` package)."""
    return resources.files("hiresim.scenario").joinpath("presets")


def preset_description(name: str) -> str:
    """The preset's one-line description (its ``description`` field)."""
    return preset(name).description.strip().splitlines()[0] if preset(name).description else ""


def preset(name: str) -> Scenario:
    """Load an embedded preset by name, e.g. ``hs.preset("default")``."""
    names = presets()
    if name not in names:
        close = close_matches(name, names, n=1)
        more = f"; did you mean {close[0]!r}?" if close else ""
        raise ScenarioError(f"preset {name!r}", [("", f"no such preset{more} "
                                                       f"Presets: {', '.join(names)}.")])
    resource = _preset_folder().joinpath(f"{name}.toml")
    text = resource.read_text(encoding="utf-8")
    return validate(tomllib.loads(text), source=f"preset:{name}", text=text)


def as_scenario(value: Scenario | str | os.PathLike[str] | dict[str, Any]) -> Scenario:
    """The scenario a user's argument names, the one rule for every function and command that
    takes one: a :class:`Scenario` as it is; a dict, validated; a text ``preset:NAME`` or a
    preset's name, that preset (a file of that exact name wins over ``preset:NAME``; a
    preset's name wins over a file, as ``hiresim forecast`` and ``hs.calibrate`` always read
    it); anything else a TOML file's path.

    Raises :class:`ScenarioError` (no such file or preset, or an invalid scenario) and
    ``TypeError`` for a value of another kind.

    >>> as_scenario("preset:mmc").name == as_scenario("mmc").name == preset("mmc").name
    True
    """
    if isinstance(value, str):
        if value.startswith(PRESET_PREFIX) and not Path(value).is_file():
            return preset(value.removeprefix(PRESET_PREFIX))
        if value in presets():
            return preset(value)
    return load_scenario(value)


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors that complete and check TOML/JSON."""
    from hiresim.mechanisms import SHIPPED, registered

    schema = Scenario.model_json_schema()
    # the blocks of the mechanisms shipped on the extension point are top-level tables too
    for name, mechanism in registered().items():
        if mechanism.__module__ in SHIPPED:
            block = mechanism.spec.model_json_schema(ref_template="#/$defs/{model}")
            schema.setdefault("$defs", {}).update(block.pop("$defs", {}))
            schema["properties"][name] = {"anyOf": [block, {"type": "null"}], "default": None}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hiresim scenario"
    return schema
