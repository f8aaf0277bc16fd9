"""Report formats for check results: a readable terminal text, JSON and JUnit XML."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from checks.catalogue import SEVERITY_EN, Catalogue
from checks.checker import OUTCOMES_EN, OUTCOMES_SV, CheckResult
from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN
from checks.findings import Finding, format_value

_HEADINGS = {
    "sv": {"fel": "FEL", "varning": "VARNINGAR", "info": "INFORMATION"},
    "en": {"fel": "ERRORS", "varning": "WARNINGS", "info": "INFORMATION"},
}
_COUNTED = {
    "sv": {"fel": "fel", "varning": "varningar", "info": "info"},
    "en": {"fel": "errors", "varning": "warnings", "info": "info"},
}
_WORDS: dict[str, dict[str, str]] = {
    "sv": {
        "check": "Styrkoll – kontroll av",
        "plan": "Verksamhetsplan",
        "catalogue": "Regelkatalog",
        "rules": "regler",
        "line": "rad",
        "place": "Plats",
        "fired": "REGLER SOM GAV FYND",
        "outcomes": "{applied} av {total} regler tillämpades, {passed} av dem uppfylldes.",
        "documents": "Handlingar",
        "na": "Ej tillämpliga (handlingen eller uppgiften saknas)",
        "unjudged": "Kunde inte bedömas (en uppgift som regeln jämför saknas)",
        "and_more": "och {n} till",
        "missing": "saknas",
        "none_judged": "Inga fynd bland reglerna som kunde bedömas.",
        "not_in_force": "Inte i kraft för året",
        "tailoring": "Anpassat av",
        "read": "Avläst",
        "remedy": "Åtgärd",
        "basis": "Grund",
        "outside": "Utanför målkedjan",
        "none": "Inga fynd: handlingarna uppfyller alla regler som tillämpades.",
        "summary": "Sammanfattning",
    },
    "en": {
        "check": "Styrkoll – check of",
        "plan": "Operating plan",
        "catalogue": "Rule catalogue",
        "rules": "rules",
        "line": "line",
        "place": "Place",
        "fired": "RULES WITH FINDINGS",
        "outcomes": "{applied} of {total} rules applied, {passed} of them held.",
        "documents": "Documents",
        "na": "Not applicable (the document or the information is absent)",
        "unjudged": "Could not be judged (a value the rule compares is absent)",
        "and_more": "and {n} more",
        "missing": "absent",
        "none_judged": "No findings among the rules that could be judged.",
        "not_in_force": "Not in force for the year",
        "tailoring": "Tailored by",
        "read": "Read",
        "remedy": "Remedy",
        "basis": "Basis",
        "outside": "Outside the goal chain",
        "none": "No findings: the documents meet every rule that was applied.",
        "summary": "Summary",
    },
}


def _value(value: Any, lang: str) -> str:
    text = format_value(value, lang)
    return text if len(text) <= 80 else text[:79] + "…"


def _unjudged_lines(result: CheckResult, w: dict[str, str]) -> list[str]:
    """Rules that could not judge some element: the first element, how many more, what is absent."""
    if not result.unjudged:
        return []
    lines = [f"{w['unjudged']}:"]
    for rule_id, items in result.unjudged.items():
        first = items[0]
        more = f" {w['and_more'].format(n=len(items) - 1)}" if len(items) > 1 else ""
        missing = ", ".join(first.missing)
        lines.append(f"  {rule_id:<4} {first.element}{more}: {missing} {w['missing']}")
    return lines


def render_text(results: Sequence[CheckResult], catalogue: Catalogue, lang: str = "sv") -> str:
    """A terminal report: per dossier, findings by severity, then by KF goal in document order."""
    w = _WORDS[lang]
    out: list[str] = []
    for result in results:
        d = result.dossier
        out.append(f"{w['check']} {result.source}")
        out.append(f"{d.unit} ({d.committee}), {d.year}")
        names = DOCUMENT_NAMES if lang == "sv" else DOCUMENT_NAMES_EN
        out.append(
            f"{w['documents']}: "
            + "; ".join(f"{names[k]} ({doc.source})" for k, doc in d.documents.items())
        )
        out.append(
            f"{w['catalogue']} {result.catalogue_version} "
            f"(sha256 {result.catalogue_hash[:12]}), {result.rule_count} {w['rules']}"
        )
        out.append(
            w["outcomes"].format(
                applied=result.applied,
                total=result.rule_count,
                passed=result.outcome_count("passed"),
            )
        )
        for outcome, label in (("not_applicable", "na"), ("not_in_force", "not_in_force")):
            ids = [r for r, o in result.outcomes.items() if o == outcome]
            if ids:
                out.append(f"{w[label]}: {', '.join(ids)}")
        out += _unjudged_lines(result, w)
        if result.config.tailored:
            out.append(f"{w['tailoring']} {result.config.organisation} ({result.config.source}):")
            out += [f"  {line}" for line in result.config.tailoring_lines(catalogue, lang)]
        out.append("")
        if not result.findings:
            out.append(w["none_judged"] if result.unjudged else w["none"])
            out.append("")
        for severity in ("fel", "varning", "info"):
            group = [f for f in result.findings if f.severity == severity]
            if not group:
                continue
            out.append(f"{_HEADINGS[lang][severity]} ({len(group)})")
            goals: dict[str, list[Finding]] = {}
            names = DOCUMENT_NAMES if lang == "sv" else DOCUMENT_NAMES_EN
            for finding in sorted(group, key=lambda f: (f.document, f.line or 0)):
                if finding.document_kind == "verksamhetsplan":
                    heading = finding.goal
                else:  # the other documents have no goal chain: group by document
                    name = names.get(finding.document_kind, finding.document_kind)
                    heading = f"{name[0].upper()}{name[1:]}"
                goals.setdefault(heading, []).append(finding)
            for goal, findings in goals.items():
                out.append(f"  {goal or w['outside']}")
                for f in sorted(findings, key=lambda f: (f.rule_id, f.line or 0)):
                    line = f"{w['line']} {f.line}" if f.line else ""
                    out.append(f"    {f.rule_id:<4} {line:<8} {f.message}")
                    below_goal = [c for c in f.breadcrumb if not c.startswith("KF ")]
                    chain = f"  ({' → '.join(below_goal)})" if below_goal else ""
                    where = f"{f.document}: {f.path}" if f.path else f.document
                    out.append(f"         {w['place']}: {where}{chain}")
                    read = "; ".join(
                        dict.fromkeys(
                            f"{e.description}: {_value(e.value, lang)}" for e in f.evidence
                        )
                    )
                    if read:
                        out.append(f"         {w['read']}: {read}")
                    out.append(f"         {w['remedy']}: {f.remedy}")
            out.append("")
        fired = list(dict.fromkeys(f.rule_id for f in result.findings))
        if fired:
            out.append(w["fired"])
            for f in (next(x for x in result.findings if x.rule_id == r) for r in fired):
                out.append(f"  {f.rule_id:<4} {f.title} ({f.severity})")
                out.append(f"       {w['basis']}: {f.reference}")
            out.append("")
        counts = ", ".join(
            f"{result.count(s)} {_COUNTED[lang][s]}" for s in ("fel", "varning", "info")
        )
        out.append(f"{w['summary']}: {counts}.")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def result_dict(result: CheckResult) -> dict[str, Any]:
    """One result as plain data: what the JSON format and later the service store."""
    d = result.dossier
    return {
        "source": result.source,
        "dossier": {
            "year": d.year,
            "unit": d.unit,
            "committee": d.committee,
            "documents": {kind: doc.source for kind, doc in d.documents.items()},
        },
        "catalogue": {"version": result.catalogue_version, "hash": result.catalogue_hash},
        "rules_checked": result.rule_count,
        "rules_applied": result.applied,
        "outcomes": result.outcomes,
        "unjudged": {
            rule: [dataclasses.asdict(u) for u in items] for rule, items in result.unjudged.items()
        },
        "tailoring": {
            "organisation": result.config.organisation,
            "source": result.config.source,
            "thresholds": result.config.settings,
            "not_selected": sorted(result.config.not_selected),
            "severities": result.config.severities,
            "switched_off": result.config.switched_off,
            "calendar": (
                result.config.calendar.as_dict(d.year) if result.config.calendar else None
            ),
        },
        "summary": {s: result.count(s) for s in ("fel", "varning", "info")},
        "findings": [f.model_dump() for f in result.findings],
    }


def render_json(results: Sequence[CheckResult]) -> str:
    return (
        json.dumps({"results": [result_dict(r) for r in results]}, ensure_ascii=False, indent=2)
        + "\n"
    )


def _outcome_label(outcome: str, lang: str) -> str:
    """The label of an outcome ("kunde inte bedömas …") in the report's language."""
    return OUTCOMES_SV[outcome] if lang == "sv" else OUTCOMES_EN[outcome]


