"""Runs the living policy features/process.feature against the real engine.

Besides the shared steps (tests/conftest.py), the signs in an export's text (P16–P20) are
given as an export in our own words, imported as `styrkoll import` does and checked.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from pytest_bdd import given, parsers, scenarios, when

from checks.checker import Checker, CheckResult
from checks.dossier import single
from checks.importers import import_file
from checks.loading import validate_document

scenarios("process.feature")


@given("exporten:", target_fixture="export")
def export_text(docstring: str) -> str:
    return docstring + "\n"


@when(
    parsers.re(r"exporten importeras(?: med (?P<flags>.+?))? och kontrolleras$"),
    target_fixture="result",
)
def import_and_check(
    checker: Checker, export: str, tmp_path: Path, flags: str | None
) -> CheckResult:
    args = shlex.split(flags or "")
    options = dict(zip(args[::2], args[1::2], strict=True))
    year = options.get("--year")
    source = str(tmp_path / "export.txt")
    imported = import_file(
        export.encode("utf-8"), source, None, int(year) if year else None, options.get("--nämnd")
    )
    return checker.check(single(validate_document(imported.data, source, imported.source_map)))
