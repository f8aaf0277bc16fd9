"""The authorization matrix: every role × endpoint × own/other unit. Every forbidden cell answers
403 or 404 and changes nothing (row counts of every table and the users' roles stay the same);
every allowed read answers 200."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

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
            assert counts(service_app) == before, (name, role)
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
