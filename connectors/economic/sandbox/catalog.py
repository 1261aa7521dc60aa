"""The sandbox agreement's fixed settings: payment terms, layouts, VAT zones, products, groups,
accounts and VAT accounts.

Small static sets, written as e-conomic renders them. A line's VAT follows e-conomic's chain:
product -> product group -> its sales account for the customer's VAT zone -> the account's VAT
code -> that code's rate. The fee, interest and compensation products (``RYK``, ``RENTE``,
``KOMP``) sit in a product group whose sales account (1050) has no VAT code, so lines that use
them carry no VAT, as Danish law requires for rykkergebyr, morarente and kompensation.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

from connectors.economic.sandbox.links import link, ref

Record = dict[str, Any]

BASE_CURRENCY = "DKK"
DEBTOR_ACCOUNT = 5600  # "Debitorer": the account customer ledger entries post to
VAT_RATE_GOODS = Decimal("25.00")
VAT_FREE = Decimal("0.00")

# DKK per 100 units, as e-conomic writes exchangeRate (DKK itself is 100).
EXCHANGE_RATES: MappingProxyType[str, Decimal] = MappingProxyType(
    {
        "DKK": Decimal("100.000000"),
        "EUR": Decimal("746.120000"),
        "SEK": Decimal("68.450000"),
        "NOK": Decimal("63.270000"),
    }
)


def _terms(number: int, name: str, kind: str, days: int | None) -> Record:
    out: Record = {"paymentTermsNumber": number}
    if days is not None:
        out["daysOfCredit"] = days
    out |= {"name": name, "paymentTermsType": kind, "self": link("payment-terms", number)}
    return out


PAYMENT_TERMS: MappingProxyType[int, Record] = MappingProxyType(
    {
        1: _terms(1, "Netto 8 dage", "net", 8),
        2: _terms(2, "Netto 14 dage", "net", 14),
        3: _terms(3, "Netto 30 dage", "net", 30),
        4: _terms(4, "Løbende måned + 30 dage", "invoiceMonth", 30),
        5: _terms(5, "Forfaldsdato", "dueDate", None),
    }
)

LAYOUTS: MappingProxyType[int, Record] = MappingProxyType(
    {
        19: {"layoutNumber": 19, "name": "DK. std. m. bankoplys. 1.5", "self": link("layouts", 19)},
        21: {
            "layoutNumber": 21,
            "name": "Eng. std. m. bankoplys. 1.5",
            "self": link("layouts", 21),
        },
    }
)


def _zone(number: int, name: str, for_supplier: bool) -> Record:
    return {
        "name": name,
        "vatZoneNumber": number,
        "enabledForCustomer": True,
        # The recorded answer writes this one out even when false.
        "enabledForSupplier": for_supplier,
        "self": link("vat-zones", number),
    }


VAT_ZONES: MappingProxyType[int, Record] = MappingProxyType(
    {
        1: _zone(1, "Domestic", True),
        2: _zone(2, "EU", True),
        3: _zone(3, "Abroad", True),
        4: _zone(4, "Domestic exempt VAT", False),
    }
)
DOMESTIC_ZONE = 1


def _group(number: int, name: str) -> Record:
    return {
        "productGroupNumber": number,
        "name": name,
        "salesAccounts": link("product-groups", number, "sales-accounts"),
        "products": link("product-groups", number, "products"),
        "self": link("product-groups", number),
    }


PRODUCT_GROUPS: MappingProxyType[int, Record] = MappingProxyType(
    {1: _group(1, "Varer m/moms"), 2: _group(2, "Gebyrer og renter u/moms")}
)


def _vat_account(code: str, name: str, rate: Decimal, account: int) -> Record:
    return {
        "vatCode": code,
        "name": name,
        "ratePercentage": float(rate),
        "account": ref("accountNumber", account, "accounts", account),
        "contraAccount": ref("accountNumber", account, "accounts", account),
        "vatType": {"vatTypeNumber": 1, "name": "Salgsmoms", "self": link("vat-types", 1)},
        "self": link("vat-accounts", code),
    }


SALES_VAT_ACCOUNT = 14261  # "Salgsmoms": where the output VAT is posted
VAT_ACCOUNTS: MappingProxyType[str, Record] = MappingProxyType(
    {
        "U25": _vat_account("U25", "Salgsmoms 25%", VAT_RATE_GOODS, SALES_VAT_ACCOUNT),
        "UEUV": _vat_account("UEUV", "Salg af varer til EU", VAT_FREE, SALES_VAT_ACCOUNT),
    }
)


def _account(
    number: int, name: str, vat_code: str | None = None, kind: str = "profitAndLoss"
) -> Record:
    out: Record = {
        "accountNumber": number,
        "accountType": kind,
        "balance": 0.0,
        "blockDirectEntries": False,
        "debitCredit": "credit" if kind == "profitAndLoss" else "debit",
        "name": name,
    }
    if vat_code is not None:  # no VAT: e-conomic leaves the field out
        out["vatAccount"] = ref("vatCode", vat_code, "vat-accounts", vat_code)
    return out | {
        "accountingYears": link("accounts", number, "accounting-years"),
        "self": link("accounts", number),
    }


ACCOUNTS: MappingProxyType[int, Record] = MappingProxyType(
    {
        a["accountNumber"]: a
        for a in (
            _account(1010, "Salg af varer m/moms", "U25"),
            _account(1020, "Salg af varer til EU", "UEUV"),
            _account(1030, "Salg af varer uden for EU"),
            _account(1050, "Gebyrer og renter u/moms"),
            _account(DEBTOR_ACCOUNT, "Debitorer", kind="status"),
            _account(SALES_VAT_ACCOUNT, "Salgsmoms", kind="status"),
        )
    }
)
# Each product group's sales account per VAT zone: VAT follows the account's VAT code.
SALES_ACCOUNTS: MappingProxyType[int, MappingProxyType[int, int]] = MappingProxyType(
    {
        1: MappingProxyType({1: 1010, 2: 1020, 3: 1030, 4: 1030}),
        2: MappingProxyType({1: 1050, 2: 1050, 3: 1050, 4: 1050}),
    }
)

_PRODUCTS_UPDATED = "2025-01-06T08:30:00Z"


def _product(number: str, name: str, price: str, cost: str, group: int) -> Record:
    return {
        "productNumber": number,
        "name": name,
        "costPrice": Decimal(cost),
        "salesPrice": Decimal(price),
        "recommendedPrice": Decimal(price),
        "lastUpdated": _PRODUCTS_UPDATED,
        "productGroup": dict(PRODUCT_GROUPS[group]),
        "invoices": {
            "drafts": link("products", number, "invoices", "drafts"),
            "booked": link("products", number, "invoices", "booked"),
        },
        "self": link("products", number),
    }


PRODUCTS: MappingProxyType[str, Record] = MappingProxyType(
    {
        p["productNumber"]: p
        for p in (
            _product("1001", "Kopipapir A4 80 g, 5 x 500 ark", "189.00", "121.00", 1),
            _product("1002", "Kuglepenne blå, 50 stk.", "95.00", "41.00", 1),
            _product("1003", "Toner sort, HP 59A", "899.00", "610.00", 1),
            _product("2001", "Kontorstol, ergonomisk", "2495.00", "1390.00", 1),
            _product("2002", "Hæve-sænkebord 160 x 80 cm", "4995.00", "3120.00", 1),
            _product("9000", "Kontorartikler iflg. ordre", "0.00", "0.00", 1),
            _product("RYK", "Rykkergebyr", "100.00", "0.00", 2),
            _product("RENTE", "Morarente", "0.00", "0.00", 2),
            _product("KOMP", "Kompensation", "310.00", "0.00", 2),
        )
    }
)
GOODS_PRODUCT = "9000"  # the free-price product the seeded invoices are written on


def _customer_group(number: int, name: str) -> Record:
    return {
        "customerGroupNumber": number,
        "name": name,
        "account": ref("accountNumber", DEBTOR_ACCOUNT, "accounts", DEBTOR_ACCOUNT),
        "customers": link("customer-groups", number, "customers"),
        "self": link("customer-groups", number),
    }


BUSINESS_GROUP = 1
PRIVATE_GROUP = 2
CUSTOMER_GROUPS: MappingProxyType[int, Record] = MappingProxyType(
    {
        BUSINESS_GROUP: _customer_group(BUSINESS_GROUP, "Erhverv"),
        PRIVATE_GROUP: _customer_group(PRIVATE_GROUP, "Private"),
    }
)


def vat_rate(product_number: str, vat_zone: int) -> Decimal:
    """The VAT rate of a product sold into a VAT zone, as e-conomic finds it: the product's
    group's sales account for the zone, that account's VAT code, the code's rate."""
    group = PRODUCTS[product_number]["productGroup"]["productGroupNumber"]
    account = ACCOUNTS[SALES_ACCOUNTS[group][vat_zone]]
    code = account.get("vatAccount", {}).get("vatCode")
    if code is None:
        return VAT_FREE
    return Decimal(str(VAT_ACCOUNTS[code]["ratePercentage"])).quantize(VAT_FREE)
