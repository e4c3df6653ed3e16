"""The schema of partnership.yaml and its loader.

A wrong file stops start-up with a message naming the file, the key inside it and the
problem, e.g. ``partnerships/x/partnership.yaml: panels[0].quorum.requirements[0].organisation:
unknown organisation 'polce' (known: police, ...)``.

Every rule carries its source: the document, section and the words it rests on, or
``local`` where the partnership set it itself (its published arrangements do not say).
"""

from __future__ import annotations

import re
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

PARTNERSHIPS_DIR = Path(__file__).resolve().parent

ReviewType = Literal["sar", "cspr", "dhr"]


class PartnershipConfigError(Exception):
    """A partnership file is missing or wrong. The message names file, key and problem."""


class Sector(StrEnum):
    """What kind of organisation an agency is; quorum rules may name a sector."""

    POLICE = "police"
    HEALTH = "health"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    ADULT_SOCIAL_CARE = "adult_social_care"
    COMMUNITY_SAFETY = "community_safety"
    LOCAL_AUTHORITY = "local_authority"
    EDUCATION = "education"
    HOUSING = "housing"
    PROBATION = "probation"
    FIRE = "fire"
    VOLUNTARY = "voluntary"
    LEGAL = "legal"
    PUBLIC_HEALTH = "public_health"
    PARTNERSHIP = "partnership"


