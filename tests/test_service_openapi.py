"""The OpenAPI document is enough for a client generator: it validates (OpenAPI 3.1), every route of
the application is in it, every operation declares its success body and exactly the problems
(`application/problem+json`, schema `Problem`) it can answer with, and what the API answers – every
operation at least once, and the errors – conforms to what the document declares."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from werkzeug.test import TestResponse

from service.demo import DEMO_PASSWORD
from tests.conftest import MINIMAL_PLAN
from tests.test_accounts import exercise_accounts
from tests.test_reports_exports import REPORT_PROBLEMS, exercise_reports
from tests.test_service import bearer, tokens, unit_id

YAML = "application/yaml"
UNSAFE = {"post", "put", "patch", "delete"}
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
# The problems a route gives beyond those its shape implies (see `expected_problems`).
SPECIFIC: dict[tuple[str, str], set[int]] = {
    ("get", "/readyz"): {503},
    ("post", "/api/v1/auth/login"): {429},
    ("post", "/api/v1/documents"): {404, 415, 429},  # the unit; the content type; the rate
    ("post", "/api/v1/checks"): {415, 429},
    ("post", "/api/v1/decisions/{decision_id}/approve"): {409},
    ("post", "/api/v1/decisions/{decision_id}/reject"): {409},
    ("post", "/api/v1/organisation"): {409},
    ("post", "/api/v1/users"): {409},
    ("get", "/api/v1/audit"): {403},  # the role
    ("get", "/api/v1/users"): {403},  # the role
    ("get", "/api/v1/users/{user_id}/tokens"): {403},  # the role
    ("patch", "/api/v1/users/{user_id}"): {409},  # the last active admin
    **REPORT_PROBLEMS,  # the committee or administration
}


def document(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return app.api_doc  # type: ignore[attr-defined,no-any-return]


def expected_problems(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """What the shape of an operation implies: 503 wherever the database is read; a login (401)
    where it needs one or checks a password; 403 for a change (the CSRF token, the role); 404
    for an id in the path; 413 and 422 for a request body; 422 for query parameters."""
    params = operation.get("parameters", [])
    out = set(SPECIFIC.get((method, path), set()))
    if path != "/healthz":  # every answer that reads the database: 503 when it does not answer
        out.add(503)
    if operation.get("security") or path == "/api/v1/auth/login":
        out.add(401)
    if method in UNSAFE and operation.get("security"):
        out.add(403)
    if any(p["in"] == "path" for p in params):
        out.add(404)
    if "requestBody" in operation:
        out |= {413, 422}
    if any(p["in"] == "query" for p in params):
        out.add(422)
    return out


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m, p, op) for p, item in doc["paths"].items() for m, op in item.items()]


def test_the_document_validates_and_every_route_declares_its_responses(service_app: Flask) -> None:
    doc = document(service_app)
    validate(doc)  # raises on an invalid document
    routes = {
        (method.lower(), str(rule).replace("<int:", "{").replace(">", "}"))
        for rule in service_app.url_map.iter_rules()
        if rule.endpoint.split(".")[0]
        in {"health", "auth", "documents", "findings", "admin", "jobs", "reports"}
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
    assert routes == {(m, p) for m, p, _ in operations(doc)}
    assert len(routes) >= 22
    for method, path, operation in operations(doc):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        statuses = {int(s) for s in operation["responses"]}
        success = {s for s in statuses if 200 <= s < 300}
        assert len(success) == 1, where
        body = operation["responses"][str(success.pop())]
        assert body.get("content"), where
        problems = statuses - {s for s in statuses if s < 300}
        assert problems == expected_problems(method, path, operation), where
        for status in problems:
            assert operation["responses"][str(status)]["content"] == PROBLEM, (where, status)
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"title", "status"}
    assert problem["additionalProperties"] is False


class Conformance:
    """Sends requests and checks each answer against the document: status declared for the
    operation, body valid against the declared schema of its media type."""

    def __init__(self, app: Flask) -> None:
        self.doc = document(app)
        self.client: FlaskClient = app.test_client()
        self.seen: set[tuple[str, str, int]] = set()

    def __call__(
        self, method: str, template: str, status: int, url: str | None = None, **kwargs: Any
    ) -> TestResponse:
        response = self.client.open(url or template, method=method.upper(), **kwargs)
        where = f"{method.upper()} {url or template}"
        assert response.status_code == status, (where, response.status_code, response.get_json())
        declared = self.doc["paths"][template][method]["responses"]
        assert str(status) in declared, (where, status)
        content = declared[str(status)]["content"]
        assert response.mimetype in content, (where, response.mimetype)
        if response.mimetype.endswith("json"):
            schema = {**content[response.mimetype]["schema"], "components": self.doc["components"]}
            errors = [e.message for e in OAS31Validator(schema).iter_errors(response.get_json())]
            assert not errors, (where, errors[:3])
        self.seen.add((method, template, status))
        return response


def test_what_the_api_answers_is_what_the_document_declares(service_app: Flask) -> None:
    api = Conformance(service_app)
    toks = tokens(service_app)
    unit = unit_id(service_app, "Administrativa avdelningen")
    plan = MINIMAL_PLAN.replace("Exempelenheten", "Administrativa avdelningen").encode()
    enhet, controller, admin = (bearer(toks[n]) for n in ("enhet", "controller", "admin"))
    later = (date.today() + timedelta(days=30)).isoformat()

    api("get", "/healthz", 200)
    api("get", "/readyz", 200)
    api("get", "/api/v1/findings", 401)
    api("post", "/api/v1/auth/login", 422, json={"username": ""})
    wrong = {"username": "ingen", "password": "fel"}
    guesser = {"REMOTE_ADDR": "192.0.2.9"}  # failures count per address too: not the tests' own
    for _ in range(service_app.config["LOGIN_LIMIT"]):
        api("post", "/api/v1/auth/login", 401, json=wrong, environ_base=guesser)
    api("post", "/api/v1/auth/login", 429, json=wrong, environ_base=guesser)
    who = {"username": "revisor", "password": DEMO_PASSWORD}
    session = api("post", "/api/v1/auth/login", 200, json=who).json
    assert session is not None
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    api("post", "/api/v1/auth/logout", 403)
    api("post", "/api/v1/auth/tokens", 201, headers=csrf)
    api("post", "/api/v1/auth/logout", 200, headers=csrf)

    docs = "/api/v1/documents"
    api("get", docs, 200, headers=enhet)
    api("get", docs, 422, url=f"{docs}?year=abc", headers=enhet)
    upload = f"{docs}?unit={unit}"
    api("post", docs, 415, url=upload, data=b"<p/>", content_type="text/html", headers=enhet)
    api("post", docs, 403, url=upload, data=plan, content_type=YAML, headers=controller)
    api("post", docs, 404, url=f"{docs}?unit=99999", data=plan, content_type=YAML, headers=enhet)
    api("post", docs, 422, url=upload, data=b"a: [", content_type=YAML, headers=enhet)
    api("post", docs, 413, url=upload, data=b"x" * (7 << 20), content_type=YAML, headers=enhet)
    stored = api("post", docs, 201, url=upload, data=plan, content_type=YAML, headers=enhet).json
    assert stored is not None and stored["findings"], "the minimal plan has findings"
    version, run, finding = stored["version"]["id"], stored["run"], stored["findings"][0]["id"]
    job = "/api/v1/jobs/{job_id}"
    api("get", job, 200, url=f"/api/v1/jobs/{stored['job']['id']}", headers=enhet)
    api("get", job, 404, url="/api/v1/jobs/99999", headers=enhet)

    one = "/api/v1/documents/{version_id}"
    api("get", one, 200, url=f"{docs}/{version}", headers=enhet)
    api("get", one, 404, url=f"{docs}/99999", headers=enhet)
    api("get", one + "/original", 200, url=f"{docs}/{version}/original", headers=enhet)
    api("get", one + "/original", 404, url=f"{docs}/99999/original", headers=enhet)
    api("get", one + "/diff", 200, url=f"{docs}/{version}/diff", headers=enhet)
    api("get", one + "/diff", 404, url=f"{docs}/99999/diff", headers=enhet)
    api("get", one + "/diff", 422, url=f"{docs}/{version}/diff?against=x", headers=enhet)
    api("get", "/api/v1/runs/{run_id}", 200, url=f"/api/v1/runs/{run}", headers=enhet)
    api("get", "/api/v1/runs/{run_id}", 404, url="/api/v1/runs/99999", headers=enhet)

    checks = "/api/v1/checks"
    api("post", checks, 200, data=plan, content_type=YAML, headers=enhet)
    api("post", checks, 415, data=plan, content_type="image/png", headers=enhet)
    api("post", checks, 422, data=b"dokument: ingenting", content_type=YAML, headers=enhet)

    api("get", "/api/v1/findings", 200, headers=controller)
    api("get", "/api/v1/findings", 422, url="/api/v1/findings?severity=x", headers=enhet)
    decisions = "/api/v1/findings/{finding_id}/decisions"
    mine = f"/api/v1/findings/{finding}/decisions"
    api(
        "post",
        decisions,
        403,
        url=mine,
        json={"kind": "will_fix", "text": "Vi rättar."},
        headers=controller,
    )
    api(
        "post",
        decisions,
        404,
        url="/api/v1/findings/99999/decisions",
        json={"kind": "comment", "text": "Hej då."},
        headers=enhet,
    )
    api(
        "post",
        decisions,
        422,
        url=mine,
        json={"kind": "accepted_risk", "text": "Utan slut."},
        headers=enhet,
    )
    asked = api(
        "post",
        decisions,
        201,
        url=mine,
        json={"kind": "accepted_risk", "text": "Tål vi.", "expires": later},
        headers=enhet,
    ).json
    assert asked is not None
    approve = "/api/v1/decisions/{decision_id}/approve"
    yes = f"/api/v1/decisions/{asked['id']}/approve"
    api("post", approve, 403, url=yes, headers=enhet)
    api("post", approve, 404, url="/api/v1/decisions/99999/approve", headers=controller)
    api("post", approve, 200, url=yes, headers=controller)
    api("post", approve, 409, url=yes, headers=controller)
    again = api(
        "post",
        decisions,
        201,
        url=mine,
        json={"kind": "not_applicable", "text": "Gäller inte oss.", "expires": later},
        headers=enhet,
    ).json
    assert again is not None
    reject = "/api/v1/decisions/{decision_id}/reject"
    no = f"/api/v1/decisions/{again['id']}/reject"
    why = {"reason": "Risken är för stor."}
    api("post", reject, 403, url=no, json=why, headers=enhet)
    api("post", reject, 404, url="/api/v1/decisions/99999/reject", json=why, headers=controller)
    api("post", reject, 422, url=no, json={"reason": "   "}, headers=controller)
    rejected = api("post", reject, 200, url=no, json=why, headers=controller).json
    assert rejected is not None and rejected["state"] == "rejected"
    api("post", reject, 409, url=no, json=why, headers=controller)
    api("get", decisions, 200, url=mine, headers=enhet)
    api("get", decisions, 404, url="/api/v1/findings/99999/decisions", headers=enhet)

    api("get", "/api/v1/catalogue", 200, headers=enhet)
    org = "/api/v1/organisation"
    api("get", org, 200, headers=enhet)
    new_unit = {"name": "Nya nämnden", "level": "nämnd"}
    api("post", org, 403, json=new_unit, headers=enhet)
    api("post", org, 422, json={**new_unit, "level": "grupp"}, headers=admin)
    api("post", org, 201, json=new_unit, headers=admin)
    api("post", org, 409, json=new_unit, headers=admin)
    api("get", "/api/v1/audit", 403, headers=enhet)
    api("get", "/api/v1/audit", 200, headers=bearer(toks["revisor"]))
    person = {"username": "ny.person", "password": "ett-langt-losenord", "role": "revisor"}
    api("post", "/api/v1/users", 403, json=person, headers=enhet)
    api("post", "/api/v1/users", 422, json={**person, "role": "kung"}, headers=admin)
    created = api("post", "/api/v1/users", 201, json=person, headers=admin).json
    assert created is not None
    api("post", "/api/v1/users", 409, json=person, headers=admin)
    users = "/api/v1/users/{user_id}"
    api(
        "patch",
        users,
        200,
        url=f"/api/v1/users/{created['id']}",
        json={"role": "admin"},
        headers=admin,
    )
    api("patch", users, 404, url="/api/v1/users/99999", json={"role": "admin"}, headers=admin)

    exercise_reports(api, service_app)
    exercise_accounts(api, service_app)
    answered = {(m, p) for m, p, s in api.seen if s < 300}
    assert answered == {(m, p) for m, p, _ in operations(api.doc)}


def test_a_query_models_schema_is_generated_once_and_every_caller_gets_its_own_copy() -> None:
    from pydantic import TypeAdapter

    from service.api.schemas import CheckQuery, FindingsQuery

    for model in (CheckQuery, FindingsQuery):
        first = model.model_json_schema()
        assert first == TypeAdapter(model).json_schema()  # as pydantic makes it
        first["properties"].clear()  # a caller changing its copy changes no later answer
        assert model.model_json_schema() == TypeAdapter(model).json_schema()
