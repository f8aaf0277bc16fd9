"""What the audit trail vouches for, compared with the tables: every document version, decision
and user against the entries that recorded them (`service.audit.verify`).

A version without its upload entry, or whose content hash, unit, year, kind or number differs
from what the entry recorded; a decision without its entry, or whose finding, kind, end date,
text or approval differs; a user without the entry that created the account, or whose role or
active flag is not what the last entries made it; an entry whose version, decision or user is
gone – each is a problem, named by record and entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from service.db import AuditEntry, Decision, DocumentSeries, DocumentVersion, User


def text_digest(text: str) -> str:
    """The hash a decision's text is recorded by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Logged:
    entry: int
    action: str
    actor: str
    details: dict[str, Any]


@dataclass
class Records:
    """The entries about versions, decisions and users, gathered while the chain is walked."""

    uploads: dict[int, Logged] = field(default_factory=dict)
    decisions: dict[int, Logged] = field(default_factory=dict)
    approvals: dict[int, Logged] = field(default_factory=dict)
    rejections: dict[int, Logged] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def see(self, entry: AuditEntry) -> None:
        kind, _, ident = entry.subject.partition(":")
        logged = Logged(entry.id, entry.action, entry.actor, entry.details or {})
        if kind == "version" and entry.action == "upload" and ident.isdigit():
            self.uploads[int(ident)] = logged
        elif kind == "decision" and ident.isdigit():
            if entry.action in ("decision_recorded", "decision_requested"):
                self.decisions[int(ident)] = logged
            elif entry.action == "decision_approved":
                self.approvals[int(ident)] = logged
            elif entry.action == "decision_rejected":
                self.rejections[int(ident)] = logged
        elif kind == "user":
            self._user(ident, logged)

    def _user(self, name: str, logged: Logged) -> None:
        details = logged.details
        if logged.action == "user_created":
            state: dict[str, Any] = {"entry": logged.entry, "role": details.get("role")}
            state["active"] = True
            if "unit" in details:
                state["unit"] = details["unit"]
            self.users[name] = state
        elif logged.action == "role_changed":
            state = self.users.setdefault(name, {})
            state["role"] = details.get("to")
            if "unit" in details:
                state["unit"] = details["unit"]
        elif logged.action in ("user_deactivated", "user_reactivated"):
            self.users.setdefault(name, {})["active"] = logged.action == "user_reactivated"

    def compare(self, session: Session, originals: bool = False) -> list[str]:
        return [
            *self._versions(session, originals),
            *self._decisions(session),
            *self._users(session),
        ]

    def _versions(self, session: Session, originals: bool) -> list[str]:
        problems: list[str] = []
        rows = session.execute(
            select(
                DocumentVersion.id,
                DocumentVersion.version,
                DocumentVersion.content_hash,
                DocumentSeries.unit_id,
                DocumentSeries.year,
                DocumentSeries.kind,
            )
            .join(DocumentSeries, DocumentSeries.id == DocumentVersion.series_id)
            .order_by(DocumentVersion.id)
        ).all()
        for vid, number, content_hash, unit, year, kind in rows:
            logged = self.uploads.pop(vid, None)
            if logged is None:
                problems.append(
                    f"version {vid} ({kind} {year}, enhet {unit}, version {number}): ingen post "
                    "i granskningsloggen (lagd in utanför tjänsten, eller posten är borttagen)"
                )
                continue
            stored = {"sha256": content_hash, "unit": unit, "year": year, "kind": kind}
            stored["version"] = number
            for name, value in stored.items():
                if name in logged.details and logged.details[name] != value:
                    problems.append(
                        f"version {vid}: {_label(name)} är {_shown(value)}, men granskningsloggen "
                        f"(post {logged.entry}) har {_shown(logged.details[name])}"
                    )
        problems.extend(
            f"post {logged.entry}: version {vid} som laddades upp finns inte längre"
            for vid, logged in sorted(self.uploads.items())
        )
        if originals:
            stmt = (
                select(DocumentVersion.id, DocumentVersion.content_hash, DocumentVersion.original)
                .order_by(DocumentVersion.id)
                .execution_options(yield_per=20)
            )
            for vid, content_hash, original in session.execute(stmt):
                if hashlib.sha256(bytes(original)).hexdigest() != content_hash:
                    problems.append(
                        f"version {vid}: originalet stämmer inte med sin innehållshash "
                        "(ändrat i databasen)"
                    )
        return problems

    def _decisions(self, session: Session) -> list[str]:
        problems: list[str] = []
        approver = aliased(User)
        rows = session.execute(
            select(Decision, approver.username)
            .outerjoin(approver, approver.id == Decision.approved_by)
            .order_by(Decision.id)
        ).all()
        for decision, approved_by in rows:
            did = decision.id
            logged = self.decisions.pop(did, None)
            approval = self.approvals.pop(did, None)
            rejection = self.rejections.pop(did, None)
            if logged is None:
                problems.append(
                    f"beslut {did}: ingen post i granskningsloggen (lagt in utanför tjänsten, "
                    "eller posten är borttagen)"
                )
            else:
                problems.extend(_decision_fields(decision, logged))
            if decision.state == "approved" and approval is None:
                problems.append(f"beslut {did}: är godkänt, men godkännandet saknas i loggen")
            elif approval is not None and decision.state != "approved":
                problems.append(
                    f"beslut {did}: godkändes enligt granskningsloggen (post {approval.entry}), "
                    f"men är nu {decision.state}"
                )
            elif approval is not None and approval.actor != approved_by:
                problems.append(
                    f"beslut {did}: godkändes av {approval.actor} enligt granskningsloggen (post "
                    f"{approval.entry}), men databasen säger {approved_by}"
                )
            if decision.state == "rejected" and rejection is None:
                problems.append(f"beslut {did}: är avslaget, men avslaget saknas i loggen")
            elif rejection is not None and decision.state != "rejected":
                problems.append(
                    f"beslut {did}: avslogs enligt granskningsloggen (post {rejection.entry}), "
                    f"men är nu {decision.state}"
                )
        gone = {**self.approvals, **self.rejections, **self.decisions}
        for did, logged in sorted(gone.items()):
            problems.append(f"post {logged.entry}: beslut {did} finns inte längre")
        return problems

    def _users(self, session: Session) -> list[str]:
        problems: list[str] = []
        for user in session.execute(select(User).order_by(User.id)).scalars():
            state = self.users.pop(user.username, None)
            if state is None or "entry" not in state:
                problems.append(
                    f"användaren {user.username}: ingen post om att kontot skapades (skapat "
                    "utanför tjänsten, eller posten är borttagen)"
                )
                continue
            now = {"role": user.role, "active": user.active, "unit": user.org_unit_id}
            for name, value in now.items():
                if name in state and state[name] != value:
                    problems.append(
                        f"användaren {user.username}: {_label(name)} är {_shown(value)}, men "
                        f"granskningsloggen säger {_shown(state[name])} (ändrat utanför tjänsten)"
                    )
        problems.extend(
            f"användaren {name} finns i granskningsloggen men inte längre i databasen"
            for name in sorted(self.users)
        )
        return problems


