"""The decision tools: SAR (Care Act 2014 s44), DHR (DVCVA 2004 s9), CSPR (Working Together)."""

from __future__ import annotations

import itertools

import pytest

from partnerships import load_partnership
from workflow.decision_tools import (
    ANSWERS,
    RECOMMENDATIONS,
    TOOLS,
    dhr_death,
    evaluate,
    lead_process,
    recommendation_options,
    suggest_lead,
    visible_questions,
)

REDBRIDGE = load_partnership("redbridge")

SAR_BASE = {"care_and_support_needs": "yes", "concern_agencies_worked_together": "yes"}


def ids(tool_id: str, answers: dict[str, str]) -> list[str]:
    return [q.id for q in visible_questions(tool_id, answers)]


# -- SAR ------------------------------------------------------------------------------------


def test_sar_adult_who_died_of_suspected_neglect_is_a_statutory_review_under_s44_2() -> None:
    result = evaluate(
        "sar",
        {**SAR_BASE, "died": "yes", "abuse_or_neglect_known_or_suspected_cause_of_death": "yes"},
    )
    assert result.outcome == "statutory_sar"
    assert result.label == "Statutory Safeguarding Adults Review"
    assert result.subsection == "s44(2)"
    assert result.legal_basis == "Care Act 2014 s44(2)"
    assert result.recommendation == "statutory_sar"
    assert result.missing == [] and result.needed == []
    assert result.reasons == [
        "The adult has needs for care and support (whether or not the local authority was meeting them).",
        "There is reasonable cause for concern about how the Safeguarding Adults Board, its members or "
        "others worked together to safeguard the adult.",
        "The adult died and abuse or neglect is known or suspected to have caused the death "
        "(Care Act 2014 s44(2)).",
        "The Safeguarding Adults Board must arrange a review (Care Act 2014 s44(1)).",
    ]


def test_sar_living_adult_with_serious_abuse_is_a_statutory_review_under_s44_3() -> None:
    result = evaluate("sar", {**SAR_BASE, "died": "no", "alive_serious_abuse_or_neglect": "yes"})
    assert result.outcome == "statutory_sar"
    assert result.subsection == "s44(3)"
    assert (
        "The adult is alive and is known or suspected to have experienced serious abuse or neglect "
        "(Care Act 2014 s44(3))." in result.reasons
    )


def test_sar_discretionary_review_when_statutory_criteria_fail_but_there_is_learning() -> None:
    answers = {
        **SAR_BASE,
        "concern_agencies_worked_together": "no",
        "died": "yes",
        "abuse_or_neglect_known_or_suspected_cause_of_death": "yes",
        "complex_or_criminal_or_public_interest": "no",
        "sufficient_valuable_learning": "yes",
        "good_practice_to_improve_partnership": "no",
    }
    result = evaluate("sar", answers)
    assert result.outcome == "discretionary_sar"
    assert result.label == "Discretionary (non-statutory) Safeguarding Adults Review"
    assert result.subsection == "s44(4)"
    assert result.recommendation == "discretionary_sar"
    assert result.reasons == [
        "The statutory criteria (Care Act 2014 s44(1)-(3)) are not met.",
        "There is no reasonable cause for concern about how agencies worked together to safeguard the adult.",
        "There is potential to identify sufficient valuable learning from the case.",
        "The Safeguarding Adults Board may arrange a review of any other case of an adult with needs for "
        "care and support (Care Act 2014 s44(4)); agree a methodology (Appendix D).",
    ]


def test_sar_no_review_when_no_ground_applies_and_an_internal_review_may_be_indicated() -> None:
    answers = {
        **SAR_BASE,
        "died": "no",
        "alive_serious_abuse_or_neglect": "no",
        "complex_or_criminal_or_public_interest": "no",
        "sufficient_valuable_learning": "no",
        "good_practice_to_improve_partnership": "no",
    }
    result = evaluate("sar", answers)
    assert result.outcome == "no_sar"
    assert result.label == "No Safeguarding Adults Review"
    assert result.recommendation is None
    assert result.reasons == [
        "The statutory criteria (Care Act 2014 s44(1)-(3)) are not met.",
        "The adult is alive and is not known or suspected to have experienced serious abuse or neglect.",
        "None of the grounds for a discretionary review applies.",
        "An internal review may be indicated (Appendix C).",
    ]


