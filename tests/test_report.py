"""The HR report: self-contained, numbers equal to the analysis functions, renders in Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import hiresim as hs
from hiresim import analysis
from hiresim.present.report import LEVELS, SOURCE_WORDS, assumptions, build_report

N, SEED, ABLATION_N = 4, 11, 2


@pytest.fixture(scope="module")
def report():
    return build_report(hs.preset("default"), replications=N, seed=SEED,
                        ablation_replications=ABLATION_N, n_boot=50)


@pytest.fixture(scope="module")
def page(report, tmp_path_factory) -> Path:
    return report.write(tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture(scope="module")
def same_seed():
    """An independent run with the same scenario, replications and seed."""
    return hs.simulate(hs.preset("default"), replications=N, seed=SEED)


class _Cells(HTMLParser):
    """Text of every element carrying a given data-* attribute, keyed by its value."""

    def __init__(self, attribute: str):
        super().__init__()
        self.attribute, self.found, self._key = attribute, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.attribute in attrs:
            self._key = attrs[self.attribute]
            self.found[self._key] = ""

    def handle_data(self, data):
        if self._key is not None:
            self.found[self._key] += data

    def handle_endtag(self, tag):
        self._key = None


def _cells(text: str, attribute: str) -> dict[str, str]:
    parser = _Cells(attribute)
    parser.feed(text)
    return {k: v.strip() for k, v in parser.found.items()}


def test_promises_shown_equal_analysis_promise(page, same_seed):
    shown = _cells(page.read_text(), "data-promise")
    assert len(shown) == 2 * len(LEVELS)
    for level in LEVELS:
        table = analysis.promise(same_seed, confidence=level, n_boot=10).set_index("days_kind")
        for kind in ("calendar", "business"):
            expected = table.loc[kind, "promise_days"]
            text = shown[f"{kind}-{level:g}"]
            if np.isfinite(expected):
                assert text == f"{expected:.0f}", (kind, level)
            else:
                assert text == "never", (kind, level)


def test_unreachable_promise_is_said_in_plain_words(page, same_seed):
    never = analysis.promise(same_seed, confidence=0.95, n_boot=10)["p_never"].iloc[0]
    assert never > 0.05, "the default preset loses more than 5 % of candidates"
    text = page.read_text()
    assert "cannot be promised" in text
    assert f"Only {100 * (1 - never):.0f} % of candidates ever hear back" in text


def test_causes_shown_equal_analysis_attribution(page, same_seed):
    text = page.read_text()
    days = _cells(text, "data-cause-days")
    shares = _cells(text, "data-cause-share")
    expected = analysis.attribution(same_seed)
    nonzero = expected[expected["total_days"] > 0]
    assert set(days) == set(nonzero["cause"].astype(str))
    for row in nonzero.itertuples():
        assert days[str(row.cause)] == f"{row.mean_days:.1f}"
        assert shares[str(row.cause)] == f"{100 * row.share:.1f} %"


def test_report_tables_are_the_analysis_tables(report, same_seed):
    import pandas as pd

    pd.testing.assert_frame_equal(report.results.journeys, same_seed.journeys)
    pd.testing.assert_frame_equal(report.attribution, analysis.attribution(same_seed))
    pd.testing.assert_frame_equal(report.stage_attribution,
                                  analysis.attribution(same_seed, by="stage"))


def test_ablation_equals_analysis_ablate(report):
    # on the main run's ruler: the horizon of the report's headline average
    expected = analysis.ablate(hs.preset("default"), replications=ABLATION_N, seed=SEED,
                               n_boot=50, tau=report.headline.tau)
    got = report.ablation.drop(columns="seconds")
    import pandas as pd

    pd.testing.assert_frame_equal(got, expected)
    assert (report.ablation["seconds"] >= 0).all()
    assert set(report.ablation["source"]) == set(hs.DELAY_SOURCES)


def test_ablation_text_names_the_horizon_of_the_mean(report, page):
    """The page states the restricted mean's horizon (``ablate``'s ``attrs["tau"]``), not nan."""
    tau = report.ablation.attrs["tau"]
    assert tau > 0
    assert f"counting any wait longer than {tau:.0f} days" in page.read_text()


def test_page_is_self_contained(page):
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    # No reference to anything outside the file: no http(s) or protocol-relative src/href/url.
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//|file:)""", text, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", text, re.I)
    assert "@import" not in text
    # one inline script (sorting and filtering the tables), nothing loaded
    assert not re.search(r"<script[^>]*\ssrc", text, re.I) and "<link" not in text.lower()
    assert text.lower().count("<script") == 1 and "fetch(" not in text
    srcs = re.findall(r"""<img[^>]*\ssrc="([^"]*)\"""", text)
    assert len(srcs) == 3  # the wait curve, waits by stage, the ablation chart
    assert all(s.startswith("data:image/png;base64,") for s in srcs)
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert hrefs and all(h.startswith("#") for h in hrefs)
    for anchor in {h[1:] for h in hrefs}:
        assert f'id="{anchor}"' in text


