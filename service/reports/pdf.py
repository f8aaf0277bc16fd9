"""The reports as HTML and PDF: the committee summary and the controller's internal-control
report, each an HTML fragment free of page layout (`summary_html`, `control_html`, from
`templates/summary.html` and `templates/control.html`) that a web page can place in its own
layout, and a PDF made by WeasyPrint from the fragment in `templates/document.html` with the
print stylesheet (`templates/print.css`). The PDF's links to findings reach its own appendix."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from markupsafe import Markup

from checks.catalogue import SEVERITY_RANK
from service.reports.charts import Chart
from service.reports.control import DECISION_KINDS, STATES, STATUSES, ControlReport
from service.reports.fmt import local
from service.reports.models import CommitteeSummary
from service.reports.templating import environment
from service.stored import StoredFinding

Link = Callable[[int], str | None]
SHOWN = 12  # finding numbers a statement shows (templates/_macros.html, evidence)
RISK_ROWS = 25  # large risks the summary's table lists, the highest first
LISTED = 300  # open findings the control report's PDF lists, the most severe first
SEVERITY_WORDS = {
    "fel": ("Fel", "Error"),
    "varning": ("Varning", "Warning"),
    "info": ("Råd", "Advice"),
}
HANDLING = {
    "kontroll": ("kontrolleras", "controlled"),
    "accepterad": ("accepterad med motivering", "accepted with a reason"),
    "accepterad_utan_motivering": ("accepterad utan motivering", "accepted without a reason"),
    "saknas": ("ingen kontroll och inget beslut", "no control and no decision"),
}


def _words(table: dict[str, tuple[str, str]], lang: str) -> dict[str, str]:
    return {key: pair[lang != "sv"] for key, pair in table.items()}


def _t(lang: str) -> Callable[[str, str], str]:
    return lambda sv, en: sv if lang == "sv" else en


def _day(stamp: str) -> date:
    return local(datetime.fromisoformat(stamp)).date()


def anchors(ids: Iterable[int]) -> Link:
    """Links to the findings of this document's appendix (`#fynd-ID`), none to others."""
    known = set(ids)
    return lambda i: f"#fynd-{i}" if i in known else None


def summary_html(
    summary: CommitteeSummary, charts: list[Chart], link: Link | None = None, level: int = 2
) -> Markup:
    """The summary as an HTML fragment: its sections, tables and charts; `link` gives each
    finding's address (none: the numbers stand without links); `level` is its headings' level."""
    return Markup(
        environment()
        .get_template("summary.html")
        .render(
            s=summary,
            charts=charts,
            t=_t(summary.lang),
            link=link or (lambda _i: None),
            h=level,
            shown=SHOWN,
            risk_rows=RISK_ROWS,
            generated=_day(summary.generated_at),
            handling=_words(HANDLING, summary.lang),
        )
    )


def control_html(report: ControlReport, link: Link | None = None, level: int = 2) -> Markup:
    """The internal-control report as an HTML fragment (see `summary_html`)."""
    lang = report.lang
    return Markup(
        environment()
        .get_template("control.html")
        .render(
            r=report,
            t=_t(lang),
            link=link or (lambda _i: None),
            h=level,
            generated=_day(report.generated_at),
            decision_kinds=_words(DECISION_KINDS, lang),
            states=_words(STATES, lang),
            status=_words(STATUSES, lang),
        )
    )


def _appendix(
    findings: list[StoredFinding], names: dict[int, str], lang: str, note: str = ""
) -> Markup:
    return Markup(
        environment()
        .get_template("findings_list.html")
        .render(
            findings=findings,
            names=names,
            note=note,
            t=_t(lang),
            h=2,
            severity=_words(SEVERITY_WORDS, lang),
            status=_words(STATUSES, lang),
        )
    )


def document(title: str, body: Markup, lang: str) -> str:
    """A whole HTML document for print: the stylesheet, the running title, the body."""
    return environment().get_template("document.html").render(title=title, body=body, lang=lang)


def pdf(html: str) -> bytes:
    """HTML → PDF by WeasyPrint (imported here: only the PDF routes need it)."""
    from weasyprint import HTML

    out: bytes = HTML(string=html).write_pdf()
    return out


def shown_ids(summary: CommitteeSummary) -> list[int]:
    """The findings the summary's statements show by number (the first `SHOWN` of each)."""
    found = {
        i for section in summary.sections for s in section.statements for i in s.findings[:SHOWN]
    }
    return sorted(found)


def summary_document(
    summary: CommitteeSummary,
    charts: list[Chart],
    findings: list[StoredFinding],
    names: dict[int, str],
) -> str:
    """The summary for print: the fragment, then the open findings its statements show (each
    statement shows its first `SHOWN`; a committee's thousands stay in the exports)."""
    shown = set(shown_ids(summary))
    listed = [f for f in findings if f.id in shown]
    link = anchors(f.id for f in listed)
    t = _t(summary.lang)
    body = summary_html(summary, charts, link) + _appendix(listed, names, summary.lang)
    title = f"{t('Sammanfattning', 'Summary')}: {summary.committee} {summary.year}"
    return document(title, Markup(body), summary.lang)


def control_document(report: ControlReport, names: dict[int, str], limit: int = LISTED) -> str:
    """The internal-control report for print, with its findings (open, and under exception) as
    the appendix: at most `limit`, the most severe first (WeasyPrint lays out about three pages
    a second; all of them are in the JSON report and the exports)."""
    open_ = report.findings
    ranked = sorted(
        open_, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), names.get(f.unit, ""), f.id)
    )
    listed = ranked[:limit]
    link = anchors(f.id for f in listed)
    t = _t(report.lang)
    note = ""
    if len(open_) > limit:
        note = t(
            f"Här visas de {limit} allvarligaste av årets {len(open_)} fynd. Alla finns i "
            "exporten av fynden (Excel, CSV eller JSON).",
            f"The {limit} most severe of the year's {len(open_)} findings are shown here. All "
            "of them are in the export of the findings (Excel, CSV or JSON).",
        )
    body = control_html(report, link) + _appendix(listed, names, report.lang, note)
    what = t("Internkontrollrapport", "Internal-control report")
    title = f"{what}: {report.administration} {report.year}"
    return document(title, Markup(body), report.lang)
