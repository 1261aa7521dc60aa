"""Which fields each emulated collection lets a client filter and sort on, and their types.

The flags copy the ``filterable``/``sortable`` flags of e-conomic's official schemas for the
fields the sandbox serves (a contract test checks them against the schemas). A field missing
from a table is refused like e-conomic refuses it: 400, with the allowed fields listed. The
type says how a filter value is read (``customerNumber$eq:5`` compares integers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """How a field's values compare."""

    INT = "integer"
    NUMBER = "number"
    TEXT = "string"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "boolean"


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a collection item: its type and what the API allows on it."""

    kind: Kind
    filterable: bool = True
    sortable: bool = True


Fields = Mapping[str, Field]

_FS = Field(Kind.TEXT)
_NONE_TEXT = Field(Kind.TEXT, filterable=False, sortable=False)


def _plain(kind: Kind) -> Field:
    return Field(kind, filterable=False, sortable=False)


CUSTOMERS: Fields = {
    "customerNumber": Field(Kind.INT),
    "name": _FS,
    "email": _FS,
    "currency": _FS,
    "address": _FS,
    "zip": _FS,
    "city": _FS,
    "country": _FS,
    "corporateIdentificationNumber": _FS,
    "ean": _FS,
    "vatNumber": _FS,
    "telephoneAndFaxNumber": _FS,
    "mobilePhone": _FS,
    "balance": Field(Kind.NUMBER),
    "creditLimit": Field(Kind.NUMBER),
    "dueAmount": _plain(Kind.NUMBER),
    "barred": Field(Kind.BOOL, sortable=False),
    "lastUpdated": Field(Kind.DATETIME),
    "customerGroup.customerGroupNumber": Field(Kind.INT, sortable=False),
    "paymentTerms.paymentTermsNumber": _plain(Kind.INT),
    "vatZone.vatZoneNumber": _plain(Kind.INT),
    "salesPerson.employeeNumber": _plain(Kind.INT),
}

EMPLOYEES: Fields = {
    "employeeNumber": Field(Kind.INT),
    "name": _FS,
    "email": _FS,
    "phone": _FS,
    "barred": Field(Kind.BOOL, sortable=False),
    "employeeGroup.employeeGroupNumber": Field(Kind.INT),
}

CONTACTS: Fields = {
    "customerContactNumber": Field(Kind.INT),
    "name": _FS,
    "email": _FS,
    "sortKey": Field(Kind.INT),
}

# Shared by /invoices/booked, /overdue, /unpaid, /paid and /not-due: the same flags in all five.
BOOKED_INVOICES: Fields = {
    "bookedInvoiceNumber": Field(Kind.INT),
    "date": Field(Kind.DATE),
    "currency": _FS,
    "customer.customerNumber": Field(Kind.INT),
    "paymentTerms.paymentTermsNumber": Field(Kind.INT),
    "recipient.name": _FS,
    "recipient.ean": _FS,
    "notes.heading": _FS,
    "references.other": _FS,
    "dueDate": _plain(Kind.DATE),
    "remainder": _plain(Kind.NUMBER),
    "grossAmount": _plain(Kind.NUMBER),
    "netAmount": _plain(Kind.NUMBER),
}

DRAFT_INVOICES: Fields = {
    "draftInvoiceNumber": Field(Kind.INT),
    "date": Field(Kind.DATE),
    "currency": _FS,
    "customer.customerNumber": Field(Kind.INT),
    "paymentTerms.paymentTermsNumber": Field(Kind.INT),
    "recipient.name": _FS,
    "notes.heading": _FS,
    "references.other": _FS,
    "lastUpdated": Field(Kind.DATETIME, sortable=False),
    "dueDate": _plain(Kind.DATE),
    "grossAmount": _plain(Kind.NUMBER),
}

ENTRIES: Fields = {
    "entryNumber": Field(Kind.INT),
    "entryType": _FS,
    "date": Field(Kind.DATE),
    "dueDate": Field(Kind.DATE),
    "amount": Field(Kind.NUMBER),
    "amountInBaseCurrency": Field(Kind.NUMBER),
    "currency": _FS,
    "text": _FS,
    "voucherNumber": Field(Kind.INT),
    "remainder": Field(Kind.NUMBER),
    "customer.customerNumber": Field(Kind.INT),
    "invoiceNumber": _NONE_TEXT,
}

PRODUCTS: Fields = {
    "productNumber": _FS,
    "name": _FS,
    "description": _FS,
    "salesPrice": Field(Kind.NUMBER),
    "costPrice": Field(Kind.NUMBER),
    "barred": Field(Kind.BOOL),
    "lastUpdated": Field(Kind.DATETIME),
    "productGroup.productGroupNumber": Field(Kind.INT, sortable=False),
}

CUSTOMER_GROUPS: Fields = {
    "customerGroupNumber": Field(Kind.INT),
    "name": _FS,
}

ACCOUNTING_YEARS: Fields = {
    "year": _FS,
    "fromDate": Field(Kind.DATE),
    "toDate": Field(Kind.DATE),
}

# Payment terms, layouts and VAT zones: e-conomic's schemas mark nothing filterable there.
NOTHING: Fields = {}
