"""Every limit of `checks.limits` refuses its bomb (tests/bombs.py) before the work it bounds, in
Swedish, naming the file and the limit: through the library, the CLI and the service (413 for
size, 422 for the rest, never 500), each within its time budget. A document that overruns the
time or memory budget costs one import worker, which is killed and replaced.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import psutil
import pytest
import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.checker import Checker
from checks.dossier import single
from checks.import_worker import import_pool
from checks.importers import extract_text, import_file
from checks.limits import Limits, LimitsError, current
from checks.loading import InputError, parse_document
from tests import bombs
from tests.conftest import run_styrkoll
from tests.test_service import bearer, counts, tokens, unit_id

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# bomb, file name, what the refusal says, refused for its size (413) or not (422)
BOMBS: list[tuple[Callable[[], bytes], str, str, bool]] = [
    (bombs.pdf_pages, "plan.pdf", "plan.pdf: PDF-filen har 2 000 sidor; högst 500 läses", True),
    (
        bombs.pdf_unknown_filter,
        "filter.pdf",
        "filter.pdf: PDF-filen använder komprimeringen /StyrkollDecode, som inte kan läsas",
        False,
    ),
    (
        bombs.docx_inflating,
        "uppblåst.docx",
        "uppblåst.docx: Word-filen packas upp till 99,4 MB; högst 50 MB läses",
        True,
    ),
    (
        bombs.docx_lying,
        "ljuger.docx",
        "ljuger.docx: Word-filen är skadad: delen word/document.xml packas upp till annat än "
        "zip-katalogen anger",
        False,
    ),
    (
        bombs.docx_deep,
        "djup.docx",
        "djup.docx: Word-filens XML i word/document.xml är nästlad i mer än 100 nivåer; högst "
        "100 läses",
        True,
    ),
    (
        bombs.docx_entities,
        "skratt.docx",
        "skratt.docx: Word-filen innehåller en dokumenttypsdefinition (<!DOCTYPE> eller "
        "<!ENTITY>) i word/document.xml; sådana läses inte (Word skriver inga)",
        False,
    ),
    (
        lambda: bombs.docx_entities(utf16=True),
        "skratt16.docx",
        "skratt16.docx: Word-filen innehåller en dokumenttypsdefinition (<!DOCTYPE> eller "
        "<!ENTITY>) i word/document.xml; sådana läses inte (Word skriver inga)",
        False,
    ),
    (
        bombs.docx_text_node,
        "text.docx",
        "text.docx: Word-filen har en text på över 10 000 000 tecken i word/document.xml; högst "
        "2 000 000 tecken text läses",
        True,
    ),
    (
        lambda: bombs.docx_text_node(5),
        "text5.docx",
        "text5.docx: Word-filen innehåller mer än 2 000 000 tecken text (i word/document.xml); "
        "högst 2 000 000 läses",
        True,
    ),
    (
        bombs.docx_malformed,
        "trasig.docx",
        "trasig.docx: Word-filens XML i word/document.xml är trasig (rad 2, kolumn 120)",
        False,
    ),
    (
        bombs.docx_without_document,
        "tom.docx",
        "tom.docx: Word-filen saknar en del den hänvisar till (word/document.xml)",
        False,
    ),
    (
        lambda: b"Verksamhetsplan 2012\n" + b"Enheten arbetar vidare. " * 100_000,
        "lang.txt",
        "lang.txt: filen innehåller mer än 2 000 000 tecken text; högst 2 000 000 läses",
        True,
    ),
]
IDS = [name for _, name, _, _ in BOMBS]


@pytest.mark.parametrize(("bomb", "name", "message", "too_large"), BOMBS, ids=IDS)
def test_each_bomb_is_refused_in_swedish_within_its_budget(
    bomb: Callable[[], bytes], name: str, message: str, too_large: bool
) -> None:
    raw = bomb()
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        import_file(raw, name)
    assert time.perf_counter() - started < current().import_seconds
    assert refused.value.render() == message
    assert refused.value.too_large is too_large
    assert refused.value.render("en").startswith(f"{name}: ")


def test_the_limits_hold_in_this_process_too() -> None:
    """The guards are in the reader, not only around it: a caller in this process is protected."""
    for bomb, name, message, _ in BOMBS:
        with pytest.raises(InputError) as refused:
            extract_text(bomb(), name)
        assert refused.value.render() == message


def test_an_ordinary_word_file_and_pdf_still_read() -> None:
    text = extract_text(bombs.docx_text(["Verksamhetsplan 2012", "Enheten"]), "vp.docx")
    assert text == "Verksamhetsplan 2012\nEnheten"
    assert extract_text(bombs.pdf_pages(3), "tre.pdf").count("Verksamhetsplan med en rad") == 180
    at_limit = extract_text(bombs.pdf_pages(500), "gräns.pdf")  # 500 pages are read
    assert at_limit.count("Verksamhetsplan med en rad") == 500 * 60


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Any) -> None:
    big = tmp_path / "stor.pdf"
    with big.open("wb") as out:
        out.truncate(21 * 2**20)
    proc = run_styrkoll("import", str(big))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{big}: filen är för stor (21 MB; högst 20 MB)" in proc.stderr


def test_the_cli_refuses_bombs_in_swedish(tmp_path: Any) -> None:
    for bomb, name, message, _ in (BOMBS[0], BOMBS[5]):
        path = tmp_path / name
        path.write_bytes(bomb())
        for command in ("import", "check"):
            proc = run_styrkoll(command, str(path))
            assert proc.returncode == 2, (command, proc.stderr)
            assert message.replace(f"{name}:", f"{path}:") in proc.stderr
            assert "Traceback" not in proc.stderr and proc.stdout == ""


def import_workers(parent: psutil.Process) -> set[int]:
    """The import workers a process has started (see `checks.import_worker`)."""
    found = set()
    for child in parent.children():
        try:
            if "checks.import_worker" in " ".join(child.cmdline()):
                found.add(child.pid)
        except psutil.Error:  # gone meanwhile
            continue
    return found


def test_a_document_over_the_time_budget_costs_one_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYRKOLL_LIMIT_IMPORT_SECONDS", "1")
    slow = bombs.pdf_slow()  # 400 pages: under the page limit, ~45 s of reading
    unrecognised = bombs.docx_text(["Verksamhetsplan 2012", "Hägerstens enhet"])
    with pytest.raises(InputError):  # read, and refused for its content: a worker is up
        import_file(unrecognised, "varm.docx")
    before = import_workers(psutil.Process())
    starts = import_pool().starts
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        import_file(slow, "seg.pdf")
    assert time.perf_counter() - started < 1 + 4  # the budget, and a machine shared with others
    assert refused.value.render() == (
        "seg.pdf: dokumentet kunde inte läsas inom 1 sekund; läsningen avbröts"
    )
    assert refused.value.limit == "import_seconds" and not refused.value.too_large
    killed = before - import_workers(psutil.Process())
    assert len(killed) == 1  # the worker that read it is gone, not left running
    again = time.perf_counter()
    with pytest.raises(InputError):  # asked again at once: refused without reading
        import_file(slow, "seg.pdf")
    assert time.perf_counter() - again < 1  # less than the budget: not read again
    with pytest.raises(InputError) as content:
        import_file(unrecognised, "nästa.docx")  # read by another worker
    assert content.value.limit is None  # refused for its content, not for a budget
    assert import_pool().starts > starts  # a fresh worker took over
    assert not killed & import_workers(psutil.Process())


def test_a_document_over_the_memory_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYRKOLL_LIMIT_IMPORT_MEMORY", "200M")
    monkeypatch.setenv("STYRKOLL_LIMIT_TEXT_CHARS", "100000000")
    raw = bombs.docx_inflating(40)  # within the unpacked limit; its XML tree needs far more
    with pytest.raises(InputError) as refused:
        import_file(raw, "minne.docx")
    assert refused.value.render() in (
        "minne.docx: dokumentet kunde inte läsas inom 200 MB minne; läsningen avbröts",
        "minne.docx: Word-filen kräver mer minne än en inläsning får använda",
    )
    assert refused.value.limit == "import_memory"


def test_limits_come_from_the_environment_and_bad_ones_stop() -> None:
    limits = Limits.from_env(
        {"STYRKOLL_LIMIT_PDF_PAGES": "800", "STYRKOLL_LIMIT_DOCX_BYTES": "20M", "OTHER": "1"}
    )
    assert limits.pdf_pages == 800 and limits.docx_bytes == 20 * 2**20
    assert limits.xml_depth == Limits().xml_depth == 100
    with pytest.raises(LimitsError, match='^STYRKOLL_LIMIT_PDF_PAGES="många" är inte ett heltal$'):
        Limits.from_env({"STYRKOLL_LIMIT_PDF_PAGES": "många"})
    with pytest.raises(LimitsError, match="STYRKOLL_LIMIT_INTEGER=10000000000: ska vara mellan"):
        Limits.from_env({"STYRKOLL_LIMIT_INTEGER": "10000000000"})  # the engine keeps 63 bits


def test_a_lower_limit_from_the_environment_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STYRKOLL_LIMIT_PDF_PAGES", "2")
    with pytest.raises(InputError, match="PDF-filen har 3 sidor; högst 2 läses"):
        import_file(bombs.pdf_pages(3), "tre.pdf")


def test_a_huge_number_is_a_field_error_where_it_stands() -> None:
    with pytest.raises(InputError) as refused:
        parse_document(bombs.yaml_huge_number(), "rov.yaml")
    assert refused.value.render() == (
        "rov.yaml rad 10: risker[0].riskvärde: ett tal med 31 siffror är för stort; högst "
        "1 000 000 000 till beloppet"
    )
    with pytest.raises(InputError) as refused:
        parse_document(bombs.json_huge_amount(), "vb.json")
    assert refused.value.path == "ekonomi.utfall_netto"
    assert "ett tal med 301 siffror är för stort; högst 1 000 000 000 000" in str(refused.value)


def test_the_largest_numbers_allowed_are_numbers_the_engine_takes(checker: Checker) -> None:
    """At the bounds the whole check runs: the engine never refuses what the model accepted."""
    data = yaml.safe_load(bombs.yaml_huge_number(str(10**9)))
    data["risker"][0].update(sannolikhet=-(10**9), konsekvens=10**9)
    loaded = parse_document(yaml.safe_dump(data, allow_unicode=True).encode(), "rov.yaml")
    result = checker.check(single(loaded))
    assert result.outcomes  # judged, not refused
    amounts = bombs.json_huge_amount(str(-(10**12)))
    assert checker.check(single(parse_document(amounts, "vb.json"))).outcomes


def test_too_many_elements_are_refused_before_validation() -> None:
    at_limit = parse_document(bombs.yaml_many_elements(2000), "rov.yaml")
    assert len(at_limit.document.risks) == 2000  # type: ignore[union-attr]
    with pytest.raises(InputError) as refused:
        parse_document(bombs.yaml_many_elements(2001), "rov.yaml")
    assert refused.value.render() == (
        "rov.yaml: dokumentet har 2 001 element (mål, åtaganden, aktiviteter, risker, "
        "kontroller, rader …); högst 2 000 läses"
    )
    assert refused.value.too_large


# --- the service -------------------------------------------------------------------------------

SERVICE_BOMBS = [
    *BOMBS,
    (bombs.yaml_huge_number, "rov.yaml", "risker[0].riskvärde: ett tal med 31 siffror", False),
    (lambda: bombs.yaml_many_elements(2001), "rader.yaml", "högst 2 000 läses", True),
]
MEDIA = {".pdf": "application/pdf", ".docx": DOCX, ".txt": "text/plain", ".yaml": "text/yaml"}


def _post(app: Flask, url: str, raw: bytes, name: str, token: str) -> tuple[Any, float]:
    started = time.perf_counter()
    response = app.test_client().post(
        f"{url}filename={name}",
        data=raw,
        content_type=MEDIA["." + name.rsplit(".", 1)[1]],
        headers=bearer(token),
    )
    return response, time.perf_counter() - started


def _refused_as_told(response: Any, elapsed: float, name: str, message: str, big: bool) -> None:
    assert response.status_code == (413 if big else 422), (name, response.json)
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"].startswith((f"{name}: ", f"{name} rad ")), response.json
    assert message.split(": ", 1)[-1] in response.json["detail"], (name, response.json)
    assert response.json["title"] == ("För stort dokument" if big else "Ogiltigt dokument")
    assert elapsed < current().import_seconds, name


def test_the_service_refuses_each_bomb_and_stores_nothing(service_app: Flask) -> None:
    token = tokens(service_app)["enhet"]
    unit = unit_id(service_app, "Administrativa avdelningen")
    before = counts(service_app)
    for bomb, name, message, big in SERVICE_BOMBS:
        url = f"/api/v1/documents?unit={unit}&year=2012&"
        response, elapsed = _post(service_app, url, bomb(), f"upp-{name}", token)
        _refused_as_told(response, elapsed, f"upp-{name}", message, big)
    assert counts(service_app) == before


def test_the_self_check_refuses_each_bomb(service_app: Flask) -> None:
    token = tokens(service_app)["enhet"]
    for bomb, name, message, big in SERVICE_BOMBS:
        url = "/api/v1/checks?year=2012&"
        response, elapsed = _post(service_app, url, bomb(), f"själv-{name}", token)
        _refused_as_told(response, elapsed, f"själv-{name}", message, big)


FRAGMENTS = [
    "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:tbl>", "</w:tbl>", "<w:tr>",
    "</w:tr>", "<w:tc>", "</w:tc>", "<w:p/>", "Verksamhetsplan 2012", "åtagande", " ", "\n",
    "<!-- kommentar -->", "<?pi data?>", "&amp;", "&lt;", "&lol;", "&#0;", "&#x1F600;",
    "<![CDATA[x]]>", "<x:y xmlns:x='urn:x'/>", "<w:body>", "</w:document>", "<", "&", "\x00",
    "<w:t xml:space='preserve'>", '<w:p w:rsidR="00A1">',
]  # fmt: skip


@settings(
    max_examples=int(os.environ.get("STYRKOLL_FUZZ", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_any_word_body_gives_text_or_a_clear_refusal(fragments: list[str]) -> None:
    raw = bombs.docx("".join(fragments).encode("utf-8", "surrogatepass"))
    try:
        assert isinstance(extract_text(raw, "fuzz.docx"), str)
    except InputError as exc:
        assert exc.render().startswith("fuzz.docx: ")


@settings(
    max_examples=int(os.environ.get("STYRKOLL_FUZZ", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=4)), max_size=8))
def test_any_damaged_pdf_gives_a_document_or_a_clear_refusal(
    damage: list[tuple[float, bytes]],
) -> None:
    raw = bytearray(bombs.pdf_pages(2))
    for where, what in damage:
        at = int(where * (len(raw) - 1))
        raw[at : at + len(what)] = what
    try:
        import_file(bytes(raw), "skadad.pdf")
    except InputError as exc:
        assert exc.render().startswith("skadad.pdf")
