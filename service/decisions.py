"""Decisions on findings: the unit's responses, exceptions (accepted risk, not applicable) with an
end date, their approval by another person (four eyes), and what a finding's status is when an
exception has expired. Who may ask is `service.access`'s answer; what may be decided is here.

Every function works in the caller's session and transaction and appends its audit entries
there, so a decision and its audit entry commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import audit
from service.access import Action
from service.db import Decision, FindingRow, User, utcnow
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
        },
    )
    return decision


def approve(session: Session, user: User, decision: Decision) -> Decision:
    """Approve a requested exception: never by the person who asked for it (four eyes)."""
    if decision.state != "requested":
        raise ApiError(409, "Konflikt", "beslutet är inte ett begärt undantag")
    if decision.requested_by == user.id:
        raise forbidden("fyra ögon: den som begär ett undantag får inte godkänna det")
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
