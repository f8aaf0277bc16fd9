"""Reading risk analyses (ROV, VoR, RSA): small analyses of our own in each layout, what is read,
what is left unplaced and what is never invented (no risk value is computed); then the corpus
excerpts, read in place from ../shared/corpus/docs (skipped where absent, failing under CI=true)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.documents import RiskAnalysis
from checks.importers import Imported
from checks.importers.detect import read_head
from checks.importers.risks import HEADINGS, parse_risk_analysis
from checks.importers.text import Head, normalise
from checks.loading import InputError, validate_document
from tests.conftest import corpus_names, corpus_path
from tests.test_import_controls import accounted, notes


def read(text: str, committee: str | None = "Fritidsnämnden", **head: Any) -> Imported:
    lines = normalise(text, HEADINGS)
    imported = parse_risk_analysis(lines, "rov.txt", Head(2024, 1, committee=committee, **head))
    validate_document(imported.data, "rov.txt", imported.source_map)
    accounted(imported, len(lines))
    return imported


def test_labelled_risks_with_their_values_inline() -> None:
    imported = read(
        "Risk- och väsentlighetsanalys 2024\n"
        "Process: Fakturahantering\n"
        "Risk: Fakturor betalas utan att varan har levererats\n"
        "Sannolikhet: 3, Konsekvens: 4, Riskvärde: 12\n"
        "Åtgärd: Stickprov på leveranskvittenser\n"
        "Ansvarig: Ekonomichef\n"
        "Risk: Samma faktura betalas två gånger S=2 K=3\n"
        "Hantering: Dubblettkontroll i ekonomisystemet\n"
        "Accepterad: nej\n"
        "Process: Uthyrning Risk: Nycklar lämnas inte tillbaka Sannolikhet: 2 Konsekvens: 2 "
        "Accepterad: ja Motivering: Låsen byts ändå vart tredje år\n"
    )
    assert imported.data["risker"] == [
        {
            "process": "Fakturahantering",
            "risk": "Fakturor betalas utan att varan har levererats",
            "sannolikhet": 3,
            "konsekvens": 4,
            "riskvärde": 12,
            "hantering": "Stickprov på leveranskvittenser",
            "ansvarig": "Ekonomichef",
        },
        {
            "process": "Fakturahantering",
            "risk": "Samma faktura betalas två gånger",
            "sannolikhet": 2,
            "konsekvens": 3,  # and no riskvärde: the text states none, none is computed
            "hantering": "Dubblettkontroll i ekonomisystemet",
            "accepterad": False,
        },
        {
            "process": "Uthyrning",
            "risk": "Nycklar lämnas inte tillbaka",
            "sannolikhet": 2,
            "konsekvens": 2,
            "accepterad": True,
            "motivering": "Låsen byts ändå vart tredje år",
        },
    ]
    assert imported.source_map.lines[("risker", 0, "konsekvens")] == 4
    assert imported.report.counts == {"risker": 3, "risker med sannolikhet och konsekvens": 3}
    assert imported.report.unplaced == []


TABLE = (
    "Riskanalys 2024\n"
    "Process\tRisk\tSannolikhet\tKonsekvens\tRiskvärde\tÅtgärd\tAnsvarig\n"
    "Löner\tFel lön betalas ut\t2\t4\t8\tAvstämning varje månad\tLönechef\n"
    "\tLöneändringar görs utan beslut\t3\t3\t9\tBehörighetsgenomgång\tLönechef\n"
    "Arkiv\tHandlingar gallras för tidigt\tlåg\t4\t\tGallringsplanen ses över\t\n"
    "Process: Kassor\n"
    "Risk Sannolikhet Konsekvens Riskvärde Åtgärd\n"
    "Differenser utreds inte 2 3 6 Avstämning varje dag\n"
    "Kassan står olåst 1 4 4 Tidsstyrt lås\n"
    "Kassan saknar en rutin helt\n"
)


def test_tables_by_tabs_and_by_the_numbers_in_a_row() -> None:
    imported = read(TABLE)
    risks = imported.data["risker"]
    assert [(r["process"], r["risk"]) for r in risks] == [
        ("Löner", "Fel lön betalas ut"),
        ("Löner", "Löneändringar görs utan beslut"),
        ("Arkiv", "Handlingar gallras för tidigt"),
        ("Kassor", "Differenser utreds inte"),
        ("Kassor", "Kassan står olåst"),
    ]
    assert risks[1] == {
        "process": "Löner",
        "risk": "Löneändringar görs utan beslut",
        "sannolikhet": 3,
        "konsekvens": 3,
        "riskvärde": 9,
        "hantering": "Behörighetsgenomgång",
        "ansvarig": "Lönechef",
    }
    # "låg" is no number: left out, not translated; the empty cells stay out
    assert risks[2] == {
        "process": "Arkiv",
        "risk": "Handlingar gallras för tidigt",
        "konsekvens": 4,
        "hantering": "Gallringsplanen ses över",
    }
    assert risks[3]["hantering"] == "Avstämning varje dag" and risks[3]["riskvärde"] == 6
    said = notes(imported)
    assert "4: processen från raden ovan (rad 3)" in said
    assert "4: raden har en cell för lite: den första tolkad som tom" in said
    assert "5: raden har en cell för lite: den sista tolkad som tom" in said
    assert 'sannolikhet "låg" är inget heltal; utelämnat' in said
    assert "8: cellerna skiljs bara av mellanslag: raden delad vid talen" in said
    assert imported.report.unplaced == [(10, "Kassan saknar en rutin helt")]


RSA = """\
Risk- och sårbarhetsanalys för fritidsnämnden 2024
Inledning Analysen görs varje år. Den redovisas till kommunstyrelsen.
Riskanalys
Elförsörjning
Risk för långvarigt elavbrott. Ett avbrott i flera dygn slår ut värmen i hallarna.
IT-stöd
Risk för avbrott i bokningssystemet. Ingen kan boka tider under avbrottet.
Riskmatris
Risk för långvarigt elavbrott S=2 K=4
Risk för avbrott i bokningssystemet S=3 K=2
Översvämning i simhallen S=1 K=4
Åtgärder för riskerna
Risk för långvarigt elavbrott: Reservkraft till ishallen
"""


def test_an_rsa_matches_the_matrix_and_the_measures_to_its_risks_by_name() -> None:
    imported = read(RSA)
    assert imported.data["risker"] == [
        {
            "process": "Elförsörjning",
            "risk": "Risk för långvarigt elavbrott",
            "sannolikhet": 2,
            "konsekvens": 4,
            "hantering": "Reservkraft till ishallen",
        },
        {
            "process": "IT-stöd",
            "risk": "Risk för avbrott i bokningssystemet",
            "sannolikhet": 3,
            "konsekvens": 2,
        },
        {
            "process": "Riskmatris",
            "risk": "Översvämning i simhallen",
            "sannolikhet": 1,
            "konsekvens": 4,
        },
    ]
    said = notes(imported)
    assert 'rubriken "Elförsörjning" (rad 4) används som process' in said
    assert "9: sannolikhet 2 förd till risken på rad 5" in said
    assert 'rubriken "Riskmatris" (rad 8) används som process' in said
    assert "13: åtgärden ur avsnittet om åtgärder" in said
    # the risks' descriptions and the introduction have no place in the model
    assert [line for line, _ in imported.report.unplaced] == [2, 5, 7]


def test_risks_whose_values_stand_on_a_later_page_are_read_without_values() -> None:
    imported = read(
        "Risk- och sårbarhetsanalys 2024\n"
        "Riskanalys\n"
        "Risk för brand i föreningslokalerna. Lokalerna saknar sprinkler.\n"
        "Riskmatris ... 12\n"
    )
    assert imported.data["risker"] == [
        {"process": "Riskanalys", "risk": "Risk för brand i föreningslokalerna"}
    ]
    assert imported.report.counts["risker med sannolikhet och konsekvens"] == 0
    assert "datum" not in imported.data  # the analysis states no date: none is made up


def test_the_committee_from_the_text_or_a_refusal_that_names_the_option() -> None:
    imported = read(
        "Risk- och sårbarhetsanalys 2024\n"
        "Fastställd av kommunfullmäktige 2024-03-01\n"
        "Riskanalys\n"
        "Risk: Värmebölja\n",
        committee=None,
        date="2024-03-01",
    )
    assert (imported.data["nämnd"], imported.data["enhet"]) == ("Kommunfullmäktige",) * 2
    assert imported.data["datum"] == "2024-03-01"
    assert 'nämnden "Kommunfullmäktige" enligt texten på rad 2' in notes(imported)
    lines = normalise("Risk- och sårbarhetsanalys 2024\nRisk: Värmebölja\n", HEADINGS)
    with pytest.raises(InputError) as caught:
        parse_risk_analysis(lines, "rov.txt", Head(2024, 1))
    assert caught.value.line == 1 and "--nämnd" in caught.value.message_sv


def test_a_risk_without_a_process_or_a_heading_is_not_made_up() -> None:
    imported = read("Risk- och sårbarhetsanalys 2024\nRisk: Värmebölja\nAnsvarig: Chefen\n")
    assert "risker" not in imported.data
    assert "process framgår inte; inte läst" in notes(imported)
    assert [line for line, _ in imported.report.unplaced] == [2, 3]


FRAGMENTS = [
    "Riskanalys 2024",
    "Riskanalys",
    "Riskmatris",
    "Åtgärder för riskerna",
    "Process: Löner",
    "Risk: Fel lön S=2 K=4",
    "Sannolikhet: 3, Konsekvens: 4, Riskvärde: 12",
    "Process Risk Sannolikhet Konsekvens Riskvärde Åtgärd Ansvarig",
    "Löner\tFel lön\t2\t4\t8\tAvstämning\tChef",
    "\tFel lön\t2\t4\t8\tAvstämning",
    "Fel lön 2 4 8 Avstämning",
    "Risk för brand. Beskrivning.",
    "Elförsörjning",
    "Fel lön: Avstämning",
    "Accepterad: kanske",
    "fortsättning på raden ovan",
    ": | \t ... 3",
]


@settings(
    max_examples=int(os.environ.get("STYRKOLL_FUZZ", "150")),  # make fuzz: many more
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=40), max_size=25))
def test_any_mix_of_layouts_gives_an_analysis_or_a_clear_error(parts: list[str]) -> None:
    text = "\n".join(parts)
    lines = normalise(text, HEADINGS)
    try:
        imported = parse_risk_analysis(lines, "rov.txt", Head(2024, 1, committee="Nämnden"))
        validate_document(imported.data, "rov.txt", imported.source_map)
    except InputError as exc:
        assert exc.line is not None
        return
    accounted(imported, len(lines))
    for risk in imported.data.get("risker", []):
        if "riskvärde" in risk:  # only ever a value the text states
            assert str(risk["riskvärde"]) in text


@pytest.mark.parametrize("name", corpus_names("rov"))
def test_the_corpus_analyses_import_or_refuse_with_a_line(name: str) -> None:
    path = corpus_path(name)
    lines = normalise(path.read_text(encoding="utf-8"), HEADINGS)
    head = read_head(lines, "riskanalys")
    try:
        imported = parse_risk_analysis(lines, str(path), head)
        loaded = validate_document(imported.data, str(path), imported.source_map)
    except InputError as exc:
        assert exc.line is not None, exc
        return
    accounted(imported, len(lines))
    analysis = loaded.document
    assert isinstance(analysis, RiskAnalysis)
    assert len(analysis.risks) == imported.report.counts["risker"]


def test_the_kind_of_analysis_is_read_from_the_title() -> None:
    rsa = read("Risk- och sårbarhetsanalys för Fritidsnämnden 2024\nRisk för elavbrott\n")
    assert rsa.data["analystyp"] == "rsa"
    assert rsa.source_map.lines[("analystyp",)] == 1
    rov = read("Väsentlighets- och riskanalys 2024\nRisk för felaktiga utbetalningar\n")
    assert rov.data["analystyp"] == "rov"
    neither = read("Riskanalys 2024\nRisk för felaktiga utbetalningar\n")
    assert "analystyp" not in neither.data  # nothing says which: nothing is invented


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("rov-sollentuna-2013-1.txt", "rsa"),
        ("rov-sollentuna-2014-1.txt", "rsa"),
        ("rov-vastervik-2015-1.txt", "rsa"),
        ("rov-stockholm-2018-1.txt", "rov"),
    ],
)
def test_the_corpus_analyses_are_told_apart(name: str, kind: str) -> None:
    from checks.importers import load_imported

    loaded, _ = load_imported(corpus_path(name))
    assert loaded.document.analysis_kind == kind
