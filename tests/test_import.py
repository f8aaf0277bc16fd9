"""Importing the documents units have: ILS-webb exports as text, PDF and Word, and memos.

The real exports are read in place from ../shared/seeds/; the PDF and Word files are created at
test time from the seed text with fpdf2 and python-docx, so all three formats are real files.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.checker import Checker
from checks.dossier import load_target
from checks.importers import import_file, load_imported
from checks.importers.ils import join_lines
from checks.loading import InputError
from checks.model import Activity, BoardGoal, Commitment, CouncilGoal, Indicator, iter_elements
from tests.conftest import run_styrkoll, seed_path

PLAN = "003_8259753c63bf40c3.txt"
MEMO_PLANS = "001_3aeb4a2fc20dbf05.txt"
MEMO_REPORTS = "002_d2afbe63dd66468c.txt"


def latin1_text(name: str) -> str:
    """The seed text as the PDF core fonts can write it (a few typographic quotes become ?)."""
    text = seed_path(name).read_text(encoding="utf-8")
    return text.encode("latin-1", "replace").decode("latin-1")


def write_pdf(text: str, path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=7)
    for line in text.split("\n"):
        pdf.cell(0, 3, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def plan_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    text = latin1_text(PLAN)
    txt = folder / "plan.txt"
    txt.write_text(text, encoding="utf-8")
    return {
        "txt": txt,
        "pdf": write_pdf(text, folder / "plan.pdf"),
        "docx": write_docx(text, folder / "plan.docx"),
    }


def _counts(plan: Any) -> Counter[str]:
    counts: Counter[str] = Counter()
    for _, element, up in iter_elements(plan):
        if isinstance(element, CouncilGoal):
            counts["kf_goals"] += 1
        elif isinstance(element, BoardGoal):
            counts["board_goals"] += 1
        elif isinstance(element, Commitment):
            counts["commitments"] += 1
        elif isinstance(element, Indicator) and isinstance(up[-1], CouncilGoal):
            counts["kf_indicators"] += 1
        elif isinstance(element, Activity):
            counts["board_acts" if isinstance(up[-1], BoardGoal) else "unit_acts"] += 1
    return counts


def test_the_seed_plan_imports_whole() -> None:
    loaded, report = load_imported(seed_path(PLAN))
    plan = loaded.plan
    assert len(plan.strategic_goals) == 3
    assert [cg.number for sg in plan.strategic_goals for cg in sg.goals] == [
        "1.1",
        "1.2",
        "1.3",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
    ]
    assert _counts(plan) == {
        "kf_goals": 7,
        "kf_indicators": 11,
        "board_goals": 8,
        "board_acts": 4,
        "commitments": 16,
        "unit_acts": 7,
    }
    budget = plan.budget
    assert budget is not None and budget.year == 2012
    assert [line.amount for line in budget.income] == [0, 0, 900, 0]
    assert sum(line.amount for line in budget.costs) == 33_800 and len(budget.costs) == 5
    assert (budget.income_total, budget.cost_total, budget.net_total) == (900, 33_800, 32_900)
    assert [d.isoformat() for d in plan.process.apt] == ["2011-11-14", "2011-12-12"]
    assert (plan.year, plan.unit, plan.unit_head) == (
        2012,
        "Administrativa avdelningen",
        "Lars Wennberg",
    )
    assert plan.committee == "Hägersten-Liljeholmens stadsdelsnämnd"
    assert report.placed_share >= 0.99
    # what was not placed is listed with its line number, not dropped
    assert (1305, "Bilagor") in report.unplaced
    acts = [a for _, a, up in iter_elements(plan) if isinstance(a, Activity)]
    assert all(a.start is not None and a.end is not None for a in acts)


def test_the_indicator_table_is_read_cell_by_cell_and_says_where_it_interpreted() -> None:
    loaded, report = load_imported(seed_path(PLAN))
    indicators = {
        i.name: (i.annual_target, i.council_target, i.periodicity)
        for _, i, _ in iter_elements(loaded.plan)
        if isinstance(i, Indicator)
    }
    assert indicators["Andel upphandlad verksamhet i konkurrens (alla nämnder)"] == (
        "35 %",
        "35 %",
        "År",
    )
    assert indicators["Antal ungdomar som fått sommarjobb i stadens regi (alla nämnder/bolag)"] == (
        "60 st",
        "öka",
        "År",
    )
    assert indicators["Andel miljöbränslen i stadens miljöbilar"] == (
        "25 %",
        "tas fram av nämnden/styrelsen",
        "Halvår",
    )
    assert indicators["Sjukfrånvaro (alla nämnder/bolag)"] == (None, "4,5 %", "År")
    assert indicators["Nämndens andel indikatorer med hög måluppfyllelse"] == (None, None, "År")
    assert indicators["Andel medarbetare på deltid som erbjuds heltid"] == (
        None,
        "fastställs 2012",
        "År",
    )
    notes = [note for _, note in report.notes]
    assert sum("kolumnen Årsmål är tom" in n for n in notes) == 5


def test_the_imported_seed_gives_its_real_defects(checker: Checker) -> None:
    result = checker.check(load_target(seed_path(PLAN)))
    by_rule = Counter(f.rule_id for f in result.findings)
    assert by_rule["C1"] == 3  # three åtaganden without förväntat resultat
    assert by_rule["C3"] == 3  # without uppföljning
    assert by_rule["I1"] == 6  # KF indicators without årsmål
    b4 = next(f for f in result.findings if f.rule_id == "B4")
    assert '"20,7 mnkr netto"' in b4.message and "32 900" in b4.message.replace("\u00a0", " ")
    b5 = next(f for f in result.findings if f.rule_id == "B5")
    assert "2010" in b5.message
    # findings point at lines of the export itself
    c1 = next(f for f in result.findings if f.rule_id == "C1")
    lines = seed_path(PLAN).read_text(encoding="utf-8").splitlines()
    assert c1.line is not None and lines[c1.line - 1].strip() == "ÅTAGANDE:"


def test_text_pdf_and_word_give_the_same_plan(plan_files: dict[str, Path]) -> None:
    dumps = {}
    for fmt, path in plan_files.items():
        loaded, report = load_imported(path)
        assert report.placed_share >= 0.99, fmt
        dumps[fmt] = loaded.document.model_dump()
    assert dumps["pdf"] == dumps["txt"]
    assert dumps["docx"] == dumps["txt"]


def test_the_memos_import_and_the_mbl_appendix_a_year_off_is_found(checker: Checker) -> None:
    loaded, report = load_imported(seed_path(MEMO_PLANS))
    memo: Any = loaded.document
    assert (memo.year, memo.concerns) == (2009, "verksamhetsplan")
    assert memo.preparation.mbl_19.isoformat() == "2009-01-13"
    assert memo.preparation.mbl_11.isoformat() == "2009-01-20"
    assert memo.decision.isoformat() == "2009-01-29"
    assert [a.mbl_11.isoformat() if a.mbl_11 else None for a in memo.attachments] == [
        None,
        None,
        "2008-01-20",
    ]
    assert len(memo.proposal) == 2 and report.placed_share >= 0.99
    assert any("saknar år" in note for _, note in report.notes)  # it says where it inferred
    found = {f.rule_id for f in checker.check(loaded).findings}
    assert {"P4", "P7"} <= found and not {"P2", "P3"} & found

    reports_memo, _ = load_imported(seed_path(MEMO_REPORTS))
    memo2: Any = reports_memo.document
    assert (memo2.year, memo2.concerns, memo2.dnr) == (2012, "årsrapport", "608-2012-1.2.1")
    assert memo2.subject == "Enheternas verksamhetsberättelser 2012"
    assert "inom beslutad budget" in memo2.summary


def test_styrkoll_import_writes_yaml_that_checks_the_same(tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    proc = run_styrkoll("import", str(seed_path(PLAN)), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "hittade: 3 inriktningsmål, 7 KF-mål, 11 KF-indikatorer" in proc.stderr
    assert "placerad text: 99.9 %" in proc.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["dokument"] == "verksamhetsplan"
    direct = run_styrkoll("check", "--format", "json", str(seed_path(PLAN)))
    via_yaml = run_styrkoll("check", "--format", "json", str(out))
    rules = [
        sorted(f["rule_id"] for f in yaml.safe_load(p.stdout)["results"][0]["findings"])
        for p in (direct, via_yaml)
    ]
    assert rules[0] == rules[1]


def test_join_lines_mends_hyphenation_and_keeps_lists() -> None:
    assert join_lines(["läkemedels-", "relaterade problem"]) == "läkemedelsrelaterade problem"
    assert join_lines(["hälso- ", "och sjukvård"]) == "hälso- och sjukvård"
    assert join_lines(["Arbetssätt:", "-Vi skickar e-post.", "-Vi släcker."]) == (
        "Arbetssätt:\n-Vi skickar e-post.\n-Vi släcker."
    )
    assert join_lines(["nämnden/", "styrelsen"]) == "nämnden/styrelsen"


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".docx"])
def test_a_broken_file_is_a_clear_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"trasig{suffix}"
    path.write_bytes(b"\x00\xff\xfe garbage \x89PNG")
    for command in ("check", "import"):
        proc = run_styrkoll(command, str(path))
        assert proc.returncode == 2, command
        assert str(path) in proc.stderr and "Traceback" not in proc.stderr
        assert proc.stdout == ""


@settings(
    max_examples=int(os.environ.get("STYRKOLL_FUZZ", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    raw=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(lambda t: t.encode("utf-8")),
        st.lists(
            st.sampled_from(
                [
                    "KF:s INRIKTNINGSMÅL 1:",
                    "1. Mål",
                    "KF:s MÅL FÖR VERKSAMHETSOMRÅDET:",
                    "1.1 Delmål",
                    "KF:s indikatorer Årsmål KF:s årsmål Periodicitet",
                    "Andel x",
                    " 35 % År",
                    "NÄMNDMÅL:",
                    "ÅTAGANDE:",
                    "Förväntat resultat",
                    "Arbetssätt",
                    "Nämndens aktiviteter Startdatum Slutdatum",
                    "Ny aktivitet 2012-01-01 2012-13-45",
                    "Enhetens aktiviteter Startdatum Slutdatum",
                    "Budget 2012",
                    "Intäkter",
                    "Bidrag",
                    "900",
                    "Summa netto",
                    "Budgetår: 2012",
                    "Inledning",
                    "",
                    "SID 1 (2)",
                    "Ärendets beredning",
                    "den 31 februari enligt § 19 MBL",
                    "Bilagor",
                    "1. MBL § 11 2008-01-20",
                    "Förslag till beslut",
                    "1. Beslut",
                ]
            ),
            max_size=60,
        ).map(lambda lines: "\n".join(lines).encode("utf-8")),
    ),
    suffix=st.sampled_from([".txt", ".pdf", ".docx"]),
)
def test_any_bytes_give_a_model_or_a_clear_error(raw: bytes, suffix: str) -> None:
    from checks.loading import validate_document

    try:
        imported = import_file(raw, f"x{suffix}")
        validate_document(imported.data, f"x{suffix}", imported.source_map)
    except InputError as exc:
        assert exc.render()


def test_a_dossier_folder_may_hold_exports(tmp_path: Path, plan_files: dict[str, Path]) -> None:
    import shutil

    from tests.conftest import CLEAN_DOSSIER

    folder = tmp_path / "akt"
    folder.mkdir()
    shutil.copy(plan_files["pdf"], folder / "verksamhetsplan.pdf")
    for name in ("riskanalys.yaml", "internkontrollplan.yaml"):
        shutil.copy(CLEAN_DOSSIER / name, folder / name)
    dossier = load_target(folder)
    assert sorted(dossier.kinds) == ["internkontrollplan", "riskanalys", "verksamhetsplan"]
    assert dossier.get("verksamhetsplan").source.endswith(".pdf")  # type: ignore[union-attr]


ILS_WITHOUT_YEAR = """Verksamhetsplan för Biblioteket Ekbacken

