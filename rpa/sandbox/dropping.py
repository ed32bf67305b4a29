"""Close a request's connection without any HTTP answer, as a gateway that dies mid-request does.

A route cannot do this itself: whatever it raises or returns, Starlette's error middleware and then
uvicorn answer it (500) before the connection closes. So :class:`DroppingFastAPI` sits above all of them;
a route calls :func:`drop_answer` and returns anything, the app discards that answer and aborts the
connection through uvicorn's transport. Chromium then reports ``net::ERR_EMPTY_RESPONSE`` (or a reset).
"""

from __future__ import annotations

import asyncio
from asyncio import Transport
from typing import Final

from fastapi import FastAPI, Request
from starlette.types import Message, Receive, Scope, Send

__all__ = ["DroppingFastAPI", "drop_answer"]

_SCOPE_KEY: Final = "rpa.sandbox.drop_answer"


class _DropFlag:
    requested: bool = False


def drop_answer(request: Request) -> None:
    """Make the server close this request's connection without answering; the route's response is lost."""
    flag = request.scope.get(_SCOPE_KEY)
    if not isinstance(flag, _DropFlag):
        raise RuntimeError("drop_answer needs the app to be a DroppingFastAPI")
    flag.requested = True


def _transport(send: Send) -> Transport:
    # uvicorn's send is a bound method of its request cycle, which holds the connection's transport
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if not isinstance(transport, Transport):
        raise RuntimeError("dropping a connection needs the sandbox to be served by uvicorn")
    return transport


class DroppingFastAPI(FastAPI):
    """A FastAPI app whose routes may drop their connection instead of answering (:func:`drop_answer`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        flag = _DropFlag()
        scope[_SCOPE_KEY] = flag

        async def send_unless_dropped(message: Message) -> None:
            if not flag.requested:
                await send(message)

        await super().__call__(scope, receive, send_unless_dropped)
        if flag.requested:
            # abort, not close: the connection counts as lost at once, so nothing more reaches the socket;
            # one turn of the loop lets uvicorn see the loss, or it would log and write its own 500
            _transport(send).abort()
            await asyncio.sleep(0)
