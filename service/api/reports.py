"""The committee's reports and the exports (issue 13): the committee summary as JSON, PDF and
charts (SVG), the controller's internal-control report as JSON and PDF, and the findings and
decisions as Excel, CSV and JSON with the findings list's filters. Each user sees what
`service.access` lets them read: an enhet its unit, a controller its tree, revisor and admin all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import Field

from service import access
from service.api.common import SECURITY, checker, db, ok, responses
from service.api.schemas import Id, Query
from service.auth import require_user
from service.errors import ApiError
from service.filenames import safe_filename
from service.findings import Filters
from service.reports import exports, pdf
from service.reports import scope as sc
from service.reports.charts import KEYS, chart, charts
from service.reports.control import (
    ControlDecision,
    ControlReport,
    build_control_report,
    decisions_for,
)
from service.reports.models import CommitteeSummary
from service.reports.summary import summarise
from service.stored import findings_by_id

reports_bp = APIBlueprint(
    "reports",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="rapporter")],
    abp_security=SECURITY,
)

Severity = Literal["fel", "varning", "info"]
FindingStatus = Literal["active", "exception", "exception_expired", "exception_requested"]
Lang = Literal["sv", "en"]


def _binary(media: str, description: str) -> dict[str, object]:
    """A response body that is a file, for the OpenAPI document."""
    schema = {"type": "string", "format": "binary"}
    return {"description": description, "content": {media: {"schema": schema}}}


PDF = _binary("application/pdf", "rapporten som PDF")
SVG = _binary("image/svg+xml", "diagrammet som SVG, med <title> och <desc> som textalternativ")
XLSX = _binary(exports.XLSX, "Excel-arbetsbok: ett blad per enhet eller område")
CSV = _binary("text/csv", "CSV: UTF-8 med BOM, semikolon mellan fälten")


class SummaryQuery(Query):
    committee: Id = Field(description="nämndens id (organisationsenhet på nivån nämnd)")
    year: int = Field(ge=1990, le=2100, description="året som sammanfattas")
    lang: Lang = Field(default="sv", description="språk: sv eller en")


class ChartQuery(SummaryQuery):
    chart: Literal["omraden", "enheter", "ar", "versioner", "budget", "uppfyllelse"] = Field(
        description="diagrammet: " + ", ".join(KEYS)
    )


class ControlQuery(Query):
    administration: Id = Field(description="förvaltningens id (nivån förvaltning)")
    year: int = Field(ge=1990, le=2100)
    lang: Lang = "sv"


class ExportQuery(Query):
    """The findings list's filters (GET /api/v1/findings), without paging."""

    unit: Id | None = None
    year: int | None = Field(default=None, ge=1990, le=2100)
    kind: str | None = None
    severity: Severity | None = None
    rule: str | None = Field(default=None, max_length=8)
    status: FindingStatus | None = None
    lang: Lang = Field(default="sv", description="språk för kolumnnamn och texter")


class XlsxQuery(ExportQuery):
    sheets: Literal["enhet", "omrade"] = Field(
        default="enhet", description="ett blad per enhet eller per område i regelkatalogen"
    )


def _problem(exc: sc.OutOfReach, field: str) -> ApiError:
    """404 for a unit the user cannot see; 422 (naming the field) for one of the wrong level."""
    if exc.wrong_level:
        errors = [{"path": field, "message": exc.message_sv}]
        return ApiError(422, "Ogiltig begäran", exc.message_sv, errors)
    return ApiError(404, "Hittades inte", exc.message_sv)


def _summary(query: SummaryQuery) -> tuple[CommitteeSummary, set[int]]:
    user = require_user()
    catalogue = checker().catalogue
    try:
        return summarise(db(), user, query.committee, query.year, catalogue, query.lang)
    except sc.OutOfReach as exc:
        raise _problem(exc, "committee") from None


def _control(query: ControlQuery) -> ControlReport:
    user = require_user()
    catalogue = checker().catalogue
    try:
        return build_control_report(
            db(), user, query.administration, query.year, catalogue, query.lang
        )
    except sc.OutOfReach as exc:
        raise _problem(exc, "administration") from None


def _file(body: bytes, media: str, name: str, inline: bool = False) -> Response:
    """A file: inline (a PDF or SVG to look at) or as an attachment (an export to save)."""
    disposition = "inline" if inline else "attachment"
    response = Response(body, mimetype=media)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _now() -> str:
    return datetime.now(UTC).isoformat()


@reports_bp.get("/reports/summary", responses=responses(CommitteeSummary, 401, 404, 422))
def get_summary(query: SummaryQuery) -> Response:
    """Nämndens sammanfattning för ett år i klarspråk, räknad ur lagrade handlingar och fynd."""
    return ok(_summary(query)[0])


@reports_bp.get("/reports/summary.pdf", responses=responses(PDF, 401, 404, 422))
def get_summary_pdf(query: SummaryQuery) -> Response:
    """Nämndens sammanfattning som PDF, med diagram och fynden den bygger på."""
    summary, open_ids = _summary(query)
    shown = [i for i in pdf.shown_ids(summary) if i in open_ids]
    found = findings_by_id(db(), shown, query.lang)
    names = exports.unit_names(db(), {f.unit for f in found})
    html = pdf.summary_document(summary, charts(summary), found, names)
    name = f"styrkoll-sammanfattning-{query.committee}-{query.year}.pdf"
    return _file(pdf.pdf(html), "application/pdf", name, inline=True)


