"""Decisions on findings: the unit's responses, exceptions (accepted risk, not applicable) with an
end date, their approval by another person (four eyes), and what a finding's status is when an
exception has expired. Who may ask is `service.access`'s answer; what may be decided is here.

A requested exception is approved or rejected (with a reason) by another person.

Every function works in the caller's session and transaction and appends its audit entries
there, so a decision and its audit entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.access import Action, same_person
from service.audit_records import text_digest
from service.db import AuditEntry, Decision, FindingRow, User, utcnow
from service.errors import ApiError, forbidden

EXCEPTION_KINDS = ("accepted_risk", "not_applicable")
RESPONSE_KINDS = ("will_fix", "comment")
DecisionKind = Literal["will_fix", "comment", "accepted_risk", "not_applicable"]


def action_for(kind: str) -> Action:
    """What deciding this kind asks of the user: a response, or an exception."""
    return "respond" if kind in RESPONSE_KINDS else "request_exception"


def record(
    session: Session,
    user: User,
    series_id: int,
    finding: FindingRow,
    kind: DecisionKind,
    text: str,
    expires: date | None,
    today: date | None = None,
) -> Decision:
    """A response (recorded at once) or a requested exception, which needs an end date in the
    future and waits for another person's approval."""
    state = "recorded"
    if kind in EXCEPTION_KINDS:
        if expires is None:
            raise ApiError(
                422,
                "Ogiltig begäran",
                "ett undantag kräver ett slutdatum",
                [{"path": "expires", "message": "saknas"}],
            )
        if expires <= (today or date.today()):
            raise ApiError(
                422,
                "Ogiltig begäran",
                "slutdatumet måste ligga i framtiden",
                [{"path": "expires", "message": "har redan passerat"}],
            )
        state = "requested"
    decision = Decision(
        series_id=series_id,
        fingerprint=finding.fingerprint,
        kind=kind,
        text=text,
        expires=expires,
        requested_by=user.id,
        state=state,
    )
    session.add(decision)
    session.flush()
    audit.append(
        session,
        user.username,
        f"decision_{state}",
        f"decision:{decision.id}",
        {
            "finding": finding.id,
            "fingerprint": finding.fingerprint,
            "kind": kind,
            "expires": expires.isoformat() if expires else None,
            "text_sha256": text_digest(text),
        },
    )
    return decision


def _four_eyes(session: Session, user: User, decision: Decision, verb: str) -> None:
    """Another person decides: not the one who asked, nor an account that may be the same
    person (`service.access.same_person`: made by the same admin, or by the other)."""
    if decision.requested_by == user.id:
        raise forbidden(f"fyra ögon: den som begär ett undantag får inte {verb} det")
    asker = session.get(User, decision.requested_by)
    if asker is not None and same_person(asker, user):
        raise forbidden(
            f"fyra ögon: ditt konto och kontot som begärde undantaget är skapade av samma "
            f"administratör (eller det ena av det andra); en annan person får {verb} det"
        )


def approve(session: Session, user: User, decision: Decision) -> Decision:
    """Approve a requested exception: never by the person who asked for it (four eyes)."""
    if decision.state != "requested":
        raise ApiError(409, "Konflikt", "beslutet är inte ett begärt undantag")
    _four_eyes(session, user, decision, "godkänna")
    decision.state = "approved"
    decision.approved_by = user.id
    decision.approved_at = utcnow()
    audit.append(
        session,
        user.username,
        "decision_approved",
        f"decision:{decision.id}",
        {"fingerprint": decision.fingerprint},
    )
    return decision


MAX_REASON = 5000


def reject(session: Session, user: User, decision: Decision, reason: str) -> Decision:
    """Reject a requested exception, saying why: never by the person who asked for it (four
    eyes). The finding keeps the status its other exceptions give it (active without any).

    Who rejected it, when and why are the audit entry's (`decision_rejected`, its details'
    `reason`; `rejections` reads them back): the decision keeps `approved_by` for approvals."""
    if decision.state != "requested":
        raise ApiError(409, "Konflikt", "beslutet är inte ett begärt undantag")
    _four_eyes(session, user, decision, "avslå")
    reason = reason.strip()
    if not reason:
        raise ApiError(
            422,
            "Ogiltig begäran",
            "ett avslag kräver en motivering",
            [{"path": "reason", "message": "saknas"}],
        )
    if len(reason) > MAX_REASON:
        raise ApiError(
            422,
            "Ogiltig begäran",
            f"motiveringen får vara högst {MAX_REASON} tecken",
            [{"path": "reason", "message": "för lång"}],
        )
    decision.state = "rejected"
    audit.append(
        session,
        user.username,
        "decision_rejected",
        f"decision:{decision.id}",
        {"fingerprint": decision.fingerprint, "reason": reason},
    )
    return decision


@dataclass(frozen=True)
class Rejection:
    """Who rejected a requested exception, when and why (from its audit entry)."""

    by: str
    at: datetime
    reason: str


def rejections(session: Session, decision_ids: Sequence[int]) -> dict[int, Rejection]:
    """The rejections of these decisions, by decision id, in one statement."""
    subjects = {f"decision:{i}": i for i in decision_ids}
    if not subjects:
        return {}
    rows = session.execute(
        select(AuditEntry)
        .where(AuditEntry.action == "decision_rejected", AuditEntry.subject.in_(sorted(subjects)))
        .order_by(AuditEntry.id)
    ).scalars()
    return {
        subjects[e.subject]: Rejection(e.actor, e.at, str((e.details or {}).get("reason", "")))
        for e in rows
    }


def decisions_on(session: Session, series_id: int, fingerprint: str) -> Sequence[Decision]:
    """Every decision on a finding of a document, oldest first."""
    return (
        session.execute(
            select(Decision)
            .where(Decision.series_id == series_id, Decision.fingerprint == fingerprint)
            .order_by(Decision.id)
        )
        .scalars()
        .all()
    )


def finding_status(
    session: Session, series_id: int, fingerprint: str, today: date | None = None
) -> tuple[str, Decision | None]:
    """active, exception (approved and not expired), exception_expired, or requested."""
    today = today or date.today()
    decisions = (
        session.execute(
            select(Decision)
            .where(
                Decision.series_id == series_id,
                Decision.fingerprint == fingerprint,
                Decision.kind.in_(EXCEPTION_KINDS),
            )
            .order_by(Decision.id.desc())
        )
        .scalars()
        .all()
    )
    return status_of(decisions, today)


def status_of(exceptions: Sequence[Decision], today: date) -> tuple[str, Decision | None]:
    """The status the exceptions on one finding give it (newest first): the newest approved one
    decides, expired or not; else a requested one; else active."""
    for d in exceptions:
        if d.state == "approved":
            if d.expires is not None and d.expires < today:
                return "exception_expired", d
            return "exception", d
    if any(d.state == "requested" for d in exceptions):
        return "exception_requested", exceptions[0]
    return "active", None