KF:s INRIKTNINGSMÅL 1:
1. Ett tillgängligt bibliotek för alla
KF:s MÅL FÖR VERKSAMHETSOMRÅDET:
1.1 Fler läser
NÄMNDMÅL:
Barn och unga läser mer
ÅTAGANDE:
Biblioteket ordnar läsecirklar för barn
"""


def test_an_ils_plan_that_states_no_year_or_committee_asks_for_them(tmp_path: Path) -> None:
    """Never today's year and never "Okänd nämnd": the import asks, and takes what it is told."""
    from checks.importers import import_file
    from checks.loading import InputError

    raw = ILS_WITHOUT_YEAR.encode()
    with pytest.raises(InputError) as info:
        import_file(raw, "plan.txt", committee="Kulturnämnden")
    assert "ange året med --year" in info.value.message_sv and info.value.line == 1
    with pytest.raises(InputError) as info:
        import_file(raw, "plan.txt", year=2025)
    assert "ange nämnden med --nämnd" in info.value.message_sv
    imported = import_file(raw, "plan.txt", year=2025, committee="Kulturnämnden")
    assert (imported.data["år"], imported.data["nämnd"]) == (2025, "Kulturnämnden")
    titled = ILS_WITHOUT_YEAR.replace("Ekbacken\n", "Ekbacken 2024\n", 1).encode()
    assert import_file(titled, "plan.txt", committee="Kulturnämnden").data["år"] == 2024
