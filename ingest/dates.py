"""UK dates as agencies write them: day first, never the US reading of 03/04/2026.

Recognised: ``dd/mm/yyyy`` (also with ``.`` or ``-``, and two-digit years read as 20yy),
``d Month yyyy`` (``2nd Mar 2026``, ``2 March, 2026``) and ISO ``yyyy-mm-dd``.
"""

from __future__ import annotations

import re
from datetime import date

_MONTH_NAMES = (
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}

# One pattern with a named group per form, so the earliest date in the text wins whatever
# its form. The ISO form comes first: "2026-02-04" must never be read as day 26.
DATE_PATTERN = re.compile(
    r"(?<![\d/.\-])(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
    r"|(?P<nd>\d{1,2})\s?[/.\-]\s?(?P<nm>\d{1,2})\s?[/.\-]\s?(?P<ny>\d{4}|\d{2})"
    r"|(?P<wd>\d{1,2})(?:st|nd|rd|th)?\s+(?P<wm>[A-Za-z]{3,9})\.?,?\s+(?P<wy>\d{4})"
    r")(?![\d])"
)


def parse_uk_date(text: str) -> tuple[date | None, str]:
    """The first date in ``text`` read day-first, and the exact text it was read from.

    A date that cannot exist (31/02/2026) gives ``(None, "31/02/2026")`` so the caller can
    keep the text and say so; no date at all gives ``(None, "")``.
    """
    for match in DATE_PATTERN.finditer(text):
        raw = match.group(0)
        g = match.groupdict()
        if g["iy"]:
            year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
        elif g["nd"]:
            day, month, year = int(g["nd"]), int(g["nm"]), int(g["ny"])
            if len(g["ny"]) == 2:
                year += 2000
        else:
            number = MONTHS.get(g["wm"].lower())
            if number is None:  # "12 Items 2026" is not a date; look further on
                continue
            day, month, year = int(g["wd"]), number, int(g["wy"])
        try:
            return date(year, month, day), raw
        except ValueError:
            return None, raw
    return None, ""


def leading_date(text: str) -> re.Match[str] | None:
    """The date a line starts with (after at most a couple of stray characters), if any."""
    for match in DATE_PATTERN.finditer(text[:40]):
        if match.start() > 2:
            return None
        g = match.groupdict()
        if g["wm"] and g["wm"].lower() not in MONTHS:
            continue
        return match
    return None
