"""The approval desk: where a bot asks a person to approve an application before the final click.

A procedure configured with ``[procedures.<name>] require_approval = true`` stops right before the
click that files the application: the worker saves a full-page screenshot of the page as it is, asks
here, and waits with the page open. A person (the console's "Chờ cán bộ" page) looks at the
screenshot and the values typed and approves, or rejects with a reason. Approved: the bot clicks.
Rejected: nothing is submitted and the transfer is refused with that reason. Nobody answered in time:
the attempt ends without the click and the transfer goes back to the queue.

The same file-based design as :mod:`rpa.portal.captcha`: one small JSON file per request in one
owner-only folder, so the worker and the console share nothing but the disk.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from rpa.operations.stopping import StopLatch
from rpa.private_files import private_dir, write_private

__all__ = ["REQUEST_ID", "ApprovalDesk", "ApprovalRequest", "Decision"]

REQUEST_ID = re.compile(r"^[0-9a-f]{8}$")
"""What a request id looks like (the desk makes them): anything else names no request."""


@dataclass(frozen=True)
class ApprovalRequest:
    id: str
    transfer_id: int
    dossier_code: str
    flow: str
    portal: str
    image: str  # the full-page screenshot the person approves (in the attempt's evidence folder)
    evidence: str  # the attempt's evidence folder: its manifest holds the values typed
    asked_at: str
    status: str = "open"  # open, approved, rejected, used, expired, cancelled (the bot was stopped)
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None  # why it was rejected (or a note with the approval)


@dataclass(frozen=True)
class Decision:
    approved: bool
    by: str
    reason: str


class ApprovalDesk:
    """Approval requests in ``folder`` (created owner-only: the screenshots show a citizen's data)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        private_dir(folder)

    def ask(
        self, transfer_id: int, dossier_code: str, flow: str, portal: str, image: Path, evidence: Path
    ) -> ApprovalRequest:
        request = ApprovalRequest(
            uuid.uuid4().hex[:8], transfer_id, dossier_code, flow, portal, str(image), str(evidence),
            datetime.now(UTC).isoformat(),
        )  # fmt: skip
        self._save(request)
        return request

    def list(self, *, only_open: bool = True) -> list[ApprovalRequest]:
        requests = [self._load(path) for path in sorted(self.folder.glob("*.json"))]
        return [r for r in requests if r.status == "open" or not only_open]

    def get(self, request_id: str) -> ApprovalRequest:
        """Raises KeyError for an id the desk did not make (checked before it names a file)."""
        if not REQUEST_ID.fullmatch(request_id):
            raise KeyError(request_id)
        path = self.folder / f"{request_id}.json"
        if not path.is_file():
            raise KeyError(request_id)
        return self._load(path)

    def decide(self, request_id: str, *, approved: bool, by: str, reason: str = "") -> ApprovalRequest:
        """Record a person's decision. A rejection needs a reason: the clerk who fixes the dossier reads it.

        Raises:
            KeyError: no such request.
            ValueError: the request is no longer open, or a rejection without a reason.
        """
        request = self.get(request_id)
        if request.status != "open":
            raise ValueError(f"approval request {request_id} is {request.status}, not open")
        reason = " ".join(reason.split())
        if not approved and not reason:
            raise ValueError("a rejection needs a reason")
        decided = ApprovalRequest(
            **{
                **asdict(request),
                "status": "approved" if approved else "rejected",
                "decided_by": by,
                "decided_at": datetime.now(UTC).isoformat(),
                "reason": reason or None,
            }
        )
        self._save(decided)
        return decided

    def wait(
        self, request_id: str, timeout_s: float, poll_s: float = 0.5, stop: StopLatch | None = None
    ) -> Decision | None:
        """The person's decision, or None when ``timeout_s`` passes (the request expires) or ``stop``
        is set (the request is cancelled: a stopping worker never waits for a person)."""
        deadline = time.monotonic() + timeout_s
        stop = stop or StopLatch()
        while True:
            request = self.get(request_id)
            if request.status in ("approved", "rejected"):
                self._close(request, "used" if request.status == "approved" else "rejected")
                return Decision(request.status == "approved", request.decided_by or "", request.reason or "")
            if time.monotonic() >= deadline:
                self._close(request, "expired")
                return None
            if stop.wait(poll_s):
                self._close(self.get(request_id), "cancelled")
                return None

    def _close(self, request: ApprovalRequest, status: str) -> None:
        self._save(ApprovalRequest(**{**asdict(request), "status": status}))

    def _save(self, request: ApprovalRequest) -> None:
        # Atomic replace: a reader never sees half a file. A decision racing the bot's expiry is
        # settled by whoever writes last; the bot reads the file again before acting on it.
        write_private(self.folder / f"{request.id}.json", json.dumps(asdict(request), ensure_ascii=False))

    def _load(self, path: Path) -> ApprovalRequest:
        return ApprovalRequest(**json.loads(path.read_text(encoding="utf-8")))
