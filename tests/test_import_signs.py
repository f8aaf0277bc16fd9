"""The signs in an export's whole text (checks/importers/signs.py): our own lines first, then the
real excerpts read in place, imported and checked as a user would."""

from __future__ import annotations

from typing import Any

import pytest

from checks.checker import Checker
from checks.dossier import single
from checks.importers import import_file
from checks.importers.signs import read_signs
from checks.importers.text import normalise
from checks.loading import validate_document
from tests.conftest import corpus_path


def signs(text: str, not_stated: list[str] | None = None) -> dict[str, Any]:
    return read_signs(normalise(text), not_stated or [])[0]


def texts(found: dict[str, Any], key: str) -> list[str]:
    return [s["text"] for s in found.get(key, [])]


def test_an_empty_label_before_another_label_is_an_empty_field() -> None:
    found = signs(
        "Byggnadsnämnden Dnr: Handläggare: Per Pil\nPeriod: Organisation: Byggnämnd\nSlut."
    )
    assert found["tomma_fält"] == [
        {"text": "Dnr", "rad": 1},
        {"text": "Period", "rad": 2},
    ]


def test_a_label_ending_its_line_is_empty_only_when_the_next_line_is_a_filled_label() -> None:
    assert texts(signs("Dnr:\nHandläggare: Per Pil\nSlut."), "tomma_fält") == ["Dnr"]
    # a column layout: the values follow further down, so nothing is said
    assert signs("Dnr:\nDatum:\nBN 2019/12\n2019-01-10\nSlut.") == {}
    # the last line may be cut short: never judged
    assert signs("Text.\nDnr:") == {}


def test_a_header_row_with_its_values_on_the_next_line_is_not_empty() -> None:
    assert signs("Handläggare Datum Diarienummer\nPer Pil 2019-01-10 BN 2019/12\nSlut.") == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a flattened letterhead: one value for two labels; the date is the one missing
        ("Utlåtande Utfärdat Diarienummer 0412/20 Kulturkontoret\nSlut.", ["Utfärdat"]),
        # a protocol header whose values the export lost
        ("Nämnden PROTOKOLL DATUM DIARIENR NN-LED Rapport per april\nSlut.", ["DATUM", "DIARIENR"]),
        # values on the same line, or on the next: nothing is empty
        ("Handläggare Datum Ärendebeteckning Per Pil 2019-01-10 BN 2019/12\nSlut.", []),
        ("Datum Diarienummer\n\n2019-01-10 2019-5513\nSlut.", []),
        # a cut serial still shows the number: P17 judges it, not P16
        ("Handläggare Datum Ärendebeteckning Per Pil 14 mars 2019 ON 2019/\nSlut.", []),
    ],
)
def test_a_header_row_whose_values_lack_a_date_or_a_number(text: str, expected: list[str]) -> None:
    assert texts(signs(text), "tomma_fält") == expected


def test_a_decision_line_without_body_or_date() -> None:
    found = signs("Plan 2019 Bymo kommun Beslutad i\n2 Innehåll\nSlut.")
    assert texts(found, "tomma_fält") == ["Beslutad i"]
    assert signs("Planen är Beslutad i\n2019-02-01 av nämnden.\nSlut.") == {}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Handläggare Datum Ärendebeteckning Per Pil BN 2019/ Byggnadsnämnden", ["BN 2019/"]),
        ("Diarienummer BN/2019: Handläggare Per Pil", ["BN/2019:"]),
        ("Diarienummer 0412/ Utfärdat 2019-03-01", ["0412/"]),
        ("Riktlinjerna (KF handling 12/ ) gäller.", ["KF handling 12/"]),
        ("Dnr BN 2019/412 och KS/2018:77 och 0412/19", []),
        ("Läsåret 2019/2020 och HT 2019/VT 2020", []),
        ("Se https://bymo.example.se/BN/2019/ för mer.", []),
    ],
)
def test_truncated_numbers(line: str, expected: list[str]) -> None:
    assert texts(signs(line + "\nSlut."), "stympade_nummer") == expected


def test_template_text_anywhere_in_the_text() -> None:
    found = signs("Adress Tel Fax Klicka här för att ange text. per@bymo.se\nSlut.")
    assert found["malltext"] == [{"text": "Klicka här för att ange text", "rad": 1}]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Expedieras till Ekonomen d:\\tmp\\x8kq2.doc ADRESS", ["d:\\tmp\\x8kq2.doc"]),
        (
            "Bymo Tel P:\\Nämnd\\2019\\(3) mars\\ 12 Tertial 1\\ 12 Rapport april.docx Sid",
            ["P:\\Nämnd\\2019\\(3) mars\\ 12 Tertial 1\\ 12 Rapport april.docx"],
        ),
        (
            "Filen ligger på \\\\filserver\\gemensam\\plan.xlsx idag",
            ["\\\\filserver\\gemensam\\plan.xlsx"],
        ),
        ("Utskriven från /Users/pp/Desktop/plan.pdf igår", ["/Users/pp/Desktop/plan.pdf"]),
        ("Se https://bymo.example.se/a/b.pdf och kl. 10:30 samt 1:a kvartalet", []),
    ],
)
def test_local_file_paths(line: str, expected: list[str]) -> None:
    assert texts(signs(line + "\nSlut."), "filsökvägar") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Fas: Intern kontroll Inmatning Rapportperiod: helår Organisation: Bymo",
            "Intern kontroll Inmatning",
        ),
        ("Status: Utkast\nSlut.", "Utkast"),
        ("UTKAST\nPlan 2019", "UTKAST"),
        ("Fas: Intern kontroll Fastställd Organisation: Bymo", None),
        ("Ett utkast till planen visades för ledningsgruppen.", None),
    ],
)
def test_a_draft_phase(text: str, expected: str | None) -> None:
    found = signs(text + "\nSlut.")
    assert (found["fas"]["text"] if "fas" in found else None) == expected


