"""Letters -> unbooked Fortnox invoices: type, rows, VAT, references, text that fits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bridge.vocab.domain import (
    ActionKind,
    Decision,
    InterestCharge,
    InterestPeriod,
    Invoice,
    Letter,
)
from connectors.fortnox import writer

DAY = date(2026, 3, 16)
SETTINGS = writer.RowSettings()


def _decision(number: str, **kw: object) -> Decision:
    base: dict[str, object] = {
        "tenant": "t",
        "invoice_id": number,
        "invoice_number": number,
        "customer_id": "5",
        "date": DAY,
        "action": ActionKind.REMINDER,
        "step": 1,
        "currency": "SEK",
        "outstanding": Decimal("1234.50"),
    }
    return Decision(**{**base, **kw})  # type: ignore[arg-type]


def _letter(*decisions: Decision) -> Letter:
    first = decisions[0]
    return Letter(
        tenant="t",
        customer_id="5",
        action=first.action,
        step=first.step,
        date=DAY,
        currency="SEK",
        decisions=decisions,
    )


def test_a_reminder_is_an_invoice_with_the_fee_and_our_key() -> None:
    letter = _letter(
        _decision("10", fee=Decimal("60.00"), deadline=DAY + timedelta(days=10)), _decision("11")
    )
    invoice = Invoice(
        "10", "10", "5", date(2026, 1, 1), date(2026, 2, 1), "SEK", Decimal(1), Decimal(1)
    )
    body = writer.invoice_body(letter, "Hej", settings=SETTINGS, invoices={"10": invoice})[
        "Invoice"
    ]
    assert body["InvoiceType"] == "INVOICE"
    assert body["CustomerNumber"] == "5"
    assert body["ExternalInvoiceReference1"] == letter.key
    assert body["ExternalInvoiceReference2"] == "faktura 10, 11"
    assert body["DueDate"] == "2026-03-26"
    assert body["Remarks"] == "Hej"
    assert body["Language"] == "SV"
    fee, info = body["InvoiceRows"]
    assert (fee["Price"], fee["VAT"], fee["AccountNumber"]) == (Decimal("60.00"), 0, 3590)
    assert fee["Description"] == "Påminnelseavgift, faktura 10"
    assert info["Price"] == Decimal("0.00")
    assert info["Description"].startswith("Faktura 11: återstår 1")
    assert "Key " + letter.key in body["Comments"]


def test_interest_and_compensation_rows_and_the_interest_invoice_type() -> None:
    period = InterestPeriod(
        date(2026, 1, 2),
        date(2026, 3, 1),
        Decimal("10.00"),
        59,
        365,
        Decimal(1000),
        Decimal("16.16"),
    )
    charge = InterestCharge(
        date(2026, 1, 2), date(2026, 3, 1), Decimal("16.16"), (period,), "actual/365"
    )
    decision = _decision(
        "12", action=ActionKind.INTEREST_INVOICE, interest=charge, compensation=Decimal("450.00")
    )
    body = writer.invoice_body(_letter(decision), "x", settings=SETTINGS, invoices={}, lang="en")
    rows = body["Invoice"]["InvoiceRows"]
    assert body["Invoice"]["InvoiceType"] == "INTRESTINVOICE"
    assert body["Invoice"]["Language"] == "EN"
    assert [(r["Price"], r["AccountNumber"]) for r in rows] == [
        (Decimal("16.16"), 8313),
        (Decimal("450.00"), 3590),
    ]
    assert "10.00 % p.a." in rows[0]["Description"]
    assert body["Invoice"]["DueDate"] == "2026-03-26"  # no deadline: the due_days default


def test_a_collection_demand_names_its_fee_so() -> None:
    decision = _decision("13", action=ActionKind.COLLECTION_WARNING, fee=Decimal("180.00"))
    rows = writer.decision_rows(decision, SETTINGS, None)
    assert rows[0]["Description"] == "Inkassoavgift, faktura 13"


def test_accounts_and_articles_come_from_the_settings() -> None:
    settings = writer.RowSettings(fee_account=3930, fee_article="PAM")
    rows = writer.decision_rows(_decision("14", fee=Decimal("60.00")), settings, None)
    assert (rows[0]["AccountNumber"], rows[0]["ArticleNumber"]) == (3930, "PAM")


def test_a_long_letter_overflows_into_text_rows_at_line_breaks() -> None:
    text = "\n".join(f"Rad {n}: " + "ord " * 20 for n in range(20))
    remarks, rows = writer.split_text(text)
    assert len(remarks) <= writer.REMARKS_MAX
    assert remarks.endswith(text.splitlines()[len(remarks.splitlines()) - 1].strip())
    assert all(len(r) <= writer.ROW_TEXT_MAX for r in rows)
    assert " ".join([remarks, *rows]).split() == text.split()
    body = writer.invoice_body(_letter(_decision("15")), text, settings=SETTINGS, invoices={})
    assert body["Invoice"]["InvoiceRows"][-1] == {
        "Description": rows[-1],
        "AccountNumber": SETTINGS.text_account,
    }


def test_a_single_endless_line_is_cut_and_too_much_text_refused() -> None:
    remarks, rows = writer.split_text("x" * 1500)
    assert (len(remarks), [len(r) for r in rows]) == (1024, [255, 221])
    with pytest.raises(writer.LetterTooLong, match="cannot be written whole"):
        writer.split_text("y " * 5000)
    assert writer.split_text("  kort  ") == ("kort", [])


def test_references_fit_fortnox_limits() -> None:
    many = tuple(_decision(str(1000 + n)) for n in range(40))
    body = writer.invoice_body(_letter(*many), "x", settings=SETTINGS, invoices={})["Invoice"]
    assert len(body["ExternalInvoiceReference2"]) == writer.REFERENCE_MAX
    assert len(body["Comments"]) <= writer.COMMENTS_MAX


@pytest.mark.parametrize(
    ("delivery", "action"),
    [("EMAIL", "email"), ("PRINTSERVICE", "eprint"), ("einvoice", None), ("PRINT", None)],
)
def test_sending_follows_the_delivery_type(delivery: str, action: str | None) -> None:
    assert writer.send_action(delivery)[0] == action


def test_finans_send_methods() -> None:
    assert writer.finans_send_method("EMAIL") == "EMAIL"
    assert writer.finans_send_method("PRINT") == "LETTER"
    assert writer.finans_send_method("unknown") == "LETTER"


def test_a_task_is_a_zero_draft_that_says_it_is_not_for_the_customer() -> None:
    letter = _letter(_decision("10", action=ActionKind.TASK, task="call", assignee="salesperson"))
    body = writer.invoice_body(letter, "Call them", settings=SETTINGS, invoices={}, lang="en")[
        "Invoice"
    ]
    assert body["InvoiceType"] == "INVOICE"
    assert body["Remarks"] == "Call them"
    assert [row["Price"] for row in body["InvoiceRows"]] == [Decimal("0.00")]
    assert body["Comments"].startswith("Task - invoice 10. A task from dunning-bridge")
    assert "do not book or send it" in body["Comments"]
    assert "Key " + letter.key in body["Comments"]
    reminder = writer.invoice_body(_letter(_decision("10")), "Hej", settings=SETTINGS, invoices={})[
        "Invoice"
    ]
    assert "book it to send it" in reminder["Comments"]
