"""The chair's annual review of all referrals, including those that did not progress.

For one year: who was referred, by whom, for which review, with what outcome and how
long the decision took, and the subject's characteristics (age band, gender, ethnicity,
disability) against the outcome, so that the chair can look for unconscious bias and
recurring themes (the chair's annual review, Redbridge One Panel guidance).

Definitions used throughout, and shown on the page and in the report:

* **The year** is the partnership's reporting year (``reporting_year_starts_month``:
  the calendar year by default, or e.g. 1 April to 31 March, UK time) in which the
  business unit received the referral (``Referral.received_at``). A reporting year is
  named by the year it starts in: "2026", or "2026 to 2027".
* **Outcome** is the decision in force of the referral's latest decision: the panel's
  recommendation, or what was decided instead by the body a disagreement was escalated
  to or by the board that changed it at ratification. A referral with no decision is
  "Closed without a decision" when the business unit closed it, otherwise "No decision
  yet".
* **Time to decision** runs from the day the referral was received to the day of the
  latest decision (the meeting's date, or the day it was recorded when it was taken
  outside a meeting), in calendar days and in working days (England and Wales).
* **Age** is the age at the incident or death, worked out from the date of birth and the
  date of the incident (the end of the period, when the referrer gave a period); failing
  that the age the referrer gave (the number in an approximate age such as "about 80");
  failing that the age on
  the day the referral was received. The bands (:data:`AGE_BANDS`) follow the child's
  stages first (infancy, pre-school, primary, secondary, 16 and 17 — the ages at which
  a DHR can apply) and then the adult bands used in Safeguarding Adults Collection
  returns (18 to 64 split at 25 and 45, 65 to 74, 75 and over).
* **Gender, ethnicity** are as the referrer wrote them (the form asks in free text):
  grouped ignoring case and spacing, with M/F/man/woman/boy/girl read as Male or Female.
* **Disability** is "Disability recorded" when the referrer described one, otherwise
  "None recorded" (the form says to leave it blank when none is known).
* **Small numbers**: in the exported report, counts from 1 to 4 are shown as
  "fewer than 5" (:func:`suppress`), the usual practice for statistics that leave the
  panel; the page shows the chair the exact figures.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from partnerships import Partnership
from partnerships.model import OTHER_REVIEW_TYPE_LABELS, REFERRER_KIND_WORDS, SECTOR_LABELS
from storage.db import Session
from storage.models import Decision, Meeting, Referral
from workflow.decision_tools import recommendation_options
from workflow.referral_answers import given_age, incident_day, iso_date, years_between
from workflow.working_days import LONDON, local_date, working_days_between

NO_DECISION = "No decision yet"
CLOSED = "Closed without a decision"
NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"
NOT_GIVEN = "Not given"
NOT_MATCHED = "Not a member agency"

# (label, lowest age, highest age) — inclusive, in years.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", 0, 0),
    ("1 to 4", 1, 4),
    ("5 to 10", 5, 10),
    ("11 to 15", 11, 15),
    ("16 and 17", 16, 17),
    ("18 to 24", 18, 24),
    ("25 to 44", 25, 44),
    ("45 to 64", 45, 64),
    ("65 to 74", 65, 74),
    ("75 and over", 75, 200),
)

# Time from receipt to decision, in calendar days: (label, up to and including).
TIME_BANDS: tuple[tuple[str, int], ...] = (
    ("Up to 4 weeks", 28),
    ("4 to 8 weeks", 56),
    ("8 to 13 weeks", 91),
    ("More than 13 weeks", 10**6),
)

SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "fewer than 5"

_MALE = {"m", "male", "man", "boy"}
_FEMALE = {"f", "female", "woman", "girl"}
_NO_DISABILITY = {"", "none", "no", "n/a", "na", "nil", "none known", "no known disability", "not known", "unknown"}


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One bar of a chart: a label and how many referrals."""

    label: str
    count: int


@dataclass(frozen=True)
class CrossRow:
    """One group of a characteristic and its referrals by outcome (in ``CrossTab.outcomes`` order)."""

    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class CrossTab:
    """A characteristic of the subject against the outcome."""

    key: str
    title: str
    outcomes: tuple[str, ...]
    rows: tuple[CrossRow, ...]


