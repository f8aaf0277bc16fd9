"""The service over HTTP, on SQLite and (when configured) PostgreSQL: versions, findings across
versions, decisions with four eyes and expiry, the audit chain, and clear errors for bad input."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from checks.catalogue import load_catalogue
from service.auth import new_token
from service.db import AuditEntry, CheckRun, Decision, DocumentVersion, FindingRow, OrgUnit, User
from service.demo import DEMO_PASSWORD
from tests.conftest import CLEAN_EXAMPLE, DEFECT_EXAMPLE, MINIMAL_PLAN

YAML = "application/yaml"


def login(client: FlaskClient, username: str) -> str:
    response = client.post(
        "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.json
    token: str = response.json["csrf_token"]  # type: ignore[index]
    return token


def tokens(app: Flask) -> dict[str, str]:
    """An API token per demo user, made the way the service makes them."""
    out = {}
    with app.extensions["styrkoll_sessions"]() as session:
        for user in session.execute(select(User)).scalars():
            out[user.username] = new_token(session, user)
        session.commit()
    return out


def unit_id(app: Flask, name: str) -> int:
    with app.extensions["styrkoll_sessions"]() as session:
        return session.execute(select(OrgUnit.id).where(OrgUnit.name == name)).scalar_one()


def counts(app: Flask) -> dict[str, int]:
    with app.extensions["styrkoll_sessions"]() as session:
        return {
            table.__tablename__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (DocumentVersion, CheckRun, FindingRow, Decision, AuditEntry, User)
        }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_needs_no_login_and_everything_else_does(service_app: Flask) -> None:
    client = service_app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ready"}
    for path in (
        "/api/v1/documents",
        "/api/v1/findings",
        "/api/v1/catalogue",
        "/api/v1/audit",
        "/api/v1/organisation",
        "/api/v1/documents/1",
        "/api/v1/runs/1",
    ):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.mimetype == "application/problem+json"
        assert response.json["title"] == "Inloggning krävs"  # type: ignore[index]


def test_session_login_needs_csrf_for_changes_and_tokens_do_not(service_app: Flask) -> None:
    client = service_app.test_client()
    csrf = login(client, "enhet")
    unit = unit_id(service_app, "Administrativa avdelningen")
    body = CLEAN_EXAMPLE.read_bytes()
    no_csrf = client.post(f"/api/v1/documents?unit={unit}", data=body, content_type=YAML)
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json["detail"]  # type: ignore[index]
    ok = client.post(
        f"/api/v1/documents?unit={unit}",
        data=body,
        content_type=YAML,
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 201, ok.json
    created = client.post("/api/v1/auth/tokens", headers={"X-CSRF-Token": csrf})
    token = created.json["token"]  # type: ignore[index]
    fresh = service_app.test_client()  # no cookie: the token alone
    assert fresh.get("/api/v1/documents", headers=bearer(token)).status_code == 200
    assert (
        fresh.post(
            f"/api/v1/documents?unit={unit}", data=body, content_type=YAML, headers=bearer(token)
        ).status_code
        == 201
    )
    assert fresh.get("/api/v1/documents", headers=bearer("sk_wrong")).status_code == 401


def test_login_is_rate_limited_against_guessing(service_app: Flask) -> None:
    client = service_app.test_client()
    for _ in range(5):
        response = client.post("/api/v1/auth/login", json={"username": "admin", "password": "fel"})
        assert response.status_code == 401
    blocked = client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": DEMO_PASSWORD}
    )
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    # only the pair (user name, address) waits: another user from here, and the real admin from
    # elsewhere, log in (issue 14: guesses from anywhere no longer lock anyone out)
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "revisor", "password": DEMO_PASSWORD}
        ).status_code
        == 200
    )
    elsewhere = service_app.test_client().post(
        "/api/v1/auth/login",
        json={"username": "admin", "password": DEMO_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert elsewhere.status_code == 200


def test_versions_are_checked_at_once_and_compared(service_app: Flask) -> None:
    token = tokens(service_app)["enhet"]
    client = service_app.test_client()
    unit = unit_id(service_app, "Administrativa avdelningen")

    def upload(path: Any) -> dict[str, Any]:
        response = client.post(
            f"/api/v1/documents?unit={unit}&filename={path.name}",
            data=path.read_bytes(),
            content_type=YAML,
            headers=bearer(token),
        )
        assert response.status_code == 201, response.json
        body: dict[str, Any] = response.json  # type: ignore[assignment]
        return body

    # the demo uploaded defect (v1) and clean (v2) beside the defect dossier's annual report,
    # which does not assess two of the plan's åtaganden (F1, a cross-document rule)
    v3 = upload(DEFECT_EXAMPLE)
    assert v3["version"]["version"] == 3 and not v3["resolved"]
    changes = {(f["rule_id"], f["change"]) for f in v3["findings"]}
    assert ("C1", "new") in changes and ("F1", "persisting") in changes
    assert ("B4", "new") in changes
    v4 = upload(DEFECT_EXAMPLE)
    assert {f["change"] for f in v4["findings"]} == {"persisting"}
    assert [f["first_seen_at"] for f in v4["findings"]] == [
        f["first_seen_at"] for f in v3["findings"]
    ]
    v5 = upload(CLEAN_EXAMPLE)
    assert {f["rule_id"] for f in v5["findings"]} == {"F1"}
    assert len(v5["resolved"]) == len(v4["findings"]) - len(v5["findings"])
    diff = client.get(
        f"/api/v1/documents/{v5['version']['id']}/diff?against={v3['version']['id']}",
        headers=bearer(token),
    ).json
    assert len(diff["resolved"]) == len(v3["findings"]) - 2 and diff["new"] == []  # type: ignore[index]
    versions = client.get("/api/v1/documents?kind=verksamhetsplan", headers=bearer(token)).json
    assert [v["version"] for v in versions["versions"]] == [1, 2, 3, 4, 5]  # type: ignore[index]
    original = client.get(
        f"/api/v1/documents/{v3['version']['id']}/original", headers=bearer(token)
    )
    assert original.data == DEFECT_EXAMPLE.read_bytes()
    run = client.get(f"/api/v1/runs/{v3['run']}", headers=bearer(token)).json
    assert run["catalogue_version"] == load_catalogue().version  # type: ignore[index]
    assert run["outcomes"]["C1"] == "failed"  # type: ignore[index]


def test_findings_filter_and_paginate(service_app: Flask) -> None:
    client = service_app.test_client()
    token = tokens(service_app)["controller"]
    everything = client.get("/api/v1/findings?per_page=500", headers=bearer(token)).json
    kinds = {f["kind"] for f in everything["findings"]}  # type: ignore[index]
    assert kinds == {
        "verksamhetsplan",
        "riskanalys",
        "internkontrollplan",
        "tjänsteutlåtande",
        "årsrapport",
    }
    plan = [f["rule_id"] for f in everything["findings"] if f["kind"] == "verksamhetsplan"]  # type: ignore[index]
    assert sorted(plan) == ["F1", "F1"]  # the newest plan is the clean one
    errors = client.get("/api/v1/findings?severity=fel&rule=R3", headers=bearer(token)).json
    assert errors["total"] == 2 and all(f["rule_id"] == "R3" for f in errors["findings"])  # type: ignore[index]
    page = client.get("/api/v1/findings?per_page=2&page=2", headers=bearer(token)).json
    assert page["page"] == 2 and len(page["findings"]) == 2  # type: ignore[index]
    bad = client.get("/api/v1/findings?severity=kritisk", headers=bearer(token))
    assert bad.status_code == 422 and bad.json["errors"][0]["path"] == "severity"  # type: ignore[index]


def test_exceptions_need_four_eyes_expire_and_follow_the_fingerprint(service_app: Flask) -> None:
    toks = tokens(service_app)
    client = service_app.test_client()
    findings = client.get("/api/v1/findings?rule=R2", headers=bearer(toks["enhet"])).json
    finding = findings["findings"][0]  # type: ignore[index]
    later = (date.today() + timedelta(days=90)).isoformat()
    asked = client.post(
        f"/api/v1/findings/{finding['id']}/decisions",
        headers=bearer(toks["controller"]),
        json={"kind": "accepted_risk", "text": "Risken bärs till nästa år.", "expires": later},
    )
    assert asked.status_code == 201 and asked.json["state"] == "requested"  # type: ignore[index]
    decision = asked.json["id"]  # type: ignore[index]
    own = client.post(f"/api/v1/decisions/{decision}/approve", headers=bearer(toks["controller"]))
    assert own.status_code == 403 and "fyra ögon" in own.json["detail"]  # type: ignore[index]
    assert (
        client.post(
            f"/api/v1/decisions/{decision}/approve", headers=bearer(toks["enhet"])
        ).status_code
        == 403
    )
    approved = client.post(
        f"/api/v1/decisions/{decision}/approve", headers=bearer(toks["controller2"])
    )
    assert approved.status_code == 200 and approved.json["state"] == "approved"  # type: ignore[index]

    def status() -> str:
        rows = client.get("/api/v1/findings?rule=R2", headers=bearer(toks["enhet"])).json
        value: str = rows["findings"][0]["status"]  # type: ignore[index]
        return value

    assert status() == "exception"
    # a new version with the same finding: the exception follows the fingerprint
    unit = unit_id(service_app, "Administrativa avdelningen")
    from tests.conftest import DEFECT_DOSSIER

    path = DEFECT_DOSSIER / "riskanalys.yaml"
    client.post(
        f"/api/v1/documents?unit={unit}&filename=riskanalys.yaml",
        data=path.read_bytes(),
        content_type=YAML,
        headers=bearer(toks["enhet"]),
    )
    assert status() == "exception"
    with service_app.extensions["styrkoll_sessions"]() as session:
        session.execute(
            update(Decision)
            .where(Decision.id == decision)
            .values(expires=date.today() - timedelta(days=1))
        )
        session.commit()
    assert status() == "exception_expired"
    assert (
        client.get("/api/v1/findings?status=exception_expired", headers=bearer(toks["enhet"])).json[
            "total"
        ]
        == 1
    )  # type: ignore[index]
    # an exception needs an expiry date in the future
    missing = client.post(
        f"/api/v1/findings/{finding['id']}/decisions",
        headers=bearer(toks["enhet"]),
        json={"kind": "not_applicable", "text": "Gäller inte oss."},
    )
    assert missing.status_code == 422 and missing.json["errors"][0]["path"] == "expires"  # type: ignore[index]


def test_the_audit_chain_verifies_and_shows_tampering(
    service_app: Flask, database_url: str
) -> None:
    toks = tokens(service_app)
    client = service_app.test_client()
    login(client, "enhet")
    log = client.get("/api/v1/audit", headers=bearer(toks["revisor"])).json
    assert log["verified"] is True and len(log["entries"]) >= 10  # type: ignore[index]
    actions = {e["action"] for e in log["entries"]}  # type: ignore[index]
    assert {"user_created", "upload", "check_run", "login"} <= actions
    import os

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "STYRKOLL_INSTANCE": service_app.instance_path,
    }
    assert _audit_cli(env).returncode == 0
    with service_app.extensions["styrkoll_sessions"]() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 3).values(actor="någon annan"))
        session.commit()
    broken = client.get("/api/v1/audit", headers=bearer(toks["revisor"])).json
    assert broken["verified"] is False and broken["problems"] == [  # type: ignore[index]
        "post 3: innehållet stämmer inte med sin hash (ändrad)"
    ]
    proc = _audit_cli(env)
    assert proc.returncode == 1 and "post 3" in proc.stderr


def _audit_cli(env: dict[str, str]) -> Any:
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "checks.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("content_type", "body", "status", "fragment"),
    [
        ("application/json", b"{", 422, "ogiltig JSON"),
        ("application/yaml", b"dokument: verksamhetsplan\n\xc3\xa5r: 2012\n", 422, "nämnd"),
        (
            "application/yaml",
            MINIMAL_PLAN.replace("Exempelenheten", "Fel enhet").encode(),
            422,
            "Fel enhet",
        ),
        ("image/png", b"\x89PNG", 415, "stöds inte"),
        ("application/yaml", b"", 422, "ingen kropp"),
        ("application/pdf", b"%PDF-1.4 trasig", 422, "PDF-filen kan inte läsas"),
    ],
)
def test_bad_uploads_are_clear_errors_and_store_nothing(
    service_app: Flask, content_type: str, body: bytes, status: int, fragment: str
) -> None:
    token = tokens(service_app)["enhet"]
    client = service_app.test_client()
    unit = unit_id(service_app, "Administrativa avdelningen")
    before = counts(service_app)
    response = client.post(
        f"/api/v1/documents?unit={unit}",
        data=body,
        content_type=content_type,
        headers=bearer(token),
    )
    assert response.status_code == status, response.json
    assert response.mimetype == "application/problem+json"
    assert fragment in str(response.json)
    assert counts(service_app) == before


def test_an_oversized_body_is_413_and_unknown_ids_are_404(database_url: str, checker: Any) -> None:
    from service.app import create_app
    from service.demo import load_demo
    from service.migrate import upgrade

    upgrade(database_url)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "CHECKER": checker,
            "MAX_CONTENT_LENGTH": 1000,
        }
    )
    with app.extensions["styrkoll_sessions"]() as session:
        load_demo(session, checker, with_documents=False)
    token = tokens(app)["enhet"]
    client = app.test_client()
    unit = unit_id(app, "Administrativa avdelningen")
    too_big = client.post(
        f"/api/v1/documents?unit={unit}", data=b"x" * 5000, content_type=YAML, headers=bearer(token)
    )
    assert too_big.status_code == 413 and too_big.json["title"] == "För stor begäran"  # type: ignore[index]
    for path in (
        "/api/v1/documents/999",
        "/api/v1/runs/999",
        "/api/v1/documents/999/original",
        "/api/v1/findings/999/decisions",
        "/api/v1/nope",
    ):
        assert client.get(path, headers=bearer(token)).status_code == 404, path
    assert (
        client.post(
            "/api/v1/documents?unit=999", data=b"a: 1", content_type=YAML, headers=bearer(token)
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/documents?unit=abc", data=b"a: 1", content_type=YAML, headers=bearer(token)
        ).status_code
        == 422
    )
    bad_json = client.post("/api/v1/auth/login", data="{", content_type="application/json")
    assert bad_json.status_code == 422 and bad_json.json["detail"] == "kroppen är inte giltig JSON"  # type: ignore[index]
    missing = client.post("/api/v1/auth/login", json={"username": ""})
    assert [e["message"] for e in missing.json["errors"]] == ["får inte vara tomt", "fältet saknas"]  # type: ignore[index]
    app.extensions["styrkoll_engine"].dispose()


def test_the_self_check_stores_nothing(service_app: Flask) -> None:
    token = tokens(service_app)["enhet2"]
    client = service_app.test_client()
    before = counts(service_app)
    response = client.post(
        "/api/v1/checks?filename=plan.yaml",
        data=DEFECT_EXAMPLE.read_bytes(),
        content_type=YAML,
        headers=bearer(token),
    )
    assert response.status_code == 200
    assert response.json["summary"]["fel"] == 12  # type: ignore[index]
    assert counts(service_app) == before


def test_recheck_adds_runs_and_never_edits_old_ones(service_app: Flask, database_url: str) -> None:
    import os
    import subprocess
    import sys

    before = counts(service_app)
    proc = subprocess.run(
        [sys.executable, "-m", "checks.cli", "recheck", "--year", "2012"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    assert proc.returncode == 0, proc.stderr
    assert "5 dokument kontrollerades igen" in proc.stdout
    after = counts(service_app)
    assert after["check_run"] == before["check_run"] + 5
    assert after["document_version"] == before["document_version"]


def test_openapi_and_its_docs_page_are_served_without_a_cdn(service_app: Flask) -> None:
    client = service_app.test_client()
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert client.get("/api/v1/swagger").status_code == 401
    login(client, "revisor")
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3")  # type: ignore[index]
    for path in (
        "/api/v1/documents",
        "/api/v1/findings",
        "/api/v1/checks",
        "/api/v1/decisions/{decision_id}/approve",
        "/api/v1/audit",
    ):
        assert path in spec["paths"], path  # type: ignore[index]
    page = client.get("/api/v1/swagger").get_data(as_text=True)
    assert "unpkg" not in page and "cdn" not in page.lower()
    import re

    for asset in re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', page):
        assert client.get(asset).status_code == 200, asset


def test_readyz_says_when_the_database_is_unreachable(tmp_path: Any, checker: Any) -> None:
    from service.app import create_app

    app = create_app(
        {
            "TESTING": True,
            "CHECKER": checker,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}",
        }
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["detail"] == "databasen svarar inte"  # type: ignore[index]


def test_request_logs_carry_the_request_id_and_never_the_document(service_app: Flask) -> None:
    import io
    import json
    import logging

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log = logging.getLogger("styrkoll.requests")
    log.addHandler(handler)
    try:
        token = tokens(service_app)["enhet"]
        unit = unit_id(service_app, "Administrativa avdelningen")
        secret = "Hemlig mening som aldrig får loggas"
        plan = MINIMAL_PLAN.replace("Exempelenheten", "Administrativa avdelningen")
        plan += f"texter:\n  inledning: {secret}\n"
        response = service_app.test_client().post(
            f"/api/v1/documents?unit={unit}",
            data=plan.encode(),
            content_type=YAML,
            headers={**bearer(token), "X-Request-Id": "req-123"},
        )
        assert response.status_code == 201 and response.headers["X-Request-Id"] == "req-123"
    finally:
        log.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert any(
        e["request_id"] == "req-123" and e["status"] == 201 and e["user"] == "enhet" for e in lines
    )
    assert secret not in stream.getvalue()


def test_secret_key_is_required_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("STYRKOLL_ENV", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY saknas"):
        create_app({"DATABASE_URL": "sqlite://"})


def test_admin_builds_the_organisation_tree_level_by_level(service_app: Flask) -> None:
    token = tokens(service_app)["admin"]
    client = service_app.test_client()
    parent = unit_id(service_app, "Avdelningen för ledning och ekonomi")
    made = client.post(
        "/api/v1/organisation",
        headers=bearer(token),
        json={"name": "Kommunikationsenheten", "level": "enhet", "parent_id": parent},
    )
    assert made.status_code == 201
    wrong = client.post(
        "/api/v1/organisation",
        headers=bearer(token),
        json={"name": "Ny förvaltning", "level": "förvaltning", "parent_id": parent},
    )
    assert wrong.status_code == 422 and wrong.json["errors"][0]["path"] == "parent_id"  # type: ignore[index]
    again = client.post(
        "/api/v1/organisation",
        headers=bearer(token),
        json={"name": "Kommunikationsenheten", "level": "enhet", "parent_id": parent},
    )
    assert again.status_code == 409
    tree = client.get("/api/v1/organisation", headers=bearer(token)).json
    assert any(
        u["name"] == "Kommunikationsenheten" and u["parent"] == parent for u in tree["units"]
    )  # type: ignore[index]


def test_an_upload_brings_the_units_other_documents_up_to_date(service_app: Flask) -> None:
    """The clean annual report assesses every åtagande: the plan's F1 findings go at once."""
    from tests.conftest import CLEAN_DOSSIER

    token = tokens(service_app)["enhet"]
    client = service_app.test_client()
    plan_before = client.get("/api/v1/findings?kind=verksamhetsplan", headers=bearer(token)).json
    assert {f["rule_id"] for f in plan_before["findings"]} == {"F1"}  # type: ignore[index]
    unit = unit_id(service_app, "Administrativa avdelningen")
    path = CLEAN_DOSSIER / "arsrapport.yaml"
    response = client.post(
        f"/api/v1/documents?unit={unit}&filename=arsrapport.yaml",
        data=path.read_bytes(),
        content_type=YAML,
        headers=bearer(token),
    )
    assert response.status_code == 201 and response.json["findings"] == []  # type: ignore[index]
    plan_after = client.get("/api/v1/findings?kind=verksamhetsplan", headers=bearer(token)).json
    assert plan_after["total"] == 0  # type: ignore[index]
