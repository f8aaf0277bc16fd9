"""A meeting agenda of several matters is read as the matter Styrkoll is about (issue 10): the
proposals under "<Body>s förslag till beslut" as dashes, that matter's own Dnr and title, and the
plan or report it concerns. Written in our own words, modelled on meeting-portal exports."""

from __future__ import annotations

from checks.importers import import_file
from checks.importers.memo import concerns_of
from checks.loading import validate_document
from tests.conftest import corpus_path

AGENDA = """Sammanträde 2025-05-20

1 Information från förvaltningschefen

Dnr 2025/NN 0003 001

Nämndens förslag till beslut
- Informationen läggs till handlingarna.

Beskrivning av ärendet
Förvaltningschefen berättar om läget i verksamheten.

2 Tertialrapport 1 2025 för kulturnämnden

Dnr 2025/NN 0117 04

Kulturnämndens förslag till beslut
- Tertialrapporten godkänns.
- Rapporten överlämnas till kommunstyrelsen.

Beskrivning av ärendet
Förvaltningen har följt upp mål och ekonomi till och med april.

Bilagor
Tertialrapport 1 2025.pdf
"""


def test_an_agenda_is_read_as_the_matter_about_a_report() -> None:
    imported = import_file(AGENDA.encode(), "dagordning.txt", committee="Kulturnämnden")
    data = imported.data
    assert data["ärende"] == "Tertialrapport 1 2025 för kulturnämnden"
    assert data["dnr"] == "2025/NN 0117 04"
    assert data["avser"] == "tertialrapport_1"
    assert data["förslag_till_beslut"] == [
        "Tertialrapporten godkänns.",
        "Rapporten överlämnas till kommunstyrelsen.",
    ]
    notes = " ".join(text for _, text in imported.report.notes)
    assert "en dagordning med 2 ärenden; läste ärende 2" in notes
    validate_document(data, "dagordning.txt", imported.source_map)


def test_a_single_matter_is_not_taken_for_an_agenda() -> None:
    single = AGENDA.split("2 Tertialrapport")[0]
    imported = import_file(single.encode(), "ett.txt", committee="Kulturnämnden", year=2025)
    assert "dagordning" not in " ".join(text for _, text in imported.report.notes)


def test_the_title_says_which_plan_or_report_a_matter_concerns() -> None:
    assert concerns_of("Delårsrapport 2 2024 för nämnden") == "tertialrapport_2"
    assert concerns_of("Delårsrapport per augusti") == "tertialrapport_2"
    assert concerns_of("Tertialrapport 1") == "tertialrapport_1"
    assert concerns_of("Verksamhetsberättelse 2023") == "årsrapport"
    assert concerns_of("Verksamhetsplan med budget 2025") == "verksamhetsplan"
    assert concerns_of("Val av justerare") == "annat"


def test_the_real_agenda_gives_no_false_missing_proposal() -> None:
    """A meeting-portal agenda whose items each carry "<Body>s förslag till beslut": P8 used to
    say the memo had no proposal."""
    from checks.checker import Checker

    path = corpus_path("memo-tyreso-2018-1.txt")
    imported = import_file(path.read_bytes(), path.name, committee="Kommunstyrelsen")
    loaded = validate_document(imported.data, path.name, imported.source_map)
    assert imported.data["förslag_till_beslut"]
    assert imported.data["avser"] == "tertialrapport_2"
    with Checker() as checker:
        result = checker.check(loaded)
    assert "P8" not in {f.rule_id for f in result.findings}
