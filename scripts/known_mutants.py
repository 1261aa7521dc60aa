"""Show that the mutants issue 22 listed as surviving now fail a test, one at a time.

Like scripts/law_mutants.py: a temporary copy of the tree, one change at a time, the example
tests that pin it run on the copy; each change must fail them. The work tree is never touched.

    .venv/bin/python scripts/known_mutants.py      # about a minute; exit 1 if one survives
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from law_mutants import _copy_tree

TESTS = (
    "tests/policies/test_boundary_examples.py",
    "tests/bridge/test_outbox.py",
    "tests/bridge/test_redact.py",
)
# (what the mutant breaks, file, exact text, what it becomes)
MUTANTS = (
    (
        "NO: a second fee on the first letter's deadline day",
        "policies/rules.py",
        "    if today <= previous.deadline:",
        "    if today < previous.deadline:",
    ),
    (
        "a hand-over the day after a warning without a recorded deadline",
        "policies/drafting.py",
        "warning.date + timedelta(days=law.collection_warning_min_days)",
        "warning.date + timedelta(days=0)",
    ),
    (
        "FI: a consumer fee 13 days after the previous letter",
        "policies/rules.py",
        "        gap = (today - last_letter).days\n        if gap < rule.spacing_offset:",
        "        gap = (today - last_letter).days\n        if gap < rule.spacing_offset - 1:",
    ),
    (
        "a tenant's stricter fee_spacing_days ignored",
        "policies/law/overrides.py",
        'changes["min_spacing_days"] = max(rule.min_spacing_days, overrides.fee_spacing_days)',
        'changes["min_spacing_days"] = rule.min_spacing_days',
    ),
    (
        "a tenant's stricter first_fee_days_after_due ignored",
        "policies/law/overrides.py",
        "if overrides.first_fee_days_after_due is not None:",
        "if False:",
    ),
    (
        "interest principal above the invoice amount",
        "policies/interest.py",
        "return max(ZERO, min(self.amount, self.outstanding + later))",
        "return max(ZERO, self.outstanding + later)",
    ),
    (
        "a secret in use evicted (re-reading it does not make it the newest)",
        "bridge/vocab/redact.py",
        "        _known_values.pop(value, None)\n        _known_values[value] = None",
        "        _known_values.setdefault(value, None)",
    ),
    (
        "query strings not scrubbed",
        "bridge/vocab/redact.py",
        "[(k, REDACTED if is_secret_name(k) else redact_text(v)) for k, v in pairs]",
        "[(k, v) for k, v in pairs]",
    ),
    (
        "cancel() on an issued letter silently ignored",
        "bridge/store/outbox.py",
        "    if current.state == CANCELLED:\n        return",
        '    if current.state != "intended":\n        return',
    ),
    (
        "a refusal from an earlier day blocks a retry",
        "bridge/store/outbox.py",
        "if body != text or day != date_text(letter.date):",
        "if body != text:",
    ),
    (
        "an interest invoice exactly at the policy minimum dropped",
        "policies/drafting.py",
        "if total < settings.minimum:",
        "if total <= settings.minimum:",
    ),
)


def main() -> int:
    survivors = 0
    with tempfile.TemporaryDirectory(prefix="known-mutants-") as folder:
        tree = Path(folder) / "tree"
        tree.mkdir()
        _copy_tree(tree)
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS]
        for what, path, old, new in MUTANTS:
            target = tree / path
            original = target.read_text()
            if original.count(old) != 1:
                print(f"{what}: the text to change is not once in {path}; update me")
                return 1
            target.write_text(original.replace(old, new))
            try:
                done = subprocess.run(
                    command, cwd=tree, env=env, capture_output=True, text=True, check=False
                )
            finally:
                target.write_text(original)
            failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
            if done.returncode == 0:
                survivors += 1
                print(f"SURVIVED: {what} ({path})")
            else:
                print(f"killed: {what} ({path}) by {failed[0][7:] if failed else '?'}")
    print(f"{len(MUTANTS) - survivors} of {len(MUTANTS)} known mutants fail the tests")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
