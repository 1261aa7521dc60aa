"""Mutation testing with mutmut: how many small code changes do the tests notice, per package.

mutmut changes the code one small step at a time (a `<` into `<=`, `and` into `or`, a constant
into another) and runs the tests that reach the changed function; a change that no test fails
on "survives" and shows a behaviour the tests do not pin down. `make mutation` runs it on a
temporary copy of the tree (the work tree is never touched) for each target below and prints
a mutation score per package, then the surviving mutants. It is slow (a few mutants a second
on two cores), so it is not part of `make test`.

    make mutation                          # every target
    .venv/bin/python scripts/mutation.py policies
    .venv/bin/python scripts/mutation.py --show   # also print each survivor's diff

Targets: policies (rules.py, compensation.py and interest.py: the whole package is about 4 000
mutants, hours here), bridge/vocab/redact.py, bridge/store/outbox.py. The property suites are left
out of the runs (each would replay a hundred days for every mutant); their own proof is
scripts/law_mutants.py.
docs/testing.md has the latest scores and the mutants judged equivalent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from law_mutants import _copy_tree

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).parent / "mutmut"
PROPERTY_SUITES = (
    "tests/policies/test_nordic_properties.py",
    "tests/policies/test_properties.py",
    "tests/policies/test_feature_properties.py",
    "tests/policies/test_interest_periods.py",
)


@dataclass(frozen=True)
class Target:
    """Files to mutate, as one package's score, and the tests that may kill their mutants."""

    name: str
    files: tuple[str, ...]
    tests: tuple[str, ...]


TARGETS = (
    Target(
        "policies",
        ("policies/rules.py", "policies/compensation.py", "policies/interest.py"),
        ("tests/policies",),
    ),
    Target("bridge/vocab/redact.py", ("bridge/vocab/redact.py",), ("tests/bridge/test_redact.py",)),
    Target("bridge/store/outbox.py", ("bridge/store/outbox.py",), ("tests/bridge/test_outbox.py",)),
)


def _setup_cfg(target: Target) -> str:
    """mutmut's settings for one target (it reads them from setup.cfg in the copy)."""
    lines = ["[mutmut]", "source_paths=", "    policies", "    bridge", "    connectors"]
    lines += ["only_mutate=", *(f"    {f}" for f in target.files)]
    lines += ["pytest_add_cli_args_test_selection=", *(f"    {t}" for t in target.tests)]
    lines += ["pytest_add_cli_args=", *(f"    --ignore={p}" for p in PROPERTY_SUITES)]
    lines += ["also_copy=", "    examples", "    docs", "    scripts", "    bench"]
    lines += ["    README.md", "    Makefile", "    constraints.txt"]
    return "\n".join(lines) + "\n"


def _mutmut(tree: Path, *args: str, timeout: int = 4 * 3600) -> str:
    env = {**os.environ, "HYPOTHESIS_PROFILE": "dev", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CI", None)
    done = subprocess.run(
        [str(MUTMUT), *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise RuntimeError(f"mutmut {' '.join(args)} failed:\n" + "\n".join(tail))
    return done.stdout


def run_target(target: Target, *, show: bool) -> tuple[dict[str, int], list[str]]:
    """Run mutmut on a fresh copy; return its counts and the surviving mutants' names."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as folder:
        tree = Path(folder) / "tree"
        tree.mkdir()
        _copy_tree(tree)
        (tree / "setup.cfg").write_text(_setup_cfg(target), encoding="utf-8")
        _mutmut(tree, "run")
        _mutmut(tree, "export-cicd-stats")
        stats = json.loads((tree / "mutants" / "mutmut-cicd-stats.json").read_text())
        survivors = [
            line.split(":")[0].strip()
            for line in _mutmut(tree, "results").splitlines()
            if line.strip().endswith(": survived")
        ]
        if show:
            for name in survivors:
                print(_mutmut(tree, "show", name))
    return stats, survivors


def score(stats: dict[str, int]) -> float:
    """Killed (or timed out) out of those the tests reached, in percent."""
    caught = stats["killed"] + stats["timeout"] + stats["segfault"] + stats["suspicious"]
    reached = caught + stats["survived"]
    return 100.0 * caught / reached if reached else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", help="policies, bridge/vocab/redact.py, ...")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    args = parser.parse_args()
    if not MUTMUT.exists() or shutil.which(str(MUTMUT)) is None:
        print("mutmut is not installed: make .venv/.installed (it is in the test extra)")
        return 1
    chosen = [t for t in TARGETS if not args.targets or t.name in args.targets]
    results = []
    for target in chosen:
        started = time.monotonic()
        stats, survivors = run_target(target, show=args.show)
        minutes = (time.monotonic() - started) / 60
        results.append((target, stats, survivors))
        print(
            f"mutation score {target.name}: {score(stats):.1f} % "
            f"({stats['killed']} killed, {stats['timeout']} timed out, "
            f"{stats['survived']} survived, {stats['no_tests']} not reached by a test; "
            f"{minutes:.0f} min)",
            flush=True,
        )
        for name in survivors:
            print(f"  survived: {name}")
    print()
    for target, stats, _ in results:
        print(f"mutation score {target.name}: {score(stats):.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
