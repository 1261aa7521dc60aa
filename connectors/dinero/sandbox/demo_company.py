"""The Dinero demo company: Havemøbler Fyn IvS, a garden-furniture maker in Odense, and its debtors.

Invented data, deterministic for a given ``today``: 24 contacts (companies with CVR status,
private persons, a company under bankruptcy, a dissolved one, a contact without e-mail, one
preferring English) and 40 invoices dated relative to ``today`` so that every dunning situation
is present: not yet due, due in a few days, due today, 1-5, 12-20, 25-35 and 45-70 days
overdue, several overdue invoices of one customer, partly paid, paid on time, paid late, a
tiny amount, a draft invoice, and reminders the accountant already made in Dinero itself.
Every contact has a postal address and a phone, every company a CVR number (VatNumber); Dinero
keeps no salesperson on a contact, so none is named.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.dinero.sandbox.server import DineroSandbox

COMPANY = "Havemøbler Fyn IvS"

# (name, person, e-mail, CVR status, language)
CONTACTS: tuple[tuple[str, bool, str | None, str | None, str | None], ...] = (
    ("Café Lindegården ApS", False, "regnskab@lindegaarden.example.dk", "normal", None),
    ("Odense Kommune, Skovparken", False, "faktura@skovparken.example.dk", "normal", None),
    ("Svendborg Camping A/S", False, "bogholderi@svendborgcamping.example.dk", "normal", None),
    ("Nyborg Strandhotel ApS", False, "okonomi@strandhotel.example.dk", "normal", None),
    ("Fynsk Anlægsgartner ApS", False, "info@fynskanlaeg.example.dk", "normal", None),
    ("Terrassen i Middelfart I/S", False, "mail@terrassen.example.dk", "active", None),
    ("Haveliv Faaborg ApS", False, "faktura@haveliv.example.dk", "underBankruptcy", None),
    ("Bistro Kanalen ApS", False, "kanalen@example.dk", "dissolvedAfterBankruptcy", None),
    ("Nordic Outdoor GmbH", False, "accounts@nordicoutdoor.example.de", "normal", "en"),
    ("Kerteminde Sejlklub", False, None, "normal", None),
    ("Ærø Feriehuse ApS", False, "booking@aeroeferie.example.dk", "normal", None),
    ("Assens Planteskole ApS", False, "regnskab@assensplanteskole.example.dk", "normal", None),
    ("Mette Kjær", True, "mette.kjaer@example.dk", None, None),
    ("Lars Højgaard", True, "lars.hoejgaard@example.dk", None, None),
    ("Anne-Sofie Bech", True, "asbech@example.dk", None, None),
    ("Jonas Møller", True, "jonas.moller@example.dk", None, None),
    ("Birthe Nørgaard", True, None, None, None),
    ("Peter Dalsgaard", True, "peter.d@example.dk", None, None),
    ("Sara Lund", True, "sara.lund@example.dk", None, "en"),
    ("Henrik Friis", True, "henrik.friis@example.dk", None, None),
    ("Camilla Holm", True, "camilla.holm@example.dk", None, None),
    ("Rasmus Vinther", True, "rvinther@example.dk", None, None),
    ("Karen Skov", True, "karen.skov@example.dk", None, None),
    ("Thomas Krogh", True, "thomas.krogh@example.dk", None, None),
)

# Per contact, in the order above: (street, zip code, city, phone, CVR number). The CVR numbers
# are invented and fail the register's check digit, so none names a real company.
IDENTITIES: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("Lindegade 4", "5000", "Odense C", "+45 62 10 44 01", "31264017"),
    ("Skovparken 1", "5200", "Odense V", "+45 62 10 44 02", "32635936"),
    ("Vestergade 120", "5700", "Svendborg", "+45 62 10 44 03", "34007855"),
    ("Strandvejen 8", "5800", "Nyborg", "+45 62 10 44 04", "35379774"),
    ("Industrivej 17", "5260", "Odense S", "+45 62 10 44 05", "36751693"),
    ("Havnegade 3", "5500", "Middelfart", "+45 62 10 44 06", "38123612"),
    ("Østergade 22", "5600", "Faaborg", "+45 62 10 44 07", "39495531"),
    ("Kanalvej 5", "5000", "Odense C", "+45 62 10 44 08", "40867450"),
    ("Industriparken 4", "6330", "Padborg", "+45 62 10 44 09", "42239369"),
    ("Hindsholmvej 2", "5300", "Kerteminde", "+45 62 10 44 10", "43611288"),
    ("Vestergade 40", "5970", "Ærøskøbing", "+45 62 10 44 11", "44983207"),
    ("Plantagevej 9", "5610", "Assens", "+45 62 10 44 12", "46355126"),
    ("Rosenvænget 14", "5250", "Odense SV", "+45 20 31 50 13", None),
    ("Bøgevej 3", "5220", "Odense SØ", "+45 20 31 50 14", None),
    ("Klostervej 21, 2. tv.", "5000", "Odense C", "+45 20 31 50 15", None),
    ("Søndergade 7", "5500", "Middelfart", "+45 20 31 50 16", None),
    ("Mosevej 11", "5750", "Ringe", "+45 20 31 50 17", None),
    ("Engvej 6", "5672", "Broby", "+45 20 31 50 18", None),
    ("Strandgade 2", "5700", "Svendborg", "+45 20 31 50 19", None),
    ("Kirkestræde 9", "5800", "Nyborg", "+45 20 31 50 20", None),
    ("Lærkevej 15", "5270", "Odense N", "+45 20 31 50 21", None),
    ("Havnevej 30", "5300", "Kerteminde", "+45 20 31 50 22", None),
    ("Skovvej 4", "5683", "Haarby", "+45 20 31 50 23", None),
    ("Vænget 1", "5400", "Bogense", "+45 20 31 50 24", None),
)

# (contact index, days since issue, days overdue (negative: not due yet), total, paid, paid
#  days after due (None: paid on time or unpaid), reminders made in Dinero: days before today)
INVOICES: tuple[tuple[int, int, int, str, str, int | None, tuple[int, ...]], ...] = (
    (0, 30, 16, "18750.00", "0", None, ()),
    (0, 44, 30, "4312.50", "0", None, ()),
    (0, 20, 6, "2125.00", "0", None, ()),
    (1, 40, 10, "62500.00", "0", None, ()),
    (2, 90, 60, "9800.00", "0", None, (40, 26)),
    (2, 60, 30, "1240.00", "0", None, ()),
    (3, 35, 5, "31250.00", "10000.00", None, ()),
    (4, 14, -2, "7400.00", "0", None, ()),
    (4, 16, 0, "3150.00", "0", None, ()),
    (5, 50, 20, "5600.00", "0", None, ()),
    (6, 70, 40, "12900.00", "0", None, ()),
    (7, 95, 65, "8450.00", "0", None, ()),
    (8, 45, 31, "14200.00", "0", None, ()),
    (9, 33, 19, "2780.00", "0", None, ()),
    (10, 100, 70, "22000.00", "0", None, (50, 36, 22)),
    (11, 25, 3, "6375.00", "0", None, ()),
    (11, 60, 45, "875.00", "875.00", 12, ()),
    (12, 22, 14, "3495.00", "0", None, ()),
    (12, 10, -4, "899.00", "0", None, ()),
    (13, 40, 26, "12495.00", "0", None, ()),
    (14, 28, 13, "4599.00", "2000.00", None, ()),
    (15, 19, 5, "2249.00", "0", None, ()),
    (16, 55, 41, "7995.00", "0", None, (20,)),
    (17, 13, -1, "1599.00", "0", None, ()),
    (18, 45, 31, "3299.00", "0", None, ()),
    (19, 36, 22, "5495.00", "0", None, ()),
    (20, 9, 1, "45.00", "0", None, ()),
    (21, 70, 56, "9995.00", "0", None, ()),
    (22, 40, 26, "2695.00", "2695.00", 20, ()),
    (23, 30, 16, "1895.00", "1895.00", None, ()),
    (3, 12, -8, "15800.00", "0", None, ()),
    (1, 25, 11, "4200.00", "0", None, ()),
    (5, 32, 18, "980.00", "0", None, ()),
    (13, 15, 1, "2199.00", "0", None, ()),
    (17, 50, 36, "6599.00", "0", None, ()),
    (19, 80, 52, "3899.00", "3899.00", 30, ()),
    (21, 26, 12, "1299.00", "0", None, ()),
    (9, 60, 46, "1450.00", "0", None, ()),
    (0, 80, 50, "7250.00", "7250.00", 0, ()),
    (14, 75, 45, "990.00", "0", None, ()),
)


def populate(sandbox: DineroSandbox, today: date) -> None:
    """Fill an empty sandbox with the demo company's contacts, invoices and payments."""
    contacts = [
        sandbox.add_contact(
            name,
            person=person,
            email=email,
            company_status=status,
            language=language,
            street=street,
            zip_code=zip_code,
            city=city,
            phone=phone,
            vat_number=cvr,
        )
        for (name, person, email, status, language), (street, zip_code, city, phone, cvr) in zip(
            CONTACTS, IDENTITIES, strict=True
        )
    ]
    number = 2041
    for contact, issued_ago, overdue, total, paid, paid_after, reminders in INVOICES:
        due = today - timedelta(days=overdue)
        issued = today - timedelta(days=issued_ago)
        guid = sandbox.add_invoice(
            contacts[contact], issued=issued, due=due, total=Decimal(total), number=number
        )
        number += 1
        amount = Decimal(paid)
        if amount > 0:
            on = (
                due + timedelta(days=paid_after)
                if paid_after is not None
                else due - timedelta(days=2)
            )
            sandbox.pay(guid, amount, min(on, today))
        for days_ago in sorted(reminders, reverse=True):
            sandbox.add_reminder(guid, today - timedelta(days=days_ago), fee=True)
    # A draft invoice the accountant has not booked yet: never dunned.
    sandbox.add_invoice(
        contacts[0],
        issued=today,
        due=today + timedelta(days=8),
        total=Decimal("990.00"),
        draft=True,
    )
