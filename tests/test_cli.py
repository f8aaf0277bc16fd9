"""`styrkoll` from the outside: formats, thresholds, languages, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from checks.checker import Checker
from checks.dossier import load_target
from tests.conftest import CLEAN_EXAMPLE, DEFECT_EXAMPLE, ROOT, run_styrkoll


def test_text_report_groups_by_severity_and_goal(checker: Checker) -> None:
    result = checker.check(load_target(DEFECT_EXAMPLE))
    out = run_styrkoll("check", str(DEFECT_EXAMPLE)).stdout
    counts = (result.count("fel"), result.count("varning"))
    fel, varningar = out.index(f"FEL ({counts[0]})"), out.index(f"VARNINGAR ({counts[1]})")
    assert fel < varningar
    section = out[fel:varningar]
    goals = [line.strip() for line in section.splitlines() if line.startswith("  KF ")]
    assert goals[0].startswith("KF 1.1") and goals[1].startswith("KF 1.3")
    assert (
        "rad 100" in section
        and "Åtgärd:" in section
        and "Avläst: förväntat resultat: saknas" in out
    )
    assert "REGLER SOM GAV FYND" in out and "Grund:" in out


def test_json_format_carries_findings_and_catalogue(checker: Checker) -> None:
    expected = checker.check(load_target(DEFECT_EXAMPLE))
    proc = run_styrkoll("check", "--format", "json", str(DEFECT_EXAMPLE))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    result = data["results"][0]
    assert result["summary"] == {s: expected.count(s) for s in ("fel", "varning", "info")}
    assert len(result["findings"]) == len(expected.findings) > 0
    assert len(result["catalogue"]["hash"]) == 64
    first = result["findings"][0]
    assert set(first) >= {
        "rule_id",
        "severity",
        "message",
        "path",
        "line",
        "breadcrumb",
        "evidence",
        "reference",
        "remedy",
        "fingerprint",
    }


def test_junit_format_has_a_case_per_rule_and_failures_for_findings(checker: Checker) -> None:
    expected = checker.check(load_target(DEFECT_EXAMPLE))
    proc = run_styrkoll("check", "--format", "junit", str(DEFECT_EXAMPLE))
    root = ET.fromstring(proc.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    rules = json.loads(run_styrkoll("rules", "--format", "json").stdout)["rules"]
    assert len(cases) == len(rules)
    failed = sorted(c.get("name", "").split()[0] for c in cases if c.find("failure") is not None)
    assert failed == sorted(r for r, o in expected.outcomes.items() if o == "failed")
    assert {"A3", "B4", "C1", "I1"} <= set(failed)


@pytest.mark.parametrize(
    ("threshold", "example", "code"),
    [
        ("fel", CLEAN_EXAMPLE, 0),
        ("fel", DEFECT_EXAMPLE, 1),
        ("info", CLEAN_EXAMPLE, 0),
    ],
)
def test_exit_codes_follow_the_threshold(threshold: str, example: Path, code: int) -> None:
    assert run_styrkoll("check", "--fail-on", threshold, str(example)).returncode == code


def test_warnings_only_pass_at_the_default_threshold_and_fail_on_varning(tmp_path: Path) -> None:
    text = CLEAN_EXAMPLE.read_text(encoding="utf-8").replace(
        "Avdelningens budget uppgår till 32,9 mnkr netto, en ökning",
        "Avdelningens budget uppgår till 30,0 mnkr netto, en ökning",
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    assert run_styrkoll("check", str(plan)).returncode == 0
    assert run_styrkoll("check", "--fail-on", "varning", str(plan)).returncode == 1


def test_english_report() -> None:
    out = run_styrkoll("check", "--lang", "en", str(DEFECT_EXAMPLE)).stdout
    assert "ERRORS (12)" in out and "states no expected result" in out


def test_rules_list_and_show() -> None:
    listing = run_styrkoll("rules")
    assert listing.returncode == 0
    assert "C1   fel      Varje åtagande anger förväntat resultat" in listing.stdout
    shown = run_styrkoll("rules", "show", "b4")
    assert shown.returncode == 0
    assert "B4  Nettobelopp som anges i texten stämmer med budgettabellen" in shown.stdout
    assert '"kind": "text_amount"' in shown.stdout
    missing = run_styrkoll("rules", "show", "Z9")
    assert missing.returncode == 2 and "ingen regel med id Z9" in missing.stderr


def test_schema_is_json_schema_with_swedish_keys() -> None:
    schema = json.loads(run_styrkoll("schema").stdout)
    assert schema["title"] == "Verksamhetsplan"
    assert {"dokument", "år", "enhet", "inriktningsmål", "budget"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_command_line_errors_exit_2_in_swedish() -> None:
    proc = run_styrkoll("check", "--format", "pdf", str(CLEAN_EXAMPLE))
    assert proc.returncode == 2 and "fel i kommandoraden" in proc.stderr
    assert run_styrkoll("check").returncode == 2
    helptext = run_styrkoll("check", "--help").stdout
    assert helptext.startswith("användning: styrkoll check") and "visa den här hjälpen" in helptext


def test_an_unusable_catalogue_exits_3_and_says_where(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "commitments.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{$nex: {follow_up: 1}}", "{$nex: {folow_up: 1}}"),
        encoding="utf-8",
    )
    proc = run_styrkoll("check", "--rules", str(rules), str(CLEAN_EXAMPLE))
    assert proc.returncode == 3
    assert "regelkatalogen kan inte användas" in proc.stderr
    assert "commitments.yaml rad 87: rules[2].when.all[0].c.$and[1].$nex" in proc.stderr
    assert 'har inget fält "folow_up"' in proc.stderr


def test_docs_rules_md_is_generated_from_the_catalogue_and_not_stale() -> None:
    generated = run_styrkoll("rules", "--format", "markdown").stdout
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, (
        "docs/rules.md är inaktuell: kör `styrkoll rules --format markdown > docs/rules.md`"
    )
    assert "### C1 Varje åtagande anger förväntat resultat" in generated


def test_schema_prints_each_document_kind() -> None:
    for kind, title in (
        ("riskanalys", "Risk- och väsentlighetsanalys"),
        ("tjänsteutlåtande", "Tjänsteutlåtande"),
        ("tertialrapport", "Uppföljningsrapport"),
    ):
        proc = run_styrkoll("schema", kind)
        assert proc.returncode == 0, proc.stderr
        schema = json.loads(proc.stdout)
        assert schema["title"] == title
        assert "år" in schema["properties"]


def test_junit_keeps_not_judged_and_not_applicable_apart_and_never_passed(tmp_path: Path) -> None:
    """Issue 10: "kunde inte bedömas" and "ej tillämplig" are distinct in the JUnit report, and
    neither is a passing test case."""
    memo = tmp_path / "utlatande.yaml"
    memo.write_text(
        "dokument: tjänsteutlåtande\når: 2025\nnämnd: Kulturnämnden\n"
        "ärende: Verksamhetsplan 2025\navser: verksamhetsplan\n"
        "förslag_till_beslut: [Kulturnämnden fastställer verksamhetsplanen.]\n",
        encoding="utf-8",
    )
    proc = run_styrkoll("check", "--format", "junit", str(memo))
    root = ET.fromstring(proc.stdout)
    cases = {c.get("name", "").split()[0]: c for c in root.iter("testcase")}
    p2 = cases["P2"].find("skipped")  # no decision date: P2 cannot judge
    assert p2 is not None and p2.get("type") == "not_judged"
    assert (p2.get("message") or "").startswith("kunde inte bedömas")
    g1 = cases["G1"].find("skipped")  # no plan in the dossier
    assert g1 is not None and g1.get("type") == "not_applicable"
    assert (g1.get("message") or "").startswith("ej tillämplig")
    suite = root.find("testsuite")
    assert suite is not None
    skipped = sum(1 for c in cases.values() if c.find("skipped") is not None)
    assert suite.get("skipped") == str(skipped)