@dataclass(frozen=True)
class TimeRow:
    """Time to decision for the referrals with one outcome (days)."""

    outcome: str
    decided: int
    median_days: float
    shortest_days: int
    longest_days: int
    median_working_days: float


@dataclass(frozen=True)
class DecisionTimes:
    decided: int
    undecided: int
    median_days: float | None
    shortest_days: int | None
    longest_days: int | None
    median_working_days: float | None
    shortest_working_days: int | None
    longest_working_days: int | None
    bands: tuple[Count, ...]
    by_outcome: tuple[TimeRow, ...]


@dataclass(frozen=True)
class AnnualReview:
    """Every figure of the annual review of the referrals received in ``year``."""

    year: int
    start: date
    end: date
    label: str
    total: int
    review_types: tuple[Count, ...]
    agencies: tuple[Count, ...]
    sectors: tuple[Count, ...]
    outcomes: tuple[Count, ...]
    times: DecisionTimes
    characteristics: tuple[CrossTab, ...] = field(default_factory=tuple)

    def characteristic(self, key: str) -> CrossTab:
        return next(c for c in self.characteristics if c.key == key)


# -- small rules -------------------------------------------------------------------------------


def suppress(count: int) -> str:
    """A count as it may be shown outside the panel: 1 to 4 become "fewer than 5"."""
    if 0 < count < SUPPRESSION_THRESHOLD:
        return SUPPRESSED
    return str(count)


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return NOT_KNOWN
    for label, low, high in AGE_BANDS:
        if low <= age <= high:
            return label
    return NOT_KNOWN


def subject_age(answers: Mapping[str, Any], received: date) -> int | None:
    """The subject's age at the incident (see the module's definitions), or None."""
    born = iso_date(answers.get("subject_date_of_birth"))
    incident = incident_day(answers)
    if born and incident and incident >= born:
        return years_between(born, incident)
    given = given_age(answers)
    if given is not None:
        return given
    if born and received >= born:
        return years_between(born, received)
    return None


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def gender(value: Any) -> str:
    text = _clean(value)
    if not text:
        return NOT_RECORDED
    if text.lower() in _MALE:
        return "Male"
    if text.lower() in _FEMALE:
        return "Female"
    return text[0].upper() + text[1:]


def ethnicity(value: Any) -> str:
    text = _clean(value)
    return text if text else NOT_RECORDED


def disability(value: Any) -> str:
    text = _clean(value).lower().rstrip(".")
    return "None recorded" if text in _NO_DISABILITY else "Disability recorded"


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _organisation_forms(name: str) -> list[str]:
    """The ways a referrer writes an organisation's name: in full, by the abbreviation in
    brackets after it, and "LB Redbridge" for "London Borough of Redbridge"."""
    forms = [_words(name), *(_words(a) for a in re.findall(r"\(([^)]+)\)", name))]
    bare = re.sub(r"\s*\([^)]*\)", "", name)
    if bare.lower().startswith("london borough of "):
        forms.append("lb " + _words(bare[len("london borough of ") :]))
    return [f for f in dict.fromkeys(forms) if f]


def match_agency(partnership: Partnership, typed: str | None) -> Any | None:
    """The member agency a referrer's free-text agency names, if it is recognisable.

    Matches, ignoring case and punctuation, in this order:

    - the agency's id, its name, or the abbreviation in brackets after its name;
    - for an agency that is a service of an organisation, the organisation's name (or its
      abbreviation, or "LB Redbridge" for "London Borough of Redbridge") followed by the
      service's name or by its sector ("LB Redbridge Children's Social Care" → the
      council's children's social care service; where an organisation has more than one
      service in the sector, the first the partnership file lists);
    - a name (in any of the forms above) that the typed text is part of ("Metropolitan
      Police" → "Metropolitan Police Service – East Area Basic Command Unit").
    """
    words = _words(typed or "")
    if not words:
        return None
    for agency in partnership.agencies:
        name = _words(agency.name)
        abbreviations = [_words(a) for a in re.findall(r"\(([^)]+)\)", agency.name)]
        if words in (agency.id.replace("-", " "), name, *abbreviations):
            return agency
    for agency in partnership.agencies:
        if words in _service_names(partnership, agency):
            return agency
    for agency in partnership.agencies:
        names = [_words(agency.name), *_service_names(partnership, agency)]
        if len(words) >= 4 and any(words in name for name in names):
            return agency
    return None


