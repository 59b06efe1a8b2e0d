"""Assemble the claim-reproduction report from the library's stages."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._results import package_versions
from .._rng import check_rng
from .._validation import check_bool, check_float, check_int, check_timestamp
from ..events import describe
from ._claims import COMMENTARY_DATE, claims_frame, data_claims, display_name
from ._document import Document, to_jsonable
from ._methods import methods_section

__all__ = ["Report", "build_report"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The report's document and every number it shows.

    Attributes
    ----------
    document : Document
        Sections with text, tables and figures.
    numbers : dict
        Every number shown, JSON-serialisable (``results.json``).
    warnings : tuple of str
        Warnings raised by the stages (also shown in the report).
    versions : dict
        riskcycle's and key dependencies' versions.
    """

    document: Document
    numbers: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    versions: dict = field(default_factory=package_versions)

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``report.html`` (self-contained), ``report.md`` + ``figures/*.png`` and
        ``results.json`` into ``out_dir``; return their paths."""
        return self.document.write(out_dir, self.numbers)

    def to_html(self) -> str:
        return self.document.to_html()

    def to_markdown(self) -> str:
        return self.document.to_markdown()


class _Collector:
    """Runs a stage, keeping its warnings for the report instead of the console."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def run(self, label: str, fn: Callable[[], Any]) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn()
        for w in caught:
            msg = f"{label}: {w.category.__name__}: {w.message}"
            if msg not in self.messages:
                self.messages.append(msg)
        return out


def _pivot_returns(frame: pd.DataFrame, value: str = "return_to_date") -> pd.DataFrame:
    t = frame.pivot(index="event_date", columns="horizon", values=value)
    t.columns = [f"{h}d" for h in t.columns]
    return t


def build_report(
    *,
    leader: str | pd.DataFrame = "rut",
    follower: str | pd.DataFrame = "btc_long",
    as_of: Any = COMMENTARY_DATE,
    min_gap: int = 250,
    margin: float = 0.0,
    use_high: bool = False,
    horizons: tuple[int, ...] = (30, 90, 180, 365),
    horizon: int = 365,
    n_resamples: int = 2000,
    sections: tuple[str, ...] = (
        "claims",
        "events",
        "event_study",
        "inference",
        "regimes",
        "backtest",
        "methods",
    ),
    progress: Callable[[str], None] | None = None,
    rng: Any = 20260122,
) -> Report:
    """Reproduce the commentary's claims against the data.

    Parameters
    ----------
    leader, follower : str or DataFrame
        Bundled names (default Russell 2000 ``"rut"`` and BTC with its Coin Metrics
        back-history ``"btc_long"``) or validated frames (``riskcycle.datasets.read_prices``).
    as_of : date-like
        The commentary's date (2026-01-22): the as-of analysis truncates every input
        there; the out-of-sample follow-up uses the data after it.
    min_gap : int
        Breakout drought in leader sessions.
    margin : float
        Required excess over the prior record (fraction), as in :func:`riskcycle.breakouts`.
    use_high : bool
        Intraday variant (daily highs), as in :func:`riskcycle.breakouts`.
    horizons : tuple of int
        Event-study horizons in calendar days.
    horizon : int
        The horizon of the few-event inference and the backtest's holding period.
    n_resamples : int
        Resamples of every resampling method (placebo, bootstraps, GARCH null, nulls).
    sections : tuple of str
        Sections to build (all by default).
    progress : callable, optional
        Called with a short message as each stage starts.
    rng : int, Generator or SeedSequence
        Seed of every stochastic stage (independent child streams are spawned).

    Returns
    -------
    Report
    """
    from .. import breakouts, datasets, event_study

    as_of_ts = check_timestamp(as_of, "as_of")
    min_gap = check_int(
        min_gap, "min_gap", minimum=1, what="a positive integer number of sessions"
    )
    margin = check_float(margin, "margin", minimum=0.0, what="a non-negative fraction")
    use_high = check_bool(use_high, "use_high")
    rule = {"min_gap": min_gap, "margin": margin, "use_high": use_high}
    horizon = check_int(horizon, "horizon", minimum=1, what="a positive integer number of days")
    n_resamples = check_int(n_resamples, "n_resamples", minimum=1, what="a positive integer")
    seed_seq = np.random.SeedSequence(rng) if isinstance(rng, int | np.integer) else None
    gen = check_rng(seed_seq if seed_seq is not None else rng)
    streams = gen.spawn(8)
    say = progress or (lambda _m: None)
    col = _Collector()

    lead = datasets.load(leader) if isinstance(leader, str) else leader
    fol = datasets.load(follower) if isinstance(follower, str) else follower
    lname = display_name(lead, "leader")
    fname = display_name(fol, "follower")
    data_names = [n for n in (leader, follower) if isinstance(n, str)]
    for extra in ("spx", "ndx", "btc"):
        if extra not in data_names:
            data_names.append(extra)

    doc = Document(
        title=f"riskcycle: do {lname} breakouts lead {fname}?",
        subtitle=(
            f"Claims of the early-2026 commentary tested on the bundled data "
            f"(as of {as_of_ts:%Y-%m-%d} and out of sample to {fol.index[-1]:%Y-%m-%d}). "
            f"Every verdict below is computed from the numbers shown."
        ),
    )
    numbers: dict[str, Any] = {"as_of": as_of_ts, "leader": lname, "follower": fname}

    say("breakout events and event study")
    events = breakouts(lead, **rule)
    study = col.run("event study", lambda: event_study(fol, events, horizons=horizons))
    long_table = study.to_frame()

    if "claims" in sections:
        claims = data_claims(lead, fol, events.dates, long_table, as_of=as_of_ts)
        s = doc.section("The commentary's claims against the data")
        s.text(
            "Each row states a claim of the commentary, what the data say, the rule that "
            "turns the measurement into a verdict, and the verdict. Rows that need the "
            "statistical stages (volatility regime, 'two samples are not proof') follow "
            "in their sections and are repeated in the summary table at the end of this "
            "section when those stages run."
        )
        numbers["claims"] = [{"claim": c.claim, "verdict": c.verdict, **c.numbers} for c in claims]
        doc_claims = s
    else:
        claims, doc_claims = [], None

    if "events" in sections:
        s = doc.section(f"Breakout events of {lname}")
        s.text(
            f"Definition: {describe(events)}. Detected on the full history "
            f"({lead.index[0]:%Y-%m-%d} to {lead.index[-1]:%Y-%m-%d})."
        )
        s.table(
            events.to_frame().drop(columns=["information_time"]).set_index("event_date"),
            caption="Events",
            digits=2,
        )
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 4))
        events.plot(lead, ax=ax)
        s.figure(
            fig,
            "events",
            f"{lname} closes (log scale) with the breakout events and the records they broke",
        )
        numbers["events"] = events.to_frame()

    if "event_study" in sections:
        s = doc.section(f"Event study: {fname} after the breakouts")
        s.text(
            "Day 0 is the first follower bar observed after the leader's close was known; "
            "horizons are calendar days. Windows that run past the end of the data are shown "
            "with the return so far and marked incomplete; events before the follower's "
            "first date are excluded (listed below)."
        )
        ret = _pivot_returns(long_table)
        ret = 1.0 + ret
        ret.columns = [f"x{c}" for c in ret.columns]
        comp = long_table.pivot(index="event_date", columns="horizon", values="complete")
        ret["complete_all"] = comp.all(axis=1)
        s.table(ret, caption=f"Growth of 1 in {fname} from day 0 (x = multiple)", digits=3)
        t = study.tests[
            [
                "test",
                "horizon",
                "statistic",
                "pvalue",
                "min_attainable_pvalue",
                "n_events",
                "null_hypothesis",
            ]
        ]
        s.table(
            t.loc[t["horizon"] == max(horizons)].set_index("test"),
            caption=f"Tests across events at {max(horizons)} days "
            f"(model {study.model!r}; two-sided)",
        )
        if len(study.excluded):
            s.text(
                "Excluded events: "
                + ", ".join(f"{d:%Y-%m-%d} ({st})" for d, st in study.excluded["status"].items())
                + "."
            )
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 4.5))
        study.plot(ax=ax)
        s.figure(
            fig,
            "event_paths",
            f"Cumulative {fname} return after each breakout and the "
            "mean path with its confidence band",
        )
        numbers["event_study"] = {"windows": long_table, "tests": study.tests}

    extra_claims = []
    if "inference" in sections:
        say("few-event inference (as of the commentary and on all data)")
        from ._sections import inference_section

        extra_claims += inference_section(
            doc,
            numbers,
            col,
            lead,
            fol,
            as_of=as_of_ts,
            rule=rule,
            horizon=horizon,
            n_resamples=n_resamples,
            rng=streams[0],
        )
    if "regimes" in sections:
        say("volatility regimes around the spot-ETF approval")
        from ._sections import regimes_section

        extra_claims += regimes_section(
            doc, numbers, col, fol, n_resamples=n_resamples, rng=streams[1]
        )
    if "backtest" in sections:
        say("backtest with significance and data-snooping control")
        from ._sections import backtest_section

        backtest_section(
            doc,
            numbers,
            col,
            lead,
            fol,
            rule=rule,
            horizon=horizon,
            n_resamples=n_resamples,
            rng=streams[2],
        )

    if doc_claims is not None:
        all_claims = claims + extra_claims
        doc_claims.table(claims_frame(all_claims).set_index("claim"), caption="Claims")
        numbers["claims"] = [
            {"claim": c.claim, "verdict": c.verdict, **c.numbers} for c in all_claims
        ]

    if "methods" in sections:
        settings = {
            "leader": lname,
            "follower": fname,
            "as_of": f"{as_of_ts:%Y-%m-%d}",
            "min_gap": min_gap,
            "margin": margin,
            "use_high": use_high,
            "horizons": horizons,
            "horizon": horizon,
            "n_resamples": n_resamples,
        }
        numbers["methods"] = methods_section(
            doc,
            seed=rng if isinstance(rng, int) else str(rng),
            settings=settings,
            data_names=data_names,
        )
    if col.messages:
        s = doc.section("Warnings raised while computing")
        for m in col.messages:
            s.text(m)
    numbers["warnings"] = list(col.messages)
    return Report(document=doc, numbers=to_jsonable(numbers), warnings=tuple(col.messages))
