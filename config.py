"""Configuration read from the environment.

The base class holds no default secret: a deployment must set SECRET_KEY. ``DevConfig``
(used by ``make run``) and ``TestConfig`` carry harmless literals for the machine they run on.
Every variable is listed in README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production defaults. Secrets come from the environment only."""

    TESTING = False
    DEBUG = False
    SECRET_KEY: str | None = _env("SECRET_KEY")
    PARTNERSHIP: str = _env("ONEPANEL_PARTNERSHIP", "redbridge") or "redbridge"
    INSTANCE_PATH: str = _env("ONEPANEL_INSTANCE_PATH", str(BASE_DIR / "instance")) or ""
    # SQLite in the instance folder unless DATABASE_URL names another database.
    DATABASE_URL: str | None = _env("DATABASE_URL")
    FILE_STORE_PATH: str | None = _env("FILE_STORE_PATH")
    # Base URL used in e-mailed links (resume links, agency links).
    EXTERNAL_URL: str = _env("EXTERNAL_URL", "http://127.0.0.1:5000") or ""

    # Mail: "smtp" sends through SMTP_HOST; "outbox" writes .eml files to the instance folder.
    MAIL_BACKEND: str = _env("MAIL_BACKEND", "smtp") or "smtp"
    MAIL_FROM: str = _env("MAIL_FROM", "onepanel@localhost") or ""
    SMTP_HOST: str = _env("SMTP_HOST", "localhost") or ""
    SMTP_PORT: int = int(_env("SMTP_PORT", "25") or 25)
    SMTP_USERNAME: str | None = _env("SMTP_USERNAME")
    SMTP_PASSWORD: str | None = _env("SMTP_PASSWORD")
    SMTP_STARTTLS: bool = _bool("SMTP_STARTTLS", True)
    SMTP_TIMEOUT: float = float(_env("SMTP_TIMEOUT", "20") or 20)

    # Rate limits (Flask-Limiter); Redis in production so limits hold across workers.
    RATELIMIT_STORAGE_URI: str = _env("RATELIMIT_STORAGE_URI", "memory://") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT: str = _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour") or ""

    # Sessions: secure cookies, short idle time-out, no remember-me cookie.
    SESSION_COOKIE_SECURE: bool = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "onepanel_session"
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(_env("SESSION_IDLE_MINUTES", "30") or 30))
    SESSION_REFRESH_EACH_REQUEST = True
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, which expires when idle
    FORCE_HTTPS: bool = _bool("FORCE_HTTPS", True)

    # Uploads: size and page caps; the request body may be a little larger than a file.
    MAX_UPLOAD_BYTES = int(_env("MAX_UPLOAD_MB", "25") or 25) * 1024 * 1024
    MAX_UPLOAD_PAGES = int(_env("MAX_UPLOAD_PAGES", "300") or 300)
    # Request limits, applied before parsing.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500_000
    MAX_FORM_PARTS = 1_000

    # Briefing packs: built on a background thread ("thread") or by rq workers ("rq").
    PACK_WORKER: str = _env("PACK_WORKER", "thread") or "thread"
    REDIS_URL: str = _env("REDIS_URL", "redis://127.0.0.1:6379/0") or ""
    # "libreoffice" makes the PDF editions; "none" builds .docx only.
    PDF_CONVERTER: str = _env("PDF_CONVERTER", "libreoffice") or "libreoffice"
    PDF_TIMEOUT_S: int = int(_env("PDF_TIMEOUT_S", "600") or 600)

    DRAFT_RETENTION_DAYS: int = int(_env("DRAFT_RETENTION_DAYS", "28") or 28)

    # Two-factor sign-in (TOTP, RFC 6238): required for these roles, optional for others.
    TWO_FACTOR_ROLES: tuple[str, ...] = tuple(
        r.strip()
        for r in (_env("TWO_FACTOR_ROLES", "secretariat,chair,admin") or "").split(",")
        if r.strip()
    )
    TOTP_ISSUER: str = _env("TOTP_ISSUER", "OnePanel") or "OnePanel"
    # Minutes between the password and the code before the sign-in must start again.
    TWO_FACTOR_PENDING_MINUTES: int = int(_env("TWO_FACTOR_PENDING_MINUTES", "5") or 5)
    # Idle time-out, enforced on the server; the warning comes this many seconds before it.
    SESSION_IDLE_MINUTES: int = int(_env("SESSION_IDLE_MINUTES", "30") or 30)
    SESSION_WARNING_SECONDS: int = int(_env("SESSION_WARNING_SECONDS", "120") or 120)
    # However active, a session ends this many hours after sign-in.
    SESSION_ABSOLUTE_HOURS: int = int(_env("SESSION_ABSOLUTE_HOURS", "12") or 12)

    # Virus scanning of uploads: "off", or "clamav" (clamd socket, else clamdscan/clamscan).
    VIRUS_SCAN: str = _env("VIRUS_SCAN", "off") or "off"
    CLAMD_SOCKET: str = _env("CLAMD_SOCKET", "/var/run/clamav/clamd.ctl") or ""
    VIRUS_SCAN_TIMEOUT_S: int = int(_env("VIRUS_SCAN_TIMEOUT_S", "60") or 60)

    # Retention, in days (see README "Security and data protection"). Referrals count from
    # when they were received; returns from when they were sent; audit entries from when
    # they were written. `flask apply-retention` deletes what is due.
    RETENTION_REFERRAL_NOT_PROGRESSED_DAYS: int = int(
        _env("RETENTION_REFERRAL_NOT_PROGRESSED_DAYS", "730") or 730
    )
    RETENTION_REFERRAL_CLOSED_DAYS: int = int(_env("RETENTION_REFERRAL_CLOSED_DAYS", "2190") or 2190)
    RETENTION_SCREENING_RETURN_DAYS: int = int(
        _env("RETENTION_SCREENING_RETURN_DAYS", "730") or 730
    )
    RETENTION_AUDIT_DAYS: int = int(_env("RETENTION_AUDIT_DAYS", "2555") or 2555)
    # Keys that encrypt the two-factor secrets in the database (storage/crypto.py): Fernet
    # keys, comma-separated, the first used to encrypt. Empty: derived from SECRET_KEY.
    DATA_ENCRYPTION_KEYS: tuple[str, ...] = tuple(
        k for k in (_env("DATA_ENCRYPTION_KEYS", "") or "").split(",") if k.strip()
    )

    @classmethod
    def database_url(cls, instance_path: str) -> str:
        if cls.DATABASE_URL:
            url = cls.DATABASE_URL
            # Accept the common postgres:// spelling; use the psycopg 3 driver.
            if url.startswith("postgres://"):
                url = "postgresql://" + url[len("postgres://") :]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
            return url
        return f"sqlite:///{Path(instance_path) / 'onepanel.sqlite3'}"


