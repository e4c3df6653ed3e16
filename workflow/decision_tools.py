"""Guided decision tools for the three statutory review types, as data with an evaluator.

Each tool is a list of yes / no / not known questions, some shown only when earlier
answers make them relevant, and a rule that turns the answers into a suggested outcome
with its reasons. The panel decides; the tool only shows how the criteria apply.

- ``sar``: Safeguarding Adults Review, Care Act 2014 s44 (Redbridge One Panel guidance,
  Appendix C decision making tool).
- ``dhr``: Domestic Homicide Review, Domestic Violence, Crime and Victims Act 2004 s9
  (Redbridge Appendix B, domestic homicide decision support information). The label is
  the partnership's ``review_labels["dhr"]``: the Victims and Prisoners Act 2024 renames
  the review (Domestic Abuse Related Death Review).
- ``cspr``: Child Safeguarding Practice Review, Working Together to Safeguard Children
  (serious child safeguarding cases, rapid review, and the four considerations for a local
  review in the 2023 edition's chapter 5; the seeds cite the 2018 edition's chapter 4).

An answer of "unknown" (or no answer) to a criterion on which the outcome depends gives
the outcome ``more_information_needed``: ``missing`` lists the shown questions not yet
answered, ``needed`` those answered "not known". Questions whose answer cannot change the
outcome are not listed (e.g. once an adult is known not to have needs for care and
support, s44 does not apply whatever the other answers are).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from partnerships.model import Partnership

# The answers every question takes (the order is the order shown).
ANSWERS: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "Not known"}

MORE_INFORMATION = "more_information_needed"

DEFAULT_REVIEW_LABELS: dict[str, str] = dict(Partnership.model_fields["review_labels"].default)


def _review_label(partnership: Partnership | None, review_type: str) -> str:
    if partnership is not None:
        return partnership.review_label(review_type)
    return DEFAULT_REVIEW_LABELS[review_type]


# -- conditions on earlier answers (``Question.shown_if``) -----------------------------------
#
# Conditions are data (so a tool can be shown, stored or tested) and callable with the
# answers so far, returning whether they hold.


@dataclass(frozen=True)
class Is:
    """The answer to ``question`` is one of ``answers``."""

    question: str
    answers: frozenset[str]

    def __call__(self, answers: Mapping[str, Any]) -> bool:
        return answers.get(self.question) in self.answers

    def questions(self) -> set[str]:
        return {self.question}


@dataclass(frozen=True)
class AllOf:
    """Every condition holds."""

    conditions: tuple[Condition, ...]

    def __call__(self, answers: Mapping[str, Any]) -> bool:
        return all(c(answers) for c in self.conditions)

    def questions(self) -> set[str]:
        return set().union(*(c.questions() for c in self.conditions))


@dataclass(frozen=True)
class AnyOf:
    """At least one condition holds."""

    conditions: tuple[Condition, ...]

    def __call__(self, answers: Mapping[str, Any]) -> bool:
        return any(c(answers) for c in self.conditions)

    def questions(self) -> set[str]:
        return set().union(*(c.questions() for c in self.conditions))


@dataclass(frozen=True)
class Not:
    """The condition does not hold."""

    condition: Condition

    def __call__(self, answers: Mapping[str, Any]) -> bool:
        return not self.condition(answers)

    def questions(self) -> set[str]:
        return self.condition.questions()


Condition = Is | AllOf | AnyOf | Not


def answer_is(question: str, *answers: str) -> Is:
    return Is(question, frozenset(answers))


def all_of(*conditions: Condition) -> AllOf:
    return AllOf(tuple(conditions))


def any_of(*conditions: Condition) -> AnyOf:
    return AnyOf(tuple(conditions))


# -- the tools as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question of a tool. It is asked only when ``shown_if`` holds for the answers so
    far; ``shown_if`` refers only to questions that come before it."""

    id: str
    text: str
    help: str | None = None
    shown_if: Condition | None = None
    # For display: which part of the tool the question belongs to.
    group: str = ""


@dataclass(frozen=True)
class Verdict:
    """What a tool's rule concludes from the answers (before unresolved questions are filtered)."""

    outcome: str
    reasons: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    legal_basis: str | None = None
    subsection: str | None = None
    # Said after the outcome's label, e.g. "death by suicide" for a DHR of a suicide.
    note: str | None = None


@dataclass(frozen=True)
class DecisionTool:
    """A decision tool for one review type: the questions and the rule that applies them."""

    id: str
    review_type: str
    law: str
    summary: str
    questions: tuple[Question, ...]
    rule: Callable[[Mapping[str, str], Partnership | None], Verdict] = field(
        repr=False, compare=False
    )

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


@dataclass(frozen=True)
class DecisionOutcome:
    """What the tool suggests, and why.

    ``missing``: shown questions not yet answered on which the outcome depends.
    ``needed``: shown questions answered "not known" on which the outcome depends.
    ``subsection``: the provision applied, e.g. "s44(2)" (Care Act 2014) or "s9(1)"
    (Domestic Violence, Crime and Victims Act 2004); ``legal_basis`` cites it in full.
    ``recommendation``: the panel's matching option in ``RECOMMENDATIONS``, if any.
    ``note``: what the label adds to the outcome's own, e.g. "death by suicide".
    """

    outcome: str
    label: str
    reasons: list[str]
    missing: list[str] = field(default_factory=list)
    needed: list[str] = field(default_factory=list)
    legal_basis: str | None = None
    subsection: str | None = None
    recommendation: str | None = None
    note: str | None = None


