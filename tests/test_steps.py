"""The step API on small pages built with ``page.set_content``: read-back, masked dates, dropdowns,
drift (with its screenshot and DOM) and ambiguity, fallbacks, rows, uploads, logging with masked values,
evidence, HTTP errors and the choice of a map by the page's version marker."""

from __future__ import annotations

import shutil
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from loguru import logger
from playwright.sync_api import Locator, Page, Route

import rpa.portal.steps
from rpa.errors import PortalError, SelectorDrift
from rpa.portal.selectors import PageDrift, SelectorMap
from rpa.portal.steps import Steps, mask, open_portal

PAGE = """
<label for="name">Họ và tên</label><input id="name">
<label for="shout">Tên gọi khác</label><input id="shout" oninput="this.value = this.value.toUpperCase()">
<label for="pw">Mật khẩu</label><input id="pw" type="password">
<label for="dob">Ngày sinh</label><input id="dob" maxlength="10">
<label for="gender">Giới tính</label>
<select id="gender"><option value="">--</option>
  <option value="1">Nam</option><option value="2">Nữ</option></select>
<div class="combo">
  <input type="hidden" name="nationalityId" value="">
  <div role="combobox" aria-label="Quốc tịch" tabindex="0"
       onclick="document.getElementById('pop').hidden = false">
    <span id="shown">-- Chọn --</span></div>
  <div id="pop" hidden>
    <input aria-label="Tìm quốc tịch" oninput="filter(this.value)">
    <ul role="listbox" aria-label="Quốc tịch">
      <li role="option" data-value="VN">Việt Nam</li><li role="option" data-value="LA">Lào</li>
    </ul></div></div>
<label><input type="checkbox" id="ban"> Xác nhận cấm đảm nhiệm</label>
<table id="rows"><tbody><tr><td>1</td></tr></tbody></table>
<button type="button" onclick="setTimeout(() => { const r = document.createElement('tr');
  r.innerHTML = '<td>n</td>'; document.querySelector('#rows tbody').appendChild(r); }, 150)"
  >Thêm dòng</button>
<label for="scan">Bản chụp</label><input id="scan" type="file">
<button>Lưu</button><button>Lưu</button><button id="save-2">Lưu nháp</button>
<p id="code">  51-LLTP-2611-000042 </p>
<div id="later"></div>
<script>
  document.getElementById("dob").addEventListener("input", (ev) => {
    const d = ev.target.value.replace(/\\D/g, "").slice(0, 8);
    let v = d.slice(0, 2);
    if (d.length > 2) v += "/" + d.slice(2, 4);
    if (d.length > 4) v += "/" + d.slice(4, 8);
    ev.target.value = v;
  });
  function filter(q) {
    document.querySelectorAll("[role=option]").forEach((o) => { o.hidden = !o.textContent.includes(q); });
  }
  document.querySelectorAll("[role=option]").forEach((o) => o.addEventListener("click", () => {
    document.querySelector("input[name=nationalityId]").value = o.dataset.value;
    document.getElementById("shown").textContent = o.textContent;
    document.getElementById("pop").hidden = true;
  }));
</script>
"""
ELEMENTS: dict[str, Any] = {
    "name": [{"label": "Họ và tên", "exact": True}],
    "shout": [{"label": "Tên gọi khác"}],
    "password": [{"label": "Mật khẩu"}],
    "dob": [{"label": "Ngày sinh"}],
    "gender": [{"label": "Giới tính"}],
    "nationality": [{"role": "combobox", "name": "Quốc tịch"}],
    "nationality.list": [{"role": "listbox", "name": "Quốc tịch"}],
    "nationality.search": [{"role": "textbox", "name": "Tìm quốc tịch"}],
    "nationality.option": [{"css": "[data-value='{value}']", "within": "nationality.list"}],
    "nationality.value": [{"css": "input[name=nationalityId]"}],
    "ban": [{"label": "Xác nhận cấm đảm nhiệm"}],
    "rows": [{"css": "#rows tbody tr"}],
    "add": [{"role": "button", "name": "Thêm dòng"}],
    "scan": [{"label": "Bản chụp"}],
    "save": [{"role": "button", "name": "Lưu", "exact": True}, {"css": "#save-2"}],
    "code": [{"css": "#code"}],
    "later": [{"text": "Đã lưu"}],
    "missing": [{"role": "button", "name": "Không có"}, {"css": "#none"}],
    "renamed": [{"label": "Họ tên", "exact": True}, {"css": "#name"}],
    "in_missing": [{"css": "li", "within": "missing"}],
}
PNG = b"\x89PNG\r\n\x1a\n"
MAP = SelectorMap.model_validate(
    {"portal": "demo", "version": 1, "marker": {"value": "1"}, "pages": {"home": "/"}, "elements": ELEMENTS}
)


