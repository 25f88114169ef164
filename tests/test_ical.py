"""Team calendars from iCalendar files (issue 13, item 2): reading, matching, classifying and
expanding ``.ics`` events, the errors of malformed files, and their effect on a simulation:
an absence delays a pending task by exactly its days (charged to ``absence``), a busy block
keeps a meeting out of it, and nothing else changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import hiresim as hs
from hiresim.causes import DELAY_COLUMNS
from hiresim.model import Replication
from hiresim.present.cli import main
from hiresim.records.ical import EXAMPLE, EXAMPLE_SCENARIO, MAX_FILE_BYTES
from tests.mechanisms.helpers import ALWAYS_OPEN, FRIDAY, H, base, check_only, const

CORPUS = Path(__file__).parent / "ical"
D = dt.datetime


def ics(*events: str, header: str = "") -> str:
    """A calendar of ``events`` (each the lines between BEGIN:VEVENT and END:VEVENT)."""
    body = "".join(f"BEGIN:VEVENT\n{e.strip()}\nEND:VEVENT\n" for e in events)
    return ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//hiresim tests//EN\n" + header + body
            + "END:VCALENDAR\n")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def team() -> hs.Scenario:
    return hs.load_scenario(EXAMPLE_SCENARIO)


# ---------------------------------------------------------------------------------------------
# The simulation: an absence for exactly the days of a pending task


def named(**changes) -> dict:
    """The deterministic helper scenario (interview Friday 2026-01-09 00:00, the one
    interviewer's 2 h scorecard is the only work) with named people."""
    data = base(**changes)
    data["roles"] = {"recruiter": {"people": ["rita.r"]},
                     "hiring_manager": {"people": ["hugo.b"]},
                     "interviewer": {"people": ["ines.w"]}}
    return data


VACATION = """UID:vacation-1@test
DTSTART;VALUE=DATE:20260109
DTEND;VALUE=DATE:20260116
SUMMARY:Urlaub
TRANSP:TRANSPARENT"""


def test_absence_delays_the_pending_scorecard_by_exactly_its_working_days(tmp_path):
    """Without calendars the scorecard is written Friday 09:00-11:00. ``ines.w.ics`` has her
    away Friday 9 to Thursday 15 January (DTEND 16 exclusive: 5 working days): the scorecard
    is written the next Friday, exactly 5 working days (7 calendar days) later, and those 7
    days are charged to ``absence``, in the journey and in the event's ``wt_absence``."""
    write(tmp_path, "ines.w.ics", ics(VACATION))
    sc = hs.load_scenario(named())
    calendars = hs.read_calendars(tmp_path, people=sc)
    assert calendars.absences[["person", "start", "end"]].values.tolist() == [
        ["ines.w", pd.Timestamp("2026-01-09"), pd.Timestamp("2026-01-16")]]
    before = Replication(sc, 1, 0).run()
    after = Replication(sc, 1, 0, calendars=calendars).run()
    b, a = before["journeys"].iloc[0], after["journeys"].iloc[0]
    check_only(b, off_hours=9 * H, work=2 * H)
    check_only(a, absence=7.0, off_hours=9 * H, work=2 * H)
    assert a["days_to_feedback"] - b["days_to_feedback"] == pytest.approx(7.0, abs=1e-9)
    shift = np.busday_count(b["feedback_at"].date(), a["feedback_at"].date())
    assert shift == 5
    assert a[list(DELAY_COLUMNS)].sum() == pytest.approx(a["days_to_feedback"], abs=1e-6)
    card = after["events"].set_index("concept:name").loc["scorecard"]
    assert card["org:resource"] == "ines.w"
    assert card["wt_absence"] == pytest.approx(7.0, abs=1e-9)
    assert card["start_timestamp"] == pd.Timestamp("2026-01-16 09:00")


def test_absence_delays_the_screening_by_exactly_its_working_days(tmp_path):
    """The recruiter's 4 h screening would run Friday 9 January 09:00-13:00; ``rita.r`` is
    away Friday and Monday (DTEND Tuesday, exclusive: 2 working days), so it runs Tuesday
    09:00-13:00, 2 working days later, its wait charged to ``absence`` from Friday 00:00 to
    Tuesday 00:00 (the weekend inside the absence is absence) and 9 h of Tuesday night."""
    write(tmp_path, "team.ics", ics("""UID:ooo-rita@test
DTSTART;VALUE=DATE:20260109
DTEND;VALUE=DATE:20260113
SUMMARY:Out of office
ORGANIZER:mailto:rita.r@acme.example"""))
    sc = hs.load_scenario(named(screening={"work": const(4.0), "pass_probability": 1.0}))
    calendars = hs.read_calendars(tmp_path, people=sc)

    def screening(tables):
        return tables["events"].set_index("concept:name").loc["screening"]

    before = screening(Replication(sc, 1, 0).run())
    after = screening(Replication(sc, 1, 0, calendars=calendars).run())
    assert before["start_timestamp"] == pd.Timestamp("2026-01-09 09:00")
    assert after["start_timestamp"] == pd.Timestamp("2026-01-13 09:00")
    assert np.busday_count(before["start_timestamp"].date(),
                           after["start_timestamp"].date()) == 2
    assert after["org:resource"] == "rita.r"
    assert after["wt_absence"] == pytest.approx(4.0, abs=1e-9)
    assert after["wt_off_hours"] == pytest.approx(9 * H, abs=1e-9)


def test_simulate_takes_the_calendars_and_the_hours(tmp_path):
    """``hs.simulate`` gives the same as the replication, from TeamCalendars or its hours."""
    write(tmp_path, "ines.w.ics", ics(VACATION))
    sc = hs.load_scenario(named())
    calendars = hs.read_calendars(tmp_path, people=sc)
    res = hs.simulate(sc, replications=1, seed=1, calendars=calendars)
    again = hs.simulate(sc, replications=1, seed=1, calendars=calendars.hours(sc.start))
    assert res.journeys["delay_absence"].iloc[0] == pytest.approx(7.0, abs=1e-9)
    pd.testing.assert_frame_equal(res.journeys, again.journeys)
    assert res.manifest["calendars"]["ines.w"][0] == [96.0]


def test_ablate_does_not_reuse_a_baseline_run_with_calendars():
    """The what-ifs simulate the scenario alone: a baseline run with calendars would pair
    with reruns without them."""
    from hiresim.analysis import ablate

    sc = team().with_overrides({"horizon_days": 14, "drain_days": 14})
    base_run = hs.simulate(sc, replications=1, seed=0,
                           calendars=hs.read_calendars(EXAMPLE, people=sc))
    with pytest.raises(ValueError, match=r"baseline cannot be reused: .*team calendars"):
        ablate(sc, replications=1, seed=0, sources=["absence"], baseline=base_run)


def test_a_busy_block_keeps_the_debrief_out_of_it(tmp_path):
    """The debrief (60 min, always-open calendars) would be booked at Friday 00:30, after the
    interview's slot; the hiring manager's calendar is busy Friday 00:00-03:30, so it is
    booked at 03:30 (the wait is ``scheduling``, not absence: busy time is calendar load)."""
    data = named(calendars=ALWAYS_OPEN, debrief={"minutes": 60}, scorecards={"work": 0})
    data["scheduling"] = {"enabled": True, "notice_hours": 0, "candidate_load": 0.0}
    sc = hs.load_scenario(data)
    write(tmp_path, "hugo.b.ics", ics("""UID:busy-1@test
DTSTART:20260109T000000
DTEND:20260109T033000
SUMMARY:Budget review"""))
    calendars = hs.read_calendars(tmp_path, people=sc)
    assert calendars.hours(sc.start) == {"hugo.b": ([], [], [FRIDAY], [FRIDAY + 3.5])}

    def debrief(tables):
        return tables["events"].set_index("concept:name").loc["debrief"]

    free = debrief(Replication(sc, 1, 0).run())
    assert free["start_timestamp"] == pd.Timestamp("2026-01-09 00:30")
    tables = Replication(sc, 1, 0, calendars=calendars).run()
    booked = debrief(tables)
    assert booked["start_timestamp"] == pd.Timestamp("2026-01-09 03:30")
    assert booked["wt_scheduling"] == pytest.approx(3.5 * H, abs=1e-9)
    check_only(tables["journeys"].iloc[0], scheduling=3.5 * H, work=1 * H)


def test_calendars_outside_the_span_change_nothing():
    """Calendars draw no random number: entries that fall outside the simulated span (and
    people without entries) leave every table as it was, bit for bit."""
    sc = team().with_overrides({"horizon_days": 21, "drain_days": 14})
    far = {"anna.k": ([24.0 * 2000], [24.0 * 2005], [24.0 * 2000], [24.0 * 2000 + 1])}
    plain = hs.simulate(sc, replications=2, seed=5)
    laid = hs.simulate(sc, replications=2, seed=5, calendars=far)
    for name in ("journeys", "candidates", "events"):
        pd.testing.assert_frame_equal(getattr(plain, name), getattr(laid, name))


def test_workers_give_the_same_results_with_calendars():
    sc = team().with_overrides({"horizon_days": 28, "drain_days": 21})
    calendars = hs.read_calendars(EXAMPLE, people=sc)
    serial = hs.simulate(sc, replications=4, seed=2, calendars=calendars)
    pooled = hs.simulate(sc, replications=4, seed=2, workers=2, calendars=calendars)
    for name in ("journeys", "candidates", "events"):
        pd.testing.assert_frame_equal(getattr(serial, name), getattr(pooled, name))
    plain = hs.simulate(sc, replications=4, seed=2)
    assert not serial.events.equals(plain.events)  # the calendars did change something


def test_calendars_of_people_not_in_the_scenario_are_refused():
    with pytest.raises(ValueError, match=r"'zoe\.x'.*its people: 'anna\.k', 'ben\.m'"):
        hs.simulate(team(), replications=1, calendars={"zoe.x": ([], [], [], [])})
    with pytest.raises(TypeError, match=r"calendars must be None, a hiresim\.TeamCalendars"):
        hs.simulate(team(), replications=1, calendars="anna.k.ics")
    with pytest.raises(ValueError, match=r"calendars\['anna.k'\] absence block 0 ends before"):
        hs.simulate(team(), replications=1, calendars={"anna.k": ([5.0], [1.0], [], [])})


# ---------------------------------------------------------------------------------------------
# Reading: time zones, recurrences, all-day events

WEEKLY_BERLIN = """UID:weekly-berlin@test
DTSTART;TZID=Europe/Berlin:20261012T100000
DTEND;TZID=Europe/Berlin:20261012T110000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Team sync"""
WINDOW = {"start": dt.date(2026, 10, 5), "end": dt.date(2026, 12, 1)}


def test_weekly_recurrence_across_the_end_of_dst_keeps_its_wall_clock(tmp_path):
    """10:00 Europe/Berlin every Monday, over Sunday 25 October 2026 (CEST -> CET): 10:00 on
    the wall clock every week; in UTC the event moves from 08:00 to 09:00."""
    path = write(tmp_path, "anna.k.ics", ics(WEEKLY_BERLIN))
    local = hs.read_calendars(path, people=["anna.k"], **WINDOW).busy
    assert local["start"].tolist() == [pd.Timestamp(f"2026-{d} 10:00")
                                       for d in ("10-12", "10-19", "10-26", "11-02")]
    assert (local["end"] - local["start"] == pd.Timedelta(hours=1)).all()
    berlin = hs.read_calendars(path, people=["anna.k"], timezone="Europe/Berlin", **WINDOW)
    pd.testing.assert_frame_equal(berlin.busy, local)
    utc = hs.read_calendars(path, people=["anna.k"], timezone="UTC", **WINDOW).busy
    assert utc["start"].dt.strftime("%m-%d %H:%M").tolist() == [
        "10-12 08:00", "10-19 08:00", "10-26 09:00", "11-02 09:00"]
    # the file's own X-WR-TIMEZONE is the default target
    path = write(tmp_path, "anna.k.ics", ics(WEEKLY_BERLIN, header="X-WR-TIMEZONE:UTC\n"))
    pd.testing.assert_frame_equal(
        hs.read_calendars(path, people=["anna.k"], **WINDOW).busy["start"].to_frame(),
        utc["start"].to_frame())


def test_all_day_events_end_at_the_start_of_dtend(tmp_path):
    """DTEND of an all-day event is exclusive (19-24 October is Monday to Friday, 5 days); an
    all-day event without DTEND is one day; hours count from the epoch's midnight."""
    path = write(tmp_path, "anna.k.ics", ics(
        "UID:trip@test\nDTSTART;VALUE=DATE:20261019\nDTEND;VALUE=DATE:20261024\nSUMMARY:Trip",
        "UID:day@test\nDTSTART;VALUE=DATE:20261102\nSUMMARY:Moving house"))
    team = hs.read_calendars(path, people=["anna.k"], **WINDOW)
    assert [[r.start, r.end] for r in team.absences.itertuples()] == [
        [pd.Timestamp("2026-10-19"), pd.Timestamp("2026-10-24")],
        [pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-03")]]
    starts, ends, busy_s, busy_e = team.hours(dt.date(2026, 10, 5))["anna.k"]
    assert (starts, ends) == ([14 * 24.0, 28 * 24.0], [19 * 24.0, 29 * 24.0])
    assert busy_s == busy_e == []


def test_exdate_and_recurrence_id_overrides(tmp_path):
    """A weekly Tuesday 1:1: the instance of 20 October is cancelled (EXDATE) and the one of
    27 October moved to 14:00 (RECURRENCE-ID); a third instance is cancelled by an override
    with STATUS:CANCELLED."""
    path = write(tmp_path, "anna.k.ics", ics(
        """UID:one-on-one@test
DTSTART;TZID=Europe/Berlin:20261006T100000
DTEND;TZID=Europe/Berlin:20261006T103000
RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T235959Z
EXDATE;TZID=Europe/Berlin:20261020T100000
SUMMARY:1:1""",
        """UID:one-on-one@test
RECURRENCE-ID;TZID=Europe/Berlin:20261027T100000
DTSTART;TZID=Europe/Berlin:20261027T140000
DTEND;TZID=Europe/Berlin:20261027T143000
SUMMARY:1:1 (moved)""",
        """UID:one-on-one@test
RECURRENCE-ID;TZID=Europe/Berlin:20261103T100000
DTSTART;TZID=Europe/Berlin:20261103T100000
DTEND;TZID=Europe/Berlin:20261103T103000
STATUS:CANCELLED
SUMMARY:1:1"""))
    busy = hs.read_calendars(path, people=["anna.k"], **WINDOW).busy
    assert busy["start"].dt.strftime("%m-%d %H:%M").tolist() == [
        "10-06 10:00", "10-13 10:00", "10-27 14:00", "11-10 10:00"]
    assert busy["summary"].tolist()[2] == "1:1 (moved)"
    assert set(busy["uid"]) == {"one-on-one@test"}


def test_an_endless_rule_is_expanded_only_inside_the_window(tmp_path):
    path = write(tmp_path, "anna.k.ics", ics(
        "UID:daily@test\nDTSTART:20200101T090000\nDTEND:20200101T091500\nRRULE:FREQ=DAILY\n"
        "SUMMARY:Stand-up"))
    busy = hs.read_calendars(path, people=["anna.k"], start=dt.date(2026, 10, 5),
                             end=dt.date(2026, 10, 10)).busy
    assert busy["start"].dt.day.tolist() == [5, 6, 7, 8, 9]


def test_a_monthly_rule_on_the_31st_skips_shorter_months(tmp_path):
    path = write(tmp_path, "anna.k.ics", ics(
        "UID:close@test\nDTSTART:20261031T150000\nDTEND:20261031T160000\n"
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=31\nSUMMARY:Month-end close"))
    busy = hs.read_calendars(path, people=["anna.k"], start=dt.date(2026, 10, 1),
                             end=dt.date(2027, 4, 1)).busy
    assert busy["start"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-10-31", "2026-12-31", "2027-01-31", "2027-03-31"]


def test_the_scenario_gives_the_window_and_the_people():
    sc = team()
    calendars = hs.read_calendars(EXAMPLE, people=sc)
    lo, hi = calendars.window
    assert lo == D(2026, 10, 5)
    assert hi == lo + dt.timedelta(days=sc.total_days + sc.scheduling.search_days + 31)
    # the Google export: the weekly 1:1 (EXDATE 20 October) and a sprint given in UTC
    anna = calendars.busy[calendars.busy["person"] == "anna.k"]
    assert D(2026, 10, 20, 10) not in set(anna["start"])
    assert D(2026, 10, 8, 14) in set(anna["start"])  # 12:00Z in X-WR-TIMEZONE Europe/Berlin


# ---------------------------------------------------------------------------------------------
# Classification and matching


def test_classification_rules_on_the_example_exports():
    calendars = hs.read_calendars(EXAMPLE, people=team(),
                                  emails={"chen.wang@acme.example": "chen.w"})
    absences = {(r.person, r.summary) for r in calendars.absences.itertuples()}
    # all-day + vacation word (even TRANSPARENT), Outlook OOF, German "Krank"
    assert absences == {("anna.k", "Vacation"), ("ben.m", "Ben - Out of Office"),
                        ("chen.w", "Krank")}
    summaries = set(calendars.busy["summary"])
    assert "Hiring sync" in summaries
    assert not summaries & {"Lunch & learn: structured interviews",  # FREE, TRANSPARENT
                            "Canceled: Calibration session",  # STATUS:CANCELLED
                            "Reminder: renew parking permit"}  # all-day TRANSPARENT
    sync = calendars.busy[calendars.busy["summary"] == "Hiring sync"]
    # organizer and accepted attendees; emil.s declined
    assert sorted(sync["person"].unique()) == ["ben.m", "chen.w", "dora.p"]
    assert len(sync) == 3 * 8
    assert calendars.unmatched["addresses"].tolist() == ["facilities@acme.example"]


@pytest.mark.parametrize(("lines", "kind"), [
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:Doctor\n"
     "X-MICROSOFT-CDO-BUSYSTATUS:OOF", "absence"),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:Focus time\n"
     "X-GOOGLE-EVENT-TYPE:outOfOffice", "absence"),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:OOO (dentist)", "absence"),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:abwesend", "absence"),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:Interview loop", "busy"),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:Hold\nTRANSP:TRANSPARENT",
     None),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:Maybe\n"
     "X-MICROSOFT-CDO-BUSYSTATUS:FREE", None),
    ("DTSTART;VALUE=DATE:20261006\nSUMMARY:Offsite", "absence"),
    ("DTSTART;VALUE=DATE:20261006\nSUMMARY:Vacation\nSTATUS:CANCELLED", None),
    ("DTSTART:20261006T130000\nDTEND:20261006T170000\nSUMMARY:Leaver's lunch", "busy"),
])
def test_each_classification_rule(tmp_path, lines, kind):
    path = write(tmp_path, "anna.k.ics", ics("UID:x@test\n" + lines))
    calendars = hs.read_calendars(path, people=["anna.k"], **WINDOW)
    assert len(calendars.absences) == (kind == "absence")
    assert len(calendars.busy) == (kind == "busy")


TEAM_EVENT = """UID:panel@test
DTSTART:20261006T130000
DTEND:20261006T140000
SUMMARY:Panel
ORGANIZER;CN=Anna Kowalski:mailto:Anna.Kowalski@ACME.example
ATTENDEE;PARTSTAT=ACCEPTED:mailto:ben.m@acme.example
ATTENDEE;PARTSTAT=DECLINED:mailto:chen.w@acme.example
ATTENDEE:mailto:someone@elsewhere.example"""


def test_team_file_matches_by_email_mapping_then_local_part(tmp_path):
    path = write(tmp_path, "panel-calendar.ics", ics(TEAM_EVENT))
    people = ["anna.k", "ben.m", "chen.w"]
    mapped = hs.read_calendars(path, people=people, **WINDOW,
                               emails={"anna.kowalski@acme.example": "anna.k"})
    assert sorted(mapped.busy["person"]) == ["anna.k", "ben.m"]  # chen.w declined
    plain = hs.read_calendars(path, people=people, **WINDOW)
    assert plain.busy["person"].tolist() == ["ben.m"]
    assert plain.unmatched.empty
    nobody = hs.read_calendars(path, people=["dora.p"], **WINDOW)
    assert nobody.busy.empty and nobody.unmatched["uid"].tolist() == ["panel@test"]
    with pytest.raises(ValueError, match=r"'zoe\.x', who is not a known person"):
        hs.read_calendars(path, people=people, emails={"z@acme.example": "zoe.x"}, **WINDOW)


def test_person_file_matches_by_file_name_or_calendar_name(tmp_path):
    """A file named after a person is theirs whatever its attendees; so is a file whose
    X-WR-CALNAME (Google: the owner's address) maps to them."""
    write(tmp_path, "chen.w.ics", ics(TEAM_EVENT))
    write(tmp_path, "export-2.ics", ics(TEAM_EVENT.replace("panel@", "panel2@"),
                                        header="X-WR-CALNAME:dora.p@acme.example\n"))
    calendars = hs.read_calendars(tmp_path, people=["chen.w", "dora.p"], **WINDOW)
    assert calendars.busy[["person", "uid"]].values.tolist() == [
        ["chen.w", "panel@test"], ["dora.p", "panel2@test"]]
    assert calendars.people == ["chen.w", "dora.p"]


# ---------------------------------------------------------------------------------------------
# Errors: file and UID named, before anything runs


@pytest.mark.parametrize(("name", "uid", "says"), [
    ("not_a_calendar.ics", None, "no BEGIN:VCALENDAR"),
    ("binary.ics", None, "binary data, not text"),
    ("latin1.ics", None, "is not UTF-8 (byte 0xfc on line 7"),
    ("unclosed.ics", None, "no complete VCALENDAR"),
    ("no_dtstart.ics", "no-start-1", "DTSTART is missing"),
    ("end_before_start.ics", "backwards-1", "DTEND 2026-10-05 09:00:00 is before DTSTART"),
    ("unknown_tzid.ics", "mars-1", "TZID 'Mars/Olympus_Mons', which is neither an IANA"),
    ("bad_rrule.ics", "rule-1", "RRULE 'FREQ=SOMETIMES;BYDAY=MO': FREQ 'SOMETIMES' is not"),
    ("endless.ics", "every-minute-1", "more than 100,000 occurrences"),
    ("never.ics", "february-30", "can never occur"),
    ("bad_date.ics", "bad-date-1", "DTSTART '2026100' is not a date or date-time"),
    ("mixed_types.ics", "mixed-1", "must both be dates"),
    ("bad_calendar_timezone.ics", None, "X-WR-TIMEZONE 'Europe/Atlantis' is not a known IANA"),
])
def test_hostile_files_name_the_file_and_the_uid(name, uid, says):
    with pytest.raises(hs.CalendarError) as info:
        hs.read_calendars(CORPUS / name, start=dt.date(2026, 10, 5), end=dt.date(2027, 4, 1))
    message = str(info.value)
    assert message.startswith(str(CORPUS / name))
    assert says in message
    assert info.value.uid == uid
    if uid is not None:
        assert f"event UID {uid!r}" in message


def test_the_occurrence_cap_can_be_lowered(tmp_path):
    path = write(tmp_path, "anna.k.ics", ics(
        "UID:hourly@test\nDTSTART:20261005T000000\nDTEND:20261005T001000\nRRULE:FREQ=HOURLY"))
    with pytest.raises(hs.CalendarError, match="more than 50 occurrences"):
        hs.read_calendars(path, people=["anna.k"], max_occurrences=50, **WINDOW)


def test_folder_and_size_errors(tmp_path):
    with pytest.raises(hs.CalendarError, match=r"holds no \.ics file"):
        hs.read_calendars(tmp_path)
    with pytest.raises(hs.CalendarError, match="no such file or folder"):
        hs.read_calendars(tmp_path / "missing.ics")
    big = tmp_path / "huge.ics"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(hs.CalendarError, match=r"huge.ics: is 10.0 MB; an .ics file is at "
                                               r"most 10 MB"):
        hs.read_calendars(big)


def test_bad_arguments(tmp_path):
    path = write(tmp_path, "anna.k.ics", ics(WEEKLY_BERLIN))
    with pytest.raises(ValueError, match="timezone 'Berlin' is not a known IANA time zone"):
        hs.read_calendars(path, timezone="Berlin")
    with pytest.raises(TypeError, match="give both start and end"):
        hs.read_calendars(path, start=dt.date(2026, 10, 5))
    with pytest.raises(ValueError, match="end must be after start"):
        hs.read_calendars(path, start=dt.date(2026, 10, 5), end=dt.date(2026, 10, 1))
    with pytest.raises(TypeError, match="people must be None, a Scenario or a list"):
        hs.read_calendars(path, people="anna.k")


# ---------------------------------------------------------------------------------------------
# The command line


def test_cli_run_with_calendars():
    result = CliRunner().invoke(main, ["run", str(EXAMPLE_SCENARIO), "-n", "2", "--calendars",
                                       str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "2 absences and 48 busy blocks of 3 people from 2 file(s)" in result.output


def test_cli_bad_calendar_file_is_a_clear_error():
    result = CliRunner().invoke(main, ["run", str(EXAMPLE_SCENARIO), "-n", "1", "--calendars",
                                       str(CORPUS / "bad_rrule.ics")])
    assert result.exit_code == 2
    assert "bad_rrule.ics: event UID 'rule-1': RRULE" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# ---------------------------------------------------------------------------------------------
# Bounded work (issue 25): what a rule costs is known before it is expanded


def _random_rule(rng: np.random.Generator) -> str:
    """A rule from the parts exports use, mixed at random (some of them never occur)."""
    freq = rng.choice(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY",
                       "YEARLY"], p=[0.02, 0.04, 0.08, 0.2, 0.26, 0.22, 0.18])
    parts = [f"FREQ={freq}"]
    if rng.random() < 0.3:
        parts.append(f"INTERVAL={rng.integers(2, 9)}")

    def some(low: int, high: int, signed: bool = False, k: int = 2) -> str:
        values = rng.integers(low, high + 1, size=rng.integers(1, k + 1))
        if signed:
            values = values * rng.choice([-1, 1], size=len(values))
        return ",".join(str(v) for v in sorted(set(values.tolist())))

    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    if rng.random() < 0.35:
        parts.append(f"BYMONTH={some(1, 12)}")
    if rng.random() < 0.3:
        parts.append(f"BYMONTHDAY={some(1, 31, signed=True)}")
    if rng.random() < 0.4:
        chosen = rng.choice(days, size=rng.integers(1, 3), replace=False)
        if freq in ("MONTHLY", "YEARLY") and rng.random() < 0.5:
            limit = 5 if freq == "MONTHLY" else 53
            chosen = [f"{rng.integers(1, limit + 1) * rng.choice([-1, 1])}{d}" for d in chosen]
        parts.append("BYDAY=" + ",".join(chosen))
    if freq == "YEARLY" and rng.random() < 0.2:
        parts.append(f"BYWEEKNO={some(1, 53, signed=True)}")
    if freq in ("YEARLY", "DAILY", "HOURLY") and rng.random() < 0.15:
        parts.append(f"BYYEARDAY={some(1, 366, signed=True)}")
    if freq in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY") and rng.random() < 0.25:
        parts.append(f"BYHOUR={some(0, 23)}")
    if freq in ("MONTHLY", "YEARLY", "WEEKLY") and rng.random() < 0.15:
        parts.append(f"BYSETPOS={some(1, 6, signed=True, k=1)}")
    if rng.random() < 0.1:
        parts.append(f"WKST={rng.choice(days)}")
    if rng.random() < 0.15:
        parts.append(f"COUNT={rng.integers(1, 40)}")
    return ";".join(parts)


def test_rule_bounds_hold_against_the_rule_engine():
    """For 300 random rules: the bound of a window's occurrences is at least what the rule
    engine expands there, and the bound of the steps at least its occurrences up to the
    window's end; a rule said never to occur has no occurrence in 400 years (checked for the
    rules of weeks, months and years, whose search the engine ends in well under a second: it
    is asked from 400 years before its limit, the year 9999, which the calendar's 400-year
    cycle allows)."""
    from dateutil.rrule import rrulestr

    from hiresim.records.recurrence import RuleError, parse_rule

    rng = np.random.default_rng(25)
    checked = never = 0
    for _ in range(300):
        text = _random_rule(rng)
        start = D(2020, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3000)),
                                              hours=int(rng.integers(0, 24)))
        try:
            rule = parse_rule(text)
            engine = rrulestr(text, dtstart=start)
        except (RuleError, ValueError):
            continue  # refused (by hiresim or by the engine: an empty BYxxx set)
        why = rule.never(start)
        if why is not None:
            if rule.freq in ("WEEKLY", "MONTHLY", "YEARLY"):
                late = rrulestr(text, dtstart=start.replace(year=start.year + 7600))
                assert next(iter(late), None) is None, (text, start, why)
                never += 1
            continue
        days = {"SECONDLY": 2, "MINUTELY": 3, "HOURLY": 60}.get(rule.freq, 800)
        last = (start + dt.timedelta(days=days)).date()
        first = (start + dt.timedelta(days=int(rng.integers(0, min(days, 200))))).date()
        found = engine.between(start, D.combine(last, dt.time(23, 59, 59)), inc=True)
        inside, steps = rule.bounds(start, first, last)
        actual = sum(first <= t.date() <= last for t in found)
        assert inside >= actual, (text, start, first, last, inside, actual)
        assert steps >= len(found), (text, start, steps, len(found))
        checked += 1
    assert checked > 150 and never > 2  # both directions are exercised


