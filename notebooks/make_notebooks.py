"""Write the hiresim notebooks (outputs cleared): `python notebooks/make_notebooks.py`."""
from pathlib import Path

import nbformat as nbf

OUT = Path(__file__).resolve().parent

SETUP = '''import os

import matplotlib

matplotlib.use("Agg")  # harmless under Jupyter; lets the notebook run headless
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import hiresim as hs
from hiresim import analysis as an
from hiresim import plotting as hp

pd.set_option("display.precision", 2)
pd.set_option("display.width", 120)
# Small by default so the notebook runs in seconds under `make test`;
# HIRESIM_REPLICATIONS=500 gives publication-quality intervals.
N = int(os.environ.get("HIRESIM_REPLICATIONS", "8"))
SEED = 7
N'''


def nb(cells):
    book = nbf.v4.new_notebook()
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.metadata["language_info"] = {"name": "python"}
    for kind, text in cells:
        text = text.strip("\n")
        book.cells.append(nbf.v4.new_markdown_cell(text) if kind == "md" else nbf.v4.new_code_cell(text))
    for i, cell in enumerate(book.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating changes nothing that did not change
    return book


def md(t):
    return ("md", t)


def code(t):
    return ("code", t)


# ---------------------------------------------------------------------------------------------
quickstart = [
    md("""
# 01 · Quickstart: how long until a candidate hears back, and why?

This notebook simulates the **default** scenario (a mid-size US company: 4 recruiters,
6 hiring managers, two interview rounds, an offer approval chain with a weekly committee),
then reads the result four ways: a summary table, the survival curve of the wait, where the
days go, and one candidate's journey.

Replications are read from `HIRESIM_REPLICATIONS` (default 8, enough to run in seconds; use
a few hundred for real answers).
"""),
    code(SETUP),
    md("""
## Load a scenario and simulate

`hs.presets()` lists the embedded scenarios. A scenario is a validated object; you can also
load your own TOML file with `hs.load_scenario("my_company.toml")`.
"""),
    code('''
hs.presets()
'''),
    code('''
scenario = hs.preset("default")
print(scenario.description)
results = hs.simulate(scenario, replications=N, seed=SEED)
results
'''),
    md("""
`results.journeys` has **one row per wait for feedback** (a candidate × an interview round).
`days_to_feedback` is in calendar days; `censored` is true when the wait ended without
feedback (the candidate withdrew, was ghosted, or was still waiting at the end of the run).
"""),
    code('''
journeys = results.journeys
journeys.head()
'''),
    code('''
journeys["outcome"].value_counts()
'''),
    md("""
## The summary table

Quantiles of the wait (Kaplan–Meier, so censored waits are handled correctly), with
bootstrap confidence intervals over replications, and the restricted mean.
"""),
    code('''
summary = results.summary()
summary
'''),
    md("""
## The survival curve, with a promise marker

The curve is the share of candidates **still waiting** after *t* days. The marker shows the
day by which half of the candidates have heard back (withdrawn and ghosted candidates count
as *not heard*, which is why promises at high confidence may not exist at all — see
notebook 03).
"""),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
hp.plot_survival(results, promise=0.5, ax=ax)
ax.set_xlim(0, 60)
ax.set_title("Default scenario: time from interview to feedback");
'''),
    md("""
## Where the days go: attribution by round

Every interval of the wait is charged to one cause (`off_hours`, `absence`, `contention`, …); a
night inside a wait belongs to the reason the wait exists (a queue, a slot search, an absence),
`off_hours` only to nights at the start of a wait and during work. The table gives mean days per
cause and their shares; the plot splits each round's headline average by those shares (the
number every table quotes). For what each source *causes*, `an.effects` gives its Shapley value
(see the docs' "Attribution and causal effects").
"""),
    code('''
attr = an.attribution(results, by="round")
attr.pivot(index="cause", columns="round", values="mean_days").sort_values(1, ascending=False)
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
hp.plot_attribution(results, by="round", ax=ax)
ax.set_title("Average wait per round, split by cause");
'''),
    md("""
## One candidate's journey

The event log (`results.events`) has one row per activity with its enabled, start and
completion times and the causes of its waiting time. We pick a candidate who reached the
second round and draw the Gantt chart.
"""),
    code('''
second = journeys.loc[(journeys["round"] == 2) & ~journeys["censored"], "candidate"]
who = second.iloc[0] if len(second) else journeys["candidate"].iloc[0]
journeys.loc[journeys["candidate"] == who,
             ["candidate", "round", "outcome", "days_to_feedback"]]
'''),
    code('''
fig, ax = plt.subplots(figsize=(9, 4))
hp.plot_timeline(results, candidate=who, ax=ax)
ax.set_title(f"Journey of candidate {who}");
'''),
    md("""
## The accounting identity

Every day of every wait is charged to exactly one cause, so in every row the `delay_*`
columns add up to `days_to_feedback` (to 1e-6 days). This is what makes attribution
trustworthy: nothing is double-counted and nothing is missing.
"""),
    code('''
delay_cols = [c for c in journeys.columns if c.startswith("delay_")]
gap = (journeys[delay_cols].sum(axis=1) - journeys["days_to_feedback"]).abs()
print(f"{len(delay_cols)} causes, {len(journeys)} waits, largest gap {gap.max():.2e} days")
journeys[delay_cols + ["days_to_feedback"]].head(3)
'''),
    code('''
# Checks: a broken library makes this notebook fail under nbmake.
assert len(delay_cols) == 11
assert gap.max() <= 1e-6, "delay_* columns must sum to days_to_feedback"
assert (journeys["days_to_feedback"] >= 0).all()
q = summary.set_index(["statistic", "q"])["days"]
assert q[("quantile", 0.1)] <= q[("quantile", 0.5)] <= q[("quantile", 0.9)]
'''),
]

# ---------------------------------------------------------------------------------------------
sources_nb = [
    md("""
# 02 · The delay sources from the inside

Each delay source people describe — calendars, queues, meeting scheduling, vacations,
priority shifts, turnover, reorganizations, rethought requirements, sign-off chains,
HR-gated communication — is a mechanism in the model that can be **switched off on its own**
with `scenario.without(source)`. Each built-in mechanism has one name: its module under
`hiresim/mechanisms/`, its scenario block, its cause label and its ablation (`absence`,
`priority`, `turnover`, `reorganization`, `requirements`, `approvals`, `communication`).
`hs.scenario.delay_sources(scenario)` lists what can be switched off, including any user
mechanism the scenario uses.

Because every mechanism draws from its own random stream (*common random numbers*), running
the scenario with and without a source under the same seed changes only that source (and
what it interacts with). The difference is the source's **causal effect** on the wait,
interactions included — something interval labelling cannot show.
"""),
    code(SETUP),
    code('''
scenario = hs.preset("default")
pd.Series(hs.scenario.delay_sources(scenario),
          name="what `without(source)` switches off").to_frame()
'''),
    md("""
## One source at a time

`analysis.ablate` simulates the baseline and `scenario.without(source)` for each source with
the same seed, and reports the change in the restricted mean and in the median and P90
with paired bootstrap intervals. A negative change means the source made waits longer.
Switching `contention` off lets every person work on all their tasks at once (no queues).
"""),
    code('''
sources = list(hs.scenario.delay_sources(scenario))
effects = an.ablate(scenario, sources=sources, replications=N, seed=SEED,
                    n_boot=200, event_log=False)
label = np.where(effects["statistic"] == "restricted_mean", "Δ mean",
                 "Δ P" + (effects["q"] * 100).round().astype("Int64").astype(str))
table = effects.assign(change_in=label).pivot(index="source", columns="change_in",
                                              values="change")
table = table[["Δ mean", "Δ P50", "Δ P90"]].sort_values("Δ mean")
table
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4.5))
hp.plot_ablation(effects, ax=ax)
ax.set_title("Change in the mean wait when one source is switched off");
'''),
    md("""
The same comparison by hand, for the median: simulate `scenario.without(source)` with the
baseline's seed and subtract. `ablate` does exactly this, plus the paired intervals.
"""),
    code('''