# Three-valued answers: True (yes), False (no), None (not known or not answered), each with
# the questions still unresolved. Conjunction and disjunction short-circuit on a settled
# value, so only the questions that could change the result stay unresolved.
_Tri = tuple[bool | None, list[str]]


def _q(answers: Mapping[str, str], question_id: str) -> _Tri:
    value = answers.get(question_id)
    if value == "yes":
        return True, []
    if value == "no":
        return False, []
    return None, [question_id]


def _and(*terms: _Tri) -> _Tri:
    if any(v is False for v, _ in terms):
        return False, []
    if all(v is True for v, _ in terms):
        return True, []
    return None, [q for v, ids in terms if v is None for q in ids]


def _or(*terms: _Tri) -> _Tri:
    if any(v is True for v, _ in terms):
        return True, []
    if all(v is False for v, _ in terms):
        return False, []
    return None, [q for v, ids in terms if v is None for q in ids]


def _not(term: _Tri) -> _Tri:
    value, ids = term
    return (None if value is None else not value), ids


# -- SAR: Care Act 2014 s44 (Redbridge Appendix C) ----------------------------------------

_SAR_STATUTORY = "Statutory criteria (Care Act 2014 s44)"
_SAR_DISCRETIONARY = "Discretionary review (Care Act 2014 s44(4))"

_SAR_STATUTORY_MET = all_of(
    answer_is("concern_agencies_worked_together", "yes"),
    any_of(
        all_of(
            answer_is("died", "yes"),
            answer_is("abuse_or_neglect_known_or_suspected_cause_of_death", "yes"),
        ),
        all_of(answer_is("died", "no"), answer_is("alive_serious_abuse_or_neglect", "yes")),
    ),
)

SAR_QUESTIONS: tuple[Question, ...] = (
    Question(
        "care_and_support_needs",
        "Does the adult have needs for care and support?",
        "Whether or not the local authority has been meeting any of those needs "
        "(Care Act 2014 s44(1)).",
        group=_SAR_STATUTORY,
    ),
    Question(
        "concern_agencies_worked_together",
        "Is there reasonable cause for concern about how the Safeguarding Adults Board, its "
        "members or others with relevant functions worked together to safeguard the adult?",
        "Care Act 2014 s44(1)(a).",
        group=_SAR_STATUTORY,
    ),
    Question(
        "died",
        "Has the adult died?",
        "Including by suicide (Appendix C).",
        group=_SAR_STATUTORY,
    ),
    Question(
        "abuse_or_neglect_known_or_suspected_cause_of_death",
        "Is abuse or neglect known or suspected to have caused the death?",
        "Whether or not the abuse or neglect was known about or suspected before the adult "
        "died (Care Act 2014 s44(2)).",
        shown_if=answer_is("died", "yes"),
        group=_SAR_STATUTORY,
    ),
    Question(
        "alive_serious_abuse_or_neglect",
        "Is the adult known or suspected to have experienced serious abuse or neglect?",
        "Care Act 2014 s44(3). Appendix C asks whether the adult has suffered significant "
        "harm because of (or suspected to be because of) abuse or neglect.",
        shown_if=answer_is("died", "no"),
        group=_SAR_STATUTORY,
    ),
    Question(
        "complex_or_criminal_or_public_interest",
        "Is the case likely to be complex, run alongside criminal proceedings, and/or "
        "generate public interest?",
        shown_if=all_of(answer_is("care_and_support_needs", "yes"), Not(_SAR_STATUTORY_MET)),
        group=_SAR_DISCRETIONARY,
    ),
    Question(
        "sufficient_valuable_learning",
        "Is there potential to identify sufficient valuable learning from the case?",
        shown_if=all_of(answer_is("care_and_support_needs", "yes"), Not(_SAR_STATUTORY_MET)),
        group=_SAR_DISCRETIONARY,
    ),
    Question(
        "good_practice_to_improve_partnership",
        "Is there reasonable cause to identify good practice from the case to improve "
        "partnership working?",
        shown_if=all_of(answer_is("care_and_support_needs", "yes"), Not(_SAR_STATUTORY_MET)),
        group=_SAR_DISCRETIONARY,
    ),
)

_SAR_GROUNDS = {
    "complex_or_criminal_or_public_interest": "The case is likely to be complex, run alongside "
    "criminal proceedings and/or generate public interest.",
    "sufficient_valuable_learning": "There is potential to identify sufficient valuable learning "
    "from the case.",
    "good_practice_to_improve_partnership": "There is reasonable cause to identify good practice "
    "from the case to improve partnership working.",
}
_INTERNAL_REVIEW = "An internal review may be indicated (Appendix C)."


