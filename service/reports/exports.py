"""Findings and decisions exported as Excel (one sheet per unit or per area, frozen header, auto
filters, Swedish column names, dates as real dates), CSV (UTF-8 with BOM and semicolons, as
Swedish Excel opens it) and JSON, with the findings list's filters (`service.findings.Filters`).

A table is built once (`Table`: columns and typed rows) and written in each format: what the
three files hold is the same rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.catalogue import SEVERITY_EN, Catalogue
from service.db import OrgUnit
from service.findings import Filters
from service.reports import scope as sc
from service.reports.control import DECISION_KINDS, STATES, STATUSES, ControlDecision
from service.reports.fmt import local
from service.reports.models import Out
from service.stored import StoredFinding

Group = Literal["enhet", "omrade"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
CHANGES = {"new": ("ny", "new"), "persisting": ("kvarstår", "persisting")}


@dataclass(frozen=True)
class Column:
    sv: str
    en: str
    width: float = 14


@dataclass
class Table:
    """Columns and rows of typed cells (int, float, str, date, datetime or None), and for each
    row the sheet it goes to in Excel."""

    columns: list[Column]
    rows: list[list[Any]]
    sheets: list[str]
    lang: str

    def headers(self) -> list[str]:
        return [c.sv if self.lang == "sv" else c.en for c in self.columns]


FINDING_COLUMNS = [
    Column("Fynd-id", "Finding id", 10),
    Column("Enhet", "Unit", 28),
    Column("År", "Year", 7),
    Column("Handling", "Document", 18),
    Column("Version", "Version", 9),
    Column("Område", "Area", 24),
    Column("Regel", "Rule", 8),
    Column("Allvarlighetsgrad", "Severity", 12),
    Column("Status", "Status", 16),
    Column("Rubrik", "Title", 40),
    Column("Meddelande", "Message", 60),
    Column("Element", "Element", 30),
    Column("Plats i handlingen", "Place in the document", 30),
    Column("Rad", "Line", 7),
    Column("Så rättas det", "Remedy", 50),
    Column("Referens", "Reference", 40),
    Column("Ändring", "Change", 10),
    Column("Först upptäckt", "First found", 17),
    Column("Fingeravtryck", "Fingerprint", 20),
]
DECISION_COLUMNS = [
    Column("Besluts-id", "Decision id", 10),
    Column("Enhet", "Unit", 28),
    Column("År", "Year", 7),
    Column("Handling", "Document", 18),
    Column("Fynd-id", "Finding id", 10),
    Column("Regel", "Rule", 8),
    Column("Allvarlighetsgrad", "Severity", 12),
    Column("Fyndets rubrik", "Finding title", 40),
    Column("Beslut", "Decision", 26),
    Column("Text", "Text", 50),
    Column("Läge", "State", 12),
    Column("Gäller till", "Valid until", 12),
    Column("Begärt av", "Requested by", 14),
    Column("Begärt", "Requested", 17),
    Column("Godkänt av", "Approved by", 14),
    Column("Godkänt", "Approved", 17),
    Column("Fyndets status", "Finding status", 20),
]


def unit_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(sorted(ids))))
    return {key: value for key, value in rows}


def _when(text: str | None) -> datetime | None:
    return local(datetime.fromisoformat(text)) if text else None


def findings_table(
    session: Session,
    findings: Sequence[StoredFinding],
    catalogue: Catalogue,
    lang: str = "sv",
    group: Group = "enhet",
) -> Table:
    """The findings as rows; a sheet per unit or per area of the catalogue."""
    names = unit_names(session, {f.unit for f in findings})
    numbers = sc.version_numbers(session, {f.version for f in findings})
    areas = {a.code: a.title.get(lang) for a in catalogue.areas}
    en = lang != "sv"
    rows: list[list[Any]] = []
    sheets: list[str] = []
    for f in findings:
        area = areas.get(f.rule_id[:1], f.rule_id[:1])
        unit = names.get(f.unit, str(f.unit))
        rows.append(
            [
                f.id, unit, f.year, f.kind, numbers.get(f.version),
                area, f.rule_id, SEVERITY_EN.get(f.severity, f.severity) if en else f.severity,
                STATUSES.get(f.status, (f.status, f.status))[en], f.title, f.message,
                f.element, f.path, f.line, f.remedy, f.reference,
                CHANGES.get(f.change, (f.change, f.change))[en], _when(f.first_seen_at),
                f.fingerprint,
            ]
        )  # fmt: skip
        sheets.append(unit if group == "enhet" else area)
    return Table(FINDING_COLUMNS, rows, sheets, lang)


def decisions_table(decisions: Sequence[ControlDecision], lang: str = "sv") -> Table:
    """The decisions as rows, a sheet per unit."""
    en = lang != "sv"
    rows = [
        [
            d.id, d.unit, d.year, d.kind, d.finding, d.rule_id,
            SEVERITY_EN.get(d.severity or "", d.severity) if en else d.severity, d.title,
            DECISION_KINDS[d.decision][en], d.text, STATES[d.state][en], d.expires,
            d.requested_by, _when(d.requested_at), d.approved_by, _when(d.approved_at),
            STATUSES.get(d.finding_status, (d.finding_status, d.finding_status))[en],
        ]
        for d in decisions
    ]  # fmt: skip
    return Table(DECISION_COLUMNS, rows, [d.unit for d in decisions], lang)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name: no []:*?/\\, at most 31 characters."""
    base = _SHEET_BAD.sub("-", name).strip("'") or "Blad"
    candidate, n = base[:31], 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def xlsx(table: Table, title: str, description: str, empty_sheet: str) -> bytes:
    """The table as an Excel workbook: a sheet per group in first-seen order, each with the
    header bold and frozen, an auto filter over its rows, and dates as dates."""
    wb = Workbook(write_only=True)
    wb.properties.title = _xml_text(title)
    wb.properties.creator = "Styrkoll"
    wb.properties.description = _xml_text(description)
    groups: dict[str, list[list[Any]]] = {}
    for row, group in zip(table.rows, table.sheets, strict=True):
        groups.setdefault(group, []).append(row)
    if not groups:
        groups[empty_sheet] = []
    taken: set[str] = set()
    headers = table.headers()
    last = get_column_letter(len(headers))
    bold = Font(bold=True)
    for group, rows in groups.items():
        ws = wb.create_sheet(sheet_name(_xml_text(group), taken))
        ws.freeze_panes = "A2"
        for i, column in enumerate(table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
        ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        header = []
        for text in headers:
            cell = WriteOnlyCell(ws, value=_xml_text(text))
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_cell(ws, value) for value in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xml_text(text: str) -> str:
    """Text as a workbook can hold it: without the control characters XML forbids (a decision's
    text, a unit's name or a filter may hold them; openpyxl and lxml refuse them)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = TIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        return _xml_text(value)
    return value


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def to_csv(table: Table) -> bytes:
    """The table as CSV the way Swedish Excel opens it: UTF-8 with a byte-order mark, fields
    separated by semicolons, lines ended by CRLF, dates as ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers())
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class ExportFilters(Out):
    unit: int | None = None
    year: int | None = None
    kind: str | None = None
    severity: str | None = None
    rule: str | None = None
    status: str | None = None


class FindingsExport(Out):
    """The findings export as JSON: when, with which filters, and the findings as the findings
    list gives them."""

    exported_at: str = Field(json_schema_extra={"format": "date-time"})
    filters: ExportFilters
    total: int
    findings: list[StoredFinding]


class DecisionsExport(Out):
    exported_at: str = Field(json_schema_extra={"format": "date-time"})
    filters: ExportFilters
    total: int
    decisions: list[ControlDecision]


def export_filters(filters: Filters) -> ExportFilters:
    return ExportFilters(
        unit=filters.unit,
        year=filters.year,
        kind=filters.kind,
        severity=filters.severity,
        rule=filters.rule,
        status=filters.status,
    )


def describe(filters: Filters, lang: str = "sv") -> str:
    """The filters in words, for the workbook's properties."""
    parts = [f"{k}={v}" for k, v in export_filters(filters).model_dump().items() if v is not None]
    none = "inga filter" if lang == "sv" else "no filters"
    return ("Urval: " if lang == "sv" else "Selection: ") + (", ".join(parts) or none)


def to_json(body: Out) -> bytes:
    """A model as UTF-8 JSON (Swedish letters as they are)."""
    return json.dumps(body.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