class Evidence:
    def __init__(self, folder: Path) -> None:
        self.folder, self.typed_values, self.labels = folder, {}, []  # type: ignore[var-annotated]

    def screenshot(self, page: Page, label: str) -> Path:
        self.labels.append(label)
        path = self.folder / f"{label}.png"
        page.screenshot(path=str(path))
        return path

    def typed(self, name: str, value: str) -> None:
        self.typed_values[name] = value

    def add_file(self, path: Path) -> Path:
        return Path(shutil.copy(path, self.folder / path.name))


@pytest.fixture
def evidence(tmp_path: Path) -> Evidence:
    return Evidence(tmp_path)


@pytest.fixture
def logs() -> Iterator[list[str]]:
    rpa.portal.steps._DRIFT_WARNED.clear()
    lines: list[str] = []
    sink = logger.add(
        lambda m: lines.append(str(m).strip()), level="INFO", format="{level} {extra} {message}"
    )
    yield lines
    logger.remove(sink)


@pytest.fixture
def steps(page: Page, evidence: Evidence) -> Steps:
    page.set_content(PAGE)
    return Steps(page, MAP, timeout_ms=2000, evidence=evidence)


def test_fill_normalises_to_nfc_and_reads_back(steps: Steps, evidence: Evidence) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    steps.fill("name", decomposed)
    assert steps.locate("name").input_value() == "Nguyễn Thị Hoà"
    assert evidence.typed_values["name"] == "Nguyễn Thị Hoà"


def test_fill_fails_when_the_page_changes_the_value(steps: Steps) -> None:
    with pytest.raises(PortalError, match="the field holds 'HOÀ' instead of 'hoà'"):
        steps.fill("shout", "hoà")


def test_masked_date_is_typed_key_by_key(steps: Steps) -> None:
    steps.pick_date("dob", "05/03/1990")
    assert steps.locate("dob").input_value() == "05/03/1990"
    with pytest.raises(PortalError, match="shows '53/19/90' instead of '5/3/1990'"):
        steps.pick_date("dob", "5/3/1990")


def test_native_select_by_value_or_label(steps: Steps) -> None:
    steps.choose("gender", "2")
    assert steps.locate("gender").input_value() == "2"
    steps.choose("gender", "Nam")
    assert steps.locate("gender").input_value() == "1"


def test_custom_combobox(steps: Steps, evidence: Evidence) -> None:
    steps.choose("nationality", "LA")
    assert steps.read_text("nationality") == "Lào"
    assert steps.locate("nationality.value").input_value() == "LA"
    assert evidence.typed_values["nationality"] == "LA"


