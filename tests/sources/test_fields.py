"""Our reader of the detail page's ``data-field`` convention agrees with the sandbox that writes it."""

from __future__ import annotations

from typing import Any

import pytest

from rpa.sandbox.provincial.fields import Leaf, flatten, parse_value
from rpa.sandbox.records import SeededDossier
from rpa.sources.fields import FieldError, read_fields, rebuild, typed_value

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
    return [
        (p, Leaf(p, v).text, None if Leaf(p, v).type == "string" else Leaf(p, v).type)
        for p, v in flatten(data)
    ]


@pytest.mark.parametrize("data", [ODD, {"only": "x"}, {"deep": {"er": {"list": [[1, 2], [3]]}}}])
def test_reading_the_sandboxs_output_gives_the_dict_back(data: dict[str, Any]) -> None:
    assert read_fields(_shown(data)) == data


def test_every_generated_dossier_round_trips(generated: list[SeededDossier]) -> None:
    for seeded in generated:
        assert read_fields(_shown(seeded.data)) == seeded.data


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", None),
        ("x", "string"),
        ("", "null"),
        ("", "array"),
        ("", "object"),
        ("true", "boolean"),
        ("12", "number"),
    ],
)
def test_values_match_the_sandboxs_own_parser(text: str, kind: str | None) -> None:
    assert typed_value(text, kind) == parse_value(text, kind)


@pytest.mark.parametrize(
    "elements",
    [
        [("a", "1", "number"), ("a", "2", "number")],
        [("a", "x", "number")],
        [("a", "yes", "boolean")],
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
