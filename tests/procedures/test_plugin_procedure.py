"""A third, tiny procedure defined only in the test suite runs end to end through the unchanged engine.

``tiny_plugin/tiny_permit`` is installed the way a separate package would be: a ``dist-info`` folder
with an ``entry_points.txt`` in the ``motcua_rpa.procedures`` group, on ``sys.path`` for the duration of
a test only. Its portal (``tiny_plugin/tiny_portal.py``) and the provincial sandbox are served here; the
real worker (``rpa.transfer.session.worker_session``: ledger, provincial client, source, Chromium)
and the real status sync (``rpa.status.sync.sync_once``) do the rest.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from tiny_plugin.tiny_portal import ACCOUNT, SPECIES, create_portal

from rpa.clock import VN
from rpa.config import load_settings, write_config
from rpa.domain import parse_dossier
from rpa.domain.labels import label_for
from rpa.errors import InvalidDossier
from rpa.ledger import Ledger, TransferState
from rpa.procedures import (
    Procedure,
    all_procedures,
    dossier_model,
    for_portal,
    get_procedure,
    named,
    read_form,
    reload,
)
from rpa.sandbox.provincial.app import create_app as create_provincial
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import serve_app
from rpa.status.sync import sync_once
from rpa.transfer.session import worker_session
from rpa.transfer.settle import Submitted

PLUGIN_DIR = Path(__file__).resolve().parent / "tiny_plugin"
ENTRY_POINTS = "[motcua_rpa.procedures]\ntiny_permit = tiny_permit:PROCEDURE\n"
ADDRESS = {
    "street": "12 Hùng Vương",
    "commune": "Phường Cẩm Thành",
    "province": "Tỉnh Quảng Ngãi",
    "province_code": "51",
}
CAT_REASON = "Đã tiêm phòng bệnh dại: mèo phải được tiêm phòng bệnh dại trước khi cấp giấy phép"


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Procedure]:
    """``tiny_permit`` installed for one test: gone again afterwards, its modules and labels too (the
    registry holds the labels of the procedures it lists)."""
    site = tmp_path / "site"
    info = site / "tiny_permit-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny_permit\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    before = [p.name for p in all_procedures()]
    assert "tiny_permit" not in before
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(site))
        patch.syspath_prepend(str(PLUGIN_DIR))
        importlib.invalidate_caches()
        reload()
        try:
            yield get_procedure("tiny_permit")
        finally:
            for module in [m for m in sys.modules if m == "tiny_permit" or m.startswith("tiny_permit.")]:
                del sys.modules[module]
    importlib.invalidate_caches()
    reload()
    assert named("tiny_permit") is None and [p.name for p in all_procedures()] == before
    assert label_for("payload.pet_name") != "Tên vật nuôi"  # its labels went with it


def tiny_dossier(
    tiny: Procedure, serial: int, *, pet: str, species: str, vaccinated: bool, phone: str = "0912345678"
) -> dict[str, Any]:
    """A raw provincial dossier of the tiny procedure, accepted by a clerk yesterday."""
    received = datetime.now(VN).replace(microsecond=0) - timedelta(days=1)
    return {
        "code": "000.00.01.H55-251103-0001",  # the provincial store gives each its own code
        "procedure_code": tiny.procedure_codes[0],
        "procedure_name": tiny.title,
        "received_at": received.isoformat(),
        "due_at": (received + timedelta(days=7)).isoformat(),
        "status": 2,
        "channel": "direct",
        "applicant": {
            "full_name": "TRẦN THỊ HUỆ",
            "sex": "female",
            "birth_date": "15/06/1990",
            "birth_place": "Quảng Ngãi",
            "identity": {"kind": "cccd", "number": f"051190{serial:06d}", "issue_date": "10/05/2021"},
            "permanent_address": ADDRESS,
            "phone": phone,
        },
        "attachments": [],
        "payload": {
            "kind": "tiny_permit",
            "pet_name": pet,
            "species": species,
            "owner_phone": phone,
            "rabies_vaccinated": vaccinated,
        },
    }


def judicial_dossier() -> dict[str, Any]:
    """A valid, accepted judicial-record dossier from the sandbox's generator (without its files)."""
    data = next(d for d in generate(3, 4) if d.flaw is None).data
    return {**data, "status": 2, "attachments": []}


