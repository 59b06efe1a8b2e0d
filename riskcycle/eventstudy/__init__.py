"""Event study of a follower series after leader events.

:func:`event_study` maps each event onto the follower's calendar without
look-ahead, measures forward returns, drawdowns and run-ups over several
horizons, computes abnormal returns against a normal-return model and tests
them across events (:class:`EventStudyResult`).

Day-0 positions, windows and forward returns come from the event-sample layer
shared with :mod:`riskcycle.inference` and :mod:`riskcycle.backtesting`
(:mod:`riskcycle._sample`).
"""

from __future__ import annotations

from ._result import EventStudyResult
from ._study import event_study

__all__ = ["EventStudyResult", "event_study"]
