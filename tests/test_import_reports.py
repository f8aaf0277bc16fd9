"""Reading tertialrapporter and årsrapporter: our own small reports in the layouts real ones use
(block and row assessments, legends, indicator rows, economy prose and label lines), then the real
excerpts of ../shared/corpus read in place.

The fixtures are our own words. What matters most is what is never invented: amounts keep the
sign the text writes and become tkr, a figure the text lost stays out, a result is not a net cost.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from checks.documents import FollowUpReport
from checks.importers import Imported
from checks.importers.detect import read_head
from checks.importers.reports import HEADINGS, parse_report
from checks.importers.text import Head, Line, normalise
from checks.loading import InputError, validate_document
from tests.conftest import corpus_names, corpus_path


def read(text: str, kind: str = "årsrapport", **head: Any) -> Imported:
    fields: dict[str, Any] = {"year": 2015, "committee": "Exempelnämnden", "unit": "Enhet Norr"}
    return parse_report(normalise(text, HEADINGS), "rapport.txt", Head(**(fields | head)), kind)


def document(imported: Imported) -> FollowUpReport:
    loaded = validate_document(imported.data, "rapport.txt", imported.source_map)
    assert isinstance(loaded.document, FollowUpReport)
    return loaded.document


def notes(imported: Imported) -> str:
    return "\n".join(f"{line}: {note}" for line, note in imported.report.notes)


UNIT_REPORT = """\
Verksamhetsberättelse 2015
Enhet Norr inom Exempelnämnden
Sammanfattning
Enheten nådde de flesta av årets åtaganden och höll sin budget.
Åtagande: Vi svarar på alla skrivelser inom tio arbetsdagar
Bedömning: Uppfyllt
Analys: Nästan alla skrivelser fick svar i tid.
Indikatorer: Andel skrivelser besvarade i tid
Åtagande: Vi ger alla nyanställda en introduktion
Bedömning: Uppnås delvis
Analys: Sommarvikarierna fick ingen introduktion.
Åtgärder: En kortare introduktion tas fram för vikarier.
ÅTAGANDE:
Vi minskar antalet utskrifter
Analys
Ingen mätning gjordes under året.
Indikatorer
Indikator  Utfall  Årsmål
Andel skrivelser besvarade i tid  92 %  95 %
Utskrivna sidor per anställd, lägre är bättre  -  1 200
Ekonomi (tkr)
Budget netto 24 300
Utfall netto 23 950
Överskottet kommer av en vakans under hösten.
Synpunkter och klagomål
Fyra synpunkter kom in; alla fick svar inom en vecka.
Jämställdhet och mångfald
Lönekartläggningen visade inga osakliga skillnader.
"""


def test_a_unit_report_in_blocks_is_read_whole() -> None:
    imported = read(UNIT_REPORT)
    report = document(imported)
    assert (report.year, report.committee, report.unit) == (2015, "Exempelnämnden", "Enhet Norr")
    assert [(a.commitment, a.grade) for a in report.assessments] == [
        ("Vi svarar på alla skrivelser inom tio arbetsdagar", "uppfyllt"),
        ("Vi ger alla nyanställda en introduktion", "delvis uppfyllt"),
        ("Vi minskar antalet utskrifter", None),  # no grade written: none is made up
    ]
    first, second, third = report.assessments
    assert first.indicators == ["Andel skrivelser besvarade i tid"]
    assert second.measures == "En kortare introduktion tas fram för vikarier."
    assert third.analysis == "Ingen mätning gjordes under året."
    assert '"Uppnås delvis" läst som "delvis uppfyllt"' in notes(imported)
    outcomes = {i.name: (i.outcome, i.target, i.direction) for i in report.indicators}
    assert outcomes == {
        "Andel skrivelser besvarade i tid": (92, 95, "högre"),
        "Utskrivna sidor per anställd, lägre är bättre": (None, 1200, "lägre"),
    }
    assert report.budget is not None
    assert (report.budget.budget_net, report.budget.outcome_net) == (24_300, 23_950)
    assert report.budget.explanation == "Överskottet kommer av en vakans under hösten."
    assert report.summary and report.complaints and report.equality_plan
    # the line naming the unit has no place in the model: it is listed, with its line
    assert imported.report.unplaced == [(2, "Enhet Norr inom Exempelnämnden")]
    assert imported.report.placed_share > 0.9
    assert imported.source_map.line_of(("åtaganden", 1, "bedömning")) == 9
    assert imported.source_map.line_of(("ekonomi", "budget_netto")) == 22


COLOUR_REPORT = """\
Delårsrapport januari–augusti 2016
Läsanvisning
Målen bedöms med färger. Grön = Målet uppfylls. Gul = Målet uppfylls delvis. Röd = Målet uppfylls inte.
Måluppfyllelse
Fler besökare på biblioteken  Grön
Fler lån av e-böcker – Gul
Fler unga i kulturskolan  Röd
Nöjdare besökare Blå
Ekonomi
Nämndens budget netto är 184,5 mnkr. Helårsprognosen för nettokostnaden är 186,0 mnkr, ett underskott på 1,5 mnkr.
"""  # noqa: E501


def test_colours_are_read_by_the_legend_of_the_same_document() -> None:
    imported = read(COLOUR_REPORT, "tertialrapport", committee="Kulturnämnden", unit=None)
    report = document(imported)
    assert (report.tertial, report.unit) == (2, "Kulturnämnden")  # a committee-level report
    assert [(a.commitment, a.grade) for a in report.assessments] == [
        ("Fler besökare på biblioteken", "uppfyllt"),
        ("Fler lån av e-böcker", "delvis uppfyllt"),
        ("Fler unga i kulturskolan", "ej uppfyllt"),
        ("Nöjdare besökare", "Blå"),  # the legend does not say what blue is: the word stays
    ]
    said = notes(imported)
    assert '"Grön" läst som "uppfyllt" enligt teckenförklaringen på rad 3' in said
    assert '"Blå" förklaras inte i dokumentet' in said
    assert report.budget is not None
    assert (report.budget.budget_net, report.budget.outcome_net) == (184_500, 186_000)
    assert "(helårsprognosen)" in said  # a tertial report's outcome is its full-year forecast
    assert "avvikelsen -1 500 tkr stämmer med budget minus utfall" in said


def test_without_a_legend_a_colour_stays_the_word_it_is() -> None:
    text = "Årsrapport 2015\nMåluppfyllelse\nKortare väntetider  Grön\n"
    report = document(read(text))
    assert [a.grade for a in report.assessments] == ["Grön"]


EMOJI_REPORT = """\
Årsrapport 2022
Måluppföljning
Symbolerna betyder:
🙂= Målet uppfylls under året.
😐= Målet uppfylls delvis eller kan inte mätas.
☹= Målet uppfylls inte under året.
Fler företag startar 🙂
Renare sjöar 😐
Kortare handläggning ☹
Tryggare torg 😮
Av nämndens tolv mål bedöms fem vara uppfyllda och fyra delvis uppfyllda.
"""


def test_emoji_follow_their_legend_and_an_ambiguous_one_keeps_its_words() -> None:
    imported = read(EMOJI_REPORT)
    grades = {a.commitment: a.grade for a in document(imported).assessments}
    assert grades == {
        "Fler företag startar": "uppfyllt",
        "Renare sjöar": "Målet uppfylls delvis eller kan inte mätas",
        "Kortare handläggning": "ej uppfyllt",
        "Tryggare torg": "😮",
    }
    # a count of goals is a summary, never a list of assessments
    assert "måluppfyllelsen anges bara som antal" in notes(imported)
    assert "fem vara uppfyllda" in (document(imported).summary or "")


@pytest.mark.parametrize(
    ("written", "tkr"),
    [
        ("12,4 mnkr", 12_400),
        ("12 400 tkr", 12_400),
        ("1,25 mkr", 1_250),
        ("3 250 000 kronor", 3_250),
        ("0,5 miljoner kronor", 500),
        ("minus 2,5 mkr", -2_500),
        ("\u22121 200 tkr", -1_200),
        ("-800 tkr", -800),
        ("–800 tkr", -800),
        ("+ 300 tkr", 300),
        ("plus 25 mkr", 25_000),
    ],
)
def test_amounts_become_tkr_with_the_sign_as_written(written: str, tkr: int) -> None:
    report = document(read(f"Årsrapport 2015\nEkonomi\nBudget netto {written}.\n"))
    assert report.budget is not None and report.budget.budget_net == tkr


def test_a_list_dash_is_not_a_minus_and_a_lone_dash_is_no_amount() -> None:
    text = (
        "Årsrapport 2015\nTeckenförklaring: - = inget belopp\nEkonomi (tkr)\n"
        "- Budget netto 5 600\n- Utfall netto -\nPrognos netto – 5 900 tkr\n"
    )
    imported = read(text)
    economy = imported.data["ekonomi"]
    assert economy["budget_netto"] == 5_600  # the dash opens the list item, it is no sign
    assert "utfall_netto" not in economy
    said = notes(imported)
    assert '"- Utfall netto -": "-" är inget belopp enligt teckenförklaringen på rad 2' in said
    assert '"- 5 900 tkr": ett fristående tankstreck är inget minustecken; oläst' in said


def test_a_dash_glued_to_a_figure_after_a_list_dash_is_a_minus() -> None:
    imported = read("Årsrapport 2015\nEkonomi\nAvvikelser mot budget netto: - Lokaler -0,4 mnkr\n")
    assert "avvikelsen -400 tkr" in notes(imported)


def test_a_figure_the_text_lost_and_a_flattened_run_stay_out() -> None:
    text = (
        "Delårsrapport per april 2014\nEkonomi\n"
        "Nettokostnaden för året väntas landa på mnkr. Budget netto 40,0 mnkr 41,2 mnkr.\n"
    )
    imported = read(text, "tertialrapport")
    economy = imported.data["ekonomi"]
    assert "budget_netto" not in economy and "utfall_netto" not in economy
    said = notes(imported)
    assert 'beloppet saknas i texten ("på mnkr")' in said
    assert "2 belopp i följd utan egna rubriker (40,0 mnkr 41,2 mnkr); oparade" in said


@pytest.mark.parametrize(
    "sentence",
    [
        "Årets resultat väntas bli plus 25 mkr och det budgeterade resultatet är 30 mkr.",
        "Budgeten för året var 12,4 mnkr och utfallet blev 12,1 mnkr.",  # not said to be net
        "Nettokostnaderna ökade med 0,8 mnkr jämfört med i fjol.",  # a change, not a level
    ],
)
def test_results_gross_figures_and_changes_are_not_net_costs(sentence: str) -> None:
    imported = read(f"Årsrapport 2015\nSammanfattning\n{sentence}\n")
    assert "ekonomi" not in imported.data
    document(imported)


def test_a_deviation_alone_gives_no_outcome() -> None:
    text = "Årsrapport 2015\nEkonomi\nBudget netto 12,0 mnkr. Ett underskott på 0,6 mnkr.\n"
    imported = read(text)
    assert imported.data["ekonomi"]["budget_netto"] == 12_000
    assert "utfall_netto" not in imported.data["ekonomi"]
    assert "avvikelsen -600 tkr" in notes(imported) and "inget räknas fram" in notes(imported)


def test_net_costs_written_negative_keep_their_sign() -> None:
    text = "Årsrapport 2015\nEkonomi\nBudget netto -12 400 tkr. Utfall netto -12 900 tkr.\n"
    economy = read(text).data["ekonomi"]
    assert (economy["budget_netto"], economy["utfall_netto"]) == (-12_400, -12_900)


@pytest.mark.parametrize(
    ("title", "tertial"),
    [
        ("Tertialrapport per april 2014", 1),
        ("Delårsrapport januari - augusti 2014", 2),
        ("Delårsrapport 2, 2014", 2),
        ("Uppföljning T1 2014", 1),
        ("Tertialrapport II 2014", 2),
        ("Tertialrapport I för januari april 2014", 1),
        ("Resultat till och med augusti 2014", 2),
    ],
)
def test_the_tertial_comes_from_the_period_the_report_states(title: str, tertial: int) -> None:
    assert document(read(f"{title}\n", "tertialrapport")).tertial == tertial


def test_the_first_period_stated_wins_and_the_other_is_noted() -> None:
    imported = read(
        "Delårsrapport per april 2014\nEn fördjupning följer per augusti.\n", "tertialrapport"
    )
    assert imported.data["tertial"] == 1
    assert '2: texten nämner också "per augusti"' in notes(imported)


def test_a_tertial_report_without_its_period_is_refused_with_a_line() -> None:
    with pytest.raises(InputError) as caught:
        read("Uppföljningsrapport mars 2014\nInget mer.\n", "tertialrapport")
    assert caught.value.line == 1 and "tertial" in caught.value.message_sv


def test_the_committee_comes_from_the_text_when_the_head_has_none() -> None:
    text = "Delårsrapport 1 2012\nLandstingsstyrelsen beslutar att godkänna rapporten.\n"
    imported = read(text, "tertialrapport", committee=None, unit=None)
    report = document(imported)
    assert (report.committee, report.unit) == ("Landstingsstyrelsen", "Landstingsstyrelsen")
    assert '2: nämnden står inte i rubriken; "Landstingsstyrelsen" används' in notes(imported)


@pytest.mark.parametrize(
    "text",
    [
        "Årsrapport 2015\nMålen följer kommunfullmäktiges budget.\n",  # a genitive names no author
        "Årsrapport 2015\nÅret gick bra.\n",
    ],
)
def test_no_committee_anywhere_is_refused_with_the_option_to_give(text: str) -> None:
    with pytest.raises(InputError) as caught:
        read(text, committee=None)
    assert caught.value.line == 1 and "--nämnd" in caught.value.message_sv


def test_indicator_values_that_do_not_fit_the_columns_are_not_guessed() -> None:
    text = "Årsrapport 2015\nIndikator Utfall Årsmål\nAndel nöjda brukare 85 %\n"
    imported = read(text)
    assert imported.data["indikatorer"] == [{"namn": "Andel nöjda brukare"}]
    assert "1 värden för 2 kolumner; inga läses" in notes(imported)


def test_the_same_commitment_twice_is_read_once() -> None:
    text = "Årsrapport 2015\nÅtagande: Vi har öppet\nBedömning: uppfyllt\nÅtagande: Vi har öppet\n"
    imported = read(text)
    assert len(document(imported).assessments) == 1
    assert "bedöms en gång till" in notes(imported)


def test_a_table_of_contents_is_furniture_and_a_proposal_has_no_place() -> None:
    text = (
        "Årsrapport 2015\nInnehållsförteckning Sammanfattning... 2 Ekonomi... 5\n"
        "Förslag till beslut Nämnden godkänner rapporten.\n"
    )
    imported = read(text)
    assert imported.report.unplaced == [(3, "Nämnden godkänner rapporten.")]
    assert "ekonomi" not in imported.data and "sammanfattning" not in imported.data


# --- the real excerpts, read in place ----------------------------------------------------------


def corpus_docs() -> list[str]:
    return corpus_names("tertial", "arsrapport")


def corpus_lines(name: str) -> tuple[list[Line], Head, str]:
    """A corpus excerpt as lines and its head; skipped where the corpus is absent (not in CI)."""
    path = corpus_path(name)
    kind = "tertialrapport" if name.startswith("tertial-") else "årsrapport"
    lines = normalise(path.read_text(encoding="utf-8"), HEADINGS)
    head = read_head(lines, kind)
    if head.year is None:  # the import asks for --year then; the file name holds the year
        head.year = int(re.findall(r"\d{4}", name)[0])
    return lines, head, kind


@pytest.mark.parametrize("name", corpus_docs())
def test_every_corpus_report_validates_or_is_refused_with_a_line(name: str) -> None:
    lines, head, kind = corpus_lines(name)
    try:
        imported = parse_report(lines, name, head, kind)
    except InputError as refused:  # no committee named, or no period stated
        assert refused.line is not None, refused
        assert "--nämnd" in refused.message_sv or "tertial" in refused.message_sv, refused
        return
    validate_document(imported.data, name, imported.source_map)
    assert 0 < imported.report.placed_share <= 1


@pytest.mark.parametrize("name", corpus_docs())
def test_every_corpus_report_reads_once_the_committee_is_given(name: str) -> None:
    lines, head, kind = corpus_lines(name)
    head.committee = head.committee or "Nämnden"  # what --nämnd gives
    try:
        imported = parse_report(lines, name, head, kind)
    except InputError as refused:  # only a report that never states its period is refused
        assert refused.line is not None and "tertial" in refused.message_sv
        assert name == "tertial-regionhalland-2012-1.txt"
        return
    validate_document(imported.data, name, imported.source_map)


@pytest.mark.parametrize(
    ("name", "tertial", "noted"),
    [
        ("tertial-goteborg-2017-1.txt", 2, 'beloppet saknas i texten ("till mnkr")'),
        ("tertial-ostersund-2017-1.txt", 2, "4 belopp i följd utan egna rubriker"),
        ("tertial-ostersund-2017-1.txt", 2, "avvikelsen -9 300 tkr"),  # list dash, then a minus
        ("tertial-regionsormland-2008-1.txt", 1, 'beloppet saknas i texten ("med kronor")'),
        ("tertial-regionvastmanland-2014-1.txt", 2, "2 belopp i följd utan egna rubriker"),
        ("tertial-solna-2017-1.txt", 1, "texten nämner också"),
        ("tertial-regiondalarna-2011-1.txt", 1, "avvikelsen -17 000 tkr"),  # not the result
        ("arsrapport-vargarda-2023-1.txt", None, "måluppfyllelsen anges bara som antal"),
    ],
)
def test_what_the_corpus_reports_state_and_lost_is_said(
    name: str, tertial: int | None, noted: str
) -> None:
    lines, head, kind = corpus_lines(name)
    head.committee = "Nämnden"
    imported = parse_report(lines, name, head, kind)
    assert imported.data.get("tertial") == tertial
    assert noted in notes(imported)
    economy = imported.data.get("ekonomi", {})
    # none of these excerpts states a net budget or a net outcome: nothing may be filled in
    assert "budget_netto" not in economy and "utfall_netto" not in economy
    assert imported.data.get("åtaganden", []) == []


def test_a_report_that_names_its_unit_is_the_units_not_the_committees() -> None:
    """An `Enhet:` label makes the report a unit's (F5 then asks it for APT and the rest)."""
    from checks.importers import import_file

    text = (
        "Verksamhetsberättelse 2025\n"
        "Nämnd: Kulturnämnden\n"
        "Enhet: Stadsbiblioteket\n"
        "Sammanfattning\n"
        "Året präglades av ombyggnaden av barnavdelningen.\n"
    )
    imported = import_file(text.encode(), "vb.txt")
    assert (imported.data["nämnd"], imported.data["enhet"]) == ("Kulturnämnden", "Stadsbiblioteket")
