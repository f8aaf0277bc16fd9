"""The report pages (issue 13): the committee summary of a nämnd and year with its charts, each
statement's findings linked to their pages; the controller's internal-control report of a
förvaltning and year; both as PDF; and the findings list's exports (Excel, CSV, JSON) with the
list's filters. Everything is made by `service/reports/` through the same functions and access
decisions as the API's `service/api/reports.py` (an enhet sees its unit, a controller its tree,
revisor and admin everything); a committee the user can read nothing of is the 404 page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, g, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from service import access
from service.findings import Filters
from service.reports import exports, pdf
from service.reports import scope as sc
from service.reports.charts import charts
from service.reports.control import build_control_report
from service.reports.summary import summarise
from service.stored import findings_by_id
from service.web.common import FormErrors, checker, db, login_required, page
from service.web.errors import html_error
from service.web.findings import FIELDS, OrgTree, finding_link, read_filters, scope, the_user, years
from service.web.i18n import current_lang
from service.web.versions import MAX_ID

reports_pages = Blueprint("pages_reports", __name__)

COMMITTEE, ADMINISTRATION = "nämnd", "förvaltning"
EXPORT_FIELDS = tuple(f for f in FIELDS if f not in ("page", "per_page"))
EXPORT_MEDIA = {"xlsx": exports.XLSX, "csv": "text/csv", "json": "application/json"}


def roots(tree: OrgTree, units: set[int] | None, level: str) -> list[tuple[str, str]]:
    """The units of `level` the user can read something under, as (id, name) by name."""
    found: set[int] = set()
    for node in tree.readable(units):
        seen: set[int] = set()
        at: int | None = node.id
        while at is not None and at not in seen and at in tree.nodes:
            seen.add(at)
            if tree.nodes[at].level == level:
                found.add(at)
                break
            at = tree.nodes[at].parent_id
    chosen = sorted(found, key=lambda i: (tree.nodes[i].name.casefold(), i))
    return [(str(i), tree.nodes[i].name) for i in chosen]


def _number(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def _year(errors: FormErrors) -> int | None:
    """The year of `?ar=`, or an error on the field `ar`."""
    text = request.args.get("ar", "")
    found = _number(text, 1990, 2100)
    if found is None:
        if text.strip():
            errors.add(
                "ar", _("Ange året med fyra siffror mellan 1990 och 2100, till exempel 2012")
            )
        else:
            errors.add("ar", _("Ange vilket år rapporten ska gälla"))
    return found


def _form(kind: str, errors: FormErrors, values: dict[str, str], status: int) -> Response:
    """The form choosing a committee (kind "summary") or an administration ("control") and a
    year, with its errors."""
    units = access.units(db(), the_user(), "read")
    tree = OrgTree()
    level, field = (COMMITTEE, "namnd") if kind == "summary" else (ADMINISTRATION, "forvaltning")
    found = years(units)
    values = {"ar": str(found[0]) if found else "", **values}
    return page(
        "reports/form.html",
        status=status,
        kind=kind,
        errors=errors,
        values=values,
        field=field,
        choices=[("", _("Välj"))] + roots(tree, units, level),
    )


def _choose(kind: str, field: str, target: str) -> BaseResponse:
    """The form; with answers, 303 to the report they choose, or the form with its errors."""
    if not request.args:
        return _form(kind, FormErrors(), {}, 200)
    errors = FormErrors()
    values = {k: request.args.get(k, "")[:20] for k in (field, "ar")}
    level = COMMITTEE if kind == "summary" else ADMINISTRATION
    units = access.units(db(), the_user(), "read")
    allowed = {i for i, _name in roots(OrgTree(), units, level)}
    unit = values[field].strip()
    if unit not in allowed:
        message = (
            _("Välj en nämnd i listan") if kind == "summary" else _("Välj en förvaltning i listan")
        )
        errors.add(field, message)
    year = _year(errors)
    if errors:
        return _form(kind, errors, values, 422)
    return redirect(url_for(target, unit_id=int(unit), ar=year), 303)


@reports_pages.get("/sammanfattning")
@login_required
def summary_form() -> BaseResponse:
    return _choose("summary", "namnd", "pages_reports.summary")


@reports_pages.get("/internkontroll")
@login_required
def control_form() -> BaseResponse:
    return _choose("control", "forvaltning", "pages_reports.control")


def _out_of_reach(kind: str, unit_id: int, exc: sc.OutOfReach) -> Response:
    """A unit the user cannot read is the 404 page; one of the wrong level the form, its error
    on the unit's field."""
    if not exc.wrong_level:
        detail = exc.message_sv if current_lang() == "sv" else exc.message_en
        return html_error(404, detail, None, g.get("request_id", ""))
    errors = FormErrors()
    field = "namnd" if kind == "summary" else "forvaltning"
    errors.add(field, exc.message_sv if current_lang() == "sv" else exc.message_en)
    values = {field: str(unit_id), "ar": request.args.get("ar", "")[:20]}
    return _form(kind, errors, values, 422)


def _reachable(unit_id: int) -> None:
    """An id beyond a database integer is no unit of ours (never a query error)."""
    if unit_id > MAX_ID:
        raise sc.OutOfReach("enheten finns inte", "the unit does not exist")


def _summary(unit_id: int, year: int) -> Any:
    _reachable(unit_id)
    return summarise(db(), the_user(), unit_id, year, checker().catalogue, current_lang())


