"""Fitting a scenario to a company's history: direct estimates, then latent times by simulation.

(The module is ``calibration``, not ``calibrate``, so that importing it never shadows the
function ``hs.calibrate`` on the package, as ``sweeps`` does for ``hs.sweep``.)

:func:`calibrate` takes a :class:`~hiresim.records.history.History` (read with
:func:`hiresim.read_ats`) and a base scenario, and returns a :class:`Calibration`:

1. **Direct estimates** (with 95 % intervals) of what the records show outright: the
   company's organisation from :func:`hiresim.structure` (people by id, teams, panels, rounds,
   office hours, committee and weekly meetings, ghosting; see
   :mod:`hiresim.inference.organisation`), how often requisitions open, how many candidates
   arrive per open requisition and week, the screening pass share, each round's decision
   shares, the offer decline share, and the candidates' withdrawal hazard (censoring-aware:
   withdrawals per day of exposure while waiting). They are written into the scenario.
2. **Latent parameters** the records do not show (work durations, calendar loads, approval
   times, committee days) are fitted by simulation: the scenario is simulated with candidate
   values and the distance between simulated and observed waits for feedback is minimised. The
   distance is a weighted sum, over rounds and the quantiles :data:`QUANTILES`, of squared
   relative differences of Kaplan-Meier quantiles (censoring-aware on both sides). Every trial
   uses the same seed (common random numbers), so differences between trials come from the
   parameters, not from luck. The optimiser is optuna's TPE sampler: the space mixes
   continuous scales and discrete committee days, the distance is noisy and not smooth, and a
   budget of simulations is what a user can give; a seeded sampler is reproducible.
3. An **identifiability report**: for each latent parameter, the distance at half and twice
   the fitted value (others fixed). A flat profile means the data cannot pin the parameter
   down: it is reported as such and left at its base value.
4. A **fit report** (:func:`fit_table`, :func:`structure_table`) and its warnings
   (:attr:`Calibration.misfit`): every figure the calibrated scenario does not reproduce
   within the records' interval.

Trials are proposed :data:`TRIALS_AT_ONCE` at a time and run side by side through the one
worker pool; each simulates :data:`FIT_DAYS` after a :data:`WARMUP_DAYS` warm start.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from hiresim.analysis.km import curve_quantiles, km_table
from hiresim.records.ats import require_waits
from hiresim.scenario import Scenario, as_scenario, load_scenario
from hiresim.scenario.writing import scenario_toml

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hiresim.inference.estimates import Quantity
    from hiresim.inference.structure import Structure
    from hiresim.records.history import History
    from hiresim.results import Results
    from hiresim.tables import JourneysLike

#: Quantiles of the wait for feedback that the distance compares, per round.
QUANTILES = (0.25, 0.5, 0.75, 0.9)
#: A simulated quantile that is never reached counts as this many times the observed one.
NEVER_REACHED = 3.0
#: A latent parameter whose profile changes the distance by less than this share of it, at
#: half and at twice its value (both sides), is not identifiable from the data.
FLAT = 0.03
#: Trials the optimiser proposes at once (TPE with a "constant liar" for the ones still
#: running); fixed, so that the result does not depend on ``workers``.
TRIALS_AT_ONCE = 4
#: Days each trial of the fit simulates after its warm start (see :func:`calibrate`).
FIT_DAYS = 182
#: Days of a trial's warm start: the company's queues and open jobs reach their usual state.
WARMUP_DAYS = 42
#: Committee calendars a fit may choose from (sessions per week).
COMMITTEE_WEEKS: tuple[tuple[str, ...], ...] = (
    ("Thu",), ("Tue", "Thu"), ("Mon", "Wed", "Fri"), ("Mon", "Tue", "Wed", "Thu", "Fri"))


@dataclass(frozen=True)
class Estimate:
    """A parameter estimated directly from the records, with its 95 % interval."""

    path: str
    value: float
    lower: float
    upper: float
    n: int
    source: str


@dataclass(frozen=True)
class Latent:
    """A parameter fitted by simulation: a scale of a duration, a share, or committee days."""

    path: str
    kind: str  # "scale" (multiplies a duration), "share" (a value in [0, 0.9]), "weekdays"
    base: Any


@dataclass
class Calibration:
    """The result of :func:`calibrate`.

    Attributes:
        scenario: the calibrated, valid scenario.
        estimates: the direct estimates (``path``, ``value``, ``lower``, ``upper``, ``n``,
            ``source``).
        latent: the latent parameters (``path``, ``kind``, ``base``, ``fitted``, ``used``,
            ``profile_low``, ``profile_high``, ``identifiable``): ``used`` is what the scenario
            holds (the base value where the data cannot identify the parameter).
        fit: observed against simulated quantiles per round (``round``, ``q``, ``observed``,
            ``observed_lower``, ``observed_upper``, ``simulated``, ``simulated_lower``,
            ``simulated_upper``), and the shares of outcomes (``round`` 0 rows).
        distance: the distance of the calibrated scenario.
        trials: the distance of every trial, in order.
    """

    scenario: Scenario
    estimates: pd.DataFrame
    latent: pd.DataFrame
    fit: pd.DataFrame
    distance: float
    trials: list[float] = field(default_factory=list)
    history: History | None = None
    results: Results | None = None
    #: What the records lacked and what was done instead (degraded exports), and what the
    #: scenario could not hold (see :mod:`hiresim.inference.organisation`).
    notes: list[str] = field(default_factory=list)
    #: The organisation read from the records (:func:`hiresim.structure`).
    structure: Structure | None = None

    @property
    def misfit(self) -> list[str]:
        """Warnings, one per figure the calibrated scenario could not reproduce: a simulated
        figure of :attr:`fit` outside the records' interval (see :func:`fit_table` for the
        rule), a figure the simulation never reached, or a distance that is not a number.
        Empty when the fit holds everywhere the records can tell."""
        out = []
        if not math.isfinite(self.distance):
            out.append(f"the fit's distance is {self.distance}: the simulated waits never "
                       "reach the records' quantiles")
        for row in self.fit.itertuples():
            inside = getattr(row, "inside", None)  # NaN: the records give no interval
            if not isinstance(inside, bool | np.bool_) or inside:
                continue
            out.append(misfit_line(row))
        return out

    def to_toml(self, path: str | Path) -> Path:
        """Write the calibrated scenario as a TOML file; every estimated or fitted value
        carries a comment saying from which data it came."""
        out = Path(path)
        out.write_text(scenario_toml(self.scenario, self._comments(),
                                     f"{self.scenario.name}: written by hiresim.calibrate"),
                       encoding="utf-8")
        return out

    def _comments(self) -> dict[str, str]:
        notes = {}
        for row in self.estimates.itertuples():
            notes[row.path] = (f"estimated: {row.source} (95 % interval {row.lower:.3g}"
                               f"-{row.upper:.3g}, n = {row.n})")
        for row in self.latent.itertuples():
            if row.identifiable:
                notes[row.path] = (f"fitted by simulation to the observed waits "
                                   f"(x{row.used:.3g} of the base)" if row.kind == "scale"
                                   else "fitted by simulation to the observed waits")
            else:
                notes[row.path] = "base value: the history cannot pin this down (flat profile)"
        return notes

    def plot(self, ax: Axes | None = None) -> Axes:
        """Survival curves of the wait for feedback, observed against simulated, per round."""
        import matplotlib.pyplot as plt

        from hiresim.present.plotting import CAUSE_COLORS

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        if self.history is None or self.results is None:
            raise ValueError("plot needs the history and the simulated results")
        colors = list(CAUSE_COLORS.values())
        for k in sorted(set(self.history.waits["round"])):
            color = colors[(3 * k) % len(colors)]
            for source, table, style in (("observed", self.history.waits, "-"),
                                         ("simulated", self.results.journeys, "--")):
                sub = table[table["round"] == k]
                if sub.empty:
                    continue
                km = km_table(sub["days_to_feedback"].to_numpy(float),
                              ~sub["censored"].to_numpy(bool))
                ax.step(km["days"], km["survival"], where="post", linestyle=style, color=color,
                        label=f"round {k}, {source}")
        ax.set_xlabel("days since the interview")
        ax.set_ylabel("share still waiting for feedback")
        ax.set_ylim(0, 1.02)
        ax.legend(frameon=False, fontsize=8)
        return ax

    def __repr__(self) -> str:
        fitted = int(self.latent["identifiable"].sum()) if len(self.latent) else 0
        return (f"Calibration({self.scenario.name!r}: {len(self.estimates)} estimates, "
                f"{fitted} of {len(self.latent)} latent parameters identified, "
                f"distance {self.distance:.4f}, {len(self.misfit)} figures outside the "
                f"records' intervals)")


# ---------------------------------------------------------------------------------------------
# Direct estimates


def direct_estimates(history: History, cap: int | None = None) -> list[Estimate]:
    """What the records show outright (see the module docstring), with 95 % intervals.

    Each is :func:`hiresim.structure`'s estimate of the same quantity (the one definition,
    in :mod:`hiresim.inference.outcomes`), placed at its scenario path. ``cap``: candidates
    per requisition after which arrivals stop (``candidates.max_per_requisition``): a job that
    reached it received no more applications, so its exposure for the arrival rate ends at its
    ``cap``-th application.
    """
    from hiresim.inference import outcomes
    from hiresim.inference.facts import facts

    f = facts(history)
    placed: list[tuple[str, Quantity]] = []
    rate, initial, _ = outcomes.jobs(f)
    placed += [("requisitions.rate_per_month", rate), ("requisitions.initial", initial),
               ("candidates.rate_per_week", outcomes.arrivals(f, cap)),
               ("screening.pass_probability", outcomes.screening(f))]
    for q in outcomes.decisions(f):  # decision.round_<k>.<choice>
        _, label, choice = q.quantity.split(".")
        placed.append((f"rounds.{int(label.removeprefix('round_')) - 1}.decision.{choice}", q))
    accept = outcomes.offers(f)[0]
    if accept.n:
        placed.append(("offers.accept_probability", accept))
    hazard = next(q for q in outcomes.withdrawals(f) if q.quantity == "withdrawals.hazard_per_day")
    placed.append(("candidates.patience.hazard_per_day", hazard))
    return [Estimate(path, q.value, q.low, q.high, q.n, q.note or q.source)
            for path, q in placed if math.isfinite(q.value)]


def apply_estimates(base: Scenario, history: History, estimates: list[Estimate],
                    organisation: Structure | None = None,
                    notes: list[str] | None = None) -> Scenario:
    """The base scenario with the history's span and the direct estimates written in; with
    ``organisation`` (:func:`hiresim.structure` of the history), the company's people, teams,
    panels, office hours and habits too (:mod:`hiresim.inference.organisation`): their
    estimates are appended to ``estimates`` and what was substituted to ``notes``."""
    data = base.model_dump(mode="json")
    t0 = history.applications["applied_at"].min()
    start = (t0 - pd.Timedelta(days=t0.weekday())).date()  # the Monday of the first week
    data["start"] = start.isoformat()
    span = (history.exported_at - pd.Timestamp(start)) / pd.Timedelta(days=1)
    data["horizon_days"] = max(math.ceil(span), 7)
    data["warmup_days"] = 0
    rounds = int(history.waits["round"].max()) if len(history.waits) else len(data["rounds"])
    while len(data["rounds"]) < rounds:
        data["rounds"].insert(-1, copy.deepcopy(data["rounds"][0]))
    data["rounds"] = data["rounds"][:rounds]
    by_path = {e.path: e for e in estimates}
    for e in estimates:
        if e.path.startswith("rounds.") or e.path.startswith("candidates.patience"):
            continue
        if e.path.startswith("screening.") and data.get("screening") is None:
            continue
        _set(data, e.path, int(e.value) if e.path == "requisitions.initial" else e.value)
    if data["requisitions"]["initial"] == 0 and data["requisitions"]["rate_per_month"] == 0:
        data["requisitions"]["initial"] = 1
    for k in range(rounds):
        shares = {c: by_path.get(f"rounds.{k}.decision.{c}") for c in ("advance", "offer",
                                                                       "reject")}
        if all(v is not None for v in shares.values()):
            values = {c: float(v.value) for c, v in shares.items() if v is not None}
            if k == rounds - 1:  # the last round cannot advance: its advances become offers
                values["offer"] += values.pop("advance")
                values["advance"] = 0.0
            total = sum(values.values())
            data["rounds"][k]["decision"] = {c: round(v / total, 6) for c, v in values.items()}
            data["rounds"][k]["decision"]["reject"] = round(
                1.0 - data["rounds"][k]["decision"]["advance"]
                - data["rounds"][k]["decision"]["offer"], 6)
    hazard = by_path.get("candidates.patience.hazard_per_day")
    if hazard is not None and hazard.value > 0:
        data["candidates"]["patience"] = {
            "days": {"dist": "exponential", "mean": round(1.0 / hazard.value, 3),
                     "unit": "calendar_days"},
            "never_withdraw": 0.0}
    elif hazard is not None:
        data["candidates"]["patience"] = None
    if organisation is not None:
        from hiresim.inference.organisation import organise

        org = organise(data, history, organisation)
        estimates += [Estimate(path, q.value, q.low, q.high, q.n, q.note or q.source)
                      for path, q in org.placed]
        if notes is not None:
            notes += org.notes
    return load_scenario(data, source="calibration")


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[parts[-1]] = value


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


# ---------------------------------------------------------------------------------------------
# Latent parameters and the distance


def default_free(scenario: Scenario) -> list[str]:
    """The latent parameters fitted by default: work durations, calendar loads of the people
    who meet, approval step times and committee days."""
    s = scenario
    paths = ["scorecards.work"]
    if s.decision is not None:
        paths.append("decision.work")
    if s.screening is not None:
        paths.append("screening.work")
    if s.approvals is not None:
        for k, step in enumerate(s.approvals.steps):
            paths.append(f"approvals.steps.{k}.committee.weekdays" if step.committee
                         else f"approvals.steps.{k}.work")
    meeting_roles = {s.requisitions.hiring_manager_role} | {r.panel_role for r in s.rounds}
    paths += [f"roles.{r}.calendar_load" for r in s.roles if r in meeting_roles]
    return paths


def _latents(scenario: Scenario, free: Sequence[str]) -> list[Latent]:
    data = scenario.model_dump(mode="json")
    out = []
    for path in free:
        try:
            value = _get(data, path)
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"free: no field {path!r} in the scenario") from None
        if path.endswith("weekdays"):
            out.append(Latent(path, "weekdays", tuple(value)))
        elif isinstance(value, dict) and "dist" in value:
            out.append(Latent(path, "scale", value))
        elif isinstance(value, int | float) and path.endswith("calendar_load"):
            out.append(Latent(path, "share", float(value)))
        else:
            raise ValueError(f"free: {path!r} is not a duration, a calendar_load or committee "
                             "weekdays")
    return out


def scaled(spec: dict[str, Any], factor: float) -> dict[str, Any]:
    """A duration spec (as a dict) with every time parameter multiplied by ``factor``."""
    out = {k: v for k, v in spec.items() if v is not None}
    for key in ("value", "mean", "low", "high", "mode", "median", "p90"):
        if key in out:
            out[key] = out[key] * factor
    if "mu" in out:
        out["mu"] = out["mu"] + math.log(factor)
    if "samples" in out:
        out["samples"] = [x * factor for x in out["samples"]]
    return out


def _with(scenario: Scenario, latents: list[Latent], values: dict[str, Any]) -> Scenario:
    data = scenario.model_dump(mode="json")
    for lat in latents:
        value = values.get(lat.path)
        if value is None:
            continue
        if lat.kind == "scale":
            _set(data, lat.path, scaled(lat.base, float(value)))
        else:
            _set(data, lat.path, list(value) if lat.kind == "weekdays" else float(value))
    return Scenario.model_validate(data)


def km_quantiles(table: pd.DataFrame, levels: Sequence[float] = QUANTILES
                 ) -> dict[int, np.ndarray]:
    """Kaplan-Meier quantiles of the wait per round (NaN where never reached)."""
    out = {}
    for k, sub in table.groupby("round"):
        km = km_table(sub["days_to_feedback"].to_numpy(float), ~sub["censored"].to_numpy(bool))
        out[int(k)] = curve_quantiles(km["days"], km["survival"][None, :],
                                      1.0 - np.asarray(levels))[0]
    return out


def distance(observed: dict[int, np.ndarray], weights: dict[int, float],
             simulated: JourneysLike) -> float:
    """Weighted squared relative differences of the per-round quantiles (see the module)."""
    sim = km_quantiles(simulated.journeys)
    total = 0.0
    for k, obs in observed.items():
        scale = max(float(np.nanmedian(obs)) if np.isfinite(obs).any() else 1.0, 0.5)
        got = sim.get(k, np.full(len(obs), np.nan))
        for o, g in zip(obs, got, strict=True):
            if not np.isfinite(o):
                continue
            g = g if np.isfinite(g) else NEVER_REACHED * o
            total += weights[k] * ((g - o) / scale) ** 2
    return total


# ---------------------------------------------------------------------------------------------
# The calibration


def calibrate(history: History, base: Scenario | str | dict[str, Any] = "default",
              free: Sequence[str] | None = None, budget: int = 40, replications: int = 4,
              seed: int = 0, workers: Any = None, progress: bool = False,
              fit_days: int | None = FIT_DAYS, organisation: bool = True,
              fixed: dict[str, Any] | None = None) -> Calibration:
    """Fit a scenario to a company's history (see the module docstring for the method).

    Args:
        history: the company's records (:func:`hiresim.read_ats`).
        base: the scenario to start from (:func:`hiresim.scenario.as_scenario`: a Scenario,
            a preset name, a path or a dict). It supplies what the records cannot show (the
            approval chain's people, disruptions, absences, the shapes of durations); the
            company's organisation (people by id, teams, panels, rounds, office hours, habits)
            and what the history shows are estimated into it, and the ``free`` latent
            parameters are fitted.
        free: dotted paths of the latent parameters (durations, ``roles.<r>.calendar_load``,
            ``approvals.steps.<k>.committee.weekdays``); default :func:`default_free`.
        budget: simulations of the fit (optuna trials), besides the profile runs.
        replications: replications per trial (the same seed for every trial).
        seed: the seed of every simulation and of the optimiser.
        workers: as in :func:`hiresim.simulate`: the optimiser proposes
            :data:`TRIALS_AT_ONCE` trials at a time, and they run side by side through the
            project's one worker pool (:func:`hiresim.runner.run_units`), as do the profile
            runs; the result is the same whatever ``workers``.
        progress: show a progress bar over the trials.
        fit_days: days simulated by each trial after a :data:`WARMUP_DAYS` warm start (the
            waits of a company in its usual state; a shorter span than the history's when the
            history is longer); ``None``: every trial simulates the history's whole span. The
            calibrated scenario and its fit report always span the whole history.
        organisation: build the company's organisation from :func:`hiresim.structure`
            (``False``: keep the base's people, teams and panels, as before issue 21).
        fixed: ``{dotted path: value}`` that you know better than the records (a headcount,
            a committee day): applied after the records' estimates, so they win over them,
            and never fitted (``hiresim calibrate --set``). A note lists each.
    """
    import optuna

    from hiresim import arguments as check
    from hiresim.inference.structure import structure
    from hiresim.runner import simulate

    budget = check.whole("budget", budget, 1)
    replications = check.whole("replications", replications, 1)
    seed = check.seed("seed", seed)
    workers = check.workers("workers", workers)
    fit_days = check.whole("fit_days", fit_days, 7, none=True)
    organisation = check.flag("organisation", organisation)
    base_scenario = as_scenario(base)
    require_waits(history, "calibrate on")  # an ATSError (bad input, exit 2), not a crash
    cap = base_scenario.candidates.max_per_requisition
    most = int(history.applications.groupby("job_id").size().max())
    if cap is not None and most > cap:  # the company has no such cap: arrivals go on
        base_scenario = base_scenario.with_overrides({"candidates.max_per_requisition": None})
        cap = None
    st = structure(history) if organisation else None
    notes: list[str] = list(st.notes) if st is not None else []
    estimates = direct_estimates(history, cap)
    start = apply_estimates(base_scenario, history, estimates, st, notes)
    if fixed:
        start = start.with_overrides(dict(fixed), source="fixed")
        notes += [f"{path} = {value!r}: set by you, kept over the records' estimate and not "
                  "fitted" for path, value in fixed.items()]
    if free is None:  # what the records showed (a committee's day) is not fitted again
        shown = {e.path for e in estimates} | set(fixed or ())
        free = [p for p in default_free(start) if p not in shown]
    latents = _latents(start, free)
    observed = km_quantiles(history.waits)
    counts = history.waits["round"].value_counts()
    weights = {int(k): float(counts[k]) / float(counts.sum()) for k in counts.index}
    trial_base = _short(start, fit_days)

    def distances(batch: list[dict[str, Any]]) -> list[float]:
        """The distance of each set of values: one unit of work each, run side by side."""
        from hiresim.runner import build_tables, run_units, worker_payload

        scenarios = [_with(trial_base, latents, values) for values in batch]
        units = [(worker_payload(sc), range(replications)) for sc in scenarios]
        out = [math.nan] * len(batch)
        for k, cols in run_units(units, seed, workers, event_log=False, ordered=False):
            tables = build_tables(cols, scenarios[k])
            out[k] = distance(observed, weights, _Journeys(tables["journeys"]))
        return out

    width = TRIALS_AT_ONCE
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed,
                                                                   constant_liar=True))
    study.enqueue_trial(_base_params(latents))  # the base itself is the first candidate
    bar = _bar(budget) if progress else None
    done = 0
    while done < budget:
        trials = [study.ask() for _ in range(min(width, budget - done))]
        values = [_suggest(t, latents) for t in trials]
        for trial, d in zip(trials, distances(values), strict=True):
            study.tell(trial, d if math.isfinite(d) else 1e12)
        done += len(trials)
        if bar is not None:
            bar.update(len(trials))
    if bar is not None:
        bar.close()
    best = _decode(latents, study.best_params)
    best_distance = float(study.best_value)
    # profiles: half and twice each fitted value, the others fixed at the best (all of them
    # side by side). A profile point better than the best is taken (a greedy polish).
    points = []
    for lat in latents:
        low_value, high_value = _neighbours(lat, best[lat.path])
        points += [{**best, lat.path: low_value}, {**best, lat.path: high_value}]
    profile = distances(points) if points else []
    rows = []
    polish: dict[str, Any] = {}
    for i, lat in enumerate(latents):
        low_value, high_value = _neighbours(lat, best[lat.path])
        d_low, d_high = profile[2 * i], profile[2 * i + 1]
        change = max(abs(d_low - best_distance), abs(d_high - best_distance))
        identifiable = change > FLAT * max(best_distance, 1e-9) + 1e-12
        if identifiable and min(d_low, d_high) < best_distance:
            polish[lat.path] = low_value if d_low < d_high else high_value
        rows.append({"path": lat.path, "kind": lat.kind, "base": _cell(lat, _base_value(lat)),
                     "fitted": _cell(lat, best[lat.path]), "profile_low": d_low,
                     "profile_high": d_high, "identifiable": identifiable})
    if polish:  # each better profile point alone was better: check them together
        joint = {**best, **polish}
        d_joint = distances([joint])[0]
        if d_joint < best_distance:
            best, best_distance = joint, d_joint
    used = {lat.path: best[lat.path] if row["identifiable"] else _base_value(lat)
            for lat, row in zip(latents, rows, strict=True)}
    for lat, row in zip(latents, rows, strict=True):
        row["fitted"] = _cell(lat, best[lat.path])
        row["used"] = _cell(lat, used[lat.path])
    scenario = _with(start, latents, used).model_copy(update={
        "name": f"{start.name} (calibrated)"})
    scenario = load_scenario(scenario.model_dump(mode="json"), source="calibration")
    final = simulate(_as_recorded(scenario), replications=replications, seed=seed,
                     event_log=False, workers=workers)
    final_distance = distance(observed, weights, final)
    fit = fit_table(history, final)
    if st is not None:
        fit = pd.concat([fit, structure_table(st, _as_recorded(scenario), seed)],
                        ignore_index=True)
    return Calibration(
        scenario=scenario,
        estimates=pd.DataFrame([e.__dict__ for e in estimates]),
        latent=pd.DataFrame(rows, columns=["path", "kind", "base", "fitted", "used",
                                           "profile_low", "profile_high", "identifiable"]),
        fit=fit,
        distance=final_distance,
        trials=[float(t.value) for t in study.trials if t.value is not None],
        history=history,
        results=final,
        notes=notes,
        structure=st,
    )


@dataclass
class _Journeys:
    """A journeys table where :func:`distance` expects Results."""

    journeys: pd.DataFrame


def _bar(n: int) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=n, unit="trial", leave=False)


def _short(scenario: Scenario, fit_days: int | None) -> Scenario:
    """The scenario a trial simulates: ``fit_days`` after a :data:`WARMUP_DAYS` warm start
    (the waits of the warm-up are left out), when that is shorter than the history's span;
    nothing after the last arrival (waits open then are censored, as the records' are at the
    export)."""
    if fit_days is None or fit_days + WARMUP_DAYS >= scenario.horizon_days:
        return _as_recorded(scenario)
    return scenario.with_overrides({"horizon_days": fit_days + WARMUP_DAYS,
                                    "warmup_days": WARMUP_DAYS, "drain_days": 0},
                                   source="calibration")


def _as_recorded(scenario: Scenario) -> Scenario:
    """The scenario as its records end: no drain after the last arrival, so that waits still
    open at the export's time are open (censored) in the simulation too."""
    return scenario.with_overrides({"drain_days": 0}, source="calibration")


def _suggest(trial: Any, latents: list[Latent]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for lat in latents:
        if lat.kind == "scale":
            values[lat.path] = trial.suggest_float(lat.path, 0.2, 5.0, log=True)
        elif lat.kind == "share":
            values[lat.path] = trial.suggest_float(lat.path, 0.0, 0.85)
        else:
            index = trial.suggest_int(lat.path, 0, len(COMMITTEE_WEEKS) - 1)
            values[lat.path] = COMMITTEE_WEEKS[index]
    return values


def _base_value(lat: Latent) -> Any:
    return 1.0 if lat.kind == "scale" else lat.base


def _base_params(latents: list[Latent]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lat in latents:
        if lat.kind == "weekdays":
            options = [tuple(w) for w in COMMITTEE_WEEKS]
            out[lat.path] = options.index(lat.base) if lat.base in options else 0
        else:
            out[lat.path] = _base_value(lat)
    return out


def _decode(latents: list[Latent], params: dict[str, Any]) -> dict[str, Any]:
    return {lat.path: COMMITTEE_WEEKS[params[lat.path]] if lat.kind == "weekdays"
            else params[lat.path] for lat in latents}


def _neighbours(lat: Latent, value: Any) -> tuple[Any, Any]:
    if lat.kind == "scale":
        return value * 0.5, value * 2.0
    if lat.kind == "share":
        return max(0.0, value - 0.25), min(0.85, value + 0.25)
    k = [tuple(w) for w in COMMITTEE_WEEKS].index(tuple(value))
    return COMMITTEE_WEEKS[max(0, k - 1)], COMMITTEE_WEEKS[min(len(COMMITTEE_WEEKS) - 1, k + 1)]


def _cell(lat: Latent, value: Any) -> Any:
    """A latent value for the fit table: weekdays joined, numbers rounded."""
    return ", ".join(value) if lat.kind == "weekdays" else round(float(value), 6)


def quantile_interval(table: pd.DataFrame, levels: Sequence[float] = QUANTILES
                      ) -> pd.DataFrame:
    """Per-round Kaplan-Meier quantiles with 95 % intervals from the Greenwood bands (the
    times where the upper and the lower band cross the level)."""
    rows = []
    for k, sub in table.groupby("round"):
        km = km_table(sub["days_to_feedback"].to_numpy(float), ~sub["censored"].to_numpy(bool))
        for q in levels:
            level = np.array([1.0 - q])
            est = curve_quantiles(km["days"], km["survival"][None, :], level)[0, 0]
            lo = curve_quantiles(km["days"], km["lower"][None, :], level)[0, 0]
            hi = curve_quantiles(km["days"], km["upper"][None, :], level)[0, 0]
            rows.append({"round": int(k), "q": q, "days": est, "lower": lo, "upper": hi})
    return pd.DataFrame(rows)


#: Columns of :attr:`Calibration.fit`.
FIT_COLUMNS = ("statistic", "round", "q", "observed", "observed_lower", "observed_upper",
               "simulated", "simulated_lower", "simulated_upper", "inside")


def fit_table(history: History, results: Results) -> pd.DataFrame:
    """Observed against simulated quantiles of the wait for feedback per round, with intervals
    (``statistic`` ``quantile``), and the shares of the waits' outcomes (``share <outcome>``,
    ``round`` 0; the records' Wilson interval). ``inside`` says whether the simulated figure
    lies inside the records' interval (NaN where the records give no interval); a simulated
    quantile never reached where the records reach it is outside."""
    from hiresim.analysis.curves import quantiles
    from hiresim.inference.estimates import wilson

    obs = quantile_interval(history.waits)
    sim = quantiles(results, q=QUANTILES, by="round", mean=False, n_boot=200)
    sim = sim.rename(columns={"days": "simulated", "lower": "simulated_lower",
                              "upper": "simulated_upper"})[["round", "q", "simulated",
                                                            "simulated_lower",
                                                            "simulated_upper"]]
    table = obs.rename(columns={"days": "observed", "lower": "observed_lower",
                                "upper": "observed_upper"})
    table = table.merge(sim, on=["round", "q"], how="left")
    table["statistic"] = "quantile"
    shares = []
    n_obs = len(history.waits)
    for outcome in ("advance", "offer", "reject", "withdrawn", "ghosted", "open"):
        k = int((history.waits["outcome"] == outcome).sum())
        lo, hi = wilson(k, n_obs)
        shares.append({"round": 0, "q": np.nan, "statistic": f"share {outcome}",
                       "observed": k / n_obs if n_obs else np.nan, "observed_lower": lo,
                       "observed_upper": hi,
                       "simulated": float((results.journeys["outcome"] == outcome).mean())})
    out = pd.concat([table, pd.DataFrame(shares)], ignore_index=True)
    out["inside"] = [_inside(o, lo, hi, sim) for o, lo, hi, sim in zip(
        out["observed"], out["observed_lower"], out["observed_upper"], out["simulated"],
        strict=True)]
    return out.reindex(columns=list(FIT_COLUMNS))


def _inside(observed: float, lower: float, upper: float, simulated: float) -> Any:
    """Whether ``simulated`` lies in ``[lower, upper]``; NaN where the records say nothing. An
    open end (NaN: the band never reaches the level) is no bound."""
    if not np.isfinite(observed):
        return np.nan
    if not np.isfinite(simulated):
        return False
    lo = lower if np.isfinite(lower) else -np.inf
    hi = upper if np.isfinite(upper) else np.inf
    return bool(lo - SECOND_DAYS <= simulated <= hi + SECOND_DAYS)


#: The records' resolution (a second, in days): exports write timestamps to the second.
SECOND_DAYS = 1.0 / 86400.0


#: Quantities of :func:`hiresim.structure` that the fit report compares, by pattern: the
#: scheduling lags per round, outcome shares and lags, and people's loads per role.
#: (Not compared: the lag from a rejection's record to its telling, and the hiring managers'
#: seats on panels, which a simulated export does not write: ``Results.to_ats`` records a
#: rejection when it is told and lists the panel that wrote scorecards.)
COMPARED = ("scheduling.round_", "screening.pass_probability", "decision.round_",
            "offers.accept_probability", "rejections.held.share",
            "rejections.untold.after_interview", "withdrawals.hazard_per_day",
            "load_per_person.interviewer")


def structure_table(observed: Structure, scenario: Scenario, seed: int) -> pd.DataFrame:
    """The records' structure beside that of one simulated replication of the calibrated
    scenario over the same span, written as an export and read back by the same estimators
    (:func:`hiresim.structure`): scheduling lags per round (``statistic`` ``scheduling.round_k
    .days.pNN``), outcome shares and lags, and interviews per person and week per role
    (``load_per_person.<role>``). Both sides are one span of records, each with its interval:
    ``inside`` is false when the two intervals do not overlap (a difference beyond both
    samples' noise)."""
    import tempfile

    from hiresim.inference.structure import structure
    from hiresim.records.ats import read_ats
    from hiresim.runner import simulate

    one = simulate(scenario, replications=1, seed=seed, event_log=True)
    with tempfile.TemporaryDirectory(prefix="hiresim-fit-") as folder:
        one.to_ats(folder)
        simulated = structure(read_ats(folder))
    obs = {q.quantity: q for q in [*observed.quantities, *_loads(observed)]}
    sim = {q.quantity: q for q in [*simulated.quantities, *_loads(simulated)]}
    rows = []
    for name, q in obs.items():
        if not name.startswith(COMPARED) or not math.isfinite(q.value):
            continue
        s = sim.get(name)
        parts = name.split(".")
        rnd = next((int(p.removeprefix("round_")) for p in parts if p.startswith("round_")), 0)
        level = next((int(p[1:]) / 100 for p in parts if p[:1] == "p" and p[1:].isdigit()),
                     np.nan)
        sv = s.value if s is not None else np.nan
        slo = s.low if s is not None else np.nan
        shi = s.high if s is not None else np.nan
        lo = q.low if math.isfinite(q.low) else -np.inf
        hi = q.high if math.isfinite(q.high) else np.inf
        if not np.isfinite(sv):
            inside: Any = False
        else:
            s_lo = slo if np.isfinite(slo) else -np.inf
            s_hi = shi if np.isfinite(shi) else np.inf
            inside = bool(s_lo <= hi + 1e-9 and lo - 1e-9 <= s_hi)
        rows.append({"statistic": name, "round": rnd, "q": level, "observed": q.value,
                     "observed_lower": q.low, "observed_upper": q.high, "simulated": sv,
                     "simulated_lower": slo, "simulated_upper": shi, "inside": inside})
    return pd.DataFrame(rows, columns=list(FIT_COLUMNS))


def _loads(st: Structure) -> list[Quantity]:
    """Interviews per person and week, per role: the seats a role's people filled on panels
    over the weeks of interviews, divided by the role's people (a Garwood interval)."""
    from hiresim.inference.estimates import rate

    loads = st.loads
    out: list[Quantity] = []
    if not len(loads):
        return out
    weeks = _interview_weeks(st)
    for role, sub in loads.groupby("role"):
        people = len(st.people.get(str(role), ())) or len(sub)
        seats = int(sub["interviews"].sum())
        if not seats or not weeks:
            continue
        q = rate(f"load_per_person.{role}", seats, weeks * people,
                 "interviews.csv: interviewers, start",
                 f"{seats} seats on panels by {people} people over {weeks:.1f} weeks")
        out.append(q)
    return out


def _interview_weeks(st: Structure) -> float:
    """The weeks the records span (one row per week of :attr:`Structure.open_jobs`)."""
    return float(len(st.open_jobs))


def misfit_line(row: Any) -> str:
    """One warning of :attr:`Calibration.misfit`: what, simulated, and the records."""
    what = _what(str(row.statistic), int(row.round), row.q)
    got = "never reached" if not np.isfinite(row.simulated) else f"{row.simulated:.3g}"
    lo = f"{row.observed_lower:.3g}" if np.isfinite(row.observed_lower) else "-"
    hi = f"{row.observed_upper:.3g}" if np.isfinite(row.observed_upper) else "-"
    return (f"{what}: simulated {got}, the records {row.observed:.3g} ({lo} to {hi}); the "
            "calibrated scenario does not reproduce it")


def _what(statistic: str, rnd: int, q: float) -> str:
    if statistic == "quantile":
        return f"round {rnd} P{100 * q:.0f} of the wait for feedback (days)"
    if statistic.startswith("share "):
        return f"share of waits ending {statistic.removeprefix('share ')}"
    if statistic.startswith("scheduling."):
        return f"round {rnd} P{100 * q:.0f} of the days from round entry to interview"
    if statistic.startswith("load_per_person."):
        role = statistic.removeprefix("load_per_person.").replace("_", " ")
        return f"interviews per {role} and week"
    return statistic


__all__ = ["COMPARED", "FIT_COLUMNS", "FIT_DAYS", "TRIALS_AT_ONCE", "WARMUP_DAYS", "Calibration",
           "Estimate", "calibrate", "default_free", "direct_estimates", "distance", "fit_table",
           "km_quantiles", "misfit_line", "scenario_toml", "structure_table"]
