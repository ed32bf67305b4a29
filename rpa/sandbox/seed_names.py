"""Data for the seed generator: names, ethnic groups, occupations, purposes, street texts.

Given names are chosen so that, together, they contain every one of the 67 lowercase accented
Vietnamese letters (``VIETNAMESE_ACCENTED``); the generator cycles through each list, so a couple of
hundred dossiers show them all. Most names are written with the traditional tone placement ("Hòa",
"Thủy"); a few are registered with the new placement ("Hoè", "Khoẻ"), as real civil records are.
"""

from __future__ import annotations

__all__ = [
    "ETHNICITIES",
    "FAMILY_NAMES",
    "GIA_RAI_CLANS",
    "GIA_RAI_GIVEN_FEMALE",
    "GIA_RAI_GIVEN_MALE",
    "GIVEN_FEMALE",
    "GIVEN_MALE",
    "MIDDLE_FEMALE",
    "MIDDLE_MALE",
    "NICKNAMES",
    "OCCUPATIONS",
    "PHONE_PREFIXES",
    "PURPOSES",
    "SCHOOLS",
    "STREETS",
    "TONE_VARIANT_FEMALE",
    "TONE_VARIANT_MALE",
    "UNIVERSITIES",
    "VIETNAMESE_ACCENTED",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _items(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


VIETNAMESE_ACCENTED = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
"""The 67 lowercase Vietnamese letters that carry a diacritic (tone mark, breve, circumflex, horn, bar)."""

# family name:relative weight, roughly the national frequency; Võ and Huỳnh higher as in central Vietnam.
FAMILY_NAMES: tuple[tuple[str, int], ...] = tuple(
    (name, int(weight))
    for name, weight in (
        item.split(":")
        for item in _words(
            "Nguyễn:300 Trần:100 Lê:90 Phạm:60 Huỳnh:50 Võ:60 Phan:40 Hoàng:30 Vũ:20 Đặng:20 Bùi:20 Đỗ:20 "
            "Hồ:30 Ngô:20 Dương:10 Lý:10 Đinh:15 Trương:15 Lương:8 Đoàn:8 Mai:6 Tạ:4 Châu:4 Lưu:4 Thái:4 "
            "Từ:3 Sử:2 Nhữ:2"
        )
    )
)

MIDDLE_MALE = _words("Văn Văn Văn Hữu Minh Thanh Quốc Đức Công Xuân Ngọc Đình Trọng Tấn")
MIDDLE_FEMALE = _words("Thị Thị Thị Ngọc Thanh Minh Thu Kim Mỹ Bích Hồng Diệu Thùy")

GIVEN_MALE = _words(
    "Ánh Tài Bảo Lãm Đạt Đăng Thắng Bằng Thẳng Nẵng Lặng Quân Tuần Tấn Cẩn Mẫn Nhật Hè Tiến Hiển "
    "Việt Bình Chí Chỉnh Sĩ Thịnh Hóa Lộc Hổ Quốc Sơn Thời Lợi Hưng Từ Đức Tử Hữu Lực Tùng Phúc "
    "Dũng Vũ Kỳ Quý Kỷ Khoẻ Vĩnh Nghĩa Công Hòa Thụy Tuấn Dõng Đỗ"
)
GIVEN_FEMALE = _words(
    "Nhã Hạnh Hằng Thắm Vân Cẩm Mẫn Thuận Bé Vẽ Đẹp Uyên Duyên Hiền Kiều Diễm Liễu Huệ Lệ Điệp "
    "Ngọc Hoè Nhỏ Tố Hồng Nhớ Nở Mỡ Phượng Thư Thùy Thúy Cúc Thủy Lụa Quỳnh Ý Mỹ Mỵ Đóa Trâm Yến "
    "Oanh Loan Ngà Hòa Sương Tuyết Nhi Xuân"
)
# Given names whose tone mark can sit on either vowel ("Hòa"/"Hoà"): for the tone_mark_variant trick.
TONE_VARIANT_MALE = _words("Hòa Thụy Khỏe Hóa Thủy")
TONE_VARIANT_FEMALE = _words("Hòa Thủy Thúy Thùy Hòe Đóa Thụy")

NICKNAMES = _words("Tèo Bé Út Tí Cu Hai Ba Tư Bi Su")

# Official national codes of the ethnic groups (Decision 121-TCTK/PPCĐ of 2 March 1979). Only the codes
# that every published version of the list agrees on are used: the statistics office's later, re-ordered
# list gives Ba Na and Xơ Đăng different numbers (12/16 instead of 13/14), so those are left out.
ETHNICITIES: dict[str, str] = {"01": "Kinh", "10": "Gia Rai"}

# Gia Rai (Jarai) clan names as Vietnamese civil records in the former Kon Tum write them; the clan
# name passes down the mother's line.
GIA_RAI_CLANS = _items("Rơ Châm, Siu, Ksor, Rah Lan, Kpă, Nay, Rơ Mah")
GIA_RAI_GIVEN_MALE = _words("Blưn Phơi Dơng Thuân Hyưk Ngơ Tơr Hiếu")
GIA_RAI_GIVEN_FEMALE = _words("H'Lan H'Nhi Hlin Blim Thu Nhung H'Bia Byă")

STREETS = _items(
    "Hùng Vương, Quang Trung, Lê Lợi, Phan Đình Phùng, Trần Hưng Đạo, Nguyễn Huệ, Bà Triệu, "
    "Lê Trung Đình, Phạm Văn Đồng, Trần Phú, Hai Bà Trưng, Nguyễn Nghiêm, Nguyễn Du, Đào Duy Từ"
)
SCHOOLS = _items(
    "Trường THPT Trần Quốc Tuấn, Trường THPT Lê Trung Đình, Trường THPT Sơn Tịnh 1, "
    "Trường THPT Kon Tum, Trường THPT Duy Tân, Trường THCS Nghĩa Dõng, Trường THPT Bình Sơn"
)
UNIVERSITIES = _items(
    "Trường Đại học Phạm Văn Đồng, Trường Đại học Bách khoa - Đại học Đà Nẵng, "
    "Trường Đại học Sư phạm Huế, Trường Đại học Quy Nhơn, Trường Đại học Kinh tế TP. Hồ Chí Minh, "
    "Phân hiệu Đại học Đà Nẵng tại Kon Tum"
)

# (occupation, possible workplaces); None: no workplace written.
OCCUPATIONS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("Nông dân", (None,)),
    (
        "Công nhân",
        (
            "Công ty TNHH Doosan Enerbility Việt Nam",
            "Nhà máy lọc dầu Dung Quất",
            "Công ty CP Đường Quảng Ngãi",
        ),
    ),
    ("Giáo viên", ("Trường Tiểu học Nghĩa Chánh", "Trường THCS Lê Văn Tám", "Trường Mầm non Hoa Sen")),
    ("Nhân viên văn phòng", ("Công ty CP Xây dựng Quảng Ngãi", "Ngân hàng TMCP Công Thương - CN Kon Tum")),
    ("Kinh doanh tự do", (None,)),
    ("Lao động tự do", (None,)),
    ("Kỹ sư", ("Công ty CP Thủy điện Đăk Đrinh", "Ban Quản lý KKT Dung Quất")),
    ("Y sĩ", ("Trạm Y tế xã", "Bệnh viện Đa khoa tỉnh Quảng Ngãi")),
    ("Nội trợ", (None,)),
)

PURPOSES = _items(
    "Bổ sung hồ sơ xin việc, Xuất khẩu lao động, Thành lập doanh nghiệp, Bổ sung hồ sơ du học, "
    "Xin nhập quốc tịch nước ngoài, Bổ sung hồ sơ xin cấp thị thực, "
    "Hồ sơ đăng ký hành nghề luật sư, Bổ sung hồ sơ dự tuyển công chức"
)
PHONE_PREFIXES = _words(
    "032 033 034 035 036 037 038 039 056 058 070 076 077 078 079 081 082 083 084 085 086 088 089 "
    "090 091 093 094 096 097 098"
)
