"""Partnership files: the four shipped ones load; broken ones name file, key and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from partnerships import PartnershipConfigError, available_partnerships, load_partnership
from partnerships.model import PARTNERSHIPS_DIR, load_partnership_file


def test_all_four_seed_partnerships_ship_and_load() -> None:
    assert available_partnerships() == ["redbridge", "telford-wrekin", "walsall", "wolverhampton"]
    for slug in available_partnerships():
        p = load_partnership(slug)
        assert p.slug == slug
        assert p.statutory_partners, slug


def test_redbridge_quorum_names_the_five_sectors_of_its_guidance() -> None:
    p = load_partnership("redbridge")
    assert [r.sector.value for r in p.quorum.requirements] == [
        "health",
        "childrens_social_care",
        "adult_social_care",
        "community_safety",
        "police",
    ]
    assert p.time_limits.screening_return_adult == 10
    assert p.meetings.frequency == "monthly" and p.meetings.may_cancel_when_nothing_new


def test_wolverhampton_quorum_is_the_statutory_partners_and_safer_wolverhampton() -> None:
    p = load_partnership("wolverhampton")
    names = [p.agency(r.agency).name for r in p.quorum.requirements]
    assert names == [
        "City of Wolverhampton Council",
        "NHS Black Country Integrated Care Board (formerly Wolverhampton CCG)",
        "West Midlands Police",
        "Safer Wolverhampton Partnership",
    ]
    assert "virtual_ratification" in p.quorum.when_not_quorate
    assert p.meetings.frequency == "bi-monthly"


def test_telford_two_thirds_with_each_statutory_partner_and_casting_vote() -> None:
    p = load_partnership("telford-wrekin")
    assert p.quorum.requirements[0].fraction_of_members == "2/3"
    assert p.quorum.requirements[1].each_statutory_partner is True
    assert p.voting.chair_casting_vote is True
    assert p.time_limits.rapid_review_meeting == 13
    assert p.time_limits.national_panel_notification == 15


def test_walsall_practice_review_group_escalates_to_executive() -> None:
    p = load_partnership("walsall")
    assert p.screening_body == "Practice Review Group"
    assert "Executive" in p.voting.escalate_disagreement_to


def _broken(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "redbridge"
    shutil.copytree(PARTNERSHIPS_DIR / "redbridge", folder)
    path = folder / "partnership.yaml"
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data))
    return path


def test_missing_key_names_file_and_key(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d.pop("secretariat_email"))
    with pytest.raises(PartnershipConfigError) as exc:
        load_partnership_file(path)
    assert str(exc.value) == f"{path}: secretariat_email: missing (this key is required)"


def test_unknown_agency_in_quorum_rule_names_the_key_and_the_agency(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["quorum"]["requirements"][2] = {"agency": "polce"}

    path = _broken(tmp_path, mutate)
    with pytest.raises(PartnershipConfigError) as exc:
        load_partnership_file(path)
    message = str(exc.value)
    assert message.startswith(f"{path}: quorum.requirements[2].agency: unknown agency 'polce'")
    assert "mps-ea" in message


def test_bad_type_names_the_nested_key(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["time_limits"]["screening_return_adult"] = "ten"

    path = _broken(tmp_path, mutate)
    with pytest.raises(PartnershipConfigError) as exc:
        load_partnership_file(path)
    assert f"{path}: time_limits.screening_return_adult: " in str(exc.value)
    assert "integer" in str(exc.value)


def test_unknown_sector_and_misspelt_key_are_named(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["agencies"][0]["sectors"] = ["social_work"]
        d["meetings"]["frequncy"] = "monthly"

    path = _broken(tmp_path, mutate)
    with pytest.raises(PartnershipConfigError) as exc:
        load_partnership_file(path)
    message = str(exc.value)
    assert f"{path}: agencies[0].sectors[0]: " in message
    assert f"{path}: meetings.frequncy: unknown key (check the spelling)" in message


def test_app_does_not_start_with_a_wrong_partnership_name(app_factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PartnershipConfigError) as exc:
        app_factory(PARTNERSHIP="nowhere")
    assert "ONEPANEL_PARTNERSHIP: no partnership 'nowhere'" in str(exc.value)


@pytest.mark.parametrize("slug", ["redbridge", "telford-wrekin", "walsall", "wolverhampton"])
def test_header_colour_gives_white_text_enough_contrast(slug: str) -> None:
    # WCAG 2.2 SC 1.4.3: 4.5:1 for normal text.
    colour = load_partnership(slug).branding.colour

    def lum(hex_colour: str) -> float:
        chans = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    ratio = (1.05) / (lum(colour) + 0.05)
    assert ratio >= 4.5, (slug, colour, ratio)


def test_email_domain_allowed_includes_subdomains_only() -> None:
    p = load_partnership("redbridge")
    assert p.email_domain_allowed("a.worker@redbridge.gov.uk")
    assert p.email_domain_allowed("a.worker@schools.redbridge.gov.uk")
    assert not p.email_domain_allowed("a.worker@notredbridge.gov.uk")
    assert not p.email_domain_allowed("a.worker@gmail.com")
