"""Bad input: a huge attachment (issue 11, case 7).

A scan of tens of megabytes must neither fill the bot's memory nor reach the ministry portal, which
refuses it anyway: the download is streamed to disk and stopped as soon as it passes the configured
cap (``Settings.max_attachment_mb``), the partial file is deleted, and the dossier is refused with a
Vietnamese reason for the clerk, as any other bad dossier (a ``BusinessError``, so the worker parks
it as ``failed_business`` instead of crashing or retrying).

The dossier is stored through the provincial sandbox's control API (``POST /_sandbox/dossiers``) and
read back with the real API client over HTTP.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import os
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from sealed_support import make_vault

from flows.judicial_record import FLOW
from rpa.config import Account, Settings, SourceSettings, load_settings, write_config
from rpa.errors import BusinessError, InvalidDossier
from rpa.ledger import Ledger
from rpa.sandbox.cli import bot_config
from rpa.sandbox.provincial.app import create_app
from rpa.sandbox.provincial.store import ProvincialStore
from rpa.sandbox.records import SeededDossier
from rpa.sandbox.seed import generate
from rpa.sandbox.serving import sandbox, serve_app
from rpa.sources import ApiSource, make_source
from rpa.sources.provincial import ProvincialClient

TODAY = date(2025, 11, 20)
SERVICE = ("rpa.bot", "RpaBot@2025")
MB = 1024 * 1024
HUGE = 12 * MB
CAP_MB = 1.0


@dataclass
class Provincial:
    url: str
    store: ProvincialStore


@pytest.fixture(scope="module")
def provincial(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provincial]:
    app = create_app(tmp_path_factory.mktemp("provincial"))
    served = serve_app(app)
    try:
        yield Provincial(served.url, app.state.store)
    finally:
        served.server.should_exit = True
        served.thread.join(timeout=10)


def add_with_scan(url: str, content: bytes) -> tuple[str, str]:
    """Store a valid dossier whose identity-card scan (attachment 1) is ``content``; its code and
    the scan's name."""
    seeded: SeededDossier = next(d for d in generate(1, 10, today=TODAY) if not d.flaw and not d.tricky)
    data = copy.deepcopy(seeded.data)
    scan = data["attachments"][0]
    scan.update(size=len(content), sha256=hashlib.sha256(content).hexdigest())
    files = [
        {"name": f.name, "media_type": f.media_type, "content_base64": base64.b64encode(body).decode()}
        for f, body in zip(seeded.files, [content, seeded.files[1].content], strict=True)
    ]
    answer = httpx.post(f"{url}/_sandbox/dossiers", json={"dossiers": [{"data": data, "files": files}]})
    answer.raise_for_status()
    return answer.json()["codes"][0], scan["name"]


