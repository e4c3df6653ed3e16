"""The schema comes only from migrations; the file store writes atomically with checksums."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import inspect, text

from storage import db, migrate
from storage.files import LocalFileStore, save_file, verify
from storage.models import AuditEvent, StoredFile
from storage.models.audit import AuditLogIsAppendOnly


def test_migration_head_matches_the_models(app) -> None:  # type: ignore[no-untyped-def]
    assert migrate.pending_model_changes(db.get_engine()) == []


def test_database_tables_were_made_by_alembic(app) -> None:  # type: ignore[no-untyped-def]
    engine = db.get_engine()
    tables = set(inspect(engine).get_table_names())
    assert {"alembic_version", "users", "audit_events", "stored_files"} <= tables
    with engine.connect() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(str(engine.url)))
    assert head == script.get_current_head()


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(app) -> None:  # type: ignore[no-untyped-def]
    engine = db.get_engine()
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_file_store_records_size_and_sha256(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = LocalFileStore(tmp_path / "files")
    data = b"%PDF-1.7 example" * 100
    row = save_file(db.Session, store, data, kind="upload", content_type="application/pdf", original_name="return.pdf")
    db.Session.commit()
    stored = db.Session.get(StoredFile, row.id)
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.get(stored.key) == data
    assert verify(store, stored)
    # Stored under an internal name, never the uploaded one.
    assert "return" not in stored.key
    # No temporary files left behind.
    assert not list((tmp_path / "files").rglob(".tmp-*"))


def test_failed_write_leaves_no_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = LocalFileStore(tmp_path / "files")

    def boom(*_a):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError):
        store.put(b"half a file")
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []


def test_audit_entries_cannot_be_changed_or_deleted(app) -> None:  # type: ignore[no-untyped-def]
    from storage import audit

    entry = audit.record(actor="system", action="test")
    entry.action = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        db.Session.commit()
    db.Session.rollback()
    entry = db.Session.get(AuditEvent, entry.id)
    db.Session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.Session.commit()
    db.Session.rollback()
    assert db.Session.get(AuditEvent, entry.id).action == "test"
