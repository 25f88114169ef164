"""The HR report an HR director reads in two minutes (issue 24, item 5), checked in Chromium at
1280 px: no horizontal overflow, the summary on the first screen, one date format, no raw
paths or internal names, and an open-candidates table that sorts and filters in the page."""

from __future__ import annotations

import json
import re

import pytest

import hiresim as hs
from hiresim.present.report import build_report
from tests.test_report import CHROMIUM, _chromium, needs_chromium

#: After load: measures the page at its window size, sorts the open candidates by days waited,
#: filters them by one id, and writes what it saw as JSON into a <pre id="probe">.
PROBE = """<script>window.addEventListener('load',function(){
var d=document.documentElement,out={};
out.scrollWidth=d.scrollWidth;out.clientWidth=d.clientWidth;
out.summaryBottom=document.getElementById('summary').getBoundingClientRect().bottom;
out.innerHeight=window.innerHeight;
var wide=[];document.querySelectorAll('table').forEach(function(t){
 if(t.getBoundingClientRect().right>d.clientWidth+0.5){wide.push(t.id);}});out.wide=wide;
out.text=document.body.innerText;
var t=document.getElementById('open-table');
function col(){return Array.from(t.tBodies[0].rows).map(function(r){
 return parseFloat(r.cells[2].getAttribute('data-sort'));});}
if(t){var th=t.querySelectorAll('thead th')[2];th.click();out.ascending=col();
 th.click();out.descending=col();
 var id=t.tBodies[0].rows[1].cells[0].textContent;out.filterId=id;
 var box=document.getElementById('open-filter');box.value=id;
 box.dispatchEvent(new Event('input'));
 out.shown=Array.from(t.tBodies[0].rows).filter(function(r){
  return r.style.display!=='none';}).map(function(r){return r.cells[0].textContent;});
 out.rows=t.tBodies[0].rows.length;}
var pre=document.createElement('pre');pre.id='probe';pre.textContent=JSON.stringify(out);
document.body.appendChild(pre);});</script></body>"""


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """A small company's export with candidates waiting, rejections never told (some long
    ago) and closed jobs: a simulation written as an ATS export."""
    data = hs.preset("default").model_dump(mode="json")
    data.update(horizon_days=150, drain_days=0, name="small company")
    data["communication"]["ghost_probability"] = 0.3
    truth = hs.simulate(hs.load_scenario(data), replications=1, seed=5)
    return hs.read_ats(truth.to_ats(tmp_path_factory.mktemp("ats") / "ats"))


@pytest.fixture(scope="module")
def page(company, tmp_path_factory):
    rep = build_report(hs.preset("default"), replications=3, seed=2, ablation_replications=3,
                       n_boot=30, history=company, forecast_replications=8, locale="en_GB",
                       what_ifs=["roles.recruiter.count=6"])
    return rep, rep.write(tmp_path_factory.mktemp("hr") / "report.html")


def _probe(page, tmp_path, height=800):
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE),
                     encoding="utf-8")
    done = _chromium(tmp_path, f"--window-size=1280,{height}", "--virtual-time-budget=5000",
                     "--dump-dom", probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, "the probe did not run"
    import html

    return json.loads(html.unescape(found.group(1)))


def test_owed_rejections_are_listed_not_forecast(page):
    rep, _ = page
    state = rep.forecast.state
    assert state.owed, "the export has rejections never told"
    forecast_ids = set(rep.forecast.answers["application_id"])
    assert not forecast_ids & {o.application_id for o in state.owed}
    html_text = page[1].read_text(encoding="utf-8")
    assert f"Owed a rejection: {len(state.owed)}" in html_text
    assert "owed a rejection</a>" in html_text  # and counted in the summary


@needs_chromium
def test_the_page_fits_1280_px_and_the_summary_the_first_screen(page, tmp_path):
    seen = _probe(page[1], tmp_path)
    assert seen["scrollWidth"] <= seen["clientWidth"], seen["wide"]
    assert not seen["wide"]
    assert seen["summaryBottom"] <= seen["innerHeight"]


@needs_chromium
def test_one_date_format_and_no_raw_names(page, tmp_path):
    text = _probe(page[1], tmp_path)["text"]
    months = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
              r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
    medium = re.compile(rf"\b\d{{1,2}} {months} \d{{4}}\b")  # en_GB medium: 12 Feb 2026
    assert medium.search(text), "no date at all"
    rest = medium.sub("", text)
    assert not re.search(rf"\b{months}\b", rest), re.findall(
        rf".{{20}}\b{months}\b.{{20}}", rest)[:5]
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", rest)
    assert not re.search(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_0-9]+)+\b", text), "a dotted path"
    assert "{" not in text and "compute time" not in text
    for internal in ("off_hours", "calendar_load", "communication_ghosting", "hr_gated"):
        assert internal not in text


@needs_chromium
def test_the_open_candidates_table_sorts_and_filters(page, tmp_path):
    seen = _probe(page[1], tmp_path)
    assert seen["rows"] >= 3
    assert seen["ascending"] == sorted(seen["ascending"])
    assert seen["descending"] == sorted(seen["descending"], reverse=True)
    assert seen["shown"] == [seen["filterId"]]


def test_chromium_is_there_or_the_tests_say_so():
    assert CHROMIUM is None or CHROMIUM.endswith(("chromium", "chromium-browser",
                                                  "google-chrome"))