def test_sar_does_not_apply_without_needs_for_care_and_support_whatever_else_is_answered() -> None:
    result = evaluate("sar", {"care_and_support_needs": "no"})
    assert result.outcome == "no_sar"
    assert result.missing == []
    assert result.reasons[0].startswith("The adult does not have needs for care and support")


def test_sar_unknown_statutory_criterion_needs_more_information() -> None:
    result = evaluate(
        "sar",
        {
            **SAR_BASE,
            "died": "yes",
            "abuse_or_neglect_known_or_suspected_cause_of_death": "unknown",
        },
    )
    assert result.outcome == "more_information_needed"
    assert result.label == "More information is needed"
    assert result.needed == ["abuse_or_neglect_known_or_suspected_cause_of_death"]
    assert result.missing == []
    assert result.reasons == [
        "Whether the statutory criteria (Care Act 2014 s44) are met cannot be decided yet.",
        "Not yet known: Is abuse or neglect known or suspected to have caused the death?",
    ]


def test_sar_unanswered_questions_are_missing() -> None:
    result = evaluate("sar", {})
    assert result.outcome == "more_information_needed"
    assert result.missing == ["care_and_support_needs", "concern_agencies_worked_together", "died"]


def test_sar_cause_of_death_is_asked_only_if_the_adult_died() -> None:
    assert "abuse_or_neglect_known_or_suspected_cause_of_death" not in ids("sar", SAR_BASE)
    assert "abuse_or_neglect_known_or_suspected_cause_of_death" in ids(
        "sar", {**SAR_BASE, "died": "yes"}
    )
    assert "alive_serious_abuse_or_neglect" not in ids("sar", {**SAR_BASE, "died": "yes"})
    assert "alive_serious_abuse_or_neglect" in ids("sar", {**SAR_BASE, "died": "no"})


def test_sar_discretionary_questions_are_asked_only_when_the_statutory_criteria_are_not_met() -> (
    None
):
    met = {**SAR_BASE, "died": "no", "alive_serious_abuse_or_neglect": "yes"}
    assert "sufficient_valuable_learning" not in ids("sar", met)
    assert "sufficient_valuable_learning" in ids(
        "sar", {**met, "alive_serious_abuse_or_neglect": "no"}
    )


def test_an_answer_to_a_hidden_question_is_ignored() -> None:
    answers = {
        **SAR_BASE,
        "died": "no",
        "abuse_or_neglect_known_or_suspected_cause_of_death": "yes",
    }
    result = evaluate("sar", answers)
    assert result.outcome == "more_information_needed"
    assert result.missing == ["alive_serious_abuse_or_neglect"]


# -- DHR ------------------------------------------------------------------------------------


def test_dhr_death_of_a_15_year_old_is_not_a_dhr() -> None:
    result = evaluate(
        "dhr",
        {"aged_16_or_over": "no", "death_from_violence_abuse_or_neglect": "yes", "relative": "yes"},
    )
    assert result.outcome == "no_dhr"
    # The default label: the Victims and Prisoners Act 2024 s19 renamed DHRs.
    assert result.label == "No Domestic Abuse Related Death Review (formerly DHR)"
    assert result.reasons[0] == (
        "The person who died was under 16: a Domestic Abuse Related Death Review (formerly DHR) "
        "is for the death of a person aged 16 "
        "or over (Domestic Violence, Crime and Victims Act 2004 s9(1)). Consider a Child Safeguarding "
        "Practice Review."
    )


