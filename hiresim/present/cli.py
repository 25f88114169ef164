"""The ``hiresim`` command: simulate, validate, compare, ablate, promise, sweep, report, export.

Exit codes: 0 success, 1 failure while running, 2 bad input (a scenario that does not
validate, a missing file, a bad option, a plug-in that cannot be loaded), 3 ``calibrate``
wrote a scenario that does not reproduce the records (unless ``--accept-misfit``), 130 and 143
stopped by Ctrl-C and SIGTERM (:mod:`hiresim.present.stopping`). Bad input never shows a
traceback: the message names the file, the field path and what is allowed. Wherever a SCENARIO
file is expected, a preset's name or ``preset:NAME`` names an embedded preset instead
(:func:`hiresim.scenario.as_scenario`). Progress bars go to stderr, and only when it is a
terminal.

Everything printed that came from the user (scenario names and descriptions, paths, values in
error messages, override cells) goes through :func:`printable`: it is never read as rich markup
and terminal control characters and escape sequences are removed from it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from hiresim.scenario import PRESET_PREFIX
from hiresim.text import days, percent, plural

if TYPE_CHECKING:
    import pandas as pd

    from hiresim.results import Results
    from hiresim.scenario import Scenario
    from hiresim.tables import ResultsLike

#: A click command function, before and after a decorator adds its options.
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
#: ``hiresim calibrate``: the fit does not reproduce the records (see Calibration.misfit).
EXIT_MISFIT = 3

console = Console()
errors = Console(stderr=True)


#: A terminal escape sequence: CSI (``ESC [ ... final``), a string command (OSC ``ESC ]``, DCS
#: ``ESC P``, SOS, PM, APC) up to its terminator (BEL or ``ESC \\``, or the end of the text), or
#: any other ``ESC`` sequence (intermediate bytes and a final byte).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -/]*[0-~]?)"
)
#: C0 controls except tab and newline, DEL, and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(value: object) -> str:
    """``str(value)`` without terminal escape sequences and control characters (tab and
    newline stay): what may reach the terminal of text that came from the user."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(value)))


def printable(value: object, style: str = "") -> Text:
    """``value`` as printed text: :func:`plain`, and never read as rich markup or emoji codes.

    Every user-supplied string the CLI prints (console lines, table titles, cells, headers,
    captions, progress labels) goes through here.
    """
    return Text(plain(value), style=style)


def _line(*parts: object | tuple[object, str]) -> Text:
    """One printed line from parts, each text or ``(text, style)``, all through
    :func:`printable`."""
    return Text.assemble(*(printable(*p) if isinstance(p, tuple) else printable(p)
                           for p in parts))


def _table(title: object) -> Table:
    return Table(title=printable(title))


def _column(table: Table, name: str, justify: Any = "right") -> None:
    table.add_column(printable(name), justify=justify)


def _row(table: Table, *cells: object) -> None:
    table.add_row(*(printable(c) for c in cells))


def _load(scenario: str | None, preset_name: str | None) -> Scenario:
    """The scenario named on the command line (a file, ``preset:NAME`` or a preset's name, as
    :func:`hiresim.scenario.as_scenario` reads them, or ``--preset``); exits 2 if bad."""
    from hiresim.scenario import ScenarioError, as_scenario, preset

    if scenario and preset_name:
        _bad_input("give either a SCENARIO file or --preset, not both")
    try:
        if scenario:
            return as_scenario(scenario)
        return preset(preset_name or "default")
    except ScenarioError as exc:
        _bad_input(str(exc))


def _bad_input(message: str) -> NoReturn:
    errors.print(_line(("error:", "bold red"), " ", message), soft_wrap=True)
    sys.exit(EXIT_BAD_INPUT)


def _failure(message: str) -> NoReturn:
    errors.print(_line(("failed:", "bold red"), " ", message), soft_wrap=True)
    sys.exit(EXIT_FAILURE)


