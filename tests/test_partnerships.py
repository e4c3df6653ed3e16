"""Partnership files: the four shipped ones load and say what their published documents say,
each rule with its source or marked local; broken ones name file, key and problem; and
``flask check-config`` lists every rule with its source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

import partnerships
from partnerships import PartnershipConfigError, available_partnerships, load_partnership
from partnerships.model import LOCAL, PARTNERSHIPS_DIR, Source, is_local, load_partnership_file
from partnerships.rules import rule_lines

SLUGS = ["redbridge", "telford-wrekin", "walsall", "wolverhampton"]


def _words(source: object) -> str:
    assert isinstance(source, Source), f"expected a document source, got {source!r}"
    return source.words


def test_all_four_seed_partnerships_ship_and_load() -> None:
    assert available_partnerships() == SLUGS
    for slug in SLUGS:
        p = load_partnership(slug)
        assert p.slug == slug
        assert p.statutory_partners, slug


@pytest.mark.parametrize("slug", SLUGS)
def test_every_rule_has_a_known_document_source_or_is_local(slug: str) -> None:
    p = load_partnership(slug)
    lines = rule_lines(p)
    assert lines
    for line in lines:
        if line.local:
            assert line.source == LOCAL, line
        else:
            assert isinstance(line.source, Source), line
            assert line.source.document in p.all_documents, line
    # Each panel has its own section of rules, under its name.
    assert {line.topic for line in lines} >= {panel.name for panel in p.panels}


# -- Redbridge: One Panel guidance ----------------------------------------------------------


def test_redbridge_quorum_is_the_five_sectors_of_its_guidance() -> None:
    """Panel Meetings: "The Panel will not be considered quorate without representatives from
    the following agencies: health, children's social care, adults social care, community
    safety and the police." """
    p = load_partnership("redbridge")
    panel = p.panel_for("sar")
    assert panel is p.panel_for("cspr") is p.panel_for("dhr")
    assert [r.sector.value for r in panel.quorum.requirements] == [
        "health",
        "childrens_social_care",
        "adult_social_care",
        "community_safety",
        "police",
    ]
    assert "quorate without representatives" in _words(panel.quorum.source)
    # The guidance does not say what happens then: a local setting.
    assert panel.when_not_quorate.options == ["reschedule"]
    assert is_local(panel.when_not_quorate.source)


def test_redbridge_one_vote_per_organisation() -> None:
    """6. Process: "Each partner agency attending the Panel will have one vote, regardless of
    the number of individual representatives from the agency present." """
    panel = load_partnership("redbridge").panels[0]
    assert panel.decisions.votes_per == "organisation"
    assert "will have one vote" in _words(panel.decisions.source_of("votes_per"))
    assert not panel.decisions.chair_casting_vote
    assert is_local(panel.decisions.source_of("chair_casting_vote"))


def test_redbridge_escalates_every_disagreement_to_the_statutory_partners() -> None:
    """6. Process: "Where there are disagreements at the Panel regarding the most appropriate
    action in relation to a case, the Chair will escalate this to the statutory safeguarding
    partners for their final decision" """
    decisions = load_partnership("redbridge").panels[0].decisions
    assert decisions.escalate == "disagreement"
    assert "statutory safeguarding partners" in decisions.escalate_to
    assert "the Chair will escalate this" in _words(decisions.source_of("escalate"))


def test_redbridge_rapid_review_is_run_by_the_children_partnership() -> None:
    """Appendix A, Pathways ... - Children: "from referral to submission the Rapid Review to
    the National Panel need to be concluded in 15 working days an occurs outside of the One
    Panel" """
    p = load_partnership("redbridge")
    step = p.rapid_review_by()
    assert step is not None and step.step == "rapid_review"
    assert step.run_by == "Redbridge Safeguarding Children Partnership (RSCP)"
    assert step.panel_records_outcome
    assert "occurs outside of the One Panel" in _words(step.source)
    assert p.time_limits.national_panel_notification == 15
    assert p.time_limits.rapid_review_return == 5
    assert p.time_limits.screening_return_adult == 10


def test_redbridge_referrals_go_to_its_one_panel_address() -> None:
    """Appendix E, referral form: "Please complete the form below and send to: …
    RedbridgeOnePanel@redbridge.gov.uk" """
    p = load_partnership("redbridge")
    assert p.secretariat_email == "RedbridgeOnePanel@redbridge.gov.uk"
    assert p.contact.source.section.startswith("Appendix E")
    assert "RedbridgeOnePanel@redbridge.gov.uk" in _words(p.contact.source)


