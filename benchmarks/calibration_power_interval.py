"""Measurements behind the GARCH null, power and events'-mean interval fixes (issue 11).

Run by hand (about 5 minutes on 2 cores)::

    python benchmarks/calibration_power_interval.py garch      # GARCH-null p-values
    python benchmarks/calibration_power_interval.py garch_size # its rejection rate, real path
    python benchmarks/calibration_power_interval.py power      # power, events needed
    python benchmarks/calibration_power_interval.py grid       # power curve, btc_long, 4 events
    python benchmarks/calibration_power_interval.py coverage   # events'-mean interval coverage

Each prints JSON lines. Data: the bundled Russell 2000 (leader; events
``riskcycle.breakouts(rut, min_gap=250)``), ``btc`` (2014-09-17 on) and ``btc_long``,
whose part before 2014-09-17 is Coin Metrics data (CC BY-NC 4.0: non-commercial use).
All at the 365-day horizon; "as of" cuts leader and follower at 2026-01-22.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import numpy as np
from scipy import stats

import riskcycle as rc
from riskcycle import _nb_sets as _nb
from riskcycle.inference import _common as C

AS_OF = "2026-01-22"
CASES = [("btc", AS_OF), ("btc_long", AS_OF), ("btc_long", None), ("btc", None)]


def out(**d):
    print(json.dumps(d, default=float), flush=True)


def case(follower, as_of):
    rut = rc.datasets.load("rut")
    f = rc.datasets.load(follower)
    if as_of:
        rut, f = rut.loc[:as_of], f.loc[:as_of]
    return f, rc.breakouts(rut, min_gap=250)


def garch():
    for fol, as_of in CASES:
        f, ev = case(fol, as_of)
        r = rc.garch_null_test(f, ev, horizon=365, rng=2026)
        out(
            part="garch",
            follower=fol,
            as_of=as_of,
            n_events=r.n_events,
            pvalue=r.pvalue,
            pvalue_se=r.pvalue_se,
            statistic=r.statistic,
            null_mean=float(np.mean(r.null_distribution)),
            expected_statistic=r.expected_statistic,
            drift=r.drift,
            fitted_location=r.params["mu"] / 100,
            persistence=r.persistence,
            at_boundary=r.at_boundary,
        )


def random_sets(fd, win, k, spacing, n_sets, seed):
    elig = win.eligible
    nxt = np.searchsorted(fd.day[elig], fd.day[elig] + spacing, side="left").astype(np.int64)
    table, _ = _nb.spaced_tables(nxt, k)
    u = np.random.default_rng(seed).random((n_sets, k))
    return elig[_nb.spaced_sample(table, nxt, u)]


def garch_size(n_sets=2000, n_paths=999, k=4, spacing=362):
    """Rejection rate at 5% of the GARCH null for uniform random 4-date sets on btc_long:
    one set of simulated paths serves every date set (the fit does not depend on the
    dates), so each set's p-value uses the same null paths."""
    from riskcycle.inference._garch_null import fit_garch_t, null_parameters, simulate_garch_t

    f = rc.datasets.load("btc_long")
    fd = C.follower_data(f)
    win = C.windows(fd, 365)
    x = fd.returns
    fit = fit_garch_t(x)
    new = null_parameters(fit, x)
    p = fit["params"]
    pers = p["alpha"] + p["beta"]
    old = {**p, "variance": p["omega"] / (1 - pers) if pers < 1 else float(np.var(100 * x))}
    sets = random_sets(fd, win, k, spacing, n_sets, seed=7)
    ends = win.end[sets]
    obs = win.fwd[sets].mean(axis=1)
    for label, par in (("before: t location, omega/(1-a-b) start", old), ("after", new)):
        r = simulate_garch_t(par, n_paths, len(x), 500, np.random.default_rng(2026))
        c = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(r, axis=1)], axis=1)
        null = (c[:, ends] - c[:, sets]).mean(axis=2)  # (n_paths, n_sets)
        pv = (1 + (null >= obs[None, :]).sum(axis=0)) / (1 + n_paths)
        for a in (0.05, 0.10):
            rej = int((pv <= a).sum())
            ci = stats.binomtest(rej, n_sets).proportion_ci(0.95, method="exact")
            out(
                part="garch_size",
                null=label,
                alpha=a,
                n_sets=n_sets,
                n_paths=n_paths,
                rejections=rej,
                rate=rej / n_sets,
                ci=[ci.low, ci.high],
            )


