"""The rule catalogue as pages, for every logged-in role: the index by area (`/regler`) and one
page per rule (`/regler/<id>`) with its title, severity, years in force, area, reason,
reference, remedy and its Swedish scenarios from the living policy (`features/*.feature`, read
by `service.web.scenarios`): what a policy owner reads, from the catalogue the service checks
with."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from checks.catalogue import Area, Rule
from checks.conditions import CheckedRule
from service import access
from service.errors import not_found
from service.web import scenarios
from service.web.common import checker, db, login_required, page
from service.web.findings import SEVERITY_LABELS, the_user
from service.web.i18n import current_lang

catalogue_pages = Blueprint("pages_catalogue", __name__)

MAX_RULE_ID = 8


def _may() -> None:
    access.require(db(), the_user(), "read_reference")


def years_in_force(rule: Rule) -> str:
    """From the first year, to the last where the rule has one."""
    if rule.valid_to is None:
        return str(_("från %(year)d", year=rule.valid_from))
    if rule.valid_to == rule.valid_from:
        return str(rule.valid_from)
    return f"{rule.valid_from}–{rule.valid_to}"


def _areas() -> list[tuple[Area, list[CheckedRule]]]:
    catalogue = checker().catalogue
    by_area: dict[str, list[CheckedRule]] = {}
    for checked in catalogue.rules:  # in reading order
        by_area.setdefault(checked.rule.area, []).append(checked)
    return [(area, by_area.get(area.code, [])) for area in catalogue.areas]


def _context() -> dict[str, Any]:
    catalogue = checker().catalogue
    return {
        "severity_labels": SEVERITY_LABELS,
        "years_in_force": years_in_force,
        "catalogue_version": catalogue.version,
        "catalogue_title": catalogue.title.get(current_lang()),
    }


@catalogue_pages.get("/regler")
@login_required
def index() -> Response:
    _may()
    areas = _areas()
    return page(
        "catalogue/index.html",
        areas=areas,
        count=sum(len(rules) for _area, rules in areas),
        scenario_counts={rule_id: len(found) for rule_id, found in scenarios.by_rule().items()},
        **_context(),
    )


@catalogue_pages.get("/regler/<rule_id>")
@login_required
def rule(rule_id: str) -> Response:
    _may()
    catalogue = checker().catalogue
    found = catalogue.get(rule_id) if len(rule_id) <= MAX_RULE_ID else None
    if found is None:
        canonical = rule_id.strip().upper()
        if len(canonical) <= MAX_RULE_ID and catalogue.get(canonical) is not None:
            return redirect(url_for("pages_catalogue.rule", rule_id=canonical), 301)
        raise not_found(f"regeln {rule_id[:MAX_RULE_ID]}")
    area = next((a for a in catalogue.areas if a.code == found.rule.area), None)
    order = [r.id for r in catalogue.rules]
    at = order.index(found.id)
    return page(
        "catalogue/rule.html",
        checked=found,
        r=found.rule,
        area=area,
        found_scenarios=scenarios.scenarios_for(found.id),
        previous=order[at - 1] if at > 0 else None,
        following=order[at + 1] if at + 1 < len(order) else None,
        **_context(),
    )
