"""Text transformations the seed generator uses to make awkward or broken Vietnamese text."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ascii_fold", "nfd", "swap_tone_placement", "to_tcvn3"]

# TCVN3 (TCVN 5712:1993, "ABC"): one byte per letter, shown here as the Latin-1 character a reader sees
# when the bytes are decoded as Windows/Latin-1 text ("Báo cáo" -> "B¸o c¸o"). The encoding has no
# upper-case toned letters (those lived in the separate ".VnTimeH" fonts): an upper-case toned letter
# is written with its lower-case byte, as people typing in .VnTime did.
_TCVN3_UNICODE = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ"
_TCVN3_BYTES = "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊË®ÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\xadõö÷øùúûüýþ"
_TCVN3_LOWER = dict(zip(_TCVN3_UNICODE, _TCVN3_BYTES, strict=True))
_TCVN3_UPPER = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}
_TCVN3 = str.maketrans(
    {**_TCVN3_LOWER, **_TCVN3_UPPER}
    | {c.upper(): v for c, v in _TCVN3_LOWER.items() if c.upper() not in _TCVN3_UPPER}
)

_TONE = "[\u0300\u0301\u0303\u0309\u0323]?"  # grave, acute, tilde, hook above, dot below
_PAIR = re.compile(f"^(?P<head>.*?)(?P<v1>[oOuU])(?P<t1>{_TONE})(?P<v2>[aAeEyY])(?P<t2>{_TONE})$")


def to_tcvn3(text: str) -> str:
    """Encode Unicode Vietnamese as TCVN3 bytes and read them back as Latin-1: the classic mojibake."""
    return unicodedata.normalize("NFC", text).translate(_TCVN3)


def nfd(text: str) -> str:
    """The decomposed form (NFD) that macOS and some keyboards produce."""
    return unicodedata.normalize("NFD", text)


def swap_tone_placement(text: str) -> str:
    """Move the tone mark of open "oa", "oe", "uy" syllables to the other vowel: "Hòa" <-> "Hoà".

    Syllables beginning with "qu" are left alone: there the "u" belongs to the consonant ("Quý").
    """
    words = []
    for word in text.split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        match = _PAIR.match(decomposed)
        if match and not match["head"].lower().endswith("q") and bool(match["t1"]) != bool(match["t2"]):
            tone = match["t1"] or match["t2"]
            if match["t1"]:
                decomposed = match["head"] + match["v1"] + match["v2"] + tone
            else:
                decomposed = match["head"] + match["v1"] + tone + match["v2"]
        words.append(unicodedata.normalize("NFC", decomposed))
    return " ".join(words)


def ascii_fold(text: str) -> str:
    """Strip diacritics ("Đặng Thị Huệ" -> "Dang Thi Hue"); anything else non-ASCII becomes "?"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.encode("ascii", "replace").decode("ascii")
