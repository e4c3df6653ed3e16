"""No import circle through ``app``: views take the extensions from ``extensions``."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

import extensions
import views

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = sorted(m.name for m in pkgutil.iter_modules(views.__path__))


@pytest.mark.parametrize("name", VIEW_MODULES)
def test_views_module_imports_alone_without_app(name: str) -> None:
    # A fresh interpreter, so nothing this test run imported hides a circle.
    code = f"import sys, views.{name}; assert 'app' not in sys.modules, 'views.{name} imports app'"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_factory_binds_the_extension_objects(app: Flask) -> None:
    assert app.extensions["limiter"] == {extensions.limiter}
    assert app.extensions["csrf"] is extensions.csrf
    assert app.login_manager is extensions.login_manager  # type: ignore[attr-defined]
