"""The reader's parts on their own: UK dates, checkbox states, choice marks in text,
question headings in awkward text."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.acroform import is_on, match_option
from ingest.dates import leading_date, parse_uk_date
from ingest.fields import DEFAULT_SCREENING_FIELDS
from ingest.model import ExtractedReturn, FieldSpec
from ingest.reader import Document, locate_headings, read_answers, read_choice, strip_furniture
from ingest.text import Line

STATUS = next(f for f in DEFAULT_SCREENING_FIELDS if f.name == "status")
YES_NO = FieldSpec("q", "Question?", "radio", (("yes", "Yes"), ("no", "No")))


@pytest.mark.parametrize(
    ("text", "expected", "raw"),
    [
        ("03/04/2026", date(2026, 4, 3), "03/04/2026"),  # 3 April: day first, never 4 March
        ("3/4/26", date(2026, 4, 3), "3/4/26"),
        ("03.04.2026", date(2026, 4, 3), "03.04.2026"),
        ("2026-04-03", date(2026, 4, 3), "2026-04-03"),
        ("2nd March 2026", date(2026, 3, 2), "2nd March 2026"),
        ("seen on 2 Sept 2026 at home", date(2026, 9, 2), "2 Sept 2026"),
        ("31/02/2026", None, "31/02/2026"),
        ("30 February 2026", None, "30 February 2026"),
        ("12 items 2026", None, ""),
        ("no date here", None, ""),
        ("Visit 5/6/2026, then 2026-01-01", date(2026, 6, 5), "5/6/2026"),  # the first date wins
    ],
)
def test_uk_dates_are_read_day_first(text: str, expected: date | None, raw: str) -> None:
    assert parse_uk_date(text) == (expected, raw)


def test_a_line_starting_with_a_date_is_recognised() -> None:
    assert leading_date("03/01/2026 09:15 Home visit")
    assert leading_date("17 January 2026 Telephone")
    assert leading_date("- 2026-02-04 Missed visit")
    assert not leading_date("Printed 12/03/2026 by the records team")
    assert not leading_date("12 Items 2026")


@pytest.mark.parametrize(
    ("state", "ticked"),
    [("/Off", False), ("", False), (None, False), ("/Yes", True), ("/On", True), ("/1", True), ("/dols", True)],
)
def test_checkbox_states_are_normalised(state: str | None, ticked: bool) -> None:
    assert is_on(state) is ticked


def test_export_names_match_option_values_or_labels() -> None:
    assert match_option("Yes", YES_NO) == "yes"
    assert match_option("NO", YES_NO) == "no"
    assert match_option("Child in need", STATUS) == "child_in_need"
    assert match_option("child in need", STATUS) == "child_in_need"
    assert match_option("Maybe", YES_NO) is None


def _pieces(*lines: str) -> list[tuple[str, Line]]:
    return [(text, Line(text, 1)) for text in lines]


@pytest.mark.parametrize(
    ("lines", "chosen", "confidence"),
    [
        (("☒ Yes", "☐ No"), ["yes"], 0.9),
        (("☐ Yes ☒ No",), ["no"], 0.9),
        (("[x] Yes", "[ ] No"), ["yes"], 0.9),
        (("( ) Yes   (X) No",), ["no"], 0.9),
        (("X Yes", "No"), ["yes"], 0.9),
        (("No",), ["no"], 0.8),  # simply the answer word
        (("No - closed in 2024",), ["no"], 0.8),
        (("☐ Yes", "☐ No"), [], 0.6),  # clearly not answered
        (("Yes?", "No?"), [], 0.4),  # neither a mark nor an answer word
        (("Yes", "No"), [], 0.4),  # both printed, neither marked
    ],
)
def test_choice_marks_in_text(lines: tuple[str, ...], chosen: list[str], confidence: float) -> None:
    messages: list[str] = []
    assert read_choice(YES_NO, _pieces(*lines), messages) == (chosen, confidence)
    assert bool(messages) == (not chosen)


def test_longer_option_label_is_not_mistaken_for_a_shorter_one() -> None:
    known = FieldSpec("k", "Known?", "radio", (("known", "Known to the service"), ("not_known", "Not known to the service")))
    assert read_choice(known, _pieces("☐ Known to the service", "☒ Not known to the service"), []) == (["not_known"], 0.9)


def test_several_ticked_boxes_of_a_checkbox_question() -> None:
    lines = [f"{'☒' if v in ('mappa', 'none') else '☐'} {label}" for v, label in STATUS.options]
    assert read_choice(STATUS, _pieces(*lines), []) == (["mappa", "none"], 0.9)


def test_two_marked_answers_to_a_radio_question_are_flagged() -> None:
    messages: list[str] = []
    assert read_choice(YES_NO, _pieces("☒ Yes", "☒ No"), messages) == (["yes"], 0.5)
    assert messages == ["More than one answer was marked for 'Question?'; check it against the page."]


def _read(pages: list[list[str]], fields: list[FieldSpec]) -> ExtractedReturn:
    doc = Document.of(strip_furniture([[Line(t, n) for t in lines] for n, lines in enumerate(pages, start=1)]))
    result = ExtractedReturn(kind="flat", page_count=len(pages))
    read_answers(doc, locate_headings(doc, fields), result)
    return result


def test_headings_are_found_despite_wrapping_case_quotes_and_numbering() -> None:
    fields = [
        FieldSpec("agency", "Agency completing this return", "text"),
        FieldSpec("analysis", "Analysis of your agency's involvement", "textarea"),
        FieldSpec("review", "Is an internal review under way?", "radio", (("yes", "Yes"), ("no", "No"))),
    ]
    result = _read(
        [[
            "Please give your agency's involvement below.",  # an instruction naming a heading's words
            "1. AGENCY COMPLETING",
            "THIS RETURN",
            "Barts Health",
            "Analysis of your agency’s involvement:",  # curly apostrophe, colon
            "First point.",
            "Is an internal review under way? No",  # answer on the heading's own line
        ]],
        fields,
    )
    assert {k: v.value for k, v in result.values.items()} == {
        "agency": "Barts Health",
        "analysis": "First point.",
        "review": "no",
    }


def test_running_headers_footers_and_page_numbers_are_left_out_of_answers() -> None:
    fields = [FieldSpec("analysis", "Analysis", "textarea"), FieldSpec("other", "Other agencies", "textarea")]
    result = _read(
        [
            ["Safeguarding Partnership", "Analysis", "First paragraph.", "In confidence", "Page 1 of 2"],
            ["Safeguarding Partnership", "Second paragraph.", "Other agencies", "GP", "In confidence", "Page 2 of 2"],
        ],
        fields,
    )
    assert result.values["analysis"].value == "First paragraph.\nSecond paragraph."
    assert result.values["analysis"].page == 1
    assert result.values["other"].value == "GP"
    assert result.values["other"].page == 2
