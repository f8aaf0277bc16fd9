"""Reading operating plans in layouts other than ILS-webb 2008–2012: small plans of our own in the
2013–2018 planning-system layout, numbered, Stratsys and run-on layouts (what is read, what is
left unplaced, what is never invented), then the corpus excerpts, read in place from
../shared/corpus/docs (skipped where absent, failing under CI=true)."""

from __future__ import annotations

import pytest

from checks.importers import HEADINGS as COMMON_HEADINGS
from checks.importers import Imported
from checks.importers.detect import read_head
from checks.importers.plans import HEADINGS, parse_plan_text
from checks.importers.text import Head, normalise
from checks.loading import InputError, validate_document
from tests.conftest import corpus_names, corpus_path
from tests.test_import_controls import accounted

ALL_HEADINGS = (*COMMON_HEADINGS, *HEADINGS)


def read(text: str, committee: str | None = "Fritidsnämnden") -> Imported:
    lines = normalise(text, ALL_HEADINGS)
    imported = parse_plan_text(lines, "plan.txt", Head(2016, 1, committee=committee))
    validate_document(imported.data, "plan.txt", imported.source_map)
    accounted(imported, len(lines))
    return imported


PLANNING_SYSTEM = (
    "Verksamhetsplan 2016 för fritidsförvaltningen\n"  # 1
    "NÄMNDMÅL:\n"  # 2
    "Fler unga hittar en meningsfull fritid\n"  # 3
    "Indikator Årsmål KF:s årsmål Periodicitet\n"  # 4
    "Andel unga som besöker en fritidsgård 40 % 35 % År\n"  # 5
    "Antal öppna kvällar i veckan på\n"  # 6
    "gårdarna 12 st 10 st Tertial\n"  # 7
    "Aktivitet Startdatum Slutdatum\n"  # 8
    "Kartlägga önskemål hos unga i stadsdelen 2016-01-15 2016-05-31\n"  # 9
    "ÅTAGANDE:\n"  # 10
    "Vi erbjuder öppen verksamhet alla vardagskvällar\n"  # 11
    "Förväntat resultat\n"  # 12
    "Besöken ökar jämfört med förra året.\n"  # 13
    "Arbetssätt\n"  # 14
    "Personalen planerar kvällarna tillsammans\n"  # 15
    "med ungdomsrådet.\n"  # 16
    "Resursanvändning\n"  # 17
    "Två fritidsledare per kväll.\n"  # 18
    "Uppföljning\n"  # 19
    "Besöksstatistik varje månad.\n"  # 20
    "Utveckling\n"  # 21
    "Nya lokaler prövas under hösten.\n"  # 22
    "Aktivitet Startdatum Slutdatum\n"  # 23
    "Starta ett ungdomsråd 2016-02-01 2016-12-31\n"  # 24
    "Nämndens mål: Alla känner sig trygga i anläggningarna\n"  # 25
    "Indikator Årsmål KF:s årsmål Periodicitet\n"  # 26
    "Andel besökare som känner sig trygga 90 % Halvår\n"  # 27
)


def test_planning_system_layout_goals_indicators_activities_commitments() -> None:
    imported = read(PLANNING_SYSTEM)
    data = imported.data
    assert (data["år"], data["nämnd"], data["enhet"]) == (2016, "Fritidsnämnden", "Fritidsnämnden")
    first, second = data["nämndmål"]
    assert first["titel"] == "Fler unga hittar en meningsfull fritid"
    assert first["indikatorer"] == [
        {
            "namn": "Andel unga som besöker en fritidsgård",
            "årsmål": "40 %",
            "kf_årsmål": "35 %",
            "periodicitet": "År",
        },
        {
            "namn": "Antal öppna kvällar i veckan på gårdarna",
            "årsmål": "12 st",
            "kf_årsmål": "10 st",
            "periodicitet": "Tertial",
        },
    ]
    assert first["aktiviteter"] == [
        {
            "titel": "Kartlägga önskemål hos unga i stadsdelen",
            "startdatum": "2016-01-15",
            "slutdatum": "2016-05-31",
        }
    ]
    (commitment,) = first["åtaganden"]
    assert commitment == {
        "titel": "Vi erbjuder öppen verksamhet alla vardagskvällar",
        "förväntat_resultat": "Besöken ökar jämfört med förra året.",
        "arbetssätt": "Personalen planerar kvällarna tillsammans med ungdomsrådet.",
        "resursanvändning": "Två fritidsledare per kväll.",
        "uppföljning": "Besöksstatistik varje månad.",
        "utveckling": "Nya lokaler prövas under hösten.",
        "aktiviteter": [
            {
                "titel": "Starta ett ungdomsråd",
                "startdatum": "2016-02-01",
                "slutdatum": "2016-12-31",
            }
        ],
    }
    assert second["titel"] == "Alla känner sig trygga i anläggningarna"
    # one value in a two-value row: read, and the import says it had to choose the column
    assert second["indikatorer"][0]["årsmål"] == "90 %"
    assert "kf_årsmål" not in second["indikatorer"][0]
    assert any("tvetydigt" in note for _, note in imported.report.notes)
    assert imported.source_map.lines[("nämndmål", 0)] == 2
    assert imported.source_map.lines[("nämndmål", 0, "indikatorer", 1)] == 6
    assert imported.source_map.lines[("nämndmål", 0, "åtaganden", 0)] == 10
    assert imported.report.counts == {
        "nämndmål": 2,
        "indikatorer": 3,
        "aktiviteter": 2,
        "åtaganden": 1,
    }
    assert imported.report.unplaced == [(1, "Verksamhetsplan 2016 för fritidsförvaltningen")]


