"""The geometry of the report charts and their SVG, drawn from `templates/charts/*.svg`:
horizontal stacked bars, bars either side of a zero line, and lines with markers. Series are told
apart by fill pattern (solid dark, hatched, dotted, solid light, cross-hatched), black outlines,
marker shape and dash, never by colour alone (see `service.reports.charts` for why SVG from a
template and not pygal)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from service.reports.fmt import number
from service.reports.templating import environment

WIDTH = 640
ROW = 26  # px per bar
BAR = 16
CHAR = 7.0  # px per character of the 12 px labels (DejaVu Sans is wide)
LEGEND = 34  # px above the first bar
MARKERS = ("circle", "square", "triangle", "diamond", "cross")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
BUDGET_SERIES = {"sv": ("över budget", "under budget"), "en": ("over budget", "under budget")}


@dataclass
class Segment:
    x: float
    width: float
    pattern: int


@dataclass
class Bar:
    label: str
    y: float
    segments: list[Segment] = field(default_factory=list)
    value: str = ""
    value_x: float = 0.0


def _nice(top: float) -> tuple[float, list[float]]:
    """An axis maximum at or above `top` and its ticks: steps of 1, 2 or 5 × 10^k."""
    if top <= 0:
        return 1.0, [0.0, 1.0]
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if step < 1:
        step = 1.0
    end = math.ceil(top / step) * step
    return end, [i * step for i in range(int(round(end / step)) + 1)]


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: max(1, chars - 1)] + "…"


def _svg(template: str, **context: object) -> str:
    return environment().get_template(f"charts/{template}.svg").render(**context)


def hbar(
    key: str,
    title: str,
    alt: str,
    labels: list[str],
    values: list[list[float]],
    series: list[str],
    lang: str,
    patterns: list[int] | None = None,
) -> str:
    """Horizontal stacked bars: one bar per label, one segment per series, the total after it."""
    patterns = patterns or list(range(len(series)))
    legend = _legend(series, patterns)
    top = _top(legend)
    label_w = min(240.0, max(60.0, CHAR * max((len(s) for s in labels), default=4)))
    x0 = label_w + 12
    plot = WIDTH - x0 - 60
    end, ticks = _nice(max((sum(v) for v in values), default=0))
    bars = []
    for i, (label, row) in enumerate(zip(labels, values, strict=True)):
        bar = Bar(_fit(label, int(label_w / CHAR)), top + i * ROW)
        x = x0
        for j, value in enumerate(row):
            width = plot * value / end
            if width > 0:
                bar.segments.append(Segment(x, width, patterns[j]))
            x += width
        bar.value, bar.value_x = number(sum(row), 0, lang), x + 6
        bars.append(bar)
    height = top + len(labels) * ROW + 28
    axis = [(x0 + plot * t / end, number(t, 0, lang)) for t in ticks]
    return _svg(
        "hbar",
        key=key,
        title=title,
        alt=alt,
        width=WIDTH,
        height=height,
        bars=bars,
        bar=BAR,
        x0=x0,
        axis=axis,
        axis_y=top + len(labels) * ROW,
        top=top - 6,
        legend=legend,
    )


def _legend(series: list[str], patterns: list[int]) -> list[tuple[float, float, int, str]]:
    """Legend entries (x, y, pattern, name), wrapped onto a new row at the chart's width."""
    out, x, y = [], 0.0, 0.0
    for name, pattern in zip(series, patterns, strict=True):
        width = 40 + CHAR * len(name)
        if x and x + width > WIDTH:
            x, y = 0.0, y + 18
        out.append((x, y, pattern, name))
        x += width
    return out


def _top(legend: list[tuple[float, float, int, str]]) -> float:
    """Where the plot starts: below the legend's last row."""
    return LEGEND + max((e[1] for e in legend), default=0.0)


def diverging(
    key: str,
    title: str,
    alt: str,
    labels: list[str],
    values: list[float],
    texts: list[str],
    lang: str,
) -> str:
    """Bars left (under budget, light) and right (over budget, hatched) of a zero line, each
    with its amount beside it (to the right of the zero line, under budget too)."""
    legend = _legend(list(BUDGET_SERIES[lang]), [1, 3])
    top = _top(legend)
    label_w = min(240.0, max(60.0, CHAR * max((len(s) for s in labels), default=4)))
    x0 = label_w + 12
    text_w = CHAR * max((len(t) for t in texts), default=0) + 10
    zero = x0 + (WIDTH - x0) / 2
    half = max(20.0, WIDTH - zero - text_w)
    end = max((abs(v) for v in values), default=0.0) or 1.0
    bars = []
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        width = half * abs(value) / end
        bar = Bar(_fit(label, int(label_w / CHAR)), top + i * ROW)
        bar.segments.append(
            Segment(zero if value >= 0 else zero - width, width, 1 if value > 0 else 3)
        )
        bar.value, bar.value_x = text, (zero + width + 6 if value >= 0 else zero + 6)
        bars.append(bar)
    return _svg(
        "diverging",
        key=key,
        title=title,
        alt=alt,
        width=WIDTH,
        height=top + len(labels) * ROW + 12,
        bars=bars,
        bar=BAR,
        x0=x0,
        zero=zero,
        top=top - 6,
        bottom=top + len(labels) * ROW,
        legend=legend,
    )


def lines(
    key: str,
    title: str,
    alt: str,
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    lang: str,
) -> str:
    """A line per series over the categories, told apart by marker and dash, not colour."""
    names = [name for name, _ in series]
    legend = _legend(names, list(range(len(names))))
    x0, top, plot_w, plot_h = 48.0, _top(legend) + 8, WIDTH - 48 - 24, 180.0
    end, ticks = _nice(max((v for _, vs in series for v in vs if v is not None), default=0))
    step = plot_w / max(1, len(categories) - 1) if len(categories) > 1 else 0
    first = x0 + (plot_w / 2 if len(categories) == 1 else 0)
    drawn = []
    for i, (name, values) in enumerate(series):
        points = [
            (first + j * step, top + plot_h - plot_h * v / end)
            for j, v in enumerate(values)
            if v is not None
        ]
        drawn.append((name, points, MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)]))
    return _svg(
        "lines",
        key=key,
        title=title,
        alt=alt,
        width=WIDTH,
        height=top + plot_h + 40,
        x0=x0,
        top=top,
        plot_w=plot_w,
        plot_h=plot_h,
        series=drawn,
        yaxis=[(top + plot_h - plot_h * t / end, number(t, 0, lang)) for t in ticks],
        xaxis=[(first + j * step, c) for j, c in enumerate(categories)],
        legend=[
            (x, y, name, MARKERS[i % len(MARKERS)], DASHES[i % len(DASHES)])
            for i, (x, y, _, name) in enumerate(legend)
        ],
    )