baseline = hs.simulate(scenario, replications=N, seed=SEED, event_log=False)
no_calendar = hs.simulate(scenario.without("calendar"), replications=N, seed=SEED,
                          event_log=False)
med = lambda r: r.summary(q=(0.5,)).query("statistic == 'quantile'")["days"].iloc[0]
print(f"median wait: {med(baseline):.1f} days with office hours, "
      f"{med(no_calendar):.1f} days if everyone worked around the clock")
'''),
    md("""
## Mechanism 1 · Absence and the continuity policy

When the person who owns a task is on vacation or sick, the **continuity policy** decides
what happens: `wait` (the work waits for them, "for continuity"), `delegate_after` (a
colleague takes over after `after_days` working days, paying a hand-over cost) or
`delegate` (at once). The default scenario lets recruiters cover for each other but makes
everything else wait. What if every role delegated after the threshold? (The mechanisms are
`hiresim.mechanisms.absence` and `hiresim.mechanisms.continuity`: the `[absence]` and
`[continuity]` blocks.)
"""),
    code('''
print(scenario.continuity)
delegating = scenario.with_overrides({"continuity.default.policy": "delegate_after"})
runs = {"wait (default)": baseline,
        "delegate_after": hs.simulate(delegating, replications=N, seed=SEED, event_log=False)}
