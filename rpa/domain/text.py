"""Vietnamese text helpers: normalisation, comparison keys, and detection of text a form must refuse.

Every string that reaches a ministry form must be Unicode NFC, free of control characters, emoji
and markup, and must not be mojibake from the legacy 8-bit font encodings (TCVN3/ABC, VNI) that old
Excel files still use. Detection of legacy encodings works by decoding the text and asking whether
the result is *more Vietnamese* than the original (more tokens that are valid Vietnamese
syllables), so legitimate names, which are already valid syllables, can never be flagged.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

__all__ = [
    "VIETNAMESE_LETTERS",
    "canonical",
    "decode_legacy",
    "describe_char",
    "first_foreign_digit",
    "fold",
    "has_control_chars",
    "has_emoji",
    "is_vietnamese_syllable",
    "legacy_encoding",
    "looks_like_html",
    "looks_like_legacy_encoding",
    "nfc",
]

# Combining marks for the five tones; circumflex, breve and horn are letter marks, not tones.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def nfc(s: str) -> str:
    """The NFC form of ``s`` (macOS and some keyboards produce NFD)."""
    return unicodedata.normalize("NFC", s)


def fold(s: str) -> str:
    """Remove every diacritic, mapping đ/Đ explicitly (they have no Unicode decomposition)."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def _split_tone(word: str) -> tuple[str, str]:
    """``word`` (lower case) without its tone mark, and the tone mark ('' for the level tone)."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    base = "".join(c for c in decomposed if c not in _TONES)
    return nfc(base), (tones[0] if tones else "")


def canonical(s: str) -> str:
    """A comparison key: NFC, lower case, whitespace collapsed, tone mark placement unified.

    "Hoà" and "Hòa", "Thuỷ" and "Thủy" give the same key. The key moves each word's tone mark to its
    end, so it is for comparing only: never show it or type it in place of what the citizen wrote.
    """
    words = nfc(s).lower().split()
    return " ".join(base + tone for base, tone in map(_split_tone, words))


# --- Vietnamese syllables -------------------------------------------------------------------------
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
# Vowel nuclei, longest first so the regex prefers "uyê" over "u".
_NUCLEI = (
    "uyê|uya|uyu|iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|oo|ôô|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
)
_FINALS = "ng|nh|ch|c|m|n|p|t"
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of one Vietnamese syllable (initial, vowel nucleus, final)."""
    if sum(c in _TONES for c in unicodedata.normalize("NFD", word)) > 1:
        return False  # a syllable carries one tone mark at most
    base, _tone = _split_tone(word.lower())
    return _SYLLABLE.fullmatch(base) is not None


def _syllable_count(s: str) -> int:
    return sum(is_vietnamese_syllable(w.strip(".,;:()\"'-")) for w in s.split())


# --- Legacy 8-bit encodings -----------------------------------------------------------------------
# Tables after the two font layouts Vietnamese offices used before Unicode: TCVN3 (ABC, the national
# standard TCVN 5712:1993, fonts ".VnTime"...) and VNI-Windows (fonts "VNI-Times"...). The only package
# on the index with such tables (viparse) drops ẳ/Ẳ from VNI and cannot detect a single cell, so they
# are kept here as data.
# TCVN3 (ABC): each Vietnamese letter is one byte, read back as a Latin-1 character.
_TCVN3_SRC = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"
_TCVN3_DST = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"
_TCVN3 = str.maketrans(_TCVN3_SRC, _TCVN3_DST)

# VNI: a base letter followed by a modifier byte (tone, circumflex + tone, breve + tone).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_TONE = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _decode_vni(s: str) -> str:
    out: list[str] = []
    for c in s:
        low = c.lower()
        prev = unicodedata.normalize("NFD", out[-1]) if out else ""
        base = prev[:1].lower()
        has_tone = any(m in _TONES for m in prev)
        if prev and base in "aeo" and len(prev) == 1 and low in _VNI_CIRCUMFLEX:
            out[-1] = nfc(prev + "\u0302" + _VNI_CIRCUMFLEX[low])
        elif prev and base == "a" and len(prev) == 1 and low in _VNI_BREVE:
            out[-1] = nfc(prev + "\u0306" + _VNI_BREVE[low])
        elif prev and base in "aeiouy" and not has_tone and low in _VNI_TONE:
            out[-1] = nfc(prev + _VNI_TONE[low])
        elif low in _VNI_SINGLE:
            single = _VNI_SINGLE[low]
            out.append(single.upper() if c.isupper() else single)
        else:
            out.append(c)
    return nfc("".join(out))