def _sar_rule(a: Mapping[str, str], partnership: Partnership | None) -> Verdict:
    """Care Act 2014 s44(1)-(4), in the order of the Redbridge Appendix C tool."""
    care = _q(a, "care_and_support_needs")
    worked = _q(a, "concern_agencies_worked_together")
    died = _q(a, "died")
    cause = _q(a, "abuse_or_neglect_known_or_suspected_cause_of_death")
    serious = _q(a, "alive_serious_abuse_or_neglect")
    # s44(2) condition 1: died, and abuse or neglect known or suspected to have caused it;
    # s44(3) condition 2: alive, and known or suspected serious abuse or neglect.
    condition = _or(_and(died, cause), _and(_not(died), serious))
    statutory = _and(care, worked, condition)

    if care[0] is False:
        return Verdict(
            "no_sar",
            [
                "The adult does not have needs for care and support, so Care Act 2014 s44 "
                "does not apply (neither a statutory nor a discretionary review).",
                _INTERNAL_REVIEW,
            ],
            legal_basis="Care Act 2014 s44(1)",
        )

    if statutory[0] is True:
        reasons = [
            "The adult has needs for care and support (whether or not the local authority "
            "was meeting them).",
            "There is reasonable cause for concern about how the Safeguarding Adults Board, "
            "its members or others worked together to safeguard the adult.",
        ]
        if died[0] is True:
            subsection = "s44(2)"
            reasons.append(
                "The adult died and abuse or neglect is known or suspected to have caused "
                "the death (Care Act 2014 s44(2))."
            )
        else:
            subsection = "s44(3)"
            reasons.append(
                "The adult is alive and is known or suspected to have experienced serious "
                "abuse or neglect (Care Act 2014 s44(3))."
            )
        reasons.append(
            "The Safeguarding Adults Board must arrange a review (Care Act 2014 s44(1))."
        )
        return Verdict(
            "statutory_sar",
            reasons,
            legal_basis=f"Care Act 2014 {subsection}",
            subsection=subsection,
        )

    if statutory[0] is None:
        return Verdict(
            MORE_INFORMATION,
            ["Whether the statutory criteria (Care Act 2014 s44) are met cannot be decided yet."],
            unresolved=statutory[1],
        )

    # The statutory criteria are not met: say which part fails.
    why: list[str] = []
    if worked[0] is False:
        why.append(
            "There is no reasonable cause for concern about how agencies worked together to "
            "safeguard the adult."
        )
    if died[0] is True and cause[0] is False:
        why.append(
            "The adult died, but abuse or neglect is not known or suspected to have caused "
            "the death."
        )
    if died[0] is False and serious[0] is False:
        why.append(
            "The adult is alive and is not known or suspected to have experienced serious "
            "abuse or neglect."
        )
    why.insert(0, "The statutory criteria (Care Act 2014 s44(1)-(3)) are not met.")

    grounds = {qid: _q(a, qid) for qid in _SAR_GROUNDS}
    discretionary = _and(care, _or(*grounds.values()))
    if discretionary[0] is True:
        return Verdict(
            "discretionary_sar",
            why
            + [_SAR_GROUNDS[qid] for qid, (v, _) in grounds.items() if v is True]
            + [
                "The Safeguarding Adults Board may arrange a review of any other case of an "
                "adult with needs for care and support (Care Act 2014 s44(4)); agree a "
                "methodology (Appendix D)."
            ],
            legal_basis="Care Act 2014 s44(4)",
            subsection="s44(4)",
        )
    if discretionary[0] is False:
        return Verdict(
            "no_sar",
            why + ["None of the grounds for a discretionary review applies.", _INTERNAL_REVIEW],
            legal_basis="Care Act 2014 s44",
        )
    return Verdict(
        MORE_INFORMATION,
        why + ["Whether a discretionary review is indicated cannot be decided yet."],
        unresolved=discretionary[1],
    )


# -- DHR: Domestic Violence, Crime and Victims Act 2004 s9 (Redbridge Appendix B) ----------

_DHR_CRITERIA = "Criteria (Domestic Violence, Crime and Victims Act 2004 s9)"
_DHR_RELATIONSHIP = "The relationship"
# Asked only for a suicide whose death is not already found to have resulted from violence,
# abuse or neglect: Appendix B, "A DHR should also be conducted where the death occurred due
# to the victim taking their own life (suicide) and the circumstances surrounding the death
# give rise to concern".
_SUICIDE_CIRCUMSTANCES_SHOWN = all_of(
    answer_is("died_by_suicide", "yes"),
    Not(answer_is("death_from_violence_abuse_or_neglect", "yes")),
)
_RELATIONSHIP_SHOWN = any_of(
    answer_is("death_from_violence_abuse_or_neglect", "yes"),
    answer_is("suicide_with_concerning_circumstances", "yes"),
)
_ANY_RELATIONSHIP = "Regardless of sex, gender identity or sexual orientation (Appendix B)."