absence = pd.DataFrame({
    name: {"mean delay_absence (days)": r.journeys["delay_absence"].mean(),
           "P90 delay_absence (days)": r.journeys["delay_absence"].quantile(0.9),
           "mean wait (days)": r.summary(q=(0.5,)).query("statistic == 'restricted_mean'")["days"].iloc[0]}
    for name, r in runs.items()})
absence
'''),
    md("""
The mean of `delay_absence` is small because most waits never meet an absence; the cost
sits in the tail, where a wait runs into a two-week summer vacation. Delegation caps that
tail at roughly the threshold plus a hand-over.

## Mechanism 2 · Committee batching

The offer's last sign-off happens only at the **weekly committee** (Thursdays 14:00). Work
that is ready on Friday waits six days: the `batching` cause. It applies to offers only, so
it shows in round 2. (The committee is `hiresim.mechanisms.approvals.Committee`: the
`committee` of a step in `[[approvals.steps]]`.)
"""),
    code('''
no_committee = scenario.with_overrides({"approvals.steps.1.committee": None})
runs["no committee"] = hs.simulate(no_committee, replications=N, seed=SEED, event_log=False)
offers = {name: r.journeys.query("outcome == 'offer'") for name, r in runs.items()
          if name != "delegate_after"}
pd.DataFrame({name: {"offers": len(o),
                     "mean delay_batching": o["delay_batching"].mean(),
                     "mean days to offer": o["days_to_feedback"].mean()}
              for name, o in offers.items()})
'''),
    md("""
## Mechanism 3 · Communication barriers

Under the default `hr_gated` policy only the recruiter may talk to candidates: the decision
is handed to HR (a delay of hours to days), offers go through legal review, and one
rejection in ten is never sent (the candidate is *ghosted* — a wait that never ends).
The `direct` policy lets the hiring manager tell the candidate at once. (The mechanism is
`hiresim.mechanisms.communication`: the `[communication]` block.)
"""),
    code('''
direct = scenario.with_overrides({"communication.policy": "direct"})
runs["direct"] = hs.simulate(direct, replications=N, seed=SEED, event_log=False)
comm = an.compare({"hr_gated (default)": baseline, "direct": runs["direct"],
                   "no barriers at all": scenario.without("communication")},
                  replications=N, seed=SEED, n_boot=200, event_log=False)
