"""The Tripletex sandbox's test and demo hooks: what a user does in Tripletex's own screens.

Customers, invoices, payments, credit notes, remarks, reminders sent from Tripletex itself and
the company's settings, for the tests and the demo company; the emulated API is ``routes.py``.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from stdnum import luhn

from bridge.vocab.domain import money
from connectors.tripletex.sandbox.state import (
    COMPANY_CURRENCY,
    COUNTRY_IDS,
    CURRENCIES,
    CURRENCY_IDS,
    TERM_DAYS,
    VAT_TYPES,
    Record,
    _dig,
    _due_date,
    _invalid,
)


class DemoHooks:
    """Changes made in Tripletex itself rather than through the API, each under the lock."""

    today: date
    state: Record
    _lock: threading.RLock
    dispatched: list[tuple[int, str, tuple[str, ...]]]
    sent_to: dict[int, str | None]

    if TYPE_CHECKING:  # the emulated API's own, in routes.py

        def _get(self, table: str, ident: str) -> Record: ...

        def _vat_rate(self, line: Record) -> Decimal: ...

    def _take(self, counter: str) -> int:
        counters = self.state["counters"]
        counters[counter] = counters.get(counter, 1) + 1
        return int(counters[counter] - 1)

    def _store_reminder(
        self,
        invoice: Record,
        *,
        kind: str,
        on: date,
        fee: Decimal,
        interest: Decimal,
        dispatch: tuple[str, ...],
    ) -> int:
        ident = self._take("reminder")
        total = money(
            sum((self.state["reminders"][str(i)]["charge"] for i in invoice["reminders"]), fee)
        )
        self.state["reminders"][str(ident)] = {
            "id": ident,
            "version": 0,
            "reminderDate": on.isoformat(),
            "charge": fee,
            "chargeCurrency": fee,
            "totalCharge": total,
            "totalChargeCurrency": total,
            "totalAmountCurrency": money(invoice["amountOutstanding"] + total + interest),
            "interests": interest,
            "interestRate": self.state["interestRate"],
            "termOfPayment": (on + timedelta(days=TERM_DAYS)).isoformat(),
            "type": kind,
            "kid": invoice.get("kid", ""),
            "invoiceId": invoice["id"],
        }
        invoice["reminders"].append(ident)
        invoice["amountOutstandingTotal"] = money(
            invoice["amountOutstandingTotal"] + fee + interest
        )
        invoice["amountCurrencyOutstandingTotal"] = invoice["amountOutstandingTotal"]
        invoice["version"] += 1
        self.dispatched.append((invoice["id"], kind, dispatch))
        return ident

    def expire_sessions(self) -> None:
        """Every session token expires (a new day began, or Tripletex revoked them)."""
        with self._lock:
            self.state["sessions"].clear()

    def add_client(self, ident: int, name: str) -> None:
        """Give the login access to a client company (an accountant's login)."""
        with self._lock:
            self.state["clients"].append({"id": ident, "name": name})

    def add_customer(
        self,
        name: str,
        *,
        private: bool = False,
        email: str | None = None,
        overdue_email: str | None = None,
        org_number: str | None = None,
        factoring: bool = False,
        inactive: bool = False,
        language: str = "NO",
        street: str | None = None,
        postal_code: str | None = None,
        city: str | None = None,
        country: str = "NO",
        phone: str | None = None,
        mobile: str | None = None,
        account_manager: int | None = None,
    ) -> int:
        """Create a customer; return its id. ``account_manager`` is an employee's id."""
        with self._lock:
            if account_manager is not None and str(account_manager) not in self.state["employees"]:
                raise KeyError(f"no employee {account_manager}")
            ident = self._take("customer")
            # Tripletex writes every unset text as "" and an unset reference as null.
            rec: Record = {
                "id": ident,
                "version": 0,
                "name": name,
                "organizationNumber": org_number or "",
                "customerNumber": 10000 + ident,
                "isInactive": inactive,
                "accountManager": None if account_manager is None else {"id": account_manager},
                "email": email or "",
                "invoiceEmail": email or "",
                "overdueNoticeEmail": overdue_email or "",
                "phoneNumber": phone or "",
                "phoneNumberMobile": mobile or "",
                "language": language,
                "isPrivateIndividual": private,
                "invoiceSendMethod": "EMAIL" if email else "PAPER",
                "postalAddress": self._new_address(street, postal_code, city, country),
                "isFactoring": factoring,
            }
            self.state["customers"][str(ident)] = rec
            return ident

    def add_employee(self, first_name: str, last_name: str, email: str | None = None) -> int:
        """Create an employee (a salesperson to name as a customer's account manager)."""
        with self._lock:
            ident = self._take("employee")
            self.state["employees"][str(ident)] = {
                "id": ident,
                "version": 0,
                "firstName": first_name,
                "lastName": last_name,
                "email": email or "",
                "phoneNumberMobile": "",
            }
            return ident

    def _new_address(
        self, street: str | None, postal_code: str | None, city: str | None, country: str
    ) -> Record:
        if country not in COUNTRY_IDS:
            raise ValueError(f"the sandbox knows no country {country!r}")
        return {
            "id": self._take("address"),
            "version": 0,
            "addressLine1": street or "",
            "addressLine2": "",
            "postalCode": postal_code or "",
            "city": city or "",
            "country": {"id": COUNTRY_IDS[country]},
        }

    def add_invoice(
        self,
        customer: int,
        amount: Decimal,
        *,
        issued: date,
        due: date,
        currency: str = "NOK",
        comment: str = "",
    ) -> int:
        """Charge an invoice of ``amount`` (VAT included); return its id."""
        with self._lock:
            if str(customer) not in self.state["customers"]:
                raise KeyError(f"no customer {customer}")
            ident = self._take("invoice")
            number = self._take("invoiceNumber")
            gross = money(amount)
            rec: Record = {
                "id": ident,
                "version": 1,
                "invoiceNumber": number,
                "invoiceDate": issued.isoformat(),
                "invoiceDueDate": due.isoformat(),
                "customer": customer,
                "currency": currency,
                # An 8-digit KID with its mod-10 (Luhn) check digit, as a KID agreement gives.
                "kid": f"{number:07d}" + luhn.calc_check_digit(f"{number:07d}"),
                "amount": gross,
                "amountCurrency": gross,
                "amountExcludingVat": money(gross / Decimal("1.25")),
                "amountOutstanding": gross,
                "amountCurrencyOutstanding": gross,
                "amountOutstandingTotal": gross,
                "amountCurrencyOutstandingTotal": gross,
                "sumRemits": Decimal("0"),
                "isCredited": False,
                "isCreditNote": False,
                "isCharged": True,
                "invoiceRemark": None,
                "invoiceComment": comment,
                "reminders": [],
            }
            self.state["invoices"][str(ident)] = rec
            return ident

    def add_credit_note(self, invoice: int, amount: Decimal, *, on: date) -> int:
        """Book a credit note of ``amount`` on ``invoice``, not settled against anything.

        openapi-2.74.00.json, Invoice: a credit note has ``isCreditNote`` true and names the
        invoice it credits in ``creditedInvoice``; its amounts are negative, and so is its
        ``amountOutstanding`` until it is settled (docs/connectors/tripletex.md, assumptions).
        """
        with self._lock:
            original = self.state["invoices"][str(invoice)]
            ident = self.add_invoice(
                original["customer"],
                -amount,
                issued=on,
                due=on,
                currency=original["currency"],
            )
            rec = self.state["invoices"][str(ident)]
            rec["isCreditNote"] = True
            rec["creditedInvoice"] = invoice
            return ident

    def settle_credit_note(self, note: int, amount: Decimal) -> None:
        """The accountant settles ``amount`` of a credit note against another invoice."""
        with self._lock:
            rec = self.state["invoices"][str(note)]
            left = min(money(0), money(rec["amountOutstanding"] + money(amount)))
            rec["amountOutstanding"] = rec["amountCurrencyOutstanding"] = left
            rec["amountOutstandingTotal"] = rec["amountCurrencyOutstandingTotal"] = left
            rec["version"] += 1

    def prepay(self, customer: int, amount: Decimal, *, on: date, currency: str = "NOK") -> int:
        """Book an incoming payment of ``amount`` on the customer's ledger, on no invoice.

        A prepayment (forskudd) or a payment the accountant has not matched: it is no invoice,
        so ``GET /invoice`` never lists it; ``GET /ledger/posting/openPost`` lists it as an open
        post of the customer, credit (a negative ``amount``) with no ``invoiceNumber``, until
        it is matched (docs/connectors/tripletex.md, assumptions). Return the posting's id.
        """
        with self._lock:
            if str(customer) not in self.state["customers"]:
                raise KeyError(f"no customer {customer}")
            ident = self._take("posting")
            self.state["prepayments"][str(ident)] = {
                "id": ident,
                "date": on.isoformat(),
                "customer": customer,
                "currency": currency,
                "amount": money(amount),  # what is left unmatched, positive
            }
            return ident

    def allocate_prepayment(self, posting: int, invoice: int, amount: Decimal) -> None:
        """The accountant matches ``amount`` of a prepayment against an invoice.

        The invoice's outstanding amount drops as for a payment; what is left of the
        prepayment stays an open post, and a prepayment matched in full is no longer open.
        """
        with self._lock:
            rec = self.state["prepayments"][str(posting)]
            used = min(money(amount), rec["amount"])
            self.pay(invoice, used)
            rec["amount"] = money(rec["amount"] - used)
            if rec["amount"] == 0:
                del self.state["prepayments"][str(posting)]

    def deny(self, resource: str) -> None:
        """The employee behind the token has no access to ``resource``: the path's first
        segments, e.g. "order" or "ledger/posting"."""
        with self._lock:
            self.state.setdefault("deniedResources", []).append(resource)

    def pay(self, invoice: int, amount: Decimal) -> None:
        """Register a payment: the outstanding amount drops (reminder charges last)."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            paid = money(amount)
            rec["amountOutstanding"] = max(money(0), money(rec["amountOutstanding"] - paid))
            rec["amountCurrencyOutstanding"] = rec["amountOutstanding"]
            rec["amountOutstandingTotal"] = max(
                money(0), money(rec["amountOutstandingTotal"] - paid)
            )
            rec["amountCurrencyOutstandingTotal"] = rec["amountOutstandingTotal"]
            rec["version"] += 1

    def credit(self, invoice: int) -> None:
        """Credit an invoice in full (a credit note)."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            rec["isCredited"] = True
            rec["amountOutstanding"] = rec["amountCurrencyOutstanding"] = money(0)
            rec["amountOutstandingTotal"] = rec["amountCurrencyOutstandingTotal"] = money(0)

    def set_remark(self, invoice: int, postpone_to: date | None, text: str = "") -> None:
        """The accountant's invoice remark: reminders are postponed to ``postpone_to``."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            rec["invoiceRemark"] = {
                "id": invoice,
                "description": text,
                "postponeRemindersTo": postpone_to.isoformat() if postpone_to else None,
            }

    def send_reminder(self, invoice: int, kind: str, on: date, *, charge: bool = False) -> int:
        """Send a reminder from Tripletex's own UI (or its automation)."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            fee = self.state["reminderFee"] if charge else Decimal("0")
            return self._store_reminder(
                rec, kind=kind, on=on, fee=money(fee), interest=Decimal("0"), dispatch=("EMAIL",)
            )

    def set_reminder_fee(self, fee: Decimal) -> None:
        """The fee in the company's reminder settings."""
        with self._lock:
            self.state["reminderFee"] = money(fee)

    def vat_type_id(self, number: str) -> int:
        """The sandbox's id of the VAT type Tripletex shows as ``number``."""
        return next(ident for ident, known, _, _ in VAT_TYPES if known == number)

    def deactivate_vat_type(self, number: str) -> None:
        """Turn a VAT type off in the company's VAT settings (Tripletex then lists it not)."""
        with self._lock:
            self.state["inactiveVatTypes"].append(number)

    @staticmethod
    def currency_id(code: str) -> int:
        """The sandbox's id of a currency."""
        return CURRENCY_IDS[code]

    def activate(self, dispatch_type: str) -> None:
        """Activate SMS or NETS_PRINT for the company."""
        with self._lock:
            self.state["activated"].append(dispatch_type)

    def invoice_order(self, order: int, on: str | None = None) -> Record:
        """Turn an order into a charged invoice, as the accountant does; the order closes."""
        with self._lock:
            rec = self._get("orders", str(order))
            if rec["isClosed"]:
                raise _invalid("Ordren er lukket", "order")
            day = date.fromisoformat(on) if on else self.today
            net = gross = Decimal("0")
            for line in rec["orderLines"]:
                amount = Decimal(line["unitPriceExcludingVatCurrency"]) * Decimal(line["count"])
                net += amount
                # A line without a vatType gets the default VAT, added on top of the price.
                gross += amount * (1 + self._vat_rate(line) / 100)
            total = money(gross)
            # The order's currency; without one, the company's (NOK).
            code = CURRENCIES[_dig(rec, "currency", "id") or COMPANY_CURRENCY]
            customer = self.state["customers"].get(str(rec["customer"]["id"]), {})
            # The invoice keeps the order's comment, as Tripletex prints it on the invoice.
            ident = self.add_invoice(
                rec["customer"]["id"],
                total,
                issued=day,
                due=_due_date(day, rec, customer),
                currency=code,
                comment=str(rec.get("invoiceComment") or ""),
            )
            made = self.state["invoices"][str(ident)]
            made["amountExcludingVat"] = made["amountExcludingVatCurrency"] = money(net)
            rec["isClosed"] = True
            rec["version"] += 1
            rec["invoiceId"] = ident
            if total == 0:
                self.pay(ident, Decimal("0"))
            return self.state["invoices"][str(ident)]  # type: ignore[no-any-return]

    def our_orders(self) -> list[Record]:
        """The orders the bridge wrote (marked in deliveryComment)."""
        with self._lock:
            return [
                dict(r)
                for r in self.state["orders"].values()
                if str(r.get("deliveryComment", "")).startswith("dunning-bridge ")
            ]

    def accept_drafts(self) -> int:
        """Invoice every open order we wrote, as an accountant approving them all."""
        with self._lock:
            waiting = [r["id"] for r in self.our_orders() if not r["isClosed"]]
            for ident in waiting:
                self.invoice_order(ident)
            return len(waiting)

    def documents_by_key(self) -> dict[str, int]:
        """How many documents carry each letter key: its order, plus any reminder sent twice.

        A reminder cannot carry our key, so a second reminder of the order's kind on one of its
        invoices (on or after the order's date) counts as a second document of that key.
        """
        with self._lock:
            counts: dict[str, int] = {}
            for order in self.our_orders():
                key = str(order.get("reference") or order["deliveryComment"].split()[1])
                counts[key] = counts.get(key, 0) + 1
                fields = dict(
                    p.split("=", 1) for p in order["deliveryComment"].split()[2:] if "=" in p
                )
                if fields.get("act") not in ("reminder", "collection_warning"):
                    continue
                notice = fields["act"] == "collection_warning"
                for ident in filter(None, fields.get("inv", "").split(",")):
                    rec = self.state["invoices"].get(ident)
                    if rec is None:
                        continue
                    same = [
                        r
                        for r in (self.state["reminders"][str(i)] for i in rec["reminders"])
                        if r["reminderDate"] >= order["orderDate"]
                        and (r["type"] == "NOTICE_OF_DEBT_COLLECTION") is notice
                    ]
                    counts[key] += max(0, len(same) - 1)
            return counts

    def delete_order(self, order: int) -> None:
        """Delete an order as the accountant does (a rejected proposal)."""
        with self._lock:
            del self.state["orders"][str(order)]

    def reminders_of(self, invoice: int) -> list[Record]:
        """The reminders Tripletex holds for an invoice."""
        with self._lock:
            rec = self.state["invoices"][str(invoice)]
            return [dict(self.state["reminders"][str(i)]) for i in rec["reminders"]]