def _decode_tcvn3(s: str) -> str:
    # .VnTimeH (the capitals font) reuses the lower-case codes, so a word typed in capitals decodes
    # with lower-case accented letters: restore the capitals for such words.
    words = []
    for word in s.translate(_TCVN3).split(" "):
        ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
        capitals = len(ascii_letters) > 1 and all(c.isupper() for c in ascii_letters)
        words.append(word.upper() if capitals else word)
    return " ".join(words)


_DECODERS = (("TCVN3", _decode_tcvn3), ("VNI", _decode_vni))


def _has_mojibake_marks(s: str) -> bool:
    """A soft hyphen (TCVN3's "ư") or a Latin-1 capital inside a lower-case word ("BÝch", TCVN3's "Bích").

    Such words can still spell valid syllables when read as written ("Vò BÝch CÈm" reads as three
    syllables), so the syllable count alone misses them; no correctly typed Vietnamese word has them.
    """
    if "\u00ad" in s:
        return True
    for word in s.split():
        if word.isupper():
            continue
        for before, c in pairwise(word):
            if "\u00c0" <= c <= "\u00de" and before.isalpha():
                return True
    return False


def legacy_encoding(s: str) -> tuple[str, str] | None:
    """``(encoding, decoded)`` if ``s`` looks like TCVN3 or VNI mojibake, else None.

    Only text with Latin-1 letters or symbols can be mojibake; it is flagged when a decoding yields
    strictly more valid Vietnamese syllables than the text as written.
    """
    if not any("\u00a0" <= c <= "\u00ff" for c in s):
        return None
    best: tuple[str, str] | None = None
    best_count = _syllable_count(s)
    marked = _has_mojibake_marks(s)
    for name, decode in _DECODERS:
        decoded = decode(s)
        count = _syllable_count(decoded)
        if decoded != s and (count > best_count or (marked and best is None and count >= best_count)):
            best, best_count = (name, decoded), count
    return best


def looks_like_legacy_encoding(s: str) -> bool:
    """Whether ``s`` looks like TCVN3/ABC or VNI mojibake ("B¸o c¸o", "Baùo caùo")."""
    return legacy_encoding(s) is not None


def decode_legacy(s: str) -> str | None:
    """The text ``s`` most likely meant, when it is legacy-encoded mojibake; else None."""
    found = legacy_encoding(s)
    return found[1] if found else None


# --- Characters a form must never receive ---------------------------------------------------------
_ALLOWED_CONTROLS = frozenset("\n\t\r")


def has_control_chars(s: str, *, allow_newlines: bool = False) -> bool:
    """Control, format (zero-width, bidi override), private-use or unassigned characters."""
    for c in s:
        if allow_newlines and c in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs", "Cn"}:
            return True
    return False


# Emoji that lie outside the blocks ``has_emoji`` tests, and the keycap mark of "1⃣":
# ⌚ ⌛ ⌨ ⏏ ⏩-⏳ ⏸-⏺ ◽ ◾ 〰 〽 ㊗ ㊙.
_LONE_EMOJI = frozenset(
    [0x231A, 0x231B, 0x2328, 0x23CF, *range(0x23E9, 0x23F4), 0x23F8, 0x23F9, 0x23FA, 0x20E3]
) | {0x25FD, 0x25FE, 0x3030, 0x303D, 0x3297, 0x3299}


def has_emoji(s: str) -> bool:
    """Pictographs, dingbats, flags, the lone emoji of other blocks, and the emoji variation selector."""
    for c in s:
        cp = ord(c)
        if 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF or cp == 0xFE0F:
            return True
        if cp in _LONE_EMOJI:
            return True
    return False


_HTML = re.compile(r"<\s*[/!?]?\s*[a-z]|&#?\w+;|javascript\s*:|\bon\w+\s*=", re.IGNORECASE)


