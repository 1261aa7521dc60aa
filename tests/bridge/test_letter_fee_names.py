"""Every fee in a letter is named by what it is, in every language."""

from __future__ import annotations

from datetime import date

import pytest

from bridge.engine.letters import compose
from bridge.vocab.domain import ActionKind, StepRecord
from tests.bridge.letter_fixtures import CUSTOMER, INVOICES, creditor, letter

# The letter's fee is 100.00 in the fixtures; its line names the fee.
CASES = [
    # Reminders: the reminder fee of each country.
    ("da", "DK", ActionKind.REMINDER, False, "- Rykkergebyr: "),
    ("en", "DK", ActionKind.REMINDER, False, "- Reminder fee: "),
    ("nb", "NO", ActionKind.REMINDER, False, "- Purregebyr: "),
    ("sv", "SE", ActionKind.REMINDER, False, "- Påminnelseavgift: "),
    ("fi", "FI", ActionKind.REMINDER, False, "- Muistutusmaksu: "),
    # Denmark's warning is the third rykker: its fee is a rykkergebyr (renteloven § 9 b).
    ("da", "DK", ActionKind.COLLECTION_WARNING, False, "- Rykkergebyr: "),
    ("en", "DK", ActionKind.COLLECTION_WARNING, False, "- Reminder fee: "),
    # Norway's inkassovarsel carries the varsel's fee, the betalingsoppfordring its own.
    ("nb", "NO", ActionKind.COLLECTION_WARNING, False, "- Gebyr for inkassovarsel: "),
    ("nb", "NO", ActionKind.COLLECTION_WARNING, True, "- Gebyr for betalingsoppfordring: "),
    ("en", "NO", ActionKind.COLLECTION_WARNING, False, "- Collection warning fee: "),
    (
        "en",
        "NO",
        ActionKind.COLLECTION_WARNING,
        True,
        "- Demand for payment fee (betalingsoppfordring): ",
    ),
    ("da", "NO", ActionKind.COLLECTION_WARNING, False, "- Gebyr for inkassovarsel: "),
    ("sv", "NO", ActionKind.COLLECTION_WARNING, True, "- Avgift för betalingsoppfordring: "),
    ("fi", "NO", ActionKind.COLLECTION_WARNING, False, "- Perintävaroituksen maksu: "),
    # Sweden's inkassokrav: an inkassoavgift, not a påminnelseavgift.
    ("sv", "SE", ActionKind.COLLECTION_WARNING, False, "- Inkassoavgift: "),
    ("en", "SE", ActionKind.COLLECTION_WARNING, False, "- Collection demand fee: "),
    ("da", "SE", ActionKind.COLLECTION_WARNING, False, "- Inkassogebyr: "),
    ("nb", "SE", ActionKind.COLLECTION_WARNING, False, "- Inkassogebyr: "),
    ("fi", "SE", ActionKind.COLLECTION_WARNING, False, "- Perintäkulu: "),
    # Finland's maksukehotus (the creditor's own; a maksuvaatimus is an agency's demand).
    ("fi", "FI", ActionKind.COLLECTION_WARNING, False, "- Maksukehotuksen kulu: "),
    ("en", "FI", ActionKind.COLLECTION_WARNING, False, "- Payment demand fee: "),
    ("sv", "FI", ActionKind.COLLECTION_WARNING, False, "- Avgift för betalningsuppmaning "),
    ("da", "FI", ActionKind.COLLECTION_WARNING, False, "- Gebyr for betalingspåkrav "),
]


@pytest.mark.parametrize(("lang", "country", "action", "after_varsel", "line"), CASES)
def test_the_fee_is_named_by_what_it_is(
    lang: str, country: str, action: ActionKind, after_varsel: bool, line: str
) -> None:
    varsel = [
        StepRecord(
            invoice_id=i,
            action=ActionKind.COLLECTION_WARNING,
            step=2,
            date=date(2026, 1, 20),
            deadline=date(2026, 2, 3),
        )
        for i in INVOICES
    ]
    rendered = compose(
        letter(action, 3 if action is ActionKind.COLLECTION_WARNING else 2, country),
        CUSTOMER,
        INVOICES,
        creditor=creditor(country),
        lang=lang,
        country=country,
        history=varsel if after_varsel else [],
    )
    assert line in rendered.text
    if action is ActionKind.COLLECTION_WARNING and country != "DK":
        for wrong in ("Reminder fee", "Påminnelseavgift", "Purregebyr", "Muistutusmaksu"):
            assert wrong not in rendered.text
    if country == "FI":
        assert "maksuvaatimu" not in rendered.text.lower()
