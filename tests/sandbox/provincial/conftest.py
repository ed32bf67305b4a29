"""Fixtures for the provincial sandbox: a served app, a dossier factory, an API client, a clerk page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from flows.judicial_record.model import PROCEDURE_CODE
from rpa.procedures import dossier_model
from rpa.sandbox.provincial.app import create_app
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.records import SeededDossier, SeedFile
from rpa.sandbox.serving import serve_app

VN_TZ = timezone(timedelta(hours=7))
CLERK = ("motcua.qngai", "MotCua@2025")
OTHER_PROCEDURE = ("2.000488", "Đăng ký khai sinh")
NAMES = [
    ("NGUYỄN VĂN ÁNH", "male"),
    ("TRẦN THỊ HUỆ", "female"),
    ("LÊ ĐỨC THỌ", "male"),
    ("PHẠM THỊ THU THỦY", "female"),
    ("HOÀNG VĂN ĐỒNG", "male"),
]
SHOTS = Path("/tmp/prov-shots")


def _make_dossier(
    i: int,
    *,
    received: datetime | None = None,
    status: int = 2,
    procedure: tuple[str, str] = (PROCEDURE_CODE, "Cấp Phiếu lý lịch tư pháp"),
    phone: str | None = "0912345678",
) -> dict[str, Any]:
    """A valid judicial-record dossier dict in ``Dossier.model_dump(mode="json")`` shape."""
    name, sex = NAMES[i % len(NAMES)]
    received = received or datetime(2025, 11, 3, 8, 15, tzinfo=VN_TZ) + timedelta(minutes=i)
    year = 1980 + i % 20
    number = f"051{'0' if sex == 'male' else '1'}{year % 100:02d}{100000 + i:06d}"
    address = {
        "street": f"{i + 1} Hùng Vương",
        "commune": "Phường Cẩm Thành",
        "province": "Tỉnh Quảng Ngãi",
        "province_code": "51",
        "commune_code": "21172",
    }
    dossier = dossier_model().model_validate(
        {
            "code": "000.00.01.H55-" + received.strftime("%y%m%d") + "-0001",
            "procedure_code": procedure[0],
            "procedure_name": procedure[1],
            "received_at": received.isoformat(),
            "due_at": (received + timedelta(days=14)).isoformat(),
            "status": status,
            "channel": "online" if i % 3 == 0 else "direct",
            "applicant": {
                "full_name": name,
                "sex": sex,
                "birth_date": f"0{1 + i % 9}/0{1 + i % 9}/{year}" if i % 4 else str(year),
                "birth_place": "Quảng Ngãi",
                "identity": {
                    "kind": "cccd",
                    "number": number,
                    "issue_date": "10/05/2021",
                    "issue_place": "Cục Cảnh sát QLHC về TTXH",
                },
                "permanent_address": address,
                "temporary_address": {
                    **address,
                    "district": "Thành phố Quảng Ngãi",
                    "commune": "Phường Lê Hồng Phong",
                }
                if i % 2
                else None,
                "phone": phone,
                "email": f"nguoidan{i}@example.vn",
            },
            "attachments": [],
            "payload": {
                "kind": "judicial_record",
                "father": {"full_name": "NGUYỄN VĂN BA", "birth_date": "1950"},
                "mother": {"full_name": "LÊ THỊ HOÀ", "birth_date": "02/03/1955"},
                "spouse": None,
                "residence_history": [
                    {
                        "from_date": f"01/01/{year + 14}",
                        "to_date": f"31/12/{year + 20}",
                        "address": "Xã Nghĩa Hà, Quảng Ngãi",
                        "occupation": "Học sinh",
                    },
                    {
                        "from_date": f"01/01/{year + 21}",
                        "to_date": None,
                        "address": "Phường Cẩm Thành, Quảng Ngãi",
                        "occupation": "Kỹ sư",
                        "workplace": "Công ty Cổ phần Đường Quảng Ngãi",
                    },
                ],
                "certificate_type": 1 + i % 2,
                "confirm_court_ban": i % 5 == 0,
                "purpose": "Bổ sung hồ sơ xin việc",
                "copies": 1 + i % 3,
            },
        }
    )
    return dossier.model_dump(mode="json")


def _make_seeded(i: int, *, flaw: str | None = None, files: int = 2, **kwargs: Any) -> SeededDossier:
    """A :class:`SeededDossier` with ``files`` small attachments whose metadata matches the bytes."""
    data = _make_dossier(i, **kwargs)
    blobs = [
        SeedFile("cccd_mat_truoc.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 CCCD " + str(i).encode() * 50),
        SeedFile("to_khai_lltp.pdf", "application/pdf", b"%PDF-1.4 to khai " + str(i).encode() * 80),
    ][:files]
    data["attachments"] = [
        {
            "name": f.name,
            "media_type": f.media_type,
            "size": len(f.content),
            "sha256": hashlib.sha256(f.content).hexdigest(),
            "file": None,
        }
        for f in blobs
    ]
    return SeededDossier(data, blobs, flaw=flaw)


@pytest.fixture(scope="session")
def make_dossier() -> Callable[..., dict[str, Any]]:
    """Factory of valid dossier dicts: ``make_dossier(i, received=, status=, procedure=, phone=)``."""
    return _make_dossier


@pytest.fixture(scope="session")
def make_seeded() -> Callable[..., SeededDossier]:
    """Factory of seeded dossiers with attachments: ``make_seeded(i, flaw=, files=, **make_dossier)``."""
    return _make_seeded


@pytest.fixture(scope="session")
def vn_tz() -> timezone:
    return VN_TZ


@dataclass
class Provincial:
    """The running provincial sandbox: its URL and its store (reset before each test)."""

    url: str
    store: ProvincialStore

    def add(self, *items: SeededDossier) -> list[str]:
        return self.store.add_dossiers(items)


@pytest.fixture(scope="session")
def provincial_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provincial]:
    app = create_app(tmp_path_factory.mktemp("provincial"))
    served = serve_app(app)
    try:
        yield Provincial(served.url, app.state.store)
    finally:
        served.server.should_exit = True
        served.thread.join(timeout=10)


@pytest.fixture
def provincial(provincial_server: Provincial) -> Provincial:
    provincial_server.store.reset()
    return provincial_server


@pytest.fixture
def api(provincial: Provincial) -> Iterator[httpx.Client]:
    """An API client holding a bearer token of the clerk account."""
    with httpx.Client(base_url=provincial.url, timeout=10) as client:
        token = client.post("/api/auth/token", data={"username": CLERK[0], "password": CLERK[1]})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        yield client


@pytest.fixture
def clerk_page(page: Page, provincial: Provincial) -> Page:
    """A browser page logged in as the clerk, on the dossier list."""
    page.set_default_timeout(5000)
    page.goto(provincial.url + "/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(CLERK[0])
    page.get_by_label("Mật khẩu").fill(CLERK[1])
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ho-so")
    return page


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