def test_dhr_suicide_with_coercive_control_by_a_former_partner_is_a_statutory_review() -> None:
    """Appendix B: "A DHR should also be conducted where the death occurred due to the victim
    taking their own life (suicide) and the circumstances surrounding the death give rise to
    concern, such as, where it emerges that there was coercive controlling behaviour in the
    relationship." The label says it is a death by suicide, not a homicide."""
    answers = {
        "aged_16_or_over": "yes",
        "died_by_suicide": "yes",
        "death_from_violence_abuse_or_neglect": "no",
        "suicide_with_concerning_circumstances": "yes",
        "relative": "no",
        "intimate_partner": "yes",
        "same_household": "no",
    }
    result = evaluate("dhr", answers)
    assert result.outcome == "statutory_dhr"
    assert result.label == "Statutory Domestic Abuse Related Death Review (formerly DHR): death by suicide"
    assert "homicide" not in result.label.lower()
    assert result.subsection == "s9(1)"
    assert result.recommendation == "statutory_dhr"
    assert dhr_death(answers) == "suicide"
    assert result.reasons == [
        "The person who died was aged 16 or over.",
        "The person took their own life and the circumstances give rise to concern (Appendix B): a "
        "death by suicide, not a homicide.",
        "The person concerned was a current or former intimate partner of the person who died.",
        "A review is held even where no one is charged with an offence, or someone is charged and later "
        "acquitted (Appendix B).",
        "The Community Safety Partnership commissions the review and informs the Home Office of its decision.",
    ]


def test_dhr_asks_whether_the_death_was_a_suicide() -> None:
    """DOMAIN.md §6: the DHR criteria "include suicide where the circumstances give rise to
    concern (e.g. coercive control)": the tool asks it of every death."""
    assert ids("dhr", {})[:3] == ["aged_16_or_over", "died_by_suicide", "death_from_violence_abuse_or_neglect"]
    assert TOOLS["dhr"].question("died_by_suicide").text == "Did the person take their own life (suicide)?"


def test_dhr_suicide_circumstances_are_asked_only_for_a_suicide_not_already_found_to_result_from_abuse() -> (
    None
):
    concerning = "suicide_with_concerning_circumstances"
    suicide = {"died_by_suicide": "yes"}
    assert concerning not in ids("dhr", {**suicide, "death_from_violence_abuse_or_neglect": "yes"})
    assert concerning in ids("dhr", {**suicide, "death_from_violence_abuse_or_neglect": "no"})
    assert concerning in ids("dhr", suicide)
    assert concerning not in ids("dhr", {"died_by_suicide": "no", "death_from_violence_abuse_or_neglect": "no"})
    assert "intimate_partner" not in ids("dhr", {**suicide, "death_from_violence_abuse_or_neglect": "no"})


def test_dhr_homicide_by_a_partner_is_not_labelled_a_suicide() -> None:
    answers = {
        "aged_16_or_over": "yes",
        "died_by_suicide": "no",
        "death_from_violence_abuse_or_neglect": "yes",
        "relative": "no",
        "intimate_partner": "yes",
        "same_household": "no",
    }
    result = evaluate("dhr", answers)
    assert result.outcome == "statutory_dhr"
    assert result.label == "Statutory Domestic Abuse Related Death Review (formerly DHR)"
    assert result.note is None and dhr_death(answers) == "homicide"


def test_dhr_suicide_after_abuse_is_a_review_of_a_death_by_suicide() -> None:
    """A suicide that resulted from abuse by a household member meets s9(1) ("has, or appears
    to have, resulted from violence, abuse or neglect") without the circumstances question."""
    answers = {
        "aged_16_or_over": "yes",
        "died_by_suicide": "yes",
        "death_from_violence_abuse_or_neglect": "yes",
        "relative": "no",
        "intimate_partner": "no",
        "same_household": "yes",
    }
    result = evaluate("dhr", answers)
    assert result.outcome == "statutory_dhr" and result.note == "death by suicide"
    assert result.reasons[1] == "The person took their own life (a death by suicide, not a homicide)."


def test_dhr_suicide_without_concerning_circumstances_is_not_a_dhr() -> None:
    answers = {
        "aged_16_or_over": "yes",
        "died_by_suicide": "yes",
        "death_from_violence_abuse_or_neglect": "no",
        "suicide_with_concerning_circumstances": "no",
    }
    result = evaluate("dhr", answers)
    assert result.outcome == "no_dhr"
    assert result.reasons[0] == (
        "The person took their own life, but the death did not result from violence, abuse or "
        "neglect and the circumstances do not give rise to concern."
    )


