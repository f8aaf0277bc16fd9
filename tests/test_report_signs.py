"""What a controller reads in a report's or memo's running text (rules F6–F10): the readers of
`checks.facts.followup_text` on sentences of our own, then every report and memo of the corpus,
read in place from ../shared/corpus (skipped where it is absent, failing under CI=true), with
the F6–F10 findings each gives listed one by one."""

from __future__ import annotations

import pytest

from checks.checker import Checker
from checks.facts import followup_text as ft
from checks.importers import import_file
from checks.loading import validate_document
from tests.conftest import corpus_names, corpus_path

# --- the readers ---------------------------------------------------------------------------------


def test_forecast_wording_at_year_end_and_not_for_a_later_year() -> None:
    said = ft.forecast_wording("Gul = Målet bedöms bli delvis uppfyllt under året.", 2020)
    assert said is not None and "bedöms bli delvis uppfyllt" in said
    assert ft.forecast_wording("Målet kommer att nås före årets slut.", 2020)
    assert ft.forecast_wording("Prognosen är att nämnden når samtliga mål.", 2020)
    assert ft.forecast_wording("Målet bedöms vara uppfyllt.", 2020) is None  # an outcome
    assert ft.forecast_wording("Målet bedöms bli uppfyllt 2024.", 2020) is None  # a later year
    assert ft.forecast_wording("Målet bedöms bli uppfyllt nästa år.", 2020) is None


@pytest.mark.parametrize(
    ("text", "stated", "accounted"),
    [
        (
            "Rapporten följer 11 av nämndens mål. Av dessa är 6 uppfyllda och 3 delvis uppfyllda.",
            11,
            9,
        ),
        ("Av de tio målen är sju uppfyllda, två delvis uppfyllda och ett inte uppfyllt.", 10, 10),
        ("Sammantaget bedöms 4 av 9 mål vara uppfyllda och 5 är inte uppfyllda.", 9, 9),
        ("Av totalt 6 mål är 2 uppnådda, 3 delvis uppnådda och 1 kan inte bedömas.", 6, 6),
    ],
)
def test_goal_counts_in_digits_and_words(text: str, stated: int, accounted: int) -> None:
    (count,) = ft.goal_counts(text)
    assert (count.stated, count.accounted) == (stated, accounted)


@pytest.mark.parametrize(
    "text",
    [
        "Av nämndens 12 mål är 9 uppfyllda.",  # one part only: how the rest stand is not said
        "Hela 80 procent av målen är uppfyllda och 10 procent delvis uppfyllda.",  # shares
        "Nämnden har 5 mål. Budgeten är i balans.",  # no statuses
        "3 av målen uppnås.",  # a part of a total the text does not give
    ],
)
def test_no_goal_count_where_the_text_gives_none(text: str) -> None:
    assert ft.goal_counts(text) == []


def test_assessment_deferred_to_a_later_report() -> None:
    assert ft.assessment_deferred(
        "En samlad bedömning av måluppfyllelsen görs först i årsredovisningen."
    )
    assert ft.assessment_deferred("Uppföljning av samtliga mål redovisas i delårsrapport 2.")
    assert ft.assessment_deferred("Prognos lämnas endast på målområde.")
    assert ft.assessment_deferred("Ingen prognos kan lämnas = grå.") is None  # a legend's status
    assert ft.assessment_deferred("Målen bedöms i denna rapport.") is None


@pytest.mark.parametrize(
    "text",
    [
        "Resultatet för året bedöms till mkr.",
        "Nämnden fick ett tillskott med tkr under hösten.",
        "Prognos mnkr Resultatet för perioden är bättre än väntat.",
        "Enheten visar ett underskott för perioden. Skälet är vakanser.",
    ],
)
def test_amount_missing(text: str) -> None:
    assert ft.amount_missing(text)


@pytest.mark.parametrize(
    "text",
    [
        "Resultatet för året bedöms till 12 mkr.",
        "Budget mnkr Utfall mnkr Avvikelse mnkr",  # a table's header row
        "Beloppen anges i tkr.",
        "Ett överskott på 3 procent förs över. Det är mer än väntat.",
        "Enheten visar ett underskott. Det uppgår till 2,4 mnkr.",
        "Nämnden har inget underskott i år.",
        "Regler för hur ett överskott förs över till nästa år.",  # no result stated
    ],
)
def test_amount_stated_or_no_result(text: str) -> None:
    assert ft.amount_missing(text) is None


def test_a_result_at_the_end_of_an_excerpt_may_have_its_amount_further_on() -> None:
    text = "Verksamheten gick bra. Enheten redovisar ett underskott"
    assert ft.amount_missing(text) is not None
    assert ft.amount_missing(text, excerpt=True) is None


