"""The controller's pages: the overview (`/oversikt`) of the current findings of every unit the user
may read, by rule area and severity, and the queue of exceptions awaiting a second person's
decision (`/undantag`), approved or rejected there (four eyes: `service.decisions`).

The overview costs a constant number of statements whatever the number of units: the units the
user may read, the organisation, the years, the documents per unit and the findings counted by
unit, area and severity in one grouped statement (`service.findings.count_by_area`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy import and_, func, select
from werkzeug.wrappers import Response

from service import access, decisions
from service import findings as stored
from service import stored as stored_rows
from service.db import Decision, DocumentSeries, DocumentVersion, FindingRow, User
from service.errors import ApiError, not_found
from service.web.common import FormErrors, checker, db, login_required, page
from service.web.findings import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    Chosen,
    OrgTree,
    kind_title,
    options,
    read_filters,
    scope,
    the_user,
    version_link,
    years,
)
from service.web.i18n import current_lang

controller_pages = Blueprint("pages_controller", __name__)

MAX_ID = 2**31 - 1
QUEUE_PAGE = 50
UNIT_LEVEL = "enhet"
DECISION_LABELS = {
    "accepted_risk": _l("Accepterad risk"),
    "not_applicable": _l("Inte tillämplig"),
}
DONE = {
    "godkant": _l("Undantaget är godkänt."),
    "avslaget": _l("Undantaget är avslaget och din motivering är sparad."),
    "redan": _l("Någon annan hann besluta om undantaget före dig. Det står inte längre i kön."),
}


SEVERITIES = ("fel", "varning", "info")


@dataclass
class Row:
    """A unit of the overview: its counts per area (area -> severity -> n) and in all."""

    id: int
    name: str
    documents: int
    cells: dict[str, dict[str, int]]
    total: dict[str, int]
    cells_html: Markup = Markup()


@dataclass
class Group:
    """An administration's units, with its totals per area."""

    id: int | None
    name: str
    rows: list[Row]
    cells: dict[str, dict[str, int]]
    total: dict[str, int]
    cells_html: Markup = Markup()


def _documents(units: set[int] | None, year: int | None) -> dict[int, int]:
    """The number of document series of each unit (in the year), in one statement."""
    stmt = select(DocumentSeries.unit_id, func.count()).group_by(DocumentSeries.unit_id)
    if units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(sorted(units)))
    if year is not None:
        stmt = stmt.where(DocumentSeries.year == year)
    return {unit: n for unit, n in db().execute(stmt)}


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for severity, n in counts.items():
        into[severity] = into.get(severity, 0) + n


def _groups(
    tree: OrgTree,
    units: set[int] | None,
    counts: dict[tuple[int, str, str], int],
    docs: dict[int, int],
) -> list[Group]:
    """The overview's rows: the readable units of the enhet level and any unit with documents or
    findings, grouped by administration (those outside one last)."""
    by_unit: dict[int, dict[str, dict[str, int]]] = {}
    for (unit, area, severity), n in counts.items():
        by_unit.setdefault(unit, {}).setdefault(area, {})[severity] = n
    groups: dict[int | None, Group] = {}
    for node in tree.readable(units):
        if node.level != UNIT_LEVEL and node.id not in docs and node.id not in by_unit:
            continue
        cells = by_unit.get(node.id, {})
        total: dict[str, int] = {}
        for area_counts in cells.values():
            _add(total, area_counts)
        admin = tree.administration_of(node.id)
        group = groups.get(admin)
        if group is None:
            name = tree.name(admin) if admin is not None else str(_("Utanför en förvaltning"))
            group = groups[admin] = Group(admin, name, [], {}, {})
        group.rows.append(Row(node.id, node.name, docs.get(node.id, 0), cells, total))
        for area, area_counts in cells.items():
            _add(group.cells.setdefault(area, {}), area_counts)
        _add(group.total, total)
    return sorted(groups.values(), key=lambda g: (g.id is None, g.name.casefold()))


