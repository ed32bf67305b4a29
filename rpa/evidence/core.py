"""Verify evidence folders against the hash chain and its signed checkpoints.

This module needs only Python's standard library and ``cryptography``: ``rpa evidence export`` copies
it into each bundle as ``verify.py``, so an inspector checks a dossier's evidence without this project.
Run as a script: ``python verify.py [BUNDLE_DIR_OR_ZIP]``.

Layout under a root (``recordings_dir``, or an unpacked bundle): ``chain.jsonl`` (one entry a line),
``checkpoints.jsonl`` (signed chain heads), ``signing.pub`` (in a bundle; PEM Ed25519 public key) and
the attempt folders ``YYYY/MM/DD/<code>/<attempt>/`` each with ``manifest.json``.

How entries are read: the *last* ``attempt`` entry of a folder is the one its files are checked
against (a manifest written again later appends an entry that supersedes the earlier one; the earlier
ones still count for the chain's links and checkpoints). An ``erased`` entry for a dossier code marks
every folder of that code chained before it (or only those it lists in ``folders``) as erased: gone
on purpose, not tampered with. An ``erased_files`` entry does the same for single files of folders
that stay (``files``: ``<folder>/<name>``; traces go before screenshots): the folder's other files are
still checked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

CHAIN = "chain.jsonl"
CHECKPOINTS = "checkpoints.jsonl"
MANIFEST = "manifest.json"
SEALED = ".enc"  # a file sealed with the dossier's key (rpa.vault); its entry has both hashes
GENESIS = "0" * 64

MESSAGES = {
    "file_altered": "Tệp {name} trong {folder} đã bị sửa (mã băm hoặc kích thước khác với lúc lưu).",
    "file_missing": "Tệp {name} trong {folder} đã bị xoá.",
    "file_added": "Tệp {name} trong {folder} được thêm vào sau khi lưu bằng chứng.",
    "manifest_altered": "Tệp kê khai manifest.json của {folder} đã bị sửa.",
    "manifest_missing": "Tệp kê khai manifest.json của {folder} đã bị xoá.",
    "folder_missing": "Thư mục bằng chứng {folder} đã bị xoá mà không có ghi nhận xoá theo quy định.",
    "entry_removed": "Mục số {seq} của chuỗi băm đã bị xoá.",
    "entries_reordered": "Các mục của chuỗi băm bị đổi thứ tự (mục số {seq} nằm sai chỗ).",
    "entry_altered": "Mục số {seq} của chuỗi băm đã bị sửa (không khớp với mục kế sau).",
    "entry_unreadable": "Dòng {line} của chuỗi băm không đọc được.",
    "checkpoint_forged": "Điểm ký số {seq} có chữ ký không hợp lệ (giả mạo hoặc bị sửa).",
    "chain_after_checkpoint_altered": (
        "Chuỗi băm đã bị sửa sau khi được ký tại điểm ký số {seq} (mục số {seq} không còn như lúc ký)."
    ),
    "attempt_not_in_chain": "Thư mục bằng chứng {folder} không có trong chuỗi băm.",
    "no_public_key": "Không có khoá công khai để kiểm tra chữ ký các điểm ký số.",
    "timestamp_invalid": (
        "Dấu thời gian RFC 3161 của điểm ký số {seq} không hợp lệ (không khớp chữ ký của điểm này "
        "hoặc không do đơn vị cấp dấu thời gian đã cấu hình ký)."
    ),
}


@dataclass
class Finding:
    kind: str
    folder: str = ""
    name: str = ""
    seq: int = 0
    line: int = 0

    @property
    def message(self) -> str:
        return MESSAGES[self.kind].format(**asdict(self))


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)  # folders whose every file matched
    erased: list[str] = field(default_factory=list)  # folders (or files) erased on purpose, per the chain
    entries: int = 0
    checkpoints: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": not self.findings,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "verified": self.verified,
            "erased": self.erased,
            "findings": [asdict(f) | {"message": f.message} for f in self.findings],
        }


def canonical(value: dict[str, Any]) -> bytes:
    """The bytes an entry's hash and a checkpoint's signature are over: sorted keys, no spaces."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def file_sha256(path: Path) -> str:
    # rpa.portal.evidence.sha256_of calls this: the module itself must run without the project.
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


