"""The control and inspection API under ``/_sandbox/`` (JSON; exempt from every knob; not linked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from rpa.sandbox.moj.knobs import KnobUpdate
from rpa.sandbox.moj.portal import Portal, get_portal
from rpa.sandbox.moj.status import STATUSES
from rpa.sandbox.moj.store import Account, AdvanceError

__all__ = ["router"]

router = APIRouter(prefix="/_sandbox")
PortalDep = Annotated[Portal, Depends(get_portal)]


class AdvanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: str | None = None
    to: str
    reason: str | None = None  # shown with ``supplement_requested``


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)
    display_name: str = "Cán bộ tiếp nhận"
    province_code: str = Field(default="51", pattern=r"^\d{2}$")


@router.get("/applications")
def applications(portal: PortalDep) -> list[dict[str, Any]]:
    return portal.store.all(portal.k.auto_advance_s)


@router.get("/applications/{receipt}")
def application(receipt: str, portal: PortalDep) -> dict[str, Any]:
    record = portal.store.get(receipt, portal.k.auto_advance_s)
    if record is None:
        raise HTTPException(404, f"no application {receipt}")
    return record


@router.get("/knobs")
def get_knobs(portal: PortalDep) -> dict[str, Any]:
    return portal.k.model_dump()


@router.post("/knobs")
def set_knobs(change: KnobUpdate, portal: PortalDep) -> dict[str, Any]:
    return portal.knobs.update(change).model_dump()


@router.post("/advance")
def advance(body: AdvanceRequest, portal: PortalDep) -> dict[str, Any]:
    if body.to not in STATUSES:
        raise HTTPException(422, f"unknown status {body.to!r}; one of {', '.join(STATUSES)}")
    portal.store.auto_advance(portal.k.auto_advance_s)
    try:
        moved = portal.store.advance(body.receipt, body.to, body.reason)
    except LookupError as exc:
        raise HTTPException(404, f"no application {exc.args[0]}") from None
    except AdvanceError as exc:
        raise HTTPException(409, str(exc)) from None
    return {"advanced": moved}


@router.post("/reset")
def reset(portal: PortalDep) -> dict[str, Any]:
    portal.reset()
    return {"ok": True, "knobs": portal.k.model_dump()}


@router.get("/captcha")
def latest_captcha(portal: PortalDep) -> dict[str, str]:
    item = portal.captchas.latest()
    if item is None:
        raise HTTPException(404, "no CAPTCHA issued yet")
    return {"id": item.id, "answer": item.answer}


@router.get("/captcha/{captcha_id}")
def captcha(captcha_id: str, portal: PortalDep) -> dict[str, str]:
    item = portal.captchas.get(captcha_id)
    if item is None:
        raise HTTPException(404, "unknown or used CAPTCHA")
    return {"id": item.id, "answer": item.answer}


@router.get("/accounts")
def accounts(portal: PortalDep) -> dict[str, list[dict[str, str]]]:
    return {"accounts": [a.__dict__ for a in portal.store.accounts()]}


@router.post("/accounts")
def add_account(body: AccountIn, portal: PortalDep) -> dict[str, list[dict[str, str]]]:
    portal.store.upsert_account(Account(**body.model_dump()))
    return accounts(portal)
