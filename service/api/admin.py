"""The rule catalogue, the organisation tree, the audit trail and users."""

from __future__ import annotations

from flask import Response, current_app
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from sqlalchemy import func, select

from service import accounts, audit
from service.api.auth import token_out
from service.api.common import SECURITY, checker, db, iso, may, ok, responses
from service.api.schemas import (
    AuditOut,
    CatalogueOut,
    OrganisationOut,
    TokenInfoOut,
    TokenListOut,
    UnitBody,
    UnitOut,
    UserBody,
    UserListOut,
    UserOut,
    UserPatchBody,
    UserPath,
    UserTokenPath,
)
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
    """Granskningsloggen och om den håller: kedjan, de signerade kontrollpunkterna utanför
    databasen och versionerna, besluten och användarna mot sina poster (revisor, admin)."""
    may("read_audit")
    entries = db().execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    check = audit.verify(db(), current_app.extensions["styrkoll_audit_trail"])
    return ok(
        AuditOut.model_validate(
            {
                "verified": check.ok,
                "problems": check.problems,
                "notes": check.notes,
                "entries": [
                    {
                        "id": e.id,
                        "at": iso(e.at),
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


@admin_bp.get("/users", responses=responses(UserListOut, 401, 403))
def get_users() -> Response:
    """Användarna med roll, enhet, om kontot är aktivt och vem som skapade det (revisor, admin);
    varje ändring finns i granskningsloggen."""
    may("read_audit")
    users = db().execute(select(User).order_by(User.id)).scalars().all()
    return ok(UserListOut(users=[_user_out(u) for u in users]))


@admin_bp.post("/users", responses=responses(UserOut, 401, 403, 409, 413, 422, status=201))
def post_user(body: UserBody) -> Response:
    """Skapa en användare (admin)."""
    admin = may("manage_users")
    user = accounts.create_user(
        db(), admin, body.username, body.password, body.role, body.org_unit_id
    )
    db().commit()
    return ok(_user_out(user), 201)


@admin_bp.patch("/users/<int:user_id>", responses=responses(UserOut, 401, 403, 404, 409, 413, 422))
def patch_user(path: UserPath, body: UserPatchBody) -> Response:
    """Ändra en användares roll, enhet eller om kontot är aktivt (admin). Ett avaktiverat konto
    loggas ut överallt och dess API-nycklar återkallas; den sista aktiva administratören kan inte
    få en annan roll eller avaktiveras."""
    admin = may("manage_users")
    user = db().get(User, path.user_id)
    if user is None:
        raise not_found("användaren")
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    accounts.change_user(db(), admin, user, changes)
    db().commit()
    return ok(_user_out(user))


@admin_bp.get("/users/<int:user_id>/tokens", responses=responses(TokenListOut, 401, 403, 404))
def get_user_tokens(path: UserPath) -> Response:
    """En användares API-nycklar, nyaste först (admin)."""
    may("manage_users")
    user = db().get(User, path.user_id)
    if user is None:
        raise not_found("användaren")
    rows = accounts.tokens_of(db(), user.id)
    return ok(TokenListOut(tokens=[token_out(t, user) for t in rows]))


@admin_bp.delete(
    "/users/<int:user_id>/tokens/<int:token_id>",
    responses=responses(TokenInfoOut, 401, 403, 404),
)
def delete_user_token(path: UserTokenPath) -> Response:
    """Återkalla en användares API-nyckel (admin)."""
    admin = may("manage_users")
    user = db().get(User, path.user_id)
    row = accounts.revoke_token(db(), admin, user, path.token_id) if user is not None else None
    if user is None or row is None:
        raise not_found("API-nyckeln")
    db().commit()
    return ok(token_out(row, user))


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(
        {
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "unit": user.org_unit_id,
            "active": user.active,
            "created_by": user.created_by,
        }
    )