def _service_names(partnership: Partnership, agency: Any) -> list[str]:
    """An organisation's service as a referrer may write it: the organisation's name in
    any of its forms, then the service's name or one of the service's sectors."""
    if agency.organisation_id == agency.id:
        return []  # an organisation represented as itself goes by its own name
    org = partnership.organisation(agency.organisation_id)
    service = next(s for s in org.services if s.id == agency.id)
    tails = [_words(service.name)] + [
        _words(SECTOR_LABELS.get(sector, str(sector)).removeprefix("the "))
        for sector in service.sectors
    ]
    return [f"{form} {tail}" for form in _organisation_forms(org.name) for tail in tails]


def year_dates(partnership: Partnership | None, year: int) -> tuple[date, date]:
    """The first and last day of the reporting year that starts in ``year``."""
    month = partnership.reporting_year_starts_month if partnership else 1
    return date(year, month, 1), date(year + 1, month, 1) - timedelta(days=1)


def year_label(partnership: Partnership | None, year: int) -> str:
    """"2026" for a calendar year; "2026 to 2027" for a year that starts in another month."""
    month = partnership.reporting_year_starts_month if partnership else 1
    return str(year) if month == 1 else f"{year} to {year + 1}"


def reporting_year_of(partnership: Partnership | None, day: date) -> int:
    month = partnership.reporting_year_starts_month if partnership else 1
    return day.year if day.month >= month else day.year - 1


def _year_bounds(partnership: Partnership | None, year: int) -> tuple[datetime, datetime]:
    first, last = year_dates(partnership, year)
    start = datetime.combine(first, time(0), tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)
    return start, end


def _ordered_counts(counter: Counter[str], order: Sequence[str] = (), last: Sequence[str] = ()) -> tuple[Count, ...]:
    """Counts in ``order`` first (zero counts kept), then the rest by size, ``last`` at the end."""
    out = [Count(label, counter.get(label, 0)) for label in order]
    rest = [k for k in counter if k not in order and k not in last]
    rest.sort(key=lambda k: (-counter[k], k.lower()))
    out += [Count(k, counter[k]) for k in rest]
    out += [Count(k, counter[k]) for k in last if counter.get(k)]
    return tuple(out)


# -- queries -------------------------------------------------------------------------------------


def years_with_referrals(partnership: Partnership | None = None) -> list[int]:
    """The reporting years in which referrals were received, newest first."""
    received = Session.scalars(select(Referral.received_at)).all()
    return sorted({reporting_year_of(partnership, local_date(r)) for r in received}, reverse=True)


def default_year(years: Iterable[int], today: date, partnership: Partnership | None = None) -> int:
    """The last full reporting year when it had referrals, else the current one, else the latest."""
    years = list(years)
    current = reporting_year_of(partnership, today)
    if current - 1 in years:
        return current - 1
    if current in years or not years:
        return current
    return max(years)


@dataclass(frozen=True)
class _Row:
    referral: Referral
    received: date
    outcome: str
    decided_on: date | None


