"""The chair at a meeting in a real browser: rules on a member's declared interest,
records attendance (the quoracy changes), finds that no decision can be recorded while the
meeting is not quorate, makes it quorate and records a decision with the decision tool.
Every page, and every error state, is checked with axe-core.

Meeting 2 is the upcoming demo meeting (tests/browser/server.py): the chair (adult social
care), a panel member (police) and members for health, children's social care and
community safety are invited, and referrals RED-…-0002 (child safeguarding) and RED-…-0003
(domestic abuse related death) are on its agenda. Redbridge's One Panel is quorate only
with health, children's social care, adult social care, community safety and police
present, and its rules let the chair only reschedule an inquorate meeting.
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


def test_chair_rules_records_attendance_and_a_decision(new_journey, live_server) -> None:  # type: ignore[no-untyped-def]
    # A panel member declares an interest: first sent empty, then completed. Nobody rules on
    # their own declaration, so the chair rules on the member's.
    member = new_journey(who="panel-member")
    sign_in(member, live_server.users["panel_member"], live_server.password)
    member.goto(MEETING, "member-meeting")
    mpage = member.page
    with mpage.expect_navigation():
        mpage.get_by_role("link", name="Declare an interest in an agenda item").click()
    assert member.path() == f"{MEETING}/declare"
    member.check("declare")
    member.submit("Send declaration")
    summary = member.error_summary()
    assert "agenda item" in summary and "interest" in summary, summary
    member.check("declare-errors")
    item = mpage.get_by_label("Meeting and agenda item")
    option = item.locator("option", has_text=re.compile(r"item [\d.]+: New referral RED-\d{4}-0002"))
    item.select_option(label=option.inner_text().strip())
    mpage.get_by_role("group", name="Do you have an interest in this case?").get_by_label("Yes", exact=True).check()
    mpage.get_by_label("Professional or agency involvement with the case").check()
    mpage.get_by_label("Give details of your interest").fill("My service worked with the family in 2025.")
    member.check("declare-interest-filled")
    member.submit("Send declaration")
    assert here(member) == MEETING, member.error_summary()
    assert "Your declaration has been recorded" in mpage.locator(".govuk-notification-banner").inner_text()
    member.check("member-meeting-declared")

    j = new_journey(who="chair")
    page = j.page
    sign_in(j, live_server.users["chair"], live_server.password)
    j.goto(MEETING, "meeting")
    assert "Not quorate" in quoracy(j)
    before = quoracy(j)

    # Rule on it: first without a choice, then "withdraws from the decision".
    with page.expect_navigation():
        page.get_by_role("link", name="Rule on declarations").click()
    assert j.path() == f"{MEETING}/declarations"
    j.check("declarations")
    card = page.locator(".govuk-summary-card", has_text="Test panel member")
    assert "My service worked with the family" in card.inner_text()
    legend = re.compile(r"How is the interest of Test panel member in item [\d.]+ to be managed\?")
    j.submit("Record the ruling")
    assert "Select how the interest is to be managed" in j.error_summary()
    j.check("declarations-ruling-error")
    page.get_by_role("group", name=legend).get_by_label(RULING).check()
    page.get_by_label("Note for the minutes (optional)").fill("Agreed by the panel.")
    j.submit("Record the ruling")
    assert j.path() == f"{MEETING}/declarations", j.error_summary()
    assert f"{RULING}: Agreed by the panel." in page.locator(".govuk-summary-card", has_text="Test panel member").inner_text()
    j.check("declarations-ruled")

    # Record attendance: the chair and the police member present, so two more partner
    # agencies are there; health, children's social care and community safety are not yet.
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

    # Not quorate: Redbridge's rules give the chair only "reschedule" (first sent without a
    # choice); nothing is chosen here, as the missing members are about to arrive.
    chair_decides = "Record the chair's decision"
    j.submit(chair_decides)
    assert "Select what the chair has decided" in j.error_summary()
    j.check("meeting-not-quorate-choice-error")
    choices = page.get_by_role("group", name="The meeting is not quorate. What has the chair decided?")
    assert choices.get_by_role("radio").count() == 1
    assert choices.get_by_label("Reschedule the meeting").count() == 1

    # No decision can be recorded until the meeting is quorate.
    j.goto(MEETING)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Record the decision on item [\d.]+")).last.click()
    assert re.fullmatch(rf"{MEETING}/items/\d+/decision", j.path()), j.path()
    blocked = page.locator("#quorum").inner_text()
    assert "The meeting is not quorate" in blocked and "No decision can be recorded until the meeting is quorate" in blocked, blocked
    j.check("decision-not-quorate")

    # The other members arrive: the meeting is quorate.
    j.goto(f"{MEETING}/attendance")
    for group in page.get_by_role("group", name=re.compile(r"^Attendance of ")).all():
        group.get_by_label("Present").check()
    j.submit("Save attendance")
    assert here(j) == MEETING, j.error_summary()
    assert quoracy(j).startswith("Quorate"), quoracy(j)
    assert "Every part of the quorum rule is met." in quoracy(j)
    j.check("meeting-quorate")

    # Record the decision on the domestic abuse related death referral with the decision tool.
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
    recommended = "Statutory Domestic Abuse Related Death Review (formerly DHR)"
    page.get_by_role("group", name="What does the panel recommend?").get_by_label(recommended, exact=True).check()
    page.get_by_label("Methodology").select_option(label="Appreciative inquiry")
    page.get_by_label("Rationale for the decision").fill(RATIONALE)
    page.get_by_label("By consensus").check()
    j.submit("Record the decision")
    assert here(j) == MEETING, j.error_summary()
    assert f"Decision recorded for {reference}" in page.locator(".govuk-notification-banner").inner_text()
    decision = page.locator("#decisions ~ table").first.locator("tbody tr", has_text=reference)
    assert recommended in decision.inner_text() and "Consensus" in decision.inner_text()
    assert "Taken when not quorate" not in decision.inner_text()
    agenda = page.locator("#agenda ~ table").first.locator("tbody tr", has_text=reference)
    assert "Decided" in agenda.inner_text()
    j.check("meeting-decided")