comm
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
hp.plot_comparison({"hr_gated (default)": baseline, "direct": runs["direct"]}, ax=ax)
ax.set_xlim(0, 45)
ax.set_title("Communication policy and the wait");
'''),
    md("""
Note that `direct` keeps ghosting: it only removes the hand-off. `without("communication")`
removes every barrier, including ghosting, so more candidates hear back at all.
"""),
    code('''
# Checks: a broken library makes this notebook fail under nbmake.
# 1. Switching off a source that is already off changes nothing, exactly (common random
#    numbers): the "mmc" preset has no absences.
null = an.ablate(hs.preset("mmc"), sources=["absence"], replications=2, seed=SEED,
                 n_boot=50, event_log=False)
assert (null["change"] == 0).all() and (null["lower"] == 0).all()
# 2. Office hours are the biggest single source and clearly lengthen the wait.
cal = effects.query("source == 'calendar' and statistic == 'restricted_mean'").iloc[0]
assert cal["upper"] < 0, cal
assert med(no_calendar) < med(baseline)
# 3. Without the committee, no offer waits for a batch.
assert (runs["no committee"].journeys["delay_batching"] == 0).all()
# 4. Ablation rows: one per source and statistic.
assert set(effects["source"]) == set(sources)
# 5. The old ablation name still works, with a deprecation warning, and means the same.
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert scenario.without("bureaucracy") == scenario.without("approvals")
assert any(issubclass(w.category, hs.scenario.HiresimDeprecationWarning) for w in caught)
'''),
]

# ---------------------------------------------------------------------------------------------
hr_nb = [
    md("""
# 03 · For HR: what can we promise candidates, and what would shorten the wait?

Three questions, answered from simulated journeys of the default scenario:

1. **What can we promise?** "You will hear from us within *k* days" — kept for what share of
   candidates? Withdrawn and ghosted candidates count as *not heard*: a promise to them
   was broken.
2. **What would shorten the wait?** More recruiters, letting managers talk to candidates
   directly, dropping the weekly committee — compared side by side with common random
   numbers.
3. **What does the wait cost?** How many candidates withdraw, and when.
"""),
    code(SETUP),
    code('''
scenario = hs.preset("default")
results = hs.simulate(scenario, replications=N, seed=SEED)
results
'''),
    md("""
## 1 · Promises at 50 / 80 / 90 / 95 % confidence

`promise_days` is the number to put in the e-mail (whole days); `p_heard` the share who
actually hear back within it. `NaN` means **no promise at that confidence exists**: more
than `1 − confidence` of candidates never hear back (`p_never`), however long you wait.
"""),
    code('''
levels = (0.5, 0.8, 0.9, 0.95)
promises = pd.concat([an.promise(results, confidence=c, n_boot=200) for c in levels],
                     ignore_index=True)
promises.pivot(index="confidence", columns="days_kind",
               values=["promise_days", "p_heard", "p_never"])
'''),
    code('''
heard = an.p_heard_by(results, [5, 10, 15], days_kind="business")
heard.assign(p_heard=heard["p_heard"].map("{:.0%}".format)).rename(
    columns={"days": "business days after the interview", "p_heard": "share heard back"})
'''),
    md("""
### "We'll let you know by the end of the week"

The classic promise, made on the interview day, with Friday 17:00 as the deadline. It is
kept far more often for Monday interviews than for Thursday ones.
"""),
    code('''
eow = an.end_of_week_promise(results, n_boot=200)
eow
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
hp.plot_survival(results, promise=0.5, ax=ax, days="business")
ax.set_xlim(0, 40)
ax.set_title("Share still waiting, in business days");
'''),
    md("""
## 2 · What would shorten the wait?

Three what-ifs, each a one-line override of the default scenario, simulated with the same
seed so replication *i* of every variant sees the same candidates, absences and work times.
`diff` is the change from the baseline with a paired bootstrap interval.
"""),
    code('''
what_ifs = {
    "now": scenario,
    "6 recruiters": scenario.with_overrides({"roles.recruiter.count": 6}),
    "direct communication": scenario.with_overrides({"communication.policy": "direct"}),
    "no weekly committee": scenario.with_overrides({"approvals.steps.1.committee": None}),
}
runs = {"now": results}
runs.update({name: hs.simulate(sc, replications=N, seed=SEED, event_log=False)
             for name, sc in what_ifs.items() if name != "now"})
