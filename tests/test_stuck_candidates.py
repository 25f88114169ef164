"""No candidate stuck for ever: meeting searches are retried, a filled job's waiting candidates
are told (or ghosted), and patience runs between rounds until the next interview is booked."""

from __future__ import annotations

import pandas as pd
import pytest

import hiresim as hs
from hiresim.causes import ABSENCE
from tests.mechanisms.helpers import H, base, const, overlay, replication

#: Hours since Monday 2026-01-05 00:00.
FRIDAY_JAN_9 = 96.0
SUNDAY_JAN_25 = 480.0
MONDAY_JAN_26_9AM = 513.0


def scheduled(**changes) -> dict:
    """:func:`base` with meetings scheduled on a one-hour grid, a one-hour interview and a
    search window of 5 days, retried weekly."""
    scheduling = {"enabled": True, "slot_minutes": 60, "notice_hours": 0.0,
                  "candidate_load": 0.0, "search_days": 5, "retry_after_days": 7}
    scheduling.update(changes.pop("scheduling", {}))
    data = base(scheduling=scheduling, **changes)
    data["rounds"][0]["interview_minutes"] = 60
    return data


def with_absence(data: dict, pid: str = "interviewer-1", start: float = FRIDAY_JAN_9,
                 end: float = SUNDAY_JAN_25) -> object:
    rep = replication(data)
    for members in rep.people.values():  # plain calendars, no calendar load
        for p in members:
            p.free = p.timeline.slot_mask(rep.slots.slot_hours, rep.slots.n_slots)
    overlay(rep, pid, start, end, ABSENCE)
    return rep


def test_no_slot_in_the_window_is_searched_again_until_one_is_found():
    """The only interviewer is away for 16 days from the Friday the interview is due; the
    5-day window finds nothing on Jan 9 or Jan 16; the search of Jan 23 finds Monday Jan 26
    09:00. The wait is charged to the absence, the night after it included (a night inside a
    wait belongs to the piece before it), except Friday 00:00-09:00: the interview could not
    have started before 09:00 without the absence either (the wait's lead is off hours:
    docs/explanation/attribution.md). The absence takes the 17 days it adds."""
    tables = with_absence(scheduled()).run()
    row = tables["journeys"].iloc[0]
    assert row["interview_end"] == pd.Timestamp("2026-01-26 10:00")
    assert row["outcome"] == "reject" and row["days_to_feedback"] == pytest.approx(2 * H)
    interview = tables["events"].query("`concept:name` == 'interview 1'").iloc[0]
    assert interview["start_timestamp"] == pd.Timestamp("2026-01-26 09:00")
    assert interview["wt_absence"] == pytest.approx((MONDAY_JAN_26_9AM - FRIDAY_JAN_9 - 9) / 24)
    assert interview["wt_off_hours"] == pytest.approx(9 / 24)
    assert interview["wt_scheduling"] == pytest.approx(0.0)


def test_without_a_retry_before_the_end_the_candidate_would_wait_for_ever():
    """The counterfactual: a retry later than the end of the run leaves them open (this is
    what every such candidate did before searches were retried)."""
    tables = with_absence(scheduled(scheduling={"retry_after_days": 90})).run()
    assert tables["journeys"].empty
    assert tables["candidates"]["final_outcome"].tolist() == ["open"]


@pytest.mark.parametrize(("ghost", "outcome"), [(0.0, "rejected"), (1.0, "ghosted")])
def test_a_filled_job_tells_or_ghosts_its_waiting_candidates(ghost, outcome):
    """The job is filled on Jan 13 while the recruiter looks for a slot: at the next search
    the candidate is told (a rejection) or, with the policy's probability, never hears."""
    data = scheduled(communication={"policy": "direct", "message": 0,
                                    "ghost_probability": ghost})
    rep = with_absence(data)

    def fill():
        yield rep.world.env.timeout(200.0)
        rep.pipeline.close_requisition(rep.world.requisitions[0])

    rep.world.env.process(fill())
    tables = rep.run()
    cand = tables["candidates"].iloc[0]
    assert cand["final_outcome"] == outcome
    assert cand["rounds"] == 0 and tables["journeys"].empty
    # they learn it at the first search after the job was filled: Friday Jan 16
    assert cand["days_in_process"] == pytest.approx((FRIDAY_JAN_9 + 168 - 96) / 24 + 0.0)


def two_rounds(**changes) -> dict:
    """Round 1 with the interviewer, round 2 with a senior interviewer; patience is a constant
    5 calendar days and nobody follows up."""
    data = scheduled(**changes)
    data["roles"]["senior"] = {"count": 1}
    data["rounds"] = [
        {"panel": 1, "panel_role": "interviewer", "interview_minutes": 60,
         "decision": {"advance": 1.0, "reject": 0.0}},
        {"panel": 1, "panel_role": "senior", "interview_minutes": 60,
         "decision": {"reject": 1.0}},
    ]
    data["candidates"]["patience"] = {"days": const(5, "calendar_days"), "never_withdraw": 0.0}
    return data


def test_patience_runs_between_rounds_while_the_next_interview_is_not_booked():
    """Advanced on Friday Jan 9; the senior interviewer is away until Jan 25, so round 2
    cannot be booked; five days without news later the candidate withdraws."""
    rep = with_absence(two_rounds(), pid="senior-1", start=0.0)
    tables = rep.run()
    assert tables["journeys"]["outcome"].tolist() == ["advance"]
    cand = tables["candidates"].iloc[0]
    assert cand["final_outcome"] == "withdrawn" and cand["rounds"] == 1


def test_a_booked_interview_is_news_even_when_it_is_far_off():
    """Round 2 is booked at once for ten days later (notice): the candidate knows the date
    and does not withdraw for silence in between."""
    data = two_rounds(scheduling={"notice_hours": 240.0})
    data["rounds"][0]["interview_minutes"] = 60
    tables = with_absence(data, pid="senior-1", start=0.0, end=1.0).run()
    assert tables["journeys"]["outcome"].tolist() == ["advance", "reject"]
    assert tables["candidates"]["final_outcome"].tolist() == ["rejected"]


def test_no_default_candidate_waits_for_a_slot_without_a_booking_at_the_end():
    """On the default preset every candidate who advanced and still waits for the next
    interview at the end of the run has a booked date, or lost it less than one search
    window plus one retry ago (a retried search is under way); before retries, 1.1 % of
    candidates sat after an 'advance' with no search at all (median 188 days)."""
    from hiresim.model import Replication

    # a short drain, so that many candidates are between rounds when the run ends
    sc = hs.preset("default").with_overrides({"drain_days": 20})
    patience = (sc.scheduling.search_days + sc.scheduling.retry_after_days) * 24.0
    waiting = stuck = 0
    for r in range(12):
        rep = Replication(sc, 11, r, event_log=False)
        rep.world.env.run(until=rep.world.end)
        for c in rep.world.in_process.values():
            if c.journey is None and not c.withdrawn and 0 < c.rounds < len(sc.rounds):
                waiting += 1
                if c.booked <= c.rounds and rep.world.end - c.news_at > patience:
                    stuck += 1
    assert waiting > 0, "the check must see candidates between rounds"
    assert stuck == 0, f"{stuck} of {waiting} waiting candidates have no booking"
