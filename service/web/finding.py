"""A finding's page (`/fynd/<id>`): the message; the place in the document with the original's
own lines around it; the values the rule read; the rule (title, reference, rationale, remedy)
and its Swedish scenarios; the finding's history across the versions of its document; the
responses and exceptions on it with who and when.

The unit responds (will fix, comment) on the page; the unit or a controller asks for an
exception (accepted risk, not applicable) with a motivation and an end date, shown back for a
check before it is sent. Both are `service.decisions.record`, as the API's
`POST /api/v1/findings/{id}/decisions`; who may is `service.access`'s answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from checks.findings import format_value
from service import access, decisions
from service import stored as stored_rows
from service.db import CheckRun, DocumentVersion, FindingRow, OrgUnit, User
from service.errors import ApiError, not_found
from service.web import scenarios
from service.web.common import FormErrors, checker, db, login_required, page
from service.web.i18n import current_lang
from service.web.versions import MAX_ID, excerpt, history, labels, the_user

finding_pages = Blueprint("pages_finding", __name__)

MIN_TEXT = 3  # as the API's DecisionBody
MAX_TEXT = 5000
CATALOGUE_PAGE = "pages_catalogue.rule"  # a rule's page (service/web/catalogue.py)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DECISION_LABELS = {
    "will_fix": _l("Kommer att åtgärdas"),
    "comment": _l("Kommentar"),
    "accepted_risk": _l("Accepterad risk"),
    "not_applicable": _l("Inte tillämplig"),
}
STATE_LABELS = {
    "recorded": _l("Registrerat"),
    "requested": _l("Väntar på godkännande"),
    "approved": _l("Godkänt"),
    "rejected": _l("Avslaget"),
}


@dataclass(frozen=True)
class Visible:
    """A finding the user may read, with its run and the version the run judged."""

    row: FindingRow
    run: CheckRun
    version: DocumentVersion

    @property
    def unit_id(self) -> int:
        return self.version.series.unit_id


def visible_finding(finding_id: int) -> Visible:
    """The finding, if the user may read its unit: else 404, the same whether absent or not."""
    row = db().get(FindingRow, finding_id) if 0 < finding_id <= MAX_ID else None
    run = db().get(CheckRun, row.run_id) if row is not None else None
    version = db().get(DocumentVersion, run.version_id) if run is not None else None
    if version is None or not access.allowed(db(), the_user(), "read", version.series.unit_id):
        raise not_found("fyndet")
    assert row is not None and run is not None
    return Visible(row, run, version)


# --- the page ----------------------------------------------------------------------------------


def _usernames(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = db().execute(select(User.id, User.username).where(User.id.in_(sorted(ids))))
    return {user_id: name for user_id, name in found}


def _rationale(rule_id: str, lang: str) -> str:
    """The rule's rationale, from the catalogue the service checks with (stored findings keep
    the texts they show, not the rationale)."""
    checked = checker().catalogue.get(rule_id)
    if checked is None:
        return ""
    text = checked.rule.rationale
    return str(getattr(text, lang, "") or text.sv)


def _catalogue_link(rule_id: str) -> str | None:
    """The rule's page in the catalogue, where the service has one."""
    if CATALOGUE_PAGE not in current_app.view_functions:
        return None
    return url_for(CATALOGUE_PAGE, rule_id=rule_id)


def _context(visible: Visible, **more: Any) -> dict[str, Any]:
    lang = current_lang()
    user = the_user()
    found = stored_rows.findings_by_id(db(), [visible.row.id], lang)[0]
    series = visible.version.series
    rows = decisions.decisions_on(db(), series.id, visible.row.fingerprint)
    names = _usernames(
        {d.requested_by for d in rows} | {d.approved_by for d in rows if d.approved_by}
    )
    unit = db().get(OrgUnit, series.unit_id)
    seen = history(series.id, visible.row.fingerprint)
    first = next((s for s in seen if s.finding_id is not None), None)
    context: dict[str, Any] = {
        "f": found,
        "row": visible.row,
        "version": visible.version,
        "series": series,
        "unit": unit,
        "latest": visible.version.latest_run_id == visible.run.id,
        "excerpt": excerpt(visible.version, found.line) if found.document_kind != "akt" else None,
        "rationale": _rationale(found.rule_id, lang),
        "scenarios": scenarios.scenarios_for(found.rule_id),
        "history": seen,
        "first": first,
        "decisions": rows,
        "rejections": decisions.rejections(db(), [d.id for d in rows if d.state == "rejected"]),
        "names": names,
        "decision_labels": DECISION_LABELS,
        "state_labels": STATE_LABELS,
        "may_respond": access.allowed(db(), user, "respond", series.unit_id),
        "may_request": access.allowed(db(), user, "request_exception", series.unit_id),
        "show_value": lambda value: format_value(value, lang),
        "catalogue_link": _catalogue_link(found.rule_id),
        "sent": request.args.get("skickat", ""),
        "errors": FormErrors(),
        "values": {},
        **labels(),
    }
    context.update(more)
    return context


@finding_pages.get("/fynd/<int:finding_id>")
@login_required
def finding(finding_id: int) -> Response:
    return page("finding/finding.html", **_context(visible_finding(finding_id)))


# --- responses ---------------------------------------------------------------------------------


