"""Test helpers: a client that signs in, carries the CSRF token and parses pages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TEST_PASSWORD = "correct horse battery staple"

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    """Wraps Flask's test client (Notify's client_request idea): asserts status, keeps CSRF."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.raw: FlaskClient = app.test_client()
        self.csrf: str | None = None

    def get(self, url: str, status: int | None = 200, **kw: Any) -> TestResponse:
        response = self.raw.get(url, **kw)
        if status is not None:
            assert response.status_code == status, (url, response.status_code, response.location)
        self._remember_csrf(response)
        return response

    def _remember_csrf(self, response: TestResponse) -> None:
        if response.mimetype != "text/html":
            return
        match = _CSRF.search(response.get_data(as_text=True))
        if match:
            self.csrf = match.group(1)

    def post(
        self, url: str, data: dict | None = None, status: int | None = 302, csrf: bool = True, **kw: Any
    ) -> TestResponse:
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.csrf is None:
                self.get("/sign-in", status=None)
            data["csrf_token"] = self.csrf
        response = self.raw.post(url, data=data, **kw)
        if status is not None:
            assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:2000])
        self._remember_csrf(response)
        return response

    def sign_in(self, email: str, password: str = TEST_PASSWORD) -> TestResponse:
        self.get("/sign-in")
        response = self.post("/sign-in", {"email": email, "password": password})
        # Land on the page a browser would, which carries the new session's CSRF token.
        self.get(response.location, status=None)
        return response
