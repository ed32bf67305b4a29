"""Evidence sealed at rest: nothing readable without the dossier's key, erasure by key, key rotation."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from rpa.clock import VN
from rpa.config import Settings
from rpa.errors import FailureKind, failure_kind
from rpa.evidence import core
from rpa.evidence.chain import checkpoint
from rpa.evidence.keys import MissingKeyError, init_keys, load_master_key, load_public
from rpa.evidence.opening import erase_dossier, open_attempt_file, open_dossier, read_values
from rpa.ledger.data_keys import ErasedKey
from rpa.portal.evidence import AttemptEvidence
from rpa.vault import SealedDataError, dossier_scope, rotate_master, vault_for

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=VN)
CODE, OTHER = "000.00.01.H55-261120-0101", "000.00.01.H55-261120-0102"
IDENTITY = "001203004567"
PICTURE = b"\x89PNG\r\n\x1a\n" + b"pixels of " + IDENTITY.encode() * 40


@pytest.fixture()
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """An installation with its own key files (not the test run's key in the environment)."""
    monkeypatch.delenv("RPA_MASTER_KEY", raising=False)
    settings = Settings(
        provincial={"base_url": "http://127.0.0.1:9", "account": {"username": "u", "password": "p"}},
        ledger_url=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        recordings_dir=tmp_path / "recordings",
        work_dir=tmp_path / "work",
    )
    init_keys(settings.keys.signing_key_path(settings), settings.keys.master_key_path(settings))
    return settings


def _evidence(settings: Settings, code: str, scratch: Path) -> AttemptEvidence:
    evidence = AttemptEvidence.begin(settings.recordings_dir, code, started=DAY, vault=vault_for(settings))
    scratch.mkdir(exist_ok=True)
    picture = scratch / "01-to-khai.png"
    picture.write_bytes(PICTURE)
    evidence.add_file(picture)
    evidence.typed("so_giay_to", IDENTITY)
    evidence.masked("so_giay_to", IDENTITY)
    evidence.write_manifest(outcome="submitted", receipt="LLTP-1")
    return evidence


def test_no_personal_data_in_the_clear_and_it_opens_with_the_key(settings: Settings, tmp_path: Path) -> None:
    evidence = _evidence(settings, CODE, tmp_path / "scratch")
    names = sorted(p.name for p in evidence.folder.iterdir())
    assert names == ["01-to-khai.png.enc", "manifest.json", "values.json.enc"]
    for path in evidence.folder.iterdir():
        data = path.read_bytes()
        assert IDENTITY.encode() not in data and b"\x89PNG" not in data, path.name
        assert os.stat(path).st_mode & 0o777 == 0o600
    manifest = json.loads((evidence.folder / "manifest.json").read_text(encoding="utf-8"))
    assert "typed" not in manifest and "extra" not in manifest
    assert manifest["masked"]["so_giay_to"].startswith("hmac-sha256:")
    shot = next(f for f in manifest["files"] if f["name"] == "01-to-khai.png.enc")
    assert shot["plain_sha256"] == core.hashlib.sha256(PICTURE).hexdigest()
    vault = vault_for(settings)
    assert open_attempt_file(vault, CODE, evidence.folder / "01-to-khai.png.enc") == PICTURE
    values = read_values(vault, CODE, evidence.folder)
    assert values == {"typed": {"so_giay_to": IDENTITY}, "extra": {"receipt": "LLTP-1"}}
    # the same value always gives the same keyed hash, and another dossier's key another one
    assert vault.digest(dossier_scope(CODE), IDENTITY) == manifest["masked"]["so_giay_to"]
    assert vault.digest(dossier_scope(OTHER), IDENTITY) != manifest["masked"]["so_giay_to"]


def test_a_sealed_file_does_not_open_elsewhere_or_altered(settings: Settings, tmp_path: Path) -> None:
    mine = _evidence(settings, CODE, tmp_path / "a")
    theirs = _evidence(settings, OTHER, tmp_path / "b")
    vault = vault_for(settings)
    moved = theirs.folder / "02-to-khai.png.enc"
    shutil.copy(mine.folder / "01-to-khai.png.enc", moved)
    with pytest.raises(SealedDataError):  # sealed for another dossier
        open_attempt_file(vault, OTHER, moved)
    renamed = mine.folder / "09-khac.png.enc"
    shutil.copy(mine.folder / "01-to-khai.png.enc", renamed)
    with pytest.raises(SealedDataError):  # sealed under another name
        open_attempt_file(vault, CODE, renamed)
    data = bytearray((mine.folder / "01-to-khai.png.enc").read_bytes())
    data[-3] ^= 1
    (mine.folder / "01-to-khai.png.enc").write_bytes(bytes(data))
    with pytest.raises(SealedDataError):
        open_attempt_file(vault, CODE, mine.folder / "01-to-khai.png.enc")


def test_erased_dossier_is_unreadable_everywhere_and_reported_as_erased(
    settings: Settings, tmp_path: Path
) -> None:
    mine = _evidence(settings, CODE, tmp_path / "a")
    _evidence(settings, OTHER, tmp_path / "b")
    backup = tmp_path / "backup"
    shutil.copytree(mine.folder, backup)  # a copy made before the erasure (a backup)
    checkpoint(settings.recordings_dir, settings.keys.signing_key_path(settings))
    erased = erase_dossier(settings, vault_for(settings), CODE, "Công dân yêu cầu xoá")
    assert erased["key_erased"] and not mine.folder.exists()
    for vault in (vault_for(settings),):  # a fresh process would read the erased row too
        with pytest.raises(ErasedKey, match="đã bị xoá theo quy định"):
            open_attempt_file(vault, CODE, backup / "01-to-khai.png.enc")
    report = core.verify(settings.recordings_dir, load_public(settings.keys.signing_key_path(settings)))
    assert report.findings == []
    assert report.erased == [f"2026/11/20/{CODE}/1"] and report.verified == [f"2026/11/20/{OTHER}/1"]
    with pytest.raises(LookupError):
        open_dossier(settings, vault_for(settings), CODE, tmp_path / "opened")
    with pytest.raises(ErasedKey) as sent_again:  # sent again: nothing of it may be sealed again
        AttemptEvidence.begin(settings.recordings_dir, CODE, vault=vault_for(settings))
    assert failure_kind(sent_again.value) is FailureKind.BUSINESS  # parked for a clerk, not retried


def test_rotation_rewraps_keys_without_rewriting_evidence(settings: Settings, tmp_path: Path) -> None:
    evidence = _evidence(settings, CODE, tmp_path / "scratch")
    before = {p.name: p.read_bytes() for p in evidence.folder.iterdir()}
    old = load_master_key(settings.keys.master_key_path(settings))
    done = rotate_master(settings)
    assert done["rewrapped"] >= 1 and done["old"] != done["new"]
    assert load_master_key(settings.keys.master_key_path(settings)) != old
    assert {p.name: p.read_bytes() for p in evidence.folder.iterdir()} == before
    assert open_attempt_file(vault_for(settings), CODE, evidence.folder / "01-to-khai.png.enc") == PICTURE
    opened = open_dossier(settings, vault_for(settings), CODE, tmp_path / "opened")
    assert sorted(opened) == [f"2026-11-20/1/{n}" for n in ("01-to-khai.png", "manifest.json", "values.json")]
    assert (tmp_path / "opened" / "2026-11-20" / "1" / "01-to-khai.png").read_bytes() == PICTURE


def test_rotation_cut_short_still_opens_everything(settings: Settings, tmp_path: Path) -> None:
    """A crash after the keys were wrapped again, before the new master key replaced the old file."""
    from rpa.ledger import Ledger
    from rpa.ledger.data_keys import KeyStore

    evidence = _evidence(settings, CODE, tmp_path / "scratch")
    path = settings.keys.master_key_path(settings)
    new = os.urandom(32)
    (path.parent / "master.key.next").write_bytes(new)
    os.chmod(path.parent / "master.key.next", 0o600)
    KeyStore(Ledger(settings.ledger_url).engine, [load_master_key(path), new]).rewrap(new)
    assert open_attempt_file(vault_for(settings), CODE, evidence.folder / "01-to-khai.png.enc") == PICTURE
    assert rotate_master(settings)["new"]  # finishing it is safe
    assert open_attempt_file(vault_for(settings), CODE, evidence.folder / "01-to-khai.png.enc") == PICTURE


def test_a_missing_or_open_master_key_stops_with_what_to_do(settings: Settings) -> None:
    path = settings.keys.master_key_path(settings)
    os.chmod(path, 0o644)
    with pytest.raises(MissingKeyError, match="chmod 600"):
        vault_for(settings)
    path.unlink()
    with pytest.raises(MissingKeyError, match="rpa keys init"):
        vault_for(settings)
