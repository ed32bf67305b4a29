"""How old a vehicle may be for each kind of badge: the province's configuration, else the defaults.

The defaults follow Decree 158/2024/NĐ-CP (art. 13-16): 20 years for vehicles carrying passengers
(fixed routes, buses, contract and tourism vehicles), 12 for taxis, 25 for goods vehicles, counted from
the year of manufacture to the year the dossier is filed. A province sets others in its configuration::

    [procedures.road_transport.options.age_limits]
    taxi = 10
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flows.road_transport.model import BADGE_KINDS, GOODS_KINDS, BadgeKind
from rpa.errors import ConfigError

__all__ = ["DEFAULT_AGE_LIMITS", "Options", "age_limit", "configure"]

DEFAULT_AGE_LIMITS: Mapping[str, int] = MappingProxyType(
    {kind: 20 for kind in BADGE_KINDS} | {"taxi": 12} | dict.fromkeys(GOODS_KINDS, 25)
)
Years = Annotated[int, Field(gt=0, le=100)]


class Options(BaseModel):
    """``[procedures.road_transport.options]``: age limits by badge kind (others keep their default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    age_limits: dict[BadgeKind, Years] = Field(default_factory=dict)


_limits: dict[str, int] = dict(DEFAULT_AGE_LIMITS)


def configure(options: Mapping[str, Any]) -> None:
    """Apply the province's options (called by the engine with ``[procedures.road_transport.options]``).

    Raises:
        ConfigError: an unknown option or badge kind, or an age that is not a whole number of years.
    """
    try:
        read = Options.model_validate(dict(options))
    except ValidationError as exc:
        wrong = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"[procedures.road_transport.options]: {wrong}") from None
    _limits.clear()
    _limits.update(DEFAULT_AGE_LIMITS)
    _limits.update({str(kind): years for kind, years in read.age_limits.items()})


def age_limit(kind: str) -> int:
    """The oldest a vehicle may be, in years, for a badge of ``kind``."""
    return _limits[kind]
