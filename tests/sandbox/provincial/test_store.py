"""The store without HTTP: codes, raw data, files, status changes, SMS, ratings."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.provincial.views import Conflict, NotFound, SearchFilters, StoreError
from rpa.sandbox.records import SeededDossier

MakeSeeded = Callable[..., SeededDossier]
BASE = "http://motcua.test"


@pytest.fixture
def store(tmp_path: Path) -> ProvincialStore:
    return ProvincialStore(tmp_path)


def test_codes_follow_the_daily_sequence_of_the_received_day(
    store: ProvincialStore, make_seeded: MakeSeeded, vn_tz: timezone
) -> None:
    monday = datetime(2025, 11, 3, 9, 0, tzinfo=vn_tz)
    tuesday = datetime(2025, 11, 4, 23, 30, tzinfo=vn_tz)
    first = store.add_dossiers([make_seeded(0, received=monday), make_seeded(1, received=tuesday)])
    second = store.add_dossiers([make_seeded(2, received=monday)], agency="000.00.02.H55")
    third = store.add_dossiers([make_seeded(3, received=monday)])
    assert first == ["000.00.01.H55-251103-0001", "000.00.01.H55-251104-0001"]
    assert second == ["000.00.02.H55-251103-0001"]
    assert third == ["000.00.01.H55-251103-0002"]
    assert store.get(third[0]).data["code"] == third[0]
    assert (tmp := store.data_dir / "provincial.sqlite").exists() and tmp.stat().st_size > 0


def test_received_at_in_another_offset_counts_in_vietnam_time(
    store: ProvincialStore, make_seeded: MakeSeeded
) -> None:
    seeded = make_seeded(0)
    seeded.data["received_at"] = "2025-11-03T18:30:00+00:00"  # 01:30 on 4 November in Vietnam
    assert store.add_dossiers([seeded]) == ["000.00.01.H55-251104-0001"]


def test_flawed_dossiers_are_stored_raw_with_their_flaw(
    store: ProvincialStore, make_seeded: MakeSeeded
) -> None:
    seeded = make_seeded(0, flaw="birth_date_impossible")
    seeded.data["applicant"]["birth_date"] = "31/02/1990"
    seeded.data["payload"]["mother"] = None
    seeded.data["unexpected"] = {"x": [1, None]}
    (code,) = store.add_dossiers([seeded])
    view = store.get(code)
    assert view.flaw == "birth_date_impossible" and view.tricky is None
    assert view.data["applicant"]["birth_date"] == "31/02/1990"
    assert view.data["payload"]["mother"] is None and view.data["unexpected"] == {"x": [1, None]}


def test_files_are_stored_by_sha256_and_reset_forgets_everything(
    store: ProvincialStore, make_seeded: MakeSeeded
) -> None:
    seeded = make_seeded(0)
    (code,) = store.add_dossiers([seeded])
    meta, path = store.attachment_file(code, 1)
    assert path.read_bytes() == seeded.files[1].content
    assert meta["sha256"] == hashlib.sha256(seeded.files[1].content).hexdigest() == path.name
    with pytest.raises(NotFound, match="không có tệp đính kèm số 2"):
        store.attachment_file(code, 2)
    store.reset()
    assert store.count_dossiers() == 0 and not any(store.files_dir.iterdir())
    with pytest.raises(NotFound, match="Không tìm thấy hồ sơ"):
        store.get(code)


def test_search_filters_and_pages(store: ProvincialStore, make_seeded: MakeSeeded) -> None:
    store.add_dossiers([make_seeded(i, status=2 + i % 2) for i in range(7)])
    views, total = store.search(SearchFilters(statuses=(3,)), page=1, size=2)
    assert total == 3 and len(views) == 1 and views[0].status == 3
    everything, total = store.search(SearchFilters(), size=None)
    assert total == 7 and [v.data["received_at"] for v in everything] == sorted(
        (v.data["received_at"] for v in everything), reverse=True
    )


def test_a_status_change_logs_and_texts_once(store: ProvincialStore, make_seeded: MakeSeeded) -> None:
    (code,) = store.add_dossiers([make_seeded(0, status=2)])
    result = store.change_status(code, 4, "Đã gửi Bộ Tư pháp", "51-LLTP-000123", "rpa", BASE)
    assert result.changed and not result.duplicate and result.sms is not None
    again = store.change_status(code, 4, "Đã gửi Bộ Tư pháp", "51-LLTP-000123", "rpa", BASE)
    assert again.duplicate and not again.changed and again.sms is None
    assert len(store.sms_outbox(code)) == 1
    view = store.get(code)
    assert view.status == 4 and view.data["status"] == 4
    assert view.receipt_codes == ["51-LLTP-000123"]
    assert [(e["status_from"], e["status_to"]) for e in view.log] == [(None, 2), (2, 4)]


def test_same_status_logs_without_sms_and_final_status_is_kept(
    store: ProvincialStore, make_seeded: MakeSeeded
) -> None:
    (code,) = store.add_dossiers([make_seeded(0, status=4)])
    same = store.change_status(code, 4, "Bổ sung ghi chú", None, "clerk", BASE)
    assert not same.changed and not same.duplicate and same.sms is None
    assert store.change_status(code, 4, "Bổ sung ghi chú", None, "clerk", BASE).duplicate
    store.change_status(code, 10, "Đã trả kết quả", None, "clerk", BASE)
    with pytest.raises(Conflict, match="đã trả kết quả"):
        store.change_status(code, 4, "", None, "clerk", BASE)
    with pytest.raises(StoreError, match="từ 1 đến 10"):
        store.change_status(code, 11, "", None, "clerk", BASE)
    assert [m["status"] for m in store.sms_outbox()] == [10]


def test_append_log_keeps_the_status_and_is_idempotent(
    store: ProvincialStore, make_seeded: MakeSeeded
) -> None:
    (code,) = store.add_dossiers([make_seeded(0, status=4)])
    first = store.append_log(code, "Bộ Tư pháp tiếp nhận", "51-LLTP-9", "rpa")
    assert not first.duplicate and first.log_entry is not None and first.log_entry["status_to"] == 4
    assert store.append_log(code, "Bộ Tư pháp tiếp nhận", "51-LLTP-9", "rpa").duplicate
    with pytest.raises(StoreError, match="ghi chú hoặc mã hồ sơ"):
        store.append_log(code, " ", None, "rpa")
    assert store.get(code).receipt_codes == ["51-LLTP-9"] and store.sms_outbox() == []


def test_ratings_only_for_finished_dossiers_and_only_once(
    store: ProvincialStore, make_seeded: MakeSeeded
) -> None:
    open_code, done_code = store.add_dossiers([make_seeded(0, status=4), make_seeded(1, status=9)])
    with pytest.raises(Conflict, match="xử lý xong"):
        store.add_rating(open_code, 5, "")
    with pytest.raises(StoreError, match="từ 1 đến 5"):
        store.add_rating(done_code, 6, "")
    assert store.add_rating(done_code, 4, " Nhanh, chu đáo ")["comment"] == "Nhanh, chu đáo"
    with pytest.raises(Conflict, match="đã được đánh giá"):
        store.add_rating(done_code, 1, "")
    assert [r["stars"] for r in store.ratings()] == [4]
