"""Show that the property suites catch wrong law values: each known wrong value must fail them.

For each mutant below (a statutory number changed in a law pack, as a bad edit or a bad data
update would), copy the tree to a temporary folder, make that one change there, and run the
property suites on the copy with the "mutants" Hypothesis profile (more examples, derandomized:
the same verdict on every run). The suites check decide() against the numbers typed in by hand
in tests/policies/statute.py, so every mutant must make them fail. The working tree is never
touched.

    make law-mutants                  # or: .venv/bin/python scripts/law_mutants.py
    .venv/bin/python scripts/law_mutants.py --only dk-spacing --profile ci

Exit 0 when the unchanged copy passes and every mutant fails; 1 otherwise (a mutant that
passes is a gap in the oracles). docs/testing.md records the last run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUITES = (
    "tests/policies/test_nordic_properties.py",
    "tests/policies/test_properties.py",
    "tests/policies/test_feature_properties.py",
)


@dataclass(frozen=True)
class Mutant:
    """One wrong value: the file, the exact text, what it becomes, and what the law says."""

    name: str
    path: str
    old: str
    new: str
    law: str


MUTANTS = (
    Mutant(
        "dk-spacing",
        "policies/law/dk.py",
        "min_spacing_days=10,",
        "min_spacing_days=9,",
        "DK fee-bearing reminders at least 10 days apart (law.md § 1.2), made 9",
    ),
    Mutant(
        "dk-warning",
        "policies/law/dk.py",
        "collection_warning_min_days=10,",
        "collection_warning_min_days=9,",
        "DK collection warning deadline at least 10 days (law.md § 1.5), made 9",
    ),
    Mutant(
        "no-missed-deadline",
        "policies/law/no.py",
        "missed_deadline_days=14,",
        "missed_deadline_days=10,",
        "NO second fee only after a missed deadline of at least 14 days (law.md § 2.2), made 10",
    ),
    Mutant(
        "se-cap",
        "policies/law/se.py",
        'cap=Decimal("60.00"),',
        'cap=Decimal("90.00"),',
        "SE påminnelseavgift at most SEK 60 (law.md § 3.2), made 90",
    ),
    Mutant(
        "dk-cap",
        "policies/law/dk.py",
        'cap=Decimal("100.00"),',
        'cap=Decimal("150.00"),',
        "DK reminder fee at most DKK 100 (law.md § 1.2), made 150",
    ),
    Mutant(
        "fi-first-fee",
        "policies/law/fi.py",
        "earliest_days_after_due=14,",
        "earliest_days_after_due=7,",
        "FI consumer's first fee no earlier than due date + 14 (law.md § 4.2), made 7",
    ),
)


def _copy_tree(target: Path) -> None:
    """Copy the files git knows (committed or not, ignored ones left out) into ``target``."""
    listed = subprocess.run(
        [
            shutil.which("git") or "git",
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the work tree but not yet in the index
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)


def _run_suites(tree: Path, profile: str) -> tuple[bool, str, float]:
    """Run the property suites on ``tree``; return (passed, last lines of output, seconds)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),  # ahead of the editable install of the real tree
        "HYPOTHESIS_PROFILE": profile,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("CI", None)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        "-n",
        os.environ.get("LAW_MUTANTS_WORKERS", "2"),
        *SUITES,
    ]
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, check=False, timeout=1800
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    failed = [line for line in lines if line.startswith("FAILED")]
    summary = "; ".join(failed[:3]) or (lines[-1] if lines else "")
    return done.returncode == 0, summary, time.monotonic() - started


def _imports_from(tree: Path) -> Path:
    """Where the copy's ``policies`` package is imported from (it must be the copy)."""
    done = subprocess.run(
        [sys.executable, "-c", "import policies; print(policies.__file__)"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="run only this mutant (repeatable)")
    parser.add_argument(
        "--profile", default="mutants", help="Hypothesis profile (tests/conftest.py): ci, dev"
    )
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    with tempfile.TemporaryDirectory(prefix="law-mutants-") as folder:
        tree = Path(folder) / "tree"
        tree.mkdir()
        _copy_tree(tree)
        where = _imports_from(tree)
        if tree not in where.parents:
            print(f"the copy imports policies from {where}, not from itself: cannot test")
            return 1
        passed, summary, seconds = _run_suites(tree, args.profile)
        print(f"unchanged tree: {'passes' if passed else 'FAILS'} ({seconds:.0f} s)")
        if not passed:
            print(f"  {summary}")
            return 1
        survivors = []
        for mutant in chosen:
            target = tree / mutant.path
            original = target.read_text()
            if original.count(mutant.old) != 1:
                print(f"{mutant.name}: '{mutant.old}' is not once in {mutant.path}; update me")
                return 1
            target.write_text(original.replace(mutant.old, mutant.new))
            try:
                passed, summary, seconds = _run_suites(tree, args.profile)
            finally:
                target.write_text(original)
            verdict = "SURVIVED (the suites passed)" if passed else "killed"
            print(f"{mutant.name}: {verdict} in {seconds:.0f} s -- {mutant.law}")
            if passed:
                survivors.append(mutant.name)
            else:
                print(f"  {summary}")
        print(f"{len(chosen) - len(survivors)} of {len(chosen)} wrong law values fail the suites")
        return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
