"""Vietnamese labels of every dossier field, by path, as a clerk knows them from the forms, and the
Vietnamese wording of pydantic's own errors (our validators already raise Vietnamese messages).

Paths are pydantic locations (``("payload", "residence_history", 2, "from_date")``) or their dotted
form; list indexes are shown 1-based ("dòng 3").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic_core import ErrorDetails, PydanticCustomError

from rpa.domain.text import describe_char, first_foreign_digit
from rpa.errors import Problem

__all__ = [
    "EMPTY",
    "LABELS",
    "address_labels",
    "foreign_digit_error",
    "identity_labels",
    "label_for",
    "set_procedure_labels",
    "translate",
]

EMPTY = "không được để trống"

_ADDRESS = {
    "street": "số nhà, đường phố",
    "commune": "xã/phường",
    "commune_code": "mã xã/phường",
    "district": "quận/huyện",
    "district_code": "mã quận/huyện",
    "province": "tỉnh/thành phố",
    "province_code": "mã tỉnh/thành phố",
}
_IDENTITY = {
    "": "Giấy tờ tùy thân",
    "kind": "Loại giấy tờ tùy thân",
    "number": "Số giấy tờ tùy thân",
    "issue_date": "Ngày cấp giấy tờ tùy thân",
    "issue_place": "Nơi cấp giấy tờ tùy thân",
}


def _build() -> dict[str, str]:
    labels = {
        "code": "Mã hồ sơ",
        "procedure_code": "Mã thủ tục",
        "procedure_name": "Tên thủ tục",
        "received_at": "Ngày tiếp nhận",
        "due_at": "Ngày hẹn trả kết quả",
        "status": "Trạng thái hồ sơ",
        "channel": "Hình thức nộp hồ sơ",
        "applicant": "Thông tin người yêu cầu",
        "applicant.full_name": "Họ và tên người yêu cầu",
        "applicant.other_name": "Tên gọi khác",
        "applicant.sex": "Giới tính",
        "applicant.birth_date": "Ngày sinh",
        "applicant.birth_place": "Nơi sinh",
        "applicant.nationality": "Quốc tịch",
        "applicant.ethnicity": "Dân tộc",
        "applicant.phone": "Số điện thoại",
        "applicant.email": "Thư điện tử",
        "attachments": "Tệp đính kèm",
        "attachments.*": "Tệp đính kèm {n}",
        "attachments.*.name": "Tệp đính kèm {n} – tên tệp",
        "attachments.*.media_type": "Tệp đính kèm {n} – loại tệp",
        "attachments.*.size": "Tệp đính kèm {n} – dung lượng",
        "attachments.*.sha256": "Tệp đính kèm {n} – mã SHA-256",
        "attachments.*.file": "Tệp đính kèm {n} – tệp đã lưu",
        "payload": "Nội dung yêu cầu",
        "payload.kind": "Loại thủ tục",
    }
    labels.update(address_labels("applicant.permanent_address", "Nơi thường trú"))
    labels.update(address_labels("applicant.temporary_address", "Nơi tạm trú"))
    labels.update(identity_labels("applicant.identity"))
    return labels


def address_labels(prefix: str, name: str) -> dict[str, str]:
    """Labels of an address block at ``prefix`` (its parts named after the block's own label)."""
    return {prefix: name, **{f"{prefix}.{field}": f"{name} – {label}" for field, label in _ADDRESS.items()}}


def identity_labels(prefix: str, whose: str = "") -> dict[str, str]:
    """Labels of an identity-document block at ``prefix``; ``whose`` follows each, e.g. " của chủ sở hữu"."""
    return {f"{prefix}.{field}".rstrip("."): label + whose for field, label in _IDENTITY.items()}


def set_procedure_labels(labels: Mapping[str, str]) -> None:
    """The registered procedures' payload labels (``Procedure.labels``), replacing the previous ones."""
    _PROCEDURE_LABELS.clear()
    _PROCEDURE_LABELS.update(labels)


def _procedure_labels() -> Mapping[str, str]:
    if not _PROCEDURE_LABELS:
        from rpa.procedures import all_procedures  # loads the registry, which sets them

        all_procedures()
    return _PROCEDURE_LABELS


LABELS: dict[str, str] = _build()
"""Label by path pattern; ``*`` stands for a list index and ``{n}`` in a label for its 1-based value.
A procedure's payload labels come from its plug-in (:func:`set_procedure_labels`)."""
_PROCEDURE_LABELS: dict[str, str] = {}


def label_for(path: str | Sequence[str | int]) -> str:
    """The Vietnamese label of a field path; unknown tails are appended to the nearest known label."""
    parts: list[str | int] = (
        [int(p) if p.isdigit() else p for p in path.split(".")] if isinstance(path, str) else list(path)
    )
    numbers = [p + 1 for p in parts if isinstance(p, int)]
    pattern = ["*" if isinstance(p, int) else p for p in parts]
    payload = _procedure_labels() if parts and parts[0] == "payload" else {}
    for cut in range(len(pattern), 0, -1):
        key = ".".join(pattern[:cut])
        label = payload.get(key) or LABELS.get(key)
        if label is not None:
            shown = numbers[: label.count("{n}")]
            for n in shown:
                label = label.replace("{n}", str(n), 1)
            tail = ".".join(str(p) for p in parts[cut:])
            return f"{label} ({tail})" if tail else label
    return ".".join(str(p) for p in parts)


_PATTERN_HINTS = {
    "nationality": "phải là mã quốc gia gồm 2 chữ cái in hoa (ví dụ VN)",
    "ethnicity": "phải là mã dân tộc gồm 2 chữ số (ví dụ 01 là Kinh)",
    "media_type": "phải có dạng loại/kiểu, ví dụ application/pdf",
}
_SIMPLE = {
    "string_type": "phải là chuỗi ký tự",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "bool_type": "phải là có hoặc không (true/false)",
    "bool_parsing": "phải là có hoặc không (true/false)",
    "datetime_type": "phải là thời điểm dạng ISO 8601, ví dụ 2025-11-03T08:30:00+07:00",
    "datetime_parsing": "phải là thời điểm dạng ISO 8601, ví dụ 2025-11-03T08:30:00+07:00",
    "datetime_from_date_parsing": "phải là thời điểm dạng ISO 8601, ví dụ 2025-11-03T08:30:00+07:00",
    "model_type": "phải là một nhóm thông tin",
    "model_attributes_type": "phải là một nhóm thông tin",
    "dict_type": "phải là một nhóm thông tin",
    "list_type": "phải là danh sách",
    "path_type": "phải là đường dẫn tệp",
    "extra_forbidden": "không phải trường của hồ sơ",
    "union_tag_not_found": "không rõ thuộc thủ tục nào (thiếu loại thủ tục, mã thủ tục không khớp)",
    "union_tag_invalid": "không phải thủ tục nào mà bot xử lý",
}


def translate(error: ErrorDetails) -> Problem:
    """One pydantic error as a ``Problem`` for a clerk: the field's label and a Vietnamese message."""
    loc = [p for p in error["loc"] if isinstance(p, (str, int))]
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind in {"missing", "string_too_short"} or (value is None and kind != "extra_forbidden"):
        message = EMPTY
    elif kind in _SIMPLE:
        message = _SIMPLE[kind]
    elif kind in {"string_too_long", "too_long"}:
        message = f"không được dài quá {ctx['max_length']} ký tự (đang có {len(str(value))})"
    elif kind == "string_pattern_mismatch":
        last = str(loc[-1]) if loc else ""
        default = "phải gồm 2 đến 5 chữ số" if last.endswith("_code") else "sai định dạng"
        hint = _PATTERN_HINTS.get(last, default)
        message = f"“{value}” {hint}"
    elif kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        bound = next(iter(ctx.values()))
        words = {
            "greater_than": "phải lớn hơn",
            "greater_than_equal": "không được nhỏ hơn",
            "less_than": "phải nhỏ hơn",
            "less_than_equal": "không được lớn hơn",
        }
        message = f"{words[kind]} {bound} (đang là {value})"
    elif kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", "")).replace(" or ", " hoặc ")
        message = f"“{value}” không hợp lệ; phải là một trong: {expected}"
    elif "vn_" in kind or kind in _OWN_ERRORS or kind == "value_error":
        message = error["msg"]  # our validators already speak Vietnamese
    else:
        message = f"giá trị không hợp lệ ({kind})"
    path = ".".join(str(p) for p in loc)
    return Problem(path, label_for(loc), message)


_OWN_ERRORS = {
    "legacy_encoding",
    "control_chars",
    "emoji",
    "html",
    "name_chars",
    "foreign_letter",
    "foreign_digit",
    "foreign_code_char",
    "phone",
    "email",
    "dossier_code",
    "sha256",
}


def foreign_digit_error(value: str) -> PydanticCustomError | None:
    """The error for a number written with digits other than 0-9 (full-width, Arabic-Indic...), if
    ``value`` has one: one clear reason, instead of a misleading one from the number's own checks."""
    digit = first_foreign_digit(value)
    if digit is None:
        return None
    return PydanticCustomError(
        "foreign_digit", "chỉ được dùng chữ số 0–9; có {char}", {"char": describe_char(digit)}
    )


def problem(path: str, message: str, label: str | None = None) -> Problem:
    """A problem on ``path``, labelled with the field's Vietnamese label unless ``label`` is given."""
    return Problem(path, label or label_for(path), message)
