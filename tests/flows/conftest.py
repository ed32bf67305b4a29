"""Fixtures for flow tests: the sandbox ministry portal (one server per session, reset per test), the
evidence of one attempt, and Steps opened on the portal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page

from flows import SELECTORS_DIR
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.steps import Steps, open_portal
from rpa.sandbox.moj.app import create_app
from rpa.sandbox.moj.testing import MojSandbox, serve


@pytest.fixture(scope="session")
def moj_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(create_app(tmp_path_factory.mktemp("moj-lltp"))) as url:
        yield url


@pytest.fixture
def moj(moj_server: str) -> Iterator[MojSandbox]:
    """The portal, freshly reset, without CAPTCHA (a test that wants one turns it back on)."""
    sandbox = MojSandbox(moj_server)
    sandbox.reset()
    sandbox.knobs(captcha=False)
    yield sandbox
    sandbox.close()


@pytest.fixture
def evidence(tmp_path: Path) -> AttemptEvidence:
    return AttemptEvidence.begin(tmp_path / "recordings", "000.00.01.H55-261120-0001")


@pytest.fixture
def steps(page: Page, moj: MojSandbox, evidence: AttemptEvidence) -> Steps:
    """Steps on the portal's UI version, with a short step timeout (the local portal is fast)."""
    return open_portal(
        page, "moj-lltp", moj.url, selectors_dir=SELECTORS_DIR, timeout_ms=5000, evidence=evidence
    )


@pytest.fixture
def id_card_png(tmp_path: Path) -> Path:
    """An identity-card 'scan' made with Pillow."""
    image = Image.new("RGB", (480, 300), (226, 238, 250))
    draw = ImageDraw.Draw(image)
    draw.text((24, 40), "CAN CUOC CONG DAN", fill=(160, 20, 20))
    draw.text((24, 120), "So: 051190001234", fill=(20, 20, 80))
    draw.text((24, 160), "Ho va ten: PHAM THI THU HA", fill=(20, 20, 80))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path = tmp_path / "cccd-mat-truoc.png"
    path.write_bytes(buffer.getvalue())
    return path
