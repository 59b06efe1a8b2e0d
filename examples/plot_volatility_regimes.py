"""
Did Bitcoin's volatility fall after the spot-ETF approval?
==========================================================

US spot Bitcoin ETFs were approved on 2024-01-10. Commentary often says they
"tamed" Bitcoin's volatility. This example compares the regimes before and
after that date on the bundled data and then asks the two questions a
before/after comparison cannot answer on its own: is a fall normal at this
point of the halving cycle, and did every market calm down at the same time?

Every bootstrap uses a seeded ``rng`` and a small ``n_resamples`` so that the
example runs in seconds; use the default 9999 for published numbers.
"""

# %%
# Regimes before and after the approval
# -------------------------------------
# ``btc_ohlcv`` has open, high and low prices, so the Parkinson and Garman-Klass
# range estimators are reported beside close-to-close volatility. The three
# equity indices give the correlation regime (weekly returns, paired without
# look-ahead).
import numpy as np
import pandas as pd

import riskcycle
from riskcycle import datasets
from riskcycle.regimes import cross_market_control, halving_phase_control

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)
rng = np.random.default_rng(20240110)

btc = datasets.load("btc_ohlcv")
benchmarks = {
    "rut": datasets.load("rut"),
    "spx": datasets.load("spx"),
    "ndx": datasets.load("ndx"),
}
res = riskcycle.volatility_regimes(
    btc, breaks=("2024-01-10",), benchmarks=benchmarks, n_resamples=999, rng=rng
)
print(res)

# %%
# Realised volatility per regime (annualised with 365 bars a year)
cols = [
    "label",
    "n_obs",
    "volatility",
    "parkinson_volatility",
    "garman_klass_volatility",
    "downside_semivolatility",
    "skewness",
    "excess_kurtosis",
    "max_drawdown",
]
print(res.realized[cols].to_string(index=False))

# %%
# GARCH(1,1)-t and GJR-GARCH(1,1)-t per regime. Before the approval the fitted
# persistence sits at 1 (integrated GARCH): no finite unconditional variance.
cols = ["model", "label", "persistence", "half_life", "unconditional_volatility", "nu"]
print(res.garch[cols].to_string(index=False))

# %%
# The volatility ratio after/before with its block-bootstrap interval and
# p-value, beside the classic tests that assume independent returns.
print(res.ratio_tests[0].to_frame().drop(columns="assumes").to_string(index=False))

# %%
# Full-sample GARCH-t with a post-break shift in the variance intercept, and the
# likelihood-ratio test of the shift.
vs = res.variance_shift
print(f"LR = {vs.statistic:.3f}, df = {vs.df}, p = {vs.pvalue:.4f}")
print(vs.params.to_string())
for note in vs.notes:
    print("Note:", note)

# %%
# Breaks found without being told the date (ICSS with the kappa-2 statistic),
# and where they fall relative to the approval.
print(res.icss)
print(res.icss.relative_to(["2024-01-10"]).to_string(index=False))

# %%
# Correlation and beta of BTC to the Russell 2000, S&P 500 and Nasdaq-100.
cols = ["benchmark", "quantity", "before", "after", "statistic", "ci_low", "ci_high", "pvalue"]
print(res.correlation.changes[cols].to_string(index=False))

# %%
# Confounder 1: the same phase of earlier halving cycles
# ------------------------------------------------------
# Equal 365-day windows around the date, and around the dates at the same
# fraction of the first and second halving cycles. ``btc`` has closes to
# August 2026, so the actual after-window is complete.
btc_close = datasets.load("btc")
phase = halving_phase_control(
    btc_close, break_date="2024-01-10", window="365D", n_resamples=999, rng=rng
)
print(phase.summary())

# %%
# Confounder 2: did every market calm down?
# -----------------------------------------
# The same calendar windows for the Russell 2000 and the S&P 500.
markets = {"btc": btc_close, "rut": benchmarks["rut"], "spx": benchmarks["spx"]}
cross = cross_market_control(
    markets, break_date="2024-01-10", window="365D", n_resamples=999, rng=rng
)
print(cross.summary())

# %%
# Price with the break, rolling volatility with regime means, GARCH conditional
# volatility and the rolling correlations.
fig = res.plot()

# %%
# Where do the data put the break, and how sure?
# ----------------------------------------------
# Least-squares break dates in the mean of ``|r|`` (Bai-Perron, number of breaks by
# the LWZ criterion) with Bai's (1997) 95% interval for each date, placed against the
# ETF listing (2023-10-23), the approval (2024-01-10) and the halvings.
from riskcycle.regimes import (  # noqa: E402
    abnormal_volatility,
    variance_breaks,
    variance_effect,
    volatility_by_halving_phase,
)

vb = variance_breaks(btc_close)
print(vb.to_frame()[["break_date", "ci_low", "ci_high", "candidates_inside"]].to_string())
print(vb.candidates.to_string(index=False))
fig = vb.plot()

# %%
# The approval inside the variance model
# --------------------------------------
# GARCH(1,1)-t whose variance intercept is multiplied by ``exp(delta)`` from the
# approval on: the multiplier, its profile-likelihood interval and the LR test.
ve = variance_effect(btc_close, event_date="2024-01-10")
print(ve.summary())

# %%
# Abnormal volatility after the approval and the halvings
# -------------------------------------------------------
# Realised variance over the 30 days after each date against a GARCH forecast made
# with the data before it, with t, sign and placebo tests. ``btc_long`` reaches the
# first halving; its rows before 2014-09-17 are Coin Metrics community data
# (CC BY-NC 4.0: attribution required, non-commercial use only).
from riskcycle.calendar import HALVINGS  # noqa: E402

btc_long = datasets.load("btc_long")
halvings = [t.tz_convert("UTC").tz_localize(None).normalize() for t in HALVINGS["timestamp"]]
av = abnormal_volatility(btc_long, ["2024-01-10", *halvings], n_resamples=999, rng=rng)
print(av.summary())

# %%
# Volatility by halving-cycle phase: one line per cycle, the approval's phase
# marked, with the equal-window test at the same phase of earlier cycles.
ph = volatility_by_halving_phase(btc_long, break_date="2024-01-10", n_resamples=999, rng=rng)
print(ph.by_phase.round(2).to_string())
fig = ph.plot()
