"""Every delay source as a mechanism: exact delays in isolation, ablation, identity, validation.

Deterministic tests build a tiny scenario (constant durations, one requisition, one candidate
arriving at a known time, no meeting search) and lay a known disruption over a person's
timeline, the deterministic core of a random mechanism. Random mechanisms are then checked on
the default preset with common random numbers: switching a source off does not lengthen the
mean wait, and more of it gives more of its cause (paired by replication, bounds in standard
errors).
"""

from __future__ import annotations

import copy
import math
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim import causes
from hiresim.causes import DELAY_COLUMNS
from hiresim.model import Replication
from hiresim.scenario import load_scenario

H = 1.0 / 24.0  #: one hour, in days
#: Hours since the epoch (Monday 2026-01-05 00:00) of Friday 2026-01-09 00:00, when the single
#: candidate of :func:`base` has their interview (regular arrivals, 4 days apart).
FRIDAY = 96.0

ALWAYS_OPEN = {"office": {"always_open": True}}


def const(value: float, unit: str = "working_hours") -> dict[str, Any]:
    return {"dist": "constant", "value": value, "unit": unit}


def base(**changes: Any) -> dict[str, Any]:
    """One requisition, one candidate interviewed on Friday 00:00, one interviewer whose 2 h
    scorecard is the only work; the decision (reject) reaches the candidate at once."""
    data: dict[str, Any] = {
        "name": "mechanism",
        "start": "2026-01-05",  # a Monday
        "horizon_days": 14,
        "drain_days": 40,
        "calendars": {"office": {"hours": ["09:00", "17:00"]}},
        "roles": {
            "recruiter": {"count": 1},
            "hiring_manager": {"count": 1},
            "interviewer": {"count": 1},
        },
        "candidates": {"arrivals": "regular", "rate_per_week": 1.75, "max_per_requisition": 1},
        "rounds": [{"panel": 1, "interview_minutes": 0, "decision": {"reject": 1.0}}],
        "scorecards": {"work": const(2.0)},
        "communication": {"policy": "direct", "message": 0},
        "scheduling": {"enabled": False},
    }
    data.update(copy.deepcopy(changes))
    return data


def replication(data: dict[str, Any], seed: int = 1) -> Replication:
    """A replication with every person's random disruptions removed (plain calendars)."""
    rep = Replication(load_scenario(data), seed, 0)
    for members in rep.people.values():
        for person in members:
            person.timeline = person.calendar
            person.joins = []
    return rep


def person(rep: Replication, pid: str):
    return next(p for members in rep.people.values() for p in members if p.id == pid)


def overlay(rep: Replication, pid: str, start: float, end: float, code: int) -> None:
    """Lay ``[start, end)`` (hours) of cause ``code`` over a person's timeline (and free mask)."""
    p = person(rep, pid)
    p.timeline = p.timeline.overlay([start], [end], code)
    p.free = p.timeline.slot_mask(rep.slots.slot_hours, rep.slots.n_slots)


def run(rep: Replication) -> dict[str, pd.DataFrame]:
    tables = rep.run()
    j = tables["journeys"]
    assert np.allclose(j[list(DELAY_COLUMNS)].sum(axis=1), j["days_to_feedback"], atol=1e-6)
    return tables


def check_only(row: pd.Series, **expected: float) -> None:
    """The row's delay columns are ``expected`` (days) and zero elsewhere."""
    for col in DELAY_COLUMNS:
        want = expected.get(col.removeprefix("delay_"), 0.0)
        assert row[col] == pytest.approx(want, abs=1e-9), col


def journey(tables: dict[str, pd.DataFrame], k: int = 0) -> pd.Series:
    return tables["journeys"].iloc[k]


# ---------------------------------------------------------------------------------------------
# The baseline the deterministic tests add to


def test_baseline_friday_scorecard():
    row = journey(run(replication(base())))
    assert row["interview_end"] == pd.Timestamp("2026-01-09 00:00")
    assert row["outcome"] == "reject"
    assert row["days_to_feedback"] == pytest.approx(11 * H)
    check_only(row, off_hours=9 * H, work=2 * H)


# ---------------------------------------------------------------------------------------------
# Absence and the continuity policy


def test_absence_five_working_days_delays_by_exactly_that():
    """The only interviewer is on leave Friday to Thursday (5 working days): the scorecard is
    written the next Friday, 7 calendar days later, all of them charged to absence."""
    rep = replication(base())
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + 7 * 24, causes.ABSENCE)
    row = journey(run(rep))
    assert row["days_to_feedback"] == pytest.approx(7 + 11 * H)
    check_only(row, absence=7.0, off_hours=9 * H, work=2 * H)


def test_absence_always_open_calendar_exact():
    rep = replication(base(calendars=ALWAYS_OPEN))
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + 5 * 24, causes.ABSENCE)
    row = journey(run(rep))
    check_only(row, absence=5.0, work=2 * H)


