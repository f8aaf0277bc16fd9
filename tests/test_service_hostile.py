"""What a user controls never answers 500 (issue 14, item 2): ids beyond what a table can hold,
out-of-range query values, hostile file names, and a database that does not answer. On SQLite
and (when configured) PostgreSQL."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask

from checks.checker import Checker
from service.app import create_app
from service.filenames import content_disposition, safe_filename
from tests.conftest import DEFECT_DOSSIER
from tests.test_service import YAML, bearer, counts, tokens, unit_id

HUGE = (2**31, 2**63, 10**30)


def _int_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(rule, method, path with every int argument replaced by {}) of every route with an id."""
    out = []
    for rule in app.url_map.iter_rules():
        ints = [
            name
            for name, conv in rule._converters.items()
            if type(conv).__name__ == "IntegerConverter"
        ]
        if not ints:
            continue
        path = re.sub(r"<int:[a-z_]+>", "{}", rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.rule, method, path))
    return out


def test_every_id_beyond_the_tables_is_not_found(service_app: Flask) -> None:
    """Every route with an id in its path, API and pages, every method: an id no table can hold
    is a 404 (it overflowed the database's integer: a 500 on PostgreSQL from 2^31, on SQLite
    from 2^63)."""
    token = tokens(service_app)["admin"]
    client = service_app.test_client()
    routes = _int_routes(service_app)
    assert len(routes) >= 10, routes
    for rule, method, path in routes:
        for value in HUGE:
            url = path.replace("{}", str(value))
            response = client.open(url, method=method, headers=bearer(token), json={})
            assert response.status_code == 404, (rule, method, value, response.status_code)


@pytest.mark.parametrize(
    "query",
    [
        "unit=2147483648",
        "unit=99999999999999999999999",
        "year=10000000000",
        "page=99999999999",
        "unit=-1",
    ],
)
def test_an_out_of_range_query_value_is_a_422_naming_the_field(
    service_app: Flask, query: str
) -> None:
    token = tokens(service_app)["revisor"]
    client = service_app.test_client()
    for path in ("/api/v1/findings", "/api/v1/documents"):
        if "page" in query and path == "/api/v1/documents":
            continue
        response = client.get(f"{path}?{query}", headers=bearer(token))
        assert response.status_code == 422, (path, query, response.json)
        assert response.json["errors"][0]["path"] == query.split("=")[0]  # type: ignore[index]


def _header_filename(header: str) -> str:
    """The name a browser takes (RFC 6266: `filename*` before `filename`)."""
    found = re.fullmatch(r'attachment; filename="[ -~]*"; filename\*=UTF-8\'\'([^;\s"]+)', header)
    assert found is not None, header
    return unquote(found[1])


