"""What a supervisor may do to a transfer or a portal, each with a reason, each in the audit log.

- **Thử lại** (retry): a failed transfer (system or business error) goes back to ``queued`` now.
- **Huỷ** (cancel): a transfer that is waiting (``queued``, or failed on a system error the bot would
  retry) becomes ``failed_business`` with "Giám sát huỷ: <lý do>": nothing retries it, and it shows as a
  failure with that reason in the report until a person queues it again. A transfer the portal may
  already hold (being submitted, in doubt, parked for review) is never cancelled: that would hide an
  application that exists.
- **Đánh dấu đã xử lý** (mark resolved): a transfer parked in ``needs_review`` becomes ``submitted``
  with the ministry's receipt code the supervisor read on the portal (exactly ``rpa runs settle
  --receipt``): the next run writes it back, so the citizen gets the code. Without the code nothing could
  be written back, so "resolved" without one is not offered.
- **Đặt lại cầu dao** (reset a circuit breaker): the bots use the portal again at once.

The ledger moves under the actor ``clerk:<name>`` (a supervisor is a clerk too: the state machine's
person-only edges accept it); the audit log keeps the supervisor's name, the action and the reason.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from rpa.config import Settings
from rpa.ledger import Ledger, Transfer, TransferState
from rpa.ledger.audit import record_audit
from rpa.ledger.errors import IllegalTransition, TransferChanged
from rpa.ledger.states import TRANSITIONS, clerk
from rpa.portal.breaker import Breaker
from rpa.procedures import get_procedure, portals

__all__ = [
    "CANCELLABLE",
    "RETRYABLE",
    "ActionRefused",
    "cancel",
    "reset_breaker",
    "resolve",
    "retry",
]

S = TransferState
RETRYABLE = frozenset({S.FAILED_SYSTEM, S.FAILED_BUSINESS})
CANCELLABLE = frozenset({S.QUEUED, S.FAILED_SYSTEM})
RESOLVABLE = frozenset({S.NEEDS_REVIEW})
MAX_REASON = 1000


class ActionRefused(Exception):
    """The action does not fit (a Vietnamese message for the supervisor); ``status``: 400 when the form
    is incomplete or wrong, 409 when the transfer's state does not allow it."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise ActionRefused("Hãy ghi lý do: thao tác này được lưu vào nhật ký giám sát.", 400)
    if len(reason) > MAX_REASON:
        raise ActionRefused(f"Lý do quá dài (tối đa {MAX_REASON} ký tự).", 400)
    return reason


def _move(
    ledger: Ledger, transfer: Transfer, to: TransferState, actor: str, reason: str, **fields: object
) -> Transfer:
    if to not in TRANSITIONS[transfer.state]:
        raise ActionRefused(f"Không thể thực hiện: lượt chuyển đang ở trạng thái «{_label(transfer.state)}».")
    try:
        return ledger.transition(transfer.id, to, actor=actor, reason=reason, **fields)  # type: ignore[arg-type]
    except (IllegalTransition, TransferChanged):  # a bot moved it meanwhile
        raise ActionRefused("Lượt chuyển vừa thay đổi trạng thái. Hãy tải lại trang rồi thử lại.") from None


def _label(state: TransferState) -> str:
    from rpa.ledger import STATE_LABELS

    return STATE_LABELS[state]


def _audit(engine: Engine, user: str, action: str, transfer: Transfer, reason: str, **detail: object) -> None:
    record_audit(
        engine,
        user,
        action,
        f"transfer:{transfer.id}",
        reason=reason,
        detail={"dossier": transfer.dossier_code, "flow": transfer.flow, **detail},
    )


def retry(ledger: Ledger, transfer_id: int, user: str, reason_text: str) -> Transfer:
    reason = _reason(reason_text)
    transfer = ledger.get(transfer_id)
    if transfer.state not in RETRYABLE:
        raise ActionRefused(f"Chỉ thử lại được lượt chuyển bị lỗi; lượt này đang «{_label(transfer.state)}».")
    moved = _move(
        ledger, transfer, S.QUEUED, clerk(user), f"Giám sát cho thử lại: {reason}", next_attempt_at=None
    )
    _audit(ledger.engine, user, "retry_transfer", transfer, reason, before=transfer.state.value)
    return moved


def cancel(ledger: Ledger, transfer_id: int, user: str, reason_text: str) -> Transfer:
    reason = _reason(reason_text)
    transfer = ledger.get(transfer_id)
    if transfer.state not in CANCELLABLE:
        raise ActionRefused(
            "Chỉ huỷ được lượt chuyển đang chờ chuyển hoặc bị lỗi hệ thống; "
            f"lượt này đang «{_label(transfer.state)}»."
        )
    words = f"Giám sát huỷ: {reason}"
    moved = _move(ledger, transfer, S.FAILED_BUSINESS, clerk(user), words, business_reasons=[words])
    _audit(ledger.engine, user, "cancel_transfer", transfer, reason, before=transfer.state.value)
    return moved


def resolve(ledger: Ledger, transfer_id: int, user: str, reason_text: str, receipt_text: str) -> Transfer:
    reason = _reason(reason_text)
    transfer = ledger.get(transfer_id)
    if transfer.state not in RESOLVABLE:
        raise ActionRefused(
            "Chỉ đánh dấu đã xử lý được lượt chuyển đang chờ đối chiếu trên cổng Bộ; "
            f"lượt này đang «{_label(transfer.state)}»."
        )
    receipt = receipt_text.strip()
    if not receipt:
        raise ActionRefused("Hãy nhập mã hồ sơ Bộ đã thấy trên cổng Bộ.", 400)
    if not get_procedure(transfer.flow).receipt_code.fullmatch(receipt):
        raise ActionRefused(f"Mã hồ sơ Bộ «{receipt}» sai định dạng của cổng này.", 400)
    holder = ledger.holder_of(receipt)
    if holder not in (None, transfer.id):
        raise ActionRefused(f"Mã hồ sơ Bộ «{receipt}» đã thuộc một hồ sơ khác.")
    moved = _move(
        ledger,
        transfer,
        S.SUBMITTED,
        clerk(user),
        f"Giám sát đối chiếu trên cổng Bộ: mã hồ sơ {receipt}; {reason}",
        receipt_code=receipt,
    )
    _audit(ledger.engine, user, "resolve_transfer", transfer, reason, receipt=receipt)
    return moved


def reset_breaker(settings: Settings, engine: Engine, portal: str, user: str, reason_text: str) -> None:
    reason = _reason(reason_text)
    if portal not in portals():
        raise ActionRefused("Không có cổng này.", 404)
    breaker = Breaker(settings.work_dir, portal, settings.breaker_cooldown_s)
    state = breaker.state()
    if state is None:
        raise ActionRefused(f"Cầu dao của cổng {portal} đang đóng (bot vẫn dùng cổng này).")
    breaker.close()
    record_audit(
        engine, user, "reset_breaker", f"portal:{portal}", reason=reason,
        detail={"opened_at": state.opened_at, "drift": state.reason},
    )  # fmt: skip
