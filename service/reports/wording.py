"""The committee summary in plain words, for a lay member: short sentences, every number with
what it means, no rule ids; each statement carries the findings behind it. Swedish first, the
same in English. Made from the figures `service.reports.summary` counted, never written by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from service.reports import wording_findings as wf
from service.reports.fmt import long_date, number, percent, signed_tkr, tkr
from service.reports.models import Section, Statement
from service.reports.words import AT, BRISTER, EN, LISTED, REPORT_NAMES, Words

STAFF_RULES = ("P1", "P2", "P3", "P4", "P7")  # workplace meetings (APT) and the unions (MBL)
PLANS = ("verksamhetsplan", "verksamhetsplaner")


def sections(data: dict[str, Any], facts: dict[str, Any], lang: str, today: date) -> list[Section]:
    w = Words(lang)
    headings = {
        "underlag": ("Underlaget", "What this is based on"),
        "ataganden": ("Åtaganden och mål", "Commitments and goals"),
        "uppfyllelse": ("Blev det som planerat?", "Did it go as planned?"),
        "ekonomi": ("Ekonomi", "Finances"),
        "risker": ("Risker och kontroller", "Risks and controls"),
        "brukare": ("För brukare och personal", "For users and staff"),
        "brister": ("Brister som Styrkoll har hittat", "Shortcomings Styrkoll found"),
        "viktigast": ("De tre viktigaste bristerna", "The three shortcomings that matter most"),
        "andringar": ("Vad har ändrats?", "What has changed?"),
    }
    statements = {
        "underlag": _basis(w, data, facts, today),
        "ataganden": _commitments(w, data, facts),
        "uppfyllelse": _fulfilment(w, data, facts),
        "ekonomi": _budgets(w, data),
        "risker": _risks(w, data),
        "brukare": _people(w, data, facts),
        "brister": wf.open_findings(w, data, facts),
        "viktigast": wf.key_issues(w, data),
        "andringar": wf.changes(w, data),
    }
    made = [(k, w(*headings[k]), found) for k, found in statements.items() if found]
    return [Section(key=k, heading=h, statements=s) for k, h, s in made]


def _basis(w: Words, d: dict[str, Any], facts: dict[str, Any], today: date) -> list[Statement]:
    year, units = d["year"], d["units"]
    out = [
        Statement(
            text=w(
                f"Sammanfattningen gäller {d['committee']} år {year}. Den bygger på de senaste "
                f"versionerna av enheternas handlingar i Styrkoll den {long_date(today, 'sv')}.",
                f"This summary covers {d['committee']} for {year}. It is based on the latest "
                f"versions of the units' documents in Styrkoll on {long_date(today, 'en')}.",
            )
        ),
        Statement(
            text=w(
                f"{w.of(len(units), d['units_total'], 'enheter')} har lämnat handlingar för "
                f"{year}.",
                f"{w.of(len(units), d['units_total'], en='units')} have handed in documents for "
                f"{year}.",
            )
        ),
    ]
    if facts["units_without"]:
        names = w.names(facts["units_without"])
        out.append(
            Statement(text=w(f"Handlingar saknas från {names}.", f"No documents from {names}."))
        )
    if not d["complete"]:
        out.append(
            Statement(
                text=w(
                    "Du ser bara de enheter du har behörighet att läsa.",
                    "You see only the units you may read.",
                )
            )
        )
    if d["unreadable"]:
        n = w.n(d["unreadable"])
        out.append(
            Statement(
                text=w(
                    f"{n} lagrade handlingar kunde inte läsas och räknas inte med.",
                    f"{n} stored documents could not be read and are not counted.",
                )
            )
        )
    return out


def _commitments(w: Words, d: dict[str, Any], facts: dict[str, Any]) -> list[Statement]:
    c = d["commitments"]
    rules = facts["by_rule"]
    if c.plans == 0:
        return [
            Statement(
                text=w(
                    "Ingen enhet har lämnat en verksamhetsplan för året.",
                    "No unit has handed in an operating plan for the year.",
                )
            )
        ]
    plans = w.count(c.plans, PLANS, ("operating plan", "operating plans"))
    total = w.count(c.total, ("åtagande", "åtaganden"), ("commitment", "commitments"))
    out = [
        Statement(
            text=w(
                f"Enheterna har lämnat {plans} med {total}. Ett åtagande är ett löfte om vad "
                "enheten ska göra under året.",
                f"The units have handed in {plans} with {total}. A commitment is a promise of "
                "what the unit will do during the year.",
            )
        )
    ]
    if c.total == 0:
        return out
    out += [
        Statement(
            text=w(
                f"{w.of(c.linked_to_goal, c.total, 'åtaganden')} hör till ett av nämndens mål.",
                f"{w.of(c.linked_to_goal, c.total, en='commitments')} belong to one of the "
                "committee's goals.",
            ),
            findings=rules.get("G1", []),
        ),
        Statement(
            text=w(
                f"{w.of(c.expected_result, c.total, 'åtaganden')} säger vilket resultat som ska "
                "nås.",
                f"{w.of(c.expected_result, c.total, en='commitments')} say what result is to be "
                "reached.",
            ),
            findings=rules.get("C1", []),
        ),
        Statement(
            text=w(
                f"{w.of(c.follow_up, c.total, 'åtaganden')} säger hur de ska följas upp.",
                f"{w.of(c.follow_up, c.total, en='commitments')} say how they will be followed up.",
            ),
            findings=rules.get("C3", []),
        ),
    ]
    vague = rules.get("C6", [])
    if vague:
        out.append(
            Statement(
                text=w(
                    f"{w.count(len(vague), AT, EN)} har ett resultat som är svårt att mäta.",
                    f"{w.n(len(vague))} commitments have a result that is hard to measure.",
                ),
                findings=vague,
            )
        )
    return out


def _fulfilment(w: Words, d: dict[str, Any], facts: dict[str, Any]) -> list[Statement]:
    f = d["fulfilment"]
    rules = facts["by_rule"]
    if f.reports == 0:
        return [
            Statement(
                text=w(
                    f"Ingen enhet har lämnat en tertial- eller årsrapport för {d['year']} ännu. "
                    "Därför går det inte att säga om åtagandena uppfylls.",
                    f"No unit has handed in a four-month or annual report for {d['year']} yet, "
                    "so it cannot be said whether the commitments are being met.",
                )
            )
        ]
    out = [
        Statement(
            text=w(
                f"Enligt enheternas senaste rapporter ({w.n(f.reports)} st) är "
                f"{w.count(f.fulfilled, ('åtagande uppfyllt', 'åtaganden uppfyllda'), EN)}, "
                f"{w.count(f.partly, ('delvis uppfyllt', 'delvis uppfyllda'), EN)} och "
                f"{w.count(f.not_fulfilled, ('inte uppfyllt', 'inte uppfyllda'), EN)}.",
                f"The units' latest reports ({w.n(f.reports)}) say that {w.n(f.fulfilled)} "
                f"commitments are met, {w.n(f.partly)} partly met and {w.n(f.not_fulfilled)} "
                "not met.",
            ),
            findings=rules.get("F2", []) + rules.get("F3", []),
        )
    ]
    if f.unclear:
        out.append(
            Statement(
                text=w(
                    f"För {w.count(f.unclear, AT, EN)} är bedömningen otydlig eller saknas.",
                    f"For {w.n(f.unclear)} commitments the assessment is unclear or missing.",
                ),
                findings=rules.get("F1", []),
            )
        )
    if f.not_assessed:
        out.append(
            Statement(
                text=w(
                    f"{w.count(f.not_assessed, AT, EN)} i planerna bedöms inte alls i rapporterna. "
                    "Då vet nämnden inte hur det gick.",
                    f"{w.n(f.not_assessed)} commitments of the plans are not assessed in the "
                    "reports at all, so the committee does not know how they went.",
                ),
                findings=rules.get("F1", []),
            )
        )
    reports = d["reports"]
    for before, after in zip(reports, reports[1:], strict=False):
        a, b = (REPORT_NAMES[r.source][w.lang == "en"] for r in (before, after))
        out.append(
            Statement(
                text=w(
                    f"I {a} var {w.n(before.fulfilled)} åtaganden uppfyllda, i {b} "
                    f"{w.n(after.fulfilled)}.",
                    f"In {a} {w.n(before.fulfilled)} commitments were met, in {b} "
                    f"{w.n(after.fulfilled)}.",
                )
            )
        )
    return out


def _budgets(w: Words, d: dict[str, Any]) -> list[Statement]:
    budgets = d["budgets"]
    if not budgets:
        return [
            Statement(
                text=w(
                    f"Ingen enhet har lämnat budget eller ekonomiskt utfall för {d['year']}.",
                    f"No unit has handed in a budget or a financial outcome for {d['year']}.",
                )
            )
        ]
    within = sum(b.within for b in budgets)
    out = [
        Statement(
            text=w(
                f"{w.of(within, len(budgets), 'enheter')} håller sig inom sin budget. Beloppen "
                "är i tkr, tusen kronor.",
                f"{w.of(within, len(budgets), en='units')} keep within their budget. Amounts are "
                "in tkr, thousands of kronor.",
            ),
            findings=[i for b in budgets for i in b.findings],
        )
    ]
    shown = budgets
    if len(budgets) > LISTED:  # the largest overruns, and how many more there are
        over = sorted((b for b in budgets if not b.within), key=lambda b: -b.deviation_pct)
        shown = over[:LISTED]
        if len(over) > LISTED:
            rest = over[LISTED:]
            out.append(
                Statement(
                    text=w(
                        f"De {LISTED} största överskridandena står nedan; ytterligare "
                        f"{w.count(len(rest), ('enhet', 'enheter'), EN)} har gått över budget.",
                        f"The {LISTED} largest overruns follow; {w.n(len(rest))} more units have "
                        "gone over budget.",
                    ),
                    findings=[i for b in rest for i in b.findings],
                )
            )
    for b in shown:
        dev, pct = signed_tkr(b.deviation_tkr, w.lang), percent(b.deviation_pct, w.lang, 1)
        if b.outcome_tkr is not None:
            text = w(
                f"{b.unit} använde {tkr(b.outcome_tkr)} mot en budget på {tkr(b.budget_tkr)}: "
                f"{dev} ({pct}) enligt {REPORT_NAMES[b.source][0]}.",
                f"{b.unit} spent {tkr(b.outcome_tkr, 'en')} against a budget of "
                f"{tkr(b.budget_tkr, 'en')}: {dev} ({pct}) according to "
                f"{REPORT_NAMES[b.source][1]}.",
            )
        else:
            frame = b.frame_tkr or 0.0
            text = w(
                f"{b.unit} planerar att använda {tkr(b.budget_tkr)} mot en ram på {tkr(frame)}: "
                f"{dev} ({pct}).",
                f"{b.unit} plans to spend {tkr(b.budget_tkr, 'en')} against a frame of "
                f"{tkr(frame, 'en')}: {dev} ({pct}).",
            )
        out.append(Statement(text=text, findings=b.findings))
    return out


def _risks(w: Words, d: dict[str, Any]) -> list[Statement]:
    risks = d["risks"]
    if d["risks_total"] == 0:
        return [
            Statement(
                text=w(
                    f"Ingen enhet har lämnat en riskanalys med risker för {d['year']}.",
                    f"No unit has handed in a risk analysis with risks for {d['year']}.",
                )
            )
        ]
    limit = number(d["risk_threshold"], 0, w.lang)
    controlled = sum(r.handling == "kontroll" for r in risks)
    out = [
        Statement(
            text=w(
                f"Enheterna har bedömt {w.count(d['risks_total'], ('risk', 'risker'), EN)}. "
                f"{w.n(len(risks))} av dem är stora, med riskvärde {limit} eller mer. Riskvärdet "
                "är sannolikhet gånger konsekvens, högst 16.",
                f"The units have assessed {w.n(d['risks_total'])} risks. {w.n(len(risks))} of "
                f"them are large, with a risk value of {limit} or more. The risk value is "
                "likelihood times consequence, at most 16.",
            )
        )
    ]
    if not risks:
        return out
    out.append(
        Statement(
            text=w(
                f"{w.of(controlled, len(risks), 'stora risker')} kontrolleras under året.",
                f"{w.of(controlled, len(risks), en='large risks')} are controlled during the year.",
            ),
            findings=[i for r in risks for i in r.findings],
        )
    )
    words = {
        "saknas": ("Ingen kontroll och inget beslut", "No control and no decision"),
        "accepterad_utan_motivering": (
            "Accepterad utan motivering",
            "Accepted without a reason",
        ),
        "accepterad": ("Accepterad med motivering", "Accepted with a reason"),
    }
    for r in [r for r in risks if r.handling != "kontroll"][:LISTED]:
        label = words[r.handling][w.lang == "en"]
        value = w.n(r.value or 0)
        out.append(
            Statement(
                text=w(
                    f'{label}: "{r.risk}" ({r.unit}, riskvärde {value}).',
                    f'{label}: "{r.risk}" ({r.unit}, risk value {value}).',
                ),
                findings=r.findings,
            )
        )
    return out


def _people(w: Words, d: dict[str, Any], facts: dict[str, Any]) -> list[Statement]:
    plans = d["commitments"].plans
    if plans == 0:
        return []
    rules = facts["by_rule"]
    quality = [i for r, ids in rules.items() if r.startswith("Q") for i in ids]
    staff = [i for r in STAFF_RULES for i in rules.get(r, [])]
    out = [
        Statement(
            text=w(
                f"{w.of(facts['serving_users'], plans, 'enheter med plan')} arbetar direkt med "
                f"brukare. Planerna lovar brukarna {w.n(facts['guarantees'])} "
                "kvalitetsgarantier.",
                f"{w.of(facts['serving_users'], plans, en='units with a plan')} work directly "
                f"with users. The plans promise users {w.n(facts['guarantees'])} quality "
                "guarantees.",
            ),
            findings=quality,
        ),
        Statement(
            text=w(
                f"Hos {w.of(facts['plans_at_apt'], plans, 'enheter')} har personalen "
                "behandlat planen på en arbetsplatsträff.",
                f"At {w.of(facts['plans_at_apt'], plans, en='units')} the staff discussed the "
                "plan at a workplace meeting.",
            ),
            findings=rules.get("P1", []),
        ),
    ]
    if staff:
        out.append(
            Statement(
                text=w(
                    f"{w.count(len(staff), BRISTER, EN)} gäller hur personalen och facket fått "
                    "vara med (arbetsplatsträffar och förhandlingar).",
                    f"{w.n(len(staff))} shortcomings concern how staff and unions took part "
                    "(workplace meetings and negotiations).",
                ),
                findings=staff,
            )
        )
    return out
