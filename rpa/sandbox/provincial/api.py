"""The JSON API, in the spirit of iGate's ``/pa/dossier/search``: bearer token, Spring-style pages."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from rpa.domain import DossierStatus
from rpa.sandbox.provincial.auth import Account, api_or_web_user, api_user
from rpa.sandbox.provincial.query import parse_since, parse_statuses
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.provincial.views import SearchFilters, StoreError

__all__ = ["LogEntryIn", "StatusChangeIn", "router"]

MAX_PAGE_SIZE = 100

router = APIRouter(prefix="/api", tags=["api"])
ApiUser = Annotated[Account, Depends(api_user)]


def _store(request: Request) -> ProvincialStore:
    store: ProvincialStore = request.app.state.store
    return store


Store = Annotated[ProvincialStore, Depends(_store)]


class StatusChangeIn(BaseModel):
    """Body of ``PUT /api/dossiers/{code}/status``."""

    model_config = ConfigDict(extra="forbid")

    status: StrictInt
    note: str = Field("", max_length=2000)
    receipt_code: str | None = Field(None, max_length=100)
    actor: str | None = Field(None, max_length=200)


class LogEntryIn(BaseModel):
    """Body of ``POST /api/dossiers/{code}/log``."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000)
    receipt_code: str | None = Field(None, max_length=100)
    actor: str | None = Field(None, max_length=200)


@router.get("/statuses")
def statuses(user: ApiUser) -> list[dict[str, Any]]:
    """The status code list (1-10) with Vietnamese labels."""
    return [{"code": int(status), "label": status.label} for status in DossierStatus]


@router.get("/dossiers")
def search(
    user: ApiUser,
    store: Store,
    procedure: str | None = None,
    status: str | None = None,
    received_since: Annotated[str | None, Query(alias="received-since")] = None,
    code: str | None = None,
    identity_number: Annotated[str | None, Query(alias="identity-number")] = None,
    page: int = 0,
    size: int = 20,
) -> dict[str, Any]:
    """Search dossiers; ``content`` holds full dossier dicts, newest received first."""
    if page < 0:
        raise StoreError("Tham số page phải lớn hơn hoặc bằng 0")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise StoreError(f"Tham số size phải từ 1 đến {MAX_PAGE_SIZE}")
    filters = SearchFilters(
        procedure=procedure or None,
        statuses=parse_statuses(status),
        received_from=parse_since(received_since),
        code=code or None,
        identity_number=identity_number or None,
    )
    views, total = store.search(filters, page, size)
    return {
        "content": [view.as_api() for view in views],
        "totalElements": total,
        "totalPages": math.ceil(total / size),
        "number": page,
        "size": size,
        "numberOfElements": len(views),
        "first": page == 0,
        "last": (page + 1) * size >= total,
    }


@router.get("/dossiers/{code}")
def get_dossier(code: str, user: ApiUser, store: Store) -> dict[str, Any]:
    return store.get(code).as_api()


@router.get("/dossiers/{code}/attachments/{index}")
def download(
    code: str, index: int, user: Annotated[Account, Depends(api_or_web_user)], store: Store
) -> FileResponse:
    """The attachment's bytes (bearer token, or a clerk's web session)."""
    meta, path = store.attachment_file(code, index)
    disposition = f"attachment; filename*=UTF-8''{quote(meta['name'])}"
    return FileResponse(
        path,
        media_type=meta["media_type"],
        headers={"Content-Disposition": disposition, "X-Content-SHA256": meta["sha256"]},
    )


@router.put("/dossiers/{code}/status")
def change_status(
    code: str, body: StatusChangeIn, request: Request, user: ApiUser, store: Store
) -> dict[str, Any]:
    """Change the status, log it (with the ministry receipt code) and text the citizen once.

    Retrying an identical request is safe: it reports ``duplicate: true`` and writes nothing.
    """
    result = store.change_status(
        code,
        body.status,
        body.note.strip(),
        body.receipt_code,
        (body.actor or user.username).strip(),
        str(request.base_url),
    )
    return result.as_dict()


@router.post("/dossiers/{code}/log")
def append_log(code: str, body: LogEntryIn, user: ApiUser, store: Store) -> dict[str, Any]:
    """Append a processing-log entry (e.g. the ministry receipt code) without changing the status."""
    result = store.append_log(
        code, body.note.strip(), body.receipt_code, (body.actor or user.username).strip()
    )
    return result.as_dict()
