"""Mutation testing with mutmut: how many small code changes do the tests notice, per package.

mutmut changes the code one small step at a time (a `<` into `<=`, `and` into `or`, a constant
into another) and runs the tests that reach the changed function; a change that no test fails
on "survives" and shows a behaviour the tests do not pin down. `make mutation` runs it on a
temporary copy of the tree (the work tree is never touched), one file at a time, keeps each
file's result in .mutation/ and prints a score per file and per package: the share of
non-equivalent mutants killed, equivalent ones being those scripts/equivalent_mutants.py lists
with the reason. It is slow (one or two mutants a second on two cores), so it is not part of
`make test`.

    make mutation                                    # the policies/ gate, redact, outbox (~1 h)
    .venv/bin/python scripts/mutation.py policies    # every policies/ target, ladder.py too
    .venv/bin/python scripts/mutation.py policies/claim.py --show   # with each survivor's diff
    .venv/bin/python scripts/mutation.py --kept policies            # the kept results, no run

Targets: policies/rules.py, explained.py, compensation.py, interest.py, engine.py and the
modules split from it (run.py, rungs.py, drafting.py, forming.py, whynot.py), claim.py and
history.py (the gate: at least 95 % of the non-equivalent mutants killed), then ladder.py,
policy_values.py, daycount.py and promises.py; bridge/vocab/redact.py, bridge/store/outbox.py.
The property suites are left out of the runs (each would replay a hundred days for every
mutant); their own proof is scripts/law_mutants.py. docs/testing.md has the latest scores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from equivalent_mutants import EQUIVALENT
from law_mutants import _copy_tree

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).parent / "mutmut"
# Each target's last result, kept so a long run need not be repeated to print the scores.
RESULTS = ROOT / ".mutation"
PROPERTY_SUITES = (
    "tests/policies/test_nordic_properties.py",
    "tests/policies/test_properties.py",
    "tests/policies/test_feature_properties.py",
    "tests/policies/test_interest_periods.py",
)


@dataclass(frozen=True)
class Target:
    """One file to mutate, the package its score counts towards, and the tests that may kill."""

    name: str
    package: str
    tests: tuple[str, ...]


# One target per file: a run can be repeated for the file that changed, and a slow file does
# not hold back the others' results.
_POLICIES_TESTS = ("tests/policies",)
# policies/: the tests of the package reach every file below through decide(), the claim, the
# interest and the ladder (mutmut then runs, per mutant, only the tests that reached its function).
_POLICIES = (
    # the rules and the notes that explain them (rules.py before its split)
    "policies/rules.py",
    "policies/explained.py",
    "policies/compensation.py",
    "policies/interest.py",
    # the engine (engine.py before its split): decide(), one run, its rungs, drafts, forming a
    # letter and the "why not" answers
    "policies/engine.py",
    "policies/run.py",
    "policies/rungs.py",
    "policies/drafting.py",
    "policies/forming.py",
    "policies/whynot.py",
    "policies/claim.py",
    "policies/history.py",
    # the tenant's ladder and the values it is made of (ladder.py before its split)
    "policies/ladder.py",
    "policies/policy_values.py",
    "policies/daycount.py",
    "policies/promises.py",
)
TARGETS = (
    *(Target(name, "policies", _POLICIES_TESTS) for name in _POLICIES),
    Target(
        "bridge/vocab/redact.py",
        "bridge/vocab/redact.py",
        (
            "tests/bridge/test_redact.py",
            "tests/bridge/test_redact_examples.py",
            "tests/bridge/test_security.py",
            "tests/reliability/test_masking.py",
        ),
    ),
    Target(
        "bridge/store/outbox.py",
        "bridge/store/outbox.py",
        # Not tests/bridge/test_store_outbox.py: its PostgreSQL variant starts a server for every
        # mutant; the SQLite runs of the same tests stand for it.
        ("tests/bridge/test_outbox.py", "tests/bridge/test_outbox_unconfirmed.py"),
    ),
)
# What `make mutation` runs without arguments: the files of the policies/ gate (the ones that
# decide amounts, dates and the explanations of them), then redaction and the outbox. ladder.py,
# policy_values.py, daycount.py and promises.py are targets too (`mutation.py policies`).
_GATE = _POLICIES[: _POLICIES.index("policies/history.py") + 1]
DEFAULT = (*_GATE, "bridge/vocab/redact.py", "bridge/store/outbox.py")


def _setup_cfg(target: Target) -> str:
    """mutmut's settings for one target (it reads them from setup.cfg in the copy)."""
    lines = ["[mutmut]", "source_paths=", "    policies", "    bridge", "    connectors"]
    lines += ["only_mutate=", f"    {target.name}"]
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


