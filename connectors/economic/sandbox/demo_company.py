"""The demo company: Kontorhjørnet ApS, a Danish office-supply webshop, and its debtors.

Invented data, deterministic for a given ``today``: 30 customers (businesses with CVR,
consumers without, a municipal school with EAN, a barred customer, a German customer billed in
EUR), every one with a postal address and a phone (consumers a mobile), the businesses looked
after by a salesperson (one of them has left: a barred employee), and 60 invoices dated
relative to ``today`` so that every dunning situation is present:
not yet due, due in 2-4 days, due today, 1-5, 12-20, 25-35 and 45-70 days overdue, several
invoices of one customer overdue by the same number of days, partly paid, paid on time, paid
late, tiny amounts, and reminders already sent from e-conomic's own UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from connectors.economic.sandbox.catalog import BUSINESS_GROUP, PAYMENT_TERMS, PRIVATE_GROUP
from connectors.economic.sandbox.links import link

if TYPE_CHECKING:
    from connectors.economic.sandbox.server import EconomicSandbox

COMPANY = "Kontorhjørnet ApS"
COMPANY_CVR = "38256173"
AGREEMENT_NUMBER = 7341290

# What GET /self answers: the agreement, its company and the app the bridge connects as.
AGREEMENT: dict[str, Any] = {
    "agreementNumber": AGREEMENT_NUMBER,
    "agreementType": {"agreementTypeNumber": 1, "name": "denmark"},
    "userName": "MJE",
    "signupDate": "2019-03-11",
    "user": {
        "loginId": "MJE",
        "email": "bogholderi@example.dk",
        "name": "Maja Jessen",
        "language": {
            "languageNumber": 1,
            "name": "Danish",
            "culture": "da-DK",
            "self": link("languages", 1),
        },
        "agreementNumber": AGREEMENT_NUMBER,
    },
    "company": {
        "addressLine1": "Vestergade 12",
        "zip": "8000",
        "city": "Aarhus C",
        "name": COMPANY,
        "country": "Danmark",
        "phoneNumber": "+4586120450",
        "website": "www.example.dk",
        "email": "bogholderi@example.dk",
        "companyIdentificationNumber": COMPANY_CVR,
        "vatNumber": f"DK{COMPANY_CVR}",
    },
    "bankInformation": {
        "bankName": "Aarhus Sparekasse",
        "bankSortCode": "9570",
        "bankAccountNumber": "0012345678",
        "pbsCustomerGroupNumber": "00001",
    },
    "application": {
        "appNumber": 48213,
        "name": "dunning-bridge",
        "appPublicToken": "sandbox-app-public-token",
        "created": "2026-01-05",
        "requiredRoles": [{"roleNumber": 2, "name": "SuperUser"}],
        "self": link("apps", 48213),
    },
    "settings": {"baseCurrency": "DKK"},
    "companyAffiliation": "e-conomic",
    "canSendElectronicInvoice": True,
    "modules": [],
    "self": link("self"),
}

TERMS_8, TERMS_14, TERMS_30 = 1, 2, 3
DOMESTIC, EU = 1, 2

# The company's employees: (number, name, e-mail, phone, barred). Two sell; one has left.
BOOKKEEPER, SELLER_EAST, SELLER_WEST, FORMER_SELLER = 1, 2, 3, 4
_EMPLOYEES = (
    (BOOKKEEPER, "Maja Jessen", "maja.jessen@example.dk", "+4586120450", False),
    (SELLER_EAST, "Rasmus Holt", "rasmus.holt@example.dk", "+4586120452", False),
    (SELLER_WEST, "Sara Lindberg", "sara.lindberg@example.dk", "+4586120453", False),
    (FORMER_SELLER, "Thomas Krog", "thomas.krog@example.dk", None, True),
)


@dataclass(frozen=True, slots=True)
class _Debtor:
    number: int
    name: str
    address: str
    zip_code: str
    city: str
    cvr: str | None = None
    terms: int = TERMS_14
    phone: str | None = None
    email: str | None = None


_BUSINESSES = (
    _Debtor(1, "Bogholderiet Nørrebro ApS", "Nørrebrogade 112", "2200", "København N", "34187525"),
    _Debtor(
        2, "Tømrerfirmaet Lund & Søn ApS", "Industrivej 7", "7400", "Herning", "29573158", TERMS_30
    ),
    _Debtor(3, "Aarhus Tegnestue A/S", "Mejlgade 41", "8000", "Aarhus C", "31628490", TERMS_30),
    _Debtor(4, "Café Kaffekilden ApS", "Vestergade 3", "5000", "Odense C", "40715363", TERMS_8),
    _Debtor(5, "Vestjysk Revision ApS", "Torvet 9", "6700", "Esbjerg", "26490839"),
    _Debtor(6, "Grafisk Hus Fyn A/S", "Østre Stationsvej 20", "5000", "Odense C", "39372053"),
    _Debtor(7, "Fysioklinikken Vejle ApS", "Dæmningen 14", "7100", "Vejle", "41503688"),
    _Debtor(8, "Blomsterværkstedet ApS", "Algade 22", "4000", "Roskilde", "35087214", TERMS_8),
    _Debtor(
        9, "Nordlys Advokater A/S", "Kongens Nytorv 5", "1050", "København K", "28741596", TERMS_30
    ),
    _Debtor(
        10,
        "Tandklinikken Frederiksberg ApS",
        "Gammel Kongevej 150",
        "1850",
        "Frederiksberg C",
        "36914025",
    ),
    _Debtor(11, "Malerfirmaet Holm ApS", "Håndværkervej 4", "9000", "Aalborg", "42137618"),
    _Debtor(12, "Svendborg Marineservice ApS", "Havnepladsen 2", "5700", "Svendborg", "33469268"),
    _Debtor(
        13, "Dansk Kursuscenter A/S", "Papirfabrikken 10", "8600", "Silkeborg", "27850138", TERMS_30
    ),
    _Debtor(14, "Roskilde Autoværksted ApS", "Københavnsvej 80", "4000", "Roskilde", "30591860"),
    _Debtor(15, "Elinstallatør Bech ApS", "Storegade 18", "6100", "Haderslev", "44328712"),
    _Debtor(16, "Herning Rengøringsservice ApS", "Fredhøjvej 33", "7400", "Herning", "37702498"),
)
BARRED_CUSTOMER = 16
PUBLIC_CUSTOMER = _Debtor(
    17, "Favrskov Kommune, Hadsten Skole", "Østergade 20", "8370", "Hadsten", "29186308", TERMS_30
)
PUBLIC_EAN = "5798000284616"
EUR_CUSTOMER = _Debtor(
    18, "Flensburger Bürobedarf GmbH", "Holm 15", "24937", "Flensburg", "HRB 4711 FL", TERMS_30
)
EUR_VAT_NUMBER = "DE813245690"
_CONSUMERS = (
    _Debtor(19, "Mette Kjær Hansen", "Solsikkevej 12", "8210", "Aarhus V", terms=TERMS_8),
    _Debtor(20, "Lars Østergaard", "Bakkedraget 4", "3400", "Hillerød", terms=TERMS_8),
    _Debtor(21, "Sofie Andersen", "Rosenvænget 7", "5250", "Odense SV", terms=TERMS_8),
    _Debtor(22, "Jens Peter Mortensen", "Kirkegade 19", "6200", "Aabenraa", terms=TERMS_8),
    _Debtor(23, "Anne-Marie Bruun", "Strandvejen 233", "2900", "Hellerup", terms=TERMS_8),
    _Debtor(24, "Kasper Nielsen", "Lindevej 2", "9800", "Hjørring", terms=TERMS_8),
    _Debtor(25, "Line Frederiksen", "Åboulevarden 60", "8000", "Aarhus C", terms=TERMS_8),
    _Debtor(26, "Henrik Dahl", "Skovbrynet 15", "2800", "Kongens Lyngby", terms=TERMS_8),
    _Debtor(27, "Camilla Juhl", "Vesterbrogade 98", "1620", "København V", terms=TERMS_8),
    _Debtor(28, "Ole Søndergaard", "Møllevej 3", "7500", "Holstebro", terms=TERMS_8),
    _Debtor(29, "Birgitte Vind", "Tværgade 11", "4700", "Næstved", terms=TERMS_8),
    _Debtor(30, "Mads Thygesen", "Parkvej 21", "8700", "Horsens", terms=TERMS_8),
)


@dataclass(frozen=True, slots=True)
class _Sale:
    """One invoice: due ``due`` days from today (negative = overdue), and its payments."""

    customer: int
    due: int
    amount: str
    # (days after the due date, amount); "all" pays the rest.
    payments: tuple[tuple[int, str], ...] = ()


_SALES = (
    # Not yet due.
    _Sale(1, 12, "4812.50"),
    _Sale(2, 25, "18437.50"),
    _Sale(3, 11, "4062.50"),
    _Sale(6, 9, "7243.75"),
    _Sale(9, 20, "12500.00"),
    _Sale(13, 14, "23118.75"),
    _Sale(17, 18, "9375.00"),
    _Sale(18, 15, "1840.00"),
    _Sale(19, 6, "1246.25"),
    _Sale(24, 10, "1495.00"),
    _Sale(26, 7, "899.00"),
    _Sale(29, 21, "3375.00"),
    # Due today, and due in 2-4 days (a friendly notice before the due date).
    _Sale(7, 0, "3150.00"),
    _Sale(10, 2, "2493.75"),
    _Sale(21, 3, "1873.75"),
    _Sale(11, 4, "6962.50"),
    _Sale(28, 3, "449.00"),
    # 1-5 days overdue.
    _Sale(4, -1, "1312.50"),
    _Sale(12, -3, "8750.00"),
    _Sale(20, -2, "2187.50"),
    _Sale(27, -5, "3493.75"),
    _Sale(8, -4, "612.50"),
    # 12-20 days overdue; customer 3 has three invoices overdue by the same 15 days.
    _Sale(3, -15, "5625.00"),
    _Sale(3, -15, "11875.00"),
    _Sale(3, -15, "2343.75"),
    _Sale(14, -12, "4368.75"),
    _Sale(22, -18, "1749.00"),
    _Sale(6, -20, "3937.50"),
    _Sale(29, -16, "2650.00"),
    # 25-35 days overdue (one in EUR).
    _Sale(1, -28, "6250.00"),
    _Sale(15, -31, "14562.50"),
    _Sale(23, -25, "3118.75"),
    _Sale(24, -35, "987.50"),
    _Sale(18, -30, "2460.00"),
    # 45-70 days overdue: ripe for a collection warning or hand-over (one barred, one EAN).
    _Sale(2, -47, "32187.50"),
    _Sale(5, -52, "9843.75"),
    _Sale(11, -61, "4125.00"),
    _Sale(25, -70, "2875.00"),
    _Sale(30, -45, "5312.50"),
    _Sale(17, -49, "17500.00"),
    _Sale(16, -58, "7812.50"),
    # Partly paid.
    _Sale(13, -22, "46875.00", ((5, "20000.00"),)),
    _Sale(9, -38, "15000.00", ((10, "5000.00"),)),
    _Sale(26, -9, "2250.00", ((2, "1000.00"),)),
    # Tiny amounts (under DKK 50).
    _Sale(20, -14, "37.50"),
    _Sale(4, -26, "18.75"),
    # Paid in full on time.
    _Sale(1, -40, "3875.00", ((-2, "all"),)),
    _Sale(3, -60, "8125.00", ((-1, "all"),)),
    _Sale(7, -20, "1562.50", ((0, "all"),)),
    _Sale(10, -33, "4250.00", ((-5, "all"),)),
    _Sale(12, -50, "12937.50", ((-3, "all"),)),
    _Sale(19, -12, "749.00", ((-1, "all"),)),
    _Sale(21, -27, "1125.00", ((0, "all"),)),
    _Sale(6, -75, "5500.00", ((-2, "all"),)),
    _Sale(22, -55, "2312.50", ((-3, "all"),)),
    # Paid in full, late (interest is owed for the days late).
    _Sale(2, -45, "24375.00", ((30, "all"),)),
    _Sale(15, -40, "8937.50", ((35, "all"),)),
    _Sale(23, -60, "4687.50", ((50, "all"),)),
    _Sale(8, -30, "2125.00", ((28, "all"),)),
    _Sale(27, -36, "1999.00", ((21, "all"),)),
)

# Reminders sent from e-conomic's UI on customer 5's invoice: (days after due, level).
UI_REMINDER_CUSTOMER = 5
_UI_REMINDERS = ((8, 1), (22, 2))

_GOODS = (
    "kopipapir og kuverter",
    "toner og blækpatroner",
    "kontorstole",
    "hæve-sænkebord",
    "kuglepenne, mapper og ringbind",
    "kaffe, te og kantineartikler",
    "skrivebordslamper",
    "arkivskabe og reoler",
)


def _email(debtor: _Debtor) -> str:
    local = debtor.name.split(",")[0].lower()
    for old, new in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ü", "ue"), ("&", "og")):
        local = local.replace(old, new)
    words = [w for w in local.replace("/", " ").replace("-", " ").split() if w.isalnum()]
    words = [w for w in words if w not in ("aps", "a", "s", "gmbh")]
    return f"{'.'.join(words[:2])}@example.dk"


def _updated(today: date, number: int) -> datetime:
    return datetime.combine(today - timedelta(days=10 + 3 * number), time(8, 15), tzinfo=UTC)


def _salesperson(number: int) -> int:
    """Who looks after a business: east of the Great Belt one seller, west the other."""
    if number == BARRED_CUSTOMER:
        return FORMER_SELLER
    return SELLER_EAST if number in (1, 2, 8, 9, 10, 14, 18) else SELLER_WEST


def _customers(sandbox: EconomicSandbox, today: date) -> None:
    for number, name, email, phone, barred in _EMPLOYEES:
        sandbox.add_employee(name, number=number, email=email, phone=phone, barred=barred)
    for index, debtor in enumerate(_BUSINESSES):
        sandbox.add_customer(
            debtor.name,
            number=debtor.number,
            payment_terms=debtor.terms,
            group=BUSINESS_GROUP,
            email=f"bogholderi.{_email(debtor)}",
            cvr=debtor.cvr,
            address=debtor.address,
            zip_code=debtor.zip_code,
            city=debtor.city,
            phone=f"{70 + index % 20:02d} {11 + index:02d} {40 + index:02d} {10 + 3 * index:02d}",
            salesperson=_salesperson(debtor.number),
            barred=debtor.number == BARRED_CUSTOMER,
            last_updated=_updated(today, debtor.number),
        )
    public = PUBLIC_CUSTOMER
    sandbox.add_customer(
        public.name,
        number=public.number,
        payment_terms=public.terms,
        email="hadsten.skole@example.dk",
        cvr=public.cvr,
        ean=PUBLIC_EAN,
        address=public.address,
        zip_code=public.zip_code,
        city=public.city,
        phone="89 64 52 00",
        salesperson=_salesperson(public.number),
        last_updated=_updated(today, public.number),
    )
    foreign = EUR_CUSTOMER
    sandbox.add_customer(
        foreign.name,
        number=foreign.number,
        currency="EUR",
        payment_terms=foreign.terms,
        vat_zone=EU,
        email="buchhaltung@example.de",
        cvr=foreign.cvr,
        vat_number=EUR_VAT_NUMBER,
        address=foreign.address,
        zip_code=foreign.zip_code,
        city=foreign.city,
        country="Tyskland",
        phone="+49 461 318290",
        salesperson=_salesperson(foreign.number),
        layout=21,
        last_updated=_updated(today, foreign.number),
    )
    for index, debtor in enumerate(_CONSUMERS):
        sandbox.add_customer(
            debtor.name,
            number=debtor.number,
            payment_terms=debtor.terms,
            group=PRIVATE_GROUP,
            email=_email(debtor),
            address=debtor.address,
            zip_code=debtor.zip_code,
            city=debtor.city,
            mobile=f"{20 + index % 12} {31 + index} {52 + index} {17 + 2 * index}",
            last_updated=_updated(today, debtor.number),
        )


def _contacts(sandbox: EconomicSandbox) -> None:
    for debtor in _BUSINESSES:
        if debtor.number == 9:
            continue
        sandbox.add_contact(debtor.number, "Bogholderiet", f"bogholderi.{_email(debtor)}")
    # The law firm splits invoices and reminders between two people.
    sandbox.add_contact(9, "Karen Lund", "karen.lund@example.dk", invoices=False)
    sandbox.add_contact(9, "Peter Vang", "peter.vang@example.dk", reminders=False)
    sandbox.add_contact(
        PUBLIC_CUSTOMER.number, "Hanne Mørk, skolesekretær", "hadsten.skole@example.dk"
    )


def _credit_days(number: int) -> int:
    debtor = next(
        d for d in (*_BUSINESSES, PUBLIC_CUSTOMER, EUR_CUSTOMER, *_CONSUMERS) if d.number == number
    )
    days: int = PAYMENT_TERMS[debtor.terms]["daysOfCredit"]
    return days


def populate(sandbox: EconomicSandbox, today: date) -> None:
    """Fill an empty sandbox with the demo company's customers, invoices and payments."""
    _customers(sandbox, today)
    _contacts(sandbox)
    # Apply everything in date order, so invoice and ledger numbers rise with time.
    events: list[tuple[date, int, int, Any]] = []
    for index, sale in enumerate(_SALES):
        due = today + timedelta(days=sale.due)
        issued = due - timedelta(days=_credit_days(sale.customer))
        events.append((issued, 0, index, None))
        for offset, amount in sale.payments:
            events.append((due + timedelta(days=offset), 1, index, amount))
        if sale.customer == UI_REMINDER_CUSTOMER:
            for offset, level in _UI_REMINDERS:
                events.append((due + timedelta(days=offset), 2, index, level))
    numbers: dict[int, int] = {}
    for day, kind, index, extra in sorted(events, key=lambda e: (e[0], e[1], e[2])):
        sale = _SALES[index]
        if kind == 0:
            numbers[index] = _invoice(sandbox, sale, index, day, today)
        elif kind == 1:
            total = Decimal(sale.amount)
            paid = sum((Decimal(a) for _, a in sale.payments if a != "all"), Decimal(0))
            paying = total - paid if extra == "all" else Decimal(extra)
            sandbox.pay(numbers[index], paying, day)
        else:
            sandbox.add_reminder(numbers[index], day, Decimal("100.00"), level=extra)


def _invoice(sandbox: EconomicSandbox, sale: _Sale, index: int, issued: date, today: date) -> int:
    order = 48000 + 37 * index
    currency = "EUR" if sale.customer == EUR_CUSTOMER.number else "DKK"
    return sandbox.add_invoice(
        sale.customer,
        issued,
        today + timedelta(days=sale.due),
        Decimal(sale.amount),
        currency,
        description=f"Ordre {order}: {_GOODS[index % len(_GOODS)]}",
        reference=f"Ordre {order}",
    )