def test_tab_separated_row_keeps_an_empty_column_empty() -> None:
    imported = read("Nämndmål: Simkunnigheten ökar\nIndikator Årsmål KF:s årsmål Periodicitet\n"
                    "Andel elever som kan simma\t\t95 %\tÅr\n")  # fmt: skip
    (indicator,) = imported.data["nämndmål"][0]["indikatorer"]
    assert indicator == {"namn": "Andel elever som kan simma", "kf_årsmål": "95 %",
                         "periodicitet": "År"}  # fmt: skip


NUMBERED = (
    "Innehåll\n"  # 1
    "3 Mål ... 4\n"  # 2
    "3.1 Målområde 1 En stad för alla ... 5\n"  # 3
    "3 Mål\n"  # 4
    "3.1 Målområde 1 En stad för alla\n"  # 5
    "3.1.1 Biblioteken når fler barn\n"  # 6
    "Indikator Årsmål KF:s årsmål Periodicitet\n"  # 7
    "Antal utlånade barnböcker 5 000 st 4 000 st År\n"  # 8
    "3.1.2 Badhusen har längre öppettider\n"  # 9
    "4 Ekonomi\n"  # 10
    "Budgeten är i balans.\n"  # 11
)


def test_numbered_plan_reads_goals_under_their_goal_area() -> None:
    imported = read(NUMBERED)
    goals = imported.data["nämndmål"]
    assert [g["titel"] for g in goals] == [
        "Biblioteken når fler barn",
        "Badhusen har längre öppettider",
    ]
    assert goals[0]["indikatorer"][0]["årsmål"] == "5 000 st"
    assert goals[0]["indikatorer"][0]["kf_årsmål"] == "4 000 st"
    notes = " ".join(note for _, note in imported.report.notes)
    assert "målområde 3.1" in notes and "innehållsförteckning" in notes
    assert imported.report.unplaced == [
        (1, "Innehåll"),
        (4, "3 Mål"),
        (10, "4 Ekonomi"),
        (11, "Budgeten är i balans."),
    ]


STRATSYS = (
    "• Övergripande mål\n"  # 1
    " • Kommunen är en bra plats att växa upp i\n"  # 2
    "  • Barn och unga rör sig mer på fritiden\n"  # 3
    "   Målvärde\n"  # 4
    "  • Föreningslivet får fler ledare\n"  # 5
    "   Målvärde 120 st\n"  # 6
)


def test_stratsys_tree_empty_target_value_is_not_invented() -> None:
    imported = read(STRATSYS)
    first, second = imported.data["nämndmål"]
    # the label with nothing after it: an empty target, none made up
    assert first == {"titel": "Barn och unga rör sig mer på fritiden", "målvärde": ""}
    assert second["indikatorer"] == [{"namn": "Föreningslivet får fler ledare", "årsmål": "120 st"}]
    notes = dict(imported.report.notes)
    assert "utan värde" in notes[4]
    assert "120 st" in notes[6]
    assert [n for n, _ in imported.report.unplaced] == [1, 2]


RUN_ON = (
    "Nämndernas mål: Fritidsnämnden - Fler besök i simhallarna - Spåren underhålls varje vecka "
    "Socialnämnden - Kortare väntetid till försörjningsstöd\n"
)


def test_run_on_list_reads_the_plans_committee_only() -> None:
    imported = read(RUN_ON)
    assert [g["titel"] for g in imported.data["nämndmål"]] == [
        "Fler besök i simhallarna",
        "Spåren underhålls varje vecka",
    ]
    assert any("1 för Socialnämnden" in note for _, note in imported.report.notes)
    assert imported.report.unplaced == [(1, "Nämndernas mål:")]