def _rows(partnership: Partnership, year: int) -> list[_Row]:
    start, end = _year_bounds(partnership, year)
    referrals = Session.scalars(
        select(Referral)
        .where(Referral.received_at >= start, Referral.received_at < end)
        .order_by(Referral.received_at, Referral.id)
    ).all()
    latest: dict[int, tuple[Decision, date | None]] = {}
    if referrals:
        found = Session.execute(
            select(Decision, Meeting.date)
            .outerjoin(Meeting, Decision.meeting_id == Meeting.id)
            .where(Decision.referral_id.in_([r.id for r in referrals]))
            .order_by(Decision.recorded_at, Decision.id)
        ).all()
        for decision, meeting_date in found:  # later ones replace earlier ones
            latest[decision.referral_id] = (decision, meeting_date)
    labels = recommendation_options(partnership)
    rows = []
    for referral in referrals:
        received = local_date(referral.received_at)
        if referral.id in latest:
            decision, meeting_date = latest[referral.id]
            outcome = labels.get(decision.recommendation, decision.recommendation)
            decided_on = meeting_date or local_date(decision.recorded_at)
        else:
            outcome = CLOSED if referral.status == "closed" else NO_DECISION
            decided_on = None
        rows.append(_Row(referral, received, outcome, decided_on))
    return rows


def _times(rows: Sequence[_Row], outcome_order: Sequence[str]) -> DecisionTimes:
    decided = [r for r in rows if r.decided_on is not None]
    days = {id(r): (r.decided_on - r.received).days for r in decided}  # type: ignore[operator]
    working = {id(r): working_days_between(r.received, r.decided_on) for r in decided}  # type: ignore[arg-type]
    bands: Counter[str] = Counter()
    for r in decided:
        bands[next(label for label, upto in TIME_BANDS if days[id(r)] <= upto)] += 1
    by_outcome = []
    for outcome in outcome_order:
        group = [r for r in decided if r.outcome == outcome]
        if not group:
            continue
        d = [days[id(r)] for r in group]
        by_outcome.append(
            TimeRow(outcome, len(group), statistics.median(d), min(d), max(d),
                    statistics.median([working[id(r)] for r in group]))
        )
    all_days = list(days.values())
    all_working = list(working.values())
    return DecisionTimes(
        decided=len(decided),
        undecided=len(rows) - len(decided),
        median_days=statistics.median(all_days) if all_days else None,
        shortest_days=min(all_days) if all_days else None,
        longest_days=max(all_days) if all_days else None,
        median_working_days=statistics.median(all_working) if all_working else None,
        shortest_working_days=min(all_working) if all_working else None,
        longest_working_days=max(all_working) if all_working else None,
        bands=tuple(Count(label, bands.get(label, 0)) for label, _ in TIME_BANDS),
        by_outcome=tuple(by_outcome),
    )


def _cross(key: str, title: str, groups: Sequence[tuple[str, str]], outcomes: Sequence[str], order: Sequence[str] = (), last: Sequence[str] = ()) -> CrossTab:
    """``groups`` is (group, outcome) per referral; columns are the outcomes that occurred."""
    seen = Counter(g for g, _ in groups)
    cells = Counter(groups)
    used = tuple(o for o in outcomes if any(out == o for _, out in groups))
    labels = [c.label for c in _ordered_counts(seen, order, last)]
    rows = tuple(CrossRow(g, tuple(cells.get((g, o), 0) for o in used)) for g in labels)
    return CrossTab(key, title, used, rows)


