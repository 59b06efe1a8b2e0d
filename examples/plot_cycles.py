"""
Did Bitcoin start a bull market after the Russell 2000's breakouts?
===================================================================

"Bull market" is a dated fact once a rule is fixed. This example dates Bitcoin's
and the Russell 2000's bull and bear phases with the Pagan-Sossounov rule,
times the Russell 2000's breakouts against Bitcoin's phases, measures how often
the two series are in the same phase (Harding-Pagan concordance), and asks
whether the Russell 2000's weekly returns lead Bitcoin's.

Bitcoin's history before 2014-09-17 is Coin Metrics community data (CC BY-NC
4.0: attribution, non-commercial use only). Resampling sizes are small so that
the example runs in seconds; use the default 9999 for published numbers.
"""

# %%
# Dated phases
# ------------
# Each turning point has a confirmation date: the first date at which the rule,
# run on the data available then, knew it and never revised it within the
# sample. Signals must use that date, not the turning point's own.
import warnings

import pandas as pd

import riskcycle
from riskcycle.cycles import bull_bear, concordance, lead_lag, phase_event_test

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 12)

btc = riskcycle.datasets.load("btc_long")
rut = riskcycle.datasets.load("rut")
btc_phases = bull_bear(btc, dating="pagan_sossounov")
rut_phases = bull_bear(rut.loc["2005":], dating="pagan_sossounov")
cols = ["phase", "start", "end", "return", "duration_days", "start_confirmation"]
print(btc_phases.to_frame()[cols].to_string(index=False))
fig = btc_phases.plot()

# %%
# The Russell 2000's phases since 2005
print(rut_phases.to_frame()[cols].to_string(index=False))

# %%
# Breakouts against Bitcoin's phases
# ----------------------------------
# For each breakout: was a Bitcoin bull phase already known at the breakout, and
# how many days until the next bull phase was confirmed? The placebo null draws
# random date sets on Bitcoin's own history with the breakouts' count and spacing.
events = riskcycle.breakouts(rut, min_gap=250).between("2011-01-01")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", riskcycle.RiskcycleWarning)  # the 2025 breakout is too recent
    res = phase_event_test(btc_phases, events, n_resamples=999, rng=2026)
print(res.summary())

# %%
# Synchronisation
# ---------------
# The concordance index is the share of days on which both are in the same phase;
# the test asks whether the two phase indicators are correlated, with a HAC
# standard error that allows for phases lasting months.
conc = concordance(rut_phases, btc_phases, n_resamples=999, rng=2026)
print(conc.summary())
fig = conc.plot()

# %%
# Lead-lag of weekly returns, before and after the spot-ETF approval
# ------------------------------------------------------------------
ll = lead_lag(rut, btc, frequency="weekly", n_resamples=499, rng=2026)
print(ll.tests[["era", "test", "statistic", "pvalue"]].to_string(index=False))
fig = ll.plot()
