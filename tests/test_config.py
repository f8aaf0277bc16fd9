"""An organisation's configuration: thresholds, selection, severities, rules switched off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.catalogue import Catalogue
from checks.checker import Checker
from checks.config import load_config
from checks.dossier import load_target
from checks.loading import InputError
from tests.conftest import DEFECT_DOSSIER, EXAMPLES, run_styrkoll

ORG = EXAMPLES / "organisation.yaml"


def _config(tmp_path: Path, text: str, catalogue: Catalogue):  # type: ignore[no-untyped-def]
    path = tmp_path / "org.yaml"
    path.write_text("organisation: Testförvaltningen\n" + text, encoding="utf-8")
    return load_config(path, catalogue)


def test_the_example_configuration_tailors_the_check(checker: Checker) -> None:
    config = load_config(ORG, checker.catalogue)
    plain = checker.check(load_target(DEFECT_DOSSIER))
    tailored = checker.check(load_target(DEFECT_DOSSIER), config=config)
    # risk threshold 12: the risk valued 9 no longer needs a control, the one valued 12 still does
    assert sum(f.rule_id == "R3" for f in plain.findings) == 2
    assert [f.element for f in tailored.findings if f.rule_id == "R3"] == [
        'risken "Färre feriearbeten än planerat erbjuds"'
    ]
    # 5 % overrun allowed: F4 (5.2 %) still fires, at 5 % it would not
    assert any(f.rule_id == "F4" for f in tailored.findings)
    # C6 lowered to info, and info is not selected: C6 is gone, and so is C5 (info)
    assert not any(f.rule_id in ("C5", "C6") for f in tailored.findings)
    assert tailored.outcomes["C6"] == "not_selected" and tailored.outcomes["C5"] == "not_selected"
    assert tailored.outcomes["Q1"] == "switched_off"
    assert config.severities == {"C6": "info"}


def test_a_severity_override_changes_the_findings_severity(
    checker: Checker, tmp_path: Path
) -> None:
    config = _config(tmp_path, "allvarlighetsgrad:\n  C4: fel\n", checker.catalogue)
    result = checker.check(load_target(DEFECT_DOSSIER), config=config)
    c4 = [f for f in result.findings if f.rule_id == "C4"]
    assert c4 and all(f.severity == "fel" for f in c4)


def test_selecting_areas_and_ids_keeps_only_those(checker: Checker, tmp_path: Path) -> None:
    config = _config(tmp_path, "urval:\n  områden: [B]\n  regler: [R3]\n", checker.catalogue)
    result = checker.check(load_target(DEFECT_DOSSIER), config=config)
    found = {f.rule_id for f in result.findings}
    assert {"B4", "B5", "R3"} <= found
    assert all(r.startswith("B") or r == "R3" for r in found)
    assert result.outcomes["C1"] == "not_selected"


def test_the_report_states_what_was_tailored() -> None:
    proc = run_styrkoll("check", "--config", str(ORG), str(DEFECT_DOSSIER))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "Anpassat av Exempelstadens stadsdelsförvaltning" in out
    assert (
        "Riskvärde (sannolikhet × konsekvens) som kräver en kontroll" in out
        and "12 (standard 9)" in out
    )
    assert "C6: allvarlighetsgrad varning → info" in out
    assert "Q1 avstängd: Förvaltningens kvalitetsgarantier beslutas" in out
    data = json.loads(
        run_styrkoll("check", "--format", "json", "--config", str(ORG), str(DEFECT_DOSSIER)).stdout
    )
    tailoring = data["results"][0]["tailoring"]
    assert tailoring["thresholds"]["risk_threshold"] == 12
    assert tailoring["switched_off"]["Q1"].startswith("Förvaltningens")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("avstängda:\n  - regel: Q1\n", "org.yaml rad 3: avstängda[0].motivering: fältet saknas"),
        (
            "avstängda:\n  - regel: Q9\n    motivering: Gäller inte oss alls.\n",
            'org.yaml rad 3: avstängda[0].regel: okänd regel "Q9"',
        ),
        (
            "trösklar:\n  riskvärde: 40\n",
            "org.yaml rad 3: trösklar.riskvärde: ska ligga mellan 1 och 16",
        ),
        ("trösklar:\n  risk: 4\n", "org.yaml rad 3: trösklar.risk: okänd tröskel"),
        ("urval:\n  områden: [X]\n", 'org.yaml rad 3: urval.områden[0]: okänt område "X"'),
        ("allvarlighetsgrad:\n  C1: kritisk\n", "org.yaml rad 3: allvarlighetsgrad.C1: ska vara"),
        ("okänd: 1\n", "org.yaml rad 2: okänd: okänt fält"),
    ],
)
def test_a_bad_configuration_says_what_and_where(
    catalogue: Catalogue, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputError) as info:
        _config(tmp_path, text, catalogue)
    assert message in info.value.render()


def test_a_bad_configuration_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text("organisation: X\ntrösklar:\n  riskvärde: -1\n", encoding="utf-8")
    proc = run_styrkoll("check", "--config", str(path), str(DEFECT_DOSSIER))
    assert proc.returncode == 2
    assert "riskvärde: ska ligga mellan 1 och 16" in proc.stderr