def test_rule_parts_out_of_range_are_named():
    from hiresim.records.recurrence import RuleError, parse_rule

    for text, says in [("FREQ=YEARLY;BYMONTH=13", "BYMONTH=13 is out of range: BYMONTH is 1 "
                                                  "to 12"),
                       ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0 is out of range"),
                       ("FREQ=MONTHLY;BYDAY=6MO", "the ordinal is out of range"),
                       ("FREQ=DAILY;INTERVAL=0", "INTERVAL '0' is not a whole number"),
                       ("FREQ=DAILY;COUNT=2;UNTIL=20270101", "COUNT and UNTIL"),
                       ("FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"),
                       ("BYDAY=MO", "FREQ is missing"),
                       ("FREQ=DAILY;BYEASTER=1", "BYEASTER is not a part")]:
        with pytest.raises(RuleError, match=re.escape(says)):
            parse_rule(text)


@pytest.mark.parametrize(("rule", "why"), [
    ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no day matches"),
    ("FREQ=DAILY;BYYEARDAY=366;BYMONTH=1", "no day matches"),
    ("FREQ=MINUTELY;BYWEEKNO=1;BYMONTH=6", "no day matches"),
    ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "its INTERVAL=7 never meets"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "its BYSETPOS asks for position 6"),
])
def test_rules_that_never_occur_are_refused_at_once(tmp_path, rule, why):
    """The rule engine would look for an occurrence up to the year 9999 (seconds each)."""
    path = write(tmp_path, "anna.k.ics", ics(
        f"UID:never@test\nDTSTART:20261005T100000\nDTEND:20261005T110000\nRRULE:{rule}"))
    with pytest.raises(hs.CalendarError, match=f"can never occur: {why}"):
        hs.read_calendars(path, people=["anna.k"], **WINDOW)


