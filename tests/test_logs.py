from __future__ import annotations

import json
from pathlib import Path

from loguru import logger

from rpa.logs import configure_logging, mask


def test_identity_numbers_and_secrets_are_masked() -> None:
    assert mask("CCCD 051190001234 và CMND 212345678") == "CCCD ********1234 và CMND *****5678"
    assert mask("login password=MatKhau@2025 ok") == "login password=*** ok"
    assert mask("phone 0912345678 stays") == "phone 0912345678 stays"


def test_json_lines_carry_context_and_never_secrets(tmp_path: Path) -> None:
    log_file = tmp_path / "rpa.jsonl"
    configure_logging(log_file, console=False)
    try:
        logger.bind(transfer_id=7, dossier="000.00.01.H55-261120-0001", flow="judicial_record", step="fill",
                    duration_ms=12.5, password="MatKhau@2025", id_number="051190001234").info(
            "typed số CCCD 051190001234 for Nguyễn Thị Hoà"
        )  # fmt: skip
    finally:
        logger.remove()
    entry = json.loads(log_file.read_text(encoding="utf-8").splitlines()[0])
    assert entry["transfer_id"] == 7 and entry["flow"] == "judicial_record" and entry["step"] == "fill"
    assert entry["duration_ms"] == 12.5
    assert entry["message"] == "typed số CCCD ********1234 for Nguyễn Thị Hoà"
    assert entry["password"] == "***" and entry["id_number"] == "********1234"
    assert "MatKhau" not in log_file.read_text(encoding="utf-8")
