"""The model-based test of exactly-once (tests/core/test_exactly_once_model.py) in its long profile.

CI runs a fixed, derandomised set of examples; this runs many more, freshly random each time, and
prints what it explored and how long it took. Exit 0 when every invariant held in every example.

Usage::

    python benchmarks/model.py [--examples 200] [--steps 40] [--seed-random]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--derandomize", action="store_true", help="the same examples as CI, only more")
    args = parser.parse_args()
    env = {**os.environ, "RPA_MODEL_EXAMPLES": str(args.examples), "RPA_MODEL_STEPS": str(args.steps)}
    if not args.derandomize:
        env["RPA_MODEL_RANDOM"] = "1"
    command = [
        sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-q",
        "--timeout", "0", "--hypothesis-show-statistics", "tests/core/test_exactly_once_model.py",
    ]  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    statistics = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("-")]
    print(
        json.dumps(
            {
                "examples": args.examples,
                "steps_per_example": args.steps,
                "random": not args.derandomize,
                "seconds": round(elapsed, 1),
                "seconds_per_example": round(elapsed / max(args.examples, 1), 2),
                "passed": done.returncode == 0,
                "hypothesis": statistics,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    if done.returncode != 0:
        print(done.stdout[-6000:], file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
