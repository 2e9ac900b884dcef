"""Charts as SVG written on the server: no JavaScript, readable text, one title and description.

Each function returns a ``Markup`` string of one ``<svg>`` element to place inline in a page. The
SVG carries ``role="img"``, a ``<title>`` and a ``<desc>`` linked by ``aria-labelledby``; the page
must still follow each chart with a table of the same figures (templates/coordinator/_chart.html
does both). Colours come from classes styled in static/css/charts.css, so a page's strict CSP
needs no inline style. ``id`` must be unique on the page: the title and description ids are built
from it.

Two shapes, enough for the coordinator console and the programme report:

- ``bar_chart``: horizontal bars, one per label, for counts of different things or months. A
  value may be ``None`` (a count hidden because it is under 5): no bar, and the words given
  instead of a number.
- ``histogram``: vertical columns over consecutive ranges (such as 0-9, 10-19 ... 90-100).
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Bar", "Bin", "bar_chart", "histogram"]

WIDTH = 360  # user units; the SVG scales to its box, and 360 keeps 14-unit text readable on phones
FONT = 14
CHAR = 8.4  # a generous width of one character at FONT, to size columns and wrap labels


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value (None when hidden) and the words shown beside it."""

    label: str
    value: float | None
    text: str = ""  # shown beside the bar; defaults to the value with thousands separated

    @property
    def shown(self) -> str:
        if self.text:
            return self.text
        if self.value is None:
            return "hidden"
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.1f}"


@dataclass(frozen=True)
class Bin:
    """One column of a histogram: the range it covers (both ends included) and its count."""

    low: int
    high: int
    count: int


def _open(id: str, title: str, desc: str, height: float) -> list[str]:
    if not id or not id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"Chart id must be letters, digits, - or _: {id!r}")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} '
        f'{height:g}" role="img" aria-labelledby="{id}-title {id}-desc" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{id}-title">{escape(title)}</title>',
        f'<desc id="{id}-desc">{escape(desc)}</desc>',
    ]


def _text(x: float, y: float, words: str, cls: str = "chart-text", anchor: str = "start") -> str:
    return (f'<text x="{x:g}" y="{y:g}" class="{cls}" text-anchor="{anchor}">'
            f"{escape(words)}</text>")


def bar_chart(id: str, title: str, desc: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars scaled to the largest value.

    Short labels (months, single words) sit in a column to the left of their bar; longer ones
    sit on their own line above it, so nothing is cut off at any width.

    Parameters
    ----------
    id : unique on the page; letters, digits, ``-`` and ``_``.
    title, desc : the chart's accessible name and description (say what it shows in words).
    bars : in the order shown, top to bottom.

    Raises
    ------
    ValueError
        For a bad id or a negative value.
    """
    if any(b.value is not None and b.value < 0 for b in bars):
        raise ValueError("Bar values must be 0 or more.")
    longest = max((len(b.label) for b in bars), default=0)
    above = longest * CHAR > WIDTH * 0.35
    label_w = 0 if above else longest * CHAR + 8
    value_w = max((len(b.shown) for b in bars), default=1) * CHAR + 8
    bar_room = WIDTH - label_w - value_w - 4
    line = FONT + 4
    # Above its bar, a long label wraps onto as many lines as it needs.
    lines = [textwrap.wrap(b.label, int(WIDTH / CHAR)) or [""] if above else [b.label]
             for b in bars]
    heights = [len(ls) * line + 26 if above else 28 for ls in lines]
    height = max(sum(heights), 28) + 4
    top = max((b.value or 0) for b in bars) if bars else 0
    parts = _open(id, title, desc, height)
    y = 2.0
    for b, label_lines, row in zip(bars, lines, heights, strict=True):
        bar_y = y + (len(label_lines) * line + 4 if above else 4)
        if above:
            parts.extend(_text(0, y + (k + 1) * line - 4, words)
                         for k, words in enumerate(label_lines))
        else:
            parts.append(_text(label_w - 8, bar_y + 15, b.label, anchor="end"))
        length = 0.0 if not top or b.value is None else bar_room * b.value / top
        if b.value:
            length = max(length, 2.0)  # a small non-zero value still shows
        parts.append(f'<rect x="{label_w:g}" y="{bar_y:g}" width="{length:.1f}" height="20" '
                     f'class="chart-bar{" chart-bar-hidden" if b.value is None else ""}"/>')
        parts.append(_text(label_w + length + 6, bar_y + 15, b.shown,
                           cls="chart-text chart-value"))
        y += row
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(id: str, title: str, desc: str, bins: Sequence[Bin], *,
              axis_label: str = "") -> Markup:
    """Touching vertical columns, one per range, with each range's lower edge labelled below
    (and the last range's upper edge) and the tallest count marked on the left.

    Raises
    ------
    ValueError
        For a bad id, no bins, a negative count or ranges that are not in order.
    """
    if not bins:
        raise ValueError("A histogram needs at least one bin.")
    if any(b.count < 0 for b in bins):
        raise ValueError("Histogram counts must be 0 or more.")
    if any(b.low > b.high for b in bins) or any(
            later.low <= earlier.high for earlier, later in zip(bins, bins[1:], strict=False)):
        raise ValueError("Histogram bins must be in order and must not overlap.")
    left, right, plot_top, plot_h = 48.0, 12.0, 12.0, 150.0
    height = plot_top + plot_h + (48 if axis_label else 28)
    col_w = (WIDTH - left - right) / len(bins)
    top = max(b.count for b in bins)
    parts = _open(id, title, desc, height)
    base = plot_top + plot_h
    parts.append(f'<line x1="{left:g}" y1="{base:g}" x2="{WIDTH - right:g}" y2="{base:g}" '
                 f'class="chart-axis"/>')
    parts.append(_text(left - 6, plot_top + 5, f"{top:,}", anchor="end"))
    parts.append(_text(left - 6, base, "0", anchor="end"))
    for i, b in enumerate(bins):
        x = left + i * col_w
        h = 0.0 if not top else plot_h * b.count / top
        if b.count:
            h = max(h, 2.0)
        parts.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{col_w - 2:.1f}" '
                     f'height="{h:.1f}" class="chart-bar"/>')
        parts.append(_text(x, base + 18, str(b.low), anchor="middle"))
    parts.append(_text(WIDTH - right, base + 18, str(bins[-1].high), anchor="middle"))
    if axis_label:
        parts.append(_text(left + (WIDTH - left - right) / 2, base + 40, axis_label,
                           anchor="middle"))
    parts.append("</svg>")
    return Markup("".join(parts))
