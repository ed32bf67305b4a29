"""The transport businesses (companies and co-operatives) holding a road-transport licence in Quảng Ngãi.

The sandbox road-transport portal ``vantai`` looks them up by licence number (its autocomplete) and
refuses an application whose licence has expired or which asks for a badge valid beyond the licence;
the provincial seeder names them in badge dossiers, so a seeded dossier names a business the portal
knows. Licence numbers are ``76-NNNNNN`` (Quảng Ngãi's vehicle code) or ``82-NNNNNN`` (the former
Kon Tum, merged into Quảng Ngãi on 1 July 2025); tax codes are 10 digits with a valid check digit,
beginning 43 (Quảng Ngãi) or 61 (Kon Tum). Addresses name the communes of the 2025 two-level scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "BUSINESSES",
    "GOODS_KINDS",
    "KIND_LABELS",
    "PASSENGER_KINDS",
    "TransportBusiness",
    "by_licence",
    "expired",
    "search",
]

# Badge kinds (the portal's option values) and the labels the portal shows.
KIND_LABELS: dict[str, str] = {
    "tuyen_co_dinh": "Xe chạy tuyến cố định",
    "xe_buyt": "Xe buýt",
    "taxi": "Xe taxi",
    "hop_dong": "Xe hợp đồng",
    "du_lich": "Xe du lịch",
    "xe_tai": "Xe tải",
    "container": "Xe công-te-nơ",
    "dau_keo": "Xe đầu kéo",
}
PASSENGER_KINDS = ("tuyen_co_dinh", "xe_buyt", "taxi", "hop_dong", "du_lich")
GOODS_KINDS = ("xe_tai", "container", "dau_keo")


@dataclass(frozen=True)
class TransportBusiness:
    """One licensed transport business; ``loai_hinh`` are the badge kinds its licence covers."""

    so_giay_phep: str
    ten: str
    ma_so_thue: str
    dia_chi: str
    het_han: date
    loai_hinh: tuple[str, ...]


_T = TransportBusiness
_PAX = ("hop_dong", "du_lich")
_GOODS = ("xe_tai", "container", "dau_keo")

# Ten licences expired before December 2026 (the sandbox's "now"), five more expire during 2027,
# so a badge asked "valid until 31/12/2027" is refused for them although they are still valid.
BUSINESSES: tuple[TransportBusiness, ...] = (
    _T("76-002233", "CÔNG TY TNHH VẬN TẢI SA HUỲNH", "4344232327",
       "Số 12 Nguyễn Tất Thành, Phường Sa Huỳnh, tỉnh Quảng Ngãi",
       date(2029, 5, 14), ("tuyen_co_dinh", "hop_dong", "du_lich")),
    _T("76-000336", "CÔNG TY CỔ PHẦN XE KHÁCH QUẢNG NGÃI", "4318340622",
       "Số 26 Quang Trung, Phường Cẩm Thành, tỉnh Quảng Ngãi",
       date(2030, 1, 9), ("tuyen_co_dinh", "xe_buyt", "hop_dong")),
    _T("76-006067", "HỢP TÁC XÃ VẬN TẢI DUNG QUẤT", "4345378960",
       "Thôn Tân Hy, Xã Vạn Tường, tỉnh Quảng Ngãi",
       date(2028, 8, 30), ("xe_tai", "container", "dau_keo")),
    _T("76-009180", "CÔNG TY TNHH TAXI MAI LINH QUẢNG NGÃI", "4365159477",
       "Số 168 Hùng Vương, Phường Nghĩa Lộ, tỉnh Quảng Ngãi",
       date(2027, 3, 31), ("taxi",)),
    _T("76-003419", "CÔNG TY TNHH VẬN TẢI HÀNH KHÁCH TRÀ KHÚC", "4392778243",
       "Số 45 Lê Thánh Tôn, Phường Trương Quang Trọng, tỉnh Quảng Ngãi",
       date(2025, 11, 20), ("tuyen_co_dinh", "hop_dong")),
    _T("76-004689", "HỢP TÁC XÃ VẬN TẢI BÌNH SƠN", "4328545749",
       "Thôn Phước Hòa, Xã Bình Sơn, tỉnh Quảng Ngãi",
       date(2029, 12, 1), ("hop_dong", "xe_tai")),
    _T("76-003961", "CÔNG TY TNHH VẬN TẢI VÀ DU LỊCH LÝ SƠN", "4362978397",
       "Thôn Đông, Đặc khu Lý Sơn, tỉnh Quảng Ngãi",
       date(2028, 6, 15), _PAX),
    _T("76-004256", "CÔNG TY CỔ PHẦN VẬN TẢI HÀNG HÓA THIÊN ẤN", "4306032775",
       "Số 89 Phạm Văn Đồng, Phường Cẩm Thành, tỉnh Quảng Ngãi",
       date(2031, 2, 28), _GOODS),
    _T("76-002344", "CÔNG TY TNHH TAXI SÔNG TRÀ", "4326453588",
       "Số 7 Trần Hưng Đạo, Phường Nghĩa Lộ, tỉnh Quảng Ngãi",
       date(2026, 6, 30), ("taxi",)),
    _T("76-009786", "CÔNG TY TNHH VẬN TẢI MỘ ĐỨC", "4393739092",
       "Thôn Thạch Trụ Tây, Xã Long Phụng, tỉnh Quảng Ngãi",
       date(2029, 9, 9), ("tuyen_co_dinh", "xe_tai")),
    _T("76-003260", "HỢP TÁC XÃ VẬN TẢI ĐỨC PHỔ", "4305995244",
       "Tổ dân phố 3, Phường Đức Phổ, tỉnh Quảng Ngãi",
       date(2028, 4, 22), ("tuyen_co_dinh", "hop_dong", "xe_tai")),
    _T("76-009850", "CÔNG TY TNHH VẬN TẢI CONTAINER VẠN TƯỜNG", "4328132163",
       "Khu kinh tế Dung Quất, Xã Vạn Tường, tỉnh Quảng Ngãi",
       date(2030, 7, 1), ("container", "dau_keo")),
    _T("76-000148", "CÔNG TY CỔ PHẦN XE BUÝT QUẢNG NGÃI", "4388075181",
       "Số 2 Lê Trung Đình, Phường Cẩm Thành, tỉnh Quảng Ngãi",
       date(2032, 1, 1), ("xe_buyt", "hop_dong")),
    _T("76-009885", "CÔNG TY TNHH DU LỊCH VÀ VẬN TẢI MỸ KHÊ", "4324164492",
       "Thôn Cổ Lũy, Xã Tịnh Khê, tỉnh Quảng Ngãi",
       date(2024, 12, 31), _PAX),
    _T("76-002498", "CÔNG TY TNHH VẬN TẢI HOÀNG LONG QUẢNG NGÃI", "4333406821",
       "Số 301 Nguyễn Văn Linh, Phường Trương Quang Trọng, tỉnh Quảng Ngãi",
       date(2028, 10, 10), ("tuyen_co_dinh", "hop_dong", "du_lich")),
    _T("76-000847", "HỢP TÁC XÃ VẬN TẢI TƯ NGHĨA", "4360567112",
       "Thôn Điện An, Xã Tư Nghĩa, tỉnh Quảng Ngãi",
       date(2027, 8, 18), ("hop_dong", "xe_tai")),
    _T("76-006484", "CÔNG TY TNHH THƯƠNG MẠI VÀ VẬN TẢI AN PHÁT", "4390437784",
       "Thôn Phú Bình, Xã Sơn Tịnh, tỉnh Quảng Ngãi",
       date(2029, 3, 3), ("xe_tai", "dau_keo")),
    _T("76-000961", "CÔNG TY TNHH VẬN TẢI NGHĨA HÀNH", "4350486224",
       "Thôn Phú Lâm Đông, Xã Nghĩa Hành, tỉnh Quảng Ngãi",
       date(2026, 2, 14), ("tuyen_co_dinh", "hop_dong")),
    _T("76-006462", "CÔNG TY TNHH TAXI VINASUN QUẢNG NGÃI", "4315234496",
       "Số 55 Phan Đình Phùng, Phường Cẩm Thành, tỉnh Quảng Ngãi",
       date(2030, 11, 30), ("taxi",)),
    _T("76-007339", "CÔNG TY TNHH VẬN TẢI MINH LONG", "4340521575",
       "Thôn Minh Tân, Xã Minh Long, tỉnh Quảng Ngãi",
       date(2028, 1, 20), ("hop_dong", "xe_tai")),
    _T("76-002219", "HỢP TÁC XÃ VẬN TẢI TRÀ BỒNG", "4399605842",
       "Tổ dân phố 1, Xã Trà Bồng, tỉnh Quảng Ngãi",
       date(2029, 7, 7), ("tuyen_co_dinh", "hop_dong")),
    _T("76-002553", "CÔNG TY CỔ PHẦN LOGISTICS SÔNG VỆ", "4305282035",
       "Quốc lộ 1A, Xã Vệ Giang, tỉnh Quảng Ngãi",
       date(2031, 5, 5), _GOODS),
    _T("76-000869", "CÔNG TY TNHH VẬN TẢI PHƯỚC LỘC", "4317515439",
       "Số 14 Hai Bà Trưng, Phường Nghĩa Lộ, tỉnh Quảng Ngãi",
       date(2025, 6, 1), ("hop_dong", "du_lich", "xe_tai")),
    _T("76-000988", "CÔNG TY TNHH VẬN TẢI BA TƠ", "4333873960",
       "Tổ dân phố Đồng Xoài, Xã Ba Tơ, tỉnh Quảng Ngãi",
       date(2027, 5, 25), ("tuyen_co_dinh", "xe_tai")),
    _T("76-008842", "CÔNG TY TNHH VẬN TẢI HÀNH KHÁCH THIÊN PHÚC", "4380192856",
       "Số 120 Bà Triệu, Phường Nghĩa Lộ, tỉnh Quảng Ngãi",
       date(2029, 10, 31), ("tuyen_co_dinh", "hop_dong", "du_lich")),
    _T("76-006205", "HỢP TÁC XÃ DỊCH VỤ VẬN TẢI SƠN HÀ", "4364284411",
       "Thôn Gò Da, Xã Sơn Hà, tỉnh Quảng Ngãi",
       date(2026, 9, 15), ("hop_dong", "xe_tai")),
    _T("76-001589", "CÔNG TY CỔ PHẦN VẬN TẢI BIỂN ĐÔNG QUẢNG NGÃI", "4300201843",
       "Số 9 Lê Lợi, Phường Cẩm Thành, tỉnh Quảng Ngãi",
       date(2030, 3, 12), ("container", "dau_keo", "xe_tai")),
    _T("76-001651", "CÔNG TY TNHH TAXI XANH SM QUẢNG NGÃI", "4356294014",
       "Số 210 Trường Chinh, Phường Cẩm Thành, tỉnh Quảng Ngãi",
       date(2031, 8, 8), ("taxi",)),
    _T("76-002549", "CÔNG TY TNHH VẬN TẢI TÂN TIẾN", "4346676423",
       "Thôn An Hội Bắc, Xã Trường Giang, tỉnh Quảng Ngãi",
       date(2027, 12, 10), ("xe_tai",)),
    _T("76-004626", "CÔNG TY TNHH VẬN TẢI VÀ DU LỊCH ĐẠI PHÁT", "4374080840",
       "Số 33 Nguyễn Nghiêm, Phường Nghĩa Lộ, tỉnh Quảng Ngãi",
       date(2028, 9, 19), _PAX),
    _T("76-003276", "HỢP TÁC XÃ VẬN TẢI SƠN TÂY", "4364279877",
       "Thôn Huy Em, Xã Sơn Tây, tỉnh Quảng Ngãi",
       date(2025, 3, 8), ("hop_dong", "xe_tai")),
    _T("76-008304", "CÔNG TY TNHH VẬN TẢI KHÁNH CƯỜNG", "4367309079",
       "Thôn Vĩnh An, Xã Khánh Cường, tỉnh Quảng Ngãi",
       date(2029, 2, 2), ("tuyen_co_dinh", "xe_tai", "dau_keo")),
    _T("76-001421", "CÔNG TY TNHH VẬN TẢI HÀNG HÓA NGỌC MINH", "4322109249",
       "Thôn Mỹ Lộc, Xã Đình Cương, tỉnh Quảng Ngãi",
       date(2030, 6, 6), _GOODS),
    _T("76-008810", "CÔNG TY TNHH DỊCH VỤ VẬN TẢI BÌNH MINH", "4379803606",
       "Thôn Châu Tân, Xã Bình Minh, tỉnh Quảng Ngãi",
       date(2026, 10, 31), ("hop_dong", "du_lich")),
    _T("82-007111", "CÔNG TY CỔ PHẦN XE KHÁCH KON TUM", "6102492087",
       "Số 159 Phan Đình Phùng, Phường Kon Tum, tỉnh Quảng Ngãi",
       date(2029, 4, 4), ("tuyen_co_dinh", "xe_buyt", "hop_dong")),
    _T("82-005282", "CÔNG TY TNHH VẬN TẢI VÀ DU LỊCH MĂNG ĐEN", "6143709130",
       "Thôn Kon Tu Rằng, Xã Măng Đen, tỉnh Quảng Ngãi",
       date(2028, 12, 24), _PAX),
    _T("82-000932", "HỢP TÁC XÃ VẬN TẢI ĐĂK TÔ", "6188097537",
       "Tổ dân phố 2, Xã Đăk Tô, tỉnh Quảng Ngãi",
       date(2026, 4, 30), ("hop_dong", "xe_tai")),
    _T("82-002530", "CÔNG TY TNHH TAXI NGỌC LINH", "6186380154",
       "Số 25 Trần Phú, Phường Đăk Bla, tỉnh Quảng Ngãi",
       date(2027, 9, 1), ("taxi",)),
    _T("82-001025", "CÔNG TY TNHH VẬN TẢI HÀNG HÓA BỜ Y", "6114222913",
       "Quốc lộ 40, Xã Bờ Y, tỉnh Quảng Ngãi",
       date(2030, 10, 15), _GOODS),
    _T("82-006344", "CÔNG TY TNHH VẬN TẢI SA THẦY", "6182980753",
       "Thôn 1, Xã Sa Thầy, tỉnh Quảng Ngãi",
       date(2025, 8, 31), ("hop_dong", "xe_tai")),
)  # fmt: skip

_BY_LICENCE = {b.so_giay_phep: b for b in BUSINESSES}


def by_licence(so_giay_phep: str) -> TransportBusiness | None:
    """The business holding this licence number, or None when no business holds it."""
    return _BY_LICENCE.get(so_giay_phep.strip())


def search(prefix: str, limit: int = 10) -> list[TransportBusiness]:
    """Businesses whose licence number starts with ``prefix``, in licence order, at most ``limit``."""
    prefix = prefix.strip()
    found = [b for b in BUSINESSES if b.so_giay_phep.startswith(prefix)]
    return sorted(found, key=lambda b: b.so_giay_phep)[:limit]


def expired(business: TransportBusiness, on: date) -> bool:
    """Whether the licence is no longer valid on ``on`` (it is valid through its ``het_han`` day)."""
    return business.het_han < on
