"""Fixtures for the PDF reader's tests."""

from __future__ import annotations

import pytest

from ingest.fields import DEFAULT_SCREENING_FIELDS
from ingest.model import FieldSpec


@pytest.fixture
def fields() -> list[FieldSpec]:
    """The standard screening return's questions."""
    return list(DEFAULT_SCREENING_FIELDS)