comparison = an.compare(runs, q=(0.5, 0.9), n_boot=200)
comparison
'''),
    code('''
comparison.query("statistic == 'quantile' and q == 0.5").set_index("name")[
    ["value", "diff", "diff_lower", "diff_upper"]].rename(columns={"value": "median days"})
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
hp.plot_comparison(runs, ax=ax, band=False)
ax.set_xlim(0, 45)
ax.set_title("What-ifs: share still waiting");
'''),
    md("""
## 3 · What the wait costs: candidate loss

`summary` gives the share of candidates who withdrew, were ghosted, and who declined an
offer; `by_wait` is a life table: of the candidates still waiting at the start of a bin, how
many withdrew before its end.
"""),
    code('''
loss = an.candidate_loss(results)
loss.summary
'''),
    code('''
loss.by_wait
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 3.5))
bw = loss.by_wait
ax.bar([f"{a:g}–{b:g}" for a, b in zip(bw["start"], bw["stop"])], bw["withdrawal_rate"])
ax.set_xlabel("days waited (calendar)")
ax.set_ylabel("share of those still waiting\\nwho withdraw in the bin")
ax.set_title("Withdrawal grows with the wait");
'''),
    code('''
# Checks: a broken library makes this notebook fail under nbmake.
for _, row in promises.iterrows():
    kind, conf = row["days_kind"], row["confidence"]
    if np.isfinite(row["promise_days"]):
        # the promised day keeps the promise: at least `conf` have heard back by then
        assert an.p_heard_by(results, row["promise_days"], days_kind=kind) >= conf - 1e-9
        assert row["p_heard"] >= conf - 1e-9
    else:
        # no promise exists: even after a very long wait fewer than `conf` have heard
        assert an.p_heard_by(results, 10_000, days_kind=kind) < conf
# higher confidence never gives an earlier promise
cal = promises.query("days_kind == 'calendar'").dropna(subset=["days"])
assert cal["days"].is_monotonic_increasing
assert heard["p_heard"].is_monotonic_increasing
overall = eow.set_index("interview_day").loc["all"]
assert overall["p_kept"] == overall["kept"] / overall["n"]
assert 0 <= loss.summary["share_withdrawn"].iloc[0] <= 1
assert set(comparison["name"]) == set(runs)
'''),
    md("""
## "When will Anna hear back?" — a forecast for today's open candidates

Everything above is about candidates in general. With the company's ATS export, hiresim
forecasts each application that is open today: it simulates on from where each one is, with
the time it has already waited, and the team's calendars (the example team's recruiter is on
vacation this week). See the how-to *Forecast when today's open candidates hear back*.
"""),
    code('''
from importlib.resources import files

from hiresim.records.ical import EXAMPLE, EXAMPLE_SCENARIO

team = hs.load_scenario(EXAMPLE_SCENARIO)
export = hs.read_ats(files("hiresim") / "examples" / "team_ats")
calendars = hs.read_calendars(EXAMPLE, people=team)
today = hs.forecast(team, export, replications=max(N, 20), seed=SEED, calendars=calendars)
today.answers[["application_id", "waiting_for", "days_waited", "p_by_week_end", "date_80",
               "main_cause", "samples"]]
'''),
    code('''
first = today.answers["application_id"].iloc[0]
print(today.sentence(first, confidence=0.8, locale="en_GB"))
print(today.sentence(first, confidence=0.8, locale="de"))
today.plot();
'''),
    code('''
# Checks: the promised day keeps the promise, and the recruiter's vacation shows.
for app in today.answers["application_id"]:
    day = today.promised_day(app, 0.8)
    if day is not None:
        assert today.p_heard_by(app, day) >= 0.8 - 1e-9
