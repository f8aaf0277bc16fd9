"""In a real browser, against a real server: every role logs in through the form and lands on
its start page, a wrong password is a Swedish error tied to its field, logging out works, the
language switches to English and back, and an unknown address is a Swedish page. Every page is
checked with axe-core and photographed (see conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from service.demo import DEMO_PASSWORD
from tests.browser.conftest import Visit

START_HEADINGS = {
    "enhet": "Din enhets internkontroll",
    "controller": "Förvaltningens internkontroll",
    "revisor": "Granskning",
    "admin": "Administration",
}
ROLE_LABELS = {
    "enhet": "Enhetschef",
    "controller": "Controller",
    "revisor": "Revisor",
    "admin": "Administratör",
}


def log_in(visit: Visit, username: str, password: str = DEMO_PASSWORD) -> None:
    page = visit.page
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def h1(page: Any) -> str:
    text: str = page.locator("h1").inner_text()
    return text


@pytest.mark.parametrize("username", list(START_HEADINGS))
def test_each_role_logs_in_and_lands_on_its_start_page(visit: Visit, username: str) -> None:
    visit.go("/", "login")  # anonymous: to the login page
    page = visit.page
    assert page.url.endswith("/logga-in?next=/") and h1(page) == "Logga in"
    log_in(visit, username)
    page.wait_for_url(visit.server.url + "/")
    visit.seen(f"start {username}")
    assert h1(page) == START_HEADINGS[username]
    header = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(18, 53, 91)"  # the stylesheet is applied
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator(".who-name").inner_text() == username
    assert page.locator(".who-role").inner_text().startswith(ROLE_LABELS[username])
    nav = page.get_by_role("navigation", name="Huvudmeny")
    assert nav.get_by_role("link", name="Start").get_attribute("aria-current") == "page"
    page.get_by_role("link", name="Självkontroll").first.click()
    visit.seen(f"self-check form {username}")
    assert h1(page) == "Självkontroll"


def test_a_wrong_password_is_a_swedish_error_tied_to_the_field(visit: Visit) -> None:
    visit.go("/logga-in", "login")
    log_in(visit, "enhet", "fel-lösenord")
    page = visit.page
    page.wait_for_selector(".error-summary")
    visit.seen("login wrong password")
    assert page.get_by_role("alert").locator("h2").inner_text() == "Det finns fel i formuläret"
    link = page.locator(".error-summary a")
    assert link.get_attribute("href") == "#password"
    message = "Fel användarnamn eller lösenord. Kontrollera och försök igen."
    assert link.inner_text() == message
    field = page.get_by_label("Lösenord")
    assert field.get_attribute("aria-invalid") == "true"
    described = (field.get_attribute("aria-describedby") or "").split()
    assert "password-error" in described
    said = page.locator("#password-error").text_content() or ""
    assert " ".join(said.split()) == f"Fel: {message}"  # "Fel:" for screen readers only
    assert page.title() == "Fel: Logga in – Styrkoll"
    link.click()  # the summary leads to the field
    assert page.url.endswith("#password")
    visit.seen("login wrong password, at the field")
    assert page.get_by_label("Användarnamn").input_value() == "enhet"


def test_log_out(visit: Visit) -> None:
    visit.go("/logga-in", "login")
    log_in(visit, "revisor")
    page = visit.page
    page.wait_for_url(visit.server.url + "/")
    visit.seen("start revisor")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in?utloggad=1")
    visit.seen("logged out")
    assert page.get_by_role("status").inner_text() == "Du är utloggad."
    visit.go("/", "after logout")
    assert page.url.endswith("/logga-in?next=/")


def test_switch_to_english_and_back(visit: Visit) -> None:
    visit.go("/logga-in", "login")
    log_in(visit, "controller")
    page = visit.page
    page.wait_for_url(visit.server.url + "/")
    visit.seen("start controller")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("html[lang=en]")
    visit.seen("start controller in English")
    assert h1(page) == "The administration's internal control"
    assert page.get_by_role("button", name="Log out").is_visible()
    page.get_by_role("link", name="Self-check").first.click()
    visit.seen("self-check form in English")
    assert h1(page) == "Self-check" and page.url.endswith("/sjalvkontroll")
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_selector("html[lang=sv]")
    visit.seen("self-check form in Swedish again")
    assert h1(page) == "Självkontroll" and page.url.endswith("/sjalvkontroll")


def test_an_unknown_address_is_a_swedish_page(visit: Visit) -> None:
    response = visit.go("/finns-inte", "not found")
    assert response.status == 404
    assert h1(visit.page) == "Sidan finns inte"
