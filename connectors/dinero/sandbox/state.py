"""The Dinero sandbox's state and the rules Dinero applies to it (reminders, payments, status).

Everything is plain JSON-ready data so the demo can save and reload it. Amounts are Decimal.
How Dinero computes a reminder's amounts is emulated from its documentation: the fee and the
monthly interest rate come from the organization's sales settings, interest runs per day from
the day after the due date (or after the previous reminder that charged interest) through the
reminder's date, and the B2B compensation is 310 DKK once per invoice for a company.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
COMPENSATION = Decimal("310.00")
MAX_REMINDERS = 3
MIN_DAYS_BETWEEN = 10


class SandboxError(Exception):
    """An answer other than 200: status, Dinero error code and message."""

    def __init__(
        self, status: int, code: int, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Dinero's error body."""
        return {
            "code": self.code,
            "message": self.message,
            "validationErrors": {"message": self.message},
            "languageSpecificMessages": [{"property": "message", "message": self.message}],
            "errorMessageList": [{"Code": "message", "Message": self.message}],
        }


def not_found(what: str) -> SandboxError:
    """404 with Dinero's body."""
    return SandboxError(404, 65, f"Invalid {what}, the item does not exist or is deleted.")


def bad_request(message: str, code: int = 45) -> SandboxError:
    """400 with Dinero's body."""
    return SandboxError(400, code, message)


def money(value: Decimal) -> Decimal:
    """Round half-up to the øre."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def stamp(moment: datetime) -> str:
    """Dinero's instants: ``2017-05-19T14:20:47.407`` (UTC, no zone)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


