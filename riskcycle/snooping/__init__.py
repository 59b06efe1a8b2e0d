"""Data-snooping and Sharpe-ratio statistics for many backtested strategies.

Pure statistics on plain arrays or DataFrames of per-period returns (or losses),
independent of how the strategies were produced:

* :func:`probabilistic_sharpe_ratio`, :func:`deflated_sharpe_ratio` and
  :func:`min_track_record_length` (Bailey & López de Prado 2012, 2014);
* :func:`spa_test` (Hansen's SPA with White's Reality Check) and :func:`stepm`
  (Romano-Wolf), on a fast stationary bootstrap that agrees with arch;
* :func:`pbo`, the probability of backtest overfitting by combinatorially
  symmetric cross-validation (Bailey, Borwein, López de Prado & Zhu 2017).

numba, arch and matplotlib are imported only when a function needs them.
"""

from __future__ import annotations

from ._pbo import PBOResult, pbo
from ._sharpe import (
    MinTRLResult,
    SharpeRatioResult,
    deflated_sharpe_ratio,
    min_track_record_length,
    probabilistic_sharpe_ratio,
)
from ._spa import SPAResult, StepMResult, spa_test, stepm

__all__ = [
    "MinTRLResult",
    "PBOResult",
    "SPAResult",
    "SharpeRatioResult",
    "StepMResult",
    "deflated_sharpe_ratio",
    "min_track_record_length",
    "pbo",
    "probabilistic_sharpe_ratio",
    "spa_test",
    "stepm",
]
