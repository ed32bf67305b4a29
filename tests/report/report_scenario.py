"""A ledger with a known history around the report day 02/07/2025, written through the real Ledger API.

Times are Vietnam wall-clock times; the clock is moved by hand before each step. What the report must
show for it is spelt out in the tests, from this story:

=========  =====================  ================================================================
code       flow                   story (Vietnam time)
=========  =====================  ================================================================
A ...0001  judicial_record        queued 02/07 08:00, submitted 08:10 (10 min), written back
B ...0002  judicial_record        queued 09:00, submitted 09:30 (30 min), due 02/07 (not overdue)
C ...0003  judicial_record        queued 01/07 23:30, submitted 02/07 00:30 (60 min), finished 15:00
K ...0004  judicial_record        queued 13:00, submitted 13:20 (20 min), written back only on 03/07
D ...0005  judicial_record        queued 10:00, business failure 10:05 with two reasons
E ...0006  judicial_record        queued 10:00, system failure 10:02, retried, system failure 10:10
F ...0007  judicial_record        queued 11:00, waiting for a person since 11:05
G ...0008  judicial_record        queued 12:00, still queued
H 250620   judicial_record        submitted 20/06 (15 min), written back, due 30/06: 2 days overdue
N 250618   judicial_record        submitted 18/06 (40 min), due 25/06 but finished 28/06
M 250630   judicial_record        business failure 30/06 14:05, still failed
J 250703   judicial_record        queued 03/07: after the report day, invisible
L ...0009  dang_ky_kinh_doanh     queued 14:00 (a second procedure, no Vietnamese name known)
=========  =====================  ================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rpa.ledger import Ledger, Transfer, TransferState, clerk, worker
from rpa.report.data import VN

S = TransferState
REPORT_DAY = date(2025, 7, 2)
FLOW = "judicial_record"
OTHER_FLOW = "dang_ky_kinh_doanh"
WORKER = "host-1"
MINUTES_PER_DOSSIER = 12.0


def code(suffix: str) -> str:
    return f"000.00.51.H55-{suffix}"


A, B, C, K = code("250702-0001"), code("250702-0002"), code("250702-0003"), code("250702-0004")
D, E, F, G = code("250702-0005"), code("250702-0006"), code("250702-0007"), code("250702-0008")
H, N, M, J = code("250620-0001"), code("250618-0001"), code("250630-0001"), code("250703-0001")
L = code("250702-0009")
D_REASONS = ["Thiếu quá trình cư trú từ năm 14 tuổi", "Số CCCD không khớp với năm sinh"]
M_REASON = "Họ và tên người yêu cầu không được để trống"
E_FIRST_ERROR = "portal answered HTTP 502"
E_SECOND_ERROR = "session expired twice in a row"
F_REASON = "cần người đọc mã xác nhận: rpa captcha answer r1 <mã>"


def vn(day: int, hour: int, minute: int = 0, month: int = 7) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN).astimezone(UTC)


@dataclass
class HandClock:
    now: datetime = field(default_factory=lambda: vn(1, 0))

    def __call__(self) -> datetime:
        return self.now


class Story:
    """Drives a ledger the way the worker does, at chosen times."""

    def __init__(self, ledger: Ledger, clock: HandClock) -> None:
        self.ledger, self.clock = ledger, clock

    def enqueue(self, dossier: str, when: datetime, flow: str = FLOW) -> Transfer:
        self.clock.now = when
        return self.ledger.enqueue(dossier, flow, actor="scheduler")

    def claim(self, dossier: str, when: datetime) -> Transfer:
        self.clock.now = when
        claimed = self.ledger.claim(WORKER, lease_s=3600, dossier_code=dossier)
        assert claimed is not None and claimed.dossier_code == dossier
        return claimed

    def move(self, dossier: str, to: TransferState, when: datetime, reason: str = "", **fields: Any) -> None:
        self.clock.now = when
        found = self.ledger.find(dossier, FLOW)
        assert found is not None
        actor = clerk("hoa") if (found.state, to) == (S.FAILED_BUSINESS, S.QUEUED) else worker(WORKER)
        self.ledger.transition(found.id, to, actor=actor, worker_id=WORKER, reason=reason, **fields)

    def submit(self, dossier: str, queued: datetime, submitted: datetime, **fields: Any) -> None:
        self.enqueue(dossier, queued)
        self.claim(dossier, queued + timedelta(seconds=30))
        self.move(dossier, S.SUBMITTING, submitted - timedelta(minutes=1), "bấm nút nộp hồ sơ")
        receipt = f"LLTP-{dossier[-11:]}"
        self.move(dossier, S.SUBMITTED, submitted, f"Bộ Tư pháp cấp mã hồ sơ {receipt}", receipt_code=receipt,
                  submitted_at=submitted, **fields)  # fmt: skip


def build(ledger: Ledger, clock: HandClock) -> None:
    story = Story(ledger, clock)
    story.submit(N, vn(18, 9, month=6), vn(18, 9, 40, month=6))
    story.move(N, S.WRITTEN_BACK, vn(18, 9, 41, month=6), due_on=date(2025, 6, 25), deadline_days=10)
    story.move(N, S.FINISHED, vn(28, 10, month=6), "Bộ đã cấp phiếu", finished_at=vn(28, 10, month=6))
    story.submit(H, vn(20, 8, month=6), vn(20, 8, 15, month=6))
    story.move(H, S.WRITTEN_BACK, vn(20, 8, 16, month=6), due_on=date(2025, 6, 30), deadline_days=10,
               ministry_status="Đang xử lý")  # fmt: skip
    story.enqueue(M, vn(30, 14, month=6))
    story.claim(M, vn(30, 14, 1, month=6))
    story.move(M, S.FAILED_BUSINESS, vn(30, 14, 5, month=6), M_REASON, business_reasons=[M_REASON])

    story.submit(C, vn(1, 23, 30), vn(2, 0, 30))
    story.move(C, S.WRITTEN_BACK, vn(2, 0, 31), "đã cập nhật mã hồ sơ về hệ thống một cửa")
    story.move(C, S.FINISHED, vn(2, 15), "Bộ đã cấp phiếu", finished_at=vn(2, 15))
    story.submit(A, vn(2, 8), vn(2, 8, 10))
    story.move(A, S.WRITTEN_BACK, vn(2, 8, 11))
    story.submit(B, vn(2, 9), vn(2, 9, 30), due_on=REPORT_DAY)
    story.enqueue(D, vn(2, 10))
    story.enqueue(E, vn(2, 10))
    story.claim(D, vn(2, 10, 1))
    story.claim(E, vn(2, 10, 1))
    story.move(E, S.FAILED_SYSTEM, vn(2, 10, 2), E_FIRST_ERROR, last_error=E_FIRST_ERROR)
    story.move(E, S.QUEUED, vn(2, 10, 3), "thử lại sau 60 giây")
    story.move(D, S.FAILED_BUSINESS, vn(2, 10, 5), "hồ sơ không hợp lệ", business_reasons=D_REASONS)
    story.claim(E, vn(2, 10, 5))
    story.move(E, S.FAILED_SYSTEM, vn(2, 10, 10), E_SECOND_ERROR, last_error=E_SECOND_ERROR)
    story.enqueue(F, vn(2, 11))
    story.claim(F, vn(2, 11, 1))
    story.move(F, S.WAITING_HUMAN, vn(2, 11, 5), F_REASON)
    story.enqueue(G, vn(2, 12))
    story.submit(K, vn(2, 13), vn(2, 13, 20))
    story.enqueue(L, vn(2, 14), flow=OTHER_FLOW)

    story.enqueue(J, vn(3, 8))
    story.move(K, S.WRITTEN_BACK, vn(3, 9))
