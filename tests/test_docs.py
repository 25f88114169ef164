"""The generated scenario reference is up to date with the schema."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location("gen", DOCS / "gen_scenario_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scenario_reference_matches_schema():
    page = (DOCS / "reference" / "scenario.md").read_text()
    assert page == _generator().render(), "run: python docs/gen_scenario_reference.py"


def test_every_scenario_table_is_documented():
    from pydantic import BaseModel

    from hiresim import scenario

    documented = {model for _, model in _generator().TABLES}
    models = {obj for obj in vars(scenario).values()
              if isinstance(obj, type) and issubclass(obj, BaseModel)
              and obj.__module__ == "hiresim.scenario" and not obj.__name__.startswith("_")}
    assert models <= documented, sorted(m.__name__ for m in models - documented)


def test_every_scenario_field_has_a_description():
    from pydantic import BaseModel

    from hiresim import scenario

    missing = [f"{obj.__name__}.{key}" for obj in vars(scenario).values()
               if isinstance(obj, type) and issubclass(obj, BaseModel)
               and obj.__module__ == "hiresim.scenario" and not obj.__name__.startswith("_")
               for key, field in obj.model_fields.items() if not field.description]
    assert not missing, f"fields without a description: {', '.join(missing)}"
