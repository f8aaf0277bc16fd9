"""The findings list page (`/fynd`): the current findings of the units the user may read, with the
filters of `GET /api/v1/findings` (unit, year, kind, severity, rule, status, page, per_page) and
two of the overview's (administration, rule area), paged in SQL. Each finding links to its page.

Also what the overview (`service/web/controller.py`) shares with it: the organisation read once
(`OrgTree`: each unit's administration) and the filters read from a query string and checked,
each refusal a Swedish error tied to its field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from checks.catalogue import SEVERITY_EN
from checks.documents import DOCUMENT_NAMES
from service import access
from service import findings as stored
from service.db import DocumentSeries, OrgUnit, User
from service.web.common import FormErrors, checker, current_user, db, login_required, page
from service.web.i18n import current_lang

findings_pages = Blueprint("pages_findings", __name__)

ADMINISTRATION = "förvaltning"
MAX_PAGE = 100_000
PER_PAGE = 50
MAX_PER_PAGE = 500


class _SeverityLabels(Mapping[str, str]):
    """A severity's name in the page language, as the catalogue names it (fel, varning, info;
    error, warning, info): the text catalogue's "Fel" is also the heading "Errors"."""

    def __getitem__(self, severity: str) -> str:
        english = SEVERITY_EN[severity]  # KeyError for anything else
        return (severity if current_lang() == "sv" else english).capitalize()

    def __iter__(self) -> Iterator[str]:
        return iter(SEVERITY_EN)

    def __len__(self) -> int:
        return len(SEVERITY_EN)


SEVERITY_LABELS = _SeverityLabels()
STATUS_LABELS = {
    "active": _l("Aktivt"),
    "exception_requested": _l("Undantag begärt"),
    "exception": _l("Undantag"),
    "exception_expired": _l("Undantaget har gått ut"),
}
KIND_TITLES = {
    "verksamhetsplan": _l("Verksamhetsplan"),
    "riskanalys": _l("Risk- och väsentlighetsanalys"),
    "internkontrollplan": _l("Internkontrollplan"),
    "tjänsteutlåtande": _l("Tjänsteutlåtande"),
    "tertialrapport_1": _l("Tertialrapport 1"),
    "tertialrapport_2": _l("Tertialrapport 2"),
    "årsrapport": _l("Årsrapport"),
}


def the_user() -> User:
    user = current_user()
    assert user is not None  # login_required
    return user


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    level: str
    parent_id: int | None


class OrgTree:
    """Every unit of the organisation, read in one statement: names, and each unit's
    administration (the förvaltning above it, or itself)."""

    def __init__(self) -> None:
        rows = db().execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.level, OrgUnit.parent_id))
        self.nodes = {r.id: Node(r.id, r.name, r.level, r.parent_id) for r in rows}
        self._administration: dict[int, int | None] = {}

    def administration_of(self, unit_id: int) -> int | None:
        if unit_id not in self._administration:
            seen: set[int] = set()
            at: int | None = unit_id
            found = None
            while at is not None and at not in seen and at in self.nodes:
                seen.add(at)
                if self.nodes[at].level == ADMINISTRATION:
                    found = at
                    break
                at = self.nodes[at].parent_id
            self._administration[unit_id] = found
        return self._administration[unit_id]

    def readable(self, units: set[int] | None) -> list[Node]:
        """The units of `units` (None: every unit), by name."""
        found = self.nodes.values() if units is None else [self.nodes[u] for u in units]
        return sorted(
            (n for n in found if n.id in self.nodes), key=lambda n: (n.name.casefold(), n.id)
        )

    def administrations(self, units: set[int] | None) -> list[Node]:
        """The administrations of these units, by name."""
        ids = {self.administration_of(n.id) for n in self.readable(units)}
        return sorted(
            (self.nodes[i] for i in ids if i is not None), key=lambda n: (n.name.casefold(), n.id)
        )

    def name(self, unit_id: int | None) -> str:
        node = self.nodes.get(unit_id) if unit_id is not None else None
        return node.name if node is not None else ""


