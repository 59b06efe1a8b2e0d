"""riskcycle.backtest: timing, look-ahead, vectorbt arguments, significance and result views."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import riskcycle
from riskcycle.backtesting import BacktestResult, backtest
from riskcycle.calendar import CRYPTO_UTC, US_EQUITY_CLOSE
from riskcycle.exceptions import DegenerateDataWarning, EventsExcludedWarning

COSTS = dict(fees=0.001, slippage=0.001)  # the 10 bp + 10 bp


@pytest.fixture(scope="module")
def events(rut):
    return riskcycle.breakouts(rut, min_gap=250)


@pytest.fixture(scope="module")
def main_result(btc_long, events):
    """The Russell 2000 breakout -> BTC strategy of the issue (250 sessions, 365 days)."""
    with pytest.warns(EventsExcludedWarning, match="5 signal"):
        return backtest(btc_long, events, horizon=365, n_resamples=1999, rng=20260101, **COSTS)


def _signal(rut, dates):
    s = pd.Series(False, index=rut.index)
    s.loc[pd.DatetimeIndex(dates)] = True
    return s


# ---------------------------------------------------------------------------
# bundled data
# ---------------------------------------------------------------------------
def test_bundled_trades(main_result, btc_long):
    res = main_result
    assert isinstance(res, BacktestResult)
    tr = res.trades
    # DESIGN.md: the five events covered by BTC data (with the Coin Metrics back-history)
    assert tr["signal_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2011-04-27",
        "2013-01-02",
        "2016-11-14",
        "2020-11-13",
        "2025-09-18",
    ]
    # Russell closes at 16:00 New York, BTC's bar of the same date closes at 24:00 UTC
    assert (tr["entry_date"] == tr["signal_date"]).all()
    assert tr["exit_reason"].tolist() == ["horizon"] * 4 + ["open"]
    assert (tr["days_held"].iloc[:4] == 365).all()
    close = btc_long["close"]
    # trade returns from the fills: in at close (1 + s) (1 + f), out at close (1 - s) (1 - f)
    gross = close.loc[tr["exit_date"].iloc[:4]].to_numpy() / close.loc[tr["entry_date"].iloc[:4]]
    np.testing.assert_allclose(
        tr["trade_return"].iloc[:4], gross.to_numpy() * (0.999 / 1.001) ** 2 - 1, rtol=1e-12
    )
    # DESIGN.md: BTC one year after 2016-11-14 was "about 9.4x", after 2020-11-13 "about
    # 3.9x" (one decimal, rounded loosely: the data give 3.95); tolerance 0.1 for "about"
    assert gross.iloc[2] == pytest.approx(9.4, abs=0.1)
    assert gross.iloc[3] == pytest.approx(3.9, abs=0.1)
    # all cash is reinvested: the total return compounds the trade returns exactly
    assert 1 + res.total_return == pytest.approx(np.prod(1 + tr["trade_return"]), rel=1e-10)
    # the vectorbt portfolio is the source of the returns
    np.testing.assert_array_equal(res.returns.to_numpy(), res.portfolio.returns().to_numpy())
    assert res.total_return == pytest.approx(float(res.portfolio.total_return()), rel=1e-12)
    # buy-and-hold from the first bar with the same entry costs, never sold
    bh = close.iloc[-1] / close.iloc[0] / 1.001**2 - 1
    assert res.benchmark_total_return == pytest.approx(bh, rel=1e-10)
    assert res.periods_per_year == 365
    sr = res.returns.mean() / res.returns.std(ddof=1) * np.sqrt(365)
    assert res.statistic == pytest.approx(sr, rel=1e-12) and res.sharpe_ratio == res.statistic


def test_bundled_significance(main_result):
    res = main_result
    n = len(res.null_distribution)
    assert n == 1999 and res.bootstrap_distribution.shape == (1999,)
    for p in (res.pvalue, res.total_return_pvalue):
        assert 1 / (n + 1) <= p <= 1
    # p = (1 + #{null >= observed}) / (1 + n), the library's rule, recomputed exactly. The
    # observed statistic inside the library comes from the compiled kernel, equal to
    # vectorbt's to rounding error; no null value lies that close to it (checked), so the
    # count, and hence the p-value, is the same with either.
    nd = res.null_distribution
    for col, obs, p in (
        ("total_return", res.total_return, res.total_return_pvalue),
        ("sharpe_ratio", res.statistic, res.pvalue),
    ):
        null = nd[col].to_numpy()
        null = null[np.isfinite(null)]
        assert not np.isclose(null, obs, rtol=1e-9, atol=0).any()
        assert p == (1 + np.count_nonzero(null >= obs)) / (1 + len(null))
    lo, hi = res.confidence_interval
    assert lo < res.statistic < hi
    assert res.block_length >= 1
    assert 0.0 <= res.probabilistic_sharpe_ratio <= 1.0
    # the null strategies keep the number of trades and their lengths: same exposure
    assert "random admissible follower bars" in res.null_hypothesis


def test_pvalue_monte_carlo_error(main_result, btc, rut):
    res = main_result
    n = 1999
    # binomial standard error of a proportion estimated from n random-entry strategies
    for p, se in (
        (res.pvalue, res.pvalue_se),
        (res.total_return_pvalue, res.total_return_pvalue_se),
    ):
        assert se == pytest.approx(np.sqrt(p * (1 - p) / n), rel=1e-14)
        assert 0 < se < 0.5 / np.sqrt(n) + 1e-15  # p (1 - p) <= 1/4
    assert res.min_attainable_pvalue == pytest.approx(1 / (n + 1), rel=1e-15)
    assert res.pvalue >= res.min_attainable_pvalue
    # without resamples: nothing to report
    none = backtest(
        btc, _signal(rut, ["2016-11-14"]), leader=rut, horizon=365, n_resamples=0, **COSTS
    )
    for v in (none.pvalue_se, none.total_return_pvalue_se, none.min_attainable_pvalue):
        assert np.isnan(v)
    small = backtest(
        btc, _signal(rut, ["2016-11-14"]), leader=rut, horizon=365, n_resamples=9, rng=3, **COSTS
    )
    assert small.min_attainable_pvalue == pytest.approx(0.1, rel=1e-15)
    p = small.pvalue
    assert small.pvalue_se == pytest.approx(np.sqrt(p * (1 - p) / 9), rel=1e-14)


def test_reproducible_rng(btc, rut):
    sig = _signal(rut, ["2016-11-14", "2020-11-13"])
    kw = dict(leader=rut, horizon=365, n_resamples=199, **COSTS)
    a = backtest(btc, sig, rng=5, **kw)
    b = backtest(btc, sig, rng=np.random.default_rng(5), **kw)
    c = backtest(btc, sig, rng=6, **kw)
    pd.testing.assert_frame_equal(a.null_distribution, b.null_distribution)
    np.testing.assert_array_equal(a.bootstrap_distribution, b.bootstrap_distribution)
    assert not a.null_distribution.equals(c.null_distribution)
    assert riskcycle.backtest is riskcycle.backtesting.backtest
    np.testing.assert_array_equal(riskcycle.backtest(btc, sig, rng=5, **kw).returns, a.returns)


# ---------------------------------------------------------------------------
# timing and look-ahead
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "delay", "expected"),
    [
        ("2024-01-12", "0h", "2024-01-12"),  # Fri, EST: known 21:00 UTC, BTC bar closes 24:00
        ("2024-01-12", "4h", "2024-01-13"),  # 01:00 UTC Saturday: the Saturday bar
        # Fri, EDT: known 20:00 UTC + 4h = 24:00 UTC exactly, the close of the Friday bar:
        # not tradable, so the Saturday bar
        ("2024-07-12", "4h", "2024-07-13"),
        ("2024-07-12", "3h59min", "2024-07-12"),
        ("2024-07-12", "5h", "2024-07-13"),
    ],
)
def test_friday_russell_close_enters_btc_after_16_new_york(btc, rut, day, delay, expected):
    res = backtest(
        btc, _signal(rut, [day]), leader=rut, horizon=30, delay=delay, n_resamples=0, **COSTS
    )
    entry = res.trades["entry_date"].iloc[0]
    assert entry == pd.Timestamp(expected)
    known = US_EQUITY_CLOSE.information_times([day])[0] + pd.Timedelta(delay)
    close_time = CRYPTO_UTC.information_times([entry])[0]
    prev_close = CRYPTO_UTC.information_times([entry - pd.Timedelta(days=1)])[0]
    assert prev_close <= known < close_time  # first BTC bar closing after the information
    fill = btc.loc[entry, "close"] * 1.001
    assert res.trades["entry_price"].iloc[0] == pytest.approx(fill, rel=1e-14)
    order = res.portfolio.orders.records_readable.iloc[0]
    assert order["Timestamp"] == entry and order["Price"] == pytest.approx(fill, rel=1e-14)


def test_entries_never_before_information_time(main_result):
    sig = main_result.signals
    ok = sig[sig["status"] == "traded"]
    close_time = CRYPTO_UTC.information_times(pd.DatetimeIndex(ok["entry_date"]))
    assert (close_time > pd.DatetimeIndex(ok["available_time"])).all()
    # and the bar before closed before (or when) the signal was known
    prev = CRYPTO_UTC.information_times(pd.DatetimeIndex(ok["entry_date"]) - pd.Timedelta("1D"))
    assert (prev <= pd.DatetimeIndex(ok["information_time"])).all()


# ---------------------------------------------------------------------------
# equal clocks: the close that produced the signal is not tradable
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def iwm():
    return riskcycle.datasets.load("iwm")


def test_equal_clocks_enter_after_the_signal_close(iwm, rut):
    # Russell 2000 -> IWM, both 16:00 New York: every entry is the next IWM close
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        res = backtest(
            iwm,
            riskcycle.breakouts(rut, min_gap=60),
            leader=rut,
            horizon=30,
            trailing_stop=0.1,
            exit_below="signal_level",
            n_resamples=0,
            **COSTS,
        )
    tr = res.trades
    assert len(tr) >= 5
    assert (tr["entry_date"] > tr["signal_date"]).all()
    pos_sig = iwm.index.get_indexer(tr["signal_date"])
    pos_in = iwm.index.get_indexer(tr["entry_date"])
    np.testing.assert_array_equal(pos_in[pos_sig >= 0], pos_sig[pos_sig >= 0] + 1)
    fill_close = US_EQUITY_CLOSE.information_times(pd.DatetimeIndex(tr["entry_date"]))
    sig = res.signals[res.signals["status"] == "traded"]
    assert (fill_close > pd.DatetimeIndex(sig["available_time"])).all()
    # exits are never at the entry bar, and trailing-stop / leader-below exits come at least
    # one bar after the close that triggered them (checked in the timing tests below)
    closed = tr["exit_date"].notna()
    assert (tr.loc[closed, "exit_date"] > tr.loc[closed, "entry_date"]).all()


@settings(max_examples=25, deadline=None)
@example(days=[249], delay_min=0, same=True)  # a lone signal on the last session
@given(
    # RUT had 250 sessions in 2023: positions 0..249
    days=st.lists(st.integers(0, 249), min_size=1, max_size=6, unique=True),
    delay_min=st.sampled_from([0, 1, 30, 60 * 24, 60 * 24 * 3]),
    same=st.booleans(),
)
def test_fill_close_time_after_available_time_property(rut, days, delay_min, same):
    """On equal or different clocks, every entry fills at a close strictly after the signal
    (plus delay) was known, and the bar before closed no later than that."""
    lead = rut.loc["2023-01-01":"2023-12-31"]
    if same:
        fol = lead.copy()
        fol.attrs = dict(lead.attrs)
        clock = US_EQUITY_CLOSE
    else:
        fol = riskcycle.datasets.read_prices(
            pd.Series(np.linspace(100, 200, 400), index=pd.date_range("2023-01-01", periods=400)),
            clock="utc_midnight",
        )
        clock = CRYPTO_UTC
    dates = lead.index[sorted(days)]
    sig = _signal(lead, dates)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        # a lone signal on the last session has no later bar on an equal clock: no trade
        # (DegenerateDataWarning), and nothing to check
        warnings.simplefilter("ignore", DegenerateDataWarning)
        res = backtest(
            fol,
            sig,
            leader=lead,
            horizon=2,
            delay=pd.Timedelta(minutes=delay_min),
            n_resamples=0,
            fees=0.0,
            slippage=0.0,
        )
    s = res.signals[res.signals["status"] == "traded"]
    fill = clock.information_times(pd.DatetimeIndex(s["entry_date"]))
    avail = pd.DatetimeIndex(s["available_time"])
    assert (fill > avail).all()
    pos = fol.index.get_indexer(pd.DatetimeIndex(s["entry_date"]))
    prev = clock.information_times(fol.index[pos[pos > 0] - 1])
    assert (prev <= avail[pos > 0]).all()


def _perturb(frame, after, rng):
    out = frame.copy()
    mask = out.index > after
    factor = rng.uniform(0.4, 1.6, mask.sum())
    for col in [c for c in ("open", "high", "low", "close") if c in out.columns]:
        out.loc[mask, col] = out.loc[mask, col] * factor
    return out


def _orders_until(res, day):
    rec = res.portfolio.orders.records_readable
    return rec.loc[rec["Timestamp"] <= day, ["Timestamp", "Size", "Price", "Fees", "Side"]]


@pytest.mark.parametrize("cut", ["2013-06-30", "2017-03-01", "2021-01-15", "2025-10-01"])
def test_future_prices_do_not_move_the_past(btc_long, rut, cut):
    """Perturbing any price after d leaves every position and fill up to d unchanged."""
    d = pd.Timestamp(cut)
    rng = np.random.default_rng(d.value // 86_400_000_000_000)
    kw = dict(horizon=365, trailing_stop=0.3, exit_below="prior_record", n_resamples=0, **COSTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        base = backtest(btc_long, riskcycle.breakouts(rut, min_gap=250), leader=rut, **kw)
        rut2 = _perturb(rut, d, rng)
        btc2 = _perturb(btc_long, d, rng)
        moved = backtest(btc2, riskcycle.breakouts(rut2, min_gap=250), leader=rut2, **kw)
    pd.testing.assert_frame_equal(
        _orders_until(base, d).reset_index(drop=True),
        _orders_until(moved, d).reset_index(drop=True),
    )
    v0 = base.portfolio.value().loc[:d]
    v1 = moved.portfolio.value().loc[:d]
    pd.testing.assert_series_equal(v0, v1)
    b0 = base.benchmark_portfolio.value()
    b1 = moved.benchmark_portfolio.value()
    pd.testing.assert_series_equal(b0.loc[:d], b1.loc[:d])
    assert not b0.equals(b1)  # the future did move
    inpos0 = base.to_frame().set_index("date").loc[:d, "in_position"]
    inpos1 = moved.to_frame().set_index("date").loc[:d, "in_position"]
    pd.testing.assert_series_equal(inpos0, inpos1)


@settings(max_examples=6, deadline=None)
@given(day=st.integers(0, 4000), seed=st.integers(0, 2**32 - 1))
def test_future_follower_prices_do_not_move_the_past_property(btc, rut, day, seed):
    """Property form of the look-ahead check: any cut date, any perturbation of the future."""
    d = btc.index[day]
    sig = _signal(
        rut, ["2015-06-01", "2016-11-14", "2018-03-01", "2020-11-13", "2023-01-03", "2025-09-18"]
    )
    kw = dict(leader=rut, horizon=300, trailing_stop=0.25, delay="2h", n_resamples=0, **COSTS)
    base = backtest(btc, sig, **kw)
    moved = backtest(_perturb(btc, d, np.random.default_rng(seed)), sig, **kw)
    pd.testing.assert_frame_equal(
        _orders_until(base, d).reset_index(drop=True),
        _orders_until(moved, d).reset_index(drop=True),
    )
    pd.testing.assert_series_equal(base.returns.loc[:d], moved.returns.loc[:d])


def test_trailing_stop_timing():
    idx = pd.date_range("2024-01-01", periods=12, freq="D")
    close = pd.Series([100, 110, 120, 115, 100, 95, 97, 130, 131, 132, 133, 134.0], index=idx)
    btc = riskcycle.datasets.read_prices(close, clock="utc_midnight")
    lead_idx = pd.bdate_range("2023-12-29", periods=10)
    sig = pd.Series(False, index=lead_idx)
    sig.iloc[1] = True  # Monday 2024-01-01 16:00 New York -> BTC bar of 2024-01-01
    res = backtest(
        btc,
        sig,
        leader_clock="us_equity_close",
        horizon=None,
        trailing_stop=0.15,
        n_resamples=0,
        fees=0.0,
        slippage=0.0,
    )
    tr = res.trades.iloc[0]
    # high-water close 120 (01-03); 100 <= 0.85 * 120 = 102 on 01-05 triggers the stop; that
    # close is not tradable any more, so the exit fills at the next close (95 on 01-06)
    assert tr["entry_date"] == pd.Timestamp("2024-01-01")
    assert tr["exit_date"] == pd.Timestamp("2024-01-06") and tr["exit_reason"] == "trailing_stop"
    assert tr["trade_return"] == pytest.approx(-0.05, rel=1e-12)
    # with a delay the exit waits for the first close strictly after the trigger + delay
    res = backtest(
        btc,
        sig,
        leader_clock="us_equity_close",
        horizon=None,
        trailing_stop=0.15,
        delay="1h",
        n_resamples=0,
        fees=0.0,
        slippage=0.0,
    )
    assert res.trades["entry_date"].iloc[0] == pd.Timestamp("2024-01-01")
    assert res.trades["exit_date"].iloc[0] == pd.Timestamp("2024-01-06")
    # no rule fires: the position stays open to the end
    res = backtest(btc, sig, leader_clock="us_equity_close", horizon=None, n_resamples=0, **COSTS)
    assert res.trades["exit_reason"].iloc[0] == "open" and pd.isna(res.trades["exit_date"].iloc[0])
    assert res.exposure == pytest.approx(1.0)


def test_leader_below_exit_waits_for_information_time():
    lead_idx = pd.bdate_range("2024-01-01", periods=12)  # Mon 01-01 .. Tue 01-16
    lead = pd.Series([10, 11, 12, 11.5, 13, 12, 11, 10, 9, 14, 15, 16.0], index=lead_idx)
    leader = riskcycle.datasets.read_prices(lead, clock="us_equity_close", name="lead")
    fol = riskcycle.datasets.read_prices(
        pd.Series(np.linspace(100, 130, 20), index=pd.date_range("2024-01-01", periods=20)),
        clock="utc_midnight",
        name="fol",
    )
    ev = riskcycle.events.Events.from_dates(
        ["2024-01-05"], clock="us_equity_close", prices=leader
    )  # 13 > prior record 12
    res = backtest(
        fol,
        ev,
        leader=leader,
        horizon=None,
        exit_below="prior_record",
        n_resamples=0,
        fees=0.0,
        slippage=0.0,
    )
    tr = res.trades.iloc[0]
    # first leader close below 12 after Fri 01-05: Tue 01-09 (11), known 16:00 New York
    # = 21:00 UTC; the first follower bar closing after that is the bar of 01-09
    assert tr["entry_date"] == pd.Timestamp("2024-01-05")
    assert tr["exit_date"] == pd.Timestamp("2024-01-09") and tr["exit_reason"] == "leader_below"
    res = backtest(
        fol,
        ev,
        leader=leader,
        horizon=None,
        exit_below=10.5,
        delay="6h",
        n_resamples=0,
        fees=0.0,
        slippage=0.0,
    )
    # 10 on Wed 01-10 (known 21:00 UTC) + 6h = 03:00 UTC Thursday -> bar of 01-11
    assert res.trades["exit_date"].iloc[0] == pd.Timestamp("2024-01-11")
    res = backtest(
        fol,
        ev,
        leader=leader,
        horizon=2,
        exit_below="signal_level",
        n_resamples=0,
        fees=0.0,
        slippage=0.0,
    )
    # the holding period (2 days) comes first
    assert res.trades["exit_reason"].iloc[0] == "horizon"
    assert res.trades["exit_date"].iloc[0] == pd.Timestamp("2024-01-07")


def test_signals_in_position_are_skipped(btc, rut):
    sig = _signal(rut, ["2017-01-03", "2017-03-01", "2018-06-01"])
    res = backtest(btc, sig, leader=rut, horizon=365, n_resamples=0, **COSTS)
    assert res.signals["status"].tolist() == ["traded", "in_position", "traded"]
    assert len(res.trades) == 2
    # a signal that maps to the exit bar itself is also skipped (no same-bar exit and entry)
    first = res.trades.iloc[0]
    same = _signal(rut, [first["signal_date"], first["exit_date"]])
    res2 = backtest(btc, same, leader=rut, horizon=365, n_resamples=0, **COSTS)
    assert res2.signals["status"].tolist() == ["traded", "in_position"]


# ---------------------------------------------------------------------------
# vectorbt arguments
# ---------------------------------------------------------------------------
def test_vectorbt_global_settings_are_ignored(btc, rut):
    import vectorbt as vbt

    sig = _signal(rut, ["2016-11-14", "2020-11-13"])
    kw = dict(leader=rut, horizon=365, n_resamples=0, **COSTS)
    before = backtest(btc, sig, **kw)
    saved = {
        k: vbt.settings.portfolio[k]
        for k in (
            "fees",
            "slippage",
            "init_cash",
            "size",
            "size_type",
            "min_size",
            "signal_direction",
            "accumulate",
            "call_seq",
            "freq",
            "upon_long_conflict",
            "val_price",
            "fillna_close",
        )
    }
    saved_year = vbt.settings.returns["year_freq"]
    try:
        vbt.settings.portfolio.update(
            dict(
                fees=0.05,
                slippage=0.02,
                init_cash=1.0,
                size=0.5,
                size_type="percent",
                min_size=1.0,
                signal_direction="both",
                accumulate=True,
                call_seq="reversed",
                freq="7D",
                upon_long_conflict="entry",
                val_price=-np.inf,
                fillna_close=False,
            )
        )
        vbt.settings.returns["year_freq"] = "100 days"
        after = backtest(btc, sig, **kw)
        stats = after.portfolio_stats(metrics=["total_return", "sharpe_ratio"])
    finally:
        vbt.settings.portfolio.update(saved)
        vbt.settings.returns["year_freq"] = saved_year
    np.testing.assert_array_equal(before.returns.to_numpy(), after.returns.to_numpy())
    pd.testing.assert_frame_equal(before.trades, after.trades)
    # portfolio_stats annualises with the follower's clock, not vectorbt's global year
    assert stats["Sharpe Ratio"] == pytest.approx(after.statistic, rel=1e-10)
    assert after.settings["vectorbt"]["freq"] == "1D"
    assert after.settings["vectorbt"]["size"] == np.inf


# ---------------------------------------------------------------------------
# warnings, degenerate cases, invariants
# ---------------------------------------------------------------------------
def test_no_trade_gives_nan_and_warning(btc, rut):
    sig = pd.Series(False, index=rut.index)
    with pytest.warns(DegenerateDataWarning, match="no trade"):
        res = backtest(btc, sig, leader=rut, n_resamples=99, **COSTS)
    assert np.isnan(res.pvalue) and np.isnan(res.statistic) and res.total_return == 0.0
    assert np.isnan(res.confidence_interval.low)


def test_excluded_signals_warn(btc, events):
    with pytest.warns(EventsExcludedWarning, match=r"7 signal\(s\) fall outside .*1989-06-02"):
        res = backtest(btc, events, n_resamples=0, **COSTS)
    assert (res.signals["status"] == "before_start").sum() == 7


def test_price_scale_does_not_change_returns(btc, rut):
    sig = _signal(rut, ["2016-11-14", "2020-11-13"])
    kw = dict(leader=rut, horizon=200, trailing_stop=0.25, n_resamples=99, rng=3, **COSTS)
    a = backtest(btc, sig, **kw)
    b = backtest(btc * 37.5, sig, **kw)
    np.testing.assert_allclose(a.returns, b.returns, rtol=0, atol=1e-12)
    assert a.pvalue == b.pvalue and a.total_return_pvalue == b.total_return_pvalue
    c = backtest(btc, sig, init_cash=1e6, **{k: v for k, v in kw.items()})
    np.testing.assert_allclose(a.returns, c.returns, rtol=0, atol=1e-12)


def test_caller_objects_untouched(btc, rut, events):
    b0, r0 = btc.copy(), rut.copy()
    backtest(btc, _signal(rut, ["2016-11-14"]), leader=rut, n_resamples=9, rng=0, **COSTS)
    pd.testing.assert_frame_equal(btc, b0)
    pd.testing.assert_frame_equal(rut, r0)


def test_halving_phase_matching(btc_long, events):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EventsExcludedWarning)
        res = backtest(
            btc_long,
            events,
            horizon=365,
            n_resamples=499,
            match_halving_phase=True,
            phase_window=0.1,
            rng=2,
            **COSTS,
        )
    assert "same halving-cycle phase" in res.null_hypothesis
    assert 0 < res.pvalue <= 1 and res.settings["match_halving_phase"] is True
    with pytest.raises(ValueError, match="`phase_window` must be a fraction of the halving cycle"):
        backtest(btc_long, events, match_halving_phase=True, phase_window=0.7)
    spx = riskcycle.datasets.load("spx")
    with pytest.raises(ValueError, match="`match_halving_phase` needs follower dates from the"):
        backtest(spx, events, match_halving_phase=True)


# ---------------------------------------------------------------------------
# result views
# ---------------------------------------------------------------------------
def test_result_views(main_result):
    res = main_result
    df = res.to_frame()
    assert list(df.columns) == [
        "date",
        "strategy_return",
        "benchmark_return",
        "strategy_value",
        "benchmark_value",
        "strategy_drawdown",
        "benchmark_drawdown",
        "in_position",
    ]
    assert df["in_position"].mean() == pytest.approx(res.exposure)
    assert df["strategy_drawdown"].min() == pytest.approx(res.max_drawdown)
    assert df["strategy_value"].iloc[-1] == pytest.approx(1 + res.total_return, rel=1e-10)
    assert res.to_frame("trades").equals(res.trades)
    assert res.to_frame("signals").shape == (10, 5)
    assert list(res.to_frame("null").columns) == ["total_return", "sharpe_ratio"]
    sig = res.to_frame("significance")
    assert list(sig.columns) == [
        "statistic",
        "observed",
        "pvalue",
        "pvalue_se",
        "min_attainable_pvalue",
        "n_resamples",
    ]
    assert sig["statistic"].tolist() == ["total_return", "sharpe_ratio"]
    assert sig["pvalue"].tolist() == [res.total_return_pvalue, res.pvalue]
    assert sig["pvalue_se"].tolist() == [res.total_return_pvalue_se, res.pvalue_se]
    assert (sig["min_attainable_pvalue"] == res.min_attainable_pvalue).all()
    assert (sig["n_resamples"] == 1999).all()
    text = str(res.summary())
    assert "random_entry_p_sharpe" in text and "2016-11-14" in text
    for name in (
        "random_entry_p_sharpe_se",
        "random_entry_p_total_return_se",
        "min_attainable_pvalue",
        "Monte Carlo standard error",
    ):
        assert name in text
    assert "<table" in res._repr_html_()
    assert res.summary().as_latex().startswith(r"\begin{table}")
    assert repr(res).startswith("BacktestResult(rut -> btc_long, trades=5")
    assert res.versions["vectorbt"] != "not installed"
    with pytest.raises(ValueError, match=r"`kind` must be one of \['returns', 'trades'"):
        res.to_frame("orders")


def test_plot(main_result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = main_result.plot()
    ax = fig.axes
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(ax) == 2 and ax[0].get_yscale() == "log"
    with pytest.raises(ValueError, match="`ax` must be two Axes"):
        main_result.plot(ax=ax[:1])
    plt.close("all")


# ---------------------------------------------------------------------------
# input validation: every message
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            dict(horizon=0),
            ValueError,
            "`horizon` must be a positive integer number of calendar days",
        ),
        (
            dict(horizon=1.5),
            TypeError,
            "`horizon` must be a positive integer number of calendar days",
        ),
        (dict(trailing_stop=1.0), ValueError, "`trailing_stop` must be a fraction in \\(0, 1\\)"),
        (dict(exit_below="record"), ValueError, "`exit_below` must be one of"),
        (dict(exit_below=-1.0), ValueError, "`exit_below` must be a positive leader level"),
        (dict(exit_below="prior_record"), ValueError, "`exit_below` needs the leader's prices"),
        (dict(delay="-1h"), ValueError, "`delay` must be a non-negative timedelta"),
        (dict(delay=3), TypeError, "`delay` must be a timedelta"),
        (dict(fees=1.0), ValueError, "`fees` must be a fraction of traded value"),
        (dict(slippage=-0.1), ValueError, "`slippage` must be a fraction of the price"),
        (dict(init_cash=0.0), ValueError, "`init_cash` must be a positive amount"),
        (dict(periods_per_year=0), ValueError, "`periods_per_year` must be a positive integer"),
        (dict(n_resamples=-1), ValueError, "`n_resamples` must be a positive integer"),
        (dict(match_halving_phase=1), TypeError, "`match_halving_phase` must be True or False"),
        (dict(confidence_level=1.5), ValueError, "`confidence_level` must be a probability"),
        (dict(rng="x"), TypeError, "`rng` must be None, an int"),
        (dict(follower_clock="nyse"), ValueError, "`follower_clock` must be a SessionClock or"),
    ],
)
def test_validation(btc, events, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        backtest(btc, events, **kwargs)


def test_validation_of_the_signal(btc, rut):
    with pytest.raises(TypeError, match="`events_or_signal` must be riskcycle Events"):
        backtest(btc, ["2016-11-14"])
    with pytest.raises(TypeError, match="`events_or_signal` as a Series must be boolean"):
        backtest(btc, rut["close"], leader=rut)
    with pytest.raises(TypeError, match="as a Series must have a DatetimeIndex"):
        backtest(btc, pd.Series([True, False]))
    unsorted = pd.Series([True, False], index=pd.DatetimeIndex(["2020-01-02", "2020-01-01"]))
    with pytest.raises(ValueError, match="`events_or_signal` dates must be sorted ascending"):
        backtest(btc, unsorted, leader_clock="us_equity_close")
    with pytest.raises(ValueError, match="`leader_clock` is required"):
        backtest(btc, pd.Series(True, index=pd.DatetimeIndex(["2020-01-02"])))
    with pytest.raises(TypeError, match="`follower` must be a pandas Series or DataFrame"):
        backtest([1.0, 2.0], _signal(rut, ["2016-11-14"]), leader=rut)
    other = riskcycle.datasets.load("spx")
    ev = riskcycle.events.Events.from_dates(["2016-11-14"], clock="us_equity_close", prices=other)
    short = rut.loc["2017-01-01":]
    with pytest.raises(ValueError, match="`leader` has no bar on the signal date 2016-11-14"):
        backtest(btc, ev, leader=short, exit_below="prior_record")


def test_tear_sheet_measures_by_hand(main_result):
    """CAGR, volatility, Sortino, Calmar, drawdown and its length, win rate, recomputed
    from the daily returns and trades with plain numpy."""
    res = main_result
    t = res.tear_sheet()
    assert list(t.columns) == ["strategy", "buy_and_hold", "random_entry_median"]
    r = res.returns.to_numpy(dtype=float)
    dates = res.returns.index
    value = np.cumprod(1 + r)
    years = (dates[-1] - dates[0]).days / 365.25
    cagr = value[-1] ** (1 / years) - 1
    np.testing.assert_allclose(t.loc["cagr", "strategy"], cagr, rtol=1e-12)
    np.testing.assert_allclose(
        t.loc["volatility", "strategy"], r.std(ddof=1) * np.sqrt(365), rtol=1e-12
    )
    down = np.sqrt(np.mean(np.minimum(r, 0) ** 2))
    np.testing.assert_allclose(
        t.loc["sortino_ratio", "strategy"], r.mean() / down * np.sqrt(365), rtol=1e-12
    )
    peak = np.maximum.accumulate(np.maximum(value, 1.0))
    mdd = -(value / peak - 1).min()
    np.testing.assert_allclose(t.loc["max_drawdown", "strategy"], mdd, rtol=1e-12)
    np.testing.assert_allclose(t.loc["calmar_ratio", "strategy"], cagr / mdd, rtol=1e-12)
    # the longest spell under water, peak to recovery, by brute force over all spells
    under = value / peak - 1 < 0
    longest, i = 0, 0
    while i < len(under):
        if under[i]:
            j = i
            while j + 1 < len(under) and under[j + 1]:
                j += 1
            end = j + 1 if j + 1 < len(under) else j
            longest = max(longest, (dates[end] - dates[max(i - 1, 0)]).days)
            i = j + 1
        else:
            i += 1
    assert t.loc["max_drawdown_days", "strategy"] == longest
    wins = (res.trades["trade_return"] > 0).mean()
    assert t.loc["win_rate", "strategy"] == wins
    assert t.loc["n_trades", "strategy"] == res.n_trades
    assert t.loc["sharpe_ratio", "strategy"] == res.statistic
    assert t.loc["sharpe_ratio", "random_entry_median"] == np.median(
        res.null_distribution["sharpe_ratio"]
    )
    assert t.loc["exposure", "buy_and_hold"] == 1.0
