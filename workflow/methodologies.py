"""Review methodology options, with their benefits and drawbacks.

Source: Redbridge One Panel guidance, Appendix D "Review Methodology Options". Where a
case does not meet the criteria for a statutory review, or the panel recommends a
discretionary review, these options support "suitable and proportionate learning"
(Redbridge One Panel guidance, "One Panel Decision Making"). The panel recommends the
focus and the methodology; the board or partnership commissions the review.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Methodology:
    """One methodology option as Appendix D describes it."""

    id: str
    name: str
    summary: str
    benefits: tuple[str, ...]
    drawbacks: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.name


_OPTIONS: tuple[Methodology, ...] = (
    Methodology(
        id="appreciative_inquiry",
        name="Appreciative inquiry",
        summary=(
            "A case review in a safe, respectful and comfortable setting where people look "
            "together at the interventions that successfully safeguarded a child, share "
            "honestly what went wrong or did not have the desired outcome, and use their "
            "collective hindsight to design practice improvements. The facilitator should be "
            "familiar and confident with appreciative inquiry, which uses strengths-based, "
            "solution-focused language; it can be used within any methodology of case review."
        ),
        benefits=(
            "Keeps the child at the centre",
            "Promotes reflective discussion and enhances critical thinking and analysis",
            "Enhances the use of structured professional judgement",
            "It's all about relationships: making a difference through a strengths-based approach",
            "Encourages professional curiosity",
            "Embraces and facilitates a learning culture",
            "Aims to progress timely and meaningful outcomes for children and families",
        ),
        drawbacks=(
            "Potential to ignore or even deny problems",
            "May lead to over-optimistic outcomes",
            "Potential not to dig deep enough",
        ),
    ),
    Methodology(
        id="reflective_learning_session",
        name="Reflective learning session or multi-agency practitioner event",
        summary=(
            "Where an independent review is not required, information is gathered from "
            "agencies for a reflective learning session, attended by the relevant "
            "professionals, to critically appraise the case and agree learning "
            "recommendations."
        ),
        benefits=(
            "A wide range of professionals is involved, including those involved in the case "
            "and those not involved in it",
            "Proportionate and timely",
            "Allows the referrer to be actively involved in discussion",
        ),
        drawbacks=(
            "Relies on having a robust amount of information before or during the discussion "
            "to enable the right conclusions to be drawn",
            "Requires a strong facilitator",
        ),
    ),
    Methodology(
        id="rapid_review_approach",
        name="The rapid review approach",
        summary=(
            "A methodology for several types of review, bringing together elements of "
            "effective methodologies such as situational analysis, Signs of Safety and Kolb's "
            "reflective learning cycle. It structures practice discussions about individual "
            "cases once the initial facts are known (a rapid review meeting, practice review "
            "discussion or reflective session), guiding discussion through five stages in a "
            "strengths-based way: from the facts, initial thoughts and feelings, to "
            "hypotheses and a simple root cause analysis, to what needs to happen next. It "
            "can be used with groups of professionals or with service users."
        ),
        benefits=(
            "Simple to use",
            "Brings together elements of effective methodologies",
            "Can be undertaken in a short space of time",
            "Allows for a balanced focus on what works well and what has not worked well",
            "Child at the centre",
            "Allows systemic factors to be considered",
            "Reflects on the whole system approach to keeping the child safe",
        ),
        drawbacks=(
            "New and therefore not yet evaluated as a methodology",
            "Requires participants to display professional curiosity and not be afraid to "
            "contribute and challenge",
            "Requires a strong facilitator",
        ),
    ),
    Methodology(
        id="individual_agency_review",
        name="Individual agency review",
        summary=(
            "Relevant when a serious incident identifies single agency involvement or where "
            "potential learning for one agency has been identified: there are no "
            "implications or concerns about the involvement of other agencies, and it is "
            "appropriate that lessons are learnt about the conduct of an agency."
        ),
        benefits=(
            "Provides an opportunity for learning from an individual agency",
            "Enables individual agency scrutiny into a specific area",
            "Assists a 'Duty of Candour'",
            "Supports the sharing of learning to further strengthen a whole system approach "
            "to safeguarding",
        ),
        drawbacks=(
            "Can be seen as outside the purpose of multi-agency learning",
            "Requires the individual agency's full buy-in and ownership; risks individual "
            "agency opposition",
        ),
    ),
    Methodology(
        id="multi_agency_audit",
        name="Multi-agency audit",
        summary=(
            "Multi-agency audits of case files on a specific theme, to understand practice at "
            "the level of the child, with practitioners and their managers involved in "
            "identifying what they do well and where improvements are needed. A rolling "
            "programme of audit themes is identified from local priorities, local reviews, "
            "inspection findings, performance data and national research."
        ),
        benefits=(
            "Proportionate",
            "Can use multi-agency auditors",
            "General thematic learning which can be considered system-wide",
        ),
        drawbacks=(
            "Conclusions come from the viewpoint of one or two auditors rather than being "
            "wholly multi-agency",
        ),
    ),
    Methodology(
        id="peer_review",
        name="Peer review",
        summary=(
            "A review by one or more people who know the area of business, in keeping with "
            "self-regulation and sector-led improvement, to maintain standards of quality, "
            "improve performance and provide credibility: an objective overview of practice, "
            "with potential for alternative approaches or recommendations for improved "
            "practice. Peers can come from the constituent professionals and agencies, or "
            "from another area as part of regional reciprocal arrangements."
        ),
        benefits=(
            "Increased learning and ownership if peers are from the members",
            "Objective, independent perspective",
            "Can be part of reciprocal arrangements across or between partnerships",
            "Cost effective",
        ),
        drawbacks=(
            "Capacity issues within partner agencies may restrict availability and responsiveness",
            "Skills and experience issues if reviews are infrequent",
            "Peer reviews by members of the partnership may be perceived as not sufficiently "
            "independent, especially in political or high-profile cases",
        ),
    ),
    Methodology(
        id="root_cause_analysis",
        name="Root cause analysis",
        summary=(
            "An investigation methodology to understand why an incident occurred: once the "
            "contributory and causal factors (the root causes) are understood, corrective "
            "measures can be directed at them rather than at the symptoms, reducing the "
            "likelihood of recurrence. It must be performed systematically, with conclusions "
            "backed by evidence, and establish all causal relationships between the root "
            "causes and the incident; it can help develop an open culture where staff report "
            "mistakes and problems knowing this leads to positive change, not blame."
        ),
        benefits=(
            "The methodology is well known and frequently used in the NHS",
            "Focus is on the root cause and not on apportioning blame or fault",
            "Effective for single agency issues, especially those related to NHS services",
        ),
        drawbacks=(
            "Requires skills and knowledge of root cause analysis tools",
            "Resource intensive",
        ),
    ),
)

# In the order of Appendix D.
METHODOLOGIES: dict[str, Methodology] = {m.id: m for m in _OPTIONS}


def get_methodology(methodology_id: str) -> Methodology:
    """The methodology with that id; KeyError names the known ids if there is none."""
    try:
        return METHODOLOGIES[methodology_id]
    except KeyError:
        raise KeyError(
            f"no methodology '{methodology_id}' (known: {', '.join(METHODOLOGIES)})"
        ) from None
