"""Shared fixtures: every browser test drives Debian's Chromium through pytest-playwright."""

from __future__ import annotations

from typing import Any

import pytest

from rpa.portal.browser import CHROMIUM_ARGS, BrowserSettings

CHROMIUM = str(BrowserSettings().executable_path)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Point pytest-playwright at Debian's Chromium; downloading Playwright's own is impossible here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
