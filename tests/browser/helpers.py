"""Helpers for the browser tests: axe-core checks, screenshots, filling forms, the keyboard.

Every page a journey visits goes through ``Journey.check(name)``: a screenshot is saved to
test-artifacts/screenshots/<test>/<nn>-<name>.png, axe-core runs on the page at WCAG
2.0/2.1/2.2 A and AA, and any violation fails the test with a readable list. Each check is
recorded in ``AXE_LOG`` for the summary printed at the end of the run.
"""

from __future__ import annotations

import email
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A 320 CSS px wide viewport is what 1280 px at 400% zoom gives (WCAG 1.4.10 Reflow).
REFLOW_WIDTH = 320


# Known, accepted exception (GOV.UK Frontend, alphagov/govuk-frontend#979 and #1280): the
# radios and checkboxes that reveal a follow-up question carry aria-expanded, which ARIA
# does not list for role=radio/checkbox, so axe reports aria-allowed-attr. GOV.UK keeps it
# on purpose because screen readers announce it. Only that attribute on those inputs is
# tolerated; each one is counted and shown in the run's summary.
KNOWN_EXCEPTION = {
    "rule": "aria-allowed-attr",
    "selector": ".govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]",
    "attribute": "aria-expanded",
}


@dataclass
class AxeLog:
    """Every page checked in this run, and the rules axe-core ran."""

    pages: list[tuple[str, str, str]] = field(default_factory=list)  # (test, name, url)
    rules: set[str] = field(default_factory=set)
    version: str = ""
    tolerated: int = 0  # nodes excused by KNOWN_EXCEPTION


AXE_LOG = AxeLog()

_RUN_AXE = """async ([tags, known]) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const ids = (list) => list.map((r) => r.id);
  const excused = (rule, node) => {
    if (rule !== known.rule || node.target.length !== 1) return false;
    const el = document.querySelector(node.target[0]);
    const messages = [...node.any, ...node.all, ...node.none].map((c) => c.message);
    return !!el && el.matches(known.selector)
      && messages.length > 0 && messages.every((m) => m.includes(known.attribute) && !m.includes(','));
  };
  let tolerated = 0;
  const violations = [];
  for (const v of result.violations) {
    const nodes = v.nodes.filter((n) => !excused(v.id, n));
    tolerated += v.nodes.length - nodes.length;
    if (nodes.length) violations.push({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
    });
  }
  return {
    version: axe.version,
    rules: [...ids(result.violations), ...ids(result.passes), ...ids(result.incomplete), ...ids(result.inapplicable)],
    violations, tolerated,
  };
}"""


def run_axe(page: Page) -> dict[str, Any]:
    """Inject axe-core (unless already there) and run it on the page as it is now.

    The script is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not apply to, so the page is tested as served.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE, [WCAG_TAGS, KNOWN_EXCEPTION])


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG A/AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"      at {node['target']}")
            if node["summary"]:
                lines.extend("        " + s for s in node["summary"].splitlines())
    return "\n".join(lines)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "page"


class Journey:
    """One browser page driven through a journey, checking each page it lands on.

    Journeys of one test (say a referrer and, in another browser, the secretariat) share
    its screenshot folder and numbering; ``who`` prefixes their pages' names.
    """

    def __init__(self, page: Page, base_url: str, test_name: str, who: str = "", counter: list[int] | None = None) -> None:
        self.page = page
        self.base_url = base_url
        self.test_name = _slug(test_name.removeprefix("test_"))
        self.who = _slug(who) if who else ""
        self.counter = counter if counter is not None else [0]
        self.folder = SCREENSHOTS / self.test_name

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def goto(self, path: str, name: str | None = None, status: int = 200) -> None:
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (path, response and response.status)
        if name:
            self.check(name)

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def screenshot(self, name: str) -> Path:
        self.counter[0] += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        label = f"{self.who}-{name}" if self.who else name
        target = self.folder / f"{self.counter[0]:02d}-{_slug(label)}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def check(self, name: str) -> None:
        """Screenshot the page and fail on any axe-core violation."""
        self.page.wait_for_load_state("load")
        self.screenshot(name)
        result = run_axe(self.page)
        AXE_LOG.version = result["version"]
        AXE_LOG.rules.update(result["rules"])
        AXE_LOG.tolerated += result["tolerated"]
        AXE_LOG.pages.append((self.test_name, f"{self.who}: {name}" if self.who else name, self.path()))
        assert not result["violations"], format_violations(self.path(), result["violations"])

    def submit(self, text: str = "Save and continue") -> None:
        """Press a form's button by its text and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=text, exact=True).click()

    def error_summary(self) -> str:
        summary = self.page.locator(".govuk-error-summary")
        assert summary.is_visible(), f"no error summary on {self.path()}"
        return summary.inner_text()


# -- filling forms ------------------------------------------------------------------------


