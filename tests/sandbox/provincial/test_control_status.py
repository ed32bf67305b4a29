"""``POST /_sandbox/dossiers/{code}/status``: a test changes a status at any moment, as a clerk would."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from rpa.sandbox.provincial.auth import ACCOUNTS
from rpa.sandbox.records import SeededDossier

if TYPE_CHECKING:
    from conftest import Provincial

MakeSeeded = Callable[..., SeededDossier]
WITHDRAWN = 7
CLERK_NAME = ACCOUNTS[0].display_name


def _status(provincial: Provincial, code: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{provincial.url}/_sandbox/dossiers/{code}/status", json=body, timeout=30)


def test_withdrawal_is_logged_and_texted_like_a_clerks(
    provincial: Provincial, make_seeded: MakeSeeded, api: httpx.Client
) -> None:
    [code] = provincial.add(make_seeded(0, status=4))
    reply = _status(provincial, code, {"status": WITHDRAWN, "note": "Công dân xin rút hồ sơ"})
    assert reply.status_code == 200
    result = reply.json()
    assert result["code"] == code and result["status"] == WITHDRAWN
    assert result["changed"] is True and result["duplicate"] is False
    listed = {d["code"]: d for d in httpx.get(f"{provincial.url}/_sandbox/dossiers").json()}
    assert listed[code]["status"] == WITHDRAWN and listed[code]["data"]["status"] == WITHDRAWN
    log = api.get(f"/api/dossiers/{code}").raise_for_status().json()["processing_log"]
    assert log[-1] | {"time": None} == {
        "time": None,
        "actor": CLERK_NAME,
        "status_from": 4,
        "status_to": WITHDRAWN,
        "note": "Công dân xin rút hồ sơ",
        "receipt_code": None,
    }
    [sms] = httpx.get(f"{provincial.url}/_sandbox/sms", params={"code": code}).json()
    assert sms["status"] == WITHDRAWN and sms["text"].isascii() and code in sms["text"]
    assert result["sms"] == sms


def test_a_repeated_change_writes_nothing_and_the_actor_can_be_named(
    provincial: Provincial, make_seeded: MakeSeeded
) -> None:
    [code] = provincial.add(make_seeded(1, status=2))
    body = {"status": WITHDRAWN, "note": "Rút hồ sơ", "actor": "Trần Văn Đức"}
    assert _status(provincial, code, body).json()["changed"] is True
    again = _status(provincial, code, body).json()
    assert again["duplicate"] is True and again["sms"] is None
    assert len(httpx.get(f"{provincial.url}/_sandbox/sms", params={"code": code}).json()) == 1
    assert again["log_entry"]["actor"] == "Trần Văn Đức"


def test_refusals_are_json(provincial: Provincial, make_seeded: MakeSeeded) -> None:
    [code] = provincial.add(make_seeded(2, status=10))
    missing = _status(provincial, "000.00.01.H55-251103-9999", {"status": WITHDRAWN})
    assert missing.status_code == 404 and "detail" in missing.json()
    assert _status(provincial, code, {"status": 11}).status_code == 422
    assert _status(provincial, code, {"status": WITHDRAWN, "colour": "red"}).status_code == 422
    returned = _status(provincial, code, {"status": WITHDRAWN})  # a returned result is final
    assert returned.status_code == 409 and "detail" in returned.json()
