"""The audit trail as a page (`/granskningslogg`), for revisor and admin (`read_audit`): the entries
newest first, filtered by user, unit, action and period and paged in SQL; and the hash chain's
verification on a page of its own (`/granskningslogg/kontroll`, `service.audit.verify` as
`styrkoll audit verify`): whether it holds, and which entries break it.

An entry concerns a unit when it names the unit (`unit:<id>`, or `unit` in its details) or one
of its document versions, check runs or decisions.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, String, cast, func, literal, or_, select
from werkzeug.wrappers import Response

from service import access, audit
from service.db import AuditEntry, CheckRun, Decision, DocumentSeries, DocumentVersion
from service.web.common import FormErrors, db, login_required, page
from service.web.findings import OrgTree, the_user

audit_pages = Blueprint("pages_audit", __name__)

PER_PAGE = 50
MAX_PAGE = 100_000
MAX_USER = 100
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BROKEN = re.compile(r"^post (\d+):")
MAX_BROKEN = 200  # broken entries shown on the check's page
FIELDS = ("user", "unit", "action", "from", "to")
ACTION_LABELS = {
    "login": _l("Inloggning"),
    "login_failed": _l("Misslyckad inloggning"),
    "logout": _l("Utloggning"),
    "refused": _l("Nekad åtgärd"),
    "token_created": _l("API-token skapad"),
    "token_revoked": _l("API-token återkallad"),
    "upload": _l("Uppladdning"),
    "check_run": _l("Kontroll"),
    "decision_recorded": _l("Svar registrerat"),
    "decision_requested": _l("Undantag begärt"),
    "decision_approved": _l("Undantag godkänt"),
    "decision_rejected": _l("Undantag avslaget"),
    "unit_created": _l("Enhet skapad"),
    "user_created": _l("Användare skapad"),
    "role_changed": _l("Roll ändrad"),
    "user_deactivated": _l("Användare inaktiverad"),
    "user_reactivated": _l("Användare aktiverad igen"),
}
try:
    LOCAL: ZoneInfo | None = ZoneInfo("Europe/Stockholm")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without the time zone database
    LOCAL = None


def local_time(value: datetime) -> str:
    """A stored time (UTC) as Swedish users read it: Stockholm time, to the second."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    shown = aware.astimezone(LOCAL) if LOCAL is not None else aware
    return shown.strftime("%Y-%m-%d %H:%M:%S")


def _stored(day: date) -> datetime:
    """The start of a Stockholm day as stored: naive UTC."""
    start = datetime.combine(day, time(0), tzinfo=LOCAL or UTC)
    return start.astimezone(UTC).replace(tzinfo=None)


def _day(text: str, field: str, errors: FormErrors) -> date | None:
    text = text.strip()
    if not text:
        return None
    if not DATE.match(text):
        errors.add(field, _("Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01"))
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        errors.add(field, _("Datumet %(date)s finns inte i almanackan", date=text))
        return None
    if not 1990 <= found.year <= 2100:
        errors.add(field, _("Ange ett datum mellan år 1990 och 2100"))
        return None
    return found


def _concerns_unit(unit_id: int) -> ColumnElement[bool]:
    """An entry about the unit, its document versions, their runs or its decisions."""
    series = select(DocumentSeries.id).where(DocumentSeries.unit_id == unit_id)
    versions = select(DocumentVersion.id).where(DocumentVersion.series_id.in_(series))
    if db().get_bind().dialect.name == "postgresql":
        named = AuditEntry.details["unit"].as_string() == str(unit_id)
    else:
        named = AuditEntry.details["unit"].as_integer() == unit_id

    return or_(
        AuditEntry.subject == f"unit:{unit_id}",
        named,
        AuditEntry.subject.in_(
            select(literal("version:") + cast(DocumentVersion.id, String)).where(
                DocumentVersion.series_id.in_(series)
            )
        ),
        AuditEntry.subject.in_(
            select(literal("run:") + cast(CheckRun.id, String)).where(
                CheckRun.version_id.in_(versions)
            )
        ),
        AuditEntry.subject.in_(
            select(literal("decision:") + cast(Decision.id, String)).where(
                Decision.series_id.in_(series)
            )
        ),
    )


def details_text(details: dict[str, Any] | None) -> list[tuple[str, str]]:
    """An entry's details as short (key, value) pairs."""
    out = []
    for key, value in (details or {}).items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out.append((str(key), shown if len(shown) <= 200 else shown[:199] + "…"))
    return out


