"""The hand-over case's PDF summary in the tenant's language, numbers and dates per locale.

The case file's JSON and CSV stay machine-readable (ISO dates, amounts with a dot); the summary
is for the agency's people, so it is worded in the tenant's language (the same as the hand-over
letter) and formats amounts, rates and dates with babel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from bridge.engine.handover_words import CSV_HEADINGS, LABELS, LOCALES, NUMERIC


class Summary:
    """Words and number formats for one language's summary."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LABELS else "en"
        self.locale = LOCALES[self.lang]
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
