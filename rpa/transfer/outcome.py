"""What became of one dossier in a run, as the CLI prints it and ``--json`` gives it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rpa.ledger import Transfer

__all__ = ["Outcome"]


@dataclass(frozen=True)
class Outcome:
    """What became of one dossier in this run."""

    dossier_code: str
    state: str
    receipt_code: str | None = None
    reasons: tuple[str, ...] = ()
    evidence: str | None = None
    error: str | None = None
    flow: str | None = None  # the procedure's ledger name, once the dossier has a transfer

    @classmethod
    def of(cls, transfer: Transfer, evidence: Path | None = None) -> Outcome:
        return cls(
            transfer.dossier_code,
            transfer.state.value,
            transfer.receipt_code,
            transfer.business_reasons,
            str(evidence) if evidence else None,
            transfer.last_error,
            transfer.flow,
        )
