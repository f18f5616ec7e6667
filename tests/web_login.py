"""Signing in to the web pages as a browser does: the login form's CSRF token first."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def sign_in(client: TestClient, username: str, password: str) -> int:
    """Post the login form with the token its page gave; the response's status code."""
    form = client.get("/app/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None, "the login page carries its CSRF token"
    data = {"username": username, "password": password, "login_csrf": found.group(1)}
    return int(client.post("/app/login", data=data).status_code)
