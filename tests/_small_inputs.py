"""Small, fast inputs shared by the reproducibility, results-API and fuzz tests.

Every entry of :data:`STOCHASTIC` and :data:`RESULTS` builds one public result from the
bundled data (cut to a few years) or a small synthetic matrix, with Monte Carlo sizes kept
small so that the whole table runs in seconds once numba has compiled.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

import riskcycle as rc
from riskcycle import cycles, datasets, inference, regimes, snooping


@functools.cache
def data() -> dict[str, Any]:
    rut = datasets.load("rut")
    btc = datasets.load("btc")
    return {
        "rut": rut,
        "btc": btc,
        "spx": datasets.load("spx"),
        "btc_long": datasets.load("btc_long"),
        "follower": btc.loc["2014":"2022"],
        "events": rc.breakouts(rut, min_gap=250).between("2014-10-01", "2021-01-01"),
        "matrix": np.random.default_rng(0).standard_normal((300, 6)) * 0.01 + 0.0005,
    }


def _d(key: str) -> Any:
    return data()[key]


# name -> function of rng returning a result; every public function that takes `rng`
STOCHASTIC: dict[str, Callable[[Any], Any]] = {
    "placebo_test": lambda rng: rc.placebo_test(
        _d("follower"), _d("events"), horizon=90, n_resamples=99, rng=rng
    ),
    "bootstrap_ci": lambda rng: rc.bootstrap_ci(
        _d("follower"), _d("events"), horizon=90, n_resamples=99, rng=rng
    ),
    "garch_null_test": lambda rng: rc.garch_null_test(
        _d("follower"), _d("events"), horizon=90, n_resamples=19, burn=50, rng=rng
    ),
    "base_rate": lambda rng: rc.base_rate(
        _d("follower"), _d("events"), horizon=90, n_resamples=99, rng=rng
    ),
    "power_analysis": lambda rng: rc.power_analysis(
        _d("follower"),
        _d("events"),
        horizon=90,
        n_events=[2],
        n_simulations=10,
        n_resamples=19,
        rng=rng,
    ),
    "assess_signal": lambda rng: rc.assess_signal(
        _d("rut").loc[:"2022"],
        _d("follower"),
        horizons=[90],
        n_resamples=99,
        garch_resamples=19,
        power_simulations=10,
        power_resamples=19,
        rng=rng,
    ),
    "volatility_regimes": lambda rng: rc.volatility_regimes(
        _d("btc").loc["2022":],
        breaks=("2024-01-10",),
        garch=False,
        icss_test=None,
        benchmarks={"spx": _d("spx").loc["2022":]},
        n_resamples=99,
        rng=rng,
    ),
    "volatility_ratio_test": lambda rng: regimes.volatility_ratio_test(
        _d("matrix")[:150, 0], _d("matrix")[150:, 1], n_resamples=99, rng=rng
    ),
    "halving_phase_control": lambda rng: regimes.halving_phase_control(
        _d("btc_long"), n_resamples=99, rng=rng
    ),
    "cross_market_control": lambda rng: regimes.cross_market_control(
        {"btc": _d("btc"), "spx": _d("spx")}, n_resamples=99, rng=rng
    ),
    "correlation_regimes": lambda rng: regimes.correlation_regimes(
        _d("btc"), {"spx": _d("spx")}, n_resamples=99, rng=rng
    ),
    "backtest": lambda rng: rc.backtest(
        _d("follower"), _d("events"), horizon=90, n_resamples=99, rng=rng
    ),
    "sweep": lambda rng: rc.sweep(
        _d("rut").loc["2010":"2022"],
        _d("follower"),
        min_gap=[200, 250],
        horizons=[90],
        n_resamples=50,
        n_partitions=4,
        rng=rng,
    ),
    "spa_test": lambda rng: snooping.spa_test(_d("matrix"), n_resamples=99, rng=rng),
    "stepm": lambda rng: snooping.stepm(_d("matrix"), n_resamples=99, rng=rng),
    "calibrate": lambda rng: inference.calibrate(
        _d("follower"), _d("events"), horizon=90, n_sets=19, n_resamples=19, rng=rng
    ),
    "abnormal_volatility": lambda rng: regimes.abnormal_volatility(
        _d("btc"),
        ["2020-03-12", "2024-01-11"],
        model="rolling",
        estimation_window=365,
        n_resamples=99,
        rng=rng,
    ),
    "volatility_by_halving_phase": lambda rng: regimes.volatility_by_halving_phase(
        _d("btc_long"), window="30D", n_resamples=99, rng=rng
    ),
    "concordance": lambda rng: cycles.concordance(
        _d("rut").loc["2010":], _d("btc_long").loc["2010":], n_resamples=99, rng=rng
    ),
    "lead_lag": lambda rng: cycles.lead_lag(
        _d("rut").loc["2021":"2024"],
        _d("btc_long").loc["2021":"2024"],
        frequency="weekly",
        n_resamples=99,
        rng=rng,
    ),
    "scan": lambda rng: rc.scan(
        ["rut"],
        ["btc"],
        definitions=[{"min_gap": 250}],
        horizons=[90],
        n_resamples=99,
        n_calibration=19,
        calibration_resamples=19,
        rng=rng,
    ),
    "variance_breaks": lambda rng: regimes.variance_breaks(
        _d("btc").loc["2021":], max_breaks=2, interval="bootstrap", n_resamples=19, rng=rng
    ),
    "phase_event_test": lambda rng: cycles.phase_event_test(
        _d("btc_long"), _d("events"), horizon=365, n_resamples=99, rng=rng
    ),
}

# public functions without `rng` that return a result object
DETERMINISTIC: dict[str, Callable[[], Any]] = {
    "breakouts": lambda: _d("events"),
    "event_study": lambda: rc.event_study(_d("follower"), _d("events"), horizons=[30, 90]),
    "icss": lambda: regimes.icss(np.diff(np.log(_d("btc").loc["2021":]["close"].to_numpy()))),
    "variance_breaks": lambda: regimes.variance_breaks(_d("btc").loc["2021":], max_breaks=2),
    "variance_effect": lambda: regimes.variance_effect(
        _d("btc").loc["2022":], event_date="2024-01-10"
    ),
    "bull_bear": lambda: cycles.bull_bear(_d("btc_long")),
    "pbo": lambda: snooping.pbo(_d("matrix"), n_partitions=4),
    "probabilistic_sharpe_ratio": lambda: snooping.probabilistic_sharpe_ratio(_d("matrix")),
    "deflated_sharpe_ratio": lambda: snooping.deflated_sharpe_ratio(_d("matrix")),
    "min_track_record_length": lambda: snooping.min_track_record_length(_d("matrix")[:, 0]),
}


def same(a: Any, b: Any, path: str = "result") -> None:
    """Assert that two results are equal field by field (NaN equal to NaN; versions skipped)."""
    import dataclasses

    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            if f.name != "versions":
                same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, pd.DataFrame | pd.Series | pd.Index):
        assert type(a) is type(b), path
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, obj=path)
        elif isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b, obj=path)
        else:
            pd.testing.assert_index_equal(a, b, obj=path)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, list | tuple) and not hasattr(a, "_fields"):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == b or (a != a and b != b), f"{path}: {a!r} != {b!r}"
    elif isinstance(a, np.random.Generator):
        return  # a generator stored in a result is compared through the numbers it drew
    else:
        if type(a).__eq__ is object.__eq__:  # identity only (e.g. a lazy vectorbt Portfolio)
            equal = type(a) is type(b) and repr(a) == repr(b)
        else:
            try:
                equal = a == b
            except ValueError:  # objects whose == is element-wise
                equal = repr(a) == repr(b)
        assert bool(np.all(equal)), f"{path}: {a!r} != {b!r}"
