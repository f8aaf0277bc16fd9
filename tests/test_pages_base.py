"""The web pages' base (service/web/): log in and out through the forms, a start page per role,
the language switch, CSRF on every form, HTML error pages for pages and problem details for the
API, and catalogues whose committed .mo files are what their .po files compile to. Flask's test
client on the demo database, on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import io
import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.demo import DEMO_PASSWORD, DEMO_USERS
from tests.test_service import counts

ROLES = {"enhet": "enhet", "controller": "controller", "revisor": "revisor", "admin": "admin"}
FORM = "application/x-www-form-urlencoded"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "service" / "translations"
START_HEADINGS = {
    "enhet": "Din enhets internkontroll",
    "controller": "Förvaltningens internkontroll",
    "revisor": "Granskning",
    "admin": "Administration",
}


def html(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def csrf_of(response: TestResponse) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html(response))
    assert found, html(response)[:500]
    return found.group(1)


def field_error(page: str, field: str) -> str:
    """The error message tied to a field: the field names it in aria-describedby."""
    tag = re.search(rf'<(?:input|textarea|select)[^>]*id="{field}"[^>]*>', page)
    assert tag, f"no field {field}"
    assert 'aria-describedby="' in tag.group(0) and f"{field}-error" in tag.group(0), tag.group(0)
    assert 'aria-invalid="true"' in tag.group(0)
    message = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert message, f"no error for {field}"
    text = re.sub(r"<[^>]+>", "", message.group(1))
    return " ".join(unescape(text).split())


def summary_links(page: str) -> list[str]:
    box = re.search(r'class="error-summary".*?</div>', page, re.S)
    assert box, "no error summary"
    return re.findall(r'<a href="#([\w-]+)">', box.group(0))


def log_in(client: FlaskClient, username: str, password: str = DEMO_PASSWORD) -> TestResponse:
    token = csrf_of(client.get("/logga-in"))
    return client.post(
        "/logga-in", data={"username": username, "password": password, "csrf_token": token}
    )


def test_a_page_needs_a_login_and_returns_to_it_after(service_app: Flask) -> None:
    client = service_app.test_client()
    response = client.get("/sjalvkontroll")
    assert response.status_code == 303
    assert response.headers["Location"] == "/logga-in?next=/sjalvkontroll"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="next" value="/sjalvkontroll"' in html(page)
    response = client.post(
        "/logga-in",
        data={
            "username": "enhet",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_of(page),
            "next": "/sjalvkontroll",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/sjalvkontroll"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil", "x"])
def test_login_never_sends_anyone_to_another_site(service_app: Flask, target: str) -> None:
    client = service_app.test_client()
    token = csrf_of(client.get("/logga-in"))
    response = client.post(
        "/logga-in",
        data={"username": "enhet", "password": DEMO_PASSWORD, "csrf_token": token, "next": target},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/"


@pytest.mark.parametrize("username", [u for u, _, _ in DEMO_USERS])
def test_every_user_lands_on_their_roles_start_page(service_app: Flask, username: str) -> None:
    role = next(r for u, r, _ in DEMO_USERS if u == username)
    client = service_app.test_client()
    response = log_in(client, username)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    text = html(page)
    assert f"<h1>{START_HEADINGS[role]}</h1>" in text
    assert '<html lang="sv">' in text and 'href="#innehall"' in text and 'id="innehall"' in text
    assert f'<span class="who-name">{username}</span>' in text
    assert 'href="/sjalvkontroll"' in text  # a flow every role has
    assert "Content-Security-Policy" in page.headers and "http" not in re.sub(
        r'(href|action)="/[^"]*"', "", text
    ).replace("http-equiv", "")  # nothing from outside the service


def test_the_stylesheet_is_served_from_the_service(service_app: Flask) -> None:
    page = html(service_app.test_client().get("/logga-in"))
    links = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', page)
    assert len(links) == 2
    for href in links:
        with service_app.test_client().get(href) as response:  # a file: closed after
            assert response.status_code == 200, href
            assert response.mimetype in ("text/css", "image/svg+xml")


def test_a_wrong_password_is_a_swedish_error_on_the_password_field(service_app: Flask) -> None:
    client = service_app.test_client()
    before = counts(service_app)
    response = log_in(client, "enhet", "fel-lösenord")
    assert response.status_code == 401
    page = html(response)
    assert summary_links(page) == ["password"]
    assert field_error(page, "password") == (
        "Fel: Fel användarnamn eller lösenord. Kontrollera och försök igen."
    )
    assert 'value="enhet"' in page  # the user name is kept, the password never
    assert "fel-lösenord" not in page
    before["audit_entry"] += 1  # the failed login, audited (issue 14)
    assert counts(service_app) == before
    assert client.get("/").status_code == 303  # still not logged in


def test_empty_fields_are_errors_on_each_field(service_app: Flask) -> None:
    client = service_app.test_client()
    token = csrf_of(client.get("/logga-in"))
    response = client.post("/logga-in", data={"username": " ", "password": "", "csrf_token": token})
    assert response.status_code == 422
    page = html(response)
    assert summary_links(page) == ["username", "password"]
    assert field_error(page, "username") == "Fel: Ange ditt användarnamn"
    assert field_error(page, "password") == "Fel: Ange ditt lösenord"
    assert "<title>Fel: Logga in – Styrkoll</title>" in page


def test_too_many_failures_say_when_to_try_again(service_app: Flask) -> None:
    service_app.config["LOGIN_LIMIT"] = 2
    client = service_app.test_client()
    for _ in range(2):
        assert log_in(client, "controller", "fel").status_code == 401
    response = log_in(client, "controller")  # even the right password now waits
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    assert field_error(html(response), "username") == (
        "Fel: För många misslyckade inloggningar. Försök igen om 15 minuter."
    )


def test_a_login_form_without_its_token_is_refused(service_app: Flask) -> None:
    client = service_app.test_client()
    client.get("/logga-in")
    for token in ("", "forged"):
        response = client.post(
            "/logga-in",
            data={"username": "enhet", "password": DEMO_PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 400
        assert "Formuläret hade gått ut" in field_error(html(response), "username")
    assert client.get("/").status_code == 303


def test_logout_is_a_post_form_with_its_token(service_app: Flask) -> None:
    client = service_app.test_client()
    log_in(client, "revisor")
    start = client.get("/")
    token = csrf_of(start)
    assert client.get("/logga-ut").status_code == 405  # no logout by a link or a prefetch
    refused = client.post("/logga-ut", data={"csrf_token": "forged"})
    assert refused.status_code == 403 and refused.mimetype == "text/html"
    assert "Formuläret hade gått ut" in html(refused)
    assert client.get("/").status_code == 200  # still logged in
    response = client.post("/logga-ut", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/logga-in?utloggad=1"
    assert "Du är utloggad." in html(client.get(response.headers["Location"]))
    assert client.get("/").status_code == 303


def test_the_api_keeps_its_header_token_and_problem_details(service_app: Flask) -> None:
    client = service_app.test_client()
    log_in(client, "enhet")
    token = csrf_of(client.get("/"))
    # a form field is no API token: the API's JSON requests still need the header
    response = client.post("/api/v1/auth/tokens", json={"csrf_token": token})
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert client.post("/api/v1/auth/tokens", headers={"X-CSRF-Token": token}).status_code == 201


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/finns-inte", 404, "Sidan finns inte"),
        ("/logga-ut", 405, "Det går inte att göra så här"),
    ],
)
def test_pages_answer_errors_as_swedish_pages(
    service_app: Flask, path: str, status: int, title: str
) -> None:
    response = service_app.test_client().get(path)
    assert response.status_code == status and response.mimetype == "text/html"
    assert f"<h1>{title}</h1>" in html(response) and '<html lang="sv">' in html(response)


def test_a_bug_is_a_swedish_page_without_a_traceback(service_app: Flask) -> None:
    def broken() -> str:
        raise RuntimeError("hemlig detalj")

    service_app.add_url_rule("/trasig", "broken", broken)
    response = service_app.test_client().get("/trasig")
    assert response.status_code == 500 and response.mimetype == "text/html"
    page = html(response)
    assert "<h1>Något gick fel hos oss</h1>" in page
    assert response.headers["X-Request-Id"] in page  # to quote to support
    assert "hemlig detalj" not in page and "Traceback" not in page


def test_error_pages_speak_the_page_language(service_app: Flask) -> None:
    client = service_app.test_client()
    client.set_cookie("lang", "en")
    page = html(client.get("/finns-inte"))
    assert '<html lang="en">' in page and "<h1>Page not found</h1>" in page


GARBAGE = [
    ("post", "/logga-in", {"data": b"\x00\xff" * 1000, "content_type": "application/octet-stream"}),
    ("post", "/logga-in", {"data": b"--x\r\n\r\n", "content_type": "multipart/form-data"}),
    ("post", "/logga-in", {"data": {"username": "u" * 100_000, "password": "p" * 100_000}}),
    ("post", "/logga-in", {"data": {"username": ["a", "b"], "csrf_token": ["x", "y"]}}),
    ("post", "/logga-in", {"data": "username=%ff%fe&password=%00", "content_type": FORM}),
    ("get", "/logga-in?next=" + "%ff" * 3000, {}),
    ("get", "/sprak/%00?next=%0d%0aSet-Cookie:x=y", {}),
    ("get", "/" + "å" * 3000, {}),
    ("put", "/", {}),
    ("delete", "/sjalvkontroll", {}),
    ("post", "/sjalvkontroll", {"data": b"\x00" * 5000, "content_type": "multipart/form-data"}),
    ("post", "/logga-ut", {"data": b"{}", "content_type": "application/json"}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), GARBAGE, ids=range(len(GARBAGE)))
@pytest.mark.parametrize("username", [None, "controller"])
def test_no_page_answers_garbage_with_a_500(
    service_app: Flask, method: str, path: str, kwargs: dict[str, object], username: str | None
) -> None:
    client = service_app.test_client()
    if username is not None:
        log_in(client, username)
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 500, (path, response.status_code)
    if response.status_code >= 400:
        assert response.mimetype == "text/html", path
        assert "Traceback" not in html(response)
    assert "\r" not in response.headers.get("Location", "") and "x=y" not in str(response.headers)


def test_the_api_answers_errors_as_problem_details(service_app: Flask) -> None:
    client = service_app.test_client()
    for path in ("/api/v1/finns-inte", "/api/finns-inte"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json", path
    assert client.get("/healthz").mimetype == "application/json"


def test_the_language_switch_sets_english_and_back(service_app: Flask) -> None:
    client = service_app.test_client()
    log_in(client, "controller")
    response = client.get("/sprak/en?next=/")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = html(client.get("/"))
    assert '<html lang="en">' in page
    assert "<h1>The administration's internal control</h1>" in page
    assert ">Log out<" in page and 'href="/sprak/sv?next=/"' in page
    client.get("/sprak/sv?next=/")
    assert "<h1>Förvaltningens internkontroll</h1>" in html(client.get("/"))


@pytest.mark.parametrize("lang", ["de", "", "EN", "en-GB", "ÅÄÖ", "x" * 1000])
def test_unknown_languages_mean_swedish(service_app: Flask, lang: str) -> None:
    client = service_app.test_client()
    client.set_cookie("lang", lang)
    page = client.get("/logga-in")
    assert page.status_code == 200 and '<html lang="sv">' in html(page)
    response = client.get(f"/sprak/{lang or 'x'}?next=//evil.example")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert response.headers["Set-Cookie"].startswith("lang=sv;")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_committed_mo_files_are_the_compiled_po_files(lang: str) -> None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    assert (folder / "messages.mo").read_bytes() == compiled.getvalue(), (
        "run: .venv/bin/pybabel compile -d service/translations"
    )


def test_the_catalogues_hold_every_text_of_the_pages() -> None:
    """What `pybabel extract` finds in service/web/ (babel.cfg) is in both catalogues: a text
    added without updating them fails here (docs/pages.md: extract, update, compile)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = TRANSLATIONS.parent.parent
    with (root / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=keywords
        )
    }
    assert len(found) > 50
    for lang in ("sv", "en"):
        with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
            catalog = read_po(po, locale=lang)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert sorted(found - ids) == [], f"{lang}: run the extract and update of docs/pages.md"


def _strings(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def test_every_english_text_is_translated() -> None:
    with (TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="en")
    untranslated = [
        m.id for m in catalog if m.id and ("fuzzy" in m.flags or not all(_strings(m.string)))
    ]
    assert untranslated == []
