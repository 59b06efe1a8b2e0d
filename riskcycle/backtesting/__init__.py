"""Look-ahead-free backtests of a leader's signal on a follower, with data-snooping control.

:func:`backtest` (also ``riskcycle.backtest``) trades the follower on the leader's
events through vectorbt (every vectorbt argument explicit), beside buy-and-hold and
random-entry strategies with the same trades; :func:`sweep` (also
``riskcycle.sweep``) runs a parameter grid as one compiled batch and applies White's
Reality Check, Hansen's SPA, Romano-Wolf StepM, the deflated Sharpe ratio and the
probability of backtest overfitting (:mod:`riskcycle.snooping`) to its daily-return
matrix; :data:`DEFAULT_GRID` is the grid the command line and the report search.
"""

from __future__ import annotations

from ._core import backtest
from ._result import BacktestResult, ConfidenceInterval
from ._sweep import DEFAULT_GRID, SweepResult, sweep

__all__ = [
    "DEFAULT_GRID",
    "BacktestResult",
    "ConfidenceInterval",
    "SweepResult",
    "backtest",
    "sweep",
]