def test_absence_of_meeting_attendee_is_charged_to_absence():
    """A debrief waits for an attendee on leave: the wait is absence, not scheduling."""
    data = base(calendars=ALWAYS_OPEN, debrief={"minutes": 60}, scorecards={"work": 0})
    data["scheduling"] = {"enabled": True, "notice_hours": 0, "candidate_load": 0.0}
    rep = replication(data)
    overlay(rep, "hiring_manager-1", FRIDAY, FRIDAY + 3 * 24, causes.ABSENCE)
    row = journey(run(rep))
    check_only(row, absence=3.0, work=1 * H)


def continuity(policy: str, **rule: Any) -> dict[str, Any]:
    """The hiring manager's 2 h decision is the only work; two managers; the requisition's
    manager (hiring_manager-1) is on leave for 5 working days from Friday 00:00."""
    data = base(
        roles={
            "recruiter": {"count": 1},
            "hiring_manager": {"count": 2},
            "interviewer": {"count": 1},
        },
        scorecards={"work": 0},
        decision={"work": const(2.0)},
        # the block must exist for a continuity policy to apply; it draws no leave here
        absences={"vacation_days_per_year": 0, "sick_spells_per_year": 0},
        continuity={"default": {"policy": policy, "handover": const(1.0), **rule}},
    )
    return data


def run_continuity(data: dict[str, Any]) -> dict[str, pd.DataFrame]:
    rep = replication(data)
    overlay(rep, "hiring_manager-1", FRIDAY, FRIDAY + 7 * 24, causes.ABSENCE)
    return run(rep)


def test_continuity_wait_waits_for_the_person():
    tables = run_continuity(continuity("wait"))
    check_only(journey(tables), absence=7.0, off_hours=9 * H, work=2 * H)
    assert (tables["events"]["org:resource"] == "hiring_manager-1").any()


def test_continuity_delegate_hands_over_at_once():
    """A colleague takes the decision at once and pays the 1 h hand-over: Friday 09:00-12:00."""
    tables = run_continuity(continuity("delegate"))
    check_only(journey(tables), off_hours=9 * H, work=3 * H)
    decision = tables["events"].query("`concept:name` == 'decision'").iloc[0]
    assert decision["org:resource"] == "hiring_manager-2"


def test_continuity_delegate_after_threshold():
    """Wait 2 working days (Friday 09-17, Monday 09-17: until Monday 17:00, 89 h of absence),
    then the colleague starts Tuesday 09:00 and works 2 h + 1 h hand-over."""
    tables = run_continuity(continuity("delegate_after", after_days=2))
    check_only(journey(tables), absence=89 * H, off_hours=16 * H, work=3 * H)
    decision = tables["events"].query("`concept:name` == 'decision'").iloc[0]
    assert decision["org:resource"] == "hiring_manager-2"


def test_continuity_delegate_after_short_absence_waits():
    """An absence that ends before the threshold is waited out by the person themselves."""
    tables = run_continuity(continuity("delegate_after", after_days=10))
    check_only(journey(tables), absence=7.0, off_hours=9 * H, work=2 * H)


# ---------------------------------------------------------------------------------------------
# Priority shifts: preemption, resume or restart


def priority(on_return: str) -> dict[str, Any]:
    # The block must exist for on_return to apply; its random projects hit the recruiter only,
    # who has no work in this scenario (and are removed by `replication` anyway).
    return base(
        calendars=ALWAYS_OPEN,
        scorecards={"work": const(4.0)},
        priority_shifts={"roles": ["recruiter"], "on_return": on_return},
    )


def test_priority_preempted_task_resumes_with_remaining_work():
    """4 h of work from 00:00; a project takes the person 01:00-06:00; 3 h remain: done 09:00."""
    rep = replication(priority("resume"))
    overlay(rep, "interviewer-1", FRIDAY + 1, FRIDAY + 6, causes.PRIORITY)
    tables = run(rep)
    check_only(journey(tables), priority=5 * H, work=4 * H)
    card = tables["events"].query("`concept:name` == 'scorecard'").iloc[0]
    assert card["suspended_days"] == pytest.approx(5 * H)
    assert card["time:timestamp"] == pd.Timestamp("2026-01-09 09:00")


def test_priority_preempted_task_restarts():
    """The hour done before the project is lost: 4 h again from 06:00, done 10:00."""
    rep = replication(priority("restart"))
    overlay(rep, "interviewer-1", FRIDAY + 1, FRIDAY + 6, causes.PRIORITY)
    tables = run(rep)
    check_only(journey(tables), priority=5 * H, work=5 * H)
    card = tables["events"].query("`concept:name` == 'scorecard'").iloc[0]
    assert card["time:timestamp"] == pd.Timestamp("2026-01-09 10:00")