def test_caps_per_file_and_per_person(tmp_path, monkeypatch):
    hourly = "".join(f"UID:h{i}@test\nDTSTART:20261005T000000\nDTEND:20261005T001000\n"
                     f"RRULE:FREQ=HOURLY\n---\n" for i in range(80))
    path = write(tmp_path, "team.ics", ics(*hourly.split("---\n")[:-1]))
    with pytest.raises(hs.CalendarError, match=r"its events have more than 100,000 "
                                               r"occurrences together"):
        hs.read_calendars(path, people=["anna.k"], **WINDOW)
    folder = tmp_path / "person"
    folder.mkdir()
    for k in range(3):  # three files, each small, one person with too many blocks in all
        write(folder, f"anna.k-{k}.ics", ics(
            f"UID:q{k}@test\nDTSTART:20261005T000000\nDTEND:20261005T000500\n"
            "RRULE:FREQ=MINUTELY;INTERVAL=15", header="X-WR-CALNAME:anna.k@acme.example\n"))
    monkeypatch.setattr(hs.records.ical, "MAX_PERSON_OCCURRENCES", 1_000)
    with pytest.raises(hs.CalendarError, match=r"'anna.k' would have more than 1,000 occurrences"):
        hs.read_calendars(folder, people=["anna.k"], start=dt.date(2026, 10, 5),
                          end=dt.date(2026, 10, 12))


