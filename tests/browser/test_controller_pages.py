"""The controller's and the auditor's pages in a real browser: an exception asked for by the unit
is approved by another controller from the queue; a controller cannot approve their own; a
rejection needs its reason; the overview leads to the findings it counts; the rule catalogue and a
rule with its scenarios; the auditor reads and filters the audit trail, a bad date an error tied
to its field. Every page is checked with axe-core and photographed (see conftest.py).

The exceptions are asked for through the API with the browser's own session (its CSRF token from
the page), as the unit's pages would; the server's database is shared by the session's browser
tests, so each test picks a finding nobody has asked about yet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_browser_login import h1, log_in


def logged_in(visit: Visit, username: str, path: str, name: str) -> Any:
    visit.go(f"/logga-in?next={path}", f"login {username}")
    log_in(visit, username)
    visit.page.wait_for_url(f"**{path}")
    visit.seen(name)
    return visit.page


def log_out(visit: Visit) -> None:
    visit.page.get_by_role("button", name="Logga ut").click()
    visit.page.wait_for_url("**/logga-in?utloggad=1")
    visit.seen("logged out")


def api(page: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The API with the browser's session: a change carries the page's CSRF token."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    url = page.url.split("/", 3)[:3]
    address = "/".join(url) + path
    if method == "GET":
        return page.request.get(address)
    return page.request.post(address, data=body, headers={"X-CSRF-Token": token})


def ask_exception(page: Any, reason: str) -> tuple[int, dict[str, Any]]:
    """An exception on an active finding nobody has asked about: (decision id, the finding)."""
    listed = api(page, "GET", "/api/v1/findings?status=active&severity=fel&per_page=500")
    assert listed.ok, listed.text()
    finding = listed.json()["findings"][0]
    later = (date.today() + timedelta(days=120)).isoformat()
    asked = api(
        page,
        "POST",
        f"/api/v1/findings/{finding['id']}/decisions",
        {"kind": "accepted_risk", "text": reason, "expires": later},
    )
    assert asked.status == 201, asked.text()
    return asked.json()["id"], finding


def state_of(page: Any, finding: int, decision: int) -> str:
    found = api(page, "GET", f"/api/v1/findings/{finding}/decisions")
    assert found.ok
    states = {d["id"]: d["state"] for d in found.json()["decisions"]}
    return str(states[decision])


def test_another_controller_approves_the_units_exception(visit: Visit) -> None:
    page = logged_in(visit, "enhet", "/regler", "catalogue as enhet")
    decision, finding = ask_exception(page, "Enheten bär risken under omorganisationen.")
    log_out(visit)
    page = logged_in(visit, "controller2", "/undantag", "queue as controller2")
    assert h1(page) == "Undantag att besluta"
    item = page.locator("li", has=page.locator(f"#undantag-{decision}"))
    assert "Enheten bär risken under omorganisationen." in item.inner_text()
    assert "enhet" in item.inner_text()
    item.get_by_role("button", name="Godkänn undantaget").click()
    page.wait_for_url("**/undantag?beslut=godkant")
    visit.seen("queue after approval")
    assert page.get_by_role("status").inner_text() == "Undantaget är godkänt."
    assert page.locator(f"#undantag-{decision}").count() == 0
    assert state_of(page, finding["id"], decision) == "approved"


def test_a_controller_cannot_approve_their_own_request(visit: Visit) -> None:
    page = logged_in(visit, "controller", "/undantag", "queue as controller")
    decision, finding = ask_exception(page, "Controllern bedömer risken som liten.")
    page.reload()
    visit.seen("queue with own request")
    item = page.locator("li", has=page.locator(f"#undantag-{decision}"))
    assert "Du begärde själv det här undantaget" in item.inner_text()
    assert item.get_by_role("button").count() == 0  # neither approve nor reject
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = page.request.post(
        page.url.split("/undantag")[0] + f"/undantag/{decision}/godkann",
        form={"csrf_token": token},
    )
    assert forged.status == 403 and "fyra ögon" in forged.text()
    assert state_of(page, finding["id"], decision) == "requested"


def test_a_rejection_needs_its_reason(visit: Visit) -> None:
    page = logged_in(visit, "enhet", "/regler", "catalogue as enhet")
    decision, finding = ask_exception(page, "Regeln passar inte vår verksamhet.")
    log_out(visit)
    page = logged_in(visit, "controller2", "/undantag", "queue as controller2")
    item = page.locator("li", has=page.locator(f"#undantag-{decision}"))
    item.get_by_role("button", name="Avslå undantaget").click()
    page.wait_for_selector(".error-summary")
    visit.seen("rejection without a reason")
    assert page.title().startswith("Fel: ")
    link = page.locator(".error-summary a")
    assert link.inner_text() == "Skriv varför undantaget avslås"
    link.click()
    field = page.locator(f"#reason-{decision}")
    assert field.evaluate("e => e === document.activeElement")
    assert field.get_attribute("aria-invalid") == "true"
    visit.seen("rejection reason field")
    field.fill("Risken är för stor för att bäras ett år till.")
    item = page.locator("li", has=page.locator(f"#undantag-{decision}"))
    item.get_by_role("button", name="Avslå undantaget").click()
    page.wait_for_url("**/undantag?beslut=avslaget")
    visit.seen("queue after rejection")
    assert "avslaget" in page.get_by_role("status").inner_text()
    assert state_of(page, finding["id"], decision) == "rejected"


def test_the_overview_leads_to_its_findings(visit: Visit) -> None:
    page = logged_in(visit, "controller", "/oversikt", "overview as controller")
    assert h1(page) == "Översikt"
    table = page.get_by_role("table").first
    cell = table.locator("tbody td a").first  # a count (the row heading links the unit)
    label = cell.inner_text()  # "5 fel"
    cell.click()
    page.wait_for_url("**/fynd?**")
    visit.seen("findings list from the overview")
    assert page.locator("#traffar").inner_text() == label.split()[0] + " fynd"
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**status=active**")
    visit.seen("findings list, active")
    visit.go("/oversikt?year=tjugotolv", "overview with a bad year")
    assert page.locator(".error-summary a").inner_text() == (
        "Ange året med fyra siffror, till exempel 2012"
    )
    page.get_by_label("År").select_option("2012")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**/oversikt?year=2012**")
    visit.seen("overview 2012")
    assert page.get_by_role("table").count() >= 1


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_rule_catalogue_and_a_rule(visit: Visit, lang: str) -> None:
    page = logged_in(visit, "revisor", "/regler", "catalogue")
    if lang == "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state("load")
        visit.seen("catalogue in English")
    page.get_by_role("link", name="R3", exact=True).click()
    page.wait_for_url("**/regler/R3")
    visit.seen(f"rule R3 {lang}")
    assert h1(page).startswith("R3 ")
    scenarios = page.locator("section.scenario")
    assert scenarios.count() >= 1 and scenarios.first.get_attribute("lang") == "sv"


def test_the_auditor_reads_and_filters_the_trail(visit: Visit) -> None:
    page = logged_in(visit, "revisor", "/", "start as revisor")
    page.get_by_role("link", name="Granskningslogg").first.click()
    page.wait_for_url("**/granskningslogg")
    visit.seen("audit trail")
    page.get_by_role("link", name="Kontrollera kedjan").click()
    page.wait_for_url("**/granskningslogg/kontroll")
    visit.seen("audit chain check")
    assert page.locator("#kedjan h2").inner_text() == "Kedjan håller"
    page.get_by_role("link", name="Granskningslogg").last.click()
    page.wait_for_url("**/granskningslogg")
    visit.seen("audit trail again")
    page.get_by_label("Händelse").select_option("upload")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**action=upload**")
    visit.seen("audit trail, uploads")
    actions = page.locator("tbody tr td:nth-child(4)").all_inner_texts()
    assert actions and set(actions) == {"Uppladdning"}
    page.get_by_label("Från och med").fill("31/12")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_selector(".error-summary")
    visit.seen("audit trail with a bad date")
    link = page.locator(".error-summary a")
    assert link.inner_text() == "Ange datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-01"
    link.click()
    assert page.get_by_label("Från och med").evaluate("e => e === document.activeElement")
