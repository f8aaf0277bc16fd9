"""The summary's charts (issue 13): plain SVG drawn on the server with no script and no outside
reference, each with its text alternative (<title>, <desc>) and the data table beside it; the
series stay apart in grey print (patterns, outlines, different greys); bars are to scale and
the same data draw the same bytes. On SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from flask import Flask

from service.reports.charts import KEYS, charts
from service.reports.models import CommitteeSummary, UnitCount
from tests.test_reports_summary import COMMITTEE, summary
from tests.test_service import bearer, tokens, unit_id

SVG = "{http://www.w3.org/2000/svg}"


def svg(app: Flask, key: str, lang: str = "sv") -> tuple[bytes, ET.Element]:
    committee = unit_id(app, COMMITTEE)
    response = app.test_client().get(
        f"/api/v1/reports/chart.svg?committee={committee}&year=2012&chart={key}&lang={lang}",
        headers=bearer(tokens(app)["revisor"]),
    )
    assert response.status_code == 200, response.json
    assert response.mimetype == "image/svg+xml"
    return response.data, ET.fromstring(response.data)


def grey(fill: str) -> float:
    """The luminance of a #rrggbb fill, 0 (black) to 1 (white): what grey print keeps."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def legend_fills(root: ET.Element) -> list[str]:
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    return [r.get("fill", "") for r in legend.iter(f"{SVG}rect")]


@pytest.mark.parametrize("key", KEYS)
def test_each_chart_is_plain_svg_with_its_text_alternative(service_app: Flask, key: str) -> None:
    body = summary(service_app, "revisor", unit_id(service_app, COMMITTEE))
    chart = next(c for c in charts(CommitteeSummary.model_validate(body)) if c.key == key)
    raw, root = svg(service_app, key)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert (title.text, desc.text) == (chart.title, chart.alt)
    assert set((root.get("aria-labelledby") or "").split()) == {title.get("id"), desc.get("id")}
    assert not list(root.iter(f"{SVG}script")) and b"<script" not in raw
    for element in root.iter():
        for name, value in element.attrib.items():
            assert "href" not in name, (element.tag, name)  # nothing loaded from anywhere
            assert not re.search(r"https?:|javascript:", value), (element.tag, value)
            if value.startswith("url("):  # a fill is a pattern defined here
                ident = value[5:-1]
                assert root.find(f".//{SVG}pattern[@id='{ident}']") is not None, ident
    assert raw == svg(service_app, key)[0]  # the same data draw the same bytes
    assert chart.rows and all(len(r) == len(chart.columns) for r in chart.rows)


def test_series_stay_apart_in_grey_print(service_app: Flask) -> None:
    for key in ("omraden", "uppfyllelse", "budget"):
        _, root = svg(service_app, key)
        fills = legend_fills(root)
        assert len(set(fills)) == len(fills) >= 2, (key, fills)
        solids = [f for f in fills if f.startswith("#")]
        for a, b in itertools.combinations([*solids, "#ffffff"], 2):
            assert abs(grey(a) - grey(b)) > 0.25, (key, a, b)
        drawn = [g for g in root.iter(f"{SVG}g") if g.get("class") in ("bar", "legend")]
        for rect in (r for g in drawn for r in g.iter(f"{SVG}rect")):
            assert rect.get("stroke") == "#000000", (key, rect.attrib)  # an outline
    _, root = svg(service_app, "versioner")
    lines = [p for p in root.iter(f"{SVG}line") if p.get("stroke-width") == "1.6"]
    dashes = [line.get("stroke-dasharray", "") for line in lines]
    assert len(set(dashes)) == len(dashes) >= 2  # each series its own dash, and its marker


def test_bars_are_drawn_to_scale_and_the_table_holds_the_figures(service_app: Flask) -> None:
    body: Any = summary(service_app, "revisor", unit_id(service_app, COMMITTEE))
    _, root = svg(service_app, "omraden")
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    assert len(bars) == len(body["by_area"])
    scale = set()
    for bar, area in zip(bars, body["by_area"], strict=True):
        width = sum(float(r.get("width", 0)) for r in bar.iter(f"{SVG}rect"))
        total = area["fel"] + area["varning"] + area["info"]
        labels = [t.text for t in bar.iter(f"{SVG}text")]
        assert labels == [area["title"], str(total)]
        if total:
            scale.add(round(width / total, 1))
        else:
            assert width == 0
    assert len(scale) == 1, scale  # one scale for every bar
    chart = next(c for c in charts(CommitteeSummary.model_validate(body)) if c.key == "omraden")
    assert sum(int(r[-1]) for r in chart.rows) == sum(body["open_findings"].values())
    money = next(c for c in charts(CommitteeSummary.model_validate(body)) if c.key == "budget")
    assert money.rows == [
        [
            "Administrativa avdelningen",
            "32\u00a0900",
            "34\u00a0600",
            "+1\u00a0700",
            "5,2\u00a0%",
            "årsrapport",
        ]
    ]
    assert "Administrativa avdelningen +1\u00a0700\u00a0tkr (5,2\u00a0%)" in money.alt


def test_an_unknown_chart_is_a_swedish_problem(service_app: Flask) -> None:
    committee = unit_id(service_app, COMMITTEE)
    response = service_app.test_client().get(
        f"/api/v1/reports/chart.svg?committee={committee}&year=2012&chart=paj",
        headers=bearer(tokens(service_app)["revisor"]),
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["path"] == "chart"  # type: ignore[index]


def test_a_chart_of_many_units_draws_and_tables_the_twenty_with_most(service_app: Flask) -> None:
    body: Any = summary(service_app, "revisor", unit_id(service_app, COMMITTEE))
    many = [
        UnitCount(unit_id=i, unit=f"Enhet {i:02d}", fel=i % 7, varning=i % 3, info=0)
        for i in range(1, 26)
    ]
    s = CommitteeSummary.model_validate(body).model_copy(update={"by_unit": many})
    chart = next(c for c in charts(s) if c.key == "enheter")
    root = ET.fromstring(chart.svg)
    bars = [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar"]
    drawn = {next(g.iter(f"{SVG}text")).text for g in bars}
    most = sorted(many, key=lambda u: -u.total)[:20]
    assert len(bars) == 20 and drawn == {u.unit for u in most}
    assert sorted(r[0] for r in chart.rows) == sorted(u.unit for u in most)  # as drawn
    assert "visar de 20 med flest av 25" in chart.alt
