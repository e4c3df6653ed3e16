"""Quoracy of a panel meeting: is everyone present whom the panel's rule requires?

The rule is the panel's ``quorum`` in the partnership file, a list of requirements that
must all hold (``partnerships.model.QuorumRequirement``), each with its source:

- ``organisation``: that organisation is represented by itself or by any of its services
  (Wolverhampton One Panel terms of reference §4: "Wolverhampton Local Authority" is met
  by its Children's or Adult's Social Care, which §3 lists as the members);
- ``sector``: at least one member agency of that sector is present (Redbridge One Panel
  guidance: "health, children's social care, adults social care, community safety and
  the police");
- ``fraction_of_members``: at least that share of the panel's voting member
  organisations, rounded up (Telford & Wrekin: "at least two thirds of
  partners/organisations are represented");
- ``each_statutory_partner``: every statutory partner organisation is represented
  (Telford & Wrekin: "including one representative from each of the statutory partners").

Who counts: only attendees recorded as present, for an agency that is a member of the
panel; the member, the nominated deputy and the chair count for their agency (Telford &
Wrekin: "All group members will identify a nominated substitute"); someone attending in
another capacity (co-opted, presenter, observer) does not. An organisation counts once
however many of its people or services attend, and one person represents one
organisation at a time: a person recorded for two organisations counts for the first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, NamedTuple

from partnerships.model import (
    SECTOR_LABELS,
    Agency,
    Panel,
    Partnership,
    QuorumRequirement,
    Sector,
)

Role = Literal["member", "deputy", "chair", "other"]
Status = Literal["present", "apologies", "absent"]

# The roles in which a person represents their agency for quoracy.
REPRESENTING_ROLES: frozenset[str] = frozenset({"member", "deputy", "chair"})

# What the chair may do when the meeting is not quorate (Wolverhampton One Panel terms of
# reference: "rescheduled, continue as planned and/or any key decisions will need to be
# virtually ratified by any missing quorate members"). Each panel lists the choices its
# own document allows in ``when_not_quorate.options``.
NOT_QUORATE_LABELS: dict[str, str] = {
    "reschedule": "Reschedule the meeting",
    "continue": "Continue as planned",
    "virtual_ratification": "Continue, with key decisions virtually ratified by the missing members",
}


@dataclass(frozen=True)
class Attendee:
    """One person on the attendance list of a meeting."""

    agency_id: str | None
    person: str
    role: Role | str | None = "member"
    status: Status | str | None = None


@dataclass(frozen=True)
class QuorumResult:
    """Whether the meeting is quorate and, if not, what is missing in plain English."""

    quorate: bool
    reasons: list[str] = field(default_factory=list)
    # Agency ids present for quoracy, in the partnership's order.
    present_agencies: list[str] = field(default_factory=list)
    # Agency ids whose absence breaks a requirement: the agencies of a named organisation,
    # of a statutory partner, or of a required sector of which no one is present.
    missing_agencies: list[str] = field(default_factory=list)
    # Organisation ids represented, in the partnership's order.
    present_organisations: list[str] = field(default_factory=list)
    # Things the chair should know that do not by themselves break the quorum, e.g. one
    # person recorded for two organisations.
    notes: list[str] = field(default_factory=list)


class NotQuorateOption(NamedTuple):
    """A choice open to the chair when the meeting is not quorate: ``(id, label)``."""

    id: str
    label: str


def counts_for_quorum(attendee: Attendee) -> bool:
    """True when the attendee is present and represents their agency (member, deputy or chair)."""
    return (
        attendee.status == "present"
        and bool(attendee.agency_id)
        and (attendee.role or "member") in REPRESENTING_ROLES
    )


def _panel(partnership: Partnership, panel: Panel | None) -> Panel:
    return panel or partnership.default_panel


def _represented(
    partnership: Partnership, panel: Panel, attendees: Iterable[Attendee]
) -> tuple[list[str], list[str]]:
    """The member agencies represented, each once, and notes on people who were recorded for
    a second organisation (one person represents one organisation at a time)."""
    members = {a.id: a for a in partnership.panel_agencies(panel)}
    here: set[str] = set()
    person_org: dict[str, str] = {}
    notes: list[str] = []
    for attendee in attendees:
        if not counts_for_quorum(attendee) or attendee.agency_id not in members:
            continue
        agency = members[attendee.agency_id]
        key = attendee.person.strip().casefold()
        first = person_org.setdefault(key, agency.organisation_id)
        if first != agency.organisation_id:
            notes.append(
                f"{attendee.person} is recorded for {partnership.organisation(first).name} and "
                f"{agency.organisation_name}: one person represents one organisation at a "
                f"time, so they count for {partnership.organisation(first).name} only"
            )
            continue
        here.add(agency.id)
    return [a.id for a in partnership.agencies if a.id in here], notes


def present_agency_ids(
    partnership: Partnership, attendees: Iterable[Attendee], panel: Panel | None = None
) -> list[str]:
    """The member agencies represented at the meeting, each once, in the partnership's order."""
    return _represented(partnership, _panel(partnership, panel), attendees)[0]


def _format_fraction(fraction: Fraction) -> str:
    return f"{fraction.numerator}/{fraction.denominator}"


