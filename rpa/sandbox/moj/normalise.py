"""The stored (canonical) form of an application and its human-readable review."""

from __future__ import annotations

from typing import Any

from rpa.domain import adminunits
from rpa.sandbox.moj.catalog import (
    CERTIFICATE_TYPES,
    DELIVERY_METHODS,
    ETHNICITIES,
    GENDERS,
    ID_TYPES,
    NATIONALITIES,
    label_of,
)
from rpa.sandbox.moj.forms import STEPS
from rpa.sandbox.moj.validation import clean, parse_date

__all__ = ["describe", "normalise", "unit_name"]


def unit_name(units: tuple[adminunits.Unit, ...], code: str | None) -> str | None:
    return next((u.name for u in units if u.code == code), None)


def _date(text: str) -> str | None:
    parsed = parse_date(text)
    return parsed.strftime("%d/%m/%Y") if parsed else (clean(text) or None)


def _text(value: str | None) -> str | None:
    return clean(value) or None


def _address(values: dict[str, Any], key: str) -> dict[str, Any] | None:
    province = values.get(f"{key}ProvinceId") or None
    if not province:
        return None
    legacy = bool(values.get(f"{key}Legacy"))
    district = values.get(f"{key}DistrictId") or None if legacy else None
    ward = values.get(f"{key}WardId") or None
    result = {
        "legacy": legacy,
        "provinceId": province,
        "provinceName": unit_name(adminunits.provinces(legacy), province),
        "districtId": district,
        "districtName": unit_name(adminunits.districts(province), district) if district else None,
        "wardId": ward,
        "wardName": unit_name(adminunits.communes(province, district), ward),
        "street": _text(values.get(f"{key}Street")),
    }
    parts = (result["street"], result["wardName"], result["districtName"], result["provinceName"])
    result["fullText"] = ", ".join(p for p in parts if p)
    return result


def normalise(draft: dict[str, Any]) -> dict[str, Any]:
    """Every field the user submitted, as the portal stores it (canonical keys in both UI versions)."""
    authorised = bool(draft.get("hasAuthorised"))
    post = draft.get("deliveryMethod") == "post"
    return {
        "fullName": clean(draft.get("fullName")).upper(),
        "otherName": _text(draft.get("otherName")),
        "genderId": draft.get("genderId"),
        "birthDateStr": _date(draft.get("birthDateStr", "")),
        "birthYearOnly": bool(draft.get("birthYearOnly")),
        "birthPlace": _text(draft.get("birthPlace")),
        "nationalityId": draft.get("nationalityId"),
        "ethnicId": draft.get("ethnicId") or None,
        "idTypeId": draft.get("idTypeId"),
        "idNumber": clean(draft.get("idNumber")).upper(),
        "idIssueDateStr": _date(draft.get("idIssueDateStr", "")),
        "idIssuePlace": _text(draft.get("idIssuePlace")),
        "permanentAddress": _address(draft, "permanent"),
        "temporaryAddress": _address(draft, "temporary"),
        "phone": _text(draft.get("phone", "").replace(" ", "")),
        "email": _text(draft.get("email")),
        **{
            k: (clean(draft.get(k)).upper() or None) if k.endswith("Name") else _text(draft.get(k))
            for k in (
                "fatherName",
                "fatherBirthDateStr",
                "motherName",
                "motherBirthDateStr",
                "spouseName",
                "spouseBirthDateStr",
            )
        },
        "residences": [
            {
                "fromDateStr": _date(row["fromDateStr"]),
                "toDateStr": None if row.get("toPresent") else _date(row["toDateStr"]),
                "toPresent": bool(row.get("toPresent")),
                "address": clean(row.get("address")),
                "occupation": _text(row.get("occupation")),
                "workplace": _text(row.get("workplace")),
            }
            for row in draft.get("residences", [])
        ],
        "formType": int(draft.get("formType") or 1),
        "isBanPosition": bool(draft.get("isBanPosition")) and draft.get("formType") != "2",
        "purpose": _text(draft.get("purpose")),
        "copies": int(draft.get("copies") or 1),
        "deliveryMethod": draft.get("deliveryMethod"),
        "deliveryAddress": _address(draft, "delivery") if post else None,
        "hasAuthorised": authorised,
        **{
            k: (
                _date(draft.get(k, ""))
                if k == "authDateStr"
                else (clean(draft.get(k)).upper() or None)
                if k == "authName"
                else _text(draft.get(k))
            )
            if authorised
            else None
            for k in ("authName", "authIdTypeId", "authIdNumber", "authRelationship", "authDateStr")
        },
        "authIsRelative": authorised and bool(draft.get("authIsRelative")),
        "idCardFile": {k: v for k, v in (draft.get("idCardFile") or {}).items() if k != "path"} or None,
    }


def _display(key: str, form: dict[str, Any]) -> str:
    value = form.get(key if key not in ("permanent", "temporary", "delivery") else f"{key}Address")
    options = {
        "genderId": GENDERS,
        "nationalityId": NATIONALITIES,
        "ethnicId": ETHNICITIES,
        "idTypeId": ID_TYPES,
        "authIdTypeId": ID_TYPES,
        "deliveryMethod": DELIVERY_METHODS,
    }
    if key in options:
        return label_of(options[key], value)
    if key == "formType":
        return label_of(CERTIFICATE_TYPES, str(value))
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dict):
        if key == "idCardFile":
            return f"{value['name']} ({value['size']:,} byte)".replace(",", ".")
        return str(value["fullText"])
    return "" if value is None else str(value)


def describe(form: dict[str, Any], version: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """Sections of the review page: (title, [(label, text)])."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for code, step in STEPS.items():
        if code == "c":
            rows = []
            for i, row in enumerate(form["residences"], start=1):
                period = f"{row['fromDateStr']} – {'nay' if row['toPresent'] else row['toDateStr']}"
                extra = ", ".join(p for p in (row["occupation"], row["workplace"]) if p)
                rows.append((f"{i}. {period}", row["address"] + (f" ({extra})" if extra else "")))
            sections.append((step.title_v2 if version == 2 else step.title, rows))
            continue
        shown = [s for s in step.ordered(version) if s.section != "auth" or form["hasAuthorised"]]
        lines = [(spec.title(version), _display(spec.key, form)) for spec in shown]
        sections.append((step.title_v2 if version == 2 else step.title, [ln for ln in lines if ln[1]]))
    return sections
