"""The HR report: one self-contained HTML page on how long candidates wait, and why.

The page is written for people who will not open Python: what can be promised to candidates at
50/80/90/95 % confidence, the curve of the wait, where the days go (by cause and by stage), what
would shorten the wait most (each delay source switched off in turn, with common random numbers),
how many candidates are lost while waiting, and the scenario's assumptions in plain words.
Every figure is embedded as a base64 PNG and the styles are inline: the file opens offline and
loads nothing from anywhere.

Every number comes from :mod:`hiresim.analysis` on one simulation run (same seed, same
replications), so the page agrees with ``analysis.promise`` and ``analysis.attribution``:

>>> import hiresim as hs
>>> from hiresim.present.report import build_report
>>> rep = build_report(hs.preset("mmc"), replications=2, seed=1, ablation=False)
>>> html = rep.to_html()
>>> "What to promise candidates" in html and "http://" not in html
True
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hiresim.mechanisms import mechanisms_of
from hiresim.scenario import WORKWEEK
from hiresim.text import days, duration_words, percent, plural, share

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Confidence levels of the promise table.
LEVELS: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95)

#: What each cause label means, in the words of the people who wait.
CAUSE_WORDS: dict[str, str] = {
    "reorganization": "an HR reorganization froze hiring work",
    "requirements": "the job itself was being rethought (reclassified, split or cancelled)",
    "turnover": "the person in charge had left and the seat was empty",
    "absence": "someone involved was on vacation or sick",
    "priority": "someone involved was pulled onto a top-priority project",
    "off_hours": "nights, weekends and public holidays",
    "batching": "waiting for the next weekly committee or team meeting",
    "scheduling": "finding a free slot on everyone's calendar",
    "communication": "the decision was made but not yet passed on to the candidate",
    "contention": "people were busy with other candidates' files",
    "work": "someone was actually working on it",
    # causes of the mechanisms shipped on the extension point (hiresim.mechanisms.SHIPPED)
    "freeze": "a dated hiring freeze (budget, quarter end) stopped that stage",
    "disagreement": "the panel's scores disagreed and it met again to decide",
}

#: What switching each delay source off stands for in practice (the ablation table).
SOURCE_WORDS: dict[str, str] = {
    "calendar": "Work on hiring around the clock (not a real option: it shows what office hours "
                "cost)",
    "contention": "Nobody queues: enough people that no file waits for a busy colleague",
    "scheduling": "No hunting for a free slot: a meeting is held as soon as everyone is at work "
                  "and present (people on leave still have to be back)",
    "calendar_load": "Empty calendars: block time for hiring so other meetings don't crowd it",
    "approvals": "No approval chain for offers",
    "communication": "Decisions reach candidates at once: told directly, no hand-off, no "
                     "review, nothing held back, nobody ghosted",
    "communication_direct": "The hiring manager tells the candidate (no hand-off to the "
                            "recruiter)",
    "communication_handoff": "The decision reaches the recruiter at once (no hand-off delay)",
    "communication_ghosting": "Every rejected candidate is told (nobody is ghosted)",
    "absence": "Nobody is away (or someone covers at once for people on leave)",
    "priority": "Protect hiring work from urgent projects",
    "turnover": "Nobody leaves (or hand-overs are immediate)",
    "reorganization": "No reorganizations",
    "requirements": "Jobs are not rethought while candidates are in process",
    "season": "The same rates all year and no hiring freezes",
    "disagreement": "Panels that agree: every debrief ends with a decision",
}


#: A cause in two or three words, for table cells (the technical name goes in a tooltip).
CAUSE_NAMES: dict[str, str] = {
    "reorganization": "reorganization", "requirements": "job rethought",
    "turnover": "person left", "absence": "vacation or sick leave",
    "priority": "urgent projects", "off_hours": "nights, weekends, holidays",
    "batching": "weekly committee", "scheduling": "finding a slot",
    "communication": "decision not yet passed on", "contention": "busy with other files",
    "work": "actual work", "freeze": "hiring freeze", "disagreement": "panel disagreed",
}


def cause_name(cause: str) -> str:
    """A cause in a few plain words (:data:`CAUSE_NAMES`; a user mechanism's cause: its name
    with spaces)."""
    return CAUSE_NAMES.get(cause, cause.replace("_", " "))


def what_if_words(text: str) -> str:
    """A what-if (``roles.recruiter.count=3``) in words: ``recruiter count: 3``; several
    changes joined by ``and``."""
    parts = []
    for change in str(text).split(";"):
        path, _, value = change.partition("=")
        words = [w for w in path.strip().split(".") if w and w not in ("roles", "steps")]
        words = [f"no. {int(w) + 1}" if w.isdigit() else w.replace("_", " ") for w in words]
        shown = value.strip().strip("\"'").replace('","', ", ").strip("[]\"")
        parts.append(f"{' '.join(words)}: {shown}")
    return " and ".join(parts)


def cause_words(cause: str) -> str:
    """What a cause label means, in an HR reader's words (a user mechanism's cause: its
    name)."""
    return CAUSE_WORDS.get(cause, f"{cause.replace('_', ' ')} (your own mechanism)")


def source_words(source: str) -> str:
    """What switching a delay source off means, in an HR reader's words (a user mechanism:
    its name)."""
    return SOURCE_WORDS.get(source, f"No {source.replace('_', ' ')} (your own mechanism)")


#: Stages in the order a candidate meets them (the stage chart's x axis).
STAGE_ORDER: tuple[str, ...] = (
    "screening", "interview", "scorecards", "debrief", "decision", "approval", "communication",
    "follow-up", "requirements",
)


@dataclass
class Report:
    """Everything the HR page shows, as tables; :meth:`to_html` renders it, :meth:`write` saves.

    Attributes
    ----------
    scenario:
        The :class:`hiresim.Scenario` simulated.
    results:
        The :class:`hiresim.Results` of ``replications`` runs with ``seed``.
    promises:
        :func:`hiresim.analysis.promise` at each level of :data:`LEVELS`, concatenated.
    attribution:
        :func:`hiresim.analysis.attribution` of the whole wait for feedback, by cause.
    stage_attribution:
        :func:`hiresim.analysis.attribution` with ``by="stage"`` (event-log waits).
    ablation:
        :func:`hiresim.analysis.ablate` with ``timings=True`` (``None`` when skipped): its
        columns plus ``seconds``, the time each source's rerun took.
    what_ifs:
        :func:`hiresim.analysis.what_if` of the what-ifs asked for (``None`` when none).
    effects:
        :func:`hiresim.analysis.effects` (``None`` unless asked for): the causal effect of
        each source, shown beside the attribution.
    headline:
        :func:`hiresim.analysis.headline` of ``results``: the average wait every section
        quotes, on the what-ifs' horizon when the page has them (one horizon from the main
        run and every rerun pooled, as :func:`hiresim.analysis.compare` does).
    loss:
        :func:`hiresim.analysis.candidate_loss`.
    end_of_week:
        :func:`hiresim.analysis.end_of_week_promise`.
    forecast:
        :func:`hiresim.forecast` of the applications open in the export given
        (``None`` without one): the "open candidates" section.
    forecast_choice:
        :func:`hiresim.inference.backtests.choose_method`: which method made ``forecast``
        and why (the company's own backtest; ``None`` when not checked).
    """

    scenario: Any
    results: Any
    promises: pd.DataFrame
    attribution: pd.DataFrame
    stage_attribution: pd.DataFrame | None
    ablation: pd.DataFrame | None
    loss: Any
    end_of_week: pd.DataFrame
    headline: Any = None
    what_ifs: pd.DataFrame | None = None
    effects: pd.DataFrame | None = None
    forecast: Any = None
    #: :func:`hiresim.analysis.observed.observed_promise` of the export at :data:`LEVELS`
    #: (``None`` without one): the records' own promises beside the scenario's.
    observed: pd.DataFrame | None = None
    forecast_choice: Any = None
    confidence: float = 0.8
    locale: str = "en"
    seed: int = 0
    replications: int = 0
    ablation_replications: int = 0
    created: str = field(default_factory=lambda: _dt.datetime.now().strftime("%Y-%m-%d %H:%M"))

    def to_html(self) -> str:
        """The report as one self-contained HTML page."""
        return render(self)

    def write(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (parent folders are created)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_html(), encoding="utf-8")
        return path


def build_report(
    scenario: Any,
    replications: int = 100,
    seed: int = 0,
    ablation: bool = True,
    ablation_replications: int = 20,
    sources: Iterable[str] | None = None,
    workers: Any = None,
    n_boot: int = 200,
    step: Callable[[str], None] | None = None,
    what_ifs: Iterable[str] = (),
    history: Any = None,
    as_of: Any = None,
    calendars: Any = None,
    forecast_replications: int = 200,
    check_forecast: bool = True,
    confidence: float = 0.8,
    locale: str = "en",
    precision: float | None = None,
    max_replications: int = 2000,
    owed_cutoff_days: float | None = None,
    force: bool = False,
    effects: bool = False,
) -> Report:
    """Simulate ``scenario`` and compute everything the HR report shows.

    Parameters
    ----------
    scenario:
        A :class:`hiresim.Scenario`, a TOML path or a dict.
    replications, seed, workers:
        Passed to :func:`hiresim.simulate` for the main run.
    ablation:
        Whether to rerun the scenario with each delay source switched off ("what would help
        most"). This is the slow part: ``1 + len(sources)`` runs of ``ablation_replications``.
    ablation_replications:
        Replications of each ablation run (same ``seed``: common random numbers). When equal to
        ``replications`` the main run is reused as the baseline.
    sources:
        Delay sources to switch off (default: :func:`hiresim.scenario.delay_sources` of
        the scenario).
    n_boot:
        Bootstrap resamples for confidence intervals.
    step:
        Called with a short label before each simulation (for progress display).
    what_ifs:
        Your own what-ifs, each ``"PATH=VALUE"`` (dotted paths of the scenario, e.g.
        ``"roles.recruiter.count=3"``; see :func:`hiresim.analysis.what_if`): rows beside the
        per-source ones, run with ``ablation_replications`` and the same seed. All are
        validated before anything is simulated.
    history, as_of, calendars, forecast_replications:
        A company's ATS export (:func:`hiresim.read_ats`): the report gains an "open
        candidates" section, the :func:`hiresim.forecast` of the applications open on
        ``as_of`` (default: the export's time), with the team's ``calendars`` if given.
    check_forecast:
        With ``history``: first backtest the simulation against the records' own forecast
        on the company's past (:func:`hiresim.inference.backtests.choose_method`) and use
        the better one; the section says which, and why, in plain words.
    confidence, locale:
        The confidence of the date promised to each open candidate, and the language and
        date format of the message (see :func:`hiresim.text.feedback_sentence`).
    precision:
        Instead of ``replications``: run as many as make the 95 % intervals of the promises
        (every level the page shows that can be promised) and of the average wait at most
        this many days either side (see ``hiresim.simulate``); the page says how many it took.
    max_replications:
        With ``precision``: the most replications of the main run.
    owed_cutoff_days:
        With ``history``: how old an untold rejection may be and still be forecast (see
        :func:`hiresim.forecast`); older ones, and candidates on closed jobs, are listed as
        owed a rejection.
    force:
        Run even when the run's estimated size is above the limits
        (:func:`hiresim.scenario.sizing.check_size`).
    effects:
        Also compute the causal effect of each source that has a cause of its own
        (:func:`hiresim.analysis.effects`, Shapley values, with ``ablation_replications``
        per coalition: ``2**n`` runs up to five sources, sampled orders beyond) and show it
        beside the attribution, saying where the two differ.
    """
    from hiresim import analysis, runner
    from hiresim.scenario import delay_sources, load_scenario
    from hiresim.text import language_of

    sc = load_scenario(scenario)
    language_of(locale)
    changes = list(what_ifs) if not isinstance(what_ifs, str) else [what_ifs]
    for text in changes:  # every what-if checked before the first simulation
        analysis.what_if_scenario(sc, text)
    tick = step or (lambda label: None)
    tick("simulating the scenario")
    if precision is None:
        results = runner.simulate(sc, replications=replications, seed=seed, workers=workers,
                                  force=force)
    else:
        results = runner.simulate(sc, seed=seed, workers=workers, precision=precision,
                                  max_replications=max_replications, confidence=LEVELS,
                                  force=force)
        replications = results.replications
    promises = pd.concat(
        [analysis.promise(results, confidence=c, n_boot=n_boot, seed=seed) for c in LEVELS],
        ignore_index=True,
    )
    attribution = analysis.attribution(results)
    stage = None
    if results.events is not None and len(results.events):
        stage = analysis.attribution(results, by="stage")
    ablated = None
    if ablation:
        chosen = list(delay_sources(sc) if sources is None else sources)
        # the main run is the ablation's baseline when it has the same replications (same
        # seed and scenario by construction): one simulation fewer
        reuse = results if ablation_replications == replications else None
        # one horizon from the main run and every rerun pooled (compare's rule): the page's
        # headline average below is read on it, so "now" is the same number everywhere
        ablated = analysis.ablate(sc, chosen, ablation_replications, seed, n_boot=n_boot,
                                  baseline=reuse,
                                  step=lambda label: tick(f"what-ifs: {label}"),
                                  timings=True, workers=workers, force=force)
    custom = None
    if changes:
        reuse = results if ablation_replications == replications else None
        custom = analysis.what_if(sc, changes, ablation_replications, seed, n_boot=n_boot,
                                  tau=None if ablated is None else ablated.attrs.get("tau"),
                                  baseline=reuse,
                                  step=lambda label: tick(f"what-ifs: {label}"),
                                  timings=True, workers=workers, force=force)
    shapley = None
    if effects:
        from hiresim.analysis.shapley import NO_CAUSE, effect_sources

        players = [p for p in effect_sources(sc) if p not in NO_CAUSE]
        shapley = analysis.effects(sc, players, ablation_replications, seed, n_boot=n_boot,
                                   step=lambda label: tick(f"causal effects: {label}"),
                                   workers=workers)
    compared = ablated if ablated is not None else custom
    tau = None if compared is None else compared.attrs.get("tau")
    head = analysis.headline(results, tau=tau, n_boot=n_boot, seed=seed)
    open_now = choice = observed = None
    if history is not None:
        from hiresim.analysis.observed import observed_promise

        observed = observed_promise(history, LEVELS)
        open_now, choice = _forecast_open(sc, history, as_of, forecast_replications, seed,
                                          calendars, workers, check_forecast, tick,
                                          owed_cutoff_days)
    return Report(
        scenario=sc,
        results=results,
        forecast=open_now,
        observed=observed,
        forecast_choice=choice,
        confidence=confidence,
        locale=locale,
        promises=promises,
        attribution=attribution,
        stage_attribution=stage,
        ablation=ablated,
        what_ifs=custom,
        effects=shapley,
        headline=head,
        loss=analysis.candidate_loss(results),
        end_of_week=analysis.end_of_week_promise(results, n_boot=n_boot, seed=seed),
        seed=seed,
        replications=replications,
        ablation_replications=ablation_replications if ablation or changes or effects else 0,
    )


def _forecast_open(sc: Any, history: Any, as_of: Any, replications: int, seed: int,
                   calendars: Any, workers: Any, check: bool, tick: Callable[[str], None],
                   owed_cutoff_days: float | None = None) -> tuple[Any, Any]:
    """The open candidates' forecast by the method that did better on the company's own
    backtest (the simulation unless the records alone beat it), and that choice."""
    from hiresim.inference.backtests import choose_method
    from hiresim.inference.forecasts import forecast

    choice = None
    method = "simulation"
    if check:
        tick("checking the forecast against the company's past")
        choice = choose_method(sc, history, as_of, replications=replications, seed=seed,
                               workers=workers, calendars=calendars)
        method = choice.method
    tick("forecasting the open candidates")
    kwargs = ({"replications": replications, "seed": seed, "calendars": calendars,
               "workers": workers} if method == "simulation" else {})
    return forecast(sc, history, as_of=as_of, method=method,
                    owed_cutoff_days=owed_cutoff_days, **kwargs), choice


def _precision_note(rep: Report) -> str:
    """`` (what a precision of ±1 day needed)`` when the run stopped on a precision."""
    info = rep.results.manifest.get("precision")
    if not info:
        return ""
    if info["reached_max"]:
        target = plural(info["target"], "day")
        return f" (the most allowed: a precision of ±{target} was not reached)"
    return f" (what a precision of ±{plural(info['target'], 'day')} needed)"


def write_report(scenario: Any, path: str | os.PathLike, **kwargs: Any) -> Path:
    """Build the report of ``scenario`` (see :func:`build_report`) and write it to ``path``."""
    return build_report(scenario, **kwargs).write(path)


# ---------------------------------------------------------------------------------------------
# Rendering


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _day(rep: Report, day: Any) -> str:
    """A date in the page's one format: the locale's medium date (``12 Feb 2026`` in
    en_GB, ``Feb 12, 2026`` in en, ``12.02.2026`` in de)."""
    from babel.dates import format_date

    d = pd.Timestamp(day).date()
    return str(format_date(d, "medium", locale=rep.locale.replace("-", "_")))


def _round(x: float) -> str:
    """A number for people: whole above 10, one decimal below (``4.06113`` → ``4.1``)."""
    if x != x:
        return "–"
    return f"{x:,.0f}" if abs(x) >= 10 or float(x).is_integer() else f"{x:.1f}"


def _days_range(lo: float, hi: float) -> str:
    """`` (12–15)`` after a number of days; nothing without a lower end."""
    if lo != lo:
        return ""
    return f" ({lo:.0f}–{'?' if hi != hi else f'{hi:.0f}'})"


def _signed(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    text = f"{x:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def _figure_png(draw: Callable[[Any], None], size: tuple[float, float] = (8.0, 4.0)) -> str:
    """Draw on a fresh Figure (no pyplot, no global state) and return a base64 PNG data URI."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=110, layout="constrained")
    draw(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(uri: str, alt: str) -> str:
    return f'<figure><img src="{uri}" alt="{_esc(alt)}"></figure>'


def _promise_section(rep: Report) -> str:
    p = rep.promises
    never = float(p["p_never"].iloc[0]) if len(p) else float("nan")
    rows: list[str] = []
    sentences: list[str] = []
    unreachable: list[str] = []
    for level in LEVELS:
        cal = p[(p["days_kind"] == "calendar") & np.isclose(p["confidence"], level)].iloc[0]
        bus = p[(p["days_kind"] == "business") & np.isclose(p["confidence"], level)].iloc[0]
        reached = np.isfinite(cal["promise_days"])
        key = f"{level:g}"
        seen = ""
        if rep.observed is not None:
            o = rep.observed[np.isclose(rep.observed["confidence"], level)].iloc[0]
            value = "never" if o["days"] != o["days"] else f"{o['promise_days']:.0f}"
            seen = (f'<td class="num" data-observed="{key}">{value}'
                    f'{_days_range(o["lower"], o["upper"])}</td>')
        if reached:
            cells = (
                f'<td class="num" data-promise="calendar-{key}">{cal["promise_days"]:.0f}</td>'
                f'<td class="num" data-promise="business-{key}">{bus["promise_days"]:.0f}</td>'
                f'<td class="num">{days(cal["lower"])} – {days(cal["upper"])}</td>'
            )
            sentences.append(
                f"<li><b>{level:.0%}</b> of candidates hear back within "
                f"<b>{cal['promise_days']:.0f} calendar days</b> "
                f"({bus['promise_days']:.0f} working days).</li>"
            )
        else:
            cells = (
                f'<td class="num never" data-promise="calendar-{key}">never</td>'
                f'<td class="num never" data-promise="business-{key}">never</td>'
                '<td class="num">–</td>'
            )
            unreachable.append(f"{level:.0%}")
        rows.append(f"<tr><th>{level:.0%}</th>{cells}{seen}</tr>")
    if unreachable:
        levels = (unreachable[0] if len(unreachable) == 1
                  else ", ".join(unreachable[:-1]) + " or " + unreachable[-1])
        sentences.append(
            f"<li><b>{levels}</b>: <b>cannot be promised</b>, however long the wait announced. "
            f"Only {percent(1 - never)} of candidates ever hear back: the others withdraw before "
            "an answer comes or are never told. Shorter waits (fewer withdrawals) and telling "
            "every candidate are what would make these promises possible.</li>"
        )
    eow = rep.end_of_week.set_index("interview_day")
    eow_all = float(eow.loc["all", "p_kept"]) if "all" in eow.index else float("nan")
    by_day = ", ".join(
        f"{d} {percent(float(eow.loc[d, 'p_kept']))}"
        for d in WORKWEEK if d in eow.index
    )
    observed_head = ("<th>your records (range), calendar days</th>"
                     if rep.observed is not None else "")
    return f"""
<section id="promise">
<h2>What to promise candidates</h2>
<p class="lead">After an interview, candidates want to know when they will hear back. These are
the waits you can honestly announce, from the simulated interviews of this scenario
(“confidence” is the share of candidates for whom the promise is kept).</p>
<ul class="promises">{''.join(sentences)}</ul>
<table class="data" id="promise-table">
<thead><tr><th>confidence</th><th>calendar days</th><th>working days (Mon–Fri)</th>
<th>range of the estimate (calendar days)</th>{observed_head}</tr></thead>
<tbody>{''.join(rows)}</tbody>
</table>
<p><b data-never="{never:.6f}">{percent(never)}</b> of waits end without an answer (the candidate
withdrew or was never told). <b>“We'll let you know by the end of the week”</b> is kept for
<b>{percent(eow_all)}</b> of candidates (by interview day: {by_day}).</p>
</section>"""


def _survival_section(rep: Report) -> str:
    from hiresim import analysis
    from hiresim.present import plotting

    r = rep.results
    reached = rep.promises[(rep.promises["days_kind"] == "calendar")
                           & np.isfinite(rep.promises["promise_days"])]
    mark = float(reached["confidence"].max()) if len(reached) else None

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        plotting.plot_survival(r, ax=ax, label="still waiting, among those who keep waiting "
                               "and are answered")
        # the promise's own curve (withdrawn and ghosted never hear), with the promise on it
        plotting.plot_survival(r if mark else analysis.still_waiting(r), ax=ax, promise=mark,
                               band=False, color="#b2182b",
                               label="without an answer, all candidates (withdrawn and "
                                     "ghosted never hear)")
        finite = r.journeys["days_to_feedback"].to_numpy(dtype=float)
        top = float(np.nanquantile(finite, 0.99)) if finite.size else 30.0
        ax.set_xlim(0, max(top, 7.0))
        ax.set_ylabel("share of candidates")
        ax.legend(frameon=False, loc="upper right", fontsize=8)
        ax.set_title("How long candidates wait for feedback after an interview")

    return f"""
<section id="curve">
<h2>The wait, day by day</h2>
<p>The red line is the share of candidates who still have no answer, so many days after their
interview; it levels off at the share who never get one. The blue line leaves out candidates who
withdrew or were never told (the shaded band is its 95 % confidence band)
{'and the dot on the red line marks the longest promise above' if mark else ''}.</p>
{_img(_figure_png(draw), "share of candidates still waiting, by days since the interview")}
</section>"""


def _attribution_section(rep: Report) -> str:
    from hiresim.analysis.headline import definition
    from hiresim.present import plotting

    a = rep.attribution
    total = float(a["mean_days"].sum())
    head = rep.headline
    rows = []
    for row in a.sort_values("share", ascending=False).itertuples():
        if not row.total_days > 0:
            continue
        cause = str(row.cause)
        rows.append(
            f'<tr><th title="{_esc(cause)}">{_esc(cause_name(cause))}</th>'
            f'<td>{_esc(cause_words(cause))}</td>'
            f'<td class="num" data-cause-days="{cause}">{row.mean_days:.1f}</td>'
            f'<td class="num" data-cause-share="{cause}">{percent(row.share, 1)}</td></tr>'
        )
    top = a.sort_values("share", ascending=False).iloc[0] if len(a) else None
    lead = ""
    if top is not None and np.isfinite(top["share"]):
        lead = (f"The average wait for feedback is <b data-headline=\"causes\">{head.value:.1f} "
                f"calendar days</b> ({_esc(definition(head.tau))}). The table splits the "
                f"{total:.1f} days that the simulated waits lasted on average, each counted to "
                "where it ended (answered or not), by cause. The largest part, "
                f"<b>{percent(top['share'])}</b>, is "
                f"{_esc(cause_words(str(top['cause'])))}.")
    figs = ""
    if rep.stage_attribution is not None and len(rep.stage_attribution):
        stage = rep.stage_attribution.copy()
        seen = list(dict.fromkeys(rep.results.events["stage"].astype(str)))
        order = [s for s in STAGE_ORDER if s in seen] + [s for s in seen if s not in STAGE_ORDER]
        stage["stage"] = pd.Categorical(stage["stage"].astype(str), categories=order,
                                        ordered=True)

        def draw(fig: Figure) -> None:
            ax = fig.add_subplot()
            plotting.plot_attribution(stage, ax=ax, value="mean_days")
            ax.set_title("Waiting before each step of the process, by cause")
            ax.set_xlabel("step (stage)")
            ax.set_ylabel("days waited before the step's work started\n"
                          "(mean per candidate who reached the step)")

        figs = (
            "<p>A different measure from the table above, over the whole process (from the "
            "recruiter's screen to the last message): each bar is the time a step's work "
            "waited to be picked up (for a free slot, a person back from leave, a queue), "
            "summed over that step's tasks and averaged over the candidates who reached the "
            "step, split by cause. It does not include the work itself, and it counts every "
            "round's waits and the time before the first interview, so a bar can be longer "
            "than the average wait for feedback above.</p>"
            + _img(_figure_png(draw, (9.0, 4.2)), "waiting days before each stage, by cause")
        )
    causal = _causal_part(rep)
    return f"""
<section id="causes">
<h2>Where the days go</h2>
<p>{lead} Every day of every simulated wait is charged to exactly one cause. A night or weekend
inside a wait belongs to the reason the wait exists (a queue, the search for a free slot, an
absence that ran into the weekend); “off hours” are only the nights before work on a wait could
start and those while work was being done. When several causes hold at once (a vacation over a
weekend) the day goes to the first of them in the order of this list of causes:
reorganization, requirements, turnover, absence, priority, off hours, batching, scheduling,
communication, contention, work.</p>
<table class="data" id="cause-table">
<thead><tr><th>cause</th><th>what it means</th><th>days per wait (plain mean of all waits,
each to where it ended)</th><th>share</th></tr>
</thead><tbody>{''.join(rows)}</tbody></table>
{causal}
{figs}
</section>"""


def _causal_part(rep: Report) -> str:
    """The causal effects beside the attribution (when computed), and where they differ."""
    from hiresim.present import plotting

    fx = rep.effects
    if fx is None or not len(fx):
        return ("<p>This split describes where the days of the simulated waits went. How "
                "much shorter the wait would be without a source is a different question, "
                "answered under “What would help most”; the two can differ (a night inside "
                "a slot search is counted here, but goes away with the search).</p>")
    rows = []
    for r in fx.itertuples():
        verdict = ("agree" if r.agrees else "differ") if r.cause else "no cause of its own"
        rows.append(
            f"<tr><th>{_esc(r.source)}</th><td class=\"num\">"
            f"{'–' if not r.cause else f'{r.attributed:.1f}'}</td>"
            f'<td class="num" data-effect="{_esc(r.source)}">{r.shapley:.1f}</td>'
            f'<td class="num">{r.lower:.1f} to {r.upper:.1f}</td>'
            f'<td class="num">{r.ablation:.1f}</td><td>{verdict}</td></tr>')
    differ = [str(r.source) for r in fx.itertuples() if r.cause and not r.agrees]
    summary = ("They agree for every source." if not differ else
               f"They differ for <b>{_esc(', '.join(differ))}</b>: there the split above is "
               "not what switching that source off would save.")

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        plotting.plot_attribution(rep.results, by=None, ax=ax, effects=fx)
        ax.set_title("Where the days go (left) and what each source causes (right)")

    return (
        f"<p>The causal effect of each source (its Shapley value: what switching it off saves, "
        f"averaged over every order of switching the sources off, the same candidates with "
        f"the same luck; {plural(rep.ablation_replications, 'run')} per combination) beside "
        f"the days attributed to its cause. {summary}</p>"
        '<table class="data" id="effects-table"><thead><tr><th>source</th>'
        "<th>attributed days</th><th>causal effect (days)</th><th>range</th>"
        "<th>saved if switched off alone</th><th>verdict</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        + _img(_figure_png(draw, (9.0, 4.6)), "attributed days beside causal effects"))


#: Why switching a source off can make the average wait longer, in plain words (the report
#: prints it beside any clear negative effect); other sources get :data:`WHY_LONGER_DEFAULT`.
WHY_LONGER: dict[str, str] = {
    "communication": "candidates who used to be ghosted now receive a rejection: their wait "
                     "now runs until that answer instead of stopping where it was cut short",
    "communication_ghosting": "candidates who used to be ghosted now receive a rejection, which "
                              "takes time to write and send: their wait now runs until that "
                              "answer instead of stopping where it was cut short",
    "scheduling": "meetings are held sooner, so the work after them reaches the same busy "
                  "people at the same time, or just misses a weekly committee",
    "calendar_load": "meetings are held sooner, so the work after them reaches the same busy "
                     "people at the same time, or just misses a weekly committee",
}
WHY_LONGER_DEFAULT = ("removing one delay changes when everything after it happens: work that "
                      "used to arrive spread out now reaches busy people at the same time, or "
                      "just misses a weekly committee (an interaction between delay sources)")


def _effect_rows(table: pd.DataFrame, label: str, words: Callable[[str], str],
                 data: str) -> tuple[list[str], list[tuple[str, float]]]:
    """Table rows of an ablation (or what-if) table, and the clearly longer ones."""
    mean = table[table["statistic"] == "restricted_mean"].sort_values("change")
    p90 = table[(table["statistic"] == "quantile") & np.isclose(table["q"], 0.9)]
    p90 = p90.set_index(label)
    rows, longer = [], []
    for row in mean.itertuples():
        src = str(getattr(row, label))
        change = -row.change
        p90_change = -float(p90.loc[src, "change"]) if src in p90.index else float("nan")
        if row.upper < 0:
            verdict = "shorter"
        elif row.lower > 0:
            verdict = "longer (see below)"
            longer.append((src, change))
        elif change < 0:
            verdict = "no clear change (the small increase is within the noise)"
        else:
            verdict = "no clear change"
        seconds = getattr(row, "seconds", float("nan"))
        tip = f"{src}" + (f" (computed in {seconds:.1f} s)" if seconds == seconds else "")
        rows.append(
            f'<tr><th title="{_esc(tip)}">{_esc(words(src))}</th>'
            f'<td class="num" data-{data}="{_esc(src)}">{_signed(change)}</td>'
            f'<td class="num">{_signed(-row.upper)} to {_signed(-row.lower)}</td>'
            f'<td class="num">{_signed(p90_change)}</td><td>{verdict}</td></tr>'
        )
    return rows, longer


def _effect_words(src: str) -> str:
    """A row of the what-would-help table in words: a delay source's or a what-if's."""
    return source_words(src) if "=" not in src else f"What if {what_if_words(src)}"


def _ablation_section(rep: Report) -> str:
    from hiresim.analysis.headline import definition
    from hiresim.present import plotting

    ab, custom = rep.ablation, rep.what_ifs
    if (ab is None or not len(ab)) and (custom is None or not len(custom)):
        return """
<section id="whatif"><h2>What would help most</h2>
<p>Not computed for this report (run without <code>--no-ablation</code> to include it).</p>
</section>"""
    head = rep.headline
    rows: list[str] = []
    longer: list[tuple[str, float]] = []
    lead = ""
    figure = ""
    if ab is not None and len(ab):
        rows, longer = _effect_rows(ab, "source", source_words, "ablation")
        mean = ab[ab["statistic"] == "restricted_mean"].sort_values("change")
        actionable = mean[mean["source"] != "calendar"]
        best = (actionable if len(actionable) else mean).iloc[0]
        lead = (f" The biggest gain within a company's reach: "
                f"<b>{_esc(source_words(str(best['source'])))}</b>, about "
                f"<b>{_signed(-best['change'])} days</b> on average.")
        # With few replications a percentile interval may not contain its point estimate;
        # plot_ablation draws error bars from the distances, which must not be negative.
        shown = ab.assign(lower=np.fmin(ab["lower"], ab["change"]),
                          upper=np.fmax(ab["upper"], ab["change"]))

        def draw(fig: Figure) -> None:
            ax = fig.add_subplot()
            plotting.plot_ablation(shown, ax=ax)
            ax.set_title("Change in the average wait with each delay source switched off")
            ax.set_xlabel("change in the average wait (calendar days; negative = shorter)")

        figure = _img(_figure_png(draw),
                      "change in the mean wait when each delay source is switched off")
    if custom is not None and len(custom):
        more, more_longer = _effect_rows(custom, "what_if",
                                         lambda t: f"What if {what_if_words(t)}", "what-if")
        rows.append('<tr><th colspan="5">your what-ifs</th></tr>')
        rows += more
        longer += more_longer
    explained = ""
    if longer:
        items = "".join(
            f"<li><b title=\"{_esc(src)}\">{_esc(_effect_words(src))}</b>: "
            f"{_signed(change)} days. "
            f"{_esc(WHY_LONGER.get(src, WHY_LONGER_DEFAULT)).capitalize()}.</li>"
            for src, change in longer)
        explained = (
            "<p>Where switching something off makes the average wait <em>longer</em>, it does "
            "not mean that this source of delay is good for candidates. The reasons:</p>"
            f"<ul>{items}</ul>")
    runs = plural(rep.ablation_replications, "run")
    return f"""
<section id="whatif">
<h2>What would help most</h2>
<p>Each delay source was switched off in turn (and each of your what-ifs applied) and the same
candidates, with the same luck, were simulated again ({runs} each). The average wait is
<b data-headline="whatif">{head.value:.1f} days</b> now, as above ({_esc(definition(head.tau))});
each row gives how many days of it would be saved.{lead}
“Days saved (90 % wait)” is the change of the wait within which nine in ten of the candidates
who are answered hear back. “Range” is a 95 % interval: when it includes 0 the effect is not
clear at this number of runs (a small negative number there is noise, not harm). Sources
already absent from the scenario change nothing. What each switch changes, exactly, is listed
in the documentation (“what-ifs”).</p>
<table class="data" id="whatif-table">
<thead><tr><th>if …</th><th>days saved (average)</th><th>range</th>
<th>days saved (90 % wait)</th><th>verdict</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
{explained}
{figure}
</section>"""


def _loss_section(rep: Report) -> str:
    s = rep.loss.summary.iloc[0]
    bw = rep.loss.by_wait
    rows = []
    for row in bw.itertuples():
        if row.at_risk == 0:
            continue
        stop = "more" if not np.isfinite(row.stop) else f"{row.stop:.0f}"
        rows.append(
            f'<tr><th>{row.start:.0f} – {stop} days</th><td class="num">{row.at_risk}</td>'
            f'<td class="num">{percent(row.withdrawal_rate)}</td>'
            f'<td class="num">{percent(row.cumulative_withdrawn)}</td></tr>'
        )
    declined = ("" if not np.isfinite(s["share_declined"]) else
                f" Of the {int(s['offers'])} offers made, {percent(s['share_declined'])} were "
                "declined.")
    return f"""
<section id="loss">
<h2>Candidates lost while waiting</h2>
<p><b data-loss="withdrawn">{percent(s['share_withdrawn'])}</b> of candidates withdrew (took another
job or gave up) before the process ended, and <b>{percent(s['share_ghosted'])}</b> were never told
the outcome.{declined} The longer the silence, the more candidates leave:</p>
<table class="data" id="loss-table">
<thead><tr><th>already waiting</th><th>still waiting</th><th>withdraw in this period</th>
<th>all waits withdrawn so far</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
</section>"""


def _open_section(rep: Report) -> str:
    """Each application open in the export, one compact line each (sortable and filterable in
    the page): where it waits, how long, and the date by which the candidate hears with the
    report's confidence (the candidate's message in the row's tooltip); then the candidates
    owed a rejection and the offers awaiting an answer, which are not forecast."""
    f = rep.forecast
    if f is None:
        return ""
    a = f.answers
    q = round(rep.confidence * 100)
    rows = []
    for r in a.itertuples():
        day = f.promised_day(r.application_id, rep.confidence)
        when = "no date yet" if day is None else _day(rep, day)
        order = "99999999" if day is None else f"{pd.Timestamp(day):%Y%m%d}"
        k = str(r.stage).removeprefix("round:")
        waiting = ("screening" if r.waiting_for == "screening"
                   else f"feedback, round {k}" if r.waiting_for == "feedback"
                   else f"interview, round {k}")
        cause = str(r.main_cause or "")
        rows.append(
            f'<tr title="{_esc(f.sentence(r.application_id, rep.confidence, rep.locale))}">'
            f'<td>{_esc(r.application_id)}</td><td>{_esc(waiting)}</td>'
            f'<td class="num" data-sort="{r.days_waited:.3f}">{r.days_waited:.0f}</td>'
            f'<td class="num" data-sort="{r.p_by_week_end:.4f}">{percent(r.p_by_week_end)}</td>'
            f'<td class="num" data-sort="{order}">{_esc(when)}</td>'
            f'<td class="num" data-sort="{r.p_withdraw_first:.4f}">'
            f'{percent(r.p_withdraw_first)}</td>'
            f'<td title="{_esc(cause)}">{_esc(cause_name(cause) if cause else "–")}</td></tr>')
    week_end = _day(rep, a["week_end"].iloc[0]) if len(a) else "Friday"
    s = f.state
    how = ("Each is simulated on from where it is, with the time it has already waited (only "
           "the runs in which it has not heard by now count)." if f.method == "simulation" else
           "Each is forecast from the same round's past waits in the records, given the time "
           "it has already waited (no simulation).")
    intro = (f"On {_day(rep, f.as_of)} the export has {plural(len(a), 'candidate')} waiting "
             f"for news. {how}")
    if rep.forecast_choice is not None:
        intro += " " + rep.forecast_choice.words()
    table = ""
    if len(a):
        table = f"""
<p>“By {_esc(week_end)}”: the chance of hearing by the end of this week; “{q} % by”: the day by
which the candidate hears back with {q} % probability (“no date yet”: they may never hear, or
not within {plural(f.horizon_days, 'day')}). Point at a row for the message to send. Click a
heading to sort; type to filter.</p>
<p><input type="search" id="open-filter" placeholder="filter: an id, a round, a cause…"
 aria-label="filter the open candidates"></p>
<div class="wide"><table class="data compact sortable" id="open-table">
<thead><tr><th>application</th><th>waiting for</th><th>days waited</th>
<th>by {_esc(week_end)}</th><th>{q} % by</th><th>withdraws first</th><th>mostly</th>
</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"""
    return f"""
<section id="open">
<h2>Open candidates</h2>
<p>{_esc(intro)}</p>{table}
{_owed_section(rep, s)}
{_offers_section(rep, s)}
</section>"""


def _owed_section(rep: Report, state: Any) -> str:
    """Candidates owed a rejection: decided, never told. Not a wait to forecast."""
    owed = sorted(getattr(state, "owed", []), key=lambda o: -o.days_owed)
    if not owed:
        return ""
    rows = "".join(
        f'<tr><td>{_esc(o.application_id)}</td><td>{_esc(o.job_id)}</td>'
        f'<td>{_esc(o.stage.replace("round:", "round "))}</td>'
        f'<td class="num" data-sort="{o.since:%Y%m%d}">{_esc(_day(rep, o.since))}</td>'
        f'<td class="num" data-sort="{o.days_owed:.3f}">{o.days_owed:.0f}</td>'
        f'<td>{"rejection recorded, not told" if o.reason == "rejected" else "job closed"}</td>'
        '</tr>' for o in owed)
    return f"""
<h3 id="owed">Owed a rejection: {plural(len(owed), 'candidate')}</h3>
<p>A decision was made and the candidate was never told: only telling them ends their wait, so
they are not forecast. A rejection recorded up to {state.owed_cutoff_days:.0f} days ago and not
yet told counts as on its way (it is forecast above); candidates on a job already closed are
owed one whatever its age.</p>
<div class="wide"><table class="data compact sortable" id="owed-table">
<thead><tr><th>application</th><th>job</th><th>stage</th><th>owed since</th>
<th>days owed</th><th>why</th></tr></thead><tbody>{rows}</tbody></table></div>"""


def _offers_section(rep: Report, state: Any) -> str:
    offers = sorted(getattr(state, "offers", []), key=lambda o: -o.days_waiting)
    if not offers:
        return ""
    rows = "".join(
        f'<tr><td>{_esc(o.application_id)}</td><td>{_esc(o.job_id)}</td>'
        f'<td class="num">{_esc(_day(rep, o.offered_at))}</td>'
        f'<td class="num">{o.days_waiting:.0f}</td></tr>' for o in offers)
    return f"""
<h3 id="offers">Offer made, awaiting answer: {plural(len(offers), 'candidate')}</h3>
<div class="wide"><table class="data compact" id="offers-table">
<thead><tr><th>application</th><th>job</th><th>offer made</th><th>days waiting</th></tr>
</thead><tbody>{rows}</tbody></table></div>"""


def _misfit(rep: Report) -> list[str]:
    """Where the scenario's promises fall outside the records' intervals (in words)."""
    if rep.observed is None:
        return []
    from hiresim.analysis.observed import disagreements

    return disagreements(rep.promises, rep.observed)


def _summary_section(rep: Report) -> str:
    """The first screen: the warning when the scenario does not match the records, what to
    promise, who waits and for how long, who is owed a rejection, and the one or two things
    that would help most, each in days."""
    items = []
    p = rep.promises[rep.promises["days_kind"] == "calendar"]
    promised = [(c, d) for c, d in zip(p["confidence"], p["promise_days"], strict=True)
                if np.isclose(c, (0.5, 0.8, 0.9)).any() and np.isfinite(d)]
    if promised:
        items.append("<li><b>Promise</b>: " + "; ".join(
            f"{c:.0%} of candidates hear within <b>{d:.0f} days</b>" for c, d in promised)
            + " of their interview.</li>")
    else:
        items.append("<li><b>Promise</b>: no wait can be promised to half of the candidates: "
                     "too many never hear back.</li>")
    f = rep.forecast
    if f is not None:
        a = f.answers
        if len(a):
            items.append(
                f"<li><b>{plural(len(a), 'candidate')} wait</b> for news now, for "
                f"<b>{_round(float(a['days_waited'].median()))} days</b> so far (half of them "
                f"longer; the longest {_round(float(a['days_waited'].max()))} days).</li>")
        owed = getattr(f.state, "owed", [])
        if owed:
            oldest = max(o.days_owed for o in owed)
            items.append(f'<li><b><a href="#owed">{plural(len(owed), "candidate")} are owed a '
                         f"rejection</a></b>: decided and never told, the longest for "
                         f"<b>{_round(oldest)} days</b>. Tell them.</li>")
        offers = getattr(f.state, "offers", [])
        if offers:
            items.append(f'<li><a href="#offers">{plural(len(offers), "offer")}</a> await the '
                         "candidate's answer.</li>")
    else:
        head = rep.headline
        if head is not None:
            items.append(f"<li>On average a candidate waits <b>{_round(head.value)} days</b> "
                         "after an interview.</li>")
    ab = rep.ablation
    if ab is not None and len(ab):
        mean = ab[(ab["statistic"] == "restricted_mean") & (ab["source"] != "calendar")
                  & (ab["upper"] < 0)].sort_values("change")
        best = [f"{source_words(str(r.source)).split(':')[0].split(' (')[0]} "
                f"(<b>{-r.change:.0f} days</b> shorter on average)"
                for r in mean.head(2).itertuples() if -r.change >= 0.5]
        if best:
            items.append('<li><b><a href="#whatif">What would help most</a></b>: '
                         + "; ".join(best) + ".</li>")
    warning = ""
    problems = _misfit(rep)
    if problems:
        warning = ('<p class="warning" id="misfit"><b>Warning: this scenario does not match '
                   "your records.</b> " + _esc("; ".join(problems)).capitalize()
                   + ". Its promises are not your company's until it is calibrated to them "
                   "(<code>hiresim calibrate</code>).</p>")
    return f"""
<section id="summary">
<h2>In two minutes</h2>
{warning}
<ul class="summary">{''.join(items)}</ul>
</section>"""


def _people_number(x: float) -> float:
    """A rate rounded for people: whole above 10, one decimal below."""
    return float(round(x)) if abs(x) >= 10 else round(float(x), 1)


def assumptions(scenario: Any, locale: str = "en") -> list[tuple[str, list[str]]]:
    """The scenario's key assumptions in plain words: ``[(heading, [sentence, ...]), ...]``
    (dates in ``locale``'s medium format)."""
    from babel.dates import format_date

    sc = scenario
    out: list[tuple[str, list[str]]] = []
    people = []
    for name, role in sc.roles.items():
        # "Works council: 3 people", not "3 works councils": a role name is not always a
        # person's title
        title = name.replace("_", " ")
        title = title.upper() if len(title) <= 3 else title[0].upper() + title[1:]  # VP, HR
        text = (f"{title}: {plural(role.count, 'person')}, "
                f"working on the “{role.calendar}” calendar")
        if role.calendar_load:
            text += (f", with {share(role.calendar_load)} of their time already in other "
                     "meetings")
            blocks = role.calendar_blocks
            if blocks is not None:
                lengths = sorted(set(blocks.minutes))
                span = (f"{lengths[0]} minutes" if len(lengths) == 1
                        else f"{lengths[0]} to {lengths[-1]} minutes")
                text += (f" ({span} each, {share(blocks.recurring)} of that time weekly "
                         f"recurring, {share(blocks.packed)} back to back"
                         + (f", {blocks.free} kept free" if blocks.free else "") + ")")
        if role.assignment == "pool":
            text += "; tasks go to whoever is free first"
        people.append(text + ".")
    out.append(("People", people))
    cals = []
    for name, cal in sc.calendars.items():
        if cal.always_open:
            cals.append(f"“{name}”: open around the clock, no holidays.")
            continue
        text = f"“{name}”: {', '.join(cal.weekdays)}, {cal.hours[0]}–{cal.hours[1]}"
        if cal.lunch:
            text += f" (lunch {cal.lunch[0]}–{cal.lunch[1]})"
        if cal.country:
            text += f", public holidays of {cal.country}"
            if cal.subdivision:
                text += f"-{cal.subdivision}"
        if cal.closed:
            text += f", {plural(len(cal.closed), 'extra closed day')}"
        cals.append(text + ".")
    out.append(("Working calendars", cals))
    req = sc.requisitions
    flow = [
        f"{plural(req.initial, 'open position')} at the start, "
        f"{plural(_people_number(req.rate_per_month), 'new one')} a month; "
        f"{plural(_people_number(sc.candidates.rate_per_week), 'candidate')} a week per open "
        "position reach "
        "the interviews"
        + (f" (at most {sc.candidates.max_per_requisition} per position)."
           if sc.candidates.max_per_requisition else "."),
        f"Candidates arrive over {plural(sc.horizon_days, 'day')} from "
        f"{format_date(sc.start, 'medium', locale=locale.replace('-', '_'))}.",
    ]
    if sc.screening:
        flow.append(f"A recruiter screen first ({duration_words(sc.screening.work)}); "
                    f"{share(sc.screening.pass_probability)} pass.")
    out.append(("Positions and candidates", flow))
    rounds = []
    for i, rnd in enumerate(sc.rounds, 1):
        who = (f"{plural(rnd.panel, 'person')} of the "
               f"{rnd.panel_role.replace('_', ' ')} role" if rnd.panel > 1 else
               f"one {rnd.panel_role.replace('_', ' ')}")
        if rnd.hiring_manager_attends:
            who += " and the hiring manager"
        d = rnd.decision
        rounds.append(
            f"Round {i} “{rnd.name or i}”: {rnd.interview_minutes} minutes with {who}; then "
            f"{share(d.advance)} go on, {share(d.offer)} get an offer, {share(d.reject)} "
            "are rejected."
        )
    rounds.append(f"Each interviewer writes a scorecard: {duration_words(sc.scorecards.work)}.")
    if sc.debrief:
        rounds.append(f"A {sc.debrief.minutes}-minute debrief of the panel and hiring manager"
                      + (" and recruiter" if sc.debrief.recruiter_attends else "")
                      + ", at the first slot where all are free.")
    if sc.decision:
        rounds.append(f"The hiring manager decides: {duration_words(sc.decision.work)}.")
    out.append(("Interview rounds", rounds))
    said: dict[str, list[str]] = {}  # what each mechanism says, under its headings in order
    for cls in mechanisms_of(sc):
        block = cls.block_in(sc)
        if block is not None:
            for heading, lines in cls.describe(sc, block):
                said.setdefault(heading, []).extend(lines)
    out.extend(said.items())
    out.append(("Offers", [f"{share(sc.offers.accept_probability)} of offers are accepted."]))
    return out


def _assumptions_section(rep: Report) -> str:
    blocks = "".join(
        f"<h3>{_esc(head)}</h3><ul>{''.join(f'<li>{_esc(s)}</li>' for s in items)}</ul>"
        for head, items in assumptions(rep.scenario, rep.locale) if items
    )
    return f"""
<section id="assumptions">
<h2>What the simulation assumes</h2>
<p>The numbers above are only as good as these assumptions. If your company differs, change the
scenario file and run the report again.</p>
{blocks}
</section>"""


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:#1f2328;max-width:60rem;margin:2rem auto;padding:0 1.5rem;line-height:1.5}
h1{font-size:1.9rem;margin-bottom:.2rem}h2{border-bottom:2px solid #d0d7de;
padding-bottom:.2rem;margin-top:2.4rem}h3{margin-bottom:.2rem}
.sub{color:#57606a;margin-top:0}.lead{font-size:1.08rem}
table.data{border-collapse:collapse;margin:1rem 0;width:100%}
table.data th,table.data td{border-bottom:1px solid #d0d7de;padding:.35rem .6rem;
text-align:left;vertical-align:top}table.data thead th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.never{color:#b2182b;font-weight:600}.small{color:#57606a;font-size:.85rem}
ul.promises li{margin:.3rem 0}figure{margin:1rem 0}figure img{max-width:100%;height:auto}
nav a{margin-right:1rem}footer{margin-top:3rem;color:#57606a;font-size:.9rem;
border-top:1px solid #d0d7de;padding-top:.8rem}code{background:#f6f8fa;padding:0 .2rem}
table.data td{overflow-wrap:anywhere}table.data th{overflow-wrap:break-word}
div.wide{max-width:100%;overflow-x:auto}
table.compact td,table.compact th{padding:.15rem .5rem;white-space:nowrap;
overflow-wrap:normal}table.sortable thead th{cursor:pointer;user-select:none}
table.sortable thead th[aria-sort=ascending]::after{content:" ▲"}
table.sortable thead th[aria-sort=descending]::after{content:" ▼"}
p.warning{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .8rem}
ul.summary li{margin:.35rem 0;font-size:1.05rem}#open-filter{width:20rem;max-width:100%}
header p{margin:.3rem 0}
"""

#: Sorting and filtering of the tables marked ``sortable`` (no external resources): a click
#: on a heading sorts by the cells' ``data-sort`` (or their text), again to reverse; the
#: search box above the open candidates hides the rows that do not contain its text.
_JS = """
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('thead th').forEach(function(th,i){
  th.addEventListener('click',function(){
   var b=t.tBodies[0],rows=Array.from(b.rows),up=th.getAttribute('aria-sort')!=='ascending';
   t.querySelectorAll('thead th').forEach(function(h){h.removeAttribute('aria-sort');});
   th.setAttribute('aria-sort',up?'ascending':'descending');
   function key(r){var c=r.cells[i];var v=c.getAttribute('data-sort');
    if(v===null){v=c.textContent.trim();}var n=parseFloat(v);
    return isNaN(n)||!/^-?[0-9.]+$/.test(v)?v.toLowerCase():n;}
   rows.sort(function(x,y){var a=key(x),c=key(y);var r=a<c?-1:a>c?1:0;return up?r:-r;});
   rows.forEach(function(r){b.appendChild(r);});});});});
var box=document.getElementById('open-filter');
if(box){box.addEventListener('input',function(){var q=box.value.toLowerCase();
 document.querySelectorAll('#open-table tbody tr').forEach(function(r){
  r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});}
"""


def _created(rep: Report) -> str:
    """When the page was made, its date in the page's one format."""
    try:
        when = pd.Timestamp(rep.created)
    except ValueError:
        return rep.created
    return f"{_day(rep, when)} {when:%H:%M}"


def render(rep: Report) -> str:
    """The HTML page of a :class:`Report` (self-contained: no external resources)."""
    from hiresim.results import dependency_versions

    version = dependency_versions()["hiresim"]
    sc = rep.scenario
    waits = len(rep.results.journeys)
    cands = len(rep.results.candidates)
    title = f"How long candidates wait — {sc.name}"
    nav = "".join(f'<a href="#{a}">{t}</a>' for a, t in (
        ("summary", "Summary"), ("promise", "Promise"),
        *([("open", "Open candidates")] if rep.forecast is not None else []),
        ("curve", "The wait"), ("causes", "Where the days go"),
        ("whatif", "What would help"), ("loss", "Candidates lost"),
        ("assumptions", "Assumptions")))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hiresim {version}">
<title>{_esc(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_esc(title)}</h1>
<p class="sub">{_esc(sc.description)}</p>
<p class="small">From {plural(rep.replications, "simulated run")} of
{plural(sc.horizon_days, "day")} each: {plural(cands, "candidate")} and
{plural(waits, "wait")} for feedback after an interview. Days are calendar days unless marked
“working days”.</p>
<nav>{nav}</nav>
</header>
{_summary_section(rep)}
{_promise_section(rep)}
{_open_section(rep)}
{_survival_section(rep)}
{_attribution_section(rep)}
{_ablation_section(rep)}
{_loss_section(rep)}
{_assumptions_section(rep)}
<footer>Made with hiresim {version} on {_esc(_created(rep))}: scenario “{_esc(sc.name)}”,
{plural(rep.replications, "replication")}{_precision_note(rep)}, seed {rep.seed}
{f"; what-ifs with {plural(rep.ablation_replications, 'replication')} each"
 if rep.ablation is not None or rep.what_ifs is not None else ""}. The same command with the
same seed gives the same numbers. This is a simulation: it shows what the stated assumptions
imply, not a measurement of your company.</footer>
<script>{_JS}</script>
</body>
</html>
"""
