"""The riskcycle command line."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest

from riskcycle.cli import main

SUBCOMMANDS = ["report", "events", "assess", "regimes", "backtest", "data"]


@pytest.mark.parametrize("cmd", SUBCOMMANDS)
def test_every_subcommand_has_help(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([cmd, "--help"])
    assert exc.value.code == 0
    assert "usage: riskcycle " + cmd in capsys.readouterr().out


def test_data_list_and_describe(capsys):
    assert main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "btc_long" in out and "us_equity_close" in out
    assert main(["data", "describe", "rut"]) == 0
    assert "Russell 2000" in capsys.readouterr().out
    assert main(["data", "describe"]) == 0
    assert "Coin Metrics" in capsys.readouterr().out


def test_events_prints_breakouts_and_returns(capsys):
    assert main(["events", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "2016-11-14" in captured.out and "x365d" in captured.out
    assert captured.err.count("[") == 0  # --quiet: no progress lines
    # the follower's multiple after the 2016 breakout (DESIGN.md: about 9.4x)
    rows = [ln for ln in captured.out.splitlines() if ln.startswith("2016-11-14")]
    assert float(rows[-1].split()[-1]) == pytest.approx(9.41, abs=0.01)
    last = [ln for ln in captured.out.splitlines() if ln.startswith("2025-09-18")][-1]
    assert last.endswith("*")  # the 365-day window was still open at the end of the data


def test_progress_goes_to_stderr(capsys):
    assert main(["events", "--as-of", "2021-01-01"]) == 0
    captured = capsys.readouterr()
    assert "detecting breakouts" in captured.err and "detecting" not in captured.out
    assert "2025-09-18" not in captured.out  # as-of truncation


def test_bad_input_is_one_line_error(capsys, tmp_path):
    assert main(["events", "--leader", "nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(
        "riskcycle: error: --leader must be a bundled series"
    )
    csv = tmp_path / "x.csv"
    csv.write_text("date,close\n2024-01-02,1\n2024-01-01,2\n")
    assert main(["events", "--leader", str(csv), "--leader-clock", "us_equity_close"]) == 2
    assert "dates must be sorted ascending" in capsys.readouterr().err
    assert main(["events", "--leader", str(csv)]) == 2
    assert "--leader-clock is required" in capsys.readouterr().err
    with pytest.raises(ValueError, match="--leader must be a bundled series"):
        main(["events", "--leader", "nope", "--debug"])
    with pytest.raises(SystemExit):
        main(["events", "--horizons", "30,-5"])


def test_report_command_writes_outputs(tmp_path, capsys):
    out = tmp_path / "rep"
    assert (
        main(["report", "--out", str(out), "--n-resamples", "49", "--quiet", "--seed", "1"]) == 0
    )
    assert (out / "report.html").is_file() and (out / "report.md").is_file()
    data = json.loads((out / "results.json").read_text())
    assert data["methods"]["settings"]["n_resamples"] == 49
    assert str(out / "report.html") in capsys.readouterr().out


def test_regimes_window_and_halving_control(tmp_path, capsys):
    # small input: two and a half years of bundled BTC closes written as a user CSV
    import riskcycle

    btc = riskcycle.datasets.load("btc").loc["2022-07-01":"2024-12-31"]
    csv = tmp_path / "btc_small.csv"
    btc.rename_axis("date").to_csv(csv)
    argv = ["regimes", "--series", str(csv), "--clock", "utc_midnight", "--benchmarks", ""]
    argv += ["--n-resamples", "99", "--quiet"]
    assert main([*argv, "--window", "300"]) == 0
    out = capsys.readouterr().out
    assert "Equal calendar windows of 300 days" in out
    assert "At 2024-01-10 annualised volatility" in out  # a finding, not the null
    assert "Same halving-cycle phase in earlier cycles: 2024-01-10, windows of 300 days" in out
    assert "cycle 3 (actual)" in out
    assert main([*argv, "--no-halving-control"]) == 0
    assert "Same halving-cycle phase" not in capsys.readouterr().out
    assert main([*argv, "--window", "0"]) == 2
    assert "--window must be a positive number of days; got 0" in capsys.readouterr().err
    assert main([*argv, "--breaks", "2023-06-01,2024-01-10"]) == 2
    assert "--halving-control needs exactly one break; got 2" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# option checks, missing extras, the report folder, end-to-end runs on small inputs
# ---------------------------------------------------------------------------
def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("riskcycle: error: "), err
    return err[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["assess", "--horizon", "0"], "--horizon must be a positive number of days; got 0."),
        (["assess", "--horizon", "-30"], "--horizon must be a positive number of days; got -30."),
        (["assess", "--n-resamples", "0"], "--n-resamples must be a positive integer; got 0."),
        (["assess", "--seed", "-1"], "--seed must be a non-negative integer; got -1."),
        (["events", "--min-gap", "0"], "--min-gap must be a positive number of sessions; got 0."),
        (["events", "--margin", "-0.01"], "--margin must be a non-negative number; got -0.01."),
        (["events", "--margin", "nan"], "--margin must be a non-negative number; got nan."),
        (["backtest", "--horizon", "0"], "--horizon must be a positive number of days; got 0."),
        (["backtest", "--fees", "1.5"], "--fees must be a fraction in [0, 1); got 1.5."),
        (["backtest", "--slippage", "-0.001"], "--slippage must be a fraction in [0, 1)"),
        (["report", "--n-resamples", "0"], "--n-resamples must be a positive integer; got 0."),
        (["events", "--as-of", "notadate"], "--as-of must be a date such as 2026-01-22; got "),
        (["backtest", "--as-of", "2026-13-45"], "--as-of must be a date such as 2026-01-22"),
        (
            ["data", "fetch", "X", "--clock", "utc_midnight", "--out", "x.csv", "--start", "soon"],
            "--start must be a date such as 2026-01-22; got 'soon'.",
        ),
    ],
)
def test_numeric_and_date_options_are_checked_first(argv, message, capsys, monkeypatch):
    # nothing may start: a data load would show that the check came too late
    import riskcycle.datasets

    def no_load(*args, **kwargs):
        raise AssertionError("data loaded before the options were checked")

    monkeypatch.setattr(riskcycle.datasets, "load", no_load)
    monkeypatch.setattr(riskcycle.datasets, "fetch", no_load)
    assert main([*argv, "--quiet"]) == 2
    assert message in _one_line_error(capsys)


def test_data_fetch_without_yfinance_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "yfinance", None)  # import yfinance -> ImportError
    out = tmp_path / "rut.csv"
    argv = ["data", "fetch", "^RUT", "--clock", "us_equity_close", "--out", str(out), "--quiet"]
    assert main(argv) == 2
    assert 'pip install "riskcycle[fetch]"' in _one_line_error(capsys)
    assert not out.exists()


class _FakeReport:
    def write(self, out):
        path = out / "report.html"
        path.write_text("new", encoding="utf-8")
        return {"html": path}


def test_report_out_folder_checked_before_the_analysis(tmp_path, capsys, monkeypatch):
    import riskcycle.report

    calls = []

    def fake_build(**kwargs):
        calls.append(kwargs)
        return _FakeReport()

    monkeypatch.setattr(riskcycle.report, "build_report", fake_build)
    full = tmp_path / "full"
    full.mkdir()
    (full / "report.html").write_text("old", encoding="utf-8")
    (full / "notes.txt").write_text("mine", encoding="utf-8")
    # a non-empty folder is refused without --force, before any analysis
    assert main(["report", "--out", str(full), "--quiet"]) == 2
    assert "is not empty; choose a new folder or pass --force" in _one_line_error(capsys)
    assert calls == [] and (full / "report.html").read_text() == "old"
    # --force overwrites the report's files and leaves the others alone
    assert main(["report", "--out", str(full), "--force", "--quiet"]) == 0
    assert len(calls) == 1 and (full / "report.html").read_text() == "new"
    assert (full / "notes.txt").read_text() == "mine"
    # a file, or a folder that cannot be created, fails at once
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert main(["report", "--out", str(afile), "--quiet"]) == 2
    assert "--out must be a folder" in _one_line_error(capsys)
    assert main(["report", "--out", str(afile / "sub"), "--quiet"]) == 2
    assert "is not writable" in _one_line_error(capsys)
    assert len(calls) == 1
    # a fresh folder is created; if the analysis fails it is not left behind empty
    monkeypatch.setattr(
        riskcycle.report, "build_report", lambda **kw: (_ for _ in ()).throw(ValueError("boom"))
    )
    fresh = tmp_path / "fresh" / "rep"
    assert main(["report", "--out", str(fresh), "--quiet"]) == 2
    assert "boom" in _one_line_error(capsys) and not fresh.exists()


@pytest.fixture(scope="module")
def small_pair(tmp_path_factory):
    """Russell 2000 2010-2022 and BTC 2014-09-17..2022 written as user CSV files."""
    import riskcycle

    folder = tmp_path_factory.mktemp("small")
    rut = riskcycle.datasets.load("rut", start="2010-01-01", end="2022-12-31")
    btc = riskcycle.datasets.load("btc", start="2014-09-17", end="2022-12-31")
    rut.to_csv(folder / "rut_small.csv", index_label="date")
    btc.to_csv(folder / "btc_small.csv", index_label="date")
    argv = ["--leader", str(folder / "rut_small.csv"), "--leader-clock", "us_equity_close"]
    argv += ["--follower", str(folder / "btc_small.csv"), "--follower-clock", "utc_midnight"]
    return argv, btc["close"]


def test_assess_end_to_end_on_small_csvs(small_pair, capsys):
    argv, btc = small_pair
    cmd = ["assess", *argv, "--horizons", "30,90", "--horizon", "30", "--n-resamples", "19"]
    assert main([*cmd, "--quiet", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    # the title names the CSVs and --horizon (not the largest of --horizons, nor 365)
    assert re.search(r"^rut_small \w+ -> btc_small, 30-day horizon$", out, re.MULTILINE)
    # first table, "Events with complete windows": event_date day0_date log_return simple_return
    rows = {}
    for ln in out.splitlines():
        if ln[:4] in ("2016", "2020"):
            rows.setdefault(ln.split()[0], ln.split())
    assert rows["2016-11-14"][1] == "2016-11-14"  # day 0: the BTC bar of the same date
    # the follower's 30-day log return after the 2016 breakout, from the data itself
    # (printed to 4 decimals: tolerance half a unit of the last digit)
    expected = np.log(btc["2016-12-14"] / btc["2016-11-14"])
    assert float(rows["2016-11-14"][2]) == pytest.approx(expected, abs=5e-5)
    assert "2020-11-13" in rows


def test_backtest_end_to_end_on_small_csvs(small_pair, capsys):
    argv, btc = small_pair
    cmd = ["backtest", *argv, "--horizon", "90", "--fees", "0", "--slippage", "0"]
    assert main([*cmd, "--n-resamples", "19", "--quiet", "--seed", "3"]) == 0
    captured = capsys.readouterr()
    trades = {ln.split()[0]: ln.split() for ln in captured.out.splitlines() if ln[:4] == "2016"}
    entry, exit_, reason, days, ret = trades["2016-11-14"][1:6]
    assert (entry, exit_, reason, days) == ("2016-11-14", "2017-02-12", "horizon", "90")
    # without costs the trade returns the follower's close-to-close change (4 decimals shown)
    assert float(ret) == pytest.approx(btc["2017-02-12"] / btc["2016-11-14"] - 1, abs=5e-5)
    # the 2013 breakout precedes the follower's data: a note on stderr, not a Python warning
    assert "note: EventsExcludedWarning" in captured.err and "2013-01-02" in captured.err


def test_backtest_sweep_end_to_end_uses_the_default_grid(small_pair, capsys, monkeypatch):
    # --sweep searches riskcycle.backtesting.DEFAULT_GRID (read when the command runs); a
    # smaller grid of 3 x 2 x 2 = 12 combinations here keeps the test short
    from types import MappingProxyType

    import pandas as pd

    import riskcycle.backtesting

    small = {"min_gap": (150, 250, 350), "margin": (0.0, 0.02), "horizons": (90, 180)}
    small["delay"] = (pd.Timedelta(0),)
    monkeypatch.setattr(riskcycle.backtesting, "DEFAULT_GRID", MappingProxyType(small))
    argv, _ = small_pair
    cmd = ["backtest", *argv, "--horizon", "90", "--sweep", "--n-resamples", "99"]
    assert main([*cmd, "--quiet", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "Parameter sweep with data-snooping control" in out
    assert re.search(r"^Note: 12 combinations, \d+ distinct trade sets", out, re.MULTILINE)
    # the best combinations come from the grid: min_gap, margin and horizon columns
    best = out.split("Best combinations")[1].split("Snooping tests")[0]
    rows = [ln.split() for ln in best.splitlines() if ln[:1].isdigit()]
    assert rows
    for row in rows:
        assert int(row[1]) in small["min_gap"]
        assert float(row[2]) in small["margin"]
        assert int(row[3]) in small["horizons"]
        assert row[4] == "0h"
    # the snooping tests' p-values are probabilities
    tests = out.split("Snooping tests")[1]
    spa = re.search(r"^spa_consistent\s+(\S+)\s+(\S+)$", tests, re.MULTILINE)
    assert spa is not None and 0 < float(spa.group(2)) <= 1


def test_objects_are_frozen_at_exit_only():
    # the collections of the interpreter's finalization took about 0.5 s after a report;
    # the riskcycle command freezes the objects at exit (not before), and a program that
    # calls main keeps its exit-time collection (the finalizers of its cycles run)
    import subprocess

    host = (
        "import atexit, gc\n"
        "from riskcycle import cli\n"
        "class Host:\n"
        "    def __del__(self): print('finalized', flush=True)\n"
        "h = Host(); h.me = h; del h\n"
        "assert cli.main(['data', 'list']) == 0 and cli.main(['data', 'list']) == 0\n"
    )
    run = dict(capture_output=True, text=True, check=True, timeout=120)
    called = subprocess.run([sys.executable, "-c", host + "gc.disable()\n"], **run)
    assert "finalized" in called.stdout  # main registered nothing: the cycle is collected
    command = (
        host.replace("h = Host(); h.me = h; del h\n", "")
        + "cli._freeze_at_exit()\n"
        + "before = gc.get_freeze_count()\n"
        + "atexit._run_exitfuncs()\n"
        + "print(before, gc.get_freeze_count())\n"
    )
    out = subprocess.run([sys.executable, "-c", command], **run)
    before, after = map(int, out.stdout.split()[-2:])
    assert before == 0 and after > 0