def _decision_fields(decision: Decision, logged: Logged) -> list[str]:
    details = logged.details
    problems = []
    now = {
        "fingerprint": decision.fingerprint,
        "kind": decision.kind,
        "expires": decision.expires.isoformat() if decision.expires else None,
        "text_sha256": text_digest(decision.text),
    }
    for name, value in now.items():
        if name in details and details[name] != value:
            problems.append(
                f"beslut {decision.id}: {_label(name)} stämmer inte med granskningsloggen (post "
                f"{logged.entry}): {_shown(value)} mot {_shown(details[name])}"
            )
    asked = "requested" if logged.action == "decision_requested" else "recorded"
    later = {"requested", "approved", "rejected"} if asked == "requested" else {asked}
    if decision.state not in later:
        problems.append(
            f"beslut {decision.id}: är {decision.state}, men granskningsloggen (post "
            f"{logged.entry}) registrerade det som {asked}"
        )
    return problems


LABELS = {
    "sha256": "innehållshashen",
    "unit": "enheten",
    "year": "året",
    "kind": "slaget",
    "version": "versionsnumret",
    "fingerprint": "fyndet",
    "expires": "slutdatumet",
    "text_sha256": "texten",
    "role": "rollen",
    "active": "aktiv",
}


def _label(name: str) -> str:
    return LABELS.get(name, name)


def _shown(value: Any) -> str:
    if value is None:
        return "inget"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    text = str(value)
    return text[:16] + "…" if len(text) > 40 else text