DHR_QUESTIONS: tuple[Question, ...] = (
    Question(
        "aged_16_or_over",
        "Was the person who died aged 16 or over?",
        "For the death of a child under 16, consider a Child Safeguarding Practice Review. A "
        "16- or 17-year-old is also a child: consider both.",
        group=_DHR_CRITERIA,
    ),
    Question(
        "died_by_suicide",
        "Did the person take their own life (suicide)?",
        "Appendix B: a review is also held where the death was a suicide and the "
        "circumstances give rise to concern. The suggestion then says it is a death by "
        "suicide, not a homicide.",
        group=_DHR_CRITERIA,
    ),
    Question(
        "death_from_violence_abuse_or_neglect",
        "Has the death resulted, or does it appear to have resulted, from violence, abuse or "
        "neglect?",
        "A review is held even where no one is charged with an offence, or someone is "
        "charged and later acquitted (Appendix B).",
        group=_DHR_CRITERIA,
    ),
    Question(
        "suicide_with_concerning_circumstances",
        "Did the person take their own life in circumstances that give rise to concern, for "
        "example coercive controlling behaviour in the relationship?",
        "Appendix B: a review should also be held where the death was a suicide and the "
        "circumstances give rise to concern.",
        shown_if=_SUICIDE_CIRCUMSTANCES_SHOWN,
        group=_DHR_CRITERIA,
    ),
    Question(
        "relative",
        "Was the person responsible (or whose behaviour is of concern) related to the person "
        "who died?",
        shown_if=_RELATIONSHIP_SHOWN,
        group=_DHR_RELATIONSHIP,
    ),
    Question(
        "intimate_partner",
        "Was that person a current or former intimate partner of the person who died?",
        _ANY_RELATIONSHIP,
        shown_if=_RELATIONSHIP_SHOWN,
        group=_DHR_RELATIONSHIP,
    ),
    Question(
        "same_household",
        "Was that person a member of the same household as the person who died?",
        shown_if=_RELATIONSHIP_SHOWN,
        group=_DHR_RELATIONSHIP,
    ),
)

_RELATIONSHIPS = {
    "relative": "a relative",
    "intimate_partner": "a current or former intimate partner",
    "same_household": "a member of the same household",
}

DEATH_BY_SUICIDE = "death by suicide"


def dhr_death(answers: Mapping[str, Any]) -> str | None:
    """How the person died, from the DHR tool's answers: "suicide" (they took their own
    life), "homicide" (not a suicide, and the death resulted from violence, abuse or
    neglect) or ``None`` (not known yet)."""
    shown = shown_answers("dhr", answers)
    if shown.get("died_by_suicide") == "yes":
        return "suicide"
    if shown.get("died_by_suicide") == "no" and (
        shown.get("death_from_violence_abuse_or_neglect") == "yes"
    ):
        return "homicide"
    return None


def _dhr_rule(a: Mapping[str, str], partnership: Partnership | None) -> Verdict:
    """Domestic Violence, Crime and Victims Act 2004 s9(1), with Appendix B on suicide.

    The death qualifies when it resulted (or appears to have resulted) from violence, abuse
    or neglect, or when the person took their own life in circumstances that give rise to
    concern. Whether it was a suicide does not change whether a review is held, only what
    the review is of: the outcome's label then says "death by suicide".
    """
    label = _review_label(partnership, "dhr")
    age = _q(a, "aged_16_or_over")
    suicide = _q(a, "died_by_suicide")
    death = _q(a, "death_from_violence_abuse_or_neglect")
    concerning = _q(a, "suicide_with_concerning_circumstances")
    relations = {qid: _q(a, qid) for qid in _RELATIONSHIPS}
    how = _or(death, _and(suicide, concerning))
    related = _or(*relations.values())
    met = _and(age, how, related)
    basis = "Domestic Violence, Crime and Victims Act 2004 s9(1)"
    note = DEATH_BY_SUICIDE if suicide[0] is True else None

    if met[0] is True:
        reasons = ["The person who died was aged 16 or over."]
        if death[0] is True:
            if suicide[0] is True:
                reasons.append("The person took their own life (a death by suicide, not a homicide).")
            reasons.append(
                "The death has, or appears to have, resulted from violence, abuse or neglect."
            )
        else:
            reasons.append(
                "The person took their own life and the circumstances give rise to concern "
                "(Appendix B): a death by suicide, not a homicide."
            )
        who = [text for qid, text in _RELATIONSHIPS.items() if relations[qid][0] is True]
        reasons.append(f"The person concerned was {' and '.join(who)} of the person who died.")
        reasons.append(
            "A review is held even where no one is charged with an offence, or someone is "
            "charged and later acquitted (Appendix B)."
        )
        reasons.append(
            "The Community Safety Partnership commissions the review and informs the Home "
            "Office of its decision."
        )
        return Verdict("statutory_dhr", reasons, legal_basis=basis, subsection="s9(1)", note=note)

    if met[0] is None:
        return Verdict(
            MORE_INFORMATION,
            [f"Whether the criteria for a {label} are met cannot be decided yet."],
            unresolved=met[1],
        )

    reasons = []
    if age[0] is False:
        reasons.append(
            f"The person who died was under 16: a {label} is for the death of a person aged "
            f"16 or over ({basis}). Consider a Child Safeguarding Practice Review."
        )
    if how[0] is False:
        if suicide[0] is True:
            reasons.append(
                "The person took their own life, but the death did not result from violence, "
                "abuse or neglect and the circumstances do not give rise to concern."
            )
        else:
            reasons.append(
                "The death did not result from violence, abuse or neglect, and was not a "
                "suicide in circumstances that give rise to concern."
            )
    if related[0] is False:
        reasons.append(
            "The person concerned was not a relative, a current or former intimate partner, "
            "or a member of the same household of the person who died."
        )
    reasons.append(
        "The Community Safety Partnership informs the Home Office of the decision not to hold "
        "a review; the panel may consider other learning (Appendix D)."
    )
    return Verdict("no_dhr", reasons, legal_basis=basis)


