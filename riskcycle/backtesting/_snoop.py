"""Calls into :mod:`riskcycle.snooping` (PSR, DSR, SPA/Reality Check, StepM, PBO)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["psr_or_nan", "snooping"]


def psr_or_nan(returns: pd.Series) -> float:
    """Probabilistic Sharpe ratio of ``returns`` against a Sharpe ratio of 0 (NaN if flat)."""
    from ..snooping import probabilistic_sharpe_ratio

    if not np.ptp(returns.to_numpy()) > 0:
        return np.nan
    return float(probabilistic_sharpe_ratio(returns).probability)


def snooping(
    returns: pd.DataFrame,
    benchmark: pd.Series | None,
    *,
    n_resamples: int,
    alpha: float,
    n_partitions: int,
    periods_per_year: int,
    rng: np.random.Generator,
    n_jobs: int | None = None,
) -> tuple[Any, Any, Any, Any, bool]:
    """SPA (with Reality Check) and StepM from one bootstrap, DSR over the grid, PBO.

    The last item says whether some strategy had constant returns on a CSCV half
    (no position there), which :func:`riskcycle.pbo` ranks last with a warning; the
    sweep reports it as a note instead of one warning per sweep.
    """
    from ..exceptions import DegenerateDataWarning
    from ..snooping import deflated_sharpe_ratio, pbo, stepm

    sm = stepm(
        returns,
        benchmark=benchmark,
        kind="returns",
        alpha=alpha,
        n_resamples=n_resamples,
        n_jobs=n_jobs,
        rng=rng,
    )
    dsr = deflated_sharpe_ratio(returns)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DegenerateDataWarning)
        pb = pbo(returns, n_partitions=n_partitions)
    flat = False
    for w in caught:
        if issubclass(w.category, DegenerateDataWarning):
            flat = True
        else:  # pragma: no cover - pass anything else on
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return sm.spa, sm, dsr, pb, flat