class Counts:
    """The count cells of the overview's rows, as HTML made here: each count a link to its
    findings (the overview's year and status, then where and which severity) with its words
    ("5 fel"), each word made once. An administration of 500 units has thousands of them, which
    a template's macro per cell renders several times slower than these joins."""

    def __init__(self, chosen: Chosen, areas: list[str], empty: str) -> None:
        common = urlencode(
            {k: v for k, v in (("year", chosen.year), ("status", chosen.status)) if v}
        )
        base = url_for("pages_findings.findings_list") + "?" + (common + "&" if common else "")
        self.base = str(escape(base))
        self.areas = areas
        self.empty = (
            '<td><span aria-hidden="true">–</span>'
            f'<span class="visually-hidden">{escape(empty)}</span></td>'
        )
        self._words: dict[tuple[str, int], str] = {}

    def words(self, severity: str, n: int) -> str:
        if (severity, n) not in self._words:
            if severity == "fel":
                text = ngettext("%(num)d fel", "%(num)d fel", n)
            elif severity == "varning":
                text = ngettext("%(num)d varning", "%(num)d varningar", n)
            else:
                text = ngettext("%(num)d info", "%(num)d info", n)
            self._words[(severity, n)] = str(escape(text))
        return self._words[(severity, n)]

    def cell(self, counts: dict[str, int] | None, where: str) -> str:
        if not counts:
            return self.empty
        items = "".join(
            f'<li><a href="{self.base}{where}severity={severity}"><span class="tag '
            f'tag-{severity}">{self.words(severity, counts[severity])}</span></a></li>'
            for severity in SEVERITIES
            if counts.get(severity)
        )
        return f'<td><ul class="counts">{items}</ul></td>'

    def row(self, cells: dict[str, dict[str, int]], total: dict[str, int], where: str) -> Markup:
        """A row's cells: one per area, then the total (`where`: unit=… or administration=…)."""
        parts = [self.cell(cells.get(a), f"{where}&amp;area={a}&amp;") for a in self.areas]
        parts.append(self.cell(total, f"{where}&amp;"))
        return Markup("".join(parts))  # noqa: S704 - every value above is escaped or ours


def _unit_link() -> Any:
    if "pages_unit.unit" not in current_app.view_functions:
        return None
    return lambda unit_id: url_for("pages_unit.unit", unit_id=unit_id)


@controller_pages.get("/oversikt")
@login_required
def overview() -> Response:
    user = the_user()
    units = access.units(db(), user, "read")
    tree = OrgTree()
    found_years = years(units)
    default = found_years[0] if found_years else None
    chosen = read_filters(tree, units, ("year", "administration", "status"), default)
    areas = checker().catalogue.areas
    context: dict[str, Any] = {
        "chosen": chosen,
        "errors": chosen.errors,
        "values": chosen.values,
        "choices": options(tree, units, found_years),
        "areas": [(a.code, a.title.get(current_lang())) for a in areas],
        "severity_labels": SEVERITY_LABELS,
        "status_labels": STATUS_LABELS,
        "admin_name": tree.name(chosen.administration),
    }
    if chosen.errors:
        return page("controller/overview.html", status=422, groups=[], **context)
    scoped = scope(tree, units, chosen)
    counts = stored.count_by_area(
        db(), stored.Filters(units=scoped, year=chosen.year, status=chosen.status)
    )
    docs = _documents(scoped, chosen.year)
    groups = _groups(tree, scoped, counts, docs)
    linked = Counts(chosen, [a.code for a in areas], _("inga fynd"))
    for group in groups:
        for row in group.rows:
            row.cells_html = linked.row(row.cells, row.total, f"unit={row.id}")
        if group.id is not None:
            group.cells_html = linked.row(group.cells, group.total, f"administration={group.id}")
    return page("controller/overview.html", groups=groups, unit_link=_unit_link(), **context)


# --- the queue of requested exceptions ---------------------------------------------------------


@dataclass
class Request:
    """A requested exception in the queue, with its finding as it stands now (None: the newest
    version of its document no longer has it)."""

    decision: Decision
    series: DocumentSeries
    requested_by: str
    finding: stored_rows.StoredFinding | None
    own: bool  # asked by the user
    same_person: bool  # asked by an account four eyes count as the user's (access.same_person)


def _approver() -> tuple[User, set[int] | None]:
    user = the_user()
    access.require_role(user, "approve_exception")  # the role may never: 403
    return user, access.units(db(), user, "approve_exception")


