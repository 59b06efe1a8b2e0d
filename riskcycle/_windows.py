"""Event windows on a follower's calendar: now part of :mod:`riskcycle._sample`.

Kept only for modules that still import ``riskcycle._windows``; new code imports
:mod:`riskcycle._sample`.
"""

from __future__ import annotations

from ._sample import NO_DELAY, horizon_end_positions, horizon_lengths

__all__ = ["NO_DELAY", "horizon_end_positions", "horizon_lengths"]
