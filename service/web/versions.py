"""What the unit's pages (`unit.py`) and the finding page (`finding.py`) read and show of the
stored versions: the labels they share, the objects the user may read (else 404, the same
whether absent or not theirs), the findings along the goal tree, the original's lines around a
finding and a finding's history across the versions of its document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from checks.catalogue import SEVERITY_RANK
from service import access
from service.db import DocumentVersion, FindingRow, OrgUnit, User
from service.errors import not_found
from service.stored import StoredFinding
from service.web.common import current_user, db

MAX_ID = 2**31 - 1  # ids beyond a database integer are no object of ours (never a query error)
AROUND = 3  # lines of the original shown before and after a finding's line
MAX_LINE = 300  # characters of a line shown
TEXT_SUFFIXES = (".yaml", ".yml", ".json", ".txt")
BINARY_FORMATS = {".pdf": "PDF", ".docx": "Word"}
# Kinds as a heading names them (a series files follow-up reports as tertialrapport_1 and _2).
KIND_TITLES = {
    "verksamhetsplan": _l("Verksamhetsplan"),
    "riskanalys": _l("Risk- och väsentlighetsanalys"),
    "internkontrollplan": _l("Internkontrollplan"),
    "tjänsteutlåtande": _l("Tjänsteutlåtande"),
    "tertialrapport_1": _l("Tertialrapport 1"),
    "tertialrapport_2": _l("Tertialrapport 2"),
    "årsrapport": _l("Årsrapport"),
}
CHANGE_LABELS = {"new": _l("Nytt"), "persisting": _l("Kvarstår")}
STATUS_LABELS = {
    "active": _l("Aktivt"),
    "exception_requested": _l("Undantag begärt"),
    "exception": _l("Undantag gäller"),
    "exception_expired": _l("Undantaget har gått ut"),
}
LEVEL_LABELS = {
    "nämnd": _l("Nämnd"),
    "förvaltning": _l("Förvaltning"),
    "avdelning": _l("Avdelning"),
    "enhet": _l("Enhet"),
}
try:
    LOCAL_TIME: ZoneInfo | None = ZoneInfo("Europe/Stockholm")
except ZoneInfoNotFoundError:  # pragma: no cover - a system without the time zone database
    LOCAL_TIME = None


def local_time(value: datetime | None) -> str:
    """A stored time as Swedish users read it: Stockholm time, to the minute."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    shown = aware.astimezone(LOCAL_TIME) if LOCAL_TIME is not None else aware
    return shown.strftime("%Y-%m-%d %H:%M")


def kind_title(kind: str) -> str:
    return str(KIND_TITLES.get(kind, kind))


def labels() -> dict[str, Any]:
    """What the unit's and the finding's pages name the same way."""
    return {
        "change_labels": CHANGE_LABELS,
        "status_labels": STATUS_LABELS,
        "kind_title": kind_title,
        "local_time": local_time,
    }


def the_user() -> User:
    user = current_user()
    assert user is not None  # login_required
    return user


def visible_unit(unit_id: int) -> OrgUnit:
    """The unit, if the user may read it: else 404, the same whether absent or not theirs."""
    unit = db().get(OrgUnit, unit_id) if 0 < unit_id <= MAX_ID else None
    if unit is None or not access.allowed(db(), the_user(), "read", unit.id):
        raise not_found("enheten")
    return unit


def visible_version(version_id: int) -> DocumentVersion:
    version = db().get(DocumentVersion, version_id) if 0 < version_id <= MAX_ID else None
    if version is None or not access.allowed(db(), the_user(), "read", version.series.unit_id):
        raise not_found("versionen")
    return version


# --- the goal tree -----------------------------------------------------------------------------


@dataclass
class GoalNode:
    """A step of the goal tree (a KF goal, a board goal, a commitment) with the findings on it
    and on what stands under it without a node of its own (indicators, activities)."""

    label: str
    context: list[str] = field(default_factory=list)  # the KF levels above, for a KF goal
    findings: list[StoredFinding] = field(default_factory=list)
    children: dict[str, GoalNode] = field(default_factory=dict)


@dataclass
class Grouped:
    goals: dict[str, GoalNode] = field(default_factory=dict)
    whole: list[StoredFinding] = field(default_factory=list)  # the document or dossier as a whole
    other: list[StoredFinding] = field(default_factory=list)  # parts outside the goal tree


STEPS = ("Nämndmål:", "Åtagande:")  # below a KF goal, in the order of the tree


def _reading_order(f: StoredFinding) -> tuple[int, int, str]:
    return SEVERITY_RANK.get(f.severity, len(SEVERITY_RANK)), f.line or 0, f.rule_id


