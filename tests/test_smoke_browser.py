from playwright.sync_api import Page


def test_chromium_renders_vietnamese(page: Page) -> None:
    page.set_content("<h1>Phiếu lý lịch tư pháp</h1>")
    assert page.locator("h1").inner_text() == "Phiếu lý lịch tư pháp"