def _check(
    partnership: Partnership,
    panel: Panel,
    requirement: QuorumRequirement,
    present: set[str],
) -> tuple[list[str], list[str]]:
    """The reasons one requirement fails (empty when it holds) and the agencies it misses."""
    members: list[Agency] = partnership.panel_agencies(panel)
    present_orgs = {a.organisation_id for a in members if a.id in present}

    if requirement.organisation is not None:
        if requirement.organisation in present_orgs:
            return [], []
        org = partnership.organisation(requirement.organisation)
        return [f"No one from {org.name} is present"], [
            a.id for a in members if a.organisation_id == org.id
        ]

    if requirement.sector is not None:
        of_sector = [a for a in members if requirement.sector in a.sectors]
        if any(a.id in present for a in of_sector):
            return [], []
        label = SECTOR_LABELS.get(requirement.sector, str(requirement.sector))
        return [f"No one from {label} is present"], [a.id for a in of_sector]

    if requirement.fraction is not None:
        # The share is of the panel's VOTING member organisations, rounded up (Telford &
        # Wrekin: "at least two thirds of partners/organisations are represented").
        voting = [o.id for o in partnership.panel_organisations(panel) if o.voting]
        needed = math.ceil(requirement.fraction * len(voting))
        here = sum(1 for org_id in voting if org_id in present_orgs)
        if here >= needed:
            return [], []
        return [
            f"{here} of {len(voting)} member organisations are represented; "
            f"at least {_format_fraction(requirement.fraction)} ({needed}) are needed"
        ], []

    if requirement.each_statutory_partner:
        statutory = [o for o in partnership.panel_organisations(panel) if o.statutory_partner]
        missing = [o for o in statutory if o.id not in present_orgs]
        return (
            [f"Statutory partner {o.name} is not represented" for o in missing],
            [a.id for a in members if a.organisation_id in {o.id for o in missing}],
        )

    return [], []


def check_quorum(
    partnership: Partnership, attendees: Sequence[Attendee], panel: Panel | None = None
) -> QuorumResult:
    """Check the panel's quorum rule (the first panel when none is given) against the
    attendance list.

    Every requirement must hold. The reasons name what is missing, one sentence per failed
    condition, in the order of the rule.
    """
    panel = _panel(partnership, panel)
    present_ids, notes = _represented(partnership, panel, attendees)
    present = set(present_ids)
    reasons: list[str] = []
    missing: list[str] = []
    for requirement in panel.quorum.requirements:
        failed, agencies = _check(partnership, panel, requirement, present)
        reasons.extend(failed)
        for agency_id in agencies:
            if agency_id not in missing:
                missing.append(agency_id)
    order = {a.id: i for i, a in enumerate(partnership.agencies)}
    missing.sort(key=lambda agency_id: order[agency_id])
    orgs = {partnership.organisation_of(a) for a in present_ids}
    return QuorumResult(
        quorate=not reasons,
        reasons=reasons,
        present_agencies=present_ids,
        missing_agencies=missing,
        present_organisations=[o.id for o in partnership.organisations if o.id in orgs],
        notes=notes,
    )


def options_when_not_quorate(
    partnership: Partnership, panel: Panel | None = None
) -> list[NotQuorateOption]:
    """The chair's choices when the meeting is not quorate, as the panel's document allows.

    Only Wolverhampton's terms of reference give "continue" and virtual ratification; the
    other partnerships' documents say only that the meeting is not quorate, so they
    reschedule (a local setting).
    """
    return [
        NotQuorateOption(choice, NOT_QUORATE_LABELS[choice])
        for choice in _panel(partnership, panel).when_not_quorate.options
    ]


# The sectors closest to each review type: a tie between agencies that make the quorum
# equally is broken towards the one the panel's reviews concern.
_REVIEW_SECTORS: dict[str, frozenset[Sector]] = {
    "sar": frozenset({Sector.ADULT_SOCIAL_CARE}),
    "cspr": frozenset({Sector.CHILDRENS_SOCIAL_CARE}),
    "dhr": frozenset({Sector.COMMUNITY_SAFETY}),
}


def _present(agency_ids: list[str]) -> list[Attendee]:
    return [Attendee(a, f"Member for {a}", "member", "present") for a in agency_ids]


def agencies_for_quorum(partnership: Partnership, panel: Panel | None = None) -> list[Agency]:
    """A smallest set of the panel's member agencies whose presence makes it quorate, in the
    partnership's order: greedily the agency that removes the most failing reasons (then
    adds the most organisations, then is closest to the panel's reviews, then comes first),
    then any agency the others make unnecessary dropped. Used to say whom a meeting still
    needs and to set up demonstrations."""
    panel = _panel(partnership, panel)
    members = partnership.panel_agencies(panel)
    relevant = frozenset().union(*(_REVIEW_SECTORS.get(rt, frozenset()) for rt in panel.review_types))
    chosen: list[str] = []
    while not check_quorum(partnership, _present(chosen), panel).quorate:
        best: tuple[tuple[int, int, int, int], str] | None = None
        for n, agency in enumerate(members):
            if agency.id in chosen:
                continue
            result = check_quorum(partnership, _present([*chosen, agency.id]), panel)
            key = (
                len(result.reasons),
                -len(result.present_organisations),
                -len(relevant & set(agency.sectors)),
                n,
            )
            if best is None or key < best[0]:
                best = (key, agency.id)
        if best is None:
            raise ValueError(f"{panel.name}: no set of its member agencies is quorate")
        chosen.append(best[1])
    for agency_id in reversed(list(chosen)):
        rest = [a for a in chosen if a != agency_id]
        if check_quorum(partnership, _present(rest), panel).quorate:
            chosen = rest
    return [a for a in partnership.agencies if a.id in chosen]
