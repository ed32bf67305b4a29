"""A circuit breaker per portal: when a portal's UI changes, stop sending it dossiers.

Without it, a redesign would fail every queued dossier one by one. With it, the first dossier that
meets the change (``SelectorDrift``) opens the breaker; the other dossiers stay queued; after a
cool-down one dossier tries again (half-open), and success closes the breaker. An engineer who has
added the new selector map can close it at once (``rpa breaker reset PORTAL``).

State is one small JSON file per portal in the work folder, shared by every worker on the machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rpa.private_files import private_dir, write_private

__all__ = ["Breaker", "BreakerState"]


@dataclass(frozen=True)
class BreakerState:
    portal: str
    opened_at: str
    reason: str


class Breaker:
    def __init__(self, work_dir: Path, portal: str, cooldown_s: float) -> None:
        self.path = work_dir / "breakers" / f"{portal}.json"
        self.portal = portal
        self.cooldown = timedelta(seconds=cooldown_s)

    def state(self) -> BreakerState | None:
        """The open breaker, or None when the portal may be used."""
        if not self.path.is_file():
            return None
        return BreakerState(**json.loads(self.path.read_text(encoding="utf-8")))

    def allows(self, now: datetime | None = None) -> bool:
        """True when closed, or open for longer than the cool-down (half-open: one dossier may try)."""
        state = self.state()
        if state is None:
            return True
        return (now or datetime.now(UTC)) - datetime.fromisoformat(state.opened_at) >= self.cooldown

    def open(self, reason: str, now: datetime | None = None) -> BreakerState:
        state = BreakerState(self.portal, (now or datetime.now(UTC)).isoformat(), reason)
        private_dir(self.path.parent)
        write_private(self.path, json.dumps(asdict(state), ensure_ascii=False))
        return state

    def close(self) -> bool:
        """Close the breaker; True if it was open."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True
