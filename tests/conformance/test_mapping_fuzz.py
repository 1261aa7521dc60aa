"""Malformed vendor payloads: every connector's mapping either maps or says what is wrong.

Arbitrary JSON (wrong types, missing fields, absurd numbers, nested junk) is fed to each
connector's invoice and customer mapping. The only exception allowed out is MalformedResponse,
which the session turns into "this item skipped: <reason>" while the others go on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.vocab.errors import MalformedResponse
from connectors.dinero import mapping as dinero
from connectors.economic import mapping as economic
from connectors.fortnox import mapping as fortnox
from connectors.tripletex import mapping as tripletex

# Field names the four vendors use, so that generated objects reach deep into the mappings.
FIELDS = [
    "bookedInvoiceNumber",
    "date",
    "dueDate",
    "currency",
    "grossAmount",
    "remainder",
    "customer",
    "customerNumber",
    "name",
    "email",
    "corporateIdentificationNumber",
    "ean",
    "vatZone",
    "vatZoneNumber",
    "customerGroup",
    "customerGroupNumber",
    "barred",
    "country",
    "Guid",
    "Number",
    "ContactGuid",
    "ContactName",
    "Date",
    "PaymentDate",
    "TotalInclVat",
    "Currency",
    "Status",
    "IsPerson",
    "CompanyStatus",
    "Email",
    "CountryKey",
    "Payments",
    "TotalAmountInclVat",
    "DocumentNumber",
    "CustomerNumber",
    "InvoiceDate",
    "DueDate",
    "Total",
    "Balance",
    "Booked",
    "Cancelled",
    "Type",
    "Active",
    "CountryCode",
    "Reminders",
    "id",
    "invoiceNumber",
    "invoiceDate",
    "invoiceDueDate",
    "amount",
    "amountOutstanding",
    "amountCurrency",
    "amountCurrencyOutstanding",
    "isPrivateIndividual",
    "isFactoring",
    "isInactive",
    "overdueNoticeEmail",
    "organizationNumber",
    "customerNumber",
    "reminders",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "2026-02-30", "2026-03-16", "31-12-2026", "1e400", "NaN", "DKK", "x"]),
    st.text(max_size=12),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=6)), inner, max_size=8),
    ),
    max_leaves=25,
)
OBJECTS = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=14)

MAPPINGS: dict[str, Callable[[Any], object]] = {
    "economic invoice": economic.invoice,
    "economic customer": lambda o: economic.customer(o, options={}, default_country="DK"),
    "dinero invoice": lambda o: dinero.invoice(o, o.get("Payments") if isinstance(o, dict) else o),
    "dinero customer": dinero.customer,
    "fortnox invoice": fortnox.invoice,
    "fortnox customer": fortnox.customer,
    "tripletex invoice": tripletex.invoice,
    "tripletex customer": tripletex.customer,
    "tripletex open post": tripletex.prepayment,
}


@pytest.mark.parametrize("name", sorted(MAPPINGS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=st.one_of(OBJECTS, JSON))
def test_mapping_maps_or_says_what_is_wrong(name: str, obj: Any) -> None:
    reason = _refusal(lambda: MAPPINGS[name](obj))
    assert reason is None or reason.strip(), "a refusal must say what is wrong"


def _refusal(call: Callable[[], object]) -> str | None:
    """Run ``call``; return MalformedResponse's message, None when it mapped."""
    try:
        call()
    except MalformedResponse as exc:
        return str(exc)
    return None