def test_dhr_death_not_from_abuse_needs_to_know_whether_it_was_a_suicide() -> None:
    result = evaluate(
        "dhr",
        {"aged_16_or_over": "yes", "died_by_suicide": "unknown", "death_from_violence_abuse_or_neglect": "no"},
    )
    assert result.outcome == "more_information_needed"
    assert result.needed == ["died_by_suicide"]
    assert dhr_death({"died_by_suicide": "unknown"}) is None


def test_dhr_killing_by_someone_outside_the_family_or_household_is_not_a_dhr() -> None:
    answers = {
        "aged_16_or_over": "yes",
        "death_from_violence_abuse_or_neglect": "yes",
        "relative": "no",
        "intimate_partner": "no",
        "same_household": "no",
    }
    result = evaluate("dhr", answers)
    assert result.outcome == "no_dhr"
    assert (
        "The person concerned was not a relative, a current or former intimate partner, or a member of the "
        "same household of the person who died." in result.reasons
    )


def test_dhr_label_follows_the_partnership_configuration() -> None:
    renamed = REDBRIDGE.model_copy(
        update={
            "review_labels": {
                **REDBRIDGE.review_labels,
                "dhr": "Domestic Abuse Related Death Review",
            }
        }
    )
    answers = {
        "aged_16_or_over": "yes",
        "death_from_violence_abuse_or_neglect": "yes",
        "same_household": "yes",
    }
    assert (
        evaluate("dhr", answers, partnership=renamed).label
        == "Statutory Domestic Abuse Related Death Review"
    )
    assert (
        recommendation_options(renamed)["statutory_dhr"]
        == "Statutory Domestic Abuse Related Death Review"
    )
    assert (
        RECOMMENDATIONS["statutory_dhr"].label_for(renamed)
        == "Statutory Domestic Abuse Related Death Review"
    )


# -- CSPR -----------------------------------------------------------------------------------

NOTIFIABLE = {"abuse_or_neglect_known_or_suspected": "yes", "child_died_or_seriously_harmed": "yes"}


def test_cspr_serious_child_safeguarding_case_needs_a_rapid_review() -> None:
    result = evaluate("cspr", NOTIFIABLE)
    assert result.outcome == "rapid_review"
    assert result.label == "Notifiable incident: a rapid review is needed"
    assert result.missing == []
    assert result.reasons[0] == (
        "Abuse or neglect is known or suspected and the child died or was seriously harmed: a serious child "
        "safeguarding case. The local authority notifies the Child Safeguarding Practice Review Panel and "
        "the safeguarding partners hold a rapid review."
    )


def test_cspr_local_review_recommended_when_it_would_highlight_recurring_themes() -> None:
    result = evaluate(
        "cspr", {**NOTIFIABLE, "highlights_improvements": "no", "recurring_themes": "yes"}
    )
    assert result.outcome == "local_cspr"
    assert result.label == "Local Child Safeguarding Practice Review recommended"
    assert result.recommendation == "statutory_cspr"
    assert (
        "The case highlights recurrent themes in the safeguarding and promotion of the welfare of "
        "children." in result.reasons
    )


def test_cspr_no_local_review_when_no_consideration_applies() -> None:
    answers = {
        **NOTIFIABLE,
        "highlights_improvements": "no",
        "recurring_themes": "no",
        "concerns_agencies_working_together": "no",
        "national_panel_concluded_local_review": "no",
    }
    result = evaluate("cspr", answers)
    assert result.outcome == "no_cspr"
    assert (
        "None of the four considerations for a local review applies (Working Together to "
        "Safeguard Children 2023, chapter 5)." in result.reasons
    )
    # Until the fourth is answered the suggestion stays the rapid review.
    del answers["national_panel_concluded_local_review"]
    assert evaluate("cspr", answers).outcome == "rapid_review"


# Working Together to Safeguard Children 2023, chapter 5: the safeguarding partners consider
# whether the case
WORKING_TOGETHER_LOCAL_REVIEW = {
    "highlights_improvements": "improvements needed to safeguard and promote the welfare of children, "
    "including where those improvements have been previously identified",
    "recurring_themes": "recurrent themes in the safeguarding and promotion of the welfare of children",
    "concerns_agencies_working_together": "concerns regarding two or more organisations or agencies "
    "working together effectively to safeguard and promote the welfare of children",
    "national_panel_concluded_local_review": "the Child Safeguarding Practice Review Panel have "
    "considered and concluded a local review may be more appropriate",
}


