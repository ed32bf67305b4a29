"""``rpa evidence export``: one dossier's evidence in a zip an inspector verifies on their own.

The bundle holds the dossier's attempt folders (sealed files opened), the whole chain (hashes and
sizes only, no personal data) up to the last checkpoint covering them, those checkpoints, the public
key and ``verify.py`` (a copy of :mod:`rpa.evidence.core`, which needs only Python and
``cryptography``).
"""

from __future__ import annotations

import base64
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from rpa.evidence import core
from rpa.evidence.keys import MissingKeyError, public_path
from rpa.private_files import FILE_MODE
from rpa.vault import SUFFIX, Vault, dossier_scope, evidence_aad, is_sealed


def export_bundle(
    root: Path,
    signing_key: Path,
    code: str,
    out: Path,
    vault: Vault | None = None,
    tsa_certificate: Path | None = None,
) -> dict[str, Any]:
    """Write the bundle of ``code`` to ``out`` (owner-only); return what it holds.

    Sealed files are opened with ``vault`` and written in the clear under their plain names (the
    chain holds the plaintext's hash too, so the bundle's own ``verify.py`` checks them); without a
    vault they are copied sealed. Each kept checkpoint's RFC 3161 token goes in as
    ``timestamps/<seq>.tsr`` beside the signature it stamps (``<seq>.sig``), with the TSA's
    certificate ``tsa.pem``, for ``openssl ts -verify``.

    Raises:
        ErasedKey: the dossier's data was erased: there is nothing left to hand over.
        MissingKeyError: no public key.
        LookupError: the chain has no entry for ``code``.
    """
    public = public_path(signing_key)
    if not public.exists():
        raise MissingKeyError("Chưa có khoá ký: chạy rpa keys init")
    lines = core.read_lines(root / core.CHAIN)
    entries = [json.loads(line) for line in lines]
    mine = [e for e in entries if e.get("dossier_code") == code]
    if not mine:
        raise LookupError(f"Hồ sơ {code} không có trong chuỗi băm bằng chứng.")
    last_seq = max(int(e["seq"]) for e in mine)
    checkpoints = [json.loads(line) for line in core.read_lines(root / core.CHECKPOINTS)]
    covering = [c for c in checkpoints if int(c["head"]["seq"]) >= last_seq]
    # The chain up to the first checkpoint covering the dossier (or whole, when none covers it yet):
    end = min((int(c["head"]["seq"]) for c in covering), default=max(int(e["seq"]) for e in entries))
    chain = [line for line, e in zip(lines, entries, strict=True) if int(e["seq"]) <= end]
    kept = [c for c in checkpoints if int(c["head"]["seq"]) <= end]
    folders = sorted({str(e["folder"]) for e in mine if "folder" in e})
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as bundle:
        for folder in folders:
            base = root / folder
            for path in sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []:
                name = path.relative_to(base).as_posix()
                if vault is not None and is_sealed(path):  # the inspector gets it opened
                    plain = vault.read(dossier_scope(code), path, evidence_aad(code, base.name, name))
                    bundle.writestr(f"{folder}/{name.removesuffix(SUFFIX)}", plain)
                else:
                    bundle.write(path, f"{folder}/{name}")
        bundle.writestr(core.CHAIN, "".join(f"{line}\n" for line in chain))
        bundle.writestr(core.CHECKPOINTS, "".join(json.dumps(c, sort_keys=True) + "\n" for c in kept))
        stamped = [c for c in kept if isinstance(c.get("timestamp"), dict) and "token" in c["timestamp"]]
        for record in stamped:
            seq = int(record["head"]["seq"])
            bundle.writestr(f"timestamps/{seq}.tsr", base64.b64decode(record["timestamp"]["token"]))
            bundle.writestr(f"timestamps/{seq}.sig", base64.b64decode(record["signature"]))
        if stamped and tsa_certificate is not None:
            bundle.write(tsa_certificate, "tsa.pem")
        bundle.write(public, "signing.pub")
        bundle.write(core.__file__, "verify.py")
        about = {
            "dossier_code": code,
            "folders": folders,
            "chain_end": end,
            "checkpoints": len(kept),
            "timestamped_checkpoints": [int(c["head"]["seq"]) for c in stamped],
        }
        bundle.writestr("bundle.json", json.dumps(about, ensure_ascii=False, indent=2))
    return about | {"out": str(out), "covered_by_checkpoint": bool(covering)}
