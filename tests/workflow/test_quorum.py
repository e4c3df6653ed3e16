"""Quoracy for each partnership, from its configuration."""

from __future__ import annotations

import pytest

from partnerships import load_partnership
from partnerships.model import Quorum, QuorumRequirement
from workflow.quorum import Attendee, check_quorum, options_when_not_quorate

REDBRIDGE = load_partnership("redbridge")
WOLVERHAMPTON = load_partnership("wolverhampton")
TELFORD = load_partnership("telford-wrekin")
WALSALL = load_partnership("walsall")


def present(*agency_ids: str, role: str = "member") -> list[Attendee]:
    return [Attendee(a, f"Member for {a}", role, "present") for a in agency_ids]


# -- Redbridge: health, children's social care, adult social care, community safety, police --

REDBRIDGE_QUORUM = ("nelft", "lbr-csc", "lbr-asc", "lbr-community-safety", "mps-ea")


def test_redbridge_is_quorate_with_each_named_sector_present() -> None:
    result = check_quorum(REDBRIDGE, present(*REDBRIDGE_QUORUM))
    assert result.quorate
    assert result.reasons == []
    assert result.missing_agencies == []
    assert result.present_agencies == [
        "lbr-asc",
        "lbr-csc",
        "mps-ea",
        "nelft",
        "lbr-community-safety",
    ]


def test_redbridge_without_community_safety_is_not_quorate() -> None:
    result = check_quorum(REDBRIDGE, present("nelft", "lbr-csc", "lbr-asc", "mps-ea"))
    assert not result.quorate
    assert result.reasons == ["No one from community safety is present"]
    assert result.missing_agencies == ["lbr-community-safety"]


def test_redbridge_without_health_names_every_health_agency_as_missing() -> None:
    result = check_quorum(
        REDBRIDGE, present("lbr-csc", "lbr-asc", "lbr-community-safety", "mps-ea")
    )
    assert result.reasons == ["No one from health is present"]
    assert result.missing_agencies == ["nel-ics", "nelft", "bhrut", "barts"]


def test_apologies_and_absence_do_not_count() -> None:
    attendees = present("nelft", "lbr-csc", "lbr-asc", "lbr-community-safety") + [
        Attendee("mps-ea", "Inspector A", "member", "apologies"),
        Attendee("mps-ea", "Sergeant B", "deputy", "absent"),
    ]
    result = check_quorum(REDBRIDGE, attendees)
    assert not result.quorate
    assert result.reasons == ["No one from police is present"]
    assert "mps-ea" not in result.present_agencies


def test_attendance_not_yet_recorded_does_not_count() -> None:
    result = check_quorum(REDBRIDGE, [Attendee(a, "X", "member", None) for a in REDBRIDGE_QUORUM])
    assert not result.quorate
    assert len(result.reasons) == 5


def test_someone_attending_in_another_capacity_does_not_represent_the_agency() -> None:
    attendees = present("nelft", "lbr-csc", "lbr-asc", "lbr-community-safety") + present(
        "mps-ea", role="other"
    )
    assert check_quorum(REDBRIDGE, attendees).reasons == ["No one from police is present"]


def test_an_attendee_without_a_member_agency_is_ignored() -> None:
    attendees = present(*REDBRIDGE_QUORUM) + [
        Attendee(None, "Minute taker", "other", "present"),
        Attendee("not-an-agency", "Visitor", "member", "present"),
    ]
    result = check_quorum(REDBRIDGE, attendees)
    assert result.quorate
    assert "not-an-agency" not in result.present_agencies


# -- Wolverhampton: the local authority, the ICB, West Midlands Police, Safer Wolverhampton ----
# ToR §4: "representation from the three key statutory Wolverhampton Safeguarding Partnership
# agencies namely Wolverhampton Local Authority, NHS Wolverhampton Clinical Commissioning
# Group, West Midlands Police ... Safer Wolverhampton Partnership must be in attendance".
# ToR §3 lists the council as its members "Children's Social Care" and "Adult's Social Care".


