"""Tamper-evident evidence: the chain, checkpoints, verification and export, on small real folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from rpa.clock import VN
from rpa.evidence import core
from rpa.evidence.chain import checkpoint, record_erasure
from rpa.evidence.export import export_bundle
from rpa.evidence.keys import MissingKeyError, init_keys, load_public, public_path
from rpa.ledger import Ledger
from rpa.ledger.data_keys import KeyStore
from rpa.portal.evidence import AttemptEvidence
from rpa.vault import Vault

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=VN)
CODES = ("000.00.01.H55-261120-0001", "000.00.01.H55-261120-0002", "000.00.01.H55-261120-0003")


def _attempt(root: Path, scratch: Path, code: str, vault: Vault, *, shots: int = 2) -> AttemptEvidence:
    evidence = AttemptEvidence.begin(root, code, started=DAY, vault=vault)
    for number in range(1, shots + 1):
        picture = scratch / f"{number:02d}-buoc.png"
        picture.write_bytes(b"\x89PNG\r\n\x1a\n" + f"{code}-{evidence.attempt}-{number}".encode() * 50)
        evidence.add_file(picture)
        picture.unlink()
    evidence.typed("ho_ten", "Nguyễn Văn A")
    evidence.write_manifest(outcome="submitted", receipt="R-1")
    return evidence


@pytest.fixture()
def vault(tmp_path: Path) -> Vault:
    """Data keys in a ledger of their own, wrapped by a master key of this test."""
    return Vault(KeyStore(Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}").engine, [os.urandom(32)]))


@pytest.fixture()
def store(tmp_path: Path, vault: Vault) -> tuple[Path, Path]:
    """Three dossiers (the first with two attempts), checkpointed; returns (recordings, signing key)."""
    root, scratch = tmp_path / "recordings", tmp_path / "scratch"
    scratch.mkdir()
    keys = init_keys(tmp_path / "keys" / "signing.key", tmp_path / "keys" / "master.key")
    for code in CODES:
        _attempt(root, scratch, code, vault)
    checkpoint(root, Path(keys["signing_key"]))
    _attempt(root, scratch, CODES[0], vault, shots=1)
    checkpoint(root, Path(keys["signing_key"]))
    return root, Path(keys["signing_key"])


def _kinds(root: Path, key: Path, **scope: str) -> list[tuple[str, str]]:
    report = core.verify(root, load_public(key), **scope)
    return [(f.kind, f.name or f.folder or str(f.seq)) for f in report.findings]


def _folder(root: Path, code: str, attempt: int = 1) -> Path:
    return root / "2026" / "11" / "20" / code / str(attempt)


def _rewrite_chain(root: Path, lines: list[str]) -> None:
    (root / core.CHAIN).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


def test_keys_are_private_and_never_overwritten(tmp_path: Path) -> None:
    signing, master = tmp_path / "k" / "signing.key", tmp_path / "k" / "master.key"
    with pytest.raises(MissingKeyError, match="rpa keys init"):
        load_public(signing)
    made = init_keys(signing, master)
    assert os.stat(signing).st_mode & 0o777 == 0o600 and os.stat(master).st_mode & 0o777 == 0o600
    assert len(master.read_bytes()) == 32 and public_path(signing).exists()
    assert made["fingerprint"] == core.fingerprint(load_public(signing))
    with pytest.raises(FileExistsError):
        init_keys(signing, master)
    assert init_keys(signing, master, force=True)["fingerprint"] != made["fingerprint"]


def test_untouched_store_verifies_and_chain_holds_no_typed_values(store: tuple[Path, Path]) -> None:
    root, key = store
    report = core.verify(root, load_public(key))
    assert report.findings == [] and report.entries == 4 and report.checkpoints == 2
    assert len(report.verified) == 4
    chain = (root / core.CHAIN).read_text(encoding="utf-8")
    assert "Nguyễn" not in chain and "R-1" not in chain
    assert os.stat(root / core.CHAIN).st_mode & 0o777 == 0o600


def test_one_byte_of_a_screenshot_changed(store: tuple[Path, Path]) -> None:
    root, key = store
    shot = _folder(root, CODES[1]) / "02-buoc.png.enc"
    data = bytearray(shot.read_bytes())
    data[20] ^= 1
    shot.write_bytes(bytes(data))
    assert _kinds(root, key) == [("file_altered", "02-buoc.png.enc")]
    assert _kinds(root, key, code=CODES[0]) == []  # the other dossiers are intact


def test_manifest_edited_with_its_hashes_recomputed_is_caught_by_the_chain(store: tuple[Path, Path]) -> None:
    root, key = store
    folder = _folder(root, CODES[2])
    shot = folder / "01-buoc.png.enc"
    shot.write_bytes(b"\x89PNG forged")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][0] |= {"sha256": core.file_sha256(shot), "size": shot.stat().st_size}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _kinds(root, key) == [
        ("manifest_altered", folder.relative_to(root).as_posix()),
        ("file_altered", "01-buoc.png.enc"),
    ]


def test_entry_removed_from_the_middle(store: tuple[Path, Path]) -> None:
    root, key = store
    lines = core.read_lines(root / core.CHAIN)
    _rewrite_chain(root, lines[:1] + lines[2:])
    kinds = _kinds(root, key)
    assert ("entry_removed", "2") in kinds
    assert ("chain_after_checkpoint_altered", "3") not in kinds  # entry 3 itself is as signed


def test_two_entries_swapped(store: tuple[Path, Path]) -> None:
    root, key = store
    lines = core.read_lines(root / core.CHAIN)
    _rewrite_chain(root, [lines[0], lines[2], lines[1], lines[3]])
    assert ("entries_reordered", "2") in _kinds(root, key)


def test_chain_rewritten_whole_after_a_checkpoint(store: tuple[Path, Path]) -> None:
    """Removing an entry and renumbering and relinking all after it passes the links, not the checkpoints."""
    root, key = store
    entries = [json.loads(line) for line in core.read_lines(root / core.CHAIN)]
    del entries[1]
    previous = core.GENESIS
    for seq, entry in enumerate(entries, start=1):
        entry |= {"seq": seq, "prev": previous}
        previous = core.entry_hash(entry)
    _rewrite_chain(root, [core.canonical(e).decode() for e in entries])
    kinds = _kinds(root, key)
    assert ("chain_after_checkpoint_altered", "3") in kinds
    assert ("chain_after_checkpoint_altered", "4") in kinds


def test_checkpoint_signature_forged(store: tuple[Path, Path], tmp_path: Path) -> None:
    root, key = store
    lines = core.read_lines(root / core.CHECKPOINTS)
    forged = json.loads(lines[0])
    forged["head"]["seq"] = 2  # a different head under the old signature
    other = init_keys(tmp_path / "other" / "s.key", tmp_path / "other" / "m.key")
    by_other_key = json.loads(lines[1])
    checkpoint_other = checkpoint(root, Path(other["signing_key"]))  # signed by a key not ours
    lines = [json.dumps(forged), lines[1], json.dumps(checkpoint_other)]
    (root / core.CHECKPOINTS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert by_other_key["key"] != checkpoint_other["key"]
    assert _kinds(root, key) == [("checkpoint_forged", "2"), ("checkpoint_forged", "4")]


def test_file_added_to_an_attempt_folder(store: tuple[Path, Path]) -> None:
    root, key = store
    (_folder(root, CODES[0], 2) / "99-them.png").write_bytes(b"\x89PNG later")
    assert _kinds(root, key) == [("file_added", "99-them.png")]


def test_erased_dossier_is_reported_as_erased_and_the_others_verify(store: tuple[Path, Path]) -> None:
    root, key = store
    shutil.rmtree(root / "2026" / "11" / "20" / CODES[0])
    assert [k for k, _ in _kinds(root, key)] == [
        "folder_missing",
        "folder_missing",
    ]  # not recorded: tampering
    record_erasure(root, CODES[0])
    report = core.verify(root, load_public(key))
    assert report.findings == []
    assert report.erased == [f"2026/11/20/{CODES[0]}/1", f"2026/11/20/{CODES[0]}/2"]
    assert len(report.verified) == 2


def test_rewritten_manifest_supersedes_the_earlier_entry(
    store: tuple[Path, Path], tmp_path: Path, vault: Vault
) -> None:
    root, key = store
    evidence = AttemptEvidence(root, CODES[1], 2, started=DAY, vault=vault)
    (tmp_path / "a.png").write_bytes(b"\x89PNG first")
    evidence.add_file(tmp_path / "a.png")
    evidence.write_manifest(outcome="uncertain")
    (tmp_path / "b.png").write_bytes(b"\x89PNG second")
    evidence.add_file(tmp_path / "b.png")
    evidence.write_manifest(outcome="submitted")
    assert _kinds(root, key) == []


def test_final_manifest_outside_the_chain_is_named(store: tuple[Path, Path]) -> None:
    root, key = store
    folder = _folder(root, CODES[2], 5)
    folder.mkdir(mode=0o700)
    (folder / "manifest.json").write_text(json.dumps({"finished": "2026-11-20T10:00:00+07:00", "files": []}))
    assert _kinds(root, key) == [("attempt_not_in_chain", folder.relative_to(root).as_posix())]


def _run_bundle(script_dir: Path, bundle: Path, python: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, str(script_dir / "verify.py"), str(bundle)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def test_exported_bundle_verifies_with_its_own_script(
    store: tuple[Path, Path], tmp_path: Path, vault: Vault
) -> None:
    root, key = store
    out = tmp_path / "bundle.zip"
    about = export_bundle(root, key, CODES[0], out, vault)
    assert about["folders"] == [f"2026/11/20/{CODES[0]}/1", f"2026/11/20/{CODES[0]}/2"]
    assert about["covered_by_checkpoint"] and about["chain_end"] == 4
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
        bundle.extractall(unpacked)
    assert not any(CODES[1] in name or CODES[2] in name for name in names)  # no other dossier's files
    # The interpreter alone, outside this project (no PYTHONPATH, a bare PATH): only cryptography needed.
    clean = _run_bundle(unpacked, out, sys.executable)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "KẾT QUẢ: nguyên vẹn" in clean.stdout and "2 điểm ký số" in clean.stdout
    shot = unpacked / "2026" / "11" / "20" / CODES[0] / "1" / "01-buoc.png"
    shot.write_bytes(shot.read_bytes() + b"x")
    tampered = _run_bundle(unpacked, unpacked, sys.executable)
    assert tampered.returncode == 1 and "01-buoc.png" in tampered.stdout


def test_retention_purge_records_its_erasures_and_later_attempts_stay_checked(
    store: tuple[Path, Path], tmp_path: Path
) -> None:
    from datetime import date

    from rpa.operations.retention import _purge_evidence

    root, key = store
    later = AttemptEvidence(root, CODES[0], 3, started=datetime(2027, 1, 5, 9, tzinfo=VN))
    later.write_manifest(outcome="submitted")
    _purge_evidence(root, date(2026, 12, 1))
    report = core.verify(root, load_public(key))
    assert report.findings == [] and len(report.erased) == 4
    assert report.verified == [f"2027/01/05/{CODES[0]}/3"]
    (later.folder / "extra.png").write_bytes(b"x")
    assert _kinds(root, key) == [("file_added", "extra.png")]


def _append_many(root: str, code: str) -> None:
    from rpa.evidence.chain import append_entry

    for number in range(25):
        append_entry(Path(root), {"kind": "test", "dossier_code": code, "n": number})


def test_concurrent_workers_never_interleave_or_fork_the_chain(tmp_path: Path) -> None:
    import multiprocessing

    root = tmp_path / "recordings"
    root.mkdir()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(root), code)) for code in CODES]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    report = core.verify(root, None)
    assert report.entries == 75 and report.findings == []
    assert [json.loads(line)["seq"] for line in core.read_lines(root / core.CHAIN)] == list(range(1, 76))


def test_bundle_verifies_in_a_fresh_venv_with_only_cryptography(
    store: tuple[Path, Path], tmp_path: Path, vault: Vault
) -> None:
    """What an inspector does: a new virtual environment, ``pip install cryptography``, the script."""
    root, key = store
    out = tmp_path / "bundle.zip"
    export_bundle(root, key, CODES[1], out, vault)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "cryptography"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if installed.returncode != 0:
        pytest.skip(f"no package registry here: {installed.stderr[-300:]}")
    with zipfile.ZipFile(out) as bundle:
        (tmp_path / "verify.py").write_bytes(bundle.read("verify.py"))
    result = _run_bundle(tmp_path, out, str(venv / "bin" / "python"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Khớp: 2026/11/20/{CODES[1]}/1" in result.stdout


def test_chain_entry_edited_in_place_and_a_garbled_checkpoint(store: tuple[Path, Path]) -> None:
    """A file's hash in its entry changed to match an edited file: the next link and the checkpoint break."""
    root, key = store
    lines = core.read_lines(root / core.CHAIN)
    entry = json.loads(lines[1])
    shot = root / entry["folder"] / "01-buoc.png.enc"
    shot.write_bytes(b"\x89PNG edited")
    entry["files"][0] |= {"sha256": core.file_sha256(shot), "size": shot.stat().st_size}
    _rewrite_chain(root, [lines[0], core.canonical(entry).decode(), *lines[2:]])
    with (root / core.CHECKPOINTS).open("a", encoding="utf-8") as stream:
        stream.write("{not json\n")
    kinds = _kinds(root, key)
    assert ("entry_altered", "2") in kinds and ("checkpoint_forged", "0") in kinds
    assert ("file_altered", "01-buoc.png.enc") not in kinds  # the files match the edited entry
