"""Vietnamese text helpers: NFC, comparison keys, folding, and what must be refused."""

from __future__ import annotations

import unicodedata

import pytest

from rpa.domain.text import (
    VIETNAMESE_LETTERS,
    canonical,
    decode_legacy,
    describe_char,
    first_foreign_digit,
    fold,
    has_control_chars,
    has_emoji,
    is_vietnamese_syllable,
    legacy_encoding,
    looks_like_html,
    looks_like_legacy_encoding,
    nfc,
)
from rpa.sandbox.seed_names import VIETNAMESE_ACCENTED

# Real names covering every vowel with every tone, đ/Đ, both tone placements, and minority names.
REAL_NAMES = [
    "Nguyễn Văn Ánh", "Trần Thị Ấn", "Lê Ẩn", "Phạm Ỹ", "Huỳnh Thị Quỳnh", "Hoàng Thị Thuỷ", "Phan Hoà",
    "Vũ Thị Khuê", "Võ Thị Nguyệt", "Đặng Văn Tường", "Bùi Ưng", "Đỗ Ợ", "Hồ Thị Huệ", "Ngô Bảo Châu",
    "Dương Quá", "Lý Tiểu Long", "Đoàn Thị Điểm", "Tôn Nữ Thị Ninh", "Lương Thế Vinh", "Trịnh Công Sơn",
    "Lưu Hữu Phước", "Mạc Đĩnh Chi", "Chu Văn An", "Tạ Quang Bửu", "Cao Bá Quát", "Kiều Thị Ỷ",
    "Triệu Thị Trinh", "Quách Tuấn Khanh", "Từ Dũ", "Giáp Văn Cường", "Khổng Thị Ngoãn", "Thái Thị Ỵ",
    "Nguyễn Thị Xoã", "Đinh Thị Khoẻ", "Hà Thị Thuý Kiều", "Âu Dương Phong", "Ông Ích Khiêm",
    "Ưng Hoàng Phúc", "Ksor Phước", "Y Bih Niê", "Rơ Châm Nguyên", "Lò Văn Giàng", "Ngọc Hân",
    "Đàm Vĩnh Hưng", "Thích Nhất Hạnh", "Nguyễn Gia Thiều", "Ỷ Lan", "Ý Nhi", "Ễnh Ương", "Ước",
]  # fmt: skip


@pytest.mark.parametrize("name", REAL_NAMES)
def test_no_real_name_looks_like_legacy_encoding(name: str) -> None:
    assert not looks_like_legacy_encoding(name)
    assert not looks_like_legacy_encoding(name.upper())


@pytest.mark.parametrize(
    ("mojibake", "meant"),
    [
        ("B¸o c¸o", "Báo cáo"),
        ("NguyÔn V¨n", "Nguyễn Văn"),
        ("Hµ Néi", "Hà Nội"),
        ("Qu¶ng Ng·i", "Quảng Ngãi"),
        ("§µ N½ng", "Đà Nẵng"),
        ("Tr\xadêng", "Trường"),
        ("Lª ThÞ Thñy", "Lê Thị Thủy"),
        ("NGUYÔN V¡N", "NGUYỄN VĂN"),  # .VnTimeH capitals
    ],
)
def test_tcvn3_is_detected_and_decoded(mojibake: str, meant: str) -> None:
    assert legacy_encoding(mojibake) == ("TCVN3", meant)


@pytest.mark.parametrize(
    ("mojibake", "meant"),
    [
        ("Nguyeãn Vaên", "Nguyễn Văn"),
        ("Baùo caùo", "Báo cáo"),
        ("Höông", "Hương"),
        ("Ñaëng Thò Thuyû", "Đặng Thị Thuỷ"),
        ("Vieät Nam", "Việt Nam"),
    ],
)
def test_vni_is_detected_and_decoded(mojibake: str, meant: str) -> None:
    assert legacy_encoding(mojibake) == ("VNI", meant)
    assert decode_legacy(mojibake) == meant


@pytest.mark.parametrize("text", ["Müller", "Peña", "François Dupont", "José García", "Hà Nội, Việt Nam", ""])
def test_foreign_names_and_plain_text_are_not_mojibake(text: str) -> None:
    assert legacy_encoding(text) is None
    assert decode_legacy(text) is None


def test_nfd_becomes_nfc() -> None:
    composed = "Nguyễn Thị Huệ"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert nfc(decomposed) == composed


@pytest.mark.parametrize(
    ("a", "b"), [("Hoà", "Hòa"), ("Thuỷ", "Thủy"), ("KHOẺ", "khỏe"), ("Nguyễn  Thị Thuý", "nguyễn thị thúy")]
)
def test_tone_placements_share_a_canonical_form(a: str, b: str) -> None:
    assert canonical(a) == canonical(b)
    assert canonical(unicodedata.normalize("NFD", a)) == canonical(b)


def test_canonical_still_tells_different_names_apart() -> None:
    assert canonical("Hòa") != canonical("Hoa")
    assert canonical("Hòa") != canonical("Hóa")
    assert canonical("Đào") != canonical("Dào")


def test_fold_maps_d_stroke_explicitly() -> None:
    assert fold("Đặng Đình Đức") == "Dang Dinh Duc"
    assert fold("Nguyễn Thị Ỹ Ợ Ừ") == "Nguyen Thi Y O U"


