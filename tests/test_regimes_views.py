"""plot(), summary() and to_frame() of every regimes result, under the installed pandas.

``halving_phase_control(...).plot()`` once wrote into the read-only array that pandas'
copy-on-write ``to_numpy()`` returns ("assignment destination is read-only"); each
result class's ``plot()`` is called here so that such a crash cannot come back.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from riskcycle.regimes import (
    correlation_regimes,
    cross_market_control,
    halving_phase_control,
    icss,
    volatility_ratio_test,
)


def _check_views(res):
    fig = res.plot()
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        if ax.get_visible() and ax.has_data():
            assert ax.get_xlabel() or ax.get_ylabel()
    plt.close(fig)
    assert isinstance(res.to_frame(), pd.DataFrame)
    text = str(res.summary())
    assert len(text) > 0
    return text


def test_halving_phase_control_plot(btc_long):
    # a control with NaN rows (cycle 1's windows are partly before the data) and finite rows
    res = halving_phase_control(btc_long, window="365D", n_resamples=99, rng=0)
    text = _check_views(res)
    assert "Null hypothesis of the p-values" in text
    assert "volatility fell from" in text or "volatility rose from" in text


def test_halving_phase_control_plot_all_nan_rows(btc):
    # every row NaN: 2000-day windows run past the data's end (2026-08) in every cycle
    res = halving_phase_control(btc, window="2000D", n_resamples=99, rng=0)
    assert res.table["ratio"].isna().all()
    _check_views(res)


def test_cross_market_control_plot(btc, rut):
    res = cross_market_control({"btc": btc, "rut": rut}, window="180D", n_resamples=99, rng=0)
    _check_views(res)


def test_ratio_test_icss_correlation_plots(btc, rut):
    r = np.diff(np.log(btc["close"].to_numpy()))
    _check_views(volatility_ratio_test(r[:500], r[500:1000], n_resamples=99, rng=0))
    _check_views(icss(btc.loc["2022":"2024"], periods_per_year=365))
    res = correlation_regimes(
        btc.loc["2021":], {"rut": rut}, breaks="2024-01-10", n_resamples=99, rng=0
    )
    _check_views(res)


def test_messages_name_the_arguments_the_caller_has():
    """A user series without a clock asks for attrs['clock'] (not a missing parameter);
    a break before the first halving names `break_date`."""
    import riskcycle

    btc = riskcycle.datasets.load("btc")
    rut = riskcycle.datasets.load("rut")
    plain = pd.Series(btc["close"].to_numpy(), index=btc.index)  # no attrs
    with pytest.raises(ValueError, match=r"`benchmarks` needs to know when `prices` closes"):
        riskcycle.volatility_regimes(plain, benchmarks={"rut": rut}, periods_per_year=365)
    with pytest.raises(ValueError, match=r"`break_date` \(2012-01-01\) is before the first"):
        riskcycle.regimes.halving_phase_control(
            riskcycle.datasets.load("btc_long"), break_date="2012-01-01"
        )


def test_weekly_bars_are_not_annualised_as_daily():
    """btc.iloc[::7] keeps attrs['periods_per_year'] = 365: refused, with the fix named;
    with periods_per_year=52 the annualised volatility matches the daily data's."""
    import riskcycle

    btc = riskcycle.datasets.load("btc")
    weekly = btc.iloc[::7]
    with pytest.raises(ValueError, match=r"median of 7 days between bars.*periods_per_year=52"):
        riskcycle.volatility_regimes(weekly, n_resamples=99, rng=0)
    with pytest.warns(riskcycle.exceptions.SmallSampleWarning):
        w = riskcycle.volatility_regimes(weekly, periods_per_year=52, n_resamples=99, rng=0)
    d = riskcycle.volatility_regimes(btc, n_resamples=99, rng=0)

    # weekly and daily annualised volatility of the same path agree within 20% (sampling)
    def vols(res):
        f = res.to_frame()
        sel = (f["section"] == "realized") & (f["quantity"] == "volatility")
        return f.loc[sel, "value"].to_numpy()

    ratio = vols(w) / vols(d)
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
