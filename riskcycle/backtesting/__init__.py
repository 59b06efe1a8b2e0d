"""Look-ahead-free backtests of a leader's signal on a follower, with data-snooping control.

:func:`backtest` (also ``riskcycle.backtest``) trades the follower on the leader's
events through vectorbt (every vectorbt argument explicit), beside buy-and-hold and
random-entry strategies with the same trades; :func:`sweep` (also
``riskcycle.sweep``) runs a parameter grid as one compiled batch and applies White's
Reality Check, Hansen's SPA, Romano-Wolf StepM, the deflated Sharpe ratio and the
probability of backtest overfitting (:mod:`riskcycle.snooping`) to its daily-return
matrix; :data:`DEFAULT_GRID` is the grid that ``riskcycle backtest --sweep`` searches.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from .._sample import NO_DELAY
from ._core import backtest
from ._result import BacktestResult, ConfidenceInterval
from ._sweep import SweepResult, sweep

__all__ = [
    "DEFAULT_GRID",
    "BacktestResult",
    "ConfidenceInterval",
    "SweepResult",
    "backtest",
    "sweep",
]

#: The grid around the commentary's breakout rule that ``riskcycle backtest --sweep``
#: searches (the report's backtest section searches the same values): droughts of
#: 150-350 leader sessions, margins of 0-2% over the old record, holding periods of
#: 180, 365 and 540 calendar days, and no delay or one day (5 x 3 x 3 x 2 = 90
#: combinations). Read-only; pass it as ``sweep(leader, follower, **DEFAULT_GRID)``,
#: or copy it with ``dict(DEFAULT_GRID)`` to change an entry.
DEFAULT_GRID: Mapping[str, tuple] = MappingProxyType(
    {
        "min_gap": (150, 200, 250, 300, 350),
        "margin": (0.0, 0.01, 0.02),
        "horizons": (180, 365, 540),
        "delay": (NO_DELAY, pd.Timedelta(days=1)),
    }
)
