"""Check the pinned dependencies (constraints.txt) for known vulnerabilities with pip-audit.

Run by `make audit` (part of `make test`). Offline-tolerant: when no vulnerability database can
be reached, it says so and passes; a known vulnerability always fails. Passing then proves
nothing, so the verdict is also written to .venv/audit-status and `make test` ends by printing
it: "dependency audit: NOT CHECKED (no vulnerability database reachable)" when nothing was
looked up (docs/testing.md says why that does not fail CI).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATUS = ROOT / ".venv" / "audit-status"
NOT_CHECKED = "dependency audit: NOT CHECKED (no vulnerability database reachable)"


def _verdict(line: str) -> None:
    """Print the verdict and keep it for the summary at the end of `make test`."""
    print(line)
    try:
        STATUS.parent.mkdir(parents=True, exist_ok=True)
        STATUS.write_text(line + "\n", encoding="utf-8")
    except OSError:
        pass


def main() -> int:
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--requirement",
        str(ROOT / "constraints.txt"),
        "--no-deps",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        _verdict(f"dependency audit: NOT CHECKED (pip-audit could not run: {exc})")
        return 0
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        _verdict(NOT_CHECKED)
        return 0
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    audited = [d for d in deps if "skip_reason" not in d]
    for dep in vulnerable:
        ids = ", ".join(v.get("id", "?") for v in dep["vulns"])
        print(f"VULNERABLE {dep['name']} {dep['version']}: {ids}")
    if vulnerable:
        _verdict(f"dependency audit: FAILED, {len(vulnerable)} pins with known vulnerabilities")
        return 1
    if not audited:
        _verdict(f"{NOT_CHECKED}: none of {len(deps)} pins could be looked up")
        return 0
    unchecked = len(deps) - len(audited)
    if unchecked:
        _verdict(
            f"dependency audit: {len(audited)} pins checked, no known vulnerabilities; "
            f"{unchecked} NOT CHECKED (not found in the database)"
        )
        return 0
    _verdict(f"dependency audit: {len(audited)} pins checked, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