# ---- the registry -------------------------------------------------------------------------------
def test_the_installed_plugin_is_a_procedure_like_the_projects_own(tiny: Procedure) -> None:
    names = [p.name for p in all_procedures()]
    assert "tiny_permit" in names and "judicial_record" in names
    assert for_portal("tiny-portal") == (tiny,) and tiny.agency == "Chi cục Thú y Tí Hon"
    model = dossier_model()
    dog = model.model_validate(tiny_dossier(tiny, 1, pet="Mực", species="dog", vaccinated=True))
    assert isinstance(dog.payload, tiny.payload) and dog.payload.species == "dog"
    judicial = model.model_validate(judicial_dossier())
    assert judicial.payload.kind == "judicial_record" and not isinstance(judicial.payload, tiny.payload)
    wrong = tiny_dossier(tiny, 1, pet="Mực", species="hamster", vaccinated=True)
    with pytest.raises(InvalidDossier) as refused:
        parse_dossier(wrong)
    assert [p.field for p in refused.value.problems] == ["payload.species"]  # the tag reads it as a pet
    with pytest.raises(InvalidDossier) as unvaccinated:
        parse_dossier(tiny_dossier(tiny, 2, pet="Mướp", species="cat", vaccinated=False))
    assert [str(p) for p in unvaccinated.value.problems] == [CAT_REASON]
    unreadable = tiny_dossier(tiny, 2, pet="Mướp", species="cat", vaccinated=False)
    unreadable["payload"]["owner_phone"] = "12345"  # the payload does not validate: the rule still runs
    with pytest.raises(InvalidDossier) as both:
        parse_dossier(unreadable)
    assert [p.field for p in both.value.problems] == ["payload.owner_phone", "payload.rabies_vaccinated"]
    form = read_form(tiny_dossier(tiny, 3, pet="Chích Bông", species="bird", vaccinated=False))
    assert vars(form) == {
        "ownerIdNumber": "051190000003",
        "petName": "Chích Bông",
        "speciesCode": "03",
        "ownerPhone": "0912345678",
    }
    assert tiny.deadline_days(form) == 3


# ---- end to end -----------------------------------------------------------------------------------
@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    running = serve_app(app)  # port 0: a free port
    try:
        yield running.url
    finally:
        running.server.should_exit = True
        running.thread.join(timeout=10)


def add(provincial: str, *dossiers: dict[str, Any]) -> list[str]:
    body = {"dossiers": [{"data": data} for data in dossiers]}
    codes: list[str] = httpx.post(f"{provincial}/_sandbox/dossiers", json=body, timeout=30).json()["codes"]
    return codes


def last_log(store: ProvincialStore, code: str) -> dict[str, Any]:
    return store.get(code).log[-1]


T = TypeVar("T")