@reports_bp.get("/reports/chart.svg", responses=responses(SVG, 401, 404, 422))
def get_chart(query: ChartQuery) -> Response:
    """Ett av sammanfattningens diagram som SVG, med textalternativ."""
    summary, _ = _summary(query)
    drawn = chart(summary, query.chart)
    name = f"styrkoll-{query.chart}-{query.committee}-{query.year}.svg"
    return _file(drawn.svg.encode("utf-8"), "image/svg+xml", name, inline=True)


@reports_bp.get("/reports/control", responses=responses(ControlReport, 401, 404, 422))
def get_control(query: ControlQuery) -> Response:
    """Internkontrollrapporten för en förvaltning och ett år: fynd, beslut, undantag och vem
    som godkänt dem."""
    return ok(_control(query))


@reports_bp.get("/reports/control.pdf", responses=responses(PDF, 401, 404, 422))
def get_control_pdf(query: ControlQuery) -> Response:
    """Internkontrollrapporten som PDF, för revisionens akt."""
    report = _control(query)
    names = exports.unit_names(db(), {f.unit for f in report.findings})
    html = pdf.control_document(report, names)
    name = f"styrkoll-internkontroll-{query.administration}-{query.year}.pdf"
    return _file(pdf.pdf(html), "application/pdf", name, inline=True)


def _filters(query: ExportQuery, narrowed: bool = True) -> Filters:
    user = require_user()
    return Filters(
        units=access.units(db(), user, "read"),
        unit=query.unit,
        year=query.year,
        kind=query.kind,
        severity=query.severity if narrowed else None,
        rule=query.rule if narrowed else None,
        status=query.status if narrowed else None,
    )


def _name(what: str, query: ExportQuery, suffix: str) -> str:
    parts = [what, *(str(v) for v in (query.unit, query.year, query.kind) if v is not None)]
    # safe for the header: a kind may hold control characters or quotes (gunicorn refuses them)
    return safe_filename("-".join(p for p in parts if p.isascii()) + suffix)


@reports_bp.get("/exports/findings.xlsx", responses=responses(XLSX, 401, 422))
def export_findings_xlsx(query: XlsxQuery) -> Response:
    """Fynden som Excel, med samma filter som fyndlistan."""
    filters = _filters(query)
    found = sc.all_findings(db(), filters, query.lang)
    table = exports.findings_table(db(), found, checker().catalogue, query.lang, query.sheets)
    title = "Fynd" if query.lang == "sv" else "Findings"
    about = exports.describe(filters, query.lang)
    body = exports.xlsx(table, f"Styrkoll: {title.lower()}", about, title)
    return _file(body, exports.XLSX, _name("styrkoll-fynd", query, ".xlsx"))


@reports_bp.get("/exports/findings.csv", responses=responses(CSV, 401, 422))
def export_findings_csv(query: ExportQuery) -> Response:
    """Fynden som CSV (UTF-8 med BOM, semikolon), med samma filter som fyndlistan."""
    found = sc.all_findings(db(), _filters(query), query.lang)
    table = exports.findings_table(db(), found, checker().catalogue, query.lang)
    return _file(exports.to_csv(table), "text/csv", _name("styrkoll-fynd", query, ".csv"))


@reports_bp.get("/exports/findings.json", responses=responses(exports.FindingsExport, 401, 422))
def export_findings_json(query: ExportQuery) -> Response:
    """Fynden som JSON, med samma filter som fyndlistan."""
    filters = _filters(query)
    found = sc.all_findings(db(), filters, query.lang)
    body = exports.FindingsExport(
        exported_at=_now(),
        filters=exports.export_filters(filters),
        total=len(found),
        findings=found,
    )
    return _file(exports.to_json(body), "application/json", _name("styrkoll-fynd", query, ".json"))


def _decisions(query: ExportQuery) -> list[ControlDecision]:
    """The decisions on the findings the filters select (on findings no longer there too,
    unless a severity, rule or status narrows them)."""
    return decisions_for(db(), _filters(query), checker().catalogue, query.lang)


@reports_bp.get("/exports/decisions.xlsx", responses=responses(XLSX, 401, 422))
def export_decisions_xlsx(query: XlsxQuery) -> Response:
    """Besluten om fynden (svar och undantag, vem som begärt och godkänt) som Excel."""
    table = exports.decisions_table(_decisions(query), query.lang)
    title = "Beslut" if query.lang == "sv" else "Decisions"
    about = exports.describe(_filters(query), query.lang)
    body = exports.xlsx(table, f"Styrkoll: {title.lower()}", about, title)
    return _file(body, exports.XLSX, _name("styrkoll-beslut", query, ".xlsx"))


@reports_bp.get("/exports/decisions.csv", responses=responses(CSV, 401, 422))
def export_decisions_csv(query: ExportQuery) -> Response:
    """Besluten om fynden som CSV (UTF-8 med BOM, semikolon)."""
    table = exports.decisions_table(_decisions(query), query.lang)
    return _file(exports.to_csv(table), "text/csv", _name("styrkoll-beslut", query, ".csv"))


@reports_bp.get("/exports/decisions.json", responses=responses(exports.DecisionsExport, 401, 422))
def export_decisions_json(query: ExportQuery) -> Response:
    """Besluten om fynden som JSON."""
    found = _decisions(query)
    body = exports.DecisionsExport(
        exported_at=_now(),
        filters=exports.export_filters(_filters(query)),
        total=len(found),
        decisions=found,
    )
    return _file(
        exports.to_json(body), "application/json", _name("styrkoll-beslut", query, ".json")
    )