# ---------------------------------------------------------------------------------------------
# Turnover


def turnover() -> dict[str, Any]:
    return base(calendars=ALWAYS_OPEN, turnover={"roles": ["recruiter"], "handover": const(3.0)})


def _vacancy(rep: Replication, pid: str, leave: float, join: float) -> None:
    overlay(rep, pid, leave, join, causes.TURNOVER)
    person(rep, pid).joins = [join]


def test_turnover_vacancy_then_handover_for_queued_work():
    """Two candidates a day apart (Tue, Wed 00:00), 30 h scorecards. The interviewer leaves 6 h
    into the first; the seat is vacant until the replacement joins at hour 80, who finishes it
    (24 h left). The second scorecard, queued since hour 48, is then re-reviewed: 30 h + 3 h."""
    data = turnover()
    data["scorecards"] = {"work": const(30.0)}
    data["candidates"] = {"arrivals": "regular", "rate_per_week": 7, "max_per_requisition": 2}
    rep = replication(data)
    _vacancy(rep, "interviewer-1", 30.0, 80.0)
    tables = run(rep)
    first, second = tables["journeys"].iloc[0], tables["journeys"].iloc[1]
    check_only(first, turnover=50 * H, work=30 * H)
    check_only(second, turnover=32 * H, contention=24 * H, work=33 * H)
    cards = tables["events"].query("`concept:name` == 'scorecard'")
    assert list(cards["org:resource"]) == ["interviewer-1", "interviewer-1~1"]
    assert cards["suspended_days"].iloc[0] == pytest.approx(50 * H)


def test_turnover_work_arriving_at_a_vacant_seat_waits_for_the_join():
    rep = replication(turnover())
    _vacancy(rep, "interviewer-1", FRIDAY - 10, FRIDAY + 50)
    tables = run(rep)
    row = journey(tables)
    assert row["delay_turnover"] == pytest.approx(50 * H)
    card = tables["events"].query("`concept:name` == 'scorecard'").iloc[0]
    assert card["org:resource"] == "interviewer-1~1"


def test_turnover_work_arriving_at_a_vacant_seat_pays_handover():
    """Issue 3: open work "waits until a replacement joins ..., who then pays a hand-over"."""
    rep = replication(turnover())
    _vacancy(rep, "interviewer-1", FRIDAY - 10, FRIDAY + 50)
    check_only(journey(run(rep)), turnover=50 * H, work=5 * H)


# ---------------------------------------------------------------------------------------------
# Reorganizations


def test_reorganization_freeze_charged_to_reorganization():
    rep = replication(base(calendars=ALWAYS_OPEN))
    overlay(rep, "interviewer-1", FRIDAY - 5, FRIDAY + 30, causes.REORGANIZATION)
    check_only(journey(run(rep)), reorganization=30 * H, work=2 * H)


def test_overlapping_causes_go_to_the_higher_priority():
    """Leave Fri 00:00 - Sun 00:00 and a freeze Sat 00:00 - Mon 00:00: Friday is absence,
    the weekend reorganization (it comes first in the cause order)."""
    rep = replication(base(calendars=ALWAYS_OPEN))
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + 48, causes.ABSENCE)
    overlay(rep, "interviewer-1", FRIDAY + 24, FRIDAY + 72, causes.REORGANIZATION)
    check_only(journey(run(rep)), absence=1.0, reorganization=2.0, work=2 * H)


def test_reorganization_reassigns_recruiter_who_pays_handover():
    """At a reorganization (hour 90) the requisition moves to the other recruiter, whose first
    task for it (telling the candidate, 1 h) carries the 2 h hand-over."""
    data = base(
        calendars=ALWAYS_OPEN,
        roles={
            "recruiter": {"count": 2},
            "hiring_manager": {"count": 1},
            "interviewer": {"count": 1},
        },
        communication={"policy": "hr_gated", "handoff": 0, "message": const(1.0)},
        reorganizations={
            "rate_per_year": 12.0,
            "roles": ["hiring_manager"],
            "reassign_recruiters": True,
            "handover": const(2.0),
        },
    )
    rep = replication(data)
    assert rep.reorganization_onsets, "the seed must draw at least one onset to start the process"
    rep.reorganization_onsets[:] = [90.0]
    tables = run(rep)
    check_only(journey(tables), work=5 * H)
    tell = tables["events"].query("`concept:name` == 'tell candidate'").iloc[0]
    assert tell["org:resource"] == "recruiter-2"


# ---------------------------------------------------------------------------------------------
# Requirement changes


