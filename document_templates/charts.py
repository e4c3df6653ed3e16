"""Horizontal bar charts as PNG images, for Word documents (matplotlib, Agg backend).

The figures are drawn with matplotlib's object interface (no ``pyplot``, so no global
state shared between requests) and saved without a timestamp, so the same data gives
the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: the service and the worker run headless

from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)

BAR = "#1d70b8"  # GOV.UK blue; with black text it passes WCAG contrast on white
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
WIDTH_INCHES = 6.3  # the text width of an A4 page with the templates' margins
DPI = 150


def bar_chart_png(
    labels: Sequence[str],
    counts: Sequence[int],
    *,
    shown: Sequence[str] | None = None,
    hidden: Sequence[bool] | None = None,
    xlabel: str = "Referrals",
) -> bytes:
    """A horizontal bar chart, first label at the top, as PNG bytes.

    ``shown`` is the text written at the end of each bar (the count by default);
    a bar whose ``hidden`` is true is not drawn — its text says why (small numbers).
    """
    shown = list(shown) if shown is not None else [str(c) for c in counts]
    hidden = list(hidden) if hidden is not None else [False] * len(counts)
    lengths = [0 if h else c for c, h in zip(counts, hidden, strict=True)]
    height = 0.75 + 0.36 * max(len(labels), 1)
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.barh(positions, lengths, color=BAR, height=0.62)
    ax.set_yticks(positions, labels=[_wrap(label) for label in labels], fontsize=9, color=TEXT)
    ax.invert_yaxis()
    top = max(lengths, default=0)
    ax.set_xlim(0, max(top * 1.25, 5))
    for y, (length, text) in enumerate(zip(lengths, shown, strict=True)):
        ax.text(length + max(top, 5) * 0.015, y, text, va="center", fontsize=9, color=TEXT)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel(xlabel, fontsize=9, color=TEXT)
    ax.tick_params(axis="x", labelsize=8, colors=TEXT)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _wrap(label: str, width: int = 34) -> str:
    """Long labels on two lines (at a space), so that the bars keep their room."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    if cut <= 0:
        return label[: width - 1] + "…"
    rest = label[cut + 1 :]
    return label[:cut] + "\n" + (rest if len(rest) <= width else rest[: width - 1] + "…")