def test_page_sections_and_assumptions(page, report):
    text = page.read_text()
    for heading in ("What to promise candidates", "The wait, day by day", "Where the days go",
                    "What would help most", "Candidates lost while waiting",
                    "What the simulation assumes"):
        assert heading in text
    sections = dict(assumptions(report.scenario))
    assert any("Recruiter: 4 people" in s for s in sections["People"])
    assert any("public holidays of US" in s for s in sections["Working calendars"])
    assert any("committee on Thu at 14:00" in s for s in
               sections["Offer approvals (people who never met the candidate)"])
    assert any("Only the recruiter talks" in s for s in sections["Communication policy"])
    assert "Recruiter: 4 people, working on the “office” calendar" in text


def test_report_without_ablation_and_a_small_scenario(tmp_path):
    rep = build_report(hs.preset("mmc"), replications=1, seed=1, ablation=False, n_boot=10)
    assert rep.ablation is None
    text = rep.write(tmp_path / "sub" / "mmc.html").read_text()
    assert "Not computed for this report" in text
    assert "never</td>" not in text or "cannot be promised" in text


# ---------------------------------------------------------------------------------------------
# A real browser

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium",
                             shutil.which("chromium-browser"), shutil.which("google-chrome"))
                 if p and os.path.exists(p)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine (.ci/run installs the Debian package 'chromium')")

#: Injected into a *copy* of the page: after load, record how many images decoded and how many
#: resources the browser fetched (data: URIs are not fetched), so --dump-dom can show them.
PROBE = ("<script>window.addEventListener('load',function(){var n=0;"
         "for(var i of document.images){if(i.complete&&i.naturalWidth>0)n++;}"
         "var e=document.documentElement;e.setAttribute('data-images-ok',n);"
         "e.setAttribute('data-images',document.images.length);"
         "e.setAttribute('data-fetched',performance.getEntriesByType('resource').length);"
         "});</script></body>")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
         *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


@needs_chromium
def test_chromium_loads_the_page_and_every_figure(page, tmp_path):
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text().replace("</body>", PROBE))
    done = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom",
                     probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    root = re.search(r"<html[^>]*>", done.stdout).group(0)
    images = int(re.search(r'data-images="(\d+)"', root).group(1))
    assert images == 3
    assert f'data-images-ok="{images}"' in root, root
    assert 'data-fetched="0"' in root, root
    assert "net::ERR" not in done.stderr
    assert "Failed to load resource" not in done.stderr


@needs_chromium
def test_chromium_screenshot_shows_the_figures(page, tmp_path):
    import matplotlib.image as mpimg

    shot = tmp_path / "report.png"
    done = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,3000",
                     page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 10_000
    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (3000, 1200)
    assert pixels.std() > 0.05, "blank screenshot"
    ink = (pixels < 0.9).any(axis=-1).mean()
    assert ink > 0.03, f"almost nothing drawn ({ink:.1%} of pixels)"
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 200, "no figures: too few distinct colours"
    # The survival curve's blue line (matplotlib C0, #1f77b4) is on the page.
    c0 = np.array([0x1F, 0x77, 0xB4]) / 255
    assert (np.abs(pixels - c0).max(axis=-1) < 0.08).sum() > 200


def test_every_delay_source_has_plain_words():
    """The ablation table says what switching each source off stands for in practice."""
    from hiresim.scenario import DELAY_SOURCES

    assert set(DELAY_SOURCES) <= set(SOURCE_WORDS), sorted(set(DELAY_SOURCES) - set(SOURCE_WORDS))