# -- CSPR: Working Together to Safeguard Children, chapter 4 -----------------------------------

_CSPR_SERIOUS = "Serious child safeguarding case (notifiable incident)"
_CSPR_LOCAL = (
    "Local review considerations (Working Together to Safeguard Children 2023, chapter 5; "
    "answered from the rapid review)"
)
WORKING_TOGETHER_LOCAL = "Working Together to Safeguard Children 2023, chapter 5"
_NOTIFIABLE = all_of(
    answer_is("abuse_or_neglect_known_or_suspected", "yes"),
    answer_is("child_died_or_seriously_harmed", "yes"),
)

CSPR_QUESTIONS: tuple[Question, ...] = (
    Question(
        "abuse_or_neglect_known_or_suspected",
        "Is abuse or neglect of the child known or suspected?",
        group=_CSPR_SERIOUS,
    ),
    Question(
        "child_died_or_seriously_harmed",
        "Has the child died or been seriously harmed?",
        group=_CSPR_SERIOUS,
    ),
    # The four things the safeguarding partners consider in deciding on a local review, in
    # Working Together to Safeguard Children 2023, chapter 5 (its words).
    Question(
        "highlights_improvements",
        "Does the case highlight, or may it highlight, improvements needed to safeguard and "
        "promote the welfare of children, including where those improvements have been "
        "previously identified?",
        WORKING_TOGETHER_LOCAL + ".",
        shown_if=_NOTIFIABLE,
        group=_CSPR_LOCAL,
    ),
    Question(
        "recurring_themes",
        "Does the case highlight recurrent themes in the safeguarding and promotion of the "
        "welfare of children?",
        WORKING_TOGETHER_LOCAL + ".",
        shown_if=_NOTIFIABLE,
        group=_CSPR_LOCAL,
    ),
    Question(
        "concerns_agencies_working_together",
        "Does the case highlight concerns regarding two or more organisations or agencies "
        "working together effectively to safeguard and promote the welfare of children?",
        WORKING_TOGETHER_LOCAL + ".",
        shown_if=_NOTIFIABLE,
        group=_CSPR_LOCAL,
    ),
    Question(
        "national_panel_concluded_local_review",
        "Is the case one which the Child Safeguarding Practice Review Panel have considered "
        "and concluded a local review may be more appropriate?",
        WORKING_TOGETHER_LOCAL + ": the National Panel may decide a local review is more "
        "appropriate than a national one.",
        shown_if=_NOTIFIABLE,
        group=_CSPR_LOCAL,
    ),
)

_CSPR_GROUNDS = {
    "highlights_improvements": "The case highlights or may highlight improvements needed to "
    "safeguard and promote the welfare of children, including where those improvements have "
    "been previously identified.",
    "recurring_themes": "The case highlights recurrent themes in the safeguarding and "
    "promotion of the welfare of children.",
    "concerns_agencies_working_together": "The case highlights concerns regarding two or more "
    "organisations or agencies working together effectively to safeguard and promote the "
    "welfare of children.",
    "national_panel_concluded_local_review": "The Child Safeguarding Practice Review Panel have "
    "considered the case and concluded a local review may be more appropriate.",
}


def _cspr_rule(a: Mapping[str, str], partnership: Partnership | None) -> Verdict:
    """Working Together to Safeguard Children (2018 chapter 4; 2023 chapter 5): notifiable
    incident, rapid review, and the four considerations for a local child safeguarding
    practice review; any one of them applying suggests a local review.

    The local review considerations are answered from the rapid review: until they are, the
    suggestion is the rapid review, not "more information needed".
    """
    label = _review_label(partnership, "cspr")
    serious = _and(
        _q(a, "abuse_or_neglect_known_or_suspected"), _q(a, "child_died_or_seriously_harmed")
    )
    if serious[0] is None:
        return Verdict(
            MORE_INFORMATION,
            ["Whether this is a serious child safeguarding case cannot be decided yet."],
            unresolved=serious[1],
        )
    if serious[0] is False:
        return Verdict(
            "no_cspr",
            [
                "This is not a serious child safeguarding case (abuse or neglect known or "
                "suspected, and the child died or was seriously harmed), so it is not a "
                "notifiable incident and no rapid review is needed.",
                "The panel considers whether there is learning from the referral and how it "
                "may be taken forward (Appendix D).",
            ],
            legal_basis="Working Together to Safeguard Children, chapter 4",
        )

    notifiable = (
        "Abuse or neglect is known or suspected and the child died or was seriously harmed: a "
        "serious child safeguarding case. The local authority notifies the Child Safeguarding "
        "Practice Review Panel and the safeguarding partners hold a rapid review."
    )
    basis = "Children Act 2004 s16C; Working Together to Safeguard Children, chapter 4"
    grounds = {qid: _q(a, qid) for qid in _CSPR_GROUNDS}
    local = _or(*grounds.values())
    if local[0] is True:
        return Verdict(
            "local_cspr",
            [notifiable]
            + [_CSPR_GROUNDS[qid] for qid, (v, _) in grounds.items() if v is True]
            + [
                f"A local {label} is recommended to the safeguarding partners "
                f"({WORKING_TOGETHER_LOCAL})."
            ],
            legal_basis=basis,
        )
    if local[0] is False:
        return Verdict(
            "no_cspr",
            [
                notifiable,
                "None of the four considerations for a local review applies "
                f"({WORKING_TOGETHER_LOCAL}).",
                "The panel considers how any learning is taken forward (Appendix D).",
            ],
            legal_basis=basis,
        )
    return Verdict(
        "rapid_review",
        [
            notifiable,
            "Whether to recommend a local review is answered from the rapid review "
            "(improvements needed, recurrent themes, organisations or agencies working "
            "together, or the Child Safeguarding Practice Review Panel concluding a local "
            f"review may be more appropriate: {WORKING_TOGETHER_LOCAL}).",
        ],
        legal_basis=basis,
    )


