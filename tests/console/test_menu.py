"""The menu: what each role sees in it, and the count of alerts nobody has looked at yet."""

from __future__ import annotations

import re

from console.conftest import Console

from rpa.operations.alerts import raise_alert


def _count(html: str) -> int | None:
    found = re.search(r'<span class="count"[^>]*>(\d+)</span>', html)
    return int(found.group(1)) if found else None


def test_supervisors_see_unseen_alerts_counted_and_clerks_see_no_supervisor_menu(console: Console) -> None:
    with console.client("minh") as supervisor, console.client("lan") as clerk:
        before = _count(supervisor.get("/canh-bao").text) or 0
        raise_alert(
            console.world.settings.work_dir, "portal_down", "Cổng vantai không phản hồi", portal="vantai"
        )
        page = supervisor.get("/canh-bao").text
        assert _count(page) == before + 1 and 'href="/tong-quan"' in page
        clerk_page = clerk.get("/ho-so").text
        assert _count(clerk_page) is None
        assert 'href="/tong-quan"' not in clerk_page and 'href="/canh-bao"' not in clerk_page
        assert 'href="/cho-xu-ly"' in clerk_page
