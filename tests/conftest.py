"""Shared fixtures: every browser test drives Debian's Chromium through pytest-playwright."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest

from rpa.portal.browser import CHROMIUM_ARGS, BrowserSettings

CHROMIUM = str(BrowserSettings().executable_path)


def pytest_configure(config: pytest.Config) -> None:
    """Evidence and submissions are sealed with the installation's master key (``rpa keys init``); a
    test run has one in the environment, shared by every worker and subprocess. Tests of the key
    file itself ``monkeypatch.delenv("RPA_MASTER_KEY")``."""
    os.environ.setdefault("RPA_MASTER_KEY", base64.b64encode(os.urandom(32)).decode("ascii"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Point pytest-playwright at Debian's Chromium; downloading Playwright's own is impossible here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
