"""Named types of the public signatures (what an argument accepts, in one place).

Every public function annotates its arguments with these aliases rather than ``Any``,
so that the signature, the docs and a type checker say the same thing. They are real
typing objects, so :func:`typing.get_type_hints` resolves a riskcycle signature at run
time; riskcycle's own classes and matplotlib's ``Axes`` are forward references to their
modules (resolved once those modules are imported). The results' ``plot()`` methods
return a matplotlib ``Figure``, a name only type checkers see (matplotlib is imported
when a figure is drawn). This module imports numpy and pandas, as every module that
uses it does already.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Sequence
from typing import ForwardRef, TypeAlias, Union

import numpy as np
import pandas as pd

__all__ = [
    "ArrayLike",
    "AxesLike",
    "ClockLike",
    "DateLike",
    "DatesLike",
    "DelayLike",
    "EventsLike",
    "FollowerLike",
    "PathLike",
    "PricesLike",
    "ReturnsLike",
    "StatisticLike",
]

_Events = ForwardRef("Events", module="riskcycle.events")
_SessionClock = ForwardRef("SessionClock", module="riskcycle.calendar")
_Axes = ForwardRef("Axes", module="matplotlib.axes")
_EventSample = ForwardRef("EventSample", module="riskcycle._sample")

#: one date: a string such as ``"2024-01-10"``, a date, a numpy datetime64 or a Timestamp
DateLike: TypeAlias = Union[str, datetime.date, np.datetime64, pd.Timestamp]  # noqa: UP007

#: several dates: a DatetimeIndex, a Series of dates or a sequence of :data:`DateLike`
DatesLike: TypeAlias = Union[pd.DatetimeIndex, pd.Series, Sequence[DateLike]]  # noqa: UP007

#: event dates: an :class:`~riskcycle.Events` object or plain dates
EventsLike: TypeAlias = Union[_Events, DatesLike]  # noqa: UP007

#: a daily price history: a CSV path, or a Series/DataFrame of closes (a DataFrame may
#: also have ``high``, ``low`` and ``volume`` columns)
PricesLike: TypeAlias = Union[str, os.PathLike[str], pd.Series, pd.DataFrame]  # noqa: UP007

#: a follower for the inference functions: its prices (:data:`PricesLike`), or an
#: :class:`~riskcycle.inference.EventSample` prepared from them with its events
FollowerLike: TypeAlias = Union[str, os.PathLike[str], pd.Series, pd.DataFrame, _EventSample]  # noqa: UP007

#: a file system path
PathLike: TypeAlias = Union[str, os.PathLike[str]]  # noqa: UP007

#: returns of one or several series (rows are dates or periods)
ReturnsLike: TypeAlias = Union[pd.Series, pd.DataFrame, np.ndarray, Sequence[float]]  # noqa: UP007

#: numbers convertible to a float array
ArrayLike: TypeAlias = Union[np.ndarray, pd.Series, pd.Index, Sequence[float]]  # noqa: UP007

#: an information clock: a :class:`~riskcycle.calendar.SessionClock` or its name
ClockLike: TypeAlias = Union[_SessionClock, str]  # noqa: UP007

#: a delay: a pandas offset string such as ``"1D"`` or ``"16h"``, or a Timedelta
DelayLike: TypeAlias = Union[str, pd.Timedelta, datetime.timedelta]  # noqa: UP007

#: a statistic of the event windows: its name or a function of a 1-D array
StatisticLike: TypeAlias = Union[str, Callable[[np.ndarray], float]]  # noqa: UP007

#: matplotlib axes to draw into (``None``: a new figure)
AxesLike: TypeAlias = Union[_Axes, None]  # noqa: UP007