@pytest.mark.parametrize(
    "name",
    [
        "plan\r\nX-Injected: 1.yaml",
        "plan\x00.yaml",
        "budget €.yaml",
        "план.yaml",
        "a\"; filename*=UTF-8''evil.txt; x=\".yaml",
        "../../etc/passwd.yaml",
        "Årsplan för Äldreomsorgen.yaml",
    ],
)
def test_a_hostile_file_name_is_stored_safely_and_downloads(service_app: Flask, name: str) -> None:
    token = tokens(service_app)["enhet"]
    client = service_app.test_client()
    unit = unit_id(service_app, "Administrativa avdelningen")
    text = (DEFECT_DOSSIER / "riskanalys.yaml").read_bytes()
    response = client.post(
        "/api/v1/documents",
        query_string={"unit": unit, "filename": name},
        data=text,
        headers={**bearer(token), "Content-Type": YAML},
    )
    assert response.status_code == 201, response.json
    stored = response.json["version"]["filename"]  # type: ignore[index]
    assert stored == safe_filename(name)
    assert not any(ch in stored for ch in '\r\n\x00/\\"')
    download = client.get(
        f"/api/v1/documents/{response.json['version']['id']}/original",  # type: ignore[index]
        headers=bearer(token),
    )
    assert download.status_code == 200 and download.data == text
    header = download.headers["Content-Disposition"]
    assert header.count("filename*=") == 1 and header.count("filename=") == 1
    assert "\r" not in header and "\n" not in header
    assert _header_filename(header) == stored


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plan.yaml", "plan.yaml"),
        ("  \x00\r\n ", "dokument"),
        ('a/b\\c"d.pdf', "a_b_c_d.pdf"),
        ("Ä" * 300 + ".docx", "Ä" * 195 + ".docx"),
        ("tab\there.txt", "tab here.txt"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected
    header = content_disposition(name)
    assert unquote(header.split("filename*=UTF-8''")[1]) == expected
    assert header.isascii()


def test_a_database_that_does_not_answer_is_a_503_with_retry_after(
    checker: Checker, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on the database's port: the API answers 503 with Retry-After, a page
    says so in Swedish, one warning line per request and no traceback; /healthz still answers."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2",
            "CHECKER": checker,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    caplog.clear()
    response = client.get("/api/v1/findings", headers=bearer("sk_whatever"))
    assert response.status_code == 503, response.data
    assert response.headers["Retry-After"].isdigit()
    assert response.mimetype == "application/problem+json"
    assert "databasen svarar inte" in response.json["detail"]  # type: ignore[index]
    form = client.get("/logga-in")
    assert form.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    page = client.post(
        "/logga-in", data={"csrf_token": csrf[1], "username": "enhet", "password": "x"}
    )
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"].isdigit() and 'lang="sv"' in page.text
    login = client.post("/api/v1/auth/login", json={"username": "a", "password": "b"})
    assert login.status_code == 503
    assert not any(r.exc_info for r in caplog.records), "no traceback for an outage"
    app.extensions["styrkoll_engine"].dispose()


def test_self_checks_and_uploads_are_limited_per_user_and_window(service_app: Flask) -> None:
    """Past the window's limit a user's self-check or upload is 429 with Retry-After, counted
    before any work (a refused document counts too); another user is not held up."""
    service_app.config.update(RATE_CHECKS=3, RATE_UPLOADS=2, RATE_WINDOW=3600)
    all_tokens = tokens(service_app)
    client = service_app.test_client()
    text = (DEFECT_DOSSIER / "riskanalys.yaml").read_bytes()
    headers = {**bearer(all_tokens["enhet"]), "Content-Type": YAML}
    answers = [client.post("/api/v1/checks", data=b"- [", headers=headers).status_code]
    answers += [client.post("/api/v1/checks", data=text, headers=headers).status_code]
    answers += [client.post("/api/v1/checks", data=text, headers=headers).status_code]
    refused = client.post("/api/v1/checks", data=text, headers=headers)
    assert answers == [422, 200, 200] and refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "högst 3 självkontroller" in refused.json["detail"]  # type: ignore[index]
    other = {**bearer(all_tokens["enhet2"]), "Content-Type": YAML}
    assert client.post("/api/v1/checks", data=text, headers=other).status_code == 200
    unit = unit_id(service_app, "Administrativa avdelningen")
    ups = [
        client.post(
            "/api/v1/documents",
            query_string={"unit": unit, "filename": "riskanalys.yaml"},
            data=text,
            headers=headers,
        ).status_code
        for _ in range(3)
    ]
    assert ups[:2] == [201, 201] and ups[2] == 429


def test_the_rate_count_is_atomic_across_connections(service_app: Flask) -> None:
    """Twelve threads count at once on their own connections: the counts are 1..12, each once."""
    from concurrent.futures import ThreadPoolExecutor

    from service.ratelimit import count

    engine = service_app.extensions["styrkoll_engine"]
    with ThreadPoolExecutor(6) as pool:
        found = sorted(
            pool.map(lambda _: count(engine, "check:test", 3600, now=7200.0)[0], range(12))
        )
    assert found == list(range(1, 13))
    assert count(engine, "check:test", 3600, now=10800.0) == (1, 3600)  # a new window


def test_the_self_check_page_counts_against_the_same_limit(service_app: Flask) -> None:
    """The page's self-check and the API's share the user's count; past it, a Swedish 429 page."""
    service_app.config.update(RATE_CHECKS=1, RATE_WINDOW=3600)
    client = service_app.test_client()
    form = client.get("/logga-in")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    from service.demo import DEMO_PASSWORD

    logged_in = client.post(
        "/logga-in",
        data={"csrf_token": csrf[1], "username": "enhet", "password": DEMO_PASSWORD},
    )
    assert logged_in.status_code in (302, 303)
    page = client.get("/sjalvkontroll")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    text = (DEFECT_DOSSIER / "riskanalys.yaml").read_text(encoding="utf-8")
    first = client.post("/sjalvkontroll", data={"csrf_token": csrf[1], "text": text})
    assert first.status_code == 200, first.text[:500]
    second = client.post("/sjalvkontroll", data={"csrf_token": csrf[1], "text": text})
    assert second.status_code == 429 and second.mimetype == "text/html"
    assert second.headers["Retry-After"].isdigit() and 'lang="sv"' in second.text


def test_a_dossier_the_engine_cannot_judge_is_a_422_and_nothing_is_kept(
    service_app: Flask, tmp_path: Any
) -> None:
    """More facts than the engine takes in one check: the engine refuses, the answer says the
    document could not be checked (422, Swedish), never a 500 and never a pass; an upload keeps
    nothing."""
    from checks import engine

    in_process = Checker(isolated=False)  # the engine's limit is read where the engine runs
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": service_app.config["DATABASE_URL"],
            "CHECKER": in_process,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    token = tokens(app)["enhet"]
    client = app.test_client()
    text = (DEFECT_DOSSIER / "verksamhetsplan.yaml").read_bytes()
    headers = {**bearer(token), "Content-Type": YAML}
    unit = unit_id(app, "Administrativa avdelningen")
    before = counts(app)
    limit, engine.MAX_FACTS = engine.MAX_FACTS, 10
    try:
        checked = client.post("/api/v1/checks", data=text, headers=headers)
        uploaded = client.post(
            "/api/v1/documents",
            query_string={"unit": unit, "filename": "verksamhetsplan.yaml"},
            data=text,
            headers=headers,
        )
    finally:
        engine.MAX_FACTS = limit
    for response in (checked, uploaded):
        assert response.status_code == 422, response.json
        assert "kunde inte kontrolleras" in response.json["detail"]  # type: ignore[index]
        assert "för många fakta" in response.json["detail"]  # type: ignore[index]
    after = counts(app)
    app.extensions["styrkoll_engine"].dispose()
    in_process.close()
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }
