"""The audit log: sign-ins and refusals are recorded; admins export it as CSV, audited."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime

from sqlalchemy import select

from storage import audit
from storage.db import Session
from storage.models import AuditEvent
from tests.helpers import TEST_PASSWORD, Client


def _actions() -> list[str]:
    Session.remove()
    return [e.action for e in Session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_failed_sign_in_and_sign_out_are_recorded(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    client.post("/sign-in", {"email": staff["chair"].email, "password": "wrong"}, status=200)
    client.sign_in(staff["chair"].email)
    client.post("/sign-out")
    assert _actions() == ["sign_in_failed", "sign_in", "sign_out"]


def test_object_not_found_is_recorded_even_where_the_view_does_not(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["admin"].email)
    client.post("/admin/users/987654/active", status=404)
    entry = Session.scalars(select(AuditEvent).where(AuditEvent.action == "not_found")).one()
    assert entry.outcome == "denied" and entry.user_id == staff["admin"].id
    assert entry.detail == {"endpoint": "admin.toggle_active", "ids": {"user_id": 987654}}


def _export(client: Client, query: str = ""):  # type: ignore[no-untyped-def]
    response = client.get(f"/admin/audit/export.csv{query}")
    return response, list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_admin_exports_the_audit_log_as_csv_for_a_date_range(app, staff) -> None:  # type: ignore[no-untyped-def]
    audit.record(actor="system", action="old_thing")
    old = Session.scalars(select(AuditEvent).where(AuditEvent.action == "old_thing")).one()
    Session.execute(
        AuditEvent.__table__.update().where(AuditEvent.id == old.id).values(at=datetime(2020, 1, 5, 12, tzinfo=UTC))
    )
    Session.commit()
    audit.record(actor="system", action="formula", object_id="=HYPERLINK(\"http://x\")")
    client = Client(app)
    client.sign_in(staff["admin"].email)
    response, rows = _export(client)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert rows[0][:5] == ["id", "at", "actor", "user_id", "action"]
    actions = [r[4] for r in rows[1:]]
    assert "old_thing" in actions and "sign_in" in actions and "formula" in actions
    # A cell a spreadsheet would run as a formula is kept as text.
    assert "'=HYPERLINK(\"http://x\")" in [r[6] for r in rows[1:]]
    _, ranged = _export(client, "?from=2020-01-01&to=2020-01-31")
    assert [r[4] for r in ranged[1:]] == ["old_thing"]
    _, after = _export(client, f"?from={datetime.now(UTC).date().isoformat()}")
    assert "old_thing" not in [r[4] for r in after[1:]]
    exports = Session.scalars(select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.object_type == "audit_log")).all()
    assert [e.detail for e in exports] == [
        {"from": None, "to": None},
        {"from": "2020-01-01", "to": "2020-01-31"},
        {"from": datetime.now(UTC).date().isoformat(), "to": None},
    ]


def test_a_bad_date_range_is_refused_with_a_message_and_no_export(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["admin"].email)
    page = client.get("/admin/audit/export.csv?from=2020-13-01", status=400).get_data(as_text=True)
    assert "Enter a real date, for example 2027-01-31" in page
    page = client.get("/admin/audit?from=2020-02-01&to=2020-01-01", status=400).get_data(as_text=True)
    assert "The end date must be the same as or after the start date" in page
    assert "export" not in _actions()


def test_only_admins_export_the_audit_log(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    client.get("/admin/audit/export.csv", status=403)
    assert "export" not in _actions()


def test_personal_data_never_reaches_the_application_logs(app, staff, caplog) -> None:  # type: ignore[no-untyped-def]
    from tests.views.test_refer import fill_all_pages, start_and_confirm
    from workflow.demo_referrals import demo_answers

    caplog.set_level(logging.DEBUG)
    answers = demo_answers()[0]
    client = Client(app)
    start_and_confirm(client, app)
    assert fill_all_pages(client, app, answers) == "/refer/check"
    client.get("/refer/check")
    client.post("/refer/check", {"declaration": "y"})
    client.get("/refer/done")
    secretariat = Client(app)
    secretariat.sign_in(staff["secretariat"].email)
    from storage.models import Referral

    referral = Session.scalars(select(Referral)).one()
    secretariat.get(f"/secretariat/referrals/{referral.id}")
    secretariat.get("/secretariat/")
    # A refused post carrying the name: refusals are logged, the data posted is not.
    secretariat.post(
        f"/secretariat/referrals/{referral.id}/information",
        {"question": "Is Arthur Ellis known to you?"}, csrf=False, status=400,
    )
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for private in ("Arthur", "Ellis", "9434765919", "943 476 5919", "1948-02-14", "Karen", TEST_PASSWORD):
        assert private not in text
