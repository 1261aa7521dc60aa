"""The Tripletex demo company: a Bergen office-furniture wholesaler and its debtors.

A few dozen customers and invoices in every state the bridge must handle: not yet due, just
overdue, long overdue, partly paid, paid, credited, paused by an invoice remark, factored,
inactive, a consumer and businesses, invoices with reminders Tripletex already sent. Every
customer has a postal address and a phone, every business an organisation number; most
businesses have a salesperson (account manager), one with an e-mail and one without. Dates are
relative to ``today`` so the demo looks alive whenever it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.tripletex.sandbox.server import TripletexSandbox

COMPANY = "Bryggen Kontormøbler AS"


@dataclass(frozen=True, slots=True)
class _Debtor:
    name: str
    private: bool
    email: str | None
    org_number: str | None
    street: str
    postal_code: str
    city: str
    phone: str | None = None  # the switchboard (phoneNumber)
    mobile: str | None = None  # phoneNumberMobile
    salesperson: str | None = None  # a key of _SALESPEOPLE (the customer's accountManager)


# The company's salespeople: (first name, last name, e-mail). One has no e-mail in Tripletex, so
# a task for their accounts has no one to go to by mail and stays a proposal in Tripletex.
_SALESPEOPLE = {
    "silje": ("Silje", "Haugland", "silje.haugland@bryggen-kontormobler.example.no"),
    "magnus": ("Magnus", "Eide", None),
}

_CUSTOMERS = (
    _Debtor(
        "Fjordkraft Regnskap AS",
        False,
        "faktura@fjordkraft-regnskap.example.no",
        "912345670",
        "Strandkaien 2",
        "5013",
        "Bergen",
        phone="55 30 12 00",
        salesperson="silje",
    ),
    _Debtor(
        "Nordlys Arkitekter AS",
        False,
        "post@nordlys-ark.example.no",
        "923456781",
        "Nygårdsgaten 31",
        "5015",
        "Bergen",
        phone="55 21 40 80",
        salesperson="silje",
    ),
    _Debtor(
        "Hansen Tannklinikk AS",
        False,
        "regnskap@hansentann.example.no",
        "934567892",
        "Kong Oscars gate 44",
        "5017",
        "Bergen",
        phone="55 32 18 90",
    ),
    _Debtor(
        "Bakeriet på Torget AS",
        False,
        "post@bakeriet.example.no",
        "945678903",
        "Torget 5",
        "5014",
        "Bergen",
        phone="55 31 77 20",
        mobile="412 55 301",
        salesperson="magnus",
    ),
    _Debtor(
        "Vestland Eiendom AS",
        False,
        "okonomi@vestland-eiendom.example.no",
        "956789014",
        "Olav Kyrres gate 22",
        "5014",
        "Bergen",
        phone="55 60 45 00",
        salesperson="silje",
    ),
    _Debtor(
        "Solheim Konsult AS",
        False,
        "faktura@solheim.example.no",
        "967890125",
        "Solheimsgaten 15",
        "5058",
        "Bergen",
        phone="55 28 61 10",
        salesperson="magnus",
    ),
    _Debtor(
        "Kari Nordmann",
        True,
        "kari.nordmann@example.no",
        None,
        "Fjellveien 12",
        "5019",
        "Bergen",
        mobile="918 22 417",
    ),
    _Debtor(
        "Ola Hansen", True, None, None, "Storhaugen 3", "5143", "Fyllingsdalen", phone="55 16 40 22"
    ),
    _Debtor(
        "Havblikk Hotell AS",
        False,
        "regnskap@havblikk.example.no",
        "978901236",
        "Bryggen 9",
        "5003",
        "Bergen",
        phone="55 33 90 00",
        salesperson="silje",
    ),
    _Debtor(
        "Trollstigen Transport AS",
        False,
        "faktura@trollstigen.example.no",
        "989012347",
        "Industriveien 40",
        "6300",
        "Åndalsnes",
        phone="71 22 15 60",
    ),
    _Debtor(
        "Ingrid Berg",
        True,
        "ingrid.berg@example.no",
        None,
        "Kalfarveien 58",
        "5018",
        "Bergen",
        mobile="477 81 930",
    ),
    _Debtor(
        "Bergen Byggservice AS",
        False,
        "post@bbs.example.no",
        "990123458",
        "Kokstadflaten 8",
        "5257",
        "Kokstad",
        phone="55 11 72 40",
        salesperson="magnus",
    ),
)


def populate(sandbox: TripletexSandbox, today: date) -> None:
    """Fill ``sandbox`` with the demo company's customers, invoices and earlier reminders."""
    staff = {key: sandbox.add_employee(*person) for key, person in _SALESPEOPLE.items()}
    ids = [
        sandbox.add_customer(
            d.name,
            private=d.private,
            email=d.email,
            org_number=d.org_number,
            street=d.street,
            postal_code=d.postal_code,
            city=d.city,
            phone=d.phone,
            mobile=d.mobile,
            account_manager=staff[d.salesperson] if d.salesperson else None,
        )
        for d in _CUSTOMERS
    ]
    factored = sandbox.add_customer(
        "Nordic Factoring Kunde AS",
        email="ap@factoring.example.no",
        factoring=True,
        org_number="913579246",
        street="Lars Hilles gate 30",
        postal_code="5008",
        city="Bergen",
        phone="55 90 20 30",
    )
    inactive = sandbox.add_customer(
        "Avviklet Handel AS",
        email="post@avviklet.example.no",
        inactive=True,
        org_number="924680135",
        street="Sandbrogaten 11",
        postal_code="5003",
        city="Bergen",
        phone="55 23 08 70",
    )
    sandbox.set_reminder_fee(Decimal("35.00"))

    def invoice(customer: int, amount: str, days_overdue: int, terms: int = 14) -> int:
        due = today - timedelta(days=days_overdue)
        return sandbox.add_invoice(
            customer, Decimal(amount), issued=due - timedelta(days=terms), due=due
        )

    # Not yet due, and due in a few days.
    invoice(ids[0], "18750.00", -20)
    invoice(ids[1], "4375.00", -3)
    # Just overdue: a friendly reminder (no fee before due + 14 days).
    invoice(ids[2], "12500.00", 4)
    invoice(ids[6], "3990.00", 6)
    # Overdue past 14 days: a reminder with a fee.
    invoice(ids[3], "8125.00", 18)
    invoice(ids[4], "56250.00", 21)
    invoice(ids[10], "2490.00", 16)
    # Long overdue, with reminders Tripletex already sent.
    late = invoice(ids[5], "31250.00", 40)
    sandbox.send_reminder(late, "SOFT_REMINDER", today - timedelta(days=30))
    later = invoice(ids[8], "94000.00", 55)
    sandbox.send_reminder(later, "SOFT_REMINDER", today - timedelta(days=45))
    sandbox.send_reminder(later, "REMINDER", today - timedelta(days=25), charge=True)
    # Partly paid.
    part = invoice(ids[9], "22000.00", 25)
    sandbox.pay(part, Decimal("12000.00"))
    # Paid in full, and credited: never dunned.
    paid = invoice(ids[11], "6250.00", 30)
    sandbox.pay(paid, Decimal("6250.00"))
    credited = invoice(ids[11], "1875.00", 30)
    sandbox.credit(credited)
    # Paused by the accountant's remark until next week.
    paused = invoice(ids[1], "15000.00", 20)
    sandbox.set_remark(paused, today + timedelta(days=7), "Kunden har bedt om utsettelse")
    # A remark whose postpone date has passed no longer pauses.
    expired = invoice(ids[0], "7500.00", 24)
    sandbox.set_remark(expired, today - timedelta(days=2), "Avtalt betaling")
    # A consumer without e-mail: reminders go by the company's own print.
    invoice(ids[7], "1490.00", 20)
    # Factored and inactive customers: never dunned.
    invoice(factored, "40000.00", 30)
    invoice(inactive, "2500.00", 60)
    # Older history, paid, so the window read has something to skip.
    for n, customer in enumerate(ids):
        old = invoice(customer, f"{1000 + 250 * n}.00", 200 + 7 * n, terms=30)
        sandbox.pay(old, Decimal(f"{1000 + 250 * n}.00"))
