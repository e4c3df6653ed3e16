"""Redbridge Appendix D: the review methodology options."""

from __future__ import annotations

import pytest

from workflow.methodologies import METHODOLOGIES, get_methodology


def test_all_seven_appendix_d_options_are_present_in_order() -> None:
    assert list(METHODOLOGIES) == [
        "appreciative_inquiry",
        "reflective_learning_session",
        "rapid_review_approach",
        "individual_agency_review",
        "multi_agency_audit",
        "peer_review",
        "root_cause_analysis",
    ]
    assert [m.label for m in METHODOLOGIES.values()] == [
        "Appreciative inquiry",
        "Reflective learning session or multi-agency practitioner event",
        "The rapid review approach",
        "Individual agency review",
        "Multi-agency audit",
        "Peer review",
        "Root cause analysis",
    ]


@pytest.mark.parametrize("methodology_id", list(METHODOLOGIES))
def test_each_option_has_a_summary_benefits_and_drawbacks(methodology_id: str) -> None:
    m = METHODOLOGIES[methodology_id]
    assert m.summary
    assert m.benefits and all(b.strip() for b in m.benefits)
    assert m.drawbacks and all(d.strip() for d in m.drawbacks)


def test_benefits_and_drawbacks_are_as_appendix_d_states_them() -> None:
    rca = get_methodology("root_cause_analysis")
    assert rca.drawbacks == (
        "Requires skills and knowledge of root cause analysis tools",
        "Resource intensive",
    )
    assert "The methodology is well known and frequently used in the NHS" in rca.benefits
    audit = get_methodology("multi_agency_audit")
    assert audit.benefits == (
        "Proportionate",
        "Can use multi-agency auditors",
        "General thematic learning which can be considered system-wide",
    )
    assert get_methodology("rapid_review_approach").drawbacks[0] == (
        "New and therefore not yet evaluated as a methodology"
    )
    assert len(get_methodology("peer_review").drawbacks) == 3
    assert "Assists a 'Duty of Candour'" in get_methodology("individual_agency_review").benefits


def test_an_unknown_methodology_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="peer_review"):
        get_methodology("serious_case_review")
