"""Assemble the claim-reproduction report from the library's stages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._results import package_versions
from .._rng import RNGLike, check_rng
from .._typing import DateLike, PathLike
from .._validation import check_bool, check_float, check_int, check_timestamp
from ..events import describe
from ._claims import (
    CLAIM_ORDER,
    COMMENTARY_DATE,
    Claim,
    claims_frame,
    data_claims,
    display_name,
    series_label,
)
from ._document import Document, Figure, Section, to_jsonable
from ._methods import methods_section
from ._stages import (
    Collector,
    StageOutput,
    StageRunner,
    stage_backtest,
    stage_case,
    stage_markets,
    stage_regimes,
    stage_scan,
)

__all__ = ["SECTIONS", "Report", "build_report"]

#: The report's sections, in the order they appear.
SECTIONS = (
    "bottom_line",
    "claims",
    "events",
    "event_study",
    "inference",
    "robustness",
    "regimes",
    "backtest",
    "methods",
)

#: Which section computes each claim that needs a statistical stage.
_CLAIM_SECTION = {
    "6": "regimes",
    "9": "claims",
    "10": "claims",
    "13": "inference",
    "14": "backtest",
}

#: Modules every worker process would otherwise import on its own (numba, arch and
#: statsmodels through the stages): imported before the workers are forked.
_STAGE_MODULES = (
    "numba",
    "arch.univariate",
    "riskcycle.assess",
    "riskcycle.backtesting",
    "riskcycle.cycles",
    "riskcycle.eventstudy",
    "riskcycle.regimes",
    "riskcycle.inference",
    "exchange_calendars",
)


def _prepare_workers(lead: pd.DataFrame, fol: pd.DataFrame) -> None:
    """What each worker process would otherwise do again, done once before they are forked.

    The leader's and the follower's information times (they build the exchange calendar
    that the events, the event windows and the backtest look up, and are cached per
    clock and dates) and numba's compiler target (its first use in a process loads
    numba's implementation modules, before any compiled kernel can be loaded from the
    cache). Only caches are filled: no number depends on this.
    """
    from .._clocks import clock_of

    for frame in (lead, fol):
        attrs = getattr(frame, "attrs", {}) or {}
        if "clock" in attrs:  # a frame without one fails in the stages, with its message
            clock_of(frame, None, "clock").information_times(frame.index)
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()
    except (ImportError, AttributeError):  # pragma: no cover - another numba layout
        pass


_COINMETRICS = ("btc_long", "btc_coinmetrics")
COINMETRICS_NOTE = (
    "Bitcoin prices before 2014-09-17 are Coin Metrics community data, licensed CC BY-NC "
    "4.0: attribution 'Coin Metrics community data' required; non-commercial use only."
)


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

    def write(self, out_dir: PathLike) -> dict[str, Path]:
        """Write ``report.html`` (self-contained), ``report.md`` + ``figures/*.png`` and
        ``results.json`` into ``out_dir``; return their paths."""
        return self.document.write(out_dir, self.numbers)

    def to_html(self) -> str:
        return self.document.to_html()

    def to_markdown(self) -> str:
        return self.document.to_markdown()


_Collector = Collector  # the name used before the stages moved to ._stages


def _pivot_returns(frame: pd.DataFrame, value: str = "return_to_date") -> pd.DataFrame:
    t = frame.pivot(index="event_date", columns="horizon", values=value)
    t.columns = [f"{h}d" for h in t.columns]
    return t


def _sections_iv(sections: object) -> tuple[str, ...]:
    if isinstance(sections, str) or not isinstance(sections, tuple | list):
        raise TypeError(
            f"`sections` must be a tuple of section names; got {type(sections).__name__}."
        )
    if not all(isinstance(x, str) for x in sections):
        raise TypeError("`sections` must be a tuple of section names (strings).")
    unknown = [x for x in sections if x not in SECTIONS]
    if unknown:
        raise ValueError(
            f"`sections` has unknown name(s) {', '.join(map(repr, unknown))}; choose from "
            f"{', '.join(SECTIONS)}."
        )
    if not sections:
        raise ValueError(f"`sections` must name at least one of {', '.join(SECTIONS)}.")
    return tuple(sections)


def _name(frame: pd.DataFrame, fallback: str) -> str:
    return str((getattr(frame, "attrs", {}) or {}).get("name", fallback))


def build_report(
    *,
    leader: str | pd.DataFrame = "rut",
    follower: str | pd.DataFrame = "btc_long",
    as_of: DateLike = COMMENTARY_DATE,
    min_gap: int = 250,
    margin: float = 0.0,
    use_high: bool = False,
    horizons: tuple[int, ...] = (30, 90, 180, 365),
    horizon: int = 365,
    n_resamples: int = 2000,
    sections: tuple[str, ...] = SECTIONS,
    progress: Callable[[str], None] | None = None,
    n_jobs: int = 1,
    rng: RNGLike = 20260122,
) -> Report:
    """Reproduce the commentary's claims against the data.

    Parameters
    ----------
    leader, follower : str or DataFrame
        Bundled names (default Russell 2000 ``"rut"`` and BTC with its Coin Metrics
        back-history ``"btc_long"``) or validated frames (``riskcycle.datasets.read_prices``;
        bundled frames carry their name in ``attrs["name"]``, which the data table uses).
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
        Sections to build, from :data:`SECTIONS` (all by default). The bottom line needs
        the few-event inference and computes it even when its section is not shown.
    progress : callable, optional
        Called with a short message as each stage starts (with ``n_jobs > 1``: as the
        report waits for each stage's output).
    n_jobs : int, default 1
        Processes for the statistical stages (each specification of the few-event
        inference, the scan, the regimes, the backtest and the other markets' claims).
        With ``n_jobs > 1`` they run at once in that many worker processes forked from
        this one (Linux only; elsewhere they run here, one after another) while this
        process draws the figures of the data. The numbers, the document and the
        warnings are the same for every ``n_jobs``: each stage has its own random
        stream, spawned in a fixed order, and the outputs are assembled in a fixed
        order.
    rng : int, Generator or SeedSequence
        Seed of every stochastic stage (independent child streams are spawned).

    Returns
    -------
    Report

    Raises
    ------
    TypeError, ValueError
        Invalid arguments, e.g. an unknown name in ``sections``.
    """
    import matplotlib.pyplot  # noqa: F401  (once, before any worker process starts)

    from .. import datasets

    as_of_ts = check_timestamp(as_of, "as_of")
    min_gap = check_int(
        min_gap, "min_gap", minimum=1, what="a positive integer number of sessions"
    )
    margin = check_float(margin, "margin", minimum=0.0, what="a non-negative fraction")
    use_high = check_bool(use_high, "use_high")
    rule = {"min_gap": min_gap, "margin": margin, "use_high": use_high}
    horizon = check_int(horizon, "horizon", minimum=1, what="a positive integer number of days")
    n_resamples = check_int(n_resamples, "n_resamples", minimum=1, what="a positive integer")
    sections = _sections_iv(sections)
    n_jobs = check_int(n_jobs, "n_jobs", minimum=1, what="a positive integer")
    seed_seq = np.random.SeedSequence(rng) if isinstance(rng, int | np.integer) else None
    gen = check_rng(seed_seq if seed_seq is not None else rng)
    streams = gen.spawn(8)
    say = progress or (lambda _m: None)
    col = Collector()
    alpha = 0.05

    lead = datasets.load(leader) if isinstance(leader, str) else leader
    fol = datasets.load(follower) if isinstance(follower, str) else follower
    lname = display_name(lead, "leader")
    fname = display_name(fol, "follower")
    used: list[str] = []

    def use(*names: str) -> None:
        used.extend(n for n in names if n not in used)

    use(_name(lead, "leader"), _name(fol, "follower"))
    definition = "intraday" if use_high else "close"

    with StageRunner(
        n_jobs, preload=_STAGE_MODULES, prepare=lambda: _prepare_workers(lead, fol)
    ) as runner:
        # every stage that needs only the data starts now (in worker processes when
        # n_jobs > 1; otherwise each runs when its result is first needed, in the
        # order of the sections)
        specs = _submit_stages(
            runner,
            sections,
            lead,
            fol,
            as_of=as_of_ts,
            rule=rule,
            horizon=horizon,
            n_resamples=n_resamples,
            alpha=alpha,
            streams=streams,
        )
        if runner.parallel:
            say(f"statistical stages started in {n_jobs} worker processes")
        return _assemble(
            runner,
            specs,
            col,
            say,
            use,
            used,
            lead,
            fol,
            sections=sections,
            as_of_ts=as_of_ts,
            rule=rule,
            definition=definition,
            horizons=horizons,
            horizon=horizon,
            n_resamples=n_resamples,
            alpha=alpha,
            lname=lname,
            fname=fname,
            seed=rng,
        )


def _submit_stages(
    runner, sections, lead, fol, *, as_of, rule, horizon, n_resamples, alpha, streams
) -> list:
    """Submit the statistical stages, the slowest first (the first specification of the
    inference before them, since the others wait for it); return the inference's specs."""
    from ._sections import inference_specs, scan_available

    specs = []
    if {"bottom_line", "inference", "robustness"} & set(sections):
        specs = inference_specs(
            lead,
            fol,
            as_of=as_of,
            rule=rule,
            horizon=horizon,
            n_resamples=n_resamples,
            rng=streams[0],
            alternative_rule=("high" in lead)
            and bool({"bottom_line", "robustness"} & set(sections)),
        )
        # the first specification compiles the inference's kernels (on a cold numba cache);
        # the others start once it is done and load them
        nulls = (display_name(fol, "follower"), horizon) if "inference" in sections else None
        runner.submit("case 0", stage_case, lead, specs[0], nulls=nulls)
    if "backtest" in sections:
        runner.submit(
            "backtest",
            stage_backtest,
            lead,
            fol,
            rule=rule,
            horizon=horizon,
            n_resamples=n_resamples,
            rng=streams[2],
        )
    if "regimes" in sections:
        runner.submit("regimes", stage_regimes, fol, n_resamples=n_resamples, rng=streams[1])
    if "claims" in sections:
        runner.submit(
            "markets", stage_markets, fol, alpha=alpha, n_resamples=n_resamples, rng=streams[3]
        )
    for i, spec in enumerate(specs[1:], start=1):
        runner.submit(f"case {i}", stage_case, lead, spec, after="case 0")
    if "robustness" in sections and scan_available():
        runner.submit(
            "scan",
            stage_scan,
            lead,
            fol,
            as_of=as_of,
            rule=rule,
            n_resamples=n_resamples,
            rng=streams[4],
            after="case 0" if specs else None,
        )
    return specs


def _assemble(
    runner,
    specs,
    col,
    say,
    use,
    used,
    lead,
    fol,
    *,
    sections,
    as_of_ts,
    rule,
    definition,
    horizons,
    horizon,
    n_resamples,
    alpha,
    lname,
    fname,
    seed,
) -> Report:
    """The document in the order of :data:`SECTIONS`, from this process's work and the
    stages' outputs (warnings in the same order, whichever process raised them)."""
    doc = _new_document(lname, fname, as_of_ts, fol.index[-1])
    numbers: dict[str, Any] = {"as_of": as_of_ts, "leader": lname, "follower": fname}
    bl_section = doc.section("Bottom line") if "bottom_line" in sections else None

    def stage(key: str) -> StageOutput:
        out = runner.result(key)
        col.extend(out.messages)
        return out

    say("breakout events and event study")
    doc_claims = (
        doc.section("The commentary's claims against the data") if ("claims" in sections) else None
    )
    events, intraday, found = _data_sections(
        doc,
        numbers,
        col,
        lead,
        fol,
        sections=sections,
        rule=rule,
        as_of=as_of_ts,
        horizons=horizons,
        lname=lname,
        fname=fname,
    )
    claim_figures = Section("figures")
    if doc_claims is not None:
        # drawn here, while the stages run; placed at the end of the claims section
        claim_figures = _claim_figures(fol, events, intraday, as_of_ts, fname=fname, lname=lname)

    cases, nulls = [], None
    if specs:
        say("few-event inference (as of the commentary and on all data)")
        outs = [stage(f"case {i}") for i in range(len(specs))]
        cases = [out.value for out in outs]
        nulls = outs[0].sections[0].blocks[0] if outs[0].sections else None
    _stage_sections(
        doc,
        numbers,
        found,
        stage,
        runner,
        say,
        use,
        cases,
        fol,
        nulls,
        sections=sections,
        as_of=as_of_ts,
        alpha=alpha,
        horizon=horizon,
    )
    if doc_claims is not None:
        say("the commentary's claims about other markets")
        _claims_section(doc_claims, numbers, found, stage("markets").value, use, claim_figures)
    if bl_section is not None:
        numbers["bottom_line"] = _bottom_section(
            bl_section,
            found,
            cases,
            numbers.get("backtest"),
            as_of=as_of_ts,
            definition=definition,
            lname=lname,
            fname=fname,
            alpha=alpha,
        )
    if "methods" in sections:
        numbers["methods"] = _methods(
            doc,
            lead,
            fol,
            used,
            as_of=as_of_ts,
            rule=rule,
            horizons=horizons,
            horizon=horizon,
            n_resamples=n_resamples,
            seed=seed,
        )
    _finish(doc, numbers, col.messages, used)
    return Report(document=doc, numbers=to_jsonable(numbers), warnings=tuple(col.messages))


def _new_document(lname: str, fname: str, as_of: pd.Timestamp, end: pd.Timestamp) -> Document:
    return Document(
        title=f"riskcycle: do {lname} breakouts lead {fname}?",
        subtitle=(
            f"Claims of the early-2026 commentary tested on the bundled data "
            f"(as of {as_of:%Y-%m-%d} and out of sample to {end:%Y-%m-%d}). "
            f"Every verdict below is computed from the numbers shown."
        ),
    )


def _claims_section(s, numbers, found, markets, use, claim_figures: Section) -> None:
    """The claims section, once the other markets' stage is in: its claims join ``found``."""
    mclaims, mnumbers, (steps, corr), mused = markets
    use(*mused)
    for c in mclaims:
        found[c.number] = c
    numbers["claims"] = _claims_table(s, found, steps, corr, claim_figures)
    numbers["markets"] = mnumbers


def _data_sections(
    doc, numbers, col, lead, fol, *, sections, rule, as_of, horizons, lname, fname
) -> tuple[Any, Any, dict[str, Claim]]:
    """The breakouts, the event study and the claims the data settle, with the events and
    event-study sections; returns the events, the intraday events and the claims."""
    from .. import breakouts, event_study

    events = breakouts(lead, **rule)
    intraday = breakouts(lead, **dict(rule, use_high=True)) if "high" in lead else events
    study = col.run("event study", lambda: event_study(fol, events, horizons=horizons))
    long_table = study.to_frame()
    found: dict[str, Claim] = {
        c.number: c for c in data_claims(lead, fol, events.dates, long_table, as_of=as_of)
    }
    if "events" in sections:
        numbers["events"] = _events_section(doc, lead, events, intraday, lname)
    if "event_study" in sections:
        numbers["event_study"] = _event_study_section(
            doc, study, long_table, horizons, fname=fname, lname=lname
        )
    return events, intraday, found


def _finish(doc, numbers, messages: list[str], used: list[str]) -> None:
    """The data licence note, the warnings section and the last numbers."""
    if any(n in _COINMETRICS for n in used):
        doc.subtitle += " " + COINMETRICS_NOTE
    if messages:
        s = doc.section("Warnings raised while computing")
        for m in messages:
            s.text(m)
    numbers["data_used"] = used
    numbers["warnings"] = list(messages)


def _events_section(doc, lead, events, intraday, lname: str) -> pd.DataFrame:
    """The leader's breakout events: definition, table and figure; returns the table."""
    from ._figures import fig_leader_events

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
    s.figure(
        fig_leader_events(lead, events, intraday, lname),
        "events",
        f"{lname} closes (log scale) with the breakout events and the records they broke"
        + ("; hollow markers: breakouts of the daily high only" if "high" in lead else ""),
    )
    return events.to_frame()


def _event_study_section(
    doc, study, long_table: pd.DataFrame, horizons, *, fname: str, lname: str
) -> dict[str, pd.DataFrame]:
    """The follower after the breakouts: growth table, tests, excluded events, figure."""
    from ._figures import fig_event_paths

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
        caption=f"Tests across events at {max(horizons)} days (model {study.model!r}; two-sided)",
    )
    if len(study.excluded):
        s.text(
            "Excluded events: "
            + ", ".join(f"{d:%Y-%m-%d} ({st})" for d, st in study.excluded["status"].items())
            + "."
        )
    s.figure(
        fig_event_paths(study, fname, lname, max(horizons)),
        "event_paths",
        f"Growth of 1 in {fname} after each breakout (log scale). The black line is the "
        f"geometric mean over the events whose {max(horizons)}-day window is complete, so "
        "every day of it averages the same events; dashed: an event still inside its "
        "window, shown to date and not in the mean.",
    )
    return {"windows": long_table, "tests": study.tests}


def _claim_figures(fol, events, intraday, as_of_ts, *, fname: str, lname: str) -> Section:
    """The claims section's figures (the follower with the dates; the halving cycles)."""
    import matplotlib.pyplot as plt

    from ._figures import fig_btc_overview, fig_halving_paths

    claim_figures = Section("figures")
    claim_figures.figure(
        fig_btc_overview(fol, events, intraday, as_of_ts, fname, lname),
        "bitcoin",
        f"{fname} (log scale) with the halvings, the spot-ETF approval, the commentary's "
        f"date and the {lname} breakouts (claims 3, 4, 6 and 8)",
    )
    claim_figures.figure(
        fig_halving_paths(fol, fname),
        "halvings",
        f"{fname} from each halving: growth of 1 from the last close before it, with each "
        "cycle's multiple at its last day shown (claim 5)",
    )
    plt.close("all")
    return claim_figures


def _stage_sections(
    doc,
    numbers,
    found,
    stage,
    runner,
    say,
    use,
    cases,
    fol,
    nulls: Figure | None,
    *,
    sections,
    as_of,
    alpha,
    horizon,
) -> None:
    """The sections built from the statistical stages: inference, robustness (with the
    scan), regimes and backtest, with the claims they settle added to ``found``."""
    if "inference" in sections:
        from ._sections import inference_section

        for c in inference_section(
            doc, numbers, cases, fol, as_of=as_of, horizon=horizon, nulls=nulls
        ):
            found[c.number] = c
    if "robustness" in sections:
        from ._sections import robustness_section

        rob = robustness_section(doc, numbers, cases, alpha=alpha, horizon=horizon)
        if runner.has("scan"):
            say("scan over definitions, horizons and Bitcoin histories")
            out = stage("scan")
            rob.blocks.extend(b for sec in out.sections for b in sec.blocks)
            numbers.update(out.numbers)
    for key, message in (
        ("regimes", "volatility regimes around the spot-ETF approval"),
        ("backtest", "backtest with significance and data-snooping control"),
    ):
        if key in sections:
            say(message)
            if key == "regimes":
                use("rut", "spx", "ndx")
            out = stage(key)
            doc.sections.extend(out.sections)
            numbers.update(out.numbers)
            for c in out.claims:
                found[c.number] = c


def _claims_table(s, found, steps, corr, claim_figures: Section) -> list[dict[str, Any]]:
    """The claims table (every claim, in the commentary's order), the other markets'
    tables and the claims' figures; returns the claims' numbers."""
    rows = [
        found.get(n)
        or Claim(
            number=n,
            claim="(needs the " + _CLAIM_SECTION.get(n, n) + " section)",
            stated="",
            measured="",
            rule="",
            verdict=f"not computed: the {_CLAIM_SECTION.get(n, n)} section was not built",
            numbers={},
        )
        for n in CLAIM_ORDER
    ]
    s.text(
        "Each row states a claim of the commentary (numbered as in the commentary; 5 is "
        "split into its return, the prices it is stated with and the earlier cycles, and "
        "the rows marked + are the report's own), what the data say, the rule that turns "
        "the measurement into a verdict, and the verdict. Tolerances follow the precision "
        "with which each claim was stated. Claims the bundled data cannot settle say so "
        "and name the data that would."
    )
    s.table(claims_frame(rows).set_index("#"), caption="Claims")
    s.table(
        steps,
        caption="Claim 9: does each step of the risk curve lead the next? (weekly returns; "
        "p-values of the leader-leads and follower-leads tests)",
    )
    s.table(corr, caption="Claim 10: Bitcoin's weekly correlation with each index")
    s.blocks.extend(claim_figures.blocks)
    return [
        {"number": c.number, "claim": c.claim, **c.numbers, "verdict": c.verdict} for c in rows
    ]


def _bottom_section(
    s, found, cases, backtest, *, as_of, definition, lname, fname, alpha
) -> dict[str, Any]:
    """The bottom line's cards and paragraph; returns its numbers."""
    from ._bottom import bottom_line

    fu = found.get("+b")
    fu_numbers = None
    if fu is not None and fu.numbers:
        fu_numbers = {
            "event": fu.numbers["event"],
            "return": fu.numbers["return"],
            "complete": fu.numbers["complete"],
            "last_date": fu.numbers["last_date"],
        }
    nov = found.get("4")
    text, cards, bl_numbers = bottom_line(
        cases,
        as_of=as_of,
        definition=definition,
        lname=lname,
        fname=fname,
        follow_up=fu_numbers,
        intraday_break=nov.numbers if nov is not None and nov.numbers else None,
        backtest=backtest,
        alpha=alpha,
    )
    s.card(cards)
    s.text(text)
    return bl_numbers


def _methods(
    doc, lead, fol, used, *, as_of, rule, horizons, horizon, n_resamples, seed
) -> dict[str, Any]:
    """The methods section (settings, data, versions); returns its numbers."""
    settings = {
        "leader": series_label(lead, "leader"),
        "follower": series_label(fol, "follower"),
        "as_of": f"{as_of:%Y-%m-%d}",
        "min_gap": rule["min_gap"],
        "margin": rule["margin"],
        "use_high": rule["use_high"],
        "horizons": horizons,
        "horizon": horizon,
        "n_resamples": n_resamples,
    }
    user = {n: f for n, f in ((_name(lead, "leader"), lead), (_name(fol, "follower"), fol))}
    return methods_section(
        doc,
        seed=seed if isinstance(seed, int) else str(seed),
        settings=settings,
        data_names=used,
        frames=user,
    )
