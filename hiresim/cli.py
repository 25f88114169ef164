"""The ``hiresim`` command: run, validate, list presets, export the scenario schema.

Exit codes: 0 success, 1 failure while running, 2 bad input (a scenario that does not
validate, a missing file, a bad option). Bad input never shows a traceback: the message names
the file, the field path and what is allowed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2

console = Console()
errors = Console(stderr=True)


def _load(scenario: str | None, preset_name: str | None):
    """The scenario named on the command line (a file, or ``--preset``); exits 2 if bad."""
    from hiresim.scenario import ScenarioError, load_scenario, preset

    if scenario and preset_name:
        _bad_input("give either a SCENARIO file or --preset, not both")
    try:
        if scenario:
            return load_scenario(scenario)
        return preset(preset_name or "default")
    except ScenarioError as exc:
        _bad_input(str(exc))


def _bad_input(message: str) -> None:
    errors.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    sys.exit(EXIT_BAD_INPUT)


def feedback_table(results, title: str) -> Table:
    """P10/P50/P90/P95 and restricted mean of calendar days to feedback, overall and per round.

    Kaplan-Meier estimates: withdrawn, ghosted and still-open waits are censored, exactly as in
    ``results.summary()`` (a quantile the curve never reaches shows as "never").
    """
    from hiresim.analysis import quantiles

    journeys = results.journeys
    table = Table(title=title)
    for name in ("round", "P10", "P50", "P90", "P95", "mean", "censored", "waits",
                 "candidates"):
        table.add_column(name, justify="right")
    overall = quantiles(results, q=QUANTILES, n_boot=50, seed=0).assign(round="all")
    per_round = quantiles(results, q=QUANTILES, by="round", n_boot=50, seed=0)
    for label, group in [("all", journeys), *list(journeys.groupby("round"))]:
        rows = overall if label == "all" else per_round[per_round["round"] == label]
        q = rows[rows["statistic"] == "quantile"]["days"].tolist()
        mean = rows[rows["statistic"] == "restricted_mean"]["days"].tolist()
        cells = ["never" if v != v else f"{v:.1f}" for v in q + mean]
        n_cand = (results.candidates["candidate"].nunique() if label == "all"
                  else group["candidate"].nunique())
        table.add_row(str(label), *cells, f"{group['censored'].mean():.1%}", str(len(group)),
                      str(n_cand))
    table.caption = ("calendar days from interview end to feedback (Kaplan-Meier: withdrawn, "
                     "ghosted and open waits censored; mean restricted to the longest wait)")
    return table


QUANTILES = (0.1, 0.5, 0.9, 0.95)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hiresim")
def main() -> None:
    """hiresim: how long after an interview until the candidate hears back, and why."""


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--preset", "preset_name", help="Run an embedded preset instead of a file.")
@click.option("-n", "--replications", default=100, show_default=True,
              type=click.IntRange(min=1), help="Number of replications.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed.")
@click.option("--workers", default=None, type=click.IntRange(min=1),
              help="Local worker processes (default: this process).")
@click.option("--out", type=click.Path(file_okay=False), help="Write Parquet + manifest here.")
@click.option("--no-events", is_flag=True, help="Do not keep the per-activity event log.")
def run(scenario, preset_name, replications, seed, workers, out, no_events) -> None:
    """Simulate SCENARIO (a TOML file) or --preset NAME and print time-to-feedback.

    \b
    Examples:
      hiresim run --preset default -n 200 --seed 7
      hiresim run my_company.toml -n 1000 --workers 2 --out results/
    """
    from hiresim.runner import simulate

    sc = _load(scenario, preset_name)
    try:
        results = simulate(sc, replications=replications, seed=seed, workers=workers,
                           progress=sys.stderr.isatty(), event_log=not no_events)
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(EXIT_FAILURE)
    console.print(feedback_table(results, f"{sc.name}: time to feedback ({replications} "
                                          f"replications, seed {seed})"))
    if out:
        path = results.to_parquet(out)
        console.print(f"wrote {path}/ (journeys, candidates, events, manifest.json)")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
def validate(scenario) -> None:
    """Check a scenario file; print every problem with its field path and line.

    \b
    Example:
      hiresim validate my_company.toml
    """
    sc = _load(scenario, None)
    console.print(f"[green]ok[/]: {scenario} ({sc.name}: {len(sc.roles)} roles, "
                  f"{len(sc.rounds)} rounds)")


@main.command()
def presets() -> None:
    """List the embedded presets with a one-line description.

    \b
    Example:
      hiresim presets
    """
    from hiresim.scenario import preset_description
    from hiresim.scenario import presets as names

    table = Table(title="presets")
    table.add_column("name")
    table.add_column("description")
    for name in names():
        table.add_row(name, preset_description(name))
    console.print(table)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file.")
def schema(output) -> None:
    """Print the JSON Schema of scenario files (for editor completion).

    \b
    Example:
      hiresim schema -o scenario.schema.json
    """
    from hiresim.scenario import json_schema

    text = json.dumps(json_schema(), indent=2)
    if output:
        Path(output).write_text(text)
        console.print(f"wrote {output}")
    else:
        click.echo(text)


if __name__ == "__main__":  # pragma: no cover
    main()
