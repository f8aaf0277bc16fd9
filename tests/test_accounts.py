"""Accounts that can be ended (issue 14, item 4), on SQLite and PostgreSQL: logout ends the
session and its cookie, tokens expire and are listed and revoked, users are deactivated, the last
admin stays, four eyes see through accounts one admin made, the login throttle counts per user
name and address (atomically: exactly LOGIN_LIMIT parallel guesses get through) and answers an
unknown name like a known one, and a 404 never tells "absent" from "not yours"."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.db import ApiToken, AuditEntry, LoginAttempt, OrgUnit, User, utcnow
from service.demo import DEMO_PASSWORD
from tests.conftest import MINIMAL_PLAN
from tests.test_service import bearer, login, tokens, unit_id

YAML = "application/yaml"


def user_id(app: Flask, username: str) -> int:
    with app.extensions["styrkoll_sessions"]() as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def entries(app: Flask, action: str) -> list[AuditEntry]:
    with app.extensions["styrkoll_sessions"]() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            ).scalars()
        )


def _without_id(body: Any) -> Any:
    return {k: v for k, v in body.items() if k != "request_id"}


def test_logout_ends_the_session_cookie_with_and_without_its_csrf_token(
    service_app: Flask,
) -> None:
    client = service_app.test_client()
    csrf = login(client, "enhet")
    cookie = client.get_cookie("session")
    assert cookie is not None
    other = service_app.test_client()  # the same cookie elsewhere works before the logout
    other.set_cookie("session", cookie.value)
    assert other.get("/api/v1/documents").status_code == 200
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert other.get("/api/v1/documents").status_code == 401
    made = other.post("/api/v1/auth/tokens", headers={"X-CSRF-Token": csrf})
    assert made.status_code == 401
    assert other.post("/api/v1/auth/tokens").status_code == 401
    assert client.get("/api/v1/documents").status_code == 401
    login(client, "enhet")  # a new login works, with a new session
    assert client.get("/api/v1/documents").status_code == 200


def test_logout_with_a_token_revokes_that_token(service_app: Flask) -> None:
    client = service_app.test_client()
    toks = tokens(service_app)
    assert client.post("/api/v1/auth/logout", headers=bearer(toks["enhet"])).status_code == 200
    refused = client.get("/api/v1/documents", headers=bearer(toks["enhet"]))
    assert refused.status_code == 401
    assert refused.json["detail"] == "API-nyckeln är ogiltig eller har gått ut"  # type: ignore[index]
    assert client.get("/api/v1/documents", headers=bearer(toks["enhet2"])).status_code == 200


def test_tokens_expire_and_live_at_most_token_days(service_app: Flask) -> None:
    service_app.config["TOKEN_DAYS"] = 30
    client = service_app.test_client()
    enhet = bearer(tokens(service_app)["enhet"])
    too_long = client.post("/api/v1/auth/tokens?days=31", headers=enhet)
    assert too_long.status_code == 422
    assert too_long.json["errors"][0]["path"] == "days"  # type: ignore[index]
    made = client.post("/api/v1/auth/tokens?name=ci&days=2", headers=enhet).json
    assert made is not None and made["name"] == "ci"
    assert made["expires_at"].startswith((date.today() + timedelta(days=2)).isoformat()[:7])
    plain = client.post("/api/v1/auth/tokens", headers=enhet).json
    assert plain is not None
    with service_app.extensions["styrkoll_sessions"]() as session:
        row = session.get(ApiToken, plain["id"])
        assert row is not None
        assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == made["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    assert client.get("/api/v1/documents", headers=bearer(made["token"])).status_code == 401
    assert client.get("/api/v1/documents", headers=bearer(plain["token"])).status_code == 200


def test_tokens_are_listed_and_revoked_by_their_owner_and_an_admin(service_app: Flask) -> None:
    client = service_app.test_client()
    toks = tokens(service_app)
    enhet, admin = bearer(toks["enhet"]), bearer(toks["admin"])
    spare = client.post("/api/v1/auth/tokens?name=reserv", headers=enhet).json
    assert spare is not None
    listed = client.get("/api/v1/auth/tokens", headers=enhet).json["tokens"]  # type: ignore[index]
    assert [t["current"] for t in listed if t["current"]] == [True]
    assert {"token", "token_hash"}.isdisjoint(listed[0])  # never the token itself
    assert any(t["id"] == spare["id"] and t["name"] == "reserv" for t in listed)
    # another user's token is as absent as one that does not exist
    theirs = client.delete(f"/api/v1/auth/tokens/{spare['id']}", headers=bearer(toks["enhet2"]))
    absent = client.delete("/api/v1/auth/tokens/99999", headers=bearer(toks["enhet2"]))
    assert theirs.status_code == absent.status_code == 404
    assert _without_id(theirs.json) == _without_id(absent.json)
    gone = client.delete(f"/api/v1/auth/tokens/{spare['id']}", headers=enhet).json
    assert gone is not None and gone["active"] is False and gone["revoked_at"]
    assert client.get("/api/v1/documents", headers=bearer(spare["token"])).status_code == 401
    # an admin lists and revokes another user's token
    owner = user_id(service_app, "enhet")
    seen = client.get(f"/api/v1/users/{owner}/tokens", headers=admin).json["tokens"]  # type: ignore[index]
    mine = next(t for t in seen if t["active"])
    assert client.get(f"/api/v1/users/{owner}/tokens", headers=enhet).status_code == 403
    revoked = client.delete(f"/api/v1/users/{owner}/tokens/{mine['id']}", headers=admin)
    assert revoked.status_code == 200
    assert client.get("/api/v1/documents", headers=enhet).status_code == 401
    actions = [(e.actor, e.subject) for e in entries(service_app, "token_revoked")]
    assert actions == [("enhet", "user:enhet"), ("admin", "user:enhet")]


def test_a_deactivated_user_is_logged_out_everywhere_and_stays_so(service_app: Flask) -> None:
    toks = tokens(service_app)
    admin, revisor = bearer(toks["admin"]), bearer(toks["revisor"])
    browser = service_app.test_client()
    login(browser, "enhet")
    api = service_app.test_client()
    target = user_id(service_app, "enhet")
    ended = api.patch(f"/api/v1/users/{target}", json={"active": False}, headers=admin)
    assert ended.status_code == 200 and ended.json["active"] is False  # type: ignore[index]
    assert browser.get("/api/v1/documents").status_code == 401
    assert api.get("/api/v1/documents", headers=bearer(toks["enhet"])).status_code == 401
    refused = api.post("/api/v1/auth/login", json={"username": "enhet", "password": DEMO_PASSWORD})
    wrong = api.post("/api/v1/auth/login", json={"username": "enhet2", "password": "fel-fel"})
    assert refused.status_code == wrong.status_code == 401
    assert _without_id(refused.json) == _without_id(wrong.json)
    again = api.patch(f"/api/v1/users/{target}", json={"active": True}, headers=admin)
    assert again.status_code == 200
    assert api.get("/api/v1/documents", headers=bearer(toks["enhet"])).status_code == 401
    assert browser.get("/api/v1/documents").status_code == 401
    login(browser, "enhet")
    assert browser.get("/api/v1/documents").status_code == 200
    users = api.get("/api/v1/users", headers=revisor).json["users"]  # type: ignore[index]
    assert next(u for u in users if u["username"] == "enhet")["active"] is True
    made = [e.details for e in entries(service_app, "user_deactivated")]
    assert made == [{"tokens_revoked": 1}]
    assert [e.subject for e in entries(service_app, "user_reactivated")] == ["user:enhet"]
    unknown_field = api.patch(f"/api/v1/users/{target}", json={"aktiv": False}, headers=admin)
    assert unknown_field.status_code == 422  # never silently ignored


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(service_app: Flask) -> None:
    toks = tokens(service_app)
    admin = bearer(toks["admin"])
    client = service_app.test_client()
    me = user_id(service_app, "admin")
    for change in ({"role": "controller"}, {"active": False}):
        refused = client.patch(f"/api/v1/users/{me}", json=change, headers=admin)
        assert refused.status_code == 409, refused.json
        assert "sista aktiva administratören" in refused.json["detail"]  # type: ignore[index]
    second = client.post(
        "/api/v1/users",
        json={"username": "admin.tva", "password": "ett-langt-losenord", "role": "admin"},
        headers=admin,
    ).json
    assert second is not None and second["created_by"] == me
    # two admins demoting each other at once: one of them stays
    both = tokens(service_app)
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def demote(actor: str, target: int) -> None:
        barrier.wait()
        response = service_app.test_client().patch(
            f"/api/v1/users/{target}", json={"role": "revisor"}, headers=bearer(both[actor])
        )
        answers.append(response.status_code)

    threads = [
        threading.Thread(target=demote, args=("admin", second["id"])),
        threading.Thread(target=demote, args=("admin.tva", me)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 403], answers  # the loser is no longer an admin
    with service_app.extensions["styrkoll_sessions"]() as session:
        admins = session.execute(
            select(User.username).where(User.role == "admin", User.active.is_(True))
        ).all()
    assert len(admins) == 1


def _exception_by(app: Flask, headers: dict[str, str]) -> int:
    """An exception requested on the first finding of Administrativa avdelningen."""
    client = app.test_client()
    finding = client.get("/api/v1/findings?kind=verksamhetsplan", headers=headers).json
    assert finding is not None
    later = (date.today() + timedelta(days=30)).isoformat()
    asked = client.post(
        f"/api/v1/findings/{finding['findings'][0]['id']}/decisions",
        json={"kind": "accepted_risk", "text": "Vi bär risken.", "expires": later},
        headers=headers,
    )
    assert asked.status_code == 201, asked.json
    decision: int = asked.json["id"]  # type: ignore[index]
    return decision


def test_an_admin_cannot_approve_their_own_exception_through_accounts_they_made(
    service_app: Flask,
) -> None:
    """Four eyes count an account and the admin who created it (and chose its first password)
    as one person: two accounts made by one admin never approve each other's exceptions."""
    admin = bearer(tokens(service_app)["admin"])
    client = service_app.test_client()
    with service_app.extensions["styrkoll_sessions"]() as session:
        units = {u.name: u.id for u in session.execute(select(OrgUnit)).scalars()}
    made = {
        "c.ett": ("controller", "Hägersten-Liljeholmens stadsdelsförvaltning"),
        "c.tva": ("controller", "Hägersten-Liljeholmens stadsdelsförvaltning"),
        "e.ett": ("enhet", "Administrativa avdelningen"),
    }
    for name, (role, unit) in made.items():
        body = {"username": name, "password": "ett-langt-losenord", "role": role}
        created = client.post(
            "/api/v1/users", json={**body, "org_unit_id": units[unit]}, headers=admin
        )
        assert created.status_code == 201, created.json
    toks = tokens(service_app)
    for asker in ("c.ett", "e.ett"):
        decision = _exception_by(service_app, bearer(toks[asker]))
        approve = f"/api/v1/decisions/{decision}/approve"
        refused = client.post(approve, headers=bearer(toks["c.tva"]))
        assert refused.status_code == 403, refused.json
        assert "samma administratör" in refused.json["detail"]  # type: ignore[index]
        assert client.post(approve, headers=bearer(toks["controller2"])).status_code == 200
    # the demo's own accounts were made by nobody in the service: four eyes as before
    decision = _exception_by(service_app, bearer(toks["enhet"]))
    approve = f"/api/v1/decisions/{decision}/approve"
    assert client.post(approve, headers=bearer(toks["c.tva"])).status_code == 200


