"""Unusable input gives one clear Swedish error with file, line and field path; exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from checks.loading import MAX_BYTES, InputError, load_plan, parse_plan
from checks.model import Plan, iter_elements
from tests.conftest import CLEAN_EXAMPLE, MINIMAL_PLAN, run_styrkoll

MINIMAL = MINIMAL_PLAN


def _date_plan() -> str:
    """The issue's own example: a plan whose line 42 holds an impossible end date."""
    lines = MINIMAL.splitlines() + ["åtaganden:"]
    for i in range(3):
        lines += [f"  - titel: Åtagande {i}", "    nämndmål: NM-1"]
    lines += ["  - titel: Åtagande 3", "    aktiviteter:", "      - titel: Aktivitet"]
    lines += ["        # kommentar"] * (41 - len(lines))
    lines += ["        slutdatum: 2012-13-01"]
    return "\n".join(lines) + "\n"


DATE_PLAN = _date_plan()


def error_of(text: str | bytes, name: str = "plan.yaml") -> InputError:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(InputError) as info:
        parse_plan(raw, name)
    return info.value


def test_the_issue_example_names_file_line_and_path() -> None:
    assert DATE_PLAN.splitlines()[41].strip() == "slutdatum: 2012-13-01"
    err = error_of(DATE_PLAN)
    assert err.render() == (
        'plan.yaml rad 42: åtaganden[3].aktiviteter[0].slutdatum: ogiltigt datum "2012-13-01"'
    )
    assert err.render("en").startswith("plan.yaml line 42: åtaganden[3]")


def test_a_minimal_plan_loads() -> None:
    loaded = parse_plan(MINIMAL.encode(), "plan.yaml")
    assert loaded.plan.unit == "Exempelenheten"
    assert loaded.plan.process.id == "PROCESS"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dokument: verksamhetsplan\når: [2012\n", "plan.yaml rad 3: ogiltig YAML:"),
        ("dokument: verksamhetsplan\n\tår: 2012\n", "plan.yaml rad 2: ogiltig YAML:"),
        (MINIMAL.replace("år: 2012", "år: tjugotolv"), "plan.yaml rad 2: år: ska vara ett heltal"),
        (MINIMAL.replace("enhet: Exempelenheten\n", ""), "plan.yaml rad 1: enhet: fältet saknas"),
        (MINIMAL + "färg: blå\n", "plan.yaml rad 5: färg: okänt fält"),
        (
            MINIMAL + "budget:\n  summa_netto: mycket\n",
            'plan.yaml rad 6: budget.summa_netto: ska vara ett tal, inte "mycket"',
        ),
        (
            MINIMAL + "process:\n  beslut: 2012-02-30\n",
            'process.beslut: ogiltigt datum "2012-02-30"',
        ),
        (
            MINIMAL + "process:\n  apt: 2011-11-14\n",
            "plan.yaml rad 6: process.apt: ska vara en lista",
        ),
        (
            MINIMAL.replace("verksamhetsplan", "budget"),
            'plan.yaml rad 1: dokument: okänd handlingstyp "budget"; ska vara en av: '
            "verksamhetsplan, riskanalys, internkontrollplan, tjänsteutlåtande, tertialrapport, "
            "årsrapport, akt",
        ),
        (MINIMAL + "år: 2013\n", 'plan.yaml rad 5: nyckeln "år" förekommer två gånger'),
        ("- en lista\n- inte en plan\n", "plan.yaml rad 1: dokumentet ska vara en samling fält"),
        ("just text\n", "plan.yaml rad 1: dokumentet ska vara en samling fält"),
        (MINIMAL + "[a, b]: c\n", "plan.yaml rad 5: en nyckel måste vara text"),
        (
            MINIMAL + "inriktningsmål:\n  - nummer: 1\n    titel: \n",
            "plan.yaml rad 7: inriktningsmål[0].titel:",
        ),
        (
            MINIMAL + "åtaganden:\n  - titel: A\n    id: X1\n  - titel: B\n    id: X1\n",
            'plan.yaml rad 9: åtaganden[1].id: id "X1" används av mer än ett element',
        ),
        (
            MINIMAL + "åtaganden:\n  - titel: A\n    id: 'a b'\n",
            'åtaganden[0].id: ogiltigt id "a b"',
        ),
    ],
)
def test_bad_yaml_gives_a_swedish_error_with_its_place(text: str, expected: str) -> None:
    assert expected in error_of(text).render()


