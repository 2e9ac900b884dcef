"""A radar (spider) chart of framework dimensions as accessible, server-rendered SVG."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 560, 460
CX, CY = WIDTH / 2, HEIGHT / 2
RADIUS = 125
MAX_SCORE = 4
# Colours with enough contrast on white; series also differ in dash pattern, not colour alone.
STYLES = (
    ("#1d5e8c", "none", "0.25"),
    ("#b35c00", "6 4", "0.12"),
    ("#4b4b4b", "2 3", "0.08"),
)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = RADIUS * value / MAX_SCORE
    return round(CX + r * math.cos(angle), 1), round(CY + r * math.sin(angle), 1)


def _wrap(label: str, width: int = 14) -> list[str]:
    """Split a long label into two lines at the space nearest its middle."""
    if len(label) <= width or " " not in label:
        return [label]
    spaces = [i for i, ch in enumerate(label) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1:]]


def radar_svg(labels: list[str], series: list[Series], *, ident: str, title: str,
              description: str) -> Markup:
    """Render labels (one per axis) and up to three series of 1-4 values as an SVG element.

    Missing values (None) are drawn at the centre. Raises ValueError for bad input.
    """
    count = len(labels)
    if count < 3:
        raise ValueError(f"a radar chart needs at least 3 axes, got {count}")
    if not 1 <= len(series) <= len(STYLES):
        raise ValueError(f"draw 1 to {len(STYLES)} series, got {len(series)}")
    for s in series:
        if len(s.values) != count:
            raise ValueError(f"series {s.name!r} has {len(s.values)} values for {count} axes")
        for v in s.values:
            if v is not None and not 0 <= v <= MAX_SCORE:
                raise ValueError(f"series {s.name!r} has value {v!r} outside 0-{MAX_SCORE}")
    ident = escape(ident)
    height = HEIGHT + 30 * len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="radar" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'focusable="false">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        _grid(tuple(labels)),
    ]
    # Each series takes the next style; there may be more styles than series.
    for s, (colour, dash, opacity) in zip(series, STYLES, strict=False):
        points = " ".join(f"{x},{y}" for x, y in
                          (_point(i, count, v or 0) for i, v in enumerate(s.values)))
        parts.append(f'<polygon points="{points}" fill="{colour}" fill-opacity="{opacity}" '
                     f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>')
    for n, (s, (colour, dash, _)) in enumerate(zip(series, STYLES, strict=False)):
        y = HEIGHT + 5 + 30 * n
        parts.append(f'<line x1="20" y1="{y}" x2="60" y2="{y}" stroke="{colour}" '
                     f'stroke-width="4" stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="72" y="{y + 6}" font-size="18" fill="#1a1a1a">'
                     f'{escape(s.name)}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


@functools.lru_cache(maxsize=16)
def _grid(labels: tuple[str, ...]) -> str:
    """The rings, axes and axis labels: the same for every chart with these labels, so built
    once per process (a page draws only its series)."""
    count = len(labels)
    parts = ['<g aria-hidden="true">']
    for ring in range(1, MAX_SCORE + 1):
        points = " ".join(f"{x},{y}" for x, y in (_point(i, count, ring) for i in range(count)))
        parts.append(f'<polygon points="{points}" fill="none" stroke="#c8c8c8" stroke-width="1"/>')
        x, y = _point(0, count, ring)
        parts.append(f'<text x="{x + 5}" y="{y + 5}" font-size="14" fill="#595959">{ring}</text>')
    for i, label in enumerate(labels):
        x, y = _point(i, count, MAX_SCORE)
        parts.append(f'<line x1="{CX}" y1="{CY}" x2="{x}" y2="{y}" stroke="#c8c8c8"/>')
        lx, ly = _point(i, count, MAX_SCORE + 0.5)
        anchor = "middle" if abs(lx - CX) < 20 else ("start" if lx > CX else "end")
        lines = _wrap(label)
        top = ly + 6 - (10 * (len(lines) - 1) if abs(lx - CX) >= 20 else 0)
        if ly < CY - RADIUS:
            top -= 20 * (len(lines) - 1)
        spans = "".join(f'<tspan x="{lx}" dy="{0 if k == 0 else 20}">{escape(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text x="{lx}" y="{round(top, 1)}" font-size="17" text-anchor="{anchor}" '
                     f'fill="#1a1a1a">{spans}</text>')
    return "".join(parts)
