"""Dossiers: a folder or a manifest of one unit's documents for one year, or clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checks.checker import Checker
from checks.dossier import load_target
from checks.loading import InputError, load_document
from tests.conftest import CLEAN_DOSSIER, run_styrkoll


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "akt"
    shutil.copytree(CLEAN_DOSSIER, target)
    return target


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        load_target(path)
    return info.value.render()


def test_a_folder_and_its_manifest_give_the_same_dossier(folder: Path) -> None:
    with_manifest = load_target(folder)
    (folder / "akt.yaml").unlink()
    without = load_target(folder)
    assert with_manifest.kinds == [
        "verksamhetsplan",
        "riskanalys",
        "internkontrollplan",
        "tjänsteutlåtande",
        "årsrapport",
    ]
    assert sorted(without.kinds) == sorted(with_manifest.kinds)
    assert (without.year, without.unit) == (2012, "Administrativa avdelningen")


def test_a_file_missing_from_the_manifest_is_named_with_its_line(folder: Path) -> None:
    (folder / "riskanalys.yaml").unlink()
    assert _error(folder / "akt.yaml").startswith(
        f'{folder / "akt.yaml"} rad 10: handlingar[1]: handlingen "riskanalys.yaml" finns inte'
    )


def test_a_document_of_another_year_is_refused(folder: Path) -> None:
    path = folder / "riskanalys.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("år: 2012", "år: 2011"), "utf-8")
    message = _error(folder)
    assert message.startswith(f'{path} rad 5: år: handlingen gäller år "2011"')
    assert "akten" in message and '"2012"' in message


def test_a_document_of_another_unit_is_refused(folder: Path) -> None:
    path = folder / "arsrapport.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "enhet: Administrativa avdelningen", "enhet: Ekonomiavdelningen"
    )
    path.write_text(text, "utf-8")
    assert _error(folder).startswith(
        f'{path} rad 7: enhet: handlingen gäller enhet "Ekonomiavdelningen"'
    )


def test_a_second_document_of_the_same_kind_is_refused(folder: Path) -> None:
    (folder / "akt.yaml").unlink()
    shutil.copy(folder / "riskanalys.yaml", folder / "riskanalys-kopia.yaml")
    message = _error(folder)
    assert "akten har redan risk- och väsentlighetsanalysen" in message
    assert "riskanalys-kopia.yaml" in message or "riskanalys.yaml" in message


def test_a_file_listed_twice_is_refused(folder: Path) -> None:
    manifest = folder / "akt.yaml"
    manifest.write_text(manifest.read_text("utf-8") + "  - riskanalys.yaml\n", "utf-8")
    assert '"riskanalys.yaml" står två gånger i handlingar' in _error(manifest)


def test_an_empty_folder_and_a_stray_manifest_are_refused(tmp_path: Path, folder: Path) -> None:
    empty = tmp_path / "tom"
    empty.mkdir()
    assert "mappen innehåller inga handlingar" in _error(empty)
    (folder / "akt.yaml").rename(folder / "lista.yaml")
    assert "en akt i en mapp ska heta akt.yaml" in _error(folder)


def test_an_invalid_document_in_a_dossier_names_its_file_and_line(folder: Path) -> None:
    path = folder / "riskanalys.yaml"
    path.write_text(
        path.read_text("utf-8").replace("sannolikhet: 3\n", "sannolikhet: tre\n", 1), "utf-8"
    )
    assert _error(folder).startswith(
        f'{path} rad 13: risker[0].sannolikhet: ska vara ett heltal, inte "tre"'
    )


def test_a_tertialrapport_must_say_which_tertial(tmp_path: Path) -> None:
    path = tmp_path / "t1.yaml"
    path.write_text("dokument: tertialrapport\når: 2012\nnämnd: N\nenhet: E\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_document(path)
    assert "en tertialrapport ska ange tertial: 1 eller 2" in info.value.render()
    path.write_text(path.read_text("utf-8") + "tertial: 1\n", encoding="utf-8")
    assert load_document(path).kind == "tertialrapport_1"


def test_a_malformed_dossier_exits_2_and_nothing_is_checked(folder: Path) -> None:
    (folder / "internkontrollplan.yaml").unlink()
    proc = run_styrkoll("check", str(folder))
    assert proc.returncode == 2
    assert 'handlingen "internkontrollplan.yaml" finns inte' in proc.stderr
    assert proc.stdout == ""


def test_every_finding_names_its_document_and_catalogue(checker: Checker) -> None:
    from tests.conftest import DEFECT_DOSSIER

    result = checker.check(load_target(DEFECT_DOSSIER))
    kinds = {f.document_kind for f in result.findings}
    assert kinds == {
        "verksamhetsplan",
        "riskanalys",
        "internkontrollplan",
        "tjänsteutlåtande",
        "årsrapport",
    }
    for f in result.findings:
        assert Path(f.document).is_file() and f.line is not None
        assert f.catalogue_version == checker.catalogue.version
        assert f.catalogue_hash == checker.catalogue.content_hash
