"""Selector maps: schema validation on load, per-version files, formatting, `within`, fallback drift."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from loguru import logger
from playwright.sync_api import Page

import rpa.portal.steps
from flows import SELECTORS_DIR
from rpa.errors import ConfigError, SelectorDrift
from rpa.portal.selectors import Locator, SelectorMap, load_maps, load_selector_map, pick_map, placeholders
from rpa.portal.steps import Steps

BASE: dict[str, Any] = {
    "portal": "demo",
    "version": 1,
    "marker": {"meta": "portal-version", "value": "1"},
    "pages": {"status": "/trang-thai?maHoSo={receipt}"},
    "elements": {"name": [{"label": "Họ và tên", "exact": True}, {"css": "#fullName"}]},
}


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def with_elements(**elements: Any) -> dict[str, Any]:
    return {**BASE, "elements": {**BASE["elements"], **elements}}


def test_the_shipped_map_loads() -> None:
    maps = load_maps("moj-lltp", SELECTORS_DIR)
    assert set(maps) == {1, 2}
    first = maps[1].candidates("applicant.full_name")[0]
    assert (first.kind, first.label, first.exact) == ("label", "Họ và tên", True)
    assert maps[1].candidates("applicant.full_name")[-1].kind == "css"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**BASE, "colour": "red"}, "colour: unknown key 'colour'"),
        (with_elements(bad=[{"lable": "x"}]), "unknown key 'lable'"),
        (with_elements(bad=[]), "elements without any candidate: bad"),
        (with_elements(bad=[{"label": "A", "css": "#a"}]), "exactly one of role, label"),
        (with_elements(bad=[{"label": "A", "css": "#a"}]), "(found label and css)"),
        (with_elements(bad=[{"exact": True}]), "(found none)"),
        (with_elements(bad=[{"label": "A", "name": "x"}]), "'name' is only allowed with 'role'"),
        (with_elements(bad=[{"css": "#a", "exact": True}]), "'exact' does not apply to css"),
        (
            with_elements(bad=[{"label": "A", "within": "nowhere"}]),
            "'within' names unknown element 'nowhere'",
        ),
        (
            with_elements(a=[{"css": "#a", "within": "b"}], b=[{"css": "#b", "within": "a"}]),
            "loops back to itself",
        ),
    ],
)
def test_invalid_maps_are_refused_with_a_clear_message(
    tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_selector_map(write(tmp_path / "demo.yaml", data))
    assert message in str(caught.value)
    assert str(tmp_path / "demo.yaml") in str(caught.value)


def test_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_selector_map(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(ConfigError, match="mapping at the top level"):
        load_selector_map(tmp_path / "list.yaml")


def test_placeholder_scopes_are_not_checked_on_load(tmp_path: Path) -> None:
    loaded = load_selector_map(
        write(tmp_path / "demo.yaml", with_elements(part=[{"label": "A", "within": "{group}"}]))
    )
    assert loaded.scope_placeholders() == {"group"}


def test_load_maps_reads_every_version(tmp_path: Path) -> None:
    write(tmp_path / "demo.yaml", BASE)
    write(tmp_path / "demo.v2.yaml", {**BASE, "version": 2, "marker": {"value": "2"}})
    maps = load_maps("demo", tmp_path)
    assert sorted(maps) == [1, 2]
    assert pick_map(maps, 2).version == 2
    with pytest.raises(SelectorDrift, match="no selector map for demo UI version 3"):
        pick_map(maps, 3)
    with pytest.raises(ConfigError, match="no selector map for portal 'other'"):
        load_maps("other", tmp_path)


def test_load_maps_refuses_duplicates_and_wrong_portals(tmp_path: Path) -> None:
    write(tmp_path / "demo.yaml", BASE)
    write(tmp_path / "demo.v1.yaml", BASE)
    with pytest.raises(ConfigError, match="a second map for demo version 1"):
        load_maps("demo", tmp_path)
    (tmp_path / "demo.v1.yaml").unlink()
    write(tmp_path / "demo.v2.yaml", {**BASE, "portal": "x", "version": 2})
    with pytest.raises(ConfigError, match="declares portal 'x'"):
        load_maps("demo", tmp_path)


def test_pages_and_placeholders_are_formatted() -> None:
    selector_map = SelectorMap.model_validate(BASE)
    assert (
        selector_map.page_url("status", receipt="51-LLTP-2611-000001")
        == "/trang-thai?maHoSo=51-LLTP-2611-000001"
    )
    with pytest.raises(ConfigError, match="needs the parameter 'receipt'"):
        selector_map.page_url("status")
    with pytest.raises(ConfigError, match="no page named 'nowhere'"):
        selector_map.page_url("nowhere")
    assert placeholders("Từ ngày (dòng {n})") == {"n"}
    assert Locator(label="x", within="a").describe() == "label='x' within a"


# ---- resolution in a browser ----------------------------------------------------------------------
PAGE = """
<fieldset><legend>Nơi thường trú</legend>
  <label for="p-street">Số nhà</label><input id="p-street" value="12 Lê Lợi"></fieldset>
<fieldset><legend>Nơi tạm trú</legend>
  <label for="t-street">Số nhà</label><input id="t-street" value="Tổ 3"></fieldset>
<table><tr><td><input aria-label="Từ ngày (dòng 1)" id="r1" value="01/01/2001"></td></tr>
<tr><td><input aria-label="Từ ngày (dòng 2)" id="r2" value="02/02/2002"></td></tr></table>
<input id="old-name" value="NGUYỄN VĂN A">
"""
ELEMENTS: dict[str, Any] = {
    "address.permanent": [{"role": "group", "name": "Nơi thường trú"}],
    "address.temporary": [{"role": "group", "name": "Nơi tạm trú"}],
    "address.street": [{"label": "Số nhà", "within": "{group}"}],
    "residence.from": [{"label": "Từ ngày (dòng {n})", "exact": True}],
    "full_name": [{"label": "Họ và tên"}, {"placeholder": "Họ tên"}, {"css": "#old-name"}],
}


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    rpa.portal.steps._DRIFT_WARNED.clear()
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m).strip()), level="WARNING", format="{message}")
    yield lines
    logger.remove(sink)


@pytest.fixture
def steps(page: Page) -> Steps:
    page.set_content(PAGE)
    return Steps(page, SelectorMap.model_validate({**BASE, "elements": ELEMENTS}), timeout_ms=2000)


def test_within_and_placeholders_resolve(steps: Steps) -> None:
    assert steps.locate("address.street", group="address.temporary").input_value() == "Tổ 3"
    assert steps.locate("address.street", group="address.permanent").input_value() == "12 Lê Lợi"
    assert steps.locate("residence.from", n=2).input_value() == "02/02/2002"


def test_a_fallback_wins_with_one_drift_warning(steps: Steps, warnings: list[str]) -> None:
    assert steps.locate("full_name").input_value() == "NGUYỄN VĂN A"
    steps.locate("full_name")
    assert warnings == ["selector drift: demo full_name resolved by fallback #2"]
