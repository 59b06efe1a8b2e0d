"""The report's figures, drawn for readers: readers' names, units, marked dates, no overlaps.

Every function returns a matplotlib Figure on a fixed layout whose margins (in inches)
are sized for that figure's labels and legends, so nothing overlaps or is clipped and
the figure is drawn once when it is saved. Series are named as a reader knows them ("Russell 2000",
"Bitcoin"), never by their registry names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..calendar import ETF_APPROVAL, HALVINGS

if TYPE_CHECKING:  # pragma: no cover
    from .._typing import ArrayLike
    from ..assess import SignalAssessment
    from ..backtesting import BacktestResult
    from ..events import Events
    from ..eventstudy import EventStudyResult

__all__ = [
    "fig_btc_overview",
    "fig_equity",
    "fig_event_paths",
    "fig_halving_paths",
    "fig_leader_events",
    "fig_nulls",
    "fig_pbo_logits",
    "fig_rolling_volatility",
    "fig_scan_curve",
    "fig_specifications",
    "fig_sweep_heatmap",
]

_RED = "#c0392b"
_BLUE = "#1f5fa8"
_GREY = "#7f7f7f"
_GREEN = "#2e8b57"
_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6}


def _halvings() -> pd.DatetimeIndex:
    return pd.DatetimeIndex(HALVINGS["timestamp"].dt.tz_localize(None).dt.normalize())


def _new(
    nrows: int = 1,
    height: float = 4.2,
    width: float = 10.0,
    *,
    margins: tuple[float, float, float, float] = (0.9, 0.25, 0.45, 0.6),
    gap: float = 0.0,
    **kw,
):
    """A figure of ``nrows`` axes on a fixed layout: ``margins`` (left, right, top, bottom)
    and the ``gap`` between rows in inches, chosen for each figure's labels.

    A fixed layout draws the figure once when it is saved; matplotlib's constrained
    layout measured every label first, which doubled the time to save a figure.
    """
    import matplotlib.pyplot as plt

    # titles sit at the top of their axes (nothing is drawn above an axes here), so
    # matplotlib need not measure every axis's tick labels at each draw to place them
    with plt.rc_context({"axes.titley": 1.0}):
        fig, axes = plt.subplots(nrows, 1, figsize=(width, height), **kw)
    left, right, top, bottom = margins
    row = (height - top - bottom - (nrows - 1) * gap) / nrows
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=gap / row if nrows > 1 else 0.0,
    )
    return fig, axes


def _mark_dates(ax, start: pd.Timestamp, end: pd.Timestamp, *, etf: bool = True) -> None:
    """Halvings (dotted, labelled at the top) and the spot-ETF approval (dashed, labelled)."""
    trans = ax.get_xaxis_transform()
    for i, h in enumerate(_halvings()):
        if start <= h <= end:
            ax.axvline(h, color=_GREY, ls=":", lw=1.1, label="halving" if i == 0 else None)
            ax.text(
                h,
                0.99,
                f" halving {h:%Y}",
                transform=trans,
                rotation=90,
                va="top",
                ha="right",
                fontsize=7.5,
                color="#555",
                bbox=_BOX,
            )
    if etf and start <= ETF_APPROVAL <= end:
        ax.axvline(ETF_APPROVAL, color=_GREEN, ls="--", lw=1.2)
        ax.text(
            ETF_APPROVAL,
            0.01,
            "spot-ETF approval 2024-01-10 ",
            transform=trans,
            rotation=90,
            va="bottom",
            ha="right",
            fontsize=7.5,
            color=_GREEN,
            bbox=_BOX,
        )


def fig_leader_events(lead: pd.DataFrame, events: Events, intraday: Events, lname: str):
    """The leader's closes (log scale), its breakouts and the records they broke."""
    fig, ax = _new(height=4.4)
    c = lead["close"]
    ax.plot(c.index, c.to_numpy(), color="black", lw=0.8, label=f"{lname} close")
    ev = events.to_frame()
    ax.scatter(
        ev["event_date"],
        ev["level"],
        marker="^",
        s=60,
        color=_RED,
        zorder=3,
        label="breakout (close above the prior record after a drought)",
    )
    prev = None
    for _, r in ev.iterrows():
        # a label within three years of the previous one goes higher, so they never touch
        near = prev is not None and (r["event_date"] - prev).days < 3 * 365
        prev = r["event_date"]
        ax.hlines(
            r["prior_record"],
            r["prior_record_date"],
            r["event_date"],
            color=_RED,
            lw=0.7,
            ls="--",
            alpha=0.7,
        )
        ax.annotate(
            f"{r['event_date']:%Y-%m}",
            (r["event_date"], r["level"]),
            textcoords="offset points",
            xytext=(0, 22 if near else 9),
            ha="center",
            fontsize=7.5,
            bbox=_BOX,
        )
    only = [d for d in intraday.dates if d not in set(events.dates)]
    # an intraday breakout within 90 days of a close breakout is the same episode: marked,
    # not labelled again
    far = [d for d in only if min(abs((d - e).days) for e in events.dates) > 90]
    if only:
        lv = lead["high"].reindex(only)
        ax.scatter(
            only,
            lv,
            marker="^",
            s=60,
            facecolors="none",
            edgecolors=_BLUE,
            zorder=3,
            label="breakout on the daily high only (intraday definition)",
        )
        for d in far:
            ax.annotate(
                f"{d:%Y-%m} (intraday)",
                (d, lv.loc[d]),
                textcoords="offset points",
                xytext=(0, -16),
                ha="center",
                fontsize=7.5,
                color=_BLUE,
                bbox=_BOX,
            )
    ax.set_yscale("log")
    ax.set_ylim(top=float(c.max()) * 1.6)
    ax.set_ylabel(f"{lname} (index points, log scale)")
    ax.set_xlabel("date")
    ax.set_title(f"{lname}: breakouts to new all-time highs (dashed: the record broken)")
    ax.legend(loc="upper left", fontsize=8)
    ax.margins(x=0.04)
    return fig


