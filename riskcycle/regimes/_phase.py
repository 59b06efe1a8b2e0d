"""Volatility by halving-cycle phase: each cycle's realised volatility against the
fraction of the cycle elapsed, one line per cycle, beside the equal-window test at
the same phase in earlier cycles (:func:`~riskcycle.regimes.halving_phase_control`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._results import ResultMixin, Summary, package_versions
from .._rng import RNGLike
from .._typing import AxesLike, DateLike, PricesLike
from .._validation import fmt_date
from ..calendar import halving_phase
from ._controls import ControlResult, halving_phase_control
from ._input import check_periods_per_year, check_window, log_returns, price_frame

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["PhaseVolatilityResult", "volatility_by_halving_phase"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseVolatilityResult(ResultMixin):
    """Rolling realised volatility by halving cycle and cycle fraction.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per date: ``date, epoch, cycle_fraction, days_since_halving,
        volatility`` (annualised, trailing ``window``).
    by_phase : pandas.DataFrame
        Mean volatility per cycle in tenths of the cycle (rows ``0.0-0.1`` ...,
        columns ``cycle 1`` ...).
    control : ControlResult
        :func:`~riskcycle.regimes.halving_phase_control` at ``break_date``.
    break_fraction : float
        Cycle fraction of ``break_date``.
    """

    table: pd.DataFrame
    by_phase: pd.DataFrame
    control: ControlResult
    break_date: pd.Timestamp
    break_fraction: float
    window: pd.Timedelta
    periods_per_year: float
    versions: dict[str, str] = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"PhaseVolatilityResult(break {fmt_date(self.break_date)} at cycle fraction "
            f"{self.break_fraction:.3f}, cycles {sorted(self.table['epoch'].unique().tolist())})"
        )

    def to_frame(self) -> pd.DataFrame:
        """The per-date table (tidy, unrounded)."""
        return self.table.copy()

    def _summary(self) -> Summary:
        ctrl = self.control.summary()
        return Summary(
            f"Volatility by halving-cycle phase ({self.window.days}-day trailing window)",
            tables=(
                ("Mean annualised volatility per tenth of each cycle", self.by_phase),
                *ctrl.tables,
            ),
            notes=(
                f"{fmt_date(self.break_date)} is at fraction {self.break_fraction:.3f} of "
                "its halving cycle.",
                *ctrl.notes,
            ),
        )

    def plot(self, ax: AxesLike = None) -> Figure:
        """One line per cycle: volatility against the fraction of the cycle elapsed.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4))
        for e, g in self.table.groupby("epoch"):
            lab = "before the first halving" if e == 0 else f"cycle {e}"
            if e == 0:
                continue
            ax.plot(g["cycle_fraction"], g["volatility"], lw=0.9, label=lab)
        ax.axvline(
            self.break_fraction,
            color="k",
            ls="--",
            lw=0.9,
            label=f"{fmt_date(self.break_date)} (phase)",
        )
        ax.set_xlabel("fraction of the halving cycle elapsed (0 = halving)")
        ax.set_ylabel(f"annualised volatility, trailing {self.window.days} days (fraction)")
        ax.set_xlim(0, max(1.0, float(self.table["cycle_fraction"].max())))
        ax.legend(fontsize="small")
        return ax.figure


def volatility_by_halving_phase(
    prices: PricesLike,
    *,
    window: str | int | pd.Timedelta = "30D",
    break_date: DateLike = "2024-01-10",
    control_window: str | int | pd.Timedelta = "365D",
    periods_per_year: float | None = None,
    n_resamples: int = 9999,
    rng: RNGLike = None,
) -> PhaseVolatilityResult:
    """Each halving cycle's realised volatility against the fraction of the cycle elapsed.

    Parameters
    ----------
    prices : pandas.Series or DataFrame
        Bitcoin prices (``datasets.load("btc_long")`` reaches the first cycle; its
        history before 2014-09-17 is Coin Metrics data under CC BY-NC 4.0).
    window : str, timedelta or int, default "30D"
        Trailing calendar window of the rolling volatility (an int is days).
    break_date : date, default "2024-01-10"
        Date marked on the plot and tested by the equal-window control.
    control_window : str, timedelta or int, default "365D"
        Windows of :func:`~riskcycle.regimes.halving_phase_control`.
    periods_per_year : float, optional
        Annualisation; default ``prices.attrs["periods_per_year"]``.
    n_resamples, rng
        Passed to :func:`~riskcycle.regimes.halving_phase_control`.

    Returns
    -------
    PhaseVolatilityResult

    Raises
    ------
    TypeError, ValueError
        Invalid prices or options; a ``break_date`` before the first halving.

    Notes
    -----
    Cycle phase from :func:`riskcycle.calendar.halving_phase` (the current cycle's
    length is projected from the mean of the completed ones). The volatility at a
    date uses the returns in the trailing ``window`` only (sample s.d., ddof=1,
    times the square root of ``periods_per_year``), so the curves show what was
    known at each phase.

    Examples
    --------
    >>> import riskcycle
    >>> from riskcycle.regimes import volatility_by_halving_phase
    >>> res = volatility_by_halving_phase(riskcycle.datasets.load("btc"), n_resamples=99, rng=0)
    >>> sorted(res.table["epoch"].unique().tolist())
    [1, 2, 3, 4]
    """
    frame = price_frame(prices)
    ppy = check_periods_per_year(periods_per_year, prices)
    window = check_window(window, allow_none=False)
    control = halving_phase_control(
        prices,
        break_date=break_date,
        window=control_window,
        periods_per_year=ppy,
        n_resamples=n_resamples,
        rng=rng,
    )
    r = log_returns(frame["close"])
    vol = r.rolling(window, min_periods=max(5, window.days // 2)).std() * math.sqrt(ppy)
    ph = halving_phase(r.index)
    table = pd.DataFrame(
        {
            "date": r.index,
            "epoch": ph["epoch"].to_numpy(),
            "cycle_fraction": ph["cycle_fraction"].to_numpy(),
            "days_since_halving": ph["days_since_halving"].to_numpy(),
            "volatility": vol.to_numpy(),
        }
    ).dropna(subset=["volatility"])
    table = table.reset_index(drop=True)
    cyc = table[table["epoch"] >= 1]
    bins = np.floor(np.clip(cyc["cycle_fraction"], 0, 1.0 - 1e-12) * 10) / 10
    by = (
        cyc.assign(phase=[f"{b:.1f}-{b + 0.1:.1f}" for b in bins])
        .groupby(["phase", "epoch"])["volatility"]
        .mean()
        .unstack("epoch")
    )
    by.columns = [f"cycle {int(c)}" for c in by.columns]
    by.index.name = "cycle fraction"
    frac = float(halving_phase([control.break_date])["cycle_fraction"].iloc[0])
    return PhaseVolatilityResult(
        table=table,
        by_phase=by,
        control=control,
        break_date=control.break_date,
        break_fraction=frac,
        window=window,
        periods_per_year=ppy,
        versions=package_versions(),
    )