def test_wolverhampton_local_authority_is_met_by_childrens_social_care() -> None:
    """"Wolverhampton Local Authority" attends as Children's Social Care (ToR §3)."""
    result = check_quorum(WOLVERHAMPTON, present("cwc-csc", "bc-icb", "wmp", "swp"))
    assert result.quorate, result.reasons
    assert result.present_organisations == ["cwc", "bc-icb", "wmp", "swp"]


def test_wolverhampton_local_authority_is_met_by_adults_social_care() -> None:
    assert check_quorum(WOLVERHAMPTON, present("cwc-asc", "bc-icb", "wmp", "swp")).quorate


def test_wolverhampton_without_safer_wolverhampton_partnership_is_not_quorate() -> None:
    """"to ensure quoracy Safer Wolverhampton Partnership must be in attendance" (ToR §4)."""
    result = check_quorum(WOLVERHAMPTON, present("cwc-csc", "bc-icb", "wmp", "rwt", "probation"))
    assert not result.quorate
    assert result.reasons == ["No one from Safer Wolverhampton Partnership is present"]
    assert result.missing_agencies == ["swp"]


def test_wolverhampton_without_the_council_names_the_council_not_a_service() -> None:
    result = check_quorum(WOLVERHAMPTON, present("bc-icb", "wmp", "swp", "rwt"))
    assert result.reasons == ["No one from City of Wolverhampton Council is present"]
    assert result.missing_agencies == ["cwc-csc", "cwc-asc", "cwc-education"]


def test_wolverhampton_reasons_name_each_missing_organisation_in_the_order_of_the_rule() -> None:
    result = check_quorum(WOLVERHAMPTON, present("cwc-csc", "bc-icb"))
    assert result.reasons == [
        "No one from West Midlands Police is present",
        "No one from Safer Wolverhampton Partnership is present",
    ]
    assert result.missing_agencies == ["wmp", "swp"]


def test_chair_counts_for_their_agency() -> None:
    attendees = present("bc-icb", "wmp", "swp") + [Attendee("cwc-asc", "Chair", "chair", "present")]
    assert check_quorum(WOLVERHAMPTON, attendees).quorate


def test_one_person_represents_one_organisation_at_a_time() -> None:
    """One person recorded for the ICB and for Safer Wolverhampton counts once."""
    attendees = present("cwc-csc", "wmp") + [
        Attendee("bc-icb", "Dr Shared", "member", "present"),
        Attendee("swp", "Dr Shared", "member", "present"),
    ]
    result = check_quorum(WOLVERHAMPTON, attendees)
    assert not result.quorate
    assert result.reasons == ["No one from Safer Wolverhampton Partnership is present"]
    assert "one person represents one organisation at a time" in result.notes[0]


# -- Telford & Wrekin: each panel, two thirds of member organisations with each statutory partner
# "The meeting will only be quorate if at least two thirds of partners/organisations are
# represented, including one representative from each of the statutory partners" (SAR Panel
# and CSPR Panel). The statutory partners are "The local authority (Children and Adult
# Services), Police and ICS" (Executive). The panels' membership is a local setting: the
# CSPR Panel's is the council, the ICB, the police, SaTH, MPFT and probation (6 organisations).

TELFORD_CSPR = TELFORD.panel("cspr-panel")
TELFORD_SAR = TELFORD.panel("sar-panel")


def test_telford_cspr_panel_with_childrens_services_for_the_council_is_quorate() -> None:
    """The council is a statutory partner through children's services as well as adults'."""
    result = check_quorum(TELFORD, present("twc-csc", "stw-icb", "wmp-mercia", "sath"), TELFORD_CSPR)
    assert result.quorate, result.reasons


def test_telford_two_thirds_counts_organisations_not_council_services() -> None:
    """Three council services and the police are 2 of 6 organisations, not 4."""
    result = check_quorum(
        TELFORD, present("twc-asc", "twc-csc", "twc-education", "wmp-mercia"), TELFORD_CSPR
    )
    assert result.reasons == [
        "2 of 6 member organisations are represented; at least 2/3 (4) are needed",
        "Statutory partner NHS Shropshire, Telford and Wrekin Integrated Care Board is not represented",
    ]
    assert result.missing_agencies == ["stw-icb"]


