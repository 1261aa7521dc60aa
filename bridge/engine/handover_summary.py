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
        "interest_fmt": "Interest charged {charged}, accrued {accrued} since {since}",
        "total_fmt": "Total {total}",
        "disputes": "Disputes and promises",
        "disputed_fmt": "Invoice {invoice}: disputed {start} - {end}",
        "open": "open",
        "none": "None recorded",
        "invoices": "Invoices",
        "invoice_columns": [
            "Invoice",
            "Due",
            "Principal",
            "Fees",
            "Comp.",
            "Interest",
            "Interest from",
            "Total",
        ],
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
        "reminder_first": "payment reminder",
        "reminder_fmt": "reminder no. {n}",
        "by_fmt": "{name}, sent by {source}",
        "warnings": {
            "DK": "inkassovarsel (debt collection warning)",
            "NO": "inkassovarsel (debt collection notice)",
            "NO2": "betalingsoppfordring (demand for payment)",
            "SE": "inkassokrav (demand for payment)",
            "FI": "maksukehotus (payment demand)",
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
        "interest_fmt": "Renter opkrævet {charged}, påløbet {accrued} siden {since}",
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
            "Renter fra",
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
        "reminder_first": "venlig påmindelse",
        "reminder_fmt": "rykker nr. {n}",
        "by_fmt": "{name}, sendt af {source}",
        "warnings": {
            "DK": "inkassovarsel",
            "NO": "inkassovarsel",
            "NO2": "betalingsoppfordring",
            "SE": "inkassokrav",
            "FI": "maksukehotus (betalingsopfordring)",
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
        "interest_fmt": "Renter krevd {charged}, påløpt {accrued} siden {since}",
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
            "Renter fra",
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
        "reminder_first": "vennlig påminnelse",
        "reminder_fmt": "purring nr. {n}",
        "by_fmt": "{name}, sendt av {source}",
        "warnings": {
            "DK": "inkassovarsel (dansk påkrav)",
            "NO": "inkassovarsel",
            "NO2": "betalingsoppfordring",
            "SE": "inkassokrav",
            "FI": "maksukehotus (betalingsoppfordring)",
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
        "interest_fmt": "Ränta debiterad {charged}, upplupen {accrued} sedan {since}",
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
            "Ränta från",
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
        "reminder_first": "vänlig påminnelse",
        "reminder_fmt": "påminnelse nr {n}",
        "by_fmt": "{name}, skickad av {source}",
        "warnings": {
            "DK": "inkassovarning (inkassovarsel)",
            "NO": "inkassovarsel",
            "NO2": "betalningsuppmaning (betalingsoppfordring)",
            "SE": "inkassokrav",
            "FI": "betalningsuppmaning (maksukehotus)",
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
        "interest_fmt": "Korkoa veloitettu {charged}, kertynyt {accrued} alkaen {since}",
        "total_fmt": "Yhteensä {total}",
        "disputes": "Riitautukset ja maksulupaukset",
        "disputed_fmt": "Lasku {invoice}: riitautettu {start} - {end}",
        "open": "avoin",
        "none": "Ei kirjattuja",
        "invoices": "Laskut",
        "invoice_columns": [
            "Lasku",
            "Eräpäivä",
            "Pääoma",
            "Maksut",
            "Korv.",
            "Korko",
            "Korko alkaen",
            "Yhteensä",
        ],
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
        "reminder_first": "ystävällinen muistutus",
        "reminder_fmt": "maksumuistutus nro {n}",
        "by_fmt": "{name}, lähettäjä {source}",
        "warnings": {
            "DK": "perintävaroitus (inkassovarsel)",
            "NO": "perintävaroitus (inkassovarsel)",
            "NO2": "maksuvaatimus (betalingsoppfordring)",
            "SE": "perintävaatimus (inkassokrav)",
            "FI": "maksukehotus",
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
    # The accrued interest runs from the earliest first day of any invoice's accrual.
    froms = [r["interest_accrued_from"] for r in data["invoices"] if r.get("interest_accrued_from")]
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
                    since=w.day(min(froms)) if froms else "-",
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
                    w.day(r.get("interest_accrued_from")),
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
                    s.get("name") or f"{w['actions'].get(s['action'], s['action'])} {s['step']}",
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


# -- the letters by the names the debtor read, and the CSVs in the tenant's language ------------


def letter_name(
    w: Summary,
    *,
    action: str,
    step: int,
    country: str,
    follows_warning: bool = False,
    source: str = "bridge",
) -> str:
    """A letter by the name its debtor read: "rykker nr. 2", "betalingsoppfordring".

    Reminders carry the ladder step as their title does ("Rykker nr. 2"; the first is the
    friendly reminder); a collection warning is named by its statute (Norway's second warning is
    the betalingsoppfordring), never "inkassovarsel 3". A step the accounting system sent
    itself says so.
    """
    if action == "reminder":
        name = str(w["reminder_first"] if step == 1 else w["reminder_fmt"].format(n=step))
    elif action == "collection_warning":
        key = "NO2" if country.upper() == "NO" and follows_warning else country.upper()
        name = str(w["warnings"].get(key, w["actions"]["collection_warning"]))
    else:
        name = str(w["actions"].get(action, action))
    return name if source == "bridge" else str(w["by_fmt"].format(name=name, source=source))


# Column headings of invoices.csv and letters.csv per language (the JSON keeps the field names).
CSV_HEADINGS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "number": "Invoice",
        "issue_date": "Issued",
        "due_date": "Due",
        "amount": "Amount",
        "principal": "Principal",
        "fees": "Fees",
        "compensation": "Compensation",
        "interest_charged": "Interest charged",
        "interest_accrued": "Interest accrued",
        "interest_accrued_from": "Interest accrued from",
        "interest_accrued_to": "Interest accrued to",
        "interest_rate": "Interest rate %",
        "total": "Total",
        "invoice": "Invoice",
        "name": "Letter",
        "step": "Step",
        "date": "Date",
        "deadline": "Deadline",
        "fee": "Fee",
        "interest": "Interest",
        "status": "Status",
        "document": "Document",
    },
    "da": {
        "number": "Faktura",
        "issue_date": "Udstedt",
        "due_date": "Forfald",
        "amount": "Beløb",
        "principal": "Hovedstol",
        "fees": "Gebyrer",
        "compensation": "Kompensation",
        "interest_charged": "Renter opkrævet",
        "interest_accrued": "Renter påløbet",
        "interest_accrued_from": "Renter påløbet fra",
        "interest_accrued_to": "Renter påløbet til",
        "interest_rate": "Rentesats %",
        "total": "I alt",
        "invoice": "Faktura",
        "name": "Brev",
        "step": "Trin",
        "date": "Dato",
        "deadline": "Frist",
        "fee": "Gebyr",
        "interest": "Renter",
        "status": "Status",
        "document": "Dokument",
    },
    "nb": {
        "number": "Faktura",
        "issue_date": "Utstedt",
        "due_date": "Forfall",
        "amount": "Beløp",
        "principal": "Hovedstol",
        "fees": "Gebyrer",
        "compensation": "Kompensasjon",
        "interest_charged": "Renter krevd",
        "interest_accrued": "Renter påløpt",
        "interest_accrued_from": "Renter påløpt fra",
        "interest_accrued_to": "Renter påløpt til",
        "interest_rate": "Rentesats %",
        "total": "Totalt",
        "invoice": "Faktura",
        "name": "Brev",
        "step": "Trinn",
        "date": "Dato",
        "deadline": "Frist",
        "fee": "Gebyr",
        "interest": "Renter",
        "status": "Status",
        "document": "Dokument",
    },
    "sv": {
        "number": "Faktura",
        "issue_date": "Utfärdad",
        "due_date": "Förfallodag",
        "amount": "Belopp",
        "principal": "Kapital",
        "fees": "Avgifter",
        "compensation": "Förseningsersättning",
        "interest_charged": "Ränta debiterad",
        "interest_accrued": "Ränta upplupen",
        "interest_accrued_from": "Ränta upplupen från",
        "interest_accrued_to": "Ränta upplupen till",
        "interest_rate": "Räntesats %",
        "total": "Totalt",
        "invoice": "Faktura",
        "name": "Brev",
        "step": "Steg",
        "date": "Datum",
        "deadline": "Förfallodag för betalning",
        "fee": "Avgift",
        "interest": "Ränta",
        "status": "Status",
        "document": "Dokument",
    },
    "fi": {
        "number": "Lasku",
        "issue_date": "Päivätty",
        "due_date": "Eräpäivä",
        "amount": "Summa",
        "principal": "Pääoma",
        "fees": "Kulut",
        "compensation": "Vakiokorvaus",
        "interest_charged": "Korko veloitettu",
        "interest_accrued": "Korko kertynyt",
        "interest_accrued_from": "Korko kertynyt alkaen",
        "interest_accrued_to": "Korko kertynyt asti",
        "interest_rate": "Korko %",
        "total": "Yhteensä",
        "invoice": "Lasku",
        "name": "Kirje",
        "step": "Vaihe",
        "date": "Päivä",
        "deadline": "Määräpäivä",
        "fee": "Kulu",
        "interest": "Korko",
        "status": "Tila",
        "document": "Asiakirja",
    },
}
# Fields that hold an amount or a rate: written with the locale's decimal sign in the CSVs.
NUMERIC: Final = frozenset(
    {
        "amount",
        "principal",
        "fees",
        "compensation",
        "interest_charged",
        "interest_accrued",
        "interest_rate",
        "total",
        "fee",
        "interest",
    }
)


def csv_text(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], lang: str
) -> tuple[list[str], list[list[str]], str]:
    """The CSV's headings, rows and field separator in ``lang``.

    Amounts and rates take the locale's decimal sign without grouping (da, nb, sv, fi:
    "6806,74"; en: "6806.74"), so a spreadsheet in that locale reads them as numbers; where the
    decimal sign is a comma the fields are separated by ";" as those spreadsheets expect. Dates
    stay ISO (2026-03-02), which every spreadsheet reads. Statuses are worded in the language.
    """
    w = Summary(lang)
    comma = w.lang != "en"
    headings = [CSV_HEADINGS[w.lang][c] for c in columns]
    out: list[list[str]] = []
    for row in rows:
        cells = []
        for c in columns:
            value = row.get(c)
            if value is None:
                cells.append("")
            elif c in NUMERIC:
                cells.append(str(value).replace(".", ",") if comma else str(value))
            elif c == "status":
                cells.append(w["statuses"].get(value, value))
            else:
                cells.append(str(value))
        out.append(cells)
    return headings, out, ";" if comma else ","
