"""Schemathesis over the whole API (issue 14): every operation of the OpenAPI document, with every
check schemathesis has (`--checks all`: no server error, status code, content type, headers and
body as declared, schema-violating requests refused and schema-valid ones taken, unsupported
methods, ignored auth …) in all its phases (examples, coverage, fuzzing, stateful), against a
real gunicorn server on a copy of the demo database, over HTTP on loopback, as a unit user
(`enhet`) and as the administrator (`admin`), on SQLite and on PostgreSQL.

`make test` runs a bounded number of examples per operation (STYRKOLL_FUZZ_API_EXAMPLES, default
5, with a fixed seed); `make fuzz` runs many more with a new seed each time. The users, the seed
and a time budget: STYRKOLL_FUZZ_API_USERS, STYRKOLL_FUZZ_API_SEED ("random" for a new one),
STYRKOLL_FUZZ_API_SECONDS. The server's log is read afterwards: no request may have answered 5xx
or left a traceback, whatever schemathesis concluded.

The user's API token comes from the API itself (login, then POST /api/v1/auth/tokens), again
whenever an answer is 401: the fuzzing logs out and revokes tokens as a user may.

Two settings, each for a reason the OpenAPI document cannot carry:
- gunicorn runs with `--limit-request-line 0`: a query of many kilobytes is otherwise refused
  by gunicorn itself (414, an HTML page) before the application sees it; here the application's
  own validation is what is tested.
- `positive_data_acceptance` also takes a 422 where the service judges what a schema cannot say
  (POSITIVE_422 below names each operation and why): a schema-valid body is still refused when
  it is not a usable document, names a unit that does not exist, asks for an exception without
  an end date in the future, and so on. Every such 422 is a problem naming the field.

Below, the things the fuzzing found, each kept as a plain test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from sqlalchemy import select, text

from service.db import User
from tests.conftest import MINIMAL_PLAN, _pg_admin
from tests.test_limits_server import _free_port
from tests.test_service import bearer, tokens, unit_id
from tests.test_service_openapi import document

EXAMPLES = int(os.environ.get("STYRKOLL_FUZZ_API_EXAMPLES", "5"))
USERS = [u for u in os.environ.get("STYRKOLL_FUZZ_API_USERS", "enhet,admin").split(",") if u]
SEED = os.environ.get("STYRKOLL_FUZZ_API_SEED", "14")
SECONDS = os.environ.get("STYRKOLL_FUZZ_API_SECONDS", "")
BIN = Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
SCHEMATHESIS = BIN / "schemathesis"

# The operations where a schema-valid request may still be refused with 422, and why.
POSITIVE_422 = {
    "POST /api/v1/checks": "whether the fields make a document of its kind is the checker's call",
    "POST /api/v1/documents": "the same (and an empty body is no document)",
    "POST /api/v1/findings/{finding_id}/decisions": "an exception needs an end date, to come",
    "POST /api/v1/auth/tokens": "at most the service's TOKEN_DAYS (configured; 90)",
    "POST /api/v1/organisation": "the parent must exist and be of the level above",
    "POST /api/v1/users": "the unit named must exist",
    "PATCH /api/v1/users/{user_id}": "the unit named must exist, and something must change",
    "GET /api/v1/documents/{version_id}/diff": "the older version must be of the same document",
    "GET /api/v1/reports/summary": "the id must be a committee's (level nämnd)",
    "GET /api/v1/reports/summary.pdf": "the id must be a committee's (level nämnd)",
    "GET /api/v1/reports/chart.svg": "the id must be a committee's (level nämnd)",
    "GET /api/v1/reports/control": "the id must be an administration's (level förvaltning)",
    "GET /api/v1/reports/control.pdf": "the id must be an administration's (level förvaltning)",
}
POSITIVE_DEFAULT = ["2xx", "3xx", 401, 403, 404, 409, 429]

# Loaded by the schemathesis process (SCHEMATHESIS_HOOKS): the user's token, fetched as a client
# fetches one and fetched again on a 401 (the default `retry_on`).
HOOKS = """
import os

import requests
import schemathesis

BASE = os.environ["STYRKOLL_FUZZ_BASE"]
USER = os.environ["STYRKOLL_FUZZ_USER"]
PASSWORD = os.environ["STYRKOLL_FUZZ_PASSWORD"]