class DevConfig(Config):
    """``make run``: everything on this machine, mail kept in the outbox folder."""

    DEBUG = False
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret-change-me")
    MAIL_BACKEND = _env("MAIL_BACKEND", "outbox") or "outbox"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    FORCE_HTTPS = _bool("FORCE_HTTPS", False)


class TestConfig(Config):
    """The test suite: harmless literals; the database comes from the test fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    MAIL_BACKEND = "outbox"
    SESSION_COOKIE_SECURE = False
    FORCE_HTTPS = False
    RATELIMIT_STORAGE_URI = "memory://"
    PARTNERSHIP = "redbridge"
    EXTERNAL_URL = "http://localhost"
    # Tests that need PDFs pass a converter themselves; background builds make Word only.
    PDF_CONVERTER = "none"
    # The shared test client signs in with a password only; the two-factor tests
    # (tests/security) turn the production setting back on with TWO_FACTOR_ROLES=...
    TWO_FACTOR_ROLES: tuple[str, ...] = ()


def from_env() -> type[Config]:
    """The configuration ONEPANEL_ENV names: production (default) or development."""
    name = (_env("ONEPANEL_ENV", "production") or "production").lower()
    choices: dict[str, type[Config]] = {"production": Config, "development": DevConfig}
    if name not in choices:
        raise RuntimeError(f"ONEPANEL_ENV: '{name}' is not one of production, development")
    return choices[name]
