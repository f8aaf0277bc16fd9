"""The steering calendar: generated for any year from days of the year, the catalogue's default
tailored by the organisation's `styrkalender`, and judged by P6 for every year."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.calendar import CalendarFile, CalendarSpec, Day, read_calendar
from checks.catalogue import Catalogue
from checks.checker import Checker
from checks.config import OrgConfig, load_config
from checks.loading import InputError, parse_document
from tests.conftest import CLEAN_DOSSIER, run_styrkoll

# rules/kalender/2012.yaml as it was written by hand before calendars were generated (retired)
HAND_WRITTEN_2012 = """\
år: 2012
källa: Tidsplan för verksamhetsledning (stadsdelsnämndens styrprocess enligt ILS)
beslut:
  - avser: verksamhetsplan
    händelse: Beslut om verksamhetsplan 2012 (december) och anmälan av enheternas planer (januari)
    från: 2011-12-01
    till: 2012-01-31
  - avser: tertialrapport_1
    händelse: Beslut om tertialrapport 1 i stadsdelsnämnden (maj)
    från: 2012-05-01
    till: 2012-05-31
  - avser: tertialrapport_2
    händelse: Beslut om tertialrapport 2 i stadsdelsnämnden (september)
    från: 2012-09-01
    till: 2012-09-30
  - avser: årsrapport
    händelse: Beslut om verksamhetsberättelse 2012 i stadsdelsnämnden (senast februari 2013)
    från: 2013-01-01
    till: 2013-02-28
