"""Loading a scenario: safe reading of files, TOML, migrations of old names, and messages
that name the file, the field path, the line and what is allowed."""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
import types
import typing
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from hiresim.deprecation import HiresimDeprecationWarning
from hiresim.fields import CLOCK_PATTERN
from hiresim.scenario.checks import check_references
from hiresim.scenario.schema import Scenario, ScenarioError
from hiresim.text import close_matches, shown

if TYPE_CHECKING:
    pass



def load_scenario(spec: str | os.PathLike[str] | dict[str, Any] | Scenario, *,
                  source: str | None = None
                  ) -> Scenario:
    """Load and validate a scenario from a TOML file path, a dict, or a Scenario.

    Raises :class:`ScenarioError` listing every problem as ``FILE: path: message``.
    """
    if isinstance(spec, Scenario):
        return spec
    text: str | None = None
    if isinstance(spec, dict):
        data, label = spec, source or "<dict>"
    elif isinstance(spec, str | os.PathLike):
        path = Path(spec)
        label = source or str(path)
        text = read_text_file(path, label, "scenario")
        data = parse_toml(text, label)
    else:
        raise TypeError(f"scenario must be a path, a dict or a Scenario, got "
                        f"{type(spec).__name__}")
    return validate(data, source=label, text=text)


#: A scenario file larger than this is refused before it is read (scenarios are a few KB).
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Deepest nesting of arrays and tables a scenario may have (real ones need about 5).
MAX_NESTING = 64