def test_telford_two_thirds_met_but_a_statutory_partner_missing_is_not_quorate() -> None:
    result = check_quorum(TELFORD, present("twc-csc", "wmp-mercia", "sath", "mpft"), TELFORD_CSPR)
    assert result.reasons == [
        "Statutory partner NHS Shropshire, Telford and Wrekin Integrated Care Board is not represented"
    ]


def test_telford_sar_panel_counts_against_its_own_membership() -> None:
    """The SAR Panel (7 organisations, a local setting) needs 5; the CSPR Panel's 6 need 4."""
    four = present("twc-asc", "stw-icb", "wmp-mercia", "sath")
    assert check_quorum(TELFORD, four, TELFORD_CSPR).quorate
    result = check_quorum(TELFORD, four, TELFORD_SAR)
    assert result.reasons == ["4 of 7 member organisations are represented; at least 2/3 (5) are needed"]


def test_a_deputy_counts_for_their_agency() -> None:
    attendees = present("twc-asc", "wmp-mercia", "sath") + present("stw-icb", role="deputy")
    assert check_quorum(TELFORD, attendees, TELFORD_CSPR).quorate


def test_an_organisation_with_two_attendees_counts_once() -> None:
    attendees = present("twc-asc", "stw-icb", "wmp-mercia") + [
        Attendee("probation", "Officer A", "member", "present"),
        Attendee("probation", "Officer B", "deputy", "present"),
    ]
    result = check_quorum(TELFORD, attendees, TELFORD_SAR)
    assert result.reasons == ["4 of 7 member organisations are represented; at least 2/3 (5) are needed"]
    assert result.present_agencies.count("probation") == 1


def test_an_agency_outside_the_panel_does_not_count() -> None:
    """Wrekin Housing is on the SAR Panel (local setting), not the CSPR Panel."""
    result = check_quorum(TELFORD, present("twc-asc", "stw-icb", "wmp-mercia", "wrekin-housing"), TELFORD_CSPR)
    assert "wrekin-housing" not in result.present_agencies
    assert not result.quorate


def test_the_fraction_is_of_voting_member_organisations_only() -> None:
    rule = TELFORD_CSPR.model_copy(
        update={"quorum": Quorum(requirements=[QuorumRequirement(fraction_of_members="2/3")], source="local")}
    )
    result = check_quorum(TELFORD, present("twc-asc", "stw-icb", "wmp-mercia"), rule)
    assert result.reasons == ["3 of 6 member organisations are represented; at least 2/3 (4) are needed"]


# -- Walsall: each statutory partner (a local setting: its arrangements give no quorum) -------


def test_walsall_without_police_is_not_quorate() -> None:
    result = check_quorum(WALSALL, present("walsall-csc", "bc-icb", "walsall-healthcare"))
    assert result.reasons == ["Statutory partner West Midlands Police is not represented"]
    assert result.missing_agencies == ["wmp"]
    assert check_quorum(WALSALL, present("walsall-asc", "bc-icb", "wmp")).quorate
    assert WALSALL.default_panel.quorum.source == "local"


# -- when the meeting is not quorate ------------------------------------------------------------


def test_wolverhampton_offers_virtual_ratification_when_not_quorate() -> None:
    assert options_when_not_quorate(WOLVERHAMPTON) == [
        ("reschedule", "Reschedule the meeting"),
        ("continue", "Continue as planned"),
        (
            "virtual_ratification",
            "Continue, with key decisions virtually ratified by the missing members",
        ),
    ]


@pytest.mark.parametrize(
    "panel",
    [REDBRIDGE.default_panel, TELFORD.panel("sar-panel"), TELFORD.panel("cspr-panel"), WALSALL.default_panel],
    ids=lambda p: p.id,
)
def test_panels_whose_documents_give_no_option_only_reschedule(panel) -> None:  # type: ignore[no-untyped-def]
    """Only Wolverhampton's terms of reference allow "continue as planned"; the others say
    only that the meeting is not quorate, so rescheduling is a local setting."""
    options = options_when_not_quorate(REDBRIDGE, panel)
    assert [o.id for o in options] == ["reschedule"]
    assert panel.when_not_quorate.source == "local"