def _requests(user: User, units: set[int] | None, number: int) -> tuple[int, list[Request]]:
    """One page of the requested exceptions in these units, oldest first, with their current
    findings: four statements, whatever the number."""
    stmt = (
        select(Decision, DocumentSeries, User)
        .join(DocumentSeries, DocumentSeries.id == Decision.series_id)
        .join(User, User.id == Decision.requested_by)
        .where(Decision.state == "requested", Decision.kind.in_(decisions.EXCEPTION_KINDS))
    )
    if units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(sorted(units)))
    total = (
        db().execute(stmt.with_only_columns(func.count(), maintain_column_froms=True)).scalar_one()
    )
    rows = (
        db()
        .execute(stmt.order_by(Decision.id).limit(QUEUE_PAGE).offset((number - 1) * QUEUE_PAGE))
        .all()
    )
    wanted = {(d.series_id, d.fingerprint) for d, _s, _u in rows}
    ids: dict[tuple[int, str], int] = {}
    if wanted:
        for finding_id, series_id, fingerprint in db().execute(
            select(FindingRow.id, DocumentSeries.id, FindingRow.fingerprint)
            .select_from(DocumentSeries)
            .join(
                DocumentVersion,
                and_(
                    DocumentVersion.series_id == DocumentSeries.id,
                    DocumentVersion.version == DocumentSeries.last_version,
                ),
            )
            .join(FindingRow, FindingRow.run_id == DocumentVersion.latest_run_id)
            .where(
                DocumentSeries.id.in_(sorted({s for s, _f in wanted})),
                FindingRow.fingerprint.in_(sorted({f for _s, f in wanted})),
            )
        ):
            ids[(series_id, fingerprint)] = finding_id
    found = {
        f.id: f for f in stored_rows.findings_by_id(db(), sorted(ids.values()), current_lang())
    }
    return total, [
        Request(
            d,
            s,
            asker.username,
            found.get(ids.get((d.series_id, d.fingerprint), 0)),
            d.requested_by == user.id,
            access.same_person(asker, user),
        )
        for d, s, asker in rows
    ]


def _queue(
    errors: FormErrors | None = None, values: dict[str, str] | None = None, status: int = 200
) -> Response:
    user, units = _approver()
    text = request.args.get("page", "1").strip()
    number = int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 6 else 0
    if number < 1:
        raise ApiError(404, "Hittades inte", "sidan finns inte i kön")
    total, requests = _requests(user, units, number)
    pages = max(1, -(-total // QUEUE_PAGE))
    here = url_for("pages_controller.queue")
    tree = OrgTree()
    return page(
        "controller/queue.html",
        status=status,
        errors=errors or FormErrors(),
        values=values or {},
        requests=requests,
        total=total,
        current=number,
        pages=pages,
        page_link=lambda n: f"{here}?page={n}",
        done=DONE.get(request.args.get("beslut", "")),
        name_of_unit=tree.name,
        kind_title=kind_title,
        decision_labels=DECISION_LABELS,
        severity_labels=SEVERITY_LABELS,
        finding_link=_finding_link(),
        version_link=version_link,
    )


def _finding_link() -> Any:
    if "pages_finding.finding" not in current_app.view_functions:
        return None
    return lambda finding_id: url_for("pages_finding.finding", finding_id=finding_id)


@controller_pages.get("/undantag")
@login_required
def queue() -> Response:
    return _queue()


def _requested(decision_id: int) -> tuple[User, Decision]:
    """The decision, locked, if the user may decide exceptions in its unit: else the problem
    `service.access.require` gives (404 for a unit the user may not read)."""
    user, _units = _approver()
    decision = (
        db().get(Decision, decision_id, with_for_update=True) if 0 < decision_id <= MAX_ID else None
    )
    series = db().get(DocumentSeries, decision.series_id) if decision is not None else None
    if decision is None or series is None:
        raise not_found("undantaget")
    access.require(db(), user, "approve_exception", series.unit_id, "undantaget")
    return user, decision


def _decided(outcome: str) -> Response:
    return redirect(url_for("pages_controller.queue", beslut=outcome), 303)


@controller_pages.post("/undantag/<int:decision_id>/godkann")
@login_required
def approve(decision_id: int) -> Response:
    user, decision = _requested(decision_id)
    if decision.state != "requested":
        return _decided("redan")
    decisions.approve(db(), user, decision)  # four eyes: the error page says why not
    db().commit()
    return _decided("godkant")


@controller_pages.post("/undantag/<int:decision_id>/avsla")
@login_required
def reject(decision_id: int) -> Response:
    user, decision = _requested(decision_id)
    if decision.state != "requested":
        return _decided("redan")
    reason = request.form.get("reason", "")
    field = f"reason-{decision.id}"
    errors = FormErrors()
    asker = db().get(User, decision.requested_by)
    if asker is not None and not access.same_person(asker, user):  # else four eyes refuse
        if not reason.strip():
            errors.add(field, _("Skriv varför undantaget avslås"))
        elif len(reason.strip()) > decisions.MAX_REASON:
            errors.add(
                field,
                _("Motiveringen får vara högst %(n)d tecken", n=decisions.MAX_REASON),
            )
    if errors:
        db().rollback()
        return _queue(errors, {field: reason[: decisions.MAX_REASON + 100]}, 422)
    decisions.reject(db(), user, decision, reason)
    db().commit()
    return _decided("avslaget")
