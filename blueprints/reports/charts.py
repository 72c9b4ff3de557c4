"""Bar charts as inline SVG, drawn on the server: plain data in, an escaped SVG string out.

No JavaScript and no style attributes (the CSP allows only the site's stylesheet): colours
come from CSS classes in static/style.css, with presentation attributes as a fallback.
Every bar carries its number (a <title> and data-value), and the page shows the same numbers
as a table beside the chart for screen readers and for print.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FALLBACK_FILLS = ("#b4235a", "#e58fb0", "#1f6f8b", "#7fb7cc", "#9a6700", "#5b636b")
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One row of numbers: its name, values (one per category), a CSS class and a stack name."""

    name: str
    values: Sequence[float]
    css: str = ""
    stack: str = ""


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, float]:
    """A round top and step for the value axis (top ≥ maximum, about `ticks` steps)."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(maximum / step), step


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _attrs(**attrs) -> str:
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not None
    )


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    y_label: str,
    x_label: str,
    description: str = "",
    width: int = 720,
    height: int = 320,
) -> Markup:
    """A grouped (and, within a stack, stacked) bar chart with title, axes, labels and legend."""
    chart_id = f"chart-{next(_ids)}"
    left, right, top, bottom, legend_h = 64, 16, 36, 52, 24
    plot_w, plot_h = width - left - right, height - top - bottom - legend_h
    stacks = list(dict.fromkeys(s.stack or s.name for s in series)) or [""]
    totals = [
        max((sum(s.values[i] for s in series if (s.stack or s.name) == stack) for stack in stacks), default=0)
        for i in range(len(categories))
    ]
    top_value, step = nice_scale(max(totals, default=0))
    scale = plot_h / top_value
    band = plot_w / max(len(categories), 1)
    bar_w = band * 0.8 / len(stacks)
    svg_attrs = _attrs(
        viewBox=f"0 0 {width} {height}", width=width, height=height, class_="chart", role="img"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {svg_attrs} aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description or title)}</desc>',
        f'<text class="chart-title" x="{left}" y="20" font-weight="bold">{escape(title)}</text>',
    ]
    baseline = top + plot_h
    ticks = round(top_value / step)
    for n in range(ticks + 1):
        y = baseline - n * step * scale
        out.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d0d7de"/>'
        )
        out.append(
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(n * step)}</text>'
        )
    out.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{baseline}" stroke="#1f2328"/>')
    out.append(
        f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{baseline}" y2="{baseline}" '
        'stroke="#1f2328"/>'
    )
    for i, category in enumerate(categories):
        x0 = left + band * i + band * 0.1
        for k, stack in enumerate(stacks):
            y = baseline
            for index, s in enumerate(series):
                if (s.stack or s.name) != stack or not s.values[i]:
                    continue
                h = s.values[i] * scale
                y -= h
                fill = FALLBACK_FILLS[index % len(FALLBACK_FILLS)]
                out.append(
                    f'<rect class="bar {escape(s.css)}" x="{x0 + k * bar_w:.1f}" y="{y:.1f}" '
                    f'width="{bar_w * 0.95:.1f}" height="{h:.1f}" fill="{fill}" '
                    f'data-value="{escape(s.values[i])}"><title>{escape(category)} '
                    f"{escape(s.name)}: {_number(s.values[i])}</title></rect>"
                )
        out.append(
            f'<text class="tick" x="{left + band * (i + 0.5):.1f}" y="{baseline + 16}" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    out.append(
        f'<text class="axis-label" x="{left + plot_w / 2:.1f}" y="{baseline + 34}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    out.append(
        f'<text class="axis-label" x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    x = left
    legend_y = height - 10
    for index, s in enumerate(series):
        fill = FALLBACK_FILLS[index % len(FALLBACK_FILLS)]
        out.append(
            f'<rect class="bar {escape(s.css)}" x="{x}" y="{legend_y - 10}" width="12" height="12" '
            f'fill="{fill}"/>'
        )
        out.append(f'<text class="legend" x="{x + 16}" y="{legend_y}">{escape(s.name)}</text>')
        x += 28 + sum(13 if ord(ch) > 0x2E80 else 7 for ch in s.name)
    out.append("</svg>")
    return Markup("\n".join(out))
