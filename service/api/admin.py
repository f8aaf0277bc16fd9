"""The rule catalogue, the organisation tree, the audit trail and users."""

from __future__ import annotations

from flask import Response
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import func, select

from service import audit
from service.api.common import SECURITY, checker, db, may, ok, responses
from service.api.schemas import (
    AuditOut,
    CatalogueOut,
    OrganisationOut,
    RoleBody,
    UnitBody,
    UnitOut,
    UserBody,
    UserOut,
    UserPath,
)
from service.auth import hash_password
from service.db import AuditEntry, OrgUnit, User
from service.errors import ApiError, not_found

admin_bp = APIBlueprint(
    "admin",
    __name__,
    url_prefix="/api/v1",
    abp_tags=[Tag(name="administration")],
    abp_security=SECURITY,
)

LEVEL_ABOVE = {
    "nämnd": None,
    "förvaltning": "nämnd",
    "avdelning": "förvaltning",
    "enhet": ("förvaltning", "avdelning"),
}


@admin_bp.get("/catalogue", responses=responses(CatalogueOut, 401))
def get_catalogue() -> Response:
    """Regelkatalogen tjänsten kontrollerar mot."""
    may("read_reference")
    catalogue = checker().catalogue
    return ok(
        CatalogueOut(
            version=catalogue.version,
            hash=catalogue.content_hash,
            rules=[c.rule for c in catalogue.rules],
        )
    )


@admin_bp.get("/organisation", responses=responses(OrganisationOut, 401))
def get_organisation() -> Response:
    """Organisationens enheter."""
    may("read_reference")
    units = db().execute(select(OrgUnit).order_by(OrgUnit.id)).scalars().all()
    return ok(OrganisationOut(units=[_unit_out(u) for u in units]))


def _unit_out(u: OrgUnit) -> UnitOut:
    return UnitOut.model_validate(
        {"id": u.id, "name": u.name, "level": u.level, "parent": u.parent_id}
    )


@admin_bp.post("/organisation", responses=responses(UnitOut, 401, 403, 409, 413, 422, status=201))
def post_unit(body: UnitBody) -> Response:
    """Lägg till en enhet i organisationen (admin)."""
    admin = may("manage_organisation")
    parent = db().get(OrgUnit, body.parent_id) if body.parent_id is not None else None
    above = LEVEL_ABOVE[body.level]
    if body.parent_id is not None and parent is None:
        raise ApiError(
            422,
            "Ogiltig begäran",
            "överordnad enhet finns inte",
            [{"path": "parent_id", "message": "finns inte"}],
        )
    parent_level = parent.level if parent is not None else None
    allowed = above if isinstance(above, tuple) else (above,)
    if parent_level not in allowed:
        raise ApiError(
            422,
            "Ogiltig begäran",
            f"en {body.level} ligger under {' eller '.join(str(a) for a in allowed)}",
            [{"path": "parent_id", "message": "fel nivå"}],
        )
    taken = (
        db()
        .execute(
            select(func.count())
            .select_from(OrgUnit)
            .where(OrgUnit.name == body.name, OrgUnit.parent_id == body.parent_id)
        )
        .scalar_one()
    )
    if taken:
        raise ApiError(409, "Konflikt", f'"{body.name}" finns redan där')
    unit = OrgUnit(name=body.name, level=body.level, parent_id=body.parent_id)
    db().add(unit)
    db().flush()
    audit.append(
        db(),
        admin.username,
        "unit_created",
        f"unit:{unit.id}",
        {"name": unit.name, "level": unit.level, "parent": unit.parent_id},
    )
    db().commit()
    return ok(_unit_out(unit), 201)


@admin_bp.get("/audit", responses=responses(AuditOut, 401, 403))
def get_audit() -> Response:
    """Granskningsloggen och om dess kedja håller (revisor, admin)."""
    may("read_audit")
    entries = db().execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    check = audit.verify(db())
    return ok(
        AuditOut.model_validate(
            {
                "verified": check.ok,
                "problems": check.problems,
                "entries": [
                    {
                        "id": e.id,
                        "at": e.at.isoformat(),
                        "actor": e.actor,
                        "action": e.action,
                        "subject": e.subject,
                        "details": e.details,
                        "hash": e.hash,
                    }
                    for e in entries
                ],
            }
        )
    )


@admin_bp.post("/users", responses=responses(UserOut, 401, 403, 409, 413, 422, status=201))
def post_user(body: UserBody) -> Response:
    """Skapa en användare (admin)."""
    admin = may("manage_users")
    if (
        db()
        .execute(select(func.count()).select_from(User).where(User.username == body.username))
        .scalar_one()
    ):
        raise ApiError(409, "Konflikt", f'användaren "{body.username}" finns redan')
    if body.org_unit_id is not None and db().get(OrgUnit, body.org_unit_id) is None:
        raise ApiError(
            422,
            "Ogiltig begäran",
            "enheten finns inte",
            [{"path": "org_unit_id", "message": "finns inte"}],
        )
    user = User(
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        org_unit_id=body.org_unit_id,
    )
    db().add(user)
    db().flush()
    audit.append(
        db(),
        admin.username,
        "user_created",
        f"user:{user.username}",
        {"role": user.role, "unit": user.org_unit_id},
    )
    db().commit()
    return ok(_user_out(user), 201)


@admin_bp.patch("/users/<int:user_id>", responses=responses(UserOut, 401, 403, 404, 413, 422))
def patch_user(path: UserPath, body: RoleBody) -> Response:
    """Ändra en användares roll och enhet (admin)."""
    admin = may("manage_users")
    user = db().get(User, path.user_id)
    if user is None:
        raise not_found("användaren")
    old = user.role
    user.role = body.role
    user.org_unit_id = body.org_unit_id
    audit.append(
        db(),
        admin.username,
        "role_changed",
        f"user:{user.username}",
        {"from": old, "to": body.role, "unit": body.org_unit_id},
    )
    db().commit()
    return ok(_user_out(user))


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate({"id": user.id, "username": user.username, "role": user.role})