SECTOR_LABELS: dict[Sector, str] = {
    Sector.POLICE: "police",
    Sector.HEALTH: "health",
    Sector.CHILDRENS_SOCIAL_CARE: "children's social care",
    Sector.ADULT_SOCIAL_CARE: "adult social care",
    Sector.COMMUNITY_SAFETY: "community safety",
    Sector.LOCAL_AUTHORITY: "the local authority",
    Sector.EDUCATION: "education",
    Sector.HOUSING: "housing",
    Sector.PROBATION: "probation",
    Sector.FIRE: "the fire service",
    Sector.VOLUNTARY: "the voluntary sector",
    Sector.LEGAL: "legal services",
    Sector.PUBLIC_HEALTH: "public health",
    Sector.PARTNERSHIP: "the partnership business unit",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# -- sources ------------------------------------------------------------------------------
#
# Every rule in a partnership file says where it comes from: the published document, the
# section and the words it rests on, or ``local`` when the partnership set it itself (its
# published arrangements do not contain it). The rules page and ``flask check-config``
# show each rule with its source and mark local settings as such.

LOCAL = "local"
LOCAL_LABEL = "Set by the partnership, not in its published arrangements"


class Document(_Strict):
    """A published document a partnership's rules are drawn from."""

    title: str
    # Where a reader finds it (a web address or the partnership's own reference).
    reference: str | None = None


class Source(_Strict):
    """Where a rule is written: a document (key of ``documents``), its section, its words."""

    document: str
    section: str
    words: Annotated[str, Field(min_length=3)]


SourceRef = Source | Literal["local"]

# Statutory guidance every partnership follows; a rule may cite it without the partnership
# listing it among its own documents.
STATUTORY_DOCUMENTS: dict[str, Document] = {
    "working-together-2023": Document(
        title="Working Together to Safeguard Children 2023 (statutory guidance)",
        reference="Chapter 5: learning from serious child safeguarding incidents",
    ),
}


def is_local(source: SourceRef | None) -> bool:
    return source is None or source == LOCAL


class _PerFieldSources(_Strict):
    """A block of settings each of which names its source in ``sources`` (by field name).

    A setting the file gives must have a source (or ``local``); a setting the file leaves
    out takes the product default, shown as a local setting.
    """

    sources: dict[str, SourceRef] = {}
    # The source of a setting the file leaves out, where the product's default is a statute.
    DEFAULT_SOURCES: ClassVar[dict[str, SourceRef]] = {}

    @model_validator(mode="after")
    def _every_setting_sourced(self) -> _PerFieldSources:
        given = self.model_fields_set - {"sources"}
        unknown = sorted(set(self.sources) - set(type(self).model_fields) - {"sources"})
        if unknown:
            raise ValueError(f"sources: no setting named {', '.join(unknown)}")
        missing = sorted(given - set(self.sources))
        if missing:
            raise ValueError(
                f"sources: give the source of {', '.join(missing)} "
                "(document, section and words, or 'local')"
            )
        return self

    def source_of(self, name: str) -> SourceRef:
        if name in self.sources:
            return self.sources[name]
        if name not in self.model_fields_set:
            return self.DEFAULT_SOURCES.get(name, LOCAL)
        return LOCAL


# -- organisations and the agencies that represent them ----------------------------------


class Service(_Strict):
    """A service of an organisation that represents it on a panel (e.g. a council's
    children's social care)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    sectors: list[Sector] = []
    voting: bool = True
    contact_email: EmailStr | None = None


class Organisation(_Strict):
    """A member organisation: a council, the ICB, a police force, a trust, a charity.

    ``services`` are the parts of it that sit on panels; each is an agency of its own for
    attendance, screening requests and accounts, and counts for the organisation in a
    quorum. An organisation with no services is represented as itself.
    """

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    sectors: list[Sector] = []
    statutory_partner: bool = False
    voting: bool = True
    contact_email: EmailStr | None = None
    services: list[Service] = []
    source: SourceRef


class Agency(_Strict):
    """Who sits at the table: an organisation, or one of its services (derived, not written
    in the file). Attendance, votes, screening requests and accounts name an agency."""

    id: str
    name: str
    organisation_id: str
    organisation_name: str
    sectors: list[Sector]
    statutory_partner: bool = False
    voting: bool = True
    contact_email: EmailStr | None = None


class Board(_Strict):
    """A body that ratifies the panel's recommendation for one review type."""

    name: str
    chair_title: str
    address: list[str] = []
    # Who else is told of the decision (e.g. Home Office for a DHR).
    notify: list[str] = []
    source: SourceRef = LOCAL


class QuorumRequirement(_Strict):
    """One condition of a panel's quorum rule; the meeting is quorate when all hold.

    Exactly one of the keys is given:
    - ``organisation``: that organisation is represented (by itself or any of its services);
    - ``sector``: at least one agency of that sector is present;
    - ``fraction_of_members``: at least that share of the panel's voting member
      organisations is represented, e.g. "2/3";
    - ``each_statutory_partner``: every statutory partner organisation is represented.
    """

    organisation: str | None = None
    sector: Sector | None = None
    fraction_of_members: str | None = None
    each_statutory_partner: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> QuorumRequirement:
        given = [
            k
            for k in ("organisation", "sector", "fraction_of_members", "each_statutory_partner")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of organisation, sector, fraction_of_members, "
                "each_statutory_partner"
            )
        return self

    @field_validator("fraction_of_members")
    @classmethod
    def _fraction(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not re.fullmatch(r"\d+/\d+", v):
            raise ValueError(f"'{v}' is not a fraction like 2/3")
        f = Fraction(v)
        if not 0 < f <= 1:
            raise ValueError(f"'{v}' must be more than 0 and at most 1")
        return v

    @property
    def fraction(self) -> Fraction | None:
        return Fraction(self.fraction_of_members) if self.fraction_of_members else None


NotQuorateOption = Literal["reschedule", "continue", "virtual_ratification"]
# The choices after which an inquorate meeting may still record decisions.
DECIDING_WHEN_NOT_QUORATE: frozenset[str] = frozenset({"continue", "virtual_ratification"})


class Quorum(_Strict):
    requirements: Annotated[list[QuorumRequirement], Field(min_length=1)]
    source: SourceRef


class WhenNotQuorate(_Strict):
    """What the chair may do when the meeting is not quorate. Only these choices are offered;
    an inquorate meeting records decisions only after a choice that allows it."""

    options: Annotated[list[NotQuorateOption], Field(min_length=1)]
    source: SourceRef


class Decisions(_PerFieldSources):
    """How the panel reaches a decision and what happens when its members disagree."""

    # Consensus first; failing it, a vote.
    vote_when_no_consensus: bool = True
    # One vote per organisation (a council's services share one) or per agency at the table.
    votes_per: Literal["organisation", "agency"] = "organisation"
    # On a tied vote the chair has the casting vote.
    chair_casting_vote: bool = False
    # What goes to ``escalate_to``: every disagreement the panel did not settle by consensus
    # ("disagreement"), or only a tie the rules do not break ("tie").
    escalate: Literal["disagreement", "tie"] = "tie"
    escalate_to: str = "the chair of the partnership"
    # Instead of using the casting vote the chair may refer the split to someone
    # (Telford & Wrekin CSPR Panel: "or discuss with the Partnership Manager").
    chair_may_refer_split_to: str | None = None


class Conflicts(_PerFieldSources):
    """What a declared conflict of interest does, and which rulings the chair may make."""

    # A declared conflict disqualifies the member from the decision (no "no action" ruling).
    disqualifies_from_decision: bool = False


FREQUENCY_WORDS = {
    "monthly": "monthly",
    "bi-monthly": "every two months",
    "quarterly": "quarterly",
    "as-needed": "as needed",
}


class Meetings(_PerFieldSources):
    frequency: Literal["monthly", "bi-monthly", "quarterly", "as-needed"] = "as-needed"
    may_cancel_when_nothing_new: bool = False
    duration_minutes: Annotated[int, Field(gt=0, le=480)] = 120
    # Calendar days before the meeting by which agenda items are submitted.
    agenda_item_deadline_days: Annotated[int, Field(ge=0, le=60)] = 10
    # Working days before the meeting by which papers are circulated.
    papers_deadline_working_days: Annotated[int, Field(ge=0, le=30)] = 5
    # A member agency not represented at this many meetings in a row (absent, or apologies
    # with no deputy present) is flagged to the chair for escalation; 0 turns it off.
    escalate_non_attendance_after: Annotated[int, Field(ge=0, le=12)] = 2
    # The chair reads the Think Family statement as the first standing item.
    think_family_statement: bool = False
    # The standing agenda items (beyond new referrals) of the terms of reference.
    standing_agenda: bool = False


class Membership(_Strict):
    """The panel's member agencies or organisations (ids); empty means every agency."""

    members: list[str] = []
    source: SourceRef


class Chair(_Strict):
    title: str
    source: SourceRef


class Panel(_Strict):
    """A screening panel of the partnership, with its own terms of reference."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    review_types: Annotated[list[ReviewType], Field(min_length=1)]
    review_types_source: SourceRef
    chair: Chair
    membership: Membership
    meetings: Meetings = Meetings()
    quorum: Quorum
    when_not_quorate: WhenNotQuorate
    decisions: Decisions = Decisions()
    conflicts: Conflicts = Conflicts()


class Forwarded(_Strict):
    """A review type no panel of the partnership screens: referrals go to ``to``."""

    to: str
    source: SourceRef


class PathwayStep(_Strict):
    """A step of a review type's pathway run by a body other than the panel, e.g. the
    children's rapid review run by the safeguarding children partnership. The panel
    records the step's outcome and does not run it."""

    step: Literal["rapid_review"]
    run_by: str
    panel_records_outcome: bool = True
    source: SourceRef


class TimeLimits(_PerFieldSources):
    """Time limits in working days (England & Wales bank holidays excluded)."""

    screening_return_adult: Annotated[int, Field(gt=0, le=60)] = 10
    screening_return_dhr: Annotated[int, Field(gt=0, le=60)] = 10
    rapid_review_return: Annotated[int, Field(gt=0, le=60)] = 5
    rapid_review_meeting: Annotated[int, Field(gt=0, le=60)] = 15
    national_panel_notification: Annotated[int, Field(gt=0, le=60)] = 15
    serious_incident_notification: Annotated[int, Field(gt=0, le=60)] = 5
    agency_link_grace: Annotated[int, Field(ge=0, le=30)] = 5
    # A reminder goes to an agency this many working days before its deadline.
    screening_reminder: Annotated[int, Field(ge=0, le=30)] = 2
    # The Home Office is told of the decision on a domestic abuse related death, review or
    # not, within this many working days of the decision. No published document gives a
    # number: the product's default is a local setting (``source_of`` gives ``local``).
    home_office_notification: Annotated[int, Field(gt=0, le=60)] = 20
    # The business unit is reminded of a statutory clock this many working days before it
    # runs out (and once more when it is overdue).
    clock_reminder: Annotated[int, Field(ge=0, le=30)] = 2

    DEFAULT_SOURCES: ClassVar[dict[str, SourceRef]] = {
        "serious_incident_notification": Source(
            document="working-together-2023",
            section="Chapter 5, duty on local authorities to notify incidents",
            words="within 5 working days of becoming aware that the incident has occurred",
        ),
        "national_panel_notification": Source(
            document="working-together-2023",
            section="Chapter 5, rapid reviews",
            words="within 15 working days of becoming aware of the incident",
        ),
    }


class Branding(_Strict):
    service_name: str = "One Panel"
    # Header colour; must give white text a 4.5:1 contrast (checked in tests).
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#0b0c0c"


class Contact(_Strict):
    address: Annotated[list[str], Field(min_length=1)]
    secretariat_email: EmailStr
    source: SourceRef


# -- who may refer --------------------------------------------------------------------------

ReferrerKind = Literal["partner", "volunteer", "family", "other"]

#: The answers to "Who are you?" at the start of a referral, as the question offers them.
REFERRER_KIND_CHOICES: dict[str, str] = {
    "partner": "A professional or practitioner at a partner agency",
    "volunteer": "A volunteer",
    "family": "A family member or friend of the person the referral is about",
    "other": "Someone else",
}
#: The same, as a sentence says it: "referred by a volunteer".
REFERRER_KIND_WORDS: dict[str, str] = {
    "partner": "a professional at a partner agency",
    "volunteer": "a volunteer",
    "family": "a family member or friend",
    "other": "someone outside the partner agencies",
}


class Referrers(_Strict):
    """Who may refer a case through the referral form, each kind with its source.

    ``partner`` (a professional or practitioner at a partner agency) is always accepted:
    an address at one of ``referrer_email_domains`` is its fast path, needing no
    confirmation. Any other kind accepted here (a volunteer, a family member) proves an
    e-mail address with the one-time code like everyone else, and its referral waits for
    the business unit to confirm it.
    """

    accepted: Annotated[list[ReferrerKind], Field(min_length=1)] = ["partner"]
    # The source of each accepted kind, by kind: the document's words, or ``local``.
    sources: dict[ReferrerKind, SourceRef] = {}

    @model_validator(mode="after")
    def _every_kind_sourced(self) -> Referrers:
        if "partner" not in self.accepted:
            raise ValueError(
                "accepted: must include 'partner' (professionals at partner agencies always "
                "may refer)"
            )
        if len(set(self.accepted)) != len(self.accepted):
            raise ValueError("accepted: a kind is listed twice")
        stray = sorted(set(self.sources) - set(self.accepted))
        if stray:
            raise ValueError(f"sources: {', '.join(stray)} is not in accepted")
        if "accepted" in self.model_fields_set:
            missing = [k for k in self.accepted if k not in self.sources]
            if missing:
                raise ValueError(
                    f"sources: give the source of {', '.join(missing)} "
                    "(document, section and words, or 'local')"
                )
        return self

    def source_of(self, kind: str) -> SourceRef:
        return self.sources.get(kind, LOCAL)  # type: ignore[call-overload]

    def accepts(self, kind: str | None) -> bool:
        return kind in self.accepted


# The referral form's answers to "which review?" that are not a review type.
OTHER_REVIEW_TYPE_LABELS = {"not_sure": "Not sure", "learning": "Learning opportunity"}


class Partnership(_Strict):
    """Everything that differs between partnerships, each rule with its source."""

    slug: str
    name: str
    short_name: str
    reference_prefix: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]
    documents: Annotated[dict[str, Document], Field(min_length=1)]
    contact: Contact
    review_labels: dict[ReviewType, str] = {
        "sar": "Safeguarding Adults Review",
        "cspr": "Child Safeguarding Practice Review",
        "dhr": "Domestic Abuse Related Death Review (formerly DHR)",
    }
    organisations: Annotated[list[Organisation], Field(min_length=1)]
    panels: Annotated[list[Panel], Field(min_length=1)]
    forwarded: dict[ReviewType, Forwarded] = {}
    pathways: dict[ReviewType, list[PathwayStep]] = {}
    boards: dict[ReviewType, Board]
    time_limits: TimeLimits = TimeLimits()
    # The month the partnership's reporting year starts (1: calendar year; 4: April to
    # March, as boards' annual reports often run). The chair's annual review uses it.
    reporting_year_starts_month: Annotated[int, Field(ge=1, le=12)] = 1
    # Who may refer (partner agencies' professionals always; volunteers, family where the
    # partnership's documents say so).
    referrers: Referrers = Referrers()
    # The fast path for partner agencies' professionals: an address at one of these
    # domains (or a sub-domain) needs no confirmation by the business unit. A local setting.
    referrer_email_domains: Annotated[list[str], Field(min_length=1)]
    branding: Branding = Branding()

    @field_validator("referrer_email_domains")
    @classmethod
    def _domains(cls, v: list[str]) -> list[str]:
        for d in v:
            if not re.fullmatch(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", d):
                raise ValueError(f"'{d}' is not a lower-case domain like redbridge.gov.uk")
        return v

    @model_validator(mode="after")
    def _cross_checks(self) -> Partnership:
        ids = [a.id for a in self.agencies] + [o.id for o in self.organisations if o.services]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"organisations: duplicate organisation or service id {', '.join(dupes)}")
        org_ids = [o.id for o in self.organisations]
        agency_ids = self.agency_ids
        for where, source in self._sources():
            if isinstance(source, Source) and source.document not in self.all_documents:
                raise ValueError(
                    f"{where}.source.document: unknown document '{source.document}' "
                    f"(known: {', '.join(self.all_documents)})"
                )
        panel_ids = [p.id for p in self.panels]
        if len(set(panel_ids)) != len(panel_ids):
            raise ValueError("panels: duplicate panel id")
        panel_names = [p.name for p in self.panels]
        if len(set(panel_names)) != len(panel_names):
            raise ValueError("panels: two panels have the same name")
        screened: dict[str, str] = {}
        for n, panel in enumerate(self.panels):
            here = f"panels[{n}]"
            for rt in panel.review_types:
                if rt in screened:
                    raise ValueError(
                        f"{here}.review_types: '{rt}' is screened by panel '{screened[rt]}' already"
                    )
                if rt in self.forwarded:
                    raise ValueError(f"{here}.review_types: '{rt}' is also in forwarded")
                screened[rt] = panel.id
            for m in panel.membership.members:
                if m not in agency_ids and m not in org_ids:
                    raise ValueError(
                        f"{here}.membership.members: unknown agency or organisation '{m}'"
                    )
            members = self.panel_agencies(panel)
            sectors = {s for a in members for s in a.sectors}
            for i, req in enumerate(panel.quorum.requirements):
                where = f"{here}.quorum.requirements[{i}]"
                if req.organisation is not None and req.organisation not in org_ids:
                    raise ValueError(
                        f"{where}.organisation: unknown organisation '{req.organisation}' "
                        f"(known: {', '.join(org_ids)})"
                    )
                if req.organisation is not None and not any(
                    a.organisation_id == req.organisation for a in members
                ):
                    raise ValueError(
                        f"{where}.organisation: '{req.organisation}' is not a member of the panel"
                    )
                if req.sector is not None and req.sector not in sectors:
                    raise ValueError(f"{where}.sector: no member agency has sector '{req.sector}'")
                if req.each_statutory_partner and not any(a.statutory_partner for a in members):
                    raise ValueError(
                        f"{where}.each_statutory_partner: no member is a statutory partner"
                    )
        for rt in ("sar", "cspr", "dhr"):
            if rt not in screened and rt not in self.forwarded:
                raise ValueError(
                    f"panels: no panel screens '{rt}' and it is not forwarded (add it to a "
                    "panel's review_types or to forwarded)"
                )
            if rt in screened and rt not in self.boards:
                raise ValueError(f"boards.{rt}: missing (every screened review type needs a board)")
        return self

    def _sources(self) -> list[tuple[str, SourceRef]]:
        out: list[tuple[str, SourceRef]] = [("contact", self.contact.source)]
        out += [(f"organisations[{i}]", o.source) for i, o in enumerate(self.organisations)]
        for n, p in enumerate(self.panels):
            here = f"panels[{n}]"
            out += [
                (f"{here}.review_types", p.review_types_source),
                (f"{here}.chair", p.chair.source),
                (f"{here}.membership", p.membership.source),
                (f"{here}.quorum", p.quorum.source),
                (f"{here}.when_not_quorate", p.when_not_quorate.source),
            ]
            out += [(f"{here}.decisions.{k}", v) for k, v in p.decisions.sources.items()]
            out += [(f"{here}.conflicts.{k}", v) for k, v in p.conflicts.sources.items()]
            out += [(f"{here}.meetings.{k}", v) for k, v in p.meetings.sources.items()]
        out += [(f"forwarded.{k}", v.source) for k, v in self.forwarded.items()]
        out += [
            (f"pathways.{k}[{i}]", s.source)
            for k, steps in self.pathways.items()
            for i, s in enumerate(steps)
        ]
        out += [(f"boards.{k}", b.source) for k, b in self.boards.items()]
        out += [(f"time_limits.{k}", v) for k, v in self.time_limits.sources.items()]
        out += [(f"referrers.sources.{k}", v) for k, v in self.referrers.sources.items()]
        return out

    # -- lookups ----------------------------------------------------------------------
    @property
    def address(self) -> list[str]:
        return self.contact.address

    @property
    def secretariat_email(self) -> str:
        return str(self.contact.secretariat_email)

    @property
    def screening_body(self) -> str:
        return " and ".join(p.name for p in self.panels)

    @cached_property
    def agencies(self) -> list[Agency]:
        """Every agency that may sit at a panel: each organisation's services, or the
        organisation itself where it has none, in the file's order."""
        out: list[Agency] = []
        for org in self.organisations:
            if not org.services:
                out.append(
                    Agency(
                        id=org.id,
                        name=org.name,
                        organisation_id=org.id,
                        organisation_name=org.name,
                        sectors=list(org.sectors),
                        statutory_partner=org.statutory_partner,
                        voting=org.voting,
                        contact_email=org.contact_email,
                    )
                )
            for svc in org.services:
                sectors = list(dict.fromkeys([*svc.sectors, *org.sectors]))
                out.append(
                    Agency(
                        id=svc.id,
                        name=f"{org.name} – {svc.name}",
                        organisation_id=org.id,
                        organisation_name=org.name,
                        sectors=sectors,
                        statutory_partner=org.statutory_partner,
                        voting=org.voting and svc.voting,
                        contact_email=svc.contact_email or org.contact_email,
                    )
                )
        return out

    def agency(self, agency_id: str) -> Agency:
        for a in self.agencies:
            if a.id == agency_id:
                return a
        raise KeyError(agency_id)

    def organisation(self, organisation_id: str) -> Organisation:
        for o in self.organisations:
            if o.id == organisation_id:
                return o
        raise KeyError(organisation_id)

    def agencies_of(self, organisation_id: str) -> list[Agency]:
        """The agencies that represent an organisation (its services, or itself)."""
        return [a for a in self.agencies if a.organisation_id == organisation_id]

    def organisation_of(self, agency_id: str) -> str:
        """The organisation an agency speaks for (its own id when it has no services)."""
        try:
            return self.agency(agency_id).organisation_id
        except KeyError:
            return agency_id

    @property
    def agency_ids(self) -> list[str]:
        return [a.id for a in self.agencies]

    @property
    def statutory_partners(self) -> list[Organisation]:
        return [o for o in self.organisations if o.statutory_partner]

    # -- panels -----------------------------------------------------------------------
    @property
    def default_panel(self) -> Panel:
        return self.panels[0]

    def panel(self, panel_id: str | None) -> Panel:
        """The panel with this id; the first panel for None (single-panel partnerships and
        meetings recorded before panels were named)."""
        if not panel_id:
            return self.panels[0]
        for p in self.panels:
            if p.id == panel_id:
                return p
        raise KeyError(panel_id)

    def panel_for(self, review_type: str) -> Panel | None:
        """The panel that screens a review type, or None when it is forwarded elsewhere."""
        for p in self.panels:
            if review_type in p.review_types:
                return p
        return None

    def panel_agencies(self, panel: Panel) -> list[Agency]:
        """The panel's member agencies: those listed (an organisation listed brings all its
        agencies), or every agency when the panel lists none."""
        wanted = set(panel.membership.members)
        if not wanted:
            return list(self.agencies)
        return [a for a in self.agencies if a.id in wanted or a.organisation_id in wanted]

    def panel_organisations(self, panel: Panel) -> list[Organisation]:
        ids = {a.organisation_id for a in self.panel_agencies(panel)}
        return [o for o in self.organisations if o.id in ids]

    def rapid_review_by(self) -> PathwayStep | None:
        """The rapid review step when another body runs it (e.g. the children's partnership)."""
        for step in self.pathways.get("cspr", []):
            if step.step == "rapid_review":
                return step
        return None

    @property
    def all_documents(self) -> dict[str, Document]:
        """The partnership's own documents and the statutory guidance rules may cite."""
        return {**STATUTORY_DOCUMENTS, **self.documents}

    def document_title(self, source: SourceRef) -> str:
        if isinstance(source, Source):
            return self.all_documents[source.document].title
        return LOCAL_LABEL

    def review_label(self, review_type: str) -> str:
        return self.review_labels.get(review_type, review_type.upper())  # type: ignore[call-overload]

    def review_type_label(self, value: str) -> str:
        """A referral's "review type considered" as people read it: a review's label, or
        the referral form's other answers ("Not sure", "Learning opportunity")."""
        return OTHER_REVIEW_TYPE_LABELS.get(value) or self.review_label(value)

    def email_domain_allowed(self, email: str) -> bool:
        """True when the address is at an allowed domain or one of its sub-domains."""
        domain = email.rsplit("@", 1)[-1].lower().strip()
        return any(domain == d or domain.endswith("." + d) for d in self.referrer_email_domains)


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _pydantic_message(path: Path, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = _format_loc(tuple(e["loc"]))
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        # Cross-checks name their own key inside the message ("quorum.requirements[0]...").
        if not loc and ": " in msg:
            loc, msg = msg.split(": ", 1)
        if e["type"] == "missing":
            msg = "missing (this key is required)"
        elif e["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        lines.append(f"{path}: {loc or '(top level)'}: {msg}")
    return "\n".join(lines)


def load_partnership_file(path: Path) -> Partnership:
    """Read and validate one partnership.yaml."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PartnershipConfigError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise PartnershipConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PartnershipConfigError(f"{path}: (top level): must be a mapping of keys")
    if raw.get("slug") not in (None, path.parent.name):
        raise PartnershipConfigError(
            f"{path}: slug: '{raw.get('slug')}' does not match its folder '{path.parent.name}'"
        )
    try:
        return Partnership.model_validate(raw)
    except ValidationError as exc:
        raise PartnershipConfigError(_pydantic_message(path, exc)) from exc


def available_partnerships(root: Path = PARTNERSHIPS_DIR) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/partnership.yaml"))


def load_partnership(slug: str, root: Path = PARTNERSHIPS_DIR) -> Partnership:
    """Load the partnership a deployment serves, by its folder name."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug or ""):
        raise PartnershipConfigError(f"ONEPANEL_PARTNERSHIP: '{slug}' is not a partnership name")
    path = root / slug / "partnership.yaml"
    if not path.exists():
        known = ", ".join(available_partnerships(root)) or "none"
        raise PartnershipConfigError(
            f"ONEPANEL_PARTNERSHIP: no partnership '{slug}' (no file {path}; known: {known})"
        )
    return load_partnership_file(path)
