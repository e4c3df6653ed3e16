"""E-mail: build a message and hand it to a mailer chosen by configuration.

``SMTPMailer`` sends through an SMTP server (STARTTLS and login when configured).
``OutboxMailer`` writes each message as an .eml file in a folder, so a demo on one
machine keeps all mail on it. Message bodies may name a reference number but never the
subject of a referral: mail leaves the partnership's systems.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol


@dataclass
class Message:
    to: list[str]
    subject: str
    body: str
    reply_to: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class Mailer(Protocol):
    sender: str

    def send(self, message: Message) -> str:
        """Send the message; return its Message-ID."""
        ...


def build_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = ", ".join(message.to)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    # Sensitive: ask mail clients and gateways to treat it so (RFC 2156 / RFC 4021).
    email["Sensitivity"] = "Company-Confidential"
    email["Auto-Submitted"] = "auto-generated"
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    for name, value in message.headers.items():
        email[name] = value
    email.set_content(message.body)
    return email


class SMTPMailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 20,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, message: Message) -> str:
        email = build_email(message, self.sender)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.ehlo()
            if self.starttls and smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(email)
        return str(email["Message-ID"])


class OutboxMailer:
    """Writes each message to ``folder`` as ``<time>-<id>.eml`` instead of sending it."""

    def __init__(self, folder: str | Path, sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender

    def send(self, message: Message) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        email = build_email(message, self.sender)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bytes(email))
        tmp.replace(path)
        return str(email["Message-ID"])

    def messages(self) -> list[Path]:
        return sorted(self.folder.glob("*.eml")) if self.folder.exists() else []


def make_mailer(config: dict, instance_path: str) -> Mailer:
    """The mailer the configuration asks for (MAIL_BACKEND: smtp | outbox)."""
    backend = config.get("MAIL_BACKEND", "smtp")
    sender = config.get("MAIL_FROM", "onepanel@localhost")
    if backend == "outbox":
        return OutboxMailer(Path(instance_path) / "outbox", sender)
    if backend == "smtp":
        return SMTPMailer(
            config["SMTP_HOST"],
            int(config["SMTP_PORT"]),
            sender,
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            starttls=bool(config.get("SMTP_STARTTLS", True)),
            timeout=float(config.get("SMTP_TIMEOUT", 20)),
        )
    raise ValueError(f"MAIL_BACKEND: '{backend}' is not one of smtp, outbox")