def looks_like_html(s: str) -> bool:
    """Tags, character entities, ``javascript:`` URLs or inline event handlers."""
    return _HTML.search(s) is not None


# --- The Vietnamese alphabet, and characters from other scripts -----------------------------------
_VOWELS = "aăâeêioôơuưy"
_CONSONANTS = "bcdđfghjklmnpqrstvwxz"  # with f, j, w, z, which loanwords and minority names use
VIETNAMESE_LETTERS: frozenset[str] = frozenset(
    letter
    for lower in (*_CONSONANTS, *(nfc(v + tone) for v in _VOWELS for tone in ("", *_TONES)))
    for letter in (lower, lower.upper())
)
"""Every letter of the Vietnamese Latin alphabet in NFC, both cases: A-Z, Đ, and the twelve vowels
with each of the five tone marks. Anything else that looks like a letter (Cyrillic Е, Greek Ο,
full-width Ｎ, ß) is another script, however Vietnamese it looks."""

# Unicode character-name prefix -> the script's name as a clerk would say it; first match wins.
_SCRIPTS = (
    ("CYRILLIC", "Kirin"),
    ("GREEK", "Hy Lạp"),
    ("CJK", "Hán"),
    ("KANGXI", "Hán"),
    ("HIRAGANA", "Nhật"),
    ("KATAKANA", "Nhật"),
    ("HANGUL", "Hàn"),
    ("ARABIC", "Ả Rập"),
    ("EXTENDED ARABIC", "Ả Rập"),
    ("HEBREW", "Do Thái"),
    ("THAI", "Thái"),
    ("LAO", "Lào"),
    ("KHMER", "Khmer"),
    ("MYANMAR", "Myanmar"),
    ("DEVANAGARI", "Devanagari"),
    ("BENGALI", "Bengal"),
    ("ARMENIAN", "Armenia"),
    ("GEORGIAN", "Gruzia"),
    ("FULLWIDTH LATIN", "Latinh khổ rộng – full-width"),
    ("FULLWIDTH", "khổ rộng – full-width"),
    ("HALFWIDTH", "khổ hẹp – half-width"),
    ("MATHEMATICAL", "kiểu toán học"),
    ("SUPERSCRIPT", "viết nhỏ phía trên"),
    ("SUBSCRIPT", "viết nhỏ phía dưới"),
    ("CIRCLED", "khoanh tròn"),
    ("ROMAN NUMERAL", "La Mã"),
    ("LATIN", "Latinh không dùng trong tiếng Việt"),
)
_OTHER_KINDS = {
    "M": "dấu phụ không dùng trong tiếng Việt",
    "P": "dấu câu",
    "S": "ký hiệu",
    "Z": "khoảng trắng đặc biệt",
    "C": "ký tự điều khiển hoặc ký tự ẩn",
}


def describe_char(c: str) -> str:
    """``c`` quoted, with what it is in Vietnamese and its code point, for a clerk's message:
    "“Е” (chữ Kirin, U+0415)". A combining mark is shown on a dotted circle, as fonts do."""
    category = unicodedata.category(c)[0]
    name = unicodedata.name(c, "")
    script = next((word for prefix, word in _SCRIPTS if name.startswith(prefix)), "của hệ chữ khác")
    if c in VIETNAMESE_LETTERS:
        kind = "chữ cái tiếng Việt"
    elif category == "L":
        kind = f"chữ {script}"
    elif category == "N":
        kind = f"chữ số {script}"
    else:
        kind = _OTHER_KINDS.get(category, "ký tự lạ")
    shown = f"\u25cc{c}" if category == "M" else c
    return f"“{shown}” ({kind}, U+{ord(c):04X})"


def first_foreign_digit(s: str) -> str | None:
    """The first digit of ``s`` that is not ASCII 0-9 (full-width, Arabic-Indic, superscript...).

    ``int()``, ``str.isdigit()`` and ``\\d`` accept them all, so each check of a number would
    otherwise let them through or fail for a misleading reason.
    """
    return next((c for c in s if c.isdigit() and not "0" <= c <= "9"), None)
