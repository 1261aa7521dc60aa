"""One error tree for the whole bridge, so callers act on the class, not on the message.

::

    BridgeError
    ├── ConfigError            bad env file, bad policy file, unknown country/system
    ├── SecretMissing          a secret the tenant needs is not in the keyring
    ├── StoreError
    │   └── StoreLocked        another daemon holds the database
    ├── PolicyError            a policy that cannot be applied lawfully
    └── ConnectorError         anything the vendor API did to us
        ├── Transient          5xx, timeouts, dropped connections: retry later
        │   └── RateLimited    429: retry after ``retry_after`` seconds
        ├── AuthError          401/403, revoked grant: stop this tenant, tell a human
        ├── RejectedRequest    other 4xx: our request or data is wrong, never retry
        │   └── NotFound       404
        └── MalformedResponse  the vendor answered something we cannot read

Every message is safe to log: secrets never reach an error (see bridge/vocab/redact.py).
"""

from __future__ import annotations


class BridgeError(Exception):
    """The root of every error the bridge raises on purpose."""


class ConfigError(BridgeError):
    """The configuration (env file, policy file, tenant list) is wrong."""


class TenantRenamed(ConfigError):
    """A tenant name without history works on a company the store knows under another name."""

    def __init__(self, tenant: str, old: str, company: str) -> None:
        self.tenant = tenant
        self.old = old
        self.company = company
        super().__init__(
            f"tenant {tenant!r} works on the accounting company {company} that the store knows "
            f"as tenant {old!r}; it looks renamed in the env file, and would start afresh (first "
            f"reminders for invoices already dunned). Move its history with: "
            f"dunning-bridge tenants rename {old} {tenant}"
        )


class SecretMissing(BridgeError):
    """A secret is not stored; the message says how to store it."""

    def __init__(self, tenant: str, name: str) -> None:
        self.tenant = tenant
        self.name = name
        super().__init__(
            f"secret {name!r} for tenant {tenant!r} is not set; "
            f"store it with: dunning-bridge secrets set {tenant} {name}"
        )


class StoreError(BridgeError):
    """The state store cannot do what was asked."""


class StoreLocked(StoreError):
    """Another process holds the exclusive lock on the state database."""


class PolicyError(BridgeError):
    """A policy value cannot be applied (unknown key, unlawful setting that cannot be capped)."""


class ConnectorError(BridgeError):
    """The vendor API failed; carries what support needs, never a secret."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        vendor_code: str | None = None,
        request_id: str | None = None,
        url: str | None = None,
    ) -> None:
        # Masked by construction: a vendor that echoes a token in its message, code or request
        # id must not carry it into an outcome, a log line or the database.
        from bridge.vocab.redact import redact_text  # noqa: PLC0415 (errors stays import-free)

        message = redact_text(message)
        vendor_code = redact_text(vendor_code) if vendor_code else vendor_code
        request_id = redact_text(request_id) if request_id else request_id
        url = redact_text(url) if url else url
        self.status = status
        self.vendor_code = vendor_code
        self.request_id = request_id
        self.url = url
        parts = [message]
        if status is not None:
            parts.append(f"status={status}")
        if vendor_code:
            parts.append(f"code={vendor_code}")
        if request_id:
            parts.append(f"request_id={request_id}")
        if url:
            parts.append(f"url={url}")
        super().__init__(" ".join(parts))


class Transient(ConnectorError):
    """A failure that may go away: retry with backoff."""


class RateLimited(Transient):
    """The vendor asked us to slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)  # type: ignore[arg-type]


class AuthError(ConnectorError):
    """Credentials are missing, wrong, expired beyond refresh or revoked."""


class RejectedRequest(ConnectorError):
    """The vendor refused our request as invalid: a bug or bad data, never retried."""


class NotFound(RejectedRequest):
    """The resource does not exist (any more)."""


class MalformedResponse(ConnectorError):
    """The vendor's answer is not what its API promises (bad JSON, missing fields)."""
