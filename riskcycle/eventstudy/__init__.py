"""Event study of a follower series after leader events.

:func:`event_study` maps each event onto the follower's calendar without
look-ahead, measures forward returns, drawdowns and run-ups over several
horizons, computes abnormal returns against a normal-return model and tests
them across events.
"""

from __future__ import annotations

__all__: list[str] = []
