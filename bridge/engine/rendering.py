"""A letter rendered as the cycle writes it: the index of the snapshot, the language."""

from __future__ import annotations

from dataclasses import dataclass

from bridge.engine.letters import (
    Creditor,
    Rendered,
    compose,
    template_override,
)
from bridge.vocab.domain import (
    Customer,
    Invoice,
    Letter,
    Snapshot,
    StepRecord,
)
from bridge.vocab.languages import INTERNAL_ACTIONS, language_for, tenant_language
from bridge.vocab.settings import TenantSettings


@dataclass(frozen=True)
class LetterIndex:
    """The snapshot looked up by invoice and by customer once per cycle.

    A letter shows its customer's open invoices and its own invoices' history; finding those
    by scanning the whole ledger for each of thousands of letters made a cycle quadratic.
    """

    invoices: dict[str, Invoice]
    open_by_customer: dict[str, list[Invoice]]
    steps_by_invoice: dict[str, list[StepRecord]]

    @classmethod
    def of(cls, snapshot: Snapshot, history: list[StepRecord]) -> LetterIndex:
        """Index a snapshot and the history decided on."""
        open_by_customer: dict[str, list[Invoice]] = {}
        for invoice in snapshot.invoices:
            open_by_customer.setdefault(invoice.customer_id, []).append(invoice)
        steps: dict[str, list[StepRecord]] = {}
        for step in history:
            steps.setdefault(step.invoice_id, []).append(step)
        return cls(
            invoices={inv.id: inv for inv in (*snapshot.invoices, *snapshot.settled)},
            open_by_customer=open_by_customer,
            steps_by_invoice=steps,
        )

    def history_of(self, letter: Letter) -> list[StepRecord]:
        """The steps of the letter's own invoices."""
        ids = dict.fromkeys(d.invoice_id for d in letter.decisions)
        return [s for i in ids for s in self.steps_by_invoice.get(i, ())]


def letter_language(letter: Letter, customer: Customer, tenant: TenantSettings) -> str:
    """The language the cycle writes a letter in: the customer's, or the tenant's own for
    hand-overs and tasks (read by the tenant's people and its agency)."""
    default = tenant_language(tenant.country, tenant.options)
    return default if letter.action in INTERNAL_ACTIONS else language_for(customer, default)


def render_letter(
    letter: Letter,
    snapshot: Snapshot,
    history: list[StepRecord],
    *,
    tenant: TenantSettings,
    creditor: Creditor,
    lang: str | None = None,
    index: LetterIndex | None = None,
) -> Rendered:
    """Render a letter exactly as the cycle writes it (``letter`` previews through this too).

    ``history`` is the history the letter was decided on; ``lang`` overrides the language.
    """
    index = index or LetterIndex.of(snapshot, history)
    customer = snapshot.customers[letter.customer_id]
    return compose(
        letter,
        customer,
        index.invoices,
        creditor=creditor,
        lang=lang or letter_language(letter, customer, tenant),
        country=tenant.country,
        override=template_override(tenant.options),
        open_invoices=index.open_by_customer.get(letter.customer_id, ()),
        history=index.history_of(letter),
    )
