"""Benchmark 6: wall time of `dunning-bridge --help`, the median of 10 runs.

Not a test: prints numbers and writes bench/results/cli_startup.json. Each run is a fresh
process (the installed console script, else ``python -m bridge.surfaces.cli``), so imports count in
full. Target: under 0.3 s.

    .venv/bin/python bench/cli_startup.py [RUNS]
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import write

TARGET_S = 0.3


def command() -> list[str]:
    """The installed console script next to this interpreter, else the module."""
    script = Path(sys.executable).with_name("dunning-bridge")
    if script.exists():
        return [str(script), "--help"]
    found = shutil.which("dunning-bridge")
    return [found, "--help"] if found else [sys.executable, "-m", "bridge.surfaces.cli", "--help"]


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Time the runs, print and save the numbers."""
    args = sys.argv[1:] if argv is None else argv
    runs = int(args[0]) if args else 10
    cmd = command()
    subprocess.run(cmd, capture_output=True, check=True)  # warm the disk cache and .pyc files
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    data: dict[str, object] = {
        "command": " ".join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd)),
        "runs": runs,
        "median_s": round(median, 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "target_s": TARGET_S,
        "met": median < TARGET_S,
    }
    write("cli_startup", data)
    return data


if __name__ == "__main__":
    main()
