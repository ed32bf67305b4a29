"""Write-back to the provincial system: the receipt code, the status and the citizen's SMS, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from rpa.sandbox.provincial.app import create_app
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import serve_app
from rpa.sources.provincial import ProvincialClient, ProvincialRefused
from rpa.status.writeback import NoLongerAccepted, already_written, write_back_receipt, write_back_status

RECEIPT = "LLTP-51-2025-000123"
NOTE = f"Đã chuyển Bộ Tư pháp, mã hồ sơ {RECEIPT}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ProvincialStore]]:
    app = create_app(tmp_path_factory.mktemp("provincial"))
    running = serve_app(app)
    try:
        yield running.url, app.state.store
    finally:
        running.server.should_exit = True
        running.thread.join(timeout=10)


@pytest.fixture
def code(served: tuple[str, ProvincialStore]) -> str:
    """A fresh, valid dossier in status 2 (Được tiếp nhận), alone in the store."""
    store = served[1]
    store.reset()
    seeded = next(d for d in generate(5, 10, today=date(2025, 11, 20)) if not d.flaw and not d.tricky)
    assert seeded.data["status"] == 2
    (assigned,) = store.add_dossiers([seeded])
    return assigned


@pytest.fixture
def client(served: tuple[str, ProvincialStore]) -> Iterator[ProvincialClient]:
    with ProvincialClient(served[0], "rpa.bot", "RpaBot@2025", timeout=10) as client:
        yield client


def _sms(served: tuple[str, ProvincialStore], code: str) -> list[dict[str, Any]]:
    response = httpx.get(f"{served[0]}/_sandbox/sms", params={"code": code})
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()
    return messages


def test_the_receipt_reaches_the_dossier_and_the_citizen_once(
    served: tuple[str, ProvincialStore], client: ProvincialClient, code: str
) -> None:
    assert write_back_receipt(client, code, RECEIPT, NOTE) is True
    dossier = client.get(code)
    assert dossier["status"] == 4 and dossier["receipt_codes"] == [RECEIPT]
    last = dossier["processing_log"][-1]
    assert (last["status_from"], last["status_to"], last["note"]) == (2, 4, NOTE)
    assert (last["receipt_code"], last["actor"]) == (RECEIPT, "rpa")
    (sms,) = _sms(served, code)
    assert f"da duoc chuyen Bo Tu phap, ma ho so {RECEIPT}" in sms["text"] and sms["status"] == 4

    assert write_back_receipt(client, code, RECEIPT, NOTE) is False  # a retry writes nothing
    assert client.get(code)["processing_log"] == dossier["processing_log"]
    assert len(_sms(served, code)) == 1


def test_a_racing_retry_is_stopped_by_the_systems_own_guard(
    served: tuple[str, ProvincialStore], client: ProvincialClient, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = client.get(code)  # read by a second worker before the first one wrote
    assert write_back_receipt(client, code, RECEIPT, NOTE, actor="rpa-1") is True
    monkeypatch.setattr(client, "get", lambda _code: before)
    assert write_back_receipt(client, code, RECEIPT, NOTE, actor="rpa-2") is False
    monkeypatch.undo()
    assert [e["actor"] for e in client.get(code)["processing_log"] if e["receipt_code"]] == ["rpa-1"]
    assert len(_sms(served, code)) == 1


def test_a_receipt_only_noted_by_a_clerk_still_moves_the_status(
    served: tuple[str, ProvincialStore], client: ProvincialClient, code: str
) -> None:
    client.append_log(code, "Cán bộ ghi mã hồ sơ", RECEIPT, "Nguyễn Thị Thu Hà")  # status stays 2
    assert write_back_receipt(client, code, RECEIPT, NOTE) is True
    assert client.get(code)["status"] == 4
    assert len(_sms(served, code)) == 1


def test_later_status_changes_are_written_once(
    served: tuple[str, ProvincialStore], client: ProvincialClient, code: str
) -> None:
    write_back_receipt(client, code, RECEIPT, NOTE)
    note = "Bộ Tư pháp đã cấp Phiếu lý lịch tư pháp"
    assert write_back_status(client, code, 9, note, RECEIPT) is True
    assert write_back_status(client, code, 9, note, RECEIPT) is False
    assert write_back_status(client, code, 9, "Nhắc lại", None) is False  # already in 9 after such an entry
    dossier = client.get(code)
    assert dossier["status"] == 9 and dossier["receipt_codes"] == [RECEIPT]
    assert [m["status"] for m in _sms(served, code)] == [4, 9]
    assert already_written(dossier, 4, RECEIPT) and not already_written(dossier, 10, RECEIPT)


def test_a_status_after_the_clerk_returned_the_result_is_not_written(
    served: tuple[str, ProvincialStore], client: ProvincialClient, code: str
) -> None:
    write_back_receipt(client, code, RECEIPT, NOTE)
    write_back_status(client, code, 10, "Cán bộ đã trả kết quả tại bộ phận một cửa", None)
    assert write_back_status(client, code, 9, "Bộ Tư pháp đã có kết quả", None) is False
    dossier = client.get(code)
    assert dossier["status"] == 10
    assert [m["status"] for m in _sms(served, code)] == [4, 10]


def test_refusals_and_bad_arguments(
    served: tuple[str, ProvincialStore], client: ProvincialClient, code: str
) -> None:
    with pytest.raises(ValueError, match="receipt_code"):
        write_back_receipt(client, code, "  ", NOTE)
    with pytest.raises(ValueError):
        write_back_status(client, code, 11, "", None)
    write_back_status(client, code, 10, "Đã trả kết quả", None)
    # A receipt is written only over "accepted": the bot refuses before the provincial system must.
    with pytest.raises(NoLongerAccepted, match="trạng thái 10"):
        write_back_receipt(client, code, RECEIPT, NOTE)
    with pytest.raises(ProvincialRefused, match="Hồ sơ đã trả kết quả") as info:
        write_back_status(client, code, 4, "Đang xử lý", RECEIPT)
    assert info.value.status_code == 409
    with pytest.raises(ProvincialRefused, match="Không tìm thấy hồ sơ"):
        write_back_receipt(client, code.replace("-0001", "-0999"), RECEIPT, NOTE)
