"""The ``/_sandbox/`` control and inspection API."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from rpa.sandbox.records import SeededDossier

if TYPE_CHECKING:
    from conftest import Provincial

MakeDossier = Callable[..., dict]


def test_accounts_list_the_clerk_first(provincial: Provincial) -> None:
    accounts = httpx.get(f"{provincial.url}/_sandbox/accounts").json()["accounts"]
    assert accounts[0] == {
        "username": "motcua.qngai",
        "password": "MotCua@2025",
        "display_name": "Nguyễn Thị Thu Hà",
        "role": "Cán bộ tiếp nhận Bộ phận Một cửa",
    }


def test_raw_dossiers_added_over_http_keep_flaw_and_files(
    provincial: Provincial, make_dossier: MakeDossier
) -> None:
    flawed = make_dossier(1)
    flawed["applicant"]["identity"]["number"] = "05119"  # too short
    files = [
        {
            "name": "uy_quyen.pdf",
            "media_type": "application/pdf",
            "content_base64": base64.b64encode(b"%PDF").decode(),
        }
    ]
    body = {
        "dossiers": [{"data": make_dossier(0)}, {"data": flawed, "flaw": "identity_short", "files": files}]
    }
    codes = httpx.post(f"{provincial.url}/_sandbox/dossiers", json=body).json()["codes"]
    listed = httpx.get(f"{provincial.url}/_sandbox/dossiers").json()
    assert [d["code"] for d in listed] == codes
    assert listed[0]["flaw"] is None and listed[1]["flaw"] == "identity_short"
    assert (
        listed[1]["identity_number"] == "05119"
        and listed[1]["data"]["applicant"]["identity"]["number"] == "05119"
    )
    assert {k for k in listed[1]} == {
        "code",
        "status",
        "receipt_codes",
        "flaw",
        "tricky",
        "procedure_code",
        "identity_number",
        "data",
    }
    assert provincial.store.attachment_file(codes[1], 0)[1].read_bytes() == b"%PDF"
    bad = httpx.post(
        f"{provincial.url}/_sandbox/dossiers",
        json={"dossiers": [{"data": {}, "files": [{"name": "x", "content_base64": "***"}]}]},
    )
    assert bad.status_code == 400 and "base64" in bad.json()["detail"]


def test_seed_uses_the_generator_and_reset_empties(provincial: Provincial) -> None:
    request = {"seed": 11, "dossiers": 6, "today": "2025-11-20"}
    codes = httpx.post(f"{provincial.url}/_sandbox/seed", json=request, timeout=30).json()["codes"]
    listed = httpx.get(f"{provincial.url}/_sandbox/dossiers").json()
    assert len(codes) == 6 and [d["code"] for d in listed] == codes
    assert all(d["code"] == d["data"]["code"] and "flaw" in d for d in listed)
    assert httpx.post(f"{provincial.url}/_sandbox/reset").json() == {"reset": True}
    assert httpx.get(f"{provincial.url}/_sandbox/dossiers").json() == []
    again = httpx.post(f"{provincial.url}/_sandbox/seed", json=request, timeout=30).json()["codes"]
    assert again == codes


def test_sms_and_ratings_are_inspectable(
    provincial: Provincial, make_seeded: Callable[..., SeededDossier]
) -> None:
    (code,) = provincial.add(make_seeded(0, status=4))
    provincial.store.change_status(code, 9, "Đã có kết quả", None, "clerk", provincial.url)
    provincial.store.add_rating(code, 5, "Rất hài lòng")
    (sms,) = httpx.get(f"{provincial.url}/_sandbox/sms").json()
    assert set(sms) == {"id", "dossier_code", "phone", "status", "text", "sent_at"}
    assert sms["dossier_code"] == code and sms["text"].startswith("UBND tinh Quang Ngai: Ho so")
    assert httpx.get(f"{provincial.url}/_sandbox/ratings").json()[0]["stars"] == 5