def test_role_changes_are_audited_and_visible_to_auditors(service_app: Flask) -> None:
    toks = tokens(service_app)
    client = service_app.test_client()
    target = user_id(service_app, "enhet2")
    changed = client.patch(
        f"/api/v1/users/{target}",
        json={"role": "revisor", "org_unit_id": None},
        headers=bearer(toks["admin"]),
    )
    assert changed.status_code == 200 and changed.json["role"] == "revisor"  # type: ignore[index]
    log = client.get("/api/v1/audit", headers=bearer(toks["revisor"])).json
    assert log is not None and log["verified"] is True, log["problems"]
    change = [e for e in log["entries"] if e["action"] == "role_changed"]
    assert [
        (e["actor"], e["subject"], e["details"]["from"], e["details"]["to"]) for e in change
    ] == [("admin", "user:enhet2", "enhet", "revisor")]
    users = client.get("/api/v1/users", headers=bearer(toks["revisor"])).json["users"]  # type: ignore[index]
    assert next(u for u in users if u["id"] == target)["role"] == "revisor"
    assert client.get("/api/v1/users", headers=bearer(toks["enhet"])).status_code == 403
    no_unit = client.patch(
        f"/api/v1/users/{target}", json={"org_unit_id": 99999}, headers=bearer(toks["admin"])
    )
    assert no_unit.status_code == 422 and no_unit.json["errors"][0]["path"] == "org_unit_id"  # type: ignore[index]


