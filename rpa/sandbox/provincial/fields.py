"""The ``data-field`` convention of the detail page, and the page's layout built from it.

Every scalar of the API's dossier dict is shown in one element carrying ``data-field`` = its dotted
JSON path (list items by index: ``payload.residence_history.0.from_date``). The element's text is the
raw value; a non-string carries ``data-type``: ``number`` / ``boolean`` (text ``true``/``false``) /
``null`` (empty text) / ``array`` or ``object`` (an empty list or dict, empty text). :func:`unflatten`
rebuilds the dict from those (path, value) pairs. Labels and hints (``Nam``, ``Đang xử lý``) are
separate elements without ``data-field``. Keys are never all-digit strings in a dossier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flows.business_registration.model import ASSET_LABELS, vsic_catalogue
from flows.business_registration.rules import format_vnd
from rpa.domain import Channel, DossierStatus, IdentityKind, Sex
from rpa.sandbox.provincial.labels import HINTS, label_for, payload_kind, receipt_label
from rpa.sandbox.provincial.views import to_local

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
    "parse_value",
    "unflatten",
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


def parse_value(text: str, data_type: str | None) -> Any:
    """The value of one ``data-field`` element from its text and ``data-type``."""
    if data_type in (None, "", "string"):
        return text
    if data_type == "null":
        return None
    if data_type == "array":
        return []
    if data_type == "object":
        return {}
    if data_type == "boolean":
        return text.strip() == "true"
    return json.loads(text)


def unflatten(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Inverse of :func:`flatten` for a dict: all-digit path segments are list indexes."""
    root: dict[str, Any] = {}
    for path, value in pairs:
        keys = path.split(".")
        node = root
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict) or not node:
        return node
    converted = {key: _lists(child) for key, child in node.items()}
    if all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _hint(path: str, value: Any) -> str | None:
    generic = ".".join("*" if part.isdigit() else part for part in path.split("."))
    kind = HINTS.get(generic) or HINTS.get(generic.rsplit(".", 1)[-1])
    if kind == "until":
        return "đến nay" if value is None else None
    try:
        if isinstance(value, bool):
            return "Có" if value else "Không"
        if kind == "status" and isinstance(value, int):
            return DossierStatus(value).label
        if kind == "channel":
            return Channel(value).label
        if kind == "sex":
            return Sex(value).label
        if kind == "identity_kind":
            return IdentityKind(value).label
        if kind == "certificate" and isinstance(value, int):
            return f"Phiếu số {value}"
        if kind == "delivery":
            return {"at_agency": "Nhận tại cơ quan", "post": "Nhận qua bưu chính"}[value]
        if kind == "datetime" and isinstance(value, str):
            local = to_local(value)
            return None if local is None else local.strftime("%d/%m/%Y %H:%M")
        if kind == "nationality":
            return {"VN": "Việt Nam"}.get(value)
        if kind == "ethnicity":
            return {"01": "Kinh"}.get(value)
        if kind == "vsic":
            return vsic_catalogue().get(value)
        if kind == "money" and isinstance(value, int):
            return format_vnd(value)
        if kind == "asset":
            return ASSET_LABELS[value]
        if kind == "accounting":
            return {"independent": "Hạch toán độc lập", "dependent": "Hạch toán phụ thuộc"}[value]
        if kind == "vat_method":
            return _VAT_METHODS[value]
    except (ValueError, KeyError, TypeError):
        return None
    return None


_VAT_METHODS = {
    "deduction": "Phương pháp khấu trừ",
    "direct_on_vat": "Phương pháp trực tiếp trên GTGT",
    "direct_on_revenue": "Phương pháp trực tiếp trên doanh thu",
}


@dataclass(frozen=True)
class Leaf:
    """One scalar shown with its ``data-field``; ``receipt`` names the procedure's receipt codes."""

    path: str
    value: Any
    receipt: str | None = None

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
        if isinstance(self.value, str):
            return self.value
        if self.type in ("null", "array", "object"):
            return ""
        return json.dumps(self.value)

    @property
    def label(self) -> str:
        generic = ".".join("*" if part.isdigit() else part for part in self.path.split("."))
        if self.receipt and generic in ("receipt_codes.*", "processing_log.*.receipt_code"):
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
        self._left = {path: Leaf(path, value, receipt) for path, value in flatten(api_dict)}

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


_LAYOUTS = {"business_registration": build_business_detail}


def detail_page(api_dict: dict[str, Any]) -> DetailPage | BusinessDetailPage:
    """The page of a dossier, laid out for its procedure (by payload ``kind``; the judicial record's
    layout for any other)."""
    layout = _LAYOUTS.get(payload_kind(api_dict) or "")
    return layout(api_dict) if layout is not None else build_detail(api_dict)
