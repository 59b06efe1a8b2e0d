"""riskcycle.base_rate and riskcycle.power_analysis."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import integrate, stats

import riskcycle
from riskcycle.exceptions import EventsExcludedWarning, IncompleteWindowWarning
from riskcycle.inference import BaseRateResult, PowerResult, base_rate, power_analysis

matplotlib.use("Agg")
KW = {"leader_clock": "utc_midnight"}


def prices(x, start="2015-01-01", name="synthetic"):
    s = pd.Series(
        100 * np.exp(np.concatenate([[0.0], np.cumsum(x)])),
        index=pd.date_range(start, periods=len(x) + 1, freq="D"),
    )
    s.attrs = {"clock": "utc_midnight", "name": name}
    return s


# ---------------------------------------------------------------------------
# base rate
# ---------------------------------------------------------------------------
def test_base_rate_binomial_posterior_and_bayes_factors_by_hand():
    rng = np.random.default_rng(0)
    f = prices(rng.standard_normal(1500) * 0.02 + 0.001)
    lc = np.log(f.to_numpy())
    h, thr = 120, 0.05
    pos = [10, 400, 800, 1200]
    r = base_rate(
        f,
        list(f.index[pos]),
        horizon=h,
        threshold=thr,
        prior=(0.5, 0.5),
        n_resamples=999,
        rng=0,
        **KW,
    )
    fwd = lc[h:] - lc[:-h]
    b = np.mean(fwd > np.log1p(thr))
    assert_allclose(r.base_rate, b)
    k = int(sum(lc[p + h] - lc[p] > np.log1p(thr) for p in pos))
    assert r.hits == k and r.n_events == 4
    assert_allclose(r.pvalue, stats.binom.sf(k - 1, 4, b))
    assert_allclose(r.min_attainable_pvalue, b**4)
    assert_allclose(
        r.pvalue_bootstrap, np.mean(stats.binom.sf(k - 1, 4, r.bootstrap_distribution))
    )
    assert r.posterior == (0.5 + k, 0.5 + 4 - k)
    # Bayes factors by numerical integration (quad; agreement to 1e-6 relative)
    prior = stats.beta(0.5, 0.5)

    def like(t):
        return t**k * (1 - t) ** (4 - k)

    m_plus = integrate.quad(lambda t: like(t) * prior.pdf(t), b, 1)[0] / prior.sf(b)
    m_all = integrate.quad(lambda t: like(t) * prior.pdf(t), 0, 1)[0]
    assert_allclose(r.bayes_factor, m_plus / like(b), rtol=1e-6)
    assert_allclose(r.bayes_factor_two_sided, m_all / like(b), rtol=1e-6)
    assert_allclose(r.prob_better, stats.beta(0.5 + k, 4.5 - k).sf(b))


def test_block_bootstrap_error_exceeds_naive_error():
    """Overlapping 365-day windows: daily hit indicators are strongly dependent."""
    btc = riskcycle.datasets.load("btc", end="2026-01-22")
    r = base_rate(btc, horizon=365, n_resamples=999, rng=1)
    assert r.block_length > 30
    assert r.bootstrap_standard_error > 3 * r.iid_standard_error
    lo, hi = r.confidence_interval
    assert lo < r.base_rate < hi
    assert np.isnan(r.pvalue) and r.n_events == 0


def test_base_rate_btc_long_four_for_four(rut, btc_long):
    ev = riskcycle.breakouts(rut, min_gap=250)
    b = btc_long.loc[:"2026-01-22"]
    with pytest.warns(EventsExcludedWarning), pytest.warns(IncompleteWindowWarning):
        r = base_rate(b, ev, horizon=365, n_resamples=999, rng=3)
    assert (r.hits, r.n_events) == (4, 4)
    assert_allclose(r.pvalue, r.base_rate**4)  # a perfect record: p = b^n
    assert r.pvalue > 0.05  # four out of four cannot be significant at this base rate


def test_threshold_and_date_range():
    f = prices(np.random.default_rng(2).standard_normal(1000) * 0.02)
    r0 = base_rate(f, horizon=60, n_resamples=99, rng=0)
    r1 = base_rate(f, horizon=60, threshold=0.2, n_resamples=99, rng=0)
    r2 = base_rate(f, horizon=60, date_range=("2016-01-01", None), n_resamples=99, rng=0)
    assert r1.base_rate < r0.base_rate
    assert r2.n_eligible == int((f.index >= "2016-01-01").sum()) - 60


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"threshold": -1.0}, ValueError, "`threshold` must be a simple-return threshold"),
        ({"prior": (1.0,)}, TypeError, "`prior` must be a pair"),
        ({"prior": (0.0, 1.0)}, ValueError, "`prior\\[0\\]` must be a positive Beta parameter"),
        ({"n_resamples": 1}, ValueError, "`n_resamples` must be a positive integer"),
        ({"block_scheme": "moving"}, ValueError, "`block_scheme` must be one of"),
        ({"block_length": 0}, ValueError, "`block_length` must be a block length"),
        ({"confidence_level": 0}, ValueError, "`confidence_level` must be a probability"),
    ],
)
def test_base_rate_invalid_arguments(kwargs, exc, match):
    f = prices(np.random.default_rng(0).standard_normal(300) * 0.01)
    with pytest.raises(exc, match=match):
        base_rate(f, **{"horizon": 30, **kwargs})


def test_base_rate_views():
    f = prices(np.random.default_rng(3).standard_normal(600) * 0.02)
    r = base_rate(f, list(f.index[[10, 300]]), horizon=60, n_resamples=199, rng=0, **KW)
    assert isinstance(r, BaseRateResult)
    df = r.to_frame()
    assert df.loc[0, "pvalue"] == r.pvalue and "bayes_factor_two_sided" in df
    text = str(r.summary())
    assert "Null hypothesis" in text and "a perfect record of 2" in text
    assert repr(r).startswith("BaseRateResult(base_rate=")
    assert r.plot().axes[0].get_xlabel() == "hit rate"


# ---------------------------------------------------------------------------
# power
# ---------------------------------------------------------------------------
def iid_prices(n=2000, seed=0, vol=0.02):
    return prices(np.random.default_rng(seed).standard_normal(n) * vol)


@pytest.mark.slow
def test_power_is_alpha_at_zero_effect_and_matches_normal_theory():
    """i.i.d. normal returns: at zero effect the rejection rate is alpha (binomial test); at
    an effect delta the placebo test's power is close to the one-sided z-test's,
    Phi(delta sqrt(n) / sigma_h - z_alpha), sigma_h = vol * sqrt(h)."""
    f = iid_prices(3000)
    h, n = 30, 4
    sigma_h = 0.02 * math.sqrt(h)
    res = power_analysis(
        f,
        horizon=h,
        effect=0.0,
        n_events=[n],
        min_spacing=60,
        n_simulations=1000,
        n_resamples=99,
        block_length=1,
        rng=0,
    )
    rej = round(res.table.loc[0, "power"] * 1000)
    assert stats.binomtest(rej, 1000, 0.05).pvalue > 0.01
    k = np.searchsorted(res.effects, 1.5 * sigma_h / math.sqrt(n) * 1.0)
    delta = res.effects[k]
    z = stats.norm.cdf(delta * math.sqrt(n) / sigma_h - stats.norm.ppf(0.95))
    # 99 placebo sets cost a little power against the z-test; MC error 0.016
    assert res.power_curves[0, k] == pytest.approx(z, abs=0.08)


def test_power_curve_monotone_and_mde(btc):
    b = btc.loc[:"2026-01-22"]
    ev = riskcycle.breakouts(riskcycle.datasets.load("rut"), min_gap=250).between(
        "2014-01-01", "2021-01-01"
    )
    res = power_analysis(
        b,
        ev,
        horizon=365,
        n_events=[2, 5],
        scheme="block",
        n_simulations=60,
        n_resamples=39,
        rng=0,
    )
    assert res.n_observed == 2
    assert res.effect_source.startswith("observed") and res.post_hoc
    curve = res.power_curves[0]
    assert curve[0] <= 0.2 and curve[-1] == 1.0  # size near alpha; six s.d. always found
    assert np.all(np.diff(curve) >= -0.05)  # common random numbers: monotone up to noise
    mde = res.mde_observed
    j = np.searchsorted(res.effects, mde)
    assert curve[j - 1] < 0.8 <= curve[j]
    # more events, smaller detectable effect
    assert res.table.set_index("n_events").loc[5, "mde"] < mde
    # the limits of two events
    assert res.min_attainable["sign_test"] == 0.25
    assert res.min_attainable["simulated_placebo"] == 1 / 40
    assert 0 < res.min_attainable["placebo_exact"] < 1e-6
    assert np.isfinite(res.events_needed) and res.events_needed >= 1
    t = res.table.set_index("n_events")
    assert t.loc[int(res.events_needed), "power"] >= 0.8
    if res.events_needed - 1 in t.index:
        assert t.loc[int(res.events_needed) - 1, "power"] < 0.8
    assert_allclose(res.years_needed, res.events_needed * len(b) / 2 / 365.25)


def test_power_needs_effect_without_events_and_reports_unreachable():
    f = iid_prices(800)
    with pytest.raises(ValueError, match="`effect` is required when no `events`"):
        power_analysis(f, horizon=30)
    res = power_analysis(
        f, horizon=30, effect=-0.1, n_events=[1, 2], n_simulations=20, n_resamples=19, rng=0
    )
    assert np.isnan(res.events_needed)
    assert any("not positive" in n for n in res.notes)
    tiny = power_analysis(
        f, horizon=30, effect=1e-4, n_events=[1, 2], n_simulations=20, n_resamples=19, rng=0
    )
    assert np.isnan(tiny.events_needed)
    assert any("stays below" in n for n in tiny.notes)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_resamples": 10}, ValueError, "`n_resamples` \\(10\\) is too small"),
        ({"n_events": [0, 3]}, ValueError, "`n_events` must be a number of events"),
        ({"n_events": "5"}, TypeError, "`n_events` must be a sequence of positive integers"),
        ({"n_events": [60]}, ValueError, "`n_events` must be a number of events between 1 and 50"),
        ({"alpha": 1.5}, ValueError, "`alpha` must be a significance level"),
        ({"target_power": 1}, ValueError, "`target_power` must be a probability"),
        ({"n_simulations": 5}, ValueError, "`n_simulations` must be a positive integer >= 10"),
        ({"block_scheme": "iid"}, ValueError, "`block_scheme` must be one of"),
        ({"effect": "big"}, TypeError, "`effect` must be an effect in log-return units"),
        ({"scheme": "bootstrap"}, ValueError, "`scheme` must be one of"),
        ({"n_jobs": 0}, ValueError, r"`n_jobs` must be a positive number of threads, -1 or None"),
        ({"n_jobs": 2.0}, TypeError, r"`n_jobs` must be .*\(float\)"),
    ],
)
def test_power_invalid_arguments(kwargs, exc, match):
    f = iid_prices(500)
    with pytest.raises(exc, match=match):
        power_analysis(f, **{"horizon": 30, "effect": 0.1, **kwargs})


def test_power_views_and_reproducibility():
    f = iid_prices(900, seed=4)
    kw = dict(horizon=30, effect=0.1, n_events=[1, 3], n_simulations=20, n_resamples=19)
    a = power_analysis(f, rng=5, **kw)
    b = power_analysis(f, rng=5, **kw)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert isinstance(a, PowerResult)
    assert list(a.to_frame().columns) == [
        "n_events",
        "n_bars",
        "power",
        "power_se",
        "mde",
        "mde_se",
        "effect",
        "post_hoc",
        "events_needed",
        "events_needed_se",
        "events_needed_low",
        "events_needed_high",
        "scheme",
    ]
    assert not a.post_hoc and "post_hoc" not in str(a.summary())
    text = str(a.summary())
    assert "Power by number of events" in text and "Resampling" in text
    assert repr(a).startswith("PowerResult(")
    assert a.plot().axes[0].get_ylabel() == "power"


# ---------------------------------------------------------------------------
# power on the real path (btc_long: the part before 2014-09-17 is Coin Metrics data,
# CC BY-NC 4.0)
# ---------------------------------------------------------------------------
def test_real_path_batch_matches_brute_force():
    """The linear-in-effect statistics equal a brute-force recomputation: add delta/L to each
    daily return in every pseudo-event window of the real path, recompute forward returns."""
    from riskcycle.inference import _common as C
    from riskcycle.inference._power import real_path_batch, spaced_design

    rng = np.random.default_rng(1)
    f = prices(rng.standard_normal(400) * 0.02)
    fd = C.follower_data(f)
    win = C.windows(fd, 30)
    e_pos, _nxt, n_max = spaced_design(fd, win, 20)
    # the greedy chain is a largest set: 371 eligible days, 20 days apart -> 19 events
    assert n_max == len(range(0, len(e_pos), 20)) == 19
    e_end = win.end[e_pos].astype(np.int64)
    ev = np.array([[3, 40, 90], [10, 31, 200]])
    pl = rng.integers(0, len(e_pos), size=(2, 5, 3))
    t0, w0, ts, ws = real_path_batch(fd.log_close, e_pos, e_end, win.fwd[e_pos], ev, pl)
    delta = 0.37
    for r in range(2):
        ret = np.diff(fd.log_close).copy()  # ret[t - 1]: return into bar t
        for i in ev[r]:
            s, e = e_pos[i], e_end[i]
            ret[s:e] += delta / (e - s)  # bars s+1..e
        lc = np.concatenate([[fd.log_close[0]], fd.log_close[0] + np.cumsum(ret)])
        fw = lc[e_end] - lc[e_pos]
        assert_allclose(t0[r] + delta * w0[r], fw[ev[r]].mean(), rtol=1e-12)
        assert_allclose(ts[r] + delta * ws[r], fw[pl[r]].mean(axis=1), rtol=1e-12)
    # set 0 (days 3, 40, 90): windows of 30 days do not overlap, each carries delta once;
    # set 1 (10, 31, 200): the windows from 10 and 31 share 9 days, so w > 1
    assert_allclose(w0[0], 1.0, rtol=1e-12)
    assert w0[1] > 1.0


def test_real_path_size_at_zero_effect_is_alpha(btc_long):
    """At zero effect the pseudo-events are drawn as the placebo sets are: an exact
    randomisation test, rejecting with probability floor(alpha (B + 1)) / (B + 1) = 0.05."""
    b = btc_long.loc[:"2026-01-22"]
    res = power_analysis(
        b,
        horizon=365,
        effect=0.0,
        n_events=[4],
        min_spacing=362,
        n_simulations=600,
        n_resamples=99,
        rng=3,
    )
    assert res.scheme == "real_path" and res.max_events_history == 15
    rej = round(res.power_curves[0, 0] * 600)
    assert stats.binomtest(rej, 600, 0.05).pvalue > 0.01
    assert res.sd_forward_simulated == res.sd_forward_observed
    # Monte Carlo error of every power value: sqrt(p (1 - p) / R)
    p = res.table["power"].to_numpy()
    assert_allclose(res.table["power_se"], np.sqrt(p * (1 - p) / 600), rtol=1e-12)
    assert_allclose(res.power_curves_se, np.sqrt(res.power_curves * (1 - res.power_curves) / 600))


def test_real_path_history_bounds_the_number_of_events(btc):
    b = btc.loc[:"2026-01-22"]
    res = power_analysis(
        b,
        horizon=365,
        effect=0.5,
        n_events=[2, 12],
        min_spacing=362,
        n_simulations=20,
        n_resamples=19,
        rng=0,
    )
    t = res.table.set_index("n_events")
    # 2014-09-17 .. 2025-01-22 eligible, 362 days apart: 11 events at most
    assert res.max_events_history == 11
    assert np.isfinite(t.loc[2, "power"]) and np.isnan(t.loc[12, "power"])
    assert any("holds at most 11 events 362 days apart" in n for n in res.notes)
    # no events needed measured: no Monte Carlo error for them either
    assert np.isnan(res.events_needed) and np.isnan(res.events_needed_se)
    assert np.isnan(res.events_needed_interval).all()


def test_post_hoc_power_is_labelled_with_its_reference(btc_long, rut):
    ev = riskcycle.breakouts(rut.loc[:"2026-01-22"], min_gap=250)
    with pytest.warns(EventsExcludedWarning), pytest.warns(IncompleteWindowWarning):
        res = power_analysis(
            btc_long.loc[:"2026-01-22"],
            ev,
            horizon=365,
            n_events=[4],
            n_simulations=40,
            n_resamples=39,
            rng=0,
        )
    assert res.post_hoc and res.n_observed == 4
    text = str(res.summary())
    assert "post_hoc_power_observed" in text and "10.1198/000313001300339897" in text
    assert res.power_observed_se == pytest.approx(
        math.sqrt(res.power_observed * (1 - res.power_observed) / 40)
    )
    assert np.isfinite(res.mde_observed_se) and res.mde_observed_se > 0


def test_events_needed_has_a_monte_carlo_error():
    """i.i.d. returns, block scheme: the events needed come with a bootstrap error and an
    interval that contains them; the to_frame columns carry them on every row."""
    f = iid_prices(1500, seed=2)
    res = power_analysis(
        f,
        horizon=30,
        effect=0.12,
        n_events=[1, 2, 3, 4, 5, 6, 8],
        min_spacing=40,
        scheme="block",
        block_length=1,
        n_simulations=80,
        n_resamples=39,
        rng=1,
    )
    assert np.isfinite(res.events_needed)
    lo, hi = res.events_needed_interval
    assert lo <= res.events_needed <= hi or np.isnan(hi)
    assert res.events_needed_se >= 0
    df = res.to_frame()
    assert (df["events_needed"] == res.events_needed).all()
    assert (df["events_needed_se"] == res.events_needed_se).all()
    assert "events_needed_se" in str(res.summary())


@pytest.mark.slow
def test_mde_monte_carlo_error_matches_the_spread_over_seeds():
    """The bootstrap Monte Carlo error of the minimum detectable effect agrees with the
    standard deviation of the estimate over independent seeds (12 seeds: the ratio of a
    standard deviation from 12 draws to the truth lies in (0.55, 1.45) with probability
    about 0.98 under normality)."""
    f = iid_prices(1500, seed=5)
    kw = dict(
        horizon=30,
        effect=0.1,
        n_events=[4],
        min_spacing=40,
        n_simulations=100,
        n_resamples=39,
    )
    runs = [power_analysis(f, rng=s, **kw) for s in range(12)]
    mde = np.array([r.mde_observed if np.isfinite(r.mde_observed) else np.nan for r in runs])
    mde = np.array([r.table["mde"].iloc[0] for r in runs])
    se = np.array([r.table["mde_se"].iloc[0] for r in runs])
    ratio = np.std(mde, ddof=1) / np.mean(se)
    assert 0.55 < ratio < 1.45


@pytest.mark.slow
def test_short_blocks_overstate_power_against_the_real_path(btc_long, rut):
    """Issue 11: with 4 events on btc_long a short-block bootstrap reports more power than the
    real path gives (0.67 against 0.48 there); the real path's dispersion is the follower's."""
    from riskcycle._resample import politis_white_block_length
    from riskcycle.inference import _common as C

    b = btc_long.loc[:"2026-01-22"]
    ev = riskcycle.breakouts(rut.loc[:"2026-01-22"], min_gap=250)
    kw = dict(horizon=365, n_events=[4], n_simulations=200, n_resamples=99, rng=11)
    with pytest.warns(EventsExcludedWarning), pytest.warns(IncompleteWindowWarning):
        real = power_analysis(b, ev, **kw)
    pw = politis_white_block_length(C.follower_data(b).returns, kind="stationary")
    with pytest.warns(EventsExcludedWarning), pytest.warns(IncompleteWindowWarning):
        short = power_analysis(b, ev, scheme="block", block_length=pw, **kw)
    gap = short.power_observed - real.power_observed
    se = math.hypot(short.power_observed_se, real.power_observed_se)
    assert gap > 2 * se
    assert short.sd_forward_simulated < 0.9 * real.sd_forward_observed


@pytest.mark.parametrize("scheme", ["real_path", "block"])
def test_power_is_identical_for_every_n_jobs(scheme):
    """Each number of events of the grid is simulated from its own stream (spawned in grid
    order) on the threads: identical tables, curves and events needed for every n_jobs,
    the bisection between grid points included (it runs after the grid)."""
    f = iid_prices(900, seed=4)
    kw = dict(
        horizon=30,
        effect=0.1,
        n_events=[1, 2, 4, 8],
        n_simulations=20,
        n_resamples=19,
        scheme=scheme,
        rng=5,
    )
    runs = [power_analysis(f, n_jobs=n, **kw) for n in (1, 2, 3, None)]
    for res in runs[1:]:
        pd.testing.assert_frame_equal(res.table, runs[0].table)
        np.testing.assert_array_equal(res.power_curves, runs[0].power_curves)
        assert res.events_needed == runs[0].events_needed or (
            np.isnan(res.events_needed) and np.isnan(runs[0].events_needed)
        )


# ---------------------------------------------------------------------------
# the checked options are the result's settings; intervals are ConfidenceIntervals
# ---------------------------------------------------------------------------
def test_base_rate_and_power_options_are_their_settings(btc):
    import dataclasses

    from riskcycle import ConfidenceInterval
    from riskcycle.inference._base_rate import _base_rate_iv
    from riskcycle.inference._power import _power_analysis_iv

    opts = _base_rate_iv(365, 0.1, 99, None, "circular", 0.9, (0.5, 0.5), "0h")
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.threshold = 0.0
    br = base_rate(
        btc,
        horizon=365,
        threshold=0.1,
        n_resamples=99,
        block_scheme="circular",
        confidence_level=0.9,
        prior=(0.5, 0.5),
        rng=0,
    )
    assert br.settings == opts
    assert dict(br.settings) == {
        "horizon": 365,
        "threshold": 0.1,
        "n_resamples": 99,
        "block_length": None,
        "block_scheme": "circular",
        "confidence_level": 0.9,
        "prior": (0.5, 0.5),
    }
    assert (br.horizon, br.threshold, br.confidence_level, br.prior) == (365, 0.1, 0.9, (0.5, 0.5))
    assert isinstance(br.confidence_interval, ConfidenceInterval)
    assert isinstance(br.credible_interval, ConfidenceInterval)

    popts, n_jobs = _power_analysis_iv(
        365, 0.5, [2, 3], 0.05, 0.8, 20, 39, None, "circular", 50, "0h", "block", 1
    )
    assert n_jobs == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        popts.alpha = 0.1
    pw = power_analysis(
        btc,
        horizon=365,
        effect=0.5,
        n_events=[2, 3],
        min_spacing=362,
        scheme="block",
        n_simulations=20,
        n_resamples=39,
        block_scheme="circular",
        n_jobs=1,
        rng=0,
    )
    # the core stores the resolved spacing (and effect, grid) in the settings
    assert pw.settings == dataclasses.replace(popts, min_spacing=362)
    assert pw.settings["block_scheme"] == "circular" and pw.settings["n_events"] == [2, 3]
    assert (pw.horizon, pw.alpha, pw.min_spacing, pw.scheme, pw.n_simulations) == (
        365,
        0.05,
        362,
        "block",
        20,
    )
    assert isinstance(pw.events_needed_interval, ConfidenceInterval)


def test_vectorised_power_curves_and_crossings_equal_their_loops():
    """The power simulation's vectorised steps give exactly what the per-effect and
    per-replicate loops they replace give (the same arithmetic, element by element)."""
    from riskcycle.inference import _power as P

    rng = np.random.default_rng(11)
    n_sim, n_pl = 37, 99
    t0, w0 = rng.normal(size=n_sim), rng.uniform(0.5, 1.5, n_sim)
    ts, ws = rng.normal(size=(n_sim, n_pl)), rng.uniform(0.5, 1.5, (n_sim, n_pl))
    ts[:, 3] = t0  # ties at effect 0
    effects = np.linspace(0.0, 4.0, 241)
    crit = math.floor(0.05 * (1 + n_pl) + 1e-9) - 1
    tol = np.abs(t0)[:, None] * np.finfo(float).eps * 100
    loop = np.column_stack(
        [
            ((ts - t0[:, None]) + e * (ws - w0[:, None]) >= -tol).sum(axis=1) <= crit
            for e in effects
        ]
    )
    got = P._power_curves(t0, w0, ts, ws, effects, 0.05, n_pl)
    assert_array_equal(got, loop)
    assert 0 < got.mean() < 1  # not a degenerate case

    def crossing(curve, target):  # the scalar rule (linear interpolation at the crossing)
        above = np.flatnonzero(curve >= target)
        if len(above) == 0:
            return np.nan
        j = above[0]
        if j == 0:
            return 0.0
        y0, y1 = curve[j - 1], curve[j]
        return float(effects[j - 1] + (target - y0) / (y1 - y0) * (effects[j] - effects[j - 1]))

    curves = np.sort(rng.uniform(size=(200, 241)), axis=1)
    curves[0] = 0.0  # never reaches the target
    curves[1, 0] = 0.9  # reaches it at the first effect
    for target in (0.5, 0.8):
        want = np.array([crossing(c, target) for c in curves])
        assert_array_equal(P._crossings(curves, effects, target), want)

    ns = [2, 3, 5, 8]
    power = rng.uniform(size=(4, 300))
    power[1, ::7] = np.nan

    def first(col):
        for n, p in zip(ns, col, strict=True):
            if np.isfinite(p) and p >= 0.8:
                return float(n)
        return np.nan

    want = np.array([first(power[:, b]) for b in range(power.shape[1])])
    assert_array_equal(P._first_reachings(ns, power, 0.8), want)
    assert np.isnan(want).any() and np.isfinite(want).any()


def test_power_curves_temporaries_stay_bounded():
    """Many placebo sets compare fewer effects at a time: the temporaries stay near
    _BLOCK_CELLS cells (tracemalloc), with the same rejections as a small block."""
    import tracemalloc

    from riskcycle.inference import _power as P

    rng = np.random.default_rng(2)
    n_sim, n_pl = 50, 9999
    t0, w0 = rng.normal(size=n_sim), rng.uniform(0.5, 1.5, n_sim)
    ts, ws = rng.normal(size=(n_sim, n_pl)), rng.uniform(0.5, 1.5, (n_sim, n_pl))
    effects = np.linspace(0.0, 3.0, 242)
    tracemalloc.start()
    got = P._power_curves(t0, w0, ts, ws, effects, 0.05, n_pl)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # d0, dw (4 MB each) and one block's float and bool temporaries; 64 effects at once
    # would need about 290 MB
    assert peak < 40 * 2**20, peak
    one = np.column_stack(
        [P._power_curves(t0, w0, ts, ws, effects[j : j + 1], 0.05, n_pl) for j in (0, 120, 241)]
    )
    assert_array_equal(got[:, [0, 120, 241]], one)
