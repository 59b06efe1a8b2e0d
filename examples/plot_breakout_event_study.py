"""
Bitcoin after Russell 2000 breakouts: an event study
====================================================

Market commentary in 2026 claimed that each time the Russell 2000 broke out to a
new all-time high, Bitcoin started a bull market. This example measures what BTC
actually did after every such breakout in the bundled data, and how surprising
that is with so few events.

Day 0 is the first BTC bar observed after the Russell close was known (16:00
New York, before BTC's daily bar closes at 24:00 UTC), so no return is counted
before a trader could have acted.
"""

# %%
# Breakouts: the first Russell 2000 close above its prior all-time high after at
# least 250 sessions without one.
import warnings

import matplotlib.pyplot as plt
import pandas as pd

import riskcycle

rut = riskcycle.datasets.load("rut")
btc = riskcycle.datasets.load("btc_long")  # Coin Metrics back-history before 2014-09-17
events = riskcycle.breakouts(rut, min_gap=250)
print(events)

# %%
# The event study. The five breakouts from 1989 to 2004 come before any BTC price
# and are excluded with a warning that names them; the one-year window after
# 2025-09-18 runs past the end of the data and is reported as incomplete (its
# return so far is in ``return_to_date``).
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", riskcycle.RiskcycleWarning)
    result = riskcycle.event_study(btc, events, horizons=(30, 90, 180, 365))
for w in caught:
    print(f"{w.category.__name__}: {w.message}")
print(result)

# %%
# BTC's growth of 1 invested at the day-0 close (``1 + return_to_date``), per event
# and horizon; ``*`` marks a window that is not complete yet.
table = result.to_frame()
growth = table.pivot(index="event_date", columns="horizon", values="return_to_date") + 1
flag = table.pivot(index="event_date", columns="horizon", values="complete")
with pd.option_context("display.width", 120):
    print(growth.round(2).astype(str).where(flag, growth.round(2).astype(str) + "*"))

# %%
# The full long-format table: drawdowns, run-ups, days to the peak and the
# cumulative abnormal return against BTC's own drift over the year before the
# event (``model="constant_mean"``, the default).
cols = [
    "horizon",
    "complete",
    "return",
    "max_drawdown",
    "max_runup",
    "days_to_peak",
    "car",
    "scar",
]
with pd.option_context("display.width", 140, "display.max_columns", 20):
    print(table.set_index("event_date")[cols].round(3).to_string())

# %%
# Tests across events. Each row states its null hypothesis; the discrete tests
# report the smallest p-value they could reach with this many events (four or
# five): no result of the exact Wilcoxon test on four events can be below 0.125.
with pd.option_context("display.width", 140, "display.max_colwidth", 60):
    print(
        result.tests[
            ["test", "horizon", "statistic", "pvalue", "min_attainable_pvalue", "n_events"]
        ]
        .round(4)
        .to_string(index=False)
    )
print()
for name, null in result.tests.drop_duplicates("test")[["test", "null_hypothesis"]].values:
    print(f"{name}: {null}")

# %%
# The summary collects the same numbers (also as HTML, LaTeX or Markdown).
print(result.summary())

# %%
# Paths in event time: each breakout's BTC path and the geometric-mean path with a
# 95% confidence band, then the same for abnormal returns.
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
result.plot(ax=axes[0])
result.plot(ax=axes[1], abnormal=True)
fig.tight_layout()
plt.show()
