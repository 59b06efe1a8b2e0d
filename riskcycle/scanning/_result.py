"""The result of :func:`riskcycle.scan` (internal module; the class is public)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._results import ResultMixin, Summary, package_versions

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["ScanResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult(ResultMixin):
    """Every cell of a scan, the q-values, the family-wise p-values and the curve.

    Attributes
    ----------
    cells : DataFrame
        One row per cell (see :meth:`to_frame` for the columns).
    family_wise : DataFrame
        One row per follower: the number of cells, the smallest cell p-value on
        the shared draws (``statistic``), the family-wise p-value (``pvalue``)
        and the cell that attains it.
    null_distributions : dict
        Per follower, the smallest cell p-value of every shared draw (the null
        distribution of the max statistic).
    alpha : float
    leaders, followers : tuple of str
    settings : dict
        The options used.
    versions : dict
    """

    cells: pd.DataFrame
    family_wise: pd.DataFrame
    null_distributions: dict
    alpha: float
    leaders: tuple[str, ...]
    followers: tuple[str, ...]
    null_hypothesis: str = (
        "in each cell, the events are like random dates of the follower's own history "
        "with the events' count, spacing and era mix (calibrated placebo p-values); "
        "family-wise: the timing of all the leaders' events relative to the follower "
        "is arbitrary (shared circular shifts)."
    )
    notes: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=package_versions)

    # -- numbers ---------------------------------------------------------------
    @property
    def n_cells(self) -> int:
        """Cells with a p-value (the family of the q-values)."""
        return int(np.isfinite(self.cells["pvalue"].to_numpy(dtype=float)).sum())

    @property
    def share_significant(self) -> dict[str, float]:
        """Share of the cells with a p-value that are significant: nominal, BH, BY."""
        ok = np.isfinite(self.cells["pvalue"].to_numpy(dtype=float))
        n = int(ok.sum())
        if n == 0:
            return {"nominal": np.nan, "bh": np.nan, "by": np.nan}
        c = self.cells[ok]
        return {
            "nominal": float(c["significant"].mean()),
            "bh": float(c["significant_bh"].mean()),
            "by": float(c["significant_by"].mean()),
        }

    @property
    def pvalue_joint(self) -> float:
        """Bonferroni over the followers' family-wise p-values (their draws are independent)."""
        p = self.family_wise["pvalue"].to_numpy(dtype=float)
        p = p[np.isfinite(p)]
        return float(min(1.0, p.min() * len(p))) if p.size else np.nan

    def __repr__(self) -> str:
        s = self.share_significant
        return (
            f"ScanResult(n_cells={self.n_cells}, leaders={list(self.leaders)}, "
            f"followers={list(self.followers)}, share_significant_bh={s['bh']:.3g}, "
            f"pvalue_joint={self.pvalue_joint:.4g})"
        )

    # -- views -----------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per cell (a copy), unrounded.

        Columns: ``follower``, ``leader``, ``definition`` (a label) with its parts
        ``method``, ``min_gap``, ``window``, ``margin``, ``use_high``;
        ``horizon`` (days); ``bitcoin_like``; ``status`` (``ok``, ``no_events``,
        ``no_admissible_set``, ``not_applicable``); ``n_events`` (with a complete
        window), ``n_excluded``, ``first_event``, ``last_event``, ``event_dates``;
        ``min_spacing`` (days); ``statistic`` (events' mean forward log return),
        ``random_mean``, ``effect``, ``effect_ci_low``, ``effect_ci_high``;
        ``n_hits``, ``base_rate``; ``pvalue_<test>`` and
        ``pvalue_calibrated_<test>`` for ``placebo``, ``placebo_era``,
        ``placebo_halving_matched``, ``hit_count`` (NaN when not run);
        ``verdict``; ``pvalue`` (the calibrated placebo p), ``qvalue_bh``,
        ``qvalue_by``, ``significant``, ``significant_bh``, ``significant_by``
        (at ``alpha``); ``pvalue_shift`` and ``pvalue_family_wise`` (shared
        draws); ``cell_notes``.
        """
        return self.cells.copy()

    def specification_curve(self) -> pd.DataFrame:
        """The cells with an effect, sorted by effect (the curve's data)."""
        c = self.cells[np.isfinite(self.cells["effect"].to_numpy(dtype=float))]
        return c.sort_values(
            ["effect", "follower", "leader", "definition", "horizon"]
        ).reset_index(drop=True)

    def _summary(self) -> Summary:
        s = self.share_significant
        ok = self.cells[np.isfinite(self.cells["pvalue"].to_numpy(dtype=float))]
        by_follower = (
            ok.groupby("follower", sort=False)
            .agg(
                cells=("pvalue", "size"),
                share_nominal=("significant", "mean"),
                share_bh=("significant_bh", "mean"),
                share_by=("significant_by", "mean"),
                median_effect=("effect", "median"),
            )
            .join(self.family_wise.set_index("follower")[["pvalue"]])
            .rename(columns={"pvalue": "pvalue_family_wise"})
        )
        top = ok.sort_values(["pvalue", "pvalue_shift"]).head(10)[
            [
                "follower",
                "leader",
                "definition",
                "horizon",
                "n_events",
                "effect",
                "pvalue",
                "qvalue_bh",
                "pvalue_family_wise",
                "verdict",
            ]
        ]
        top = top.reset_index(drop=True)
        n_na = int((self.cells["status"] != "ok").sum())
        notes = [
            f"{self.n_cells} cells with a p-value; at {self.alpha:g}: {s['nominal']:.1%} "
            f"significant nominally, {s['bh']:.1%} after Benjamini-Hochberg, {s['by']:.1%} "
            f"after Benjamini-Yekutieli.",
            f"Joint p-value over followers (Bonferroni of the family-wise ones): "
            f"{self.pvalue_joint:.4g}.",
            f"Null hypothesis: {self.null_hypothesis}",
        ]
        if n_na:
            notes.append(f"{n_na} cell(s) without a p-value (no events, or not applicable).")
        return Summary(
            title=f"Scan: {len(self.leaders)} leader(s) x {len(self.followers)} follower(s)",
            tables=(("By follower", by_follower), ("Smallest p-values", top)),
            notes=(*notes, *self.notes),
        )

    def plot(self, *, figsize: tuple[float, float] = (12.0, 7.0)) -> Figure:
        """Specification curve with the cells' choices, and a leader x follower heatmap.

        Left: every cell's effect (events minus random days, forward log return)
        with its interval, sorted, filled where significant (orange: nominally
        only, red: after Benjamini-Hochberg); below it, the choices of each cell. Right: the share
        of each leader-follower pair's cells significant after Benjamini-Hochberg,
        annotated with the median effect.

        Returns the matplotlib Figure.
        """
        import matplotlib.pyplot as plt

        curve = self.specification_curve()
        fig = plt.figure(figsize=figsize, layout="constrained")
        gs = fig.add_gridspec(2, 2, width_ratios=(3, 1.2), height_ratios=(2, 1.6))
        ax, ax_c, ax_h = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[1, 0]), None
        ax_h = fig.add_subplot(gs[:, 1])
        x = np.arange(len(curve))
        sig = curve["significant_bh"].to_numpy(dtype=bool)
        nom = curve["significant"].to_numpy(dtype=bool) & ~sig
        eff = curve["effect"].to_numpy(dtype=float)
        lo = curve["effect_ci_low"].to_numpy(dtype=float)
        hi = curve["effect_ci_high"].to_numpy(dtype=float)
        ax.vlines(x, lo, hi, color="0.6", lw=0.8)
        rest = ~sig & ~nom
        ax.scatter(
            x[rest],
            eff[rest],
            s=14,
            facecolors="white",
            edgecolors="k",
            zorder=3,
            label="not significant",
        )
        ax.scatter(x[nom], eff[nom], s=14, color="C1", zorder=3, label="significant, nominal only")
        ax.scatter(x[sig], eff[sig], s=14, color="C3", zorder=3, label="significant after BH")
        ax.axhline(0.0, color="0.3", lw=0.8, ls="--")
        s = self.share_significant
        ax.set_ylabel("effect: events minus random days\n(forward log return)")
        ax.set_title(
            f"Specification curve: {len(curve)} cells, {s['bh']:.0%} significant after BH "
            f"at {self.alpha:g}; joint p = {self.pvalue_joint:.3g}",
            fontsize=9,
        )
        ax.legend(fontsize=7, loc="upper left")
        ax.set_xlim(-1, max(len(curve), 1))
        ax.tick_params(labelbottom=False)
        # the choices panel
        labels, ys = [], []
        row = 0
        for col in ("follower", "leader", "definition", "horizon"):
            for val in pd.unique(self.cells[col]):
                hit = (curve[col] == val).to_numpy()
                ax_c.scatter(x[hit], np.full(hit.sum(), row), s=6, marker="|", color="k")
                labels.append(f"{col}: {val}")
                ys.append(row)
                row += 1
        ax_c.set_yticks(ys, labels, fontsize=6)
        ax_c.invert_yaxis()
        ax_c.set_xlim(ax.get_xlim())
        ax_c.set_xlabel("cells, sorted by effect (rank)")
        # heatmap
        ok = self.cells[np.isfinite(self.cells["pvalue"].to_numpy(dtype=float))]
        share = ok.pivot_table(
            index="leader", columns="follower", values="significant_bh", aggfunc="mean"
        ).reindex(index=list(self.leaders), columns=list(self.followers))
        med = ok.pivot_table(
            index="leader", columns="follower", values="effect", aggfunc="median"
        ).reindex(index=list(self.leaders), columns=list(self.followers))
        im = ax_h.imshow(share.to_numpy(dtype=float), vmin=0, vmax=1, cmap="Reds", aspect="auto")
        ax_h.set_xticks(range(share.shape[1]), share.columns, rotation=45, ha="right")
        ax_h.set_yticks(range(share.shape[0]), share.index)
        for i in range(share.shape[0]):
            for j in range(share.shape[1]):
                v = med.iat[i, j]
                if np.isfinite(v):
                    ax_h.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=7)
        ax_h.set_xlabel("follower")
        ax_h.set_ylabel("leader")
        ax_h.set_title("share significant (BH);\nmedian effect (log return)", fontsize=9)
        fig.colorbar(im, ax=ax_h, label="share of cells significant (BH)", shrink=0.6)
        return fig
