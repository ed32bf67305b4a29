"""Masked fields (issue 15, point 5): a procedure's chosen fields are painted over in every screenshot
(Playwright's ``mask``, pink #FF00FF), the manifest keeps a hash of what was typed in them, the step log
never shows their values, and ``[procedures.<name>] masked_fields`` overrides the plug-in's choice."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loguru import logger
from PIL import Image
from playwright.sync_api import Page

from rpa.config import Settings, load_settings, write_config
from rpa.errors import ConfigError
from rpa.portal.evidence import AttemptEvidence
from rpa.portal.selectors import SelectorMap, load_maps
from rpa.portal.steps import Steps
from rpa.procedures import active_procedures, all_procedures, get_procedure
from rpa.procedures.active import masked_fields

pytestmark = pytest.mark.browser

PINK = (255, 0, 255)
NUMBER = "001099012345"  # a 12-digit CCCD
ROW_NUMBER = "079188004321"

PAGE = """
<style>body { font: 28px sans-serif; } input { font: 28px monospace; width: 420px; margin: 6px; }</style>
<label for="name">Họ và tên</label><input id="name">
<label for="idn">Số giấy tờ tùy thân</label><input id="idn">
<table><tr><td><label for="m1">Số định danh (dòng 1)</label><input id="m1"></td></tr>
<tr><td><label for="m2">Số định danh (dòng 2)</label><input id="m2" value="079188004321"></td></tr></table>
<input id="code-1" aria-label="mã 1">
"""
ELEMENTS: dict[str, Any] = {
    "name": [{"label": "Họ và tên", "exact": True}],
    "id_number": [{"label": "Số giấy tờ tùy thân", "exact": True}, {"css": "#idn"}],
    "member.id": [{"label": "Số định danh (dòng {n})", "exact": True}],
    "member.code": [{"css": "#code-{n}"}],  # CSS with a placeholder: masked where it was typed
    "absent.id": [{"label": "Số hộ chiếu", "exact": True}, {"css": "#passport"}],
}
MAP = SelectorMap.model_validate(
    {"portal": "demo", "version": 1, "marker": {"value": "1"}, "pages": {"home": "/"}, "elements": ELEMENTS}
)
MASKED = ("id_number", "member.id", "member.code", "absent.id", "not.in.this.map")


@pytest.fixture
def evidence(tmp_path: Path) -> AttemptEvidence:
    return AttemptEvidence.begin(tmp_path / "recordings", "000.00.01.H55-261120-0007")


@pytest.fixture
def logs() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="DEBUG", format="{level} {extra} {message}")
    yield lines
    logger.remove(sink)


def _steps(page: Page, evidence: AttemptEvidence, masked: tuple[str, ...] = MASKED) -> Steps:
    page.set_content(PAGE)
    return Steps(page, MAP, timeout_ms=5000, evidence=evidence, masked=masked)


def _box(page: Page, css: str, shot: Path) -> Image.Image:
    """The pixels of element ``css`` in screenshot ``shot``, a little inside its border."""
    box = page.locator(css).bounding_box()
    assert box is not None
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    inset = 3
    return image.crop(
        (
            round(box["x"]) + inset,
            round(box["y"]) + inset,
            round(box["x"] + box["width"]) - inset,
            round(box["y"] + box["height"]) - inset,
        )
    )


def _all_pink(region: Image.Image) -> bool:
    colours = region.getcolors(maxcolors=1 << 16)
    return colours is not None and {colour for _, colour in colours} == {PINK}


def test_a_masked_field_is_a_solid_pink_box_and_the_rest_stays_readable(
    page: Page, evidence: AttemptEvidence
) -> None:
    steps = _steps(page, evidence)
    steps.fill("name", "Nguyễn Thị Hoà")
    steps.fill("id_number", NUMBER)
    steps.fill("member.id", "001203009999", n=1)
    steps.fill("member.code", "0123456789", n=1)
    shot = steps.screenshot("a-applicant")
    assert shot is not None and shot.name == "01-a-applicant.png"

    for css in ("#idn", "#m1", "#m2", "#code-1"):  # #m2 was never typed: the widened label covers it
        assert _all_pink(_box(page, css, shot)), f"{css} is not painted over"
    name = _box(page, "#name", shot)
    assert not _all_pink(name) and len(name.getcolors(maxcolors=1 << 16) or []) > 2, "the name is readable"

    plain = Steps(page, MAP, timeout_ms=5000, evidence=evidence).screenshot("plain")
    assert plain is not None
    assert not any(_all_pink(_box(page, css, plain)) for css in ("#idn", "#m1", "#m2", "#code-1"))
    assert _box(page, "#idn", plain).tobytes() != _box(page, "#idn", shot).tobytes()


def test_the_manifest_keeps_hashes_of_masked_values(page: Page, evidence: AttemptEvidence) -> None:
    steps = _steps(page, evidence)
    steps.fill("id_number", NUMBER)
    steps.fill("member.id", ROW_NUMBER, n=2)
    steps.fill("name", "Nguyễn Thị Hoà")
    evidence.write_manifest(outcome="ok")
    manifest = json.loads((evidence.folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["masked"]) == {"id_number", "member.id[n=2]"}, "the name is not masked"
    for name, value in (("id_number", NUMBER), ("member.id[n=2]", ROW_NUMBER)):
        digest = manifest["masked"][name]
        assert value not in digest and digest.split(":", 1)[0] in ("sha256", "hmac-sha256")


def test_a_masked_field_that_is_not_on_the_page_neither_fails_nor_waits(
    page: Page, evidence: AttemptEvidence
) -> None:
    steps = _steps(page, evidence, masked=("absent.id", "not.in.this.map"))
    started = time.monotonic()
    shot = steps.screenshot("nothing-to-mask")
    assert shot is not None and shot.exists()
    assert time.monotonic() - started < 2, "an absent masked field must not wait for the step timeout (5 s)"
    assert steps.mask_locators() == []


def test_typing_a_masked_field_never_logs_its_value(
    page: Page, evidence: AttemptEvidence, logs: list[str]
) -> None:
    steps = _steps(page, evidence)
    steps.fill("id_number", NUMBER)
    steps.fill("member.id", ROW_NUMBER, n=2)
    steps.fill("name", "Nguyễn Văn 0912345678")  # not masked: its digits keep their last four
    typed = [line for line in logs if "fill " in line]
    assert any("fill id_number = ***" in line for line in typed), typed
    assert any("fill member.id[n=2] = ***" in line for line in typed), typed
    assert NUMBER[-4:] not in "".join(logs) and ROW_NUMBER[-4:] not in "".join(logs)
    assert any("******5678" in line for line in typed), "unmasked fields still go through logs.mask"


def _config(tmp_path: Path, procedure: dict[str, Any] | None) -> Settings:
    path = tmp_path / "rpa.toml"
    tables: dict[str, Any] = {
        "provincial": {"base_url": "http://127.0.0.1:1", "account": {"username": "motcua", "password": "x"}},
        "portals": {
            "moj-lltp": {"base_url": "http://127.0.0.1:2", "account": {"username": "cb", "password": "x"}}
        },
    }
    if procedure is not None:
        tables["procedures"] = {"judicial_record": procedure}
    write_config(path, tables)
    return load_settings(path)


def test_the_installation_overrides_the_plug_in(
    tmp_path: Path, page: Page, evidence: AttemptEvidence
) -> None:
    judicial = get_procedure("judicial_record")
    assert masked_fields(_config(tmp_path, None), judicial) == judicial.masked_fields
    assert "applicant.id_number" in judicial.masked_fields
    settings = _config(tmp_path, {"masked_fields": []})
    assert masked_fields(settings, judicial) == ()
    assert judicial in active_procedures(settings)

    steps = _steps(page, evidence, masked=masked_fields(settings, judicial))
    steps.fill("id_number", NUMBER)
    shot = steps.screenshot("unmasked")
    assert shot is not None and not _all_pink(_box(page, "#idn", shot)), "[] masks nothing"

    chosen = _config(tmp_path, {"masked_fields": ["applicant.id_number", "applicant.phone"]})
    assert masked_fields(chosen, judicial) == ("applicant.id_number", "applicant.phone")
    assert judicial in active_procedures(chosen)


def test_an_unknown_masked_field_is_refused_by_name(tmp_path: Path) -> None:
    settings = _config(tmp_path, {"masked_fields": ["applicant.id_number", "applicant.cccd", "member.id"]})
    with pytest.raises(ConfigError) as refused:
        active_procedures(settings)
    message = str(refused.value)
    assert "[procedures.judicial_record] masked_fields" in message
    assert "'applicant.cccd', 'member.id'" in message and "moj-lltp" in message
    assert "'applicant.id_number'" not in message


@pytest.mark.parametrize("procedure", [p.name for p in all_procedures()])
def test_every_default_masked_field_is_in_every_map_of_its_portal(procedure: str) -> None:
    plug_in = get_procedure(procedure)
    for version, selector_map in load_maps(plug_in.portal, plug_in.selectors_dir).items():
        missing = [name for name in plug_in.masked_fields if name not in selector_map.elements]
        assert not missing, f"{plug_in.portal} v{version} lacks {missing}"
