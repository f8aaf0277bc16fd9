"""A demo organisation: one committee, its administration, two departments, three units, a user
per role, and the example documents uploaded as versions (so findings, diffs and decisions show).

Demo passwords are printed by `make run`; they are for a local demo only.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.checker import Checker
from service import audit, store
from service.auth import hash_password
from service.db import OrgUnit, User

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_PASSWORD = "styrkoll-demo"  # noqa: S105 - a printed demo password, not a secret
DEMO_USERS = (
    ("enhet", "enhet", "Administrativa avdelningen"),
    ("enhet2", "enhet", "Ekonomienheten"),
    ("enhet3", "enhet", "Äldreomsorgen Skärholmen"),
    ("controller", "controller", "Hägersten-Liljeholmens stadsdelsförvaltning"),
    ("controller2", "controller", "Hägersten-Liljeholmens stadsdelsförvaltning"),
    ("revisor", "revisor", None),
    ("admin", "admin", None),
)


def _unit(session: Session, name: str, level: str, parent: OrgUnit | None) -> OrgUnit:
    unit = OrgUnit(name=name, level=level, parent_id=parent.id if parent else None)
    session.add(unit)
    session.flush()
    return unit


def load_demo(session: Session, checker: Checker, with_documents: bool = True) -> dict[str, int]:
    """Create the demo organisation once; returns unit ids by name."""
    existing = session.execute(select(OrgUnit)).scalars().all()
    if existing:
        return {u.name: u.id for u in existing}
    board = _unit(session, "Hägersten-Liljeholmens stadsdelsnämnd", "nämnd", None)
    admin_org = _unit(session, "Hägersten-Liljeholmens stadsdelsförvaltning", "förvaltning", board)
    dept = _unit(session, "Avdelningen för ledning och ekonomi", "avdelning", admin_org)
    _unit(session, "Administrativa avdelningen", "enhet", dept)
    _unit(session, "Ekonomienheten", "enhet", dept)
    other_org = _unit(session, "Skärholmens stadsdelsförvaltning", "förvaltning", board)
    _unit(session, "Äldreomsorgen Skärholmen", "enhet", other_org)
    units = {u.name: u.id for u in session.execute(select(OrgUnit)).scalars()}
    for username, role, unit_name in DEMO_USERS:
        session.add(
            User(
                username=username,
                password_hash=hash_password(DEMO_PASSWORD),
                role=role,
                org_unit_id=units[unit_name] if unit_name else None,
            )
        )
        audit.append(session, "demo", "user_created", f"user:{username}", {"role": role})
    session.flush()
    if with_documents:
        uploader = session.execute(select(User).where(User.username == "enhet")).scalar_one()
        unit = session.get(OrgUnit, units["Administrativa avdelningen"])
        assert unit is not None
        defects = EXAMPLES / "akt-2012-brister"
        for path in (
            defects / "verksamhetsplan.yaml",
            EXAMPLES / "akt-2012" / "verksamhetsplan.yaml",  # version 2: the defects fixed
            defects / "riskanalys.yaml",
            defects / "internkontrollplan.yaml",
            defects / "tjansteutlatande.yaml",
            defects / "arsrapport.yaml",
        ):
            store.store_version(
                session, checker, uploader, unit, path.read_bytes(), path.name, "application/yaml"
            )
    session.commit()
    return units