assert (today.answers["samples"] > 0).all()
assert "absence" in set(today.answers["main_cause"])
'''),
]

# ---------------------------------------------------------------------------------------------
research_nb = [
    md("""
# 04 · Research: a sweep, a sensitivity analysis, and validation against queueing theory

1. **Sweep** one parameter (vacation days per year) and watch the wait respond.
2. **Sensitivity**: halve and double a few parameters, one at a time, with common random
   numbers, and rank them by their effect on the median wait.
3. **Validation**: reduce the model to a single M/M/c queue (the `mmc` preset) and check
   the simulated mean queueing delay against the Erlang C formula, and Little's law.
"""),
    code(SETUP),
    md("""
## 1 · A sweep over vacation days

`hs.sweep` runs one row per setting (a dotted path of the scenario), every row with the same
seed (common random numbers), and writes each finished chunk to Parquet under `out`, so an
interrupted sweep resumes with `resume=True`. `sw.summary()` gives one line per row.
"""),
    code('''
import tempfile

scenario = hs.preset("default")
values = [0, 13, 25, 40]
sw = hs.sweep(scenario, [{"absence.vacation_days_per_year": v} for v in values],
              replications=N, seed=SEED, out=tempfile.mkdtemp() + "/vacation-sweep")
display(sw.summary())
rows = []
for v, r in zip(values, (sw.results(row) for row in range(len(values)))):
    qt = an.quantiles(r, q=(0.5, 0.9), n_boot=200)
    for _, row in qt.iterrows():
        rows.append({"vacation_days": v, "statistic": row["statistic"], "q": row["q"],
                     "days": row["days"], "lower": row["lower"], "upper": row["upper"]})
    rows.append({"vacation_days": v, "statistic": "mean delay_absence", "q": np.nan,
                 "days": r.journeys["delay_absence"].mean(), "lower": np.nan, "upper": np.nan})
sweep_table = pd.DataFrame(rows)
sweep_table.assign(stat=sweep_table["statistic"] + np.where(
    sweep_table["q"].notna(), " " + sweep_table["q"].astype(str), "")).pivot(
    index="vacation_days", columns="stat", values="days")
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 4))
for (stat, q), sub in sweep_table.groupby(["statistic", "q"], dropna=False):
    if stat == "quantile":
        label = f"P{q * 100:.0f}"
    elif stat == "restricted_mean":
        label = "restricted mean"
    else:
        label = stat
    ax.errorbar(sub["vacation_days"], sub["days"],
                yerr=[sub["days"] - sub["lower"], sub["upper"] - sub["days"]]
                if sub["lower"].notna().all() else None,
                marker="o", capsize=3, label=label)
ax.set_xlabel("vacation days per person per year")
ax.set_ylabel("days from interview to feedback")
ax.set_yscale("log")
ax.legend(frameon=False)
ax.set_title("Sweep: vacations and the wait");
'''),
    md("""
## 2 · One-at-a-time sensitivity

Halve and double three parameters of the default scenario. `compare` pairs replications
across runs (common random numbers), so even small effects show with few replications.
"""),
    code('''
knobs = {
    "roles.recruiter.count": scenario.roles["recruiter"].count,
    "roles.interviewer.count": scenario.roles["interviewer"].count,
    "priority.rate_per_year": scenario.priority.rate_per_year,
}
base = hs.simulate(scenario, replications=N, seed=SEED, event_log=False)
variants = {"baseline": base}
for path, value in knobs.items():
    for factor in (0.5, 2.0):
        new = value * factor
        new = max(1, round(new)) if isinstance(value, int) else min(new, 0.9)
        variants[(path, factor)] = hs.simulate(scenario.with_overrides({path: new}),
                                               replications=N, seed=SEED, event_log=False)
sens = an.compare(variants, q=(0.5,), n_boot=200)
sens = sens.query("statistic == 'quantile' and name != 'baseline'").copy()
sens["parameter"] = [n[0] for n in sens["name"]]
sens["factor"] = [n[1] for n in sens["name"]]
sens_table = sens.pivot(index="parameter", columns="factor", values="diff")
sens_table.columns = ["Δ median, ×0.5", "Δ median, ×2"]
sens_table
'''),
    code('''
