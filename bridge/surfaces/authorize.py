"""`dunning-bridge authorize TENANT`: a connector's one-time consent (OAuth systems).

The connector prints the consent address, takes the code the accountant pastes back and
stores the tokens: rotating ones in the database when a store key is set (always on
PostgreSQL, so every daemon finds them), else in the keyring; the app's client id and secret in
the keyring. Nothing secret is echoed or passed on the command line.
"""

from __future__ import annotations

import getpass

from bridge.engine.shared_tokens import DatabaseSecrets
from bridge.store import open_store
from bridge.surfaces import present
from bridge.vocab import registry
from bridge.vocab.connector import AuthorizeRequest
from bridge.vocab.errors import BridgeError, ConfigError
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.settings import Settings

console = present.console()
err = present.console(stderr=True)


def authorize_command(settings: Settings, tenant: str, options: list[str]) -> int:
    """Run the tenant's connector set-up; exit 2 with a message when it cannot."""
    try:
        config = settings.tenant(tenant)
        descriptor = registry.connector(config.system)
        if descriptor.authorize is None:
            raise ConfigError(
                f"{descriptor.display_name} needs no consent step: store its secrets with "
                f"`dunning-bridge secrets set {tenant} NAME` ({', '.join(descriptor.secret_names)})"
            )
        extra = dict(_pair(o) for o in options)
        with open_store(settings.database) as store:
            descriptor.authorize(
                AuthorizeRequest(
                    tenant=tenant,
                    secrets=DatabaseSecrets(tenant, TenantSecrets(tenant), store),
                    options={**config.options, **extra},
                    ask=lambda prompt: console.input(f"{prompt}: "),
                    ask_secret=lambda prompt: getpass.getpass(f"{prompt}: "),
                    say=console.print,
                )
            )
    except BridgeError as exc:
        err.print(f"error: {exc}")
        return 2
    except OSError as exc:  # the state database's folder cannot be made or written
        err.print(f"error: cannot open the state database {settings.database}: {exc}")
        return 2
    return 0


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--option {text!r} must look like KEY=VALUE")
    return key.strip().lower(), value.strip()
