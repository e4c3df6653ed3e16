"""Each kind of returned PDF read back value for value: our filled fillable PDF, our Word
request saved as PDF, the same printed and scanned, and an agency's own export."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader, PdfWriter

from ingest import ExtractedReturn, FieldSpec, extract
from tests.ingest.helpers import fixture_bytes, require_tool


def _by_name(result: ExtractedReturn) -> dict[str, object]:
    return {name: v.value for name, v in result.values.items()}


def test_filled_fillable_pdf_is_read_from_its_fields(fields: list[FieldSpec]) -> None:
    result = extract(fixture_bytes("filled_fillable.pdf"), fields)
    assert result.kind == "acroform"
    assert result.page_count == 3
    assert not result.needs_manual_entry
    assert _by_name(result) == {
        "agency_name": "Smith & Jones <Community> Health",
        "completed_by_name": "Siobhán O’Neill",
        "completed_by_role": "Named nurse 🙂",
        "subject_known": "yes",
        "others_known": "Jo Bloggs (mother): known since 2019\nSam Bloggs (brother): not known",
        "status": ["child_in_need", "marac"],
        "analysis": "We said “we’ll call back” & did not.\nThe referral <pathway> was unclear.",
        "other_agencies": "GP practice; housing",
        "internal_review": "no",  # export name "/No" matched to the option's label
        "lessons_learnt": "",
    }
    pages = {name: v.page for name, v in result.values.items()}
    assert pages["agency_name"] == 1 and pages["status"] == 2 and pages["analysis"] == 3
    assert {v.confidence for v in result.values.values()} == {1.0}
    assert result.values["internal_review"].raw == "No"
    assert [(c.date, c.raw_date, c.event, c.outcome, c.page) for c in result.chronology] == [
        (date(2026, 3, 2), "02/03/2026", "Home visit by district nurse", "Referred to GP", 2),
        (date(2026, 4, 3), "3 April 2026", "Telephone call from daughter", "Advice given", 2),
        (date(2026, 4, 15), "2026-04-15", "A&E attendance after a fall", "Discharged home", 2),
        (None, "31/02/2026", "Entry with an impossible date", "", 2),
        (date(2026, 4, 3), "03/04/2026", "Missed appointment", "Letter sent", 2),  # 3 April, never 4 March
    ]
    assert [c.confidence for c in result.chronology] == [1.0, 1.0, 1.0, 0.5, 1.0]
    assert result.messages == ["Chronology row 4: '31/02/2026' is not a date that exists; check it."]


def test_word_request_saved_as_pdf_is_read_by_its_headings(fields: list[FieldSpec]) -> None:
    result = extract(fixture_bytes("word_saved_as_pdf.pdf"), fields)
    assert result.kind == "flat"
    assert result.page_count == 2
    assert not result.needs_manual_entry
    assert _by_name(result) == {
        "agency_name": "Barts Health NHS Trust",
        "completed_by_name": "Sam Nurse",
        "completed_by_role": "Named nurse for safeguarding adults",
        "subject_known": "yes",  # "☒ Yes" / "☐ No"
        # the printed hint, wrapped over two lines, is not part of the answer
        "others_known": "Jo Bloggs (mother): known, attended outpatients in 2025.",
        "status": ["adult_safeguarding_enquiry", "dols"],
        "analysis": (
            "We saw him twice in the spring. Both times the ward recorded that he was low in mood "
            "and that his daughter was worried about falls at home, but no referral was made to "
            "adult social care because the staff did not think the threshold was met.\n"
            "We did not share the concern because the referral pathway was unclear to the ward team, "
            "and the safeguarding lead was on leave."
        ),
        "other_agencies": "GP practice and the community mental health team.",
        "internal_review": "no",  # "[ ] Yes      [x] No" on one line
        "lessons_learnt": "Ward staff now have a one-page guide to making an adult safeguarding referral.",
    }
    v = result.values
    assert (v["agency_name"].page, v["status"].page, v["analysis"].page, v["lessons_learnt"].page) == (1, 1, 2, 2)
    assert v["agency_name"].confidence == 0.9
    # The running header and footer repeated on each page are not taken as answers.
    assert all("Redbridge" not in str(x.raw) and "In confidence" not in str(x.raw) for x in v.values())
    assert [(c.date, c.raw_date, c.event, c.outcome, c.page) for c in result.chronology] == [
        (date(2026, 3, 2), "2 March 2026", "Outpatient appointment", "Did not attend", 2),
        (date(2026, 4, 15), "15/04/2026", "A&E attendance after a fall at home", "Discharged home with advice", 2),
        (date(2026, 4, 3), "03/04/2026", "Telephone call from daughter about falls", "Added to the falls clinic list", 2),
        (None, "31/02/2026", "Entry with an impossible date", "None", 2),
        (date(2026, 5, 1), "2026-05-01", "Admitted to the ward with a chest infection", "Discharged on 8 May", 2),
        (date(2026, 5, 9), "9 May 2026", "Discharge letter to GP", "None", 2),
    ]
    assert result.chronology[3].confidence < result.chronology[0].confidence == 0.9
    assert result.messages == ["Chronology: '31/02/2026' (page 2) is not a date that exists; check it."]


def _words(text: str) -> set[str]:
    return set("".join(c.lower() if c.isalnum() else " " for c in text).split())


def test_scanned_return_is_read_by_ocr_with_the_sideways_page_straightened(fields: list[FieldSpec]) -> None:
    require_tool("tesseract")
    result = extract(fixture_bytes("scanned.pdf"), fields)
    assert result.kind == "scanned"
    assert result.page_count == 2
    v = result.values
    assert _words("Barts Health NHS Trust") <= _words(str(v["agency_name"].value))
    assert _words("Sam Nurse") <= _words(str(v["completed_by_name"].value))
    assert v["subject_known"].value == "yes"
    assert v["status"].value == ["adult_safeguarding_enquiry", "dols"]
    assert v["internal_review"].value == "no"
    # Page 2 was fed in sideways: its answers are only readable once it is turned.
    assert v["analysis"].page == 2
    assert _words("did not share the concern because the referral pathway was unclear") <= _words(
        str(v["analysis"].value)
    )
    assert _words("one-page guide") <= _words(str(v["lessons_learnt"].value))
    assert any(m.startswith("Page 2 was rotated 90°") and "straightened" in m for m in result.messages)
    assert not any(m.startswith("Page 1 was rotated") for m in result.messages)
    # Confidence comes from Tesseract: below the text-layer figure, but a clean scan is well read.
    assert 0.6 < v["agency_name"].confidence < 0.9
    assert [c.date for c in result.chronology] == [
        date(2026, 3, 2), date(2026, 4, 15), date(2026, 4, 3), None, date(2026, 5, 1), date(2026, 5, 9)
    ]
    assert result.chronology[3].raw_date == "31/02/2026"
    assert _words("A&E attendance after a fall at home") <= _words(result.chronology[1].event)
    assert _words("Discharged home with advice") <= _words(result.chronology[1].outcome)
    assert {c.page for c in result.chronology} == {2}


def test_a_text_page_with_a_scanned_page_reads_both(fields: list[FieldSpec]) -> None:
    require_tool("tesseract")
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(fixture_bytes("word_saved_as_pdf.pdf"))).pages[0])
    writer.add_page(PdfReader(io.BytesIO(fixture_bytes("scanned.pdf"))).pages[1])
    out = io.BytesIO()
    writer.write(out)
    result = extract(out.getvalue(), fields)
    assert result.kind == "flat"
    assert result.values["agency_name"].value == "Barts Health NHS Trust"
    assert result.values["agency_name"].confidence == 0.9
    assert result.values["internal_review"].value == "no"
    assert _words("one-page guide") <= _words(str(result.values["lessons_learnt"].value))
    assert "Page 2 had no text and was read by OCR." in result.messages


def test_agency_export_keeps_text_and_tables_and_offers_its_dated_rows(fields: list[FieldSpec]) -> None:
    result = extract(fixture_bytes("agency_export.pdf"), fields)
    assert result.kind == "other"
    assert result.needs_manual_entry
    assert result.values == {}
    assert "Case notes export - Client 99812" in result.text_by_page[0]
    [table] = result.tables
    assert table.page == 1
    assert table.rows[0] == ["Date/Time", "Practitioner", "Contact type", "Notes"]
    assert [(c.date, c.raw_date) for c in result.chronology] == [
        (date(2026, 1, 3), "03/01/2026"),
        (date(2026, 1, 17), "17 January 2026"),
        (date(2026, 2, 4), "2026-02-04"),
        (date(2026, 2, 4), "04/02/2026"),
        (date(2026, 3, 11), "11/03/2026"),
    ]
    assert result.chronology[1].event == "J. Okafor; Telephone; Daughter rang about two falls in the last week."
    assert result.chronology[0].event.startswith("09:15; A. Patel (DN); Home visit; Leg ulcer dressed.")
    assert {c.confidence for c in result.chronology} == {0.5}
    assert result.messages[0].startswith("This PDF is not our request form")
    assert "5 rows starting with a date" in result.messages[1]


def test_a_custom_field_list_is_followed(fields: list[FieldSpec]) -> None:
    """The questions come from the caller: only those are read, by their own labels."""
    own = [
        FieldSpec("who", "Your name", "text"),
        FieldSpec("role", "Your role", "text"),
        FieldSpec("review", "Is an internal review under way?", "radio", (("y", "Yes"), ("n", "No"))),
    ]
    result = extract(fixture_bytes("word_saved_as_pdf.pdf"), own)
    assert result.kind == "flat"
    assert result.values["who"].value == "Sam Nurse"
    assert result.values["review"].value == "n"