def kind_title(kind: str) -> str:
    return str(KIND_TITLES.get(kind, kind))


def years(units: set[int] | None) -> list[int]:
    """The years of the documents of these units (None: every unit), newest first."""
    stmt = select(DocumentSeries.year).distinct()
    if units is not None:
        stmt = stmt.where(DocumentSeries.unit_id.in_(sorted(units)))
    return sorted(db().execute(stmt).scalars(), reverse=True)


@dataclass
class Chosen:
    """The filters as asked (`values`, kept for the form) and as checked; `errors` per field."""

    values: dict[str, str]
    errors: FormErrors = field(default_factory=FormErrors)
    year: int | None = None
    administration: int | None = None
    unit: int | None = None
    kind: str | None = None
    severity: str | None = None
    rule: str | None = None
    area: str | None = None
    status: str | None = None
    page: int = 1
    per_page: int = PER_PAGE

    def query(self, **changed: Any) -> str:
        """The query string of these filters with some changed (a page, a severity …)."""
        wanted = {**self.values, **{k: str(v) for k, v in changed.items()}}
        return urlencode({k: v for k, v in wanted.items() if v and k in FIELDS})


FIELDS = (
    "year",
    "administration",
    "unit",
    "kind",
    "severity",
    "area",
    "rule",
    "status",
    "page",
    "per_page",
)


def _printable(text: str) -> str:
    """A value as the form may show it again: without control characters."""
    return "".join(c for c in text if c.isprintable())


