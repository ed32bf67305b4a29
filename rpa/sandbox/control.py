"""The control and inspection API every sandbox ministry portal has under ``/_sandbox/`` (JSON; exempt
from every knob and from login; not linked from any page).

``control_router(get_portal)`` builds it for a portal whose state :func:`get_portal` returns from a
request (see :class:`ControlledPortal`); a portal adds routes of its own to the router it gets back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rpa.sandbox.accounts import Account
from rpa.sandbox.captcha import CaptchaStore
from rpa.sandbox.knobs import KnobsState, PortalKnobs
from rpa.sandbox.portal_store import AdvanceError, PortalStore

__all__ = ["ControlledPortal", "control_router"]


class ControlledPortal(Protocol):
    """What the control API needs of a running portal."""

    @property
    def store(self) -> PortalStore[Any]: ...

    @property
    def knobs(self) -> KnobsState[Any]: ...

    @property
    def captchas(self) -> CaptchaStore: ...

    @property
    def k(self) -> PortalKnobs: ...

    def reset(self) -> None:
        """Forget every application, upload, session and CAPTCHA; the default knobs and accounts."""


class AdvanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: str | None = None
    to: str
    reason: str | None = None  # shown with the supplement request


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1)
    password: str = Field(min_length=1)
    display_name: str = "Cán bộ tiếp nhận"
    province_code: str = Field(default="51", pattern=r"^\d{2}$")


def control_router(get_portal: Callable[[Request], ControlledPortal]) -> APIRouter:
    """The ``/_sandbox/`` routes: applications, knobs, advance, reset, captcha, accounts."""
    router = APIRouter(prefix="/_sandbox")
    # a default, not Annotated: these routes are local, and their string annotations resolve in this module
    portal_dep = Depends(get_portal)

    @router.get("/applications")
    def applications(portal: ControlledPortal = portal_dep) -> list[dict[str, Any]]:
        return portal.store.all(portal.k.auto_advance_s)

    @router.get("/applications/{receipt}")
    def application(receipt: str, portal: ControlledPortal = portal_dep) -> dict[str, Any]:
        record = portal.store.get(receipt, portal.k.auto_advance_s)
        if record is None:
            raise HTTPException(404, f"no application {receipt}")
        return record

    @router.get("/knobs")
    def get_knobs(portal: ControlledPortal = portal_dep) -> dict[str, Any]:
        return portal.k.model_dump()

    @router.post("/knobs")
    def set_knobs(
        change: Annotated[dict[str, Any], Body()], portal: ControlledPortal = portal_dep
    ) -> dict[str, Any]:
        """Change the knobs given; an unknown key or a value out of range changes nothing (422)."""
        try:
            return portal.knobs.update(change).model_dump()
        except ValidationError as exc:
            raise HTTPException(422, exc.errors(include_url=False, include_context=False)) from None

    @router.post("/advance")
    def advance(body: AdvanceRequest, portal: ControlledPortal = portal_dep) -> dict[str, Any]:
        statuses = portal.store.lifecycle.labels
        if body.to not in statuses:
            raise HTTPException(422, f"unknown status {body.to!r}; one of {', '.join(statuses)}")
        portal.store.auto_advance(portal.k.auto_advance_s)
        try:
            moved = portal.store.advance(body.receipt, body.to, body.reason)
        except LookupError as exc:
            raise HTTPException(404, f"no application {exc.args[0]}") from None
        except AdvanceError as exc:
            raise HTTPException(409, str(exc)) from None
        return {"advanced": moved}

    @router.post("/reset")
    def reset(portal: ControlledPortal = portal_dep) -> dict[str, Any]:
        portal.reset()
        return {"ok": True, "knobs": portal.k.model_dump()}

    @router.get("/captcha")
    def latest_captcha(portal: ControlledPortal = portal_dep) -> dict[str, str]:
        item = portal.captchas.latest()
        if item is None:
            raise HTTPException(404, "no CAPTCHA issued yet")
        return {"id": item.id, "answer": item.answer}

    @router.get("/captcha/{captcha_id}")
    def captcha(captcha_id: str, portal: ControlledPortal = portal_dep) -> dict[str, str]:
        item = portal.captchas.get(captcha_id)
        if item is None:
            raise HTTPException(404, "unknown or used CAPTCHA")
        return {"id": item.id, "answer": item.answer}

    @router.get("/accounts")
    def accounts(portal: ControlledPortal = portal_dep) -> dict[str, list[dict[str, str]]]:
        return {"accounts": [a.__dict__ for a in portal.store.accounts()]}

    @router.post("/accounts")
    def add_account(
        body: AccountIn, portal: ControlledPortal = portal_dep
    ) -> dict[str, list[dict[str, str]]]:
        portal.store.upsert_account(Account(**body.model_dump()))
        return accounts(portal)

    return router