def test_many_attendees_are_matched_once(tmp_path):
    """20,000 attendees of a weekly event: matched in linear time, once per event (not once
    per occurrence: a quadratic membership test took over a minute for 100,000)."""
    crowd = "\n".join(f"ATTENDEE:mailto:p{i}@acme.example" for i in range(20_000))
    path = write(tmp_path, "team.ics", ics(
        "UID:all-hands@test\nDTSTART:20261005T100000\nDTEND:20261005T110000\n"
        f"RRULE:FREQ=WEEKLY;COUNT=4\n{crowd}\nATTENDEE:mailto:anna.k@acme.example"))
    calendars = hs.read_calendars(path, people=["anna.k", "p7"], **WINDOW)
    assert calendars.busy.groupby("person").size().to_dict() == {"anna.k": 4, "p7": 4}


def test_recurring_events_per_file_are_bounded(tmp_path, monkeypatch):
    """Each rule is checked before anything is expanded (a millisecond or two): a file holds
    at most MAX_RECURRING of them."""
    monkeypatch.setattr(hs.records.ical, "MAX_RECURRING", 3)
    weekly = [f"UID:w{i}@test\nDTSTART:20261005T10{i:02d}00\nDTEND:20261005T11{i:02d}00\n"
              "RRULE:FREQ=WEEKLY" for i in range(4)]
    write(tmp_path, "anna.k.ics", ics(*weekly[:3]))
    assert len(hs.read_calendars(tmp_path / "anna.k.ics", people=["anna.k"], **WINDOW).busy)
    write(tmp_path, "anna.k.ics", ics(*weekly))
    with pytest.raises(hs.CalendarError, match="more than 3 recurring events"):
        hs.read_calendars(tmp_path / "anna.k.ics", people=["anna.k"], **WINDOW)
