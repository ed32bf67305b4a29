"""Dossier codes the bot can use safely: as a folder name, in a URL, in a log line.

Provincial codes are ``{agency}-{yyMMdd}-{NNNN}`` with agency codes like ``000.00.01.H55``: ASCII
letters, digits, ``.`` and ``-``; ``_`` is allowed too, as other one-stop systems use it. Any other
character is refused before the code names a folder or a request: ``..`` and separators escape
a folder, whitespace at either end makes two codes of one, and look-alike letters of other scripts
make a code no clerk can type back.
"""

from __future__ import annotations

import re
import unicodedata

from rpa.domain.labels import EMPTY
from rpa.domain.labels import problem as _problem
from rpa.domain.text import describe_char
from rpa.errors import Problem

__all__ = ["DOSSIER_CODE_PATTERN", "MAX_DOSSIER_CODE_LENGTH", "dossier_code_problem"]

MAX_DOSSIER_CODE_LENGTH = 64
DOSSIER_CODE_PATTERN = re.compile(r"(?!.*\.\.)[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?", re.ASCII)
"""A usable dossier code, for ``fullmatch``: 1 to 64 of ``A-Za-z0-9._-``, a letter or digit at both
ends (no hidden ``.name``, nothing a command line reads as an option), never ``..``."""

_CHARS = "mã hồ sơ chỉ gồm chữ cái A–Z, chữ số 0–9 và các dấu . - _"


def dossier_code_problem(code: str) -> Problem | None:
    """Why ``code`` cannot be used as a dossier code, in Vietnamese for a clerk; None when it can.

    The message names the offending character (control characters by code point only) and never
    repeats the code, which may hold anything.
    """
    if DOSSIER_CODE_PATTERN.fullmatch(code):
        return None
    return _problem("code", _reason(code))


def _reason(code: str) -> str:
    if code == "":
        return EMPTY
    if code != code.strip():
        return "có khoảng trắng ở đầu hoặc cuối"
    if len(code) > MAX_DOSSIER_CODE_LENGTH:
        return f"không được dài quá {MAX_DOSSIER_CODE_LENGTH} ký tự (đang có {len(code)})"
    for c in code:
        if unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs", "Cn"}:
            return f"chứa ký tự điều khiển hoặc ký tự ẩn (U+{ord(c):04X}); {_CHARS}"
    if ".." in code:
        return "chứa “..”, không dùng được làm tên thư mục"
    for c in code:
        if c in "/\\":
            return f"chứa dấu “{c}”, không dùng được làm tên thư mục hay trong đường dẫn web; {_CHARS}"
        if not c.isascii():
            return f"chứa ký tự {describe_char(c)} ngoài bảng mã ASCII; {_CHARS}"
        if not (c.isalnum() or c in "._-"):
            return f"chứa ký tự “{c}” không được phép; {_CHARS}"
    return "phải bắt đầu và kết thúc bằng chữ cái hoặc chữ số"
