"""Volatility regimes: did volatility change at a date, and is the date the reason?

* :func:`volatility_regimes` compares regimes between given break dates:
  realised volatility (close-to-close, Parkinson, Garman-Klass), downside
  semivolatility, higher moments and drawdowns; GARCH(1,1)-t and GJR-GARCH-t fits
  per regime; a full-sample GARCH with a variance-intercept shift and its
  likelihood-ratio test; and the volatility ratio with a block-bootstrap
  interval (beside the F, Levene and Brown-Forsythe tests).
* :func:`~riskcycle.regimes.icss` finds variance breaks without a given date (Inclán-Tiao ICSS with
  the kappa-2 statistic of Sansó, Aragó & Carrion-i-Silvestre).
* :func:`~riskcycle.regimes.halving_phase_control` and
  :func:`~riskcycle.regimes.cross_market_control` are the confounder checks: the same
  equal windows at the same halving-cycle phase in earlier cycles, and in other markets
  over the same dates.
* :func:`~riskcycle.regimes.correlation_regimes` measures correlation and beta to benchmarks per
  regime, paired without look-ahead.
* :func:`~riskcycle.regimes.volatility_ratio_test` is the building block for two samples.
"""

from __future__ import annotations

from ._bootstrap import ConfidenceInterval, VolatilityRatioResult, volatility_ratio_test
from ._controls import ControlResult, cross_market_control, halving_phase_control
from ._core import volatility_regimes
from ._correlation import CorrelationRegimeResult, correlation_regimes
from ._garch import VarianceShiftResult
from ._icss import ICSSResult, icss
from ._result import RegimeResult

__all__ = [
    "ConfidenceInterval",
    "ControlResult",
    "CorrelationRegimeResult",
    "ICSSResult",
    "RegimeResult",
    "VarianceShiftResult",
    "VolatilityRatioResult",
    "correlation_regimes",
    "cross_market_control",
    "halving_phase_control",
    "icss",
    "volatility_ratio_test",
    "volatility_regimes",
]
