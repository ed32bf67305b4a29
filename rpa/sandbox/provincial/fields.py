"""The ``data-field`` convention of the detail page, and the page's layout built from it.

Every scalar of the API's dossier dict is shown in one element carrying ``data-field`` = its dotted
JSON path (list items by index: ``payload.residence_history.0.from_date``). The element's text is
what a clerk reads (:func:`rpa.procedures.display.show`): the label of a code ("Nam", "Nhận tại cơ
quan"), "Có"/"Không", numbers grouped with dots, date-times as dd/MM/yyyy HH:mm:ss. A non-string
carries ``data-type``: ``number`` / ``boolean`` / ``null`` (empty text) / ``array`` or ``object``
(an empty list or dict, empty text). :func:`rpa.sources.fields.read_fields` rebuilds the dict from
those. Hints (the name of a VSIC code, "đến nay") are separate elements without ``data-field``.
Keys are never all-digit strings in a dossier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flows.business_registration.model import vsic_catalogue
from rpa.procedures.display import generic, kind_of, show
from rpa.sandbox.provincial.labels import HINTS, label_for, receipt_label

__all__ = [
    "BusinessDetailPage",
    "DetailPage",
    "Leaf",
    "Section",
    "Table",
    "build_business_detail",
    "build_detail",
    "detail_page",
    "flatten",
]


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted path, scalar) pairs of ``value``; empty lists and dicts are leaves too."""
    if isinstance(value, dict) and value:
        items: Iterable[tuple[str, Any]] = value.items()
    elif isinstance(value, list) and value:
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        return [(prefix, value)]
    pairs: list[tuple[str, Any]] = []
    for key, child in items:
        pairs.extend(flatten(child, f"{prefix}.{key}" if prefix else key))
    return pairs


def _hint(path: str, value: Any) -> str | None:
    """What a code that is data, not a choice (a VSIC line, a nationality), stands for; "đến nay"."""
    key = generic(path)
    kind = HINTS.get(key) or HINTS.get(key.rsplit(".", 1)[-1])
    if kind == "until":
        return "đến nay" if value is None else None
    if not isinstance(value, str):
        return None
    if kind == "nationality":
        return {"VN": "Việt Nam"}.get(value)
    if kind == "ethnicity":
        return {"01": "Kinh"}.get(value)
    if kind == "vsic":
        return vsic_catalogue().get(value)
    return None


@dataclass(frozen=True)
class Leaf:
    """One scalar shown with its ``data-field``; ``receipt`` names the procedure's receipt codes."""

    path: str
    value: Any
    receipt: str | None = None
    kind: str | None = None
    """The dossier's procedure (payload ``kind``): whose labels its codes show."""

    @property
    def type(self) -> str:
        value = self.value
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int | float):
            return "number"
        if isinstance(value, list):
            return "array"
        if isinstance(value, dict):
            return "object"
        return "string"

    @property
    def text(self) -> str:
        return show(self.path, self.value, self.kind)

    @property
    def label(self) -> str:
        if self.receipt and generic(self.path) in ("receipt_codes.*", "processing_log.*.receipt_code"):
            return self.receipt
        return label_for(self.path)

    @property
    def hint(self) -> str | None:
        return _hint(self.path, self.value)


@dataclass
class Section:
    """Labelled fields; an ``optional`` one is left off the page when it has none."""

    title: str
    anchor: str
    leaves: list[Leaf] = field(default_factory=list)
    optional: bool = False


@dataclass
class Table:
    """A list of dicts shown as a table; ``extra`` holds leaves under it that fit no column."""

    title: str
    anchor: str
    columns: list[tuple[str, str]]
    rows: list[list[Leaf | None]] = field(default_factory=list)
    extra: list[Leaf] = field(default_factory=list)


@dataclass
class DetailPage:
    header: Section
    applicant: Section
    relatives: Section
    residence: Table
    request: Section
    attachments: Table
    receipt_codes: Section
    log: Table
    other: Section

    @property
    def blocks(self) -> list[Section | Table]:
        """The sections and tables in the order the page shows them."""
        return [
            self.header,
            self.applicant,
            self.relatives,
            self.residence,
            self.request,
            self.attachments,
            self.receipt_codes,
            self.log,
            self.other,
        ]


@dataclass
class BusinessDetailPage:
    """A business-registration dossier, laid out as the seven parts of the application form."""

    blocks: list[Section | Table]


class _Leaves:
    def __init__(self, api_dict: dict[str, Any], receipt: str | None = None) -> None:
        self._receipt = receipt
        kind = kind_of(api_dict)
        self._left = {path: Leaf(path, value, receipt, kind) for path, value in flatten(api_dict)}

    def take(self, *prefixes: str) -> list[Leaf]:
        taken = [
            leaf
            for path, leaf in self._left.items()
            if any(path == p or path.startswith(p + ".") for p in prefixes)
        ]
        for leaf in taken:
            del self._left[leaf.path]
        return taken

    def rest(self) -> list[Leaf]:
        taken = list(self._left.values())
        self._left.clear()
        return taken

    def table(self, title: str, anchor: str, prefix: str, source: Any, keys: list[str]) -> Table:
        table = Table(
            title, anchor, [(key, Leaf(f"{prefix}.0.{key}", None, self._receipt).label) for key in keys]
        )
        if isinstance(source, list):
            for index in range(len(source)):
                row = [self._left.pop(f"{prefix}.{index}.{key}", None) for key in keys]
                table.rows.append(row)
        table.extra = self.take(prefix)
        return table


