"""The judicial-record plug-in's masked fields on the sandbox portal: the identity numbers are solid pink
in the screenshots of the steps that type them and of the review page that shows them back, where they
are on the page (a page left scrolled part-way must not shift the mask off the field)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page
from test_judicial_record_flow import ACCOUNT, make_form

from flows import SELECTORS_DIR
from flows.judicial_record.flow import login, submit
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.steps import Steps, open_portal
from rpa.procedures import get_procedure
from rpa.sandbox.moj.testing import MojSandbox

pytestmark = pytest.mark.browser
PINK = (255, 0, 255)


def _region(shot: Path, element: Locator) -> Image.Image:
    """The pixels of ``element`` (on the page now, scrolled to the top) in ``shot``, inside its border."""
    element.page.evaluate("window.scrollTo(0, 0)")
    box = element.bounding_box()
    assert box is not None
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    left, top = round(box["x"]) + 3, round(box["y"]) + 3
    return image.crop((left, top, round(box["x"] + box["width"]) - 3, round(box["y"] + box["height"]) - 3))


def _pink(region: Image.Image) -> bool:
    return {colour for _, colour in region.getcolors(maxcolors=1 << 16) or []} == {PINK}


def test_identity_numbers_are_pink_where_they_are(
    page: Page, moj: MojSandbox, evidence: AttemptEvidence, id_card_png: Path
) -> None:
    procedure = get_procedure("judicial_record")
    steps = open_portal(
        page, "moj-lltp", moj.url, selectors_dir=SELECTORS_DIR, timeout_ms=5000, evidence=evidence,
        masked=procedure.masked_fields,
    )  # fmt: skip
    assert isinstance(steps, Steps)
    login(steps, *ACCOUNT)
    form = make_form(id_card_png)
    assert submit(steps, form, dry_run=True) is None
    shots = {path.name[3:-4]: path for path in evidence.folder.glob("*.png")}

    number = "//th[normalize-space()='{}']/following-sibling::td[1]"
    for label in ("Số giấy tờ tùy thân", "Số giấy tờ của người được ủy quyền"):
        assert _pink(_region(shots["review"], page.locator(number.format(label)))), label
    assert not _pink(_region(shots["review"], page.locator(number.format("Họ và tên"))))

    page.goto(moj.url + "/ho-so/buoc/a")  # the draft keeps what was typed: the same layout as shot 01
    assert page.locator("#idNumber").input_value() == form.idNumber
    assert _pink(_region(shots["a-applicant"], page.locator("#idNumber")))
    assert not _pink(_region(shots["a-applicant"], page.locator("#fullName")))
    page.goto(moj.url + "/ho-so/buoc/d")
    assert _pink(_region(shots["d-request"], page.locator("#authIdNumber")))

    evidence.write_manifest(outcome="dry_run")
    manifest = json.loads((evidence.folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["masked"]) == {"applicant.id_number", "authorised.id_number"}
    assert form.idNumber not in json.dumps(manifest["masked"])