def off_main_thread(work: Callable[[], T]) -> T:
    """``work()`` in its own thread: a browser test before this one in the same pytest process leaves
    pytest-playwright's Sync API running on the main thread, where the engine's own may not start."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result(timeout=300)


@pytest.mark.browser
def test_the_tiny_procedure_goes_through_the_unchanged_engine(tiny: Procedure, tmp_path: Path) -> None:
    provincial_app = create_provincial(tmp_path / "provincial")
    store: ProvincialStore = provincial_app.state.store
    with served(provincial_app) as provincial, served(create_portal()) as portal:
        valid, flawed = add(
            provincial,
            tiny_dossier(tiny, 1, pet="Mực", species="dog", vaccinated=True),
            tiny_dossier(tiny, 2, pet="Mướp", species="cat", vaccinated=False),
        )
        (judicial,) = add(provincial, judicial_dossier())
        account = httpx.get(f"{provincial}/_sandbox/accounts", timeout=10).json()["accounts"][0]
        config = tmp_path / "rpa.toml"
        write_config(
            config,
            {
                "provincial": {"kind": "api", "base_url": provincial, "account": account},
                # no [portals.moj-lltp]: the judicial record is not active here, only the tiny procedure
                "portals": {
                    "tiny-portal": {
                        "base_url": portal,
                        "account": {"username": ACCOUNT[0], "password": ACCOUNT[1]},
                    }
                },
                "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
                "recordings_dir": str(tmp_path / "recordings"),
                "work_dir": str(tmp_path / "work"),
                "reports_dir": str(tmp_path / "reports"),
            },
        )
        settings = load_settings(config)

        def run_worker() -> tuple[list[str], dict[str, Any], list[Any]]:
            with worker_session(settings, worker_id="tiny-worker") as worker:
                assert worker.flows == ("tiny_permit",)
                queued = sorted(t.dossier_code for t in worker.intake())
                done = {o.dossier_code: o for o in worker.work()}
                # what settling after a lost answer would do: the engine's look-up through the plug-in
                owner = store.get(valid).data["applicant"]["identity"]["number"]
                now = worker.now()
                looked_up = worker.portal.lookup(
                    tiny, valid, Submitted(owner, {"pet_name": "Mực"}, now), now - timedelta(hours=1),
                    now + timedelta(hours=1), wanted=lambda _: True, on_evidence=lambda _: None,
                )  # fmt: skip
            return queued, done, looked_up

        queued, outcomes, found = off_main_thread(run_worker)
        assert queued == [valid, flawed]
        assert set(outcomes) == {valid, flawed}
        assert [(f.code, dict(f.details or {})) for f in found] == [
            (outcomes[valid].receipt_code, {"pet_name": "Mực"})
        ]

        # the valid dossier: one application, every field as the provincial dossier has it
        source = store.get(valid).data
        (application,) = httpx.get(f"{portal}/_sandbox/applications", timeout=10).json()
        receipt = application["code"]
        assert tiny.receipt_code.fullmatch(receipt) and outcomes[valid].receipt_code == receipt
        assert application["form"] == {
            "ownerIdNumber": source["applicant"]["identity"]["number"],
            "petName": source["payload"]["pet_name"],
            "speciesCode": "01",
            "ownerPhone": source["payload"]["owner_phone"],
        }
        assert SPECIES[application["form"]["speciesCode"]] == "Chó" and source["payload"]["species"] == "dog"
        # ... its receipt written back: status 4, the note naming the tiny procedure's agency
        assert store.get(valid).status == 4 and store.get(valid).receipt_codes == [receipt]
        entry = last_log(store, valid)
        assert entry["note"] == f"Đã chuyển Chi cục Thú y Tí Hon, mã hồ sơ {receipt}"
        assert (entry["status_to"], entry["receipt_code"]) == (4, receipt)

        # the flawed one is parked for a clerk with the Vietnamese reason; nothing typed for it
        assert outcomes[flawed].state == "failed_business" and outcomes[flawed].reasons == (CAT_REASON,)
        assert store.get(flawed).status == 2 and len(store.get(flawed).log) == 1
        # the judicial dossier is not touched: its procedure's portal is not configured here
        assert store.get(judicial).status == 2 and len(store.get(judicial).log) == 1
        with Ledger(settings.ledger_url) as ledger:
            done = ledger.find(valid, "tiny_permit")
            assert done is not None and done.state is TransferState.WRITTEN_BACK
            assert done.deadline_days == 5 and done.national_status == 4  # a dog: 5 working days
            parked = ledger.find(flawed, "tiny_permit")
            assert parked is not None and parked.state is TransferState.FAILED_BUSINESS
            assert ledger.find(judicial) is None

        # the agency moves the application on; the sync follows the procedure's own status map
        advance = {"code": receipt, "status": "supplement", "reason": "Ảnh vật nuôi chưa rõ mặt"}
        httpx.post(f"{portal}/_sandbox/advance", json=advance, timeout=10).raise_for_status()
        first = off_main_thread(lambda: sync_once(settings))
        assert (first.checked, len(first.changed), first.errors) == (1, 1, [])
        assert store.get(valid).status == 5
        note = f"Chi cục Thú y Tí Hon yêu cầu bổ sung đơn {receipt}: Ảnh vật nuôi chưa rõ mặt"
        assert last_log(store, valid)["note"] == note

        advance = {"code": receipt, "status": "issued"}
        httpx.post(f"{portal}/_sandbox/advance", json=advance, timeout=10).raise_for_status()
        second = off_main_thread(lambda: sync_once(settings))
        assert (len(second.finished), second.errors) == (1, [])
        assert store.get(valid).status == 9
        note = f"Chi cục Thú y Tí Hon đã cấp giấy phép đơn {receipt}, số giấy phép GP-{receipt[-5:]}"
        assert last_log(store, valid)["note"] == note
        with Ledger(settings.ledger_url) as ledger:
            finished = ledger.find(valid, "tiny_permit")
            assert finished is not None and finished.state is TransferState.FINISHED
            assert (finished.ministry_status, finished.national_status) == ("issued", 9)
            assert finished.certificate_number == f"GP-{receipt[-5:]}"
        assert len(httpx.get(f"{portal}/_sandbox/applications", timeout=10).json()) == 1
        assert store.get(judicial).status == 2
