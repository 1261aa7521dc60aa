"""Ladder steps: one entry per letter, and each country's common-practice default ladder."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal, get_args

from bridge.vocab.domain import ZERO, ActionKind

Tone = Literal["friendly", "firm", "formal"]
TONES: Final[tuple[str, ...]] = get_args(Tone)

# The actions a ladder may hold; the others (pre-due notice, interest invoice, credit hold)
# are switched on by their own policy sections.
LADDER_ACTIONS: Final[frozenset[ActionKind]] = frozenset(
    {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER, ActionKind.TASK}
)
# Actions that send a letter to the debtor, and so may carry a reminder fee.
LETTER_ACTIONS: Final[frozenset[ActionKind]] = frozenset(
    {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING}
)


# The tasks the shipped texts know; any other value is the tenant's own instruction, quoted.
TASKS: Final[tuple[str, ...]] = ("call", "tell_salesperson")
# Who gets a task: the account's salesperson (falling back to the tenant's task_email), the
# tenant's task_email, or an e-mail address given in the policy.
ASSIGNEES: Final[tuple[str, ...]] = ("salesperson", "tasks")


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One rung: what to send, when, and what the tenant asks to charge (the law caps it)."""

    action: ActionKind
    name: str
    # Step 1: days after the due date. Later steps: days after the previous step's date.
    days: int
    fee: Decimal = ZERO
    interest: bool = False
    compensation: bool = False
    deadline_days: int | None = 10  # None only for a hand-over, which sets no payment deadline
    tone: Tone = "firm"
    # Wait also until the previous letter's payment deadline has passed. Every letter and
    # hand-over waits for it anyway (the engine's _waits_for_deadline); on a task it makes the
    # task wait too. The Norwegian, Swedish and Finnish defaults keep it to say why they wait.
    after_deadline: bool = False
    # A task step (action "task"): what to do and for whom; see TASKS and ASSIGNEES.
    task: str = ""
    assignee: str = ""


_DK_STEPS: Final[tuple[LadderStep, ...]] = (
    LadderStep(
        action=ActionKind.REMINDER,
        name="Venlig påmindelse",
        days=3,
        deadline_days=10,
        tone="friendly",
    ),
    LadderStep(
        action=ActionKind.REMINDER,
        name="Rykker",
        days=10,
        fee=Decimal("100.00"),
        interest=True,
        compensation=True,
        deadline_days=10,
        tone="firm",
    ),
    LadderStep(
        action=ActionKind.COLLECTION_WARNING,
        name="Inkassovarsel",
        days=10,
        fee=Decimal("100.00"),
        interest=True,
        deadline_days=10,
        tone="formal",
    ),
    # 11 days after the warning is the day after its 10-day deadline; the engine also waits
    # until the deadline (moved off a holiday) has passed.
    LadderStep(
        action=ActionKind.HANDOVER,
        name="Overdragelse til inkasso",
        days=11,
        deadline_days=None,
        tone="formal",
    ),
)

# Norway: a purring once the fee is allowed (due date + 14), an inkassovarsel after its 14-day
# deadline was missed (the second fee needs that), then the hand-over after the varsel's 14 days.
# The fee asked is the 2026 cap (NOK 38); the law lowers it for letters under the NOK 35 sats.
_NO_STEPS: Final[tuple[LadderStep, ...]] = (
    LadderStep(
        action=ActionKind.REMINDER,
        name="Purring",
        days=14,
        fee=Decimal("38.00"),
        interest=True,
        compensation=True,
        deadline_days=14,
        tone="firm",
    ),
    LadderStep(
        action=ActionKind.COLLECTION_WARNING,
        name="Inkassovarsel",
        days=15,
        fee=Decimal("38.00"),
        interest=True,
        deadline_days=14,
        tone="formal",
        after_deadline=True,
    ),
    LadderStep(
        action=ActionKind.HANDOVER,
        name="Oversendelse til inkasso",
        days=15,
        deadline_days=None,
        tone="formal",
    ),
)

# Sweden: a påminnelse (the SEK 60 fee only where agreed in advance), an inkassokrav after the
# påminnelse's deadline with at least 8 days (here 10), then the hand-over.
_SE_STEPS: Final[tuple[LadderStep, ...]] = (
    LadderStep(
        action=ActionKind.REMINDER,
        name="Betalningspåminnelse",
        days=10,
        fee=Decimal("60.00"),
        interest=True,
        compensation=True,
        deadline_days=10,
        tone="firm",
    ),
    LadderStep(
        action=ActionKind.COLLECTION_WARNING,
        name="Inkassokrav",
        days=11,
        fee=Decimal("180.00"),
        interest=True,
        deadline_days=10,
        tone="formal",
        after_deadline=True,
    ),
    LadderStep(
        action=ActionKind.HANDOVER,
        name="Överlämning till inkasso",
        days=11,
        deadline_days=None,
        tone="formal",
    ),
)

