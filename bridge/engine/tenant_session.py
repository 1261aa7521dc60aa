"""Opening a tenant's session: connector context, sandbox emulator, company key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bridge.engine.outcome import CycleOptions
from bridge.engine.shared_tokens import DatabaseSecrets
from bridge.infra.persisting import PersistingTransport
from bridge.store import Store
from bridge.vocab import registry
from bridge.vocab.connector import (
    ConnectorDescriptor,
    SecretStore,
    Session,
    TenantContext,
)
from bridge.vocab.secrets import StaticSecrets, TenantSecrets
from bridge.vocab.settings import TenantSettings


def tenant_context(
    store: Store,
    name: str,
    tenant: TenantSettings,
    descriptor: ConnectorDescriptor,
    opts: CycleOptions,
) -> tuple[TenantContext, Callable[[], None]]:
    """Build the connector's context; for a sandbox tenant, load the emulator and its save hook."""
    transport = opts.transport
    # Rotating tokens live in the database when a store key is set (always on PostgreSQL), so
    # whichever daemon works the tenant spends the one valid token (bridge/engine/shared_tokens.py).
    secrets: SecretStore = opts.secrets or DatabaseSecrets(name, TenantSecrets(name), store)
    save: Callable[[], None] = lambda: None  # noqa: E731
    if tenant.sandbox_state is not None and transport is None:
        path: Path = tenant.sandbox_state
        sandbox = descriptor.sandbox(path if path.exists() else None, opts.today)
        secrets = StaticSecrets(name, descriptor.sandbox_secrets)

        if opts.dry_run:
            # A dry run writes nothing, the emulator's state included: saving the state read at
            # its start would erase what a cycle running meanwhile has written (issue 18, 5).
            transport = sandbox.transport()
        else:

            def save() -> None:
                sandbox.save(path)

            transport = PersistingTransport(sandbox.transport(), save)

    ctx = TenantContext(
        tenant=name,
        country=tenant.country,
        mode=tenant.mode,
        secrets=secrets,
        base_url=tenant.base_url,
        transport=transport,
        options=dict(tenant.options),
    )
    return ctx, save


def company_of(tenant: TenantSettings, session: Session) -> str | None:
    """The key of the accounting company the tenant works on, None when nothing tells.

    A sandbox tenant's company is its state file. Otherwise the session tells, if its connector
    can cheaply (an optional ``company_key()``: e.g. Dinero's organization id); failing that,
    an explicitly configured base URL stands for the company. A tenant of a vendor's public API
    whose connector cannot tell has no key: it is not bound, as two such tenants could not be
    told apart (docs/store.md).
    """
    if tenant.sandbox_state is not None:
        return f"{tenant.system}:sandbox:{Path(tenant.sandbox_state).resolve()}"
    ask: Callable[[], str | None] | None = getattr(session, "company_key", None)
    key = ask() if ask is not None else None
    if key:
        return key
    if tenant.base_url:
        return f"{tenant.system}:{tenant.base_url.rstrip('/')}"
    return None


@contextmanager
def open_tenant_session(
    store: Store, name: str, tenant: TenantSettings, opts: CycleOptions
) -> Iterator[Session]:
    """Open one tenant's session outside a cycle (approvals); close it and save its sandbox."""
    descriptor = registry.connector(tenant.system)
    ctx, save = tenant_context(store, name, tenant, descriptor, opts)
    session = descriptor.open(ctx)
    try:
        yield session
    finally:
        session.close()
        save()
