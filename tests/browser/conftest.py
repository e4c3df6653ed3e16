"""Fixtures for the browser tests: the service on 127.0.0.1, headless Chromium, journeys.

The service runs in a subprocess (tests/browser/server.py) with its own SQLite database
and instance folder, so it never shares the database of the rest of the suite; these
tests use none of the ``app``/``client``/``session``/``db_url`` fixtures and so are left
out of the PostgreSQL pass. Chromium is Debian's (/usr/bin/chromium, or CHROMIUM); a
missing browser or axe-core skips these tests, and fails them under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.helpers import (
    AXE_JS,
    AXE_LOG,
    KNOWN_EXCEPTION,
    ROOT,
    SCREENSHOTS,
    WCAG_TAGS,
    Journey,
)
from tests.conftest import require
from tests.helpers import TEST_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT_S = 60


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@dataclass
class LiveServer:
    base_url: str
    instance: Path
    users: dict[str, str]
    password: str = TEST_PASSWORD


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real service, serving HTTP on a free port of 127.0.0.1, with demo data."""
    instance = tmp_path_factory.mktemp("browser-instance")
    log = (instance / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.server", str(instance)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    ready: list[str] = []
    reader = threading.Thread(target=lambda: ready.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    try:
        if not ready or not ready[0].strip():
            process.kill()
            log.flush()
            pytest.fail(f"the service did not start: {(instance / 'server.log').read_text()[-3000:]}")
        info = json.loads(ready[0])
        yield LiveServer(info["base_url"], instance, info["users"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    executable = _chromium()
    require(executable is not None, "Chromium is not installed (apt-get install chromium)")
    require(AXE_JS.exists(), f"axe-core is not installed ({AXE_JS}: run npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_journey(browser, live_server, request):  # type: ignore[no-untyped-def]
    """Make a journey in a fresh browser context (its own cookies, like another browser).

    ``who`` names whose journey it is when a test has several (the secretariat, an agency).
    """
    contexts = []
    counter = [0]
    folder = SCREENSHOTS / Journey(None, "", request.node.name).test_name  # type: ignore[arg-type]
    if folder.exists():
        shutil.rmtree(folder)

    def make(width: int = 1024, height: int = 768, who: str = "") -> Journey:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Journey(context.new_page(), live_server.base_url, request.node.name, who, counter)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def journey(new_journey) -> Journey:  # type: ignore[no-untyped-def]
    return new_journey()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not AXE_LOG.pages:
        return
    urls = {url.split("?")[0] for _, _, url in AXE_LOG.pages}
    terminalreporter.section("accessibility (axe-core)")
    terminalreporter.write_line(
        f"axe-core {AXE_LOG.version}: {len(AXE_LOG.pages)} page states checked "
        f"({len(urls)} distinct addresses), {len(AXE_LOG.rules)} rules run "
        f"for {', '.join(WCAG_TAGS)}"
    )
    if AXE_LOG.tolerated:
        terminalreporter.write_line(
            f"  {AXE_LOG.tolerated} element(s) excused as the known GOV.UK Frontend exception: "
            f"{KNOWN_EXCEPTION['attribute']} on {KNOWN_EXCEPTION['selector']} "
            "(alphagov/govuk-frontend#979)"
        )
    if config.option.verbose > 0:
        for test, name, url in AXE_LOG.pages:
            terminalreporter.write_line(f"  {test}: {name} – {url}")
    report = ROOT / "test-artifacts" / "axe-report.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps(
            {
                "axe_version": AXE_LOG.version,
                "tags": WCAG_TAGS,
                "rules": sorted(AXE_LOG.rules),
                "tolerated_known_exception": {**KNOWN_EXCEPTION, "elements": AXE_LOG.tolerated},
                "pages": [{"test": t, "name": n, "url": u} for t, n, u in AXE_LOG.pages],
            },
            indent=2,
        )
    )
    terminalreporter.write_line(f"  (list written to {report.relative_to(ROOT)})")