fig, ax = plt.subplots(figsize=(7, 3.5))
order = sens_table.abs().max(axis=1).sort_values().index
y = np.arange(len(order))
ax.barh(y - 0.2, sens_table.loc[order, "Δ median, ×0.5"], height=0.4, label="×0.5")
ax.barh(y + 0.2, sens_table.loc[order, "Δ median, ×2"], height=0.4, label="×2")
ax.set_yticks(y, order)
ax.axvline(0, color="k", linewidth=0.8)
ax.set_xlabel("change in the median wait (days)")
ax.legend(frameon=False)
ax.set_title("One-at-a-time sensitivity of the median wait");
'''),
    md(r"""
## 3 · Validation against queueing theory

The `mmc` preset strips the pipeline down to one stage: always-open calendars, Poisson
arrivals at rate $\lambda$, one scorecard per candidate written by whichever of $c$
reviewers is free first, exponential work with rate $\mu$. That is an M/M/c queue, whose
mean wait in queue is given by the **Erlang C** formula, with $a = \lambda/\mu$ and
$\rho = a/c$:

$$
C(c, a) = \frac{\frac{a^c}{c!}\frac{1}{1-\rho}}{\sum_{k=0}^{c-1}\frac{a^k}{k!} + \frac{a^c}{c!}\frac{1}{1-\rho}},
\qquad W_q = \frac{C(c, a)}{c\mu - \lambda}.
$$

In the simulation, the queueing delay is charged to the `contention` cause. We add a drain
period so every wait finishes, and drop the first 60 days (the queue starts empty).
"""),
    code('''
import math


def erlang_c_wq(lam, c, mu):
    """Mean wait in queue of an M/M/c queue (same time unit as 1/lam)."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * mu - lam)


# sanity: M/M/1 reduces to rho / (mu - lam)
assert math.isclose(erlang_c_wq(0.5, 1, 1.0), 0.5 / (1.0 - 0.5))

mmc = hs.preset("mmc").with_overrides({"drain_days": 30})
print(mmc.description)
lam = mmc.candidates.rate_per_week / (7 * 24)      # per hour
mu = 1 / mmc.scorecards.work.mean()                # per hour
c = mmc.roles["reviewer"].count
print(f"lambda = {lam:.3f}/h, mu = {mu:.3f}/h, c = {c}, rho = {lam / (c * mu):.2f}")
'''),
    code('''
WARMUP_DAYS = 60
N_MMC = max(N, 8)   # the queue check needs a few replications to have a standard error
queue = hs.simulate(mmc, replications=N_MMC, seed=SEED, event_log=False)
j = queue.journeys
hours = lambda s: ((s - pd.Timestamp(mmc.start)) / pd.Timedelta(hours=1)).to_numpy(float)
arrive, leave = hours(j["interview_end"]), hours(j["feedback_at"])
steady = j[arrive >= WARMUP_DAYS * 24]
per_rep = steady.groupby("replication")["delay_contention"].mean() * 24   # hours
wq_sim, wq_se = per_rep.mean(), per_rep.std(ddof=1) / math.sqrt(len(per_rep))
wq_theory = erlang_c_wq(lam, c, mu)
pd.DataFrame({"simulated": [wq_sim, j["delay_work"].mean() * 24],
              "std. error": [wq_se, (j["delay_work"] * 24).std() / math.sqrt(len(j))],
              "theory": [wq_theory, 1 / mu]},
             index=["mean wait in queue Wq (h)", "mean service time (h)"])
'''),
    md("""
