"""Resampling inference for few, overlapping events.

How surprising are the follower's returns after the events, given few events,
overlapping windows and a follower that rises most of the time anyway?

- :func:`event_sample`: a follower and its events prepared once for one horizon
  (:class:`EventSample`: day-0 bars, forward returns, excluded events, spacing),
  accepted by the tests below in place of the follower.
- :func:`placebo_test`: permutation over dates (random admissible date sets with
  the events' spacing; optional halving-phase, leader-state and date-range
  matching; exact enumeration when small).
- :func:`bootstrap_ci`: stationary / circular block-bootstrap intervals for the
  mean or median forward return across events or on every day.
- :func:`garch_null_test`: the event statistic on paths simulated from a fitted
  GARCH(1,1) with Student-t innovations (Brock, Lakonishok & LeBaron 1992).
- :func:`base_rate`: how often the follower beats a threshold on any day, the
  events' hit count against it (binomial, Beta-Binomial, Bayes factor).
- :func:`power_analysis`: power of the placebo test against the number of events,
  minimum detectable effect and events needed.
- :func:`calibrate`: a test's size on the follower's own history (random event
  sets with the events' count, spacing and era mix) and its calibrated p-value.
"""

from __future__ import annotations

from .._sample import EventSample, event_sample
from ._base_rate import base_rate
from ._bootstrap import bootstrap_ci
from ._calibrate import CalibrationResult, calibrate
from ._garch_null import garch_null_test
from ._placebo import placebo_test
from ._power import power_analysis
from ._result import BaseRateResult, BootstrapResult, GarchNullResult, PlaceboResult, PowerResult

__all__ = [
    "BaseRateResult",
    "BootstrapResult",
    "CalibrationResult",
    "EventSample",
    "GarchNullResult",
    "PlaceboResult",
    "PowerResult",
    "base_rate",
    "bootstrap_ci",
    "calibrate",
    "event_sample",
    "garch_null_test",
    "placebo_test",
    "power_analysis",
]
