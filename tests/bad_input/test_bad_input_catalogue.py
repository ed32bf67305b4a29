"""Bad input, one catalogue (issue "Reliability", item 7).

Every case runs the path a real dossier takes before any browser: the dossier is stored in the
provincial sandbox, read back with ``ApiSource.read`` (API, attachment download and checks), then
mapped with ``map_dossier`` exactly as the worker does (and ``map_raw`` on the raw record, which must
agree). Three tables:

- ``AWKWARD``: input that is only awkward (NFD text, both tone-mark placements, year-only birth
  dates...) maps to the right NFC/canonical form values.
- ``WRONG``: input that is wrong ends in an ``InvalidDossier`` naming the field, with a Vietnamese
  message for the clerk; nothing reaches the portal, and the record is kept (code, raw data exactly
  as the provincial system holds it, downloaded files, problems).
- ``API_FAILURES``: a provincial API answering with HTTP errors or malformed JSON ends in a retryable
  ``PortalError`` with an English message, and nothing is written back (the dossier stays waiting).

Plus the cases that are not a field of one dossier: an attachment the provincial system lost, the
same dossier code listed twice, and a procedure no flow handles.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest
from sealed_support import make_vault

from flows.judicial_record.form import JudicialRecordForm
from flows.judicial_record.model import PROCEDURE_CODE
from rpa.domain import DOSSIER_CODE_PATTERN, LIMITS, dossier_code_problem
from rpa.errors import BusinessError, InvalidDossier, PortalError, Problem
from rpa.ledger import Ledger
from rpa.procedures import form_for, read_form
from rpa.sandbox.provincial.app import create_app
from rpa.sandbox.provincial.store import DEFAULT_AGENCY, ProvincialStore
from rpa.sandbox.seed import generate
from rpa.sandbox.seed_names import VIETNAMESE_ACCENTED
from rpa.sandbox.serving import serve_app
from rpa.sources import ApiSource, SourceRecord
from rpa.sources.base import one_line_break
from rpa.sources.provincial import ProvincialClient, ProvincialRefused

TODAY = date(2025, 11, 20)
SERVICE = ("rpa.bot", "RpaBot@2025")
DELETE = "<xoá trường này>"  # as a value in ``changes``: remove the key
MB = 1024 * 1024

VALID: dict[str, Any] = {
    "code": "000.00.01.H55-251103-0001",  # the sandbox assigns the real one
    "procedure_code": PROCEDURE_CODE,
    "procedure_name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
    "received_at": "2025-11-03T08:30:00+07:00",
    "due_at": "2025-11-17T16:30:00+07:00",
    "status": 2,
    "channel": "online",
    "applicant": {
        "full_name": "Nguyễn Thị Thu Hoà",
        "other_name": None,
        "sex": "female",
        "birth_date": "15/06/1990",
        "birth_place": "Xã Nghĩa Dõng, Thành phố Quảng Ngãi, Tỉnh Quảng Ngãi",
        "nationality": "VN",
        "ethnicity": "01",
        "identity": {
            "kind": "cccd",
            "number": "051190001234",  # 051 Quảng Ngãi, 1 = female born 1900-1999, 90 = 1990
            "issue_date": "10/08/2021",
            "issue_place": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
        },
        "permanent_address": {"street": "Thôn 3", "commune": "Xã An Phú", "commune_code": "21034",
                              "province": "Tỉnh Quảng Ngãi", "province_code": "51"},
        "temporary_address": None,
        "phone": "0905123456",
        "email": "hoa.nguyen@example.vn",
    },
    "attachments": [],  # the identity-card scan is added per case (see Scan)
    "payload": {
        "kind": "judicial_record",
        "father": {"full_name": "Nguyễn Văn Tường", "birth_date": "1962"},
        "mother": {"full_name": "Huỳnh Thị Khuê", "birth_date": "02/09/1965"},
        "spouse": None,
        "residence_history": [
            {"from_date": "15/06/2004", "to_date": "31/08/2008", "address": "Xã Nghĩa Dõng, TP Quảng Ngãi",
             "occupation": "Học sinh", "workplace": "Trường THPT Trần Quốc Tuấn"},
            {"from_date": "01/09/2008", "to_date": "30/06/2012", "address": "Phường Hòa Khánh Bắc, Đà Nẵng",
             "occupation": "Sinh viên", "workplace": "Trường Đại học Bách khoa"},
            {"from_date": "01/07/2012", "to_date": None, "address": "Thôn 3, Xã An Phú, Tỉnh Quảng Ngãi",
             "occupation": "Giáo viên", "workplace": "Trường Tiểu học Nghĩa Chánh"},
        ],
        "certificate_type": 1,
        "confirm_court_ban": False,
        "purpose": "Bổ sung hồ sơ xin việc",
        "copies": 1,
        "delivery": {"method": "at_agency", "address": None},
        "authorised_person": None,
    },
}  # fmt: skip


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def long_name(length: int) -> str:
    """A plausible name of exactly ``length`` characters."""
    text = ("Nguyễn Thị " + "Thu Hoà " * length)[:length]
    return text[:-1] + "a" if text.endswith(" ") else text


# --- The sandbox, and carrying one dossier through the bot's path ----------------------------------
class Scan(Enum):
    """What happens to the identity-card scan (attachment 0) of a case."""

    OK = "a small JPEG, stored intact"
    NONE = "no attachment at all"
    NOT_AN_ID = "only a PDF form, no identity-card picture"
    CORRUPT = "stored bytes changed after intake (same size, other SHA-256)"
    TRUNCATED = "stored bytes cut short after intake"
    OVERSIZED = "a 5 MB + 1 byte JPEG (the portal takes 5 MB at most)"
    HEIC = "an iPhone HEIC picture (the portal takes JPG, PNG, PDF)"


def scan_file(scan: Scan, tag: str) -> tuple[dict[str, Any], bytes] | None:
    """The attachment metadata and bytes for ``scan``; ``tag`` makes the bytes unique to one case
    (the sandbox stores files by SHA-256, so tampering one must not touch another case's file)."""
    if scan is Scan.NONE:
        return None
    content = b"\xff\xd8\xff\xe0JFIF\x00" + f"cccd {tag}".encode() + bytes(range(256)) * 4
    name, media_type = "cccd_mat_truoc.jpg", "image/jpeg"
    if scan is Scan.OVERSIZED:
        content = content.ljust(5 * MB + 1, b"\x00")
    elif scan is Scan.HEIC:
        name, media_type = "cccd_mat_truoc.heic", "image/heic"
    elif scan is Scan.NOT_AN_ID:
        name, media_type, content = "to_khai.pdf", "application/pdf", b"%PDF-1.4 " + tag.encode()
    meta = {
        "name": name,
        "media_type": media_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    return meta, content


def dossier(changes: Mapping[str, Any], scan: Scan, tag: str) -> tuple[dict[str, Any], list[bytes]]:
    """VALID with its scan and then ``changes`` (dotted paths, digits index lists) applied."""
    data = copy.deepcopy(VALID)
    made = scan_file(scan, tag)
    files = []
    if made is not None:
        data["attachments"] = [made[0]]
        files = [made[1]]
    for path, value in changes.items():
        *head, last = path.split(".")
        target: Any = data
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        key: Any = int(last) if last.isdigit() else last
        if value == DELETE:
            del target[key]
        else:
            target[key] = copy.deepcopy(value)
    return data, files


@dataclass
class Sandbox:
    """The provincial sandbox, served on a port, and its data directory."""

    url: str
    data_dir: Path
    control: httpx.Client = field(repr=False)
    store: ProvincialStore = field(repr=False)

    def add(self, data: dict[str, Any], files: list[bytes], agency: str = DEFAULT_AGENCY) -> str:
        """Store a raw dossier as it is (flaws welcome) through ``POST /_sandbox/dossiers``; its code
        is ``{agency}-{yyMMdd}-{NNNN}``, as the provincial system assigns it."""
        listed = data.get("attachments")
        metas: list[Any] = listed if isinstance(listed, list) else []
        sent = [
            {
                "name": meta["name"],
                "media_type": meta["media_type"],
                "content_base64": base64.b64encode(content).decode(),
            }
            for meta, content in zip(metas, files, strict=False)
        ]
        body = {"dossiers": [{"data": data, "files": sent, "flaw": "bad_input"}], "agency": agency}
        response = self.control.post("/_sandbox/dossiers", json=body)
        response.raise_for_status()
        (code,) = response.json()["codes"]
        assert isinstance(code, str)
        return code

    def stored(self, code: str) -> dict[str, Any]:
        """The dossier as the provincial system holds it now (data plus status)."""
        view = self.store.get(code)
        return {"status": view.status, "data": view.data}

    def stored_file(self, sha256: str) -> Path:
        return self.data_dir / "provincial-files" / sha256


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    data_dir = tmp_path_factory.mktemp("provincial-bad-input")
    app = create_app(data_dir)
    served = serve_app(app)
    try:
        with httpx.Client(base_url=served.url, timeout=30) as control:
            yield Sandbox(served.url, data_dir, control, app.state.store)
    finally:
        served.server.should_exit = True
        served.thread.join(timeout=10)


@pytest.fixture(scope="module")
def source(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiSource]:
    """One source for the module: one token, one connection pool, as a worker run has."""
    vault = make_vault(tmp_path_factory.mktemp("vault"))
    with ApiSource(ProvincialClient(sandbox.url, *SERVICE, timeout=30), vault=vault) as opened:
        yield opened


def spoil(sandbox: Sandbox, scan: Scan, data: dict[str, Any]) -> None:
    """Damage the stored scan after intake, as a disk or a careless admin would."""
    if scan in (Scan.CORRUPT, Scan.TRUNCATED):
        stored = sandbox.stored_file(data["attachments"][0]["sha256"])
        content = stored.read_bytes()
        spoilt = content[:-10] + b"0123456789" if scan is Scan.CORRUPT else content[: len(content) // 2]
        stored.write_bytes(spoilt)


def carry(
    sandbox: Sandbox, source: ApiSource, downloads: Path, data: dict[str, Any], files: list[bytes], scan: Scan
) -> tuple[str, SourceRecord, JudicialRecordForm | InvalidDossier]:
    """Store ``data``, read it back and map it as the worker does: the form, or the refusal."""
    code = sandbox.add(data, files)
    spoil(sandbox, scan, data)
    return read_and_map(source, downloads, code)


def read_and_map(
    source: ApiSource, downloads: Path, code: str
) -> tuple[str, SourceRecord, JudicialRecordForm | InvalidDossier]:
    """Read the stored dossier ``code`` and map it as the worker does: the form, or the refusal."""
    record = source.read(code, downloads, today=TODAY)
    if record.problems is not None:
        return code, record, record.problems
    assert record.dossier is not None
    try:
        return code, record, form_for(record.dossier)
    except InvalidDossier as exc:
        return code, record, exc


# --- Awkward but valid: accepted, with the right canonical values ---------------------------------
@dataclass(frozen=True)
class Awkward:
    id: str
    how: str
    changes: Mapping[str, Any]
    expect: Mapping[str, Any]  # form field (dotted into nested groups) -> value the portal receives
    scan: Scan = Scan.OK


ACCENTED = " ".join(VIETNAMESE_ACCENTED[i : i + 9] for i in range(0, len(VIETNAMESE_ACCENTED), 9))
DA_NANG = {"street": "12 Âu Cơ", "province": "Thành phố Đà Nẵng"}
HOA_KHANH = "20200"  # Phường Hòa Khánh, Thành phố Đà Nẵng
FROM_2004 = {"payload.residence_history.0.from_date": "01/01/2004"}
"""A year-only birth counts from 1 January: the history must start on 1 January of the 14th year."""

AWKWARD: list[Awkward] = [
    Awkward("nfd-name", "the name typed as NFD (macOS, some keyboards)",
            {"applicant.full_name": nfd("Nguyễn Thị Thu Hoà")}, {"fullName": "NGUYỄN THỊ THU HOÀ"}),
    Awkward("nfd-everywhere", "NFD in places, relatives, history, purpose and street",
            {"applicant.birth_place": nfd("Xã Nghĩa Dõng, Tỉnh Quảng Ngãi"),
             "applicant.identity.issue_place": nfd("Cục Cảnh sát QLHC về TTXH"),
             "applicant.permanent_address.street": nfd("Thôn Đông Hòa"),
             "payload.mother.full_name": nfd("Huỳnh Thị Khuê"),
             "payload.residence_history.0.address": nfd("Xã Nghĩa Dõng"),
             "payload.purpose": nfd("Bổ sung hồ sơ xin việc")},
            {"birthPlace": "Xã Nghĩa Dõng, Tỉnh Quảng Ngãi", "idIssuePlace": "Cục Cảnh sát QLHC về TTXH",
             "permanentAddress.street": "Thôn Đông Hòa", "motherName": "HUỲNH THỊ KHUÊ",
             "residences.0.address": "Xã Nghĩa Dõng", "purpose": "Bổ sung hồ sơ xin việc"}),
    Awkward("nfd-address-units", "NFD commune and province names (matched to unit codes)",
            {"applicant.permanent_address": {"street": "Thôn 3", "commune": nfd("Xã An Phú"),
                                             "province": nfd("Tỉnh Quảng Ngãi")}},
            {"permanentAddress.provinceId": "51", "permanentAddress.wardId": "21034"}),
    Awkward("tone-old-placement", "“Hoà”, “Thuỷ”: the old tone-mark placement, kept as written",
            {"applicant.full_name": "Lê Thị Thuỷ Hoà"}, {"fullName": "LÊ THỊ THUỶ HOÀ"}),
    Awkward("tone-new-placement", "“Hòa”, “Thủy”: the new tone-mark placement, kept as written",
            {"applicant.full_name": "Lê Thị Thủy Hòa"}, {"fullName": "LÊ THỊ THỦY HÒA"}),
    Awkward("tone-old-in-unit", "“Phường Hoà Khánh” matches the unit spelt “Hòa Khánh”",
            {"applicant.temporary_address": {**DA_NANG, "commune": "Phường Hoà Khánh"}},
            {"temporaryAddress.wardId": HOA_KHANH}),
    Awkward("tone-new-in-unit", "“Phường Hòa Khánh”, the official spelling",
            {"applicant.temporary_address": {**DA_NANG, "commune": "Phường Hòa Khánh"}},
            {"temporaryAddress.wardId": HOA_KHANH}),
    Awkward("tone-old-nfd-in-unit", "old placement and NFD at once",
            {"applicant.temporary_address": {**DA_NANG, "commune": nfd("Phường Hoà Khánh")}},
            {"temporaryAddress.wardId": HOA_KHANH}),
    Awkward("year-only-birth", "birth date known only as a year",
            {"applicant.birth_date": "1990", **FROM_2004}, {"birthDateStr": "1990", "birthYearOnly": True}),
    Awkward("year-only-birth-number", "the year as a JSON number",
            {"applicant.birth_date": 1990, **FROM_2004}, {"birthDateStr": "1990", "birthYearOnly": True}),
    Awkward("year-only-parents", "parents' birth years only",
            {"payload.father.birth_date": "1962", "payload.mother.birth_date": "1965"},
            {"fatherBirthDateStr": "1962", "motherBirthDateStr": "1965"}),
    Awkward("short-day-month", "15/6/1990 without a leading zero",
            {"applicant.birth_date": "15/6/1990"}, {"birthDateStr": "15/06/1990", "birthYearOnly": False}),
    Awkward("padded-name", "spaces around and inside the name",
            {"applicant.full_name": "  Nguyễn   Thị Thu  Hoà "}, {"fullName": "NGUYỄN THỊ THU HOÀ"}),
    Awkward("minority-name", "an Ê Đê name with a typographic apostrophe",
            {"applicant.full_name": "H’Hen Niê"}, {"fullName": "H’HEN NIÊ"}),
    Awkward("minority-gia-rai-names", "Gia Rai names in Vietnamese letters (ă, ơ, ư) and an ASCII apostrophe",
            {"applicant.full_name": "Kpă H'Bia", "payload.mother.full_name": "Rơ Châm Byă",
             "payload.father.full_name": "Rah Lan Hyưk"},
            {"fullName": "KPĂ H'BIA", "motherName": "RƠ CHÂM BYĂ", "fatherName": "RAH LAN HYƯK"}),
    Awkward("nfd-every-vietnamese-letter", "names with every accented Vietnamese letter, both cases, as NFD",
            {"applicant.other_name": nfd(ACCENTED), "payload.father.full_name": nfd(ACCENTED.upper())},
            {"otherName": ACCENTED, "fatherName": ACCENTED.upper()}),
    Awkward("name-at-limit", f"a name of exactly {LIMITS['name']} characters",
            {"applicant.full_name": long_name(LIMITS["name"])},
            {"fullName": long_name(LIMITS["name"]).upper()}),
    Awkward("nfd-name-longer-than-limit", "NFD makes the name longer than the limit, NFC does not",
            {"applicant.full_name": nfd(long_name(LIMITS["name"]))},
            {"fullName": long_name(LIMITS["name"]).upper()}),
    Awkward("purpose-at-limit-multiline", f"a purpose of {LIMITS['long']} characters over two lines",
            {"payload.purpose": "Xin việc\r\n" + "a" * (LIMITS["long"] - 10)},
            {"purpose": "Xin việc " + "a" * (LIMITS["long"] - 10)}),
    Awkward("cccd-with-spaces", "the CCCD number typed in groups",
            {"applicant.identity.number": "0511 9000 1234"}, {"idNumber": "051190001234"}),
    Awkward("phone-international", "+84 phone with spaces", {"applicant.phone": "+84 905 123 456"},
            {"phone": "0905123456"}),
]  # fmt: skip


def form_value(form: JudicialRecordForm, path: str) -> Any:
    value: Any = form.model_dump()
    for part in path.split("."):
        value = value[int(part)] if part.isdigit() else value[part]
    return value


@pytest.mark.parametrize("case", AWKWARD, ids=[c.id for c in AWKWARD])
def test_awkward_input_is_accepted_with_canonical_values(
    case: Awkward, sandbox: Sandbox, source: ApiSource, tmp_path: Path
) -> None:
    data, files = dossier(case.changes, case.scan, case.id)
    code, record, outcome = carry(sandbox, source, tmp_path, data, files, case.scan)
    assert isinstance(outcome, JudicialRecordForm), f"{case.how}: refused\n{outcome}"
    for path, expected in case.expect.items():
        assert form_value(outcome, path) == expected, f"{case.how}: {path}"
    for text in _strings(outcome.model_dump(mode="json")):
        assert unicodedata.is_normalized("NFC", text), f"{case.how}: {text!r} is not NFC"
    assert outcome.idCardFile is not None and outcome.idCardFile.read_bytes() == files[0]
    assert record.raw == one_line_break(sandbox.stored(code)["data"])  # as typed: NFD stays NFD


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child)


# --- Wrong: refused in Vietnamese, naming the field, and kept -------------------------------------
@dataclass(frozen=True)
class Wrong:
    id: str
    how: str  # how the raw dossier is broken
    changes: Mapping[str, Any]
    field: str  # the field path that must be reported
    says: str  # a Vietnamese substring of its message
    scan: Scan = Scan.OK
    alone: bool = False  # the field's only problem: no other check of it adds a misleading reason


NAME = "applicant.full_name"
AUTHORISED = {"full_name": "Trần Văn Bình", "relationship": "Chồng", "authorisation_date": "01/11/2025",
              "identity": {"kind": "cccd", "number": "051088000321", "issue_date": "05/05/2021"}}  # fmt: skip
ROWS = "payload.residence_history"
OVER_NAME = f"không được dài quá {LIMITS['name']} ký tự"
OVER_TEXT = f"không được dài quá {LIMITS['text']} ký tự"
OVER_LONG = f"không được dài quá {LIMITS['long']} ký tự"
OVER_CODE = f"không được dài quá {LIMITS['code']} ký tự"
EMPTY = "không được để trống"
CONTROL = "ký tự điều khiển hoặc ký tự ẩn"
EMOJI = "biểu tượng cảm xúc (emoji)"
HTML = "mã HTML hoặc script"
FUTURE = "không được sau ngày hôm nay (20/11/2025)"
NO_SUCH_DAY = "không tồn tại hoặc sai dạng dd/MM/yyyy"
NO_ID_SCAN = "thiếu ảnh chụp giấy tờ tùy thân"

WRONG: list[Wrong] = [
    # Legacy 8-bit encodings (text pasted from old Excel files)
    Wrong("tcvn3-name", "name in TCVN3 (ABC) mojibake", {NAME: "NguyÔn ThÞ Thu Hoµ"},
          NAME, "TCVN3 (phông chữ cũ), có thể là: Nguyễn Thị Thu Hoà"),
    Wrong("vni-name", "name in VNI mojibake", {NAME: "Nguyeãn Thò Thu Hoaø"},
          NAME, "VNI (phông chữ cũ), có thể là: Nguyễn Thị Thu Hoà"),
    Wrong("tcvn3-birth-place", "birth place in TCVN3",
          {"applicant.birth_place": "X· NghÜa Dâng, Thµnh phè Qu¶ng Ng·i"}, "applicant.birth_place",
          "cần gõ lại bằng Unicode"),
    Wrong("tcvn3-mother", "mother's name in TCVN3", {"payload.mother.full_name": "Huúnh ThÞ Khuª"},
          "payload.mother.full_name", "TCVN3"),
    Wrong("vni-purpose", "purpose in VNI", {"payload.purpose": "Boå sung hoà sô xin vieäc"},
          "payload.purpose", "VNI"),
    Wrong("vni-residence", "residence address in VNI",
          {f"{ROWS}.0.address": "Xaõ Nghóa Doõng, Thaønh phoá Quaûng Ngaõi"}, f"{ROWS}.0.address", "VNI"),
    # Missing required fields
    Wrong("no-name", "no full_name key", {NAME: DELETE}, NAME, EMPTY),
    Wrong("blank-name", "full_name of spaces only", {NAME: "   "}, NAME, EMPTY),
    Wrong("no-sex", "no sex", {"applicant.sex": DELETE}, "applicant.sex", EMPTY),
    Wrong("no-birth-date", "birth date null", {"applicant.birth_date": None}, "applicant.birth_date", EMPTY),
    Wrong("no-id-number", "no identity number", {"applicant.identity.number": DELETE},
          "applicant.identity.number", EMPTY),
    Wrong("no-id-issue-date", "identity issue date blank (the portal requires it)",
          {"applicant.identity.issue_date": ""}, "applicant.identity.issue_date", "cổng Bộ Tư pháp bắt buộc"),
    Wrong("no-commune", "permanent address without commune", {"applicant.permanent_address.commune": DELETE},
          "applicant.permanent_address.commune", EMPTY),
    Wrong("no-street", "permanent address without street (the portal requires it)",
          {"applicant.permanent_address.street": None}, "applicant.permanent_address.street",
          "cổng Bộ Tư pháp bắt buộc"),
    Wrong("no-mother", "mother missing", {"payload.mother": None}, "payload.mother", EMPTY),
    Wrong("no-history-key", "no residence history", {ROWS: DELETE}, ROWS, EMPTY),
    Wrong("empty-history", "residence history with no rows", {ROWS: []}, ROWS,
          "chưa khai; phải khai từ khi đủ 14 tuổi (15/06/2004) đến nay"),
    Wrong("no-purpose", "purpose blank", {"payload.purpose": ""}, "payload.purpose", EMPTY),
    Wrong("post-no-address", "delivery by post without an address", {"payload.delivery.method": "post"},
          "payload.delivery.address", "không được để trống khi nhận kết quả qua bưu chính"),
    Wrong("applicant-not-object", "applicant is a string, not a group",
          {"applicant": "Nguyễn Thị Thu Hoà"}, "applicant", "phải là một nhóm thông tin"),
    # CCCD inconsistent with sex or birth year
    Wrong("cccd-sex", "female CCCD, dossier says male", {"applicant.sex": "male"},
          "applicant.identity.number", "cho biết giới tính Nữ, sinh thế kỷ 20 nhưng hồ sơ ghi giới tính Nam"),
    Wrong("cccd-year", "CCCD for 1990, dossier says 1991", {"applicant.birth_date": "15/06/1991"},
          "applicant.identity.number", "chữ số thứ 5-6 (90) phải là hai số cuối của năm sinh 1991"),
    Wrong("cccd-century", "CCCD digit 4 says born 2000-2099", {"applicant.identity.number": "051390001234"},
          "applicant.identity.number", "sinh thế kỷ 21 nhưng hồ sơ ghi năm sinh 1990"),
    Wrong("cccd-province", "CCCD not starting with a province code",
          {"applicant.identity.number": "999190001234"}, "applicant.identity.number",
          "không phải mã tỉnh nơi đăng ký khai sinh"),
    Wrong("cccd-11-digits", "CCCD one digit short", {"applicant.identity.number": "05119000123"},
          "applicant.identity.number", "phải gồm đúng 12 chữ số"),
    # Dates in the future or impossible
    Wrong("birth-future", "born after today", {"applicant.birth_date": "01/01/2030"},
          "applicant.birth_date", FUTURE),
    Wrong("birth-year-future", "year-only birth after today", {"payload.mother.birth_date": "2030"},
          "payload.mother.birth_date", FUTURE),
    Wrong("issue-future", "identity issued after today", {"applicant.identity.issue_date": "01/12/2025"},
          "applicant.identity.issue_date", FUTURE),
    Wrong("history-future", "a residence row starting after today", {f"{ROWS}.2.from_date": "01/01/2026"},
          f"{ROWS}.2.from_date", FUTURE),
    Wrong("birth-31-02", "31/02: no such day", {"applicant.birth_date": "31/02/1990"},
          "applicant.birth_date", f"ngày 31/02/1990 {NO_SUCH_DAY}"),
    Wrong("issue-30-02", "30/02 as an issue date", {"applicant.identity.issue_date": "30/02/2021"},
          "applicant.identity.issue_date", NO_SUCH_DAY),
    Wrong("history-31-04", "31/04 in the residence history", {f"{ROWS}.1.from_date": "31/04/2008"},
          f"{ROWS}.1.from_date", NO_SUCH_DAY),
    Wrong("birth-month-13", "month 13", {"applicant.birth_date": "15/13/1990"}, "applicant.birth_date",
          NO_SUCH_DAY),
    Wrong("birth-1890", "a year before 1900", {"applicant.birth_date": "1890"}, "applicant.birth_date",
          "năm 1890 không hợp lý (trước 1900)"),
    Wrong("issue-before-birth", "identity issued before birth",
          {"applicant.identity.issue_date": "10/08/1985"}, "applicant.identity.issue_date",
          "không được trước ngày sinh (15/06/1990)"),
    # Residence history: gaps and overlaps
    Wrong("history-gap", "a month missing between rows 1 and 2", {f"{ROWS}.0.to_date": "31/07/2008"},
          ROWS, "khoảng trống từ 01/08/2008 đến 31/08/2008"),
    Wrong("history-overlap", "row 2 starts before row 1 ends", {f"{ROWS}.1.from_date": "01/06/2008"},
          ROWS, "trùng thời gian từ 01/06/2008 đến 31/08/2008"),
    Wrong("history-late-start", "nothing from the 14th birthday", {f"{ROWS}.0.from_date": "01/09/2005"},
          ROWS, "chưa khai từ khi đủ 14 tuổi: khoảng trống từ 15/06/2004 đến 31/08/2005"),
    Wrong("history-ends-early", "the last row stops in 2020", {f"{ROWS}.2.to_date": "30/06/2020"},
          ROWS, "khoảng trống từ 01/07/2020 đến nay"),
    Wrong("history-reversed", "a row ending before it starts", {f"{ROWS}.1.to_date": "01/01/2008"},
          f"{ROWS}.1.to_date", "đến ngày 01/01/2008 trước từ ngày 01/09/2008"),
    Wrong("history-open-not-last", "“đến nay” on a row that is not the last", {f"{ROWS}.0.to_date": None},
          f"{ROWS}.0.to_date", "chỉ dòng cuối cùng được để trống “đến ngày”"),
    # Over-long fields (LIMITS, counted after NFC)
    Wrong("long-name", "name one character over", {NAME: long_name(LIMITS["name"] + 1)}, NAME, OVER_NAME),
    Wrong("long-mother", "mother's name far over", {"payload.mother.full_name": long_name(300)},
          "payload.mother.full_name", f"{OVER_NAME} (đang có 300)"),
    Wrong("long-birth-place", "birth place over", {"applicant.birth_place": "Xã " * 90},
          "applicant.birth_place", OVER_TEXT),
    Wrong("long-history-address", "residence address over", {f"{ROWS}.0.address": "Thôn " * 60},
          f"{ROWS}.0.address", OVER_TEXT),
    Wrong("long-purpose", "purpose over", {"payload.purpose": "xin việc " * 60}, "payload.purpose",
          OVER_LONG),
    Wrong("long-issue-place", "issue place over", {"applicant.identity.issue_place": "Cục " * 70},
          "applicant.identity.issue_place", OVER_TEXT),
    Wrong("long-id-number", "identity number over", {"applicant.identity.number": "1" * 60},
          "applicant.identity.number", OVER_CODE),
    # HTML / script
    Wrong("script-name", "a script tag as the name", {NAME: "<script>alert(1)</script>"}, NAME, HTML),
    Wrong("tag-mother", "markup in the mother's name", {"payload.mother.full_name": "Huỳnh <b>Thị</b> Khuê"},
          "payload.mother.full_name", HTML),
    Wrong("entity-name", "a character entity in the name", {NAME: "Nguyễn Thị Thu Ho&agrave;"}, NAME, HTML),
    Wrong("handler-street", "an inline event handler in the street",
          {"applicant.permanent_address.street": 'Thôn 3" onmouseover="alert(1)'},
          "applicant.permanent_address.street", HTML),
    Wrong("img-purpose", "an img tag in the purpose",
          {"payload.purpose": "Xin việc <img src=x onerror=alert(1)>"}, "payload.purpose", HTML),
    # Control and invisible characters
    Wrong("nul-name", "NUL inside the name", {NAME: "Nguyễn\x00 Thị Thu Hoà"}, NAME, CONTROL),
    Wrong("escape-name", "an ANSI escape before the name", {NAME: "\x1b[31mNguyễn Thị Thu Hoà"}, NAME,
          CONTROL),
    Wrong("zwsp-name", "a zero-width space inside the name", {NAME: "Nguyễn\u200bThị Thu Hoà"}, NAME,
          CONTROL),
    Wrong("zwj-mother", "a zero-width joiner in the mother's name",
          {"payload.mother.full_name": "Huỳnh Thị\u200d Khuê"}, "payload.mother.full_name", CONTROL),
    Wrong("bom-name", "a byte-order mark before the name", {NAME: "\ufeffNguyễn Thị Thu Hoà"}, NAME, CONTROL),
    Wrong("bidi-name", "a right-to-left override in the name", {NAME: "Nguyễn \u202eàoH"}, NAME, CONTROL),
    Wrong("newline-name", "a line break inside the name", {NAME: "Nguyễn Thị\nThu Hoà"}, NAME, CONTROL),
    Wrong("bell-purpose", "a BEL in the (multi-line) purpose", {"payload.purpose": "Xin việc\n\x07"},
          "payload.purpose", CONTROL),
    Wrong("nul-street", "NUL in the street", {"applicant.permanent_address.street": "Thôn\x003"},
          "applicant.permanent_address.street", CONTROL),
    # Emoji
    Wrong("emoji-name", "a flower after the name", {NAME: "Nguyễn Thị Thu Hoà 🌸"}, NAME, EMOJI),
    Wrong("emoji-heart-mother", "a heart as the mother's name", {"payload.mother.full_name": "Mẹ ❤️"},
          "payload.mother.full_name", EMOJI),
    Wrong("emoji-flag-place", "a flag in the birth place", {"applicant.birth_place": "Quảng Ngãi 🇻🇳"},
          "applicant.birth_place", EMOJI),
    Wrong("emoji-purpose", "folded hands in the purpose", {"payload.purpose": "Xin việc 🙏"},
          "payload.purpose", EMOJI),
    Wrong("emoji-hourglass-street", "an hourglass in the street",
          {"applicant.permanent_address.street": "Thôn 3 ⌛"}, "applicant.permanent_address.street", EMOJI),
    # Attachments
    Wrong("scan-missing", "no attachment at all", {}, "attachments", NO_ID_SCAN, Scan.NONE),
    Wrong("scan-not-an-id", "only the PDF form, no identity-card picture", {}, "attachments", NO_ID_SCAN,
          Scan.NOT_AN_ID),
    Wrong("scan-corrupt", "stored scan changed after intake", {}, "attachments.0",
          "mã SHA-256 của tệp tải về không khớp với hồ sơ: tệp bị hỏng", Scan.CORRUPT),
    Wrong("scan-truncated", "stored scan cut short", {}, "attachments.0", "tệp bị hỏng hoặc bị thay",
          Scan.TRUNCATED),
    Wrong("scan-oversized", "a 5 MB + 1 byte scan", {}, "attachments.0.size",
          "cổng Bộ Tư pháp chỉ nhận tệp tối đa 5 MB (tệp này 5,0 MB)", Scan.OVERSIZED),
    Wrong("scan-heic", "a HEIC scan", {}, "attachments.0.media_type",
          "chỉ nhận ảnh JPG, PNG hoặc tệp PDF (tệp này là image/heic)", Scan.HEIC),
    Wrong("scan-bad-sha", "metadata SHA-256 not hex", {"attachments.0.sha256": "không-phải-sha"},
          "attachments.0.sha256", "phải gồm đúng 64 ký tự thập lục phân"),
    # Letters of other scripts, homoglyphs among them: they look Vietnamese and would be typed as is
    Wrong("cyrillic-homoglyph-name", "NGUYЕN with a Cyrillic Е (U+0415)", {NAME: "NGUYЕN Thị Thu Hoà"},
          NAME, "“Е” (chữ Kirin, U+0415) không thuộc bảng chữ cái tiếng Việt", alone=True),
    Wrong("cyrillic-homoglyph-relationship", "“Сon” with a Cyrillic С in the authorised person's relation",
          {"payload.authorised_person": {**AUTHORISED, "relationship": "Сon"}},
          "payload.authorised_person.relationship", "“С” (chữ Kirin, U+0421)", alone=True),
    Wrong("greek-homoglyph-mother", "a Greek Ο (U+039F) in the mother's name",
          {"payload.mother.full_name": "HUỲNH THỊ ΟANH"}, "payload.mother.full_name",
          "“Ο” (chữ Hy Lạp, U+039F) không thuộc bảng chữ cái tiếng Việt", alone=True),
    Wrong("greek-alpha-father", "a Greek α (U+03B1) in the father's name",
          {"payload.father.full_name": "Nguyễn Văn Tườnα"}, "payload.father.full_name", "“α” (chữ Hy Lạp",
          alone=True),
    Wrong("cjk-other-name", "the other name in Chinese characters", {"applicant.other_name": "阮氏秋和"},
          "applicant.other_name", "“阮” (chữ Hán, U+962E)", alone=True),
    Wrong("fullwidth-latin-name", "full-width Latin letters in the name", {NAME: "Ｎguyễn Thị Thu Hoà"},
          NAME, "“Ｎ” (chữ Latinh khổ rộng – full-width, U+FF2E)", alone=True),
    Wrong("eszett-spouse", "a German ß in the spouse's name (upper-casing would make it SS)",
          {"payload.spouse": {"full_name": "Hans Weiß", "birth_date": "1988"}}, "payload.spouse.full_name",
          "“ß” (chữ Latinh không dùng trong tiếng Việt, U+00DF)", alone=True),
    Wrong("eszett-passport", "a ß in a foreign passport number (upper-casing would make it SS)",
          {"payload.authorised_person": {**AUTHORISED, "identity": {"kind": "passport", "number": "Cß1234"}}},
          "payload.authorised_person.identity.number", "chỉ được gồm chữ cái A–Z, chữ số 0–9", alone=True),
    Wrong("combining-diaeresis-name", "a combining diaeresis left over after NFC",
          {NAME: "Nguyễn Thị Thu Hoàn\u0308"}, NAME, "“◌̈” (dấu phụ không dùng trong tiếng Việt, U+0308)",
          alone=True),
    # Digits other than 0-9 (int() and \d accept them; the portal and the ministry do not)
    Wrong("fullwidth-digits-cccd", "the CCCD in full-width digits",
          {"applicant.identity.number": "０５１１９０００１２３４"}, "applicant.identity.number",
          "chỉ được dùng chữ số 0–9", alone=True),
    Wrong("arabic-indic-digits-cccd", "the CCCD in Arabic-Indic digits",
          {"applicant.identity.number": "٠٥١١٩٠٠٠١٢٣٤"}, "applicant.identity.number",
          "chỉ được dùng chữ số 0–9; có “٠” (chữ số Ả Rập, U+0660)", alone=True),
    Wrong("fullwidth-digits-passport", "a Vietnamese passport number with full-width digits",
          {"applicant.identity.kind": "passport", "applicant.identity.number": "C１２３４５６７"},
          "applicant.identity.number", "chỉ được dùng chữ số 0–9", alone=True),
    Wrong("arabic-indic-digits-phone", "the phone in Arabic-Indic digits after a 0",
          {"applicant.phone": "0٩٠٥١٢٣٤٥٦"}, "applicant.phone", "chỉ được dùng chữ số 0–9", alone=True),
    Wrong("fullwidth-digits-phone", "the phone in full-width digits",
          {"applicant.phone": "０９０５１２３４５６"}, "applicant.phone",
          "chỉ được dùng chữ số 0–9; có “０” (chữ số khổ rộng – full-width, U+FF10)", alone=True),
    Wrong("devanagari-digits-birth-date", "the birth date in Devanagari digits",
          {"applicant.birth_date": "१५/०६/१९९०"}, "applicant.birth_date", "chỉ được dùng chữ số 0–9",
          alone=True),
    Wrong("arabic-indic-digits-unit-code", "a commune code in Arabic-Indic digits",
          {"applicant.permanent_address.commune_code": "٢١٠٣٤"}, "applicant.permanent_address.commune_code",
          "chỉ được dùng chữ số 0–9", alone=True),
    # A procedure no flow handles
    Wrong("other-procedure", "a birth-registration dossier",
          {"procedure_code": "2.000488", "procedure_name": "Đăng ký khai sinh"}, "procedure_code",
          f"không phải thủ tục Cấp Phiếu lý lịch tư pháp ({PROCEDURE_CODE})"),
]  # fmt: skip

BYTES_LEVEL = {Scan.CORRUPT, Scan.TRUNCATED}
"""Scans whose flaw is in the downloaded bytes only, which ``map_raw`` (metadata only) cannot see."""


@pytest.mark.parametrize("case", WRONG, ids=[c.id for c in WRONG])
def test_wrong_input_is_refused_in_vietnamese_and_kept(
    case: Wrong, sandbox: Sandbox, source: ApiSource, tmp_path: Path
) -> None:
    data, files = dossier(case.changes, case.scan, case.id)
    code, record, outcome = carry(sandbox, source, tmp_path, data, files, case.scan)

    # Refused before any browser: no form exists to type into the portal.
    assert isinstance(outcome, InvalidDossier), f"{case.how}: accepted"
    assert outcome.dossier_code == code
    assert_reported(outcome.problems, case)

    # Nothing lost: the record keeps the code, the raw data exactly as stored, the downloaded files
    # (sealed) but a damaged scan, whose bytes are evidence of nothing.
    stored = sandbox.stored(code)
    assert record.code == code and record.raw == one_line_break(stored["data"])
    assert stored["status"] == VALID["status"]  # nothing written back
    damaged = {p.field for p in outcome.problems}  # a download that does not match is on attachments.N
    for index, kept in enumerate(record.files):
        assert (kept is None) == (f"attachments.{index}" in damaged), (index, kept)
        assert kept is None or kept.read_bytes() == files[index]

    # map_raw on the raw record agrees (it sees metadata, not bytes).
    if case.scan not in BYTES_LEVEL:
        with pytest.raises(InvalidDossier) as again:
            read_form(record.raw, today=TODAY, require_files=False)
        assert_reported(again.value.problems, case)


def assert_reported(problems: list[Problem], case: Wrong) -> None:
    on_field = [p for p in problems if p.field == case.field]
    listing = "\n".join(f"{p.field}: {p}" for p in problems)
    assert on_field, f"{case.how}: {case.field} not reported among\n{listing}"
    assert any(case.says in p.message for p in on_field), f"{case.how}: “{case.says}” not in\n{listing}"
    if case.alone:
        assert len(on_field) == 1, f"{case.how}: more than one reason for {case.field}\n{listing}"
    for p in on_field:
        assert p.label and p.label != p.field, f"{p.field} has no Vietnamese label"
    assert all("\n" not in str(p) and "\x00" not in str(p) for p in problems)


ISSUE_ITEMS = [
    *("tcvn3-", "vni-", "no-", "cccd-sex", "cccd-year", "birth-future", "birth-31-02", "history-gap"),
    *("history-overlap", "long-", "script-", "nul-", "zwsp-", "escape-", "emoji-", "scan-missing"),
    *("scan-corrupt", "scan-oversized", "other-procedure"),
]
"""Id prefixes standing for the items of the issue's list of wrong input."""


def test_every_item_of_the_issue_is_in_the_catalogue() -> None:
    """The list of issue item 7, against the ids above: adding a kind of bad input means a row."""
    wrong = {c.id for c in WRONG}
    awkward = {c.id for c in AWKWARD}
    assert {"nfd-name", "tone-old-placement", "tone-new-placement", "year-only-birth"} <= awkward
    for prefix in ISSUE_ITEMS:
        assert any(i.startswith(prefix) for i in wrong), prefix
    assert len(wrong) == len(WRONG) and len(awkward) == len(AWKWARD)  # ids are unique


# --- Not a field of one dossier -------------------------------------------------------------------
def test_an_attachment_lost_by_the_provincial_system_is_refused_in_vietnamese(
    sandbox: Sandbox, source: ApiSource, tmp_path: Path
) -> None:
    """Listed in the metadata, gone from the server: the system's own Vietnamese reason, nothing
    changed on the provincial side (the clerk re-attaches and the bot reads it again)."""
    data, files = dossier({}, Scan.OK, "lost")
    code = sandbox.add(data, files)
    sandbox.stored_file(data["attachments"][0]["sha256"]).unlink()
    with pytest.raises(ProvincialRefused, match=f"Hồ sơ {code} không có tệp đính kèm số 0") as info:
        source.read(code, tmp_path, today=TODAY)
    assert isinstance(info.value, BusinessError) and info.value.status_code == 404
    assert sandbox.stored(code) == {"status": VALID["status"], "data": {**data, "code": code}}


def test_a_procedure_no_flow_handles_is_not_listed_and_refused_when_read(
    sandbox: Sandbox, source: ApiSource, tmp_path: Path
) -> None:
    """The worker lists only the judicial-record procedure; read by its code anyway (a clerk's
    dry run), another procedure is refused with a Vietnamese message, never mapped to the form."""
    other, files = dossier(
        {"procedure_code": "2.000488", "procedure_name": "Đăng ký khai sinh"}, Scan.OK, "ks"
    )
    mine, mine_files = dossier({}, Scan.OK, "lltp")
    other_code, mine_code = sandbox.add(other, files), sandbox.add(mine, mine_files)
    listed = source.list_codes(PROCEDURE_CODE)
    assert mine_code in listed and other_code not in listed
    record = source.read(other_code, tmp_path, today=TODAY)
    assert record.dossier is not None  # a well-formed dossier ...
    with pytest.raises(InvalidDossier) as refused:  # ... of a procedure the flow does not handle
        form_for(record.dossier)
    assert [p.field for p in refused.value.problems] == ["procedure_code"]
    assert str(refused.value.problems[0]).startswith("Mã thủ tục: “2.000488” không phải thủ tục")


# --- Dossier codes the bot must never use as a folder name or in a URL ---------------------------
CODE_CHARS = "; mã hồ sơ chỉ gồm chữ cái A–Z, chữ số 0–9 và các dấu . - _"

GOOD_CODES = [
    "000.00.01.H55-251103-0007",  # the sandbox's agency, and the shape domain.md gives
    "000.00.01.H22-250101-9999",
    "H22.01-250101-0001",
    "G01_2025-ABC",  # another system's local code: the characters are what matters here
    "A" * 64,
]

BAD_CODES: list[tuple[str, str, str]] = [  # id, code, a Vietnamese substring of the message
    ("empty", "", "không được để trống"),
    ("leading-space", " 000.00.01.H55-251103-0007", "có khoảng trắng ở đầu hoặc cuối"),
    ("trailing-space", "000.00.01.H55-251103-0007 ", "có khoảng trắng ở đầu hoặc cuối"),
    ("trailing-newline", "000.00.01.H55-251103-0007\n", "có khoảng trắng ở đầu hoặc cuối"),
    ("nbsp-lead", "\u00a0000.00.01.H55-251103-0007", "có khoảng trắng ở đầu hoặc cuối"),
    ("too-long", "A" * 65, "không được dài quá 64 ký tự (đang có 65)"),
    ("dot-dot", "000..01.H55-251103-0007", "chứa “..”"),
    ("only-dot-dot", "..", "chứa “..”"),
    ("parent-path", "../../etc/passwd", "chứa “..”"),
    ("slash", "000.00.01/H55-251103-0007", "chứa dấu “/”, không dùng được làm tên thư mục"),
    ("backslash", "000.00.01\\H55-251103-0007", "chứa dấu “\\”, không dùng được làm tên thư mục"),
    ("nul", "000.00.01.H55\x00-251103-0007", "chứa ký tự điều khiển hoặc ký tự ẩn (U+0000)" + CODE_CHARS),
    ("tab-inside", "000.00.01.H55\t-251103-0007", "ký tự điều khiển hoặc ký tự ẩn (U+0009)"),
    ("escape", "\x1b[31m000.00.01.H55-251103-0007", "ký tự điều khiển hoặc ký tự ẩn (U+001B)"),
    ("zero-width-space", "000.00.01.H55\u200b-251103-0007", "ký tự điều khiển hoặc ký tự ẩn (U+200B)"),
    (
        "vietnamese-letter",
        "000.00.01.Đ55-251103-0007",
        "chứa ký tự “Đ” (chữ cái tiếng Việt, U+0110) ngoài bảng mã ASCII",
    ),
    (
        "fullwidth-digits",
        "000.00.01.H55-２５１１０３-0007",
        "“２” (chữ số khổ rộng – full-width, U+FF12) ngoài bảng mã ASCII",
    ),
    ("arabic-indic-digits", "000.00.01.H55-٢٥١١٠٣-0007", "“٢” (chữ số Ả Rập, U+0662) ngoài bảng mã ASCII"),
    ("cyrillic-homoglyph", "000.00.01.Н55-251103-0007", "“Н” (chữ Kirin, U+041D) ngoài bảng mã ASCII"),
    ("space-inside", "000.00.01.H55 -251103-0007", "chứa ký tự “ ” không được phép" + CODE_CHARS),
    ("glob", "000.00.01.H55-251103-*", "chứa ký tự “*” không được phép"),
    ("query", "000.00.01.H55-251103-0007?x=1", "chứa ký tự “?” không được phép"),
    ("percent", "000.00.01.H55-251103-%2e%2e", "chứa ký tự “%” không được phép"),
    ("colon", "C:000", "chứa ký tự “:” không được phép"),
    ("hidden", ".000.00.01.H55-251103-0007", "phải bắt đầu và kết thúc bằng chữ cái hoặc chữ số"),
    ("option", "-rf", "phải bắt đầu và kết thúc bằng chữ cái hoặc chữ số"),
    ("trailing-dot", "000.00.01.H55-251103-0007.", "phải bắt đầu và kết thúc bằng chữ cái hoặc chữ số"),
    ("only-dot", ".", "phải bắt đầu và kết thúc bằng chữ cái hoặc chữ số"),
]


@pytest.mark.parametrize("code", GOOD_CODES)
def test_a_usable_dossier_code_has_no_problem(code: str) -> None:
    assert dossier_code_problem(code) is None
    assert DOSSIER_CODE_PATTERN.fullmatch(code)


def test_every_code_the_sandbox_assigns_is_usable() -> None:
    codes = [d.data["code"] for d in generate(11, 60, TODAY)]
    assert len(set(codes)) == 60
    assert [c for c in codes if dossier_code_problem(c) is not None] == []


@pytest.mark.parametrize(("code", "says"), [c[1:] for c in BAD_CODES], ids=[c[0] for c in BAD_CODES])
def test_a_malformed_dossier_code_is_refused_in_vietnamese(code: str, says: str) -> None:
    problem = dossier_code_problem(code)
    assert problem is not None, f"{code!r} accepted"
    assert (problem.field, problem.label) == ("code", "Mã hồ sơ")
    assert says in problem.message, problem.message
    assert "\n" not in str(problem) and "\x00" not in str(problem) and "\x1b" not in str(problem)
    assert DOSSIER_CODE_PATTERN.fullmatch(code) is None


@pytest.mark.parametrize(
    ("agency", "says"),
    [(" 000.00.01.H55", "có khoảng trắng ở đầu hoặc cuối"), ("000..01.H55", "chứa “..”"),
     ("000.00.01.H55\u200b", "ký tự điều khiển hoặc ký tự ẩn (U+200B)")],
    ids=["leading-space", "dot-dot", "zero-width-space"],
)  # fmt: skip
def test_a_stored_dossier_whose_own_code_is_malformed_is_refused_and_kept(
    agency: str, says: str, sandbox: Sandbox, source: ApiSource, tmp_path: Path
) -> None:
    """The provincial system assigned a code the bot cannot use (a folder name, a URL): the dossier
    is refused with the code's problem among its problems, never mapped to the form."""
    data, files = dossier({}, Scan.OK, f"code {agency!r}")
    code = sandbox.add(data, files, agency=agency)
    _code, record, outcome = read_and_map(source, tmp_path, code)
    assert isinstance(outcome, InvalidDossier), "accepted"
    assert record.code == code and outcome.dossier_code == code
    assert [p.message for p in outcome.problems if p.field == "code" and says in p.message]
    with pytest.raises(InvalidDossier) as again:
        read_form(record.raw, today=TODAY, require_files=False)
    assert [p.message for p in again.value.problems if p.field == "code" and says in p.message]


# --- The same dossier code twice ------------------------------------------------------------------
CODE_A, CODE_B, CODE_C = (f"000.00.01.H55-251103-000{i}" for i in (1, 2, 3))


def api(
    answer: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request] | None = None
) -> ProvincialClient:
    """A client whose token request succeeds and every other request gets ``answer``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if request.url.path == "/api/auth/token":
            return httpx.Response(200, json={"access_token": "t", "token_type": "bearer"})
        return answer(request)

    return ProvincialClient("https://motcua.test", *SERVICE, transport=httpx.MockTransport(handler))


def spring_page(codes: list[str], number: int, pages: int) -> httpx.Response:
    content = [{"code": c, "procedure_code": PROCEDURE_CODE} for c in codes]
    return httpx.Response(200, json={"content": content, "totalPages": pages, "number": number})


def test_a_code_listed_twice_is_queued_once_and_none_is_lost(tmp_path: Path) -> None:
    """Paging newest first while a new dossier arrives shifts B onto page 2 as well, and a
    provincial system may list a row twice on one page: B is listed once, A and C are kept."""
    pages = {0: [CODE_A, CODE_B, CODE_B], 1: [CODE_B, CODE_C]}
    with ApiSource(
        api(lambda r: spring_page(pages[int(r.url.params["page"])], int(r.url.params["page"]), 2))
    ) as src:
        codes = src.list_codes(PROCEDURE_CODE, statuses=[2])
    assert codes == [CODE_A, CODE_B, CODE_C]
    with Ledger(f"sqlite:///{tmp_path / 'ledger.db'}") as ledger:
        first = [ledger.enqueue(code, "judicial_record", actor="test") for code in codes]
        again = ledger.enqueue(CODE_B, "judicial_record", actor="test")  # the next intake lists B again
        assert again.id == first[1].id
        queued = ledger.list(flow="judicial_record", limit=100)
        assert sorted(t.dossier_code for t in queued) == codes


# --- The provincial API misbehaving ---------------------------------------------------------------
@dataclass(frozen=True)
class ApiFailure:
    id: str
    how: str
    answer: Callable[[httpx.Request], httpx.Response]
    says: str  # an English substring of the PortalError
    on: str = "read"  # "read" a dossier, or "list" codes


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise exc

    return answer


def _download_fails(request: httpx.Request) -> httpx.Response:
    if "/attachments/" in request.url.path:
        return httpx.Response(500, text="Internal Server Error")
    data, _ = dossier({}, Scan.OK, "dl")
    data["attachments"][0]["download_url"] = f"/api/dossiers/{CODE_A}/attachments/0"
    return httpx.Response(200, json={**data, "code": CODE_A})


API_FAILURES: list[ApiFailure] = [
    ApiFailure("truncated-json", "the body stops half-way",
               lambda r: httpx.Response(200, text='{"code": "000.'), "returned malformed JSON for GET"),
    ApiFailure("html-instead-of-json", "a proxy's HTML page with 200",
               lambda r: httpx.Response(200, text="<html><body>Bảo trì hệ thống</body></html>"),
               "returned malformed JSON"),
    ApiFailure("not-utf8", "bytes that are not UTF-8", lambda r: httpx.Response(200, content=b"\xff\xfe{"),
               "malformed JSON"),
    ApiFailure("json-list", "a list where a dossier was expected", lambda r: httpx.Response(200, json=[1, 2]),
               "came back in an unexpected shape"),
    ApiFailure("other-code", "another dossier's JSON", lambda r: httpx.Response(200, json={"code": CODE_B}),
               f"dossier {CODE_A} came back in an unexpected shape"),
    ApiFailure("http-500", "HTTP 500 with a JSON detail",
               lambda r: httpx.Response(500, json={"detail": "NullPointerException"}),
               "failed on GET /api/dossiers/000.00.01.H55-251103-0001: HTTP 500 NullPointerException"),
    ApiFailure("http-502-html", "HTTP 502 from the gateway",
               lambda r: httpx.Response(502, text="<html>Bad Gateway</html>"), "HTTP 502 <html>Bad Gateway"),
    ApiFailure("http-503", "HTTP 503 maintenance", lambda r: httpx.Response(503, text="Maintenance"),
               "HTTP 503 Maintenance"),
    ApiFailure("http-429", "rate limited",
               lambda r: httpx.Response(429, json={"message": "Too many requests"}),
               "HTTP 429 Too many requests"),
    ApiFailure("http-401-twice", "a fresh token refused too", lambda r: httpx.Response(401),
               "refused a fresh token"),
    ApiFailure("timeout", "no answer in time", _raise(httpx.ReadTimeout("read timed out")),
               "timed out on GET"),
    ApiFailure("refused", "connection refused", _raise(httpx.ConnectError("connection refused")),
               "unreachable for GET"),
    ApiFailure("download-500", "the attachment download fails", _download_fails,
               f"failed on attachment 0 of dossier {CODE_A}: HTTP 500"),
    ApiFailure("search-not-json", "a search page that is not JSON",
               lambda r: httpx.Response(200, text="oops"), "returned malformed JSON for GET /api/dossiers",
               on="list"),
    ApiFailure("search-not-a-page", "a search answer without totalPages",
               lambda r: httpx.Response(200, json={"content": []}), "is not a Spring page", on="list"),
    ApiFailure("search-codeless-item", "a search item without a code",
               lambda r: httpx.Response(200, json={"content": [{"id": 1}], "totalPages": 1}),
               "holds something other than a dossier", on="list"),
    ApiFailure("search-http-504", "a search page times out at the gateway",
               lambda r: httpx.Response(504, text="Gateway Timeout"), "HTTP 504", on="list"),
]  # fmt: skip


@pytest.mark.parametrize("case", API_FAILURES, ids=[c.id for c in API_FAILURES])
def test_a_misbehaving_provincial_api_is_a_retryable_portal_error(case: ApiFailure, tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    vault = make_vault(tmp_path / "vault")
    with ApiSource(api(case.answer, seen), vault=vault) as src, pytest.raises(PortalError) as failed:
        if case.on == "list":
            src.list_codes(PROCEDURE_CODE)
        else:
            src.read(CODE_A, tmp_path, today=TODAY)
    message = str(failed.value)
    assert not isinstance(failed.value, BusinessError)  # retried later, not sent to a clerk
    assert "provincial one-stop system at https://motcua.test" in message
    assert case.says in message, message
    # Nothing lost: only reads were attempted, nothing written back to the provincial system.
    assert all(r.method == "GET" or r.url.path == "/api/auth/token" for r in seen)


def test_a_provincial_404_is_the_systems_vietnamese_reason(tmp_path: Path) -> None:
    detail = f"Không tìm thấy hồ sơ có mã {CODE_A}"
    source = ApiSource(api(lambda r: httpx.Response(404, json={"detail": detail})))
    with source, pytest.raises(ProvincialRefused, match=detail) as refused:
        source.read(CODE_A, tmp_path, today=TODAY)
    assert isinstance(refused.value, BusinessError) and refused.value.status_code == 404


def test_well_formed_json_of_the_wrong_shape_is_kept_with_its_problems(tmp_path: Path) -> None:
    """Valid JSON, not a dossier: ``applicant`` a string, ``payload`` a list, ``attachments`` a name.
    The record keeps the raw data and lists the problems in Vietnamese; nothing is downloaded."""
    body = {**copy.deepcopy(VALID), "code": CODE_A, "applicant": "Nguyễn Thị Thu Hoà", "payload": [],
            "attachments": "cccd.jpg", "processing_log": [{"note": "Tiếp nhận"}]}  # fmt: skip
    with ApiSource(api(lambda r: httpx.Response(200, content=json.dumps(body).encode()))) as src:
        record = src.read(CODE_A, tmp_path, today=TODAY)
    assert record.dossier is None and record.problems is not None
    found = {p.field: p.message for p in record.problems.problems}
    assert found["applicant"] == found["payload"] == "phải là một nhóm thông tin"
    assert found["attachments"] == "phải là danh sách"
    assert record.raw == {k: v for k, v in body.items() if k != "processing_log"}
    assert record.files == []
