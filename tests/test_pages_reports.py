"""The report pages (service/web/reports.py): the committee summary shows what the API's summary
says for the same committee and year; each role sees only what it may (a committee not theirs is
the 404 page); bad committees and years are Swedish errors tied to their fields, never a 500; the
PDFs are PDFs with the summary's figures; the findings list's exports hold exactly the findings of
its filters. Flask's test client on the demo database, SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import csv
import html as entities
import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from service.db import OrgUnit
from tests.test_pages_base import field_error, html, summary_links
from tests.test_pages_controller import client_for, session_of
from tests.test_reports_summary import ADMINISTRATION, COMMITTEE
from tests.test_service import bearer, tokens, unit_id

YEAR = 2012


def text_of(page: str) -> str:
    """The page's text: no tags, entities decoded, spaces (no-break too) as one space."""
    body = re.sub(r"<[^>]+>", " ", page)
    return " ".join(entities.unescape(body).replace("\u00a0", " ").split())


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def api_summary(app: Flask, user: str, committee: int, lang: str = "sv") -> dict[str, Any]:
    token = tokens(app)[user]
    answer = app.test_client().get(
        f"/api/v1/reports/summary?committee={committee}&year={YEAR}&lang={lang}",
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    found = answer.get_json()
    assert isinstance(found, dict)
    return found


def test_the_summary_page_shows_the_apis_figures(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    for user in ("controller", "revisor", "enhet"):
        expected = api_summary(service_app, user, committee)
        answer = client_for(service_app, user).get(f"/namnd/{committee}/sammanfattning?ar={YEAR}")
        assert answer.status_code == 200, user
        shown = text_of(html(answer))
        statements = [st["text"] for s in expected["sections"] for st in s["statements"]]
        assert statements
        for statement in statements:
            assert plain(statement) in shown, (user, statement)
        counts = expected["open_findings"]
        total = counts["fel"] + counts["varning"] + counts["info"]
        assert total > 0
        # the chart of the areas tables the open findings: the same counts, summed
        table = re.search(r'id="diagram-omraden".*?</figure>', html(answer), re.S)
        assert table, user
        cells = re.findall(r'<td class="num">([\d\s\u00a0]+)</td>', table.group(0))
        assert sum(int(c.replace("\u00a0", "").replace(" ", "")) for c in cells) == total * 2
        assert f"{expected['committee']} {YEAR}" in shown


def test_each_statements_findings_link_to_their_pages(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    expected = api_summary(service_app, "controller", committee)
    client = client_for(service_app, "controller")
    page = html(client.get(f"/namnd/{committee}/sammanfattning?ar={YEAR}"))
    linked = {int(i) for i in re.findall(r'<a href="/fynd/(\d+)">\d+</a>', page)}
    wanted = {
        i for s in expected["sections"] for st in s["statements"] for i in st["findings"][:12]
    }
    # every open finding a statement shows links to its page (a resolved one stands unlinked)
    token = tokens(service_app)["controller"]
    listed = service_app.test_client().get(
        f"/api/v1/findings?year={YEAR}&status=active&per_page=500", headers=bearer(token)
    )
    active = {f["id"] for f in (listed.get_json() or {})["findings"]}
    assert linked and linked <= wanted and wanted & active <= linked
    one = sorted(linked)[0]
    assert client.get(f"/fynd/{one}").status_code == 200
    assert f'href="/namnd/{committee}/sammanfattning.pdf?ar={YEAR}"' in page


def test_english_summary_is_the_apis_english(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    expected = api_summary(service_app, "controller", committee, "en")
    client = client_for(service_app, "controller")
    client.get("/sprak/en?next=/")
    shown = text_of(html(client.get(f"/namnd/{committee}/sammanfattning?ar={YEAR}")))
    for section in expected["sections"]:
        assert plain(section["heading"]) in shown
        for st in section["statements"]:
            assert plain(st["text"]) in shown


def other_committee(app: Flask) -> int:
    """A second nämnd with a förvaltning and a unit, outside the demo controller's tree."""
    with session_of(app) as session:
        board = OrgUnit(name="Farsta stadsdelsnämnd", level="nämnd", parent_id=None)
        session.add(board)
        session.flush()
        office = OrgUnit(
            name="Farsta stadsdelsförvaltning", level="förvaltning", parent_id=board.id
        )
        session.add(office)
        session.flush()
        session.add(OrgUnit(name="Farsta äldreomsorg", level="enhet", parent_id=office.id))
        session.commit()
        return board.id


def test_each_role_sees_only_what_it_may(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    farsta = other_committee(service_app)
    office = unit_id(service_app, ADMINISTRATION)
    for user, own, other in (
        ("enhet", 200, 404),
        ("controller", 200, 404),
        ("revisor", 200, 200),
        ("admin", 200, 200),
    ):
        client = client_for(service_app, user)
        for path in ("sammanfattning", "sammanfattning.pdf"):
            mine = client.get(f"/namnd/{committee}/{path}?ar={YEAR}")
            assert mine.status_code == own, (user, path)
            theirs = client.get(f"/namnd/{farsta}/{path}?ar={YEAR}")
            assert theirs.status_code == other, (user, path)
        # the choice offers only the committees the user may read something of
        form = html(client.get("/sammanfattning"))
        assert (f'value="{farsta}"' in form) == (other == 200), user
        assert client.get(f"/forvaltning/{office}/internkontroll?ar={YEAR}").status_code == 200
    # a unit head sees only their own unit's part, and is told so
    shown = text_of(
        html(client_for(service_app, "enhet").get(f"/namnd/{committee}/sammanfattning?ar={YEAR}"))
    )
    assert "Du ser bara de enheter du har behörighet att läsa." in shown
    anonymous = service_app.test_client().get(f"/namnd/{committee}/sammanfattning?ar={YEAR}")
    assert anonymous.status_code == 303 and "/logga-in" in anonymous.headers["Location"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("namnd=&ar=2012", "namnd", "Välj en nämnd i listan"),
        ("namnd=abc&ar=2012", "namnd", "Välj en nämnd i listan"),
        ("namnd=99999999999999&ar=2012", "namnd", "Välj en nämnd i listan"),
        ("namnd={committee}&ar=", "ar", "Ange vilket år rapporten ska gälla"),
        ("namnd={committee}&ar=tjugotolv", "ar", "Ange året med fyra siffror"),
        ("namnd={committee}&ar=1812", "ar", "Ange året med fyra siffror"),
        ("namnd={office}&ar=2012", "namnd", "Välj en nämnd i listan"),
    ],
)
def test_bad_choices_are_swedish_errors_on_their_fields(
    service_app: Flask, query: str, field: str, message: str
) -> None:
    committee = unit_id(service_app, COMMITTEE)
    office = unit_id(service_app, ADMINISTRATION)
    client = client_for(service_app, "controller")
    answer = client.get("/sammanfattning?" + query.format(committee=committee, office=office))
    assert answer.status_code == 422
    page = html(answer)
    assert message in field_error(page, field)
    assert summary_links(page) == [field]
    assert "<title>Fel:" in page


def test_a_good_choice_leads_to_the_summary(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    client = client_for(service_app, "controller")
    answer = client.get(f"/sammanfattning?namnd={committee}&ar={YEAR}")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/namnd/{committee}/sammanfattning?ar={YEAR}")


def test_bad_paths_are_errors_never_a_500(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    office = unit_id(service_app, ADMINISTRATION)
    client = client_for(service_app, "controller")
    wrong_level = client.get(f"/namnd/{office}/sammanfattning?ar={YEAR}")
    assert wrong_level.status_code == 422
    assert "inte en nämnd" in field_error(html(wrong_level), "namnd")
    bad_year = client.get(f"/namnd/{committee}/sammanfattning?ar=%00x")
    assert bad_year.status_code == 422
    assert "fyra siffror" in field_error(html(bad_year), "ar")
    for path in (
        f"/namnd/{2**40}/sammanfattning?ar={YEAR}",
        f"/namnd/{2**40}/sammanfattning.pdf?ar={YEAR}",
        f"/forvaltning/{2**40}/internkontroll?ar={YEAR}",
        f"/namnd/{committee + 100000}/sammanfattning?ar={YEAR}",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/namnd/{committee}/sammanfattning.pdf?ar=x").status_code == 422
    assert client.get(f"/forvaltning/{committee}/internkontroll?ar={YEAR}").status_code == 422
    assert client.get("/fynd/export.csv?severity=katastrof").status_code == 422


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return plain(" ".join(p.extract_text() or "" for p in reader.pages))


def test_the_pdfs_hold_the_summarys_figures(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    office = unit_id(service_app, ADMINISTRATION)
    expected = api_summary(service_app, "controller", committee)
    client = client_for(service_app, "controller")
    answer = client.get(f"/namnd/{committee}/sammanfattning.pdf?ar={YEAR}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = " ".join(pdf_text(answer.data).split())
    assert COMMITTEE in text
    # a statement's figures as the PDF's text extraction gives them (lines may break anywhere)
    squeezed = text.replace(" ", "")
    for section in expected["sections"]:
        for st in section["statements"]:
            assert plain(st["text"]).replace(" ", "") in squeezed, st["text"]
    control = client.get(f"/forvaltning/{office}/internkontroll.pdf?ar={YEAR}")
    assert control.status_code == 200 and ADMINISTRATION in pdf_text(control.data)


def listed_ids(client: Any, query: str) -> set[int]:
    page = html(client.get(f"/fynd?{query}&per_page=500"))
    return {int(i) for i in re.findall(r'<li class="finding[^"]*" id="fynd-(\d+)">', page)}


@pytest.mark.parametrize(
    "query",
    ["year=2012&severity=fel", "year=2012&area=R", "status=active&kind=riskanalys", "year=2012"],
)
def test_the_exports_hold_exactly_the_findings_of_the_lists_filters(
    service_app: Flask, query: str
) -> None:
    client = client_for(service_app, "controller")
    wanted = listed_ids(client, query)
    assert wanted, query
    page = html(client.get(f"/fynd?{query}"))
    assert f'href="/fynd/export.csv?{entities.escape(query)}"' in page
    as_json = client.get(f"/fynd/export.json?{query}")
    assert as_json.status_code == 200
    found = json.loads(as_json.data)
    assert {f["id"] for f in found["findings"]} == wanted and found["total"] == len(wanted)
    as_csv = client.get(f"/fynd/export.csv?{query}")
    rows = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == len(wanted)
    book = load_workbook(io.BytesIO(client.get(f"/fynd/export.xlsx?{query}").data))
    assert sum(sheet.max_row - 1 for sheet in book.worksheets) == len(wanted)


def test_a_unit_heads_export_holds_only_their_unit(service_app: Flask) -> None:
    client = client_for(service_app, "enhet")
    found = json.loads(client.get("/fynd/export.json?year=2012").data)["findings"]
    assert found and {f["unit"] for f in found} == {
        unit_id(service_app, "Administrativa avdelningen")
    }
