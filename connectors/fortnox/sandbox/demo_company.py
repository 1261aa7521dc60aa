"""The Fortnox sandbox's demo company: Nordkontor AB, an office supplier in Uppsala.

About thirty customers, businesses and households, each with a postal address and a phone,
the businesses with an organisation number and most with a salesperson ("Vår referens"), and
invoices in every state a dunning run meets: due soon, a few days late, weeks late, months
late, partly paid, paid late (interest), paid on time, reminded from Fortnox itself, handed to
Fortnox Finans, in euro, cancelled, and an inactive customer. Every date is relative to the day
the demo is seeded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from connectors.fortnox.sandbox.server import FortnoxSandbox

COMPANY = "Nordkontor AB"

# name, type, e-mail, organisation number, city, delivery
_CUSTOMERS: tuple[tuple[str, str, str | None, str, str, str], ...] = (
    (
        "Byggbolaget Fyris AB",
        "COMPANY",
        "ekonomi@fyrisbygg.example.se",
        "556677-1234",
        "Uppsala",
        "EMAIL",
    ),
    (
        "Kaffehuset Svartbäcken AB",
        "COMPANY",
        "faktura@kaffehuset.example.se",
        "556812-4410",
        "Uppsala",
        "EMAIL",
    ),
    (
        "Redovisningsbyrån Lund & Co HB",
        "COMPANY",
        "info@lundco.example.se",
        "969712-3344",
        "Lund",
        "EMAIL",
    ),
    (
        "Tandläkare Ek AB",
        "COMPANY",
        "kansli@tandek.example.se",
        "559001-2211",
        "Enköping",
        "PRINTSERVICE",
    ),
    (
        "Skolmaterial Norr AB",
        "COMPANY",
        "order@skolnorr.example.se",
        "556400-9911",
        "Gävle",
        "EMAIL",
    ),
    ("Anna Lindqvist", "PRIVATE", "anna.lindqvist@example.se", "", "Uppsala", "EMAIL"),
    ("Erik Johansson", "PRIVATE", None, "", "Knivsta", "PRINT"),
    ("Fia Bergström", "PRIVATE", "fia.b@example.se", "", "Sigtuna", "EMAIL"),
    (
        "Bilverkstan Gränby AB",
        "COMPANY",
        "ekonomi@bilgranby.example.se",
        "556999-0101",
        "Uppsala",
        "EMAIL",
    ),
    ("Café Linné HB", "COMPANY", "cafelinne@example.se", "916611-5566", "Uppsala", "EMAIL"),
    ("Gustav Nilsson", "PRIVATE", "gustav.nilsson@example.se", "", "Uppsala", "EMAIL"),
    (
        "Hotell Slottsbacken AB",
        "COMPANY",
        "reception@slottsbacken.example.se",
        "556321-7788",
        "Uppsala",
        "EMAIL",
    ),
    ("Ingrid Holm", "PRIVATE", "ingrid.holm@example.se", "", "Östhammar", "EMAIL"),
    (
        "Juristfirman Vaksala AB",
        "COMPANY",
        "ekonomi@vaksalajurist.example.se",
        "556789-4455",
        "Uppsala",
        "EMAIL",
    ),
    ("Karin Ström", "PRIVATE", None, "", "Tierp", "PRINT"),
    (
        "Lagerhallen i Boländerna AB",
        "COMPANY",
        "faktura@lagerhallen.example.se",
        "556234-6677",
        "Uppsala",
        "PRINTSERVICE",
    ),
    (
        "Malmö Design Studio AB",
        "COMPANY",
        "billing@mdstudio.example.se",
        "559123-8899",
        "Malmö",
        "EMAIL",
    ),
    ("Nils Åberg", "PRIVATE", "nils.aberg@example.se", "", "Uppsala", "EMAIL"),
    ("Oslo Kontorsmøbler AS", "COMPANY", "post@oslokontor.example.no", "", "Oslo", "EMAIL"),
    ("Pernilla Sjöberg", "PRIVATE", "pernilla.sjoberg@example.se", "", "Uppsala", "EMAIL"),
    (
        "Reklambyrån Kungsgatan AB",
        "COMPANY",
        "ekonomi@kungsreklam.example.se",
        "556543-2109",
        "Stockholm",
        "EMAIL",
    ),
    ("Sara Wikström", "PRIVATE", "sara.wikstrom@example.se", "", "Uppsala", "EMAIL"),
    (
        "Tryckeriet i Flogsta AB",
        "COMPANY",
        "info@flogstatryck.example.se",
        "556876-5432",
        "Uppsala",
        "EMAIL",
    ),
    ("Ulf Persson", "PRIVATE", "ulf.persson@example.se", "", "Uppsala", "EMAIL"),
    (
        "Vårdcentralen Luthagen AB",
        "COMPANY",
        "administration@vcluthagen.example.se",
        "556101-2020",
        "Uppsala",
        "EMAIL",
    ),
    (
        "Östra Ågatan Fastigheter AB",
        "COMPANY",
        "hyror@ostraagatan.example.se",
        "556202-3030",
        "Uppsala",
        "EMAIL",
    ),
    ("Berlin Bürobedarf GmbH", "COMPANY", "buchhaltung@bbb.example.de", "", "Berlin", "EMAIL"),
    ("Yvonne Karlsson", "PRIVATE", "yvonne.karlsson@example.se", "", "Uppsala", "EMAIL"),
)
_FOREIGN = {"Oslo Kontorsmøbler AS": ("NO", "SEK"), "Berlin Bürobedarf GmbH": ("DE", "EUR")}
_INACTIVE = {"Ulf Persson"}
# Numbers a Fortnox user would type in the organisation number field for a foreign company.
_FOREIGN_ORG = {"Oslo Kontorsmøbler AS": "987654321", "Berlin Bürobedarf GmbH": "HRB 98765 B"}
# Street and postcode by customer (the city is in _CUSTOMERS).
_STREETS: dict[str, tuple[str, str]] = {
    "Byggbolaget Fyris AB": ("Fyrisvallsgatan 4", "752 28"),
    "Kaffehuset Svartbäcken AB": ("Svartbäcksgatan 31", "753 33"),
    "Redovisningsbyrån Lund & Co HB": ("Stora Södergatan 8", "222 23"),
    "Tandläkare Ek AB": ("Kungsgatan 12", "745 31"),
    "Skolmaterial Norr AB": ("Norra Kungsgatan 5", "803 20"),
    "Anna Lindqvist": ("Sysslomansgatan 14 B", "753 11"),
    "Erik Johansson": ("Centralvägen 3", "741 30"),
    "Fia Bergström": ("Stora gatan 22", "193 30"),
    "Bilverkstan Gränby AB": ("Gränbystråket 9", "754 50"),
    "Café Linné HB": ("Linnégatan 2", "753 32"),
    "Gustav Nilsson": ("Kvarngärdesgatan 20", "754 20"),
    "Hotell Slottsbacken AB": ("Slottsbacken 1", "752 37"),
    "Ingrid Holm": ("Sjötullsgatan 6", "742 31"),
    "Juristfirman Vaksala AB": ("Vaksalagatan 15", "753 20"),
    "Karin Ström": ("Centralgatan 18", "815 38"),
    "Lagerhallen i Boländerna AB": ("Fyrislundsgatan 60", "754 50"),
    "Malmö Design Studio AB": ("Davidshallsgatan 11", "211 45"),
    "Nils Åberg": ("Luthagsesplanaden 30", "752 25"),
    "Oslo Kontorsmøbler AS": ("Karl Johans gate 22", "0159"),
    "Pernilla Sjöberg": ("Dag Hammarskjölds väg 40", "752 37"),
    "Reklambyrån Kungsgatan AB": ("Kungsgatan 44", "111 35"),
    "Sara Wikström": ("Geijersgatan 9", "752 26"),
    "Tryckeriet i Flogsta AB": ("Flogstavägen 41", "752 72"),
    "Ulf Persson": ("Eriksbergsvägen 3", "752 39"),
    "Vårdcentralen Luthagen AB": ("Börjegatan 12", "752 29"),
    "Östra Ågatan Fastigheter AB": ("Östra Ågatan 19", "753 22"),
    "Berlin Bürobedarf GmbH": ("Friedrichstraße 120", "10117"),
    "Yvonne Karlsson": ("Gamla Uppsalagatan 50", "754 25"),
}
# Nordkontor's salespeople with their e-mail. Fortnox keeps only the name (the customer's "Vår
# referens"), so this is what a tenant tells the bridge to reach them; Lena Sund has no address
# on file, so her customers' tasks go to the tenant's task recipient.
SALESPEOPLE: dict[str, str] = {
    "Maria Holmgren": "maria.holmgren@nordkontor.example.se",
    "Johan Berg": "johan.berg@nordkontor.example.se",
}
_ACCOUNT_OWNER = {
    "Byggbolaget Fyris AB": "Maria Holmgren",
    "Skolmaterial Norr AB": "Maria Holmgren",
    "Bilverkstan Gränby AB": "Johan Berg",
    "Hotell Slottsbacken AB": "Johan Berg",
    "Lagerhallen i Boländerna AB": "Lena Sund",
    "Oslo Kontorsmøbler AS": "Johan Berg",
    "Reklambyrån Kungsgatan AB": "Maria Holmgren",
    "Östra Ågatan Fastigheter AB": "Lena Sund",
    "Berlin Bürobedarf GmbH": "Johan Berg",
}


def _phone(index: int) -> str:
    # From 070-174 06 05 to 070-174 06 99: numbers the Swedish telecom regulator (PTS) keeps
    # for fiction, so no demo customer's number rings anyone.
    return f"070-174 06 {5 + index:02d}"


# customer index, amount, issued days ago, days of credit, then what happened:
# ("pay", days ago, amount) | ("remind", days ago) | ("finans",) | ("cancel",)
_INVOICES: tuple[tuple[int, str, int, int, tuple[tuple[object, ...], ...]], ...] = (
    (0, "48750.00", 20, 30, ()),  # due in ten days
    (1, "3125.00", 27, 30, ()),  # due in three days: a friendly notice
    (2, "12500.00", 33, 30, ()),  # three days late
    (3, "8990.00", 40, 30, ()),  # ten days late
    (4, "21450.00", 52, 30, ()),  # three weeks late
    (5, "1890.00", 45, 30, ()),  # consumer, two weeks late
    (6, "4375.00", 62, 30, ()),  # consumer, a month late, letters by post
    (7, "649.00", 75, 30, ()),  # consumer, six weeks late
    (8, "36800.00", 95, 30, ()),  # two months late
    (9, "2480.00", 120, 30, ()),  # three months late
    (10, "15600.00", 60, 30, (("pay", 10, "5600.00"),)),  # consumer, partly paid
    (11, "27500.00", 70, 30, (("pay", 20, "20000.00"),)),  # partly paid
    (12, "5200.00", 90, 30, (("pay", 5, "5200.00"),)),  # consumer, paid 55 days late
    (13, "41200.00", 100, 30, (("pay", 12, "41200.00"),)),  # paid 58 days late: interest
    (14, "980.00", 40, 30, (("pay", 15, "980.00"),)),  # paid on time
    (15, "18400.00", 65, 30, (("remind", 20),)),  # reminded from Fortnox already
    (16, "9600.00", 80, 30, (("remind", 35), ("remind", 18))),  # reminded twice in Fortnox
    (17, "2150.00", 85, 30, (("finans",),)),  # handed to Fortnox Finans: left alone
    (18, "31000.00", 55, 30, ()),  # Norwegian business, SEK
    (19, "1290.00", 50, 20, ()),  # consumer, 30 days late
    (20, "56000.00", 130, 30, ()),  # four months late: collection territory
    (21, "799.00", 38, 30, ()),  # consumer, small, eight days late
    (22, "13750.00", 47, 30, ()),  # business, 17 days late
    (23, "3400.00", 70, 30, ()),  # inactive customer: never dunned
    (24, "22900.00", 35, 30, (("cancel",),)),  # cancelled: no claim
    (25, "67500.00", 44, 30, ()),  # business, two weeks late
    (26, "4200.00", 58, 30, ()),  # German business, in euro
    (27, "2650.00", 66, 30, ()),  # consumer, five weeks late
    (0, "17300.00", 50, 30, ()),  # a second late invoice of the first customer
    (4, "8800.00", 80, 30, ()),  # a second, older one of another
    (8, "11100.00", 18, 30, ()),  # not due yet
    (20, "9900.00", 100, 30, (("pay", 40, "4900.00"),)),  # partly paid, long overdue
)


def populate(sandbox: FortnoxSandbox, today: date) -> None:
    """Seed the sandbox with Nordkontor AB's customers and invoices."""
    numbers: list[str] = []
    for index, (name, kind, email, org, city, delivery) in enumerate(_CUSTOMERS):
        country, currency = _FOREIGN.get(name, ("SE", "SEK"))
        street, postcode = _STREETS[name]
        numbers.append(
            sandbox.add_customer(
                name,
                kind=kind,
                email=email,
                organisation_number=org or _FOREIGN_ORG.get(name, ""),
                country_code=country,
                currency=currency,
                address=street,
                zip_code=postcode,
                city=city,
                phone=_phone(index),
                our_reference=_ACCOUNT_OWNER.get(name, ""),
                delivery=delivery,
                active=name not in _INACTIVE,
            )
        )
    for index, amount, issued_ago, credit, events in _INVOICES:
        issued = today - timedelta(days=issued_ago)
        customer = numbers[index]
        currency = _FOREIGN.get(_CUSTOMERS[index][0], ("SE", "SEK"))[1]
        cancelled = any(event[0] == "cancel" for event in events)
        number = sandbox.add_invoice(
            customer,
            Decimal(amount),
            issued=issued,
            due=issued + timedelta(days=credit),
            currency=currency,
            booked=not cancelled,
        )
        for event in events:
            kind_ = event[0]
            if kind_ == "pay":
                paid_on = today - timedelta(days=int(str(event[1])))
                sandbox.pay(number, Decimal(str(event[2])), paid_on)
            elif kind_ == "remind":
                sandbox.remind(number, today - timedelta(days=int(str(event[1]))))
            elif kind_ == "finans":
                sandbox.hand_to_finans(number)
            elif kind_ == "cancel":
                sandbox.reject_draft(number)  # a draft thrown away in the UI
