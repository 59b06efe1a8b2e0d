"""Volatility regimes: did volatility change at a date, and is the date the reason?

* :func:`volatility_regimes` compares regimes between given break dates:
  realised volatility (close-to-close, Parkinson, Garman-Klass), downside
  semivolatility, higher moments and drawdowns; GARCH(1,1)-t and GJR-GARCH-t fits
  per regime; a full-sample GARCH with a variance-intercept shift and its
  likelihood-ratio test; and the volatility ratio with a block-bootstrap
  interval (beside the F, Levene and Brown-Forsythe tests).
* :func:`~riskcycle.regimes.variance_breaks` estimates where the data put variance breaks
  (least squares on absolute returns, Bai-Perron) with Bai's (1997) interval for each
  date, beside candidate dates (ETF listing and approval, halvings).
* :func:`~riskcycle.regimes.variance_effect` puts an event inside a GARCH(1,1)-t variance
  equation: a variance multiplier with a profile-likelihood interval and an LR test.
* :func:`~riskcycle.regimes.abnormal_volatility` is an event study of volatility: realised
  variance after each event against a forecast made with data up to it.
* :func:`~riskcycle.regimes.volatility_by_halving_phase` draws each halving cycle's
  volatility against the fraction of the cycle elapsed.
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

from ._abnormal import AbnormalVolatilityResult, abnormal_volatility
from ._bootstrap import ConfidenceInterval, VolatilityRatioResult, volatility_ratio_test
from ._breaks import DEFAULT_CANDIDATES, VarianceBreakResult, variance_breaks
from ._controls import ControlResult, cross_market_control, halving_phase_control
from ._core import volatility_regimes
from ._correlation import CorrelationRegimeResult, correlation_regimes
from ._effect import VarianceEffectResult, variance_effect
from ._garch import VarianceShiftResult
from ._icss import ICSSResult, icss
from ._phase import PhaseVolatilityResult, volatility_by_halving_phase
from ._result import RegimeResult

__all__ = [
    "DEFAULT_CANDIDATES",
    "AbnormalVolatilityResult",
    "ConfidenceInterval",
    "ControlResult",
    "CorrelationRegimeResult",
    "ICSSResult",
    "PhaseVolatilityResult",
    "RegimeResult",
    "VarianceBreakResult",
    "VarianceEffectResult",
    "VarianceShiftResult",
    "VolatilityRatioResult",
    "abnormal_volatility",
    "correlation_regimes",
    "cross_market_control",
    "halving_phase_control",
    "icss",
    "variance_breaks",
    "variance_effect",
    "volatility_by_halving_phase",
    "volatility_ratio_test",
    "volatility_regimes",
]
