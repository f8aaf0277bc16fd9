"""The summary's charts, drawn on the server as SVG from `templates/charts/*.svg`, each with a
text alternative (the SVG's <title> and <desc>, and `Chart.alt`) and the data table it shows.

Why SVG from a template and not pygal: the series must stay apart in grey print, so each has a
pattern (solid, hatched, dotted, cross-hatched) and a black outline, not only a colour; the
output is plain SVG with no script or external reference, the same bytes for the same data
(testable, cacheable), with `role="img"`, <title> and <desc>; WeasyPrint draws it in the PDF as
it is, so no PNG is needed. The geometry is a few lines of arithmetic (`drawing`).
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN
from service.reports.drawing import diverging, hbar, lines
from service.reports.fmt import listing, number, percent, signed_tkr
from service.reports.models import CommitteeSummary, Out, SeverityCounts

KEYS = ("omraden", "enheter", "ar", "versioner", "budget", "uppfyllelse")
SEVERITIES = (
    ("fel", "fel", "errors"),
    ("varning", "varningar", "warnings"),
    ("info", "råd", "advice"),
)


BARS = 20  # bars a chart draws at most


def _names(items: list[str], lang: str, most: int = 10) -> str:
    if len(items) <= most:
        return listing(items, lang)
    more = f"{len(items) - most} till" if lang == "sv" else f"{len(items) - most} more"
    return listing([*items[:most], more], lang)


class Chart(Out):
    """A chart: its SVG, the text alternative and the data table beside it."""

    key: str
    title: str
    alt: str
    columns: list[str]
    rows: list[list[str]]
    svg: str


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
            alt += f" Inga brister: {_names(empty, 'sv')}."
    else:
        alt = f"{title}: {number(total, 0, 'en')} in all."
        if busiest and busiest[1].total:
            c = busiest[1]
            alt += f" Most: {busiest[0]}, {c.total} ({c.fel} errors, {c.varning} warnings,"
            alt += f" {c.info} advice)."
        if empty:
            alt += f" None: {_names(empty, 'en')}."
    drawn = list(items)
    if len(drawn) > BARS:  # the most first; the table keeps them all
        drawn = sorted(drawn, key=lambda item: -item[1].total)[:BARS]
        alt += (
            f" Diagrammet och tabellen visar de {BARS} med flest av {len(items)}."
            if sv
            else f" The chart and the table show the {BARS} with the most of {len(items)}."
        )
    svg = hbar(
        key,
        title,
        alt,
        [n for n, _ in drawn],
        [[c.fel, c.varning, c.info] for _, c in drawn],
        names,
        s.lang,
    )
    columns = [
        what[0].capitalize() if sv else what[1].capitalize(),
        *names,
        "Totalt" if sv else "Total",
    ]
    rows = _severity_rows(drawn, s.lang)
    return Chart(key=key, title=title, alt=alt, columns=columns, rows=rows, svg=svg)


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
    budgets = s.budgets
    if len(budgets) > BARS:  # the largest deviations, either way
        budgets = sorted(budgets, key=lambda b: -abs(b.deviation_pct))[:BARS]
    texts = [
        f"{signed_tkr(b.deviation_tkr, s.lang)} ({percent(b.deviation_pct, s.lang, 1)})"
        for b in budgets
    ]
    parts = [f"{b.unit} {t}" for b, t in zip(budgets, texts, strict=True)]
    alt = f"{title}: " + ("; ".join(parts) if parts else ("inga belopp" if sv else "no amounts"))
    if len(s.budgets) > BARS:
        alt += (
            f". De {BARS} största avvikelserna av {len(s.budgets)} enheters visas"
            if sv
            else f". The {BARS} largest deviations of {len(s.budgets)} units are shown"
        )
    svg = diverging(
        "budget",
        title,
        alt + ".",
        [b.unit for b in budgets],
        [b.deviation_pct for b in budgets],
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
        for b in budgets
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