@schemathesis.auth()
class UserToken:
    def get(self, case, context):
        with requests.Session() as s:
            login = {"username": USER, "password": PASSWORD}
            answer = s.post(f"{BASE}/api/v1/auth/login", json=login, timeout=60)
            answer.raise_for_status()
            csrf = {"X-CSRF-Token": answer.json()["csrf_token"]}
            made = s.post(f"{BASE}/api/v1/auth/tokens", params={"name": "fuzz"}, headers=csrf,
                          timeout=60)
            made.raise_for_status()
            return made.json()["token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
"""


def config_toml() -> str:
    lines = [
        "[checks.positive_data_acceptance]",
        f"expected-statuses = {json.dumps(POSITIVE_DEFAULT)}",
    ]
    for name in POSITIVE_422:
        lines += [
            "",
            "[[operations]]",
            f"include-name = {json.dumps(name)}",
            "checks.positive_data_acceptance.expected-statuses = "
            + json.dumps([*POSITIVE_DEFAULT, 422]),
        ]
    return "\n".join(lines) + "\n"


class Server:
    def __init__(self, base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.base, self.proc, self.log = base, proc, log

    def requests(self) -> list[dict[str, Any]]:
        """The request lines of the server's log (one JSON object per request)."""
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"status"' in line:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    continue
        return out

    def tracebacks(self) -> str:
        """The server's log around each traceback in it (the first three), or nothing."""
        lines = self.log.read_text(errors="replace").splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
        return "\n\n".join("\n".join(lines[max(0, i - 2) : i + 60]) for i in starts[:3])


@pytest.fixture
def server(service_app: Flask, database_url: str, tmp_path: Path) -> Iterator[Server]:
    """gunicorn with two workers on this test's copy of the demo database."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "fuzz-" + os.urandom(8).hex(),
        "STYRKOLL_INSTANCE": str(tmp_path),
        "STYRKOLL_RATE_CHECKS": "0",
        "STYRKOLL_RATE_UPLOADS": "0",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--limit-request-line", "0"]
            + ["--bind", f"127.0.0.1:{port}", "service.app:create_app()"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text(errors="replace")) from None
                time.sleep(0.2)
        yield Server(base, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _failures_text(output: str, limit: int = 12_000) -> str:
    """The CLI's FAILURES section (what failed, and the curl that reproduces it)."""
    start = output.find(" FAILURES ")
    end = output.find(" SUMMARY ")
    section = output[start:end] if start >= 0 else output[-limit:]
    return section[:limit]


@pytest.mark.parametrize("user", USERS)
def test_schemathesis_finds_nothing(
    service_app: Flask, server: Server, user: str, tmp_path: Path
) -> None:
    token = tokens(service_app)[user]
    request = urllib.request.Request(
        f"{server.base}/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        spec = tmp_path / "openapi.json"
        spec.write_bytes(answer.read())
    hooks = tmp_path / "hooks.py"
    hooks.write_text(HOOKS, encoding="utf-8")
    config = tmp_path / "schemathesis.toml"
    config.write_text(config_toml(), encoding="utf-8")
    report = tmp_path / "report.json"
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        str(spec),
        "--url",
        server.base,
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        "--generation-database",
        "none",
    ]
    if SEED != "random":
        command += ["--seed", SEED]
    if SECONDS:
        command += ["--max-time", SECONDS]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": str(hooks),
        "STYRKOLL_FUZZ_BASE": server.base,
        "STYRKOLL_FUZZ_USER": user,
        "STYRKOLL_FUZZ_PASSWORD": "styrkoll-demo",
    }
    run = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=7200
    )
    output = run.stdout + run.stderr
    assert report.is_file(), output[-5000:]
    result = json.loads(report.read_text(encoding="utf-8"))
    answered = Counter(r["status"] for r in server.requests())
    summary = (
        f"{user}: {result['test_cases']['generated']} cases, seed {result['seed']}, "
        f"{sum(answered.values())} requests answered {dict(sorted(answered.items()))}"
    )
    print(summary)  # shown with -s, and in make fuzz
    server_errors = {s: n for s, n in answered.items() if s >= 500}
    assert not server_errors, f"{summary}\n{server.tracebacks()}"
    assert not server.tracebacks(), f"{summary}\n{server.tracebacks()}"
    assert not result["errors"], (summary, result["errors"])
    assert not result["failures"], (summary, result["failures"], _failures_text(output))
    assert run.returncode == 0, (summary, output[-5000:])
    assert result["complete"], (summary, result["stop_reason"])


