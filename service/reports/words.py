"""Plain words for the reports: a sentence in Swedish or English, counts with their nouns,
shares ("12 av 14 åtaganden (86 %)"), lists of names, remedies without field names."""

from __future__ import annotations

import re

from service.reports.fmt import listing, number, share

BRISTER = ("brist", "brister")
OPEN = ("öppen brist", "öppna brister")
AT = ("åtagande", "åtaganden")
EN = ("", "")  # the form a Swedish-only count leaves English (the English sentence has its own)
LISTED = 10  # names listed in a sentence before "and N more"
REPORT_NAMES = {
    "tertialrapport_1": ("tertialrapport 1", "four-month report 1"),
    "tertialrapport_2": ("tertialrapport 2", "four-month report 2"),
    "årsrapport": ("årsrapporten", "the annual report"),
    "verksamhetsplan": ("verksamhetsplanen", "the operating plan"),
}
# a field name in a remedy, "(fältet risker)" or "(ekonomi.förklaring)": not for a lay reader
_FIELD = re.compile(r"\s*\((?:fältet |the field |field )[^)]*\)|\s*\([\wåäö]+(?:[._][\wåäö]+)+\)")


class Words:
    """Sentences in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, sv: str, en: str) -> str:
        return sv if self.lang == "sv" else en

    def n(self, value: int) -> str:
        return number(value, 0, self.lang)

    def of(self, part: int, whole: int, sv: str = "", en: str = "") -> str:
        """ "12 av 14 åtaganden (86 %)"."""
        pct = share(part, whole, self.lang)
        noun = self(sv, en)
        text = f"{self.n(part)} {self('av', 'of')} {self.n(whole)}" + (f" {noun}" if noun else "")
        return text + (f" ({pct})" if pct else "")

    def count(self, n: int, sv: tuple[str, str], en: tuple[str, str]) -> str:
        """The number with the noun (or adjective) in the form it takes: "1 ställe",
        "2 ställen"."""
        one, many = sv if self.lang == "sv" else en
        return f"{self.n(n)} {one if n == 1 else many}"

    def names(self, items: list[str]) -> str:
        if len(items) <= LISTED:
            return listing(items, self.lang)
        rest = len(items) - LISTED
        return listing([*items[:LISTED], self(f"{rest} till", f"{rest} more")], self.lang)


def plain_remedy(text: str) -> str:
    """A remedy without the document field names in parentheses."""
    return _FIELD.sub("", text)
