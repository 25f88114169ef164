"""The records' own forecast: when each open application hears back, from past waits alone.

This is the baseline that a simulated forecast (:mod:`hiresim.inference.forecasts`) must beat:
what anyone could compute from the ATS export without a model of the company. For each
application open on ``as_of`` it takes the past waits *of the same kind* that the records known
on ``as_of`` hold (:meth:`History.cut`): the waits for feedback after the same round, the waits
from entering the same round until its decision (for a candidate still waiting for that
round's interview), or the waits from applying until the first round's decision (for one still
in screening). These waits end in one of three ways, competing risks:

- **heard** — the candidate heard the decision (an advance, an offer, a rejection told);
- **withdrawn** — the candidate withdrew first;
- **ghosted** — the rejection was recorded (``closed_at``) but never told;

or are still open when the records end (censored at ``as_of``). A candidate whose rejection is
recorded but not yet told (the answer is *owed*) is forecast from the same round's recorded
rejections instead: the days from the recording to the telling, conditioned on the days since
this one's recording (a rejection never told is censored at ``as_of``: the records do not say
that it never will be). The **Aalen–Johansen**
estimator turns them into the cumulative incidence of each end: the probability of having
heard within ``t`` days, of having withdrawn, of having been ghosted, with the open waits
counted as long as they were seen.

**Conditioned on the days already waited.** A candidate who has waited ``d`` days has not
heard, withdrawn or been ghosted in those days, and is still in the state the export shows
(still waiting for the interview, still in screening). So the estimator is restarted at ``d``:
it uses only the past waits that were, ``d`` days in, still open and in that same state (the
*landmark* set at ``d``), and measures what happened to them after. That is the empirical
distribution of the remaining wait given the time waited: exact, with no model, and as thin
as the records are at that age — ``samples`` in the answers is the size of the landmark set
(the number of past waits at risk at ``d``, the estimate's effective sample size).

**Too few at risk.** When fewer than ``min_samples`` (default :data:`MIN_AT_RISK`) past waits
of the same round are at risk at ``d``, the waits of every round of the same kind are pooled
(``basis`` says ``"pooled"``): a wait for feedback after round 2 is then forecast from the waits
after rounds 1, 2 and 3 that lasted as long. With none at risk even then there is no forecast
(``samples`` 0, probabilities NaN), as for a simulation in which no replication agreed.

Assumptions, where the records are silent: the waits of a kind are alike whoever the
interviewers, the job or the season (nothing in the records says otherwise without a model);
a rejection recorded but not told by ``as_of`` counts as *ghosted* at its recording time —
when the company tells rejections late, some of these are told after ``as_of``, and the
estimate then puts too much weight on "never" for waits cut at recent dates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from hiresim.inference.forecasts import Forecast, OpenApplication
    from hiresim.records.history import History

#: Default number of past waits at risk below which the same round's estimate is replaced by
#: the pooled one. Why 20: with ``n`` waits at risk, a probability ``p`` of the estimate has a
#: standard error of about ``sqrt(p (1 - p) / n)``; at ``n = 20`` that is 0.09 for an 80 % date
#: (it may be a 71-89 % date) and 0.11 at 50 %, and a 90 % date exists only if at least 18 of
#: the 20 waits ended in "heard" — below that the round's own estimate is mostly noise, and the
#: bias of pooling rounds costs less.
MIN_AT_RISK = 20
#: The ends of a wait, as coded in :func:`past_waits` (0: still open, censored).
ENDS = ("censored", "heard", "withdrawn", "ghosted")
CENSORED, HEARD, WITHDRAWN, GHOSTED = range(4)
#: Where a forecast's estimate came from (``basis`` in the answers).
BASES = ("round", "pooled", "none")
#: A cumulative incidence counts as reaching a level within this tolerance (sums of ``k / n``
#: in floating point: 4 of 5 heard is 0.8, not 0.7999999999999999).
_EPS = 1e-9
_WAITS_COLUMNS = ("application_id", "waiting_for", "round", "since", "days", "end", "left")


def past_waits(history: History) -> pd.DataFrame:
    """Every wait of the records, of the kinds a forecast answers, as competing-risks data.

    One row per application and kind: ``waiting_for`` ``feedback`` (from the round's interview
    end, one row per row of :attr:`History.waits`), ``interview`` (from the first entry into
    stage ``round:k``), ``screening`` (from the application; every application) and ``owed``
    (from a rejection's recording, ``closed_at``, until it was told: every rejection after an
    interview; one never told by the export is censored there); ``round``
    (``k``; 0 for screening); ``since``; ``days`` until it ended or was censored at the export;
    ``end`` (a code of :data:`ENDS`); and ``left``: the days until the application left the
    state that the kind names — interviewed in round ``k`` (``interview``), entered a round
    (``screening``), never for ``feedback`` (``inf``).

    A wait ends as :func:`hiresim.inference.backtests.realised_days` says a forecast's answer
    is realised: the round's wait for feedback decides when there is one (``advance``,
    ``offer``, ``reject``: heard; ``withdrawn``; ``ghosted``; ``open``: censored); without one,
    a ``notified_at`` is hearing, an ``active`` application is censored at the export, a
    withdrawal is ``withdrawn`` and any other close (a rejection never told) ``ghosted``, at
    ``closed_at``. A round whose interview is recorded but whose wait the export left out
    (:attr:`History.left_out`) is left out here too, as is a wait that would end before it
    began.
    """
    import pandas as pd

    w = history.waits
    outcome = w["outcome"].astype(str).to_numpy()
    w_end = np.select([np.isin(outcome, ("advance", "offer", "reject")),
                       outcome == "withdrawn", outcome == "ghosted"],
                      [HEARD, WITHDRAWN, GHOSTED], CENSORED)
    app = w["application_id"].to_numpy(object)
    rnd = w["round"].to_numpy("int64")
    parts = [pd.DataFrame({"application_id": app, "waiting_for": "feedback", "round": rnd,
                           "since": w["interview_end"],
                           "days": w["days_to_feedback"].to_numpy(float), "end": w_end,
                           "left": math.inf}),
             _owed(history, outcome)]
    by_round = pd.DataFrame({
        "application_id": app, "round": rnd, "_end": w_end,
        "_stop": w["interview_end"] + pd.to_timedelta(w["days_to_feedback"], unit="D"),
    }).drop_duplicates(["application_id", "round"])
    iv = history.interviews
    first_iv = (iv.groupby(["application_id", "round"], sort=False)["end"].min()
                .rename("_interviewed").reset_index())
    first_iv["round"] = first_iv["round"].astype("int64")
    for kind, frame in _stage_waits(history, first_iv).items():
        days, end = _ends(frame, by_round, first_iv, history.applications,
                          history.exported_at)
        keep = np.isfinite(days) & (days >= 0)
        parts.append(pd.DataFrame({
            "application_id": frame["application_id"].to_numpy(object)[keep],
            "waiting_for": kind,
            "round": (frame["round"].to_numpy("int64") if kind == "interview"
                      else np.zeros(len(frame), "int64"))[keep],
            "since": frame["since"].to_numpy()[keep], "days": days[keep], "end": end[keep],
            "left": frame["left"].to_numpy(float)[keep]}))
    out = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
    out["end"] = out["end"].astype("int64")
    out["round"] = out["round"].astype("int64")
    out["since"] = pd.to_datetime(out["since"])
    return out[list(_WAITS_COLUMNS)]


def _owed(history: History, outcome: np.ndarray) -> pd.DataFrame:
    """The waits from a rejection's recording (``closed_at``) to its telling: told
    (``reject``: heard then, at once when the two coincide) or not by the export (``ghosted``:
    censored there)."""
    import pandas as pd

    w = history.waits
    apps = history.applications.drop_duplicates("application_id").set_index("application_id")
    closed = pd.to_datetime(w["application_id"].map(apps["closed_at"])).to_numpy(
        "datetime64[ns]")
    told = outcome == "reject"
    stop = np.where(told, w["feedback_at"].to_numpy("datetime64[ns]"),
                    np.datetime64(history.exported_at.to_datetime64(), "ns"))
    days = (stop - closed) / np.timedelta64(1, "D")
    keep = np.isin(outcome, ("reject", "ghosted")) & ~np.isnat(closed) & (days >= 0)
    return pd.DataFrame({
        "application_id": w["application_id"].to_numpy(object)[keep], "waiting_for": "owed",
        "round": w["round"].to_numpy("int64")[keep], "since": closed[keep],
        "days": days[keep], "end": np.where(told, HEARD, CENSORED)[keep], "left": math.inf})


def _stage_waits(history: History, first_iv: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The waits that begin at a stage and end with a round's decision, before their ends are
    known: ``interview`` (from the first entry into ``round:k``; left at the round's first
    interview) and ``screening`` (from the application; left at the first entry into a round
    or the offer; the decision awaited is round 1's)."""
    import pandas as pd

    day = pd.Timedelta(days=1)
    st = history.stages
    stage = st["stage"].astype(str)
    k = pd.to_numeric(stage.str.extract(r"^round:(\d+)$")[0], errors="coerce")
    rounds = (st.assign(round=k).loc[k.notna(), ["application_id", "round", "entered_at"]]
              .sort_values("entered_at", kind="stable")
              .drop_duplicates(["application_id", "round"]))
    rounds["round"] = rounds["round"].astype("int64")
    interview = rounds.rename(columns={"entered_at": "since"}).merge(
        first_iv, on=["application_id", "round"], how="left")
    interview["left"] = ((interview["_interviewed"] - interview["since"]) / day).fillna(
        math.inf)
    beyond = k.notna() | (stage == "offer")
    entered = (st.loc[beyond.to_numpy(), ["application_id", "entered_at"]]
               .groupby("application_id")["entered_at"].min())
    apps = history.applications
    screening = pd.DataFrame({"application_id": apps["application_id"].to_numpy(object),
                              "round": 1, "since": apps["applied_at"].to_numpy()})
    screening["left"] = ((screening["application_id"].map(entered) - screening["since"])
                         / day).fillna(math.inf).to_numpy(float)
    return {"interview": interview, "screening": screening}