# --- what the fuzzing found, kept ---------------------------------------------------------------


def test_what_the_fuzzing_found_stays_fixed(service_app: Flask) -> None:
    client = service_app.test_client()
    toks = tokens(service_app)
    enhet, admin = bearer(toks["enhet"]), bearer(toks["admin"])

    # a method the route does not have: 405 naming those it has (RFC 9110)
    answer = client.open("/api/v1/catalogue", method="TRACE", headers=enhet)
    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]

    # a probe's answer does not depend on the credentials it sends: 200, not an undeclared 401
    for probe in ("/healthz", "/readyz"):
        assert client.get(probe, headers=bearer("revoked-or-wrong")).status_code == 200

    # id 0 names nothing, as an id past what a table holds: 404, not an undeclared 422
    assert client.get("/api/v1/findings/0/decisions", headers=enhet).status_code == 404
    assert client.get("/api/v1/documents/0", headers=enhet).status_code == 404

    # an id past 2^63 in a report's query: 422 naming the field (was OverflowError on SQLite)
    huge = 2**70
    for url in (
        f"/api/v1/reports/summary?committee={huge}&year=2012",
        f"/api/v1/reports/chart.svg?committee={huge}&year=2012&chart=budget",
        f"/api/v1/reports/control.pdf?administration={huge}&year=2012",
        f"/api/v1/exports/findings.xlsx?unit={huge}",
    ):
        answer = client.get(url, headers=admin)
        assert answer.status_code == 422, (url, answer.status_code)

    # a control character or quote in a filter never reaches the download's name (gunicorn
    # refused the header: no answer at all)
    for kind in ("\x18", 'a"b', "x\r\ny"):
        answer = client.get(
            "/api/v1/exports/findings.json", query_string={"kind": kind}, headers=admin
        )
        assert answer.status_code == 200
        disposition = answer.headers["Content-Disposition"]
        assert disposition.isprintable() and disposition.count('"') == 2, disposition

    # JSON bodies take the JSON types declared: no 0 for a date or for false
    upload = f"/api/v1/documents?unit={unit_id(service_app, 'Administrativa avdelningen')}"
    plan = MINIMAL_PLAN.replace("Exempelenheten", "Administrativa avdelningen")
    stored = client.post(upload, data=plan, content_type="application/yaml", headers=enhet)
    assert stored.status_code == 201, stored.json
    finding = stored.json["findings"][0]["id"]
    answer = client.post(
        f"/api/v1/findings/{finding}/decisions",
        json={"kind": "will_fix", "text": "Vi rättar.", "expires": 0},
        headers=enhet,
    )
    assert answer.status_code == 422
    assert answer.json["errors"][0]["path"] == "expires"
    with service_app.extensions["styrkoll_sessions"]() as session:
        enhet3 = session.execute(select(User.id).where(User.username == "enhet3")).scalar_one()
    answer = client.patch(f"/api/v1/users/{enhet3}", json={"active": 0}, headers=admin)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["path"] == "active"

    # a JSON original is declared as JSON (an object), and is one
    doc = document(service_app)
    declared = doc["paths"]["/api/v1/documents/{version_id}/original"]["get"]["responses"]["200"]
    assert declared["content"]["application/json"]["schema"] == {"type": "object"}
    sent = json.dumps(
        {
            "dokument": "verksamhetsplan",
            "år": 2012,
            "nämnd": "Exempelnämnden",
            "enhet": "Administrativa avdelningen",
        }
    )
    stored = client.post(upload, data=sent, content_type="application/json", headers=enhet)
    assert stored.status_code == 201, stored.json
    original = client.get(
        f"/api/v1/documents/{stored.json['version']['id']}/original", headers=enhet
    )
    assert isinstance(original.get_json(), dict)


def test_what_the_faults_found_stays_fixed(service_app: Flask, database_url: str) -> None:
    """make faults: a connection cut between a request's work and its end (the database
    restarted) made the rollback in the request's teardown raise, and gunicorn answered 500."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a connection cut under a request: PostgreSQL's pg_terminate_backend")
    with service_app.test_request_context("/api/v1/catalogue"):
        service_app.preprocess_request()
        pid = g.db.execute(text("SELECT pg_backend_pid()")).scalar_one()
        _pg_admin(f"SELECT pg_terminate_backend({int(pid)})")
        service_app.do_teardown_request(None)  # no exception: the connection is dropped
