"""Our reader of the detail page's ``data-field`` convention agrees with the sandbox that writes it,
labels and Vietnamese formats included, and says which labels it does not know."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rpa.procedures import all_procedures
from rpa.procedures.choices import fields_of
from rpa.procedures.display import kind_of
from rpa.sandbox.provincial.fields import Leaf, flatten
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import PROCEDURES, generate
from rpa.sources.fields import FieldError, read_fields, rebuild

ODD: dict[str, Any] = {
    "code": "000.00.01.H55-251103-0001",
    "text": "  Tí  \n dòng 2 <script>",
    "n": 3,
    "x": -0.25,
    "yes": True,
    "no": False,
    "none": None,
    "empty_list": [],
    "empty_dict": {},
    "rows": [{"a": 1, "b": [None, {"c": "d"}]}, {"a": 2, "b": []}],
}


def _shown(data: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """What the page shows for ``data``: (data-field, text, data-type or None for strings)."""
    leaves = [Leaf(p, v, kind=kind_of(data)) for p, v in flatten(data)]
    return [(leaf.path, leaf.text, None if leaf.type == "string" else leaf.type) for leaf in leaves]


@pytest.mark.parametrize("data", [ODD, {"only": "x"}, {"deep": {"er": {"list": [[1, 2], [3]]}}}])
def test_reading_the_sandboxs_output_gives_the_dict_back(data: dict[str, Any]) -> None:
    assert read_fields(_shown(data)).data == data


def test_every_generated_dossier_of_every_procedure_round_trips(today: date) -> None:
    """Every flaw and trick of every procedure the sandbox seeds (100 dossiers each)."""
    for seeded in generate(2, 100 * len(PROCEDURES), today, procedures=sorted(PROCEDURES)):
        page = read_fields(_shown(seeded.data))
        assert page.data == seeded.data and page.unknown == []


def test_the_page_shows_labels_and_vietnamese_formats_not_codes(generated: list[SeededDossier]) -> None:
    data = {**generated[0].data, "status": 4, "channel": "online", "n": 1234567, "x": -0.25, "yes": True}
    data["applicant"] = {**data["applicant"], "sex": "male"}
    data["payload"] = {**data["payload"], "delivery": {"method": "at_agency"}, "certificate_type": 2}
    data["received_at"] = "2025-11-03T08:15:09+07:00"
    shown = {path: text for path, text, _ in _shown(data)}
    assert shown["applicant.sex"] == "Nam"
    assert shown["payload.delivery.method"] == "Nhận tại cơ quan"
    assert shown["payload.certificate_type"] == "Phiếu số 2"
    assert (shown["status"], shown["channel"]) == ("Đang xử lý", "Trực tuyến")
    assert shown["payload.kind"] == "Cấp Phiếu lý lịch tư pháp"
    assert (shown["n"], shown["x"], shown["yes"]) == ("1.234.567", "-0,25", "Có")
    assert shown["received_at"] == "03/11/2025 08:15:09"
    assert read_fields(_shown(data)).data == data


def test_a_label_it_does_not_know_is_kept_as_shown_and_reported(generated: list[SeededDossier]) -> None:
    elements = [(p, "Khác" if p == "applicant.sex" else t, k) for p, t, k in _shown(generated[0].data)]
    page = read_fields(elements)
    assert page.data["applicant"]["sex"] == "Khác"
    [unknown] = page.unknown
    assert (unknown.path, unknown.text, unknown.known) == ("applicant.sex", "Khác", ["Nam", "Nữ"])


def test_an_unusual_date_time_is_shown_as_stored_and_read_back() -> None:
    data = {"received_at": "2025-11-03T01:15:09Z", "due_at": "2025-11-03T08:15:09.5+07:00"}
    assert [text for _, text, _ in _shown(data)] == list(data.values())
    assert read_fields(_shown(data)).data == data


@pytest.mark.parametrize(
    "elements",
    [
        [("a", "1", "number"), ("a", "2", "number")],
        [("a", "x", "number")],
        [("a", "yes", "boolean")],
        [("a", "true", "boolean")],
        [("a", "", "date")],
        [("a", "1", "number"), ("a.b", "2", "number")],
        [("a.0", "1", "number"), ("a.2", "2", "number")],
    ],
)
def test_a_page_breaking_the_convention_is_refused(elements: list[tuple[str, str, str | None]]) -> None:
    with pytest.raises(FieldError):
        read_fields(elements)


def test_rebuild_makes_lists_of_index_keys() -> None:
    assert rebuild([("a.1.b", 2), ("a.0.b", 1)]) == {"a": [{"b": 1}, {"b": 2}]}


@pytest.mark.parametrize("kind", [None, *(p.name for p in all_procedures())])
def test_every_label_reads_back_as_one_code(kind: str | None) -> None:
    """Two codes of one field never share a label: a page showing it could not be read back."""
    for path, table in fields_of(kind).choices.items():
        assert len(set(table.values())) == len(table), path