def test_cspr_asks_all_four_working_together_considerations_for_a_local_review() -> None:
    asked = {q.id: q for q in visible_questions("cspr", NOTIFIABLE)}
    assert list(asked)[2:] == list(WORKING_TOGETHER_LOCAL_REVIEW)
    for qid, words in WORKING_TOGETHER_LOCAL_REVIEW.items():
        assert words in asked[qid].text, qid
        assert "Working Together to Safeguard Children 2023, chapter 5" in (asked[qid].help or "")
        assert "Working Together to Safeguard Children 2023, chapter 5" in asked[qid].group


@pytest.mark.parametrize("consideration", list(WORKING_TOGETHER_LOCAL_REVIEW))
def test_cspr_any_one_consideration_suggests_a_local_review(consideration: str) -> None:
    answers = {**NOTIFIABLE, **{q: "no" for q in WORKING_TOGETHER_LOCAL_REVIEW}, consideration: "yes"}
    result = evaluate("cspr", answers)
    assert result.outcome == "local_cspr"
    assert len([r for r in result.reasons if r.startswith(("The case highlights", "The Child Safeguarding"))]) == 1


def test_cspr_not_a_serious_case_is_no_cspr_and_the_considerations_are_not_asked() -> None:
    answers = {"abuse_or_neglect_known_or_suspected": "yes", "child_died_or_seriously_harmed": "no"}
    assert evaluate("cspr", answers).outcome == "no_cspr"
    assert ids("cspr", answers) == [
        "abuse_or_neglect_known_or_suspected",
        "child_died_or_seriously_harmed",
    ]


def test_cspr_unknown_harm_needs_more_information() -> None:
    result = evaluate(
        "cspr",
        {"abuse_or_neglect_known_or_suspected": "yes", "child_died_or_seriously_harmed": "unknown"},
    )
    assert result.outcome == "more_information_needed"
    assert result.needed == ["child_died_or_seriously_harmed"]


# -- the evaluator is sound for every combination of answers ---------------------------------

DECIDING = {
    "sar": [q.id for q in TOOLS["sar"].questions],
    "dhr": [q.id for q in TOOLS["dhr"].questions],
    # The local review considerations are answered from the rapid review, not needed first.
    "cspr": ["abuse_or_neglect_known_or_suspected", "child_died_or_seriously_harmed"],
}


@pytest.mark.parametrize("tool_id", ["sar", "dhr", "cspr"])
def test_a_suggestion_never_depends_on_an_answer_not_yet_known(tool_id: str) -> None:
    # "Not answered" is treated as "not known" by the rules; it only moves a question from
    # ``needed`` to ``missing`` (tested above), so the combinations use yes / no / unknown.
    questions = [q.id for q in TOOLS[tool_id].questions]
    for values in itertools.product(list(ANSWERS), repeat=len(questions)):
        answers = dict(zip(questions, values, strict=True))
        result = evaluate(tool_id, answers)
        visible = set(ids(tool_id, answers))
        if result.outcome == "more_information_needed":
            assert result.missing or result.needed, answers
            assert set(result.missing + result.needed) <= visible, answers
            continue
        open_ = [q for q in DECIDING[tool_id] if answers.get(q) not in ("yes", "no")]
        for filled in itertools.product(["yes", "no"], repeat=len(open_)):
            complete = {**answers, **dict(zip(open_, filled, strict=True))}
            assert evaluate(tool_id, complete).outcome == result.outcome, (answers, complete)


def test_every_shown_if_refers_only_to_earlier_questions() -> None:
    for tool in TOOLS.values():
        seen: set[str] = set()
        for q in tool.questions:
            if q.shown_if is not None:
                assert q.shown_if.questions() <= seen
            seen.add(q.id)


# -- the panel's options and which process leads ---------------------------------------------


def test_the_panels_options() -> None:
    assert recommendation_options(REDBRIDGE) == {
        "statutory_sar": "Statutory Safeguarding Adults Review",
        "statutory_cspr": "Statutory Child Safeguarding Practice Review",
        "statutory_dhr": "Statutory Domestic Abuse Related Death Review (formerly DHR)",
        "discretionary_sar": "Discretionary (non-statutory) Safeguarding Adults Review",
        "learning_lessons_review": "Multi-agency learning lessons review",
        "single_agency_review": "Single agency review",
        "no_further_action": "No further action",
    }


