"""The report pages in a real browser: the controller chooses the committee and year on the form,
reads the committee summary in Swedish and in English (axe-core clean, every link and field
reachable by keyboard), and downloads the summary's PDF, whose first page is rendered to PNG by
poppler's pdftoppm beside the screenshots (build/screenshots/<backend>/<test>/)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_browser_login import h1
from tests.browser.test_controller_pages import logged_in

COMMITTEE = "Hägersten-Liljeholmens stadsdelsnämnd"


def test_the_controller_reads_the_committee_summary(visit: Visit) -> None:
    page = logged_in(visit, "controller", "/sammanfattning", "summary form")
    assert h1(page) == "Sammanfattning för nämnden"
    page.get_by_label("Nämnd").select_option(label=COMMITTEE)
    page.get_by_label("År").fill("2012")
    page.get_by_role("button", name="Visa rapporten").click()
    page.wait_for_url("**/sammanfattning?ar=2012")
    visit.seen("summary sv")
    assert f"{COMMITTEE} 2012" in page.locator("main").inner_text()
    assert page.locator("figure.chart-figure svg[role=img]").count() >= 2
    finding = page.locator(".evidence a").first
    assert finding.get_attribute("href").startswith("/fynd/")

    # by keyboard: from the skip link, Tab reaches the PDF link and the first finding's link
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    wanted = {"Ladda ned sammanfattningen som PDF": False, "finding": False}
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.textContent.trim(),"
            " document.activeElement.closest('.evidence') !== null]"
        )
        if focused[0] in wanted:
            wanted[focused[0]] = True
        if focused[1]:
            wanted["finding"] = True
        if all(wanted.values()):
            break
    assert all(wanted.values()), wanted

    pdf_link = page.get_by_role("link", name="Ladda ned sammanfattningen som PDF")
    answer = page.request.get(page.url.split("/namnd/")[0] + pdf_link.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    pdf_file = visit.folder / "summary.pdf"
    pdf_file.write_bytes(answer.body())
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm saknas (apt-get install poppler-utils)")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf_file),
         str(visit.folder / "summary-pdf-page-1")],
        check=True,
    )  # fmt: skip
    assert (visit.folder / "summary-pdf-page-1.png").stat().st_size > 10_000

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/sammanfattning?ar=2012")
    visit.seen("summary en")
    assert h1(page) == "Summary for the committee"
    assert "Summary for the committee" in page.locator("main").inner_text()
