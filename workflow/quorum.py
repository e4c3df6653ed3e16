"""Quoracy of a panel meeting: is everyone present whom the partnership's rule requires?

The rule is the partnership's ``quorum`` configuration, a list of requirements that must
all hold (``partnerships.model.QuorumRequirement``):

- ``agency``: that agency is present (Wolverhampton One Panel terms of reference §4: the
  local authority, the ICB, West Midlands Police and Safer Wolverhampton Partnership);
- ``sector``: at least one agency of that sector is present (Redbridge One Panel guidance:
  "health, children's social care, adults social care, community safety and the police");
- ``fraction_of_members``: at least that share of the voting member agencies, rounded up
  (Telford & Wrekin arrangements: "at least two thirds of partners/organisations");
- ``each_statutory_partner``: every statutory partner is present (Telford & Wrekin:
  "including one representative from each of the statutory partners").

Who counts: only attendees recorded as present; the member, the nominated deputy and the
chair count for their agency (Telford & Wrekin: "All group members will identify a
nominated substitute"); someone attending in another capacity (a co-opted professional, a
presenter, an observer) does not. An agency counts once however many of its people attend
(Redbridge: "one vote, regardless of the number of individual representatives").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, NamedTuple

from partnerships.model import SECTOR_LABELS, Agency, Partnership, QuorumRequirement, Sector

Role = Literal["member", "deputy", "chair", "other"]
Status = Literal["present", "apologies", "absent"]

# The roles in which a person represents their agency for quoracy.
REPRESENTING_ROLES: frozenset[str] = frozenset({"member", "deputy", "chair"})

# What the chair may do when the meeting is not quorate (Wolverhampton One Panel terms of
# reference: "rescheduled, continue as planned and/or any key decisions will need to be
# virtually ratified by any missing quorate members"). Each partnership lists the choices
# it allows in ``quorum.when_not_quorate``.
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
    # Agency ids whose absence breaks a requirement: a named agency, a statutory partner,
    # or every agency of a required sector of which no one is present.
    missing_agencies: list[str] = field(default_factory=list)


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


def present_agency_ids(partnership: Partnership, attendees: Iterable[Attendee]) -> list[str]:
    """The member agencies represented at the meeting, each once, in the partnership's order."""
    here = {a.agency_id for a in attendees if counts_for_quorum(a)}
    return [agency.id for agency in partnership.agencies if agency.id in here]


def _format_fraction(fraction: Fraction) -> str:
    return f"{fraction.numerator}/{fraction.denominator}"


def _agencies_of_sector(partnership: Partnership, sector: Sector) -> list[Agency]:
    return [a for a in partnership.agencies if sector in a.sectors]


def _check(
    partnership: Partnership, requirement: QuorumRequirement, present: set[str]
) -> tuple[list[str], list[str]]:
    """The reasons one requirement fails (empty when it holds) and the agencies it misses."""
    if requirement.agency is not None:
        if requirement.agency in present:
            return [], []
        agency = partnership.agency(requirement.agency)
        return [f"No one from {agency.name} is present"], [agency.id]

    if requirement.sector is not None:
        of_sector = _agencies_of_sector(partnership, requirement.sector)
        if any(a.id in present for a in of_sector):
            return [], []
        label = SECTOR_LABELS.get(requirement.sector, str(requirement.sector))
        return [f"No one from {label} is present"], [a.id for a in of_sector]

    if requirement.fraction is not None:
        # The share is of VOTING member agencies, rounded up (Telford & Wrekin: "at least
        # two thirds of partners/organisations are represented").
        voting = [a.id for a in partnership.agencies if a.voting]
        needed = math.ceil(requirement.fraction * len(voting))
        here = sum(1 for agency_id in voting if agency_id in present)
        if here >= needed:
            return [], []
        return [
            f"{here} of {len(voting)} voting member agencies are present; "
            f"at least {_format_fraction(requirement.fraction)} ({needed}) are needed"
        ], []

    if requirement.each_statutory_partner:
        missing = [a for a in partnership.statutory_partners if a.id not in present]
        return (
            [f"Statutory partner {a.name} is not present" for a in missing],
            [a.id for a in missing],
        )

    return [], []


def check_quorum(partnership: Partnership, attendees: Sequence[Attendee]) -> QuorumResult:
    """Check the partnership's quorum rule against the attendance list.

    Every requirement of ``partnership.quorum.requirements`` must hold. The reasons name
    what is missing, one sentence per failed condition, in the order of the rule.
    """
    present_ids = present_agency_ids(partnership, attendees)
    present = set(present_ids)
    reasons: list[str] = []
    missing: list[str] = []
    for requirement in partnership.quorum.requirements:
        failed, agencies = _check(partnership, requirement, present)
        reasons.extend(failed)
        for agency_id in agencies:
            if agency_id not in missing:
                missing.append(agency_id)
    order = {a.id: i for i, a in enumerate(partnership.agencies)}
    missing.sort(key=lambda agency_id: order[agency_id])
    return QuorumResult(
        quorate=not reasons,
        reasons=reasons,
        present_agencies=present_ids,
        missing_agencies=missing,
    )


def options_when_not_quorate(partnership: Partnership) -> list[NotQuorateOption]:
    """The chair's choices when the meeting is not quorate, as the partnership allows them.

    Wolverhampton One Panel terms of reference: the chair decides, on the meeting's agenda,
    whether to reschedule, continue as planned, or continue with key decisions virtually
    ratified by the missing members.
    """
    return [
        NotQuorateOption(choice, NOT_QUORATE_LABELS[choice])
        for choice in partnership.quorum.when_not_quorate
    ]
