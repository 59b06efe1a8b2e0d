"""Cycles: dated bull and bear phases, their synchronisation, and lead-lag.

* :func:`bull_bear` dates bull and bear phases by rule (Lunde & Timmermann 2004;
  Pagan & Sossounov 2003 after Bry & Boschan 1971), with each turning point's
  confirmation date (when the rule first knew it);
* :func:`phase_event_test` times a leader's events against a follower's phases
  (days to the next bull start, whether a bull phase was already known) with a
  placebo null over random dates;
* :func:`concordance` is Harding & Pagan's (2002, 2006) concordance index of two
  series' phases with a dependence-robust test, over the whole sample and by era;
* :func:`lead_lag` gives cross-correlations of returns at leads and lags with
  stationary-block-bootstrap bands and Granger causality both ways, by era.
"""

from __future__ import annotations

from ._events import PhaseEventResult, phase_event_test
from ._leadlag import LeadLagResult, lead_lag
from ._phases import BullBearResult, bull_bear
from ._sync import ConcordanceResult, concordance

__all__ = [
    "BullBearResult",
    "ConcordanceResult",
    "LeadLagResult",
    "PhaseEventResult",
    "bull_bear",
    "concordance",
    "lead_lag",
    "phase_event_test",
]
