"""Bar charts drawn on the server as inline SVG: no script library, no inline style (the console's CSP
forbids both); colours are presentation attributes or classes of ``supervisor.css``.

Every chart carries a ``<title>`` and a ``<desc>`` and each bar its own ``<title>``, and the page shows
the same figures as a table, so a screen reader never depends on the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = ["Bar", "bar_chart"]

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 12, 34


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # under the bar (shown for some bars only, so the axis stays readable)
    value: float | None  # None: nothing to measure that day (no bar, said so in the bar's title)
    tip: str  # the bar's accessible text, e.g. "02/12/2026: 14 hồ sơ"


def _nice_top(highest: float) -> float:
    """A round upper bound for the axis (1, 2, 5 × 10^k) at or above ``highest``."""
    if highest <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(highest))
    for step in (1, 2, 5, 10):
        if step * power >= highest:
            return float(step * power)
    return float(10 * power)


def _axis_text(value: float, unit: str) -> str:
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
    return text + unit


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    unit: str = "",
    top: float | None = None,
) -> Markup:
    """One bar per entry of ``bars``, left to right; ``top`` fixes the axis (e.g. 100 for a share)."""
    highest = max((b.value for b in bars if b.value is not None), default=0.0)
    axis_top = top if top is not None else _nice_top(highest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_axis_text(axis_top * fraction, unit))}</text>"
        )
    for index, bar in enumerate(bars):
        x = LEFT + index * slot
        if bar.value is not None and bar.value > 0:
            height = plot_h * min(bar.value, axis_top) / axis_top
            parts.append(
                f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{TOP + plot_h - height:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{height:.1f}"><title>{escape(bar.tip)}</title></rect>'
            )
        else:  # a transparent hit area still carries the day's text for a pointer or a reader
            parts.append(
                f'<rect class="empty" x="{x + slot * 0.15:.1f}" y="{TOP:.1f}" width="{slot * 0.7:.1f}" '
                f'height="{plot_h:.1f}"><title>{escape(bar.tip)}</title></rect>'
            )
        if bar.label:
            parts.append(
                f'<text class="axis" x="{x + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append(
        f'<line class="base" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