def render_junit(results: Sequence[CheckResult], catalogue: Catalogue, lang: str = "sv") -> str:
    """JUnit XML: a test suite per document, a test case per rule; findings are failures."""
    suites = ET.Element("testsuites", name="styrkoll")
    for result in results:
        by_rule: dict[str, list[Finding]] = {}
        for finding in result.findings:
            by_rule.setdefault(finding.rule_id, []).append(finding)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=result.source,
            tests=str(len(catalogue.rules)),
            failures=str(len(by_rule)),
            skipped=str(sum(1 for o in result.outcomes.values() if o not in ("passed", "failed"))),
            errors="0",
            time=f"{result.duration_ms / 1000:.4f}",
        )
        for checked in catalogue.rules:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"styrkoll.{checked.rule.area}",
                name=f"{checked.id} {checked.rule.title.get(lang)}",
            )
            found = by_rule.get(checked.id)
            outcome = result.outcomes.get(checked.id, "passed")
            if not found and outcome != "passed":
                # not judged, not applicable, not in force … : distinct, and never a pass
                skipped = ET.SubElement(
                    case, "skipped", type=outcome, message=_outcome_label(outcome, lang)
                )
                if outcome == "not_judged":
                    skipped.text = "\n".join(
                        f"{u.document_kind}: {u.path}: {', '.join(u.missing)}"
                        for u in result.unjudged.get(checked.id, [])
                    )
            if found:
                severity = (
                    checked.rule.severity if lang == "sv" else SEVERITY_EN[checked.rule.severity]
                )
                failure = ET.SubElement(
                    case, "failure", type=severity, message=f"{len(found)} × {checked.id}"
                )
                failure.text = "\n".join(
                    f"{f.document}:{f.line or 0}: {f.path}: {f.message}" for f in found
                )
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