def post_data(definition: Any, page_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser would post for a form page: the same as the test client posts."""
    from tests.views.test_refer import page_post_data

    return page_post_data(definition, page_id, answers)


def fill(page: Page, data: dict[str, Any]) -> int:
    """Fill the form on the page as a person would, from name → value(s).

    A list is the boxes of a date (in order) or the checked boxes of a checkbox group.
    Group items that are not on the page yet are added with the group's "Add" button;
    returns how many were added (the page then shows a state worth checking too).
    """
    added = 0
    for name, value in data.items():
        inputs = page.locator(f'[name="{name}"]')
        if inputs.count() == 0:
            group = name.split("-", 1)[0]
            add = page.locator(f'button[name="add_item"][value="{group}"]')
            assert add.count(), f"no input named {name} on {page.url}"
            with page.expect_navigation():
                add.click()
            added += 1
            inputs = page.locator(f'[name="{name}"]')
        first = inputs.first
        kind = (first.get_attribute("type") or first.evaluate("e => e.tagName")).lower()
        if kind == "checkbox":
            for v in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{name}"][value="{v}"]').check()
        elif kind == "radio":
            page.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind == "select":
            first.select_option(str(value))
        elif isinstance(value, list):
            for box, part in zip(inputs.all(), value, strict=True):
                box.fill(part)
        else:
            first.fill(str(value))
    return added


# -- e-mail -----------------------------------------------------------------------------


def outbox(instance: Path) -> list[email.message.Message]:
    folder = instance / "outbox"
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]


def body(message: email.message.Message) -> str:
    payload = message.get_payload(decode=True)
    if payload is None:  # multipart: the text part
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode()
        return ""
    return payload.decode()


def wait_for_mail(
    instance: Path, to: str, after: int = 0, subject: str | None = None, timeout: float = 10.0
) -> email.message.Message:
    """The first message to ``to`` (with ``subject``, if given) among those after the first
    ``after`` in the outbox."""
    end = time.monotonic() + timeout
    while True:
        for message in outbox(instance)[after:]:
            if message["To"] == to and subject in (None, message["Subject"]):
                return message
        if time.monotonic() > end:
            raise AssertionError(f"no e-mail to {to} in {instance / 'outbox'}")
        time.sleep(0.1)


# -- the keyboard -------------------------------------------------------------------------

# Describe the focused element and whether its focus is visible: a computed outline (not
# none, not 0 wide) or box-shadow on it, or for GOV.UK radios and checkboxes (whose input
# is transparent) on the ::before/::after of its label.
_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body', visible: false, text: ''};
  const shows = (style) =>
    (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && style.outlineColor !== 'rgba(0, 0, 0, 0)')
    || (style.boxShadow && style.boxShadow !== 'none');
  let visible = shows(getComputedStyle(el));
  if (!visible && el.labels && el.labels.length) {
    const label = el.labels[0];
    visible = shows(getComputedStyle(label, '::before')) || shows(getComputedStyle(label, '::after'));
  }
  return {
    tag: el.tagName.toLowerCase(), id: el.id || '', name: el.getAttribute('name') || '',
    value: el.value || '', type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    classes: el.className || '', visible,
    inSummary: !!el.closest('.govuk-error-summary'),
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(_FOCUS)


def assert_focus_visible(page: Page) -> dict[str, Any]:
    info = focused(page)
    assert info["visible"], f"focus is not visible on {info} at {page.url}"
    return info


def tab_to(page: Page, matches: Any, *, backwards: bool = False, limit: int = 80) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until ``matches(info)`` holds for the focused element,
    checking at every stop that the focus is visible."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        if info["tag"] == "body":
            continue
        assert info["visible"], f"focus is not visible on {info} at {page.url}"
        if matches(info):
            return info
    raise AssertionError(f"pressing {key} {limit} times never reached the element on {page.url}")


def named(name: str, value: str | None = None):  # type: ignore[no-untyped-def]
    return lambda info: info["name"] == name and (value is None or info["value"] == value)


def by_id(element_id: str):  # type: ignore[no-untyped-def]
    return lambda info: info["id"] == element_id


def by_text(text: str):  # type: ignore[no-untyped-def]
    return lambda info: info["text"] == text


def keyboard_fill(page: Page, data: dict[str, Any]) -> None:
    """Fill a form with Tab, typing and Space only, in the order the fields come."""
    for name, value in data.items():
        first = page.locator(f'[name="{name}"]').first
        kind = (first.get_attribute("type") or "").lower()
        if kind in ("checkbox", "radio"):
            for v in value if isinstance(value, list) else [value]:
                tab_to(page, named(name, v))
                page.keyboard.press("Space")
        elif isinstance(value, list):  # the boxes of a date, in order
            for i, part in enumerate(value):
                if i == 0:
                    tab_to(page, named(name))
                else:
                    page.keyboard.press("Tab")
                    assert_focus_visible(page)
                page.keyboard.type(part)
        else:
            tab_to(page, named(name))
            page.keyboard.type(str(value))


def sign_in(j: Journey, email: str, password: str, *, check: bool = False) -> None:
    """Sign in through the sign-in page (with the error state first when ``check``)."""
    j.goto("/sign-in", "sign-in" if check else None)
    if check:
        j.submit("Sign in")
        assert j.error_summary()
        j.check("sign-in-error")
    j.page.get_by_label("E-mail address").fill(email)
    j.page.get_by_label("Password", exact=True).fill(password)
    j.submit("Sign in")
    assert not j.path().startswith("/sign-in"), j.page.locator("main").inner_text()[:500]
