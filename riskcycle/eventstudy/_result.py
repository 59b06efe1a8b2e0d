"""The result object of :func:`riskcycle.event_study`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from .._results import ResultMixin, Summary, package_versions
from .._typing import AxesLike

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["EventStudyResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EventStudyResult(ResultMixin):
    """Forward returns, abnormal returns and cross-event tests of an event study.

    Attributes
    ----------
    windows : pandas.DataFrame
        One row per included event and horizon (see :meth:`to_frame`).
    tests : pandas.DataFrame
        One row per test and horizon: ``test``, ``horizon``, ``statistic``,
        ``pvalue``, ``min_attainable_pvalue`` (smallest p-value the test can give
        with this many events; 0 for continuous tests, NaN when not computed),
        ``null_hypothesis`` (plain language), ``n_events``, ``note`` (why a value is
        NaN, overlap caveats), ``reference_distribution``, ``ci_low``/``ci_high``
        (confidence interval for the mean CAR, cross-sectional t row only).
    paths : pandas.DataFrame
        Cumulative log return from the day-0 close, rows = calendar-day offset
        (``day``), columns = event dates; at offset ``k`` the value of the last bar
        dated on or before day 0 + ``k`` days, NaN outside the data.
    abnormal_paths : pandas.DataFrame
        Cumulative abnormal return from day 0 in the same layout (the sum of the
        daily abnormal returns; equals ``paths`` for ``model="raw"`` with log returns).
    events : pandas.DataFrame
        Every event given, indexed by ``event_date``: ``information_time``,
        ``available_time``, ``day0_date``, ``day0_position`` and ``status``
        (``"ok"``, or ``"before_start"``/``"after_end"`` for excluded events).
    model_parameters : pandas.DataFrame
        Per included event: estimation window dates and size, ``alpha`` (mean for
        the constant-mean model), ``beta``, residual ``sigma``.
    horizons : tuple of int
        Calendar-day horizons.
    model, return_type, alternative : str
    confidence_level : float
    follower_name, leader_name : str
    benchmark_name : str or None
    settings : dict
        Every setting used.
    versions : dict
        riskcycle's and key dependencies' versions.
    """

    windows: pd.DataFrame
    tests: pd.DataFrame
    paths: pd.DataFrame
    abnormal_paths: pd.DataFrame
    events: pd.DataFrame
    model_parameters: pd.DataFrame
    horizons: tuple[int, ...]
    model: str
    return_type: str
    alternative: str
    confidence_level: float
    follower_name: str = "follower"
    leader_name: str = "leader"
    benchmark_name: str | None = None
    settings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=package_versions)

    @property
    def excluded(self) -> pd.DataFrame:
        """The events left out (before the follower's first bar or after its last)."""
        return self.events.loc[self.events["status"] != "ok", ["status"]].copy()

    def to_frame(self) -> pd.DataFrame:
        """Long format, one row per event and horizon (never rounded).

        Columns: ``event_date``, ``day0_date``, ``horizon`` (calendar days),
        ``end_date`` (window's last bar, or the last bar so far), ``n_bars``
        (daily returns in the window), ``complete``, ``overlapping`` (shares days
        with another event's window of the same horizon), ``return``,
        ``log_return`` (NaN when incomplete), ``return_to_date``,
        ``log_return_to_date`` (up to ``end_date`` either way), ``max_drawdown``,
        ``max_runup``, ``peak_return``, ``days_to_peak``, ``car`` (cumulative
        abnormal return; NaN when incomplete), ``car_se`` (its standard error
        under the null), ``scar`` (``car / car_se``) and ``estimation_obs``.
        """
        return self.windows.copy()

    def __repr__(self) -> str:
        n_in = int((self.events["status"] == "ok").sum())
        n_out = len(self.events) - n_in
        out = f", {n_out} excluded" if n_out else ""
        return (
            f"EventStudyResult({self.follower_name} after {self.leader_name} events: "
            f"n={n_in}{out}, horizons={self.horizons}, model={self.model!r})"
        )

    def _summary(self) -> Summary:
        w = self.windows
        ret = w.pivot(index="event_date", columns="horizon", values="return_to_date")
        ret.columns = [f"{h}d" for h in ret.columns]
        ret.index.name = "event_date"
        inc = w.loc[~w["complete"]]
        for _, r in inc.iterrows():
            ret.loc[r["event_date"], f"{r['horizon']}d"] = r["return_to_date"]
        hmax = max(self.horizons)
        last = w.loc[w["horizon"] == hmax].set_index("event_date")
        ret[f"max_drawdown_{hmax}d"] = last["max_drawdown"]
        ret[f"days_to_peak_{hmax}d"] = last["days_to_peak"]
        car = w.pivot(index="event_date", columns="horizon", values="car")
        car.columns = [f"car_{h}d" for h in car.columns]
        tests = self.tests.pivot(index="test", columns="horizon", values="pvalue")
        tests = tests.loc[list(dict.fromkeys(self.tests["test"]))]
        tests.columns = [f"p_{h}d" for h in tests.columns]
        mins = self.tests.pivot(index="test", columns="horizon", values="min_attainable_pvalue")
        tests["min_p_" + f"{hmax}d"] = mins[hmax]
        notes = [
            f"Returns from the day-0 close; horizons in calendar days. Model "
            f"{self.model!r} on {self.return_type} returns"
            + (f" against {self.benchmark_name}" if self.benchmark_name else "")
            + ".",
            f"Tests: alternative={self.alternative!r}; complete windows only.",
        ]
        if len(inc):
            notes.append(
                "Incomplete windows (return so far shown): "
                + "; ".join(
                    f"{r['event_date'].date()} at {r['horizon']}d (to {r['end_date'].date()})"
                    for _, r in inc.iterrows()
                )
                + "."
            )
        ex = self.excluded
        if len(ex):
            notes.append(
                "Excluded events: "
                + ", ".join(f"{d.date()} ({s})" for d, s in ex["status"].items())
                + "."
            )
        if w["overlapping"].any():
            notes.append("Some windows overlap: the iid tests over-reject; see tests.note.")
        return Summary(
            title=f"Event study: {self.follower_name} after {self.leader_name} events",
            tables=(
                ("Simple return from day 0", ret),
                ("Cumulative abnormal return", car),
                ("Test p-values", tests),
            ),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None, *, abnormal: bool = False, events: bool = True) -> Figure:
        """Average cumulative path with a confidence band, and each event's path.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        abnormal : bool, default False
            Plot cumulative abnormal returns instead of returns.
        events : bool, default True
            Draw each event's path.

        Returns
        -------
        matplotlib.figure.Figure

        Notes
        -----
        The y axis is the growth of 1 invested at the day-0 close,
        :math:`\\exp(\\text{cumulative log return})`, on a log scale. The thick line
        is the mean cumulative log return across the events observed at each
        offset (a geometric-mean path); the band is its pointwise t confidence
        interval at ``confidence_level`` (needs two events). Where an incomplete
        window's path ends the mean is taken over fewer events, so it can jump.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4.5))
        p = self.abnormal_paths if abnormal else self.paths
        x = p.index.to_numpy()
        vals = p.to_numpy()
        if events:
            for j, d in enumerate(p.columns):
                ax.plot(x, np.exp(vals[:, j]), lw=0.9, alpha=0.8, label=d.strftime("%Y-%m-%d"))
        n = np.isfinite(vals).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, np.nansum(vals, axis=1) / np.maximum(n, 1), np.nan)
            sd = np.array(
                [
                    np.std(v[np.isfinite(v)], ddof=1) if k > 1 else np.nan
                    for v, k in zip(vals, n, strict=True)
                ]
            )
            q = stats.t.ppf(0.5 + self.confidence_level / 2, np.maximum(n - 1, 1))
            half = np.where(n > 1, q * sd / np.sqrt(np.maximum(n, 1)), np.nan)
        ax.plot(x, np.exp(mean), color="k", lw=2.2, label="mean (geometric)")
        ax.fill_between(
            x,
            np.exp(mean - half),
            np.exp(mean + half),
            color="0.5",
            alpha=0.25,
            label=f"{100 * self.confidence_level:g}% CI of the mean",
        )
        ax.axvline(0, color="0.3", lw=0.8, ls="--")
        ax.axhline(1, color="0.3", lw=0.8)
        ax.set_yscale("log")
        ax.set_xlabel("calendar days from day 0")
        ax.set_ylabel("growth of 1 (abnormal)" if abnormal else "growth of 1")
        kind = "abnormal " if abnormal else ""
        ax.set_title(
            f"{self.follower_name} {kind}path after {self.leader_name} events", fontsize=10
        )
        ax.legend(fontsize=7, loc="upper left", ncol=2)
        return ax.figure
