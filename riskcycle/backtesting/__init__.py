"""Look-ahead-free backtests of a leader's signal on a follower, with data-snooping control.

:func:`backtest` trades the follower on the leader's events through vectorbt
(every vectorbt argument explicit), beside buy-and-hold and random-entry
strategies with the same trades; :func:`sweep` runs a parameter grid as one
compiled batch and applies White's Reality Check, Hansen's SPA, Romano-Wolf
StepM, the deflated Sharpe ratio and the probability of backtest overfitting
(:mod:`riskcycle.snooping`) to its daily-return matrix.

The module itself is callable: ``riskcycle.backtest(follower, events)`` is
``riskcycle.backtest.backtest(follower, events)``.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from ._core import backtest
from ._result import BacktestResult, ConfidenceInterval
from ._sweep import SweepResult, sweep

__all__ = ["BacktestResult", "ConfidenceInterval", "SweepResult", "backtest", "sweep"]


class _CallableModule(types.ModuleType):
    """``riskcycle.backtest`` is both this package and its main function."""

    def __call__(self, *args: Any, **kwargs: Any) -> BacktestResult:
        return backtest(*args, **kwargs)


_CallableModule.__call__.__doc__ = backtest.__doc__
sys.modules[__name__].__class__ = _CallableModule
