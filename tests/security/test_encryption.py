"""Two-factor secrets are encrypted at rest: a copy of the database alone cannot make codes."""

from __future__ import annotations

import pyotp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from app import create_app
from config import TestConfig
from storage import crypto
from storage.db import Session
from storage.models import AuditEvent, User
from workflow import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _stored(user_id: int) -> str:
    return Session.execute(text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}).scalar_one()


def _reload(user_id: int) -> User:
    Session.remove()
    return Session.get(User, user_id)


@pytest.fixture
def restore_keys(app):  # type: ignore[no-untyped-def]
    yield
    crypto.configure(app.config.get("DATA_ENCRYPTION_KEYS") or (), app.config["SECRET_KEY"])


def test_the_secret_is_stored_encrypted_and_read_back_plain(app, staff) -> None:  # type: ignore[no-untyped-def]
    user = staff["secretariat"]
    assert totp.enrol(user, SECRET, pyotp.TOTP(SECRET).now())
    stored = _stored(user.id)
    assert stored.startswith("enc1:") and SECRET not in stored and len(stored) <= 255
    assert _reload(user.id).totp_secret == SECRET
    # Two saves of the same secret look different (a fresh IV each time).
    user = _reload(user.id)
    user.totp_secret = None
    Session.commit()
    user.totp_secret = SECRET
    Session.commit()
    assert _stored(user.id) != stored


def test_a_secret_saved_before_encryption_is_read_and_reencrypt_secrets_encrypts_it(app, staff) -> None:  # type: ignore[no-untyped-def]
    user_id = staff["chair"].id
    Session.execute(text("UPDATE users SET totp_secret = :s WHERE id = :id"), {"s": SECRET, "id": user_id})
    Session.commit()
    assert _reload(user_id).totp_secret == SECRET
    result = app.test_cli_runner().invoke(args=["reencrypt-secrets"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 1 of 1 two-factor secret." in result.output
    assert _stored(user_id).startswith("enc1:") and _reload(user_id).totp_secret == SECRET
    again = app.test_cli_runner().invoke(args=["reencrypt-secrets"])
    assert "Re-encrypted 0 of 1" in again.output
    events = Session.scalars(select(AuditEvent).where(AuditEvent.action == "reencrypt_secrets")).all()
    assert [e.detail for e in events] == [{"reencrypted": 1, "total": 1}, {"reencrypted": 0, "total": 1}]


def test_a_new_key_put_first_reads_old_secrets_and_reencrypts_them(app, staff, restore_keys) -> None:  # type: ignore[no-untyped-def]
    old = Fernet.generate_key().decode()
    new = Fernet.generate_key().decode()
    crypto.configure([old])
    user_id = staff["admin"].id
    user = Session.get(User, user_id)
    user.totp_secret = SECRET
    Session.commit()
    before = _stored(user_id)

    crypto.configure([new, old])
    assert _reload(user_id).totp_secret == SECRET
    app.test_cli_runner().invoke(args=["reencrypt-secrets"])
    assert _stored(user_id) != before
    crypto.configure([new])  # the old key can now be dropped
    assert _reload(user_id).totp_secret == SECRET


def test_the_wrong_key_says_what_to_do_and_never_returns_garbage(app, staff, restore_keys) -> None:  # type: ignore[no-untyped-def]
    user = staff["secretariat"]
    user.totp_secret = SECRET
    Session.commit()
    crypto.configure([Fernet.generate_key().decode()])
    with pytest.raises(crypto.DecryptionError, match="Put the old key in DATA_ENCRYPTION_KEYS"):
        _reload(user.id)


def test_a_malformed_key_stops_start_up_naming_the_setting(tmp_path) -> None:
    with pytest.raises(RuntimeError, match="DATA_ENCRYPTION_KEYS: key 1 is not a Fernet key"):
        create_app(TestConfig, INSTANCE_PATH=str(tmp_path), DATA_ENCRYPTION_KEYS=("not-a-key",))


def test_migration_0008_keeps_old_secrets_readable_and_fits_encrypted_ones(app, blank_database) -> None:  # type: ignore[no-untyped-def]
    """On a fresh database of the backend under test: a secret saved at 0007 is read after
    the upgrade; an encrypted one fits; the downgrade clears only what no longer fits."""
    from storage import migrate

    engine = blank_database
    insert = text(
        "INSERT INTO users (id, email, name, role, password_hash, active, session_version, failed_logins, "
        "totp_secret, created_at) VALUES (:id, :email, 'A', 'chair', 'x', true, 1, 0, :secret, CURRENT_TIMESTAMP)"
    )
    migrate.upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(insert, {"id": 1, "email": "old@example.org", "secret": SECRET})
    migrate.upgrade(engine, "head")
    with engine.begin() as conn:
        conn.execute(insert, {"id": 2, "email": "new@example.org", "secret": crypto.encrypt(SECRET)})
        rows = dict(conn.execute(text("SELECT id, totp_secret FROM users")).all())
    assert rows[1] == SECRET and crypto.decrypt(rows[2]) == SECRET and len(rows[2]) > 64
    assert crypto.decrypt(rows[1]) == SECRET  # read as it was saved
    migrate.downgrade(engine, "0007")
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, totp_secret FROM users")).all())
    assert rows == {1: SECRET, 2: None}