def test_run_on_list_without_committee_asks_for_it() -> None:
    with pytest.raises(InputError) as caught:
        read(RUN_ON, committee=None)
    assert caught.value.line == 1
    assert "--nämnd" in caught.value.message_sv
    assert "Socialnämnden" in caught.value.message_sv


def test_committee_named_in_the_text_is_used_and_absent_one_is_refused() -> None:
    imported = read("Nämnd: Kulturnämnden\nNämndmål: Fler går på konsert\n", committee=None)
    assert (imported.data["nämnd"], imported.data["enhet"]) == ("Kulturnämnden", "Kulturnämnden")
    with pytest.raises(InputError) as caught:
        read("Inledning om året\nNämndmål: Fler går på konsert\n", committee=None)
    assert caught.value.line == 1 and "--nämnd" in caught.value.message_sv


def test_text_without_goals_is_refused_with_a_line() -> None:
    with pytest.raises(InputError) as caught:
        read("Budgetunderlag 2016\nVerksamheten växer.\n")
    assert caught.value.line == 1


def test_heading_without_title_is_refused_not_filled_in() -> None:
    with pytest.raises(InputError) as caught:
        read("Nämndmål:\nIndikator Årsmål KF:s årsmål Periodicitet\n")
    assert caught.value.line == 1


@pytest.mark.parametrize("name", corpus_names("vp"))
def test_corpus_plan_validates_or_is_refused_with_a_line(name: str) -> None:
    path = corpus_path(name)
    text = path.read_text(encoding="utf-8")
    lines = normalise(text, ALL_HEADINGS)
    head = read_head(lines, "verksamhetsplan")
    head.year = head.year or 2020  # the caller always sets it
    try:
        imported = parse_plan_text(lines, name, head)
    except InputError as exc:
        assert exc.line is not None
        return
    validate_document(imported.data, name, imported.source_map)
    accounted(imported, len(lines))
    assert imported.data["nämndmål"]


def test_corpus_stratsys_excerpt_reads_goals_without_targets() -> None:
    path = corpus_path("vp-klippan-2024-1.txt")
    lines = normalise(path.read_text(encoding="utf-8"), ALL_HEADINGS)
    imported = parse_plan_text(
        lines, path.name, Head(2024, 1, committee="Kultur- och fritidsnämnden")
    )
    validate_document(imported.data, path.name, imported.source_map)
    goals = imported.data["nämndmål"]
    assert len(goals) == 9
    assert not any("indikatorer" in g for g in goals)


def test_numbered_list_item_in_a_section_stays_in_the_section() -> None:
    imported = read(
        "Nämndmål: Fler lär sig simma\nÅtagande: Simskola varje lov\nArbetssätt\n"
        "1 Skolorna anmäler grupper\n2 Lärarna följer upp\n"
    )
    commitment = imported.data["nämndmål"][0]["åtaganden"][0]
    assert commitment["arbetssätt"] == "1 Skolorna anmäler grupper 2 Lärarna följer upp"


def test_a_target_label_that_ends_the_text_is_not_read_as_empty() -> None:
    imported = read(
        "• Övergripande mål\n"
        "  • Fler barn simmar\n"
        "   Målvärde\n"
        "  • Spåren är upplysta\n"
        "   Målvärde\n"
    )
    first, last = imported.data["nämndmål"]
    assert first["målvärde"] == ""  # the goal after it shows nothing more came: empty
    assert "målvärde" not in last  # its value may stand after the cut: nothing is said
    assert "Målvärde sist i texten" in dict(imported.report.notes)[5]


def test_a_plan_excerpt_that_stops_before_its_goals_is_read_as_far_as_it_goes() -> None:
    """Issue 10: excerpts are normal. A plan whose text stops (mid-sentence) before its goals
    is read with what it shows, its goal rules "kunde inte bedömas"; the same plan ending
    whole without goals is refused, naming the line."""
    from checks.importers import import_file
    from checks.loading import InputError

    cut = (
        "Verksamhetsplan 2026 för Fritidsnämnden\n"
        "1 Inledning\n"
        "Nämnden ansvarar för idrottshallar, badhus och fritidsgårdar i kommunen och för\n"
    )
    imported = import_file(cut.encode(), "plan.txt")
    assert imported.data["utdrag"] is True
    assert imported.data["nämndmål"] == []
    assert any("når inte planens mål" in note for _, note in imported.report.notes)
    whole = cut.replace("i kommunen och för\n", "i kommunen.\n")
    with pytest.raises(InputError) as info:
        import_file(whole.encode(), "plan.txt")
    assert "hittade inga nämndmål" in info.value.message_sv and info.value.line == 1
