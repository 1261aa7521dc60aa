"""Whole explanations: for representative decisions per country, the exact sentence and rules.

A decision is only as good as the reason it gives: the letter, `explain` and the audit trail
quote these notes, and the rules a decision cites are what a lawyer checks. Other tests assert
amounts and a phrase; these assert the whole note and the whole list of cited rules, so a word,
a number or a citation that goes missing fails here (`make mutation` found such changes
surviving). Amounts, days and dates are law.md's (sections in the comments); the citations are
written out here as the law packs must give them, cut before their parenthesised gloss.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from bridge.vocab.domain import ActionKind, CustomerKind, Dispute
from policies.interest import accrue, principal_of
from policies.ladder import CompensationPolicy
from policies.law import for_country
from policies.rules import FeeLetter, compensation, deadline, interest_note, reminder_fee
from tests.policies.nordic import customer, invoice

D = Decimal
REMINDER = ActionKind.REMINDER
WARNING = ActionKind.COLLECTION_WARNING

# The rules each country's decisions rest on, as cited (law.md §§ 1.2-1.3, 2.2-2.3, 3.2-3.3, 4.2).
DK_FEE = "renteloven § 9 b stk. 1-2"
DK_SPACING = "U 2008.1083 V"  # law.md § 1.2: no fee for a reminder under 10 days after the last
DK_COMPENSATION = "renteloven § 9 a stk. 3; BEK 601/2002 § 2 stk. 2 som ændret ved BEK 105/2013"
NO_FEE = "inkassoforskriften §§ 1-2, 1-3"
NO_SPACING = "inkassoforskriften § 1-3"
NO_FINAL = "inkassoloven § 10; inkassoforskriften §§ 1-2 tredje ledd, 1-3"
NO_COMPENSATION = "forsinkelsesrenteloven § 3 a; inkassoforskriften §§ 1-5, 2-6"
NO_NEW_ACT = "LOV-2026-05-22-19"  # law.md § 2: the new inkassolov, in force on a date not set
SE_COMPENSATION = "inkassokostnadslagen 4 a §"
FI_CONSUMER_FEE = "perintälaki 513/1999 § 10 a-b"
FI_SPACING = "perintälaki § 10 b"
DIRECTIVE = "Directive 2011/7/EU art. 6(1)"


def cited(basis: tuple[str, ...]) -> list[str]:
    """The rules an answer cites, each cut before its gloss (done here, not by the code)."""
    return [rule.split(" (")[0] for rule in basis]


def fee(country: str, today: date, *, due: date, **kwargs: Any) -> Any:
    """Ask for a reminder fee on a business invoice issued 14 days before ``due``."""
    kind = kwargs.pop("kind", CustomerKind.BUSINESS)
    inv = replace(invoice(country, due=due), **kwargs.pop("invoice", {}))
    return reminder_fee(
        kwargs.pop("law", None) or for_country(country),
        today=today,
        invoice=inv,
        customer=customer(country, kind=kind),
        requested=kwargs.pop("requested", D(100)),
        fee_dates=kwargs.pop("fee_dates", []),
        disputed=False,
        action=kwargs.pop("action", REMINDER),
        **kwargs,
    )


# --- Denmark: DKK 100 per letter, three letters, 10 days apart (law.md § 1.2, example 5) -----

DK_DUE = date(2025, 3, 3)  # a Monday; the first fee from 2025-03-04


def test_denmark_first_fee_at_the_cap_says_so_and_no_more() -> None:
    answer = fee("DK", date(2025, 3, 4), due=DK_DUE)
    assert answer.value == D("100.00")
    assert answer.note == f"Fee DKK 100.00: 1st fee-bearing reminder ({DK_FEE})."
    assert cited(answer.basis) == [DK_FEE]


def test_denmark_fee_above_the_cap_says_what_the_policy_asked() -> None:
    answer = fee("DK", date(2025, 3, 4), due=DK_DUE, requested=D("150.00"))
    assert answer.value == D("100.00")
    assert answer.note == (
        f"Fee DKK 100.00: 1st fee-bearing reminder ({DK_FEE}). The policy asks for "
        "DKK 150.00; the law caps the fee at DKK 100.00 per letter."
    )


def test_denmark_second_fee_ten_days_later_names_the_gap() -> None:
    letters = [FeeLetter(date(2025, 3, 4), REMINDER)]
    answer = fee("DK", date(2025, 3, 14), due=DK_DUE, fee_letters=letters)
    assert answer.note == (
        f"Fee DKK 100.00: 2nd fee-bearing reminder, 10 days after the previous one ({DK_FEE})."
    )


def test_fee_dates_alone_count_as_fee_letters() -> None:
    answer = fee("DK", date(2025, 3, 14), due=DK_DUE, fee_dates=[date(2025, 3, 4)])
    assert answer.note == (
        f"Fee DKK 100.00: 2nd fee-bearing reminder, 10 days after the previous one ({DK_FEE})."
    )


def test_denmark_nine_days_after_the_last_fee_letter() -> None:
    letters = [FeeLetter(date(2025, 3, 4), REMINDER)]
    answer = fee("DK", date(2025, 3, 13), due=DK_DUE, fee_letters=letters)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: only 9 days since the previous fee-bearing reminder on 2025-03-04; a fee needs "
        f"at least 10 ({DK_FEE})."
    )
    assert cited(answer.basis) == [DK_FEE, DK_SPACING]


def test_a_rule_without_a_spacing_citation_cites_only_itself() -> None:
    dk = for_country("DK")
    law = replace(dk, fee_rules=tuple(replace(r, spacing_citation="") for r in dk.fee_rules))
    letters = [FeeLetter(date(2025, 3, 4), REMINDER)]
    answer = fee("DK", date(2025, 3, 13), due=DK_DUE, fee_letters=letters, law=law)
    assert answer.value == D(0)
    assert cited(answer.basis) == [DK_FEE]


def test_denmark_a_fourth_fee_letter() -> None:
    letters = [FeeLetter(date(2025, 3, d), REMINDER) for d in (4, 14, 24)]
    answer = fee("DK", date(2025, 4, 7), due=DK_DUE, fee_letters=letters)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the claim already had 3 fee-bearing reminders, the most the law allows "
        f"({DK_FEE})."
    )
    assert cited(answer.basis) == [DK_FEE]


def test_denmark_no_fee_on_the_due_date() -> None:
    answer = fee("DK", DK_DUE, due=DK_DUE)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: a reminder fee is allowed from 2025-03-04 (after the due date 2025-03-03)."
    )
    assert cited(answer.basis) == [DK_FEE]


def test_denmark_no_fee_on_an_invoice_in_another_currency() -> None:
    answer = fee("DK", date(2025, 3, 4), due=DK_DUE, invoice={"currency": "EUR"})
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the invoice is in EUR and the statutory reminder fee is set in DKK."
    )
    assert cited(answer.basis) == [DK_FEE]


# --- Finland, consumers: EUR 5, 14 full days after the due date and after any letter, on an
# invoice sent at least 14 days before it fell due (law.md § 4.2, example 17; docs/law.md) -----

FI_DUE = date(2025, 3, 3)


def fi_consumer(today: date, *, issued: int = 14, **kwargs: Any) -> Any:
    return fee(
        "FI",
        today,
        due=FI_DUE,
        kind=CustomerKind.CONSUMER,
        requested=D(5),
        invoice={"issue_date": FI_DUE - timedelta(days=issued)},
        **kwargs,
    )


def test_finland_an_invoice_sent_13_days_before_its_due_date() -> None:
    answer = fi_consumer(date(2025, 3, 20), issued=13)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the invoice was issued 13 days before its due date; a fee needs at least 14 "
        f"({FI_CONSUMER_FEE})."
    )
    assert cited(answer.basis) == [FI_CONSUMER_FEE]


def test_finland_too_early_names_the_full_days_rule() -> None:
    answer = fi_consumer(date(2025, 3, 17))
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: a reminder fee is allowed from 2025-03-18 (after the due date 2025-03-03; "
        "14 full days after the due date must have passed, the due date not counted "
        f"({FI_CONSUMER_FEE}))."
    )
    assert cited(answer.basis) == [FI_CONSUMER_FEE]


def test_finland_14_days_after_a_fee_letter() -> None:
    letters = [FeeLetter(date(2025, 3, 18), REMINDER)]
    answer = fi_consumer(date(2025, 4, 1), fee_letters=letters)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: only 14 days since the previous fee-bearing reminder on 2025-03-18; a fee "
        "needs 14 full days to have passed, the day it was sent not counted (from 2025-04-02) "
        f"({FI_CONSUMER_FEE})."
    )
    assert cited(answer.basis) == [FI_CONSUMER_FEE, FI_SPACING]


def test_finland_14_days_after_a_letter_without_fee() -> None:
    answer = fi_consumer(date(2025, 4, 1), fee_letters=[], last_letter=date(2025, 3, 18))
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: only 14 days since the previous reminder on 2025-03-18; a fee needs 14 full "
        f"days to have passed, the day it was sent not counted (from 2025-04-02) ({FI_SPACING})."
    )
    assert cited(answer.basis) == [FI_CONSUMER_FEE, FI_SPACING]


# --- Norway: NOK 38 from 2026, a second fee only after a missed deadline of at least 14 days,
# then the betalingsoppfordring at NOK 113 (law.md § 2.2, examples 10 and 12) ----------------

NO_DUE = date(2026, 1, 12)
NO_FIRST = FeeLetter(date(2026, 1, 26), REMINDER, date(2026, 2, 9))


def test_norway_first_fee_shows_how_the_cap_is_derived() -> None:
    answer = fee("NO", date(2026, 1, 26), due=NO_DUE, requested=D(38))
    assert answer.note == (
        f"Fee NOK 38.00: 1st fee-bearing reminder ({NO_FEE}). The cap is 1/20 of the "
        "inkassosats NOK 750 = NOK 37.50, rounded half up to whole kroner: NOK 38.00."
    )
    assert cited(answer.basis) == [NO_FEE]


def test_norway_a_first_letter_with_only_ten_days_earns_no_second_fee() -> None:
    short_deadline = FeeLetter(date(2026, 1, 26), REMINDER, date(2026, 2, 5))
    answer = fee("NO", date(2026, 2, 10), due=NO_DUE, fee_letters=[short_deadline])
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the fee-bearing letter of 2026-01-26 did not give 14 days to pay, so missing "
        f"it earns no further fee ({NO_SPACING})."
    )
    assert cited(answer.basis) == [NO_FEE, NO_SPACING]


def test_norway_on_the_first_letters_deadline_day() -> None:
    answer = fee("NO", date(2026, 2, 9), due=NO_DUE, fee_letters=[NO_FIRST])
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the deadline 2026-02-09 of the fee-bearing letter of 2026-01-26 has not yet "
        f"passed ({NO_SPACING})."
    )
    assert cited(answer.basis) == [NO_FEE, NO_SPACING]


def test_norway_a_deadline_that_ran_during_a_dispute_was_not_missed() -> None:
    disputes = [Dispute("1001", date(2026, 2, 1), date(2026, 2, 3))]
    answer = fee("NO", date(2026, 2, 10), due=NO_DUE, fee_letters=[NO_FIRST], disputes=disputes)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the deadline 2026-02-09 of the fee-bearing letter of 2026-01-26 ran while the "
        "claim was disputed (2026-02-01 to 2026-02-03), so it was not missed and earns no "
        f"further fee ({NO_SPACING})."
    )
    assert cited(answer.basis) == [NO_FEE, NO_SPACING]


def test_norway_a_later_letter_disputed_too_renews_nothing() -> None:
    # The dispute covers the first letter's deadline and the whole of the later letter's.
    disputes = [Dispute("1001", date(2026, 2, 1), date(2026, 2, 25))]
    later = FeeLetter(date(2026, 2, 10), WARNING, date(2026, 2, 24))
    answer = fee(
        "NO",
        date(2026, 2, 26),
        due=NO_DUE,
        fee_letters=[NO_FIRST],
        disputes=disputes,
        latest=later,
    )
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the deadline 2026-02-09 of the fee-bearing letter of 2026-01-26 ran while the "
        "claim was disputed (2026-02-01 to 2026-02-25), so it was not missed and earns no "
        f"further fee ({NO_SPACING})."
    )


def test_norway_new_inkassolov_bars_the_creditors_own_warning_fee_from_its_date() -> None:
    base = for_country("NO")
    [regime] = base.regimes
    law = replace(base, regimes=(replace(regime, in_force=date(2027, 1, 1)),))
    answer = fee("NO", date(2027, 1, 5), due=date(2026, 12, 1), law=law, action=WARNING)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: under the new inkassolov only collection agencies send the statutory "
        "inkassovarsel; the creditor's own varsel carries no fee (in force from 2027-01-01)."
    )
    assert cited(answer.basis) == [NO_NEW_ACT]


# The betalingsoppfordring: two fee letters, then an issued collection warning whose deadline
# passed (inkassoloven § 10; law.md § 2.2, example 12).
SECOND = FeeLetter(date(2026, 2, 10), REMINDER, date(2026, 2, 24))
VARSEL = FeeLetter(date(2026, 2, 25), WARNING, date(2026, 3, 11))
HAD_TWO = (
    "the claim already had 2 fee-bearing reminders, the most the law allows before a "
    "betalingsoppfordring"
)


def oppfordring(today: date, warned: FeeLetter | None, **kwargs: Any) -> Any:
    return fee(
        "NO",
        today,
        due=NO_DUE,
        requested=D(113),
        action=WARNING,
        fee_letters=[NO_FIRST, SECOND],
        warned=warned,
        **kwargs,
    )


def test_betalingsoppfordring_without_a_collection_warning() -> None:
    answer = oppfordring(date(2026, 3, 12), None)
    assert answer.value == D(0)
    assert answer.note == (
        f"No fee: {HAD_TWO}, and a betalingsoppfordring follows an issued collection warning "
        f"({NO_FINAL})."
    )
    assert cited(answer.basis) == [NO_FINAL]


def test_betalingsoppfordring_on_the_warnings_deadline_day() -> None:
    answer = oppfordring(date(2026, 3, 11), VARSEL)
    assert answer.value == D(0)
    assert answer.note == (
        f"No fee: {HAD_TWO}; the collection warning of 2026-02-25 runs until 2026-03-11, and a "
        f"betalingsoppfordring comes after it ({NO_FINAL})."
    )
    assert cited(answer.basis) == [NO_FINAL]


def test_betalingsoppfordring_after_a_warning_disputed_while_it_ran() -> None:
    disputes = [Dispute("1001", date(2026, 3, 1), date(2026, 3, 3))]
    answer = oppfordring(date(2026, 3, 12), VARSEL, disputes=disputes)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the collection warning of 2026-02-25 set a deadline of 2026-03-11, which ran "
        "while the claim was disputed (2026-03-01 to 2026-03-03), so it was not missed; a "
        f"betalingsoppfordring follows a missed one ({NO_FINAL})."
    )
    assert cited(answer.basis) == [NO_FINAL]


def test_betalingsoppfordring_after_a_reminder_disputed_while_it_ran() -> None:
    disputes = [Dispute("1001", date(2026, 2, 12), date(2026, 2, 14))]
    answer = oppfordring(date(2026, 3, 12), VARSEL, disputes=disputes)
    assert answer.value == D(0)
    assert answer.note == (
        "No fee: the deadline 2026-02-24 of the fee-bearing letter of 2026-02-10 ran while the "
        "claim was disputed (2026-02-12 to 2026-02-14), so it was not missed and earns no "
        f"betalingsoppfordring fee ({NO_FINAL})."
    )
    assert cited(answer.basis) == [NO_FINAL]


def test_betalingsoppfordring_when_the_warning_gave_a_fresh_deadline_after_the_dispute() -> None:
    # The warning of 25 February gave 14 days undisputed, and they passed: that one was missed.
    disputes = [Dispute("1001", date(2026, 2, 12), date(2026, 2, 14))]
    answer = oppfordring(date(2026, 3, 12), VARSEL, disputes=disputes, latest=VARSEL)
    assert answer.value == D("113.00")
    assert answer.note == (
        "Fee NOK 113.00: the betalingsoppfordring after 2 fee-bearing letters whose deadline "
        f"passed unpaid ({NO_FINAL}). The cap is 3/20 of the inkassosats NOK 750 = NOK 112.50, "
        "rounded half up to whole kroner: NOK 113.00."
    )
    assert cited(answer.basis) == [NO_FINAL]


# --- Compensation: DKK 310 on top of fees, NOK 460 (2026 H1) offset, SEK 450 instead
# (law.md §§ 1.3, 2.3, 3.3; examples 4, 13, 15) ------------------------------------------------


def comp(country: str, today: date, due: date, **kwargs: Any) -> Any:
    inv = replace(invoice(country, due=due), **kwargs.pop("invoice", {}))
    return compensation(
        for_country(country),
        today=today,
        invoice=inv,
        customer=customer(country),
        charged_on=None,
        **kwargs,
    )


def test_denmark_compensation_stacks_on_the_fees() -> None:
    for charged in (D(0), D(200)):
        answer = comp("DK", date(2025, 3, 4), DK_DUE, fees_charged=charged)
        assert answer.value == D("310.00")
        assert answer.note == (
            "Compensation DKK 310.00: flat compensation for a late payment between businesses, "
            f"once per invoice, on top of any reminder fees ({DK_COMPENSATION})."
        )
        assert cited(answer.basis) == [DK_COMPENSATION]


def test_denmark_no_compensation_for_a_claim_due_before_march_2013() -> None:
    answer = comp("DK", date(2013, 3, 10), date(2013, 2, 28))
    assert answer.value == D(0)
    assert answer.note == (
        "No compensation: the claim fell due on 2013-02-28, before the flat compensation "
        "applies (claims due from 2013-03-01)."
    )
    assert cited(answer.basis) == [DK_COMPENSATION]


def test_a_pack_without_any_compensation_row_names_no_start_date() -> None:
    dk = replace(for_country("DK"), compensations=())
    answer = compensation(
        dk,
        today=date(2025, 3, 4),
        invoice=invoice("DK", due=DK_DUE),
        customer=customer("DK"),
        charged_on=None,
    )
    assert answer.value == D(0)
    assert answer.note == (
        "No compensation: the claim fell due on 2025-03-03, before the flat compensation applies."
    )
    assert cited(answer.basis) == [DK_COMPENSATION]


def test_norway_compensation_is_offset_against_the_fees() -> None:
    whole = comp("NO", date(2026, 1, 13), NO_DUE)
    assert whole.value == D("460.00")
    assert whole.note == (
        "Compensation NOK 460.00: flat compensation for a late payment between businesses, "
        "once per invoice, offset against reminder fees, which it covers "
        f"({NO_COMPENSATION})."
    )
    less = comp("NO", date(2026, 3, 1), NO_DUE, fees_charged=D(38))
    assert less.value == D("422.00")
    assert less.note == (
        "Compensation NOK 422.00: the flat compensation of NOK 460.00 for a late payment "
        "between businesses, less the fees of NOK 38.00 already charged on this claim, since it "
        f"is offset against reminder fees, which it covers ({NO_COMPENSATION})."
    )
    covered = comp("NO", date(2026, 3, 1), NO_DUE, fees_charged=D(460))
    assert covered.value == D(0)
    assert covered.note == (
        "No compensation: the fees already charged on this claim (NOK 460.00) reach the flat "
        f"compensation of NOK 460.00, which they count against ({NO_COMPENSATION})."
    )
    assert cited(covered.basis) == [NO_COMPENSATION]


def test_norway_no_compensation_where_no_amount_is_known() -> None:
    # law.md § 2.3 lists no amount for claims due in 2020 H1.
    answer = comp("NO", date(2020, 3, 20), date(2020, 3, 1))
    assert answer.value == D(0)
    assert answer.note == (
        "No compensation: no statutory amount is known for claims due on 2020-03-01; the pack "
        "charges none rather than guess."
    )
    assert cited(answer.basis) == [NO_COMPENSATION]


def test_sweden_compensation_replaces_the_fees() -> None:
    answer = comp("SE", date(2025, 3, 20), date(2025, 3, 3), fees_charged=D(0))
    assert answer.value == D("450.00")
    assert answer.note == (
        "Compensation SEK 450.00: flat compensation for a late payment between businesses, "
        f"once per invoice, instead of fees ({SE_COMPENSATION})."
    )
    assert cited(answer.basis) == [SE_COMPENSATION]


def test_a_eur_invoice_gets_the_directives_eur_40() -> None:
    answer = comp("NO", date(2026, 1, 13), NO_DUE, invoice={"currency": "EUR"})
    assert answer.value == D("40.00")
    assert answer.note == (
        "Compensation EUR 40.00: flat compensation for a late payment between businesses, once "
        f"per invoice, offset against reminder fees, which it covers ({NO_COMPENSATION}). The "
        "invoice is in EUR: the Late Payment Directive's fixed EUR 40.00, which the national "
        "amount NOK 460.00 implements, needs no conversion (policy compensation.eur_invoices = "
        '"directive").'
    )
    assert cited(answer.basis) == [NO_COMPENSATION, DIRECTIVE]


def test_another_currency_without_a_rate_gets_none_and_says_what_to_set() -> None:
    answer = comp("NO", date(2026, 1, 13), NO_DUE, invoice={"currency": "USD"})
    assert answer.value == D(0)
    assert answer.note == (
        "No compensation: the invoice is in USD and the statutory amount is set in NOK; no "
        "exchange rate set for USD: set compensation.rates.USD in the tenant policy (1 USD in "
        "NOK)."
    )
    assert cited(answer.basis) == [NO_COMPENSATION]


def test_another_currency_at_the_tenants_rate_names_the_rate_and_its_source() -> None:
    plain = CompensationPolicy(rates=(("USD", D("10.5")),))
    answer = comp("NO", date(2026, 1, 13), NO_DUE, invoice={"currency": "USD"}, foreign=plain)
    assert answer.value == D("43.81")  # 460 / 10.5 = 43.8095...
    converted = (
        "The invoice is in USD: the national amount NOK 460.00 converted at 1 USD = NOK 10.5"
        "{source}: 460.00 / 10.5 = USD 43.81, rounded to 0.01."
    )
    head = (
        "Compensation USD 43.81: flat compensation for a late payment between businesses, once "
        f"per invoice, offset against reminder fees, which it covers ({NO_COMPENSATION}). "
    )
    assert answer.note == head + converted.format(source="")
    assert cited(answer.basis) == [NO_COMPENSATION]
    sourced = replace(plain, rates_source="Norges Bank 2026-01-12")
    answer = comp("NO", date(2026, 1, 13), NO_DUE, invoice={"currency": "USD"}, foreign=sourced)
    assert answer.note == head + converted.format(source=" (Norges Bank 2026-01-12)")


# --- Deadlines (law.md § 1.5: a collection warning gives at least 10 days) --------------------


def test_a_deadline_with_nothing_to_add() -> None:
    dk = for_country("DK")
    answer = deadline(dk, today=date(2026, 2, 2), days=0)
    assert (answer.day, answer.note) == (date(2026, 2, 2), "Payment deadline 2026-02-02 (0 days).")
    one = deadline(dk, today=date(2026, 2, 2), days=1)
    assert one.note == "Payment deadline 2026-02-03 (1 day)."


def test_a_deadline_raised_and_moved_says_both() -> None:
    # Wednesday 4 February + 10 days is Saturday 14 February: moved to Monday the 16th.
    answer = deadline(
        for_country("DK"),
        today=date(2026, 2, 4),
        days=5,
        statutory_minimum=10,
        minimum_citation="inkassoloven § 10 (frist mindst 10 dage)",
    )
    assert answer.day == date(2026, 2, 16)
    assert answer.note == (
        "Payment deadline 2026-02-16 (10 days; the policy's 5 days were raised to the statutory "
        "10 (inkassoloven § 10); moved from Saturday 2026-02-14 (not a banking day) to the next "
        "banking day)."
    )


def test_a_deadline_raised_without_a_citation_cites_nothing() -> None:
    answer = deadline(for_country("DK"), today=date(2026, 2, 2), days=5, statutory_minimum=10)
    assert answer.note == (
        "Payment deadline 2026-02-12 (10 days; the policy's 5 days were raised to the statutory "
        "10)."
    )


def test_a_swedish_deadline_moved_for_banking_days_without_a_citation() -> None:
    # Friday 6 February 2026: received Monday the 9th, 4 banking days after it is Friday the
    # 13th; the policy's 1 day (Saturday the 7th, moved to Monday) is too soon (law.md § 3.5).
    answer = deadline(for_country("SE"), today=date(2026, 2, 6), days=1, min_banking_days=4)
    assert answer.day == date(2026, 2, 13)
    assert answer.note == (
        "Payment deadline 2026-02-13 (1 day; moved from Saturday 2026-02-07 (not a banking day) "
        "to the next banking day; moved to 2026-02-13 to leave 4 banking days after the "
        "presumed receipt on 2026-02-09)."
    )


# --- Interest notes (law.md examples 4 and 16) --------------------------------------------------


def test_denmark_interest_over_a_rate_change_lists_each_period() -> None:
    # Example 4: DKK 25 000 due 2024-06-15, paid 2024-07-15; 11.75 % then 11.50 % from 1 July
    # (reference 3.75 % and 3.50 % + 8), actual/366 in the leap year: 120.39 + 117.83.
    dk = for_country("DK")
    inv = replace(invoice("DK", due=date(2024, 6, 15)), amount=D(25000), outstanding=D(25000))
    charge = accrue(
        dk,
        due_date=inv.due_date,
        kind=CustomerKind.BUSINESS,
        start=date(2024, 6, 16),
        end=date(2024, 7, 15),
        principal=principal_of(inv, []),
        day_count="actual/365",
    )
    assert charge is not None
    assert charge.amount == D("238.22")
    note = interest_note(
        dk, charge, currency="DKK", due_date=inv.due_date, kind=CustomerKind.BUSINESS
    )
    assert note == (
        "Interest DKK 238.22 for 2024-06-16..2024-07-15, actual/365, rounded once: "
        "DKK 25,000.00 for 2024-06-16..2024-06-30 (15 days) at 11.75 % (reference 3.75 % + 8); "
        "DKK 25,000.00 for 2024-07-01..2024-07-15 (15 days) at 11.50 % (reference 3.50 % + 8) "
        "(renteloven § 5 stk. 1)."
    )


def _fi_interest(kind: CustomerKind) -> str:
    # Example 16: EUR 1 000, 45 days late in 2025 H1; reference 3.5 %, + 8 for a business.
    fi = for_country("FI")
    inv = replace(invoice("FI", due=date(2025, 1, 31)), amount=D(1000), outstanding=D(1000))
    charge = accrue(
        fi,
        due_date=inv.due_date,
        kind=kind,
        start=date(2025, 2, 1),
        end=date(2025, 3, 17),
        principal=principal_of(inv, []),
        day_count="actual/365",
    )
    assert charge is not None
    return interest_note(fi, charge, currency="EUR", due_date=inv.due_date, kind=kind)


def test_finland_business_interest_cites_the_commercial_rule() -> None:
    assert _fi_interest(CustomerKind.BUSINESS) == (
        "Interest EUR 14.18 on EUR 1,000.00 for 2025-02-01..2025-03-17 (45 days) at 11.50 % "
        "(reference 3.50 % + 8), actual/365 (korkolaki 633/1982 § 4 a, § 12)."
    )
    assert _fi_interest(CustomerKind.CONSUMER) == (
        "Interest EUR 12.95 on EUR 1,000.00 for 2025-02-01..2025-03-17 (45 days) at 10.50 % "
        "(reference 3.50 % + 7), actual/365 (korkolaki 633/1982 § 4, § 12)."
    )


def test_interest_at_a_placeholder_rate_says_so() -> None:
    # Sweden's 2026 H2 reference rate is not published; the pack carries 2.00 % forward.
    se = replace(for_country("SE"), allow_placeholders=True)
    inv = replace(invoice("SE", due=date(2026, 6, 30)), amount=D(10000), outstanding=D(10000))
    charge = accrue(
        se,
        due_date=inv.due_date,
        kind=CustomerKind.BUSINESS,
        start=date(2026, 7, 1),
        end=date(2026, 7, 10),
        principal=principal_of(inv, []),
        day_count="actual/365",
    )
    assert charge is not None
    note = interest_note(
        se, charge, currency="SEK", due_date=inv.due_date, kind=CustomerKind.BUSINESS
    )
    assert note == (
        "Interest SEK 27.40 on SEK 10,000.00 for 2026-07-01..2026-07-10 (10 days) at 10.00 % "
        "(reference 2.00 %, a placeholder: not yet published, carried forward + 8), actual/365 "
        "(räntelagen 6 §, 9 §)."
    )