def goal_tree(found: list[StoredFinding]) -> Grouped:
    """The findings along the goal tree, the goals in the document's order and each goal's
    findings by severity, read from each finding's breadcrumb (its Swedish steps name the
    levels; the page's language labels them)."""
    grouped = Grouped()
    nodes: list[GoalNode] = []
    for f in sorted(found, key=lambda f: (f.line or 0, f.rule_id)):
        shown = list(f.breadcrumb)
        crumbs_sv = list(f.record.breadcrumb.get("sv", shown)) if f.record is not None else shown
        if len(crumbs_sv) != len(shown):
            crumbs_sv = shown
        kf = [i for i, c in enumerate(crumbs_sv) if c.startswith("KF ")]
        if not kf:
            (grouped.other if shown else grouped.whole).append(f)
            continue
        last = kf[-1]
        key = " / ".join(crumbs_sv[: last + 1])
        if key not in grouped.goals:
            grouped.goals[key] = GoalNode(shown[last], [shown[i] for i in kf[:-1]])
            nodes.append(grouped.goals[key])
        node = grouped.goals[key]
        rest = last + 1
        for step in STEPS:
            if rest < len(crumbs_sv) and crumbs_sv[rest].startswith(step):
                if crumbs_sv[rest] not in node.children:
                    node.children[crumbs_sv[rest]] = GoalNode(shown[rest])
                    nodes.append(node.children[crumbs_sv[rest]])
                node = node.children[crumbs_sv[rest]]
                rest += 1
        node.findings.append(f)
    for found_ in [n.findings for n in nodes] + [grouped.whole, grouped.other]:
        found_.sort(key=_reading_order)
    return grouped


def counts(found: list[StoredFinding]) -> dict[str, int]:
    """The findings by severity, every severity counted (0 too)."""
    by_severity = dict.fromkeys(SEVERITY_RANK, 0)
    for f in found:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return by_severity


# --- the original's lines ----------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """The original's lines around a finding's line (for a text format), or what it is."""

    lines: list[tuple[int, str, bool]]  # number, text, the finding's line
    binary: str = ""  # PDF or Word: no lines shown


def excerpt(version: DocumentVersion, line: int | None) -> Excerpt | None:
    """The lines around `line` in the version's original, decoded as its importer reads it."""
    suffix = "." + version.filename.rsplit(".", 1)[-1].lower() if "." in version.filename else ""
    if suffix in BINARY_FORMATS:
        return Excerpt([], BINARY_FORMATS[suffix])
    if line is None or line < 1 or suffix not in TEXT_SUFFIXES:
        return None
    lines = _decoded(version.original).splitlines()
    if line > len(lines):
        return None
    first, last = max(1, line - AROUND), min(len(lines), line + AROUND)
    return Excerpt([(n, _clip(lines[n - 1]), n == line) for n in range(first, last + 1)])


def _decoded(raw: bytes) -> str:
    """UTF-8 (a byte order mark dropped), else Windows-1252 as exports are, else UTF-8 with
    replacement characters (`checks.importers.extract_text` reads text the same way)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _clip(text: str) -> str:
    """A line as shown: its indentation kept (no-break spaces: a YAML line's level shows), at
    most `MAX_LINE` characters."""
    text = text.rstrip().replace("\t", "    ")
    body = text.lstrip(" ")
    text = "\u00a0" * (len(text) - len(body)) + body
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


# --- a finding's history -----------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A finding in one version of its document: present (with its id there) or not."""

    version: DocumentVersion
    finding_id: int | None
    change: str | None
    checked: bool


def history(series_id: int, fingerprint: str) -> list[Seen]:
    """The fingerprint in the latest run of every version of the document, oldest first: in two
    statements."""
    versions = list(
        db()
        .execute(
            select(DocumentVersion)
            .where(DocumentVersion.series_id == series_id)
            .order_by(DocumentVersion.version)
        )
        .scalars()
    )
    runs = [v.latest_run_id for v in versions if v.latest_run_id is not None]
    present = {
        run_id: (finding_id, change)
        for finding_id, run_id, change in db().execute(
            select(FindingRow.id, FindingRow.run_id, FindingRow.change).where(
                FindingRow.run_id.in_(runs), FindingRow.fingerprint == fingerprint
            )
        )
    }
    out = []
    for v in versions:
        hit = present.get(v.latest_run_id) if v.latest_run_id is not None else None
        out.append(
            Seen(v, hit[0] if hit else None, hit[1] if hit else None, v.latest_run_id is not None)
        )
    return out
