"""Helpers for tests and demos: serve the portal on a free port, and drive its control API.

Example::

    with serve(create_app(tmp_path)) as url:
        sandbox = MojSandbox(url)
        sandbox.knobs(captcha=False)
        receipt = sandbox.submit_minimal(identity_number="051090001234")
"""

from __future__ import annotations

import re

import httpx

from rpa.sandbox.moj.portal import COOKIE
from rpa.sandbox.testing import ControlClient, serve

__all__ = ["MINIMAL_APPLICATION", "MojSandbox", "serve"]


# ui_version 1 form posts of a valid application, step by step
MINIMAL_APPLICATION: dict[str, dict[str, str]] = {
    "a": {
        "fullName": "Nguyễn Văn Ánh",
        "genderId": "1",
        "birthDateStr": "05/03/1990",
        "birthPlace": "Quảng Ngãi",
        "nationalityId": "VN",
        "ethnicId": "01",
        "idTypeId": "1",
        "idNumber": "051090001234",
        "idIssueDateStr": "01/02/2021",
        "idIssuePlace": "Cục Cảnh sát QLHC về TTXH",
        "permanentProvinceId": "51",
        "permanentWardId": "21025",
        "permanentStreet": "12 Lê Lợi",
    },
    "b": {"fatherName": "Nguyễn Văn Bình", "fatherBirthDateStr": "1960"},
    "c": {
        "residences[0][fromDateStr]": "05/03/2004",
        "residences[0][toPresent]": "1",
        "residences[0][address]": "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
    },
    "d": {"formType": "1", "purpose": "Bổ sung hồ sơ xin việc", "copies": "1", "deliveryMethod": "at_agency"},
}


class MojSandbox(ControlClient):
    """A client of ``/_sandbox/`` plus a plain-HTTP way to submit an application (no browser)."""

    def login(
        self, client: httpx.Client, username: str = "canbo.qngai", password: str = "MatKhau@2025"
    ) -> None:
        """Log ``client`` in (ui_version 1 names), answering the CAPTCHA through the control API."""
        page = client.get("/dang-nhap").text
        form = {"username": username, "password": password, "next": "/"}
        match = re.search(r'name="captchaId" value="([^"]+)"', page)
        if match:
            form |= {"captchaId": match.group(1), "captcha": self.captcha_answer(match.group(1))}
        response = client.post("/dang-nhap", data=form)
        if response.status_code != 303:
            raise RuntimeError("login failed")

    def _fill_steps(self, client: httpx.Client, steps: str, a_fields: dict[str, str]) -> None:
        self.login(client)
        client.get("/ho-so/moi")
        for step in steps:
            data = {**MINIMAL_APPLICATION[step], **(a_fields if step == "a" else {}), "_action": "next"}
            scan = ("cccd.png", b"\x89PNG\r\n\x1a\nscan", "image/png")
            files = {"idCardFile": scan} if step == "d" else None
            response = client.post(f"/ho-so/buoc/{step}", data=data, files=files)
            if response.status_code != 303:
                raise RuntimeError(f"step {step} was refused")

    def session_after(self, steps: str, **a_fields: str) -> str:
        """Log in over HTTP and pass ``steps`` (e.g. ``"ab"``).

        Returns the ``MOJSESSID`` cookie value, for a browser to take over the draft.
        """
        with httpx.Client(base_url=self.url, timeout=30, follow_redirects=False) as client:
            self._fill_steps(client, steps, a_fields)
            return str(client.cookies[COOKIE])

    def submit_minimal(self, times: int = 1, **a_fields: str) -> list[str]:
        """Submit the valid MINIMAL_APPLICATION over HTTP (``times`` POSTs of one draft); the receipts."""
        with httpx.Client(base_url=self.url, timeout=30, follow_redirects=False) as client:
            self._fill_steps(client, "abcd", a_fields)
            receipts = []
            for _ in range(times):
                location = client.post("/ho-so/nop").headers["location"]
                receipts.append(location.rsplit("/", 1)[-1])
            return receipts