def test_empty_and_blank_files() -> None:
    assert error_of("").render() == "plan.yaml: filen är tom"
    assert error_of("   \n\n").render() == "plan.yaml: filen är tom"
    assert error_of("# bara en kommentar\n").render() == "plan.yaml: filen är tom"


def test_binary_file() -> None:
    raw = bytes(range(256)) * 4
    assert (
        error_of(raw).render() == "plan.yaml: filen är inte en textfil (den innehåller binära data)"
    )


def test_non_utf8_file_names_the_line() -> None:
    raw = MINIMAL.encode("utf-8") + "titel: Förskolan\n".encode("latin-1")
    err = error_of(raw)
    assert err.render() == (
        "plan.yaml rad 5: filen är inte UTF-8-kodad (ogiltig byte 0xf6); spara den som UTF-8"
    )


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "stor.yaml"
    with big.open("wb") as out:
        out.write(MINIMAL.encode())
        out.write(b"# " + b"x" * 1024 * 1024 + b"\n")
        out.truncate(50 * 1024 * 1024)
    err = pytest.raises(InputError, load_plan, big).value
    assert err.render() == f"{big}: filen är för stor (50,0 MB; högst {MAX_BYTES // 2**20} MB)"


def test_alias_bombs_are_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 8):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 10)}]")
    err = error_of("\n".join(lines) + "\n")
    assert "dokumentet är för stort" in err.render()


@pytest.mark.parametrize("depth", [150, 999, 5000])
@pytest.mark.parametrize("name", ["plan.yaml", "plan.json"])
def test_deep_nesting_is_refused_in_swedish_whoever_notices(depth: int, name: str) -> None:
    # 150 passes every YAML library's own limit and meets ours; 5000 meets libyaml's limit
    # (PyYAML >= 6.0.4) or Python's recursion limit: the words are ours in every case.
    text = '{"dokument": ' + "[" * depth + "]" * depth + "}\n"
    assert error_of(text, name).render() == f"{name} rad 1: dokumentet är för djupt nästlat"


def test_nesting_within_the_limit_is_an_ordinary_error() -> None:
    text = MINIMAL + "texter: " + "[" * 90 + "]" * 90 + "\n"
    expected = "plan.yaml rad 5: texter: ska vara en samling fält (nyckel: värde)"
    assert error_of(text).render() == expected


# English words the YAML and JSON libraries use in their own messages
LIBRARY_WORDS = re.compile(
    r"\b(found|expected|expecting|while|could|not|allowed|token|stream|delimiter|value|"
    r"mapping|scanning|parsing|character|invalid|unexpected|document|line|column)\b",
    re.IGNORECASE,
)
BROKEN_YAML = [
    "a: b: c\n",
    "a:\n  - x\n y: 1\n",
    "a: [1, 2\n",
    "a: {x: 1\n",
    "a: 'x\n",
    'a: "\\q"\n',
    "- a\nb: 1\n",
    "a: *x\n",
    "a: &x 1\nb: &x 2\n",
    "\tå: 1\n",
    "a: @x\n",
    "a: 1\n---\nb: 2\n",
    "key\n  : bad: :\n",
    "%YAML 3.0\n---\na: 1\n",
    "a: \x07\n",
    "a: !!python/object:os.system 1\n",
    "a: !!binary 'ä'\n",
]
BROKEN_JSON = [
    '{"a": 1,,}',
    '{"a" 1}',
    "{a: 1}",
    "[1, 2",
    '{"a": "x\ny"}',
    '{"a": "\\q"}',
    '{"a": 1} x',
    '{"a": tru}',
    '{"a": "\\u12"}',
    '{"a": "x',
]


@pytest.mark.parametrize("text", BROKEN_YAML)
def test_yaml_errors_carry_no_library_english(text: str) -> None:
    err = error_of(text)
    assert err.render().startswith("plan.yaml"), err.render()
    assert not LIBRARY_WORDS.search(err.message_sv), err.message_sv
    assert err.message_en  # the library's own words stay in the English rendering


