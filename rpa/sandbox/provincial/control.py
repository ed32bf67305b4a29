"""Control and inspection API under ``/_sandbox/`` (JSON, not linked from the UI, no login)."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from rpa.sandbox.provincial.auth import ACCOUNTS, accounts_json
from rpa.sandbox.provincial.store import DEFAULT_AGENCY, ProvincialStore
from rpa.sandbox.provincial.views import SearchFilters, StoreError
from rpa.sandbox.records import SeededDossier, SeedFile

__all__ = ["RawDossierIn", "router"]

router = APIRouter(prefix="/_sandbox", tags=["sandbox"], include_in_schema=False)


def _store(request: Request) -> ProvincialStore:
    store: ProvincialStore = request.app.state.store
    return store


Store = Annotated[ProvincialStore, Depends(_store)]


class FileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    media_type: str = "application/octet-stream"
    content_base64: str


class RawDossierIn(BaseModel):
    """One raw dossier to add as it is (flawed values welcome)."""

    model_config = ConfigDict(extra="forbid")

    data: dict[str, Any]
    files: list[FileIn] = []
    flaw: str | None = None
    tricky: str | None = None


class AddDossiersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dossiers: list[RawDossierIn]
    agency: str = DEFAULT_AGENCY


class SeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int
    dossiers: int = Field(ge=0, le=2000)
    today: date | None = None
    agency: str = DEFAULT_AGENCY
    procedures: list[Literal["judicial_record", "business_registration", "road_transport"]] = Field(
        default=["judicial_record"], min_length=1, max_length=3
    )
    """Which procedures' dossiers, in turn (see :func:`rpa.sandbox.seed.generate`)."""


class StatusIn(BaseModel):
    """A status change made as a clerk would make it (``PUT /api/dossiers/{code}/status`` without a token)."""

    model_config = ConfigDict(extra="forbid")

    status: StrictInt = Field(ge=1, le=10)
    note: str = Field("", max_length=2000)
    actor: str = Field(ACCOUNTS[0].display_name, min_length=1, max_length=200)


def _decode(item: FileIn) -> SeedFile:
    try:
        content = base64.b64decode(item.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise StoreError(f"Tệp {item.name}: content_base64 không phải base64 hợp lệ") from None
    return SeedFile(item.name, item.media_type, content)


def _identity_number(data: dict[str, Any]) -> Any:
    applicant = data.get("applicant")
    identity = applicant.get("identity") if isinstance(applicant, dict) else None
    return identity.get("number") if isinstance(identity, dict) else None


@router.get("/accounts")
def accounts() -> dict[str, Any]:
    """The clerk and service accounts, first one for the bots."""
    return {"accounts": accounts_json()}


@router.get("/dossiers")
def dossiers(store: Store) -> list[dict[str, Any]]:
    """Every dossier with status, receipt codes and, for seeded ones, the deliberate flaw (or null)."""
    views, _ = store.search(SearchFilters(), size=None, newest_first=False)
    return [
        {
            "code": view.code,
            "status": view.status,
            "receipt_codes": view.receipt_codes,
            "flaw": view.flaw,
            "tricky": view.tricky,
            "procedure_code": view.data.get("procedure_code"),
            "identity_number": _identity_number(view.data),
            "data": view.data,
        }
        for view in views
    ]


@router.post("/dossiers")
def add_dossiers(body: AddDossiersIn, store: Store) -> dict[str, Any]:
    """Add raw dossier dicts; the store assigns their codes."""
    seeded = [
        SeededDossier(item.data, [_decode(f) for f in item.files], item.flaw, item.tricky)
        for item in body.dossiers
    ]
    return {"codes": store.add_dossiers(seeded, body.agency)}


@router.post("/dossiers/{code}/status")
def change_status(code: str, body: StatusIn, request: Request, store: Store) -> dict[str, Any]:
    """Change a dossier's status at any moment (e.g. withdrawn while its transfer is in flight).

    The same path as a clerk's change: a processing-log entry and, when the status really changes, the
    citizen's SMS; an identical repeat writes nothing (``duplicate``).
    """
    result = store.change_status(
        code, body.status, body.note.strip(), None, body.actor.strip(), str(request.base_url)
    )
    return result.as_dict()


@router.post("/seed")
def seed(body: SeedIn, store: Store) -> dict[str, Any]:
    """Generate dossiers with :func:`rpa.sandbox.seed.generate` and add them."""
    from rpa.sandbox.seed import generate

    try:
        seeded = generate(body.seed, body.dossiers, body.today, procedures=body.procedures)
    except ValueError as error:  # the same procedure twice
        raise HTTPException(status_code=422, detail=str(error)) from None
    return {"codes": store.add_dossiers(seeded, body.agency)}


@router.post("/reset")
def reset(store: Store) -> dict[str, Any]:
    store.reset()
    return {"reset": True}


@router.get("/sms")
def sms(store: Store, code: str | None = None) -> list[dict[str, Any]]:
    """The SMS outbox, oldest first; ``?code=`` keeps one dossier's messages."""
    return store.sms_outbox(code)


@router.get("/ratings")
def ratings(store: Store) -> list[dict[str, Any]]:
    return store.ratings()