def test_what_the_import_was_told_is_kept() -> None:
    assert signs("Text.", ["år", "nämnd"]) == {"ej_i_texten": ["år", "nämnd"]}


NO_YEAR = """\
Tjänsteskrivelse
Byggnadsnämnden
Handläggare: Per Pil
Bygglovstaxa
Förslag till beslut
1. Byggnadsnämnden antar taxan.
Sammanfattning
Taxan följer kostnaderna.
"""


def test_the_year_given_at_import_is_not_stated_by_the_document() -> None:
    imported = import_file(NO_YEAR.encode(), "memo.txt", year=2019)
    assert imported.data["tecken"] == {"ej_i_texten": ["år"]}
    titled = NO_YEAR.replace("Bygglovstaxa", "Bygglovstaxa 2019")
    assert import_file(titled.encode(), "memo.txt", year=2019).data["tecken"] == {}


def test_a_committee_named_only_in_the_genitive_is_stated() -> None:
    text = NO_YEAR.replace("Byggnadsnämnden\n", "").replace(
        "1. Byggnadsnämnden antar", "Byggnadsnämndens förslag: anta"
    )
    text = text.replace("Bygglovstaxa", "Bygglovstaxa 2019")
    imported = import_file(text.encode(), "memo.txt", year=2019, committee="Byggnadsnämnden")
    assert imported.data["tecken"] == {}


# --- the real excerpts, read in place --------------------------------------------------------


def check_corpus(checker: Checker, name: str, **given: Any) -> tuple[dict[str, Any], set[str]]:
    path = corpus_path(name)
    imported = import_file(path.read_bytes(), str(path), **given)
    loaded = validate_document(imported.data, str(path), imported.source_map)
    result = checker.check(single(loaded))
    rules = {
        f.rule_id
        for f in result.findings
        if f.rule_id in {"P13", "P16", "P17", "P18", "P19", "P20"}
    }
    assert all(f.severity != "fel" for f in result.findings if f.rule_id in rules)
    return imported.data["tecken"], rules | {
        r for r, u in result.unjudged.items() if r == "P20" and u
    }


def test_corpus_stratsys_export_with_its_cover_memo(checker: Checker) -> None:
    found, rules = check_corpus(checker, "ikplan-kalmar-2018-1.txt")
    # the letterhead's Datum has no date in its value row; the export's report period is empty
    assert texts(found, "tomma_fält") == ["Datum", "Rapportperiod"]
    assert texts(found, "stympade_nummer") == ["ON 2017/"]
    assert texts(found, "malltext") == ["Klicka här för att ange text"]
    assert found["fas"]["text"] == "Intern kontroll Inmatning"
    assert rules == {"P13", "P16", "P17", "P19"}


def test_corpus_empty_dnr_in_a_header(checker: Checker) -> None:
    found, rules = check_corpus(checker, "rov-stockholm-2018-1.txt")
    assert found == {"tomma_fält": [{"text": "Dnr", "rad": 1}]}
    assert rules == {"P16"}


def test_corpus_file_paths_in_footers(checker: Checker) -> None:
    found, rules = check_corpus(checker, "tertial-regionsormland-2008-1.txt")
    assert texts(found, "filsökvägar")[0].endswith("Tertialrapport I januari.doc")
    assert rules == {"P16", "P18"}  # P16: the protocol header's date and Dnr have no values
    found, rules = check_corpus(checker, "memo-karlskoga-2014-1.txt", year=2014)
    assert texts(found, "filsökvägar") == ["c:\\temp\\hlul9fkksr.doc"]
    assert found["ej_i_texten"] == ["år"]
    assert rules == {"P18", "P20"}  # P20 could not judge: the excerpt may state its year later


def test_corpus_truncated_reference(checker: Checker) -> None:
    found, rules = check_corpus(checker, "ikplan-goteborg-2017-1.txt", committee="Nämnden")
    assert texts(found, "stympade_nummer") == ["KF handling 36/"]
    assert "P17" in rules


@pytest.mark.parametrize(
    "name", ["ikplan-uppsala-2016-1.txt", "memo-goteborg-2015-1.txt", "tertial-solna-2017-1.txt"]
)
def test_corpus_filled_headers_give_no_sign(checker: Checker, name: str) -> None:
    found, rules = check_corpus(checker, name)
    assert found == {} and rules == set()


def test_corpus_committee_named_in_the_genitive(checker: Checker) -> None:
    found, _ = check_corpus(checker, "memo-tyreso-2018-1.txt", committee="Kommunstyrelsen")
    assert found == {}
