"""Alert ids stay stable (acknowledgements keep pointing at the same alert), a damaged line hides no other
alert, and an acknowledgement is written once, with its audit entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rpa.ledger import Ledger
from rpa.ledger.audit import read_audit
from rpa.operations.alert_acks import (
    ACK_ACTION,
    AlreadyAcknowledged,
    acknowledge,
    acknowledgements,
    count_unacknowledged,
)
from rpa.operations.alerts import FILE_NAME, KIND_LABELS, kind_label, raise_alert, read_alerts


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


def test_new_alerts_get_distinct_ids_that_reading_keeps(tmp_path: Path) -> None:
    first = raise_alert(tmp_path, "portal_down", "Cổng moj-lltp không truy cập được", portal="moj-lltp")
    second = raise_alert(tmp_path, "portal_down", "Cổng moj-lltp không truy cập được", portal="moj-lltp")
    assert first["id"] != second["id"] and len(first["id"]) == 32
    assert [a["id"] for a in read_alerts(tmp_path)] == [first["id"], second["id"]]
    with pytest.raises(ValueError, match="id"):
        raise_alert(tmp_path, "portal_down", "x", id="chosen-by-caller")


def test_lines_written_before_ids_get_a_stable_id_from_their_content(tmp_path: Path) -> None:
    old = [
        {"at": "2026-11-01T01:00:00+00:00", "kind": "selector_drift", "message": "moj-lltp: đổi giao diện"},
        {"at": "2026-11-01T01:00:00+00:00", "kind": "selector_drift", "message": "moj-lltp: đổi lần hai"},
    ]
    lines = [json.dumps(entry, ensure_ascii=False) for entry in old]
    (tmp_path / FILE_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = [a["id"] for a in read_alerts(tmp_path)]
    assert len(set(ids)) == 2
    raise_alert(tmp_path, "portal_up", "đã hoạt động trở lại")
    assert [a["id"] for a in read_alerts(tmp_path)][:2] == ids  # same ids after the file grew


def test_the_last_rotation_is_read_on_demand_with_the_same_ids(tmp_path: Path) -> None:
    old = raise_alert(tmp_path, "portal_down", "Cổng vantai không truy cập được", portal="vantai")
    (tmp_path / FILE_NAME).rename(tmp_path / f"{FILE_NAME}.1")
    new = raise_alert(tmp_path, "portal_up", "Cổng vantai đã hoạt động trở lại", portal="vantai")
    assert [a["id"] for a in read_alerts(tmp_path)] == [new["id"]]
    assert [a["id"] for a in read_alerts(tmp_path, with_rotated=True)] == [old["id"], new["id"]]


def test_a_damaged_line_hides_no_other_alert(tmp_path: Path) -> None:
    raise_alert(tmp_path, "captcha", "cần người đọc mã xác nhận", dossier="H55-1")
    with (tmp_path / FILE_NAME).open("a", encoding="utf-8") as fh:
        fh.write('{"at": "2026-12-04T01:00:00+00:00", "kind": "portal_d\n[1, 2]\n')
    raise_alert(tmp_path, "portal_up", "đã hoạt động trở lại")
    assert [a["kind"] for a in read_alerts(tmp_path)] == ["captcha", "portal_up"]


def test_every_kind_the_engine_raises_has_a_vietnamese_label() -> None:
    raised = {
        "portal_down", "portal_up", "selector_drift", "captcha", "job_failing", "job_recovered",
        "failed_system", "transfer_error", "needs_review", "unknown_status", "overdue", "config_error",
        "ledger_error", "timestamp_failed",
    }  # fmt: skip
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path("rpa").rglob("*.py"))
    for kind in raised:
        assert f'"{kind}"' in source
    assert raised == set(KIND_LABELS)
    assert kind_label("captcha") == "Chờ người đọc mã xác nhận" and kind_label("lạ") == "lạ"


def test_an_acknowledgement_is_kept_once_with_its_audit_entry(tmp_path: Path, ledger: Ledger) -> None:
    alert = raise_alert(tmp_path, "selector_drift", "moj-lltp: form.submit không khớp", portal="moj-lltp")
    other = raise_alert(tmp_path, "portal_down", "Cổng moj-lltp không truy cập được", portal="moj-lltp")
    assert count_unacknowledged(tmp_path, ledger.engine) == 2
    ack = acknowledge(ledger.engine, alert["id"], "minh", "  Đã báo kỹ thuật sửa bản đồ  ")
    assert ack.note == "Đã báo kỹ thuật sửa bản đồ"
    with pytest.raises(AlreadyAcknowledged) as second:
        acknowledge(ledger.engine, alert["id"], "quantri")
    assert second.value.ack.by == "minh"  # the first answer stays
    assert acknowledgements(ledger.engine)[alert["id"]].by == "minh"
    assert count_unacknowledged(tmp_path, ledger.engine) == 1
    (entry,) = read_audit(ledger.engine, action=ACK_ACTION)
    assert (entry.actor, entry.target, entry.reason) == ("minh", alert["id"], "Đã báo kỹ thuật sửa bản đồ")
    with pytest.raises(ValueError):
        acknowledge(ledger.engine, other["id"], "minh", "x" * 501)
    assert count_unacknowledged(tmp_path, ledger.engine) == 1
    assert len(read_audit(ledger.engine, action=ACK_ACTION)) == 1
