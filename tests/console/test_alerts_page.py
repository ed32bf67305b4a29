"""The alerts page (/canh-bao), driven as a supervisor drives it in a real Chromium: the engine's alerts
newest first with their Vietnamese kind and Vietnam time, "Đã xem" with a note, and who acknowledged
each. And the guarantees under it: the role and the CSRF token checked on the server, an alert id only
of an alert that exists, markup in a message shown as text, the first acknowledgement kept."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from rpa.console.app import ConsoleState
from rpa.console.routes_alerts import unacknowledged_count
from rpa.ledger.audit import read_audit
from rpa.operations.alert_acks import ACK_ACTION, acknowledgements
from rpa.operations.alerts import raise_alert

if TYPE_CHECKING:
    from console.conftest import Console

SHOTS = Path(__file__).parent / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 820, "height": 1180}
VN_TIME = re.compile(r"\d\d/\d\d/20\d\d \d\d:\d\d")
SCRIPT = "Cổng moj-lltp trả về <script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> 'x'"


def _shoot(page: Page, name: str) -> None:
    """The page at laptop and at tablet width (looked at while writing these tests)."""
    SHOTS.mkdir(exist_ok=True)
    for label, size in (("1366", LAPTOP), ("820", TABLET)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


def _raise(console: Console, kind: str, message: str, **context: object) -> str:
    return str(raise_alert(console.world.settings.work_dir, kind, message, **context)["id"])


@pytest.mark.browser
def test_a_supervisor_reads_the_alerts_and_acknowledges_one(console: Console, page: Page) -> None:
    work = console.world.settings.work_dir
    _raise(console, "job_failing", "Tác vụ đọc hồ sơ mới của bộ lập lịch bị lỗi: ConnectError.", job="poll")
    down = _raise(
        console,
        "portal_down",
        "Cổng moj-lltp (http://127.0.0.1:9) không truy cập được: 503.",
        portal="moj-lltp",
    )
    captcha = _raise(
        console,
        "captcha",
        "cần người đọc mã xác nhận: rpa captcha answer 3fa2c1d0 <mã>",
        dossier="000.00.51.H55-261204-0007",
        portal="moj-lltp",
        request="3fa2c1d0",
    )
    before = unacknowledged_count(console_state_of(console))

    page.set_viewport_size(LAPTOP)
    console.login(page, "minh")
    page.goto(f"{console.url}/canh-bao")
    expect(page).to_have_title(re.compile("Cảnh báo"))
    items = page.locator("li.al-item")
    first = items.nth(0)  # newest first
    expect(first).to_contain_text("Chờ người đọc mã xác nhận")
    expect(first).to_contain_text("000.00.51.H55-261204-0007")
    expect(first.get_by_role("link", name="Đọc mã ở trang Chờ cán bộ")).to_have_attribute(
        "href", "/cho-xu-ly"
    )
    assert VN_TIME.fullmatch(first.locator("time").inner_text())
    expect(page.locator(f"#canh-bao-{down}")).to_contain_text("Hệ thống không truy cập được")
    _shoot(page, "alerts-list")

    item = page.locator(f"#canh-bao-{down}")
    item.get_by_label("Ghi chú (không bắt buộc)").fill("Đã gọi Bộ Tư pháp, cổng bảo trì đến 15 giờ")
    item.get_by_role("button", name="Đã xem").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi nhận: bạn đã xem cảnh báo.")
    expect(page.locator(f"#canh-bao-{down}")).to_have_count(0)  # gone from "chưa xem"
    expect(page.locator(f"#canh-bao-{captcha}")).to_have_count(1)
    assert unacknowledged_count(console_state_of(console)) == before - 1

    page.get_by_label("Tất cả").check()
    page.get_by_role("button", name="Lọc").click()
    seen = page.locator(f"#canh-bao-{down}")
    expect(seen).to_contain_text("Đã xem: minh")
    expect(seen).to_contain_text("Đã gọi Bộ Tư pháp, cổng bảo trì đến 15 giờ")
    expect(seen.get_by_role("button", name="Đã xem")).to_have_count(0)
    _shoot(page, "alerts-all")

    page.get_by_label("Loại cảnh báo").select_option(label="Tác vụ định kỳ bị lỗi")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("li.al-item").first).to_contain_text("Tác vụ: đọc hồ sơ mới")
    assert all(
        "Tác vụ định kỳ bị lỗi" in text for text in page.locator("li.al-item .badge").all_inner_texts()
    )

    (entry,) = [e for e in read_audit(console.ledger.engine, action=ACK_ACTION) if e.target == down]
    assert (entry.actor, entry.reason) == ("minh", "Đã gọi Bộ Tư pháp, cổng bảo trì đến 15 giờ")
    assert acknowledgements(console.ledger.engine)[down].by == "minh"
    assert work.is_dir()


@pytest.mark.browser
def test_acknowledging_a_whole_page_takes_only_the_alerts_it_showed(console: Console, page: Page) -> None:
    shown = [
        _raise(
            console, "unknown_status", f"H55-{n} (mã LLTP-{n}): trạng thái lạ 'Tạm dừng'", dossier=f"H55-{n}"
        )
        for n in range(3)
    ]
    console.login(page, "minh")
    page.goto(f"{console.url}/canh-bao?loai=unknown_status")
    expect(page.locator("li.al-item")).to_have_count(3)
    _shoot(page, "alerts-kind")
    later = _raise(console, "unknown_status", "H55-9 (mã LLTP-9): trạng thái lạ", dossier="H55-9")
    page.get_by_label("Ghi chú chung (không bắt buộc)").fill("Bộ đang đổi danh mục trạng thái")
    page.get_by_role("button", name="Đã xem cả 3 cảnh báo trên trang").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi nhận: bạn đã xem các cảnh báo của trang.")
    expect(page.locator("li.al-item")).to_have_count(1)  # raised after the page was drawn: still unseen
    expect(page.locator(f"#canh-bao-{later}")).to_have_count(1)
    acks = acknowledgements(console.ledger.engine)
    assert all(acks[i].by == "minh" and acks[i].note == "Bộ đang đổi danh mục trạng thái" for i in shown)
    assert later not in acks
    audited = {e.target for e in read_audit(console.ledger.engine, action=ACK_ACTION)}
    assert set(shown) <= audited and later not in audited


def test_acknowledging_a_page_refuses_ids_it_did_not_show(console: Console) -> None:
    alert = _raise(console, "overdue", "H55-77: quá hạn", dossier="H55-77")
    with console.client("minh") as client:
        token = client.csrf  # type: ignore[attr-defined]
        for ids in ([], ["../../etc/passwd"], [alert, "f" * 32], [alert] * 51 + ["0" * 32] * 50):
            answer = client.post("/canh-bao/da-xem-ca-trang", data={"csrf_token": token, "ma": ids})
            assert answer.status_code in (400, 404), ids
        assert client.post("/canh-bao/da-xem-ca-trang", data={"ma": [alert]}).status_code == 403
    assert alert not in acknowledgements(console.ledger.engine)


@pytest.mark.browser
def test_markup_in_an_alert_shows_as_text(console: Console, page: Page) -> None:
    alert = _raise(console, "selector_drift", SCRIPT, portal="moj-lltp", names=["form.submit"])
    console.login(page, "minh")
    page.goto(f"{console.url}/canh-bao")
    message = page.locator(f"#canh-bao-{alert} .al-message")
    expect(message).to_have_text(SCRIPT)
    assert page.evaluate("window.pwned") is None
    assert page.locator("img[src=x]").count() == 0
    with console.client("minh") as client:
        html = client.get("/canh-bao").text
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html


def test_a_clerk_can_neither_see_nor_acknowledge_alerts(console: Console) -> None:
    alert = _raise(console, "portal_down", "Cổng dkkd không truy cập được.", portal="dkkd")
    with console.client("lan") as client:
        page = client.get("/canh-bao", headers={"accept": "text/html"})
        assert page.status_code == 403 and "Không có quyền" in page.text
        assert "Cổng dkkd" not in page.text
        done = client.post(f"/canh-bao/{alert}/da-xem", data={"csrf_token": client.csrf, "ghi_chu": "x"})  # type: ignore[attr-defined]
        assert done.status_code == 403
    with console.client() as anonymous:
        assert (
            anonymous.get("/canh-bao", headers={"accept": "text/html"})
            .headers["location"]
            .startswith("/dang-nhap?next=/canh-bao")
        )
        assert anonymous.post(f"/canh-bao/{alert}/da-xem", data={"ghi_chu": "x"}).status_code in (401, 303)
    assert alert not in acknowledgements(console.ledger.engine)


def test_an_acknowledgement_without_the_csrf_token_is_refused(console: Console) -> None:
    alert = _raise(console, "portal_down", "Cổng vantai không truy cập được.", portal="vantai")
    with console.client("minh") as client:
        assert client.post(f"/canh-bao/{alert}/da-xem", data={"ghi_chu": "x"}).status_code == 403
        forged = client.post(f"/canh-bao/{alert}/da-xem", data={"csrf_token": "0" * 43, "ghi_chu": "x"})
        assert forged.status_code == 403
    assert alert not in acknowledgements(console.ledger.engine)
    assert not [e for e in read_audit(console.ledger.engine, action=ACK_ACTION) if e.target == alert]


def test_only_an_existing_alert_can_be_acknowledged_and_only_once(console: Console) -> None:
    alert = _raise(console, "overdue", "H55-9 (mã LLTP-1): quá hạn, trễ 2 ngày làm việc", dossier="H55-9")
    with console.client("minh") as minh, console.client("quantri") as admin:
        for bad in ("0" * 32, "..%2F..%2Fetc%2Fpasswd", "ABC", alert.upper()):
            answer = minh.post(f"/canh-bao/{bad}/da-xem", data={"csrf_token": minh.csrf})  # type: ignore[attr-defined]
            assert answer.status_code == 404, bad
        first = minh.post(
            f"/canh-bao/{alert}/da-xem",
            data={"csrf_token": minh.csrf, "ghi_chu": "Đã nhắc Bộ", "xem": "tat-ca", "loai": "overdue"},  # type: ignore[attr-defined]
        )
        assert first.status_code == 303
        assert first.headers["location"] == f"/canh-bao?xem=tat-ca&loai=overdue&thong_bao=ok#canh-bao-{alert}"
        second = admin.post(f"/canh-bao/{alert}/da-xem", data={"csrf_token": admin.csrf})  # type: ignore[attr-defined]
        assert "thong_bao=trung" in second.headers["location"]
        too_long = _raise(console, "overdue", "H55-10: quá hạn", dossier="H55-10")
        refused = minh.post(
            f"/canh-bao/{too_long}/da-xem", data={"csrf_token": minh.csrf, "ghi_chu": "x" * 501}
        )  # type: ignore[attr-defined]
        assert refused.status_code == 400
        shown = admin.get("/canh-bao?xem=tat-ca&loai=overdue&thong_bao=trung")
    assert acknowledgements(console.ledger.engine)[alert].by == "minh"  # the first answer stays
    assert too_long not in acknowledgements(console.ledger.engine)
    assert "Cảnh báo này đã có người xác nhận đã xem trước bạn." in shown.text
    assert "Đã xem: <strong>minh</strong>" in shown.text and "Đã nhắc Bộ" in shown.text


def console_state_of(console: Console) -> ConsoleState:
    """The state the console's pages read (the same ledger and work folder as the served app)."""
    return ConsoleState(console.world.settings, console.ledger, console.accounts)


def test_a_log_rotation_does_not_empty_the_page(console: Console) -> None:
    work = console.world.settings.work_dir
    before = _raise(console, "portal_down", "Cổng moj-lltp không truy cập được (trước khi xoay tệp).")
    (work / "alerts.jsonl").rename(work / "alerts.jsonl.1")  # logrotate's rename
    after = _raise(console, "portal_up", "Cổng moj-lltp đã hoạt động trở lại (sau khi xoay tệp).")
    with console.client("minh") as client:
        html = client.get("/canh-bao").text
    assert f"canh-bao-{before}" in html and f"canh-bao-{after}" in html
    assert html.index(f"canh-bao-{after}") < html.index(f"canh-bao-{before}")  # newest first
