"""The summary's charts, drawn on the server as SVG from `templates/charts/*.svg`, each with a
text alternative (the SVG's <title> and <desc>, and `Chart.alt`) and the data table it shows.

Why SVG from a template and not pygal: the series must stay apart in grey print, so each has a
pattern (solid, hatched, dotted, cross-hatched) and a black outline, not only a colour; the
output is plain SVG with no script or external reference, the same bytes for the same data
(testable, cacheable), with `role="img"`, <title> and <desc>; WeasyPrint draws it in the PDF as
it is, so no PNG is needed. The geometry is a few lines of arithmetic here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN
from service.reports.fmt import listing, number, percent, signed_tkr
from service.reports.models import CommitteeSummary, Out, SeverityCounts
from service.reports.templating import environment

WIDTH = 640
ROW = 26  # px per bar
BAR = 16
CHAR = 7.0  # px per character of the 12 px labels (DejaVu Sans is wide)
LEGEND = 34  # px above the first bar
KEYS = ("omraden", "enheter", "ar", "versioner", "budget", "uppfyllelse")
SEVERITIES = (
    ("fel", "fel", "errors"),
    ("varning", "varningar", "warnings"),
    ("info", "råd", "advice"),
)
BUDGET_SERIES = {"sv": ("över budget", "under budget"), "en": ("over budget", "under budget")}
MARKERS = ("circle", "square", "triangle", "diamond", "cross")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")


class Chart(Out):
    """A chart: its SVG, the text alternative and the data table beside it."""

    key: str
    title: str
    alt: str
    columns: list[str]
    rows: list[list[str]]
    svg: str


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


def _severity_rows(items: Sequence[tuple[str, SeverityCounts]], lang: str) -> list[list[str]]:
    return [
        [
            name,
            *(number(getattr(c, s), 0, lang) for s, _, _ in SEVERITIES),
            number(c.total, 0, lang),
        ]
        for name, c in items
    ]


def _by_severity(
    s: CommitteeSummary,
    key: str,
    items: Sequence[tuple[str, SeverityCounts]],
    what: tuple[str, str],
) -> Chart:
    sv = s.lang == "sv"
    names = [sv_ if sv else en for _, sv_, en in SEVERITIES]
    title = f"Öppna brister per {what[0]}" if sv else f"Open shortcomings by {what[1]}"
    total = sum(c.total for _, c in items)
    busiest = max(items, key=lambda item: item[1].total, default=None)
    empty = [n for n, c in items if c.total == 0]
    if sv:
        alt = f"{title}: totalt {number(total)}."
        if busiest and busiest[1].total:
            c = busiest[1]
            alt += f" Flest: {busiest[0]}, {number(c.total)} ({number(c.fel)} fel, "
            alt += f"{number(c.varning)} varningar, {number(c.info)} råd)."
        if empty:
            alt += f" Inga brister: {listing(empty)}."
    else:
        alt = f"{title}: {number(total, 0, 'en')} in all."
        if busiest and busiest[1].total:
            c = busiest[1]
            alt += f" Most: {busiest[0]}, {c.total} ({c.fel} errors, {c.varning} warnings,"
            alt += f" {c.info} advice)."
        if empty:
            alt += f" None: {listing(empty, 'en')}."
    svg = hbar(
        key,
        title,
        alt,
        [n for n, _ in items],
        [[c.fel, c.varning, c.info] for _, c in items],
        names,
        s.lang,
    )
    columns = [
        what[0].capitalize() if sv else what[1].capitalize(),
        *names,
        "Totalt" if sv else "Total",
    ]
    return Chart(
        key=key, title=title, alt=alt, columns=columns, rows=_severity_rows(items, s.lang), svg=svg
    )


def _years(s: CommitteeSummary) -> Chart:
    items = [(str(y.year), y) for y in s.years]
    return _by_severity(s, "ar", items, ("år", "year"))


def _versions(s: CommitteeSummary) -> Chart:
    sv = s.lang == "sv"
    names = DOCUMENT_NAMES if sv else DOCUMENT_NAMES_EN
    kinds = sorted(
        {p.kind for p in s.versions}, key=lambda k: list(names).index(k) if k in names else 99
    )
    top = max((p.version for p in s.versions), default=1)
    table = {(p.kind, p.version): p.findings for p in s.versions}
    series = [(names.get(k, k), [table.get((k, v)) for v in range(1, top + 1)]) for k in kinds]
    title = f"Brister per version, {s.year}" if sv else f"Findings by version, {s.year}"
    parts = [
        f"{name}: "
        + ", ".join(
            f"version {v + 1} {number(n or 0, 0, s.lang)}"
            for v, n in enumerate(vs)
            if n is not None
        )
        for name, vs in series
    ]
    alt = f"{title}. " + ("; ".join(parts) if parts else ("Inga versioner." if sv else "None."))
    categories = [f"v{v}" for v in range(1, top + 1)]
    columns = ["Handling" if sv else "Document", *categories]
    rows = [
        [name, *("–" if n is None else number(n, 0, s.lang) for n in vs)] for name, vs in series
    ]
    svg = lines(
        "versioner",
        title,
        alt,
        categories,
        [(n, [float(x) if x is not None else None for x in vs]) for n, vs in series],
        s.lang,
    )
    return Chart(key="versioner", title=title, alt=alt, columns=columns, rows=rows, svg=svg)


def _budget(s: CommitteeSummary) -> Chart:
    sv = s.lang == "sv"
    title = "Avvikelse från budget per enhet" if sv else "Budget deviation by unit"
    texts = [
        f"{signed_tkr(b.deviation_tkr, s.lang)} ({percent(b.deviation_pct, s.lang, 1)})"
        for b in s.budgets
    ]
    parts = [f"{b.unit} {t}" for b, t in zip(s.budgets, texts, strict=True)]
    alt = f"{title}: " + ("; ".join(parts) if parts else ("inga belopp" if sv else "no amounts"))
    svg = diverging(
        "budget",
        title,
        alt + ".",
        [b.unit for b in s.budgets],
        [b.deviation_pct for b in s.budgets],
        texts,
        s.lang,
    )
    columns = (
        ["Enhet", "Budget (tkr)", "Utfall (tkr)", "Avvikelse (tkr)", "Avvikelse (%)", "Källa"]
        if sv
        else ["Unit", "Budget (tkr)", "Outcome (tkr)", "Deviation (tkr)", "Deviation (%)", "Source"]
    )
    rows = [
        [
            b.unit,
            number(b.budget_tkr, 0, s.lang),
            "–" if b.outcome_tkr is None else number(b.outcome_tkr, 0, s.lang),
            signed_tkr(b.deviation_tkr, s.lang).removesuffix("\u00a0tkr"),
            percent(b.deviation_pct, s.lang, 1),
            b.source,
        ]
        for b in s.budgets
    ]
    return Chart(key="budget", title=title, alt=alt + ".", columns=columns, rows=rows, svg=svg)


def _fulfilment(s: CommitteeSummary) -> Chart:
    sv = s.lang == "sv"
    title = "Hur åtagandena bedöms i rapporterna" if sv else "How the reports assess commitments"
    names = (
        ["uppfyllda", "delvis", "inte uppfyllda", "oklart", "inte bedömda"]
        if sv
        else ["met", "partly", "not met", "unclear", "not assessed"]
    )
    reports = {
        "sv": ("tertialrapport 1", "tertialrapport 2", "årsrapport"),
        "en": ("four-month report 1", "four-month report 2", "annual report"),
    }
    order = ("tertialrapport_1", "tertialrapport_2", "årsrapport")
    labels = [reports[s.lang][order.index(r.source)] for r in s.reports]
    values = [
        [r.fulfilled, r.partly, r.not_fulfilled, r.unclear, r.not_assessed] for r in s.reports
    ]
    parts = [
        f"{label}: "
        + ", ".join(f"{number(v, 0, s.lang)} {n}" for v, n in zip(row, names, strict=True))
        for label, row in zip(labels, values, strict=True)
    ]
    alt = f"{title}. " + (
        "; ".join(parts) if parts else ("Inga rapporter." if sv else "No reports.")
    )
    svg = hbar(
        "uppfyllelse",
        title,
        alt,
        labels,
        [[float(v) for v in row] for row in values],
        names,
        s.lang,
        patterns=[3, 1, 0, 2, 4],
    )
    columns = ["Rapport" if sv else "Report", *names]
    rows = [
        [label, *(number(v, 0, s.lang) for v in row)]
        for label, row in zip(labels, values, strict=True)
    ]
    return Chart(key="uppfyllelse", title=title, alt=alt, columns=columns, rows=rows, svg=svg)


def chart(s: CommitteeSummary, key: str) -> Chart:
    """One chart of the summary by key (`KEYS`); KeyError for another."""
    if key == "omraden":
        return _by_severity(s, key, [(a.title, a) for a in s.by_area], ("område", "area"))
    if key == "enheter":
        return _by_severity(s, key, [(u.unit, u) for u in s.by_unit], ("enhet", "unit"))
    builders = {"ar": _years, "versioner": _versions, "budget": _budget, "uppfyllelse": _fulfilment}
    return builders[key](s)


def charts(s: CommitteeSummary) -> list[Chart]:
    """Every chart that has something to show."""
    out = [chart(s, key) for key in KEYS]
    return [c for c in out if c.rows]
