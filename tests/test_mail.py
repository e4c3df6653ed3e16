"""Mail goes out through a real SMTP server with the right headers; the demo keeps it local."""

from __future__ import annotations

from notify import Message, OutboxMailer, SMTPMailer, make_mailer


def test_message_arrives_at_a_real_smtp_server_with_headers(smtp_server) -> None:  # type: ignore[no-untyped-def]
    controller, handler = smtp_server
    mailer = SMTPMailer("127.0.0.1", controller.port, "onepanel@redbridge.gov.uk", starttls=False)
    message_id = mailer.send(
        Message(
            to=["referrer@nelft.nhs.uk"],
            subject="Referral RED-2026-0007 received",
            body="We have received your referral RED-2026-0007.",
            reply_to="onepanel@redbridge.gov.uk",
        )
    )
    assert len(handler.messages) == 1
    got = handler.messages[0]
    assert got["From"] == "onepanel@redbridge.gov.uk"
    assert got["To"] == "referrer@nelft.nhs.uk"
    assert got["Subject"] == "Referral RED-2026-0007 received"
    assert got["Reply-To"] == "onepanel@redbridge.gov.uk"
    assert got["Message-ID"] == message_id
    assert got["Auto-Submitted"] == "auto-generated"
    assert "RED-2026-0007" in got.get_payload()


def test_outbox_mailer_writes_an_eml_file_per_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    mailer = OutboxMailer(tmp_path / "outbox", "onepanel@example.org")
    mailer.send(Message(to=["a@example.org"], subject="One", body="First"))
    mailer.send(Message(to=["b@example.org"], subject="Two", body="Second"))
    files = mailer.messages()
    assert len(files) == 2
    assert b"Subject: One" in files[0].read_bytes()


def test_make_mailer_follows_configuration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    smtp = make_mailer(
        {"MAIL_BACKEND": "smtp", "SMTP_HOST": "mail.example.org", "SMTP_PORT": "587"}, str(tmp_path)
    )
    assert isinstance(smtp, SMTPMailer) and smtp.port == 587
    outbox = make_mailer({"MAIL_BACKEND": "outbox"}, str(tmp_path))
    assert isinstance(outbox, OutboxMailer) and outbox.folder == tmp_path / "outbox"