def annual_review(partnership: Partnership, year: int) -> AnnualReview:
    """The figures for the referrals received in ``year`` (see the module's definitions)."""
    rows = _rows(partnership, year)

    review_types: Counter[str] = Counter()
    for r in rows:
        kinds = r.referral.review_types or []
        for kind in kinds:
            review_types[partnership.review_type_label(kind)] += 1
        if not kinds:
            review_types[NOT_GIVEN] += 1
    type_order = [partnership.review_label(t) for t in ("sar", "cspr", "dhr")] + list(OTHER_REVIEW_TYPE_LABELS.values())

    agencies: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    typed_as: dict[str, str] = {}  # one group however the case is typed, first spelling shown
    for r in rows:
        matched = match_agency(partnership, r.referral.referring_agency)
        if matched is not None:
            agencies[matched.name] += 1
            label = SECTOR_LABELS.get(matched.sectors[0], str(matched.sectors[0]))
            label = label.removeprefix("the ")
            sectors[label[0].upper() + label[1:]] += 1
        else:
            # A volunteer or a family member may name no agency: say who referred.
            kind = REFERRER_KIND_WORDS.get(r.referral.referrer_kind or "partner")
            by = kind[0].upper() + kind[1:] if kind and r.referral.referrer_kind != "partner" else ""
            typed = _clean(r.referral.referring_agency) or by or NOT_GIVEN
            agencies[typed_as.setdefault(typed.lower(), typed)] += 1
            sectors[NOT_MATCHED] += 1

    outcome_order = [*recommendation_options(partnership).values(), CLOSED, NO_DECISION]
    outcomes = Counter(r.outcome for r in rows)

    answers = [(r, r.referral.answers or {}) for r in rows]
    # Free text typed differently ("White British", "white british") is one group, shown
    # as it was first written.
    spelling: dict[str, str] = {}
    for _, a in answers:
        text = ethnicity(a.get("subject_ethnicity"))
        spelling.setdefault(text.lower(), text)
    characteristics = (
        _cross(
            "age", "Age band", [(age_band(subject_age(a, r.received)), r.outcome) for r, a in answers],
            outcome_order, order=[b[0] for b in AGE_BANDS], last=[NOT_KNOWN],
        ),
        _cross(
            "gender", "Gender", [(gender(a.get("subject_gender")), r.outcome) for r, a in answers],
            outcome_order, last=[NOT_RECORDED],
        ),
        _cross(
            "ethnicity", "Ethnicity", [(spelling[ethnicity(a.get("subject_ethnicity")).lower()], r.outcome) for r, a in answers],
            outcome_order, last=[NOT_RECORDED],
        ),
        _cross(
            "disability", "Disability", [(disability(a.get("subject_disability")), r.outcome) for r, a in answers],
            outcome_order, order=["Disability recorded", "None recorded"],
        ),
    )
    first, last = year_dates(partnership, year)
    return AnnualReview(
        year=year,
        start=first,
        end=last,
        label=year_label(partnership, year),
        total=len(rows),
        review_types=_ordered_counts(review_types, type_order, [NOT_GIVEN]),
        agencies=_ordered_counts(agencies, (), [NOT_GIVEN]),
        sectors=_ordered_counts(sectors, (), [NOT_MATCHED]),
        outcomes=_ordered_counts(outcomes, outcome_order[:-2], [CLOSED, NO_DECISION]),
        times=_times(rows, outcome_order),
        characteristics=characteristics,
    )


# -- the Word report ----------------------------------------------------------------------------


