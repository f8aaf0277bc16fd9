"""The authorization matrix: every role × endpoint × own/other unit. Every forbidden cell answers
403 or 404 and changes nothing (row counts of every table and the users' roles stay the same);
every allowed read answers 200."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from service import access
from service.db import CheckRun, DocumentSeries, DocumentVersion, FindingRow, OrgUnit, User
from tests.conftest import MINIMAL_PLAN
from tests.test_service import bearer, counts, tokens

ROLES = ("enhet", "enhet2", "enhet3", "controller", "controller2", "revisor", "admin")
YAML = "application/yaml"


def _roles(app: Flask) -> dict[str, tuple[str, int | None]]:
    with app.extensions["styrkoll_sessions"]() as session:
        return {
            u.username: (u.role, u.org_unit_id) for u in session.execute(select(User)).scalars()
        }


def _objects(app: Flask, toks: dict[str, str]) -> dict[str, Any]:
    """Unit A's version, run and finding; unit C's (another administration) the same; a
    requested exception in A."""
    client = app.test_client()
    with app.extensions["styrkoll_sessions"]() as session:
        units = {u.name: u.id for u in session.execute(select(OrgUnit)).scalars()}
    c_unit = units["Äldreomsorgen Skärholmen"]
    plan = MINIMAL_PLAN.replace("Exempelenheten", "Äldreomsorgen Skärholmen")
    upload = client.post(
        f"/api/v1/documents?unit={c_unit}",
        data=plan.encode(),
        content_type=YAML,
        headers=bearer(toks["enhet3"]),
    )
    assert upload.status_code == 201, upload.json
    with app.extensions["styrkoll_sessions"]() as session:

        def first(unit: int) -> tuple[int, int, int]:
            version = (
                session.execute(
                    select(DocumentVersion)
                    .join(DocumentSeries)
                    .where(DocumentSeries.unit_id == unit)
                    .order_by(DocumentVersion.id)
                )
                .scalars()
                .first()
            )
            assert version is not None
            run = (
                session.execute(select(CheckRun).where(CheckRun.version_id == version.id))
                .scalars()
                .first()
            )
            assert run is not None
            finding = (
                session.execute(select(FindingRow).where(FindingRow.run_id == run.id))
                .scalars()
                .first()
            )
            assert finding is not None
            return version.id, run.id, finding.id

        a = first(units["Administrativa avdelningen"])
        c = first(c_unit)
        admin_id = session.execute(select(User.id).where(User.username == "enhet2")).scalar_one()
    later = (date.today() + timedelta(days=30)).isoformat()
    asked = client.post(
        f"/api/v1/findings/{a[2]}/decisions",
        headers=bearer(toks["enhet"]),
        json={"kind": "accepted_risk", "text": "Begärt undantag.", "expires": later},
    )
    assert asked.status_code == 201
    return {
        "A": units["Administrativa avdelningen"],
        "C": c_unit,
        "a": a,
        "c": c,
        "decision": asked.json["id"],
        "user": admin_id,
    }  # type: ignore[index]


def _cells(o: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any], set[str]]]:
    """(name, method, path, request kwargs, roles allowed)."""
    later = (date.today() + timedelta(days=30)).isoformat()
    readers_a = {"enhet", "controller", "controller2", "revisor", "admin"}
    readers_c = {"enhet3", "revisor", "admin"}
    plan_a = MINIMAL_PLAN.replace("Exempelenheten", "Administrativa avdelningen").encode()
    plan_c = MINIMAL_PLAN.replace("Exempelenheten", "Äldreomsorgen Skärholmen").encode()
    va, ra, fa = o["a"]
    vc, rc, fc = o["c"]
    return [
        ("read own/other version", "GET", f"/api/v1/documents/{va}", {}, readers_a),
        ("read other administration's version", "GET", f"/api/v1/documents/{vc}", {}, readers_c),
        ("original A", "GET", f"/api/v1/documents/{va}/original", {}, readers_a),
        ("original C", "GET", f"/api/v1/documents/{vc}/original", {}, readers_c),
        ("diff A", "GET", f"/api/v1/documents/{va}/diff", {}, readers_a),
        ("run A", "GET", f"/api/v1/runs/{ra}", {}, readers_a),
        ("run C", "GET", f"/api/v1/runs/{rc}", {}, readers_c),
        ("decisions A", "GET", f"/api/v1/findings/{fa}/decisions", {}, readers_a),
        ("audit", "GET", "/api/v1/audit", {}, {"revisor", "admin"}),
        (
            "upload A",
            "POST",
            f"/api/v1/documents?unit={o['A']}",
            {"data": plan_a, "content_type": YAML},
            {"enhet"},
        ),
        (
            "upload C",
            "POST",
            f"/api/v1/documents?unit={o['C']}",
            {"data": plan_c, "content_type": YAML},
            {"enhet3"},
        ),
        (
            "respond A",
            "POST",
            f"/api/v1/findings/{fa}/decisions",
            {"json": {"kind": "will_fix", "text": "Vi rättar."}},
            {"enhet"},
        ),
        (
            "respond C",
            "POST",
            f"/api/v1/findings/{fc}/decisions",
            {"json": {"kind": "comment", "text": "Kommentar."}},
            {"enhet3"},
        ),
        (
            "ask exception A",
            "POST",
            f"/api/v1/findings/{fa}/decisions",
            {"json": {"kind": "not_applicable", "text": "Gäller inte.", "expires": later}},
            {"enhet", "controller", "controller2"},
        ),
        (
            "ask exception C",
            "POST",
            f"/api/v1/findings/{fc}/decisions",
            {"json": {"kind": "not_applicable", "text": "Gäller inte.", "expires": later}},
            {"enhet3"},
        ),
        (
            "approve A",
            "POST",
            f"/api/v1/decisions/{o['decision']}/approve",
            {},
            {"controller", "controller2"},
        ),
        (
            "create user",
            "POST",
            "/api/v1/users",
            {
                "json": {
                    "username": "ny.person",
                    "password": "ett-langt-losenord",
                    "role": "revisor",
                }
            },
            {"admin"},
        ),
        (
            "change role",
            "PATCH",
            f"/api/v1/users/{o['user']}",
            {"json": {"role": "admin"}},
            {"admin"},
        ),
    ]


def test_every_forbidden_cell_is_refused_and_changes_nothing(service_app: Flask) -> None:
    toks = tokens(service_app)
    objects = _objects(service_app, toks)
    client = service_app.test_client()
    checked = 0
    for name, method, path, kwargs, allowed in _cells(objects):
        for role in ROLES:
            if role in allowed:
                if method == "GET":
                    response = client.open(
                        path, method=method, headers=bearer(toks[role]), **kwargs
                    )
                    assert response.status_code == 200, (name, role, response.json)
                continue
            before, roles_before = counts(service_app), _roles(service_app)
            response = client.open(path, method=method, headers=bearer(toks[role]), **kwargs)
            assert response.status_code in (403, 404), (
                name,
                role,
                response.status_code,
                response.json,
            )
            assert response.mimetype == "application/problem+json"
            after = counts(service_app)
            # nothing changes but the audit trail, which records every refusal (403) once
            refused = after.pop("audit_entry") - before.pop("audit_entry")
            assert refused == (response.status_code == 403), (name, role, refused)
            assert after == before, (name, role)
            assert _roles(service_app) == roles_before, (name, role)
            checked += 1
    assert checked >= 60


def test_lists_show_only_what_a_role_may_read(service_app: Flask) -> None:
    toks = tokens(service_app)
    objects = _objects(service_app, toks)
    client = service_app.test_client()

    def units_seen(role: str) -> set[int]:
        rows = client.get("/api/v1/findings?per_page=500", headers=bearer(toks[role])).json
        docs = client.get("/api/v1/documents", headers=bearer(toks[role])).json
        seen = {f["unit"] for f in rows["findings"]}  # type: ignore[index]
        return seen | {v["unit"] for v in docs["versions"]}  # type: ignore[index]

    assert units_seen("enhet") == {objects["A"]}
    assert units_seen("enhet2") == set()
    assert units_seen("enhet3") == {objects["C"]}
    assert units_seen("controller") == {objects["A"]}  # not the other administration
    assert units_seen("revisor") == units_seen("admin") == {objects["A"], objects["C"]}


@pytest.mark.parametrize("role", ["enhet", "controller", "revisor"])
def test_only_admin_manages_users(service_app: Flask, role: str) -> None:
    toks = tokens(service_app)
    response = service_app.test_client().post(
        "/api/v1/users",
        headers=bearer(toks[role]),
        json={"username": "x.y", "password": "ett-langt-losenord", "role": "admin"},
    )
    assert response.status_code == 403


# The policy as the organisation states it, written out here on its own (not read from
# service/access.py): who may do what to an object of unit A (enhet's own, in controller's
# administration) and of unit C (enhet3's, another administration); None: an action on no unit.
EVERY_USER = set(ROLES)
MATRIX: dict[str, dict[str | None, set[str]]] = {
    "read": {
        "A": {"enhet", "controller", "controller2", "revisor", "admin"},
        "C": {"enhet3", "revisor", "admin"},
    },
    "upload": {"A": {"enhet"}, "C": {"enhet3"}},
    "respond": {"A": {"enhet"}, "C": {"enhet3"}},
    "request_exception": {"A": {"enhet", "controller", "controller2"}, "C": {"enhet3"}},
    "approve_exception": {"A": {"controller", "controller2"}, "C": set()},
    "self_check": {None: EVERY_USER},
    "read_reference": {None: EVERY_USER},
    "own_account": {None: EVERY_USER},
    "read_audit": {None: {"revisor", "admin"}},
    "manage_organisation": {None: {"admin"}},
    "manage_users": {None: {"admin"}},
}
# Each HTTP cell of `_cells`: the action it takes, on which unit's object.
CELL_ACTIONS: dict[str, tuple[str, str | None]] = {
    "read own/other version": ("read", "A"),
    "read other administration's version": ("read", "C"),
    "original A": ("read", "A"),
    "original C": ("read", "C"),
    "diff A": ("read", "A"),
    "run A": ("read", "A"),
    "run C": ("read", "C"),
    "decisions A": ("read", "A"),
    "audit": ("read_audit", None),
    "upload A": ("upload", "A"),
    "upload C": ("upload", "C"),
    "respond A": ("respond", "A"),
    "respond C": ("respond", "C"),
    "ask exception A": ("request_exception", "A"),
    "ask exception C": ("request_exception", "C"),
    "approve A": ("approve_exception", "A"),
    "create user": ("manage_users", None),
    "change role": ("manage_users", None),
}


def test_the_access_policy_answers_the_whole_matrix(service_app: Flask) -> None:
    """role × action × own/other unit, asked of service/access.py directly."""
    assert set(MATRIX) == set(access.ACTIONS)
    with service_app.extensions["styrkoll_sessions"]() as session:
        users = {u.username: u for u in session.execute(select(User)).scalars()}
        units = {u.name: u.id for u in session.execute(select(OrgUnit)).scalars()}
        where = {
            "A": units["Administrativa avdelningen"],
            "C": units["Äldreomsorgen Skärholmen"],
            None: None,
        }
        cells = 0
        for action, by_unit in MATRIX.items():
            for unit, allowed in by_unit.items():
                for name in ROLES:
                    answer = access.allowed(session, users[name], action, where[unit])  # type: ignore[arg-type]
                    assert answer == (name in allowed), (action, unit, name)
                    cells += 1
        assert cells == len(ROLES) * 16
        # what a role may read is what the lists show (test_lists_show_only_what_a_role_may_read)
        assert access.units(session, users["revisor"]) is None
        assert access.units(session, users["enhet2"]) == {units["Ekonomienheten"]}


def test_the_http_matrix_is_the_access_policy(service_app: Flask) -> None:
    """Every HTTP cell of the matrix above is the policy's answer for its action and unit."""
    toks = tokens(service_app)
    objects = _objects(service_app, toks)
    assert {name for name, *_ in _cells(objects)} == set(CELL_ACTIONS)
    for name, _method, _path, _kwargs, allowed in _cells(objects):
        action, unit = CELL_ACTIONS[name]
        assert allowed == MATRIX[action][unit], name