def test_a_statutory_review_leads_over_a_discretionary_one() -> None:
    assert lead_process(["discretionary_sar", "statutory_cspr"]) == "statutory_cspr"


def test_dhr_leads_where_there_is_a_homicide() -> None:
    assert lead_process(["sar", "dhr"]) == "dhr"
    assert lead_process(["statutory_sar", "statutory_dhr", "statutory_cspr"]) == "statutory_dhr"


def test_for_a_suicide_the_sar_or_cspr_leads_over_the_dhr() -> None:
    assert lead_process(["sar", "dhr"], homicide=False) == "sar"
    assert lead_process(["cspr", "sar", "dhr"], homicide=False) == "cspr"


def test_a_rapid_review_leads_over_a_discretionary_sar() -> None:
    """A CSPR's rapid review is statutory (Children Act 2004 s16C), a SAR under Care Act 2014
    s44(4) is not."""
    lead = suggest_lead(["discretionary_sar", "rapid_review"])
    assert lead.process == "rapid_review"
    assert lead.reason.startswith("A statutory review leads over a non-statutory one.")
    assert lead_process(["local_cspr", "discretionary_sar"]) == "local_cspr"


def test_a_child_of_16_or_17_the_cspr_leads_over_the_dardr() -> None:
    """DOMAIN.md §11: "A 16- or 17-year-old victim is also a child case"; Redbridge: the panel
    agrees "if they meet more than one which process may take the lead"."""
    lead = suggest_lead(["statutory_dhr", "rapid_review"], subject_is_child=True, homicide=True)
    assert lead.process == "rapid_review"
    assert "The subject was a child (under 18, Children Act 1989 s105)" in lead.reason
    assert "other reviews' requirements are met within it" in lead.reason


def test_a_child_killed_by_an_intimate_partner_the_dardr_leads() -> None:
    lead = suggest_lead(
        ["statutory_dhr", "local_cspr"], subject_is_child=True, homicide=True, intimate_partner=True
    )
    assert lead.process == "statutory_dhr"
    assert "current or former intimate partner" in lead.reason
    assert "Domestic Abuse Related Death Review (formerly DHR) leads" in lead.reason


def test_the_lead_reason_says_death_by_suicide_not_homicide() -> None:
    suicide = suggest_lead(["statutory_sar", "statutory_dhr"], homicide=False, subject_is_child=False)
    assert suicide.process == "statutory_sar"
    assert suicide.reason.startswith("The death was by suicide, not a homicide: the Safeguarding Adults Review leads")
    homicide = suggest_lead(["statutory_sar", "statutory_dhr"], homicide=True, subject_is_child=False)
    assert homicide.process == "statutory_dhr"
    assert homicide.reason.startswith("The death was a homicide, not a suicide")
    not_known = suggest_lead(["statutory_sar", "statutory_dhr"])
    assert not_known.process == "statutory_dhr" and "whether it was a suicide is not yet known" in not_known.reason


def test_cspr_leads_over_sar_unless_the_subject_is_an_adult() -> None:
    assert lead_process(["sar", "cspr"]) == "cspr"
    assert lead_process(["sar", "cspr"], subject_is_child=False) == "sar"


def test_among_non_statutory_options_the_discretionary_sar_leads() -> None:
    assert lead_process(["single_agency_review", "discretionary_sar"]) == "discretionary_sar"


def test_lead_process_rejects_nothing_or_an_unknown_process() -> None:
    with pytest.raises(ValueError):
        lead_process([])
    with pytest.raises(ValueError, match="unknown review process: xyz"):
        lead_process(["sar", "xyz"])


# -- which tools the panel sees: the referral's review types and the subject's age ------------

# Born 10 January 2009; incident 12 November 2026: the 17th birthday (10 January 2026) has
# passed and the 18th (10 January 2027) has not, so 17 at the incident.
SEVENTEEN = {"subject_date_of_birth": "2009-01-10", "incident_date": "2026-11-12", "subject_died": "yes"}


