"""Shared fixtures: the app on SQLite or PostgreSQL, signed-in clients, a real SMTP server.

The database is chosen with ``--db=sqlite`` (default) or ``--db=postgresql``; on
PostgreSQL a fresh database is created for the run and dropped after it, and only the
tests that use the database are run. Under CI=true a test that would be skipped for a
missing tool or database fails instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from config import TestConfig
from storage import db, migrate
from storage.db import Base
from tests.helpers import TEST_PASSWORD, Client

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
DB_FIXTURES = {"app", "db_url", "client", "session"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        default=os.environ.get("TEST_DB", "sqlite"),
        choices=["sqlite", "postgresql"],
        help="database the suite runs against",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs headless Chromium")
    config.addinivalue_line("markers", "sqlite_only: checks something only SQLite has")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--db") != "postgresql":
        return
    # The PostgreSQL pass runs only what touches the database.
    keep, drop = [], []
    for item in items:
        uses_db = DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_db and not item.get_closest_marker("sqlite_only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def require(condition: bool, reason: str) -> None:
    """Skip when a tool is missing, except under CI where it is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: a missing tool is a failure)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    backend = request.config.getoption("--db")
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite:///{path}"
        engine = db.configure(url)
        migrate.upgrade(engine)
        yield url
        return
    name = f"onepanel_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL
        require(False, f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = db.configure(url)
    migrate.upgrade(engine)
    yield url
    db.Session.remove()
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def blank_database(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An engine on a new, empty database of the backend under test (no migration applied),
    for tests that walk the migrations up and down; dropped afterwards."""
    admin = name = None
    if request.config.getoption("--db") == "postgresql":
        name = f"onepanel_mig_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'migration.sqlite3'}"
    engine = db.make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _empty_all_tables() -> None:
    db.Session.remove()
    engine = db.get_engine()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def app_factory(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from app import create_app

    made = []

    def make(**overrides):  # type: ignore[no-untyped-def]
        settings = {
            "SQLALCHEMY_URL": db_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
        settings.update(overrides)
        application = create_app(TestConfig, **settings)
        made.append(application)
        return application

    yield make
    # Let background pack builds finish before the tables are emptied under them.
    for application in made:
        worker = application.extensions.get("pack_worker")
        if hasattr(worker, "wait"):
            worker.wait(timeout=300)
    _empty_all_tables()


@pytest.fixture
def app(app_factory):  # type: ignore[no-untyped-def]
    # No app context is held across the test: each request gets its own, as in a real
    # server (a shared one would share ``g`` between requests).
    yield app_factory()


@pytest.fixture
def session(app):  # type: ignore[no-untyped-def]
    return db.Session


@pytest.fixture
def client(app) -> Client:  # type: ignore[no-untyped-def]
    return Client(app)


@pytest.fixture
def staff(app):  # type: ignore[no-untyped-def]
    """One account per role (password TEST_PASSWORD), keyed by role name."""
    from workflow import accounts

    p = app.extensions["partnership"]
    police = next(a.id for a in p.agencies if "police" in a.sectors)
    made = {}
    for role, agency in [
        ("secretariat", None),
        ("chair", p.agencies_of(p.statutory_partners[0].id)[0].id),
        ("panel_member", police),
        ("admin", None),
    ]:
        made[role] = accounts.create_user(
            p,
            email=f"{role}@example.org",
            name=f"Test {role}",
            role=role,
            password=TEST_PASSWORD,
            agency_id=agency,
        )
    return made


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message as MessageHandler

    class Keep(MessageHandler):
        def __init__(self) -> None:
            super().__init__()
            self.messages = []

        def handle_message(self, message):  # type: ignore[no-untyped-def]
            self.messages.append(message)

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()