def fig_btc_overview(
    fol: pd.DataFrame,
    events: Events,
    intraday: Events,
    as_of: pd.Timestamp,
    fname: str,
    lname: str,
):
    """Bitcoin on a log scale with the halvings, the ETF approval and the breakouts."""
    fig, ax = _new(height=4.8)
    c = fol["close"]
    ax.plot(c.index, c.to_numpy(), color="black", lw=0.8, label=f"{fname} close (USD)")
    ev = [d for d in events.dates if d >= c.index[0]]
    y = c.reindex(c.index.union(ev)).ffill().reindex(ev)
    ax.scatter(ev, y, marker="^", s=70, color=_RED, zorder=3, label=f"{lname} breakout (close)")
    only = [d for d in intraday.dates if d not in set(events.dates) and d >= c.index[0]]
    if only:
        yo = c.reindex(c.index.union(only)).ffill().reindex(only)
        ax.scatter(
            only,
            yo,
            marker="^",
            s=70,
            facecolors="none",
            edgecolors=_BLUE,
            zorder=3,
            label=f"{lname} breakout (intraday only)",
        )
    ax.axvline(as_of, color=_BLUE, lw=1.0, alpha=0.6)
    ax.text(
        as_of,
        0.01,
        f" commentary {as_of:%Y-%m-%d}",
        transform=ax.get_xaxis_transform(),
        rotation=90,
        va="bottom",
        ha="left",
        fontsize=7.5,
        color=_BLUE,
    )
    _mark_dates(ax, c.index[0], c.index[-1])
    ax.set_yscale("log")
    ax.set_ylabel(f"{fname} (USD, log scale)")
    ax.set_xlabel("date")
    ax.set_title(f"{fname} with the halvings, the spot-ETF approval and the {lname} breakouts")
    ax.legend(loc="center right", fontsize=8)
    ax.margins(x=0.02)
    return fig


