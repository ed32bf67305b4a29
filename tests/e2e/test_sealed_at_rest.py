"""Sealed at rest through real runs: the saved portal login and the attachments the worker downloads.

The saved login is ``browser-state/<portal>-<user>.json.enc``, sealed under ``session:<portal>``: the
next dossier starts from it without meeting the login page, and a saved login that does not open
(altered on disk) is ignored with a log line and the bot logs in again. The identity-card scan the
worker downloads is kept sealed (``NN-<name>.enc``, see ``tests/sources/test_private_downloads.py``)
and uploaded from memory: the portal stores the very bytes of the provincial system.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sealed_support import assert_sealed

from rpa.domain import DossierStatus
from rpa.portal.browser import session_scope
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.vault import vault_for

if TYPE_CHECKING:
    from conftest import World

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PORTAL = "moj-lltp"


def _valid(count: int) -> list[SeededDossier]:
    accepted = int(DossierStatus.ACCEPTED)
    found = [d for d in generate(7, 40) if d.data.get("status") == accepted and not d.flaw and not d.tricky]
    assert len(found) >= count
    return found[:count]


def _logins(world: World) -> int:
    return sum(
        1 for r in world.log_records() if r.get("name") == "login.username" and r.get("step") == "fill"
    )


def _saved(world: World) -> Path:
    (saved,) = (world.settings.work_dir / "browser-state").iterdir()
    return saved


def test_the_saved_login_is_sealed_reused_and_ignored_when_it_does_not_open(
    make_world: Callable[..., World],
) -> None:
    world = make_world("sealed-session")
    dossiers = _valid(3)
    first, second, third = world.add(*dossiers)

    assert world.rpa_json("transfer", first)["state"] == "written_back"
    assert _logins(world) == 1
    saved = _saved(world)
    assert saved.name == f"{PORTAL}-{world.settings.portals[PORTAL].account.username}.json.enc"
    state = json.loads(vault_for(world.settings).read(session_scope(PORTAL), saved, saved.name[:-4]))
    cookies = [c["value"].encode() for c in state["cookies"] if len(c["value"]) >= 16]
    assert cookies, "the portal keeps its session in a cookie"
    assert_sealed(saved, *cookies, b'"cookies"')

    # the next dossier starts from the saved login: no login page
    assert world.rpa_json("transfer", second)["state"] == "written_back"
    assert _logins(world) == 1

    # altered on disk: ignored with a log line, the bot logs in again and saves a good one
    sealed = saved.read_bytes()
    saved.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    assert world.rpa_json("transfer", third)["state"] == "written_back"
    assert _logins(world) == 2
    ignored = [r for r in world.log_records() if "does not open" in str(r.get("message"))]
    assert len(ignored) == 1 and ignored[0]["level"] == "WARNING", ignored
    assert _saved(world).read_bytes() != sealed

    # each scan, kept sealed while the worker held it, reached the portal as its very bytes, named
    # as downloaded (never "….enc")
    for code, dossier in zip((first, second, third), dossiers, strict=True):
        (application,) = world.applications_of(str(dossier.data["applicant"]["identity"]["number"]))
        scan = application["form"]["idCardFile"]
        pictures = {
            hashlib.sha256(f.content).hexdigest(): f.name
            for f in dossier.files
            if f.name.endswith((".jpg", ".png"))
        }
        assert scan["sha256"] in pictures, (code, scan)
        assert scan["name"].endswith(pictures[scan["sha256"]]) and not scan["name"].endswith(".enc")
    assert not any((world.settings.work_dir / "attachments").rglob("*.*")), "deleted after each dossier"
