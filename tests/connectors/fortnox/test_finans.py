"""Fortnox Finans runs its own reminder chain with its own fees: never on top of ours."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bridge.vocab.domain import ActionKind, Letter, Mode, StepStatus
from connectors.fortnox.sandbox.server import FortnoxSandbox
from policies.claim import Claim, ClaimItem, ItemKind
from tests.connectors.fortnox.conftest import TODAY
from tests.connectors.fortnox.test_session import _fetched, _letter


def _with_claim(letter: Letter, *items: ClaimItem) -> Letter:
    decisions = tuple(
        replace(d, claim=Claim(d.invoice_id, d.currency, items)) for d in letter.decisions
    )
    return replace(letter, decisions=decisions)


PRINCIPAL = ClaimItem(ItemKind.PRINCIPAL, Decimal("8800.00"))
OUR_FEE = ClaimItem(ItemKind.FEE, Decimal("60.00"), day=TODAY, action=ActionKind.REMINDER, step=1)


def test_a_claim_without_our_fees_goes_to_finans(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS)
    letter = _with_claim(_letter(snapshot, "21", action=ActionKind.HANDOVER, fee="0"), PRINCIPAL)
    assert session.takes_handover(letter)
    assert session.apply(letter, "t").status is StepStatus.ISSUED
    assert sandbox.invoice("21")["NoxFinans"] is True


def test_a_claim_carrying_our_fees_is_not_handed_to_finans(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS)
    letter = _with_claim(
        _letter(snapshot, "21", action=ActionKind.HANDOVER, fee="0"), PRINCIPAL, OUR_FEE
    )
    assert not session.takes_handover(letter)  # the agency gets a case file instead
    result = session.apply(letter, "t")
    assert result.status is StepStatus.PENDING
    assert "Fortnox Finans" in result.detail
    assert sandbox.invoice("21")["NoxFinans"] is False
    assert not [r for r in sandbox.requests if r[1].startswith("/3/noxfinansinvoices")]
    assert "fees" in sandbox.invoice(result.document)["Comments"]


def test_paid_fees_count_too(sandbox: FortnoxSandbox) -> None:
    session, snapshot = _fetched(sandbox, Mode.AUTONOMOUS)
    paid_fee = replace(OUR_FEE, paid=Decimal("60.00"))
    letter = _with_claim(
        _letter(snapshot, "21", action=ActionKind.HANDOVER, fee="0"), PRINCIPAL, paid_fee
    )
    assert not session.takes_handover(letter)
