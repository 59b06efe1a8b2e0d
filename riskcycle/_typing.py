"""Named types of the public signatures (what an argument accepts, in one place).

Every public function annotates its arguments with these aliases rather than ``Any``,
so that the signature, the docs and a type checker say the same thing. They are
strings evaluated only by type checkers (the modules use
``from __future__ import annotations``), so importing this module costs nothing and
imports neither pandas nor matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import datetime
    import os
    from collections.abc import Callable, Sequence

    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes as _Axes

    from .calendar import SessionClock
    from .events import Events

__all__ = [
    "ArrayLike",
    "AxesLike",
    "ClockLike",
    "DateLike",
    "DatesLike",
    "DelayLike",
    "EventsLike",
    "PathLike",
    "PricesLike",
    "ReturnsLike",
    "StatisticLike",
]

#: one date: a string such as ``"2024-01-10"``, a date, a numpy datetime64 or a Timestamp
DateLike: TypeAlias = "str | datetime.date | np.datetime64 | pd.Timestamp"

#: several dates: a DatetimeIndex, a Series of dates or a sequence of :data:`DateLike`
DatesLike: TypeAlias = "pd.DatetimeIndex | pd.Series | Sequence[DateLike]"

#: event dates: an :class:`~riskcycle.Events` object or plain dates
EventsLike: TypeAlias = "Events | DatesLike"

#: a daily price history: a bundled dataset's name, a CSV path, or a Series/DataFrame
#: of closes (a DataFrame may also have ``high``, ``low`` and ``volume`` columns)
PricesLike: TypeAlias = "str | os.PathLike[str] | pd.Series | pd.DataFrame"

#: a file system path
PathLike: TypeAlias = "str | os.PathLike[str]"

#: returns of one or several series (rows are dates or periods)
ReturnsLike: TypeAlias = "pd.Series | pd.DataFrame | np.ndarray | Sequence[float]"

#: numbers convertible to a float array
ArrayLike: TypeAlias = "np.ndarray | pd.Series | pd.Index | Sequence[float]"

#: an information clock: a :class:`~riskcycle.calendar.SessionClock` or its name
ClockLike: TypeAlias = "SessionClock | str"

#: a delay: a pandas offset string such as ``"1D"`` or ``"16h"``, or a Timedelta
DelayLike: TypeAlias = "str | pd.Timedelta | datetime.timedelta"

#: a statistic of the event windows: its name or a function of a 1-D array
StatisticLike: TypeAlias = "str | Callable[[np.ndarray], float]"

#: matplotlib axes to draw into (``None``: a new figure)
AxesLike: TypeAlias = "_Axes | None"