def _number(text: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text or len(text) > 9 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None


def read_filters(
    tree: OrgTree, units: set[int] | None, allowed: tuple[str, ...], default_year: int | None
) -> Chosen:
    """The filters of the query string named in `allowed`, each checked against what the user
    may choose; anything else is an error on its field. A year not asked for is `default_year`
    (an empty year: every year)."""
    args = request.args
    values = {k: _printable(args.get(k, ""))[:200] for k in allowed if k in args}
    chosen = Chosen(values)
    errors = chosen.errors
    if "year" in allowed:
        if "year" not in args:
            chosen.year = default_year
            if default_year is not None:
                values["year"] = str(default_year)
        elif args["year"].strip():
            chosen.year = _number(args["year"], 1990, 2100)
            if chosen.year is None:
                errors.add("year", _("Ange året med fyra siffror, till exempel 2012"))
    text = {k: args.get(k, "").strip() for k in allowed}
    if text.get("administration"):
        found = _number(text["administration"], 1, 2**31)
        if found is None or found not in {n.id for n in tree.administrations(units)}:
            errors.add("administration", _("Välj en förvaltning i listan"))
        chosen.administration = found
    if text.get("unit"):
        found = _number(text["unit"], 1, 2**31)
        if found is None or found not in tree.nodes or (units is not None and found not in units):
            errors.add("unit", _("Välj en enhet i listan"))
        chosen.unit = found
    if text.get("kind"):
        if text["kind"] not in DOCUMENT_NAMES:
            errors.add("kind", _("Välj en sort av handling i listan"))
        chosen.kind = text["kind"]
    if text.get("severity"):
        if text["severity"] not in SEVERITY_LABELS:
            errors.add("severity", _("Välj fel, varning eller info"))
        chosen.severity = text["severity"]
    catalogue = checker().catalogue
    if text.get("area"):
        if text["area"] not in {a.code for a in catalogue.areas}:
            errors.add("area", _("Välj ett område i listan"))
        chosen.area = text["area"]
    if text.get("rule"):
        rule = text["rule"].upper()
        if catalogue.get(rule) is None:
            errors.add(
                "rule", _("Regelkatalogen har ingen regel %(id)s. Ange ett id som R3.", id=rule)
            )
        chosen.rule = rule
    if text.get("status"):
        if text["status"] not in STATUS_LABELS:
            errors.add("status", _("Välj en status i listan"))
        chosen.status = text["status"]
    if text.get("page"):
        chosen.page = _number(text["page"], 1, MAX_PAGE) or 0
        if not chosen.page:
            errors.add("page", _("Sidan ska vara ett heltal från 1 till %(n)d", n=MAX_PAGE))
    if text.get("per_page"):
        chosen.per_page = _number(text["per_page"], 1, MAX_PER_PAGE) or 0
        if not chosen.per_page:
            errors.add("per_page", _("Ange 1 till %(n)d fynd per sida", n=MAX_PER_PAGE))
    return chosen


def scope(tree: OrgTree, units: set[int] | None, chosen: Chosen) -> set[int] | None:
    """The units the filters leave: the readable ones, within the administration if chosen."""
    if chosen.administration is None:
        return units
    return {
        n.id for n in tree.readable(units) if tree.administration_of(n.id) == chosen.administration
    }


def finding_link(finding_id: int) -> str | None:
    """The finding's page, once the finding pages are registered."""
    if "pages_finding.finding" not in current_app.view_functions:
        return None
    return url_for("pages_finding.finding", finding_id=finding_id)


def version_link(version_id: int) -> str | None:
    """The document version's page, once the unit pages are registered."""
    if "pages_unit.version" not in current_app.view_functions:
        return None
    return url_for("pages_unit.version", version_id=version_id)


def options(tree: OrgTree, units: set[int] | None, found_years: list[int]) -> dict[str, Any]:
    """The choices of the filter forms, as (value, label) pairs."""
    catalogue = checker().catalogue
    lang = current_lang()
    return {
        "years": [("", _("Alla år"))] + [(str(y), str(y)) for y in found_years],
        "administrations": [("", _("Alla förvaltningar"))]
        + [(str(n.id), n.name) for n in tree.administrations(units)],
        "units": [("", _("Alla enheter"))] + [(str(n.id), n.name) for n in tree.readable(units)],
        "kinds": [("", _("Alla sorter"))] + [(k, kind_title(k)) for k in DOCUMENT_NAMES],
        "severities": [("", _("Alla allvarlighetsgrader"))]
        + [(k, str(v)) for k, v in SEVERITY_LABELS.items()],
        "areas": [("", _("Alla områden"))]
        + [(a.code, f"{a.code} – {a.title.get(lang)}") for a in catalogue.areas],
        "statuses": [("", _("Alla statusar"))] + [(k, str(v)) for k, v in STATUS_LABELS.items()],
    }


@findings_pages.get("/fynd")
@login_required
def findings_list() -> Response:
    user = the_user()
    units = access.units(db(), user, "read")
    tree = OrgTree()
    found_years = years(units)
    chosen = read_filters(tree, units, FIELDS, None)
    context: dict[str, Any] = {
        "chosen": chosen,
        "errors": chosen.errors,
        "values": chosen.values,
        "choices": options(tree, units, found_years),
        "tree": tree,
        "severity_labels": SEVERITY_LABELS,
        "status_labels": STATUS_LABELS,
        "kind_title": kind_title,
        "finding_link": finding_link,
        "version_link": version_link,
        "area_titles": {a.code: a.title.get(current_lang()) for a in checker().catalogue.areas},
    }
    if chosen.errors:
        return page("findings/list.html", status=422, found=[], total=0, pages=0, **context)
    filters = stored.Filters(
        units=scope(tree, units, chosen),
        unit=chosen.unit,
        year=chosen.year,
        kind=chosen.kind,
        severity=chosen.severity,
        rule=chosen.rule,
        status=chosen.status,
    )
    total, found = stored.list_in_area(
        db(), filters, chosen.area, chosen.page, chosen.per_page, current_lang()
    )
    pages = max(1, -(-total // chosen.per_page))
    here = url_for("pages_findings.findings_list")
    return page(
        "findings/list.html",
        found=found,
        total=total,
        pages=pages,
        page_link=lambda n: f"{here}?{chosen.query(page=n)}",
        **context,
    )