def read_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _check_links(lines: list[str], report: Report) -> list[dict[str, Any]]:
    """Parse the chain and check its numbering and links; return the entries that could be read."""
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            entries.append(json.loads(line))
        except ValueError:
            report.findings.append(Finding("entry_unreadable", line=number))
    report.entries = len(entries)
    seqs = [int(e.get("seq", 0)) for e in entries]
    out_of_place = [s for i, s in enumerate(seqs) if (i > 0 and s < seqs[i - 1])]
    for seq in out_of_place:
        report.findings.append(Finding("entries_reordered", seq=seq))
    present = set(seqs)
    for seq in range(1, max(seqs, default=0) + 1):
        if seq not in present:
            report.findings.append(Finding("entry_removed", seq=seq))
    for i, entry in enumerate(entries):
        before = entries[i - 1] if i else None
        expected = entry_hash(before) if before is not None else GENESIS
        adjacent = seqs[i] == 1 if before is None else seqs[i] == seqs[i - 1] + 1
        if adjacent and entry.get("prev") != expected:
            report.findings.append(Finding("entry_altered", seq=seqs[i - 1] if before else seqs[i]))
    return entries


def _check_checkpoints(
    root: Path, entries: list[dict[str, Any]], public_key: Ed25519PublicKey | None, report: Report
) -> None:
    lines = read_lines(root / CHECKPOINTS)
    report.checkpoints = len(lines)
    if lines and public_key is None:
        report.findings.append(Finding("no_public_key"))
        return
    by_seq = {int(e.get("seq", 0)): e for e in entries}
    for line in lines:
        try:
            checkpoint = json.loads(line)
            head = checkpoint["head"]
            seq = int(head.get("seq", 0))
        except (ValueError, KeyError, TypeError, AttributeError):  # garbled: it cannot vouch for anything
            report.findings.append(Finding("checkpoint_forged"))
            continue
        try:
            assert public_key is not None
            if checkpoint.get("key") != fingerprint(public_key):
                raise InvalidSignature
            public_key.verify(base64.b64decode(checkpoint.get("signature", "")), canonical(head))
        except (InvalidSignature, ValueError):
            report.findings.append(Finding("checkpoint_forged", seq=seq))
            continue
        signed = by_seq.get(seq)
        if signed is None or entry_hash(signed) != head.get("entry_hash"):
            report.findings.append(Finding("chain_after_checkpoint_altered", seq=seq))


def _on_disk(folder: Path) -> dict[str, tuple[str, int]]:
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name == MANIFEST or name.startswith(f".{MANIFEST}"):
            continue
        files[name] = (file_sha256(path), path.stat().st_size)
    return files


def _check_folder(root: Path, entry: dict[str, Any], report: Report) -> None:
    relative = str(entry["folder"])
    folder = root / relative
    if not folder.is_dir():
        report.findings.append(Finding("folder_missing", folder=relative))
        return
    before = len(report.findings)
    manifest = folder / MANIFEST
    if not manifest.exists():
        report.findings.append(Finding("manifest_missing", folder=relative))
    elif file_sha256(manifest) != entry.get("manifest_sha256"):
        report.findings.append(Finding("manifest_altered", folder=relative))
    present = _on_disk(folder)
    accounted = set()
    for chained in entry.get("files", []):
        name = str(chained["name"])
        facts = (chained["sha256"], int(chained["size"]))
        if name not in present and name.endswith(SEALED) and "plain_sha256" in chained:
            # an exported bundle holds the sealed file opened: check it against the plaintext's hash
            name = name.removesuffix(SEALED)
            facts = (chained["plain_sha256"], int(chained["plain_size"]))
        accounted.add(name)
        if name not in present:
            report.findings.append(Finding("file_missing", folder=relative, name=name))
        elif present[name] != facts:
            report.findings.append(Finding("file_altered", folder=relative, name=name))
    for name in sorted(present.keys() - accounted):
        report.findings.append(Finding("file_added", folder=relative, name=name))
    if len(report.findings) == before:
        report.verified.append(relative)


