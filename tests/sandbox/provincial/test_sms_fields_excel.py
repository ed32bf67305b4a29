"""Pure helpers: SMS text, the data-field convention, the Excel export."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from openpyxl import load_workbook

from rpa.procedures.display import kind_of
from rpa.sandbox.provincial.excel import COLUMNS, export_dossiers
from rpa.sandbox.provincial.fields import Leaf, build_detail, flatten
from rpa.sandbox.provincial.sms import MAX_LENGTH, compose_sms, fold_diacritics
from rpa.sandbox.provincial.views import DossierView
from rpa.sandbox.records import SeededDossier
from rpa.sources.fields import read_fields

MakeSeeded = Callable[..., SeededDossier]
MakeDossier = Callable[..., dict[str, Any]]


def test_sms_is_plain_ascii_names_the_citizen_and_the_receipt_code(make_dossier: MakeDossier) -> None:
    data = make_dossier(2)  # LÊ ĐỨC THỌ, male
    code = "000.00.01.H55-251103-0007"
    text = compose_sms(data, code, 4, "51-LLTP-2511-000123", "http://127.0.0.1:8000/")
    assert text == (
        f"UBND tinh Quang Ngai: Ho so {code} cua ong LE DUC THO da duoc chuyen Bo Tu phap, "
        "ma ho so 51-LLTP-2511-000123. Tra cuu: http://127.0.0.1:8000/tra-cuu"
    )
    assert text.isascii()
    accepted = compose_sms(make_dossier(1), code, 2, None, "http://x")
    assert "cua ba TRAN THI HUE da duoc tiep nhan, hen tra ket qua ngay 17/11/2025" in accepted


def test_sms_never_exceeds_two_segments(make_dossier: MakeDossier) -> None:
    data = make_dossier(0)
    data["applicant"]["full_name"] = "Tôn Nữ " * 80
    text = compose_sms(data, "000.00.01.H55-251103-0001", 10, "X" * 40, "http://127.0.0.1:1")
    assert len(text) <= MAX_LENGTH and text.endswith("/tra-cuu") and "..." in text
    assert fold_diacritics("Đặng Thị Huệ, ĐƯỜNG") == "Dang Thi Hue, DUONG"


def test_flatten_and_unflatten_round_trip_including_empty_and_null(make_dossier: MakeDossier) -> None:
    data: dict[str, Any] = {**make_dossier(1), "extra": {"empty": {}, "none": [], "flag": True, "n": 1.5}}
    pairs = flatten(data)
    assert ("payload.residence_history.1.to_date", None) in pairs
    assert ("extra.none", []) in pairs and ("extra.empty", {}) in pairs
    leaves = [Leaf(path, v, kind=kind_of(data)) for path, v in pairs]
    rebuilt = read_fields((leaf.path, leaf.text, leaf.type) for leaf in leaves).data
    assert rebuilt == data


def test_detail_layout_places_every_leaf_exactly_once(make_dossier: MakeDossier) -> None:
    data = make_dossier(3)
    data["odd"] = "giá trị lạ"
    data["payload"]["residence_history"][0]["note"] = "dòng thừa"
    page = build_detail(data)
    placed = [
        *page.header.leaves,
        *page.applicant.leaves,
        *page.relatives.leaves,
        *page.request.leaves,
        *page.receipt_codes.leaves,
        *page.other.leaves,
        *page.residence.extra,
        *page.attachments.extra,
        *page.log.extra,
        *(
            leaf
            for t in (page.residence, page.attachments, page.log)
            for row in t.rows
            for leaf in row
            if leaf
        ),
    ]
    assert sorted(leaf.path for leaf in placed) == sorted(path for path, _ in flatten(data))
    assert [leaf.path for leaf in page.other.leaves] == ["odd"]
    assert [leaf.label for leaf in page.residence.extra] == ["payload.residence_history.0.note"]
    labels = {leaf.path: (leaf.label, leaf.hint) for leaf in page.applicant.leaves}
    assert labels["applicant.sex"] == ("Giới tính", None)
    sex = next(leaf for leaf in page.applicant.leaves if leaf.path == "applicant.sex")
    assert sex.text == "Nữ"  # the label, never the code
    assert labels["applicant.permanent_address.commune"][0] == "Nơi thường trú — Xã/phường"


def test_excel_export_has_frozen_vietnamese_headers_and_raw_values(make_seeded: MakeSeeded) -> None:
    seeded = make_seeded(0)
    seeded.data["applicant"]["birth_date"] = "31/02/1990"
    view = DossierView("000.00.01.H55-251103-0001", 4, seeded.data, None, None, {}, [])
    sheet = load_workbook(io.BytesIO(export_dossiers([view]))).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == [title for title, _ in COLUMNS]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N2"
    row = {title: cell.value for (title, _), cell in zip(COLUMNS, sheet[2], strict=True)}
    assert row["Ngày sinh"] == "31/02/1990" and row["Trạng thái"] == "Đang xử lý"
    assert row["Số giấy tờ tùy thân"] == seeded.data["applicant"]["identity"]["number"]
    assert row["Ngày tiếp nhận"].strftime("%d/%m/%Y %H:%M") == "03/11/2025 08:15"