def test_nothing_matching_is_selector_drift_with_evidence(steps: Steps, evidence: Evidence) -> None:
    with pytest.raises(SelectorDrift) as caught:
        steps.click("missing")
    drift = caught.value
    assert isinstance(drift, PageDrift)
    assert drift.names == ["missing"]
    assert "css='#none': 0" in str(drift)
    assert drift.url == "about:blank"
    assert drift.screenshot is not None and drift.screenshot.startswith(PNG)
    assert drift.dom is not None and '<p id="code">' in drift.dom
    assert evidence.labels == ["drift-missing"]
    assert [path.name for path in drift.files] == ["drift-missing.png", "drift-missing.html"]
    assert (evidence.folder / "drift-missing.html").read_text(encoding="utf-8") == drift.dom
    assert not steps.exists("missing")
    assert evidence.labels == ["drift-missing"], "exists() probes: it records nothing"


def test_drift_without_an_evidence_recorder_still_carries_the_page(steps: Steps) -> None:
    with pytest.raises(PageDrift) as caught:
        Steps(steps.page, MAP, timeout_ms=1000).locate("missing")
    assert caught.value.screenshot is not None and caught.value.screenshot.startswith(PNG)
    assert caught.value.dom is not None and caught.value.files == []


def test_a_missing_scope_is_drift_of_the_scope(steps: Steps, evidence: Evidence) -> None:
    assert not steps.exists("in_missing")
    assert evidence.labels == []
    with pytest.raises(PageDrift) as caught:
        steps.read_text("in_missing")
    assert caught.value.names == ["missing"]
    assert evidence.labels == ["drift-missing"]


def test_an_ambiguous_candidate_is_skipped(steps: Steps, logs: list[str]) -> None:
    assert steps.locate("save").inner_text() == "Lưu nháp"
    assert (
        "WARNING {'drift': 'save', 'version': 1, 'fallback': \"css='#save-2'\", "
        "'primary': \"role='button' name='Lưu' matched 2\"} selector drift: demo save resolved by fallback #1"
    ) in logs


def test_a_fallback_winning_logs_a_drift_warning_once(steps: Steps, logs: list[str]) -> None:
    steps.fill("renamed", "Nguyễn Văn An")
    steps.fill("renamed", "Trần Thị Bình")
    assert Steps(steps.page, MAP, timeout_ms=2000).locate("renamed").input_value() == "Trần Thị Bình"
    drift = [line for line in logs if line.startswith("WARNING")]
    assert drift == [
        "WARNING {'drift': 'renamed', 'version': 1, 'fallback': \"css='#name'\", "
        "'primary': \"label='Họ tên' matched 0\"} selector drift: demo renamed resolved by fallback #1"
    ]


def test_check_rows_upload_read_and_wait(steps: Steps, tmp_path: Path) -> None:
    steps.check("ban", True)
    assert steps.locate("ban").is_checked()
    assert steps.add_row("add", "rows") == 2
    assert steps.count("rows") == 2
    scan = tmp_path / "cccd.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n")
    steps.upload("scan", scan)
    assert steps.read_text("code") == "51-LLTP-2611-000042"
    steps.page.evaluate("setTimeout(() => { document.getElementById('later').textContent = 'Đã lưu'; }, 100)")
    steps.wait("later")
    assert steps.exists("later")
    steps.page.evaluate("document.getElementById('later').textContent = ''")
    steps.wait("later", state="detached")


def test_a_sealed_attachment_reaches_the_portal_as_its_plain_bytes_under_its_plain_name(
    steps: Steps, tmp_path: Path
) -> None:
    from rpa.sources.sealed import SealedAttachments
    from tests.sealed_support import assert_sealed, make_vault

    scan = b"\x89PNG\r\n\x1a\n" + b"cccd 001190001234"
    sealed = SealedAttachments(make_vault(tmp_path / "v")).keep("H55-1", tmp_path / "a" / "01-cccd.png", scan)
    assert_sealed(sealed, b"001190001234")
    steps.upload("scan", sealed)  # no file_name: a flow that forgets it must not upload the ciphertext
    got = steps.page.evaluate(
        """async () => { const f = document.getElementById('scan').files[0];
        return [f.name, f.type, Array.from(new Uint8Array(await f.arrayBuffer()))]; }"""
    )
    assert got[0] == "01-cccd.png" and got[1] == "image/png" and bytes(got[2]) == scan


