"""A small document model rendered to self-contained HTML and to Markdown with PNG files."""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure as MplFigure

__all__ = ["Card", "Document", "Figure", "Paragraph", "Section", "Table", "to_jsonable"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Plain text; ``**bold**`` and ``code`` spans are rendered in both formats."""

    text: str


@dataclass(frozen=True, slots=True)
class Table:
    frame: pd.DataFrame
    caption: str = ""
    digits: int = 4


@dataclass(frozen=True, slots=True)
class Card:
    """Verdict boxes: ``(label, value, colour class)`` with class good/weak/bad/none."""

    items: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class Figure:
    name: str  # file stem, e.g. "events"
    png: bytes
    caption: str = ""


@dataclass(slots=True)
class Section:
    title: str
    blocks: list[Any] = field(default_factory=list)

    def text(self, s: str) -> None:
        self.blocks.append(Paragraph(s))

    def table(self, frame: pd.DataFrame, caption: str = "", digits: int = 4) -> None:
        self.blocks.append(Table(frame, caption, digits))

    def card(self, items: list[tuple[str, str, str]]) -> None:
        self.blocks.append(Card(tuple(items)))

    def figure(self, fig: MplFigure, name: str, caption: str = "") -> None:
        """Add a matplotlib figure (rendered to PNG at once, then closed).

        The report's figures have fixed layouts that keep every label and legend inside
        the canvas, so the PNG is rendered in one draw (a tight bounding box would draw
        the figure twice).
        """
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        plt.close(fig)
        self.blocks.append(Figure(name, buf.getvalue(), caption))


def _fmt(value: Any, digits: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return "NaN"
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 10 ** (-digits)):
            return f"{value:.{digits}g}"
        return f"{value:,.{digits}f}" if abs(value) >= 1000 else f"{value:.{digits}f}"
    if isinstance(value, pd.Timestamp):
        if value is pd.NaT:
            return ""
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, int | np.integer):
        return f"{int(value):d}"
    return str(value)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(
        v, bool | np.bool_
    )


def _cells(
    frame: pd.DataFrame, digits: int
) -> tuple[list[str], list[list[str]], list[list[bool]]]:
    df = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame
    head = [str(c) for c in df.columns]
    rows = [[_fmt(v, digits) for v in row] for row in df.itertuples(index=False)]
    numeric = [[_is_number(v) for v in row] for row in df.itertuples(index=False)]
    return head, rows, numeric


def _inline_html(s: str) -> str:
    s = html.escape(s)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    s = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"<em>\1</em>", s)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", s)


_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.7em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.86em}
th,td{border:1px solid #ddd;padding:.25em .55em;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}
th{background:#f3f3f3}
caption{caption-side:top;text-align:left;font-weight:600;padding:.3em 0}
figure{margin:1em 0}figure img{max-width:100%}figcaption{font-size:.85em;color:#555}
code{background:#f5f5f5;padding:0 .2em}.meta{color:#666;font-size:.85em}
.cards{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}
.card{border:1px solid #ccc;border-left-width:6px;border-radius:4px;padding:.4em .7em;
min-width:12em;flex:1}
.card .k{font-size:.8em;color:#555}.card .v{font-weight:600;font-size:1.05em}
.good{border-left-color:#2e8b57;background:#eef8f1}.weak{border-left-color:#d4a017;
background:#fdf7e6}.bad{border-left-color:#c0392b;background:#fbeeee}
.none{border-left-color:#999;background:#f5f5f5}
td.good,td.weak,td.bad,td.none{border-left-width:5px;border-left-style:solid}
"""


def _td_class(text: str, numeric: bool, verdict: bool) -> str:
    """Numbers align right; verdict cells get their colour class."""
    if verdict:
        from ._claims import verdict_class

        return verdict_class(text)
    return "n" if numeric else "t"


@dataclass(slots=True)
class Document:
    title: str
    subtitle: str = ""
    sections: list[Section] = field(default_factory=list)

    def section(self, title: str) -> Section:
        s = Section(title)
        self.sections.append(s)
        return s

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]

    def to_html(self) -> str:
        out = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        if self.subtitle:
            out.append(f'<p class="meta">{_inline_html(self.subtitle)}</p>')
        out.append(
            "<nav><ol>"
            + "".join(
                f'<li><a href="#s{i}">{html.escape(s.title)}</a></li>'
                for i, s in enumerate(self.sections, 1)
            )
            + "</ol></nav>"
        )
        for i, s in enumerate(self.sections, 1):
            out.append(f'<h2 id="s{i}">{i}. {html.escape(s.title)}</h2>')
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out.append(f"<p>{_inline_html(b.text)}</p>")
                elif isinstance(b, Table):
                    head, rows, num = _cells(b.frame, b.digits)
                    cap = f"<caption>{_inline_html(b.caption)}</caption>" if b.caption else ""
                    is_verdict = [h.startswith("verdict") for h in head]
                    out.append(
                        f"<table>{cap}<thead><tr>"
                        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
                        + "</tr></thead><tbody>"
                        + "".join(
                            "<tr>"
                            + "".join(
                                f'<td class="{_td_class(c, isnum, v)}">{html.escape(c)}</td>'
                                for c, isnum, v in zip(r, nr, is_verdict, strict=True)
                            )
                            + "</tr>"
                            for r, nr in zip(rows, num, strict=True)
                        )
                        + "</tbody></table>"
                    )
                elif isinstance(b, Card):
                    out.append(
                        '<div class="cards">'
                        + "".join(
                            f'<div class="card {cls}"><div class="k">{html.escape(k)}</div>'
                            f'<div class="v">{html.escape(v)}</div></div>'
                            for k, v, cls in b.items
                        )
                        + "</div>"
                    )
                elif isinstance(b, Figure):
                    data = base64.b64encode(b.png).decode("ascii")
                    out.append(
                        f'<figure><img alt="{html.escape(b.caption or b.name)}" '
                        f'src="data:image/png;base64,{data}">'
                        f"<figcaption>{_inline_html(b.caption)}</figcaption></figure>"
                    )
        out.append("</body></html>")
        return "\n".join(out)

    def to_markdown(self, figure_dir: str = "figures") -> str:
        out = [f"# {self.title}", ""]
        if self.subtitle:
            out += [self.subtitle, ""]
        for i, s in enumerate(self.sections, 1):
            out += [f"## {i}. {s.title}", ""]
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    out += [b.text, ""]
                elif isinstance(b, Table):
                    head, rows, _ = _cells(b.frame, b.digits)
                    if b.caption:
                        out += [f"**{b.caption}**", ""]
                    esc = [h.replace("|", "\\|") for h in head]
                    out.append("| " + " | ".join(esc) + " |")
                    out.append("|" + "|".join("---" for _ in head) + "|")
                    out += [
                        "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows
                    ]
                    out.append("")
                elif isinstance(b, Card):
                    out += ["| | |", "|---|---|"]
                    out += [f"| {k} | **{v}** |" for k, v, _ in b.items]
                    out.append("")
                elif isinstance(b, Figure):
                    out += [f"![{b.caption or b.name}]({figure_dir}/{b.name}.png)", ""]
                    if b.caption:
                        out += [f"*{b.caption}*", ""]
        return "\n".join(out)

    def write(self, out_dir: str | Path, numbers: dict[str, Any]) -> dict[str, Path]:
        out = Path(out_dir)
        (out / "figures").mkdir(parents=True, exist_ok=True)
        paths = {
            "html": out / "report.html",
            "markdown": out / "report.md",
            "json": out / "results.json",
        }
        paths["html"].write_text(self.to_html(), encoding="utf-8")
        paths["markdown"].write_text(self.to_markdown(), encoding="utf-8")
        for f in self.figures():
            (out / "figures" / f"{f.name}.png").write_bytes(f.png)
        paths["json"].write_text(
            json.dumps(to_jsonable(numbers), indent=2, allow_nan=False), encoding="utf-8"
        )
        return paths


def to_jsonable(obj: Any) -> Any:
    """Plain JSON types; NaN and infinities become ``None`` (JSON has no NaN)."""
    if isinstance(obj, Mapping):  # a dict, or a result's settings (a mapping view)
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.reset_index().to_dict(orient="records")]
    if isinstance(obj, pd.Series):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.Timestamp):
        return None if obj is pd.NaT else obj.isoformat()
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    if obj is None or isinstance(obj, str):
        return obj
    if obj is pd.NaT:
        return None
    return str(obj)