@pytest.mark.parametrize("text", BROKEN_JSON)
def test_json_errors_carry_no_library_english(text: str) -> None:
    err = error_of(text, "plan.json")
    assert err.render().startswith("plan.json rad 1: ogiltig JSON: "), err.render()
    assert not LIBRARY_WORDS.search(err.message_sv), err.message_sv


def test_every_validation_error_type_is_worded_in_swedish() -> None:
    # pydantic's error types that our models can raise; an unknown one must not leak English
    from checks.wording import error_text

    for kind in ("missing", "too_short", "finite_number", "greater_than", "enum", "no_such_type"):
        sv, en = error_text({"type": kind, "input": "x", "msg": "Input should be x", "ctx": {}})
        assert "Input" not in sv and "should" not in sv, (kind, sv)
        assert sv and en


def test_json_plans_load_and_their_errors_have_lines() -> None:
    data = yaml.safe_load(MINIMAL)
    loaded = parse_plan(json.dumps(data).encode(), "plan.json")
    assert loaded.plan.year == 2012
    err = error_of('{\n  "dokument": "verksamhetsplan",\n  "år": 2012,,\n}\n', "plan.json")
    assert err.render().startswith("plan.json rad 3: ogiltig JSON:")
    data["färg"] = "blå"
    text = json.dumps(data, ensure_ascii=False, indent=2)
    assert error_of(text, "plan.json").render() == "plan.json rad 6: färg: okänt fält"


def test_missing_file_folder_and_wrong_suffix(tmp_path: Path) -> None:
    assert str(pytest.raises(InputError, load_plan, tmp_path / "nej.yaml").value).endswith(
        "filen finns inte"
    )
    folder = tmp_path / "mapp.yaml"
    folder.mkdir()
    assert str(pytest.raises(InputError, load_plan, folder).value).endswith(
        "är en mapp, inte en fil"
    )
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    assert 'okänd filtyp ".pdf"' in str(pytest.raises(InputError, load_plan, pdf).value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "filen \u00e4r tom"),
        (b"\x00\x01\x02binary", "filen \u00e4r inte en textfil"),
        ("enhet: Förskolan\n".encode("latin-1"), "inte UTF-8-kodad"),
        (
            DATE_PLAN.encode(),
            'rad 42: åtaganden[3].aktiviteter[0].slutdatum: ogiltigt datum "2012-13-01"',
        ),
    ],
)
def test_the_cli_exits_2_with_the_error_and_no_traceback(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    bad = tmp_path / "plan.yaml"
    bad.write_bytes(content)
    proc = run_styrkoll("check", str(bad))
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_the_cli_checks_the_good_files_and_still_exits_2_for_a_bad_one(tmp_path: Path) -> None:
    bad = tmp_path / "trasig.yaml"
    bad.write_text("dokument: [\n", encoding="utf-8")
    proc = run_styrkoll("check", str(CLEAN_EXAMPLE), str(bad))
    assert proc.returncode == 2
    assert "trasig.yaml rad 2: ogiltig YAML" in proc.stderr
    assert "Inga fynd" in proc.stdout


def test_ids_are_derived_from_content_and_survive_reordering() -> None:
    first = parse_plan(CLEAN_EXAMPLE.read_bytes(), "a.yaml").plan
    data = yaml.safe_load(CLEAN_EXAMPLE.read_text(encoding="utf-8"))
    data["inriktningsmål"].reverse()
    for sg in data["inriktningsmål"]:
        sg["mål"].reverse()
    second = parse_plan(yaml.safe_dump(data, allow_unicode=True).encode(), "b.yaml").plan

    def ids(plan: Plan) -> list[str]:
        return sorted(str(e.id) for _, e, _ in iter_elements(plan))

    assert ids(first) == ids(second)
    assert len(set(ids(first))) == len(ids(first))  # every element has its own id


def test_a_text_key_left_empty_is_absent_not_a_crash() -> None:
    # "förvaltning:" with nothing after it is null in YAML; it once raised a TypeError
    loaded = parse_plan((MINIMAL + "förvaltning:\nenhetschef: ~\n").encode(), "plan.yaml")
    assert loaded.plan.administration is None and loaded.plan.unit_head is None