The same check across loads: sweep the arrival rate and plot simulated $W_q$ against the
Erlang C curve.
"""),
    code('''
rates = [12.0, 16.0, 20.16, 22.0]   # candidates per week; rho = 0.48 ... 0.87
check = []
for rate in rates:
    r = hs.simulate(mmc.with_overrides({"candidates.rate_per_week": rate}),
                    replications=N_MMC, seed=SEED, event_log=False).journeys
    t = hours(r["interview_end"])
    pr = r[t >= WARMUP_DAYS * 24].groupby("replication")["delay_contention"].mean() * 24
    check.append({"rho": rate / 168 / (c * mu), "simulated": pr.mean(),
                  "se": pr.std(ddof=1) / math.sqrt(len(pr)),
                  "erlang_c": erlang_c_wq(rate / 168, c, mu)})
check = pd.DataFrame(check)
fig, ax = plt.subplots(figsize=(6, 4))
grid = np.linspace(0.3, 0.9, 100)
ax.plot(grid, [erlang_c_wq(g * c * mu, c, mu) for g in grid], label="Erlang C")
ax.errorbar(check["rho"], check["simulated"], yerr=2 * check["se"], fmt="o", capsize=3,
            label="hiresim (±2 SE)")
ax.set_xlabel("utilisation ρ")
ax.set_ylabel("mean wait in queue $W_q$ (hours)")
ax.legend(frameon=False)
ax.set_title(f"M/M/{c}: simulation vs. theory");
check
'''),
    md(r"""
### Little's law

Over a window $[t_0, t_1)$, the time-average number of candidates waiting for feedback,
$L$, equals the arrival rate times the mean time in system, $\lambda W$ — as an identity on
every sample path, up to edge effects. We compute $L$ from the intervals themselves (each
wait contributes its overlap with the window) and compare it with $\hat\lambda \bar W$ and
with theory, $\lambda (W_q + 1/\mu)$.
"""),
    code('''
t0, t1 = WARMUP_DAYS * 24.0, mmc.horizon_days * 24.0
frame = pd.DataFrame({"rep": j["replication"].to_numpy(), "a": arrive, "d": leave})
frame["overlap"] = (np.minimum(frame["d"], t1) - np.maximum(frame["a"], t0)).clip(lower=0)
inside = (frame["a"] >= t0) & (frame["a"] < t1)
frame["sojourn"] = frame["d"] - frame["a"]
little = pd.DataFrame({
    "L (time-average in system)": frame.groupby("rep")["overlap"].sum() / (t1 - t0),
    "lambda_hat x W": frame[inside].groupby("rep").size() / (t1 - t0)
                      * frame[inside].groupby("rep")["sojourn"].mean(),
})
little.loc["mean"] = little.mean()
theory_L = lam * (wq_theory + 1 / mu)
print(f"theory: L = lambda (Wq + 1/mu) = {theory_L:.3f}")
little
'''),
    code('''
# Checks: a broken library makes this notebook fail under nbmake.
# Erlang C: simulated mean queueing delay within 4 standard errors of theory
assert abs(wq_sim - wq_theory) <= 4 * wq_se, (wq_sim, wq_theory, wq_se)
assert (abs(check["simulated"] - check["erlang_c"]) <= 4 * check["se"]).all(), check
# the queue is the only delay: contention + work = the whole wait, nothing else
others = [col for col in j.columns if col.startswith("delay_")
          and col not in ("delay_contention", "delay_work")]
assert (j[others] == 0).all().all() and not j["censored"].any()
# Little's law: a sample-path identity, so it holds tightly in every replication
L, lw = little.iloc[:-1, 0], little.iloc[:-1, 1]
assert ((L - lw).abs() / lw).max() < 0.05, little
assert abs(L.mean() - theory_L) / theory_L < 0.15
# the sweep: more vacation means more absence delay
absence_delay = sweep_table.query("statistic == 'mean delay_absence'").set_index("vacation_days")["days"]
# (sick leave remains at 0 vacation days, so absence delay does not vanish)
assert absence_delay.loc[40] > absence_delay.loc[0]
'''),
]

for name, cells in [("01-quickstart", quickstart), ("02-delay-sources", sources_nb),
                    ("03-for-hr", hr_nb), ("04-research", research_nb)]:
    nbf.write(nb(cells), OUT / f"{name}.ipynb")
    print("wrote", name)
