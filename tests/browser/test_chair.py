"""The chair at a meeting in a real browser: declares an interest, rules on it, records
attendance (the quoracy changes) and records a decision with the decision tool. Every
page, and every error state, is checked with axe-core.

Meeting 2 is the upcoming demo meeting (tests/browser/server.py): the chair (adult social
care) and a panel member (police) are invited, and referrals RED-…-0002 (child
safeguarding) and RED-…-0003 (domestic homicide) are on its agenda.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import Journey, sign_in

pytestmark = pytest.mark.browser

MEETING = "/meetings/2"
RULING = "Withdraws from the decision (may take part in the discussion)"
RATIONALE = "The death appears to have resulted from abuse by a former partner living in the same household."


def quoracy(j: Journey) -> str:
    """The text of the quoracy card on the meeting page."""
    card = j.page.locator("#quoracy + .govuk-summary-card")
    return " ".join(card.inner_text().split())


def here(j: Journey) -> str:
    """The path without its fragment (pages redirect to a section, e.g. "#decisions")."""
    return j.path().split("#")[0]


def answer_the_decision_tool(j: Journey) -> None:
    """Answer "Yes" to every question the tool shows, pressing "Update the questions" until
    no new question appears (later questions depend on earlier answers)."""
    page = j.page
    for _ in range(6):
        # The tools' questions are the radio groups named "<tool>-<question>".
        groups = page.locator("fieldset:has(input[type=radio][name*='-'])").all()
        unanswered = [
            group.locator("legend").inner_text().strip()
            for group in groups
            if not group.locator("input:checked").count()
        ]
        if not unanswered:
            return
        for text in unanswered:
            page.get_by_role("group", name=text, exact=True).get_by_label("Yes", exact=True).check()
        j.submit("Update the questions")
    raise AssertionError("the decision tool kept showing new questions")


def test_chair_declares_rules_records_attendance_and_a_decision(journey, live_server) -> None:  # type: ignore[no-untyped-def]
    j = journey
    page = j.page
    sign_in(j, live_server.users["chair"], live_server.password)
    j.goto(MEETING, "meeting")
    assert "Not quorate" in quoracy(j)
    before = quoracy(j)

    # Declare an interest: first sent empty, then completed.
    with page.expect_navigation():
        page.get_by_role("link", name="Declare an interest in an agenda item").click()
    assert j.path() == f"{MEETING}/declare"
    j.check("declare")
    j.submit("Send declaration")
    summary = j.error_summary()
    assert "agenda item" in summary and "interest" in summary, summary
    j.check("declare-errors")
    item = page.get_by_label("Meeting and agenda item")
    option = item.locator("option", has_text=re.compile(r"item [\d.]+: New referral RED-\d{4}-0002"))
    item.select_option(label=option.inner_text().strip())
    page.get_by_role("group", name="Do you have an interest in this case?").get_by_label("Yes", exact=True).check()
    page.get_by_label("Professional or agency involvement with the case").check()
    page.get_by_label("Give details of your interest").fill("My service worked with the family in 2025.")
    j.check("declare-interest-filled")
    j.submit("Send declaration")
    assert here(j) == MEETING, j.error_summary()
    assert "Your declaration has been recorded" in page.locator(".govuk-notification-banner").inner_text()
    j.check("meeting-declared")

    # Rule on it: first without a choice, then "withdraws from the decision".
    with page.expect_navigation():
        page.get_by_role("link", name="Rule on declarations").click()
    assert j.path() == f"{MEETING}/declarations"
    j.check("declarations")
    card = page.locator(".govuk-summary-card", has_text="Test chair")
    assert "My service worked with the family" in card.inner_text()
    legend = re.compile(r"How is the interest of Test chair in item [\d.]+ to be managed\?")
    j.submit("Record the ruling")
    assert "Select how the interest is to be managed" in j.error_summary()
    j.check("declarations-ruling-error")
    page.get_by_role("group", name=legend).get_by_label(RULING).check()
    page.get_by_label("Note for the minutes (optional)").fill("Agreed by the panel.")
    j.submit("Record the ruling")
    assert j.path() == f"{MEETING}/declarations", j.error_summary()
    assert f"{RULING}: Agreed by the panel." in page.locator(".govuk-summary-card", has_text="Test chair").inner_text()
    j.check("declarations-ruled")

    # Record attendance: both invited present, so two more partner agencies are there.
    j.goto(MEETING)
    with page.expect_navigation():
        page.get_by_role("link", name="Record attendance").click()
    assert j.path() == f"{MEETING}/attendance"
    j.check("attendance")
    for name in ("Test chair", "Test panel member"):
        page.get_by_role("group", name=f"Attendance of {name}").get_by_label("Present").check()
    page.get_by_label("Test chair attends as").select_option("chair")
    page.get_by_label("Test panel member attends as").select_option("member")
    j.submit("Save attendance")
    assert here(j) == MEETING, j.error_summary()
    after = quoracy(j)
    assert after != before
    assert "attendance not recorded yet" in before and "attendance not recorded yet" not in after
    assert "No one from police is present" in before and "No one from police is present" not in after
    assert "No one from adult social care is present" not in after
    assert "Not quorate The meeting is not quorate because:" in after
    assert "No one from health is present" in after
    rows = page.locator("#attendance ~ table").first.locator("tbody tr")
    assert "Present" in rows.filter(has_text="Test panel member").inner_text()
    j.check("meeting-attendance-recorded")

    # Not quorate: the chair records what the meeting does (first without a choice).
    chair_decides = "Record the chair's decision"
    j.submit(chair_decides)
    assert "Select what the chair has decided" in j.error_summary()
    j.check("meeting-not-quorate-choice-error")
    page.get_by_role("group", name="The meeting is not quorate. What has the chair decided?").get_by_label(
        "Continue the meeting"
    ).check()
    j.submit(chair_decides)
    assert here(j) == MEETING, j.error_summary()
    assert "The chair decided: Continue the meeting" in quoracy(j)

    # Record the decision on the domestic homicide referral with the decision tool.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Record the decision on item [\d.]+")).last.click()
    assert re.fullmatch(rf"{MEETING}/items/\d+/decision", j.path()), j.path()
    reference = re.search(r"RED-\d{4}-\d{4}", page.get_by_role("heading", level=1).inner_text()).group(0)
    j.check("decision")
    j.submit("Record the decision")
    summary = j.error_summary()
    for message in ("Select the panel's recommendation", "Enter the rationale for the decision",
                    "Select whether the panel agreed by consensus or voted"):
        assert message in summary, summary
    j.check("decision-errors")
    answer_the_decision_tool(j)
    suggestion = page.locator(".govuk-inset-text", has_text="The tool suggests")
    assert suggestion.count() == 1, page.locator("main").inner_text()[:2000]
    j.check("decision-tool-answered")
    recommended = "Statutory Domestic Homicide Review"
    page.get_by_role("group", name="What does the panel recommend?").get_by_label(recommended, exact=True).check()
    page.get_by_label("Methodology").select_option(label="Appreciative inquiry")
    page.get_by_label("Rationale for the decision").fill(RATIONALE)
    page.get_by_label("By consensus").check()
    j.submit("Record the decision")
    assert here(j) == MEETING, j.error_summary()
    assert f"Decision recorded for {reference}" in page.locator(".govuk-notification-banner").inner_text()
    decision = page.locator("#decisions ~ table").first.locator("tbody tr", has_text=reference)
    assert recommended in decision.inner_text() and "Consensus" in decision.inner_text()
    agenda = page.locator("#agenda ~ table").first.locator("tbody tr", has_text=reference)
    assert "Decided" in agenda.inner_text()
    j.check("meeting-decided")
