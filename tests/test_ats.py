"""Reading a company's ATS export (hiresim.records.ats.read_ats, design section 7).

``tests/ats/basic`` is a hand-written export whose waits are worked out by hand below; the
malformed exports are copies of it with one thing broken, and each must be refused with the
file, row (line in the file, header = 1) and column of the problem.
"""

from __future__ import annotations

import csv
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import hiresim as hs
from hiresim import analysis
from hiresim.records.ats import ATSError, read_ats

BASIC = Path(__file__).parent / "ats" / "basic"
DOCS = Path(__file__).resolve().parents[1] / "docs"
MAPPING_PAGES = [DOCS / "reference" / "ats-format.md", DOCS / "how-to" / "ats-mappings.md"]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.S | re.M)


def _copy(tmp_path: Path, src: Path = BASIC) -> Path:
    out = tmp_path / "export"
    shutil.copytree(src, out)
    return out


def _edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, (file, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _where(exc: ATSError) -> list[tuple[str, int | None, str]]:
    return [(f, r, c) for f, r, c, _ in exc.problems]


# ------------------------------------------------------------------------------ the wait rules


#: (application, round, outcome, days_to_feedback, censored, feedback_at) worked out by hand.
EXPECTED = [
    # round 1 ends 03-09 11:00, round:2 entered 03-11 12:00
    ("A1", 1, "advance", 2 + 1 / 24, False, "2026-03-11T12:00"),
    # two round-2 interviews: the wait runs from the last one's end (03-17 12:00) to the offer
    ("A1", 2, "offer", 3.0, False, "2026-03-20T12:00"),
    # rejected and told (notified_at 03-13 15:00) after the interview ended 03-10 15:00
    ("A2", 1, "reject", 3.0, False, "2026-03-13T15:00"),
    # rejected without notified_at: ghosted, censored at closed_at 03-20 18:00
    ("A3", 1, "ghosted", 10.0, True, None),
    ("A4", 1, "advance", 1.0, False, "2026-03-10T12:00"),
    # withdrew: censored at closed_at 03-14 12:00
    ("A4", 2, "withdrawn", 2.0, True, None),
    # still active: open, censored at the export time (export.json: 03-31 12:00)
    ("A5", 1, "open", 11.0, True, None),
]


def test_wait_rules_give_the_worked_out_waits():
    history = read_ats(BASIC)
    w = history.waits
    assert list(w.columns) == list(hs.records.history.WAIT_COLUMNS)
    got = [(r.application_id, r.round, r.outcome, r.days_to_feedback, r.censored,
            None if pd.isna(r.feedback_at) else r.feedback_at) for r in w.itertuples()]
    assert len(got) == len(EXPECTED)
    for row, want in zip(got, EXPECTED, strict=True):
        assert row[:3] == want[:3]
        assert row[3] == pytest.approx(want[3], abs=1e-9)
        assert row[4] is want[4] or row[4] == want[4]
        assert row[5] == (None if want[5] is None else pd.Timestamp(want[5]))
    assert (w["replication"] == 0).all() and (w["candidate"] == w["application_id"]).all()
    assert list(w["job_id"]) == ["J1"] * 6 + ["J2"]
    assert w["outcome"].dtype.name == "category"
    assert list(w["outcome"].cat.categories) == ["advance", "offer", "reject", "withdrawn",
                                                 "ghosted", "open"]
    assert w["censored"].dtype == bool and w["days_to_feedback"].dtype == float
    assert history.exported_at == pd.Timestamp("2026-03-31T12:00")


def test_tables_of_the_history():
    h = read_ats(BASIC)
    assert list(h.applications.columns) == ["application_id", "candidate_id", "job_id",
                                            "applied_at", "status", "closed_at",
                                            "notified_at"]
    assert h.applications["applied_at"].dtype == "datetime64[ns]"
    assert list(h.stages.columns) == ["application_id", "stage", "stage_raw", "entered_at",
                                      "exited_at"]
    assert list(h.interviews.columns) == ["application_id", "stage", "round", "start", "end",
                                          "interviewers", "row"]
    assert h.interviews["interviewers"].iloc[0] == ("u1", "u2")
    assert list(h.jobs["job_id"]) == ["J1", "J2"]
    assert "6 applications, 7 waits" in repr(h)


def test_left_out_rows_are_listed_with_reasons():
    h = read_ats(BASIC)
    rows = [tuple(r) for r in h.left_out[["file", "row", "column"]].itertuples(index=False)]
    assert rows == [("applications.csv", 7, ""), ("interviews.csv", 10, "stage")]
    reasons = list(h.left_out["reason"])
    assert "no interview in a round" in reasons[0]
    assert "'screening' is not an interview round" in reasons[1]


def test_export_time_is_the_latest_timestamp_without_export_json(tmp_path):
    folder = _copy(tmp_path)
    (folder / "export.json").unlink()
    h = read_ats(folder)
    assert h.exported_at == pd.Timestamp("2026-03-30T12:00")  # A1's closed_at, J1's closing
    assert h.waits.iloc[-1]["days_to_feedback"] == pytest.approx(10.0)  # A5: 03-20 -> 03-30


def test_a_history_works_with_the_analysis():
    h = read_ats(BASIC)
    km = analysis.survival(h)
    assert km["at_risk"].iloc[0] == 7 and km["events"].sum() == 4 and km["censored"].sum() == 3
    q = analysis.quantiles(h, q=(0.5,), n_boot=20)
    median = q.loc[q["statistic"] == "quantile", "days"].iloc[0]
    assert median == pytest.approx(3.0)
    assert len(analysis.survival(h, by="round")) > 0
    p = analysis.promise(h, confidence=0.5, n_boot=20)
    assert set(p["days_kind"]) == {"calendar", "business"}


def test_the_example_export_reads():
    h = read_ats(hs.records.ats.EXAMPLE)
    assert len(h.waits) >= 15
    assert set(h.waits["outcome"]) == {"advance", "offer", "reject", "withdrawn", "ghosted",
                                       "open"}
    assert len(h.left_out) == 2


# ------------------------------------------------------------------------------ malformed


def _refused(folder: Path, mapping=None) -> ATSError:
    with pytest.raises(ATSError) as info:
        read_ats(folder, mapping)
    return info.value


def test_a_timestamp_that_is_not_one(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "A2,C2,J1,2026-03-02T10:00", "A2,C2,J1,yesterday")
    exc = _refused(folder)
    assert _where(exc) == [("applications.csv", 3, "applied_at")]
    assert ("applications.csv, row 3, column applied_at: 'yesterday' is not a timestamp "
            "(ISO 8601, e.g. 2026-03-02T14:30)") in str(exc)


def test_an_impossible_date(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "interviews.csv", "2026-03-10T14:00", "2026-02-30T14:00")
    assert _where(_refused(folder)) == [("interviews.csv", 5, "start")]


def test_exited_before_entered(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "stages.csv", "A2,round:1,2026-03-05T09:00,2026-03-12T09:00",
          "A2,round:1,2026-03-05T09:00,2026-03-01T09:00")
    exc = _refused(folder)
    assert _where(exc) == [("stages.csv", 7, "exited_at")]
    assert "exited before it was entered" in str(exc)


def test_end_before_start(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "interviews.csv", "A3,round:1,2026-03-10T17:00,2026-03-10T18:00",
          "A3,round:1,2026-03-10T17:00,2026-03-10T16:00")
    assert _where(_refused(folder)) == [("interviews.csv", 6, "end")]


def test_unknown_application_in_stages_and_interviews(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "stages.csv", "A6,screening", "A7,screening")
    _edit(folder, "interviews.csv", "A6,screening", "B6,screening")
    exc = _refused(folder)
    assert _where(exc) == [("stages.csv", 13, "application_id"),
                           ("interviews.csv", 10, "application_id")]
    assert "application id 'A7' is not in applications.csv" in str(exc)


def test_duplicate_application_ids(tmp_path):
    folder = _copy(tmp_path)
    with open(folder / "applications.csv", "a", encoding="utf-8") as f:
        f.write("A2,C7,J2,2026-03-05T09:00,active,,\n")
    exc = _refused(folder)
    assert _where(exc) == [("applications.csv", 8, "application_id")]
    assert "application id 'A2' is also on row 3" in str(exc)


def test_a_stage_not_in_the_mapping(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "stages.csv", "A3,round:1", "A3,Onsite")
    exc = _refused(folder, {"stages": {"Phone screen": "screening"}})
    assert _where(exc) == [("stages.csv", 8, "stage")]
    assert "stage 'Onsite' is not in the mapping" in str(exc)
    assert "'Phone screen'" in str(exc) and "round:1" in str(exc)  # the known ones


def test_a_missing_column_with_did_you_mean(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "applied_at", "applied_on")
    exc = _refused(folder)
    assert _where(exc) == [("applications.csv", 1, "applied_at")]
    assert "missing column 'applied_at' (did you mean 'applied_on'?)" in str(exc)


def test_a_missing_required_file(tmp_path):
    folder = _copy(tmp_path)
    (folder / "interviews.csv").rename(folder / "interview.csv")
    exc = _refused(folder)
    assert _where(exc) == [("interviews.csv", None, "")]
    assert "is 'interview.csv' this file?" in str(exc)


def test_an_unknown_status(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "withdrawn", "withdrew")
    exc = _refused(folder)
    assert _where(exc) == [("applications.csv", 5, "status")]
    assert "(did you mean 'withdrawn'?)" in str(exc)


def test_closed_before_applied(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "2026-03-06T09:00,2026-03-06T10:00",
          "2026-03-01T09:00,2026-03-06T10:00")
    assert _where(_refused(folder)) == [("applications.csv", 7, "closed_at")]


def test_a_rejection_needs_closed_at(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "rejected,2026-03-20T18:00,", "rejected,,")
    assert _where(_refused(folder)) == [("applications.csv", 4, "closed_at")]


def test_an_empty_file(tmp_path):
    folder = _copy(tmp_path)
    (folder / "stages.csv").write_text("", encoding="utf-8")
    exc = _refused(folder)
    assert _where(exc) == [("stages.csv", 1, "")]
    assert "is empty" in str(exc)


def test_a_file_that_is_not_utf8(tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "applications.csv").read_text(encoding="utf-8")
    (folder / "applications.csv").write_bytes(text.replace("C4", "Zoë").encode("latin-1"))
    exc = _refused(folder)
    assert _where(exc) == [("applications.csv", None, "")]
    assert "is not UTF-8" in str(exc) and "line 5" in str(exc)


def test_a_byte_order_mark_is_read(tmp_path):
    """Excel's "CSV UTF-8" starts the file with a byte-order mark: read as if it had none."""
    folder = _copy(tmp_path)
    plain = hs.read_ats(folder)
    for name in ("applications.csv", "jobs.csv"):
        raw = (folder / name).read_bytes()
        (folder / name).write_bytes(b"\xef\xbb\xbf" + raw)
    marked = hs.read_ats(folder)
    pd.testing.assert_frame_equal(marked.waits, plain.waits)
    pd.testing.assert_frame_equal(marked.jobs, plain.jobs)


def test_a_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(hs.records.csvfile, "MAX_FILE_BYTES", 100)
    exc = _refused(_copy(tmp_path))
    assert ("applications.csv", None, "") in _where(exc)
    assert "a CSV file is at most 100 bytes" in str(exc)


def test_a_directory_in_place_of_a_file(tmp_path):
    folder = _copy(tmp_path)
    (folder / "jobs.csv").unlink()
    (folder / "jobs.csv").mkdir()
    assert _where(_refused(folder)) == [("jobs.csv", None, "")]


def test_a_row_with_too_many_fields(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "interviews.csv", "A2,round:1,2026-03-10T14:00,2026-03-10T15:00,u1",
          "A2,round:1,2026-03-10T14:00,2026-03-10T15:00,u1,extra")
    exc = _refused(folder)
    assert _where(exc) == [("interviews.csv", 5, "")]
    assert "more fields than the header's 5" in str(exc)


def test_an_unknown_job(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "A5,C5,J2", "A5,C5,J3")
    assert _where(_refused(folder)) == [("applications.csv", 6, "job_id")]


def test_export_time_before_the_records(tmp_path):
    folder = _copy(tmp_path)
    (folder / "export.json").write_text('{"exported_at": "2026-03-25T00:00"}')
    exc = _refused(folder)
    assert _where(exc) == [("export.json", None, "exported_at")]
    assert "before the latest timestamp in the files" in str(exc)


def test_export_json_that_is_not_json(tmp_path):
    folder = _copy(tmp_path)
    (folder / "export.json").write_text('{"exported_at": ')
    assert _where(_refused(folder))[0][0] == "export.json"


def test_a_duplicate_header(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "jobs.csv", "recruiter,hiring_manager", "recruiter,recruiter")
    assert _where(_refused(folder)) == [("jobs.csv", 1, "recruiter")]


def test_every_problem_at_once(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "2026-03-02T10:00", "soon")
    _edit(folder, "stages.csv", "A3,round:1", "A9,round:1")
    _edit(folder, "interviews.csv", "2026-03-10T18:00", "later")
    exc = _refused(folder)
    assert _where(exc) == [("applications.csv", 3, "applied_at"),
                           ("stages.csv", 8, "application_id"),
                           ("interviews.csv", 6, "end")]
    assert str(exc).startswith("3 problems in the ATS export")


def test_problems_are_capped_and_counted(tmp_path):
    folder = _copy(tmp_path)
    rows = "".join(f"X{i},C,J1,bad,active,,\n" for i in range(120))
    with open(folder / "applications.csv", "a", encoding="utf-8") as f:
        f.write(rows)
    exc = _refused(folder)
    assert len(exc.problems) == hs.records.ats.MAX_PROBLEMS
    assert exc.more == 120 - hs.records.ats.MAX_PROBLEMS
    assert f"... and {120 - hs.records.ats.MAX_PROBLEMS} more problems" in str(exc)


def test_rows_are_lines_in_the_file_with_quoted_newlines_and_blank_lines(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "jobs.csv", "J1,2026-02-01T09:00,2026-03-30T12:00,r1,m1",
          'J1,2026-02-01T09:00,2026-03-30T12:00,"r1\nsecond line",m1\n')
    _edit(folder, "jobs.csv", "J2,2026-02-15T09:00", "J2,someday")
    assert _where(_refused(folder)) == [("jobs.csv", 5, "opened_at")]


def test_a_renamed_column_is_named_as_in_the_file(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "applications.csv", "applied_at", "Applied On")
    _edit(folder, "applications.csv", "2026-03-02T10:00", "tomorrow")
    exc = _refused(folder, {"columns": {"applications": {"Applied On": "applied_at"}}})
    assert _where(exc) == [("applications.csv", 3, "Applied On")]


def test_a_folder_that_is_not_one(tmp_path):
    with pytest.raises(ATSError, match="no such folder"):
        read_ats(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ATSError, match="is not a folder"):
        read_ats(tmp_path / "file")


@pytest.mark.parametrize(("mapping", "where"), [
    ({"stage": {}}, "stage"),
    ({"stages": {"Onsite": "round:0"}}, "stages.Onsite"),
    ({"stages": {"Onsite": "round:1", "ignore": ["Onsite"]}}, "stages.Onsite"),
    ({"columns": {"application": {}}}, "columns.application"),
    ({"columns": {"applications": {"Applied": "applied_on"}}}, "columns.applications.Applied"),
    ({"status": {"Hired": "hire"}}, "status.Hired"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
])
def test_bad_mappings(mapping, where):
    exc = _refused(BASIC, mapping)
    assert _where(exc) == [("<mapping>", None, where)]


def test_a_mapping_file_that_is_not_toml(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text("[stages\n")
    exc = _refused(BASIC, path)
    assert "not valid TOML" in str(exc)


# ------------------------------------------------------------------------------ mappings


COMPANY_MAPPING = """
timezone = "Europe/Berlin"

[columns.applications]
"Application" = "application_id"
"Candidate" = "candidate_id"
"Requisition" = "job_id"
"Applied" = "applied_at"
"State" = "status"
"Closed" = "closed_at"
"Candidate told" = "notified_at"

[columns.stages]
"Application" = "application_id"
"Stage" = "stage"
"From" = "entered_at"
"To" = "exited_at"

[columns.interviews]
"Application" = "application_id"
"Stage" = "stage"
"Starts" = "start"
"Ends" = "end"
"Panel" = "interviewers"

[stages]
"Phone screen" = "screening"
"Technical interview" = "round:1"
"Onsite" = "round:2"
"Offer" = "offer"
ignore = ["Reference check"]

[status]
"Open" = "active"
"Hired" = "hired"
"Declined" = "rejected"
"Withdrew" = "withdrawn"
"""


def _in_vocabulary(folder: Path, mapping: dict, out: Path) -> None:
    """Rewrite the export ``folder`` into ``out`` in the vocabulary of ``mapping``: headers,
    stage names and statuses as the company writes them (the mapping read backwards)."""
    out.mkdir()
    stage_name = {}
    for name, target in mapping.get("stages", {}).items():
        if isinstance(target, str) and target != "ignore":
            stage_name.setdefault(target, name)
    status_name = {}
    for name, target in mapping.get("status", {}).items():
        status_name.setdefault(target, name)
    for path in folder.iterdir():
        if path.suffix != ".csv":
            shutil.copy(path, out / path.name)
            continue
        file = path.stem
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "stage" in frame:
            frame["stage"] = frame["stage"].map(lambda s: stage_name.get(s, s))
        if file == "applications.csv"[:-4]:
            frame["status"] = frame["status"].map(lambda s: status_name.get(s, s))
        renames = mapping.get("columns", {}).get(file, {})
        columns = {}
        for header, target in renames.items():
            target = target[0] if isinstance(target, list) else target
            if target in frame:
                columns[header] = frame[target]
        for col in frame:
            if col not in {t for v in renames.values() for t in
                           (v if isinstance(v, list) else [v])}:
                columns[col] = frame[col]
        pd.DataFrame(columns).to_csv(out / path.name, index=False)
    ignored = list(mapping.get("stages", {}).get("ignore", []))
    if ignored:  # a visit of an ignored stage: left out, and no effect on the waits
        stages = pd.read_csv(out / "stages.csv", dtype=str, keep_default_na=False)
        row = stages.iloc[[0]].copy()
        renames = mapping.get("columns", {}).get("stages", {})
        header = next((h for h, t in renames.items() if t == "stage"), "stage")
        row[header] = ignored[0]
        pd.concat([stages, row]).to_csv(out / "stages.csv", index=False)


def test_a_mapping_with_renamed_columns_and_stage_names(tmp_path):
    mapping = tomllib.loads(COMPANY_MAPPING)
    company = tmp_path / "company"
    _in_vocabulary(BASIC, mapping, company)
    header = (company / "applications.csv").read_text().splitlines()[0]
    assert header.startswith("Application,Candidate,Requisition,Applied,State")
    assert "Technical interview" in (company / "stages.csv").read_text()
    (tmp_path / "mapping.toml").write_text(COMPANY_MAPPING)
    got = read_ats(company, tmp_path / "mapping.toml")
    want = read_ats(BASIC)
    pd.testing.assert_frame_equal(got.waits, want.waits)
    assert set(got.stages["stage_raw"]) >= {"Phone screen", "Technical interview", "Offer"}
    assert ("stages.csv", 14, "Stage", "the stage is ignored by the mapping") in [
        tuple(r) for r in got.left_out.itertuples(index=False)]


def test_ignored_interview_stage_is_left_out(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "interviews.csv", "A6,screening", "A6,Phone screen")
    h = read_ats(folder, {"stages": {"ignore": ["Phone screen"]}})
    assert ("interviews.csv", 10, "stage", "the stage is ignored by the mapping") in [
        tuple(r) for r in h.left_out.itertuples(index=False)]


def test_one_export_column_for_two_hiresim_columns(tmp_path):
    folder = _copy(tmp_path)
    frame = pd.read_csv(folder / "applications.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="notified_at").to_csv(folder / "applications.csv", index=False)
    h = read_ats(folder, {"columns": {"applications": {"closed_at": ["closed_at",
                                                                     "notified_at"]}}})
    # every rejection is now told at closed_at: A3 is rejected, not ghosted
    a3 = h.waits.loc[h.waits["application_id"] == "A3"].iloc[0]
    assert a3["outcome"] == "reject" and not a3["censored"]


def test_interview_stage_taken_from_the_stage_visits(tmp_path):
    folder = _copy(tmp_path)
    frame = pd.read_csv(folder / "interviews.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="stage").to_csv(folder / "interviews.csv", index=False)
    h = read_ats(folder)
    pd.testing.assert_frame_equal(h.waits, read_ats(BASIC).waits)


# ------------------------------------------------------------------------------ time zones


def test_timestamps_with_one_offset_keep_their_wall_clock(tmp_path):
    folder = _copy(tmp_path)
    for file in ("applications.csv", "stages.csv", "interviews.csv", "jobs.csv"):
        text = (folder / file).read_text()
        (folder / file).write_text(re.sub(r"(T\d\d:\d\d)", r"\1+01:00", text))
    (folder / "export.json").write_text('{"exported_at": "2026-03-31T12:00:00+01:00"}')
    pd.testing.assert_frame_equal(read_ats(folder).waits, read_ats(BASIC).waits)


def test_different_offsets_need_the_time_zone(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "interviews.csv", "2026-03-10T14:00,2026-03-10T15:00",
          "2026-03-10T13:00Z,2026-03-10T15:00+01:00")
    exc = _refused(folder)
    assert _where(exc) == [("interviews.csv", 5, "end")]
    assert "timezone = " in str(exc)


def test_offsets_are_converted_to_the_mappings_time_zone(tmp_path):
    folder = _copy(tmp_path)
    # A2's interview ends 14:00 UTC = 15:00 in Berlin (CET, +01:00); across the DST change of
    # 2026-03-29 A5's open wait ends at 12:00 local time, given as 10:00 UTC (CEST, +02:00)
    _edit(folder, "interviews.csv", "2026-03-10T14:00,2026-03-10T15:00",
          "2026-03-10T13:00Z,2026-03-10T14:00Z")
    (folder / "export.json").write_text('{"exported_at": "2026-03-31T10:00:00Z"}')
    h = read_ats(folder, {"timezone": "Europe/Berlin"})
    pd.testing.assert_frame_equal(h.waits, read_ats(BASIC).waits)
    assert h.exported_at == pd.Timestamp("2026-03-31T12:00")


# ------------------------------------------------------------------------------ the docs


def _mapping_blocks() -> list[tuple[str, str]]:
    out = []
    for page in (p for p in MAPPING_PAGES if p.exists()):
        for i, (lang, body) in enumerate(FENCE.findall(page.read_text(encoding="utf-8"))):
            if lang.strip() == "toml" and body.lstrip().startswith("# ATS mapping"):
                out.append((f"{page.name}[{i + 1}]", body))
    return out


MAPPING_BLOCKS = _mapping_blocks()


def test_the_pages_have_mapping_examples():
    names = {w.split("[")[0] for w, _ in MAPPING_BLOCKS}
    assert names == {"ats-format.md", "ats-mappings.md"}
    assert len(MAPPING_BLOCKS) >= 4


@pytest.mark.parametrize(("where", "body"), MAPPING_BLOCKS, ids=[w for w, _ in MAPPING_BLOCKS])
def test_mapping_examples_in_the_docs_read_an_export(where, body, tmp_path):
    mapping = tomllib.loads(body)
    company = tmp_path / "company"
    _in_vocabulary(BASIC, mapping, company)
    got = read_ats(company, mapping)
    want = read_ats(BASIC)
    keys = ["application_id", "round"]
    assert got.waits[keys].equals(want.waits[keys]), where
    assert np.isfinite(got.waits["days_to_feedback"]).all()


def test_mapping_class_is_atsmapping_and_the_old_name_warns() -> None:
    """``ats.Mapping`` shadowed ``collections.abc.Mapping``: it is ``ATSMapping`` now."""
    from hiresim.deprecation import HiresimDeprecationWarning
    from hiresim.records import ats

    assert isinstance(ats.load_mapping({"timezone": "UTC"}), ats.ATSMapping)
    with pytest.warns(HiresimDeprecationWarning, match="ATSMapping"):
        assert ats.Mapping is ats.ATSMapping


# ---------------------------------------------------------------------------------------------
# One CSV reader (issue 25): dialects, bounds, row numbers; and safe CSV outputs


def _csv(tmp_path: Path, data: bytes, **kwargs):
    from hiresim.records.csvfile import read_csv

    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return read_csv(path, **kwargs)


@pytest.mark.parametrize(("data", "delimiter"), [
    (b"a,b\n1,2\n3,4\n", None),
    (b"a,b\r\n1,2\r\n3,4\r\n", None),
    (b"a,b\r1,2\r3,4\r", None),                       # old Macintosh line ends
    (b"\xef\xbb\xbfa,b\n1,2\n3,4\n", None),           # Excel's CSV UTF-8
    (b"sep=;\na;b\n1;2\n3;4\n", None),                # Excel's delimiter line
    (b"a;b\n1;2\n3;4\n", ";"),
    (b"a\tb\n1\t2\n3\t4\n", "\t"),
    (b'"a","b"\n"1","2"\n"3","4"\n', None),
    (b"a ,\xe2\x80\x8bb\n 1 , 2\n3,4\n", None),       # spaces, a zero-width space in a header
])
def test_csv_dialects_read_the_same(tmp_path, data, delimiter):
    table = _csv(tmp_path, data, delimiter=delimiter)
    assert table.header == ["a", "b"]
    assert table.values == {0: ["1", "3"], 1: ["2", "4"]}


def test_csv_rows_are_numbered_by_their_first_line(tmp_path):
    table = _csv(tmp_path, b'\n\n,,\na,b\n1,"x\ny"\n\n3,4\n')
    assert table.header_line == 4
    assert table.lines == [5, 8]
    assert table.values[1] == ["x\ny", "4"]


@pytest.mark.parametrize(("data", "row", "says"), [
    (b"a;b\n1;2\n", 1, "separated by semicolons"),
    (b"a,b\n1,2,\n3,4,\n", 2, "(and 1 more row: 3): the extra fields are empty"),
    (b"a,b\n1,2,x\n", 2, "more fields than the header's 2"),
    (b"a,b\n1,2\r5\n", 2, "carriage return (CR) inside a value that is not quoted"),
    (b'a,b\n1,"2\n3,4\n', 2, "never closed"),
    (b'a,b\n1,"2"x\n', 2, "a quote (\") inside a value"),
    (b"a,b\n1," + b"x" * 100_001 + b"\n", 2, "longer than 100,000 characters"),
    (b"", 1, "the file is empty"),
    (b"a,b\n1,\x002\n", None, "holds NUL bytes (the first on line 2)"),
    ("a,b\n1,2\n".encode("utf-16"), None, "UTF-16"),
    ("a,b\nä,2\n".encode("latin-1"), None, "byte 0xe4 on line 2"),
])
def test_csv_refusals_name_the_row(tmp_path, data, row, says):
    from hiresim.records.csvfile import CsvError

    with pytest.raises(CsvError) as info:
        _csv(tmp_path, data)
    assert info.value.row == row
    assert says in str(info.value)


def test_csv_row_bound(tmp_path, monkeypatch):
    from hiresim.records import csvfile

    monkeypatch.setattr(csvfile, "MAX_ROWS", 3)
    assert len(_csv(tmp_path, b"a\n1\n2\n3\n")) == 3
    with pytest.raises(csvfile.CsvError, match="more than 3 rows"):
        _csv(tmp_path, b"a\n1\n2\n3\n4\n")


def test_csv_field_limit_is_put_back(tmp_path):
    before = csv.field_size_limit()
    _csv(tmp_path, b"a\n1\n")
    assert csv.field_size_limit() == before


def test_a_semicolon_export_reads_with_the_mapping_delimiter(tmp_path):
    folder = _copy(tmp_path)
    plain = hs.read_ats(folder)
    for p in folder.glob("*.csv"):
        rows = list(csv.reader(p.read_text(encoding="utf-8").splitlines()))
        with p.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, delimiter=";").writerows(rows)  # quotes "u1;u2"
    with pytest.raises(ATSError, match='say delimiter = ";" in the mapping'):
        hs.read_ats(folder)
    pd.testing.assert_frame_equal(hs.read_ats(folder, {"delimiter": ";"}).waits, plain.waits)
    pd.testing.assert_frame_equal(hs.read_ats(folder, {"delimiter": "semicolon"}).waits,
                                  plain.waits)


def test_csv_outputs_neutralise_formulas(tmp_path):
    from hiresim.records.csvfile import neutralised, write_csv

    assert [neutralised(v) for v in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x",
                                     "-3", "+1.5", "-2e-3", "plain", 7)] == [
        "'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\t=x", "'\r=x", "-3", "+1.5", "-2e-3",
        "plain", 7]
    frame = pd.DataFrame({"id": ["=cmd|' /C calc'!A0", "A1"], "days": [-1.5, 2.0],
                          "kind": pd.Categorical(["@x", "y"])})
    path = write_csv(frame, tmp_path / "out.csv")
    back = pd.read_csv(path, dtype=str)
    assert back["id"].tolist() == ["'=cmd|' /C calc'!A0", "A1"]
    assert back["days"].tolist() == ["-1.5", "2.0"]
    assert back["kind"].tolist() == ["'@x", "y"]


def test_messages_escape_control_characters():
    """An API message never carries a raw control character from a mapping key."""
    with pytest.raises(ATSError) as info:
        hs.read_ats(hs.records.ats.EXAMPLE, {"\x1b[31mcolumns": {}, "status": {"a": "\u202e"}})
    text = str(info.value)
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b[31mcolumns" in text


def test_records_do_not_import_the_layers_above():
    """``results`` sits above ``records``: records import it (or the runner) only for types."""
    import ast

    for path in (Path(hs.__file__).parent / "records").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import) and id(node) not in guarded:
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [a.name for a in node.names])
                assert not any(n in ("hiresim.results", "hiresim.runner") for n in names), (
                    path.name, node.lineno)