def requirements(**spec: Any) -> dict[str, Any]:
    roles = {
        "recruiter": {"count": 1},
        "hiring_manager": {"count": 1},
        "interviewer": {"count": 1},
        "finance": {"count": 1},
    }
    block = {
        "rate_per_year": 1e-3,  # no random rethink in the span; the test starts one
        "approvals": [{"roles": ["finance"], "work": const(10.0)}],
        "split_probability": 0.3,
        "cancel_probability": 0.2,
        **spec,
    }
    return base(calendars=ALWAYS_OPEN, roles=roles, requirements=block)


def rethink_at(rep: Replication, t: float, u: float) -> None:
    """Start a rethink of requisition R1 at ``t`` whose outcome draw is ``u`` (cancel below
    0.2, split below 0.5, keep above)."""
    from hiresim import org

    rep.env.process(org.rethink(rep, rep.requisitions[0], [t], [u]))


def test_requirements_hold_charged_to_requirements():
    """Rethought at hour 1 after the interview; the 10 h reclassification ends at hour 11: the
    decision, ready at hour 2, is held 9 h."""
    rep = replication(requirements())
    rethink_at(rep, FRIDAY + 1, 0.9)
    tables = run(rep)
    check_only(journey(tables), requirements=9 * H, work=2 * H)
    assert len(rep.requisitions) == 1
    assert (tables["events"]["stage"] == "requirements").sum() == 1


def test_requirements_split_opens_a_second_requisition():
    rep = replication(requirements())
    rethink_at(rep, FRIDAY + 1, 0.3)
    tables = run(rep)
    check_only(journey(tables), requirements=9 * H, work=2 * H)
    assert len(rep.requisitions) == 2
    assert set(tables["candidates"]["requisition"]) == {"R1", "R2"}


@pytest.mark.parametrize(("told", "outcome"), [(1.0, "reject"), (0.0, "ghosted")])
def test_requirements_cancel_rejects_or_ghosts(told, outcome):
    rep = replication(requirements(told_when_cancelled=told))
    rethink_at(rep, FRIDAY + 1, 0.1)
    tables = run(rep)
    row = journey(tables)
    assert row["outcome"] == outcome
    assert bool(row["censored"]) is (outcome == "ghosted")
    check_only(row, requirements=9 * H, work=2 * H)
    assert rep.requisitions[0].cancelled and rep.requisitions[0].closed


# ---------------------------------------------------------------------------------------------
# Bureaucracy: quorum, send-back, committees


