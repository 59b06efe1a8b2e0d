r"""Dated bull and bear phases of a price series: :func:`bull_bear`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._results import ResultMixin, Summary, package_versions
from .._typing import AxesLike, ClockLike, PricesLike
from .._validation import as_price_series, check_choice, check_float
from ..calendar import get_clock
from . import _dating as D

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["BullBearResult", "PhaseSettings", "bull_bear"]

METHODS = ("lunde_timmermann", "pagan_sossounov")
_DAY_NS = 86_400 * 10**9

_REFERENCES = {
    "lunde_timmermann": (
        "Lunde, A. & Timmermann, A. (2004). Duration dependence in stock prices: an analysis "
        "of bull and bear markets. Journal of Business & Economic Statistics 22(3), 253-273. "
        "doi:10.1198/073500104000000136"
    ),
    "pagan_sossounov": (
        "Pagan, A. R. & Sossounov, K. A. (2003). A simple framework for analysing bull and "
        "bear markets. Journal of Applied Econometrics 18(1), 23-46. doi:10.1002/jae.664"
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseSettings:
    """The options of :func:`bull_bear` (also the result's ``settings``)."""

    dating: str
    rise: float
    fall: float
    window: float
    censor: float
    min_phase: float
    min_cycle: float
    phase_exception: float

    def as_dict(self) -> dict[str, Any]:
        if self.dating == "lunde_timmermann":
            return {"dating": self.dating, "rise": self.rise, "fall": self.fall}
        return {
            "dating": self.dating,
            "window_months": self.window,
            "censor_months": self.censor,
            "min_phase_months": self.min_phase,
            "min_cycle_months": self.min_cycle,
            "phase_exception": self.phase_exception,
        }

    def describe(self) -> str:
        if self.dating == "lunde_timmermann":
            return (
                f"Lunde-Timmermann: a bull phase starts at a trough once the price has risen "
                f"{self.rise:.0%} from it, a bear phase at a peak once it has fallen "
                f"{self.fall:.0%} from it"
            )
        return (
            f"Pagan-Sossounov: extremes within +/-{self.window:g} months, no turn within "
            f"{self.censor:g} months of the ends, cycles of at least {self.min_cycle:g} months, "
            f"phases of at least {self.min_phase:g} months unless the move is at least "
            f"{self.phase_exception:.0%}"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class BullBearResult(ResultMixin):
    """Dated bull and bear phases of one price series.

    Attributes
    ----------
    turning_points : pandas.DataFrame
        One row per turning point: ``date``, ``kind`` (``"peak"`` or
        ``"trough"``), ``price``, ``confirmation_date`` (the first date at
        which the rule, run on the data available then, knew the turning point
        and never revised it afterwards) and ``confirmation_lag_days``.
    phases : pandas.DataFrame
        One row per phase (see :meth:`to_frame`).
    state : pandas.Series
        Ex-post phase indicator on every bar: 1 in a bull phase (from a trough
        to the next peak), 0 in a bear phase. Uses turning points dated with
        later data: do not use it as a signal.
    known_state : pandas.Series
        The phase as known at each bar's close from the data through that bar:
        1.0 bull, 0.0 bear, NaN before the rule knew any turning point. This is
        the look-ahead-free indicator to use in signals and as-of analyses.
    prices : pandas.Series
        The closes that were dated.
    settings : PhaseSettings
    name : str
        The series' name.
    clock : str or None
        The series' clock name when known (``attrs["clock"]``).
    notes : tuple of str
    versions : dict
    """

    turning_points: pd.DataFrame
    phases: pd.DataFrame
    state: pd.Series = field(repr=False)
    known_state: pd.Series = field(repr=False)
    prices: pd.Series = field(repr=False)
    settings: PhaseSettings
    name: str
    clock: str | None = None
    notes: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=package_versions, repr=False)

    def __repr__(self) -> str:
        n_bull = int((self.phases["phase"] == "bull").sum())
        n_bear = int((self.phases["phase"] == "bear").sum())
        return (
            f"BullBearResult({self.name}, dating={self.settings.dating!r}, "
            f"{n_bull} bull and {n_bear} bear phases, {len(self.turning_points)} turning points)"
        )

    @property
    def peaks(self) -> pd.DatetimeIndex:
        """Dates of the peaks (ends of bull phases)."""
        tp = self.turning_points
        return pd.DatetimeIndex(tp.loc[tp["kind"] == "peak", "date"], name="peak")

    @property
    def troughs(self) -> pd.DatetimeIndex:
        """Dates of the troughs (starts of bull phases)."""
        tp = self.turning_points
        return pd.DatetimeIndex(tp.loc[tp["kind"] == "trough", "date"], name="trough")

    def to_frame(self) -> pd.DataFrame:
        """One row per phase, never rounded.

        Columns: ``phase`` (``"bull"``/``"bear"``), ``start``, ``end``,
        ``start_price``, ``end_price``, ``return`` (simple return from start to
        end), ``log_return``, ``duration_days`` (calendar days),
        ``start_confirmation`` (confirmation date of the turning point that
        starts the phase; NaT for a phase that starts with the data),
        ``end_confirmation``, ``censored_start`` (the phase began before the data,
        before the first turning point or at a turning point on the first bar,
        which earlier data might not confirm) and ``censored_end`` (still running
        at the end of the data).
        """
        return self.phases.copy()

    def _summary(self) -> Summary:
        ph = self.to_frame()
        table = ph.set_index("start")[
            [
                "phase",
                "end",
                "return",
                "duration_days",
                "start_confirmation",
                "censored_start",
                "censored_end",
            ]
        ]
        done = ph[~ph["censored_start"] & ~ph["censored_end"]]
        agg = (
            done.groupby("phase")
            .agg(
                n=("return", "size"),
                mean_return=("return", "mean"),
                median_duration_days=("duration_days", "median"),
            )
            .rename_axis("phase")
        )
        lag = self.turning_points["confirmation_lag_days"]
        notes = [
            self.settings.describe() + ".",
            "start_confirmation: first date the rule, run on the data available then, knew "
            "the phase had started (use it, not the start, for signals and as-of analyses).",
        ]
        if len(lag):
            notes.append(
                f"Median confirmation lag {float(np.median(lag)):.0f} days "
                f"(max {float(np.max(lag)):.0f})."
            )
        notes += list(self.notes)
        return Summary(
            title=f"Bull and bear phases of {self.name} ({self.settings.dating})",
            tables=(("Phases", table), ("Complete phases", agg)),
            notes=tuple(notes),
        )

    def plot(self, ax: AxesLike = None, *, log: bool = True) -> Figure:
        """Shaded bull (green) and bear (red) phases on the price.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Axes to draw on; default a new figure.
        log : bool, default True
            Logarithmic price axis.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(10, 4))
        else:
            fig = ax.figure
        p = self.prices
        ax.plot(p.index, p.to_numpy(), color="k", lw=0.7, label=self.name)
        for row in self.phases.itertuples():
            color = "tab:green" if row.phase == "bull" else "tab:red"
            ax.axvspan(row.start, row.end, color=color, alpha=0.15 if row.censored_end else 0.25)
        tp = self.turning_points
        for kind, marker, color in (("peak", "v", "tab:red"), ("trough", "^", "tab:green")):
            sel = tp[tp["kind"] == kind]
            ax.scatter(sel["date"], sel["price"], marker=marker, color=color, s=18, zorder=3)
            conf = sel["confirmation_date"]
            ax.scatter(
                conf,
                p.reindex(pd.DatetimeIndex(conf)).to_numpy(),
                marker="|",
                color=color,
                s=40,
                zorder=3,
            )
        if log:
            ax.set_yscale("log")
        units = self.prices.attrs.get("units", "price units")
        ax.set_ylabel(f"{self.name} close ({units}{', log scale' if log else ''})")
        ax.set_xlabel("date")
        ax.set_title(
            f"{self.name}: bull (green) and bear (red) phases, {self.settings.dating}; "
            "triangles: turning points, bars: confirmation dates",
            fontsize=9,
        )
        fig.tight_layout()
        return fig


# ---------------------------------------------------------------------------
# the function
# ---------------------------------------------------------------------------
def _bull_bear_iv(
    prices, dating, rise, fall, window, censor, min_phase, min_cycle, phase_exception, clock
):
    dating = check_choice(dating, "dating", METHODS)
    rise = check_float(
        rise, "rise", minimum=0.0, inclusive=(False, True), what="a positive fraction"
    )
    fall = check_float(
        fall,
        "fall",
        minimum=0.0,
        maximum=1.0,
        inclusive=(False, False),
        what="a fraction",
    )
    months = {}
    for name, value in (
        ("window", window),
        ("censor", censor),
        ("min_phase", min_phase),
        ("min_cycle", min_cycle),
    ):
        months[name] = check_float(
            value,
            name,
            minimum=0.0,
            inclusive=(name == "censor" or name.startswith("min"), True),
            what="a non-negative number of months" if name != "window" else "a number of months",
        )
    phase_exception = check_float(
        phase_exception, "phase_exception", minimum=0.0, what="a non-negative fraction"
    )
    clk = None
    if clock is not None:
        clk = get_clock(clock, "clock")
    elif "clock" in (getattr(prices, "attrs", {}) or {}):
        clk = get_clock(prices.attrs["clock"], "clock")
    close = as_price_series(
        prices, name="prices", timezone=clk.timezone if clk is not None else "UTC"
    )
    settings = PhaseSettings(
        dating=dating,
        rise=rise,
        fall=fall,
        window=months["window"],
        censor=months["censor"],
        min_phase=months["min_phase"],
        min_cycle=months["min_cycle"],
        phase_exception=phase_exception,
    )
    return close, settings, clk


def _turns(x: np.ndarray, day: np.ndarray, s: PhaseSettings):
    if s.dating == "lunde_timmermann":
        turns = D.lt_turns(x, s.rise, s.fall)
        return turns, D.lt_asof_state(len(x), turns)
    rule = D.PSRule(
        x,
        day,
        window=s.window * D.DAYS_PER_MONTH,
        censor=s.censor * D.DAYS_PER_MONTH,
        min_phase=s.min_phase * D.DAYS_PER_MONTH,
        min_cycle=s.min_cycle * D.DAYS_PER_MONTH,
        exception=s.phase_exception,
    )
    return D.ps_confirmations(rule)


def _phase_table(close: pd.Series, turns, x: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    idx = close.index
    n = len(x)
    state = np.zeros(n, dtype=np.int8)
    rows = []
    bounds = [(0, None, None)] + [(p, k, c) for p, k, c in turns] + [(n - 1, None, None)]
    for (a, ka, ca), (b, kb, cb) in itertools.pairwise(bounds):
        if b <= a:
            continue
        # the phase after a trough is bull; before the first turn it is the opposite of
        # the first turn's aftermath (a trough ends a bear)
        if ka is not None:
            bull = ka == D.TROUGH
        elif kb is not None:
            bull = kb == D.PEAK
        else:
            continue  # no turning point at all: the phase is unknown
        state[a : b + 1] = 1 if bull else 0
        rows.append(
            {
                "phase": "bull" if bull else "bear",
                "start": idx[a],
                "end": idx[b],
                "start_price": float(x[a]),
                "end_price": float(x[b]),
                "return": float(x[b] / x[a] - 1.0),
                "log_return": float(np.log(x[b] / x[a])),
                "duration_days": int((idx[b] - idx[a]).days),
                "start_confirmation": idx[ca] if ca is not None else pd.NaT,
                "end_confirmation": idx[cb] if cb is not None else pd.NaT,
                "censored_start": ka is None or a == 0,
                "censored_end": kb is None,
            }
        )
    # a turn's bar belongs to the phase it ends: re-mark the turning bars
    for p, k, _ in turns:
        state[p] = 1 if k == D.PEAK else 0
    cols = [
        "phase",
        "start",
        "end",
        "start_price",
        "end_price",
        "return",
        "log_return",
        "duration_days",
        "start_confirmation",
        "end_confirmation",
        "censored_start",
        "censored_end",
    ]
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("start", "end", "start_confirmation", "end_confirmation"):
        frame[c] = pd.DatetimeIndex(frame[c]).as_unit("ns")
    frame["duration_days"] = frame["duration_days"].astype(np.int64)
    frame["censored_start"] = frame["censored_start"].astype(bool)
    frame["censored_end"] = frame["censored_end"].astype(bool)
    return frame, state


def bull_bear(
    prices: PricesLike,
    *,
    dating: str = "lunde_timmermann",
    rise: float = 0.20,
    fall: float = 0.20,
    window: float = 8.0,
    censor: float = 6.0,
    min_phase: float = 4.0,
    min_cycle: float = 16.0,
    phase_exception: float = 0.20,
    clock: ClockLike | None = None,
) -> BullBearResult:
    r"""Date bull and bear phases of a price series by rule.

    Parameters
    ----------
    prices : Series or DataFrame
        Daily closes (a DataFrame's ``close`` column) with a DatetimeIndex.
    dating : {"lunde_timmermann", "pagan_sossounov"}, default "lunde_timmermann"
        The dating algorithm (Notes).
    rise, fall : float, default 0.20
        Lunde-Timmermann thresholds :math:`\lambda_1` and :math:`\lambda_2`: a
        bull phase is dated from a trough once the price has risen by ``rise``
        from it, a bear phase from a peak once it has fallen by ``fall``. Variants
        used in the literature include (0.20, 0.10) and (0.15, 0.10); 0.20/0.20 is
        the financial press's convention. For a volatile asset such as Bitcoin
        20% moves are frequent: larger thresholds date fewer, longer phases.
    window, censor, min_phase, min_cycle : float, default 8, 6, 4, 16
        Pagan-Sossounov settings in months (1 month = 365.25/12 calendar days):
        half-width of the window in which a turning point must be the extreme,
        no turning point this close to either end of the data, minimum phase
        length and minimum cycle length (peak to peak, trough to trough).
    phase_exception : float, default 0.20
        Pagan-Sossounov: a phase shorter than ``min_phase`` is kept when the
        price moved by at least this fraction over it.
    clock : SessionClock or str, optional
        The series' clock; default ``prices.attrs["clock"]`` when present. Only
        recorded (the dating uses dates and prices alone).

    Returns
    -------
    BullBearResult
        Turning points with their confirmation dates, phases (start, end,
        return, duration, censoring), the ex-post ``state`` and the
        look-ahead-free ``known_state``.

    Raises
    ------
    TypeError, ValueError
        Invalid arguments (the message names the argument).

    See Also
    --------
    riskcycle.cycles.phase_event_test, riskcycle.cycles.concordance

    Notes
    -----
    **Lunde-Timmermann (2004).** Let :math:`P^{\max}_t` be the highest price
    since the last trough. In a bull phase, a peak is dated at
    :math:`P^{\max}` on the first day :math:`t` with
    :math:`P_t \le (1 - \lambda_2) P^{\max}_t`; symmetrically a bear phase ends
    at the lowest price since the last peak on the first day with
    :math:`P_t \ge (1 + \lambda_1) P^{\min}_t`. Before the first turning point
    both extremes since the start are tracked and the first threshold crossed
    starts the alternation. The day of the crossing is the turning point's
    **confirmation date**: the rule runs forward, so data after it can never
    move the turning point.

    **Pagan-Sossounov (2003)**, the Bry-Boschan (1971) algorithm adapted to
    stock prices, applied here to daily closes with calendar-day windows:

    1. candidate peaks (troughs) are the closes that are the highest (lowest)
       within ``window`` months on either side (the window is cut at the ends
       of the data; a bar that is both is neither); of consecutive peaks the
       higher is kept, of consecutive troughs the lower (the first on ties);
    2. turning points within ``censor`` months of either end are removed; a
       first (last) peak lower than some earlier (later) close is removed, and
       a first (last) trough higher than one, until both ends hold;
    3. while two peaks or two troughs are less than ``min_cycle`` months apart,
       the less extreme of the pair is removed (the later on ties);
    4. while a phase lasts less than ``min_phase`` months and the price moved
       less than ``phase_exception`` over it, its two turning points are removed.

    Alternation is enforced after every removal. Because step 1 looks
    ``window`` months ahead and steps 2-4 can revise earlier turns, the rule is
    rerun on every truncated sample (the data through each bar): a turning
    point's **confirmation date** is the first date from which every truncated
    dating lists it, and ``known_state`` is the phase after the last turning
    point of the dating of the data through each bar. For the Lunde-Timmermann
    rule this is the same as the crossing date. Confirmation dates are relative
    to the sample: later data may still revise a Pagan-Sossounov turn.

    The ex-post ``state`` marks a turning point's own bar with the phase it
    ends (a peak is the last bull bar). The phase before the first turning
    point and the one after the last are censored (``censored_start``,
    ``censored_end``); the extreme reached after the last turning point is not
    a turning point until it is confirmed.

    Validated against a brute-force transcription of each rule's definition
    on simulated random walks, including every truncated sample for the
    confirmation dates (tests/test_cycles.py), and on the bundled Russell 2000
    against its well-known closing extremes (the 2009-03-09 and 2020-03-18
    lows, the 2021-11-08 record).

    References
    ----------
    Lunde, A. & Timmermann, A. (2004). Duration dependence in stock prices: an
    analysis of bull and bear markets. *Journal of Business & Economic
    Statistics* 22(3), 253-273. doi:10.1198/073500104000000136

    Pagan, A. R. & Sossounov, K. A. (2003). A simple framework for analysing
    bull and bear markets. *Journal of Applied Econometrics* 18(1), 23-46.
    doi:10.1002/jae.664

    Bry, G. & Boschan, C. (1971). *Cyclical Analysis of Time Series: Selected
    Procedures and Computer Programs*. NBER Technical Paper 20. New York:
    National Bureau of Economic Research. ISBN 0-87014-223-2.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from riskcycle.cycles import bull_bear
    >>> x = pd.Series([100, 130, 125, 100, 90, 115, 120],
    ...               index=pd.date_range("2024-01-01", periods=7))
    >>> res = bull_bear(x)
    >>> res.turning_points[["date", "kind", "confirmation_date"]]
            date    kind confirmation_date
    0 2024-01-01  trough        2024-01-02
    1 2024-01-02    peak        2024-01-04
    2 2024-01-05  trough        2024-01-06
    """
    close, s, clk = _bull_bear_iv(
        prices, dating, rise, fall, window, censor, min_phase, min_cycle, phase_exception, clock
    )
    x = close.to_numpy(dtype=float)
    idx = pd.DatetimeIndex(close.index)
    day = (idx.as_unit("ns").asi8 // _DAY_NS).astype(np.int64)
    turns, asof = _turns(x, day, s)
    phases, state = _phase_table(close, turns, x)
    tp = pd.DataFrame(
        {
            "date": pd.DatetimeIndex([idx[p] for p, _, _ in turns]).as_unit("ns"),
            "kind": ["peak" if k == D.PEAK else "trough" for _, k, _ in turns],
            "price": np.array([x[p] for p, _, _ in turns], dtype=float),
            "confirmation_date": pd.DatetimeIndex([idx[c] for _, _, c in turns]).as_unit("ns"),
        }
    )
    tp["confirmation_lag_days"] = (tp["confirmation_date"] - tp["date"]).dt.days.astype(np.int64)
    known = pd.Series(
        np.where(asof == 0, np.nan, (asof == 1).astype(float)), index=idx, name="known_state"
    )
    fallback = prices.name if isinstance(prices, pd.Series) and prices.name else "prices"
    name = str(close.attrs.get("name", fallback))
    notes = []
    if not turns:
        notes.append("No turning point: the rule never confirmed a phase on these data.")
    return BullBearResult(
        turning_points=tp,
        phases=phases,
        state=pd.Series(state, index=idx, name="state"),
        known_state=known,
        prices=close,
        settings=s,
        name=name,
        clock=clk.name if clk is not None else None,
        notes=tuple(notes),
    )