@contextlib.contextmanager
def _guard() -> Iterator[None]:
    """Bad input (ScenarioError, SweepError, ValueError from options) exits 2; any other error
    while running exits 1 with a one-line message. ``HIRESIM_DEBUG=1`` shows the traceback."""
    from hiresim.inference.forecasts import ForecastError
    from hiresim.records.ats import ATSError
    from hiresim.records.ical import CalendarError
    from hiresim.scenario import ScenarioError
    from hiresim.sweeps import SweepError

    try:
        yield
    except (ScenarioError, SweepError, ATSError, CalendarError, ForecastError) as exc:
        _bad_input(str(exc))
    except (SystemExit, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as exc:
        if os.environ.get("HIRESIM_DEBUG"):
            raise
        _failure(f"{type(exc).__name__}: {exc} (set HIRESIM_DEBUG=1 for the traceback)")


def _tty() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def _steps(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A rich progress bar over ``total`` steps on stderr (a no-op when stderr is no tty).
    Yields ``step(description)``, called before each step."""
    if not _tty():
        yield lambda description: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=errors, transient=True) as bar:
        task = bar.add_task(plain(label), total=total)
        started = [False]

        def step(description: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] = True
            bar.update(task, description=plain(description))

        yield step
        bar.update(task, completed=total)


def _parse_value(text: str) -> Any:
    """A ``--set`` value: JSON when it parses (numbers, true/false, lists, tables), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _parse_sets(values: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for item in values:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            _bad_input(f"--set {item!r}: expected PATH=VALUE, e.g. roles.recruiter.count=6")
        out[path.strip()] = _parse_value(value.strip())
    return out


def _days(x: float, digits: int = 1) -> str:
    """A number of days for a cell (:func:`hiresim.text.days`): ``never`` when there is none."""
    return days(x, digits, unknown="never")


def _range(lo: float, hi: float) -> str:
    """`` (12–15)``: an interval in whole days after a figure (``?`` for an end not
    reached; nothing without a lower end)."""
    if lo != lo:
        return ""
    return f" ({lo:.0f}–{'?' if hi != hi else f'{hi:.0f}'})"


def _interval(lo: float, hi: float) -> str:
    return "–" if lo != lo or hi != hi else f"{lo:.1f} to {hi:.1f}"


def feedback_table(results: ResultsLike, title: str) -> Table:
    """P10/P50/P90/P95 and the headline average of calendar days to feedback, overall and per
    round, in words an HR reader needs no statistics course for.

    The percentiles and the average are censoring-aware (Kaplan-Meier), exactly as in
    ``results.summary()``: the "average wait" column is :func:`hiresim.analysis.headline`, with
    the same horizon on every row (a percentile the curve never reaches shows as "never"). The
    "all" row counts the candidates who had at least one interview; the caption says how many
    more applied without reaching one.
    """
    from hiresim.analysis import headline, quantiles

    journeys = results.journeys
    head = headline(results, n_boot=50)
    table = _table(title)
    for name in ("round", "P10", "P50", "P90", "P95", headline_label(head.tau), "ended unanswered",
                 "waits", "candidates"):
        _column(table, name)
    overall = quantiles(results, q=QUANTILES, n_boot=50, seed=0, tau=head.tau).assign(round="all")
    per_round = quantiles(results, q=QUANTILES, by="round", n_boot=50, seed=0, tau=head.tau)
    interviewed = journeys["candidate"].nunique()
    for label, group in [("all", journeys), *list(journeys.groupby("round"))]:
        rows = overall if label == "all" else per_round[per_round["round"] == label]
        q = rows[rows["statistic"] == "quantile"]["days"].tolist()
        mean = rows[rows["statistic"] == "restricted_mean"]["days"].tolist()
        cells = ["never" if v != v else f"{v:.1f}" for v in q + mean]
        n_cand = interviewed if label == "all" else group["candidate"].nunique()
        _row(table, label, *cells, f"{group['censored'].mean():.1%}", len(group), n_cand)
    applied = results.candidates["candidate"].nunique()
    never = applied - interviewed
    table.caption = printable(
        "Calendar days from the end of an interview to the answer. P50 / P90: the day by which "
        "half / nine in ten of the waits are over, a wait that ended unanswered counting as "
        "lasting at least as long as it was seen to (the Kaplan-Meier method). 'ended "
        "unanswered': the candidate withdrew, was never told, or was still waiting when the "
        f"simulation stopped. {head.definition}. 'candidates': those with at least one "
        f"interview ({plural(never, 'more candidate')} applied but never reached one). "
        f"{promise_sentence(results)}")
    return table


def promise_sentence(results: ResultsLike, confidence: float = 0.9) -> str:
    """What can be promised to nine in ten candidates, by the HR report's rule: a candidate
    who withdrew or was never told *never* hears (:func:`hiresim.analysis.promise`), so the
    command line and the report never disagree about "nine in ten heard within N days"."""
    from hiresim.analysis import promise

    row = promise(results, confidence=confidence, n_boot=20, seed=0).iloc[0]
    level = percent(confidence)
    never = float(row["p_never"])
    if row["promise_days"] == row["promise_days"]:  # not NaN: the share is reached
        return (f"Promise (as the HR report: a candidate who withdrew or was never told never "
                f"hears): {level} of candidates hear back within "
                f"{plural(int(row['promise_days']), 'day')}.")
    return (f"Promise (as the HR report: a candidate who withdrew or was never told never "
            f"hears): {level} cannot be promised: only {percent(1 - never)} ever hear.")


#: The header of the headline average in every table of the CLI.
HEADLINE_COLUMN = "average wait"


def headline_label(tau: float) -> str:
    """The headline average's name with its horizon beside it (``average wait (cap 15 d)``):
    a comparison's average is read on the comparison's horizon, which a reader must see."""
    return HEADLINE_COLUMN if tau != tau else f"{HEADLINE_COLUMN} (cap {tau:g} d)"


QUANTILES = (0.1, 0.5, 0.9, 0.95)


#: ``--max-replications`` unless told: :data:`hiresim.runner.MAX_REPLICATIONS` (not imported
#: here, to keep the command's start light; a test checks that they agree).
MAX_REPLICATIONS = 2000


def _check_precision(ctx: click.Context, param: click.Parameter, value: float | None
                     ) -> float | None:
    if value is not None and not (0.0 < value < float("inf")):
        raise click.BadParameter(f"expected a number of days > 0, got {value:g}")
    return value


def _precision_options(f: F) -> F:
    """``--precision DAYS`` and ``--max-replications N`` (see ``simulate(precision=...)``)."""
    f = click.option("--max-replications", default=MAX_REPLICATIONS, show_default=True,
                     type=click.IntRange(min=1),
                     help="With --precision: stop at this many replications.")(f)
    return click.option("--precision", type=float, default=None, metavar="DAYS",
                        callback=_check_precision,
                        help="Instead of -n: run replications in batches until the 95 % "
                             "intervals of the promised days and of the average wait are at "
                             "most DAYS either side.")(f)


#: ``ctx.meta`` keys: the plug-ins loaded with ``--plugin`` (as given), and how to resume the
#: command when it is stopped (``(sweep directory, command line)``).
PLUGINS, RESUME = "hiresim.plugins", "hiresim.resume"


def _load_plugins(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> None:
    """``--plugin``: import each module before anything else is read, after the plug-ins of
    installed packages (the entry points); exit 2 naming the module if one cannot be loaded."""
    from hiresim.mechanisms import PluginError, load_plugin, registered

    try:
        registered()
        for value in values:
            load_plugin(value)
    except PluginError as exc:
        _bad_input(str(exc))
    ctx.meta.setdefault(PLUGINS, []).extend(values)


def _plugin_option() -> click.Option:
    return click.Option(
        ["--plugin", "plugins"], multiple=True, metavar="MODULE", is_eager=True,
        expose_value=False, callback=_load_plugins,
        help="Load a plug-in first (repeatable): a module that registers mechanisms of your "
             "own, by dotted name (my_company.mechanisms) or file (plugins/check.py).")


class Commands(click.Group):
    """The ``hiresim`` group: every command takes ``--plugin``; Ctrl-C and SIGTERM stop any
    command within a second (:mod:`hiresim.present.stopping`), and a stopped sweep says how
    to resume it."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(_plugin_option())
        super().add_command(cmd, name)

    #: Whether the command runs as a process of its own (its arguments from ``sys.argv``),
    #: not called from Python (a test's ``CliRunner``): only then may a stop end the
    #: process at once (:func:`hiresim.present.stopping.leave`).
    whole_process = False

    def main(self, args: Any = None, *more: Any, **kwargs: Any) -> Any:
        self.whole_process = args is None
        return super().main(args, *more, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        from hiresim.present.stopping import signals_stop

        with signals_stop():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt as exc:
                _stopped(ctx, exc)


def _stopped(ctx: click.Context, exc: KeyboardInterrupt) -> NoReturn:
    """Stop now: kill the workers, say what is kept and how to go on, exit 130 or 143."""
    from hiresim.present.stopping import hold_signals, leave, stop_workers, stopped_by, units_kept

    hold_signals()
    stop_workers()
    what, code = stopped_by(exc)
    resume = ctx.meta.get(RESUME)
    if resume is None:
        errors.print(_line(("stopped", "bold yellow"), f" by {what}: nothing was written"),
                     soft_wrap=True)
    else:
        out, command = resume
        errors.print(_line(("stopped", "bold yellow"), f" by {what}: {units_kept(out)}. "
                           "To continue, run:"), soft_wrap=True)
        errors.print(_line("  ", command), soft_wrap=True)
    root = ctx.find_root().command
    if isinstance(root, Commands) and root.whole_process:
        leave(code)
    sys.exit(code)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hiresim")
def main() -> None:
    """hiresim: how long after an interview until the candidate hears back, and why.

    Every command takes --plugin MODULE to load mechanisms of your own first. Ctrl-C (or
    SIGTERM) stops a command within a second; a stopped sweep keeps its finished units and
    prints the command that resumes it.
    """


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--preset", "preset_name", help="Run an embedded preset instead of a file.")
@click.option("-n", "--replications", default=100, show_default=True,
              type=click.IntRange(min=1), help="Number of replications.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Random seed (a whole number >= 0).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Local worker processes (default: this process).")
@click.option("--out", type=click.Path(file_okay=False), help="Write Parquet + manifest here.")
@click.option("--no-events", is_flag=True, help="Do not keep the per-activity event log.")
@click.option("--force", is_flag=True,
              help="Run even if the run's estimated size is above the limits.")
@click.option("--calendars", "calendars_path", type=click.Path(),
              help="Named people's real calendars: a .ics file or a folder of them.")
@_precision_options
def run(scenario: str | None, preset_name: str | None, replications: int, seed: int,
        workers: int | None, out: str | None, no_events: bool, force: bool,
        calendars_path: str | None, precision: float | None, max_replications: int) -> None:
    """Simulate SCENARIO (a TOML file) or --preset NAME and print time-to-feedback.

    \b
    Examples:
      hiresim run --preset default -n 200 --seed 7
      hiresim run my_company.toml -n 1000 --workers 2 --out results/
      hiresim run team.toml --calendars calendars/
      hiresim run --preset default --precision 0.5
    """
    from hiresim.runner import simulate

    sc = _load(scenario, preset_name)
    team = None
    precise = _precision_kwargs(precision, max_replications, (0.9,))
    with _guard():
        if calendars_path is not None:
            from hiresim.records.ical import read_calendars

            team = read_calendars(calendars_path, people=sc)
            errors.print(_line(f"calendars: {team.describe()}"), soft_wrap=True)
        results = simulate(sc, **_count(replications, precise), **precise, seed=seed,
                           workers=workers, progress=sys.stderr.isatty(),
                           event_log=not no_events, force=force, calendars=team)
    console.print(feedback_table(results, f"{sc.name}: time to feedback "
                                          f"({results.replications} replications, seed {seed})"))
    _print_precision(results)
    if out:
        path = results.to_parquet(out)
        console.print(_line(f"wrote {path}/ (journeys, candidates, events, manifest.json)"))


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
def validate(scenario: str) -> None:
    """Check a scenario file; print every problem with its field path and line.

    \b
    Example:
      hiresim validate my_company.toml
    """
    from hiresim.scenario.sizing import check_size
    from hiresim.scenario.slots import slot_estimates

    sc = _load(scenario, None)
    with _guard():
        size = check_size(sc)
        slots = slot_estimates(sc)
    console.print(_line(("ok", "green"), f": {scenario} ({sc.name}: "
                                          f"{plural(len(sc.roles), 'role')}, "
                                          f"{plural(len(sc.rounds), 'round')}; "
                                          f"{size.describe()})"))
    if slots:
        console.print(slot_table(slots, sc.scheduling.slot_minutes))
    for estimate in slots:
        warning = estimate.warning()
        if warning:
            console.print(_line(("warning:", "bold yellow"), " ", warning), soft_wrap=True)


def slot_table(slots: list[Any], slot_minutes: int) -> Table:
    """One row per meeting: who must be free, the chance of a common slot on a working day,
    and the working days to the first one (:func:`hiresim.scenario.slots.slot_estimates`)."""
    table = _table("finding a meeting slot (estimated from the calendar loads)")
    for name in ("meeting", "who must be free", "hour free", "working days"):
        _column(table, name, "left" if name in ("meeting", "who must be free") else "right")
    for e in slots:
        days = "never" if e.working_days == float("inf") else f"{e.working_days:,.1f}"
        free = f"{e.hour_free:.1%}" if e.hour_free < 0.1 else f"{e.hour_free:.0%}"
        _row(table, f"{e.meeting}, {e.minutes} min" + (" (!)" if e.nearly_impossible else ""),
             ", ".join(e.attendees), free, days)
    table.caption = printable(
        "Hour free: the chance that a clock hour is free for everyone, each attendee's hour "
        "being booked with probability calendar_load (the candidate's: "
        f"scheduling.candidate_load); a meeting takes whole {slot_minutes}-minute slots. "
        "Working days: expected common working days searched until the first with a slot; "
        "a lower bound, as the simulation's own meetings, absences, holidays and the notice "
        "period make slots rarer. (!): nearly impossible, see below.")
    return table


@main.command()
def presets() -> None:
    """List the embedded presets with a one-line description.

    \b
    Example:
      hiresim presets
    """
    from hiresim.scenario import preset_description
    from hiresim.scenario import presets as names

    table = _table("presets")
    _column(table, "name", "left")
    _column(table, "description", "left")
    for name in names():
        _row(table, name, preset_description(name))
    console.print(table)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of scenario files (for editor completion).

    \b
    Example:
      hiresim schema -o scenario.schema.json
    """
    from hiresim.scenario import json_schema

    text = json.dumps(json_schema(), indent=2)
    if output:
        Path(output).write_text(text)
        console.print(_line(f"wrote {output}"))
    else:
        click.echo(text)


def _force_option(f: F) -> F:
    """``--force``: run even when the run's estimated size is above the limits
    (:func:`hiresim.scenario.sizing.check_size` refuses it otherwise, before simulating)."""
    return click.option("--force", is_flag=True,
                        help="Run even if the run's estimated size is above the limits.")(f)


def _mapping_option(f: F) -> F:
    """``--mapping M``: the TOML mapping of an export's columns and stage names."""
    return click.option("--mapping", type=click.Path(dir_okay=False),
                        help="TOML mapping of the export's columns and stage names "
                             "(see `hiresim ats check`).")(f)


def _owed_option(f: F) -> F:
    """``--owed-cutoff DAYS``: how old an untold rejection may be and still be forecast."""
    return click.option(
        "--owed-cutoff", "owed_cutoff", type=click.FloatRange(min=0, max=3660), default=None,
        metavar="DAYS",
        help="A rejection recorded more than DAYS ago and not told is listed as owed, not "
             "forecast (default: from the records, the lag within which 95 % of the "
             "rejections told were told).")(f)


def _scenario_argument(f: F) -> F:
    f = click.option("--preset", "preset_name",
                     help="Use an embedded preset instead of a file.")(f)
    return click.argument("scenario", required=False, type=click.Path(dir_okay=False))(f)


def _simulation_options(replications: int) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        f = click.option("--workers", default=None, type=click.IntRange(min=1),
                         help="Local worker processes (default: this process).")(f)
        f = click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
                         help="Random seed, a whole number >= 0 (the same seed gives the "
                              "same numbers).")(f)
        return click.option("-n", "--replications", default=replications, show_default=True,
                            type=click.IntRange(min=1), help="Number of replications.")(f)
    return decorate


def _simulate(sc: Scenario, replications: int, seed: int, workers: int | None,
              **kwargs: Any) -> Results:
    """:func:`hiresim.simulate` with the command's options (``force`` among ``kwargs``)."""
    from hiresim.runner import simulate

    return simulate(sc, **_count(replications, kwargs), seed=seed, workers=workers,
                    progress=_tty(), **kwargs)


def _what_if_option(f: F) -> F:
    return click.option(
        "--what-if", "what_ifs", multiple=True, metavar="PATH=VALUE",
        help="Add your own what-if beside the delay sources (repeatable): a dotted path of the "
             "scenario and a value (JSON or text), e.g. roles.recruiter.count=3 or "
             "'approvals.steps.1.committee.weekdays=[\"Tue\",\"Thu\"]'; several changes "
             "in one what-if are separated by ';'.")(f)


def _what_if_variants(sc: Scenario, what_ifs: Iterable[str]) -> list[Scenario]:
    """Every --what-if as a scenario, validated before anything runs (a ScenarioError names
    the --what-if text and the field path)."""
    from hiresim.analysis import what_if_scenario

    return [what_if_scenario(sc, text) for text in what_ifs]


def _keep_attrs(frame: pd.DataFrame, attrs: dict[str, Any]) -> pd.DataFrame:
    frame.attrs.update(attrs)
    return frame


def _count(replications: int, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``replications=`` for :func:`simulate`, unless the run stops on a precision."""
    return {} if kwargs.get("precision") is not None else {"replications": replications}


def _precision_kwargs(precision: float | None, max_replications: int,
                      confidence: Iterable[float]) -> dict[str, Any]:
    """The ``simulate`` arguments of ``--precision``; -n with it is refused."""
    if precision is None:
        return {}
    source = click.get_current_context().get_parameter_source("replications")
    if source is not None and source.name == "COMMANDLINE":
        _bad_input("give -n/--replications or --precision, not both")
    return {"precision": precision, "max_replications": max_replications,
            "confidence": list(confidence)}


def _report_precision(precision: float | None, max_replications: int) -> dict[str, Any]:
    """The ``build_report`` arguments of ``--precision``; -n with it is refused."""
    kwargs = _precision_kwargs(precision, max_replications, ())
    kwargs.pop("confidence", None)  # the report's own levels
    return kwargs


def _print_precision(results: ResultsLike) -> None:
    """One line: how many replications the precision needed, or that the maximum stopped it."""
    info = getattr(results, "manifest", {}).get("precision")
    if not info:
        return
    widths = ", ".join(f"{name.replace('_', ' ')} ±{w:.2f}" if w is not None
                       else f"{name.replace('_', ' ')}: can never be promised"
                       for name, w in info["half_width"].items())
    n = results.replications if hasattr(results, "replications") else "?"
    if info["reached_max"]:
        console.print(_line(("precision not reached:", "yellow"),
                            f" stopped at the maximum of {n} replications before "
                            f"±{plural(info['target'], 'day')} ({widths})"))
    else:
        console.print(_line(f"precision ±{plural(info['target'], 'day')} reached with {n} "
                            f"replications ({widths})"))


@main.command()
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--preset", "preset_names", multiple=True,
              help="Add an embedded preset to the comparison (repeatable).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Add a variant of the first scenario with this value changed (repeatable; "
                   "all --set go into one variant). VALUE is JSON or text.")
@_simulation_options(100)
@click.option("--business", is_flag=True, help="Count working days (Mon-Fri) instead of "
              "calendar days.")
@_force_option
def compare(scenarios: tuple[str, ...], preset_names: tuple[str, ...], sets: tuple[str, ...],
            replications: int, seed: int, workers: int | None, business: bool,
            force: bool) -> None:
    """Compare scenarios side by side: mean, P50 and P90 of days to feedback, and the
    difference to the first with a paired confidence interval (common random numbers).

    \b
    Examples:
      hiresim compare now.toml proposal.toml -n 300
      hiresim compare --preset default --set roles.recruiter.count=6
      hiresim compare now.toml --set communication.policy=direct --set debrief.minutes=15
    """
    from hiresim.analysis import compare as compare_runs
    from hiresim.analysis.headline import definition

    loaded = [(Path(s).stem if Path(s).is_file() else s.removeprefix(PRESET_PREFIX),
               _load(s, None)) for s in scenarios]
    loaded += [(n, _load(None, n)) for n in preset_names]
    variant_note = ""
    with _guard():
        if sets:
            if not loaded:
                loaded.append(("default", _load(None, "default")))
            first_label, first = loaded[0]
            variant = first.with_overrides(_parse_sets(sets), source="--set")
            loaded.append((f"{first_label}*", variant))
            variant_note = f"{first_label}* = {first_label} with " + ", ".join(sets)
        if len(loaded) < 2:
            _bad_input("compare needs at least two scenarios (files, --preset, or --set to "
                       "make a variant of the first)")
        names = _unique_names(label for label, _ in loaded)
        runs = {}
        with _steps(len(loaded), "simulating") as step:
            for name, (_, sc) in zip(names, loaded, strict=True):
                step(f"simulating {name}")
                runs[name] = _simulate(sc, replications, seed, workers, force=force)
        table = compare_runs(runs, q=(0.5, 0.9), seed=seed,
                             days="business" if business else "calendar")
    unit = "working days" if business else "calendar days"
    out_tau = float(table.attrs.get("tau") or float("nan"))
    out = _table(f"time to feedback ({unit}; {replications} replications, seed {seed})")
    for col in ("scenario", "statistic", "value", "95 % CI", "diff vs first", "diff CI"):
        _column(out, col, "left" if col in ("scenario", "statistic") else "right")
    for row in table.itertuples():
        stat = (headline_label(out_tau) if row.statistic == "restricted_mean"
                else f"P{100 * row.q:g}")
        first_row = row.name == names[0]
        _row(out, row.name, stat, _days(row.value), _interval(row.lower, row.upper),
             "" if first_row else f"{row.diff:+.1f}",
             "" if first_row else _interval(row.diff_lower, row.diff_upper))
    out.caption = printable(f"{definition(out_tau, 'business' if business else 'calendar')} (one "
                        "horizon for every scenario, from all their waits pooled: the order "
                        "of the scenarios changes no number); P50/P90: the day "
                        "by which half / nine in ten had heard back; negative diff = shorter "
                        "than the first")
    console.print(out)
    if variant_note:
        console.print(_line(variant_note))


def _unique_names(labels: Iterable[str]) -> list[str]:
    names: list[str] = []
    for label in labels:
        name, k = label, 2
        while name in names:
            name, k = f"{label} ({k})", k + 1
        names.append(name)
    return names


@main.command()
@_scenario_argument
@_simulation_options(50)
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Delay source to switch off (repeatable; default: all). See below.")
@_what_if_option
@_force_option
def ablate(scenario: str | None, preset_name: str | None, replications: int, seed: int,
           workers: int | None, sources: tuple[str, ...], what_ifs: tuple[str, ...],
           force: bool) -> None:
    """What would help most: switch each delay source off in turn, rerun with the same seed,
    and show how much shorter the wait gets (with a paired confidence interval).

    \b
    Delay sources: calendar, contention, scheduling, calendar_load, approvals,
    communication, absence, priority, turnover, reorganization, requirements,
    and the name of any user mechanism the scenario uses.

    \b
    Examples:
      hiresim ablate --preset default -n 50
      hiresim ablate my_company.toml --source absence --source approvals
      hiresim ablate --preset default --what-if roles.recruiter.count=3
    """
    from hiresim.analysis import ablate as ablate_sources
    from hiresim.scenario import RENAMED_SOURCES, delay_sources

    sc = _load(scenario, preset_name)
    allowed = delay_sources(sc)
    for old in sources:
        if old in RENAMED_SOURCES:
            errors.print(_line(("note", "yellow"), f": delay source {old!r} is now "
                                                  f"{RENAMED_SOURCES[old]!r}"))
    sources = tuple(RENAMED_SOURCES.get(s, s) for s in sources)
    unknown = [s for s in sources if s not in allowed]
    if unknown:
        _bad_input(f"unknown delay source {unknown[0]!r}; allowed: {', '.join(allowed)}")
    chosen = list(sources) or list(allowed)
    with _guard():
        variants = _what_if_variants(sc, what_ifs)  # checked before anything runs
    with _guard(), _steps(len(chosen) + 1 + len(variants), "ablation") as step:
        step("what-ifs: baseline")
        base = _simulate(sc, replications, seed, workers, force=force)  # both tables' baseline
        table = ablate_sources(sc, chosen, replications=replications, seed=seed, n_boot=200,
                               baseline=base, step=lambda label: step(f"what-ifs: {label}"),
                               timings=True, workers=workers, force=force)
        if what_ifs:
            import pandas as pd

            from hiresim.analysis import what_if

            custom = what_if(sc, list(what_ifs), replications=replications, seed=seed,
                             n_boot=200, baseline=base, tau=table.attrs.get("tau"),
                             step=lambda label: step(f"what-ifs: {label}"), timings=True,
                             workers=workers, force=force)
            table = pd.concat([table, custom.rename(columns={"what_if": "source"})],
                              ignore_index=True).pipe(_keep_attrs, table.attrs)
    console.print(ablation_table(table, f"{sc.name}: each delay source switched off "
                                        f"({replications} replications, seed {seed})"))


def ablation_table(table: pd.DataFrame, title: str) -> Table:
    """The rich table of an ablation: sources by days saved on the mean wait, largest first."""
    from hiresim.analysis.headline import definition

    mean = table[table["statistic"] == "restricted_mean"].sort_values("change")
    p90 = table[(table["statistic"] == "quantile") & (table["q"] == 0.9)].set_index("source")
    out = _table(title)
    tau = float(table.attrs.get("tau") or float("nan"))
    for col in ("source", f"{headline_label(tau)} now", f"{HEADLINE_COLUMN} without",
                "days saved", "95 % CI", "P90 saved", "seconds"):
        _column(out, col, "left" if col == "source" else "right")
    for row in mean.itertuples():
        saved90 = -p90.loc[row.source, "change"] if row.source in p90.index else float("nan")
        _row(out, row.source, _days(row.baseline), _days(row.value), f"{-row.change:+.1f}",
             _interval(-row.upper, -row.lower), _days(saved90), f"{row.seconds:.1f}")
    out.caption = printable(f"days saved > 0: the wait is shorter without that source. "
                        f"{definition(tau)} (one horizon for the run and every rerun, from "
                        "all their waits pooled). P90 saved: change of the day by which nine "
                        "in ten had heard back")
    return out


@main.command()
@_scenario_argument
@_simulation_options(100)
@click.option("--confidence", "levels", default="0.5,0.8,0.9,0.95", show_default=True,
              help="Comma-separated shares of candidates the promise must hold for.")
@click.option("--ats", "ats_dir", type=click.Path(file_okay=False),
              help="The company's ATS export: its own figures (with intervals) beside the "
                   "scenario's, and a warning when they disagree.")
@_mapping_option
@_precision_options
@_force_option
def promise(scenario: str | None, preset_name: str | None, replications: int, seed: int,
            workers: int | None, levels: str, ats_dir: str | None, mapping: str | None,
            precision: float | None, max_replications: int, force: bool) -> None:
    """What to promise candidates: the number of days within which a share of them hears
    back after an interview (withdrawn and ghosted candidates count as never hearing back).

    \b
    Examples:
      hiresim promise --preset default -n 200
      hiresim promise my_company.toml --confidence 0.75,0.9
      hiresim promise --preset default --precision 1
      hiresim promise my_company.toml --ats exports/today/ --mapping mapping.toml
    """
    from hiresim.analysis import end_of_week_promise
    from hiresim.analysis import promise as promise_table
    from hiresim.analysis.observed import disagreements, observed_promise

    try:
        confidences = [float(x) for x in levels.split(",") if x.strip()]
    except ValueError:
        _bad_input(f"--confidence {levels!r}: expected numbers like 0.5,0.9")
    if not confidences or any(not 0 < c < 1 for c in confidences):
        _bad_input(f"--confidence {levels!r}: every level must be between 0 and 1")
    if mapping is not None and ats_dir is None:
        _bad_input("--mapping needs --ats (it maps the export's columns and stage names)")
    sc = _load(scenario, preset_name)
    observed = None
    with _guard():
        if ats_dir is not None:  # read first: a bad export stops before the simulation
            from hiresim.records.ats import read_ats

            observed = observed_promise(read_ats(ats_dir, mapping=mapping), confidences)
        results = _simulate(sc, replications, seed, workers, force=force,
                            **_precision_kwargs(precision, max_replications, confidences))
        table = promise_table(results, confidence=confidences, n_boot=200, seed=seed)
        eow = end_of_week_promise(results, n_boot=200, seed=seed).set_index("interview_day")
    if observed is not None:
        warn_misfit(disagreements(table, observed))
    out = _table(f"{sc.name}: what to promise candidates ({results.replications} "
                 f"replications, seed {seed})")
    for col in ("confidence", "calendar days", "working days", "95 % CI (calendar)"):
        _column(out, col)
    if observed is not None:
        _column(out, "records (95 % interval)")
    never = float("nan")
    calendar = table[table["days_kind"] == "calendar"].reset_index(drop=True)
    business = table[table["days_kind"] == "business"].reset_index(drop=True)
    for k in range(len(confidences)):
        cal, bus = calendar.iloc[k], business.iloc[k]
        never = float(cal["p_never"])
        cells = [f"{cal['confidence']:.0%}", _days(cal["promise_days"], 0),
                 _days(bus["promise_days"], 0), _interval(cal["lower"], cal["upper"])]
        if observed is not None:
            o = observed.iloc[k]
            cells.append(f"{_days(o['promise_days'], 0)} ({_interval(o['lower'], o['upper'])})")
        _row(out, *cells)
    out.caption = (f"{never:.0%} of waits end without an answer (withdrawn or ghosted): a share "
                   f"above {1 - never:.0%} can never be promised")
    console.print(out)
    if "all" in eow.index:
        console.print(_line(f"\"We'll let you know by the end of the week\" is kept for "
                            f"{eow.loc['all', 'p_kept']:.0%} of candidates."))
    _print_precision(results)


def warn_misfit(problems: list[str]) -> None:
    """A warning in words above the numbers: the scenario disagrees with the records beyond
    their intervals (nothing when they agree)."""
    if not problems:
        return
    errors.print(_line(("warning:", "bold yellow"),
                       " the scenario does not match the company's records: "
                       + "; ".join(problems) + ". Its numbers are not this company's until it "
                       "is calibrated (hiresim calibrate)."), soft_wrap=True)


@main.command(name="sweep")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.argument("overrides", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Directory for the sweep's Parquet files (resumable).")
@click.option("--resume", is_flag=True, help="Continue the sweep already in --out.")
@_simulation_options(100)
@click.option("--events", is_flag=True, help="Also keep the event log (big).")
def sweep_command(scenario: str, overrides: str, out: str, resume: bool, replications: int,
                  seed: int, workers: int | None, events: bool) -> None:
    """Run SCENARIO once per row of OVERRIDES.csv (columns: dotted paths such as
    roles.recruiter.count; an empty cell keeps the base value) and print one line per row.

    Every row uses the same seed and replications (common random numbers). Each finished
    chunk is written to --out at once, so an interrupted sweep continues with --resume:
    Ctrl-C or SIGTERM stops it within a second and prints the command that resumes it.

    \b
    Examples:
      hiresim sweep my_company.toml recruiters.csv --out sweep/ -n 200 --workers 4
      hiresim sweep preset:default recruiters.csv --out sweep/ --resume
    \b
    recruiters.csv:
      roles.recruiter.count,communication.policy
      2,
      4,
      6,direct
    """
    import shlex

    from hiresim.sweeps import sweep

    sc = _load(scenario, None)
    if not Path(overrides).is_file():
        _bad_input(f"{overrides}: no such overrides file")
    ctx = click.get_current_context()
    again = ["hiresim", "sweep", scenario, overrides, "--out", out, "--resume",
             "-n", str(replications), "--seed", str(seed),
             *(["--workers", str(workers)] if workers else []), *(["--events"] if events else []),
             *(arg for plugin in ctx.meta.get(PLUGINS, []) for arg in ("--plugin", plugin))]
    ctx.meta[RESUME] = (out, shlex.join(again))
    with _guard():
        result = sweep(sc, overrides, replications=replications, seed=seed, out=out,
                       workers=workers, resume=resume, event_log=events,
                       progress=_tty())
        summary = result.summary(n_boot=100)
    table = _table(f"sweep of {sc.name} ({replications} replications per row, seed {seed}) → "
                   f"{out}")
    hidden = {"journeys", "censored_share", "tau"}
    tau = float(summary["tau"].iloc[0]) if len(summary) else float("nan")
    stat_cols = [c for c in summary.columns if c.endswith(("_lower", "_upper"))]
    columns = [c for c in summary.columns if c not in hidden and c not in stat_cols]
    for col in columns:
        _column(table, headline_label(tau) if col == "mean_days" else col)
    _column(table, "censored")
    for _, row in summary.iterrows():
        cells = []
        for col in columns:
            value = row[col]
            if isinstance(value, float):
                cells.append("" if value != value and col not in ("mean_days", "p50", "p90")
                             else _days(value))
            else:
                cells.append(str(value))
        _row(table, *cells, f"{row['censored_share']:.1%}")
    from hiresim.analysis.headline import definition

    table.caption = printable(f"days to feedback (Kaplan-Meier); {definition(tau)} (one horizon "
                              "for every row, from all rows' waits pooled); empty override "
                              "cell = the base value")
    console.print(table)


@main.group(cls=Commands)
def ats() -> None:
    """A company's ATS export: check how it reads before calibrating or forecasting."""


@ats.command(name="check")
@click.argument("ats_dir", type=click.Path(file_okay=False))
@_mapping_option
def ats_check(ats_dir: str, mapping: str | None) -> None:
    """Read the export ATS_DIR: what was read, every row left out and why, and the observed
    waits for feedback per round (with 95 % intervals).

    \b
    Examples:
      hiresim ats check exports/today/
      hiresim ats check exports/today/ --mapping mapping.toml
    """
    from hiresim.analysis.observed import observed_waits
    from hiresim.records.ats import read_ats

    with _guard():
        history = read_ats(ats_dir, mapping=mapping)
        waits = observed_waits(history, q=(0.5, 0.8, 0.9))
    apps = history.applications
    console.print(_line(("read", "green"), f" {ats_dir}: {plural(len(apps), 'application')}, "
                        f"{plural(len(history.stages), 'stage visit')}, "
                        f"{plural(len(history.interviews), 'interview')}, "
                        f"{plural(len(history.jobs), 'job')}; exported "
                        f"{history.exported_at:%Y-%m-%d %H:%M}"), soft_wrap=True)
    status = apps["status"].value_counts()
    console.print(_line("statuses: " + ", ".join(f"{k} {v:,}" for k, v in status.items())),
                      soft_wrap=True)
    untold = int(((apps["status"] == "rejected") & apps["notified_at"].isna()).sum())
    if untold:
        console.print(_line(f"{plural(untold, 'rejection')} recorded and never told (shown as "
                            "owed a rejection in forecasts once older than the owed cut-off)"),
                      soft_wrap=True)
    left = history.left_out
    if len(left):
        table = _table(f"left out: {plural(len(left), 'row')}")
        for col in ("file", "rows", "why", "first rows"):
            _column(table, col, "right" if col == "rows" else "left")
        for (file, reason), group in left.groupby(["file", "reason"], sort=False):
            rows = group["row"].dropna().astype(int).tolist()
            first = ", ".join(str(r) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
            _row(table, file, f"{len(group):,}", reason, first)
        console.print(table)
    else:
        console.print(_line("left out: nothing (every row was used)"))
    table = _table("observed waits for feedback, per round (calendar days, 95 % intervals)")
    for col in ("round", "waits", "heard", "withdrew", "never told", "still open", "P50",
                "P80", "P90"):
        _column(table, col)
    for k, group in waits.groupby("round", sort=True):
        first = group.iloc[0]
        cells = [_days(r.days) + _range(r.lower, r.upper) for r in group.itertuples()]
        _row(table, k, *(f"{int(first[c]):,}" for c in ("waits", "heard", "withdrawn",
                                                          "never_told", "still_open")), *cells)
    table.caption = printable(
        "From the end of an interview to the answer (next round, offer or a rejection told). "
        "Waits that ended without an answer count as lasting at least as long as they were "
        "seen to (Kaplan-Meier); 'never': fewer than that share ever heard.")
    console.print(table)


@main.command()
@click.argument("ats_dir", type=click.Path(file_okay=False))
@click.option("--base", default="default", show_default=True,
              help="Scenario to start from: a preset name or a TOML file.")
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="TOML mapping of the export's columns and stage names.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The calibrated scenario file to write (TOML).")
@click.option("--budget", default=40, show_default=True, type=click.IntRange(min=1),
              help="Simulations of the fit.")
@click.option("-n", "--replications", default=4, show_default=True,
              type=click.IntRange(min=1), help="Replications per simulation of the fit.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Random seed (a whole number >= 0).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Local worker processes (default: this process).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Fix a value you know better than the records (repeatable): it wins "
                   "over the records' estimate and is not fitted, e.g. "
                   "roles.recruiter.count=6 or 'roles.recruiter.people=[\"ann\",\"bo\"]'. "
                   "VALUE is JSON or text.")
@click.option("--country", metavar="CODE[-REGION]",
              help="Public holidays of this country (and region), e.g. DE or DE-BE, for every "
                   "working calendar (default: the country of the mapping's time zone).")
@click.option("--accept-misfit", is_flag=True,
              help="Exit 0 even when the fit does not reproduce the records (the warnings "
                   "are still printed).")
def calibrate(ats_dir: str, base: str, mapping: str | None, out: str, budget: int,
              replications: int, seed: int, workers: int | None,
              sets: tuple[str, ...], country: str | None, accept_misfit: bool) -> None:
    """Fit a scenario to a company's ATS export (ATS_DIR) and write it as a TOML file.

    The company's organisation (people by id, teams, panels, rounds) and what the records show
    (requisitions, arrivals, decisions, declines, withdrawals) are estimated directly; work
    times, calendar loads and committee days are fitted by simulation to the observed waits
    for feedback. Figures the fit could not reproduce are printed first as warnings; the
    scenario is written anyway, and the command exits 3 unless --accept-misfit.

    \b
    Examples:
      hiresim calibrate exports/2026/ --base default --out my_company.toml
      hiresim calibrate exports/2026/ --set roles.recruiter.count=6 --out my_company.toml
      hiresim report my_company.toml --out report.html
    """
    from hiresim.inference.calibration import calibrate as fit
    from hiresim.records.ats import read_ats

    with _guard():
        history = read_ats(ats_dir, mapping=mapping)
        base_scenario = _load(base, None)
        base_scenario = _holidays(base_scenario, country, mapping)
        fixed = _parse_sets(sets) if sets else None
        if fixed:  # checked on the base first: a bad path is refused before any simulation
            base_scenario.with_overrides(fixed, source="--set")
        result = fit(history, base=base_scenario, budget=budget, replications=replications,
                     seed=seed, workers=workers, progress=_tty(), fixed=fixed)
        path = result.to_toml(out)
    misfit = result.misfit
    if misfit:
        console.print(_line(f"warning: the calibrated scenario does not reproduce "
                            f"{len(misfit)} figures of the records:"))
        for line in misfit:
            console.print(_line(f"  - {line}"))
    for note in result.notes:
        console.print(_line(f"note: {note}"))
    console.print(calibration_table(result))
    console.print(_line(f"wrote {path}"))
    if misfit and not accept_misfit:
        console.print(_line(f"exit {EXIT_MISFIT}: the fit is outside the records' intervals "
                            "(use --accept-misfit to accept it)"))
        sys.exit(EXIT_MISFIT)


def _holidays(sc: Scenario, country: str | None, mapping: str | None) -> Scenario:
    """``sc`` with the public holidays of ``country`` (``DE`` or ``DE-BE``), or of the
    country of the mapping's time zone, on every working calendar (one line says which)."""
    source = "--country"
    if country is None:
        from hiresim.records.ats import load_mapping
        from hiresim.records.regions import country_of_timezone

        tz = load_mapping(mapping).timezone
        country = country_of_timezone(tz)
        source = f"the export's time zone {tz}"
        if country is None:
            return sc
    code, _, region = country.strip().partition("-")
    changes: dict[str, Any] = {}
    for name, cal in sc.calendars.items():
        if cal.always_open:
            continue
        if cal.country != code.upper() or cal.subdivision != (region.upper() or None):
            changes[f"calendars.{name}.country"] = code.upper()
            changes[f"calendars.{name}.subdivision"] = region.upper() or None
    if not changes:
        return sc
    errors.print(_line(f"public holidays: {code.upper()}"
                       f"{'-' + region.upper() if region else ''} (from {source})"),
                 soft_wrap=True)
    return sc.with_overrides(changes, source=source)


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A date or time option (``2026-03-02``, ``2026-03-02T14:00``), checked before anything
    is read."""
    if value is None:
        return None
    from hiresim.arguments import timestamp

    try:
        return timestamp(str(param.name), value)
    except (TypeError, ValueError) as exc:
        raise click.BadParameter(str(exc).replace(f"{param.name} ", "", 1)) from None


@main.command()
@click.argument("scenario")
@click.argument("ats_dir", type=click.Path(file_okay=False))
@click.option("--as-of", "as_of", callback=_date_option,
              help="The date to forecast from (default: the export's time).")
@click.option("--calendars", type=click.Path(exists=False),
              help="The team's calendars: an .ics file or a folder of them.")
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="TOML mapping of the export's columns and stage names.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write the answers as CSV (with each candidate's message).")
@click.option("-n", "--replications", default=500, show_default=True,
              type=click.IntRange(min=1), help="Replications.")
@click.option("--min-samples", "min_samples", type=click.IntRange(min=1),
              help="Run more batches of replications until each application has this many "
                   "that agree with the time it has waited (at most 8 batches).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Random seed (a whole number >= 0).")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Local worker processes (default: this process).")
@click.option("--horizon", "horizon_days", default=120, show_default=True,
              type=click.IntRange(min=1, max=3660), help="Days simulated after the date.")
@click.option("--confidence", default=0.8, show_default=True,
              type=click.FloatRange(0.05, 0.99), help="Confidence of the candidates' messages.")
@click.option("--locale", default="en", show_default=True,
              help="Language and date format of the messages (en, en_GB, de, de_CH, ...).")
@click.option("--by", "by", callback=_date_option,
              help="Also give each candidate's probability of hearing by this date.")
@_owed_option
def forecast(scenario: str, ats_dir: str, as_of: Any, calendars: str | None,
             mapping: str | None, out: str | None, replications: int,
             min_samples: int | None, seed: int, workers: int | None, horizon_days: int,
             confidence: float, locale: str, by: Any, owed_cutoff: float | None) -> None:
    """When will each open candidate hear back? A forecast from the export's state.

    SCENARIO is the company's scenario (a TOML file, e.g. from `hiresim calibrate`, or a
    preset name); ATS_DIR its ATS export. Every application open on the date is simulated
    on from where it is, with the time it has already waited.

    \b
    Examples:
      hiresim forecast my_company.toml exports/today/
      hiresim forecast my_company.toml exports/today/ --as-of 2026-03-02 \\
          --calendars calendars/ --locale de --out forecast.csv
    """
    from hiresim.inference.forecasts import forecast as run
    from hiresim.records.ats import read_ats
    from hiresim.records.ical import read_calendars
    from hiresim.text import language_of

    with _guard():
        try:
            language_of(locale)
        except ValueError as exc:
            _bad_input(f"--locale: {exc}")
        sc = _load(scenario, None)
        history = read_ats(ats_dir, mapping=mapping)
        team = None
        if calendars is not None:
            team = read_calendars(calendars, people=sc)
        result = run(sc, history, as_of=as_of, replications=replications, seed=seed,
                     calendars=team, workers=workers, horizon_days=horizon_days, by=by,
                     min_samples=min_samples, owed_cutoff_days=owed_cutoff)
        messages = [result.sentence(a, confidence, locale)
                    for a in result.answers["application_id"]]
        if out is not None:  # cells a spreadsheet would run as a formula are neutralised
            from hiresim.records.csvfile import write_csv

            table = result.answers.assign(**{f"message_{round(confidence * 100)}": messages})
            write_csv(table, out)
    console.print(forecast_table(result, confidence))
    for table in owed_tables(result.state):
        console.print(table)
    if out is not None:
        console.print(_line(f"wrote {out}"))


def _date_cell(day: Any, p_never: float, q: float, horizon: Any) -> str:
    if day is not None and day == day:
        return f"{day:%d %b}"
    return "never" if p_never >= 1 - q - 1e-12 else f"after {horizon:%d %b}"


def forecast_table(result: Any, confidence: float = 0.8) -> Table:
    """One row per open application: where it waits, for how long, and when it will hear."""
    import pandas as pd

    a = result.answers
    horizon = result.as_of + pd.Timedelta(days=result.horizon_days)
    week_end = a["week_end"].iloc[0] if len(a) else None
    title = f"Open applications on {result.as_of:%a %d %b %Y}: when will they hear back?"
    table = Table(title=printable(title))
    columns = ["application", "waiting for", "days",
               f"by {week_end:%a %d %b}" if week_end is not None else "this week",
               "50 %", "80 %", "90 %", "withdraws", "mostly", "n"]
    for col in columns:
        table.add_column(col, justify="left" if col in ("application", "waiting for",
                                                        "mostly") else "right")
    for r in a.itertuples():
        waiting = (r.waiting_for if r.waiting_for == "screening"
                   else f"{r.waiting_for} {str(r.stage).removeprefix('round:')}")
        if not r.samples:  # no replication waited this long: nothing to say
            _row(table, r.application_id, waiting, f"{r.days_waited:.1f}", "?", "?", "?", "?",
                 "?", "?", "0")
            continue
        _row(table, r.application_id, waiting, f"{r.days_waited:.1f}",
             f"{r.p_by_week_end:.0%}",
             *[_date_cell(getattr(r, f"date_{q}"), r.p_never, q / 100, horizon)
               for q in (50, 80, 90)],
             f"{r.p_withdraw_first:.0%}", r.main_cause or "-", str(r.samples))
    table.caption = printable(
        "days: waited so far; 50/80/90 %: the day by which the candidate hears with that "
        "probability ('never': they may withdraw or never be told); withdraws: the chance "
        "they withdraw first; mostly: the most likely cause of the wait left; n: "
        "replications that agree with the time already waited ('?': none does, the scenario "
        "never keeps a candidate waiting this long there: someone away, a job on hold, or a "
        "scenario to calibrate)")
    return table


def owed_tables(state: Any) -> list[Table]:
    """The candidates owed a rejection (a decision made, not told) and the offers awaiting an
    answer on the forecast's date: not forecast, listed so that nobody is forgotten."""
    out = []
    if state.owed:
        table = _table(f"Owed a rejection: {plural(len(state.owed), 'candidate')} (decided, "
                       "not told)")
        for col in ("application", "job", "stage", "owed since", "days owed", "why"):
            _column(table, col, "right" if col == "days owed" else "left")
        for o in sorted(state.owed, key=lambda o: -o.days_owed):
            why = ("rejection recorded, never told" if o.reason == "rejected"
                   else "the job is closed, the application still open")
            _row(table, o.application_id, o.job_id, o.stage, f"{o.since:%Y-%m-%d}",
                 f"{o.days_owed:.0f}", why)
        table.caption = printable(
            f"Not forecast: only telling them ends the wait. A rejection recorded up to "
            f"{state.owed_cutoff_days:.0f} days ago and not yet told is forecast as a decision "
            "on its way (--owed-cutoff); candidates on a job already closed are owed one "
            "whatever its age.")
        out.append(table)
    if state.offers:
        table = _table(f"Offer made, awaiting answer: {plural(len(state.offers), 'candidate')}")
        for col in ("application", "job", "offer made", "days waiting"):
            _column(table, col, "right" if col == "days waiting" else "left")
        for f in sorted(state.offers, key=lambda f: -f.days_waiting):
            _row(table, f.application_id, f.job_id, f"{f.offered_at:%Y-%m-%d}",
                 f"{f.days_waiting:.0f}")
        out.append(table)
    return out


def calibration_table(result: Any) -> Table:
    """Observed against simulated quantiles of the wait, per round."""
    table = Table(title=printable(f"{result.scenario.name}: observed and simulated waits (days)"))
    for col in ("round", "quantile", "observed (95 % interval)", "simulated"):
        table.add_column(col, justify="right")
    for row in result.fit[result.fit["statistic"] == "quantile"].itertuples():
        table.add_row(str(row.round), f"P{row.q * 100:.0f}",
                      f"{row.observed:.1f} ({row.observed_lower:.1f}-{row.observed_upper:.1f})",
                      f"{row.simulated:.1f}")
    flat = result.latent[~result.latent["identifiable"]]["path"].tolist()
    if flat:
        table.caption = printable("left at the base value (the history cannot pin them down): "
                              + ", ".join(flat))
    return table


@main.command()
@_scenario_argument
@_simulation_options(100)
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The HTML file to write (self-contained: opens offline).")
@click.option("--ablation-replications", default=20, show_default=True,
              type=click.IntRange(min=1), help="Replications of each what-if run.")
@click.option("--no-ablation", is_flag=True,
              help="Skip 'what would help most' (the slow part).")
@click.option("--effects", is_flag=True,
              help="Also compute each source's causal effect (Shapley values; many runs of "
                   "--ablation-replications) and show it beside where the days go.")
@_what_if_option
@click.option("--ats", "ats_dir", type=click.Path(file_okay=False),
              help="A company's ATS export: adds an 'open candidates' section (a forecast).")
@click.option("--as-of", "as_of", callback=_date_option,
              help="The date of the open candidates (default: the export's time).")
@click.option("--calendars", type=click.Path(exists=False),
              help="The team's calendars for the forecast: an .ics file or a folder.")
@click.option("--locale", default="en", show_default=True,
              help="Language and date format of the candidates' messages (en, de, ...).")
@click.option("--confidence", default=0.8, show_default=True,
              type=click.FloatRange(0.05, 0.99), help="Confidence of the candidates' messages.")
@_mapping_option
@_owed_option
@_precision_options
@_force_option
def report(scenario: str | None, preset_name: str | None, replications: int, seed: int,
           workers: int | None, out: str, ablation_replications: int,
           no_ablation: bool, effects: bool, what_ifs: tuple[str, ...], ats_dir: str | None,
           as_of: Any, calendars: str | None, locale: str, confidence: float,
           mapping: str | None, owed_cutoff: float | None, precision: float | None,
           max_replications: int, force: bool) -> None:
    """Write the HR report: one HTML page with what to promise candidates, the wait curve,
    where the days go, what would help most, candidates lost, and the assumptions.

    \b
    Examples:
      hiresim report --preset default --out report.html
      hiresim report my_company.toml -n 300 --seed 7 --out report.html
      hiresim report --preset default --out report.html --what-if roles.recruiter.count=3
      hiresim report my_company.toml --ats exports/today/ --mapping mapping.toml \\
          --locale de --out report.html
      hiresim report --preset default --precision 1 --out report.html
    """
    from hiresim.present.report import build_report
    from hiresim.scenario import delay_sources
    from hiresim.text import language_of

    sc = _load(scenario, preset_name)
    steps = (1 + (0 if no_ablation else len(delay_sources(sc)) + 1)
             + (len(what_ifs) + 1 if what_ifs else 0) + (1 if ats_dir else 0))
    if as_of is not None and ats_dir is None:
        _bad_input("--as-of needs --ats (the export whose open candidates to forecast)")
    if calendars is not None and ats_dir is None:
        _bad_input("--calendars needs --ats (they are used for the open candidates)")
    if mapping is not None and ats_dir is None:
        _bad_input("--mapping needs --ats (it maps the export's columns and stage names)")
    if owed_cutoff is not None and ats_dir is None:
        _bad_input("--owed-cutoff needs --ats (it sorts the export's untold rejections)")
    with _guard(), _steps(steps, "report") as step:
        try:
            language_of(locale)
        except ValueError as exc:
            _bad_input(f"--locale: {exc}")
        history = team = None
        if ats_dir is not None:
            from hiresim.records.ats import read_ats

            history = read_ats(ats_dir, mapping=mapping)
            if calendars is not None:
                from hiresim.records.ical import read_calendars

                team = read_calendars(calendars, people=sc)
        rep = build_report(sc, replications=replications, seed=seed, workers=workers,
                           ablation=not no_ablation, effects=effects,
                           ablation_replications=ablation_replications, step=step,
                           what_ifs=list(what_ifs), history=history, as_of=as_of,
                           calendars=team, locale=locale, confidence=confidence,
                           owed_cutoff_days=owed_cutoff, force=force,
                           **_report_precision(precision, max_replications))
        path = rep.write(out)
    _print_precision(rep.results)
    console.print(_line(f"wrote {path} ({path.stat().st_size / 1024:.0f} kB): open it in a "
                        "browser"))


@main.command()
@_scenario_argument
@_simulation_options(10)
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .csv, .parquet or .xes.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xes"]),
              help="File format (default: from the suffix of --out).")
@click.option("--from-results", "from_results", type=click.Path(file_okay=False),
              help="Export the event log of a saved run (`hiresim run --out DIR`) instead of "
                   "simulating.")
@_force_option
def export(scenario: str | None, preset_name: str | None, replications: int, seed: int,
           workers: int | None, out: str, fmt: str | None, from_results: str | None,
           force: bool) -> None:
    """Export the event log for process mining: CSV or Parquet (one row per activity, with
    enabled/start/complete times and waiting time by cause) or XES (start/complete events,
    read by PM4Py, ProM, Disco, Celonis).

    \b
    Examples:
      hiresim export --preset default -n 5 --out log.xes
      hiresim export my_company.toml --out events.parquet
      hiresim export --from-results results/ --out log.csv
    """
    from hiresim.records.eventlog import export_events, format_for

    try:
        kind = format_for(out, fmt)
    except ValueError as exc:
        _bad_input(str(exc))
    with _guard():
        if from_results:
            if scenario or preset_name:
                _bad_input("give either --from-results or a scenario, not both")
            from hiresim.results import Results

            if not Path(from_results, "events.parquet").is_file():
                _bad_input(f"{from_results}: no events.parquet (written by `hiresim run --out`)")
            results = Results.read_parquet(from_results)
        else:
            sc = _load(scenario, preset_name)
            results = _simulate(sc, replications, seed, workers, force=force)
        if results.events is None or not len(results.events):
            _bad_input("the results have no event log (run without --no-events)")
        path = export_events(results, out, kind)
    console.print(_line(f"wrote {path}: {len(results.events):,} activities of "
                        f"{results.events['case:concept:name'].nunique():,} cases as {kind}"))


if __name__ == "__main__":  # pragma: no cover
    main()