def run_target(target: Target) -> dict[str, Any]:
    """Run mutmut on a fresh copy; return its counts, the survivors and each survivor's diff."""
    started = time.monotonic()
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
        diffs = {name: _mutmut(tree, "show", name) for name in survivors}
    return {
        "target": target.name,
        "stats": stats,
        "survivors": survivors,
        "diffs": diffs,
        "minutes": round((time.monotonic() - started) / 60, 1),
        "finished": time.strftime("%Y-%m-%d %H:%M"),
    }


def _kept(target: Target) -> Path:
    return RESULTS / (target.name.replace("/", "_") + ".json")


def score(caught: int, survived: int) -> float:
    """Killed (or timed out) out of those the tests reached, in percent."""
    reached = caught + survived
    return 100.0 * caught / reached if reached else 0.0


def tally(result: dict[str, Any]) -> tuple[int, int, int]:
    """(caught, open survivors, equivalent survivors) of one target's result."""
    stats = result["stats"]
    caught = stats["killed"] + stats["timeout"] + stats["segfault"] + stats["suspicious"]
    equivalent = sum(1 for name in result["survivors"] if name in EQUIVALENT)
    return caught, len(result["survivors"]) - equivalent, equivalent


def report(results: list[dict[str, Any]], *, show: bool) -> None:
    """Print each file's line, its open survivors, then one score per package."""
    by_name = {t.name: t for t in TARGETS}
    packages: dict[str, list[tuple[int, int, int]]] = {}
    for result in results:
        caught, open_, equivalent = tally(result)
        packages.setdefault(by_name[result["target"]].package, []).append(
            (caught, open_, equivalent)
        )
        print(
            f"{result['target']}: {score(caught, open_):.1f} % of non-equivalent mutants killed "
            f"({caught} killed, {open_} survived, {equivalent} equivalent, "
            f"{result['stats']['no_tests']} not reached by a test; "
            f"{result['minutes']} min, {result['finished']})"
        )
        for name in result["survivors"]:
            if name in EQUIVALENT:
                continue
            print(f"  survived: {name}")
            if show:
                print(result["diffs"].get(name, ""))
        module = result["target"].removesuffix(".py").replace("/", ".") + "."
        for name in sorted(set(EQUIVALENT) - set(result["survivors"])):
            if name.startswith(module):
                print(f"  stale in equivalent_mutants.py (killed or renumbered): {name}")
    print()
    for package, rows in packages.items():
        caught = sum(r[0] for r in rows)
        open_ = sum(r[1] for r in rows)
        equivalent = sum(r[2] for r in rows)
        files = len(rows)
        print(
            f"mutation score {package}: {score(caught, open_):.1f} % of non-equivalent mutants "
            f"killed ({caught} / {caught + open_}); {score(caught, open_ + equivalent):.1f} % of "
            f"all reached ({caught} / {caught + open_ + equivalent}, {equivalent} equivalent); "
            f"{files} file{'s' if files > 1 else ''}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", help="files or packages: policies, ...")
    parser.add_argument("--show", action="store_true", help="print each survivor's diff")
    parser.add_argument(
        "--kept", action="store_true", help="print the kept results of earlier runs, run nothing"
    )
    args = parser.parse_args()
    wanted = args.targets or list(DEFAULT)
    chosen = [t for t in TARGETS if t.name in wanted or t.package in wanted]
    if not chosen:
        print(f"no such target; choose from {', '.join(t.name for t in TARGETS)}")
        return 2
    results = []
    for target in chosen:
        if args.kept:
            if _kept(target).exists():
                results.append(json.loads(_kept(target).read_text(encoding="utf-8")))
            continue
        if not MUTMUT.exists():
            print("mutmut is not installed: make .venv/.installed (it is in the test extra)")
            return 1
        result = run_target(target)
        RESULTS.mkdir(exist_ok=True)
        _kept(target).write_text(json.dumps(result, indent=1), encoding="utf-8")
        results.append(result)
        print(f"{target.name}: done in {result['minutes']} min", flush=True)
    report(results, show=args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
