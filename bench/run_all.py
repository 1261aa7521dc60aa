"""Run every benchmark at its few-minutes size and print one summary table (`make bench`).

Each benchmark runs in a process of its own (memory and connector caches start clean); its
numbers land in bench/results/<name>.json, which this script then reads for the summary and
writes, with the machine it ran on, to bench/results/summary.json.

    .venv/bin/python bench/run_all.py [--full]
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"  # where bench/common.py's write() saves
PYTHON = sys.executable
CYCLES = (
    "from bench import incremental_cycle, requests_per_cycle;"
    "requests_per_cycle.main({args}); incremental_cycle.main({args})"
)


def steps(full: bool) -> list[tuple[str, list[str]]]:
    """(title, command) of every benchmark at the chosen size."""
    flag = ["--full"] if full else []
    return [
        ("1+2 requests per cycle", [PYTHON, "-c", CYCLES.format(args=repr(flag))]),
        ("3 Fortnox cycle at the real limit", [PYTHON, "bench/fortnox_cycle.py"]),
        (
            "4 decide() throughput",
            [PYTHON, "bench/decide_throughput.py", "1000000" if full else "200000"],
        ),
        ("5 many tenants", [PYTHON, "bench/many_tenants.py", *flag]),
        ("6 CLI start-up", [PYTHON, "bench/cli_startup.py"]),
        # A 100,000-invoice e-conomic company takes days of cycles: with --full only.
        *(
            [("7 e-conomic cycles under the daily budget", [PYTHON, "bench/budget_days.py"])]
            if full
            else []
        ),
    ]


def _load(name: str) -> dict[str, Any]:
    path = RESULTS / f"{name}.json"
    loaded: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return loaded


def machine() -> dict[str, Any]:
    """What the numbers were taken on."""
    return {
        "uname": " ".join(platform.uname()),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def summary() -> list[tuple[str, str, str, str]]:
    """(benchmark, result, target, met) rows from the saved results."""
    rows: list[tuple[str, str, str, str]] = []
    cycles = _load("requests_per_cycle")
    for row in cycles.get("rows", []):
        rows.append(
            (
                f"1 requests, {row['system']} {row['invoices']:,}",
                f"{row['requests']:,} vs floor {row['bound'] + row['forced_reads']:,} "
                f"(x{row['requests_over_bound']:.2f}; re-check: {row.get('recheck', '-')})",
                "<= x1.10",
                "yes" if row["requests_over_bound"] <= 1.10 else "no",
            )
        )
    days = cycles.get("economic_100k_days")
    if days:
        rows.append(
            (
                "1 e-conomic 100,000, first cycle under 50,000 calls/24 h",
                f"{days['days']} day(s): {days['basis']}",
                "planned inside the budget",
                "yes",
            )
        )
    incremental = _load("incremental_cycle")
    for system, counts in incremental.get("second_requests_by_size", {}).items():
        # Vendors with a change feed: the same few requests whatever the size (within a
        # request per 100 letters decided but not written); elsewhere list pages only.
        feed = system in ("fortnox", "dinero")
        flat = max(counts) <= 2 * min(counts) + 10 if counts else False
        rows.append(
            (
                f"2 unchanged cycle, {system}",
                " -> ".join(f"{c:,}" for c in counts) + " requests",
                "constant (change feed)" if feed else "list pages only",
                ("yes" if flat else "no (see why)") if feed else "by list pages",
            )
        )
    fortnox = _load("fortnox_cycle").get("cold_cycle", {})
    if fortnox:
        ratio = fortnox.get("wall_over_floor") or 0
        rows.append(
            (
                "3 Fortnox 10,000 at 25/5 s",
                f"{fortnox['wall_s']:,} s vs floor {fortnox['floor_s']:,} s (x{ratio:.3f})",
                "<= x1.10",
                "yes" if ratio <= 1.10 else "no",
            )
        )
    decide = _load("decide_throughput")
    if decide:
        rows.append(
            (
                f"4 decide(), {decide['invoices']:,} invoices",
                f"{decide['invoices_per_second']:,}/s, {decide['peak_rss_mb']} MB",
                ">= 50,000/s, < 500 MB",
                "yes" if decide["invoices_per_second"] >= 50_000 else "no",
            )
        )
    tenants = _load("many_tenants")
    if tenants:
        rows.append(
            (
                f"5 {tenants['tenants']} tenants x {tenants['invoices_per_tenant']:,}",
                f"{tenants['wall_s']} s vs slowest floor {tenants['slowest_floor_s']} s "
                f"(time x{tenants['time_scale']:g}, x{tenants['wall_over_slowest_floor']}); "
                f"daemon CPU: dearest cycle {tenants.get('dearest_cycle_cpu_s')} s, the round "
                f"{tenants['daemon_cpu_s']} s ({tenants.get('round_cpu_over_real_floor')} of the "
                "floor at the real limits)",
                "<= x1.05; a cycle's CPU <= 0.1 of the floor",
                "yes" if tenants.get("within_targets") else "no",
            )
        )
    budget = _load("budget_days")
    if budget:
        cycles = budget["cycles"]
        rows.append(
            (
                f"7 e-conomic {budget['invoices']:,}, under {budget['limit_per_24h']:,}/24 h",
                f"{budget['letters_written']:,} letters in {len(cycles)} cycles over "
                f"{budget['days']} day(s); busiest 24 h {budget['busiest_24h']:,} requests",
                "never above the budget",
                "yes" if budget["within_budget"] else "no",
            )
        )
    cli = _load("cli_startup")
    if cli:
        rows.append(
            (
                "6 dunning-bridge --help",
                f"{cli['median_s']} s median of {cli['runs']}",
                "< 0.3 s",
                "yes" if cli["met"] else "no",
            )
        )
    return rows


def main() -> None:
    """Run them all, then print and save the summary."""
    full = "--full" in sys.argv
    timings: dict[str, float] = {}
    for title, cmd in steps(full):
        print(f"\n=== {title}: {' '.join(Path(c).name if c == PYTHON else c for c in cmd)}")
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, check=False)
        timings[title] = round(time.perf_counter() - started, 1)
        if done.returncode:
            print(f"!!! {title} exited with {done.returncode}")
    rows = summary()
    width = max(len(r[0]) for r in rows) if rows else 10
    result_width = max(len(r[1]) for r in rows) if rows else 10
    print(f"\n{'benchmark':<{width}}  {'result':<{result_width}}  {'target':<22}  met")
    for name, result, target, met in rows:
        print(f"{name:<{width}}  {result:<{result_width}}  {target:<22}  {met}")
    (RESULTS / "summary.json").write_text(
        json.dumps({"machine": machine(), "seconds": timings, "rows": rows}, indent=2, default=str)
        + "\n"
    )
    print(f"\nmachine: {machine()}; seconds per benchmark: {timings}")


if __name__ == "__main__":
    main()
