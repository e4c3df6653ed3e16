"""Outgoing e-mail behind a small interface: SMTP, or an outbox folder on this machine."""

from notify.mail import Mailer, Message, OutboxMailer, SMTPMailer, make_mailer

__all__ = ["Mailer", "Message", "OutboxMailer", "SMTPMailer", "make_mailer"]
