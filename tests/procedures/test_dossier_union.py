"""A dossier's payload is read as the model of its procedure: by its ``kind``, or by its procedure
code when the one-stop system does not tag it."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from rpa.domain import parse_dossier
from rpa.errors import InvalidDossier
from rpa.sandbox.seed import generate

TODAY = date(2026, 12, 4)


def _valid(procedure: str) -> dict[str, Any]:
    seeded = next(
        d for d in generate(11, 30, TODAY, procedures=[procedure]) if d.flaw is None and d.tricky is None
    )
    return copy.deepcopy(seeded.data)


@pytest.mark.parametrize("procedure", ["judicial_record", "business_registration", "road_transport"])
def test_each_payload_is_read_as_its_procedures_model(procedure: str) -> None:
    dossier = parse_dossier(_valid(procedure), today=TODAY)
    assert dossier.payload.kind == procedure
    assert type(dossier.payload).__name__ != "Payload"


@pytest.mark.parametrize("procedure", ["judicial_record", "business_registration", "road_transport"])
def test_an_untagged_payload_is_the_procedure_of_its_code(procedure: str) -> None:
    data = _valid(procedure)
    del data["payload"]["kind"]
    assert parse_dossier(data, today=TODAY).payload.kind == procedure


def test_an_untagged_payload_of_an_unknown_code_is_refused_in_vietnamese() -> None:
    data = _valid("judicial_record")
    del data["payload"]["kind"]
    data["procedure_code"] = "9.999999"
    with pytest.raises(InvalidDossier) as refused:
        parse_dossier(data, today=TODAY)
    (problem,) = [p for p in refused.value.problems if p.field == "payload"]
    assert "không rõ thuộc thủ tục nào" in problem.message


def test_a_payload_of_another_procedure_is_refused_field_by_field() -> None:
    data = _valid("judicial_record")
    data["payload"]["kind"] = "business_registration"
    with pytest.raises(InvalidDossier) as refused:
        parse_dossier(data, today=TODAY)
    fields = {p.field for p in refused.value.problems}
    assert "payload.company_name" in fields and not any(".business_registration." in f for f in fields)