def _try(client: FlaskClient, name: str, password: str, address: str) -> Any:
    return client.post(
        "/api/v1/auth/login",
        json={"username": name, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_throttle_waits_per_pair_longer_each_time_and_forgets_on_success(
    service_app: Flask,
) -> None:
    service_app.config["LOGIN_LIMIT"] = 2
    client = service_app.test_client()
    here, there = "192.0.2.10", "192.0.2.20"
    answers = {}
    for name in ("admin", "ingen-sadan"):  # a known and an unknown name: answered alike
        first = [_try(client, name, "fel-fel", here) for _ in range(2)]
        assert [r.status_code for r in first] == [401, 401]
        answers[name] = (_without_id(first[0].json), _try(client, name, "fel", here))
    assert answers["admin"][0] == answers["ingen-sadan"][0]
    known, unknown = answers["admin"][1], answers["ingen-sadan"][1]
    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"] == "900"
    assert _without_id(known.json) == _without_id(unknown.json)
    assert _try(client, "admin", DEMO_PASSWORD, there).status_code == 200  # not from elsewhere
    assert _try(client, "revisor", DEMO_PASSWORD, here).status_code == 200  # nor others here
    # the wait over, one more failure waits twice as long
    with service_app.extensions["styrkoll_sessions"]() as session:
        session.execute(update(LoginAttempt).values(blocked_until=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert _try(client, "admin", "fel", here).status_code == 401
    assert _try(client, "admin", DEMO_PASSWORD, here).headers["Retry-After"] in {"1800", "1799"}
    with service_app.extensions["styrkoll_sessions"]() as session:
        session.execute(update(LoginAttempt).values(blocked_until=None))
        session.commit()
    assert _try(client, "admin", DEMO_PASSWORD, here).status_code == 200  # success clears
    assert _try(client, "admin", "fel", here).status_code == 401
    assert _try(client, "admin", "fel", here).status_code == 401  # counted from nothing again
    assert _try(client, "admin", "fel", here).status_code == 429


def test_parallel_guesses_get_exactly_login_limit_attempts(service_app: Flask) -> None:
    """Attempts are counted atomically before the password is checked: of many concurrent
    guesses for one name from one address, exactly LOGIN_LIMIT reach the password."""
    limit, guesses = service_app.config["LOGIN_LIMIT"], 12
    barrier = threading.Barrier(guesses)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess() -> None:
        client = service_app.test_client()
        barrier.wait()
        status = _try(client, "admin", "fel-gissning", "203.0.113.5").status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess) for _ in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * limit + [429] * (guesses - limit)
    assert len(entries(service_app, "login_failed")) == limit


def test_failed_logins_and_refusals_are_audited_without_passwords(service_app: Flask) -> None:
    client = service_app.test_client()
    secret = "Hemligt-losen-4711"
    assert _try(client, "admin", secret, "192.0.2.30").status_code == 401
    assert _try(client, secret, secret, "192.0.2.30").status_code == 401  # a password as name
    failed = entries(service_app, "login_failed")
    assert [(e.subject, e.details["reason"]) for e in failed] == [
        ("user:admin", "wrong_password"),
        ("user:?", "unknown_user"),
    ]
    enhet = bearer(tokens(service_app)["enhet"])
    assert client.get("/api/v1/audit", headers=enhet).status_code == 403
    refused = entries(service_app, "refused")
    assert [(e.actor, e.subject) for e in refused] == [("enhet", "GET /api/v1/audit")]
    assert refused[0].details["detail"] == "granskningsloggen läses av revisor och admin"
    with service_app.extensions["styrkoll_sessions"]() as session:
        text = " ".join(
            f"{e.actor} {e.subject} {e.details}"
            for e in session.execute(select(AuditEntry)).scalars()
        )
    assert secret not in text


def _objects(app: Flask) -> dict[str, Any]:
    """Objects of unit C (Äldreomsorgen Skärholmen, another administration than the
    controllers'): a version, its run, a finding, a job, a requested exception, enhet3's token."""
    toks = tokens(app)
    client = app.test_client()
    c_unit = unit_id(app, "Äldreomsorgen Skärholmen")
    plan = MINIMAL_PLAN.replace("Exempelenheten", "Äldreomsorgen Skärholmen").encode()
    upload = client.post(
        f"/api/v1/documents?unit={c_unit}",
        data=plan,
        content_type=YAML,
        headers=bearer(toks["enhet3"]),
    ).json
    assert upload is not None
    later = (date.today() + timedelta(days=30)).isoformat()
    decision = client.post(
        f"/api/v1/findings/{upload['findings'][0]['id']}/decisions",
        json={"kind": "accepted_risk", "text": "Vi bär risken.", "expires": later},
        headers=bearer(toks["enhet3"]),
    ).json
    assert decision is not None
    spare = client.post("/api/v1/auth/tokens", headers=bearer(toks["enhet3"])).json
    assert spare is not None
    with app.extensions["styrkoll_sessions"]() as session:
        administration = session.execute(
            select(OrgUnit.id).where(OrgUnit.name == "Skärholmens stadsdelsförvaltning")
        ).scalar_one()
    return {
        "toks": toks,
        "unit": c_unit,
        "version": upload["version"]["id"],
        "run": upload["run"],
        "finding": upload["findings"][0]["id"],
        "job": upload["job"]["id"],
        "decision": decision["id"],
        "token": spare["id"],
        "administration": administration,
    }


def test_a_404_never_tells_absent_from_not_yours(service_app: Flask) -> None:
    o = _objects(service_app)
    client = service_app.test_client()
    own = client.get("/api/v1/documents", headers=bearer(o["toks"]["enhet"])).json
    assert own is not None
    mine = own["versions"][0]["id"]
    none = 999999
    comment = {"json": {"kind": "comment", "text": "Vi tittar på det."}}
    cases: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("enhet", "GET", "/api/v1/documents/{}", "version", {}),
        ("enhet", "GET", "/api/v1/documents/{}/original", "version", {}),
        ("enhet", "GET", "/api/v1/documents/{}/diff", "version", {}),
        ("enhet", "GET", f"/api/v1/documents/{mine}/diff?against={{}}", "version", {}),
        ("enhet", "GET", "/api/v1/runs/{}", "run", {}),
        ("enhet", "GET", "/api/v1/jobs/{}", "job", {}),
        ("enhet", "GET", "/api/v1/findings/{}/decisions", "finding", {}),
        ("enhet", "POST", "/api/v1/findings/{}/decisions", "finding", comment),
        ("controller", "POST", "/api/v1/decisions/{}/approve", "decision", {}),
        ("enhet", "DELETE", "/api/v1/auth/tokens/{}", "token", {}),
        ("enhet", "POST", "/api/v1/documents?unit={}", "unit", {"data": b"x: 1"}),
        (
            "enhet",
            "GET",
            "/api/v1/reports/control?year=2012&administration={}",
            "administration",
            {},
        ),
    ]
    for user, method, template, key, kwargs in cases:
        headers = bearer(o["toks"][user])
        if "data" in kwargs:
            kwargs = {**kwargs, "content_type": YAML}
        theirs = client.open(template.format(o[key]), method=method, headers=headers, **kwargs)
        absent = client.open(template.format(none), method=method, headers=headers, **kwargs)
        assert theirs.status_code == absent.status_code == 404, (template, theirs.json)
        assert _without_id(theirs.json) == _without_id(absent.json), template


def exercise_accounts(api: Any, app: Flask) -> None:
    """The account routes for tests/test_service_openapi.py: each answers as the OpenAPI document
    declares (`api` is its Conformance), successes and problems."""
    toks = tokens(app)
    enhet, admin, revisor = (bearer(toks[n]) for n in ("enhet", "admin", "revisor"))
    mine = "/api/v1/auth/tokens"
    made = api("post", mine, 201, url=f"{mine}?name=ci&days=7", headers=enhet).json
    api("post", mine, 422, url=f"{mine}?days=100000", headers=enhet)
    api("get", mine, 200, headers=enhet)
    one = "/api/v1/auth/tokens/{token_id}"
    api("delete", one, 404, url=f"{mine}/99999", headers=enhet)
    api("delete", one, 200, url=f"{mine}/{made['id']}", headers=enhet)
    api("get", "/api/v1/users", 200, headers=revisor)
    api("get", "/api/v1/users", 403, headers=enhet)
    owner = user_id(app, "enhet")
    theirs = "/api/v1/users/{user_id}/tokens"
    listed = api("get", theirs, 200, url=f"/api/v1/users/{owner}/tokens", headers=admin).json
    api("get", theirs, 403, url=f"/api/v1/users/{owner}/tokens", headers=enhet)
    api("get", theirs, 404, url="/api/v1/users/99999/tokens", headers=admin)
    token = listed["tokens"][0]["id"]
    theirs_one = "/api/v1/users/{user_id}/tokens/{token_id}"
    api("delete", theirs_one, 200, url=f"/api/v1/users/{owner}/tokens/{token}", headers=admin)
    api("delete", theirs_one, 404, url=f"/api/v1/users/{owner}/tokens/99999", headers=admin)
    users = api("get", "/api/v1/users", 200, headers=admin).json["users"]
    me = user_id(app, "admin")
    patch = "/api/v1/users/{user_id}"
    for other in users:  # the demo admin left as the only admin: demoting them is refused
        if other["role"] == "admin" and other["active"] and other["id"] != me:
            change = {"role": "revisor"}
            api("patch", patch, 200, url=f"/api/v1/users/{other['id']}", json=change, headers=admin)
    api("patch", patch, 409, url=f"/api/v1/users/{me}", json={"active": False}, headers=admin)
