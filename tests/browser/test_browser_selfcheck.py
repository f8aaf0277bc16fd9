"""The self-check in a real browser: an ILS-webb export (text and PDF) sent as a file shows its
findings beside how it was read; and the whole flow by keyboard alone (Tab, Enter and typing),
with the focus visible at every stop. Every page is checked with axe-core (see conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_browser_login import h1, log_in
from tests.test_import import write_pdf
from tests.test_pages_selfcheck import ILS_EXPORT, UNPLACED

FOCUS_YELLOW = "rgb(255, 221, 0)"


def logged_in(visit: Visit, username: str = "enhet") -> None:
    visit.go("/logga-in?next=/sjalvkontroll", "login")
    log_in(visit, username)
    visit.page.wait_for_url("**/sjalvkontroll")
    visit.seen("self-check form")


def findings_of(page: Any) -> list[str]:
    found: list[str] = page.locator(".finding h4").all_inner_texts()
    return [text.split(" · ")[0] for text in found]


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_an_ils_export_shows_findings_and_the_import_summary(
    visit: Visit, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"lasesal.{fmt}"
    if fmt == "txt":
        path.write_text(ILS_EXPORT, encoding="utf-8")
    else:
        write_pdf(ILS_EXPORT, path)
    logged_in(visit)
    page = visit.page
    page.get_by_label("Dokument").set_input_files(str(path))
    page.get_by_role("button", name="Kontrollera").click()
    page.wait_for_selector("h1:has-text('Resultat av självkontrollen')")
    visit.seen(f"self-check result {fmt}")
    assert {"C1", "C3"} <= set(findings_of(page))
    assert page.locator("#grupp-fel").inner_text().startswith("Fel (")
    summary = page.get_by_role("complementary", name="Så lästes dokumenten")
    assert summary.locator("h3").inner_text() == path.name
    text = summary.inner_text()
    assert "verksamhetsplanen" in text and UNPLACED in text and "Placerad text" in text
    # beside the findings on a wide screen
    findings_box = page.locator("section[aria-labelledby=fynd]").bounding_box()
    summary_box = summary.bounding_box()
    assert summary_box["x"] > findings_box["x"] + findings_box["width"] - 1


def test_a_bad_file_is_an_error_tied_to_the_file_field(visit: Visit, tmp_path: Path) -> None:
    path = tmp_path / "program.exe"
    path.write_bytes(b"MZ\x90\x00")
    logged_in(visit)
    page = visit.page
    page.get_by_label("Dokument").set_input_files(str(path))
    page.get_by_role("button", name="Kontrollera").click()
    page.wait_for_selector(".error-summary")
    visit.seen("self-check bad file")
    assert page.locator(".error-summary a").get_attribute("href") == "#dokument"
    described = page.get_by_label("Dokument").get_attribute("aria-describedby") or ""
    assert "dokument-error" in described.split()
    assert "program.exe: filtypen stöds inte" in page.locator("#dokument-error").inner_text()


def _focused(page: Any) -> dict[str, Any]:
    """The focused element and whether its focus is visible (our focus styles: a yellow block or
    a yellow outline)."""
    info: dict[str, Any] = page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || "").trim(),
                name: el.getAttribute("name"), type: el.getAttribute("type"),
                background: style.backgroundColor, outline: style.outlineColor,
                outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
                shadow: style.boxShadow,
            };
        }"""
    )
    info["visible"] = (
        info["tag"] == "body"
        or (
            FOCUS_YELLOW in (info["background"], info["outline"])
            and (info["outline"] != FOCUS_YELLOW or info["outlineStyle"] != "none")
        )
        or FOCUS_YELLOW in info["shadow"]
    )
    return info


def tab_to(page: Any, want: Any, limit: int = 30) -> list[dict[str, Any]]:
    """Tab until `want(focused)`; every stop on the way must show its focus."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        stops.append(focused)
        assert focused["visible"], f"focus not visible: {focused}"
        if want(focused):
            return stops
    raise AssertionError(f"not reached by Tab: {[(s['tag'], s['id'] or s['text']) for s in stops]}")


def test_the_self_check_by_keyboard_alone(visit: Visit) -> None:
    visit.go("/logga-in", "login")
    page = visit.page
    # the skip link is the first stop, and leads past the header
    first = tab_to(page, lambda f: True)[0]
    assert first["text"] == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == "username")
    page.keyboard.type("controller")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "password"
    page.keyboard.type("styrkoll-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(visit.server.url + "/")
    visit.seen("start by keyboard")
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Självkontroll")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sjalvkontroll")
    visit.seen("self-check form by keyboard")
    assert h1(page) == "Självkontroll"
    stops = tab_to(page, lambda f: f["id"] == "text")
    assert "dokument" in [s["id"] for s in stops]  # the file field is on the way
    page.keyboard.insert_text(ILS_EXPORT)  # as a paste
    stops = tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Kontrollera")
    assert [s["id"] for s in stops[:-1]] == ["year", "committee", "kind"]
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Resultat av självkontrollen')")
    visit.seen("self-check result by keyboard")
    assert {"C1", "C3"} <= set(findings_of(page))
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Kontrollera andra dokument")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sjalvkontroll")
    visit.seen("self-check form again by keyboard")
