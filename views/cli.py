"""Command-line commands, registered on the app: ``flask --app app <command>``."""

from __future__ import annotations

import click
from flask import Flask, current_app

from storage import db, migrate


def register(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply every migration to the configured database."""
        migrate.upgrade(db.get_engine())
        click.echo("Database is at the latest migration.")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option(
        "--role", required=True, type=click.Choice(["secretariat", "chair", "panel_member", "admin"])
    )
    @click.option("--agency", "agency_id", default=None, help="Agency id (panel members).")
    @click.option("--deputy", "deputy_email", default=None, help="E-mail of the deputy.")
    @click.password_option(help="Prompted for when not given.")
    def create_user(
        email: str,
        name: str,
        role: str,
        agency_id: str | None,
        deputy_email: str | None,
        password: str,
    ) -> None:
        """Create a staff account."""
        from workflow import accounts

        try:
            user = accounts.create_user(
                current_app.extensions["partnership"],
                email=email,
                name=name,
                role=role,
                password=password,
                agency_id=agency_id,
                deputy_email=deputy_email,
            )
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Created {user.role} account {user.id} for {user.email}.")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Load demo accounts and fictional referrals (only into an empty database)."""
        from workflow import demo

        for line in demo.load(current_app):
            click.echo(line)

    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """E-mail agencies whose screening return is nearly due or overdue, and the business
        unit when a statutory clock is nearly due or overdue (each once)."""
        from views import mailing
        from views.screening import _agency_link
        from workflow import screening

        partnership = current_app.extensions["partnership"]
        sent = 0
        with current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"]):
            for reminder in screening.due_reminders(partnership):
                req = reminder.request
                mailing.send_screening_reminder(
                    req, _agency_link(req), overdue=reminder.kind == "overdue"
                )
                screening.mark_reminded(reminder)
                sent += 1
        click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
        told = send_clock_reminders()
        click.echo(f"Sent {told} statutory clock reminder{'s' if told != 1 else ''} to the business unit.")

    @app.cli.command("purge-drafts")
    def purge_drafts() -> None:
        """Delete unfinished referrals past their expiry, with everything in them."""
        from storage import audit
        from workflow import referrals

        count = referrals.purge_expired_drafts()
        audit.record(actor="system", action="purge_drafts", detail={"deleted": count})
        click.echo(f"Deleted {count} expired draft referral{'s' if count != 1 else ''}.")

    @app.cli.command("apply-retention")
    @click.option("--dry-run", is_flag=True, help="Count what is due; delete nothing.")
    def apply_retention(dry_run: bool) -> None:
        """Delete records and files past their retention period (see README), and audit it."""
        from storage import audit
        from workflow import retention

        report = retention.apply(
            retention.Periods.from_config(current_app.config),
            current_app.extensions["file_store"],
            dry_run=dry_run,
        )
        counts = report.counts()
        if not dry_run:
            audit.record(actor="system", action="apply_retention", detail=counts)
        verb = "Would delete" if dry_run else "Deleted"
        click.echo(f"{verb}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()))

    @app.cli.command("reencrypt-secrets")
    def reencrypt_secrets() -> None:
        """Encrypt every two-factor secret with the first of DATA_ENCRYPTION_KEYS (after a
        key rotation, or for secrets saved before encryption), and audit the count."""
        from sqlalchemy import select, text, update

        from storage import audit, crypto
        from storage.db import Session
        from storage.models import User

        raw = Session.execute(text("SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL")).all()
        stale = [user_id for user_id, value in raw if not crypto.is_encrypted_with_current_key(value)]
        for user_id in stale:
            plain = Session.scalar(select(User.totp_secret).where(User.id == user_id))
            Session.execute(update(User).where(User.id == user_id).values(totp_secret=plain))
        Session.commit()
        audit.record(actor="system", action="reencrypt_secrets", detail={"reencrypted": len(stale), "total": len(raw)})
        click.echo(f"Re-encrypted {len(stale)} of {len(raw)} two-factor secret{'s' if len(raw) != 1 else ''}.")

    @app.cli.command("check-config")
    def check_config() -> None:
        """Load every partnership file, say which are valid and list each valid one's rules
        with their sources, so they can be checked against the published documents."""
        from partnerships import PartnershipConfigError, available_partnerships, load_partnership
        from partnerships.model import LOCAL_LABEL
        from partnerships.rules import rule_lines, source_text

        local_text = f"LOCAL SETTING: {LOCAL_LABEL[0].lower()}{LOCAL_LABEL[1:]}"
        failed = False
        for slug in available_partnerships():
            try:
                p = load_partnership(slug)
            except PartnershipConfigError as exc:
                failed = True
                click.echo(str(exc), err=True)
                continue
            click.echo(f"{slug}: ok ({p.name}, {len(p.agencies)} agencies)")
            lines = rule_lines(p)
            for line in lines:
                source = local_text if line.local else source_text(p, line.source)
                click.echo(f"  [{line.topic}] {line.rule} — {source}")
            local = sum(1 for line in lines if line.local)
            click.echo(
                f"  {len(lines)} rules: {len(lines) - local} from its documents, "
                f"{local} local settings"
            )
        if failed:
            raise SystemExit(1)


def send_clock_reminders() -> int:
    """E-mail the business unit once for each statutory clock of an open case that is due
    within ``time_limits.clock_reminder`` working days, and once more when it is overdue;
    each reminder is kept (``clock_reminders``) and audited. Returns how many were sent."""
    from storage import audit
    from views import mailing
    from workflow import clocks

    partnership = current_app.extensions["partnership"]
    sent = 0
    with current_app.test_request_context(base_url=current_app.config["EXTERNAL_URL"]):
        for reminder in clocks.due_reminders(partnership):
            mailing.send_clock_reminder(reminder)
            clocks.mark_reminded(reminder)
            audit.record(
                actor="system", action="clock_reminder", object_type="referral",
                object_id=reminder.referral.id,
                detail={"clock": reminder.clock.key, "state": reminder.state,
                        "due_on": reminder.clock.due_on.isoformat()},
            )
            sent += 1
    return sent
