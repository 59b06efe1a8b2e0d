"""
Bring your own data: a CSV leader and follower
==============================================

riskcycle's bundled series are only a starting point. Any daily series can be a
leader or a follower: a CSV file (or a pandas Series/DataFrame) goes through the
same validation as the bundled data, and its *clock* says when each value is
known. Here the leader is Nasdaq-100 and the follower Ether, written to CSV files
first (as you would export them from another tool), then read back.
"""

# %%
# Write two CSV files the way other tools export them: a ``Date`` column, capitalised
# price columns, and (for the crypto series) timezone-aware timestamps.
import tempfile
import warnings
from pathlib import Path

import pandas as pd

import riskcycle

folder = Path(tempfile.mkdtemp())
ndx = riskcycle.datasets.load("ndx")
eth = riskcycle.datasets.load("eth")
ndx.rename(columns=str.capitalize).rename_axis("Date").to_csv(folder / "ndx.csv")
eth_out = eth.rename(columns=str.capitalize)
eth_out.index = eth_out.index.tz_localize("UTC").rename("Date")
eth_out.to_csv(folder / "eth.csv")
print((folder / "eth.csv").read_text().splitlines()[:2])

# %%
# Read them back. The clock is required: ``us_equity_close`` (16:00 New York, 252
# sessions a year) for the index, ``utc_midnight`` (daily bars closing 24:00 UTC,
# 365 a year) for Ether. Dates are checked (sorted, unique, daily), prices must be
# finite and positive; every problem is reported with the argument and the date.
leader = riskcycle.datasets.read_prices(folder / "ndx.csv", clock="us_equity_close", name="ndx")
follower = riskcycle.datasets.read_prices(folder / "eth.csv", clock="utc_midnight", name="eth")
print(leader.attrs["periods_per_year"], follower.attrs["periods_per_year"])

try:
    riskcycle.datasets.read_prices(folder / "eth.csv", clock="utc_midnight", min_length=10_000)
except ValueError as err:
    print("ValueError:", err)

# %%
# Breakouts of the Nasdaq-100 (new closing high after at least 120 sessions
# without one) and Ether's return after each. Events before Ether's first price
# are excluded with a warning that names them.
events = riskcycle.breakouts(leader, min_gap=120)
print(events)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", riskcycle.RiskcycleWarning)
    study = riskcycle.event_study(follower, events, horizons=(30, 90, 180))
for w in caught:
    print(f"{w.category.__name__}: {w.message}")
table = study.to_frame().pivot(index="event_date", columns="horizon", values="return_to_date")
print((1 + table).round(3))

# %%
# The same with pandas objects instead of files: a Series of closes works too.
closes = pd.Series(follower["close"].to_numpy(), index=follower.index)
same = riskcycle.datasets.read_prices(closes, clock="utc_midnight")
print(same["close"].equals(follower["close"]))

# %%
# The cumulative paths after each event.
fig = study.plot()
