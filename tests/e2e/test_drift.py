"""The ministry redesigns its portal (sandbox ``ui_version`` 2).

The first dossier meets the change and is parked, the circuit breaker keeps the others back instead of
failing them one by one, and a supervisor is alerted with a screenshot and the page's DOM. Adding the
version-2 selector map (a YAML file, no code) makes the bots work again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from flows import SELECTORS_DIR
from rpa.domain import DossierStatus
from rpa.ledger import TransferState
from rpa.operations.alerts import read_alerts
from rpa.sandbox.seed import generate

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(420)]
S = TransferState


def test_a_redesign_parks_the_queue_until_the_new_map_arrives(
    make_world: Callable[..., World], tmp_path: Path
) -> None:
    world = make_world("drift")
    valid = [
        d for d in generate(43, 30) if d.flaw is None and d.data["status"] == int(DossierStatus.ACCEPTED)
    ]
    codes = world.add(*valid[:3])
    maps = tmp_path / "selectors"
    maps.mkdir()
    shutil.copy(SELECTORS_DIR / "moj-lltp.yaml", maps)  # the bots know only the old UI
    world.reconfigure(selectors_dir=str(maps), breaker_cooldown_s=3600)
    world.knobs(ui_version=2)

    first = world.rpa_json("run", "--once")
    assert first["processed"] == 1, first  # the first dossier meets the change, the others wait
    (parked,) = first["outcomes"]
    assert parked["state"] == "queued" and "portal-version" in parked["error"]
    for code in codes:
        transfer = world.transfer(code)
        assert transfer is not None and transfer.state is S.QUEUED
    assert world.applications() == []
    (alert,) = read_alerts(world.settings.work_dir)
    assert alert["kind"] == "selector_drift" and alert["portal"] == "moj-lltp"
    (folder,) = world.evidence_folders(parked["dossier_code"])
    assert any(p.name.endswith(".png.enc") and "drift" in p.name for p in folder.iterdir())
    assert any(p.name.endswith(".html.enc") and "drift" in p.name for p in folder.iterdir())
    status = world.rpa("breaker", "status", "moj-lltp")
    assert "open since" in status.stdout

    assert world.rpa_json("run", "--once")["processed"] == 0  # the breaker holds the queue back

    shutil.copy(SELECTORS_DIR / "moj-lltp.v2.yaml", maps)  # an engineer adds the new map: no code change
    assert world.rpa("breaker", "reset", "moj-lltp").returncode == 0
    done = world.rpa_json("run", "--once")
    assert sorted(o["state"] for o in done["outcomes"]) == ["written_back"] * 3, done
    applications = world.applications()
    assert len(applications) == 3 and {a["uiVersion"] for a in applications} == {2}
    assert "closed" in world.rpa("breaker", "status", "moj-lltp").stdout
