"""The schema of partnership.yaml and its loader.

A wrong file stops start-up with a message naming the file, the key inside it and the
problem, e.g. ``partnerships/x/partnership.yaml: quorum.requirements[0].agency:
unknown agency 'polce' (known: police, ...)``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Literal

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


class Agency(_Strict):
    """A member agency of the panel. One vote per agency, whoever attends for it."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: str
    # An agency may count for more than one sector (e.g. a council's adult social care
    # is also the local authority for a quorum that names the local authority).
    sectors: Annotated[list[Sector], Field(min_length=1)]
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


class QuorumRequirement(_Strict):
    """One condition of the quorum rule; the meeting is quorate when all hold.

    Exactly one of the keys is given:
    - ``agency``: that agency is present;
    - ``sector``: at least one agency of that sector is present;
    - ``fraction_of_members``: at least that share of voting member agencies, e.g. "2/3";
    - ``each_statutory_partner``: every statutory partner agency is present.
    """

    agency: str | None = None
    sector: Sector | None = None
    fraction_of_members: str | None = None
    each_statutory_partner: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> QuorumRequirement:
        given = [
            k
            for k in ("agency", "sector", "fraction_of_members", "each_statutory_partner")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of agency, sector, fraction_of_members, each_statutory_partner"
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


class Quorum(_Strict):
    requirements: Annotated[list[QuorumRequirement], Field(min_length=1)]
    when_not_quorate: Annotated[list[NotQuorateOption], Field(min_length=1)] = [
        "reschedule",
        "continue",
    ]


class Voting(_Strict):
    one_vote_per_agency: bool = True
    chair_casting_vote: bool = False
    escalate_disagreement_to: str


class Meetings(_Strict):
    frequency: Literal["monthly", "bi-monthly", "quarterly", "as-needed"]
    may_cancel_when_nothing_new: bool = False
    duration_minutes: Annotated[int, Field(gt=0, le=480)] = 150
    # Calendar days before the meeting by which agenda items are submitted.
    agenda_item_deadline_days: Annotated[int, Field(ge=0, le=60)] = 10
    # Working days before the meeting by which papers are circulated.
    papers_deadline_working_days: Annotated[int, Field(ge=0, le=30)] = 5
    # A member agency not represented at this many meetings in a row (absent, or apologies
    # with no deputy present) is flagged to the chair for escalation; 0 turns it off.
    escalate_non_attendance_after: Annotated[int, Field(ge=0, le=12)] = 2


class TimeLimits(_Strict):
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


class Branding(_Strict):
    service_name: str = "One Panel"
    # Header colour; must give white text a 4.5:1 contrast (checked in tests).
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#0b0c0c"


# The referral form's answers to "which review?" that are not a review type.
OTHER_REVIEW_TYPE_LABELS = {"not_sure": "Not sure", "learning": "Learning opportunity"}


class Partnership(_Strict):
    """Everything that differs between partnerships."""

    slug: str
    name: str
    short_name: str
    reference_prefix: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]
    screening_body: str
    address: Annotated[list[str], Field(min_length=1)]
    secretariat_email: EmailStr
    review_labels: dict[ReviewType, str] = {
        "sar": "Safeguarding Adults Review",
        "cspr": "Child Safeguarding Practice Review",
        "dhr": "Domestic Homicide Review",
    }
    agencies: Annotated[list[Agency], Field(min_length=1)]
    boards: dict[ReviewType, Board]
    meetings: Meetings
    quorum: Quorum
    voting: Voting
    time_limits: TimeLimits = TimeLimits()
    # The month the partnership's reporting year starts (1: calendar year; 4: April to
    # March, as boards' annual reports often run). The chair's annual review uses it.
    reporting_year_starts_month: Annotated[int, Field(ge=1, le=12)] = 1
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
        ids = [a.id for a in self.agencies]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"agencies: duplicate agency id {', '.join(dupes)}")
        for key in ("sar", "cspr", "dhr"):
            if key not in self.boards:
                raise ValueError(f"boards.{key}: missing (every review type needs a board)")
        sectors = {s for a in self.agencies for s in a.sectors}
        for i, req in enumerate(self.quorum.requirements):
            where = f"quorum.requirements[{i}]"
            if req.agency is not None and req.agency not in ids:
                raise ValueError(
                    f"{where}.agency: unknown agency '{req.agency}' (known: {', '.join(ids)})"
                )
            if req.sector is not None and req.sector not in sectors:
                raise ValueError(f"{where}.sector: no member agency has sector '{req.sector}'")
            if req.each_statutory_partner and not any(a.statutory_partner for a in self.agencies):
                raise ValueError(f"{where}.each_statutory_partner: no agency is a statutory partner")
        return self

    # -- lookups ----------------------------------------------------------------------
    def agency(self, agency_id: str) -> Agency:
        for a in self.agencies:
            if a.id == agency_id:
                return a
        raise KeyError(agency_id)

    @property
    def agency_ids(self) -> list[str]:
        return [a.id for a in self.agencies]

    @property
    def statutory_partners(self) -> list[Agency]:
        return [a for a in self.agencies if a.statutory_partner]

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
