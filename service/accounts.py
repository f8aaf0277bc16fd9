"""Accounts administered: users created, changed and ended, API tokens listed and revoked. Who
may ask is `service.access`'s answer; what may be done is here, audited in the caller's
transaction.

Rules: the last active admin is never demoted or deactivated, not even by themself (changes of
admins are serialised, so two admins demoting each other at once cannot leave none); a
deactivated user's tokens are revoked and sessions void, and stay so when the account is
activated again. Users are never deleted (versions and decisions name them): an account ends by
deactivation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from service import audit
from service.auth import end_sessions, hash_password, revoke_tokens
from service.db import ApiToken, OrgUnit, User, utcnow
from service.errors import ApiError, forbidden


def _no_unit(field: str = "org_unit_id") -> ApiError:
    return ApiError(
        422, "Ogiltig begäran", "enheten finns inte", [{"path": field, "message": "finns inte"}]
    )


def create_user(
    db: Session, admin: User, username: str, password: str, role: str, unit: int | None
) -> User:
    taken = db.execute(
        select(func.count()).select_from(User).where(User.username == username)
    ).scalar_one()
    if taken:
        raise ApiError(409, "Konflikt", f'användaren "{username}" finns redan')
    if unit is not None and db.get(OrgUnit, unit) is None:
        raise _no_unit()
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        org_unit_id=unit,
        created_by=admin.id,
    )
    db.add(user)
    db.flush()
    audit.append(
        db,
        admin.username,
        "user_created",
        f"user:{user.username}",
        {"role": role, "unit": unit, "created_by": admin.username},
    )
    return user


def lock_admins(db: Session) -> None:
    """Serialise every change that could touch the admins: PostgreSQL locks the active admins'
    rows, SQLite takes its write lock (its writers queue for it)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            select(User.id)
            .where(User.role == "admin", User.active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
    else:
        db.execute(text("UPDATE app_user SET active = active WHERE 1 = 0"))


def change_user(db: Session, admin: User, user: User, changes: dict[str, Any]) -> None:
    """Apply `changes` (role, org_unit_id, active: those given) to the user, audited: a role or
    unit change as `role_changed`, an account ended or opened again as `user_deactivated` or
    `user_reactivated`."""
    if not changes:
        raise ApiError(
            422,
            "Ogiltig begäran",
            "ange minst ett av role, org_unit_id och active",
            [{"path": "", "message": "inget att ändra"}],
        )
    lock_admins(db)
    db.refresh(admin)
    if admin.role != "admin" or not admin.active:
        raise forbidden("användare hanteras av admin")
    db.refresh(user)
    unit = changes.get("org_unit_id", user.org_unit_id)
    if "org_unit_id" in changes and unit is not None and db.get(OrgUnit, unit) is None:
        raise _no_unit()
    before = {"role": user.role, "unit": user.org_unit_id, "active": user.active}
    role = changes.get("role") or user.role
    active = user.active if changes.get("active") is None else bool(changes["active"])
    if before["role"] == "admin" and before["active"] and (role != "admin" or not active):
        others = db.execute(
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.active.is_(True), User.id != user.id)
        ).scalar_one()
        if not others:
            raise ApiError(
                409,
                "Konflikt",
                "den sista aktiva administratören kan inte få en annan roll eller avaktiveras",
            )
    user.role, user.org_unit_id, user.active = role, unit, active
    subject = f"user:{user.username}"
    if (role, unit) != (before["role"], before["unit"]):
        audit.append(
            db,
            admin.username,
            "role_changed",
            subject,
            {"from": before["role"], "to": role, "unit_from": before["unit"], "unit": unit},
        )
    if before["active"] and not active:
        revoked = revoke_tokens(db, user.id)
        end_sessions(db, user.id)
        audit.append(db, admin.username, "user_deactivated", subject, {"tokens_revoked": revoked})
    elif active and not before["active"]:
        audit.append(db, admin.username, "user_reactivated", subject, {})


def tokens_of(db: Session, user_id: int) -> Sequence[ApiToken]:
    """The user's tokens, newest first."""
    return (
        db.execute(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc()))
        .scalars()
        .all()
    )


def revoke_token(db: Session, actor: User, owner: User, token_id: int) -> ApiToken | None:
    """Revoke one of the owner's tokens (None: the owner has no such token); audited once."""
    row = db.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == owner.id)
    ).scalar_one_or_none()
    if row is None:
        return None
    if row.revoked_at is None:
        db.execute(update(ApiToken).where(ApiToken.id == row.id).values(revoked_at=utcnow()))
        db.refresh(row)
        audit.append(
            db, actor.username, "token_revoked", f"user:{owner.username}", {"token": row.id}
        )
    return row


def token_live(row: ApiToken, now: datetime | None = None) -> bool:
    return row.revoked_at is None and row.expires_at > (now or datetime.now(UTC))
