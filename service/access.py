"""Who may do what: the one answer to "may this user do this action to this unit's object", for
every endpoint of the API and every page.

Each action gives each role that may take it a reach: `own` (the user's own unit), `tree` (the
user's unit and everything below it), `all`, or `none` for an action that concerns no unit (the
catalogue, users, the audit trail). A role not listed for an action may not take it. Reading
comes first: an object of a unit the user may not read does not exist for them (404); one they
may read but not act on is forbidden (403).
"""

from __future__ import annotations

from typing import Literal, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db import OrgUnit, User
from service.errors import forbidden, not_found

Role = Literal["enhet", "controller", "revisor", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

Reach = Literal["own", "tree", "all", "none"]
Action = Literal[
    "read",  # a unit's documents, runs, findings and decisions
    "upload",  # a new version of a unit's document
    "respond",  # a response to a unit's finding (will_fix, comment)
    "request_exception",  # an exception for a unit's finding (accepted_risk, not_applicable)
    "approve_exception",  # a requested exception, by another person (four eyes: decisions.py)
    "self_check",  # check a document without storing it
    "read_reference",  # the rule catalogue and the organisation tree
    "own_account",  # log out, make an API token
    "read_audit",  # the audit trail
    "manage_organisation",  # add units
    "manage_users",  # create users, change roles
]
ACTIONS: tuple[Action, ...] = get_args(Action)

EVERYONE: dict[Role, Reach] = {role: "none" for role in ROLES}
POLICY: dict[Action, dict[Role, Reach]] = {
    "read": {"enhet": "own", "controller": "tree", "revisor": "all", "admin": "all"},
    "upload": {"enhet": "own"},
    "respond": {"enhet": "own"},
    "request_exception": {"enhet": "own", "controller": "tree"},
    "approve_exception": {"controller": "tree"},
    "self_check": EVERYONE,
    "read_reference": EVERYONE,
    "own_account": EVERYONE,
    "read_audit": {"revisor": "none", "admin": "none"},
    "manage_organisation": {"admin": "none"},
    "manage_users": {"admin": "none"},
}
REFUSALS: dict[Action, str] = {
    "upload": "bara enhetens egna användare laddar upp enhetens dokument",
    "respond": "bara enheten själv svarar på sina fynd",
    "request_exception": "undantag begärs av enheten eller en controller",
    "approve_exception": "undantag godkänns av en controller för enheten",
    "read_audit": "granskningsloggen läses av revisor och admin",
    "manage_organisation": "organisationen ändras av admin",
    "manage_users": "användare hanteras av admin",
}


def descendants(session: Session, root_id: int) -> set[int]:
    """The ids of an org unit and everything below it, in one statement (a recursive query;
    UNION, not UNION ALL, so that even a cycle in the tree ends)."""
    tree = select(OrgUnit.id).where(OrgUnit.id == root_id).cte("tree", recursive=True)
    tree = tree.union(select(OrgUnit.id).where(OrgUnit.parent_id == tree.c.id))
    return set(session.execute(select(tree.c.id)).scalars())


def reach(action: Action, role: str) -> Reach | None:
    """How far a role's action reaches; None: the role may not take it."""
    return cast(dict[str, Reach], POLICY[action]).get(role)


def units(session: Session, user: User, action: Action = "read") -> set[int] | None:
    """The units whose objects the user may take this action on; None means every unit."""
    how = reach(action, user.role)
    if how is None:
        return set()
    if how == "all":
        return None
    if user.org_unit_id is None:
        return set()
    if how == "own":
        return {user.org_unit_id}
    if how == "tree":
        return descendants(session, user.org_unit_id)
    return set()  # "none": the action concerns no unit


def allowed(session: Session, user: User, action: Action, unit_id: int | None = None) -> bool:
    """May the user take the action – on an object of this unit, for an action on a unit's
    objects (`unit_id` required there); for one that concerns no unit, at all?"""
    how = reach(action, user.role)
    if how is None:
        return False
    if how == "none":
        return True
    if unit_id is None:
        raise ValueError(f"{action} gäller en enhets objekt: ange enheten")
    found = units(session, user, action)
    return found is None or unit_id in found


def require(
    session: Session, user: User, action: Action, unit_id: int | None = None, what: str = ""
) -> None:
    """Raise the problem the user gets when they may not: 403 for a role that may never take
    the action; 404 (`what` does not exist for them) for an object of a unit they may not read;
    403 for one they may read but not act on."""
    if reach(action, user.role) is None:
        raise forbidden(REFUSALS.get(action, f"rollen {user.role} får inte göra detta"))
    if unit_id is not None and not allowed(session, user, "read", unit_id):
        raise not_found(what or "resursen")
    if not allowed(session, user, action, unit_id):
        raise forbidden(REFUSALS.get(action, f"rollen {user.role} får inte göra detta"))


def require_role(user: User, action: Action) -> None:
    """403 for a role that may never take the action – asked before any object is looked up, so
    that an object the user may not see answers the same 404 whether it exists or not."""
    if reach(action, user.role) is None:
        raise forbidden(REFUSALS.get(action, f"rollen {user.role} får inte göra detta"))


def persons(user: User) -> set[int]:
    """Who stands behind an account, for four eyes: the account, and the admin who created it
    (and so chose its first password; `User.created_by`)."""
    return {user.id} | ({user.created_by} if user.created_by is not None else set())


def same_person(one: User, other: User) -> bool:
    """May these two accounts be one person? Then one may not approve what the other asked: an
    admin who made both accounts, or made one and holds the other, would approve their own
    exception."""
    return bool(persons(one) & persons(other))
