"""`dunning-bridge doctor`: check what a daemon needs before it runs unattended."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from bridge import present, registry
from bridge.errors import BridgeError
from bridge.secrets import TenantSecrets
from bridge.settings import Settings
from bridge.store import open_store

console = present.console()


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    subject: str
    ok: bool
    detail: str


def checks(settings: Settings) -> list[Check]:
    """Run every check; none raises."""
    out: list[Check] = []
    try:
        store = open_store(settings.database)
        store.close()
        out.append(Check("database", True, str(settings.database)))
    except (BridgeError, OSError) as exc:
        out.append(Check("database", False, f"{settings.database}: {exc}"))
    if not settings.tenants:
        out.append(
            Check("tenants", False, "no tenants configured (BRIDGE_TENANTS__<NAME>__SYSTEM=...)")
        )
    for name, tenant in sorted(settings.tenants.items()):
        subject = f"tenant {name}"
        try:
            descriptor = registry.connector(tenant.system)
            from policies.ladder import load_policy  # noqa: PLC0415
            from policies.law import for_country  # noqa: PLC0415

            for_country(tenant.country)
            load_policy(tenant.policy_file, tenant.country)
        except (BridgeError, ValueError) as exc:
            out.append(Check(subject, False, str(exc)))
            continue
        if tenant.sandbox_state is not None:
            out.append(
                Check(subject, True, f"{descriptor.display_name} sandbox at {tenant.sandbox_state}")
            )
            continue
        secrets = TenantSecrets(name)
        missing = [s for s in descriptor.secret_names if not secrets.has(s)]
        if missing:
            out.append(Check(subject, False, f"missing secrets: {', '.join(missing)}"))
            continue
        out.append(_connectivity(name, tenant, descriptor, secrets))
    return out


def _connectivity(name: str, tenant: object, descriptor: object, secrets: TenantSecrets) -> Check:
    """Open a session and fetch once (read-only)."""
    from bridge.connector import ConnectorDescriptor, TenantContext  # noqa: PLC0415
    from bridge.settings import TenantSettings  # noqa: PLC0415

    assert isinstance(descriptor, ConnectorDescriptor)
    assert isinstance(tenant, TenantSettings)
    ctx = TenantContext(
        name, tenant.country, tenant.mode, secrets, tenant.base_url, None, dict(tenant.options)
    )
    try:
        session = descriptor.open(ctx)
        try:
            snap = session.fetch(datetime.now(UTC).date(), None)
        finally:
            session.close()
    except BridgeError as exc:
        return Check(f"tenant {name}", False, f"{descriptor.display_name}: {exc}")
    return Check(
        f"tenant {name}",
        True,
        f"{descriptor.display_name}: {len(snap.invoices)} open invoices readable",
    )


def run_doctor(settings: Settings, *, as_json: bool) -> int:
    """Print the report; exit 1 when any check failed."""
    results = checks(settings)
    if as_json:
        print(json.dumps([c.__dict__ for c in results], indent=2))
    else:
        for c in results:
            mark = "[green]ok[/]" if c.ok else "[bold red]FAIL[/]"
            console.print(f"{mark} {c.subject}: {c.detail}")
    return 0 if all(c.ok for c in results) else 1
