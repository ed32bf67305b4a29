"""The command line as an operator's script runs it: exit codes and clear messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RPA = [sys.executable, "-m", "rpa"]


def test_flows_check_passes_on_the_shipped_maps() -> None:
    out = subprocess.run([*RPA, "flows", "check"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "every flow matches its selector maps" in out.stdout


def test_missing_configuration_is_a_clear_system_error(tmp_path: Path) -> None:
    absent = tmp_path / "absent.toml"
    for command in (["run", "--once"], ["runs", "list"], ["transfer", "000.00.01.H55-261120-0001"]):
        out = subprocess.run(
            [*RPA, *command, "--config", str(absent)], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 1, command
        assert f"configuration file not found: {absent}" in out.stderr