def test_steps_log_durations_and_mask_values(steps: Steps, logs: list[str], evidence: Evidence) -> None:
    steps.fill("name", "051190001234")
    steps.fill("password", "MatKhau@2025", secret=True)
    text = "\n".join(logs)
    assert "'step': 'fill', 'name': 'name', 'duration_ms':" in text
    assert "********1234" in text and "051190001234" not in text
    assert "MatKhau@2025" not in text and "password = ***" in text
    assert "password" not in evidence.typed_values
    assert mask("0905123456 / 21025") == "******3456 / 21025"


def test_screenshot_goes_to_the_evidence(steps: Steps, evidence: Evidence) -> None:
    path = steps.screenshot("filled")
    assert path is not None and path.exists() and evidence.labels == ["filled"]
    assert Steps(steps.page, MAP).screenshot("none") is None


def test_http_errors_become_portal_errors(page: Page) -> None:
    def answer(route: Route) -> None:
        route.fulfill(
            status=503, content_type="text/html; charset=utf-8", body="<title>Hệ thống đang bảo trì</title>"
        )

    page.route("http://portal.test/**", answer)
    steps = Steps(page, MAP, base_url="http://portal.test", timeout_ms=2000)
    with pytest.raises(PortalError, match="HTTP 503 \\(Hệ thống đang bảo trì\\) after open home"):
        steps.open("home")


@pytest.fixture
def maps_dir(tmp_path: Path) -> Path:
    """``demo.yaml`` (v1) and ``demo.v2.yaml``: the same map, marked 1 and 2."""
    folder = tmp_path / "selectors"
    folder.mkdir()
    data = MAP.model_dump(exclude_none=True)
    (folder / "demo.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    data |= {"version": 2, "marker": {"meta": "portal-version", "value": "2"}}
    (folder / "demo.v2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def serve_version(page: Page, marker: str) -> None:
    body = f'<meta name="portal-version" content="{marker}">' if marker else ""
    page.route(
        "http://portal.test/**",
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8", body=body + "<h1>Trang chủ</h1>"
        ),
    )


def test_open_portal_picks_the_map_the_page_declares(page: Page, maps_dir: Path) -> None:
    serve_version(page, "2")
    steps = open_portal(page, "demo", "http://portal.test", selectors_dir=maps_dir, timeout_ms=2000)
    assert steps.map.version == 2


@pytest.mark.parametrize(
    ("marker", "found"), [("3", "UI version 3"), ("", "a page without a UI version marker")]
)
def test_open_portal_on_an_unknown_version_is_drift_at_once(
    page: Page, maps_dir: Path, evidence: Evidence, marker: str, found: str
) -> None:
    serve_version(page, marker)
    with pytest.raises(SelectorDrift) as caught:
        open_portal(page, "demo", "http://portal.test", selectors_dir=maps_dir, evidence=evidence)
    drift = caught.value
    assert isinstance(drift, PageDrift) and drift.names == ["portal-version"]
    assert f"no selector map for demo {found}; maps exist for versions 1, 2" in str(drift)
    assert drift.url == "http://portal.test/"
    assert drift.screenshot is not None and drift.screenshot.startswith(PNG)
    assert drift.dom is not None and "Trang chủ" in drift.dom
    assert [path.name for path in drift.files] == ["drift-portal-version.png", "drift-portal-version.html"]


def test_open_portal_loads_the_flows_first_page_and_the_flow_does_not_load_it_again(
    page: Page, tmp_path: Path
) -> None:
    folder = tmp_path / "selectors"
    folder.mkdir()
    data = MAP.model_dump(exclude_none=True)
    for name, version, moved in (("demo.yaml", 1, "/v1/moved"), ("demo.v2.yaml", 2, "/v2/moved")):
        data |= {"version": version, "marker": {"meta": "portal-version", "value": str(version)}}
        data["pages"] = {"home": "/", "form": "/ho-so/moi", "moved": moved}
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    serve_version(page, "2")
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(urlsplit(request.url).path))
    steps = open_portal(page, "demo", "http://portal.test", start="form", selectors_dir=folder)
    steps.open("form")  # the flow's first step: already open
    assert loaded == ["/ho-so/moi"]
    steps.open("form")  # any later open loads the page again
    assert loaded == ["/ho-so/moi", "/ho-so/moi"]
    loaded.clear()  # a page whose path differs between versions: the home page tells the version first
    steps = open_portal(page, "demo", "http://portal.test", start="moved", selectors_dir=folder)
    steps.open("moved")
    assert loaded == ["/", "/v2/moved"] and steps.map.version == 2


