"""Scheduler fixtures: a factory of sandbox worlds that live as long as the test module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest
from scheduler_support import SchedulerWorld

from rpa.config import load_settings, write_config
from rpa.sandbox.cli import bot_config
from rpa.sandbox.serving import start_sandbox


@pytest.fixture(scope="module")
def make_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], SchedulerWorld]]:
    worlds: list[SchedulerWorld] = []
    with ExitStack() as stack:

        def make(name: str) -> SchedulerWorld:
            root = tmp_path_factory.mktemp(name)
            running = start_sandbox(root / "sandbox")
            stack.callback(running.stop)
            httpx.post(
                f"{running.urls['moj-lltp']}/_sandbox/knobs", json={"captcha": False}, timeout=10
            ).raise_for_status()
            config = root / "rpa.toml"
            write_config(config, bot_config(running))
            world = SchedulerWorld(root, running, config, load_settings(config))
            worlds.append(world)
            return world

        yield make
        for world in worlds:  # a failed test must not leave a scheduler (and its Chromium) running
            for bot in world.bots:
                bot.kill()
