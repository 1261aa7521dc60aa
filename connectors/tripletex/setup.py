"""What in a Tripletex company would make our orders and reminders wrong, checked by `doctor`.

- The VAT type the order lines carry charges no VAT. Without ``vatType`` on a line Tripletex
  applies the default 25 %, so the writer names a VAT-free type: the tenant option
  ``vat_type`` (an id), else the company's active outgoing type number 7, then 6
  (``GET /ledger/vatType?number=7,6&typeOfVat=OUTGOING``; the list has only active types).
- The employee behind the token may read what the connector reads before every write: our
  orders (``GET /order``) and the invoices' reminders (``GET /reminder``); and the open ledger
  posts (``GET /ledger/posting/openPost``) every fetch reads for the customers' payments on no
  invoice (without them a customer who prepaid would be dunned). Tripletex answers a
  resource the employee has no access to with 403. Writes are not probed (no documented
  endpoint tells the rights without acting); their refusal names the entitlement then.

The order lines name no product and no account: Tripletex books them as its order lines
without product are booked; only their VAT type is ours to set. Each failed finding names the
tenant option, or the Tripletex setting, that fixes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bridge.vocab.errors import AuthError, ConfigError
from bridge.vocab.options import whole_number
from connectors.tripletex import mapping
from connectors.tripletex.client import TripletexClient

Finding = tuple[bool, str]
VAT_SETTINGS = "Regnskap > Innstillinger > MVA-innstillinger"


def setup_checks(
    client: TripletexClient, options: Mapping[str, str], vat_free: Sequence[str], today: date
) -> list[Finding]:
    """Run every check; vendor errors other than a refusal propagate (doctor reports them)."""
    return [
        _vat(client, options, vat_free),
        _readable(
            "our orders (GET /order), read back before each letter is sent",
            "orders (Ordre)",
            lambda: client.orders(
                date_from=today, date_to=today + timedelta(days=1), containing=mapping.MARKER
            ),
        ),
        _readable(
            "the invoices' reminders (GET /reminder)",
            "invoices and reminders (Faktura)",
            lambda: client.reminders_between(date_from=today, date_to=today + timedelta(days=1)),
        ),
        _readable(
            "the customers' open ledger posts (GET /ledger/posting/openPost), where payments "
            "on no invoice show",
            "the ledger (Regnskap)",
            lambda: client.open_posts(on=today + timedelta(days=1)),
        ),
    ]


def _vat(client: TripletexClient, options: Mapping[str, str], vat_free: Sequence[str]) -> Finding:
    try:
        wanted = whole_number(options, "vat_type")
    except ConfigError as exc:
        return False, str(exc)
    numbers = " or ".join(vat_free)
    if wanted is None:
        found = list(client.vat_types(vat_free))
        ident = mapping.vat_free_type(found, vat_free)
        if ident is None:
            return False, (
                f"Tripletex lists no active outgoing VAT type without VAT (number {numbers}): "
                f"it would add 25 % VAT to fees, interest and compensation; turn one on under "
                f"{VAT_SETTINGS}, or set vat_type to the id of a VAT type without VAT"
            )
        return True, f"the charges book without VAT on {_label(found, ident)} (looked up)"
    listed = list(client.vat_types_by_id([wanted]))
    chosen = next((t for t in listed if isinstance(t, Mapping) and t.get("id") == wanted), None)
    if chosen is None:
        return False, (
            f"VAT type id {wanted} (option vat_type) is not an active outgoing VAT type in "
            f"Tripletex: turn it on under {VAT_SETTINGS}, or set vat_type to one that is "
            f"(number {numbers})"
        )
    rate = chosen.get("percentage")
    if not isinstance(rate, int | Decimal) or isinstance(rate, bool) or rate != 0:
        return False, (
            f"{_label(listed, wanted)} (option vat_type) charges {rate} % VAT: Tripletex would "
            f"add it to fees, interest and compensation; set vat_type to a VAT type without VAT "
            f"(number {numbers})"
        )
    return True, f"the charges book without VAT on {_label(listed, wanted)} (option vat_type)"


def _label(found: Sequence[Any], ident: int) -> str:
    item = next((t for t in found if isinstance(t, Mapping) and t.get("id") == ident), {})
    number, name = item.get("number"), item.get("name")
    shown = f" (number {number}" + (f" {name!r}" if isinstance(name, str) else "") + ")"
    return f"VAT type id {ident}" + (shown if isinstance(number, str) else "")


def _readable(what: str, access: str, read: Any) -> Finding:
    try:
        items: Iterator[Any] = read()
        next(iter(items), None)
    except AuthError:
        return False, (
            f"Tripletex refused to show {what}: give the employee behind the employee token "
            f"access to {access} in Tripletex (Selskap > Brukere), or store another employee "
            f"token"
        )
    return True, f"the token may read {what}"