"""


def _windows(spec: CalendarSpec, year: int) -> list[tuple[str, str, str]]:
    return [
        (w.concerns, w.start.isoformat(), w.end.isoformat()) for w in spec.for_year(year).windows
    ]


def _config(tmp_path: Path, catalogue: Catalogue, text: str) -> OrgConfig:
    path = tmp_path / "org.yaml"
    path.write_text("organisation: Testförvaltningen\n" + text, encoding="utf-8")
    return load_config(path, catalogue)


def test_2012_is_exactly_the_hand_written_calendar(catalogue: Catalogue) -> None:
    old = yaml.safe_load(HAND_WRITTEN_2012)
    generated = catalogue.calendar.for_year(2012)
    assert generated.year == old["år"] and generated.source == old["källa"]
    assert [
        {"avser": w.concerns, "händelse": w.event, "från": w.start, "till": w.end}
        for w in generated.windows
    ] == old["beslut"]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2019,
            [
                ("verksamhetsplan", "2018-12-01", "2019-01-31"),
                ("tertialrapport_1", "2019-05-01", "2019-05-31"),
                ("tertialrapport_2", "2019-09-01", "2019-09-30"),
                ("årsrapport", "2020-01-01", "2020-02-29"),  # 2020 is a leap year
            ],
        ),
        (
            2024,  # a leap year itself: its annual report is due in 2025, which is not
            [
                ("verksamhetsplan", "2023-12-01", "2024-01-31"),
                ("tertialrapport_1", "2024-05-01", "2024-05-31"),
                ("tertialrapport_2", "2024-09-01", "2024-09-30"),
                ("årsrapport", "2025-01-01", "2025-02-28"),
            ],
        ),
        (2099, [("årsrapport", "2100-01-01", "2100-02-28")]),  # 2100 is no leap year
        (1999, [("årsrapport", "2000-01-01", "2000-02-29")]),  # 2000 is one
        (1990, [("verksamhetsplan", "1989-12-01", "1990-01-31")]),
    ],
)
def test_every_year_has_a_calendar(
    catalogue: Catalogue, year: int, expected: list[tuple[str, str, str]]
) -> None:
    windows = _windows(catalogue.calendar, year)
    assert [w for w in windows if w[0] in {e[0] for e in expected}] == expected
    events = {w.concerns: w.event for w in catalogue.calendar.for_year(year).windows}
    assert events["årsrapport"] == (
        f"Beslut om verksamhetsberättelse {year} i stadsdelsnämnden (senast februari {year + 1})"
    )


def test_days_read_as_written() -> None:
    def fail(at: tuple[str | int, ...], sv: str, en: str) -> InputError:
        return InputError("x", sv, en, path=".".join(map(str, at)))

    assert Day(0, 2, 1).of(2023) == date(2024, 2, 29)
    assert Day(0, 2, 1).text() == "sista februari året efter"
    assert Day(1, 12, -1).text("en") == "1 December the year before"
    written = CalendarFile.model_validate(
        {"tertialrapport_1": {"från": "den 1  Juni", "till": "sista juni"}}
    )
    default = CalendarSpec("k", ())
    with pytest.raises(InputError, match="verksamhetsplan"):
        read_calendar(written, default, fail)  # no default to fall back on


def test_an_organisation_moves_windows_and_keeps_the_rest(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    config = _config(
        tmp_path,
        catalogue,
        "styrkalender:\n"
        "  verksamhetsplan:\n"
        "    till: 15 februari\n"
        "  tertialrapport_1:\n"
        "    från: 1 juni\n"
        "    till: sista juni\n"
        "    händelse: T1 i juni {år}\n",
    )
    assert config.calendar is not None and config.calendar_changed and config.tailored
    assert _windows(config.calendar, 2024) == [
        ("verksamhetsplan", "2023-12-01", "2024-02-15"),
        ("tertialrapport_1", "2024-06-01", "2024-06-30"),
        ("tertialrapport_2", "2024-09-01", "2024-09-30"),
        ("årsrapport", "2025-01-01", "2025-02-28"),
    ]
    events = [w.event for w in config.calendar.for_year(2024).windows]
    assert events[:2] == ["Beslut om verksamhetsplan 2024", "T1 i juni 2024"]
    assert config.tailoring_lines(catalogue) == [
        "Styrkalender, verksamhetsplan: 1 december året före–15 februari "
        "(standard 1 december året före–31 januari), händelse "
        '"Beslut om verksamhetsplan {år}"',
        "Styrkalender, tertialrapport 1: 1 juni–sista juni (standard 1 maj–31 maj), "
        'händelse "T1 i juni {år}"',
    ]
    # the catalogue's own calendar, written out, is no tailoring
    same = _config(tmp_path, catalogue, "styrkalender:\n  tertialrapport_2: {från: 1 september}\n")
    assert not same.calendar_changed and not same.tailored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "styrkalender:\n  tertialrapport_1:\n    från: 1 maj\n    till: 31 april\n",
            "org.yaml rad 5: styrkalender.tertialrapport_1.till: april har inte 31 dagar varje år",
        ),
        (
            "styrkalender:\n  årsrapport:\n    till: 29 februari året efter\n",
            "rad 4: styrkalender.årsrapport.till: februari har inte 29 dagar varje år; "
            'skriv "sista februari"',
        ),
        (
            "styrkalender:\n  tertialrapport_1: {från: 1 juni, till: 31 maj}\n",
            "rad 3: styrkalender.tertialrapport_1.till: 31 maj är före 1 juni (från)",
        ),
        (
            "styrkalender:\n  tertialrapport_2:\n    från: första september\n",
            'rad 4: styrkalender.tertialrapport_2.från: "första september" är ingen dag i '
            'styrkalendern; skriv den som "1 december"',
        ),
        (
            "styrkalender:\n  tertialrapport_2:\n    från: 2012-09-01\n",
            'rad 4: styrkalender.tertialrapport_2.från: "2012-09-01" är ingen dag i '
            'styrkalendern; skriv den som "1 december", "sista februari" eller "1 januari året '
            'efter"',
        ),
        (
            "styrkalender:\n  tertialrapport_2:\n    från: 1\n",
            'rad 4: styrkalender.tertialrapport_2.från: skriv dagen som "1 december"',
        ),
        (
            "styrkalender:\n  tertialrapport_2:\n    från: 1 septembre\n",
            'rad 4: styrkalender.tertialrapport_2.från: "1 septembre" är ingen dag',
        ),
        (
            "styrkalender:\n  årsrapport:\n    händelse: Årsrapport {nästa_år}\n",
            "rad 4: styrkalender.årsrapport.händelse: okänd platshållare {nästa_år} (kända: "
            "{år}, {året_före}, {året_efter})",
        ),
        (
            "styrkalender:\n  delårsrapport: {från: 1 augusti}\n",
            "rad 3: styrkalender.delårsrapport",
        ),
        ("styrkalender:\n  årsrapport:\n    slut: 1 mars\n", "rad 4: styrkalender.årsrapport.slut"),
        ("styrkalender: december\n", "rad 2: styrkalender"),
    ],
)
def test_a_bad_calendar_says_what_and_where(
    catalogue: Catalogue, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputError) as info:
        _config(tmp_path, catalogue, text)
    assert message in info.value.render()


# --- P6 judges every year --------------------------------------------------------------------


def _memo(year: int, decided: str, concerns: str = "verksamhetsplan") -> Any:
    data = yaml.safe_load((CLEAN_DOSSIER / "tjansteutlatande.yaml").read_text(encoding="utf-8"))
    data.update({"år": year, "beslutsdatum": decided, "avser": concerns})
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_document(text.encode(), f"tu-{year}.yaml")


@pytest.mark.parametrize(
    ("year", "decided", "concerns", "window"),
    [
        (2019, "2019-02-14", "verksamhetsplan", "2018-12-01–2019-01-31"),
        (2019, "2019-06-13", "tertialrapport_1", "2019-05-01–2019-05-31"),
        (2024, "2024-02-08", "verksamhetsplan", "2023-12-01–2024-01-31"),
        (2024, "2025-03-03", "årsrapport", "2025-01-01–2025-02-28"),
    ],
)
def test_p6_fires_outside_the_window_of_any_year(
    checker: Checker, year: int, decided: str, concerns: str, window: str
) -> None:
    result = checker.check(_memo(year, decided, concerns))
    p6 = [f.message for f in result.findings if f.rule_id == "P6"]
    assert len(p6) == 1 and f"utanför styrkalenderns period {window}" in p6[0], p6
    assert result.outcomes["P6"] == "failed"


@pytest.mark.parametrize(
    ("year", "decided", "concerns"),
    [
        (2019, "2018-12-13", "verksamhetsplan"),
        (2019, "2019-09-26", "tertialrapport_2"),
        (2024, "2024-01-25", "verksamhetsplan"),
        (2023, "2024-02-29", "årsrapport"),  # the leap day is inside 2023's window
    ],
)
def test_p6_holds_inside_the_window_of_any_year(
    checker: Checker, year: int, decided: str, concerns: str
) -> None:
    result = checker.check(_memo(year, decided, concerns))
    assert result.outcomes["P6"] == "passed", [f.message for f in result.findings]


def test_p6_judges_against_the_organisations_calendar(
    checker: Checker, tmp_path: Path, catalogue: Catalogue
) -> None:
    config = _config(tmp_path, catalogue, "styrkalender:\n  verksamhetsplan: {till: 15 februari}\n")
    memo = _memo(2024, "2024-02-08")
    assert checker.check(memo).outcomes["P6"] == "failed"
    assert checker.check(memo, config=config).outcomes["P6"] == "passed"
    late = checker.check(_memo(2024, "2024-02-16"), config=config)
    assert [f.message for f in late.findings if f.rule_id == "P6"] == [
        "Beslutet 2024-02-16 om verksamhetsplan ligger utanför styrkalenderns period "
        "2023-12-01–2024-02-15 (Beslut om verksamhetsplan 2024)."
    ]


def test_the_report_states_the_tailored_calendar(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        "organisation: Testförvaltningen\nstyrkalender:\n  verksamhetsplan: {till: 15 februari}\n",
        encoding="utf-8",
    )
    target = str(CLEAN_DOSSIER)
    text = run_styrkoll("check", "--config", str(path), target)
    assert "Anpassat av Testförvaltningen" in text.stdout, text.stderr
    assert (
        "Styrkalender, verksamhetsplan: 1 december året före–15 februari "
        "(standard 1 december året före–31 januari)" in text.stdout
    )
    data = json.loads(
        run_styrkoll("check", "--format", "json", "--config", str(path), target).stdout
    )
    calendar = data["results"][0]["tailoring"]["calendar"]
    assert calendar["year"] == 2012
    assert calendar["windows"][0] == {
        "concerns": "verksamhetsplan",
        "event": "Beslut om verksamhetsplan 2012",
        "from": "2011-12-01",
        "to": "2012-02-15",
        "days": "1 december året före–15 februari",
    }
    plain = json.loads(run_styrkoll("check", "--format", "json", target).stdout)
    assert plain["results"][0]["tailoring"]["calendar"]["windows"][0]["to"] == "2012-01-31"
