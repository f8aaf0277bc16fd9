"""The committee summary's sentences about the findings: the open ones by severity, the three
rules that matter most, and what changed since the previous version and year."""

from __future__ import annotations

from typing import Any

from checks.documents import DOCUMENT_NAMES, DOCUMENT_NAMES_EN
from service.reports.models import Statement
from service.reports.words import BRISTER, EN, LISTED, OPEN, Words, plain_remedy


def open_findings(w: Words, d: dict[str, Any], facts: dict[str, Any]) -> list[Statement]:
    c, ids = d["open_findings"], facts["by_severity"]
    out = [
        Statement(
            text=w(
                f"Styrkoll har hittat {w.count(c.total, BRISTER, EN)} som inte är åtgärdade.",
                f"Styrkoll has found {w.n(c.total)} shortcomings that are not dealt with.",
            ),
            findings=[*ids["fel"], *ids["varning"], *ids["info"]],
        ),
        Statement(
            text=w(
                f"{w.n(c.fel)} av dem är fel som måste rättas.",
                f"{w.n(c.fel)} of them are errors that must be corrected.",
            ),
            findings=ids["fel"],
        ),
        Statement(
            text=w(
                f"{w.n(c.varning)} är varningar om något som bör ses över.",
                f"{w.n(c.varning)} are warnings about something that should be looked at.",
            ),
            findings=ids["varning"],
        ),
        Statement(
            text=w(f"{w.n(c.info)} är råd.", f"{w.n(c.info)} are advice."), findings=ids["info"]
        ),
    ]
    if d["exceptions"]:
        out.append(
            Statement(
                text=w(
                    f"{w.count(d['exceptions'], BRISTER, EN)} har ett godkänt undantag och räknas "
                    "inte här.",
                    f"{w.n(d['exceptions'])} shortcomings have an approved exception and are not "
                    "counted here.",
                )
            )
        )
    ranked = sorted(d["by_unit"], key=lambda u: -u.total)
    if len(ranked) > 1 and ranked[0].total > ranked[1].total:
        top = ranked[0]
        out.append(
            Statement(
                text=w(
                    f"Flest brister finns hos {top.unit}: {w.n(top.total)}.",
                    f"{top.unit} has the most shortcomings: {w.n(top.total)}.",
                )
            )
        )
    return out


def key_issues(w: Words, d: dict[str, Any]) -> list[Statement]:
    issues = d["key_issues"]
    if not issues:
        return [Statement(text=w("Det finns inga öppna brister.", "There are no open findings."))]
    out = []
    for issue in issues:
        where = w.names(issue.units)
        count = w.count(len(issue.findings), ("ställe", "ställen"), ("", ""))
        count_en = w.count(len(issue.findings), ("", ""), ("place", "places"))
        why = f" {issue.why}" if issue.why else ""
        out.append(
            Statement(
                text=w(
                    f"{issue.title}.{why} Det gäller {count} hos {where}. "
                    f"Så rättas det: {plain_remedy(issue.remedy)}",
                    f"{issue.title}.{why} It concerns {count_en} at {where}. "
                    f"How to correct it: {plain_remedy(issue.remedy)}",
                ),
                findings=issue.findings,
            )
        )
    return out


def changes(w: Words, d: dict[str, Any]) -> list[Statement]:
    out = []
    years = d["years"]
    before = next((y for y in years if y.year == d["year"] - 1), None)
    now = years[-1]
    if before is None:
        out.append(
            Statement(
                text=w(
                    f"Det finns inga handlingar från {d['year'] - 1} att jämföra med.",
                    f"There are no documents from {d['year'] - 1} to compare with.",
                )
            )
        )
    else:
        out.append(
            Statement(
                text=w(
                    f"Förra året ({before.year}) fanns {w.count(before.total, OPEN, EN)}. Nu är "
                    f"de {w.n(now.total)}.",
                    f"Last year ({before.year}) there were {w.n(before.total)} open "
                    f"shortcomings. Now there are {w.n(now.total)}.",
                )
            )
        )
    changes = d["changes"]
    if not changes:
        return out
    new = [i for c in changes for i in c.new]
    gone = [i for c in changes for i in c.resolved]
    out.append(
        Statement(
            text=w(
                f"Sedan förra versionen av handlingarna har {w.count(len(gone), BRISTER, EN)} "
                f"försvunnit och {w.n(len(new))} nya tillkommit.",
                f"Since the previous version of the documents {w.n(len(gone))} shortcomings "
                f"have gone and {w.n(len(new))} new ones have appeared.",
            ),
            findings=new + gone,
        )
    )
    for c in changes[:LISTED]:
        name = (DOCUMENT_NAMES if w.lang == "sv" else DOCUMENT_NAMES_EN).get(c.kind, c.kind)
        out.append(
            Statement(
                text=w(
                    f"{c.unit}, version {c.version} av {name}: "
                    f"{w.count(len(c.resolved), BRISTER, EN)} borta, {w.n(len(c.new))} nya.",
                    f"{c.unit}, version {c.version} of {name}: {w.n(len(c.resolved))} "
                    f"shortcomings gone, {w.n(len(c.new))} new.",
                ),
                findings=c.new + c.resolved,
            )
        )
    return out
