"""What in an e-conomic agreement would make our drafts wrong, checked ahead by `doctor`.

- The charge products exist (``GET /products/{number}``) and are not barred.
- They book without VAT. e-conomic links a product to its VAT through its group: the product
  names a product group, the group has a sales account per VAT zone
  (``/product-groups/{n}/sales-accounts``), the account names a VAT account
  (``/accounts/{n}``: ``vatAccount.vatCode``) and e-conomic adds that VAT account's
  ``ratePercentage`` (``/vat-accounts/{code}``) to the line. Reminder fees, interest and the
  compensation carry no VAT, so no sales account of their group may carry a rate above 0.
- The payment terms are of type dueDate (the draft's due date is the letter's deadline).
- The layout exists.

Each failed finding names the tenant option that fixes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bridge.vocab.errors import ConfigError, NotFound
from bridge.vocab.options import whole_number
from connectors.economic import mapping
from connectors.economic.client import EconomicClient

Finding = tuple[bool, str]
# The tenant options naming a charge product, with their defaults (info: the fee's product).
CHARGE_OPTIONS = ("fee_product", "info_product", "interest_product", "compensation_product")
DEFAULT_PRODUCTS = {
    "fee_product": "RYK",
    "interest_product": "RENTE",
    "compensation_product": "KOMP",
}
Terms = Callable[[list[tuple[int, str | None]], int | None], tuple[int, str | None]]


def charge_products(options: Mapping[str, str]) -> dict[str, list[str]]:
    """Each charge product in use, with the options naming it (as the drafts choose them)."""
    fee = options.get("fee_product", DEFAULT_PRODUCTS["fee_product"])
    chosen = {
        "fee_product": fee,
        "info_product": options.get("info_product", fee),
        "interest_product": options.get("interest_product", DEFAULT_PRODUCTS["interest_product"]),
        "compensation_product": options.get(
            "compensation_product", DEFAULT_PRODUCTS["compensation_product"]
        ),
    }
    out: dict[str, list[str]] = {}
    for option in CHARGE_OPTIONS:
        out.setdefault(chosen[option], []).append(option)
    return out


def setup_checks(
    client: EconomicClient, options: Mapping[str, str], choose_terms: Terms
) -> list[Finding]:
    """Run every check; vendor errors other than a missing item propagate (doctor reports them)."""
    vat = _VatReader(client)
    out: list[Finding] = []
    for product, named in charge_products(options).items():
        # Unset info_product follows fee_product: setting fee_product fixes both.
        fixes = [o for o in named if o != "info_product" or "info_product" in options]
        out.append(_product(client, vat, product, named, " or ".join(fixes)))
    out.append(_terms(client, options, choose_terms))
    out.append(_layout(client, options))
    return out


def _product(
    client: EconomicClient, vat: _VatReader, product: str, named: list[str], fix: str
) -> Finding:
    try:
        raw = client.product(product)
    except NotFound:
        return False, f"product {product} does not exist: create it or set {fix}"
    item = _object(raw)
    if item.get("barred") is True:
        return False, f"product {product} is barred in e-conomic: lift the bar or set {fix}"
    group = mapping._number(_object(item.get("productGroup")), "productGroupNumber", product)
    accounts = sorted({_account_number(s) for s in client.sales_accounts(group)})
    if not accounts:
        return (
            False,
            f"product {product}'s group {group} has no sales account: add one or set {fix}",
        )
    for account in accounts:
        carried = vat.of_account(account)
        if carried is not None:
            return False, (
                f"product {product}'s account {account} carries VAT ({carried}): e-conomic "
                f"would add it to the charge; use a VAT-free account or set {fix}"
            )
    which = "account" if len(accounts) == 1 else "accounts"
    verb = "carries" if len(accounts) == 1 else "carry"
    numbers = ", ".join(str(a) for a in accounts)
    return True, (
        f"product {product} ({', '.join(named)}) books to {which} {numbers}, which {verb} no VAT"
    )


class _VatReader:
    """The VAT an account carries, each account and VAT code read once."""

    def __init__(self, client: EconomicClient) -> None:
        self.client = client
        self._accounts: dict[int, str | None] = {}
        self._codes: dict[str, str | None] = {}

    def of_account(self, number: int) -> str | None:
        """``"U25, 25 %"`` when the account adds VAT, None when it adds none."""
        if number not in self._accounts:
            account = _object(self.client.account(number))
            code = mapping._text(account, "vatAccount.vatCode")
            self._accounts[number] = None if code is None else self._of_code(code)
        return self._accounts[number]

    def _of_code(self, code: str) -> str | None:
        if code not in self._codes:
            try:
                rate = _rate(_object(self.client.vat_account(code)).get("ratePercentage"))
            except NotFound:
                rate = None  # a code we cannot read: assume it adds VAT
            if rate is not None and rate == 0:
                self._codes[code] = None
            else:
                self._codes[code] = code if rate is None else f"{code}, {rate.normalize():f} %"
        return self._codes[code]


def _rate(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _account_number(item: Any) -> int:
    return mapping._number(_object(item), "salesAccount.accountNumber", "sales account")


def _terms(client: EconomicClient, options: Mapping[str, str], choose: Terms) -> Finding:
    raw = [_object(t) for t in client.payment_terms()]
    try:
        number, _ = choose(
            [mapping.payment_terms(t) for t in raw], whole_number(options, "payment_terms")
        )
    except ConfigError as exc:
        return False, str(exc)
    name = next((t.get("name") for t in raw if t.get("paymentTermsNumber") == number), None)
    label = f" {name!r}" if isinstance(name, str) else ""
    return True, f"payment terms {number}{label} give the draft the letter's deadline as due date"


def _layout(client: EconomicClient, options: Mapping[str, str]) -> Finding:
    try:
        wanted = whole_number(options, "layout")
    except ConfigError as exc:
        return False, str(exc)
    if wanted is None:
        first = next(iter(client.layouts()), None)
        if first is None:
            return False, "e-conomic has no invoice layout: create one, or set layout"
        item = _object(first)
    else:
        try:
            item = _object(client.layout(wanted))
        except NotFound:
            known = ", ".join(str(mapping.layout_number(x)) for x in client.layouts())
            return False, f"layout {wanted} does not exist: set layout to one of {known or '...'}"
    name = item.get("name")
    label = f" {name!r}" if isinstance(name, str) else ""
    return True, f"layout {mapping.layout_number(item)}{label}"


def _object(obj: Any) -> Mapping[str, Any]:
    return mapping._object(obj, "e-conomic answer")
