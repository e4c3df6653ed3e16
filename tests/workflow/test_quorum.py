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


def test_wolverhampton_is_quorate_with_the_three_statutory_partners_and_the_csp() -> None:
    assert check_quorum(WOLVERHAMPTON, present("cwc", "bc-icb", "wmp", "swp")).quorate


def test_wolverhampton_without_safer_wolverhampton_partnership_is_not_quorate() -> None:
    result = check_quorum(WOLVERHAMPTON, present("cwc", "bc-icb", "wmp", "rwt", "probation"))
    assert not result.quorate
    assert result.reasons == ["No one from Safer Wolverhampton Partnership is present"]
    assert result.missing_agencies == ["swp"]


def test_wolverhampton_reasons_name_each_missing_agency_in_the_order_of_the_rule() -> None:
    result = check_quorum(WOLVERHAMPTON, present("cwc", "bc-icb"))
    assert result.reasons == [
        "No one from West Midlands Police is present",
        "No one from Safer Wolverhampton Partnership is present",
    ]
    assert result.missing_agencies == ["wmp", "swp"]


def test_chair_counts_for_their_agency() -> None:
    attendees = present("bc-icb", "wmp", "swp") + [Attendee("cwc", "Chair", "chair", "present")]
    assert check_quorum(WOLVERHAMPTON, attendees).quorate


# -- Telford & Wrekin: two thirds of member organisations, including each statutory partner ---

TELFORD_STATUTORY = ("twc-asc", "stw-icb", "wmp-mercia")


def test_telford_is_quorate_with_two_thirds_including_each_statutory_partner() -> None:
    # 10 voting member agencies: two thirds, rounded up, is 7.
    result = check_quorum(
        TELFORD, present(*TELFORD_STATUTORY, "sath", "mpft", "probation", "twc-csc")
    )
    assert result.quorate
    assert result.reasons == []


def test_telford_below_two_thirds_and_without_a_statutory_partner_is_not_quorate() -> None:
    result = check_quorum(
        TELFORD, present("twc-asc", "wmp-mercia", "sath", "mpft", "probation", "twc-education")
    )
    assert not result.quorate
    assert result.reasons == [
        "6 of 10 voting member agencies are present; at least 2/3 (7) are needed",
        "Statutory partner NHS Shropshire, Telford and Wrekin Integrated Care Board is not present",
    ]
    assert result.missing_agencies == ["stw-icb"]


def test_telford_two_thirds_met_but_a_statutory_partner_missing_is_not_quorate() -> None:
    result = check_quorum(
        TELFORD,
        present("twc-asc", "wmp-mercia", "sath", "mpft", "probation", "twc-education", "twc-csc"),
    )
    assert result.reasons == [
        "Statutory partner NHS Shropshire, Telford and Wrekin Integrated Care Board is not present"
    ]


def test_a_deputy_counts_for_their_agency() -> None:
    attendees = present("twc-asc", "wmp-mercia", "sath", "mpft", "probation", "twc-csc") + present(
        "stw-icb", role="deputy"
    )
    assert check_quorum(TELFORD, attendees).quorate


def test_an_agency_with_two_attendees_counts_once() -> None:
    attendees = present("twc-asc", "stw-icb", "wmp-mercia", "sath", "mpft") + [
        Attendee("probation", "Officer A", "member", "present"),
        Attendee("probation", "Officer B", "deputy", "present"),
    ]
    result = check_quorum(TELFORD, attendees)
    assert result.reasons == [
        "6 of 10 voting member agencies are present; at least 2/3 (7) are needed"
    ]
    assert result.present_agencies.count("probation") == 1


def test_the_fraction_is_of_voting_member_agencies_only() -> None:
    # Redbridge has 13 agencies, one (legal services) not voting: 2/3 of 12 is 8.
    rule = REDBRIDGE.model_copy(
        update={"quorum": Quorum(requirements=[QuorumRequirement(fraction_of_members="2/3")])}
    )
    seven_voting = ("lbr-asc", "lbr-csc", "nel-ics", "mps-ea", "nelft", "bhrut", "barts")
    result = check_quorum(rule, present(*seven_voting, "lbr-legal"))
    assert result.reasons == [
        "7 of 12 voting member agencies are present; at least 2/3 (8) are needed"
    ]
    assert check_quorum(rule, present(*seven_voting, "probation")).quorate


# -- Walsall: each statutory partner ----------------------------------------------------------


def test_walsall_without_police_is_not_quorate() -> None:
    result = check_quorum(WALSALL, present("walsall-council", "bc-icb", "safer-walsall"))
    assert result.reasons == ["Statutory partner West Midlands Police is not present"]
    assert result.missing_agencies == ["wmp"]
    assert check_quorum(WALSALL, present("walsall-council", "bc-icb", "wmp")).quorate


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


@pytest.mark.parametrize("partnership", [REDBRIDGE, TELFORD, WALSALL], ids=lambda p: p.slug)
def test_other_partnerships_offer_only_the_configured_choices(partnership) -> None:  # type: ignore[no-untyped-def]
    options = options_when_not_quorate(partnership)
    assert [o.id for o in options] == ["reschedule", "continue"]
    assert [o.label for o in options] == ["Reschedule the meeting", "Continue as planned"]
