"""Fitting a scenario to a company's history: direct estimates, then latent times by simulation.

(The module is ``calibration``, not ``calibrate``, so that importing it never shadows the
function ``hs.calibrate`` on the package, as ``sweeps`` does for ``hs.sweep``.)

:func:`calibrate` takes a :class:`~hiresim.records.history.History` (read with
:func:`hiresim.read_ats`) and a base scenario, and returns a :class:`Calibration`:

1. **Direct estimates** (with 95 % intervals) of what the records show outright: how often
   requisitions open, how many candidates arrive per open requisition and week, the screening
   pass share, each round's decision shares, the offer decline share, and the candidates'
   withdrawal hazard (censoring-aware: withdrawals per day of exposure while waiting). They are
   written into the scenario.
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
                f"distance {self.distance:.4f})")


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


def apply_estimates(base: Scenario, history: History, estimates: list[Estimate]) -> Scenario:
    """The base scenario with the history's span and the direct estimates written in."""
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
              seed: int = 0, workers: Any = None, progress: bool = False) -> Calibration:
    """Fit a scenario to a company's history (see the module docstring for the method).

    Args:
        history: the company's records (:func:`hiresim.read_ats`).
        base: the scenario to start from (:func:`hiresim.scenario.as_scenario`: a Scenario,
            a preset name, a path or a dict). Its
            structure (roles, rounds, approvals, policies) is kept; what the history shows is
            estimated into it, and the ``free`` latent parameters are fitted.
        free: dotted paths of the latent parameters (durations, ``roles.<r>.calendar_load``,
            ``approvals.steps.<k>.committee.weekdays``); default :func:`default_free`.
        budget: simulations of the fit (optuna trials), besides the profile runs.
        replications: replications per trial (the same seed for every trial).
        seed: the seed of every simulation and of the optimiser.
        workers: as in :func:`hiresim.simulate`.
        progress: show a progress bar over the trials.
    """
    import optuna

    from hiresim import arguments as check
    from hiresim.runner import simulate

    budget = check.whole("budget", budget, 1)
    replications = check.whole("replications", replications, 1)
    seed = check.seed("seed", seed)
    base_scenario = as_scenario(base)
    require_waits(history, "calibrate on")  # an ATSError (bad input, exit 2), not a crash
    cap = base_scenario.candidates.max_per_requisition
    most = int(history.applications.groupby("job_id").size().max())
    if cap is not None and most > cap:  # the company has no such cap: arrivals go on
        base_scenario = base_scenario.with_overrides({"candidates.max_per_requisition": None})
        cap = None
    estimates = direct_estimates(history, cap)
    start = apply_estimates(base_scenario, history, estimates)
    latents = _latents(start, default_free(start) if free is None else free)
    observed = km_quantiles(history.waits)
    counts = history.waits["round"].value_counts()
    weights = {int(k): float(counts[k]) / float(counts.sum()) for k in counts.index}

    def run(values: dict[str, Any]) -> tuple[float, Results]:
        sc = _with(start, latents, values)
        res = simulate(sc, replications=replications, seed=seed, event_log=False,
                       workers=workers)
        return distance(observed, weights, res), res

    def objective(trial: optuna.Trial) -> float:
        values: dict[str, Any] = {}
        for lat in latents:
            if lat.kind == "scale":
                values[lat.path] = trial.suggest_float(lat.path, 0.2, 5.0, log=True)
            elif lat.kind == "share":
                values[lat.path] = trial.suggest_float(lat.path, 0.0, 0.85)
            else:
                index = trial.suggest_int(lat.path, 0, len(COMMITTEE_WEEKS) - 1)
                values[lat.path] = COMMITTEE_WEEKS[index]
        return run(values)[0]

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.enqueue_trial(_base_params(latents))  # the base itself is the first candidate
    study.optimize(objective, n_trials=budget, show_progress_bar=progress)
    best = _decode(latents, study.best_params)
    best_distance = float(study.best_value)
    # profiles: half and twice each fitted value, the others fixed at the best. A profile
    # point better than the best is taken (a greedy polish of what the sampler found).
    rows = []
    for lat in latents:
        low_value, high_value = _neighbours(lat, best[lat.path])
        d_low = run({**best, lat.path: low_value})[0]
        d_high = run({**best, lat.path: high_value})[0]
        change = max(abs(d_low - best_distance), abs(d_high - best_distance))
        identifiable = change > FLAT * max(best_distance, 1e-9) + 1e-12
        if identifiable and min(d_low, d_high) < best_distance:
            best[lat.path] = low_value if d_low < d_high else high_value
            best_distance = min(d_low, d_high)
        rows.append({"path": lat.path, "kind": lat.kind, "base": _cell(lat, _base_value(lat)),
                     "fitted": _cell(lat, best[lat.path]), "profile_low": d_low,
                     "profile_high": d_high, "identifiable": identifiable})
    used = {lat.path: best[lat.path] if row["identifiable"] else _base_value(lat)
            for lat, row in zip(latents, rows, strict=True)}
    for lat, row in zip(latents, rows, strict=True):
        row["fitted"] = _cell(lat, best[lat.path])
        row["used"] = _cell(lat, used[lat.path])
    final_distance, final = run(used)
    scenario = _with(start, latents, used).model_copy(update={
        "name": f"{start.name} (calibrated)"})
    scenario = load_scenario(scenario.model_dump(mode="json"), source="calibration")
    return Calibration(
        scenario=scenario,
        estimates=pd.DataFrame([e.__dict__ for e in estimates]),
        latent=pd.DataFrame(rows, columns=["path", "kind", "base", "fitted", "used",
                                           "profile_low", "profile_high", "identifiable"]),
        fit=fit_table(history, final),
        distance=final_distance,
        trials=[float(t.value) for t in study.trials if t.value is not None],
        history=history,
        results=final,
    )


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


def fit_table(history: History, results: Results) -> pd.DataFrame:
    """Observed against simulated quantiles per round, with intervals."""
    from hiresim.analysis.curves import quantiles

    obs = quantile_interval(history.waits)
    sim = quantiles(results, q=QUANTILES, by="round", mean=False, n_boot=200)
    sim = sim.rename(columns={"days": "simulated", "lower": "simulated_lower",
                              "upper": "simulated_upper"})[["round", "q", "simulated",
                                                            "simulated_lower",
                                                            "simulated_upper"]]
    table = obs.rename(columns={"days": "observed", "lower": "observed_lower",
                                "upper": "observed_upper"})
    table = table.merge(sim, on=["round", "q"], how="left")
    shares = []
    for outcome in ("advance", "offer", "reject", "withdrawn", "ghosted", "open"):
        shares.append({"round": 0, "q": np.nan, "statistic": f"share {outcome}",
                       "observed": float((history.waits["outcome"] == outcome).mean()),
                       "simulated": float((results.journeys["outcome"] == outcome).mean())})
    table["statistic"] = "quantile"
    return pd.concat([table, pd.DataFrame(shares)], ignore_index=True)


__all__ = ["Calibration", "Estimate", "calibrate", "default_free", "direct_estimates",
           "distance", "km_quantiles", "scenario_toml"]