def _referral(review_types: list[str], **answers: object):  # type: ignore[no-untyped-def]
    from storage.models import Referral

    return Referral(review_types=review_types, answers=dict(answers))


def test_a_17_year_old_dardr_referral_ticked_dhr_only_gets_both_tools() -> None:
    """DOMAIN.md §11: DARDRs (Victims and Prisoners Act 2024) keep the criterion "death of a
    person aged 16+"; "A 16- or 17-year-old victim is also a child case" (a child: "a person
    under the age of eighteen", Children Act 1989 s105)."""
    from workflow.meetings import tool_routing

    routing = tool_routing(_referral(["dhr"], **SEVENTEEN))
    assert routing.tools == ["dhr", "cspr"]
    assert routing.age.years == 17 and routing.age.basis == "date of birth"
    assert routing.added == {
        "cspr": "Added: the subject was 17 at the incident, a child (Children Act 1989 s105) and old "
        "enough for a Domestic Abuse Related Death Review (formerly DHR) (Domestic Violence, Crime and "
        "Victims Act 2004 s9, as amended)."
    }
    assert routing.warnings == []


@pytest.mark.parametrize("ticked", [["sar"], ["cspr"], ["learning"], ["sar", "dhr"]])
def test_a_16_or_17_year_old_raises_the_dhr_and_cspr_tools_whatever_was_ticked(ticked: list[str]) -> None:
    from workflow.meetings import tools_for

    # The age as the referral gives it, no date of birth.
    referral = _referral(ticked, subject_age=16, incident_date="2026-11-12", subject_died="yes")
    tools = tools_for(referral)
    assert {"dhr", "cspr"} <= set(tools)
    assert ("sar" in tools) == ("sar" in ticked or ticked == ["learning"])


def test_a_living_17_year_old_gets_the_cspr_tool_but_no_dardr_which_reviews_a_death() -> None:
    from workflow.meetings import tool_routing

    routing = tool_routing(_referral(["sar"], **{**SEVENTEEN, "subject_died": "no"}))
    assert routing.tools == ["sar", "cspr"]
    assert routing.added["cspr"] == "Added: the subject was 17 at the incident, a child (Children Act 1989 s105)."


def test_under_16_adds_the_cspr_tool_and_warns_a_dardr_is_for_16_and_over() -> None:
    from workflow.meetings import tool_routing

    # Born 1 June 2011; incident 12 November 2026: 15.
    routing = tool_routing(_referral(["dhr"], subject_date_of_birth="2011-06-01", incident_date="2026-11-12"))
    assert routing.tools == ["dhr", "cspr"]
    assert routing.added["cspr"] == "Added: the subject was 15 at the incident, a child (Children Act 1989 s105)."
    assert routing.warnings == [
        "The Domestic Abuse Related Death Review (formerly DHR) is for the death of a person aged 16 or "
        "over (Domestic Violence, Crime and Victims Act 2004 s9, as amended), but the subject was 15 at "
        "the incident."
    ]


def test_an_adult_with_cspr_ticked_keeps_the_tool_with_a_warning() -> None:
    from workflow.meetings import tool_routing

    # Born 1 June 2006; incident 12 November 2026: 20.
    routing = tool_routing(_referral(["cspr"], subject_date_of_birth="2006-06-01", incident_date="2026-11-12"))
    assert routing.tools == ["cspr"] and routing.added == {}
    assert routing.warnings == [
        "A Child Safeguarding Practice Review was ticked, but the subject was 20 at the incident, an adult: "
        "a Child Safeguarding Practice Review is for a child, under 18 (Children Act 1989 s105)."
    ]


def test_when_the_date_of_birth_and_age_disagree_both_ages_route() -> None:
    """The date of birth gives 19 at the incident, the referral says 17: the routing takes
    the stated age into account too (when unsure, more tools, not fewer)."""
    from workflow.meetings import tool_routing

    # Born 1 June 2007; incident 12 November 2026: 19.
    routing = tool_routing(
        _referral(["sar"], subject_date_of_birth="2007-06-01", subject_age=17, incident_date="2026-11-12")
    )
    assert routing.tools == ["sar", "dhr", "cspr"]
    assert routing.warnings == ["The date of birth gives 19 at the incident; the referral says 17."]
    assert routing.added["dhr"].startswith(
        "Added: the referral gives the subject's age as 17 (the date of birth gives 19 at the incident)"
    )


