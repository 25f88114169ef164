"""Conditioning that never starves (issue 22, item 2): an open application that few
replications agree with is copied (splitting) until it has ``min_samples`` agreeing samples,
and the answers say how many agreed, at what rate, and how many of them are independent."""

from __future__ import annotations

import numpy as np
import pandas as pd

import hiresim as hs
from hiresim.inference.forecasts import MAX_COPIES, copies_wanted, forecast


def test_a_wait_three_times_the_rounds_median_gets_min_samples(tmp_path):
    """A round-1 wait 3x the round's median (in the export's own finished waits): plain
    rejection finds it in about 3 % of replications (8 batches of 20 gave 5 samples); with
    copies it has at least ``min_samples``, from far fewer replications."""
    sc = hs.preset("default")
    h = hs.read_ats(hs.simulate(sc, replications=1, seed=21).to_ats(tmp_path / "ats"))
    done = h.waits[h.waits["outcome"].isin(["advance", "offer", "reject"])]
    first = done[done["round"] == 1]
    median = float(first["days_to_feedback"].median())
    slow = first[first["days_to_feedback"] > 3.2 * median].iloc[0]
    as_of = slow["interview_end"] + pd.Timedelta(days=3 * median)
    f = forecast(sc, h, as_of=as_of, replications=20, seed=3, min_samples=30,
                 horizon_days=90)
    a = f.answers.set_index("application_id")
    row = a.loc[slow["application_id"]]
    assert row["days_waited"] >= 3 * median - 1e-9
    assert row["samples"] >= 30
    assert 0.0 < row["acceptance"] <= 1.0
    # the copies of one replication share its state: fewer independent samples than samples
    assert 1.0 <= row["effective_samples"] < row["samples"]
    assert (a["samples"] >= 30).all()  # every open application, not only this one
    assert f.replications <= 20 + 7 * 2  # batches after the first are a tenth as large
    heard = f.draws[slow["application_id"]]["heard"]
    assert len(heard) == row["samples"] and (heard > 0).all()


def test_copies_follow_the_agreement_rate():
    """Copies per replication: what the next batch needs at the rate seen so far, capped."""
    agreeing = np.array([50, 10, 0, 1])
    started = np.array([100, 100, 100, 10_000])
    got = copies_wanted(agreeing, started, want=50, replications=20)
    assert got[0] == 0  # already has enough
    # 40 more at ~0.104 per started: 40 / (20 * 0.104) = 19.2 -> 20 starts -> 19 copies
    assert got[1] == 19
    assert got[2] == MAX_COPIES and got[3] == MAX_COPIES