# Finland: a maksumuistutus once the consumer fee is allowed (14 full days after the due date
# have passed: due date + 15), a second letter warning of collection 15 days later (the next fee
# likewise needs 14 full days), then the hand-over. EUR 5 is the consumer cap; a business
# tenant may ask EUR 12 (the EUR 40 compensation replaces it unless the policy stacks them).
_FI_STEPS: Final[tuple[LadderStep, ...]] = (
    LadderStep(
        action=ActionKind.REMINDER,
        name="Maksumuistutus",
        days=15,
        fee=Decimal("5.00"),
        interest=True,
        compensation=True,
        deadline_days=14,
        tone="firm",
    ),
    LadderStep(
        action=ActionKind.COLLECTION_WARNING,
        name="Maksukehotus",
        days=15,
        fee=Decimal("5.00"),
        interest=True,
        deadline_days=14,
        tone="formal",
        after_deadline=True,
    ),
    LadderStep(
        action=ActionKind.HANDOVER,
        name="Siirto perintään",
        days=15,
        deadline_days=None,
        tone="formal",
    ),
)

_DEFAULT_STEPS: Final[dict[str, tuple[LadderStep, ...]]] = {
    "DK": _DK_STEPS,
    "FI": _FI_STEPS,
    "NO": _NO_STEPS,
    "SE": _SE_STEPS,
}

_DEFAULT_NAMES: Final[dict[str, dict[ActionKind, str]]] = {
    "DK": {
        ActionKind.REMINDER: "Rykker",
        ActionKind.COLLECTION_WARNING: "Inkassovarsel",
        ActionKind.HANDOVER: "Overdragelse til inkasso",
        ActionKind.TASK: "Ring til kunden",
    },
    "NO": {
        ActionKind.REMINDER: "Purring",
        ActionKind.COLLECTION_WARNING: "Inkassovarsel",
        ActionKind.HANDOVER: "Oversendelse til inkasso",
        ActionKind.TASK: "Ring kunden",
    },
    "SE": {
        ActionKind.REMINDER: "Betalningspåminnelse",
        ActionKind.COLLECTION_WARNING: "Inkassokrav",
        ActionKind.HANDOVER: "Överlämning till inkasso",
        ActionKind.TASK: "Ring kunden",
    },
    "FI": {
        ActionKind.REMINDER: "Maksumuistutus",
        ActionKind.COLLECTION_WARNING: "Maksukehotus",
        ActionKind.HANDOVER: "Siirto perintään",
        ActionKind.TASK: "Soita asiakkaalle",
    },
}

_DEFAULT_TONES: Final[dict[ActionKind, Tone]] = {
    ActionKind.REMINDER: "firm",
    ActionKind.COLLECTION_WARNING: "formal",
    ActionKind.HANDOVER: "formal",
    ActionKind.TASK: "friendly",
}


def default_steps(country: str) -> tuple[LadderStep, ...]:
    """Return the common-practice ladder of a country (KeyError when none is defined)."""
    return _DEFAULT_STEPS[country]


def default_name(country: str, action: ActionKind) -> str:
    """Return the usual letter title for an action in a country."""
    return _DEFAULT_NAMES.get(country, {}).get(action, action.value.replace("_", " ").capitalize())


_TASK_NAMES: Final[dict[str, dict[str, str]]] = {
    "DK": {"call": "Ring til kunden", "tell_salesperson": "Giv sælgeren besked"},
    "NO": {"call": "Ring kunden", "tell_salesperson": "Gi selgeren beskjed"},
    "SE": {"call": "Ring kunden", "tell_salesperson": "Meddela säljaren"},
    "FI": {"call": "Soita asiakkaalle", "tell_salesperson": "Ilmoita myyjälle"},
}


def default_task_name(country: str, task: str) -> str:
    """Return the usual title of a task step; the tenant's own instruction names itself."""
    known = _TASK_NAMES.get(country, {}).get(task)
    if known:
        return known
    if task in TASKS:
        return task.replace("_", " ").capitalize()
    return task if len(task) <= 60 else task[:57] + "..."


def default_tone(action: ActionKind) -> Tone:
    """Return the tone a ladder entry gets when the policy names none."""
    return _DEFAULT_TONES.get(action, "firm")
