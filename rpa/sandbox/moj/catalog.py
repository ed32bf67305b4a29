"""Code lists of the portal: sex, identity document types, nationalities, ethnic groups."""

from __future__ import annotations

from typing import Final

__all__ = ["CERTIFICATE_TYPES", "DELIVERY_METHODS", "ETHNICITIES", "GENDERS", "ID_TYPES", "NATIONALITIES"]

Options = tuple[tuple[str, str], ...]

GENDERS: Final[Options] = (("1", "Nam"), ("2", "Nữ"))

ID_TYPES: Final[Options] = (
    ("1", "Căn cước công dân / Thẻ căn cước"),
    ("2", "Chứng minh nhân dân"),
    ("3", "Hộ chiếu"),
)
ID_LENGTHS: Final[dict[str, tuple[int, ...]]] = {"1": (12,), "2": (9, 12)}

CERTIFICATE_TYPES: Final[Options] = (("1", "Phiếu lý lịch tư pháp số 1"), ("2", "Phiếu lý lịch tư pháp số 2"))

DELIVERY_METHODS: Final[Options] = (
    ("at_agency", "Nhận trực tiếp tại cơ quan"),
    ("post", "Nhận qua dịch vụ bưu chính"),
)

NATIONALITIES: Final[Options] = (
    ("VN", "Việt Nam"),
    ("LA", "Lào"),
    ("KH", "Campuchia"),
    ("CN", "Trung Quốc"),
    ("TH", "Thái Lan"),
    ("KR", "Hàn Quốc"),
    ("JP", "Nhật Bản"),
    ("US", "Hoa Kỳ"),
    ("FR", "Pháp"),
    ("DE", "Đức"),
    ("GB", "Vương quốc Anh"),
    ("AU", "Ô-xtrây-li-a"),
    ("RU", "Liên bang Nga"),
    ("SG", "Xin-ga-po"),
    ("MY", "Ma-lai-xi-a"),
    ("PH", "Phi-líp-pin"),
    ("ID", "In-đô-nê-xi-a"),
    ("TW", "Đài Loan (Trung Quốc)"),
    ("CA", "Ca-na-đa"),
    ("IN", "Ấn Độ"),
    ("XX", "Không quốc tịch"),
)

ETHNICITIES: Final[Options] = (
    *(
        (f"{i:02d}", name)
        for i, name in enumerate(
            (
                "Kinh",
                "Tày",
                "Thái",
                "Hoa",
                "Khơ-me",
                "Mường",
                "Nùng",
                "HMông",
                "Dao",
                "Gia-rai",
                "Ngái",
                "Ê-đê",
                "Ba-na",
                "Xơ-đăng",
                "Sán Chay",
                "Cơ-ho",
                "Chăm",
                "Sán Dìu",
                "Hrê",
                "Mnông",
                "Ra-glai",
                "Xtiêng",
                "Bru-Vân Kiều",
                "Thổ",
                "Giáy",
                "Cơ-tu",
                "Gié-Triêng",
                "Mạ",
                "Khơ-mú",
                "Co",
                "Tà-ôi",
                "Chơ-ro",
                "Kháng",
                "Xinh-mun",
                "Hà Nhì",
                "Chu-ru",
                "Lào",
                "La Chí",
                "La Ha",
                "Phù Lá",
                "La Hủ",
                "Lự",
                "Lô Lô",
                "Chứt",
                "Mảng",
                "Pà Thẻn",
                "Cờ Lao",
                "Cống",
                "Bố Y",
                "Si La",
                "Pu Péo",
                "Brâu",
                "Ơ Đu",
                "Rơ-măm",
            ),
            start=1,
        )
    ),
    ("55", "Người nước ngoài"),
)


def label_of(options: Options, value: str | None) -> str:
    return next((label for code, label in options if code == value), "")