@reports_pages.get("/namnd/<int:unit_id>/sammanfattning")
@login_required
def summary(unit_id: int) -> BaseResponse:
    errors = FormErrors()
    year = _year(errors)
    if year is None:
        return _form(
            "summary", errors, {"namnd": str(unit_id), "ar": request.args.get("ar", "")[:20]}, 422
        )
    try:
        made, open_ids = _summary(unit_id, year)
    except sc.OutOfReach as exc:
        return _out_of_reach("summary", unit_id, exc)

    def link(finding_id: int) -> str | None:
        return finding_link(finding_id) if finding_id in open_ids else None

    body = pdf.summary_html(made, charts(made), link, level=3)
    return page(
        "reports/summary.html",
        summary=made,
        body=body,
        year=year,
        unit_id=unit_id,
        findings=url_for("pages_findings.findings_list", year=year),
    )


@reports_pages.get("/namnd/<int:unit_id>/sammanfattning.pdf")
@login_required
def summary_pdf(unit_id: int) -> BaseResponse:
    errors = FormErrors()
    year = _year(errors)
    if year is None:
        return html_error(422, errors.get("ar") or "", None, g.get("request_id", ""))
    try:
        made, open_ids = _summary(unit_id, year)
    except sc.OutOfReach as exc:
        detail = exc.message_sv if current_lang() == "sv" else exc.message_en
        return html_error(422 if exc.wrong_level else 404, detail, None, g.get("request_id", ""))
    shown = [i for i in pdf.shown_ids(made) if i in open_ids]
    found = findings_by_id(db(), shown, made.lang)
    names = exports.unit_names(db(), {f.unit for f in found})
    html = pdf.summary_document(made, charts(made), found, names)
    return _file(pdf.pdf(html), "application/pdf", f"styrkoll-sammanfattning-{unit_id}-{year}.pdf")


def _control(unit_id: int, year: int) -> Any:
    _reachable(unit_id)
    return build_control_report(
        db(), the_user(), unit_id, year, checker().catalogue, current_lang()
    )


@reports_pages.get("/forvaltning/<int:unit_id>/internkontroll")
@login_required
def control(unit_id: int) -> BaseResponse:
    errors = FormErrors()
    year = _year(errors)
    if year is None:
        values = {"forvaltning": str(unit_id), "ar": request.args.get("ar", "")[:20]}
        return _form("control", errors, values, 422)
    try:
        report = _control(unit_id, year)
    except sc.OutOfReach as exc:
        return _out_of_reach("control", unit_id, exc)
    listed = {f.id for f in report.findings}

    def link(finding_id: int) -> str | None:
        return finding_link(finding_id) if finding_id in listed else None

    body = pdf.control_html(report, link, level=3)
    return page("reports/control.html", report=report, body=body, year=year, unit_id=unit_id)


@reports_pages.get("/forvaltning/<int:unit_id>/internkontroll.pdf")
@login_required
def control_pdf(unit_id: int) -> BaseResponse:
    errors = FormErrors()
    year = _year(errors)
    if year is None:
        return html_error(422, errors.get("ar") or "", None, g.get("request_id", ""))
    try:
        report = _control(unit_id, year)
    except sc.OutOfReach as exc:
        detail = exc.message_sv if current_lang() == "sv" else exc.message_en
        return html_error(422 if exc.wrong_level else 404, detail, None, g.get("request_id", ""))
    names = exports.unit_names(db(), {f.unit for f in report.findings})
    html = pdf.control_document(report, names)
    return _file(pdf.pdf(html), "application/pdf", f"styrkoll-internkontroll-{unit_id}-{year}.pdf")


def _file(body: bytes, media: str, name: str, inline: bool = True) -> Response:
    response = Response(body, mimetype=media)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@reports_pages.get("/fynd/export.<any(xlsx, csv, json):fmt>")
@login_required
def findings_export(fmt: str) -> BaseResponse:
    """The findings of the findings list's filters (without its paging), as a file."""
    units = access.units(db(), the_user(), "read")
    tree = OrgTree()
    chosen = read_filters(tree, units, EXPORT_FIELDS, None)
    if chosen.errors:
        detail = " ".join(message for _field, message in chosen.errors)
        return html_error(422, detail, None, g.get("request_id", ""))
    filters = Filters(
        units=scope(tree, units, chosen),
        unit=chosen.unit,
        year=chosen.year,
        kind=chosen.kind,
        severity=chosen.severity,
        rule=chosen.rule,
        status=chosen.status,
    )
    lang = current_lang()
    found = sc.all_findings(db(), replace(filters, area=chosen.area), lang)
    name = "styrkoll-fynd" + "".join(
        f"-{v}"
        for v in (chosen.unit, chosen.year, chosen.kind)
        if v is not None and str(v).isascii()
    )
    catalogue = checker().catalogue
    if fmt == "json":
        body = exports.to_json(
            exports.FindingsExport(
                exported_at=_now(),
                filters=exports.export_filters(filters),
                total=len(found),
                findings=found,
            )
        )
    elif fmt == "csv":
        body = exports.to_csv(exports.findings_table(db(), found, catalogue, lang))
    else:
        table = exports.findings_table(db(), found, catalogue, lang)
        title = "Fynd" if lang == "sv" else "Findings"
        about = exports.describe(filters, lang)
        body = exports.xlsx(table, f"Styrkoll: {title.lower()}", about, title)
    return _file(body, EXPORT_MEDIA[fmt], f"{name}.{fmt}", inline=False)


def export_links() -> list[tuple[str, str]]:
    """The export addresses of the findings list's current filters (for its template)."""
    wanted = {k: v for k, v in request.args.items() if k in EXPORT_FIELDS and v}
    query = f"?{urlencode(wanted)}" if wanted else ""
    return [
        (label, url_for("pages_reports.findings_export", fmt=fmt) + query)
        for fmt, label in (("xlsx", "Excel"), ("csv", "CSV"), ("json", "JSON"))
    ]


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()


@reports_pages.app_context_processor
def _context() -> dict[str, Any]:
    return {"report_export_links": export_links}
