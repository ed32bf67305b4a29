"""Helpers for tests and demos of the road-transport portal: serve it, drive its control API, and file
applications straight through its JSON API (what the page would send), without a browser.

Example::

    with serve(create_app(tmp_path)) as url:
        sandbox = VantaiSandbox(url)
        sandbox.knobs(captcha=False)
        receipt = sandbox.submit()["receipt"]
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from rpa.sandbox.testing import ControlClient, serve
from rpa.sandbox.vantai.store import SEED_ACCOUNTS

__all__ = ["PDF_BYTES", "VALID_FORM", "VALID_VEHICLE", "VantaiSandbox", "serve"]

USERNAME, PASSWORD = SEED_ACCOUNTS[0]["username"], SEED_ACCOUNTS[0]["password"]
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A passenger business whose licence runs to 2029 and covers "hop_dong".
VALID_VEHICLE: dict[str, str] = {
    "bien_so": "76B-123.45",
    "nhan_hieu": "THACO",
    "so_cho": "29",
    "nam_san_xuat": "2019",
    "so_huu": "so_huu",
    "so_dang_ky_xe": "012345",
}
VALID_FORM: dict[str, Any] = {
    "so_giay_phep": "76-002233",
    "nguoi_lien_he": "Trần Thị Hoa",
    "so_dien_thoai": "0905123456",
    "email": "vantai.sahuynh@gmail.com",
    "loai_phu_hieu": "hop_dong",
    "hieu_luc_den": "31/12/2028",
    "phuong_tien": [VALID_VEHICLE],
}


class VantaiSandbox(ControlClient):
    """A client of ``/_sandbox/`` plus the portal's own API with a logged-in token."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.token = ""

    def login(self, username: str = USERNAME, password: str = PASSWORD) -> str:
        answer = self.http.post("/api/auth/login", json={"username": username, "password": password})
        self.token = str(answer.raise_for_status().json()["token"])
        return self.token

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A call to ``/api/...`` with the bearer token (logging in first when there is none)."""
        if not self.token:
            self.login()
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def post_application(
        self,
        form: dict[str, Any] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        captcha: str = "",
    ) -> httpx.Response:
        """``POST /api/ho-so`` as the page sends it; each vehicle gets a registration scan (and a lease
        when leased) unless ``files`` is given; ``captcha`` "auto" answers a new challenge."""
        form = VALID_FORM if form is None else form
        if files is None:
            files = {}
            for i, vehicle in enumerate(form.get("phuong_tien", [])):
                files[f"phuong_tien.{i}.anh_dang_ky"] = (f"dang-ky-{i}.pdf", PDF_BYTES)
                if vehicle.get("so_huu") == "thue":
                    files[f"phuong_tien.{i}.hop_dong_thue"] = (f"hop-dong-{i}.pdf", PDF_BYTES)
        data = {"ho_so": json.dumps(form, ensure_ascii=False), "captcha_id": "", "captcha": ""}
        if captcha == "auto":
            challenge = self.api("GET", "/api/captcha").raise_for_status().json()
            if challenge["required"]:
                data |= {"captcha_id": challenge["id"], "captcha": self.captcha_answer(challenge["id"])}
        elif captcha:
            data["captcha"] = captcha
        return self.api("POST", "/api/ho-so", data=data, files=files or None)

    def submit(self, form: dict[str, Any] | None = None) -> dict[str, Any]:
        """File a valid application (CAPTCHA answered through the control API); the stored record."""
        answer = self.post_application(form, captcha="auto")
        if answer.status_code != 201:
            raise RuntimeError(f"not submitted: {answer.status_code} {answer.text}")
        return dict(answer.json())

    def seed_applications(self, count: int) -> list[str]:
        """File ``count`` valid applications with different plates; their receipts, oldest first."""
        receipts = []
        for n in range(count):
            vehicle = {**VALID_VEHICLE, "bien_so": f"76B-{100 + n:03d}.{n % 100:02d}"}
            receipts.append(self.submit({**VALID_FORM, "phuong_tien": [vehicle]})["receipt"])
        return receipts

    def application(self, receipt: str) -> dict[str, Any]:
        return dict(self.http.get(f"/_sandbox/applications/{receipt}").raise_for_status().json())

    def businesses(self) -> list[dict[str, Any]]:
        return list(self.http.get("/_sandbox/businesses").raise_for_status().json())
