"""One cell of the export as the value of its dossier field, with legacy Vietnamese text converted.

Text typed in TCVN3 (ABC) or VNI fonts reaches a workbook as Latin-1 mojibake ("NguyÔn V¨n",
"Nguyeãn Vaên"): :func:`rpa.domain.text.legacy_encoding` tells which and decodes it. Text that still
holds characters no Vietnamese text has (UTF-8 read as Windows-1252, "Nguyá»…n", or a font the
decoders do not know) is refused: nobody can tell what it meant without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rpa.domain.text import describe_char, legacy_encoding
from rpa.intake.columns import is_boolean
from rpa.procedures.choices import fields_of
from rpa.procedures.display import UnknownLabel, generic, read

__all__ = ["CellError", "Converted", "field_value", "foreign_char"]

_VIETNAMESE_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý\u00a0°")


class CellError(ValueError):
    """A cell that cannot be read: ``message`` for the clerk (Vietnamese), ``english`` for the log."""

    def __init__(self, message: str, english: str) -> None:
        super().__init__(english)
        self.message, self.english = message, english


@dataclass(frozen=True)
class Converted:
    """A cell whose legacy-encoded text was converted to Unicode."""

    encoding: str
    before: str
    after: str


def foreign_char(text: str) -> str | None:
    """The first character of ``text`` from the Latin-1 range that no Vietnamese word has, if any."""
    return next((c for c in text if "\u0080" <= c <= "\u00ff" and c not in _VIETNAMESE_LATIN1), None)


def _text(value: str) -> tuple[str, Converted | None]:
    found = legacy_encoding(value)
    converted = None
    if found is not None:
        converted = Converted(found[0], value, found[1])
        value = found[1]
    char = foreign_char(value)
    if char is not None:
        raise CellError(
            f"chữ bị lỗi phông hoặc lỗi mã hóa (có {describe_char(char)}), không tự chuyển sang "
            "Unicode được: cần gõ lại bằng bảng mã Unicode",
            f"undecodable mojibake (U+{ord(char):04X}), neither TCVN3 nor VNI",
        )
    return value, converted


def field_value(path: str, value: Any, kind: str | None) -> tuple[Any, Converted | None]:
    """The stored value of a cell at field ``path`` of a dossier of procedure ``kind``.

    Raises:
        CellError: mojibake that is neither TCVN3 nor VNI, a label that maps to no code, a yes/no
            field holding something else.
    """
    if isinstance(value, bool) or (
        isinstance(value, int | float) and generic(path) not in fields_of(kind).choices
    ):
        return value, None
    if isinstance(value, datetime):  # a date Excel recognised: back to the text the pages show
        moment = generic(path) in fields_of(kind).moments
        value = value.strftime("%d/%m/%Y %H:%M:%S" if moment else "%d/%m/%Y")
    text, converted = _text(str(value))
    try:
        return read(path, text, "boolean" if is_boolean(path, kind) else None, kind), converted
    except UnknownLabel as label:
        known = "; ".join(f"“{k}”" for k in label.known)
        raise CellError(
            f"“{text}” không phải giá trị của trường này; chọn một trong: {known}",
            f"{text!r} is no label of {path}",
        ) from None
    except ValueError as exc:
        raise CellError(f"“{text}” không đọc được: {exc}", f"unreadable value {text!r}: {exc}") from None
