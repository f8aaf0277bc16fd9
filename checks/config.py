"""An organisation's tailoring of the catalogue: thresholds, which rules, severities, rules off.

One validated YAML file with Swedish keys (see `examples/organisation.yaml`):

    organisation: Exempelstadens stadsdelsförvaltning
    trösklar: {riskvärde: 12, mbl_månader: 3, budgettolerans_tkr: 1, budgetavvikelse_procent: 2}
    urval: {områden: [G, C, B], regler: [R3], lägsta_allvarlighetsgrad: varning}
    allvarlighetsgrad: {C5: varning}
    avstängda:
      - {regel: Q1, motivering: Enheten möter inte brukare direkt.}
    styrkalender:
      tertialrapport_1: {från: 1 juni, till: 30 juni}

Every rule id is checked against the catalogue and every switched-off rule needs a motivation;
`styrkalender` moves the steering calendar's windows (see `checks.calendar`; what it does not name
keeps the catalogue's default). The report states what was tailored, so a reader always sees which
rules judged the documents and against which calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.calendar import CalendarFile, CalendarSpec, changes, read_calendar
from checks.catalogue import SEVERITY_RANK, Catalogue, Severity
from checks.loading import InputError, SourceMap, parse_data, read_file, validation_error
from checks.model import render_path


class Selection(BaseModel):
    """Which rules run: areas and ids (either selects), and the lowest severity kept."""

    model_config = ConfigDict(extra="forbid")

    areas: list[str] = Field(default_factory=list, alias="områden")
    rules: list[str] = Field(default_factory=list, alias="regler")
    min_severity: Severity | None = Field(default=None, alias="lägsta_allvarlighetsgrad")


class SwitchedOff(BaseModel):
    """A rule switched off, with the organisation's stated reason."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(alias="regel")
    reason: str = Field(alias="motivering", min_length=10, max_length=2_000)


class OrgConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Organisationens inställningar")

    organisation: str = Field(min_length=1, max_length=200)
    thresholds: dict[str, float] = Field(default_factory=dict, alias="trösklar")
    selection: Selection = Field(default_factory=Selection, alias="urval")
    severities: dict[str, Severity] = Field(default_factory=dict, alias="allvarlighetsgrad")
    switched_off: list[SwitchedOff] = Field(default_factory=list, alias="avstängda")
    calendar: CalendarFile | None = Field(default=None, alias="styrkalender")


Outcome = Literal[
    "failed", "passed", "not_applicable", "not_selected", "switched_off", "not_in_force"
]


@dataclass(frozen=True)
class OrgConfig:
    """A validated configuration, resolved against one catalogue."""

    organisation: str = ""
    source: str = ""
    settings: dict[str, float] = field(default_factory=dict)  # fact name -> value
    changed_thresholds: dict[str, tuple[float, float]] = field(default_factory=dict)
    not_selected: frozenset[str] = frozenset()
    severities: dict[str, str] = field(default_factory=dict)  # rule id -> new severity
    switched_off: dict[str, str] = field(default_factory=dict)  # rule id -> reason
    calendar: CalendarSpec | None = None  # the steering calendar (None: the catalogue's)
    calendar_changed: bool = False  # the organisation moved or renamed a window

    @property
    def tailored(self) -> bool:
        return bool(
            self.changed_thresholds
            or self.not_selected
            or self.severities
            or self.switched_off
            or self.calendar_changed
        )

    def tailoring_lines(self, catalogue: Catalogue, lang: str = "sv") -> list[str]:
        """What the report states about the tailoring, one line each."""
        sv = lang == "sv"
        out: list[str] = []
        by_fact = {k: t for k, t in catalogue.thresholds.items()}
        for name, (default, value) in self.changed_thresholds.items():
            t = by_fact[name]
            out.append(
                f"{t.description.get(lang)}: {_num(value)} "
                f"({'standard' if sv else 'default'} {_num(default)})"
            )
        if self.not_selected:
            ids = ", ".join(r.id for r in catalogue.rules if r.id in self.not_selected)
            out.append(f"{'Ej valda regler' if sv else 'Rules not selected'}: {ids}")
        for rule_id, severity in self.severities.items():
            rule = catalogue.get(rule_id)
            old = rule.rule.severity if rule else "?"
            out.append(f"{rule_id}: {'allvarlighetsgrad' if sv else 'severity'} {old} → {severity}")
        for rule_id, reason in self.switched_off.items():
            out.append(f"{rule_id} {'avstängd' if sv else 'switched off'}: {reason}")
        if self.calendar is not None and self.calendar_changed:
            out += changes(self.calendar, catalogue.calendar, lang)
        return out


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def default_config(catalogue: Catalogue) -> OrgConfig:
    """No tailoring: the catalogue's thresholds, every rule at its own severity."""
    return OrgConfig(
        settings={k: t.default for k, t in catalogue.thresholds.items()},
        calendar=catalogue.calendar,
    )


