"""Reading the documents municipalities have: one normalising step, the kind and the year from
evidence in the text, and refusals that say what was tried. Fixtures are our own words, in the
layouts of the real excerpts; the excerpts themselves are read in place from ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus import PREFIX, expected_kind
from checks.importers import HEADINGS, import_file
from checks.importers.detect import decide, read_head
from checks.importers.text import normalise
from checks.loading import InputError
from tests.conftest import corpus_names, corpus_path

# Cover memos whose excerpt shows only the memo, not the plan it carries: read as what the text
# shows, a memo, not as the file is labelled.
READ_OTHERWISE = {
    "vp-strangnas-2016-1.txt": "tjänsteutlåtande",
    "vp-orebro-2021-1.txt": "tjänsteutlåtande",
}


def test_page_furniture_split_words_and_glyphs_are_normalised() -> None:
    text = (
        "Sid 1 (3)\n"
        "Nämndens årsredovis- ningen visar barn- och ungdomsnämndens\u00ad resultat\n"
        "(2)\n"
        "\uf0b7 Första punkten\u00a0i listan\n"
        "2 (3)\n"
    )
    lines = normalise(text)
    assert [(line.number, line.text) for line in lines] == [
        (2, "Nämndens årsredovisningen visar barn- och ungdomsnämndens resultat"),
        (4, "• Första punkten i listan"),
    ]


def test_a_heading_in_the_middle_of_a_flattened_line_starts_a_line_of_its_own() -> None:
    text = (
        "TJÄNSTESKRIVELSE Dnr KFN 2013/44 Mål för nämnden 2014 Sammanfattning Nämnden ser över "
        "sina mål. Beslutsunderlag Förvaltningens skrivelse. Förslag till beslut Nämnden "
        "fastställer målen.\n"
    )
    lines = normalise(text, HEADINGS)
    assert [line.text.split()[0] for line in lines] == [
        "TJÄNSTESKRIVELSE",
        "Sammanfattning",
        "Beslutsunderlag",
        "Förslag",
    ]
    assert {line.number for line in lines} == {1}


def test_a_memo_of_any_municipality_is_read_with_its_own_year_and_committee() -> None:
    text = (
        "TJÄNSTESKRIVELSE Handläggare Anna Berg 2014-02-03 Dnr KFN 2014/12 "
        "Kultur- och fritidsnämnden Mål och budget 2014 Sammanfattning Nämnden föreslås anta "
        "målen för året. Förslag till beslut 1. Kultur- och fritidsnämnden antar målen.\n"
    )
    imported = import_file(text.encode(), "skrivelse.txt")
    assert imported.data["dokument"] == "tjänsteutlåtande"
    assert imported.data["år"] == 2014 and imported.data["nämnd"] == "Kultur- och fritidsnämnden"
    assert imported.data["dnr"] == "KFN 2014/12" and imported.data["datum"] == "2014-02-03"
    assert imported.data["förslag_till_beslut"] == ["Kultur- och fritidsnämnden antar målen."]
    assert "förslag till beslut" in imported.report.why


def test_a_document_that_states_no_year_is_refused_never_given_today_s() -> None:
    text = "TJÄNSTESKRIVELSE Kultur- och fritidsnämnden Sammanfattning Målen ses över.\n"
    with pytest.raises(InputError) as info:
        import_file(text.encode(), "utan-år.txt")
    assert info.value.line == 1 and "--year" in info.value.message_sv
    imported = import_file(text.encode(), "utan-år.txt", year=2015)
    assert imported.data["år"] == 2015


def test_an_unrecognised_text_is_refused_with_what_was_tried() -> None:
    with pytest.raises(InputError) as info:
        import_file(b"Inbjudan till sommarfest i parken.\n", "inbjudan.txt")
    message = info.value.message_sv
    assert message.startswith("kunde inte avgöra vilken sorts handling det är; prövade:")
    assert "internkontrollplan" in message and "--kind" in message


def test_a_plan_outside_the_ils_layout_is_read_by_the_plans_reader() -> None:
    text = "Nämndplan 2019 för Fritidsnämnden\nNämndmål\nAlla ska känna sig trygga\nMålvärde\n"
    imported = import_file(text.encode(), "plan.txt")
    assert imported.data["dokument"] == "verksamhetsplan" and imported.data["år"] == 2019
    (goal,) = imported.data["nämndmål"]
    assert goal["titel"] == "Alla ska känna sig trygga"
    assert "indikatorer" not in goal  # an empty Målvärde is no target


@pytest.mark.parametrize("name", corpus_names(*PREFIX))
def test_every_corpus_file_is_recognised_and_no_year_is_invented(name: str) -> None:
    path = corpus_path(name)
    lines = normalise(path.read_text(encoding="utf-8"), HEADINGS)
    kind, _ = decide(lines)
    assert kind == READ_OTHERWISE.get(path.name, expected_kind(path.name))
    head = read_head(lines, kind)
    about = int(path.stem.split("-")[2])  # the year the document is about, by the file's name
    assert head.year in (None, about), (head.year, head.year_reason)


def test_an_excerpt_is_marked_and_what_it_does_not_show_is_not_judged(tmp_path: Path) -> None:
    from checks.checker import Checker
    from checks.loading import validate_document

    text = (
        "TJÄNSTESKRIVELSE 2014-02-03 Kultur- och fritidsnämnden Mål och budget 2014 "
        "Sida 1 (6) Sammanfattning Nämnden föreslås anta målen för året och förvaltningen har "
        "arbetat fram förslaget tillsammans med\n"
    )
    imported = import_file(text.encode(), "utdrag.txt")
    assert imported.data["utdrag"] is True
    assert any("utdrag" in note for _, note in imported.report.notes)
    loaded = validate_document(imported.data, "utdrag.txt", imported.source_map)
    with Checker() as checker:
        result = checker.check(loaded)
    # no proposal and no Dnr in the text we have: not "fel", not "uppfylld", but not judged
    assert not [f for f in result.findings if f.rule_id in ("P8", "P10")]
    assert result.outcomes["P8"] == result.outcomes["P10"] == "not_judged"
    assert "utdrag" in result.unjudged["P8"][0].missing[0]
    # a whole memo closes (Expedieras till, Bilagor): without a proposal it is P8's "fel"
    whole = text.replace(
        "tillsammans med\n", "tillsammans med nämnden.\nExpedieras till\nKulturförvaltningen\n"
    ).replace(" (6)", " (1)")
    loaded = validate_document(
        import_file(whole.encode(), "hel.txt").data, "hel.txt", imported.source_map
    )
    with Checker() as checker:
        assert "P8" in {f.rule_id for f in checker.check(loaded).findings}


def test_the_committee_a_head_names_in_full() -> None:
    """A district committee's double-barrelled name is kept whole; a body that puts forward
    the proposal ("Byggnadsnämndens förslag till beslut") is named by it; a body mentioned
    in running prose is not the document's."""
    from checks.importers.detect import read_head
    from checks.importers.text import Line

    def committee(*texts: str) -> str | None:
        lines = [Line(i + 1, t) for i, t in enumerate(texts)]
        return read_head(lines, "tjänsteutlåtande").committee

    assert committee("Tjänsteutlåtande", "Norrby-Söderås stadsdelsnämnd") == (
        "Norrby-Söderås stadsdelsnämnd"
    )
    assert committee("Ärende 4", "Byggnadsnämndens förslag till beslut") == "Byggnadsnämnden"
    prose = (
        "Inledning. " * 60 + "Planen bygger på det som kommunfullmäktige beslutade om "
        "budgeten och på de riktlinjer som kommunstyrelsen tidigare har antagit för hela staden."
    )
    assert committee("Plan för intern kontroll 2026", prose) is None
