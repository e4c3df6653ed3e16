"""Fixtures for the forms engine: a minimal Flask app that renders the GOV.UK macros, the
shipped definitions, and a small sample definition with every question type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from forms import FormDefinition, load_definition, load_definitions

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.fixture(scope="session")
def forms_app() -> Flask:
    """A Flask app with the same template set-up as the real one, and CSRF off."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            FileSystemLoader(str(HERE / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    return app


@pytest.fixture(autouse=True)
def request_context(forms_app: Flask) -> Iterator[None]:
    """Flask-WTF forms and the GOV.UK widgets need a request context."""
    with forms_app.test_request_context():
        yield


@pytest.fixture(scope="session")
def definitions() -> dict[str, FormDefinition]:
    return load_definitions()


@pytest.fixture(scope="session")
def referral(definitions: dict[str, FormDefinition]) -> FormDefinition:
    return definitions["referral"]


@pytest.fixture(scope="session")
def sample() -> FormDefinition:
    """A small definition with every question type (tests/forms/definitions/sample.yaml)."""
    return load_definition(HERE / "definitions" / "sample.yaml")