def test_combobox_searches_when_the_option_is_not_shown(steps: Steps, evidence: Evidence) -> None:
    steps.page.evaluate("document.querySelector(\"[data-value='LA']\").hidden = true")
    steps.choose("nationality", "LA")
    assert steps.page.locator("#pop input").input_value() == "Lào"  # it typed into the search box
    assert steps.locate("nationality.value").input_value() == "LA"
    assert evidence.typed_values["nationality"] == "LA"


GROUPED = SelectorMap.model_validate(
    {
        "portal": "demo",
        "version": 1,
        "marker": {"value": "1"},
        "elements": {
            "group": [{"css": "#g1"}, {"css": "fieldset.grp"}],
            "street": [{"css": "input", "within": "group"}],
        },
    }
)


def test_a_stale_cached_scope_is_resolved_again(page: Page, logs: list[str]) -> None:
    page.set_content('<fieldset id="g1" class="grp"><input></fieldset>')
    steps = Steps(page, GROUPED, timeout_ms=2000)
    steps.fill("street", "12 Lê Lợi")
    page.evaluate("document.getElementById('g1').id = 'g2'")  # the cached scope now matches nothing
    steps.fill("street", "34 Trần Phú")
    assert page.locator("input").input_value() == "34 Trần Phú"
    assert any("group resolved by fallback #1" in line for line in logs)
    page.set_content('<fieldset id="g1" class="grp"><input value="new page"></fieldset>')
    assert steps.locate("street").input_value() == "new page"  # a navigation forgets the scopes


def test_no_step_starts_after_the_dossier_deadline(steps: Steps) -> None:
    """The dossier's hard limit: past it, the next step refuses to start (a system error, retried later)."""
    steps.deadline = time.monotonic() + 60
    steps.fill("name", "NGUYỄN VĂN AN")
    steps.deadline = time.monotonic() - 1
    with pytest.raises(PortalError, match="time limit"):
        steps.fill("shout", "AN")
    assert steps.page.input_value("#shout") == ""