TOOLS: dict[str, DecisionTool] = {
    "sar": DecisionTool(
        id="sar",
        review_type="sar",
        law="Care Act 2014 s44",
        summary="Does the case meet the criteria for a Safeguarding Adults Review, statutory "
        "or discretionary? (Appendix C decision making tool)",
        questions=SAR_QUESTIONS,
        rule=_sar_rule,
    ),
    "dhr": DecisionTool(
        id="dhr",
        review_type="dhr",
        law="Domestic Violence, Crime and Victims Act 2004 s9",
        summary="Does the death meet the criteria for a review? (Appendix B decision support "
        "information)",
        questions=DHR_QUESTIONS,
        rule=_dhr_rule,
    ),
    "cspr": DecisionTool(
        id="cspr",
        review_type="cspr",
        law="Working Together to Safeguard Children, chapter 4",
        summary="Is this a serious child safeguarding case (a notifiable incident needing a "
        "rapid review), and would a local review be recommended?",
        questions=CSPR_QUESTIONS,
        rule=_cspr_rule,
    ),
}


def outcome_labels(partnership: Partnership | None = None) -> dict[str, str]:
    """The label of every outcome a tool can suggest, in the partnership's review labels."""
    sar = _review_label(partnership, "sar")
    dhr = _review_label(partnership, "dhr")
    cspr = _review_label(partnership, "cspr")
    return {
        "statutory_sar": f"Statutory {sar}",
        "discretionary_sar": f"Discretionary (non-statutory) {sar}",
        "no_sar": f"No {sar}",
        "statutory_dhr": f"Statutory {dhr}",
        "no_dhr": f"No {dhr}",
        "rapid_review": "Notifiable incident: a rapid review is needed",
        "local_cspr": f"Local {cspr} recommended",
        "no_cspr": f"No {cspr}",
        MORE_INFORMATION: "More information is needed",
    }


# The panel's option matching each tool outcome, where there is one.
OUTCOME_RECOMMENDATIONS: dict[str, str] = {
    "statutory_sar": "statutory_sar",
    "discretionary_sar": "discretionary_sar",
    "statutory_dhr": "statutory_dhr",
    "local_cspr": "statutory_cspr",
}


