"""Persistence: SQLAlchemy models, the session, Alembic migrations and the file store."""
