"""The Jinja environment of the reports' templates (`service/reports/templates/`): HTML and SVG
autoescaped, with the Swedish number and date filters of `service.reports.fmt`.

A page of the web interface can render the same fragments: add this package's template folder
(`TEMPLATES`) to its loader, or call `service.reports.pdf.summary_html`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from service.reports import fmt

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=fmt.number,
        tkr=fmt.tkr,
        signed_tkr=fmt.signed_tkr,
        percent=fmt.percent,
        long_date=fmt.long_date,
    )
    return env
