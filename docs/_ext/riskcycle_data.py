"""Sphinx extension: the data page, generated from riskcycle's dataset registry.

Two directives, evaluated at build time so the page never drifts from the code:

``.. riskcycle-datasets::``
    Tables built from :func:`riskcycle.datasets.available`: one row per bundled
    series (name, description, clock, periods per year, range, rows, columns,
    units), then each series' source and licence note.

``.. riskcycle-provenance::``
    The Markdown text of :func:`riskcycle.datasets.provenance`, converted to
    document nodes by a small converter for the subset that file uses
    (headings, paragraphs, nested bullet and numbered lists, pipe tables,
    ``code``, ``**bold**``, horizontal rules). Should the text ever fall
    outside that subset, it is included verbatim as a literal block instead.

The nodes are built directly (no reStructuredText round trip), so no character
in the registry or the Markdown needs escaping.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


# ---------------------------------------------------------------------------
# helpers building docutils nodes
# ---------------------------------------------------------------------------
def _inline(text: str) -> list[nodes.Node]:
    """Text with Markdown ``code`` and **bold** spans as inline nodes."""
    out: list[nodes.Node] = []
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(nodes.literal(part[1:-1], part[1:-1]))
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            inner = part[2:-2]
            out.append(nodes.strong("", "", *_inline(inner)))
        else:
            out.append(nodes.Text(part))
    return out


def _para(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", *_inline(text))


def _table(
    header: list[str], rows: list[list[Any]], widths: list[int], classes: tuple[str, ...] = ()
) -> nodes.table:
    """A table; cells are strings (inline Markdown) or ready-made nodes."""
    table = nodes.table(classes=["riskcycle-data", *classes])
    tgroup = nodes.tgroup(cols=len(header))
    table += tgroup
    for w in widths:
        tgroup += nodes.colspec(colwidth=w)

    def row(cells: list[Any]) -> nodes.row:
        r = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            if isinstance(cell, nodes.Node):
                entry += cell
            else:
                entry += _para(str(cell))
            r += entry
        return r

    thead = nodes.thead()
    thead += row(header)
    tgroup += thead
    tbody = nodes.tbody()
    for cells in rows:
        tbody += row(cells)
    tgroup += tbody
    return table


# ---------------------------------------------------------------------------
# registry tables
# ---------------------------------------------------------------------------
def registry_nodes() -> list[nodes.Node]:
    import riskcycle.datasets as ds

    reg = ds.available()
    rows = []
    for name, r in reg.iterrows():
        rows.append(
            [
                nodes.paragraph("", "", nodes.literal(name, name)),
                r["description"],
                f"`{r['clock']}` ({int(r['periods_per_year'])}/yr)",
                f"{r['first_date']:%Y-%m-%d} to {r['last_date']:%Y-%m-%d}",
                f"{int(r['rows']):,}",
                ", ".join(f"`{c.strip()}`" for c in str(r["columns"]).split(",")),
                r["units"],
            ]
        )
    series = _table(
        ["name", "description", "clock (periods per year)", "dates", "rows", "columns", "units"],
        rows,
        [10, 34, 16, 16, 7, 17, 12],
    )
    src_rows = [
        [nodes.paragraph("", "", nodes.literal(name, name)), r["source"], r["licence"]]
        for name, r in reg.iterrows()
    ]
    sources = _table(["name", "source", "licence note"], src_rows, [10, 40, 50])
    return [
        series,
        nodes.paragraph(
            "",
            "",
            nodes.Text(
                "Sources and licence notes (the licence note is also in each loaded "
                "frame's attrs['licence']):"
            ),
        ),
        sources,
    ]


# ---------------------------------------------------------------------------
# Markdown subset -> nodes
# ---------------------------------------------------------------------------
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)([*+-]|\d+[.)])\s+(.*)$")
_RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")


class _UnsupportedMarkdown(ValueError):
    pass


def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _parse_list(lines: list[str], start: int) -> tuple[nodes.Element, int]:
    """Parse a (possibly nested) list starting at ``lines[start]``."""
    m = _ITEM.match(lines[start])
    assert m is not None
    indent = len(m.group(1).expandtabs())
    ordered = m.group(2)[0].isdigit()
    lst: nodes.Element = (
        nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
        if ordered
        else nodes.bullet_list(bullet="*")
    )
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            break
        m = _ITEM.match(line)
        if m is None:
            raise _UnsupportedMarkdown(f"unexpected line in list: {line!r}")
        ind = len(m.group(1).expandtabs())
        if ind < indent:
            break
        if ind > indent:
            raise _UnsupportedMarkdown(f"list item indented without a parent: {line!r}")
        if m.group(2)[0].isdigit() != ordered:
            break
        text = [m.group(3).strip()]
        i += 1
        # continuation lines (indented, not items)
        while (
            i < len(lines)
            and lines[i].strip()
            and _ITEM.match(lines[i]) is None
            and lines[i].startswith(" ")
        ):
            text.append(lines[i].strip())
            i += 1
        item = nodes.list_item("", _para(" ".join(text)))
        # nested lists (a switch between bullets and numbers starts a sibling list)
        while i < len(lines) and lines[i].strip():
            m2 = _ITEM.match(lines[i])
            if m2 is None or len(m2.group(1).expandtabs()) <= indent:
                break
            sub, i = _parse_list(lines, i)
            item += sub
        lst += item
    return lst, i


def markdown_nodes(text: str, directive: SphinxDirective) -> list[nodes.Node]:
    """Convert the Markdown subset to nodes; ``#`` is dropped, ``##`` become sections."""
    lines = text.splitlines()
    top: list[nodes.Node] = []
    current: list[nodes.Node] | nodes.Element = top
    i = 0
    para: list[str] = []

    def flush() -> None:
        if para:
            current.append(_para(" ".join(s.strip() for s in para)))  # type: ignore[union-attr]
            para.clear()

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
            continue
        h = _HEADING.match(line)
        if h:
            flush()
            level, title = len(h.group(1)), h.group(2)
            if level == 1:
                i += 1
                continue
            if level != 2:
                raise _UnsupportedMarkdown(f"heading level {level}: {line!r}")
            section = nodes.section()
            section += nodes.title("", "", *_inline(title))
            name = nodes.fully_normalize_name("provenance " + re.sub(r"[`*]", "", title))
            section["names"].append(name)
            directive.state.document.note_implicit_target(section, section)
            top.append(section)
            current = section
            i += 1
            continue
        if _RULE.match(line):
            flush()
            i += 1
            continue
        if line.lstrip().startswith("|"):
            flush()
            block = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            if len(block) < 2 or not set(block[1].replace("|", "").strip()) <= set("-: "):
                raise _UnsupportedMarkdown("pipe table without a separator row")
            header = _split_row(block[0])
            body = [_split_row(b) for b in block[2:]]
            if any(len(r) != len(header) for r in body):
                raise _UnsupportedMarkdown("pipe table with ragged rows")
            current.append(_table(header, body, [1] * len(header)))  # type: ignore[union-attr]
            continue
        if _ITEM.match(line):
            flush()
            lst, i = _parse_list(lines, i)
            current.append(lst)  # type: ignore[union-attr]
            continue
        para.append(line)
        i += 1
    flush()
    return top


# ---------------------------------------------------------------------------
# directives
# ---------------------------------------------------------------------------
class DatasetsDirective(SphinxDirective):
    """Tables of the bundled series from :func:`riskcycle.datasets.available`."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(_datasets_file())
        return registry_nodes()


class ProvenanceDirective(SphinxDirective):
    """The provenance notes of :func:`riskcycle.datasets.provenance`."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        import riskcycle.datasets as ds

        self.env.note_dependency(_provenance_file())
        text = ds.provenance()
        try:
            return markdown_nodes(text, self)
        except _UnsupportedMarkdown as exc:
            logger.info("riskcycle_data: provenance included verbatim (%s)", exc)
            return [nodes.literal_block(text, text, language="markdown")]


def _datasets_file() -> str:
    import riskcycle.datasets as ds

    return ds.__file__


def _provenance_file() -> str:
    import os

    import riskcycle.datasets as ds

    return os.path.join(os.path.dirname(ds.__file__), "PROVENANCE.md")


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("riskcycle-datasets", DatasetsDirective)
    app.add_directive("riskcycle-provenance", ProvenanceDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