def test_negative_equity_and_a_plan_to_restore_it() -> None:
    said = ft.negative_equity("Nämndens eget kapital är negativt efter året.")
    assert said is not None
    assert ft.negative_equity("Ett underskott på 4 mnkr som ska återställas finns kvar.")
    assert ft.negative_equity("Det egna kapitalet uppgår till 12 mnkr.") is None
    assert ft.restore_plan("Underskottet återställs under 2021 och 2022.")
    assert ft.restore_plan("Styrelsen har beslutat om en handlingsplan.")
    assert ft.restore_plan("Underskottet är stort.") is None


# --- the corpus ----------------------------------------------------------------------------------

# What the documents do not state about themselves, given as a user would (--year, --nämnd).
ARGS: dict[str, tuple[int | None, str | None]] = {
    "arsrapport-goteborg-2013-1.txt": (2013, "Stadsdelsnämnden"),
    "arsrapport-goteborg-2018-1.txt": (2018, "Stadsdelsnämnderna"),
    "arsrapport-linkoping-2011-1.txt": (2011, None),
    "arsrapport-umea-2014-1.txt": (2014, "Kommunstyrelsen"),
    "tertial-regionhalland-2012-1.txt": (2012, "Regionstyrelsen"),
    "tertial-regionvastmanland-2014-1.txt": (None, "Landstingsstyrelsen"),
    "memo-tyreso-2018-1.txt": (None, "Kommunstyrelsen"),
    "memo-karlskoga-2011-1.txt": (2011, None),
    "memo-karlskoga-2014-1.txt": (2014, None),
    "memo-stockholm-2020-1.txt": (2020, "Södermalms stadsdelsnämnd"),
    "arsrapport-storuman-2010-1.txt": (None, "Kommunstyrelsen"),
}
# Each file's findings of F6–F10, read by hand against the text (see the corpus README).
EXPECTED: dict[str, set[str]] = {
    "arsrapport-vargarda-2023-1.txt": {"F6"},  # a year-end legend in forecast words; 8+19+3=30
    "arsrapport-goteborg-2018-1.txt": {"F10"},  # negative equity 18 mnkr, no plan in the text
    "tertial-regionvastmanland-2014-1.txt": {"F7", "F9"},  # 14 goals, 7+2 given; "… mkr" label
    "tertial-solna-2017-1.txt": {"F8"},  # assessment of the goals put off to August
    "tertial-regionhalland-2012-1.txt": {"F8"},  # too short a period: prognosis per area only
    "tertial-goteborg-2017-1.txt": {"F9"},  # "… till mnkr"
    "tertial-regionsormland-2008-1.txt": {"F9"},  # "med kronor"
    "memo-regionstockholm-2014-1.txt": {"F9"},  # "förlust … om kronor"
    "memo-tyreso-2018-1.txt": {"F9"},  # deficit forecast with no amount
}
NEW = {"F6", "F7", "F8", "F9", "F10"}


@pytest.mark.parametrize("name", corpus_names("tertial", "arsrapport", "memo"))
def test_the_corpus_reports_give_what_a_reader_sees(checker: Checker, name: str) -> None:
    path = corpus_path(name)
    year, committee = ARGS.get(name, (None, None))
    imported = import_file(path.read_bytes(), name, year=year, committee=committee)
    loaded = validate_document(imported.data, name, imported.source_map)
    result = checker.check(loaded)
    found = {f.rule_id for f in result.findings if f.rule_id in NEW}
    assert found == EXPECTED.get(name, set()), [f.message for f in result.findings]
    if not name.startswith("memo"):  # a report of the corpus gives no "fel" of any rule
        assert [f.message for f in result.findings if f.severity == "fel"] == []
    for f in result.findings:
        if f.rule_id == "F9":
            assert "I texten vi har" in f.message


def test_the_report_reader_keeps_what_these_rules_read() -> None:
    """Sentences with a count, a forecast, a lost amount or negative equity, and the legend, go to
    model fields (a hand-written YAML can state the same); other prose stays unplaced."""
    text = (
        "Årsrapport 2020 för Exempelnämnden\n\nMåluppföljning\n"
        "Av nämndens sex mål bedöms fyra vara uppfyllda och en delvis uppfylld. "
        "Nämnden har arbetat vidare med digitalisering.\n"
        "Grön = Målet bedöms bli uppfyllt under året.\nÖvrigt\n"
        "Nämnden har ett negativt eget kapital på 2 mnkr. Årets resultat blev mnkr.\n"
    )
    data = import_file(text.encode(), "egen.txt").data
    assert data["teckenförklaring"] == "Grön = Målet bedöms bli uppfyllt under året."
    summary = data["sammanfattning"]
    assert "sex mål" in summary and "negativt eget kapital" in summary and "blev mnkr" in summary
    assert "digitalisering" not in summary


def test_a_report_after_three_months_is_the_first_tertial() -> None:
    text = "Uppföljningsrapport 2020 för Exempelnämnden\nMätperioden på tre månader är kort.\n"
    data = import_file(text.encode(), "egen.txt", kind="tertialrapport").data
    assert data["tertial"] == 1
