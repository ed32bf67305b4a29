"""The small chaos soak (issues 4, 11) in CI: ``benchmarks/chaos.py`` as an operator runs it, checks and all.

The three procedures at once (judicial record, business registration, vehicle badges: their dossiers
take turns in the seed). 24 dossiers (valid, flawed and not-yet-accepted ones), 5 SIGKILLs of the worker
(about half right after the final click), 502s on 10 % of the portals' requests (2 % on the
business-registration portal, whose wizard postbacks may not be sent again, so one lost request costs the
whole attempt), latency jitter, session expiry cycles and a maintenance window; and the faults
exactly-once exists for, at small counts: answers lost after the portal stored the submission (15 %),
2 pairs of dossiers of one person (or one transport business) per procedure, 2 dossiers withdrawn in
flight, the portals' clocks 4 minutes behind, one window of receipt-page drift followed by
``rpa breaker reset``, and a window of attempts longer than a 3 s lease with a rival worker. The harness
exits 1 when any of its checks fails; here every check is asserted by name, in total and per procedure,
so a CI log says which one.
The figures go to stdout (``pytest -s``) and ``docs/benchmarks.md``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rpa.procedures import all_procedures
from rpa.sandbox.serving import SYSTEMS

ROOT = Path(__file__).resolve().parents[2]
SOAK_LIMIT_S = 1500
SOAKED = ("business_registration", "judicial_record", "road_transport")
NEW_CHECKS = (
    "no_receipt_on_two_transfers",
    "each_receipt_its_own_application",
    "same_person_each_own_application",
    "withdrawals_done",
    "nothing_submitted_after_withdrawal",
    "withdrawn_status_kept",
    "no_status_label_as_receipt",
    "drift_alerted",
    "drift_transfers_true_receipt",
    "breaker_reset_ok",
    "attempts_outlived_lease",
    "lease_kept_by_heartbeat",
    "needs_review_only_withdrawn_or_ambiguous",
    "no_stray_application",
    "every_procedure_soaked",
)


@pytest.mark.timeout(SOAK_LIMIT_S + 60)
def test_small_soak_submits_each_valid_dossier_exactly_once_and_loses_none() -> None:
    command = [
        sys.executable, "benchmarks/chaos.py", "--dossiers", "24", "--kills", "5", "--seed", "1",
        "--jitter-ms", "100", "--max-minutes", str((SOAK_LIMIT_S - 120) / 60), "--max-run-s", "240",
        "--portal-error-rate", "dkkd=0.02",
        "--lost-answer-rate", "0.15", "--same-person", "2", "--withdraw", "2",
        "--portal-clock-offset-s", "-240", "--receipt-drift", "--long-attempts", "--long-lease-s", "3",
        "--settle-grace-s", "2", "--json",
        *(arg for name in SOAKED for arg in ("--procedure", name)),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=SOAK_LIMIT_S + 30)
    assert done.stdout.strip(), (
        f"the harness printed nothing (exit {done.returncode}):\n{done.stderr[-4000:]}"
    )
    result = json.loads(done.stdout)
    check = result["check"]
    print(
        f"\nchaos soak: {result['soak_s']} s, {result['worker_runs']} worker runs, kills {result['kills']}, "
        f"valid {check['valid']}, flawed {check['flawed']}, applications per valid dossier "
        f"{check['applications_per_valid_dossier']}, lost {check['lost']}, "
        f"Chromium left {result['chromium_left']}"
    )
    for name, figures in check["procedures"].items():
        print(
            f"  {name}: valid {figures['valid']}, flawed {figures['flawed']}, applications per valid "
            f"dossier {figures['applications_per_valid_dossier']}, same person "
            f"{sum(p['ok'] for p in figures['same_person'])}/{len(figures['same_person'])}"
        )
    failed = {name: ok for name, ok in result["checks"].items() if not ok}
    failed |= {
        f"{procedure}: {name}": ok
        for procedure, checks in result["checks_by_procedure"].items()
        for name, ok in checks.items()
        if not ok
    }
    assert not failed, f"chaos checks failed: {failed}\n{json.dumps(check, ensure_ascii=False)[:4000]}"
    assert set(result["checks_by_procedure"]) == set(result["procedures"]) == set(check["procedures"])
    served = [p.name for p in all_procedures() if p.portal in SYSTEMS and p.name in SOAKED]
    assert result["procedures"] == served == sorted(SOAKED)
    for name in NEW_CHECKS:  # each fault was really injected and judged, not skipped
        assert result["checks"].get(name) is True, name
    assert check["valid"] >= 15 and check["flawed"] >= 2  # the seed gives a real mix, not an empty soak
    assert result["kills"].get("after final click", 0) >= 2
    assert done.returncode == 0