def _clean(answers: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in answers.items():
        if isinstance(value, str) and value.strip().lower() in ANSWERS:
            out[key] = value.strip().lower()
    return out


def shown_answers(tool_id: str, answers: Mapping[str, Any]) -> dict[str, str]:
    """The answers to the questions that are shown, in question order.

    An answer other than yes / no / unknown counts as not answered; answers to questions
    that are not shown (their ``shown_if`` fails on the answers before them) are dropped.
    """
    tool = TOOLS[tool_id]
    given = _clean(answers)
    out: dict[str, str] = {}
    for q in tool.questions:
        if (q.shown_if is None or q.shown_if(out)) and q.id in given:
            out[q.id] = given[q.id]
    return out


def visible_questions(tool_id: str, answers: Mapping[str, Any]) -> list[Question]:
    """The questions to ask, given the answers so far."""
    tool = TOOLS[tool_id]
    shown = shown_answers(tool_id, answers)
    return [q for q in tool.questions if q.shown_if is None or q.shown_if(shown)]


def evaluate(
    tool_id: str, answers: Mapping[str, Any], *, partnership: Partnership | None = None
) -> DecisionOutcome:
    """Apply a tool to the answers: the suggested outcome, its label and reasons, and which
    shown questions must still be answered (``missing``) or found out (``needed``)."""
    if tool_id not in TOOLS:
        raise KeyError(f"no decision tool '{tool_id}' (known: {', '.join(TOOLS)})")
    tool = TOOLS[tool_id]
    shown = shown_answers(tool_id, answers)
    visible = [q.id for q in visible_questions(tool_id, shown)]
    verdict = tool.rule(shown, partnership)
    labels = outcome_labels(partnership)

    if verdict.outcome != MORE_INFORMATION:
        label = labels[verdict.outcome]
        return DecisionOutcome(
            outcome=verdict.outcome,
            label=f"{label}: {verdict.note}" if verdict.note else label,
            reasons=list(verdict.reasons),
            legal_basis=verdict.legal_basis,
            subsection=verdict.subsection,
            recommendation=OUTCOME_RECOMMENDATIONS.get(verdict.outcome),
            note=verdict.note,
        )

    unresolved = [qid for qid in visible if qid in set(verdict.unresolved)]
    missing = [qid for qid in unresolved if qid not in shown]
    needed = [qid for qid in unresolved if shown.get(qid) == "unknown"]
    reasons = list(verdict.reasons)
    reasons += [f"Not yet known: {tool.question(qid).text}" for qid in needed]
    reasons += [f"Not yet answered: {tool.question(qid).text}" for qid in missing]
    return DecisionOutcome(
        outcome=MORE_INFORMATION,
        label=labels[MORE_INFORMATION],
        reasons=reasons,
        missing=missing,
        needed=needed,
    )


# -- the panel's options -------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    """One of the panel's options. ``label`` uses the default review labels; use
    ``label_for(partnership)`` for the partnership's own (the DHR label is configurable)."""

    id: str
    template: str
    review_type: str | None = None
    statutory: bool = False
    description: str = ""

    def label_for(self, partnership: Partnership | None) -> str:
        if self.review_type is None:
            return self.template
        return self.template.format(review=_review_label(partnership, self.review_type))

    @property
    def label(self) -> str:
        return self.label_for(None)


RECOMMENDATIONS: dict[str, Recommendation] = {
    r.id: r
    for r in (
        Recommendation(
            "statutory_sar",
            "Statutory {review}",
            "sar",
            True,
            "The criteria of Care Act 2014 s44(1) are met; the Safeguarding Adults Board "
            "commissions the review.",
        ),
        Recommendation(
            "statutory_cspr",
            "Statutory {review}",
            "cspr",
            True,
            "A local child safeguarding practice review, commissioned by the safeguarding "
            "partners (Working Together to Safeguard Children, chapter 4).",
        ),
        Recommendation(
            "statutory_dhr",
            "Statutory {review}",
            "dhr",
            True,
            "The criteria of Domestic Violence, Crime and Victims Act 2004 s9 are met; the "
            "Community Safety Partnership commissions the review and informs the Home Office.",
        ),
        Recommendation(
            "discretionary_sar",
            "Discretionary (non-statutory) {review}",
            "sar",
            False,
            "A review of another case of an adult with needs for care and support (Care Act "
            "2014 s44(4)), with a chosen methodology (Appendix D).",
        ),
        Recommendation(
            "learning_lessons_review",
            "Multi-agency learning lessons review",
            None,
            False,
            "A local multi-agency review for learning, with a proportionate methodology "
            "(Appendix D).",
        ),
        Recommendation(
            "single_agency_review",
            "Single agency review",
            None,
            False,
            "The agency may decline; the panel may then ask for its rationale.",
        ),
        Recommendation("no_further_action", "No further action", None, False),
    )
}


def recommendation_options(partnership: Partnership | None = None) -> dict[str, str]:
    """``{recommendation id: label}`` in the partnership's review labels, for a form."""
    return {rid: r.label_for(partnership) for rid, r in RECOMMENDATIONS.items()}


# -- which process leads ---------------------------------------------------------------------

# Review type and whether statutory, for each name a caller may give: a tool id, a tool
# outcome or a recommendation id. A rapid review is the statutory CSPR process (Children Act
# 2004 s16C; Working Together to Safeguard Children 2023, chapter 5) even before a local
# review is decided on.
_PROCESS: dict[str, tuple[str | None, bool]] = {
    "sar": ("sar", True),
    "statutory_sar": ("sar", True),
    "dhr": ("dhr", True),
    "statutory_dhr": ("dhr", True),
    "cspr": ("cspr", True),
    "statutory_cspr": ("cspr", True),
    "local_cspr": ("cspr", True),
    "rapid_review": ("cspr", True),
    "discretionary_sar": ("sar", False),
    "learning_lessons_review": (None, False),
    "single_agency_review": (None, False),
    "no_further_action": (None, False),
}
_NON_STATUTORY_ORDER = (
    "discretionary_sar",
    "learning_lessons_review",
    "single_agency_review",
    "no_further_action",
)

LEAD_SOURCE = (
    "Redbridge One Panel guidance, \"One Panel Decision Making\": the panel looks at where a "
    "case may meet statutory requirements for all three types of review and agrees \"if they "
    "meet more than one which process may take the lead\"."
)


@dataclass(frozen=True)
class LeadSuggestion:
    """The process suggested to lead (as the caller named it) and why, in a sentence or two."""

    process: str
    reason: str


def suggest_lead(
    applicable: Iterable[str],
    *,
    homicide: bool | None = None,
    subject_is_child: bool | None = None,
    intimate_partner: bool = False,
    partnership: Partnership | None = None,
) -> LeadSuggestion:
    """Suggest which process leads when a case meets the criteria for more than one review,
    and say why.

    Redbridge One Panel guidance, "One Panel Decision Making": the panel looks at where a
    case may meet statutory requirements for all three types of review and agrees "if they
    meet more than one which process may take the lead". The documents give no order, so
    the order below is this software's suggestion (a local setting, which the panel may
    override); one process leads and the other reviews' requirements are met within it:

    1. A statutory review leads over a non-statutory one: a Safeguarding Adults Review under
       Care Act 2014 s44(1), a DARDR under Domestic Violence, Crime and Victims Act 2004 s9,
       a CSPR's rapid review or local review (Children Act 2004 s16C; Working Together to
       Safeguard Children 2023, chapter 5) all lead over a discretionary SAR (s44(4)).
    2. The subject was a child (under 18, Children Act 1989 s105; a 16- or 17-year-old
       victim is also a child case, DOMAIN.md §11): the CSPR leads (its rapid review reaches
       the National Panel within 15 working days), unless a DARDR also applies and the
       person concerned was a current or former intimate partner (``intimate_partner``):
       then the death is domestic abuse between partners, the DARDR's subject, and it leads.
    3. Otherwise, where the death was a homicide (``homicide`` True, or not known: None) the
       DARDR leads; where it was a suicide (``homicide=False``) the DARDR leads only when
       neither the CSPR nor the SAR applies. Then the CSPR leads over the SAR, unless the
       subject is known to be an adult (``subject_is_child=False``).
    4. Among the non-statutory: discretionary SAR, then learning lessons review, then single
       agency review, then no further action.

    ``applicable`` may hold tool ids ("sar", "cspr", "dhr"), tool outcomes or
    recommendation ids; the one that leads is returned as given.
    """
    items = list(dict.fromkeys(applicable))
    if not items:
        raise ValueError("no process applies, so none can lead")
    unknown = [i for i in items if i not in _PROCESS]
    if unknown:
        raise ValueError(f"unknown review process: {', '.join(unknown)}")

    def label(review_type: str) -> str:
        return _review_label(partnership, review_type)

    statutory = {_PROCESS[i][0]: i for i in items if _PROCESS[i][1]}
    parts: list[str] = []
    if statutory and len(statutory) < len(items):
        parts.append("A statutory review leads over a non-statutory one.")
    if len(statutory) == 1:
        [(review_type, item)] = statutory.items()
        parts.append(f"The {label(str(review_type))} is the only statutory review that applies.")
        return LeadSuggestion(item, " ".join(parts))
    if statutory:
        dhr, cspr, sar = label("dhr"), label("cspr"), label("sar")
        if subject_is_child and "cspr" in statutory:
            if "dhr" in statutory and intimate_partner:
                parts.append(
                    "The subject was a child of 16 or 17 and the person concerned was a current "
                    f"or former intimate partner: the {dhr} leads, and the {cspr}'s "
                    "requirements (the rapid review, the National Panel) are met within it."
                )
                return LeadSuggestion(statutory["dhr"], " ".join(parts))
            parts.append(
                f"The subject was a child (under 18, Children Act 1989 s105): the {cspr} leads "
                "(its rapid review reaches the National Panel within 15 working days), and the "
                "other reviews' requirements are met within it."
            )
            return LeadSuggestion(statutory["cspr"], " ".join(parts))
        order = ["dhr", "cspr", "sar"] if homicide is not False else ["cspr", "sar", "dhr"]
        if subject_is_child is False:
            order.remove("cspr")
            order.insert(order.index("sar") + 1, "cspr")
        lead = next(rt for rt in order if rt in statutory)
        if lead == "dhr":
            parts.append(
                f"The death was a homicide, not a suicide: the {dhr} leads."
                if homicide
                else f"The {dhr} leads where the death was a homicide; whether it was a "
                "suicide is not yet known."
            )
        elif "dhr" in statutory:
            parts.append(
                f"The death was by suicide, not a homicide: the {label(lead)} leads, and the "
                f"{dhr}'s requirements are met within it."
            )
        elif lead == "sar":
            parts.append(f"The subject was an adult: the {sar} leads over the {cspr}.")
        else:
            parts.append(
                f"The {cspr} leads over the {sar}: a child's review, with the rapid review's "
                "time limits."
            )
        return LeadSuggestion(statutory[lead], " ".join(parts))
    for rid in _NON_STATUTORY_ORDER:
        if rid in items:
            return LeadSuggestion(
                rid,
                "No statutory review applies: "
                + (
                    f"the discretionary {label('sar')} leads."
                    if rid == "discretionary_sar"
                    else "the fullest of the other options leads."
                ),
            )
    return LeadSuggestion(items[0], "")


def lead_process(
    applicable: Iterable[str],
    *,
    homicide: bool | None = None,
    subject_is_child: bool | None = None,
    intimate_partner: bool = False,
) -> str:
    """Which process leads (``suggest_lead``, which says why): the name as given."""
    return suggest_lead(
        applicable,
        homicide=homicide,
        subject_is_child=subject_is_child,
        intimate_partner=intimate_partner,
    ).process


def _check_tools() -> None:
    """Each ``shown_if`` refers only to earlier questions of its tool (so answers can be
    applied in order)."""
    for tool in TOOLS.values():
        seen: set[str] = set()
        for q in tool.questions:
            if q.shown_if is not None and not q.shown_if.questions() <= seen:
                raise RuntimeError(f"{tool.id}.{q.id}: shown_if refers to a later question")
            seen.add(q.id)


_check_tools()
