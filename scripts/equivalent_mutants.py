"""Surviving mutants judged equivalent: no input tells them from the original code.

mutmut names a mutant by its function and a number (``policies.rules.x_short__mutmut_4``);
the numbers move when the function changes, so this list is checked against each run's
survivors: scripts/mutation.py counts a listed survivor as equivalent and any other as open,
and names listed here that no longer survive are reported as stale. docs/testing.md gives the
same reasons in a table.
"""

from __future__ import annotations

_RULES = "policies.rules."
_EXPLAINED = "policies.explained."
_INTEREST = "policies.interest."
_HISTORY = "policies.history.xǁStepHistoryǁ"
_LETTER_ID = "policies.history.x__letter_id__mutmut_"
_CLAIM = "policies.claim."
_DRAFTING = "policies.drafting."
_NO_ZERO_START = "sum without the ZERO start: an empty sum is 0, which compares and subtracts alike"
_SAME_LETTER = (
    "another constant in a letter's id: every id is made by this one function, and a document's "
    "id (3 parts) never equals a letter's (6 parts), so which ids are equal does not change"
)

EQUIVALENT: dict[str, str] = {
    # --- policies/explained.py -----------------------------------------------------------------
    f"{_EXPLAINED}x_short__mutmut_4": 'split(" (") without maxsplit: the first part is the same',
    f"{_EXPLAINED}x_short__mutmut_7": 'split(" (", 2): the first part is the same',
    f"{_EXPLAINED}x_ordinal__mutmut_1": "10 out of the 'th' range: 10 ends in 0, 'th' anyway",
    f"{_EXPLAINED}x_ordinal__mutmut_2": "10 out of the 'th' range: 10 ends in 0, 'th' anyway",
    f"{_EXPLAINED}x_ordinal__mutmut_5": "20 out of the 'th' range: 20 ends in 0, 'th' anyway",
    # --- policies/rules.py ---------------------------------------------------------------------
    f"{_RULES}x_reminder_fee__mutmut_14": "regime_barring(today, None): no regime bars None",
    f"{_RULES}x_reminder_fee__mutmut_64": (
        "a dispute starting today counts as past: it covers today, so `disputed` answered first"
    ),
    f"{_RULES}x__final_fee__mutmut_66": (
        "counted[+1]: there counted holds exactly max_count = 2 letters, so [1] is [-1]"
    ),
    f"{_RULES}x__deadline_not_missed__mutmut_31": (
        "latest.date >= previous.date: the same day is the same letter, the recursion repeats"
    ),
    f"{_RULES}x__deadline_not_missed__mutmut_36": (
        "earns=None in the renewal check: only whether it answers None is read, not its note"
    ),
    f"{_RULES}x__deadline_not_missed__mutmut_38": (
        "basis=None in the renewal check: only whether it answers None is read, not its basis"
    ),
    # --- policies/compensation.py --------------------------------------------------------------
    "policies.compensation.x_compensation__mutmut_21": (
        "due_date > first: on the first row's own start date that row covers it, so rule is "
        "never None there"
    ),
    # --- policies/engine.py -------------------------------------------------------------------
    "policies.engine.x_blocked__mutmut_23": (
        "Marks.of(snapshot) instead of run.marks: Run.build makes its marks with Marks.of of the "
        "same snapshot; reusing them only saves indexing twice"
    ),
    # --- policies/whynot.py -------------------------------------------------------------------
    "policies.whynot.x_why_not__mutmut_51": (
        "rstrip('XX.XX') strips X as well as '.': no reason ends in an X (they end in '.', a "
        "date or an amount)"
    ),
    **{
        f"policies.whynot.x_why_not__mutmut_{n}": (
            "the RateWait in why_not's outer except: _why_not_ladder catches RateUnavailable "
            "around ladder(), its only call that asks for a rate, so nothing reaches it"
        )
        for n in (56, 57, 58, 59)
    },
    # --- policies/rungs.py --------------------------------------------------------------------
    **{
        f"policies.rungs.x_is_renewal__mutmut_{n}": (
            "step 1 left out of the renewal check: a ladder's step 1 is never a hand-over "
            "(ladder.py refuses a hand-over without a collection warning before it), so a record "
            "at step 1 is no renewal either way"
        )
        for n in (5, 6)
    },
    # --- policies/forming.py ------------------------------------------------------------------
    "policies.forming.x_finish__mutmut_14": "a letter of one claim sorted too: nothing to order",
    "policies.forming.x_finish__mutmut_15": (
        "a letter of two claims not sorted: drafts arrive by customer and invoice id "
        "(open_and_paid sorts them), so they are in order already"
    ),
    **{
        f"policies.forming.x_finish__mutmut_{n}": (
            "zip without strict: _letter_fees returns one fee per claim on every path"
        )
        for n in (30, 33, 38)
    },
    "policies.forming.x_finish__mutmut_34": "_letter_fees(None, ...): it never reads the run",
    "policies.forming.x__letter_fees__mutmut_1": (
        "only non-letter groups without fees kept as they are: a group whose fees are all 0 "
        "gets its own answers back from the settling path too, and a non-letter step carries "
        "no fee"
    ),
    "policies.forming.x__letter_fees__mutmut_5": (
        "members[1].action: every claim of a group has the group's action (part of its key), "
        "and a one-claim group stops at len == 1 before it"
    ),
    "policies.forming.x__letter_fees__mutmut_8": (
        "fees < 0 instead of <= 0: a group whose fees are all 0 gets its own answers back from "
        "the settling path too"
    ),
    "policies.forming.x__claim_summary__mutmut_9": (
        "sum without the ZERO start: an empty sum is 0, falsy like ZERO, so no sentence either way"
    ),
    "policies.rungs.x_charge_interest__mutmut_25": (
        "no 'No interest yet' note: a ladder step comes after the last timely day, so the first "
        "interest day (at most the day after it) is never after today; an interest invoice paid "
        "before the first interest day gets no draft, so that note is never read"
    ),
    # --- policies/drafting.py -----------------------------------------------------------------
    f"{_DRAFTING}x__letter_step__mutmut_69": (
        "the compensation rule looked up for every letter: it is read only when the step claims "
        "the compensation or one was charged, which is when it was looked up before"
    ),
    **{
        f"{_DRAFTING}x__letter_step__mutmut_{n}": (
            "no last timely day given to compensation(): it falls back to the due date, and "
            "ladder() drafts a letter only after the last timely day, which is never before it"
        )
        for n in (78, 86)
    },
    **{
        f"{_DRAFTING}x__letter_step__mutmut_{n}": (
            "another split of the compensation citation: every pack's citation has one ' (', so "
            "the part before it is the same"
        )
        for n in (126, 127, 129)
    },
    f"{_DRAFTING}x__letter_step__mutmut_141": (
        "tail = instead of +=: the letter's draft is new and nothing adds to its tail before"
    ),
    f"{_DRAFTING}x__handover__mutmut_113": "tail = instead of +=: as _letter_step 141",
    f"{_DRAFTING}x__reminder_fee__mutmut_1": (
        "a step asking 0 sent to reminder_fee(): it answers NO_FEE_ASKED for 0 too"
    ),
    f"{_DRAFTING}x__reminder_fee__mutmut_10": (
        "fee_dates=None: reminder_fee() reads them only without fee_letters, which are given"
    ),
    **{
        f"{_DRAFTING}x__reminder_fee__mutmut_{n}": (
            "disputed never True: a dispute covering today blocks the invoice before any letter "
            "is drafted (as run.Marks.disputed 3)"
        )
        for n in (11, 33)
    },
    f"{_DRAFTING}x__reminder_fee__mutmut_39": (
        "the warning given under every law: only _final_fee reads it, and only a rule with a "
        "final cap (has_final_fee) reaches _final_fee"
    ),
    f"{_DRAFTING}x__renewed_warning__mutmut_4": (
        "a warning's step outside the ladder indexed anyway: above it the ladder is done (no "
        "rung), and step 0 gives steps[-1], the hand-over (always last), no warning either way"
    ),
    f"{_DRAFTING}x__renewed_warning__mutmut_9": (
        "a warning at the ladder's last step left out: that is the hand-over's step, so the "
        "warning is a renewal, and _handover returns before renewing it"
    ),
    **{
        f"{_DRAFTING}x_interest_invoice__mutmut_{n}": (
            "another placeholder headline: it is replaced before the draft is returned"
        )
        for n in (24, 34)
    },
    **{
        f"{_DRAFTING}x_interest_invoice__mutmut_{n}": (
            "no last timely day given to compensation(): an interest invoice needs interest "
            "through the payment day, so today is after the last timely day either way"
        )
        for n in (57, 65)
    },
    f"{_DRAFTING}x_credit_holds__mutmut_63": (
        "sum without the ZERO start: the customer's list holds this invoice, never empty"
    ),
    f"{_DRAFTING}x_credit_holds__mutmut_66": (
        "customer=None on a credit hold: finish() keys a hold by invoice and builds no claim for "
        "it, so its customer is never read"
    ),
    # --- policies/run.py ----------------------------------------------------------------------
    **{
        f"policies.run.xǁRunǁ{name}__mutmut_{n}": (
            "the run's memo never found (or never kept): the answer is worked out again from the "
            "same inputs, which only costs time"
        )
        for name, numbers in (
            ("history_of", (1, 2)),
            ("timely_until", (1, 2, 11)),
            ("minimum_for", (1, 2)),
            ("deadline", (3, 4)),
        )
        for n in numbers
    },
    "policies.run.xǁMarksǁdisputed__mutmut_3": (
        "disputes.get(None): it is asked only for the fee of an invoice that block_reason let "
        "through, which it does not when a dispute covers today, so the answer is False either way"
    ),
    "policies.run.xǁRunǁdisputed__mutmut_1": "marks.disputed(None): as Marks.disputed 3",
    **{
        f"policies.run.xǁPromisedǁcovering__mutmut_{n}": (
            "no () default for the invoice's own promises: None is falsy like (), so the "
            "customer's promises (or ()) are taken either way"
        )
        for n in (3, 5)
    },
    **{
        f"policies.run.xǁPromisedǁcovering__mutmut_{n}": (
            "sorted when only one side has promises: each side is already in snapshot order, "
            "so sorting it by position changes nothing"
        )
        for n in (13, 20)
    },
    **{
        f"policies.run.xǁPromisedǁcovering__mutmut_{n}": (
            "sorted without the key: the tuples compare by position first, and positions are "
            "unique, so the order is the same and the states are never compared"
        )
        for n in (15, 17)
    },
    **{
        f"policies.run.x__assess_all__mutmut_{n}": (
            "payments sorted without the key: as Promised.covering 15 (positions are unique)"
        )
        for n in (31, 33)
    },
    "policies.run.xǁRunǁdeadline__mutmut_26": (
        "statutory minimum 1 for a letter that is no warning: the policy refuses deadline_days "
        "below 1 (ladder.py, steps and interest invoices), so it never raises anything"
    ),
    "policies.run.x_unapplied_credit__mutmut_3": (
        "outstanding <= 0 counted as credit: it adds 0, and the credit is read only as > 0"
    ),
    # --- policies/interest.py ------------------------------------------------------------------
    f"{_INTEREST}xǁPaidDownǁ__call____mutmut_5": (
        "sum without the ZERO start: an empty sum is 0, and max(ZERO, min(amount, x + 0)) is "
        "the same Decimal"
    ),
    f"{_INTEREST}x_principal_of__mutmut_8": (
        "zero payments kept: a zero payment splits no period, the principal is unchanged"
    ),
    f"{_INTEREST}x_principal_of__mutmut_19": "Payment(None, ...): its invoice id is never read",
    f"{_INTEREST}x_principal_of__mutmut_25": (
        "amount + outstanding: the principal is capped at the invoice amount, and after the "
        "date only outstanding counts"
    ),
    f"{_INTEREST}x_accrue__mutmut_15": "half = 3: another label for the second half-year",
    f"{_INTEREST}x_accrue__mutmut_27": "_changes(None): asking every day gives the same periods",
    f"{_INTEREST}x_accrue__mutmut_61": "sum without the ZERO start: money(0) is ZERO",
    f"{_INTEREST}x__changes__mutmut_6": "the start day asked too: its key is the run's key",
    f"{_INTEREST}x__changes__mutmut_36": "the start day asked too: its key is the run's key",
    f"{_INTEREST}x__changes__mutmut_25": (
        "another half-year day: every rate table has one row per half-year, so rate_changes "
        "already gives 1 January and 1 July"
    ),
    f"{_INTEREST}x__changes__mutmut_30": "another half-year day (as _changes 25)",
    f"{_INTEREST}x__changes__mutmut_31": "another half-year day (as _changes 25)",
    f"{_INTEREST}x__changes__mutmut_32": "another half-year day (as _changes 25)",
    f"{_INTEREST}x__changes__mutmut_33": "another half-year day (as _changes 25)",
    # --- policies/history.py -------------------------------------------------------------------
    f"{_HISTORY}charged__mutmut_14": "sum of fees without ZERO: never empty there, so a Decimal",
    f"{_HISTORY}charged__mutmut_18": "sum of interest without ZERO: as charged 14",
    f"{_HISTORY}charged__mutmut_22": "sum of compensation without ZERO: as charged 14",
    **{f"{_LETTER_ID}{n}": _SAME_LETTER for n in (1, 2, 9, 10, 11, 12)},
    # --- policies/claim.py ---------------------------------------------------------------------
    f"{_CLAIM}x__charges__mutmut_21": (
        "an interest part for interest >= 0: a part of 0 is dropped with the others of 0"
    ),
    f"{_CLAIM}x__charges__mutmut_61": _NO_ZERO_START,
    f"{_CLAIM}x__apply__mutmut_36": _NO_ZERO_START,
    f"{_CLAIM}x__ordered__mutmut_10": "interest sorted as 2 instead of 1: still after the costs",
    f"{_CLAIM}x__apply__mutmut_13": "a zero payment let in: it pays nothing and adds no share",
    f"{_CLAIM}x__apply__mutmut_57": (
        "a zero share kept: principal_of drops payments of zero, build() reads no shares"
    ),
    f"{_CLAIM}x_interest_principal__mutmut_10": (
        "order None to _apply: anything but principal-first is costs-first there, as given"
    ),
    f"{_CLAIM}x_build__mutmut_36": "amount > outstanding: when equal, both branches give the same",
    # --- bridge/vocab/redact.py -----------------------------------------------------------------
    "bridge.vocab.redact.x_register_secret__mutmut_7": (
        'the registry\'s values "" instead of None: it is a dict used as an ordered set, only '
        "its keys are read"
    ),
    "bridge.vocab.redact.x_redact_value__mutmut_3": (
        "redact_headers(None) in the Headers branch: httpx.Headers is a Mapping, so the Mapping "
        "branch before it takes every Headers value and this one is never reached"
    ),
    "bridge.vocab.redact.x_redact_url__mutmut_32": (
        'safe="XX$:*,[]()XX": X is a letter, which urlencode never escapes anyway'
    ),
}
