"""Administrative units: legacy → post-2025 conversion, and unit codes against names."""

from __future__ import annotations

import pytest

from rpa.domain import Address
from rpa.domain.adminunits import Unit, code_mismatches, convert_legacy, provinces, same_unit
from rpa.errors import AddressNotConvertible, BusinessError


def test_province_lists() -> None:
    assert len(provinces(legacy=True)) == 63
    assert len(provinces()) == 34
    assert Unit("62", "Tỉnh Kon Tum") in provinces(legacy=True)
    assert Unit("62", "Tỉnh Kon Tum") not in provinces()


def test_convert_quang_ngai_commune() -> None:
    province, commune = convert_legacy("Xã Nghĩa Dõng", "Thành phố Quảng Ngãi", "Tỉnh Quảng Ngãi")
    assert province == Unit("51", "Tỉnh Quảng Ngãi")
    assert commune == Unit("21034", "Xã An Phú")


def test_convert_former_kon_tum_ward_into_quang_ngai() -> None:
    province, commune = convert_legacy("Phường Quyết Thắng", "Thành phố Kon Tum", "Tỉnh Kon Tum")
    assert province == Unit("51", "Tỉnh Quảng Ngãi")
    assert commune == Unit("23293", "Phường Kon Tum")


def test_address_to_current_keeps_the_street() -> None:
    old = Address(
        street="12 Lê Lợi", commune="Xã Đắk Rơ Wa", district="Thành phố Kon Tum", province="Tỉnh Kon Tum"
    )
    new = old.to_current()
    assert not new.is_legacy
    assert (new.street, new.commune, new.commune_code, new.province, new.province_code) == (
        "12 Lê Lợi", "Xã Đăk Rơ Wa", "23332", "Tỉnh Quảng Ngãi", "51",
    )  # fmt: skip


def test_current_address_is_returned_as_is() -> None:
    current = Address(
        commune="Xã An Phú", commune_code="21034", province="Tỉnh Quảng Ngãi", province_code="51"
    )
    assert current.to_current() is current


@pytest.mark.parametrize(
    ("commune", "district", "province", "reason"),
    [
        ("Xã Nghĩa Dõng", "Huyện Tư Nghĩa", "Tỉnh Quảng Ngãi", "không tìm thấy xã/phường “Xã Nghĩa Dõng”"),
        ("Xã Không Có", "Thành phố Quảng Ngãi", "Tỉnh Quảng Ngãi", "không tìm thấy xã/phường “Xã Không Có”"),
        ("Xã Nghĩa Dõng", "Thành phố Quảng Ngãi", "Tỉnh Atlantis", "không tìm thấy"),
    ],
)
def test_failing_conversion_names_the_address(
    commune: str, district: str, province: str, reason: str
) -> None:
    with pytest.raises(AddressNotConvertible) as info:
        Address(commune=commune, district=district, province=province).to_current()
    assert isinstance(info.value, BusinessError)
    assert info.value.address == f"{commune}, {district}, {province}"
    assert reason in info.value.reason
    assert str(info.value).startswith(f"Không chuyển được địa chỉ “{commune}, {district}, {province}”")


def test_same_unit_ignores_type_words_case_and_accents() -> None:
    assert same_unit("Tỉnh Quảng Ngãi", "Quảng Ngãi")
    assert same_unit("Xã Đắk Hà", "Thị trấn Đăk Hà")
    assert same_unit("Quận 1", "quận 1")
    assert not same_unit("Quận 1", "Quận 3")
    assert not same_unit("Xã Nghĩa Dõng", "Xã Nghĩa Dũng")


def test_codes_matching_names() -> None:
    assert code_mismatches("Tỉnh Quảng Ngãi", "51", "Xã An Phú", "21034") == {}
    assert (
        code_mismatches("Tỉnh Quảng Ngãi", "51", "Xã Nghĩa Dõng", "21037", "Thành phố Quảng Ngãi", "522")
        == {}
    )
    assert code_mismatches("Tỉnh Quảng Ngãi", None, "Xã An Phú", "99999") == {}  # nothing to look under


def test_codes_not_matching_names() -> None:
    assert code_mismatches("Tỉnh Quảng Ngãi", "62", "Xã An Phú", None) == {
        "province_code": "mã 62 không có trong danh mục đơn vị hành chính"
    }
    assert code_mismatches("Tỉnh Quảng Ngãi", "51", "Xã An Phú", "21037") == {
        "commune_code": "mã 21037 không có trong danh mục đơn vị hành chính"
    }
    assert code_mismatches("Tỉnh Kon Tum", "51", "Xã Nghĩa Dõng", None, "Thành phố Quảng Ngãi", "522") == {
        "province_code": "mã 51 là của Tỉnh Quảng Ngãi, không phải “Tỉnh Kon Tum”"
    }
