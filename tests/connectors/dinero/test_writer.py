"""Letters -> Dinero reminder bodies and notes; Dinero's limits at their boundaries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bridge.vocab.domain import ActionKind, Decision, InterestCharge, Letter
from connectors.dinero import writer

DAY = date(2026, 3, 16)
KEY = "dl-0123456789abcdef01234567"


def _decision(action: ActionKind = ActionKind.REMINDER, **kw: Any) -> Decision:
    base: dict[str, Any] = {
        "tenant": "t",
        "invoice_id": "g1",
        "invoice_number": "1001",
        "customer_id": "c1",
        "date": DAY,
        "action": action,
        "step": 2,
        "currency": "DKK",
        "outstanding": Decimal("1000.00"),
    }
    return Decision(**{**base, **kw})


def _interest(amount: str) -> InterestCharge:
    return InterestCharge(DAY - timedelta(days=10), DAY, Decimal(amount), (), "actual/365")


def test_flags_follow_the_charges() -> None:
    assert writer.flags(_decision()) == {
        "WithDebtCollectionWarning": False,
        "WithFee": False,
        "WithInterestFee": False,
        "WithCompensationFee": False,
    }
    full = _decision(
        ActionKind.COLLECTION_WARNING,
        fee=Decimal("100.00"),
        interest=_interest("2.50"),
        compensation=Decimal("310.00"),
    )
    assert all(writer.flags(full).values())
    assert not writer.flags(_decision(interest=_interest("0.00")))["WithInterestFee"]


def test_reminder_body_carries_the_timestamp_and_our_key() -> None:
    body = writer.reminder_body(_decision(), key=KEY, text="  Hej\n", timestamp="00AB")
    assert body["Timestamp"] == "00AB"
    assert body["Date"] == "2026-03-16"
    assert body["Title"] == "Rykker 2"
    assert body["Description"] == f"Hej\n\nRef. {KEY}"
    english = writer.reminder_body(
        _decision(ActionKind.COLLECTION_WARNING), key=KEY, text="x", timestamp="1", lang="en"
    )
    assert english["Title"] == "Debt collection warning"


def _reminder(days_ago: int, *, draft: bool = False, deleted: bool = False) -> dict[str, Any]:
    return {
        "Date": (DAY - timedelta(days=days_ago)).isoformat(),
        "IsDraft": draft,
        "IsDeleted": deleted,
    }


@pytest.mark.parametrize(
    ("existing", "allowed"),
    [
        ([], True),
        ([_reminder(10)], True),
        ([_reminder(9)], False),
        ([_reminder(30), _reminder(20)], True),
        ([_reminder(30), _reminder(20), _reminder(10)], False),  # three is Dinero's maximum
        ([_reminder(30), _reminder(20), _reminder(10, deleted=True)], True),
        ([_reminder(30, draft=True)], False),  # one draft at a time
    ],
)
def test_limits(existing: list[dict[str, Any]], allowed: bool) -> None:
    assert (writer.limit_reason(existing, DAY) is None) is allowed


def test_differences_to_the_ore() -> None:
    ours = _decision(fee=Decimal("100.00"), interest=_interest("12.34"))
    same = {
        "WithFee": True,
        "FeeAmount": 100,
        "WithInterestFee": True,
        "InterestAmount": Decimal("12.34"),
    }
    assert writer.differences(ours, same) == []
    off = {**same, "InterestAmount": Decimal("12.35")}
    [found] = writer.differences(ours, off)
    assert (found.what, found.ours, found.dinero) == (
        "interest",
        Decimal("12.34"),
        Decimal("12.35"),
    )
    assert "Dinero 12.35, bridge 12.34" in found.describe()
    # Dinero leaves out the compensation when it is not available (a consumer, or charged).
    wanted = _decision(compensation=Decimal("310.00"))
    missing = {"WithCompensationFee": True, "CompensationFeeAmount": 0}
    assert [d.what for d in writer.differences(wanted, missing)] == ["compensation"]


def test_proposal_note_carries_the_letter_and_its_key() -> None:
    handover = _decision(ActionKind.HANDOVER, step=4)
    letter = Letter("t", "c1", ActionKind.HANDOVER, 4, DAY, "DKK", (handover,), key=KEY)
    text = writer.proposal_note(letter, "Brevtekst", reason="Why")
    assert text.startswith("Dunning bridge proposes to hand the claim over")
    assert "Brevtekst" in text
    assert "Why" in text
    assert text.endswith(f"Ref. {KEY}")
    notice = writer.difference_note(letter, [], "g1/1")
    assert KEY not in notice