class Recording(httpx.HTTPTransport):
    """The real HTTP transport, noting the path of every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


def test_a_huge_scan_is_refused_while_streaming_not_held_in_memory(
    provincial: Provincial, tmp_path: Path
) -> None:
    """The dossier lists a small scan, but the file served is 12 MB (replaced since, or a system that
    reports sizes wrong): the cap holds whatever the metadata says."""
    listed = random.Random(10).randbytes(100_000)
    code, name = add_with_scan(provincial.url, listed)
    stored = provincial.store.files_dir / hashlib.sha256(listed).hexdigest()
    stored.write_bytes(random.Random(11).randbytes(HUGE))  # incompressible, like a real scan
    downloads = tmp_path / "attachments"
    with ProvincialClient(provincial.url, *SERVICE, timeout=30) as client:
        source = ApiSource(client, vault=make_vault(tmp_path / "vault"), max_attachment_mb=CAP_MB)
        source.read(code, tmp_path / "warm-up", today=TODAY)  # modules the first request imports
        tracemalloc.start()
        try:
            record = source.read(code, downloads, today=TODAY)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # Reading 12 MB whole needs 12 MB at least. Streaming stops at the cap: a file is sealed whole, so
    # up to the cap is held (and the other, small attachment sealed), never the file's own size.
    assert peak < 2 * CAP_MB * MB, f"peak {peak / MB:.1f} MB while downloading"
    assert record.dossier is None and isinstance(record.problems, BusinessError)
    [problem] = record.problems.problems
    assert problem.field == "attachments.0" and problem.label == "Tệp đính kèm 1"
    assert problem.message == f"tệp “{name}” lớn hơn 1 MB, vượt giới hạn cổng Bộ cho phép"
    assert str(record.problems).endswith(f"- Tệp đính kèm 1: {problem.message}")
    # The partial file is gone; the other attachment was downloaded and checked as usual.
    assert record.files[0] is None and record.files[1] is not None
    assert [p.name for p in (downloads / code).iterdir()] == [record.files[1].name]


def test_a_scan_listed_bigger_than_the_cap_is_not_downloaded_at_all(
    provincial: Provincial, tmp_path: Path
) -> None:
    code, name = add_with_scan(provincial.url, random.Random(15).randbytes(3 * MB))
    transport = Recording()
    with ProvincialClient(provincial.url, *SERVICE, timeout=30, transport=transport) as client:
        source = ApiSource(client, vault=make_vault(tmp_path / "vault"), max_attachment_mb=CAP_MB)
        record = source.read(code, tmp_path / "attachments", today=TODAY)
    assert isinstance(record.problems, InvalidDossier)
    assert [p.message for p in record.problems.problems] == [
        f"tệp “{name}” lớn hơn 1 MB, vượt giới hạn cổng Bộ cho phép"
    ]
    downloads = [path for path in transport.paths if "/files/" in path or "/attachments/" in path]
    assert [path.rsplit("/", 1)[-1] for path in downloads] == ["1"]  # only the second attachment
    assert record.files[0] is None and record.files[1] is not None


def test_a_scan_just_under_the_cap_is_downloaded_whole(provincial: Provincial, tmp_path: Path) -> None:
    content = random.Random(12).randbytes(MB - 1)
    code, _ = add_with_scan(provincial.url, content)
    with ProvincialClient(provincial.url, *SERVICE, timeout=30) as client:
        source = ApiSource(client, vault=make_vault(tmp_path / "vault"), max_attachment_mb=CAP_MB)
        record = source.read(code, tmp_path / "attachments", today=TODAY)
    assert record.problems is None and record.files[0] is not None
    assert record.files[0].read_bytes() == content


def test_the_cap_comes_from_the_settings(provincial: Provincial, tmp_path: Path) -> None:
    """``make_source`` takes the cap the worker session passes from ``Settings.max_attachment_mb``."""
    code, name = add_with_scan(provincial.url, random.Random(13).randbytes(MB + 1))
    account = Account(username=SERVICE[0], password=SERVICE[1])
    settings = Settings(
        provincial=SourceSettings(base_url=provincial.url, account=account), max_attachment_mb=CAP_MB
    )
    assert Settings(provincial=settings.provincial).max_attachment_mb == 20.0  # the default
    vault = make_vault(tmp_path / "vault")
    cap = settings.max_attachment_mb
    with make_source(settings.provincial, vault=vault, max_attachment_mb=cap) as source:
        record = source.read(code, tmp_path, today=TODAY)
    assert isinstance(record.problems, InvalidDossier)
    assert [p.message for p in record.problems.problems] == [
        f"tệp “{name}” lớn hơn 1 MB, vượt giới hạn cổng Bộ cho phép"
    ]


@pytest.mark.browser
def test_the_worker_parks_a_dossier_with_a_huge_scan_for_a_clerk(tmp_path: Path) -> None:
    """Through ``rpa run --once``: refused before the portal, ``failed_business`` with the reason, no
    crash, no retry, and no piece of the scan left in the work folder."""
    with sandbox(tmp_path / "sandbox") as running:
        config = bot_config(running) | {
            "ledger_url": f"sqlite:///{tmp_path / 'ledger.sqlite'}",
            "work_dir": str(tmp_path / "work"),
            "recordings_dir": str(tmp_path / "recordings"),
            "max_attachment_mb": CAP_MB,
        }
        write_config(tmp_path / "rpa.toml", config)
        code, name = add_with_scan(running.urls["provincial"], random.Random(14).randbytes(3 * MB))
        env = {k: v for k, v in os.environ.items() if not k.startswith("RPA_") or k == "RPA_MASTER_KEY"}
        done = subprocess.run(
            [sys.executable, "-m", "rpa", "run", "--once", "--config", str(tmp_path / "rpa.toml")],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    with Ledger(load_settings(tmp_path / "rpa.toml").ledger_url) as ledger:
        transfer = ledger.find(code, FLOW)
    assert transfer is not None and transfer.state.value == "failed_business"
    reason = f"Tệp đính kèm 1: tệp “{name}” lớn hơn 1 MB, vượt giới hạn cổng Bộ cho phép"
    assert transfer.business_reasons == (reason,)
    assert not any(p.is_file() for p in (tmp_path / "work" / "attachments").rglob("*"))
