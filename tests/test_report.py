"""The claim-reproduction report: files, numbers, verdicts, and the page in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil

import numpy as np
import pandas as pd
import pytest

import riskcycle
from riskcycle.report import build_report
from riskcycle.report._document import Document, to_jsonable

SECTIONS = ("claims", "events", "event_study", "inference", "regimes", "backtest", "methods")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    # A small number of resamples keeps this under a minute; the statistics themselves are
    # tested in their own modules.
    report = build_report(n_resamples=199, rng=7)
    out = tmp_path_factory.mktemp("report")
    paths = report.write(out)
    return report, out, paths


def test_files_written(report_dir):
    _, out, paths = report_dir
    assert set(paths) == {"html", "markdown", "json"}
    for p in paths.values():
        assert p.stat().st_size > 0
    md = paths["markdown"].read_text()
    figs = re.findall(r"\]\((figures/[^)]+\.png)\)", md)
    assert len(figs) >= 5
    for f in figs:  # every figure the Markdown links to exists and is a PNG
        assert (out / f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = paths["html"].read_text()
    assert html.count("data:image/png;base64,") == len(figs)  # self-contained
    assert 'src="http' not in html and 'href="http' not in html  # no external resource


def test_results_json_holds_the_numbers_shown(report_dir):
    _, _, paths = report_dir
    data = json.loads(paths["json"].read_text())
    for key in ("claims", "events", "event_study", "inference", "regimes", "backtest", "methods"):
        assert key in data, key
    # the event-study multiples agree with a direct computation from the bundled data
    btc = riskcycle.datasets.load("btc_long")["close"]
    rows = [
        r
        for r in data["event_study"]["windows"]
        if r["event_date"].startswith("2016-11-14") and r["horizon"] == 365
    ]
    direct = btc.loc["2017-11-14"] / btc.loc["2016-11-14"] - 1  # day 0 = 2016-11-14 bar
    assert rows[0]["return"] == pytest.approx(direct, rel=1e-12)
    assert data["methods"]["versions"]["riskcycle"] == riskcycle.__version__


def test_claim_verdicts_follow_their_rules(report_dir):
    report, _, _ = report_dir
    claims = {c["claim"]: c for c in report.numbers["claims"]}
    rut = riskcycle.datasets.load("rut")["close"]
    btc = riskcycle.datasets.load("btc_long")["close"]
    # +9% in the first three weeks of 2026: recomputed here from the data
    c = next(v for k, v in claims.items() if "first three weeks" in k)
    ret = rut.loc["2026-01-22"] / rut.loc["2025-12-31"] - 1
    assert c["return"] == pytest.approx(ret, rel=1e-12)
    assert c["verdict"] == ("consistent" if abs(ret - 0.09) <= 0.015 else c["verdict"])
    # BTC +50% from the halving: the rule is |measured - 50%| <= 7.5 pp
    c = next(v for k, v in claims.items() if "April 2024 halving (about 63k)" in k)
    ret = btc.loc["2026-01-22"] / btc.loc["2024-04-19"] - 1
    assert c["return"] == pytest.approx(ret, rel=1e-12)
    expected = (
        "consistent" if abs(ret - 0.5) <= 0.075 else ("overstated" if ret < 0.5 else "understated")
    )
    assert c["verdict"] == expected
    # over 40% in 2025: calendar-year return from the data
    c = next(v for k, v in claims.items() if "over 40% in 2025" in k)
    cal = rut.loc["2025-12-31"] / rut.loc["2024-12-31"] - 1
    assert c["calendar_year_return"] == pytest.approx(cal, rel=1e-12)
    assert (c["verdict"] == "consistent") == (cal > 0.40)
    # every claim has a verdict
    assert all(v["verdict"] for v in claims.values())
    names = " ".join(claims)
    assert "two samples" in names.lower() and "volatility" in names.lower()


def test_report_is_reproducible_for_a_seed():
    a = build_report(
        sections=("claims", "events", "event_study", "regimes"), n_resamples=99, rng=3
    )
    b = build_report(
        sections=("claims", "events", "event_study", "regimes"), n_resamples=99, rng=3
    )
    assert json.dumps(a.numbers, sort_keys=True) == json.dumps(b.numbers, sort_keys=True)


def test_breakout_rule_reaches_every_stage():
    rep = build_report(sections=("events", "methods"), margin=0.01, use_high=False, rng=1)
    expected = riskcycle.breakouts(riskcycle.datasets.load("rut"), min_gap=250, margin=0.01)
    got = [r["event_date"][:10] for r in rep.numbers["events"]]
    assert got == [d.strftime("%Y-%m-%d") for d in expected.dates]
    assert rep.numbers["methods"]["settings"]["margin"] == 0.01


def test_report_argument_errors():
    with pytest.raises(
        ValueError, match="`min_gap` must be a positive integer number of sessions"
    ):
        build_report(min_gap=0)
    with pytest.raises(ValueError, match="`as_of` could not be parsed as a date"):
        build_report(as_of="someday")
    with pytest.raises(ValueError, match="`margin` must be a non-negative fraction"):
        build_report(margin=-0.1)


def test_document_rendering_and_json():
    doc = Document("T")
    s = doc.section("A & B")
    s.text("**bold** and `code` <tag>")
    s.table(pd.DataFrame({"x": [1.5, np.nan], "label": ["a|b", "c"]}), caption="cap")
    html = doc.to_html()
    assert "<strong>bold</strong>" in html and "&lt;tag&gt;" in html and "A &amp; B" in html
    md = doc.to_markdown()
    assert "a\\|b" in md and "NaN" in md
    assert to_jsonable(
        {"a": np.float64("nan"), "b": pd.Timestamp("2024-01-10"), "c": np.int64(3)}
    ) == {"a": None, "b": "2024-01-10T00:00:00", "c": 3}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_opens_in_headless_chromium(report_dir):
    """The page loads without console errors and every embedded figure decodes."""
    _, _, paths = report_dir
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install 'riskcycle[test]')")
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=exe,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(paths["html"].as_uri(), wait_until="load")
            n_images = page.evaluate("document.images.length")
            decoded = page.evaluate(
                "Promise.all(Array.from(document.images).map("
                "i => i.decode().then(() => i.naturalWidth > 0 && i.naturalHeight > 0)"
                ".catch(() => false)))"
            )
            headings = page.evaluate(
                "Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"
            )
        finally:
            browser.close()
    assert errors == []
    assert n_images >= 5 and all(decoded)
    assert len(headings) >= 6
