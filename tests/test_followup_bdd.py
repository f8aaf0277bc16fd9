"""Runs the living policy features/followup.feature against the real engine."""

from typing import Any

from pytest_bdd import given, parsers, scenarios

scenarios("followup.feature")


@given(parsers.parse("att rapporten är tertialrapport {tertial:d} i stället för årsrapporten"))
def report_is_a_four_month_report(docs: dict[str, Any], tertial: int) -> None:
    """The example's annual report, as the four-month report 1 or 2 of the same unit."""
    docs["årsrapport"]["dokument"] = "tertialrapport"
    docs["årsrapport"]["tertial"] = tertial
