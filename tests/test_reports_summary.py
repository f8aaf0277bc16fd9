"""The committee summary (issue 13) on the demo data and on more: every figure it states is
recomputed here independently – from the example documents' YAML as uploaded and from the
findings list of the API – and found in its plain-language sentences, which name no rule id;
each statement's findings are the ones behind it. Who sees what follows service/access.py.
On SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import yaml
from flask import Flask

from checks.catalogue import SEVERITY_RANK, load_catalogue
from tests.conftest import CLEAN_DOSSIER, DEFECT_DOSSIER, MINIMAL_PLAN
from tests.test_service import YAML, bearer, tokens, unit_id

COMMITTEE = "Hägersten-Liljeholmens stadsdelsnämnd"
ADMINISTRATION = "Hägersten-Liljeholmens stadsdelsförvaltning"
ADMIN_UNIT = "Administrativa avdelningen"
# the demo's current documents of Administrativa avdelningen 2012 (service/demo.py)
DEMO = {
    "verksamhetsplan": CLEAN_DOSSIER / "verksamhetsplan.yaml",
    "riskanalys": DEFECT_DOSSIER / "riskanalys.yaml",
    "internkontrollplan": DEFECT_DOSSIER / "internkontrollplan.yaml",
    "årsrapport": DEFECT_DOSSIER / "arsrapport.yaml",
}
RULE_ID = re.compile(r"\b[GCIABQRPF]\d{1,2}\b")


def plain(text: str) -> str:
    """Text as compared here: no-break spaces as spaces, the minus sign as a hyphen."""
    return " ".join(text.replace("\u00a0", " ").replace("\u2212", "-").split())


def load(path: Any, unit: str = ADMIN_UNIT) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8").replace(ADMIN_UNIT, unit))
    assert isinstance(data, dict)
    return data


def filled(value: Any) -> bool:
    return value is not None and str(value).strip(" -–—.\n") != ""


def fold(text: str) -> str:
    return " ".join(str(text).casefold().split())


def commitments(plan: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """Every åtagande of the plan's YAML, with whether it stands under a nämndmål."""
    found: list[tuple[dict[str, Any], bool]] = []

    def visit(node: Any, under_goal: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "åtaganden" and isinstance(value, list):
                    found.extend((c, under_goal) for c in value)
                elif key == "nämndmål" and isinstance(value, list):
                    for goal in value:
                        visit(goal, True)
                else:
                    visit(value, under_goal)
        elif isinstance(node, list):
            for item in node:
                visit(item, under_goal)

    visit(plan, False)
    return found


def expected(dossiers: list[dict[str, dict[str, Any]]], findings: list[dict[str, Any]]) -> Any:
    """What the summary must state, from the documents' YAML and the API's findings."""
    threshold = load_catalogue().thresholds["risk_threshold"].default
    out: dict[str, Any] = Counter()
    budgets, risks = [], []
    for docs in dossiers:
        plan, report = docs.get("verksamhetsplan"), docs.get("årsrapport")
        found = commitments(plan) if plan else []
        out["plans"] += plan is not None
        out["total"] += len(found)
        out["linked"] += sum(linked for _, linked in found)
        out["expected"] += sum(filled(c.get("förväntat_resultat")) for c, _ in found)
        out["follow_up"] += sum(filled(c.get("uppföljning")) for c, _ in found)
        if report:
            grades = Counter(fold(a.get("bedömning") or "") for a in report["åtaganden"])
            out["fulfilled"] += grades["uppfyllt"]
            out["partly"] += grades["delvis uppfyllt"]
            out["not"] += grades["ej uppfyllt"] + grades["inte uppfyllt"]
            assessed = {fold(a["åtagande"]) for a in report["åtaganden"]}
            out["not_assessed"] += sum(fold(c["titel"]) not in assessed for c, _ in found)
            money = report["ekonomi"]
            budgets.append((docs["unit"], money["budget_netto"], money["utfall_netto"]))
        analysis, controls = docs.get("riskanalys"), docs.get("internkontrollplan")
        for risk in analysis["risker"] if analysis else []:
            value = risk["sannolikhet"] * risk["konsekvens"]
            covered = any(risk["id"] in k.get("risker", []) for k in controls["kontroller"])
            if value >= threshold:
                risks.append((docs["unit"], risk["risk"], value, covered))
        out["risks_total"] += len(analysis["risker"]) if analysis else 0
    severities = Counter(f["severity"] for f in findings if f["status"] != "exception")
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        if f["status"] != "exception":
            by_rule.setdefault(f["rule_id"], []).append(f)
    order = [r.id for r in load_catalogue().rules]
    key = sorted(
        by_rule,
        key=lambda r: (SEVERITY_RANK[by_rule[r][0]["severity"]], -len(by_rule[r]), order.index(r)),
    )[:3]
    return out, budgets, risks, severities, key


def all_findings(app: Flask, user: str, query: str = "") -> list[dict[str, Any]]:
    client = app.test_client()
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get(
            f"/api/v1/findings?per_page=500&page={page}&{query}", headers=bearer(tokens(app)[user])
        ).json
        assert body is not None
        out += body["findings"]
        if len(out) >= body["total"]:
            return out
        page += 1


def summary(app: Flask, user: str, committee: int, year: int = 2012, lang: str = "sv") -> Any:
    response = app.test_client().get(
        f"/api/v1/reports/summary?committee={committee}&year={year}&lang={lang}",
        headers=bearer(tokens(app)[user]),
    )
    assert response.status_code == 200, response.json
    return response.json


def statements(body: dict[str, Any], section: str | None = None) -> list[dict[str, Any]]:
    return [
        s for sec in body["sections"] if section in (None, sec["key"]) for s in sec["statements"]
    ]


def said(body: dict[str, Any], section: str) -> str:
    return " ".join(plain(s["text"]) for s in statements(body, section))


def check_summary(app: Flask, body: dict[str, Any], dossiers: list[dict[str, Any]]) -> None:
    """The summary's figures and sentences against the independent count."""
    findings = all_findings(app, "revisor", "year=2012")
    counts, budgets, risks, severities, key = expected(dossiers, findings)
    c = body["commitments"]
    assert (c["plans"], c["total"], c["linked_to_goal"]) == (
        counts["plans"],
        counts["total"],
        counts["linked"],
    )
    assert (c["expected_result"], c["follow_up"]) == (counts["expected"], counts["follow_up"])
    total = counts["total"]
    text = said(body, "ataganden")
    for part in (counts["linked"], counts["expected"], counts["follow_up"]):
        assert f"{part} av {total} åtaganden ({round(100 * part / total)} %)" in text, text
    f = body["fulfilment"]
    assert (f["fulfilled"], f["partly"], f["not_fulfilled"], f["not_assessed"]) == (
        counts["fulfilled"],
        counts["partly"],
        counts["not"],
        counts["not_assessed"],
    )
    text = said(body, "uppfyllelse")
    assert f"{counts['fulfilled']} åtaganden uppfyllda" in text, text
    assert f"{counts['not_assessed']} åtaganden i planerna bedöms inte alls" in text, text
    assert [(b["unit"], b["budget_tkr"], b["outcome_tkr"]) for b in body["budgets"]] == sorted(
        budgets
    )
    text = said(body, "ekonomi")
    for unit, budget, outcome in budgets:
        deviation = outcome - budget
        amount = f"{'+' if deviation > 0 else ''}{deviation:,.0f}".replace(",", " ")
        pct = f"{100 * deviation / budget:.1f}".replace(".", ",")
        assert f"{unit} använde {outcome:,.0f} tkr".replace(",", " ") in text, text
        assert f"{amount} tkr ({pct} %)" in text, text
    within = sum(outcome <= budget for _, budget, outcome in budgets)
    assert f"{within} av {len(budgets)} enheter" in text
    stated = sorted(
        (r["unit"], r["risk"], r["value"], r["handling"] == "kontroll") for r in body["risks"]
    )
    assert stated == sorted(risks)
    text = said(body, "risker")
    assert f"har bedömt {counts['risks_total']} risker. {len(risks)} av dem är stora" in text
    covered = sum(r[3] for r in risks)
    assert f"{covered} av {len(risks)} stora risker" in text
    o = body["open_findings"]
    assert (o["fel"], o["varning"], o["info"]) == (
        severities["fel"],
        severities["varning"],
        severities["info"],
    )
    text = said(body, "brister")
    assert f"Styrkoll har hittat {sum(severities.values())} brister" in text
    assert f"{severities['fel']} av dem är fel" in text
    assert [k["rule_id"] for k in body["key_issues"]] == key
    current = {f["id"]: f for f in findings}
    open_ = {i: f for i, f in current.items() if f["status"] != "exception"}
    for issue in body["key_issues"]:
        assert sorted(issue["findings"]) == sorted(
            i for i, f in open_.items() if f["rule_id"] == issue["rule_id"]
        )
    for s in statements(body):
        assert not RULE_ID.search(s["text"]), s["text"]  # no rule ids in the running text
    for s in [
        s for sec in body["sections"] if sec["key"] != "andringar" for s in sec["statements"]
    ]:
        assert set(s["findings"]) <= set(current), s


def test_the_demo_summary_states_what_the_stored_documents_and_findings_give(
    service_app: Flask,
) -> None:
    committee = unit_id(service_app, COMMITTEE)
    body = summary(service_app, "revisor", committee)
    demo = {kind: load(path) for kind, path in DEMO.items()} | {"unit": ADMIN_UNIT}
    check_summary(service_app, body, [demo])
    assert body["committee"] == COMMITTEE and body["year"] == 2012 and body["complete"]
    assert body["units_total"] == 3 and [u["name"] for u in body["units"]] == [ADMIN_UNIT]
    assert "1 av 3 enheter (33 %) har lämnat handlingar" in said(body, "underlag")
    assert "Ekonomienheten och Äldreomsorgen Skärholmen" in said(body, "underlag")
    findings = all_findings(service_app, "revisor", "year=2012")
    # the statements point at the findings behind them
    f4 = sorted(f["id"] for f in findings if f["rule_id"] == "F4")
    budget = statements(body, "ekonomi")[1]
    assert "Administrativa avdelningen använde" in budget["text"] and budget["findings"] == f4
    wages = [s for s in statements(body, "risker") if "Lön betalas ut" in s["text"]]
    assert len(wages) == 1 and "Ingen kontroll" in wages[0]["text"]
    assert wages[0]["findings"] == [
        f["id"] for f in findings if f["element_id"] == "riskanalys/R-lon"
    ]
    # the plan's version 2 resolved the defects of version 1
    change = next(c for c in body["changes"] if c["kind"] == "verksamhetsplan")
    assert change["version"] == 2 and len(change["resolved"]) > 20
    assert f"{len(change['resolved'])} brister försvunnit" in said(body, "andringar")


def test_a_second_unit_counts_in_and_its_budget_is_judged_on_its_own(service_app: Flask) -> None:
    unit = unit_id(service_app, "Ekonomienheten")
    client = service_app.test_client()
    dossier: dict[str, Any] = {"unit": "Ekonomienheten"}
    for kind, name in (
        ("verksamhetsplan", "verksamhetsplan.yaml"),
        ("riskanalys", "riskanalys.yaml"),
        ("internkontrollplan", "internkontrollplan.yaml"),
        ("årsrapport", "arsrapport.yaml"),
    ):
        text = (DEFECT_DOSSIER / name).read_text(encoding="utf-8")
        text = text.replace(ADMIN_UNIT, "Ekonomienheten").replace(
            "utfall_netto: 34600", "utfall_netto: 31000"
        )
        response = client.post(
            f"/api/v1/documents?unit={unit}&filename={name}",
            data=text.encode(),
            content_type=YAML,
            headers=bearer(tokens(service_app)["enhet2"]),
        )
        assert response.status_code == 201, response.json
        dossier[kind] = yaml.safe_load(text)
    body = summary(service_app, "controller", unit_id(service_app, COMMITTEE))
    demo = {kind: load(path) for kind, path in DEMO.items()} | {"unit": ADMIN_UNIT}
    check_summary(service_app, body, [demo, dossier])
    assert not body["complete"] and body["units_total"] == 2  # the controller's tree
    economy = next(b for b in body["budgets"] if b["unit"] == "Ekonomienheten")
    assert economy["within"] and economy["deviation_tkr"] == 31000 - 32900
    most = max(body["by_unit"], key=lambda u: u["fel"] + u["varning"] + u["info"])
    assert f"Flest brister finns hos {most['unit']}" in said(body, "brister")
    assert "Du ser bara de enheter du har behörighet att läsa." in said(body, "underlag")


def test_who_sees_what_and_bad_requests_get_swedish_problems(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    own = summary(service_app, "enhet", committee)
    assert [u["name"] for u in own["units"]] == [ADMIN_UNIT] and own["units_total"] == 1
    other = summary(service_app, "enhet3", committee)  # a unit of the committee without documents
    assert other["units"] == [] and other["commitments"]["total"] == 0
    assert other["open_findings"] == {"fel": 0, "varning": 0, "info": 0}
    client = service_app.test_client()
    admin = bearer(tokens(service_app)["admin"])
    made = client.post(
        "/api/v1/organisation", json={"name": "Andra nämnden", "level": "nämnd"}, headers=admin
    )
    assert made.status_code == 201, made.json
    enhet = bearer(tokens(service_app)["enhet"])
    hidden = client.get(
        f"/api/v1/reports/summary?committee={made.json['id']}&year=2012", headers=enhet
    )  # type: ignore[index]
    assert hidden.status_code == 404 and hidden.mimetype == "application/problem+json"
    assert "finns inte" in hidden.json["detail"]  # type: ignore[index]
    administration = unit_id(service_app, ADMINISTRATION)
    wrong = client.get(
        f"/api/v1/reports/summary?committee={administration}&year=2012", headers=enhet
    )
    assert wrong.status_code == 422
    assert wrong.json["errors"][0]["path"] == "committee"  # type: ignore[index]
    assert "förvaltning, inte en nämnd" in wrong.json["detail"]  # type: ignore[index]
    for query in ("committee=x&year=2012", "year=2012", f"committee={committee}&year=1800"):
        bad = client.get(f"/api/v1/reports/summary?{query}", headers=enhet)
        assert bad.status_code == 422 and bad.json["errors"], query  # type: ignore[index]
    assert client.get(f"/api/v1/reports/summary?committee={committee}&year=2012").status_code == 401


def test_the_summary_reads_in_english(service_app: Flask) -> None:
    body = summary(service_app, "revisor", unit_id(service_app, COMMITTEE), lang="en")
    assert body["lang"] == "en"
    assert [s["heading"] for s in body["sections"]][:2] == [
        "What this is based on",
        "Commitments and goals",
    ]
    assert "16 of 16 commitments (100%) belong to one of the committee's goals." in said(
        body, "ataganden"
    )
    assert "+1,700 tkr (5.2%)" in said(body, "ekonomi")
    assert body["by_area"][0]["title"] == "Goal linkage"


def test_an_approved_exception_leaves_the_open_count_and_last_year_is_compared(
    service_app: Flask,
) -> None:
    client = service_app.test_client()
    toks = tokens(service_app)
    committee = unit_id(service_app, COMMITTEE)
    before = summary(service_app, "revisor", committee)
    target = next(
        f for f in all_findings(service_app, "revisor", "year=2012") if f["rule_id"] == "R3"
    )
    later = (date.today() + timedelta(days=60)).isoformat()
    asked = client.post(
        f"/api/v1/findings/{target['id']}/decisions",
        json={"kind": "accepted_risk", "text": "Risken bärs i år.", "expires": later},
        headers=bearer(toks["enhet"]),
    ).json
    assert asked is not None
    approved = client.post(
        f"/api/v1/decisions/{asked['id']}/approve", headers=bearer(toks["controller"])
    )
    assert approved.status_code == 200, approved.json
    plan = MINIMAL_PLAN.replace("2012", "2011").replace("Exempelenheten", ADMIN_UNIT)
    uploaded = client.post(
        f"/api/v1/documents?unit={unit_id(service_app, ADMIN_UNIT)}&filename=plan-2011.yaml",
        data=plan.encode(),
        content_type=YAML,
        headers=bearer(toks["enhet"]),
    )
    assert uploaded.status_code == 201, uploaded.json
    after = summary(service_app, "revisor", committee)
    assert after["exceptions"] == 1
    assert after["open_findings"]["fel"] == before["open_findings"]["fel"] - 1
    assert "1 brist har ett godkänt undantag" in said(after, "brister")
    dossiers = [{kind: load(path) for kind, path in DEMO.items()} | {"unit": ADMIN_UNIT}]
    check_summary(service_app, after, dossiers)
    last_year = all_findings(service_app, "revisor", "year=2011")
    assert last_year, "the minimal plan has findings"
    now = sum(after["open_findings"].values())
    then = "1 öppen brist" if len(last_year) == 1 else f"{len(last_year)} öppna brister"
    assert f"Förra året (2011) fanns {then}. Nu är de {now}." in said(after, "andringar")
    assert [y["year"] for y in after["years"]] == [2011, 2012]