def _filtered(tree: OrgTree, actions: list[str], errors: FormErrors) -> Select[Any]:
    """The entries the query string's filters keep; what cannot be used is an error on its
    field."""
    args = request.args
    stmt = select(AuditEntry)
    actor = args.get("user", "").strip()
    if actor:
        if len(actor) > MAX_USER:
            errors.add("user", _("Användarnamnet får ha högst %(n)d tecken", n=MAX_USER))
        elif not actor.isprintable():
            errors.add("user", _("Användarnamnet får inte innehålla styrtecken"))
        else:
            stmt = stmt.where(AuditEntry.actor == actor)
    unit = args.get("unit", "").strip()
    if unit:
        if not (unit.isascii() and unit.isdigit() and len(unit) < 10 and int(unit) in tree.nodes):
            errors.add("unit", _("Välj en enhet i listan"))
        else:
            stmt = stmt.where(_concerns_unit(int(unit)))
    action = args.get("action", "").strip()
    if action:
        if action not in actions:
            errors.add("action", _("Välj en händelse i listan"))
        else:
            stmt = stmt.where(AuditEntry.action == action)
    start = _day(args.get("from", ""), "from", errors)
    end = _day(args.get("to", ""), "to", errors)
    if start is not None and end is not None and end < start:
        errors.add("to", _("Till och med-datumet ligger före från och med-datumet"))
    if start is not None:
        stmt = stmt.where(AuditEntry.at >= _stored(start))
    if end is not None:
        stmt = stmt.where(AuditEntry.at < _stored(end + timedelta(days=1)))
    return stmt


def _shown() -> dict[str, Any]:
    """What the trail's and the check's tables need."""
    return {"action_labels": ACTION_LABELS, "local_time": local_time, "details_text": details_text}


@audit_pages.get("/granskningslogg")
@login_required
def trail() -> Response:
    """The entries, filtered and paged; the chain is checked on its own page (`check`): with a
    long trail that reads every entry and every record, seconds rather than milliseconds."""
    access.require(db(), the_user(), "read_audit")
    args = request.args
    values = {k: args.get(k, "")[:200] for k in FIELDS if k in args}
    errors = FormErrors()
    tree = OrgTree()
    actions = sorted(
        set(db().execute(select(AuditEntry.action).distinct()).scalars()) | set(ACTION_LABELS)
    )
    stmt = _filtered(tree, actions, errors)
    text = args.get("page", "1").strip() or "1"
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 0
    if not 1 <= number <= MAX_PAGE:
        errors.add("page", _("Sidan ska vara ett heltal från 1 till %(n)d", n=MAX_PAGE))
    context: dict[str, Any] = {
        "errors": errors,
        "values": values,
        "unit_choices": [("", _("Alla enheter"))]
        + [(str(n.id), n.name) for n in tree.readable(None)],
        "action_choices": [("", _("Alla händelser"))]
        + [(a, str(ACTION_LABELS.get(a, a))) for a in actions],
        **_shown(),
    }
    if errors:
        return page("audit/trail.html", status=422, entries=[], total=0, pages=0, **context)
    total = (
        db().execute(stmt.with_only_columns(func.count(), maintain_column_froms=True)).scalar_one()
    )
    entries = (
        db()
        .execute(
            stmt.order_by(AuditEntry.id.desc()).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
        )
        .scalars()
        .all()
    )
    here = url_for("pages_audit.trail")
    kept = {k: v for k, v in values.items() if v and k in FIELDS}
    return page(
        "audit/trail.html",
        entries=entries,
        total=total,
        current=number,
        pages=max(1, -(-total // PER_PAGE)),
        page_link=lambda n: here + "?" + urlencode({**kept, "page": str(n)}),
        **context,
    )


@audit_pages.get("/granskningslogg/kontroll")
@login_required
def check() -> Response:
    """The chain verified now (`service.audit.verify`, as `styrkoll audit verify`): whether it
    holds, every problem, what could not be checked, and the entries that break it."""
    access.require(db(), the_user(), "read_audit")
    verified = audit.verify(db())
    broken = sorted({int(m[1]) for p in verified.problems if (m := BROKEN.match(p))})
    entries = (
        db()
        .execute(select(AuditEntry).where(AuditEntry.id.in_(broken[:MAX_BROKEN])))
        .scalars()
        .all()
        if broken
        else []
    )
    return page(
        "audit/check.html",
        check=verified,
        notes=list(getattr(verified, "notes", [])),  # what the verification could not check
        broken=set(broken),
        more=max(0, len(broken) - MAX_BROKEN),
        entries=sorted(entries, key=lambda e: e.id),
        **_shown(),
    )
