"""Shared machinery for result objects: versions, summaries in several formats.

Result classes are frozen dataclasses (``frozen=True, slots=True, kw_only=True``)
that inherit :class:`ResultMixin` and implement ``_summary_tables`` and ``to_frame``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = ["ConfidenceInterval", "ResultMixin", "Summary", "package_versions"]


class ConfidenceInterval(NamedTuple):
    """Lower and upper confidence bounds (scipy's ``ConfidenceInterval`` shape).

    The one interval type of riskcycle's results; re-exported as
    ``riskcycle.backtesting.ConfidenceInterval`` and
    ``riskcycle.regimes.ConfidenceInterval``.
    """

    low: Any
    high: Any


_KEY_PACKAGES = (
    "riskcycle",
    "numpy",
    "pandas",
    "scipy",
    "arch",
    "vectorbt",
    "numba",
    "matplotlib",
)


@lru_cache(maxsize=1)
def _versions_cached() -> tuple[tuple[str, str], ...]:
    out = []
    for pkg in _KEY_PACKAGES:
        if pkg == "riskcycle":
            from ._version import __version__

            out.append((pkg, __version__))
            continue
        try:
            out.append((pkg, metadata.version(pkg)))
        except metadata.PackageNotFoundError:
            out.append((pkg, "not installed"))
    return tuple(out)


def package_versions() -> dict[str, str]:
    """Versions of riskcycle and its key dependencies (read without importing them)."""
    return dict(_versions_cached())


def _fmt_cell(value: Any, digits: int) -> str:
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return "nan"
        if value != 0 and (abs(value) >= 10 ** (digits + 2) or abs(value) < 10 ** (-digits)):
            return f"{value:.{digits}g}"
        return f"{value:.{digits}f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    return str(value)


def _formatted(df: pd.DataFrame, digits: int) -> pd.DataFrame:
    out = df.copy()
    out.index = pd.Index([_fmt_cell(v, digits) for v in out.index], name=df.index.name)
    for c in out.columns:
        out[c] = [_fmt_cell(v, digits) for v in out[c]]
    return out.astype(str)


def _latex_escape(s: str) -> str:
    for a, b in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("_", r"\_"),
        ("#", r"\#"),
        ("$", r"\$"),
        ("{", r"\{"),
        ("}", r"\}"),
    ):
        s = s.replace(a, b)
    return s


@dataclass(frozen=True, slots=True)
class Summary:
    """A titled set of tables and notes that renders as text, HTML, LaTeX or Markdown.

    ``str(summary)`` is the text rendering; notebooks show the HTML rendering.
    Numbers are rounded for display only; ``to_frame()`` on the result holds the
    unrounded values.
    """

    title: str
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    notes: tuple[str, ...] = ()
    digits: int = 4
    _extra: Mapping[str, Any] = field(default_factory=dict)

    def as_text(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        for caption, df in self.tables:
            lines.append("")
            if caption:
                lines += [caption, "-" * len(caption)]
            lines.append(_formatted(df, self.digits).to_string())
        if self.notes:
            lines.append("")
            lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [f"### {self.title}"]
        for caption, df in self.tables:
            f = _formatted(df, self.digits)
            lines.append("")
            if caption:
                lines += [f"**{caption}**", ""]
            head = [str(f.index.name or "")] + [str(c) for c in f.columns]
            lines.append("| " + " | ".join(head) + " |")
            lines.append("|" + "|".join(["---"] * len(head)) + "|")
            for i, row in zip(f.index, f.itertuples(index=False), strict=True):
                lines.append("| " + " | ".join([str(i), *map(str, row)]) + " |")
        if self.notes:
            lines.append("")
            lines += [f"- {n}" for n in self.notes]
        return "\n".join(lines)

    def as_html(self) -> str:
        parts = [f"<h3>{html.escape(self.title)}</h3>"]
        for caption, df in self.tables:
            if caption:
                parts.append(f"<h4>{html.escape(caption)}</h4>")
            parts.append(_formatted(df, self.digits).to_html(border=0, classes="riskcycle-table"))
        if self.notes:
            items = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
            parts.append(f"<ul>{items}</ul>")
        return "\n".join(parts)

    def as_latex(self) -> str:
        parts = []
        for caption, df in self.tables:
            f = _formatted(df, self.digits)
            cols = [str(f.index.name or "")] + [str(c) for c in f.columns]
            parts.append(r"\begin{table}[htbp]\centering")
            parts.append(r"\caption{" + _latex_escape(caption or self.title) + "}")
            parts.append(r"\begin{tabular}{l" + "r" * len(f.columns) + "}")
            parts.append(r"\hline")
            parts.append(" & ".join(_latex_escape(c) for c in cols) + r" \\ \hline")
            for i, row in zip(f.index, f.itertuples(index=False), strict=True):
                parts.append(" & ".join(_latex_escape(str(v)) for v in (i, *row)) + r" \\")
            parts.append(r"\hline\end{tabular}\end{table}")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


class ResultMixin:
    """Methods shared by result dataclasses.

    Subclasses define ``_summary(self) -> Summary``, ``to_frame(self)`` and a field
    ``versions``. Frozen slotted dataclasses may inherit this (it has no slots of its own).
    """

    __slots__ = ()

    def summary(self) -> Summary:
        """Text summary (``str()``), with ``as_html()``, ``as_latex()`` and ``as_markdown()``."""
        return self._summary()  # type: ignore[attr-defined]

    def _repr_html_(self) -> str:
        return self.summary().as_html()