def format_days(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _section(
    title: str, summary: str, heading: str, counts: Sequence[Count], *, chart: bool = True
) -> dict[str, Any]:
    """A chart of ``counts`` and its table, small numbers suppressed in both."""
    from document_templates.charts import bar_chart_png
    from document_templates.render import Image

    image = None
    if chart and counts:
        png = bar_chart_png(
            [c.label for c in counts],
            [c.count for c in counts],
            shown=[suppress(c.count) for c in counts],
            hidden=[0 < c.count < SUPPRESSION_THRESHOLD for c in counts],
        )
        image = Image(png, 160, f"Bar chart: {title.lower()}. The figures are in the table below it.")
    return {
        "title": title,
        "summary": summary,
        "image": image,
        "heading": heading,
        "columns": ["Referrals"],
        "rows": [{"label": c.label, "cells": [suppress(c.count)]} for c in counts]
        or [{"label": "None", "cells": ["0"]}],
    }


def _cross_section(tab: CrossTab, summary: str) -> dict[str, Any]:
    section = _section(
        f"{tab.title} against outcome", summary, tab.title,
        [Count(r.label, r.total) for r in tab.rows],
    )
    section["columns"] = [*tab.outcomes, "Total"]
    section["rows"] = [
        {"label": r.label, "cells": [suppress(n) for n in (*r.counts, r.total)]} for r in tab.rows
    ] or [{"label": "None", "cells": ["0"]}]
    return section


def _time_sections(times: DecisionTimes) -> list[dict[str, Any]]:
    if 0 < times.decided < SUPPRESSION_THRESHOLD:
        summary = (
            f"Referrals with a decision: {SUPPRESSED}. Times are not shown for fewer than "
            f"{SUPPRESSION_THRESHOLD} referrals."
        )
    elif times.decided:
        summary = (
            f"Referrals with a decision: {suppress(times.decided)}. The median time from "
            f"receipt to decision was {format_days(times.median_days)} days "
            f"({format_days(times.median_working_days)} working days)."
        )
    else:
        summary = "None of the referrals received in the year has had a decision yet."
    bands = _section(
        "Time from referral to decision", summary, "Time to decision", times.bands,
        chart=times.decided > 0,
    )
    overall = {
        "title": "Time to decision by outcome",
        "summary": (
            "Calendar days and working days (England and Wales) from the day the referral was "
            "received to the day of the decision. Times for fewer than 5 referrals are not shown."
        ),
        "image": None,
        "heading": "Outcome",
        "columns": ["Referrals decided", "Median days", "Shortest", "Longest", "Median working days"],
        "rows": [],
    }
    rows = [
        ("All decided referrals", times.decided, times.median_days, times.shortest_days,
         times.longest_days, times.median_working_days),
        *((t.outcome, t.decided, t.median_days, t.shortest_days, t.longest_days, t.median_working_days)
          for t in times.by_outcome),
    ]
    for label, n, median, shortest, longest, working in rows:
        small = n < SUPPRESSION_THRESHOLD
        overall["rows"].append({
            "label": label,
            "cells": [suppress(n)] + (["—"] * 4 if small else
                                       [format_days(median), format_days(shortest), format_days(longest), format_days(working)]),
        })
    return [bands, overall]


REPORT_NOTES = (
    "The figures cover every referral the business unit received in the year, including "
    "referrals that did not progress to a review.",
    "Counts from 1 to 4 are shown as “fewer than 5”, and no bar is drawn for them, so that "
    "no one can be identified from small numbers. The chair's page in the service shows the "
    "exact figures.",
    "The outcome is the decision in force on the referral: the panel's recommendation, or "
    "what the board (or the body a disagreement was escalated to) decided instead. A referral "
    "without a decision is “Closed without a decision” when the business unit closed it, "
    "otherwise “No decision yet”.",
    "A referral may ask the panel to consider more than one type of review, so the review "
    "types add up to more than the number of referrals.",
    "Age is the subject's age at the incident or death. Gender and ethnicity are as the "
    "referrer described them; disability is “Disability recorded” when the referrer "
    "described one.",
)


def report_context(partnership: Partnership, review: AnnualReview, today: date) -> dict[str, Any]:
    """The data ``annual_review.docx`` is rendered with (see DEMO_CONTEXTS["annual_review.docx"])."""
    summaries = {
        "age": "The subject's age at the incident or death.",
        "gender": "The subject's gender as the referrer gave it.",
        "ethnicity": "The subject's ethnicity as the referrer gave it.",
        "disability": "Whether the referrer described a disability of the subject.",
    }
    sections = [
        _section("Referrals by review type considered",
                 "The reviews the referrer thought the case might meet the criteria for.",
                 "Review type", review.review_types),
        _section("Referrals by referring agency",
                 "The agency the referrer works for.", "Referring agency", review.agencies),
        _section("Referrals by sector of the referring agency",
                 "The sector of the member agency the referrer works for.", "Sector", review.sectors),
        _section("Outcome of the referrals",
                 "The decision in force on each referral.", "Outcome", review.outcomes),
        *_time_sections(review.times),
        *(_cross_section(tab, summaries[tab.key]) for tab in review.characteristics),
    ]
    return {
        "partnership": {"name": partnership.name},
        "panel_name": f"{partnership.short_name} {partnership.screening_body}",
        "year": review.label,
        "period": f"{_long(review.start)} to {_long(review.end)}",
        "total": suppress(review.total),
        "prepared_date": _long(today),
        "notes": list(REPORT_NOTES),
        "sections": sections,
    }


def render_report(partnership: Partnership, review: AnnualReview, store: Any, today: date) -> bytes:
    """The annual review as a Word document (the live template, or the shipped one)."""
    from document_templates.render import render_docx
    from workflow.template_versions import template_bytes

    return render_docx(template_bytes("annual_review.docx", store), report_context(partnership, review, today))