# -- Wolverhampton: One Panel terms of reference ------------------------------------------


def test_wolverhampton_quorum_is_the_statutory_partners_and_safer_wolverhampton() -> None:
    """4. Quoracy: "To be quorate there must be representation from the three key statutory
    Wolverhampton Safeguarding Partnership agencies namely Wolverhampton Local Authority, NHS
    Wolverhampton Clinical Commissioning Group, West Midlands Police. In addition ... to
    ensure quoracy Safer Wolverhampton Partnership must be in attendance." """
    p = load_partnership("wolverhampton")
    panel = p.panels[0]
    assert [r.organisation for r in panel.quorum.requirements] == ["cwc", "bc-icb", "wmp", "swp"]
    assert p.organisation("cwc").name == "City of Wolverhampton Council"
    council = {a.id for a in p.agencies_of("cwc")}
    assert {"cwc-csc", "cwc-asc"} <= council
    assert all(p.organisation_of(a) == "cwc" for a in council)
    assert p.organisation("swp").name == "Safer Wolverhampton Partnership"
    assert panel.quorum.source.section == "4. Quoracy"


def test_wolverhampton_chair_may_continue_with_virtual_ratification() -> None:
    """4. Quoracy: "the chair will need to make a decision based upon the meeting's agenda as to
    whether the meeting will need to be rescheduled, continue as planned and/or any key
    decisions will need to be virtually ratified by any missing quorate members" """
    panel = load_partnership("wolverhampton").panels[0]
    assert panel.when_not_quorate.options == ["reschedule", "continue", "virtual_ratification"]
    assert "virtually ratified" in _words(panel.when_not_quorate.source)


def test_wolverhampton_meetings_agenda_and_papers() -> None:
    """5. Frequency of Meetings: "Meetings will be bi-monthly"; 9. Agenda Items: "Agenda items
    should be submitted 10 days in advance of the meeting ... The papers for the meeting will
    be circulated to members five working days before the meeting. Meetings are to be 2.5
    hours in length (where possible)."; Standing Agenda items: "the agenda should include the
    following statement and be read out by the Chair as a reminder about our commitment to a
    Think Family approach" """
    meetings = load_partnership("wolverhampton").panels[0].meetings
    assert meetings.frequency == "bi-monthly"
    assert meetings.agenda_item_deadline_days == 10
    assert meetings.papers_deadline_working_days == 5
    assert meetings.duration_minutes == 150
    assert meetings.think_family_statement and meetings.standing_agenda
    for name in (
        "frequency",
        "agenda_item_deadline_days",
        "papers_deadline_working_days",
        "duration_minutes",
        "think_family_statement",
    ):
        assert not is_local(meetings.source_of(name)), name
    assert "Think Family" in _words(meetings.source_of("think_family_statement"))


def test_wolverhampton_disagreements_go_to_the_executive_group() -> None:
    """7. Disagreements: "Where members of the partnership find themselves to be in
    disagreement these are to be escalated to the Executive Group." 11. Conflicts of Interest:
    "the Chair will determine whether the member concerned should withdraw from the meeting" """
    panel = load_partnership("wolverhampton").panels[0]
    assert panel.decisions.escalate == "disagreement"
    assert panel.decisions.escalate_to == "the WST Executive Group"
    assert not panel.conflicts.disqualifies_from_decision
    assert "Chair will determine" in _words(panel.conflicts.source_of("disqualifies_from_decision"))


# -- Telford & Wrekin: two panels, each with its own terms of reference -------------------


def test_telford_has_a_sar_panel_and_a_cspr_panel() -> None:
    """SAR Panel: "Consider any cases which may indicate the necessity for undertaking a
    Safeguarding Adult Review and to make recommendations to the TWSP Chair about how to
    proceed"; CSPR Panel: "The CSPR Panel will oversee the process and arrangements for
    identifying, commissioning and reviewing child safeguarding practice reviews" """
    p = load_partnership("telford-wrekin")
    assert [(panel.id, panel.name, panel.review_types) for panel in p.panels] == [
        ("sar-panel", "SAR Panel", ["sar"]),
        ("cspr-panel", "CSPR Panel", ["cspr"]),
    ]
    assert p.panel_for("sar").id == "sar-panel"
    assert p.panel_for("cspr").id == "cspr-panel"
    for panel in p.panels:
        assert [r.fraction_of_members for r in panel.quorum.requirements][0] == "2/3"
        assert panel.quorum.requirements[1].each_statutory_partner is True
        assert "at least two thirds of partners/organisations" in _words(panel.quorum.source)
        # The arrangements list no panel membership.
        assert is_local(panel.membership.source)


