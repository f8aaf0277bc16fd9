"""The rule catalogue as pages (service/web/catalogue.py): the index by area lists every rule of
the catalogue the service checks with; each rule's page shows its title, severity, years in force,
area, reason, reference, remedy and every scenario of the living policy tagged with it. Open to
every logged-in role, in Swedish and English (the scenarios stay Swedish); an unknown rule is a
404 page. Flask's test client on the demo database, on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import html as entities
import re

import pytest
from flask import Flask

from checks.catalogue import Catalogue
from service.web import scenarios
from tests.test_pages_base import html
from tests.test_pages_controller import client_for


def text_of(page: str) -> str:
    """The page's text, tags removed and entities read, white space folded."""
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def h1(page: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert found, page[:1000]
    return entities.unescape(found.group(1))


@pytest.mark.parametrize("username", ["enhet", "controller", "revisor", "admin"])
def test_every_role_reads_the_catalogue(service_app: Flask, username: str) -> None:
    client = client_for(service_app, username)
    assert client.get("/regler").status_code == 200
    assert client.get("/regler/R3").status_code == 200
    nav = re.search(r'<nav class="site-nav".*?</nav>', html(client.get("/")), re.S)
    assert nav and 'href="/regler"' in nav.group(0)


def test_the_catalogue_needs_a_login(service_app: Flask) -> None:
    response = service_app.test_client().get("/regler/A1")
    assert (
        response.status_code == 303 and response.headers["Location"] == "/logga-in?next=/regler/A1"
    )


def test_the_index_lists_every_rule_by_area(service_app: Flask, catalogue: Catalogue) -> None:
    page = html(client_for(service_app, "enhet").get("/regler"))
    linked = re.findall(r'<th scope="row"><a href="/regler/([A-Z]\d+[a-z]?)">', page)
    assert linked == [r.id for r in catalogue.rules]  # every rule, in reading order
    headings = re.findall(r'<h2 id="omrade-([A-Z])">', page)
    assert headings == [a.code for a in catalogue.areas]
    for area in catalogue.areas:
        assert f'href="#omrade-{area.code}"' in page
        section = page[page.index(f'<h2 id="omrade-{area.code}">') :]
        section = section[: section.find("</section>")]
        assert set(re.findall(r'href="/regler/([A-Z]\d+[a-z]?)"', section)) == {
            r.id for r in catalogue.rules if r.rule.area == area.code
        }
    assert f"version {catalogue.version}" in page


def test_each_rule_page_shows_the_rule_and_its_scenarios(
    service_app: Flask, catalogue: Catalogue
) -> None:
    client = client_for(service_app, "controller")
    for checked in catalogue.rules:
        rule = checked.rule
        response = client.get(f"/regler/{rule.id}")
        assert response.status_code == 200, rule.id
        page = html(response)
        text = text_of(page)
        assert h1(page) == f"{rule.id} {rule.title.sv}"
        for part in (rule.rationale.sv, rule.reference.sv, rule.remedy.sv):
            assert " ".join(part.split()) in text, (rule.id, part)
        assert f'<span class="tag tag-{rule.severity}">' in page
        years = f"från {rule.valid_from}" if rule.valid_to is None else str(rule.valid_to)
        assert years in text, rule.id
        area = next(a for a in catalogue.areas if a.code == rule.area)
        assert f"{area.code} – {area.title.sv}" in text
        found = scenarios.scenarios_for(rule.id)
        names = re.findall(r'<h3 id="scenario-\d+">Scenario(?:mall)?: (.*?)</h3>', page)
        assert [entities.unescape(n) for n in names] == [s.name for s in found], rule.id
        for s in found:  # every step, the background first
            for step in (*s.background, *s.steps):
                assert f"{step.keyword} {' '.join(step.text.split())}" in text, (rule.id, step)
        assert f'href="/fynd?rule={rule.id}"' in page


def test_a_scenario_shows_its_doc_string_and_where_it_stands(service_app: Flask) -> None:
    page = html(client_for(service_app, "enhet").get("/regler/A1"))
    first = scenarios.scenarios_for("A1")[0]
    assert first.steps[0].doc_string
    assert f"<pre>{entities.escape(first.steps[0].doc_string, quote=False)}</pre>" in page
    assert f"features/{first.source}, rad {first.line}" in page
    assert 'class="scenario" lang="sv"' in page


def test_the_rule_pages_read_in_english_with_swedish_scenarios(
    service_app: Flask, catalogue: Catalogue
) -> None:
    client = client_for(service_app, "revisor")
    client.get("/sprak/en?next=/")
    rule = catalogue.get("R3")
    assert rule is not None
    page = html(client.get("/regler/R3"))
    assert '<html lang="en">' in page
    assert h1(page) == f"R3 {rule.rule.title.en}"
    assert " ".join(rule.rule.remedy.en.split()) in text_of(page)
    assert "The scenarios are written in Swedish." in page
    assert 'class="scenario" lang="sv"' in page
    index = html(client.get("/regler"))
    assert f"{catalogue.areas[0].code} – {catalogue.areas[0].title.en}" in text_of(index)


def test_a_rule_id_in_lower_case_leads_to_the_rule(service_app: Flask) -> None:
    response = client_for(service_app, "enhet").get("/regler/r3")
    assert response.status_code == 301 and response.headers["Location"] == "/regler/R3"


@pytest.mark.parametrize("rule_id", ["X1", "R999", "A1%00", "%3Cscript%3E", "R" * 300, "ÅÄÖ"])
def test_an_unknown_rule_is_a_swedish_404_page(service_app: Flask, rule_id: str) -> None:
    response = client_for(service_app, "enhet").get(f"/regler/{rule_id}")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<h1>Sidan finns inte</h1>" in html(response)
    assert "<script>" not in html(response)
