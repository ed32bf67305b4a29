"""A scheduled job that keeps failing raises one alert (in Vietnamese) when it starts failing and one
when it runs again, not one per interval."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rpa.config import Settings
from rpa.operations import jobs
from rpa.operations.alerts import read_alerts
from rpa.operations.stopping import StopLatch


def _settings(tmp_path: Path, ledger: Path) -> Settings:
    account = {"username": "u", "password": "p"}
    return Settings.model_validate(
        {
            "provincial": {"base_url": "http://127.0.0.1:9", "account": account},
            "portals": {"moj-lltp": {"base_url": "http://127.0.0.1:9", "account": account}},
            "work_dir": str(tmp_path / "work"),
            "ledger_url": f"sqlite:///{ledger}",
        }
    )


@pytest.fixture(autouse=True)
def unbound() -> Iterator[None]:
    yield
    jobs.bind(None)


def test_a_failing_job_alerts_once_then_once_when_it_runs_again(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the ledger's folder should be")
    broken = _settings(tmp_path, blocker / "ledger.sqlite")
    jobs.bind(jobs.JobContext(broken, StopLatch()))
    for _ in range(3):
        jobs.process_queue()
    alerts = read_alerts(broken.work_dir)
    assert [(a["kind"], a["job"]) for a in alerts] == [("job_failing", "queue")]
    assert alerts[0]["message"].startswith("Tác vụ chuyển hồ sơ sang Bộ của bộ lập lịch bị lỗi: ")

    jobs.bind(jobs.JobContext(_settings(tmp_path, tmp_path / "ledger.sqlite"), StopLatch()))
    jobs.process_queue()  # an empty queue: the job runs through
    jobs.process_queue()
    alerts = read_alerts(broken.work_dir)
    assert [(a["kind"], a["job"]) for a in alerts] == [("job_failing", "queue"), ("job_recovered", "queue")]
    assert "đã chạy lại bình thường (lỗi từ " in alerts[1]["message"]
