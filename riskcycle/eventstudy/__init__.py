"""Event study of a follower series after leader events.

:func:`event_study` maps each event onto the follower's calendar without
look-ahead, measures forward returns, drawdowns and run-ups over several
horizons, computes abnormal returns against a normal-return model and tests
them across events (:class:`EventStudyResult`).

Internal helpers shared with :mod:`riskcycle.inference` (stable signatures):
:func:`riskcycle.eventstudy._core.forward_log_returns` and
:func:`riskcycle.eventstudy._core.event_day0_positions`.
"""

from __future__ import annotations

from ._result import EventStudyResult
from ._study import event_study

__all__ = ["EventStudyResult", "event_study"]
