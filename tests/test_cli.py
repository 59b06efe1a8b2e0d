"""The riskcycle command line."""

from __future__ import annotations

import json

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
