"""What is checked before the daemon starts: policy files and cron schedules, every problem.

A policy file used to be read only when a cycle ran: each cycle crashed with a traceback, named
only the first problem, and the file only for a syntax error. A cron expression that can never
fire (``0 0 31 2 *``) was accepted and the daemon never ran. Now the schedules are checked when
the settings load (bridge/vocab/settings.py) and the policy files when the daemon starts and in
``doctor``, each problem named with its file and key.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bridge.vocab.settings import Settings

from bridge.vocab.schedules import schedule_problem


def policy_problems(path: Path, country: str) -> list[str]:
    """Every problem of one policy file, each as ``<file>: policy <key>: <what>``.

    Each top-level key is read on its own, so one bad key does not hide the others (within a
    key, its first problem is named); when each key is fine, the whole file is read once more
    for what lies between keys (a credit hold after a step the ladder does not have).
    """
    from policies.ladder import PolicyError, TenantPolicy, _Reader  # noqa: PLC0415

    try:
        with path.open("rb") as handle:
            data: Any = tomllib.load(handle, parse_float=Decimal)
    except OSError as exc:
        return [f"{path}: cannot read the policy file ({exc.strerror})"]
    except tomllib.TOMLDecodeError as exc:
        return [f"{path}: not valid TOML: {exc}"]
    try:
        base = TenantPolicy.default(country)
    except (PolicyError, ValueError) as exc:
        return [f"{path}: {exc}"]
    reader = _Reader(strict=True)
    problems: list[str] = []
    for key, value in data.items():
        part = {key: value}
        if key == "credit_hold" and "steps" in data:
            part = {"steps": data["steps"], key: value}
        try:
            reader.policy(part, base)
        except (PolicyError, ValueError) as exc:
            said = f"{path}: {exc}"
            if said not in problems:
                problems.append(said)
    if not problems:
        try:
            TenantPolicy.from_mapping(data, country)
        except (PolicyError, ValueError) as exc:
            problems.append(f"{path}: {exc}")
    return problems


def startup_problems(settings: Settings, now: datetime | None = None) -> list[str]:
    """Every problem the daemon would meet only later: schedules, and enabled tenants' policies."""
    problems = global_problems(settings, now)
    for name, found in tenant_problems(settings).items():
        problems.extend(f"tenant {name}: {p}" for p in found)
    return problems


def global_problems(settings: Settings, now: datetime | None = None) -> list[str]:
    """Problems that stop the whole daemon: its schedules."""
    problems = []
    for name, expression in (
        ("schedule", settings.schedule),
        ("law_update_schedule", settings.law_update_schedule),
    ):
        if expression is not None:
            found = schedule_problem(name, expression, settings.timezone, now)
            if found:
                problems.append(found)
    return problems


def tenant_problems(settings: Settings) -> dict[str, list[str]]:
    """Problems of one enabled tenant each (its policy file): that tenant is skipped."""
    found: dict[str, list[str]] = {}
    for name, tenant in sorted(settings.tenants.items()):
        if tenant.enabled and tenant.policy_file is not None:
            problems = policy_problems(tenant.policy_file, tenant.country)
            if problems:
                found[name] = problems
    return found