def fig_halving_paths(fol: pd.DataFrame, fname: str, max_days: int = 1400):
    """Bitcoin from each halving: growth of 1 from the last close before it."""
    import matplotlib.pyplot as plt

    fig, ax = _new(height=4.4)
    c = fol["close"]
    colors = plt.cm.viridis(np.linspace(0.1, 0.85, len(_halvings())))
    for h, col in zip(_halvings(), colors, strict=True):
        before = c.loc[: h - pd.Timedelta(days=1)]
        if len(before) == 0:
            continue
        base = float(before.iloc[-1])
        path = c.loc[h : h + pd.Timedelta(days=max_days)] / base
        days = (path.index - h).days
        ax.plot(days, path.to_numpy(), color=col, lw=1.2, label=f"halving {h:%Y-%m-%d}")
        ax.annotate(
            f"x{path.iloc[-1]:.1f}",
            (days[-1], path.iloc[-1]),
            fontsize=7.5,
            color=col,
            textcoords="offset points",
            xytext=(3, 0),
            va="center",
        )
    ax.axhline(1.0, color=_GREY, lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("days since the halving")
    ax.set_ylabel(f"{fname}: growth of 1 from the halving (log scale)")
    ax.set_title(f"{fname} after each halving (the earlier cycles' multiples against this one)")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def fig_event_paths(study: EventStudyResult, fname: str, lname: str, horizon: int):
    """Growth of 1 after each event; the mean over the events complete at ``horizon``."""
    fig, ax = _new(height=4.4)
    paths = study.paths.loc[0:horizon]
    growth = np.exp(paths) if study.return_type == "log" else 1.0 + paths
    complete = [e for e in growth.columns if np.isfinite(growth[e].iloc[-1])]
    for e in growth.columns:
        g = growth[e].dropna()
        done = e in complete
        ax.plot(
            g.index,
            g.to_numpy(),
            lw=1.0,
            ls="-" if done else "--",
            alpha=0.9,
            label=f"{e:%Y-%m-%d}" + ("" if done else " (incomplete: to date)"),
        )
    if complete:
        logs = np.log(growth[complete])
        mean = np.exp(logs.mean(axis=1))
        ax.plot(
            mean.index,
            mean.to_numpy(),
            color="black",
            lw=2.2,
            label=f"geometric mean of the {len(complete)} complete events",
        )
    ax.axhline(1.0, color=_GREY, lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel(f"calendar days after the {lname} breakout (day 0 = first {fname} bar after)")
    ax.set_ylabel(f"{fname}: growth of 1 (log scale)")
    ax.set_title(
        f"{fname} after each {lname} breakout (mean: events with a complete "
        f"{horizon}-day window only)"
    )
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    return fig


def fig_nulls(a: SignalAssessment, fname: str, horizon: int):
    """Null distributions of the placebo tests and the GARCH null against the observed mean."""
    panels = []
    cal = a.to_frame().set_index("test")

    def pcal(test):
        v = cal.loc[test, "pvalue_calibrated"] if test in cal.index else np.nan
        return v

    for res, test, title in (
        (a.placebo, "placebo", "random dates, same spacing"),
        (a.placebo_matched, "placebo_halving_matched", "dates at the same halving phase"),
        (a.placebo_era, "placebo_era", "random dates in the same eras"),
    ):
        if res is not None:
            panels.append((res, title, pcal(test), None))
    if a.garch_null is not None:
        panels.append(
            (
                a.garch_null,
                "GARCH(1,1)-t simulated paths (not in the verdict)",
                pcal("garch_null"),
                a.garch_null,
            )
        )
    fig, axes = _new(
        len(panels),
        height=2.6 * len(panels),
        width=9.5,
        margins=(0.75, 0.2, 0.35, 0.55),
        gap=0.75,
        sharex=False,
    )
    axes = np.atleast_1d(axes)
    for ax, (res, title, pc, g) in zip(axes, panels, strict=True):
        null = np.asarray(res.null_distribution, dtype=float)
        null = null[np.isfinite(null)]
        lo, hi = np.quantile(null, [0.005, 0.995]) if len(null) else (0, 1)
        lo, hi = min(lo, res.statistic), max(hi, res.statistic)
        pad = 0.05 * (hi - lo or 1)
        shown = null[(null >= lo - pad) & (null <= hi + pad)]
        ax.hist(shown, bins=50, color="#b0b0b0", density=True, label="null distribution")
        ax.axvline(
            res.statistic,
            color=_RED,
            lw=2,
            label=f"observed {res.statistic:.2f} ({np.exp(res.statistic):.2f}x)",
        )
        ax.set_xlim(lo - pad, hi + pad)
        note = f"p = {res.pvalue:.3g}" + (f", calibrated p = {pc:.3g}" if np.isfinite(pc) else "")
        if g is not None:
            out = len(null) - len(shown)
            note += "\n" + (
                f"model persistence {g.persistence:.3f}"
                + (" (at the stationarity boundary)" if g.at_boundary else "")
                + (f"; {out} of {len(null)} simulated means off the axis" if out else "")
            )
        ax.set_title(f"{title}: {note}", fontsize=9.5)
        ax.set_ylabel("density")
        ax.legend(loc="upper left", fontsize=8)
    axes[-1].set_xlabel(f"mean {horizon}-day log return of {fname} after the events")
    return fig


def fig_rolling_volatility(
    close: pd.Series, fname: str, icss_breaks=(), window: int = 30, periods_per_year: float = 365.0
):
    """Rolling annualised volatility with the ETF approval, halvings and ICSS breaks."""
    fig, ax = _new(height=4.8, margins=(0.9, 0.25, 0.4, 1.25))
    r = np.log(close).diff().dropna()
    vol = r.rolling(window).std() * np.sqrt(periods_per_year)
    ax.plot(
        vol.index,
        vol.to_numpy(),
        color=_GREY,
        lw=0.8,
        label=f"{window}-day rolling volatility (annualised)",
    )
    for seg, lab in (
        (r.loc[: ETF_APPROVAL - pd.Timedelta(days=1)], "before"),
        (r.loc[ETF_APPROVAL:], "after"),
    ):
        if len(seg) > 1:
            v = seg.std() * np.sqrt(periods_per_year)
            ax.hlines(
                v,
                seg.index[0],
                seg.index[-1],
                color=_RED,
                lw=2,
                label=f"regime volatility {lab} the approval: {v:.0%}",
            )
    for i, b in enumerate(icss_breaks):
        ax.axvline(b, color=_BLUE, ls="-.", lw=1, label="ICSS variance break" if i == 0 else None)
    _mark_dates(ax, vol.index[0], vol.index[-1])
    ax.set_ylabel("annualised volatility (fraction)")
    ax.set_xlabel("date")
    ax.set_title(f"{fname}: volatility before and after the spot-ETF approval")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
    return fig


def fig_equity(res: BacktestResult, fname: str, lname: str):
    """Strategy and buy-and-hold equity (log) with entries and exits; drawdowns."""
    fig, (ax, ax2) = _new(
        2,
        height=6.0,
        margins=(0.9, 0.25, 0.4, 0.6),
        gap=0.15,
        sharex=True,
        gridspec_kw={"height_ratios": [3, 1.3]},
    )
    eq = (1 + res.returns).cumprod()
    bh = (1 + res.benchmark_returns).cumprod()
    ax.plot(bh.index, bh.to_numpy(), color=_GREY, lw=0.9, label=f"buy-and-hold {fname}")
    ax.plot(
        eq.index,
        eq.to_numpy(),
        color=_BLUE,
        lw=1.3,
        label=f"{fname} held {res.settings.get('horizon', '')} days after each {lname} breakout",
    )
    tr = res.to_frame("trades")
    ax.scatter(
        tr["entry_date"],
        eq.reindex(tr["entry_date"]),
        marker="^",
        color=_GREEN,
        zorder=3,
        label="entry",
    )
    ax.scatter(
        tr["exit_date"],
        eq.reindex(tr["exit_date"]),
        marker="v",
        color=_RED,
        zorder=3,
        label="exit",
    )
    ax.set_yscale("log")
    ax.set_ylabel("growth of 1 (log scale)")
    ax.set_title(f"Trading {fname} on {lname} breakouts against buy-and-hold")
    ax.legend(loc="upper left", fontsize=8)
    for s, col, lab in ((eq, _BLUE, "strategy"), (bh, _GREY, "buy-and-hold")):
        dd = s / s.cummax() - 1
        ax2.plot(dd.index, dd.to_numpy(), color=col, lw=0.9, label=lab)
    ax2.set_ylabel("drawdown (fraction)")
    ax2.set_xlabel("date")
    ax2.legend(loc="lower left", fontsize=8)
    return fig


def fig_sweep_heatmap(grid: pd.DataFrame, benchmark_sharpe: float, fname: str):
    """Mean Sharpe ratio over margin and delay, by drought length and holding period."""
    fig, ax = _new(height=3.6, width=8.0, margins=(1.5, 0.2, 0.4, 0.6))
    t = grid.pivot_table(index="min_gap", columns="horizon", values="sharpe_ratio", aggfunc="mean")
    im = ax.imshow(
        t.to_numpy(),
        cmap="RdYlGn",
        aspect="auto",
        vmin=min(np.nanmin(t.to_numpy()), benchmark_sharpe),
        vmax=max(np.nanmax(t.to_numpy()), benchmark_sharpe),
    )
    for i in range(t.shape[0]):
        for j in range(t.shape[1]):
            ax.text(j, i, f"{t.iat[i, j]:.2f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(t.shape[1]), [f"{h} days" for h in t.columns])
    ax.set_yticks(range(t.shape[0]), [f"{g} sessions" for g in t.index])
    ax.set_xlabel("holding period")
    ax.set_ylabel("drought before a breakout")
    ax.set_title(
        f"Annualised Sharpe ratio (mean over margin and delay); buy-and-hold {fname}: "
        f"{benchmark_sharpe:.2f}",
        fontsize=10,
    )
    fig.colorbar(im, ax=ax, label="Sharpe ratio")
    return fig


def fig_specifications(table: pd.DataFrame, alpha: float):
    """Calibrated p-values of each specification (a small specification curve)."""
    names = [str(n).replace(" (Coin Metrics back-history)", "") for n in table.index]
    # the y tick labels are the specifications' names: the left margin fits the longest
    fig, ax = _new(
        height=0.45 * len(table) + 2.4,
        width=10.0,
        margins=(0.3 + 0.075 * max(map(len, names), default=10), 0.25, 0.4, 1.25),
    )
    y = np.arange(len(table))[::-1]
    for col, mk, lab in (
        ("placebo p, calibrated", "o", "placebo (same spacing)"),
        ("halving-matched p, calibrated", "s", "halving-matched placebo"),
        ("era-stratified p, calibrated", "^", "era-stratified placebo"),
        ("hit count p, calibrated", "D", "hit count"),
    ):
        if col in table:
            ax.scatter(table[col].to_numpy(dtype=float), y, marker=mk, s=40, label=lab)
    ax.axvline(alpha, color=_RED, ls="--", lw=1, label=f"{alpha:g} level")
    ax.set_yticks(y, names)
    ax.set_xscale("log")
    ax.set_xlim(1e-3, 1.0)
    ax.set_xlabel("calibrated p-value (log scale; left of the line: distinguished from chance)")
    ax.set_title("The verdict's tests under each specification")
    # the legend hangs 0.69 in above the canvas's bottom edge, inside the fixed 1.25 in
    # margin below the axis label, whatever the number of specifications
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="upper center",
        fontsize=8,
        bbox_to_anchor=(0.5, 0.69 / fig.get_figheight()),
        bbox_transform=fig.transFigure,
        ncol=3,
    )
    return fig


def fig_scan_curve(cells: pd.DataFrame, lname: str, alpha: float):
    """Specification curve of a scan: sorted effects with intervals."""
    ok = cells.loc[cells["effect"].notna()].sort_values("effect").reset_index(drop=True)
    labels = [
        f"{d.split(', ', 1)[-1]}, {h}d"
        for d, h in zip(ok["definition"], ok["horizon"], strict=True)
    ]
    # the x tick labels are rotated by 60 degrees: the bottom margin fits the longest
    fig, ax = _new(
        height=5.2,
        width=11.0,
        margins=(0.9, 0.25, 0.4, 0.3 + 0.045 * max(map(len, labels), default=10)),
    )
    x = np.arange(len(ok))
    sig = ok["significant_bh"].astype(bool).to_numpy() if "significant_bh" in ok else None
    ax.vlines(x, ok["effect_ci_low"], ok["effect_ci_high"], color=_GREY, lw=1)
    for follower, mk in zip(ok["follower"].unique(), "os^Dv", strict=False):
        m = (ok["follower"] == follower).to_numpy()
        filled = m & sig if sig is not None else np.zeros_like(m)
        if filled.any():
            ax.scatter(
                x[filled],
                ok.loc[filled, "effect"],
                marker=mk,
                color=_BLUE,
                zorder=3,
                label=f"{follower}: passes Benjamini-Hochberg",
            )
        if (m & ~filled).any():
            ax.scatter(
                x[m & ~filled],
                ok.loc[m & ~filled, "effect"],
                marker=mk,
                zorder=3,
                facecolors="white",
                edgecolors=_BLUE,
                label=f"{follower}" + (": does not pass" if sig is not None else ""),
            )
    ax.axhline(0, color=_GREY, lw=0.8)
    ax.set_xticks(
        x,
        labels,
        rotation=60,
        ha="right",
        fontsize=7,
    )
    ax.set_ylabel("effect (log return minus random dates)")
    ax.set_title(f"Scan of the {lname} breakout claim: every cell's effect, sorted")
    ax.legend(loc="upper left", fontsize=8)
    return fig


def fig_pbo_logits(logits: ArrayLike, pbo: float):
    """Histogram of the PBO logits: the in-sample best's out-of-sample relative rank."""
    fig, ax = _new(height=3.4, width=8.0, margins=(0.8, 0.2, 0.4, 0.6))
    lg = np.asarray(logits, dtype=float)
    lg = lg[np.isfinite(lg)]
    ax.hist(lg, bins=40, color="#b0b0b0")
    ax.axvline(0, color=_RED, lw=1.5, label="median rank out of sample (logit 0)")
    ax.set_xlabel("logit of the out-of-sample relative rank of the in-sample best strategy")
    ax.set_ylabel("splits")
    ax.set_title(
        f"Probability of backtest overfitting: {pbo:.2f} (share of splits left of 0)",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize=8)
    return fig
