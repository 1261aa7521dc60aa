"""What in a Dinero organization would make our drafts wrong or refused, checked by `doctor`.

- The organization the tenant duns is reachable by the grant and has the Pro plan the API
  needs: ``GET /v1/organizations`` lists the user's organizations with ``IsPro``; "Incase a
  user does not have Pro every other request will return a 403 error" (the spec).
- The token's scopes allow every call: ``dineropublicapi:read`` for the reads,
  ``dineropublicapi:write`` for reminder drafts, booking, e-mails and contact notes, and
  ``offline_access`` for the refresh token a daemon lives on (Dinero's scopes: reference
  apis.md § 3). Visma Connect's access token is a JWT; its ``scope`` claim is read.
- Dinero computes the fee and interest of its reminders from the organization's sales
  settings (``GET /v1/{org}/sales/settings``: ``ReminderFee``, ``ReminderInterestRate``).
  The API lets the bridge choose no product or account for them: Dinero books its reminder
  fee and interest itself. Where its amounts differ from the bridge's, a draft waits with a
  note, so the settings are reported (not failed).

Each failed finding names the tenant option (or the Dinero setting) that fixes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.dinero.client import DineroClient

Finding = tuple[bool, str]

NEEDED_SCOPES = {
    "dineropublicapi:read": "read invoices, payments, reminders and contacts",
    "dineropublicapi:write": "write reminder drafts, book and e-mail them, leave contact notes",
    "offline_access": "get the refresh token the daemon renews its access with",
}


def setup_checks(
    client: DineroClient, granted: frozenset[str] | None, tenant: str
) -> list[Finding]:
    """Run every check; vendor errors propagate (doctor reports them)."""
    reachable = _organization(client)
    out = [reachable, _scopes(granted, tenant)]
    if reachable[0]:
        # Without the organization every other call is refused: nothing more to learn.
        out.append(_settings(client))
    return out


def _organization(client: DineroClient) -> Finding:
    wanted = client.organization
    found = [o for o in client.organizations() if isinstance(o, Mapping)]
    item = next((o for o in found if str(o.get("Id")) == wanted), None)
    if item is None:
        known = ", ".join(str(o.get("Id")) for o in found) or "none"
        return False, (
            f"the grant does not reach organization {wanted}: set organization_id to one it "
            f"reaches ({known})"
        )
    name = item.get("Name")
    label = f" {name!r}" if isinstance(name, str) and name else ""
    if item.get("IsPro") is not True:
        return False, (
            f"organization {wanted}{label} has no Pro plan: Dinero refuses every API call "
            f"but this one (403); upgrade it in Dinero, or set organization_id to one with Pro"
        )
    return True, f"organization {wanted}{label} is reachable and has the Pro plan the API needs"


def _scopes(granted: frozenset[str] | None, tenant: str) -> Finding:
    if granted is None:
        return True, (
            "the access token names no scopes, so they cannot be checked ahead; a call outside "
            "them is refused with 403"
        )
    missing = [s for s in NEEDED_SCOPES if s not in granted]
    if not missing:
        return True, f"the token's scopes allow every call: {', '.join(NEEDED_SCOPES)}"
    why = "; ".join(f"{s} to {NEEDED_SCOPES[s]}" for s in missing)
    return False, (
        f"the token lacks the scope {', '.join(missing)} ({why}): give the Visma Connect app "
        f"the scope and re-authorize with `dunning-bridge authorize {tenant}`"
    )


def _settings(client: DineroClient) -> Finding:
    body = client.sales_settings()
    item = body if isinstance(body, Mapping) else {}
    fee, rate = _number(item.get("ReminderFee")), _number(item.get("ReminderInterestRate"))
    fee_text = "not set" if fee is None else f"{fee:.2f} kr."
    rate_text = "not set" if rate is None else f"{rate.normalize():f} % a month"
    return True, (
        f"Dinero computes its reminders' fee ({fee_text}) and interest ({rate_text}) from "
        f"Indstillinger -> Salg; a draft whose amounts differ from the bridge's waits with a note"
    )


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