@pytest.mark.parametrize(
    "word", ["nguyễn", "quỳnh", "giường", "khuya", "ngoằn", "thuở", "ợ", "ưng", "gì", "ỹ"]
)
def test_vietnamese_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["müller", "b¸o", "nguyôn", "hửụng", "xyz", "ab"])
def test_not_vietnamese_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_control_characters() -> None:
    assert has_control_chars("Nguyễn\x00Văn")
    assert has_control_chars("Nguyễn\u200bVăn")  # zero-width space
    assert has_control_chars("Văn\u202eA")  # right-to-left override
    assert has_control_chars("dòng 1\ndòng 2")
    assert not has_control_chars("dòng 1\ndòng 2", allow_newlines=True)
    assert not has_control_chars("Nguyễn Văn Ánh")


def test_emoji() -> None:
    assert has_emoji("Hoa 🌸")
    assert has_emoji("Ngôi sao ⭐")
    assert has_emoji("Tim ❤️")
    assert not has_emoji("Nguyễn Thị Ỷ, số 5/7 đường Lê Lợi")


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "Nguyễn <b>An</b>", 'x"><img src=x onerror=alert(1)>', "a &#60; b"]
)
def test_html_is_detected(text: str) -> None:
    assert looks_like_html(text)


@pytest.mark.parametrize("text", ["Số 12 < 15", "Thôn 3 & 4", "Nguyễn Văn A", "Tổ 7, Thôn Đông"])
def test_ordinary_text_is_not_html(text: str) -> None:
    assert not looks_like_html(text)


@pytest.mark.parametrize(
    ("garbled", "meant"),
    [("Vò BÝch CÈm", "Vũ Bích Cẩm"), ("Siu Bl\u00adn", "Siu Blưn"), ("TrÇn ThÞ", "Trần Thị")],
)
def test_tcvn3_words_that_also_read_as_syllables_are_caught(garbled: str, meant: str) -> None:
    assert legacy_encoding(garbled) == ("TCVN3", meant)


@pytest.mark.parametrize("name", ["d'Ávila", "ÁNH", "Ánh Dương", "Lê Thị Ẩn"])
def test_capitals_at_word_start_are_not_mojibake(name: str) -> None:
    assert legacy_encoding(name) is None


def test_the_vietnamese_alphabet() -> None:
    """A-Z and the 67 accented letters (đ, ă â ê ô ơ ư, and the twelve vowels with each tone mark),
    in both cases."""
    assert len(VIETNAMESE_LETTERS) == 2 * (26 + 67)
    assert set(VIETNAMESE_ACCENTED) | set(VIETNAMESE_ACCENTED.upper()) <= VIETNAMESE_LETTERS
    assert set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzĐđ") <= VIETNAMESE_LETTERS
    assert all(unicodedata.is_normalized("NFC", c) for c in VIETNAMESE_LETTERS)
    # Case mapping stays inside the alphabet, letter for letter (no "ß" -> "SS").
    assert all({c.upper(), c.lower()} <= VIETNAMESE_LETTERS for c in VIETNAMESE_LETTERS)
    for name in REAL_NAMES:
        assert all(c in VIETNAMESE_LETTERS for c in name if c != " "), name


@pytest.mark.parametrize(
    "char", ["Е", "е", "Н", "О", "Α", "Ο", "ο", "Ｎ", "ａ", "ß", "ñ", "ü", "ø", "ı", "İ", "𝐀", "阮", "\u0308"]
)
def test_look_alikes_and_other_latin_letters_are_not_vietnamese(char: str) -> None:
    assert char not in VIETNAMESE_LETTERS


@pytest.mark.parametrize(("char", "described"), [
    ("Е", "“Е” (chữ Kirin, U+0415)"), ("Ο", "“Ο” (chữ Hy Lạp, U+039F)"), ("阮", "“阮” (chữ Hán, U+962E)"),
    ("あ", "“あ” (chữ Nhật, U+3042)"), ("김", "“김” (chữ Hàn, U+AE40)"),
    ("Ｎ", "“Ｎ” (chữ Latinh khổ rộng – full-width, U+FF2E)"),
    ("ß", "“ß” (chữ Latinh không dùng trong tiếng Việt, U+00DF)"), ("Đ", "“Đ” (chữ cái tiếng Việt, U+0110)"),
    ("٠", "“٠” (chữ số Ả Rập, U+0660)"), ("०", "“०” (chữ số Devanagari, U+0966)"),
    ("０", "“０” (chữ số khổ rộng – full-width, U+FF10)"), ("²", "“²” (chữ số viết nhỏ phía trên, U+00B2)"),
    ("\u0308", "“\u25cc\u0308” (dấu phụ không dùng trong tiếng Việt, U+0308)"),
    ("\u00a0", "“\u00a0” (khoảng trắng đặc biệt, U+00A0)"), ("‐", "“‐” (dấu câu, U+2010)"),
])  # fmt: skip
def test_a_character_is_described_for_a_clerk(char: str, described: str) -> None:
    assert describe_char(char) == described


@pytest.mark.parametrize(("text", "digit"), [
    ("0905123456", None), ("051190001234", None), ("", None), ("Nguyễn", None),
    ("０905", "０"), ("0٩05", "٩"), ("09۰5", "۰"), ("१९९०", "१"), ("0905²", "²"), ("12𝟑", "𝟑"),
])  # fmt: skip
def test_first_foreign_digit(text: str, digit: str | None) -> None:
    """Every digit int() or \\d would accept, other than 0-9."""
    assert first_foreign_digit(text) == digit
