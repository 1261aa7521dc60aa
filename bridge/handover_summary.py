"""The hand-over case's PDF summary in the tenant's language, numbers and dates per locale.

The case file's JSON and CSV stay machine-readable (ISO dates, amounts with a dot); the summary
is for the agency's people, so it is worded in the tenant's language (the same as the hand-over
letter) and formats amounts, rates and dates with babel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from babel.dates import format_date
from babel.numbers import format_decimal

_LOCALES: Final[dict[str, str]] = {
    "da": "da_DK",
    "en": "en_GB",
    "nb": "nb_NO",
    "sv": "sv_SE",
    "fi": "fi_FI",
}

# Every label of the summary, per language. Keys ending in "_fmt" take str.format arguments.
LABELS: Final[dict[str, dict[str, Any]]] = {
    "en": {
        "title_fmt": "Hand-over to collection: {name} ({case})",
        "debtor": "Debtor",
        "who_fmt": "{name} (customer {id}, {kind})",
        "kinds": {"business": "business", "consumer": "consumer"},
        "org_number": "Registration no.",
        "address": "Address",
        "email": "E-mail",
        "phone": "Phone",
        "creditor": "Creditor",
        "claim_fmt": "Claim ({currency}) as of {day}",
        "amounts_fmt": "Principal {principal}, fees {fees}, compensation {compensation}",
        "interest_fmt": "Interest charged {charged}, accrued since {accrued}",
        "total_fmt": "Total {total}",
        "disputes": "Disputes and promises",
        "disputed_fmt": "Invoice {invoice}: disputed {start} - {end}",
        "open": "open",
        "none": "None recorded",
        "invoices": "Invoices",
        "invoice_columns": ["Invoice", "Due", "Principal", "Fees", "Comp.", "Interest", "Total"],
        "periods": "Interest not yet charged, by period",
        "period_columns": ["Invoice", "From", "To", "Rate %", "Days", "Principal"],
        "letters": "Letters sent",
        "letter_columns": ["Date", "Invoice", "Letter", "Deadline", "Fee", "Status"],
        "statuses": {"issued": "issued", "pending": "pending", "rejected": "rejected"},
        "actions": {
            "pre_due_notice": "notice before the due date",
            "reminder": "reminder",
            "collection_warning": "debt collection warning",
            "handover": "hand-over",
            "interest_invoice": "interest invoice",
            "credit_hold": "credit hold",
            "task": "task",
        },
    },
    "da": {
        "title_fmt": "Overdragelse til inkasso: {name} ({case})",
        "debtor": "Skyldner",
        "who_fmt": "{name} (kunde {id}, {kind})",
        "kinds": {"business": "erhverv", "consumer": "forbruger"},
        "org_number": "CVR-nr.",
        "address": "Adresse",
        "email": "E-mail",
        "phone": "Telefon",
        "creditor": "Kreditor",
        "claim_fmt": "Krav ({currency}) pr. {day}",
        "amounts_fmt": "Hovedstol {principal}, gebyrer {fees}, kompensation {compensation}",
        "interest_fmt": "Renter opkrævet {charged}, påløbet siden {accrued}",
        "total_fmt": "I alt {total}",
        "disputes": "Indsigelser og betalingsaftaler",
        "disputed_fmt": "Faktura {invoice}: bestridt {start} - {end}",
        "open": "åben",
        "none": "Ingen registreret",
        "invoices": "Fakturaer",
        "invoice_columns": [
            "Faktura",
            "Forfald",
            "Hovedstol",
            "Gebyrer",
            "Komp.",
            "Renter",
            "I alt",
        ],
        "periods": "Renter endnu ikke opkrævet, pr. periode",
        "period_columns": ["Faktura", "Fra", "Til", "Sats %", "Dage", "Hovedstol"],
        "letters": "Sendte breve",
        "letter_columns": ["Dato", "Faktura", "Brev", "Frist", "Gebyr", "Status"],
        "statuses": {"issued": "sendt", "pending": "afventer", "rejected": "afvist"},
        "actions": {
            "pre_due_notice": "påmindelse før forfald",
            "reminder": "rykker",
            "collection_warning": "inkassovarsel",
            "handover": "overdragelse",
            "interest_invoice": "rentenota",
            "credit_hold": "kreditstop",
            "task": "opgave",
        },
    },
    "nb": {
        "title_fmt": "Oversendelse til inkasso: {name} ({case})",
        "debtor": "Skyldner",
        "who_fmt": "{name} (kunde {id}, {kind})",
        "kinds": {"business": "næringsdrivende", "consumer": "forbruker"},
        "org_number": "Org.nr.",
        "address": "Adresse",
        "email": "E-post",
        "phone": "Telefon",
        "creditor": "Kreditor",
        "claim_fmt": "Krav ({currency}) per {day}",
        "amounts_fmt": "Hovedstol {principal}, gebyrer {fees}, kompensasjon {compensation}",
        "interest_fmt": "Renter krevd {charged}, påløpt siden {accrued}",
        "total_fmt": "Totalt {total}",
        "disputes": "Innsigelser og betalingsavtaler",
        "disputed_fmt": "Faktura {invoice}: bestridt {start} - {end}",
        "open": "åpen",
        "none": "Ingen registrert",
        "invoices": "Fakturaer",
        "invoice_columns": [
            "Faktura",
            "Forfall",
            "Hovedstol",
            "Gebyrer",
            "Komp.",
            "Renter",
            "Totalt",
        ],
        "periods": "Renter ennå ikke krevd, per periode",
        "period_columns": ["Faktura", "Fra", "Til", "Sats %", "Dager", "Hovedstol"],
        "letters": "Sendte brev",
        "letter_columns": ["Dato", "Faktura", "Brev", "Frist", "Gebyr", "Status"],
        "statuses": {"issued": "sendt", "pending": "venter", "rejected": "avvist"},
        "actions": {
            "pre_due_notice": "påminnelse før forfall",
            "reminder": "purring",
            "collection_warning": "inkassovarsel",
            "handover": "overlevering",
            "interest_invoice": "rentefaktura",
            "credit_hold": "kredittstopp",
            "task": "oppgave",
        },
    },
    "sv": {
        "title_fmt": "Överlämnande till inkasso: {name} ({case})",
        "debtor": "Gäldenär",
        "who_fmt": "{name} (kund {id}, {kind})",
        "kinds": {"business": "näringsidkare", "consumer": "konsument"},
        "org_number": "Org.nr",
        "address": "Adress",
        "email": "E-post",
        "phone": "Telefon",
        "creditor": "Borgenär",
        "claim_fmt": "Fordran ({currency}) per {day}",
        "amounts_fmt": "Kapital {principal}, avgifter {fees}, ersättning {compensation}",
        "interest_fmt": "Ränta debiterad {charged}, upplupen sedan dess {accrued}",
        "total_fmt": "Totalt {total}",
        "disputes": "Bestridanden och betalningslöften",
        "disputed_fmt": "Faktura {invoice}: bestriden {start} - {end}",
        "open": "pågår",
        "none": "Inga registrerade",
        "invoices": "Fakturor",
        "invoice_columns": [
            "Faktura",
            "Förfallodag",
            "Kapital",
            "Avgifter",
            "Ers.",
            "Ränta",
            "Totalt",
        ],
        "periods": "Ränta ännu inte debiterad, per period",
        "period_columns": ["Faktura", "Från", "Till", "Ränta %", "Dagar", "Kapital"],
        "letters": "Skickade brev",
        "letter_columns": ["Datum", "Faktura", "Brev", "Frist", "Avgift", "Status"],
        "statuses": {"issued": "skickat", "pending": "väntar", "rejected": "avvisat"},
        "actions": {
            "pre_due_notice": "påminnelse före förfallodag",
            "reminder": "påminnelse",
            "collection_warning": "inkassokrav",
            "handover": "överlämnande",
            "interest_invoice": "räntefaktura",
            "credit_hold": "kreditstopp",
            "task": "uppgift",
        },
    },
    "fi": {
        "title_fmt": "Siirto perintään: {name} ({case})",
        "debtor": "Velallinen",
        "who_fmt": "{name} (asiakas {id}, {kind})",
        "kinds": {"business": "elinkeinonharjoittaja", "consumer": "kuluttaja"},
        "org_number": "Y-tunnus",
        "address": "Osoite",
        "email": "Sähköposti",
        "phone": "Puhelin",
        "creditor": "Velkoja",
        "claim_fmt": "Saatava ({currency}) {day}",
        "amounts_fmt": "Pääoma {principal}, maksut {fees}, korvaus {compensation}",
        "interest_fmt": "Veloitettu korko {charged}, sen jälkeen kertynyt {accrued}",
        "total_fmt": "Yhteensä {total}",
        "disputes": "Riitautukset ja maksulupaukset",
        "disputed_fmt": "Lasku {invoice}: riitautettu {start} - {end}",
        "open": "avoin",
        "none": "Ei kirjattuja",
        "invoices": "Laskut",
        "invoice_columns": ["Lasku", "Eräpäivä", "Pääoma", "Maksut", "Korv.", "Korko", "Yhteensä"],
        "periods": "Veloittamaton korko jaksoittain",
        "period_columns": ["Lasku", "Alkaen", "Asti", "Korko %", "Päiviä", "Pääoma"],
        "letters": "Lähetetyt kirjeet",
        "letter_columns": ["Päivä", "Lasku", "Kirje", "Määräpäivä", "Maksu", "Tila"],
        "statuses": {"issued": "lähetetty", "pending": "odottaa", "rejected": "hylätty"},
        "actions": {
            "pre_due_notice": "muistutus ennen eräpäivää",
            "reminder": "maksumuistutus",
            "collection_warning": "maksukehotus",
            "handover": "perintään siirto",
            "interest_invoice": "korkolasku",
            "credit_hold": "luottokielto",
            "task": "tehtävä",
        },
    },
}


class Summary:
    """Words and number formats for one language's summary."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LABELS else "en"
        self.locale = _LOCALES[self.lang]
        self.words: dict[str, Any] = LABELS[self.lang]

    def __getitem__(self, key: str) -> Any:
        return self.words[key]

    def amount(self, text: str) -> str:
        """A case-file amount ("10000.00") in the locale's form ("10.000,00")."""
        return format_decimal(Decimal(text), format="#,##0.00", locale=self.locale)

    def rate(self, text: str | None) -> str:
        """A rate in percent in the locale's form (at least two decimals)."""
        if not text:
            return ""
        return format_decimal(Decimal(text), format="#,##0.00##", locale=self.locale)

    def day(self, text: str | None) -> str:
        """An ISO date in the locale's short form."""
        if not text:
            return ""
        return format_date(date.fromisoformat(text), format="short", locale=self.locale)


