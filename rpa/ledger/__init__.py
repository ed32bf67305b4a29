"""The ledger: every transfer of a dossier to a ministry portal, its state machine and its audit trail.

```python
from rpa.ledger import Ledger, TransferState, clerk

ledger = Ledger("sqlite:///rpa-ledger.sqlite")           # migrates to the newest schema on open
ledger.enqueue("000.00.51.H55-250701-0001", "<procedure>", actor="scheduler")
transfer = ledger.claim("host-1234", lease_s=300)         # queued -> filling, under a lease
if transfer is not None and transfer.needs_lookup:
    ...                                                   # resolve by lookup, never submit again
ledger.transition(transfer.id, TransferState.SUBMITTING, actor="worker:host-1234", worker_id="host-1234")
# ... only now click the final "submit" ...
```
"""

from rpa.ledger.errors import IllegalTransition, LeaseLost, LedgerError, TransferChanged, UnknownTransfer
from rpa.ledger.ledger import DEFAULT_LEASE_S, Clock, Ledger, TransferFields, utcnow
from rpa.ledger.models import Event, Transfer
from rpa.ledger.states import (
    CLERK_ONLY,
    LEASED,
    NEEDS_LOOKUP,
    SCHEDULER,
    STATE_LABELS,
    SYSTEM,
    TRANSITIONS,
    TransferState,
    clerk,
    transition,
    worker,
)

__all__ = [
    "CLERK_ONLY",
    "DEFAULT_LEASE_S",
    "LEASED",
    "NEEDS_LOOKUP",
    "SCHEDULER",
    "STATE_LABELS",
    "SYSTEM",
    "TRANSITIONS",
    "Clock",
    "Event",
    "IllegalTransition",
    "LeaseLost",
    "Ledger",
    "LedgerError",
    "Transfer",
    "TransferChanged",
    "TransferFields",
    "TransferState",
    "UnknownTransfer",
    "clerk",
    "transition",
    "utcnow",
    "worker",
]