def test_no_review_type_ticked_shows_every_tool() -> None:
    """The referral form's "Not sure": "The panel will consider the case against the criteria
    for each review"."""
    from workflow.meetings import tool_routing

    assert tool_routing(_referral(["not_sure"])).tools == list(TOOLS)
    assert tool_routing(_referral([])).unsure
    # Ticked with a review type, "not sure" still routes by the type ticked (unchanged).
    assert tool_routing(_referral(["dhr", "not_sure"])).tools == ["dhr"]


def test_an_age_not_known_adds_nothing() -> None:
    from workflow.meetings import tool_routing

    routing = tool_routing(_referral(["sar"], subject_date_of_birth=None, subject_age=None))
    assert routing.tools == ["sar"] and routing.added == {} and routing.age.basis == "not known"


# -- the lead suggestion from the tools' outcomes and the referral ----------------------------


def _outcomes(**outcomes: str) -> dict[str, dict[str, str]]:
    return {tool_id: {"outcome": o} for tool_id, o in outcomes.items()}


DHR_HOMICIDE_BY_PARTNER = {
    "aged_16_or_over": "yes",
    "died_by_suicide": "no",
    "death_from_violence_abuse_or_neglect": "yes",
    "relative": "no",
    "intimate_partner": "yes",
    "same_household": "no",
}


def test_suggested_lead_weighs_the_cspr_outcomes() -> None:
    from workflow.meetings import suggested_lead

    # Before: only "statutory_*" outcomes counted, so a rapid review never led.
    assert suggested_lead(_outcomes(sar="discretionary_sar", cspr="rapid_review")) == "cspr"
    assert suggested_lead(_outcomes(sar="discretionary_sar", cspr="local_cspr")) == "cspr"
    assert suggested_lead(_outcomes(sar="discretionary_sar", cspr="no_cspr")) == "sar"
    assert suggested_lead(_outcomes(sar="no_sar", cspr="more_information_needed")) is None


def test_suggested_lead_for_a_17_year_old_reads_the_age_and_the_dhr_answers() -> None:
    from workflow.meetings import lead_suggestion
    from workflow.subject_age import age_at_incident

    age = age_at_incident(SEVENTEEN)
    outcomes = _outcomes(dhr="statutory_dhr", cspr="rapid_review")
    # Killed by a household member who was not a partner: the CSPR leads.
    household = {**DHR_HOMICIDE_BY_PARTNER, "intimate_partner": "no", "same_household": "yes"}
    lead = lead_suggestion(outcomes, {"dhr": household}, age)
    assert lead.process == "cspr" and "The subject was a child" in lead.reason
    # Killed by a partner: the DARDR leads, with the CSPR's requirements met within it.
    lead = lead_suggestion(outcomes, {"dhr": DHR_HOMICIDE_BY_PARTNER}, age)
    assert lead.process == "dhr" and "intimate partner" in lead.reason


def test_suggested_lead_knows_suicide_from_homicide() -> None:
    from workflow.meetings import lead_suggestion
    from workflow.subject_age import age_at_incident

    adult = age_at_incident({"subject_age": 40})
    outcomes = _outcomes(sar="statutory_sar", dhr="statutory_dhr")
    homicide = lead_suggestion(outcomes, {"dhr": DHR_HOMICIDE_BY_PARTNER}, adult)
    assert homicide.process == "dhr" and homicide.reason.startswith("The death was a homicide")
    suicide_answers = {
        **DHR_HOMICIDE_BY_PARTNER,
        "died_by_suicide": "yes",
        "death_from_violence_abuse_or_neglect": "no",
        "suicide_with_concerning_circumstances": "yes",
    }
    suicide = lead_suggestion(outcomes, {"dhr": suicide_answers}, adult)
    assert suicide.process == "sar"
    assert "death was by suicide, not a homicide" in suicide.reason
    assert evaluate("dhr", suicide_answers).label.endswith(": death by suicide")