def offer(steps: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    roles = {
        "recruiter": {"count": 1},
        "hiring_manager": {"count": 1},
        "interviewer": {"count": 1},
        "finance": {"count": 1},
        "vp": {"count": 1},
    }
    data = base(
        roles=roles,
        approvals={"steps": steps, "revision": const(4.0)},
        offers={"accept_probability": 1.0},
        **changes,
    )
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    return data


@pytest.mark.parametrize(("quorum", "absence"), [(1, 0.0), (None, 102 * H)])
def test_quorum_one_of_two_does_not_wait_for_the_absent_approver(quorum, absence):
    """Finance and the VP sign in parallel (3 h each); the VP is away until hour 200. With a
    1-of-2 quorum finance's signature suffices; with both required the offer waits."""
    step = {"roles": ["finance", "vp"], "quorum": quorum, "work": const(3.0)}
    rep = replication(offer([step], calendars=ALWAYS_OPEN))
    overlay(rep, "vp-1", FRIDAY, 200.0, causes.ABSENCE)
    row = journey(run(rep))
    assert row["outcome"] == "offer"
    check_only(row, absence=absence, work=5 * H)


def test_send_back_adds_revision_and_a_second_pass():
    step = {"name": "finance", "roles": ["finance"], "work": const(3.0), "send_back": 0.5}
    rep = replication(offer([step], calendars=ALWAYS_OPEN))
    draws = iter([0.1, 0.9])  # sent back once, then signed
    rep.u_decide = lambda: next(draws)
    tables = run(rep)
    check_only(journey(tables), work=(2 + 3 + 4 + 3) * H)
    names = list(tables["events"]["concept:name"])
    assert names.count("finance") == 2
    assert names.count("revise after finance") == 1


def test_friday_committee_delays_monday_approval_to_friday():
    """Interview Monday 00:00, scorecard 09:00-11:00; the VP signs only at the Friday 10:00
    committee (1 h): Monday 11:00 to Friday 10:00 is batching."""
    step = {
        "name": "committee",
        "roles": ["vp"],
        "committee": {"weekdays": ["Fri"], "time": "10:00", "minutes": 60},
    }
    data = offer([step])
    data["candidates"]["rate_per_week"] = 1.0  # the candidate arrives Monday 2026-01-12
    tables = run(replication(data))
    row = journey(tables)
    assert row["interview_end"] == pd.Timestamp("2026-01-12 00:00")
    assert row["feedback_at"] == pd.Timestamp("2026-01-16 11:00")
    check_only(row, off_hours=9 * H, work=3 * H, batching=95 * H)


# ---------------------------------------------------------------------------------------------
# Communication barriers


def test_hr_gated_handoff_is_communication():
    """The decision reaches the recruiter after 4 working hours (11:00-15:00, communication);
    the recruiter writes for 1 h (work)."""
    data = base(communication={"policy": "hr_gated", "handoff": const(4.0), "message": const(1.0)})
    tables = run(replication(data))
    check_only(journey(tables), off_hours=9 * H, communication=4 * H, work=3 * H)
    tell = tables["events"].query("`concept:name` == 'tell candidate'").iloc[0]
    assert tell["org:resource"] == "recruiter-1"


def test_direct_policy_manager_tells_without_handoff():
    data = base(communication={"policy": "direct", "handoff": const(4.0), "message": const(1.0)})
    tables = run(replication(data))
    check_only(journey(tables), off_hours=9 * H, work=3 * H)
    tell = tables["events"].query("`concept:name` == 'tell candidate'").iloc[0]
    assert tell["org:resource"] == "hiring_manager-1"


@pytest.mark.parametrize(("applies_to", "extra"), [(["reject"], 2.0), (["offer"], 0.0)])
def test_legal_review_adds_its_task(applies_to, extra):
    """Legal reads rejections for 2 h (a task: its time is the lawyer's work, and its event is
    in the communication stage); a review that applies to offers only leaves rejections alone."""
    roles = {
        "recruiter": {"count": 1},
        "hiring_manager": {"count": 1},
        "interviewer": {"count": 1},
        "legal": {"count": 1},
    }
    data = base(
        calendars=ALWAYS_OPEN,
        roles=roles,
        communication={
            "policy": "direct",
            "message": 0,
            "legal_review": {"role": "legal", "work": const(2.0), "applies_to": applies_to},
        },
    )
    tables = run(replication(data))
    check_only(journey(tables), work=(2 + extra) * H)
    reviews = tables["events"].query("`concept:name` == 'legal review'")
    assert len(reviews) == (1 if extra else 0)
    if extra:
        assert reviews["stage"].iloc[0] == "communication"
        assert reviews["org:resource"].iloc[0] == "legal-1"


def test_held_rejection_waits_until_filled():
    """A final-round rejection ready at hour 98 is held until the job closes at hour 150."""
    data = base(
        calendars=ALWAYS_OPEN,
        communication={"policy": "direct", "message": 0, "hold_rejections_until_filled": True},
    )
    rep = replication(data)

    def fill():
        yield rep.env.timeout(150.0)
        rep.close_requisition(rep.requisitions[0])

    rep.env.process(fill())
    tables = run(rep)
    check_only(journey(tables), communication=52 * H, work=2 * H)
    held = tables["events"].query("`concept:name` == 'rejection held until filled'").iloc[0]
    assert held["wt_communication"] == pytest.approx(52 * H)


def test_ghosted_rejection_is_censored():
    data = base(
        calendars=ALWAYS_OPEN,
        communication={"policy": "direct", "message": 0, "ghost_probability": 1.0},
    )
    tables = run(replication(data))
    row = journey(tables)
    assert row["outcome"] == "ghosted"
    assert bool(row["censored"])
    assert pd.isna(row["feedback_at"])
    check_only(row, work=2 * H)  # censored when the company decided never to write
    cand = tables["candidates"].iloc[0]
    assert cand["final_outcome"] == "ghosted" and bool(cand["censored"])


# ---------------------------------------------------------------------------------------------
# Candidates: follow-ups, withdrawal, declined offers


def waiting(behaviour: dict[str, Any], days: float = 20.0) -> dict[str, pd.DataFrame]:
    """The interviewer is away ``days`` days from the interview; the candidate behaves so."""
    rep = replication(base(calendars=ALWAYS_OPEN, behaviour=behaviour))
    overlay(rep, "interviewer-1", FRIDAY, FRIDAY + days * 24, causes.ABSENCE)
    return run(rep)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_follow_ups_are_recorded_and_do_not_end_the_wait(p):
    follow = {"first_after_days": 7, "every_days": 7, "answer_probability": {"direct": p}}
    tables = waiting({"follow_up": follow, "patience": None})
    check_only(journey(tables), absence=20.0, work=2 * H)
    ups = tables["events"].query("stage == 'follow-up'")
    label = "follow-up answered" if p else "follow-up unanswered"
    assert list(ups["concept:name"]) == [label, label]  # days 7 and 14
    stamps = (ups["time:timestamp"] - pd.Timestamp("2026-01-09")) / pd.Timedelta(days=1)
    assert list(stamps) == [7.0, 14.0]


def test_withdrawal_when_patience_runs_out():
    patience = {"days": const(3.0, "calendar_days"), "never_withdraw": 0.0}
    tables = waiting({"follow_up": None, "patience": patience})
    row = journey(tables)
    assert row["outcome"] == "withdrawn" and bool(row["censored"])
    assert pd.isna(row["feedback_at"])
    check_only(row, absence=3.0)
    assert tables["candidates"]["final_outcome"].iloc[0] == "withdrawn"


@pytest.mark.parametrize(("p", "outcome"), [(1.0, "reject"), (0.0, "withdrawn")])
def test_answered_follow_ups_renew_patience(p, outcome):
    """Patience 10 days from the last news; follow-ups on days 7 and 14. Answered, they push
    withdrawal to day 24, after the feedback on day 20; unanswered, the candidate leaves on
    day 10."""
    behaviour = {
        "follow_up": {"first_after_days": 7, "every_days": 7, "answer_probability": {"direct": p}},
        "patience": {"days": const(10.0, "calendar_days"), "never_withdraw": 0.0},
    }
    row = journey(waiting(behaviour))
    assert row["outcome"] == outcome
    assert row["days_to_feedback"] == pytest.approx(20 + 2 * H if p else 10.0)


@pytest.mark.parametrize(("accept", "final"), [(0.0, "declined"), (1.0, "hired")])
def test_offer_declined_or_accepted(accept, final):
    data = base(calendars=ALWAYS_OPEN, offers={"accept_probability": accept})
    data["rounds"][0]["decision"] = {"offer": 1.0, "reject": 0.0}
    tables = run(replication(data))
    assert journey(tables)["outcome"] == "offer"
    cand = tables["candidates"].iloc[0]
    assert cand["final_outcome"] == final
    assert bool(cand["offer_declined"]) is (final == "declined")


# ---------------------------------------------------------------------------------------------
# The default preset with common random numbers: ablation and intensity

#: Replications of the paired comparisons: the replication is the independent unit, and a
#: difference of replication means paired by replication (common random numbers) has a
#: standard error estimated across replications.
N_PAIRED = 8
#: Replications of the intensity comparisons (rare org-wide events vary a lot between runs).
N_INTENSITY = 16
#: Send-back is measured on offers only (a few per replication): more replications.
N_SEND_BACK = 48
SEED = 20260105
#: One-sided bound, in standard errors.
Z = 3.0


@pytest.fixture(scope="module")
def short_default() -> hs.Scenario:
    """The default preset over a shorter span. Candidate behaviour is off: withdrawal censors
    long waits, which would hide part of what a delay source adds to ``days_to_feedback``."""
    return hs.preset("default").with_overrides(
        {"horizon_days": 90, "drain_days": 60, "behaviour": None}
    )


def per_replication(results: hs.Results, column: str, n: int, rows=None) -> pd.Series:
    j = results.journeys if rows is None else rows(results.journeys)
    return j.groupby("replication")[column].mean().reindex(range(n))


def paired(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """Mean and standard error of the paired difference ``a - b`` across replications."""
    d = (a - b).dropna()
    assert len(d) >= 3
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


@pytest.fixture(scope="module")
def baseline(short_default) -> hs.Results:
    # replication i is the same computation whatever the count: ablations use the first ones
    return hs.simulate(short_default, replications=N_INTENSITY, seed=SEED, event_log=False)


@pytest.mark.parametrize("source", list(hs.DELAY_SOURCES))
def test_switching_a_source_off_does_not_lengthen_the_wait(short_default, baseline, source):
    n = N_PAIRED
    sc, on = short_default, per_replication(baseline, "days_to_feedback", N_INTENSITY)[:n]
    off = hs.simulate(sc.without(source), replications=n, seed=SEED, event_log=False)
    diff, se = paired(per_replication(off, "days_to_feedback", n), on)
    assert diff <= Z * se, f"without {source}: mean wait {diff:+.2f} days (SE {se:.2f})"


def offers(j: pd.DataFrame) -> pd.DataFrame:
    return j[j["outcome"] == "offer"]


def ghosted_share(results: hs.Results, n: int) -> pd.Series:
    j = results.journeys
    return (j["outcome"] == "ghosted").groupby(j["replication"]).mean().reindex(range(n))


#: (knob, high, measure): raising the knob from the preset's value (the ``baseline`` run) to
#: ``high`` gives more of ``measure``: a delay column, or a function of the results.
INTENSITY = [
    ("absences.vacation_days_per_year", 40, "delay_absence"),  # preset: 13
    ("absences.sick_spells_per_year", 12, "delay_absence"),  # preset: 3
    ("priority_shifts.rate_per_year", 8, "delay_priority"),  # preset: 2
    ("turnover.annual_rate", 1.0, "delay_turnover"),  # preset: 0.15
    ("reorganizations.rate_per_year", 12.0, "delay_reorganization"),  # preset: 0.4
    ("requirements.rate_per_year", 12.0, "delay_requirements"),  # preset: 1
    ("communication.ghost_probability", 0.5, ghosted_share),  # preset: 0.1
    ("approvals.steps.0.send_back", 0.9, "offer days_to_feedback"),  # preset: 0.1
]


def measured(res: hs.Results, measure, n: int = N_INTENSITY) -> pd.Series:
    if callable(measure):
        return measure(res, n)
    if measure.startswith("offer "):
        return per_replication(res, measure.split()[1], n, rows=offers)
    return per_replication(res, measure, n)


#: One-sided level of the intensity tests: the normal tail beyond 3 standard errors.
ALPHA = 0.00135


def sign_test(d: pd.Series) -> float:
    """One-sided p-value of the paired sign test that differences ``d`` tend to be positive.

    Rare organization-wide events (a reorganization freezes every recruiter at once) make the
    replication means heavy-tailed: one replication can carry most of the total, so a mean's
    standard error says little with a few replications. The sign test only asks whether more
    replications go up than down; ties (no difference) are left out.
    """
    d = d[d != 0].dropna()
    n, k = len(d), int((d > 0).sum())
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2.0**n


@pytest.mark.parametrize(("knob", "high", "measure"), INTENSITY, ids=[k[0] for k in INTENSITY])
def test_more_of_a_source_gives_more_of_its_cause(short_default, baseline, knob, high, measure):
    n = N_SEND_BACK if knob.endswith("send_back") else N_INTENSITY
    more = hs.simulate(
        short_default.with_overrides({knob: high}), replications=n, seed=SEED, event_log=False
    )
    if n != N_INTENSITY:  # replication i is the same whatever the count: extend the baseline
        baseline = hs.simulate(short_default, replications=n, seed=SEED, event_log=False)
    a, b = measured(more, measure, n), measured(baseline, measure, n)
    diff, se = paired(a, b)
    p = sign_test(a - b)
    # either paired test at the 3-sigma level (together: level <= 2 * ALPHA)
    assert diff > 0 and (diff > Z * se or p < ALPHA), (
        f"{knob} -> {high}: {diff:+.3f} (SE {se:.3f}), sign p={p:.2g}"
    )


# ---------------------------------------------------------------------------------------------
# Identity, reproducibility and common random numbers with every mechanism on


@pytest.fixture(scope="module")
def everything_on() -> hs.Scenario:
    return hs.preset("default").with_overrides({"horizon_days": 90, "drain_days": 60})


def test_every_mechanism_is_on_in_the_default_preset():
    sc = hs.preset("default")
    for block in (
        "absences",
        "priority_shifts",
        "turnover",
        "reorganizations",
        "requirements",
        "approvals",
        "behaviour",
    ):
        assert getattr(sc, block) is not None, block
    comm = sc.communication
    assert comm.policy == "hr_gated" and comm.legal_review is not None
    assert comm.ghost_probability > 0
    assert any(step.committee for step in sc.approvals.steps)
    assert any(step.send_back > 0 for step in sc.approvals.steps)
    assert sc.behaviour.follow_up is not None and sc.behaviour.patience is not None


def test_identity_every_row_all_mechanisms_on(everything_on):
    res = hs.simulate(everything_on, replications=4, seed=SEED)
    j = res.journeys
    assert len(j) > 100
    # every outcome that the mechanisms produce shows up
    assert {"withdrawn", "ghosted", "offer", "reject"} <= set(j["outcome"])
    np.testing.assert_allclose(
        j[list(DELAY_COLUMNS)].sum(axis=1), j["days_to_feedback"], rtol=0, atol=1e-6
    )
    assert (j[list(DELAY_COLUMNS)] >= -1e-9).all().all()
    for cause in (
        "absence",
        "priority",
        "turnover",
        "requirements",
        "batching",
        "scheduling",
        "communication",
    ):
        assert j[f"delay_{cause}"].sum() > 0, cause
    e = res.events
    wait = (e["start_timestamp"] - e["enabled_timestamp"]) / pd.Timedelta(days=1)
    wt = e[[c for c in e.columns if c.startswith("wt_")]].sum(axis=1)
    np.testing.assert_allclose(wt, wait, rtol=0, atol=1e-6)


def test_same_seed_identical_results(everything_on):
    a = hs.simulate(everything_on, replications=2, seed=99)
    b = hs.simulate(everything_on, replications=2, seed=99)
    for name in ("journeys", "candidates", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def _arrivals(res: hs.Results) -> dict[tuple[int, str], list[pd.Timestamp]]:
    c = res.candidates.sort_values("applied_at")
    return {k: list(g["applied_at"]) for k, g in c.groupby(["replication", "requisition"])}


@pytest.mark.parametrize("source", ["absence", "priority", "turnover", "reorganization"])
def test_switching_a_mechanism_off_leaves_arrivals_unchanged(everything_on, source):
    """Arrival times are drawn up front from their own stream. A requisition stops sourcing
    when it is filled (which the mechanism may hasten or delay), so one run's arrivals to a
    requisition are a prefix of the other's. Requirement changes are off: a split opens a
    requisition mid-run, which renumbers those opened after it."""
    sc = everything_on.with_overrides({"requirements": None})
    on = _arrivals(hs.simulate(sc, replications=3, seed=SEED, event_log=False))
    off = _arrivals(hs.simulate(sc.without(source), replications=3, seed=SEED, event_log=False))
    assert on.keys() == off.keys()
    for key in on:
        a, b = on[key], off[key]
        k = min(len(a), len(b))
        assert k > 0 and a[:k] == b[:k], key


def _draws(sc: hs.Scenario) -> dict[str, Any]:
    rep = Replication(sc, SEED, 0)
    people = [p for members in rep.people.values() for p in members]

    def spells(code: int) -> dict[str, list[tuple[float, float]]]:
        return {
            p.id: [(s, e) for s, e, c in p.timeline.closed_intervals(0, rep.end) if c == code]
            for p in people
        }

    return {
        "reorganization": list(rep.reorganization_onsets),
        "turnover": {p.id: list(p.joins) for p in people},
        "absence": spells(causes.ABSENCE),
        "free": {p.id: p.free.copy() for p in people},
    }


@pytest.mark.parametrize(
    ("kept", "switched"),
    [
        ("reorganization", "turnover"),
        ("reorganization", "absence"),
        ("reorganization", "priority"),
        ("turnover", "absence"),
        ("turnover", "priority"),
        ("turnover", "reorganization"),
        ("absence", "priority"),
    ],
)
def test_switching_a_mechanism_off_leaves_the_others_draws_unchanged(everything_on, kept, switched):
    """A mechanism's own draws (reorganization onsets, replacements' joins, leave spells) are
    the same with and without another mechanism. Leave spells are compared where nothing of a
    higher cause priority can cover them (priority shifts rank below absence)."""
    a = _draws(everything_on)
    b = _draws(everything_on.without(switched))
    assert a[kept] == b[kept]


# ---------------------------------------------------------------------------------------------
# Invalid parameters: a ScenarioError naming the field

INVALID = [
    ("absences.vacation_days_per_year", -1, "absences.vacation_days_per_year"),
    ("absences.seasonality", [1.0] * 11, "absences.seasonality"),
    ("absences.sick_spells_per_year", -2, "absences.sick_spells_per_year"),
    ("absences.roles", ["recruiter", "recruter"], "absences.roles.1"),
    ("continuity.default.policy", "maybe", "continuity.default.policy"),
    ("continuity.roles.recruiter.after_days", -1, "continuity.roles.recruiter.after_days"),
    ("priority_shifts.rate_per_year", 0, "priority_shifts.rate_per_year"),
    ("priority_shifts.on_return", "later", "priority_shifts.on_return"),
    ("turnover.annual_rate", -0.1, "turnover.annual_rate"),
    ("reorganizations.rate_per_year", 0, "reorganizations.rate_per_year"),
    ("requirements.split_probability", 0.95, "requirements"),
    (
        "requirements.approvals",
        [{"roles": ["vp"], "committee": {"weekdays": ["Fri"]}}],
        "requirements.approvals.0.committee",
    ),
    ("approvals.steps.0.send_back", 1.5, "approvals.steps.0.send_back"),
    ("approvals.steps.0.quorum", 2, "approvals.steps.0"),
    ("communication.policy", "email", "communication.policy"),
    ("communication.legal_review.role", "lawyer", "communication.legal_review.role"),
    ("communication.ghost_probability", 2, "communication.ghost_probability"),
    ("behaviour.follow_up.first_after_days", 0, "behaviour.follow_up.first_after_days"),
    ("behaviour.patience.never_withdraw", 1.5, "behaviour.patience.never_withdraw"),
    ("offers.accept_probability", -0.1, "offers.accept_probability"),
]


@pytest.mark.parametrize(("field", "value", "path"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_mechanism_parameter_names_the_field(field, value, path):
    with pytest.raises(hs.ScenarioError) as info:
        hs.preset("default").with_overrides({field: value})
    assert [p for p, _ in info.value.problems] == [path]
    assert path in str(info.value)


def test_invalid_parameter_in_a_file_names_file_field_and_line(tmp_path):
    text = (resources.files("hiresim").joinpath("presets", "default.toml")).read_text(
        encoding="utf-8"
    )
    bad = text.replace("annual_rate = 0.15", "annual_rate = -0.15")
    assert bad != text
    path = tmp_path / "company.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(hs.ScenarioError) as info:
        hs.load_scenario(path)
    message = str(info.value)
    assert "company.toml" in message and "turnover.annual_rate" in message
    line = next(i for i, s in enumerate(bad.splitlines(), 1) if "annual_rate = -0.15" in s)
    assert f"(line {line})" in message