_RESIDENCE_KEYS = ["from_date", "to_date", "address", "occupation", "workplace"]
_ATTACHMENT_KEYS = ["name", "media_type", "size", "sha256", "file", "download_url"]
_LOG_KEYS = ["time", "actor", "status_from", "status_to", "note", "receipt_code"]
_HEADER_KEYS = ["code", "procedure_code", "procedure_name", "received_at", "due_at", "status", "channel"]


def build_detail(api_dict: dict[str, Any]) -> DetailPage:
    """Lay the API's dossier dict out in sections; every leaf lands in exactly one place."""
    leaves = _Leaves(api_dict)
    payload = api_dict.get("payload") if isinstance(api_dict.get("payload"), dict) else {}
    assert isinstance(payload, dict)
    header = Section("Thông tin hồ sơ", "thong-tin", leaves.take(*_HEADER_KEYS))
    applicant = Section("A. Thông tin người yêu cầu cấp phiếu", "nguoi-yeu-cau", leaves.take("applicant"))
    relatives = Section(
        "B. Thông tin về cha, mẹ, vợ/chồng",
        "cha-me-vo-chong",
        leaves.take("payload.father", "payload.mother", "payload.spouse"),
    )
    residence = leaves.table(
        "C. Quá trình cư trú",
        "cu-tru",
        "payload.residence_history",
        payload.get("residence_history"),
        _RESIDENCE_KEYS,
    )
    request = Section("D. Nội dung yêu cầu cấp phiếu", "yeu-cau", leaves.take("payload"))
    attachments = leaves.table(
        "Tệp đính kèm", "tep-dinh-kem", "attachments", api_dict.get("attachments"), _ATTACHMENT_KEYS
    )
    receipts = Section("Mã hồ sơ Bộ Tư pháp", "ma-bo-tu-phap", leaves.take("receipt_codes"))
    log = leaves.table(
        "Quá trình xử lý", "qua-trinh-xu-ly", "processing_log", api_dict.get("processing_log"), _LOG_KEYS
    )
    other = Section("Thông tin khác", "khac", leaves.rest(), optional=True)
    return DetailPage(header, applicant, relatives, residence, request, attachments, receipts, log, other)


def build_business_detail(api_dict: dict[str, Any]) -> BusinessDetailPage:
    """A business-registration dossier's page; every leaf lands in exactly one place, as in
    :func:`build_detail` (whatever the payload holds, valid or not)."""
    receipt = receipt_label(api_dict)
    leaves = _Leaves(api_dict, receipt)
    payload = api_dict.get("payload") if isinstance(api_dict.get("payload"), dict) else {}
    assert isinstance(payload, dict)
    attachments, log = api_dict.get("attachments"), api_dict.get("processing_log")

    def part(title: str, anchor: str, *keys: str) -> Section:
        return Section(title, anchor, leaves.take(*(f"payload.{key}" for key in keys)))

    blocks: list[Section | Table] = [
        Section("Thông tin hồ sơ", "thong-tin", leaves.take(*_HEADER_KEYS)),
        Section("Người nộp hồ sơ (chủ sở hữu)", "nguoi-nop", leaves.take("applicant")),
        part("1. Tên doanh nghiệp", "ten", "kind", "company_name", "foreign_name", "abbreviation"),
        part("2. Trụ sở chính", "tru-so", "head_office", "phone", "email", "website"),
        leaves.table(
            "3. Ngành, nghề kinh doanh",
            "nganh-nghe",
            "payload.industries",
            payload.get("industries"),
            ["code", "main"],
        ),
        part("4. Vốn điều lệ", "von-dieu-le", "charter_capital"),
    ]
    contributions = leaves.table(
        "Tài sản góp vốn",
        "gop-von",
        "payload.contributions",
        payload.get("contributions"),
        ["asset", "amount"],
    )
    contributions.extra += leaves.take("payload.contribution_deadline")  # in the payload's own order
    blocks += [
        contributions,
        part("5. Chủ sở hữu", "chu-so-huu", "owner"),
        part("6. Người đại diện theo pháp luật", "nguoi-dai-dien", "representatives"),
        part("7. Đăng ký thuế", "dang-ky-thue", "tax"),
        Section("Nội dung khác của yêu cầu", "yeu-cau-khac", leaves.take("payload"), optional=True),
        leaves.table("Tệp đính kèm", "tep-dinh-kem", "attachments", attachments, _ATTACHMENT_KEYS),
        Section(receipt, "ma-ho-so-dkkd", leaves.take("receipt_codes")),
        leaves.table("Quá trình xử lý", "qua-trinh-xu-ly", "processing_log", log, _LOG_KEYS),
        Section("Thông tin khác", "khac", leaves.rest(), optional=True),
    ]
    return BusinessDetailPage(blocks)


_LAYOUTS = {"business_registration": build_business_detail}  # the sandbox may name procedures


def detail_page(api_dict: dict[str, Any]) -> DetailPage | BusinessDetailPage:
    """The page of a dossier, laid out for its procedure (by payload ``kind``; the judicial record's
    layout for any other)."""
    layout = _LAYOUTS.get(kind_of(api_dict) or "")
    return layout(api_dict) if layout is not None else build_detail(api_dict)
