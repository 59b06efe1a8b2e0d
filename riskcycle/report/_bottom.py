"""The bottom line: the report's answer, every word of it decided by a computed number."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._sections import Case, label_class, label_words

__all__ = ["bottom_line"]


def _pick(cases: list[Case], definition: str, history: str, as_of: bool) -> Case | None:
    for c in cases:
        if c.definition == definition and c.history == history and (c.as_of is not None) == as_of:
            return c
    return None


def bottom_line(
    cases: list[Case],
    *,
    as_of: pd.Timestamp,
    definition: str,
    lname: str,
    fname: str,
    follow_up: dict[str, Any] | None,
    intraday_break: dict[str, Any] | None,
    backtest: dict[str, Any] | None,
    bull_threshold: float = 0.20,
    alpha: float = 0.05,
) -> tuple[str, list[tuple[str, str, str]], dict[str, Any]]:
    """The paragraph, the verdict cards and the numbers they come from.

    Parameters
    ----------
    cases : list of Case
        The few-event inference under each specification.
    as_of : Timestamp
        The commentary's date.
    definition : {"close", "intraday"}
        The breakout definition the report was asked for.
    follow_up : dict, optional
        The out-of-sample event: ``event``, ``return`` (since its day 0), ``complete``,
        ``last_date``.
    intraday_break : dict, optional
        The November 2024 intraday break: ``break_date``, ``btc_return_365d``,
        ``known_by_as_of``.
    backtest : dict, optional
        ``random_entry_pvalue_sharpe``, ``total_return``, ``benchmark_total_return``.
    """
    other = "intraday" if definition == "close" else "close"
    a, b, full, alt = _picked(cases, definition, other)
    labels = {
        "as_of": a.result.verdict_label,
        "as_of_long": b.result.verdict_label if b else None,
        "all_data": full.result.verdict_label if full else None,
        "other_definition": alt.result.verdict_label if alt else None,
    }
    fragile = sorted(
        {d.strftime("%Y-%m-%d") for c in (a, b) if c is not None for d in c.result.fragile_events}
    )
    followed = None
    if follow_up is not None and np.isfinite(follow_up.get("return", np.nan)):
        followed = follow_up["return"] > bull_threshold
    beat_random = None
    if backtest is not None and np.isfinite(backtest.get("random_entry_pvalue_sharpe", np.nan)):
        beat_random = backtest["random_entry_pvalue_sharpe"] < alpha
    answer, why = _answer(labels, fragile, followed, other)
    parts = [f"**Does a {lname} breakout signal a {fname} bull market? {answer}:** {why}."]
    parts.append(
        _as_of_sentence(a, b, labels, fragile, as_of=as_of, definition=definition, fname=fname)
    )
    if alt is not None:
        parts.append(_other_sentence(labels, intraday_break, other, as_of=as_of, fname=fname))
    if full is not None:
        parts.append(f"All data to {full.result.data_end:%Y-%m-%d}: {_w(labels['all_data'])}.")
    if follow_up is not None and followed is not None:
        parts.append(_follow_up_sentence(follow_up, followed, bull_threshold, fname=fname))
    if beat_random is not None:
        parts.append(
            f"Holding {fname} after each breakout "
            + ("beat" if beat_random else "did not beat")
            + f" random entries (p = {backtest['random_entry_pvalue_sharpe']:.2g})."
        )
    text = " ".join(parts)
    cards = _cards(
        answer,
        labels,
        (("as_of", a), ("as_of_long", b), ("other_definition", alt), ("all_data", full)),
        follow_up if followed is not None else None,
        followed,
        backtest if beat_random is not None else None,
        beat_random,
        fname=fname,
    )
    numbers = {
        "answer": answer,
        "reason": why,
        "labels": labels,
        "fragile_events": fragile,
        "followed_out_of_sample": followed,
        "beats_random_entries": beat_random,
        "text": text,
    }
    return text, cards, numbers


def _picked(
    cases: list[Case], definition: str, other: str
) -> tuple[Case, Case | None, Case | None, Case | None]:
    """As of the commentary on the shortest and on the longest history, all data, and the
    other definition as of the commentary."""
    histories = [c.history for c in cases if c.definition == definition and c.as_of is not None]
    short = histories[0]
    long = histories[-1]
    a = _pick(cases, definition, short, True)
    b = _pick(cases, definition, long, True) if long != short else None
    full = _pick(cases, definition, long, False)
    alt = _pick(cases, other, short, True)
    return a, b, full, alt


def _n_events(c: Case) -> int:
    return int(c.result.placebo.n_events) if c.result.placebo is not None else 0


def _answer(
    labels: dict[str, str | None], fragile: list[str], followed: bool | None, other: str
) -> tuple[str, str]:
    """The answer (No, Yes on the evidence so far, Not reliably) and why."""
    as_of_labels = [v for v in (labels["as_of"], labels["as_of_long"]) if v is not None]
    if all(v in ("not_supported", "no_events") for v in as_of_labels):
        return "No", "the breakouts are not distinguished from chance"
    if (
        all(v == "supported" for v in as_of_labels)
        and labels["other_definition"] in (None, "supported")
        and followed is not False
    ):
        return (
            "Yes, on the evidence so far",
            "the breakouts stand out under every specification tried",
        )
    reasons = []
    if fragile:
        reasons.append("the evidence rests on single events")
    if labels["other_definition"] in ("not_supported", "mixed"):
        reasons.append(f"it does not survive the {other} definition")
    if followed is False:
        reasons.append("the one breakout since has not been followed by a bull market")
    if any(v == "mixed" for v in as_of_labels):
        reasons.append("the tests disagree")
    return "Not reliably", "; ".join(reasons) or "the specifications disagree"


_SHORT_WORDS = {"fragile": "fragile", "no_events": "without events"}


def _w(label: str | None) -> str:
    return f"*{_SHORT_WORDS.get(label, label_words(label))}*"


def _as_of_sentence(
    a: Case,
    b: Case | None,
    labels: dict[str, str | None],
    fragile: list[str],
    *,
    as_of: pd.Timestamp,
    definition: str,
    fname: str,
) -> str:
    """The verdicts as of the commentary's date, and what leaving out a fragile event gives."""
    without = sorted(
        {
            label_words(v)
            for c in (a, b)
            if c is not None and len(c.result.leave_one_out)
            for d, v in zip(
                c.result.leave_one_out["left_out"],
                c.result.leave_one_out["verdict_without"],
                strict=True,
            )
            if d.strftime("%Y-%m-%d") in fragile
        }
    )
    who = {"2014": f"{fname} from 2014", "2010": f"{fname} from 2010"}.get(a.history, fname)
    return (
        f"As of {as_of:%Y-%m-%d} the commentary's {_n_events(a)} breakouts ({definition} "
        f"definition, {who}) are {_w(labels['as_of'])}"
        + (
            f", the {_n_events(b)} with the Coin Metrics back-history {_w(labels['as_of_long'])}"
            if b is not None
            else ""
        )
        + (
            f": leaving out {', '.join(fragile)} makes them {' or '.join(without)}."
            if fragile
            else "."
        )
    )


