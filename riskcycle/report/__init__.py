"""The claim-reproduction report: HTML (self-contained), Markdown with PNG figures, JSON.

:func:`build_report` runs every stage of riskcycle on a leader/follower pair (by
default the Russell 2000 and BTC), as of the commentary's date and on all data,
and :meth:`Report.write` writes ``report.html``, ``report.md``, ``figures/`` and
``results.json`` (every number shown).
"""

from ._build import Report, build_report

__all__ = ["Report", "build_report"]