def sections_and_tables(
    data: Mapping[str, Any], lang: str
) -> tuple[
    str,
    list[tuple[str, Sequence[str]]],
    list[tuple[str, Sequence[str], Sequence[Sequence[str]]]],
]:
    """The summary's title, headed sections and tables, worded in ``lang``."""
    w = Summary(lang)
    debtor = data["debtor"]
    creditor = data["creditor"]
    currency = data["currency"]
    identity = [
        w["who_fmt"].format(
            name=debtor["name"],
            id=debtor["id"],
            kind=w["kinds"].get(debtor["kind"], debtor["kind"]),
        ),
        *(
            f"{w[key]}: {debtor[key]}"
            for key in ("org_number", "address", "email", "phone")
            if debtor.get(key)
        ),
    ]
    creditor_lines = [
        creditor["name"],
        *(
            f"{w[key]}: {creditor[key]}"
            for key in ("org_number", "address", "email", "phone")
            if creditor.get(key)
        ),
    ]
    totals = data["totals"]
    sections: list[tuple[str, Sequence[str]]] = [
        (w["debtor"], identity),
        (w["creditor"], creditor_lines),
        (
            w["claim_fmt"].format(currency=currency, day=w.day(data["prepared_on"])),
            [
                w["amounts_fmt"].format(
                    principal=w.amount(totals["principal"]),
                    fees=w.amount(totals["fees"]),
                    compensation=w.amount(totals["compensation"]),
                ),
                w["interest_fmt"].format(
                    charged=w.amount(totals["interest_charged"]),
                    accrued=w.amount(totals["interest_accrued"]),
                ),
                w["total_fmt"].format(total=w.amount(totals["total"])),
            ],
        ),
        (
            w["disputes"],
            [
                w["disputed_fmt"].format(
                    invoice=x["invoice"],
                    start=w.day(x["from"]),
                    end=w.day(x["to"]) if x["to"] else w["open"],
                )
                for x in data["disputes"]
            ]
            or [w["none"]],
        ),
    ]
    tables: list[tuple[str, Sequence[str], Sequence[Sequence[str]]]] = [
        (
            w["invoices"],
            w["invoice_columns"],
            [
                [
                    r["number"],
                    w.day(r["due_date"]),
                    w.amount(r["principal"]),
                    w.amount(r["fees"]),
                    w.amount(r["compensation"]),
                    w.amount(str(Decimal(r["interest_charged"]) + Decimal(r["interest_accrued"]))),
                    w.amount(r["total"]),
                ]
                for r in data["invoices"]
            ],
        ),
        (
            w["periods"],
            w["period_columns"],
            [
                [
                    r["number"],
                    w.day(p["from"]),
                    w.day(p["to"]),
                    w.rate(p["rate"]),
                    str(p["days"]),
                    w.amount(p["principal"]),
                ]
                for r in data["invoices"]
                for p in r.get("interest_periods", ())
            ],
        ),
        (
            w["letters"],
            w["letter_columns"],
            [
                [
                    w.day(s["date"]),
                    s["invoice"],
                    f"{w['actions'].get(s['action'], s['action'])} {s['step']}",
                    w.day(s["deadline"]),
                    w.amount(s["fee"]),
                    w["statuses"].get(s["status"], s["status"]),
                ]
                for s in data["letters"]
            ],
        ),
    ]
    title = w["title_fmt"].format(name=debtor["name"], case=data["case_id"])
    return title, sections, tables