def load_config(path: str | FsPath, catalogue: Catalogue) -> OrgConfig:
    """Read and validate an organisation's configuration file against the catalogue."""
    raw, fmt = read_file(path)
    data, smap = parse_data(raw, str(path), fmt)
    return parse_config(data, str(path), smap, catalogue)


def parse_config(
    data: dict[str, object], source: str, smap: SourceMap, catalogue: Catalogue
) -> OrgConfig:
    try:
        parsed = OrgConfigFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, source, smap) from None
    ids = {r.id for r in catalogue.rules}
    areas = {a.code for a in catalogue.areas}

    def fail(path: tuple[str | int, ...], sv: str, en: str) -> InputError:
        return InputError(source, sv, en, line=smap.line_of(path), path=render_path(path))

    by_key = {t.config_key: (name, t) for name, t in catalogue.thresholds.items()}
    settings = {name: t.default for name, t in catalogue.thresholds.items()}
    changed: dict[str, tuple[float, float]] = {}
    for key, value in parsed.thresholds.items():
        if key not in by_key:
            known = ", ".join(sorted(by_key))
            raise fail(
                ("trösklar", key),
                f"okänd tröskel (kända: {known})",
                f"unknown threshold (known: {known})",
            )
        name, spec = by_key[key]
        if not spec.minimum <= value <= spec.maximum:
            raise fail(
                ("trösklar", key),
                f"ska ligga mellan {_num(spec.minimum)} och {_num(spec.maximum)}",
                f"must lie between {_num(spec.minimum)} and {_num(spec.maximum)}",
            )
        settings[name] = value
        if value != spec.default:
            changed[name] = (spec.default, value)
    for i, code in enumerate(parsed.selection.areas):
        if code not in areas:
            raise fail(("urval", "områden", i), f'okänt område "{code}"', f'unknown area "{code}"')
    for i, rule_id in enumerate(parsed.selection.rules):
        if rule_id not in ids:
            raise fail(
                ("urval", "regler", i), f'okänd regel "{rule_id}"', f'unknown rule "{rule_id}"'
            )
    for rule_id in parsed.severities:
        if rule_id not in ids:
            raise fail(
                ("allvarlighetsgrad", rule_id),
                f'okänd regel "{rule_id}"',
                f'unknown rule "{rule_id}"',
            )
    off: dict[str, str] = {}
    for i, item in enumerate(parsed.switched_off):
        if item.rule not in ids:
            raise fail(
                ("avstängda", i, "regel"),
                f'okänd regel "{item.rule}"',
                f'unknown rule "{item.rule}"',
            )
        if item.rule in off:
            raise fail(
                ("avstängda", i, "regel"),
                f"{item.rule} är redan avstängd",
                f"{item.rule} is already switched off",
            )
        off[item.rule] = " ".join(item.reason.split())

    calendar = catalogue.calendar
    if parsed.calendar is not None:
        calendar = read_calendar(
            parsed.calendar, calendar, lambda at, sv, en: fail(("styrkalender", *at), sv, en)
        )

    sel = parsed.selection
    not_selected: set[str] = set()
    for checked in catalogue.rules:
        rule = checked.rule
        picked = (not sel.areas and not sel.rules) or rule.area in sel.areas or rule.id in sel.rules
        severity = parsed.severities.get(rule.id, rule.severity)
        if (
            sel.min_severity is not None
            and SEVERITY_RANK[severity] > SEVERITY_RANK[sel.min_severity]
        ):
            picked = False
        if not picked:
            not_selected.add(rule.id)
    severities: dict[str, str] = {}
    for rule_id, severity in parsed.severities.items():
        found = catalogue.get(rule_id)
        if found is not None and found.rule.severity != severity:
            severities[rule_id] = severity
    return OrgConfig(
        organisation=parsed.organisation,
        source=source,
        settings=settings,
        changed_thresholds=changed,
        not_selected=frozenset(not_selected),
        severities=severities,
        switched_off=off,
        calendar=calendar,
        calendar_changed=calendar != catalogue.calendar,
    )
