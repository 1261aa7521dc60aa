"""The hand-over case in the tenant's language: the CSVs' headings and decimal signs, the
accrued interest with the day it runs from, and the letters by the names the debtor read."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from bridge.engine.handover import build_case
from bridge.engine.handover_summary import sections_and_tables
from bridge.vocab.domain import ActionKind, InterestCharge, InterestPeriod, StepRecord
from tests.bridge.letter_fixtures import CUSTOMER, INVOICES, creditor, history, letter

HANDOVER = letter(ActionKind.HANDOVER, 4)


def _accrue(invoice: object, steps: object) -> InterestCharge:
    period = InterestPeriod(
        date(2026, 2, 12), date(2026, 2, 24), Decimal("9.75"), 13, 365, Decimal(1), Decimal(1)
    )
    return InterestCharge(
        date(2026, 2, 12), date(2026, 2, 24), Decimal("12.34"), (period,), "actual/365"
    )


def _case(lang: str, country: str, steps: list[StepRecord] | None = None) -> Any:
    return build_case(
        HANDOVER,
        customer=CUSTOMER,
        invoices=INVOICES,
        history=history() if steps is None else steps,
        disputes=(),
        creditor=creditor("DK"),
        today=date(2026, 2, 24),
        accrue=_accrue,
        cover="Overdragelse til inkasso",
        lang=lang,
        country=country,
    )


def test_the_csvs_are_in_danish_with_decimal_commas() -> None:
    files = _case("da", "DK").files
    assert files["invoices.csv"].decode().splitlines() == [
        "Faktura;Udstedt;Forfald;Beløb;Hovedstol;Gebyrer;Kompensation;Renter opkrævet;"
        "Renter påløbet;Renter påløbet fra;Renter påløbet til;Rentesats %;I alt",
        "1001;2026-01-05;2026-01-19;10000,00;10000,00;200,00;0,00;0,00;12,34;2026-02-12;"
        "2026-02-24;9,75;10212,34",
        "1002;2026-01-12;2026-01-26;2500,50;1250,25;0,00;0,00;0,00;12,34;2026-02-12;"
        "2026-02-24;9,75;1262,59",
    ]
    assert files["letters.csv"].decode().splitlines()[:4] == [
        "Faktura;Brev;Dato;Frist;Gebyr;Renter;Kompensation;Status;Dokument",
        "1001;venlig påmindelse;2026-01-22;2026-02-01;0,00;0,00;0,00;sendt;",
        "1002;venlig påmindelse;2026-01-22;2026-02-01;0,00;0,00;0,00;sendt;",
        "1001;rykker nr. 2;2026-02-01;2026-02-11;100,00;0,00;0,00;sendt;",
    ]


def test_english_csvs_keep_the_decimal_point_and_commas() -> None:
    lines = _case("en", "DK").files["invoices.csv"].decode().splitlines()
    assert lines[0].startswith("Invoice,Issued,Due,Amount,Principal,")
    assert lines[1].endswith(",12.34,2026-02-12,2026-02-24,9.75,10212.34")


def test_the_json_stays_machine_readable() -> None:
    data = json.loads(_case("fi", "FI").files["case.json"])
    assert data["invoices"][0]["total"] == "10212.34"
    assert data["invoices"][0]["interest_accrued_from"] == "2026-02-12"
    assert data["language"] == "fi"


def test_the_summary_gives_the_accrued_interest_with_its_from_date() -> None:
    data = _case("da", "DK").data
    _title, sections, tables = sections_and_tables(data, "da")
    claim = dict(sections)["Krav (DKK) pr. 24.02.2026"]
    assert "Renter opkrævet 0,00, påløbet 24,68 siden 12.02.2026" in claim
    invoices = tables[0]
    assert invoices[1][6] == "Renter fra"
    assert invoices[2][0][6] == "12.02.2026"
    _title, sections, _tables = sections_and_tables(data, "en")
    claim = dict(sections)["Claim (DKK) as of 24/02/2026"]
    assert "Interest charged 0.00, accrued 24.68 since 12/02/2026" in claim


def test_the_letters_are_named_as_the_debtor_read_them() -> None:
    data = _case("da", "DK").data
    names = [(s["invoice"], s["name"]) for s in data["letters"] if s["invoice"] == "1001"]
    assert names == [
        ("1001", "venlig påmindelse"),
        ("1001", "rykker nr. 2"),
        ("1001", "inkassovarsel"),
    ]
    _title, _sections, tables = sections_and_tables(data, "da")
    assert [row[2] for row in tables[2][2]][::2] == [
        "venlig påmindelse",
        "rykker nr. 2",
        "inkassovarsel",
    ]


def test_norways_second_warning_is_the_betalingsoppfordring() -> None:
    steps = [s for s in history() if s.invoice_id == "1001"]
    varsel = steps[-1]
    steps.append(replace(varsel, step=4, date=date(2026, 2, 26), fee=Decimal("113.00")))
    steps.append(replace(varsel, step=5, date=date(2026, 3, 1), source="tripletex"))
    data = _case("nb", "NO", steps).data
    names = [s["name"] for s in data["letters"] if s["invoice"] == "1001"]
    assert names == [
        "vennlig påminnelse",
        "purring nr. 2",
        "inkassovarsel",
        "betalingsoppfordring",
        "betalingsoppfordring, sendt av tripletex",
    ]
    english = _case("en", "NO", steps).data
    assert [s["name"] for s in english["letters"] if s["invoice"] == "1001"][2:4] == [
        "inkassovarsel (debt collection notice)",
        "betalingsoppfordring (demand for payment)",
    ]
    assert not any("inkassovarsel 3" in s["name"] for s in data["letters"])