def test_a_value_step_on_a_name_whose_primary_matched_before_counts_nothing(
    steps: Steps, evidence: Evidence, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps.fill("name", "Nguyễn Văn An")
    steps.pick_date("dob", "05/03/1990")
    steps.choose("gender", "2")
    steps.check("ban", True)
    counted: list[str] = []
    count = Locator.count

    def spy(self: Locator) -> int:
        counted.append(str(self))
        return count(self)

    monkeypatch.setattr(Locator, "count", spy)
    steps.fill("name", "Trần Thị Bình")
    steps.pick_date("dob", "01/02/2000")
    steps.choose("gender", "Nam")
    steps.check("ban", False)
    assert counted == []
    monkeypatch.undo()
    assert [steps.locate(n).input_value() for n in ("name", "dob", "gender")] == [
        "Trần Thị Bình",
        "01/02/2000",
        "1",
    ]
    assert not steps.locate("ban").is_checked()
    assert evidence.typed_values == {
        "name": "Trần Thị Bình",
        "dob": "01/02/2000",
        "gender": "Nam",
        "ban": "False",
    }


def test_a_primary_that_stops_matching_is_found_again_the_long_way(page: Page, logs: list[str]) -> None:
    steps = Steps(page, MAP, timeout_ms=2000)
    page.set_content('<label for="name">Họ tên</label><input id="name">')
    steps.fill("renamed", "Nguyễn Văn An")  # the primary matches: the name is trusted from now on
    page.set_content(
        '<label for="a">Họ tên</label><input id="a"><label for="name">Họ tên</label><input id="name">'
    )
    steps.fill("renamed", "Lê Văn Cường")  # two matches: strictness refuses, the fallback wins
    assert page.locator("#name").input_value() == "Lê Văn Cường"
    assert page.locator("#a").input_value() == ""
    page.set_content(PAGE)
    steps.fill("renamed", "Trần Thị Bình")  # the primary label is gone
    assert page.locator("#name").input_value() == "Trần Thị Bình"
    drift = [line for line in logs if line.startswith("WARNING")]
    assert len(drift) == 1 and "'primary': \"label='Họ tên' matched 2\"" in drift[0]


POSTBACK_FORM = """<meta charset="utf-8"><form method="post" action="/form">
<label for="city">Tỉnh</label>
<select id="city" name="city" onchange="setTimeout(() => this.form.submit(), 0)">
  <option value="">--</option><option value="51"{s51}>Quảng Ngãi</option>
  <option value="48"{s48}>Đà Nẵng</option>
</select>
<input type="hidden" name="clicked" id="clicked" value="">
<a id="pick" href="javascript:setTimeout(() => {{ document.getElementById('clicked').value = '4620';
  document.forms[0].submit(); }}, 50)">Chọn</a>
<p id="posts">{posts}</p><p id="got">{clicked}</p></form>"""


def test_postback_clicks_and_selects_wait_for_the_new_page(page: Page) -> None:
    """A script-submitted form (ASP.NET __doPostBack, AutoPostBack lists): the step returns once the
    page it posted to has loaded, never while the old page is still shown."""
    posts: list[str] = []

    def answer(route: Route) -> None:
        body = route.request.post_data or ""
        if route.request.method == "POST":
            posts.append(body)
        fields = dict(pair.split("=", 1) for pair in body.split("&") if "=" in pair)
        city = fields.get("city", "")
        html = POSTBACK_FORM.format(
            s51=" selected" if city == "51" else "",
            s48=" selected" if city == "48" else "",
            posts=len(posts),
            clicked=fields.get("clicked", ""),
        )
        route.fulfill(content_type="text/html; charset=utf-8", body=html)

    page.route("http://portal.test/**", answer)
    elements = {
        "city": [{"label": "Tỉnh", "exact": True}],
        "pick": [{"role": "link", "name": "Chọn", "exact": True}],
        "posts": [{"css": "#posts"}],
        "got": [{"css": "#got"}],
    }
    demo = SelectorMap.model_validate(
        {
            "portal": "postback",
            "version": 1,
            "marker": {"value": "1"},
            "pages": {"form": "/form"},
            "elements": elements,
        }
    )
    steps = Steps(page, demo, base_url="http://portal.test", timeout_ms=3000)
    steps.open("form")
    steps.choose("city", "51", navigates=True)
    assert steps.read_text("posts") == "1" and len(posts) == 1
    steps.choose("city", "Quảng Ngãi", navigates=True)  # already chosen: no change, no postback
    steps.choose("city", "Đà Nẵng", navigates=True)
    assert steps.read_text("posts") == "2"
    steps.click("pick", navigates=True)
    assert (steps.read_text("posts"), steps.read_text("got")) == ("3", "4620")
    page.unroute("http://portal.test/**")
    page.set_content(
        '<label for="c">Tỉnh</label><select id="c"><option>51</option><option>48</option></select>'
    )
    with pytest.raises(PortalError, match="choose city: timed out"):  # no postback ever came
        steps.choose("city", "48", navigates=True)
