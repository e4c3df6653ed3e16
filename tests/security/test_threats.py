"""One test per threat, named after it: each asserts the exact response and that nothing
was written (beyond the audit entry that records the attempt)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from config import Config
from storage.db import Session
from storage.models import AuditEvent, Referral, Role, ScreeningReturn, StoredFile, User
from tests.factories import make_referral, make_screening_request
from tests.helpers import TEST_PASSWORD, Client
from tests.security.conftest import code_for, counts_without_audit, row_counts, sign_in_with_code
from tests.test_access import object_samples  # noqa: F401 - the fixture, shared
from workflow import screening

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXTRA_SAMPLES = {"page_id": "context", "token": "not-a-token"}


def _denied() -> list[AuditEvent]:
    Session.remove()
    return list(Session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)))


# -- sign-in ------------------------------------------------------------------------------


def test_brute_force_password_locks_the_account_with_the_same_answer(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    pages = [
        client.post("/sign-in", {"email": staff["admin"].email, "password": f"guess-{i}"}, status=200)
        for i in range(5)
    ]
    right = client.post("/sign-in", {"email": staff["admin"].email, "password": TEST_PASSWORD}, status=200)
    for page in [*pages, right]:
        assert "Enter a correct e-mail address and password" in page.get_data(as_text=True)
    assert "/sign-in" in client.get("/admin/users", status=302).location
    Session.remove()
    assert Session.get(User, staff["admin"].id).locked_until is not None
    actions = [e.action for e in Session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["sign_in_failed"] * 6


def test_brute_force_is_rate_limited_per_address(app_factory, staff) -> None:  # type: ignore[no-untyped-def]
    app = app_factory(LOGIN_RATE_LIMIT="5 per minute")
    client = Client(app)
    client.get("/sign-in")
    for i in range(5):
        client.post("/sign-in", {"email": f"x{i}@example.org", "password": "y"}, status=200)
    before = row_counts()
    response = client.post("/sign-in", {"email": staff["chair"].email, "password": TEST_PASSWORD}, status=429)
    assert "Too many attempts" in response.get_data(as_text=True)
    assert row_counts() == before


def test_brute_force_on_the_security_code_locks_the_account(app2fa, staff) -> None:  # type: ignore[no-untyped-def]
    user = staff["secretariat"]
    secret = sign_in_with_code(Client(app2fa), user.email)
    client = Client(app2fa)
    client.get("/sign-in")
    client.post("/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    client.get("/sign-in/code")
    good = code_for(secret, 1)
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != good][:5]
    for code in wrong:
        page = client.post("/sign-in/code", {"code": code}, status=200)
        assert "Enter the 6-digit code shown in your authenticator app" in page.get_data(as_text=True)
    # Locked now: even the right code is refused, and nothing is signed in.
    client.post("/sign-in/code", {"code": good}, status=200)
    assert "/sign-in" in client.get("/secretariat/", status=302).location
    Session.remove()
    assert Session.get(User, user.id).locked_until is not None
    failures = [e for e in _denied() if e.action == "sign_in_failed"]
    assert len(failures) == 6 and failures[-1].detail == {"factor": "totp", "locked": True}


def test_session_replay_after_sign_out_is_refused_and_writes_nothing(app, staff) -> None:  # type: ignore[no-untyped-def]
    referral = make_referral(app)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    cookie = client.raw.get_cookie("onepanel_session").value
    token = client.csrf
    client.post("/sign-out")
    before = row_counts()
    replay = app.test_client()
    replay.set_cookie("onepanel_session", cookie)
    response = replay.post(
        f"/secretariat/referrals/{referral.id}/status", data={"status": "closed", "csrf_token": token}
    )
    assert response.status_code == 302 and response.location.startswith("/sign-in")
    assert row_counts() == before
    Session.remove()
    assert Session.get(Referral, referral.id).status == "received"


def test_session_fixation_pre_sign_in_session_is_discarded(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    with client.raw.session_transaction() as s:
        s["planted"] = "attacker"
        s["agency_request_id"] = 1
        s["draft_id"] = "x" * 36
        before_csrf = s.get("csrf_token")
    before_cookie = client.raw.get_cookie("onepanel_session").value
    client.sign_in(staff["chair"].email)
    with client.raw.session_transaction() as s:
        assert {"planted", "agency_request_id", "draft_id"}.isdisjoint(s.keys())
        assert s.get("csrf_token") != before_csrf
        assert "_user_id" in s
    assert client.raw.get_cookie("onepanel_session").value != before_cookie
    # The token of the session before sign-in no longer works.
    before = row_counts()
    stale = client.raw.post("/account/keep-alive", headers={"X-CSRFToken": before_csrf or ""})
    assert stale.status_code == 400
    assert row_counts() == before


# -- CSRF ---------------------------------------------------------------------------------


def test_missing_csrf_token_is_refused_on_every_state_changing_route(app, staff, object_samples) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    samples = {**object_samples, **EXTRA_SAMPLES}
    checked = []
    clients: dict[str, Client] = {}
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & STATE_CHANGING
        if not methods or rule.endpoint == "static":
            continue
        allowed = app.view_functions[rule.endpoint]._access
        # Signed in with a role the route allows, so the refusal is the token's doing.
        role = "public" if allowed == "public" else sorted(allowed)[0]
        if role not in clients:
            clients[role] = Client(app)
            if role != "public":
                clients[role].sign_in(staff[role].email)
        client = clients[role]
        url = rule.build({a: samples[a] for a in rule.arguments}, append_unknown=False)[1]
        for method in sorted(methods):
            before = row_counts()
            response = client.raw.open(url, method=method, data={"anything": "x"})
            where = f"{method} {url}"
            assert response.status_code == 400, where
            assert "Sorry, your session has expired" in response.get_data(as_text=True), where
            assert row_counts() == before, where
            checked.append(rule.endpoint)
    # No exemptions: sign-in, sign-out, the referral form and agency pages are all in.
    assert {"auth.sign_in", "auth.sign_out", "refer.email", "screening.agency_upload",
            "account.keep_alive", "admin.subject_access_archive"} <= set(checked)


# -- IDOR ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_idor_changing_ids_in_urls_gets_404_or_403_and_an_audit_entry(app, staff, object_samples, role) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = Client(app)
    client.sign_in(staff[role].email)
    client.get("/account")
    samples = {**object_samples, **EXTRA_SAMPLES}
    missing = 987654
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [a for a in rule.arguments if rule._converters[a].__class__.__name__ == "IntegerConverter" and a != "page"]
        allowed = getattr(app.view_functions[rule.endpoint], "_access", None)
        if not ints or allowed == "public":
            continue
        args = {a: (missing if a in ints else samples[a]) for a in rule.arguments}
        url = rule.build(args, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            before = counts_without_audit(row_counts())
            denied_before = len(_denied())
            data = {"csrf_token": client.csrf} if method != "GET" else None
            response = client.raw.open(url, method=method, data=data)
            where = f"{method} {url} as {role}"
            expected = 404 if role in allowed else 403
            assert response.status_code == expected, (where, response.status_code)
            assert counts_without_audit(row_counts()) == before, where
            entries = _denied()[denied_before:]
            assert len(entries) == 1, (where, [(e.action, e.detail) for e in entries])
            assert entries[0].user_id == staff[role].id
            assert entries[0].action in ("not_found", "forbidden"), where
            checked += 1
    assert checked >= 10


def test_idor_secretariat_sees_every_referral_of_its_partnership(app, staff) -> None:  # type: ignore[no-untyped-def]
    # One partnership per deployment: the secretariat may open any referral in it.
    first, second = make_referral(app, 0), make_referral(app, 1)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    for referral in (first, second):
        assert referral.reference in client.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True)


def test_idor_agency_session_reaches_only_its_own_request(app) -> None:  # type: ignore[no-untyped-def]
    first, second = make_referral(app, 0), make_referral(app, 1)
    mine = make_screening_request(app, first, agency_id="nelft")
    theirs = make_screening_request(app, second, agency_id="nelft")
    token, theirs_id = screening.request_token(mine, app.config["SECRET_KEY"]), theirs.id
    agency = Client(app)
    agency.get(f"/agency/{token}", status=302)
    page = agency.get("/agency/request").get_data(as_text=True)
    assert first.reference in page and second.reference not in page
    # Staff pages for the other request need an account.
    assert "/sign-in" in agency.get(f"/secretariat/screening/{theirs_id}", status=302).location


# -- mass assignment ---------------------------------------------------------------------


def test_mass_assignment_of_status_and_owner_fields_changes_nothing(app, staff) -> None:  # type: ignore[no-untyped-def]
    from tests.views.test_refer import page_post_data, start_and_confirm
    from workflow.demo_referrals import demo_answers

    extra = {"status": "closed", "recorded_by_id": str(staff["admin"].id), "source": "on_behalf",
             "reference": "EVIL-1", "role": "admin", "id": "1", "review_types": "dhr"}
    client = Client(app)
    start_and_confirm(client, app)
    definition = app.extensions["form_definitions"]["referral"]
    answers = demo_answers()[0]
    url = "/refer/page/context"
    while url.startswith("/refer/page/"):
        page_id = url.rsplit("/", 1)[-1]
        client.get(url)
        data = {**{k: v for k, v in extra.items() if k != "review_types"}, **page_post_data(definition, page_id, answers)}
        url = client.post(url, data).location
    client.get("/refer/check")
    client.post("/refer/check", {"declaration": "y", **extra})
    referral = Session.scalars(select(Referral)).one()
    assert (referral.status, referral.recorded_by_id, referral.source) == ("received", None, "web")
    assert referral.reference != "EVIL-1" and referral.review_types == ["sar"]
    assert not {"status", "recorded_by_id", "source", "reference", "role"} & set(referral.answers)

    secretariat = Client(app)
    secretariat.sign_in(staff["secretariat"].email)
    secretariat.get(f"/secretariat/referrals/{referral.id}")
    secretariat.post(f"/secretariat/referrals/{referral.id}/information",
                     {"question": "Which GP?", "status": "closed", "recorded_by_id": str(staff["admin"].id)})
    Session.remove()
    again = Session.get(Referral, referral.id)
    # The status the request itself sets, not the one posted; no owner taken from the form.
    assert (again.status, again.recorded_by_id) == ("information_requested", None)


def test_mass_assignment_of_account_fields_changes_nothing(app, staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/sign-in")
    client.post("/sign-in", {"email": staff["panel_member"].email, "password": TEST_PASSWORD,
                             "role": "admin", "session_version": "99", "active": "1"})
    Session.remove()
    member = Session.get(User, staff["panel_member"].id)
    assert (member.role, member.session_version) == ("panel_member", 1)
    admin = Client(app)
    admin.sign_in(staff["admin"].email)
    admin.get("/admin/users")
    admin.post("/admin/users", {"name": "New Person", "email": "new@redbridge.gov.uk", "role": "secretariat",
                                "agency_id": "", "password": "a-long-password-1", "active": "false",
                                "session_version": "7", "totp_secret": "JBSWY3DPEHPK3PXP", "failed_logins": "9"})
    Session.remove()
    made = Session.scalars(select(User).where(User.email == "new@redbridge.gov.uk")).one()
    assert (made.active, made.session_version, made.totp_secret, made.failed_logins) == (True, 1, None, 0)


# -- stored XSS and template injection -----------------------------------------------------

PAYLOAD = '<script>alert("{id}")</script>{{{{ 7*191 }}}}{{% if 1 %}}ssti{{% endif %}}"><img src=x onerror=alert(1)>'


def test_stored_xss_and_template_injection_in_every_free_text_field_are_shown_literally(app, staff) -> None:  # type: ignore[no-untyped-def]
    definition = app.extensions["form_definitions"]["referral"]
    fields = [q.id for q in definition.questions() if q.type in ("text", "textarea")]
    changes = {f: PAYLOAD.format(id=f) for f in fields}
    changes["other_persons"] = [{"name": PAYLOAD.format(id="other_name"), "relationship": "Son"}]
    referral = make_referral(app, 0, **changes)
    client = Client(app)
    client.sign_in(staff["secretariat"].email)
    pages = [
        client.get(f"/secretariat/referrals/{referral.id}").get_data(as_text=True),
        client.get("/secretariat/").get_data(as_text=True),
    ]
    client.post(f"/secretariat/referrals/{referral.id}/information", {"question": PAYLOAD.format(id="question")})
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "1337" not in page and ">ssti<" not in page
    detail = pages[0]
    # Every field the page shows is shown escaped (some are only shown for certain answers).
    shown = [
        f for f in [*fields, "other_name"]
        if f"&lt;script&gt;alert(&#34;{f}&#34;)&lt;/script&gt;{{{{ 7*191 }}}}" in detail
    ]
    assert {"subject_first_name", "reason_summary", "subject_home_address", "other_name"} <= set(shown)
    assert len(shown) >= 20, shown
    from tests.views.test_refer import body, outbox

    mails = [body(m) for m in outbox(app)]
    assert mails, "the information request sent no e-mail"
    for text in mails:
        assert "1337" not in text and "ssti" not in text.replace("{% if 1 %}ssti{% endif %}", "")


def test_stored_xss_and_template_injection_in_every_free_text_field_stay_literal_in_the_pack(app, staff) -> None:  # type: ignore[no-untyped-def]
    """The same payloads, as they reach the briefing pack (Word): kept as text, never run
    as template code, and the document still opens."""
    from docx import Document

    from storage.models import Meeting
    from tests.factories import make_meeting
    from workflow import packs

    definition = app.extensions["form_definitions"]["referral"]
    fields = [q.id for q in definition.questions() if q.type in ("text", "textarea")]
    referral = make_referral(app, 0, **{f: PAYLOAD.format(id=f) for f in fields})
    meeting = make_meeting(app, staff, [referral.id])
    build = packs.request_build(Session.get(Meeting, meeting.id), None)
    build = packs.build_pack(
        build.id, partnership=app.extensions["partnership"], store=app.extensions["file_store"], converter=None
    )
    assert build.status == "ready", build.message
    row = Session.get(StoredFile, build.editions[packs.FULL_EDITION]["docx"])
    doc = Document(io.BytesIO(app.extensions["file_store"].get(row.key)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert '<script>alert("reason_summary")</script>{{ 7*191 }}{% if 1 %}ssti{% endif %}' in text
    assert "1337" not in text


# -- uploads and request limits ----------------------------------------------------------


def _agency(app):  # type: ignore[no-untyped-def]
    req = make_screening_request(app)
    agency = Client(app)
    agency.get(f"/agency/{screening.request_token(req, app.config['SECRET_KEY'])}", status=302)
    agency.get("/agency/request")
    return req, agency


def _stored_files(app) -> list:  # type: ignore[no-untyped-def]
    return sorted(p for p in app.extensions["file_store"].root.rglob("*") if p.is_file())


def test_file_whose_name_is_a_path_is_stored_under_an_internal_name(app, staff, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("ingest", reason="the PDF reader (ingest/) is not in this tree yet")
    req, agency = _agency(app)
    pdf = agency.get("/agency/request/form.pdf").data
    assert pdf.startswith(b"%PDF-")
    response = agency.post("/agency/request/upload",
                           {"return_pdf": (io.BytesIO(pdf), "../../etc/passwd.pdf")},
                           content_type="multipart/form-data")
    assert response.location == "/agency/request/done"
    stored = Session.scalars(select(StoredFile)).one()
    assert re.fullmatch(r"[0-9a-f]{40}", stored.key)
    assert stored.original_name == "../../etc/passwd.pdf"  # kept as data, never as a path
    [path] = _stored_files(app)
    assert path == app.extensions["file_store"].root / stored.key[:2] / stored.key
    assert not (tmp_path / "etc").exists()
    secretariat = Client(app)
    secretariat.sign_in(staff["secretariat"].email)
    download = secretariat.get(f"/secretariat/screening/{req.id}/original.pdf")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "passwd" not in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"


def test_renamed_executable_is_refused_and_nothing_is_stored(app) -> None:  # type: ignore[no-untyped-def]
    req, agency = _agency(app)
    before = row_counts()
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
    page = agency.post("/agency/request/upload", {"return_pdf": (io.BytesIO(exe), "return.pdf")},
                       content_type="multipart/form-data", status=200).get_data(as_text=True)
    assert "The selected file must be a PDF" in page
    after = row_counts()
    assert counts_without_audit(after) == counts_without_audit(before)
    assert _stored_files(app) == []
    assert [e.action for e in _denied()] == ["upload_refused"]


def test_oversized_body_is_refused_before_parsing_and_writes_nothing(app) -> None:  # type: ignore[no-untyped-def]
    req, agency = _agency(app)
    before = row_counts()
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    assert app.config["MAX_CONTENT_LENGTH"] == Config.MAX_CONTENT_LENGTH
    big = b"%PDF-1.7\n" + b"0" * (size - 9)
    response = agency.raw.post("/agency/request/upload",
                               data={"csrf_token": agency.csrf, "return_pdf": (io.BytesIO(big), "big.pdf")},
                               content_type="multipart/form-data")
    assert response.status_code == 413
    assert row_counts() == before and _stored_files(app) == []
    assert Session.scalars(select(ScreeningReturn)).all() == []


def test_too_many_form_parts_or_an_oversized_field_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    client = Client(app)
    client.get("/refer")
    client.get("/refer/email")
    before = row_counts()
    parts = {f"f{i}": "x" for i in range(app.config["MAX_FORM_PARTS"] + 1)}
    many = client.raw.post("/refer/email", data={"csrf_token": client.csrf, "email": "a@nelft.nhs.uk", **parts},
                           content_type="multipart/form-data")
    assert many.status_code == 413
    field = client.raw.post("/refer/email", data={"csrf_token": client.csrf,
                                                  "email": "a" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)})
    assert field.status_code == 413
    # A url-encoded form is held to the same limits as a multipart one.
    many_urlencoded = client.raw.post("/refer/email", data={"csrf_token": client.csrf, **parts})
    assert many_urlencoded.status_code == 413
    big_multipart = client.raw.post(
        "/refer/email", data={"csrf_token": client.csrf, "email": "a" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)},
        content_type="multipart/form-data",
    )
    assert big_multipart.status_code == 413
    assert row_counts() == before
