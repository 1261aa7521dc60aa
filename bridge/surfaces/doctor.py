"""`dunning-bridge doctor`: check what a daemon needs before it runs unattended.

Problems are of two kinds. Global ones stop the daemon: the database, no tenant at all, a
schedule. A tenant's (its policy file, secrets, a revoked token, its delivery channels) stop
only that tenant: the daemon runs the others. ``doctor --start`` (the service's
ExecStartPre) fails only on global problems, so one tenant's revoked token does not keep the
daemon from starting; plain ``doctor`` fails on any problem.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bridge.surfaces import present
from bridge.vocab import registry
from bridge.vocab.errors import BridgeError
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.settings import Settings, TenantSettings

if TYPE_CHECKING:
    import httpx

    from bridge.vocab.connector import ConnectorDescriptor, SecretStore
    from policies.ladder import TenantPolicy
from bridge.engine.shared_tokens import DatabaseSecrets
from bridge.store import Store, open_store

console = present.console()


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    subject: str
    ok: bool
    detail: str
    warning: bool = False  # ok, but an operator should act before it stops being so
    tenant: str | None = None  # whose check: None for the daemon's own (global)


def checks(settings: Settings, today: date | None = None) -> list[Check]:
    """Run every check; none raises."""
    out: list[Check] = []
    day = today or datetime.now(UTC).date()
    store: Store | None = None
    try:
        store = open_store(settings.database)
        out.append(Check("database", True, str(settings.database)))
    except (BridgeError, OSError) as exc:
        out.append(Check("database", False, f"{settings.database}: {exc}"))
    try:
        _tenant_checks(settings, day, store, out)
    finally:
        if store is not None:
            store.close()
    out.extend(law_checks(settings, day))
    return [_owned(c, settings) for c in out]


def _tenant_checks(settings: Settings, day: date, store: Store | None, out: list[Check]) -> None:
    if not settings.tenants:
        out.append(
            Check("tenants", False, "no tenants configured (BRIDGE_TENANTS__<NAME>__SYSTEM=...)")
        )
    for name, tenant in sorted(settings.tenants.items()):
        subject = f"tenant {name}"
        try:
            descriptor = registry.connector(tenant.system)
            from bridge.surfaces.startcheck import policy_problems  # noqa: PLC0415
            from policies.ladder import load_policy  # noqa: PLC0415
            from policies.law import for_country  # noqa: PLC0415

            for_country(tenant.country)
            if tenant.policy_file is not None:
                problems = policy_problems(tenant.policy_file, tenant.country)
                if problems:  # every one, with its file and key
                    out.extend(Check(subject, False, p) for p in problems)
                    continue
            policy = load_policy(tenant.policy_file, tenant.country)
        except (BridgeError, ValueError) as exc:
            out.append(Check(subject, False, str(exc)))
            continue
        out.extend(delivery(name, tenant, settings, policy))
        out.extend(letter_readiness(name, tenant, descriptor, policy))
        if tenant.sandbox_state is not None:
            out.append(
                Check(subject, True, f"{descriptor.display_name} sandbox at {tenant.sandbox_state}")
            )
            continue
        keyring = TenantSecrets(name)
        secrets: SecretStore = keyring
        try:
            if store is not None:
                shared = DatabaseSecrets(name, keyring, store)
                secrets = shared
                missing = [s for s in descriptor.secret_names if not shared.has(s, tenant.system)]
            else:
                missing = [s for s in descriptor.secret_names if not keyring.has(s)]
        except BridgeError as exc:
            out.append(Check(subject, False, str(exc)))
            continue
        if missing:
            out.append(Check(subject, False, f"missing secrets: {', '.join(missing)}"))
            continue
        out.extend(_connectivity(name, tenant, descriptor, secrets))


def _owned(check: Check, settings: Settings) -> Check:
    """Say whose check it is: a tenant's (``tenant NAME ...``) or the daemon's."""
    from dataclasses import replace  # noqa: PLC0415

    words = check.subject.split()
    if len(words) >= 2 and words[0] == "tenant" and words[1] in settings.tenants:
        return replace(check, tenant=words[1])
    return check


def law_checks(settings: Settings, today: date) -> list[Check]:
    """Warn, per country in use, of a rate table ending within 30 days or a weak rate in use."""
    from bridge.engine.lawwatch import warnings_by_country  # noqa: PLC0415

    out: list[Check] = []
    for country, found in warnings_by_country(settings, today).items():
        out.extend(Check(f"law {country}", True, w.message, warning=True) for w in found)
        if not found:
            out.append(Check(f"law {country}", True, "rate tables current"))
    return out


def delivery(
    name: str, tenant: TenantSettings, settings: Settings, policy: TenantPolicy | None = None
) -> list[Check]:
    """Check the bridge's own channels: the SMTP login, where tasks and hand-overs go.

    ``policy`` is the tenant's, already read (read here when not given).
    """
    from bridge.engine.mailer import MailFailed, SmtpSettings, verify  # noqa: PLC0415
    from bridge.vocab.domain import ActionKind  # noqa: PLC0415
    from policies.ladder import load_policy  # noqa: PLC0415

    subject = f"tenant {name} delivery"
    try:
        smtp = SmtpSettings.from_options(tenant.options)
    except BridgeError as exc:
        return [Check(subject, False, str(exc))]
    out: list[Check] = []
    if smtp is not None:
        try:
            out.append(Check(subject, True, "e-mail via " + verify(smtp, TenantSecrets(name))))
        except MailFailed as exc:
            out.append(Check(subject, False, f"e-mail via {smtp.host}:{smtp.port}: {exc}"))
    if policy is None:
        policy = load_policy(tenant.policy_file, tenant.country)
    assignees = {s.assignee for s in policy.steps if s.action is ActionKind.TASK}
    if policy.credit_hold.enabled:
        assignees.add("tasks")
    task_email = tenant.options.get("task_email", "").strip()
    if assignees and (smtp is None or ("tasks" in assignees and not task_email)):
        why = "no smtp_host" if smtp is None else "no task_email"
        out.append(
            Check(subject, True, f"tasks are written into the accounting system as notes ({why})")
        )
    folder = tenant.options.get("handover_folder", "").strip()
    agency = tenant.options.get("handover_email", "").strip()
    if agency and smtp is None:
        out.append(Check(subject, False, "handover_email is set but the tenant has no smtp_host"))
    elif folder and not _writable(Path(folder)):
        out.append(Check(subject, False, f"handover_folder {folder} cannot be written"))
    elif not folder and not agency and str(settings.database).startswith("postgresql"):
        out.append(
            Check(
                subject,
                False,
                "hand-overs have nowhere to go: set handover_folder or handover_email "
                "(the database is not a file to put them next to)",
            )
        )
    return out


def letter_readiness(
    name: str, tenant: TenantSettings, descriptor: ConnectorDescriptor, policy: TenantPolicy
) -> list[Check]:
    """Report ahead what would make the tenant's collection warnings wait (bridge/letter_checks).

    FAIL: no contact for objections, or no payment details where the system's document prints
    none. WARN: a Norwegian warning to a debtor with an e-mail address would go by e-mail only.
    """
    from bridge.engine.letter_checks import CONSENT_OPTION, PAPER  # noqa: PLC0415
    from bridge.engine.letter_creditor import Creditor  # noqa: PLC0415
    from bridge.vocab.connector import CAP_PAYMENT_DETAILS  # noqa: PLC0415
    from bridge.vocab.domain import ActionKind  # noqa: PLC0415

    if not any(s.action is ActionKind.COLLECTION_WARNING for s in policy.steps):
        return []
    subject = f"tenant {name} letters"
    creditor = Creditor.from_options(name, tenant.options)
    out: list[Check] = []
    if not creditor.payable:
        if descriptor.can(CAP_PAYMENT_DETAILS):
            out.append(
                Check(
                    subject,
                    True,
                    f"collection warnings rely on {descriptor.display_name}'s own layout for "
                    "the company's bank details (no bank_account, iban or bankgiro set)",
                    warning=True,
                )
            )
        else:
            out.append(
                Check(
                    subject,
                    False,
                    "collection warnings will wait: no payment details; set the tenant option "
                    "bank_account, iban or bankgiro",
                )
            )
    if not (creditor.email or creditor.phone):
        out.append(
            Check(
                subject,
                False,
                "collection warnings will wait: no contact for objections; set the tenant "
                "option company_email or company_phone",
            )
        )
    consent = tenant.options.get(CONSENT_OPTION, "").strip().lower()
    if (
        tenant.country.upper() == "NO"
        and descriptor.delivery_routes is not None
        and consent != "all"
    ):
        routes = descriptor.delivery_routes(
            ActionKind.COLLECTION_WARNING, "debtor@example.invalid", tenant.options
        )
        if PAPER not in routes:
            out.append(
                Check(
                    subject,
                    True,
                    "Norwegian collection warnings to debtors with an e-mail address go by "
                    "e-mail only and wait unless the debtor consented (inkassoloven § 3 a): set "
                    f"{CONSENT_OPTION} for debtors who agreed, or dispatch_types with a paper "
                    "route (e.g. EMAIL,OWN_PRINTER)",
                    warning=True,
                )
            )
    if not out:
        out.append(Check(subject, True, "collection warnings say how to pay and where to object"))
    return out


def _writable(folder: Path) -> bool:
    """Tell whether case files can be written into ``folder`` (created when missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _connectivity(
    name: str,
    tenant: object,
    descriptor: object,
    secrets: SecretStore,
    *,
    transport: httpx.BaseTransport | None = None,
) -> list[Check]:
    """Open a session and fetch once (read-only); then the connector's own set-up checks.

    A session that has ``checks()`` (bridge.vocab.connector.SetupChecks) reports what in the
    vendor's
    set-up would make its documents wrong, one line each under ``tenant NAME drafts``.
    """
    from bridge.vocab.connector import ConnectorDescriptor, SetupChecks, TenantContext  # noqa: PLC0415
    from bridge.vocab.settings import TenantSettings  # noqa: PLC0415

    assert isinstance(descriptor, ConnectorDescriptor)
    assert isinstance(tenant, TenantSettings)
    ctx = TenantContext(
        name, tenant.country, tenant.mode, secrets, tenant.base_url, transport, dict(tenant.options)
    )
    subject = f"tenant {name}"
    found: list[tuple[bool, str]] = []
    try:
        session = descriptor.open(ctx)
        try:
            snap = session.fetch(datetime.now(UTC).date(), None)
            if isinstance(session, SetupChecks):
                try:
                    found = session.checks()
                except BridgeError as exc:
                    found = [(False, f"could not check the set-up: {exc}")]
        finally:
            session.close()
    except BridgeError as exc:
        return [Check(subject, False, f"{descriptor.display_name}: {exc}")]
    return [
        Check(
            subject, True, f"{descriptor.display_name}: {len(snap.invoices)} open invoices readable"
        ),
        *(Check(f"{subject} drafts", ok, detail) for ok, detail in found),
    ]


def run_doctor(
    settings: Settings, *, as_json: bool, today: date | None = None, start: bool = False
) -> int:
    """Print the report, the daemon's own checks first; warnings never fail it.

    Exit 1 when any check failed; with ``start`` (before the daemon starts) only when one of
    the daemon's own failed: a tenant's problem stops that tenant, not the daemon.
    """
    from rich.markup import escape  # noqa: PLC0415

    from bridge.surfaces.startcheck import global_problems  # noqa: PLC0415

    results = [Check("schedule", False, p) for p in global_problems(settings)]
    results += checks(settings, today)
    results.sort(key=lambda c: c.tenant is not None)  # stable: each tenant's stay together
    global_failed = [c for c in results if not c.ok and c.tenant is None]
    tenants_failed = sorted({c.tenant for c in results if not c.ok and c.tenant is not None})
    if as_json:
        print(
            json.dumps(
                [
                    {**c.__dict__, "scope": "global" if c.tenant is None else "tenant"}
                    for c in results
                ],
                indent=2,
            )
        )
    else:
        for c in results:
            mark = "[green]ok[/]" if c.ok else "[bold red]FAIL[/]"
            if c.ok and c.warning:
                mark = "[yellow]WARN[/]"
            console.print(f"{mark} {c.subject}: {escape(c.detail)}")
        if global_failed:
            console.print(
                f"[bold red]{len(global_failed)} problem(s) of the daemon itself: it cannot "
                "start until they are fixed.[/]"
            )
        if tenants_failed:
            console.print(
                f"[yellow]Tenant(s) with problems: {escape(', '.join(tenants_failed))}. "
                "The daemon runs the other tenants (a tenant whose policy file has a problem is "
                "skipped; one whose vendor refuses fails its cycles until fixed).[/]"
            )
    if global_failed:
        return 1
    if tenants_failed and not start:
        return 1
    return 0
