"""The ministry portal switches to ``ui_version`` 2: drift is caught on the first dossier, with evidence,
and adding ``selectors/moj-lltp.v2.yaml`` makes the unchanged flow work again."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger
from playwright.sync_api import Page

# The v1 flow test module: pytest puts tests/flows on sys.path (no __init__.py, default import mode).
from test_judicial_record_flow import ACCOUNT, TODAY, expected_stored, make_form, stored_comparable

import rpa.portal.steps
from flows import SELECTORS_DIR
from flows.judicial_record import PORTAL, login, lookup, read_status, submit
from rpa.errors import SelectorDrift
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.flowcheck import check_flows
from rpa.portal.selectors import PageDrift, load_maps
from rpa.portal.steps import Steps, open_portal
from rpa.sandbox.moj.testing import MojSandbox

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def only_v1(tmp_path: Path) -> Path:
    """A selectors folder as it was before the v2 map was written."""
    folder = tmp_path / "selectors-v1-only"
    folder.mkdir()
    shutil.copy(SELECTORS_DIR / f"{PORTAL}.yaml", folder)
    return folder


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """Loguru warnings and above, with the once-per-name drift memory cleared."""
    rpa.portal.steps._DRIFT_WARNED.clear()
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m).strip()), level="WARNING", format="{message}")
    yield lines
    logger.remove(sink)


def drift_files(evidence: AttemptEvidence) -> list[str]:
    return sorted(path.name for path in evidence.folder.iterdir() if "drift" in path.name)


def test_the_shipped_maps_cover_both_versions_with_the_same_names() -> None:
    maps = load_maps(PORTAL, SELECTORS_DIR)
    assert sorted(maps) == [1, 2]
    assert set(maps[2].elements) == set(maps[1].elements)
    assert set(maps[2].pages) == set(maps[1].pages)
    assert maps[2].marker.value == "2"
    assert check_flows() == []


def test_v2_without_its_map_is_drift_on_the_first_dossier(
    page: Page, moj: MojSandbox, evidence: AttemptEvidence, only_v1: Path
) -> None:
    moj.knobs(ui_version=2)
    with pytest.raises(SelectorDrift) as caught:
        open_portal(page, PORTAL, moj.url, selectors_dir=only_v1, timeout_ms=5000, evidence=evidence)

    drift = caught.value
    assert isinstance(drift, PageDrift)
    assert drift.names == ["portal-version"]
    assert "no selector map for moj-lltp UI version 2; maps exist for versions 1" in str(drift)
    assert drift.url is not None and drift.url.startswith(moj.url + "/dang-nhap")  # not logged in yet
    assert drift.screenshot is not None and drift.screenshot.startswith(PNG)
    assert drift.dom is not None and '<meta name="portal-version" content="2">' in drift.dom
    assert drift_files(evidence) == ["01-drift-portal-version.png", "drift-portal-version.html"]
    assert (evidence.folder / "drift-portal-version.html").read_text(encoding="utf-8") == drift.dom
    assert moj.applications() == []


def test_a_switch_mid_session_fails_on_the_first_element_with_evidence(
    page: Page, moj: MojSandbox, evidence: AttemptEvidence, only_v1: Path, id_card_png: Path
) -> None:
    """The portal changes under a logged-in bot: the marker was read at v1, the first field is missing."""
    steps = open_portal(page, PORTAL, moj.url, selectors_dir=only_v1, timeout_ms=1500, evidence=evidence)
    login(steps, *ACCOUNT)
    moj.knobs(ui_version=2)
    with pytest.raises(SelectorDrift) as caught:
        submit(steps, make_form(id_card_png))

    drift = caught.value
    assert isinstance(drift, PageDrift)
    assert drift.names == ["applicant.full_name"]
    assert "label='Họ và tên': 0, css='#fullName': 0" in str(drift)
    assert drift.url is not None and drift.url.endswith("/ho-so/buoc/a")
    assert drift.screenshot is not None and drift.screenshot.startswith(PNG)
    assert drift.dom is not None and 'id="f2-ho-ten"' in drift.dom
    assert drift_files(evidence) == ["01-drift-applicant-full-name.png", "drift-applicant.full_name.html"]
    assert [path.name for path in drift.files] == sorted(drift_files(evidence))
    assert moj.applications() == []


@pytest.fixture
def v2_steps(page: Page, moj: MojSandbox, evidence: AttemptEvidence) -> Steps:
    """Logged in on a ui_version 2 portal, with the shipped selectors (v1 and v2 maps)."""
    moj.knobs(ui_version=2)
    steps = open_portal(
        page, PORTAL, moj.url, selectors_dir=SELECTORS_DIR, timeout_ms=5000, evidence=evidence
    )
    assert steps.map.version == 2
    login(steps, *ACCOUNT)
    return steps


def test_the_v2_map_makes_the_unchanged_flow_submit(
    v2_steps: Steps, moj: MojSandbox, id_card_png: Path, evidence: AttemptEvidence, warnings: list[str]
) -> None:
    form = make_form(id_card_png)
    receipt = submit(v2_steps, form)

    assert receipt is not None
    assert receipt.code.startswith("51-LLTP-")
    assert receipt.submitted_at.startswith(TODAY)
    applications = moj.applications()
    assert len(applications) == 1
    stored = applications[0]
    assert (stored["receipt"], stored["uiVersion"]) == (receipt.code, 2)
    got, want = stored_comparable(stored["form"]), expected_stored(form)
    for key in want:
        assert got[key] == want[key], key
    assert stored["form"]["idCardFile"]["sha256"] == hashlib.sha256(id_card_png.read_bytes()).hexdigest()
    shots = sorted(path.name for path in evidence.folder.glob("*.png"))
    assert shots == ["01-a-applicant.png", "02-b-family.png", "03-c-residences.png", "04-d-request.png",
                     "05-review.png", "06-receipt.png"]  # fmt: skip
    assert warnings == [], "every primary (role/label) candidate of the v2 map matches"


def test_lookup_and_status_on_v2(v2_steps: Steps, moj: MojSandbox, id_card_png: Path) -> None:
    receipt = submit(v2_steps, make_form(id_card_png))
    assert receipt is not None

    assert lookup(v2_steps, "051192004567", "01/01/2025", TODAY) == [receipt]
    assert lookup(v2_steps, "051192004567", "01/01/2020", "31/12/2020") == []
    assert lookup(v2_steps, "051090009999", "01/01/2025", TODAY) == []

    status = read_status(v2_steps, receipt)
    assert (status.status, status.label, status.certificate_number) == ("received", "Đã tiếp nhận", None)
    assert v2_steps.page.url.endswith(f"/trang-thai?ma_ho_so={receipt.code}")
    moj.advance(receipt.code, "processing").raise_for_status()
    moj.advance(receipt.code, "supplement_requested", "Bổ sung ảnh chụp rõ nét").raise_for_status()
    status = read_status(v2_steps, receipt.code)
    assert (status.status, status.supplement_reason) == ("supplement_requested", "Bổ sung ảnh chụp rõ nét")
    for to in ("processing", "finished", "result_returned"):
        moj.advance(receipt.code, to).raise_for_status()
    status = read_status(v2_steps, receipt)
    assert status.status == "result_returned"
    assert status.certificate_number is not None and status.certificate_number.startswith("LLTP-")
