"""Names of enterprises the sandbox business-registration portal already holds: its name check refuses
them, and the provincial seeder gives one to its ``name_registered`` flaw."""

from __future__ import annotations

__all__ = ["REGISTERED_NAMES"]

REGISTERED_NAMES: tuple[str, ...] = (
    "CÔNG TY TNHH THƯƠNG MẠI DỊCH VỤ SA HUỲNH",
    "CÔNG TY TNHH XÂY DỰNG TRÀ KHÚC",
    "CÔNG TY TNHH VẬN TẢI DUNG QUẤT",
    "CÔNG TY TNHH THỦY SẢN LÝ SƠN",
    "CÔNG TY TNHH NÔNG SẢN MỘ ĐỨC",
    "CÔNG TY TNHH DU LỊCH MỸ KHÊ",
    "CÔNG TY TNHH CÔNG NGHỆ THIÊN ẤN",
    "CÔNG TY TNHH CƠ KHÍ TỊNH PHONG",
    "CÔNG TY TNHH THỰC PHẨM ĐỨC PHỔ",
    "CÔNG TY TNHH VẬT LIỆU XÂY DỰNG BA TƠ",
    "CÔNG TY TNHH CÀ PHÊ MĂNG ĐEN",
    "CÔNG TY TNHH ĐẦU TƯ KON TUM XANH",
    "CÔNG TY TNHH MAY MẶC NGHĨA HÀNH",
    "CÔNG TY TNHH GỖ SƠN TỊNH",
    "CÔNG TY TNHH NƯỚC MẮM SA KỲ",
    "CÔNG TY TNHH DƯỢC PHẨM BÌNH SƠN",
    "CÔNG TY TNHH ĐIỆN TỬ VẠN TƯỜNG",
    "CÔNG TY TNHH KHÁCH SẠN BIỂN XANH QUẢNG NGÃI",
    "CÔNG TY TNHH GIÁO DỤC ÁNH DƯƠNG",
    "CÔNG TY TNHH NỘI THẤT PHƯỚC LỘC",
    "CÔNG TY TNHH THƯƠNG MẠI ĐĂK HÀ",
    "CÔNG TY TNHH DỊCH VỤ VẬN TẢI NGỌC HỒI",
    "CÔNG TY TNHH PHẦN MỀM CHÂU Ổ",
    "CÔNG TY TNHH NHÀ HÀNG THU XÀ",
    "CÔNG TY TNHH KỸ THUẬT ĐIỆN LẠNH TRƯỜNG XUÂN",
)
