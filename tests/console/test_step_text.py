"""The live steps a clerk reads name the portal's own fields (from the selector maps), never values."""

from __future__ import annotations

from pathlib import Path

from rpa.console.clerk_runs import step_text
from rpa.portal.selectors import SelectorMap, load_maps

SELECTORS = Path(__file__).resolve().parents[2] / "selectors"


def _maps(portal: str) -> list[SelectorMap]:
    found = load_maps(portal, SELECTORS)
    return [found[version] for version in sorted(found, reverse=True)]


def test_steps_name_the_fields_as_the_portal_labels_them() -> None:
    moj = _maps("moj-lltp")
    assert step_text("fill", "login.username", moj) == "Điền ô Tài khoản"
    assert step_text("click", "review.submit", moj) == "Bấm Nộp hồ sơ"
    assert step_text("open", "new_application", moj) == "Mở trang nộp hồ sơ mới"
    row = step_text("fill", "residence.address[n=3]", moj)
    assert row.startswith("Điền ô ") and "3" in row and "residence" not in row
    grouped = step_text("choose", "address.province[group=address.permanent]", moj)
    assert grouped.startswith("Chọn ") and "thường trú" in grouped
    badge = step_text("fill", "vehicle.payload_kg", _maps("vantai"))
    assert badge == "Điền ô Khối lượng hàng chuyên chở (kg)"


def test_an_element_without_a_label_or_without_maps_shows_its_map_name() -> None:
    assert step_text("read_text", "receipt.code", []) == "Đọc receipt.code"
    assert step_text("fill", "no.such.element[n=2]", _maps("dkkd")) == "Điền ô no.such.element[n=2]"
