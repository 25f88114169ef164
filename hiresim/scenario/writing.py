"""Writing a scenario as a TOML file that :func:`hiresim.load_scenario` reads back unchanged.

A scenario made or edited in Python (``with_overrides``, a calibration) has to be kept and
shared as the file users read, diff and edit; :func:`scenario_toml` writes it, with optional
comments after the values they describe (a calibration says where each value came from).
Blocks of user mechanisms (``scenario.extensions``) are written as the top-level tables they
are read from; fields left at ``None`` are omitted (``None`` is every optional field's default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hiresim.scenario.schema import Scenario


def scenario_toml(scenario: Scenario, comments: dict[str, str] | None = None,
                  header: str | None = None) -> str:
    """``scenario`` as TOML text; ``comments`` (by dotted path) are written after the values
    they describe, ``header`` as a comment on the first line."""
    import tomlkit

    notes = comments or {}
    data = scenario.model_dump(mode="json", exclude_none=True)
    extensions = data.pop("extensions", None) or {}
    for name, block in extensions.items():  # as in a file: a top-level table per mechanism
        if block is not None:
            data[name] = block
    doc = tomlkit.document()
    if header:
        doc.add(tomlkit.comment(header))
    _fill(doc, data, "", notes)
    return tomlkit.dumps(doc)


def _fill(table: Any, data: dict[str, Any], prefix: str, notes: dict[str, str]) -> None:
    import tomlkit

    scalars = {k: v for k, v in data.items() if not _is_table(v)}
    nested = {k: v for k, v in data.items() if _is_table(v)}
    for key, value in scalars.items():
        item = tomlkit.item(_inline(value))
        path = f"{prefix}{key}"
        if path in notes:
            item.comment(notes[path])
        table.add(key, item)
    for key, value in nested.items():
        path = f"{prefix}{key}"
        if isinstance(value, list):
            array = tomlkit.aot()
            for i, element in enumerate(value):
                sub = tomlkit.table()
                _fill(sub, element, f"{path}.{i}.", notes)
                array.append(sub)
            table.add(key, array)
        else:
            sub = tomlkit.table()
            _fill(sub, value, f"{path}.", notes)
            table.add(key, sub)


def _is_table(value: Any) -> bool:
    """A sub-table (not a duration, which is written inline) or an array of tables."""
    if isinstance(value, dict):
        return "dist" not in value
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, dict) and "dist" not in v for v in value)


def _inline(value: Any) -> Any:
    import tomlkit

    if isinstance(value, dict):
        inline = tomlkit.inline_table()
        inline.update(value)
        return inline
    if isinstance(value, list):
        return [_inline(v) for v in value]
    return value


__all__ = ["scenario_toml"]