def test_telford_domestic_homicides_go_to_the_community_safety_partnership() -> None:
    """Domestic Abuse Local Partnership Board: "whilst recognising that the CSP has the
    statutory responsibility to commission them" """
    p = load_partnership("telford-wrekin")
    assert p.panel_for("dhr") is None
    assert "dhr" not in p.boards
    forwarded = p.forwarded["dhr"]
    assert forwarded.to == "Telford & Wrekin Community Safety Partnership"
    assert "the CSP has the statutory responsibility" in _words(forwarded.source)


def test_telford_cspr_panel_casting_vote_or_the_partnership_manager() -> None:
    """Decisions and Disputes: "Decisions will normally be reached by consensus. In the event
    of a disagreement a vote will be taken of members. In the event of a split the Chair will
    have the casting vote or discuss with the Partnership Manager for resolution of
    outstanding issues." """
    decisions = load_partnership("telford-wrekin").panel("cspr-panel").decisions
    assert decisions.vote_when_no_consensus
    assert decisions.chair_casting_vote
    assert decisions.chair_may_refer_split_to == "the Partnership Manager"
    assert _words(decisions.source_of("chair_casting_vote")) == (
        "In the event of a split the Chair will have the casting vote"
    )
    assert "Partnership Manager" in _words(decisions.source_of("chair_may_refer_split_to"))


def test_telford_cspr_panel_conflict_disqualifies_from_the_decision() -> None:
    """Conflict of Interest: "This will disqualify the member from participation in making the
    relevant decision on the issue but may not disqualify them from involvement in the
    discussion on the issue by agreement from other members of the group" """
    conflicts = load_partnership("telford-wrekin").panel("cspr-panel").conflicts
    assert conflicts.disqualifies_from_decision
    assert "disqualify the member" in _words(conflicts.source_of("disqualifies_from_decision"))


def test_telford_sar_panel_decision_rules_are_local_settings() -> None:
    """The SAR Panel's terms of reference state only its purpose, chair and quorum; no
    decision, casting-vote or conflict rule ("Quorum: The meeting will only be quorate if at
    least two thirds of partners/organisations are represented, including one representative
    from each of the statutory partners.")."""
    panel = load_partnership("telford-wrekin").panel("sar-panel")
    assert not panel.decisions.chair_casting_vote
    for name in ("votes_per", "chair_casting_vote", "escalate", "vote_when_no_consensus"):
        assert is_local(panel.decisions.source_of(name)), name
    assert not panel.conflicts.disqualifies_from_decision
    assert is_local(panel.conflicts.source_of("disqualifies_from_decision"))
    assert is_local(panel.when_not_quorate.source)


def test_telford_rapid_review_in_13_and_the_national_panel_in_15_working_days() -> None:
    """Local CSPR Process: "a rapid review meeting which will be held within 13 working days and
    the National Panel will be notified within 15 working days of the outcome of the Rapid
    Review." """
    limits = load_partnership("telford-wrekin").time_limits
    assert limits.rapid_review_meeting == 13
    assert limits.national_panel_notification == 15
    assert "within 13 working days" in _words(limits.source_of("rapid_review_meeting"))
    assert "within 15 working days" in _words(limits.source_of("national_panel_notification"))


# -- Walsall: Safeguarding Partnership arrangements ---------------------------------------


def test_walsall_practice_review_group_screens_and_the_executive_group_decides() -> None:
    """6.3: "The responsibility for considering cases for Child Safeguarding Practice Reviews or
    SAR's lies with the Practice Review Group. The final decision on whether to undertake a
    review will be made by the Executive Group." """
    p = load_partnership("walsall")
    assert [(panel.name, panel.review_types) for panel in p.panels] == [
        ("Practice Review Group", ["sar", "cspr"])
    ]
    assert p.screening_body == "Practice Review Group"
    assert "lies with the Practice Review Group" in _words(p.panels[0].review_types_source)
    for rt in ("sar", "cspr"):
        assert p.boards[rt].name == "Walsall Safeguarding Executive Group"
    assert "made by the Executive Group" in _words(p.boards["sar"].source)
    assert "Executive Group" in p.panels[0].decisions.escalate_to