def _in_scope(folder: str, code: str | None, day: str | None) -> bool:
    parts = folder.split("/")
    if code is not None and (len(parts) < 4 or parts[3] != code):
        return False
    return day is None or "/".join(parts[:3]) == day


def verify(
    root: Path,
    public_key: Ed25519PublicKey | None,
    *,
    code: str | None = None,
    day: str | None = None,
    look_for_unchained: bool = True,
) -> Report:
    """Check the chain, the checkpoints and the attempt folders in scope (a dossier ``code``, a ``day``
    as ``YYYY/MM/DD``, or all). The chain and checkpoints are always checked whole: they are small."""
    report = Report()
    entries = _check_links(read_lines(root / CHAIN), report)
    _check_checkpoints(root, entries, public_key, report)
    latest: dict[str, dict[str, Any]] = {}
    erased: set[str] = set()
    for entry in entries:
        if entry.get("kind") == "erased":
            named = entry.get("folders")  # None: every attempt of the dossier chained so far
            gone = [
                f
                for f in latest
                if _in_scope(f, str(entry.get("dossier_code")), None) and (named is None or f in named)
            ]
            for folder in gone:
                del latest[folder]
                erased.add(folder)
        elif entry.get("kind") == "erased_files":
            for path in map(str, entry.get("files", [])):
                folder, _, name = path.rpartition("/")
                if folder in latest and _in_scope(folder, str(entry.get("dossier_code")), None):
                    kept = [f for f in latest[folder].get("files", []) if f.get("name") != name]
                    latest[folder] = latest[folder] | {"files": kept}
                    erased.add(path)
        elif "folder" in entry:
            latest[str(entry["folder"])] = entry
            erased.discard(str(entry["folder"]))
            erased.difference_update({f for f in erased if f.startswith(f"{entry['folder']}/")})
    for folder in sorted(latest):
        if _in_scope(folder, code, day):
            _check_folder(root, latest[folder], report)
    report.erased = sorted(f for f in erased if _in_scope(f, code, day))
    if look_for_unchained:
        for manifest in sorted(root.glob(f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*/*/{MANIFEST}")):
            relative = manifest.parent.relative_to(root).as_posix()
            if relative in latest or not _in_scope(relative, code, day):
                continue
            if json.loads(manifest.read_text(encoding="utf-8")).get("finished") is None:
                continue  # an attempt still going on (only a checkpoint manifest): chained when it ends
            report.findings.append(Finding("attempt_not_in_chain", folder=relative))
    return report


def main(argv: list[str]) -> int:
    """Verify an exported bundle (a folder or the zip itself); print what was checked; 0 clean, 1 not."""
    import tempfile

    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as scratch:
        if target.is_file():
            with zipfile.ZipFile(target) as bundle:
                bundle.extractall(scratch)
            target = Path(scratch)
        about = json.loads((target / "bundle.json").read_text(encoding="utf-8"))
        public_key = load_public_key(target / "signing.pub")
        report = verify(target, public_key, code=about["dossier_code"], look_for_unchained=True)
    print(f"Hồ sơ {about['dossier_code']}: khoá công khai {fingerprint(public_key)}")
    print(f"Đã kiểm tra {report.entries} mục chuỗi băm và {report.checkpoints} điểm ký số.")
    for folder in report.verified:
        print(f"  Khớp: {folder}")
    for folder in report.erased:
        print(f"  Đã xoá theo quy định: {folder}")
    for finding in report.findings:
        print(f"  SAI: {finding.message}")
    print("KẾT QUẢ: nguyên vẹn" if not report.findings else f"KẾT QUẢ: {len(report.findings)} sai lệch")
    for seq in about.get("timestamped_checkpoints", []):  # the TSA's token: checked with OpenSSL
        print(
            f"Dấu thời gian của điểm ký số {seq}: openssl ts -verify -token_in -in timestamps/{seq}.tsr "
            f"-data timestamps/{seq}.sig -CAfile tsa.pem"
        )
    return 0 if not report.findings else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
