"""What the CLI prints of user text is shown literally: never read as rich markup, and without
terminal control characters or escape sequences (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hiresim.present.cli import main, plain

MMC = Path(__file__).resolve().parents[1] / "hiresim" / "scenario" / "presets" / "mmc.toml"

#: Scenario names that are rich markup or terminal escape sequences.
NAMES = [
    "[/]",
    "[link=https://evil.example]x[/link]",
    "[bold]b",
    "\x1b[31mred\x1b]8;;http://x\x1b\\",
]


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (control characters as ``\\uXXXX`` escapes)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 32 or 0x7F <= ord(c) <= 0x9F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def scenario_file(directory: Path, name: str, stem: str = "scenario") -> Path:
    """The M/M/3 preset, two weeks long, named (and described) ``name``."""
    text = MMC.read_text()
    text = text.replace('name = "mmc"', f"name = {toml_string(name)}")
    text = re.sub(r"(?m)^description = .*$", lambda m: f"description = {toml_string(name)}",
                  text)
    text = text.replace("horizon_days = 365", "horizon_days = 14")
    path = directory / f"{stem}.toml"
    path.write_text(text)
    return path


def shown_as(name: str) -> str:
    """What the output must contain of ``name``: itself, without its escape sequences."""
    return plain(name)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def check_output(result, name: str, code: int = 0) -> None:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output
    assert shown_as(name) in result.output


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "command",
    [["validate"], ["run", "-n", "1"], ["promise", "-n", "1"],
     ["ablate", "-n", "1", "--source", "approvals"]],
    ids=["validate", "run", "promise", "ablate"],
)
def test_scenario_name_is_printed_literally(tmp_path, name, command):
    path = scenario_file(tmp_path, name)
    result = invoke(*command, str(path))
    if plain(name) != name:  # a control character: the scenario itself is refused, cleanly
        assert result.exit_code == 2, result.output
        assert "control character" in result.output and "\x1b" not in result.output
        return
    check_output(result, name)


@pytest.mark.parametrize("name", NAMES)
def test_compare_prints_labels_and_set_values_literally(tmp_path, name):
    # file names cannot hold "/": the label keeps the rest; the --set value is shown whole
    stem = name.replace("/", "_")
    # the file's own name field stays plain (control characters are refused by the schema):
    # the label comes from the file name, the hostile text from the file name and --set
    path = scenario_file(tmp_path, "plain", stem)
    result = invoke("compare", str(path), "--set", f"name={name}", "-n", "1")
    if plain(name) != name:  # --set name=<control characters> is refused, cleanly
        assert result.exit_code == 2, result.output
        assert "\x1b" not in result.output and "Traceback" not in result.output
        return
    check_output(result, name)
    assert plain(stem) in result.output


@pytest.mark.parametrize("name", NAMES)
def test_validate_error_quoting_user_values_is_literal(tmp_path, name):
    path = scenario_file(tmp_path, name)
    path.write_text(path.read_text().replace("count = 3", f"count = {toml_string(name)}"))
    result = invoke("validate", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output


@pytest.mark.parametrize("name", NAMES)
def test_error_naming_a_path_is_literal(tmp_path, name):
    missing = tmp_path / f"{name.replace('/', '_')}.toml"
    result = invoke("validate", str(missing))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output
    assert plain(missing.name) in result.output


def test_bad_set_value_is_quoted_literally():
    result = invoke("compare", "--preset", "mmc", "--set", "[/]\x1b[2J")
    assert result.exit_code == 2, result.output
    assert "\x1b" not in result.output
    assert "[/]" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;title\x07ok", "ok"),
        ("a\x00b\x07c\x08d\x7fe\x9bf\x85g", "abcdefg"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("carriage\rreturn", "carriagereturn"),
        ("\x1b(Bcharset", "charset"),
        ("cut\x1b[", "cut"),
        ("[bold]not markup[/]", "[bold]not markup[/]"),
    ],
)
def test_plain_strips_control_sequences(text, expected):
    assert plain(text) == expected