def _other_sentence(
    labels: dict[str, str | None],
    intraday_break: dict[str, Any] | None,
    other: str,
    *,
    as_of: pd.Timestamp,
    fname: str,
) -> str:
    """The other breakout definition's verdict (with the intraday break it adds)."""
    nov = ""
    if intraday_break is not None and intraday_break.get("break_date") is not None:
        r = intraday_break["btc_return_365d"]
        nov = f" adds {intraday_break['break_date']:%B %Y} ({fname} {r:+.0%} a year later" + (
            f", known by {as_of:%Y-%m-%d})" if intraday_break["known_by_as_of"] else ")"
        )
    return f"The {other} definition{nov}: {_w(labels['other_definition'])}."


def _follow_up_sentence(
    follow_up: dict[str, Any], followed: bool, bull_threshold: float, *, fname: str
) -> str:
    """What the follower did after the out-of-sample breakout."""
    return (
        f"Since the {follow_up['event']:%Y-%m-%d} breakout {fname} is "
        f"{follow_up['return']:+.0%}"
        + (
            " after 365 days"
            if follow_up["complete"]
            else f" to {follow_up['last_date']:%Y-%m-%d}"
        )
        + (
            f": a bull market (above {bull_threshold:+.0%})."
            if followed
            else ": no bull market" + (" so far." if not follow_up["complete"] else ".")
        )
    )


def _cards(
    answer: str,
    labels: dict[str, str | None],
    picked: tuple[tuple[str, Case | None], ...],
    follow_up: dict[str, Any] | None,
    followed: bool | None,
    backtest: dict[str, Any] | None,
    beat_random: bool | None,
    *,
    fname: str,
) -> list[tuple[str, str, str]]:
    """The verdict boxes: the answer, each specification, the follow-up and the backtest."""
    cards = [("Answer", answer, {"No": "bad", "Not reliably": "weak"}.get(answer, "good"))]
    for key, c in picked:
        if c is not None:
            cards.append(
                (
                    c.name + f" ({_n_events(c)} events)",
                    label_words(labels[key]),
                    label_class(labels[key]),
                )
            )
    if follow_up is not None:
        cards.append(
            (
                f"Out of sample: {follow_up['event']:%Y-%m-%d} breakout",
                f"{fname} {follow_up['return']:+.0%}"
                + ("" if follow_up["complete"] else " so far")
                + (": followed" if followed else ": not followed"),
                "good" if followed else "bad",
            )
        )
    if backtest is not None:
        cards.append(
            (
                "Backtest against random entries",
                f"p = {backtest['random_entry_pvalue_sharpe']:.2g}: "
                + ("beats them" if beat_random else "not distinguished"),
                "good" if beat_random else "bad",
            )
        )
    return cards
