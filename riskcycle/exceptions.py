"""Warnings and errors raised by riskcycle.

Every warning riskcycle emits is a subclass of :class:`RiskcycleWarning`, so a
caller can filter all of them at once (``warnings.simplefilter("ignore",
RiskcycleWarning)``) or turn one kind into an error in a test suite.
"""

from __future__ import annotations

__all__ = [
    "DataLicenceWarning",
    "DegenerateDataWarning",
    "EventsExcludedWarning",
    "IncompleteWindowWarning",
    "ModelBoundaryWarning",
    "OverlappingWindowsWarning",
    "RiskcycleWarning",
    "SmallSampleWarning",
]


class RiskcycleWarning(UserWarning):
    """Base class of every warning emitted by riskcycle."""


class DegenerateDataWarning(RiskcycleWarning):
    """The data make a statistic undefined (constant series, empty window); NaN is returned."""


class SmallSampleWarning(RiskcycleWarning):
    """Too few observations or events for the requested method to be informative."""


class EventsExcludedWarning(RiskcycleWarning):
    """Some events were dropped (e.g. before the follower's first date); the message names them."""


class IncompleteWindowWarning(RiskcycleWarning):
    """An event window runs past the end of the data; it is reported as incomplete."""


class OverlappingWindowsWarning(RiskcycleWarning):
    """Event windows overlap, so per-event statistics are not independent."""


class DataLicenceWarning(RiskcycleWarning):
    """The data used carry a licence restriction (e.g. non-commercial use only)."""


class ModelBoundaryWarning(RiskcycleWarning):
    """A fitted model sits on the boundary of its admissible region (e.g. GARCH persistence
    alpha + beta = 1, where the unconditional variance does not exist); the message says
    what riskcycle did instead."""