def _ends(frame: pd.DataFrame, by_round: pd.DataFrame, first_iv: pd.DataFrame,
          apps: pd.DataFrame, exported_at: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Days until each wait of ``frame`` (``application_id``, ``round``, ``since``) ended or
    was censored, and how it ended (``inf`` days: left out)."""
    import pandas as pd

    keys = frame[["application_id", "round"]].astype({"round": "int64"})
    m = keys.merge(by_round, on=["application_id", "round"], how="left")
    had_iv = keys.merge(first_iv, on=["application_id", "round"], how="left")[
        "_interviewed"].notna().to_numpy()
    a = apps.drop_duplicates("application_id").set_index("application_id")
    app_id = frame["application_id"]
    status = app_id.map(a["status"]).astype(object).to_numpy()
    notified = pd.to_datetime(app_id.map(a["notified_at"])).to_numpy("datetime64[ns]")
    closed = pd.to_datetime(app_id.map(a["closed_at"])).to_numpy("datetime64[ns]")
    since = pd.to_datetime(frame["since"]).to_numpy("datetime64[ns]")
    wait_stop = pd.to_datetime(m["_stop"]).to_numpy("datetime64[ns]")
    has_wait = ~np.isnat(wait_stop)
    export = np.datetime64(exported_at.to_datetime64(), "ns")
    n = len(frame)
    stop = np.full(n, np.datetime64("NaT"), "datetime64[ns]")
    end = np.full(n, CENSORED, "int64")
    decided = np.zeros(n, bool)
    rules = [  # the first that holds decides
        (has_wait, m["_end"].fillna(CENSORED).to_numpy("int64"), wait_stop),
        (had_iv, np.full(n, -1), stop),  # interviewed, wait left out: leave out
        (~np.isnat(notified), np.full(n, HEARD), notified),
        (status == "active", np.full(n, CENSORED), np.full(n, export)),
        (status == "withdrawn", np.full(n, WITHDRAWN), closed),
        (np.ones(n, bool), np.full(n, GHOSTED), closed),
    ]
    for cond, code, at in rules:
        now = cond & ~decided
        end[now], stop[now] = code[now], at[now]
        decided |= now
    days = (stop - since) / np.timedelta64(1, "D")
    days = np.where(np.isnat(stop) | (end < 0), math.inf, days)
    return days.astype(float), np.maximum(end, 0)


@dataclass(frozen=True)
class Incidence:
    """An Aalen–Johansen estimate: at each time an end happened, the waits at risk, the
    cumulative incidence of ``heard``, ``withdrawn`` and ``ghosted``, and the probability that
    none has happened yet."""

    #: The distinct times (days) at which a wait ended, increasing.
    times: np.ndarray
    #: Waits at risk just before each time (still open and not censored before it).
    at_risk: np.ndarray
    #: Shape ``(3, len(times))``: cumulative incidence of heard, withdrawn, ghosted by each time.
    cif: np.ndarray
    #: Probability that no end has happened by each time (the product-limit survival).
    survival: np.ndarray
    #: Waits the estimate is made from.
    n: int

    def at(self, t: float) -> np.ndarray:
        """Cumulative incidence of the three ends by ``t`` (inclusive)."""
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        return self.cif[:, i] if i >= 0 else np.zeros(3)

    def still_open(self, t: float) -> float:
        """Probability that no end has happened by ``t`` (inclusive): the survival."""
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        return float(self.survival[i]) if i >= 0 else 1.0

    def first_reaching(self, level: float, limit: float) -> float:
        """The first time by which ``heard`` reaches ``level`` (``inf``: not by ``limit``)."""
        hit = np.flatnonzero((self.cif[0] >= level - _EPS) & (self.times <= limit))
        return float(self.times[hit[0]]) if len(hit) else math.inf


def aalen_johansen(days: np.ndarray, end: np.ndarray) -> Incidence:
    """The Aalen–Johansen estimate of the three competing ends from waits of ``days`` ending in
    ``end`` (codes of :data:`ENDS`; 0: censored then).

    At each distinct time ``t`` at which some wait ended, with ``n(t)`` waits at risk (lasting
    at least ``t``: a wait censored at ``t`` counts as at risk then) and ``d_j(t)`` of them
    ending in ``j``: the survival ``S(t) = S(t-) (1 - sum_j d_j(t) / n(t))``, and the
    cumulative incidence ``F_j(t) = F_j(t-) + S(t-) d_j(t) / n(t)``.
    """
    days = np.asarray(days, float)
    end = np.asarray(end, np.int64)
    order = np.argsort(days, kind="stable")
    t, e = days[order], end[order]
    ended = e > CENSORED
    times, index = np.unique(t[ended], return_inverse=True)
    counts = np.bincount(index * 3 + (e[ended] - 1), minlength=3 * len(times)).reshape(
        len(times), 3).T.astype(float)
    at_risk = len(t) - np.searchsorted(t, times, side="left")
    hazard = counts / np.maximum(at_risk, 1)
    survival = np.cumprod(1.0 - hazard.sum(axis=0))
    before = np.concatenate([[1.0], survival[:-1]])
    cif = np.cumsum(before * hazard, axis=1)
    return Incidence(times, at_risk.astype(np.int64), cif, survival, len(t))


def conditional(days: np.ndarray, end: np.ndarray, left: np.ndarray, waited: float
                ) -> Incidence:
    """The Aalen–Johansen estimate restarted at ``waited`` days: from the waits still open and
    in the same state then (``days > waited`` and ``left > waited``), of the time after it."""
    keep = (days > waited) & (left > waited)
    return aalen_johansen(days[keep] - waited, end[keep])


@dataclass(frozen=True)
class _Group:
    days: np.ndarray
    end: np.ndarray
    left: np.ndarray

    def at_risk(self, waited: float) -> int:
        return int(((self.days > waited) & (self.left > waited)).sum())


def _groups(waits: pd.DataFrame) -> tuple[dict[tuple[str, int], _Group], dict[str, _Group]]:
    by_round, pooled = {}, {}
    for (kind, rnd), g in waits.groupby(["waiting_for", "round"], sort=False):
        by_round[(str(kind), int(rnd))] = _Group(g["days"].to_numpy(float),
                                                 g["end"].to_numpy(np.int64),
                                                 g["left"].to_numpy(float))
    for kind, g in waits.groupby("waiting_for", sort=False):
        pooled[str(kind)] = _Group(g["days"].to_numpy(float), g["end"].to_numpy(np.int64),
                                   g["left"].to_numpy(float))
    return by_round, pooled


_EMPTY = _Group(np.zeros(0), np.zeros(0, np.int64), np.zeros(0))


def _kind(app: OpenApplication) -> tuple[str, int]:
    """Which past waits forecast ``app``: the kind and round of :func:`past_waits`."""
    if app.decided:
        return "owed", app.round
    return app.waiting_for, (app.round if app.waiting_for != "screening" else 0)


def forecast_from_records(history: History, as_of: pd.Timestamp, week_end: pd.Timestamp,
                          to_by: float | None, horizon_days: int,
                          min_samples: int | None = None,
                          owed_cutoff_days: float | None = None) -> Forecast:
    """The records' own forecast for the applications open on ``as_of`` (see the module).

    Called by :func:`hiresim.forecast` with ``method="empirical"``, which checks the arguments
    and computes ``week_end`` (the end of the Friday of the week) and ``to_by`` (the days from
    ``as_of`` to the end of the day ``by``, or ``None``). The answers have
    the columns of a simulated forecast: the same meanings, read from the conditional
    cumulative incidence instead of replications — ``p_by_week_end`` and ``p_by_date`` are
    the incidence of "heard" by then; ``date_50/80/90`` the day by whose end it reaches that
    level (NaT when it does not within ``horizon_days``); ``p_never`` the incidence of
    withdrawn and ghosted by the horizon, ``p_withdraw_first`` that of withdrawn;
    ``p_after_horizon`` what is left (no end by the horizon, or beyond the longest wait the
    records followed); ``main_cause`` empty (the records do not say why a wait lasts);
    ``samples`` the past waits at risk at the days already waited; ``replayed_from`` NaT
    (nothing is replayed) — and one more column, ``basis``: ``round``, ``pooled`` (too few of
    the same round were at risk) or ``none`` (no past wait of the kind lasted as long: no
    forecast). ``Forecast.draws`` holds each answer's distribution as weighted points (key
    ``weight``), so that ``sentence``, ``p_heard_by``, ``plot`` and the backtest read it as
    they read replications.
    """
    import pandas as pd

    from hiresim.inference.forecasts import ANSWER_COLUMNS, Forecast, state_at

    want = MIN_AT_RISK if min_samples is None else int(min_samples)
    known = history.cut(as_of) if as_of < history.exported_at else history
    state = state_at(known, as_of, owed_cutoff_days=owed_cutoff_days)
    by_round, pooled = _groups(past_waits(known))
    horizon = float(horizon_days)
    to_week_end = float((week_end - as_of) / pd.Timedelta(days=1))
    recorded = known.applications.drop_duplicates("application_id").set_index(
        "application_id")["closed_at"]
    rows, draws = [], {}
    for app in state.applications:
        waited = float((as_of - app.since) / pd.Timedelta(days=1))
        kind, rnd = _kind(app)
        since = recorded[app.application_id] if kind == "owed" else app.since
        elapsed = float((as_of - since) / pd.Timedelta(days=1))
        own = by_round.get((kind, rnd), _EMPTY)
        everyone = pooled.get(kind, _EMPTY)
        n_own, n_all = own.at_risk(elapsed), everyone.at_risk(elapsed)
        basis = "round" if n_own >= want or n_own >= n_all else "pooled"
        if max(n_own, n_all) == 0:
            basis = "none"
        group = own if basis == "round" else everyone
        inc = conditional(group.days, group.end, group.left, elapsed)
        rows.append(_row(app, waited, inc, basis, as_of, week_end, to_week_end, to_by,
                         horizon))
        draws[app.application_id] = _points(inc, horizon)
    columns = [*ANSWER_COLUMNS, "basis"]
    answers = pd.DataFrame(rows, columns=columns)
    for col in ("date_50", "date_80", "date_90", "since", "week_end", "replayed_from"):
        answers[col] = pd.to_datetime(answers[col])
    causes = pd.DataFrame(columns=["application_id", "cause", "days"])
    return Forecast(as_of, answers, causes, state, draws, horizon_days, 0, None,
                    method="empirical")


def _row(app: OpenApplication, waited: float, inc: Incidence, basis: str, as_of: pd.Timestamp,
         week_end: pd.Timestamp, to_week_end: float, to_by: float | None, horizon: float
         ) -> dict[str, object]:
    import pandas as pd

    nan = math.nan
    some = inc.n > 0

    def heard_by(t: float) -> float:
        return float(inc.at(min(t, horizon))[0]) if some else nan

    def date(level: float) -> pd.Timestamp | None:
        t = inc.first_reaching(level, horizon) if some else math.inf
        return (as_of + pd.Timedelta(days=t)).normalize() if math.isfinite(t) else None

    at_h = inc.at(horizon)
    after = inc.still_open(horizon)
    return {
        "application_id": app.application_id, "candidate_id": app.candidate_id,
        "job_id": app.job_id, "stage": app.stage, "waiting_for": app.waiting_for,
        "since": app.since, "days_waited": waited,
        "p_by_week_end": heard_by(to_week_end), "week_end": week_end - pd.Timedelta(days=1),
        "p_by_date": heard_by(to_by) if to_by is not None else nan,
        "date_50": date(0.5), "date_80": date(0.8), "date_90": date(0.9),
        "p_never": float(at_h[1] + at_h[2]) if some else nan,
        "p_withdraw_first": float(at_h[1]) if some else nan,
        "p_after_horizon": after if some else nan,
        "main_cause": "", "samples": inc.n, "acceptance": nan,
        "effective_samples": float(inc.n), "replayed_from": None, "basis": basis,
    }


def _points(inc: Incidence, horizon: float) -> dict[str, np.ndarray]:
    """The estimate as weighted points (what :attr:`Forecast.draws` holds): each time of
    hearing within the horizon with its probability, then "never" (withdrawn, ghosted) and
    "after the horizon" at ``inf``."""
    if inc.n == 0:
        return {"heard": np.zeros(0), "withdrew": np.zeros(0, bool),
                "after_horizon": np.zeros(0, bool), "weight": np.zeros(0)}
    within = inc.times <= horizon
    jumps = np.diff(np.concatenate([[0.0], inc.cif[0]]))
    take = within & (jumps > 0)
    at_h = inc.at(horizon)
    tail = np.array([at_h[1], at_h[2], inc.still_open(horizon)])
    heard = np.concatenate([inc.times[take], np.full(3, math.inf)])
    weight = np.concatenate([jumps[take], tail])
    withdrew = np.zeros(len(heard), bool)
    withdrew[-3] = True
    after = np.zeros(len(heard), bool)
    after[-1] = True
    return {"heard": heard, "withdrew": withdrew, "after_horizon": after, "weight": weight}