def _text(value: str, field: str, errors: FormErrors, missing: str) -> str:
    """A response's or a motivation's text: 3 to 5,000 characters, as the API takes it."""
    text = value.strip()
    if not text:
        errors.add(field, missing)
    elif len(text) < MIN_TEXT:
        errors.add(field, _("Skriv minst %(n)d tecken", n=MIN_TEXT))
    elif len(text) > MAX_TEXT:
        errors.add(
            field,
            _("Texten får vara högst %(n)d tecken; den är %(m)d", n=MAX_TEXT, m=len(text)),
        )
    return text


def _kept(value: str) -> str:
    """What the form shows again of a text it refused: never more than a little over the limit."""
    return value[: MAX_TEXT + 1000]


@finding_pages.post("/fynd/<int:finding_id>/svar")
@login_required
def respond(finding_id: int) -> Response:
    """The unit's response: it will fix the finding, or a comment."""
    visible = visible_finding(finding_id)
    user = the_user()
    access.require(db(), user, "respond", visible.unit_id, "fyndet")
    form = request.form
    kind = form.get("response_kind", "")
    values = {"response_kind": kind, "response_text": _kept(form.get("response_text", ""))}
    errors = FormErrors()
    if kind not in decisions.RESPONSE_KINDS:
        errors.add("response_kind", _("Välj om enheten åtgärdar fyndet eller lämnar en kommentar"))
    text = _text(form.get("response_text", ""), "response_text", errors, _("Skriv ditt svar"))
    if errors:
        return page(
            "finding/finding.html",
            status=422,
            **_context(visible, errors=errors, values=values),
        )
    chosen = cast(decisions.DecisionKind, kind)
    decisions.record(db(), user, visible.version.series_id, visible.row, chosen, text, None)
    db().commit()
    return redirect(url_for("pages_finding.finding", finding_id=finding_id, skickat="svar"), 303)


# --- exceptions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """An exception request as the form gave it, checked."""

    kind: str
    motivation: str
    expires: date | None
    values: dict[str, str]


def _expires(value: str, errors: FormErrors, today: date) -> date | None:
    value = value.strip()
    if not value:
        errors.add("expires", _("Ange ett slutdatum för undantaget"))
        return None
    try:
        parsed = date.fromisoformat(value) if DATE.match(value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors.add(
            "expires",
            _(
                "Ange slutdatumet som år-månad-dag, till exempel %(example)s",
                example=_example(today),
            ),
        )
        return None
    if parsed <= today:
        errors.add("expires", _("Slutdatumet måste ligga efter dagens datum"))
        return None
    return parsed


def _example(today: date) -> str:
    return date(today.year + 1, 6, 30).isoformat()


def _asked(errors: FormErrors) -> Asked:
    form = request.form
    kind = form.get("kind", "")
    values = {
        "kind": kind,
        "motivation": _kept(form.get("motivation", "")),
        "expires": form.get("expires", "")[:40],
    }
    if kind not in decisions.EXCEPTION_KINDS:
        errors.add("kind", _("Välj vilken sorts undantag du begär"))
    motivation = _text(
        form.get("motivation", ""), "motivation", errors, _("Skriv varför undantaget behövs")
    )
    expires = _expires(form.get("expires", ""), errors, date.today())
    return Asked(kind, motivation, expires, values)


def _may_request(finding_id: int) -> Visible:
    visible = visible_finding(finding_id)
    access.require(db(), the_user(), "request_exception", visible.unit_id, "fyndet")
    return visible


def _exception_form(
    visible: Visible, errors: FormErrors, values: dict[str, str], status: int = 200
) -> Response:
    return page(
        "finding/exception.html",
        status=status,
        **_context(visible, errors=errors, values=values, example=_example(date.today())),
    )


@finding_pages.get("/fynd/<int:finding_id>/undantag")
@login_required
def exception_form(finding_id: int) -> Response:
    return _exception_form(_may_request(finding_id), FormErrors(), {})


@finding_pages.post("/fynd/<int:finding_id>/undantag")
@login_required
def exception_check(finding_id: int) -> Response:
    """The request shown back to check before it is sent (or the form again: with its errors,
    or to change the answers)."""
    visible = _may_request(finding_id)
    errors = FormErrors()
    asked = _asked(errors)
    if request.form.get("change"):
        return _exception_form(visible, FormErrors(), asked.values)
    if errors:
        return _exception_form(visible, errors, asked.values, 422)
    return page("finding/check.html", **_context(visible, asked=asked, values=asked.values))


@finding_pages.post("/fynd/<int:finding_id>/undantag/skicka")
@login_required
def exception_send(finding_id: int) -> Response:
    """Record the checked request: it waits for another person's approval (four eyes)."""
    visible = _may_request(finding_id)
    errors = FormErrors()
    asked = _asked(errors)
    if errors:
        return _exception_form(visible, errors, asked.values, 422)
    try:
        decisions.record(
            db(),
            the_user(),
            visible.version.series_id,
            visible.row,
            cast(decisions.DecisionKind, asked.kind),
            asked.motivation,
            asked.expires,
        )
    except ApiError:  # the end date passed between the check and the sending
        db().rollback()
        errors.add("expires", _("Slutdatumet måste ligga efter dagens datum"))
        return _exception_form(visible, errors, asked.values, 422)
    db().commit()
    return redirect(
        url_for("pages_finding.finding", finding_id=finding_id, skickat="undantag"), 303
    )
