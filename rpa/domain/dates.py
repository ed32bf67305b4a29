"""Dates as Vietnamese forms write them: dd/MM/yyyy, and birth dates that may be a year only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, PlainSerializer
from pydantic_core import PydanticCustomError, core_schema

from rpa.domain.labels import foreign_digit_error

__all__ = ["BirthDate", "VnDate", "format_vn_date", "parse_vn_date"]

_DMY = re.compile(r"^\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*$")
_YEAR = re.compile(r"^\s*([0-9]{4})\s*$")
EARLIEST_YEAR = 1900
"""No date on a dossier (birth, issue, residence) can be older: earlier years are typing errors."""


def _plausible_year(year: int) -> int:
    if year < EARLIEST_YEAR:
        raise PydanticCustomError(
            "vn_date_year",
            "năm {year} không hợp lý (trước {earliest})",
            {"year": year, "earliest": EARLIEST_YEAR},
        )
    return year


def _ascii_digits(value: str) -> None:
    """Refuse digits other than 0-9 with their own reason: ``int()`` would read "١٥" as 15."""
    error = foreign_digit_error(value)
    if error is not None:
        raise error


def _plausible(value: date) -> date:
    _plausible_year(value.year)
    return value


def parse_vn_date(value: Any) -> date:
    """Parse ``dd/MM/yyyy`` (or an ISO date, or a ``date``) into a ``date``.

    Raises:
        PydanticCustomError: with a Vietnamese message when the text is not a real date.
    """
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if not isinstance(value, str):
        raise PydanticCustomError("vn_date", "phải là ngày theo dạng dd/MM/yyyy")
    _ascii_digits(value)
    match = _DMY.match(value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            parsed = date(year, month, day)
        else:
            parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError(
            "vn_date", "ngày {value} không tồn tại hoặc sai dạng dd/MM/yyyy", {"value": value}
        ) from None
    return _plausible(parsed)


def format_vn_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


VnDate = Annotated[date, BeforeValidator(parse_vn_date), PlainSerializer(format_vn_date, return_type=str)]
"""A date read from and written as ``dd/MM/yyyy``."""


@dataclass(frozen=True, order=True)
class BirthDate:
    """A birth date that may be only a year (``1975``) or a full ``dd/MM/yyyy`` date."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> BirthDate:
        """Read ``"1975"``, ``1975`` or ``"05/03/1975"``; years before 1900 are refused.

        Raises:
            PydanticCustomError: with a Vietnamese message.
        """
        if isinstance(value, BirthDate):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            _ascii_digits(value)
        if isinstance(value, str) and _YEAR.match(value):
            return cls(_plausible_year(int(value)))
        full = parse_vn_date(value)
        return cls(full.year, full.month, full.day)

    @property
    def is_year_only(self) -> bool:
        return self.day is None

    def earliest(self) -> date:
        """The earliest day this birth date can mean (1 January for a year-only date)."""
        return date(self.year, self.month or 1, self.day or 1)

    def anniversary(self, years: int) -> date:
        """The day the person turns ``years`` old.

        A year-only birth counts from 1 January. Someone born on 29 February turns a year older on
        1 March in common years (the day after 28 February ends).
        """
        born = self.earliest()
        try:
            return born.replace(year=born.year + years)
        except ValueError:
            return date(born.year + years, 3, 1)

    def __str__(self) -> str:
        if self.day is None or self.month is None:
            return f"{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                str, return_schema=core_schema.str_schema()
            ),
            json_schema_input_schema=core_schema.str_schema(),
        )