def test_walsall_quorum_and_voting_are_local_settings() -> None:
    """The arrangements give the Practice Review Group no quorum, voting rule or membership;
    what the file sets for them is the partnership's own setting."""
    panel = load_partnership("walsall").panels[0]
    assert is_local(panel.quorum.source)
    assert is_local(panel.membership.source)
    assert is_local(panel.chair.source)
    for name in ("votes_per", "chair_casting_vote", "escalate", "vote_when_no_consensus"):
        assert is_local(panel.decisions.source_of(name)), name


# -- broken files -------------------------------------------------------------------------


def _broken(tmp_path: Path, mutate, slug: str = "redbridge") -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / slug
    shutil.copytree(PARTNERSHIPS_DIR / slug, folder)
    path = folder / "partnership.yaml"
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data))
    return path


def _refused(path: Path) -> str:
    with pytest.raises(PartnershipConfigError) as exc:
        load_partnership_file(path)
    return str(exc.value)


def test_missing_key_names_file_and_key(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d.pop("contact"))
    assert _refused(path) == f"{path}: contact: missing (this key is required)"


def test_missing_source_names_the_key(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        del d["organisations"][2]["source"]
        del d["panels"][0]["quorum"]["source"]

    path = _broken(tmp_path, mutate)
    message = _refused(path)
    assert f"{path}: organisations[2].source: missing (this key is required)" in message
    assert f"{path}: panels[0].quorum.source: missing (this key is required)" in message


def test_a_setting_without_its_source_names_the_setting(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["panels"][0]["decisions"]["sources"].pop("votes_per"))
    message = _refused(path)
    assert message.startswith(f"{path}: panels[0].decisions: sources: give the source of votes_per")


def test_a_source_naming_an_unknown_document_is_refused(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["panels"][0]["quorum"]["source"]["document"] = "guidence"

    path = _broken(tmp_path, mutate)
    message = _refused(path)
    assert message.startswith(
        f"{path}: panels[0].quorum.source.document: unknown document 'guidence'"
    )
    assert "guidance" in message


def test_a_quorum_naming_an_unknown_organisation_is_refused(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["panels"][0]["quorum"]["requirements"][2] = {"organisation": "cwv"}

    path = _broken(tmp_path, mutate, slug="wolverhampton")
    message = _refused(path)
    assert message.startswith(
        f"{path}: panels[0].quorum.requirements[2].organisation: unknown organisation 'cwv'"
    )
    assert "cwc" in message


def test_bad_type_names_the_nested_key(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["time_limits"]["screening_return_adult"] = "ten"

    path = _broken(tmp_path, mutate)
    message = _refused(path)
    assert f"{path}: time_limits.screening_return_adult: " in message
    assert "integer" in message


def test_unknown_sector_and_misspelt_key_are_named(tmp_path: Path) -> None:
    def mutate(d):  # type: ignore[no-untyped-def]
        d["organisations"][0]["sectors"] = ["social_work"]
        d["panels"][0]["meetings"]["frequncy"] = "monthly"

    path = _broken(tmp_path, mutate)
    message = _refused(path)
    assert f"{path}: organisations[0].sectors[0]: " in message
    assert f"{path}: panels[0].meetings.frequncy: unknown key (check the spelling)" in message


def test_app_does_not_start_with_a_wrong_partnership_name(app_factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PartnershipConfigError) as exc:
        app_factory(PARTNERSHIP="nowhere")
    assert "ONEPANEL_PARTNERSHIP: no partnership 'nowhere'" in str(exc.value)


# -- flask check-config -------------------------------------------------------------------


def _block(output: str, slug: str) -> list[str]:
    """The lines check-config prints for one partnership (its "ok" line and what follows)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{slug}: ok ("))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines)
    )
    return lines[start:end]


def test_check_config_lists_every_rule_with_its_source(app) -> None:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 0, result.output
    wolves = _block(result.output, "wolverhampton")
    quorum = [line for line in wolves if line.startswith("  [One Panel] Quorate when ")]
    assert len(quorum) == 1
    assert "City of Wolverhampton Council is represented" in quorum[0]
    assert (
        " — Wolverhampton Safeguarding Together One Panel Terms of Reference, 4. Quoracy: "
        '"To be quorate there must be representation' in quorum[0]
    )
    p = load_partnership("wolverhampton")
    lines = rule_lines(p)
    local = sum(1 for line in lines if line.local)
    assert wolves[-1] == (
        f"  {len(lines)} rules: {len(lines) - local} from its documents, {local} local settings"
    )
    assert len(wolves) == len(lines) + 2

    telford = _block(result.output, "telford-wrekin")
    assert (
        "  [SAR Panel] The chair has no casting vote — LOCAL SETTING: set by the partnership, "
        "not in its published arrangements"
    ) in telford
    for slug in SLUGS:
        assert _block(result.output, slug)[-1].endswith(" local settings")


def test_check_config_exits_1_on_an_invalid_file(app, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    broken = _broken(tmp_path, lambda d: d.pop("contact"))
    shutil.copytree(PARTNERSHIPS_DIR / "walsall", tmp_path / "walsall")
    monkeypatch.setattr(
        partnerships, "available_partnerships", lambda: available_partnerships(tmp_path)
    )
    monkeypatch.setattr(
        partnerships, "load_partnership", lambda slug: load_partnership(slug, tmp_path)
    )
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1
    assert f"{broken}: contact: missing (this key is required)" in result.stderr
    assert "walsall: ok (" in result.stdout
    assert "redbridge: ok" not in result.stdout


# -- who may refer -------------------------------------------------------------------------


def test_redbridge_accepts_referrals_from_volunteers() -> None:
    """Appendix A, adults' pathway: "Case for learning identified by an individual
    professional/practitioner/volunteer and referred to RSAB"."""
    p = load_partnership("redbridge")
    assert p.referrers.accepted == ["partner", "volunteer"]
    words = (
        "Case for learning identified by an individual professional/practitioner/volunteer "
        "and referred to RSAB"
    )
    assert _words(p.referrers.source_of("volunteer")) == words
    assert _words(p.referrers.source_of("partner")) == words
    rules = [line for line in rule_lines(p) if line.topic == "Referrers"]
    assert [line.rule for line in rules] == [
        "Professionals and practitioners at partner agencies may refer",
        "A referral by a volunteer is accepted: the referrer confirms an e-mail address with "
        "a code and the business unit confirms the referral",
        "An e-mail address at redbridge.gov.uk, nhs.net, nelft.nhs.uk, met.police.uk, "
        "justice.gov.uk, refuge.org.uk (or a sub-domain) is a partner agency's: its referral "
        "needs no confirmation",
    ]
    assert [line.local for line in rules] == [False, False, True]


def test_wolverhampton_accepts_a_family_making_a_sar_referral() -> None:
    """Terms of reference, 6: members "Agree any required multi-agency response to a
    family making a SAR referral where they do not meet the criteria for a full review"."""
    p = load_partnership("wolverhampton")
    assert p.referrers.accepted == ["partner", "family"]
    assert _words(p.referrers.source_of("family")) == (
        "Agree any required multi-agency response to a family making a SAR referral where "
        "they do not meet the criteria for a full review."
    )
    assert "Be conduits for referrals" in _words(p.referrers.source_of("partner"))
    assert not p.referrers.accepts("volunteer")


@pytest.mark.parametrize("slug", ["telford-wrekin", "walsall"])
def test_telford_and_walsall_take_referrals_from_partner_agencies_only(slug: str) -> None:
    """Neither's arrangements say who refers a case for a review (Telford's "member of the
    public" is about concerns raised with Family Connect, its MASH): a local setting."""
    p = load_partnership(slug)
    assert p.referrers.accepted == ["partner"]
    assert is_local(p.referrers.source_of("partner"))
    [first, domains] = [line for line in rule_lines(p) if line.topic == "Referrers"]
    assert first.rule.endswith("nobody else may refer through the form (they contact the business unit)")
    assert first.local and domains.local


def test_an_accepted_referrer_kind_needs_its_source(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d["referrers"]["sources"].pop("volunteer"))
    assert _refused(path).startswith(
        f"{path}: referrers: sources: give the source of volunteer"
    )


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda d: d["referrers"].update(accepted=["volunteer"]), "referrers: accepted: must include 'partner'"),
        (lambda d: d["referrers"].update(accepted=["partner", "cousin"]), "referrers.accepted[1]: Input should be"),
        (lambda d: d["referrers"]["sources"].update(family="local"), "referrers: sources: family is not in accepted"),
        (
            lambda d: d["referrers"]["sources"]["volunteer"].update(document="guidence"),
            "referrers.sources.volunteer.source.document: unknown document 'guidence'",
        ),
    ],
)
def test_wrong_referrers_are_refused(tmp_path: Path, mutate, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = _broken(tmp_path, mutate)
    assert f"{path}: {expected}" in _refused(path)


# -- branding and e-mail domains ----------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
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