@dataclass
class SandboxState:
    """One organization and its OAuth grant."""

    organization: str = "4711"
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    reminders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    mailouts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Booked credit notes: guid -> Number, ContactGuid, Date, TotalInclVat, Allocated (bool).
    credit_notes: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(
        default_factory=lambda: {
            "ReminderFee": Decimal("100.00"),
            "ReminderInterestRate": Decimal("0.8333"),
        }
    )
    # OAuth: which refresh tokens are live, which access tokens expire when, the app setting.
    refresh_tokens: list[str] = field(default_factory=lambda: ["sandbox-refresh-token"])
    access_tokens: dict[str, str] = field(default_factory=dict)
    refresh_mode: str = "reuse"  # or "rotating"
    # Rotating tokens only: how long a rotated token is still accepted (the app's grace period,
    # 5-60 s in Visma Connect; 0 is none), and when each token was rotated away.
    grace_seconds: int = 0
    rotated: dict[str, str] = field(default_factory=dict)
    codes: list[str] = field(default_factory=lambda: ["sandbox-authorization-code"])
    revoked: bool = False
    # What the app is granted (the access token's ``scope`` claim) and the organization's plan:
    # without Pro every call but the organization list is refused with 403 (the spec).
    scopes: str = "dineropublicapi:read dineropublicapi:write offline_access"
    is_pro: bool = True
    counter: int = 0

    # -- persistence -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxState:
        """Rebuild from :meth:`to_dict`'s output."""
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    # -- identities --------------------------------------------------------------------------

    def next_number(self) -> int:
        """A fresh counter value (timestamps, ids, numbers)."""
        self.counter += 1
        return self.counter

    def timestamp(self) -> str:
        """A fresh concurrency stamp, as Dinero writes them (16 hex digits)."""
        return f"{0x20A5E00 + self.next_number():016X}"

    def new_guid(self) -> str:
        """A deterministic guid, so saved demos and tests read the same."""
        return str(uuid.UUID(int=0xD1E20 << 96 | self.next_number()))

    # -- invoices ------------------------------------------------------------------------------

    def invoice(self, guid: str) -> dict[str, Any]:
        """The invoice or 404."""
        found = self.invoices.get(guid)
        if found is None or found.get("DeletedAt"):
            raise not_found("InvoiceGuid")
        return found

    def paid(self, guid: str) -> Decimal:
        """What was paid on an invoice."""
        return sum((Decimal(p["Amount"]) for p in self.payments.get(guid, [])), Decimal(0))

    def live_reminders(self, guid: str) -> list[dict[str, Any]]:
        """Reminders not deleted, oldest first."""
        return [r for r in self.reminders.get(guid, []) if not r["IsDeleted"]]

    def charges(self, guid: str) -> Decimal:
        """Fees, interest and compensation of booked reminders."""
        return sum(
            (
                Decimal(r["FeeAmount"])
                + Decimal(r["InterestAmount"] or 0)
                + Decimal(r["CompensationFeeAmount"])
                for r in self.live_reminders(guid)
                if not r["IsDraft"]
            ),
            Decimal(0),
        )

    def status(self, guid: str, today: date) -> str:
        """Draft, Booked, Paid, OverPaid or Overdue, as the invoice list reports it."""
        item = self.invoices[guid]
        if item["Status"] == "Draft":
            return "Draft"
        total = Decimal(item["TotalInclVat"])
        paid = self.paid(guid)
        if paid > total:
            return "OverPaid"
        if paid >= total:
            return "Paid"
        return "Overdue" if date.fromisoformat(item["PaymentDate"]) < today else "Booked"

    def mail_out(self, guid: str, kind: str, receiver: str | None, now: datetime) -> None:
        """Record that Dinero mailed the invoice (``kind`` a LatestMailOutType) at ``now``."""
        self.mailouts.setdefault(guid, []).append(
            {
                "Id": self.next_number(),
                "Date": stamp(now),
                "Receiver": receiver,
                "Type": kind,
                "Status": "Sent",
                "DownloadCount": 0,
                "PrintCount": 0,
                "IsSmsMessage": False,
                "CCToSender": False,
            }
        )

    def touch(self, guid: str, now: datetime) -> None:
        """Record a change to an invoice: a new TimeStamp and UpdatedAt."""
        item = self.invoices[guid]
        item["TimeStamp"] = self.timestamp()
        item["UpdatedAt"] = stamp(now)

    # -- reminders -----------------------------------------------------------------------------

    def compute_reminder(self, guid: str, flags: dict[str, bool], day: date) -> dict[str, Any]:
        """Dinero's amounts for a reminder on ``day`` with ``flags`` (nothing is saved)."""
        item = self.invoices[guid]
        contact = self.contacts.get(item["ContactGuid"], {})
        total = Decimal(item["TotalInclVat"])
        paid = self.paid(guid)
        earlier = [r for r in self.live_reminders(guid) if not r["IsDraft"]]
        fee = money(Decimal(self.settings["ReminderFee"])) if flags["WithFee"] else Decimal("0.00")
        interest = Decimal("0.00")
        if flags["WithInterestFee"]:
            charged = [date.fromisoformat(r["Date"]) for r in earlier if r["WithInterestFee"]]
            start = (
                max(charged) if charged else date.fromisoformat(item["PaymentDate"])
            ) + timedelta(days=1)
            days = max(0, (day - start).days + 1)
            monthly = Decimal(self.settings["ReminderInterestRate"])
            year_days = 366 if _leap(day.year) else 365
            interest = money((total - paid) * monthly * 12 / 100 * days / year_days)
        available = not contact.get("IsPerson", True) and not any(
            r["WithCompensationFee"] for r in earlier
        )
        compensation = (
            COMPENSATION if flags["WithCompensationFee"] and available else Decimal("0.00")
        )
        accumulated = self.charges(guid)
        return {
            "InvoiceTotalInclVatAmount": money(total),
            "InvoiceTotalInclVatAmountText": "Hovedstol fra ovennævnte faktura",
            "FeeAmount": fee,
            "FeeAmountText": "Rykkergebyr, jvf. rentelovens § 9b, stk. 1, jf. stk. 2",
            "InterestAmount": interest,
            "InterestAmountText": f"Renter {self.settings['ReminderInterestRate']}% pr. måned",
            "CompensationFeeAvailable": available,
            "CompensationFeeAmount": compensation,
            "CompensationFeeAmountText": "Kompensationsgebyr, jvf. rentelovens § 9a, stk. 3",
            "AccumulatedFeesAndInterestAmount": money(accumulated),
            "AccumulatedFeesAndInterestAmountText": "Rykkergebyrer og renter fra tidligere rykkere",
            "PaidAmount": money(-paid),
            "PaidAmountText": "Allerede registrerede indbetalinger",
            "ReminderTotalInclVatAmount": money(
                total + accumulated + fee + interest + compensation - paid
            ),
            "ReminderTotalInclVatAmountText": "Total",
            # The spec's example of the text (ReminderViewModel): a period from the reminder's
            # date, not a date; the bridge's letter text names the date itself.
            "DebtCollectionNoticeText": (
                "Denne rykker er samtidig et påkrav og varsel i henhold til inkassolovens § 10. "
                "Sker betaling ikke senest 10 dage fra dato, vil dette kunne medføre, at der "
                "pålægges yderligere omkostninger idet sagen herefter vil blive sendt til "
                "inkasso, hvis ikke vi har hørt fra dig."
                if flags["WithDebtCollectionWarning"]
                else None
            ),
        }

    def check_new_reminder(self, guid: str, day: date, today: date) -> None:
        """Dinero's rules before a reminder is added: overdue, three at most, ten days apart."""
        if self.status(guid, today) != "Overdue":
            raise bad_request("A reminder can only be added to an overdue invoice.", 87)
        live = self.live_reminders(guid)
        if any(r["IsDraft"] for r in live):
            raise bad_request("The invoice already has a reminder draft.", 88)
        if len(live) >= MAX_REMINDERS:
            raise bad_request("An invoice can have at most three reminders.", 89)
        if live:
            last = max(date.fromisoformat(r["Date"]) for r in live)
            if day < last + timedelta(days=MIN_DAYS_BETWEEN):
                raise bad_request("10 days must pass between two reminders.", 90)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