def read_text_file(path: Path, label: str, what: str = "scenario",
                   max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a UTF-8 file, or a :class:`ScenarioError` that says what the file is
    instead: missing, a directory, a FIFO or device, a symbolic-link loop, too large, not
    UTF-8 (UTF-16, Latin-1, binary), or UTF-8 with a byte-order mark."""
    try:
        info = path.stat()
    except FileNotFoundError:
        problem = (f"symbolic link to a missing file ({os.readlink(path)!r})" if path.is_symlink()
                   else f"no such {what} file")
        raise ScenarioError(label, [("", problem)]) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ScenarioError(label, [("", "is a loop of symbolic links, not a file")]) from None
        raise ScenarioError(label, [("", f"cannot be read: {exc.strerror}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioError(label, [("", f"is a directory; give the path of a {what} file "
                                         "(.toml)")])
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                "a socket" if stat.S_ISSOCK(info.st_mode) else "a device")
        raise ScenarioError(label, [("", f"is {kind}, not a regular file")])
    if info.st_size > max_bytes:
        raise ScenarioError(label, [("", f"is {info.st_size / 1e6:.1f} MB; a {what} file is "
                                         f"at most {max_bytes / 1e6:.0f} MB")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(label, [("", f"cannot be read: {exc.strerror}")]) from None
    return decode_utf8(raw, label)


def decode_utf8(raw: bytes, label: str) -> str:
    """Text of UTF-8 bytes; a byte-order mark, UTF-16/32 or another encoding is a clear error."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ScenarioError(label, [("", "starts with a UTF-8 byte-order mark (BOM): save it "
                                         "as UTF-8 without BOM")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError(label, [("", "is UTF-16 text: save it as UTF-8")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        kind = "binary data" if b"\x00" in raw[:4096] else "text in another encoding"
        raise ScenarioError(label, [("", f"is not UTF-8 ({kind}: byte 0x{raw[exc.start]:02x} "
                                         f"on line {line}); save it as UTF-8")]) from None


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """Parse TOML, with errors that say where and why (and no recursion blow-up)."""
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise ScenarioError(label, [("", f"nesting too deep: arrays and tables nest {depth} "
                                         f"levels; at most {MAX_NESTING} are allowed")])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(label, [("", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise ScenarioError(label, [("", "arrays and tables nest too deeply")]) from None


def _nesting(text: str) -> int:
    """An upper bound of how deep ``[`` and ``{`` nest outside strings and comments (a fast
    scan: TOML's parser recurses once per level)."""
    depth = deepest = 0
    quote = ""
    comment = False
    for ch in text:
        if comment:
            comment = ch != "\n"
        elif quote:
            if ch == quote or ch == "\n":
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            comment = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
        elif ch == "\n" and depth == 1:
            depth = 0  # a table header's bracket closes on its line
    return deepest


def validate(data: dict[str, Any], *, source: str = "<dict>", text: str | None = None
             ) -> Scenario:
    """Validate a plain dict; ``text`` (the TOML source) lets messages give line numbers.

    Blocks under the names they had before version 0.2 are read with a
    :class:`HiresimDeprecationWarning` (see :data:`RENAMED`); blocks of registered user
    mechanisms are validated by their own models.
    """
    data, problems = _migrate(data, source)
    if isinstance(data, dict):  # the caller's dict stays as it was (blocks are moved below)
        data = dict(data)
    problems += _extension_problems(data, text)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [_describe(err, data, text) for err in exc.errors()]
        # the cross-checks too, in the same pass, on what is left without the faulty values
        try:
            left = _without_faults(data, exc)
        except RecursionError:  # nested too deeply to copy (dotted keys by the thousand)
            left = None
        problems += _cross_check_problems(left, problems, text)
    if problems:
        raise ScenarioError(source, problems) from None
    problems = check_references(scenario)
    if problems:
        raise ScenarioError(source, [(p, m + _line_hint(text, p)) for p, m in problems])
    return scenario


#: Rounds of taking faulty values out of a scenario before its cross-checks give up.
_PRUNE_ROUNDS = 4


def _without_faults(data: Any, exc: ValidationError) -> Scenario | None:
    """The scenario with every value that failed its schema taken out (so that its default
    applies; a required table taken out is put back empty, so that its fields' defaults
    apply), if what is left validates; ``None`` when a required value is missing or cannot be
    replaced (its cross-checks would be guesses)."""
    import copy

    pruned = copy.deepcopy(data)
    dropped: set[tuple[Any, ...]] = set()
    emptied: set[tuple[Any, ...]] = set()
    for _ in range(_PRUNE_ROUNDS):
        for err in exc.errors():
            loc = tuple(part for part in err["loc"] if not _is_union_tag(part))
            if err["type"] == "missing" and loc in dropped and loc not in emptied:
                emptied.add(loc)
                if not _put(pruned, loc, {}):
                    return None
            elif err["type"] == "missing" or loc in emptied or not loc or not _put(pruned, loc):
                return None
            dropped.add(loc)
        try:
            return Scenario.model_validate(pruned)
        except ValidationError as again:
            exc = again
    return None


_GONE = object()


def _put(data: Any, loc: tuple[Any, ...], value: Any = _GONE) -> bool:
    """Take the value at ``loc`` out of ``data`` (a key of a table; never an item of an
    array, which would renumber the others), or set it to ``value``; whether it could be."""
    for part in loc[:-1]:
        inside = (part in data if isinstance(data, dict) else
                  isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data))
        if not inside:
            return False
        data = data[part]
    if not isinstance(data, dict):
        return False
    if value is not _GONE:
        data[loc[-1]] = value
        return True
    if loc[-1] in data:
        del data[loc[-1]]
        return True
    return False


def _cross_check_problems(scenario: Scenario | None, found: list[tuple[str, str]],
                          text: str | None) -> list[tuple[str, str]]:
    """The cross-checks of ``scenario`` (the file without its faulty values), but none at or
    under (or above) a field that already has a problem."""
    if scenario is None:
        return []
    faulty = [path for path, _ in found]

    def related(path: str) -> bool:
        return any(path == f or path.startswith(f + ".") or f.startswith(path + ".")
                   for f in faulty if f)

    return [(p, m + _line_hint(text, p)) for p, m in check_references(scenario)
            if not related(p)]


#: Blocks renamed so that each mechanism has one name (its module, cause, ablation, stream).
RENAMED: dict[str, str] = {
    "absences": "absence",
    "priority_shifts": "priority",
    "reorganizations": "reorganization",
    "behaviour": "candidates.follow_up and candidates.patience",
}


def _migrate(data: dict[str, Any], source: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The scenario with old block names moved to the new ones (a shallow copy), and the
    problems found (an old and a new name for the same block)."""
    if not isinstance(data, dict) or not any(old in data for old in RENAMED):
        return data, []
    data = dict(data)
    problems: list[tuple[str, str]] = []
    for old, new in RENAMED.items():
        if old not in data:
            continue
        warnings.warn(f"{source}: [{old}] is now {new} (one name per mechanism); it is read "
                      f"as before, but write the new name", HiresimDeprecationWarning,
                      stacklevel=4)
        block = data.pop(old)
        if old == "behaviour":
            candidates = data.get("candidates")
            if not isinstance(block, dict) or not isinstance(candidates, dict):
                problems.append((old, "expected a table with follow_up and patience"))
                continue
            candidates = dict(candidates)
            for key in ("follow_up", "patience"):
                if key in candidates:
                    problems.append((f"candidates.{key}", f"given twice: here and in [{old}]"))
                elif key in block:
                    candidates[key] = block[key]
                else:  # an old [behaviour] table switched both on with their defaults
                    candidates[key] = {}
            data["candidates"] = candidates
        elif new in data:
            problems.append((old, f"given twice: as [{old}] (the old name) and as [{new}]"))
        else:
            data[new] = block
    return data, problems


def _extension_problems(data: dict[str, Any], text: str | None) -> list[tuple[str, str]]:
    """Move blocks of registered user mechanisms into ``extensions``, validated by their own
    models; the problems found in them, with paths from the top of the file."""
    from hiresim.mechanisms import registered

    if not isinstance(data, dict):
        return []
    known = registered()
    present = [name for name in known if name in data]
    if not present:
        return []
    extensions = dict(data.get("extensions") or {})
    problems: list[tuple[str, str]] = []
    for name in present:
        block = data.pop(name)
        try:
            extensions[name] = known[name].spec.model_validate(block)
        except ValidationError as exc:
            for err in exc.errors():
                path = ".".join(str(p) for p in (name, *err["loc"]))
                message = str(err["msg"]).removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    allowed = ", ".join(sorted(known[name].spec.model_fields))
                    message = f"unknown key {err['loc'][-1]!r}. Allowed: {allowed}."
                problems.append((path, message + _line_hint(text, path)))
    data["extensions"] = extensions
    return problems


def _describe(err: Any, data: dict[str, Any], text: str | None) -> tuple[str, str]:
    loc = [part for part in err["loc"] if not _is_union_tag(part)]
    path = ".".join(str(p) for p in loc)
    message = err["msg"]
    if err["type"] == "extra_forbidden":
        top = len(loc) == 1
        known = (top_level_blocks() if top else
                 known_fields(Scenario, loc[:-1]) or _duration_fields(err["loc"]))
        message = f"unknown key {loc[-1]!r}"
        close = close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        message += f"; did you mean {close[0]!r}?" if close else "."
        if known:
            message += f" Allowed: {', '.join(sorted(known))}."
        if top and not close:
            message += (" A block of a mechanism of your own needs its plug-in loaded first: "
                        "hiresim COMMAND --plugin MODULE_OR_FILE.py (in Python, import the "
                        "module or call hiresim.mechanisms.load_plugin), or an installed "
                        "package's entry point (see docs/how-to/add-a-mechanism.md).")
    elif err["type"] == "missing":
        message = "required field is missing"
    elif err["type"] == "union_tag_invalid":
        message = err["msg"]
    elif err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == \
            CLOCK_PATTERN:
        message = f"a time of day is written HH:MM, e.g. 08:30, got {shown(err['input'])}"
    elif err["type"].startswith(("date_from_datetime", "date_parsing", "date_type")):
        message = (f"a date is written YYYY-MM-DD, e.g. 2026-03-02, got "
                   f"{shown(err['input'])}")
    message = message.removeprefix("Value error, ")
    return path, message + _line_hint(text, path)


def top_level_blocks() -> list[str]:
    """The keys a scenario file may have at its top: the scenario's own fields and blocks and
    the blocks of the registered mechanisms (shipped, installed or loaded plug-ins), but not
    ``extensions`` (where those blocks are kept once read: never written in a file)."""
    from hiresim.mechanisms import registered

    return [*(name for name in Scenario.model_fields if name != "extensions"), *registered()]


def _duration_fields(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in a duration table, from the ``dist`` tag pydantic puts in the location."""
    from hiresim.durations import DurationSpec

    tags = [part for part in loc if isinstance(part, str) and part in _DIST_TAGS]
    if not tags:
        return []
    for model in typing.get_args(DurationSpec):
        field = model.model_fields.get("dist")
        if field is not None and field.default == tags[-1]:
            return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _is_union_tag(part: Any) -> bool:
    """Pydantic adds the discriminator value and type names to locations; they are noise."""
    return isinstance(part, str) and (part in _DIST_TAGS or part.startswith(("function-", "tuple")))


_DIST_TAGS = {"constant", "exponential", "uniform", "triangular", "gamma", "lognormal",
              "empirical", "float", "int"}


def known_fields(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """Field names allowed at ``loc`` inside ``model`` (walks dicts, lists and optionals)."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            origin = typing.get_origin(annotation)
            args = typing.get_args(annotation)
            if origin is dict and args:
                annotation = args[1]
            elif origin in (list, tuple) and args:
                annotation = args[0]
            else:
                return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if len(models) == 1 else (args[0] if len(args) == 1 else Any)
            if annotation is Any:
                return annotation
        else:
            return annotation


def _line_hint(text: str | None, path: str) -> str:
    """`` (line N)`` where the field at ``path`` (or its nearest written parent) stands."""
    if not text or not path:
        return ""
    lines = _toml_lines(text)
    parts = tuple(path.split("."))
    for n in range(len(parts), 0, -1):
        if parts[:n] in lines:
            return f" (line {lines[parts[:n]]})"
    return ""


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([\w\-\"'.]+?)\s*=")
_INLINE_KEY = re.compile(r"[{,]\s*([\w\-]+)\s*=")


def _toml_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every table and key path written in a TOML text to its line number.

    Follows table headers (``[roles.vp]``) and arrays of tables (the n-th ``[[rounds]]`` is
    ``rounds.n``), dotted keys, and the keys of one-line inline tables.
    """
    where: dict[tuple[str, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            names = [p.strip().strip("\"'") for p in header.group(2).split(".")]
            path: list[str] = []
            for name in names[:-1]:
                path.append(name)
                if tuple(path) in counts:
                    path.append(str(counts[tuple(path)] - 1))
            path.append(names[-1])
            if header.group(1) == "[[":
                key = tuple(path)
                counts[key] = counts.get(key, 0) + 1
                path.append(str(counts[key] - 1))
            table = tuple(path)
            where.setdefault(table, number)
            continue
        assignment = _KEY.match(line)
        if assignment:
            full = table + tuple(p.strip().strip("\"'") for p in assignment.group(1).split("."))
            where.setdefault(full, number)
            for inner in _INLINE_KEY.findall(line[assignment.end():]):
                where.setdefault((*full, inner), number)
    return where


