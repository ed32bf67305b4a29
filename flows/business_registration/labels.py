"""Vietnamese labels of the business-registration payload's fields, as the application form names them
(giấy đề nghị đăng ký doanh nghiệp, công ty TNHH một thành viên)."""

from __future__ import annotations

from typing import Any

from rpa.domain.labels import address_labels, identity_labels

__all__ = ["PAYLOAD_LABELS", "VALUE_LABELS"]

_OWNER = "chủ sở hữu"
_REPRESENTATIVE = "người đại diện theo pháp luật {n}"
_ACCOUNTANT = "kế toán trưởng/phụ trách kế toán"


def _person(prefix: str, who: str) -> dict[str, str]:
    return {
        f"{prefix}.full_name": f"Họ và tên {who}",
        f"{prefix}.sex": f"Giới tính của {who}",
        f"{prefix}.birth_date": f"Ngày sinh của {who}",
        f"{prefix}.nationality": f"Quốc tịch của {who}",
        **identity_labels(f"{prefix}.identity", f" của {who}"),
        **address_labels(f"{prefix}.contact_address", f"Địa chỉ liên lạc của {who}"),
    }


PAYLOAD_LABELS: dict[str, str] = {
    "payload.company_name": "Tên công ty viết bằng tiếng Việt",
    "payload.foreign_name": "Tên công ty viết bằng tiếng nước ngoài",
    "payload.abbreviation": "Tên công ty viết tắt",
    **address_labels("payload.head_office", "Địa chỉ trụ sở chính"),
    "payload.phone": "Điện thoại trụ sở chính",
    "payload.email": "Thư điện tử của công ty",
    "payload.website": "Website của công ty",
    "payload.industries": "Ngành, nghề kinh doanh",
    "payload.industries.*": "Ngành, nghề kinh doanh, dòng {n}",
    "payload.industries.*.code": "Ngành, nghề kinh doanh, dòng {n} – mã ngành",
    "payload.industries.*.main": "Ngành, nghề kinh doanh, dòng {n} – ngành chính",
    "payload.charter_capital": "Vốn điều lệ",
    "payload.contributions": "Tài sản góp vốn",
    "payload.contributions.*": "Tài sản góp vốn, dòng {n}",
    "payload.contributions.*.asset": "Tài sản góp vốn, dòng {n} – loại tài sản",
    "payload.contributions.*.amount": "Tài sản góp vốn, dòng {n} – giá trị (đồng)",
    "payload.contribution_deadline": "Thời hạn góp vốn",
    "payload.owner": "Thông tin chủ sở hữu",
    **_person("payload.owner", _OWNER),
    "payload.owner.ethnicity": f"Dân tộc của {_OWNER}",
    **address_labels("payload.owner.permanent_address", f"Nơi thường trú của {_OWNER}"),
    "payload.representatives": "Người đại diện theo pháp luật",
    "payload.representatives.*": "Người đại diện theo pháp luật {n}",
    **_person("payload.representatives.*", _REPRESENTATIVE),
    "payload.representatives.*.title": f"Chức danh của {_REPRESENTATIVE}",
    "payload.tax": "Thông tin đăng ký thuế",
    "payload.tax.start_date": "Ngày bắt đầu hoạt động",
    "payload.tax.accounting": "Hình thức hạch toán",
    "payload.tax.vat_method": "Phương pháp tính thuế giá trị gia tăng",
    "payload.tax.fiscal_year_start": "Năm tài chính bắt đầu từ ngày",
    "payload.tax.employees": "Tổng số lao động dự kiến",
    "payload.tax.chief_accountant": f"Thông tin {_ACCOUNTANT}",
    "payload.tax.chief_accountant.full_name": f"Họ và tên {_ACCOUNTANT}",
    "payload.tax.chief_accountant.phone": f"Điện thoại của {_ACCOUNTANT}",
}

VALUE_LABELS: dict[str, dict[Any, str]] = {
    "payload.tax.accounting": {"independent": "Hạch toán độc lập", "dependent": "Hạch toán phụ thuộc"},
    "payload.tax.vat_method": {
        "deduction": "Phương pháp khấu trừ",
        "direct_on_vat": "Phương pháp trực tiếp trên GTGT",
        "direct_on_revenue": "Phương pháp trực tiếp trên doanh thu",
    },
}
"""What clerks read for the codes of the payload's coded fields (with ``model.ASSET_LABELS``, its
``Procedure.value_labels``)."""
