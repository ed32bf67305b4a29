"""A worker that died on this machine: its leases end at once, and the take-over is the usual one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import psutil
from ledger_support import FakeClock

from rpa.ledger import Ledger, TransferState
from rpa.transfer.holder import is_gone_here, machine, new_worker_id

S = TransferState


def test_gone_holders_lose_their_leases_at_once_and_live_ones_keep_them(
    ledger: Ledger, clock: FakeClock
) -> None:
    filling = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    clicked = ledger.enqueue("H55-2", "moj_lltp", actor="scheduler")
    alive = ledger.enqueue("H55-3", "moj_lltp", actor="scheduler")
    assert ledger.claim("dead-1", lease_s=300, dossier_code="H55-1") is not None
    assert ledger.claim("dead-2", lease_s=300, dossier_code="H55-2") is not None
    ledger.transition(clicked.id, S.SUBMITTING, actor="worker:dead-2", worker_id="dead-2")
    assert ledger.claim("alive", lease_s=300, dossier_code="H55-3") is not None
    assert ledger.claim("rival", lease_s=60) is None  # every lease is live: nothing to take

    ended = ledger.end_leases_of_gone_holders(lambda owner: owner.startswith("dead-"))
    assert sorted(t.id for t in ended) == [filling.id, clicked.id]
    assert ledger.get(alive.id).lease_expires_at > clock.now
    reasons = [e.reason for e in ledger.events(clicked.id)]
    assert "lease of dead-2 ended early: its process is gone from this machine" in reasons

    taken = {t.id: t for t in (ledger.claim("rival", lease_s=60), ledger.claim("rival", lease_s=60))}
    assert taken[filling.id].state is S.FILLING and taken[filling.id].attempts == 2  # nothing was sent
    assert taken[clicked.id].state is S.UNCERTAIN and taken[clicked.id].needs_lookup  # never typed again
    assert ledger.claim("rival", lease_s=60) is None
    assert ledger.get(alive.id).lease_owner == "alive"


def test_a_worker_killed_on_this_machine_is_seen_gone_and_taken_over(database_url: str) -> None:
    # A real process claims under its own id, then is killed with SIGKILL mid-transfer.
    with Ledger(database_url) as ledger:
        transfer = ledger.enqueue("H55-9", "moj_lltp", actor="scheduler")
    holder = subprocess.Popen(
        [
            sys.executable, "-c",
            textwrap.dedent(f"""
                import sys, time
                from rpa.ledger import Ledger
                from rpa.transfer.holder import new_worker_id
                with Ledger({database_url!r}) as ledger:
                    got = ledger.claim(new_worker_id("w"), lease_s=300)
                    print(got.lease_owner, flush=True)
                    time.sleep(600)
            """),
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    owner = holder.stdout.readline().strip()
    assert owner.startswith(machine() + ":") and not is_gone_here(owner)
    with Ledger(database_url) as ledger:
        assert ledger.end_leases_of_gone_holders(is_gone_here) == []  # alive: its lease stands
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        assert is_gone_here(owner)
        assert [t.id for t in ledger.end_leases_of_gone_holders(is_gone_here)] == [transfer.id]
        taken = ledger.claim(new_worker_id("next"), lease_s=60)
        assert taken is not None and taken.id == transfer.id and taken.attempts == 2


def test_only_a_dead_process_of_this_very_machine_is_gone() -> None:
    me = new_worker_id("me")
    assert me.startswith(machine() + f":{os.getpid()}.") and not is_gone_here(me)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        where, pid_and_start, _ = me.rsplit(":", 2)
        start = pid_and_start.split(".", 1)[1]
        child_start = f"{psutil.Process(child.pid).create_time():.2f}"
        living = f"{where}:{child.pid}.{child_start}:x"
        assert not is_gone_here(living)
        assert is_gone_here(f"{where}:{child.pid}.{start}:x")  # that PID now is another process
        assert not is_gone_here(f"other-host/{where.split('/', 1)[1]}:{child.pid}.1.00:x")  # elsewhere
        assert not is_gone_here(f"{where.rsplit('/', 1)[0]}/1:{child.pid}.1.00:x")  # another container
        assert not is_gone_here("bot-01-7f3a") and not is_gone_here("w1")  # ids of other forms
    finally:
        child.kill()
        child.wait()
    assert is_gone_here(living)


def test_a_lease_ended_early_is_a_note_not_another_final_click(ledger: Ledger, clock: FakeClock) -> None:
    # The portal's rate counts moves into submitting: the note left on a submitting transfer whose
    # holder died must not count as a second click.
    transfer = ledger.enqueue("H55-1", "moj_lltp", actor="scheduler")
    start = clock.now
    assert ledger.claim("dead", lease_s=300) is not None
    clock.advance(1)
    ledger.transition(transfer.id, S.SUBMITTING, actor="worker:dead", worker_id="dead")
    clock.advance(1)
    assert len(ledger.end_leases_of_gone_holders(lambda owner: owner == "dead")) == 1
    assert len(ledger.submissions_since(start, ["moj_lltp"])) == 1