def render_markdown(catalogue: Catalogue, lang: str = "sv") -> str:
    """The catalogue as a Markdown page (`docs/rules.md`), generated, never edited by hand."""
    sv = lang == "sv"
    out = [
        f"# {catalogue.title.get(lang)}",
        "",
        (
            f"Version {catalogue.version}, sha256 `{catalogue.content_hash}`. "
            "Genererad med `styrkoll rules --format markdown`; "
            "redigera `rules/*.yaml`, inte den här filen."
            if sv
            else f"Version {catalogue.version}, sha256 `{catalogue.content_hash}`. "
            "Generated by `styrkoll rules --format markdown --lang en`; edit `rules/*.yaml`."
        ),
        "",
    ]
    for area in catalogue.areas:
        stem = area.source.replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".yaml")
        out += [f"## {area.code} – {area.title.get(lang)} (`rules/{stem}.yaml`)", ""]
        for checked in catalogue.rules:
            r = checked.rule
            if r.area != area.code:
                continue
            valid = f"{r.valid_from}–{r.valid_to or ''}"
            out += [
                f"### {r.id} {r.title.get(lang)}",
                "",
                f"- **{'Allvarlighetsgrad' if sv else 'Severity'}:** {r.severity}",
                f"- **{'Gäller år' if sv else 'In force'}:** {valid}",
                f"- **{'Gäller' if sv else 'Applies to'}:** `{r.applies_to}`",
                f"- **{'Varför' if sv else 'Rationale'}:** {r.rationale.get(lang)}",
                f"- **{'Grund' if sv else 'Reference'}:** {r.reference.get(lang)}",
                f"- **{'Åtgärd' if sv else 'Remedy'}:** {r.remedy.get(lang)}",
                f"- **{'Meddelande' if sv else 'Message'}:** {r.message.get(lang)}",
                f"- **{'Scenarier' if sv else 'Scenarios'}:** `features/{stem}.feature`, "
                f"{'tagg' if sv else 'tag'} `@{r.id}`",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