def power():
    from riskcycle._resample import politis_white_block_length

    for fol, as_of in CASES[:3]:
        f, ev = case(fol, as_of)
        pw_block = politis_white_block_length(C.follower_data(f).returns, kind="stationary")
        for label, kw in (
            ("real_path", {}),
            ("long_blocks", {"scheme": "block"}),
            ("short_blocks", {"scheme": "block", "block_length": pw_block}),
        ):
            t = time.perf_counter()
            r = rc.power_analysis(f, ev, horizon=365, rng=2026, **kw)
            out(
                part="power",
                follower=fol,
                as_of=as_of,
                scheme=label,
                block_length=r.block_length,
                n_observed=r.n_observed,
                effect=r.effect,
                power_observed=r.power_observed,
                power_observed_se=r.power_observed_se,
                mde_observed=r.mde_observed,
                mde_observed_se=r.mde_observed_se,
                events_needed=r.events_needed,
                events_needed_se=r.events_needed_se,
                events_needed_interval=list(r.events_needed_interval),
                sd_forward_observed=r.sd_forward_observed,
                sd_forward_simulated=r.sd_forward_simulated,
                seconds=round(time.perf_counter() - t, 1),
            )


def grid():
    """Power against the effect, btc_long as of 2026-01-22, 4 events."""
    from riskcycle._resample import politis_white_block_length

    f, ev = case("btc_long", AS_OF)
    pw_block = politis_white_block_length(C.follower_data(f).returns, kind="stationary")
    want = [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0]
    for label, kw in (
        ("real_path", {}),
        ("long_blocks", {"scheme": "block"}),
        ("short_blocks", {"scheme": "block", "block_length": pw_block}),
    ):
        r = rc.power_analysis(f, ev, horizon=365, n_events=[4], rng=2026, **kw)
        j = [int(np.argmin(np.abs(r.effects - w))) for w in want]
        out(
            part="grid",
            scheme=label,
            observed_effect=r.effect,
            power_at_observed=r.power_observed,
            power_at_observed_se=r.power_observed_se,
            effects=[round(float(r.effects[i]), 4) for i in j],
            power=[float(r.power_curves[0, i]) for i in j],
            power_se=[float(r.power_curves_se[0, i]) for i in j],
            mde=r.mde_observed,
            mde_se=r.mde_observed_se,
        )


def coverage(n_t=20_000, n_within=1000, k=4, spacing=362):
    """Share of random 4-event sets on btc_long whose interval contains the path's mean
    365-day forward log return over eligible days (the estimand the interval claims)."""
    from riskcycle._options import BootstrapOptions
    from riskcycle.inference._bootstrap import bootstrap_core

    f = rc.datasets.load("btc_long")
    fd = C.follower_data(f)
    win = C.windows(fd, 365)
    truth = float(np.mean(win.fwd[win.eligible]))
    for interval, n_sets, n_res in (("t", n_t, 0), ("percentile", n_within, 999)):
        sets = random_sets(fd, win, k, spacing, n_sets, seed=11)
        hit, widths = 0, []
        for i, s in enumerate(sets):
            ed = C.EventData(leader_dates=fd.index[s], day0=s, status=np.array(["ok"] * k))
            options = BootstrapOptions(
                horizon=win.horizon,
                statistic="mean",
                block_scheme="stationary",
                interval=interval,
                confidence_level=0.95,
                n_resamples=max(n_res, 2),
            )
            r = bootstrap_core(fd, win, ed, options, rng=np.random.default_rng(i), warn=False)
            lo, hi = r.confidence_interval
            hit += lo <= truth <= hi
            widths.append(hi - lo)
        ci = stats.binomtest(hit, n_sets).proportion_ci(0.95, method="exact")
        out(
            part="coverage",
            interval=interval,
            n_sets=n_sets,
            n_resamples=n_res,
            covered=hit,
            coverage=hit / n_sets,
            ci=[ci.low, ci.high],
            truth=truth,
            median_width=float(np.median(widths)),
        )


if __name__ == "__main__":
    warnings.simplefilter("ignore", rc.exceptions.RiskcycleWarning)
    parts = {
        "garch": garch,
        "garch_size": garch_size,
        "power": power,
        "grid": grid,
        "coverage": coverage,
    }
    if len(sys.argv) != 2 or sys.argv[1] not in parts:
        sys.exit(f"usage: python {sys.argv[0]} {{{'|'.join(parts)}}}")
    parts[sys.argv[1]]()
