"""`dunning-bridge explain INVOICE`: the invoice's timeline, today's amounts and their rules.

Shows, for one invoice: everything that happened to it (issued, due, payments, steps, holds,
disputes, promises), today's decision with each amount and the rule and table row that set it
(the interest per period with its reference-rate row), why no other step is taken today, and
the customer's track record. ``explanation()`` is pure and builds the JSON the command prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from rich.markup import escape

from bridge.surfaces import present
from bridge.surfaces.present import decision_dict, step_dict
from bridge.surfaces.shared import _emit, _selected, _store
from bridge.vocab.domain import Decision, Invoice, Snapshot, StepRecord
from bridge.vocab.settings import Settings
from policies.engine import why_not
from policies.ladder import TenantPolicy
from policies.law.base import LawPack, RateUnavailable
from policies.promises import assess, covered
from policies.track_record import track_records

console = present.console()
err = present.console(stderr=True)


def find_invoice(snapshot: Snapshot, reference: str) -> Invoice | None:
    """Find an invoice by id, else by the number the accounting system shows."""
    known = {i.id: i for i in (*snapshot.invoices, *snapshot.settled)}
    return known.get(reference) or next((i for i in known.values() if i.number == reference), None)


def explanation(
    today: date,
    snapshot: Snapshot,
    history: Sequence[StepRecord],
    law: LawPack,
    policy: TenantPolicy,
    *,
    invoice: Invoice,
    plan: Sequence[Decision],
    remembered: Sequence[Decision] = (),
    voice: present.Voice = present.ENGLISH,
) -> dict[str, Any]:
    """Return the explanation of one invoice as a JSON-ready dict (steps named by ``voice``)."""
    law = policy.law.apply(law)
    steps = sorted(
        {s for s in (*history, *snapshot.steps) if s.invoice_id == invoice.id},
        key=lambda s: (s.date, s.step, s.action.value),
    )
    decisions = [d for d in plan if d.invoice_id == invoice.id]
    customer = snapshot.customers.get(invoice.customer_id)
    records = track_records(today, snapshot, history, remembered)
    record = next((r for r in records if r.customer_id == invoice.customer_id), None)
    return {
        "invoice": invoice.id,
        "number": invoice.number,
        "customer": invoice.customer_id,
        "customer_name": customer.name if customer else None,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "amount": f"{invoice.amount:.2f}",
        "outstanding": f"{invoice.outstanding:.2f}",
        "currency": invoice.currency,
        "timeline": _timeline(today, snapshot, steps, law, policy, invoice=invoice, voice=voice),
        "history": [step_dict(s) for s in steps],
        "decisions": [_decision(d, law, snapshot, invoice) for d in decisions],
        "why_not": why_not(today, snapshot, history, law, policy, invoice_id=invoice.id),
        "customer_record": record.summary() if record else None,
    }


def _timeline(
    today: date,
    snapshot: Snapshot,
    steps: Sequence[StepRecord],
    law: LawPack,
    policy: TenantPolicy,
    *,
    invoice: Invoice,
    voice: present.Voice = present.ENGLISH,
) -> list[dict[str, str]]:
    """Dated events, oldest first: issue, due date, payments, steps, holds, disputes, promises."""
    money = invoice.currency
    events: list[tuple[date, str]] = [
        (invoice.issue_date, f"issued for {money} {invoice.amount:,.2f}"),
        (invoice.due_date, "due"),
    ]
    for payment in snapshot.payments:
        if payment.invoice_id == invoice.id:
            events.append((payment.date, f"payment or credit of {money} {payment.amount:,.2f}"))
    if invoice.paid_date is not None and not any(
        p.invoice_id == invoice.id for p in snapshot.payments
    ):
        events.append((invoice.paid_date, "paid in full"))
    for s in steps:
        charges = s.fee + s.interest + s.compensation
        # JSON keeps its English words; a person reads the letters' name for the step.
        kind = (
            s.action.value.replace("_", " ") if voice is present.ENGLISH else voice.action(s.action)
        )
        what = f"{kind} step {s.step} {s.status.value}"
        if charges:
            what += f", charges {money} {charges:,.2f}"
        if s.deadline:
            what += f", deadline {s.deadline.isoformat()}"
        source = s.source if not s.document else f"{s.source} {s.document}"
        events.append((s.date, f"{what} ({source})"))
    for hold in snapshot.holds:
        if hold.invoice_id == invoice.id:
            last = f" through {hold.until.isoformat()}" if hold.until else " until lifted"
            why = f": {hold.reason}" if hold.reason else ""
            events.append((hold.start, f"put on hold{last}{why}"))
            if hold.lifted is not None:
                events.append((hold.lifted, "hold lifted"))
    if invoice.paused_until is not None:
        events.append((today, f"paused in the accounting system until {invoice.paused_until}"))
    for dispute in snapshot.disputes:
        if dispute.invoice_id == invoice.id:
            events.append((dispute.start, "disputed"))
            if dispute.end is not None:
                events.append((dispute.end, "dispute ended"))
    invoices = (*snapshot.invoices, *snapshot.settled)
    for promise in snapshot.promises:
        if not covered(promise, invoice):
            continue
        parts = ", ".join(f"{i.amount:,.2f} by {i.due.isoformat()}" for i in promise.instalments)
        events.append(
            (promise.made_on, f"promise #{promise.id} recorded: {promise.currency} {parts}")
        )
        status = assess(
            promise,
            today,
            invoices=invoices,
            payments=snapshot.payments,
            law=law,
            lenient=policy.lenient_due_date,
            grace_days=policy.promises.grace_days,
        )
        if status.broken_on is not None:
            events.append((status.broken_on, f"promise #{promise.id} broken"))
        if promise.ended is not None:
            events.append((promise.ended, f"promise #{promise.id} withdrawn"))
    events.sort(key=lambda e: e[0])
    return [{"date": day.isoformat(), "event": text} for day, text in events]


def _decision(d: Decision, law: LawPack, snapshot: Snapshot, invoice: Invoice) -> dict[str, Any]:
    """Today's decision, with each amount's rule and the interest's table rows."""
    data = decision_dict(d)
    data["rules"] = [{"amount": name, "rule": note} for name, note in d.rules]
    customer = snapshot.customers.get(invoice.customer_id)
    rows: list[dict[str, str]] = []
    if d.interest is not None and customer is not None:
        surcharge = law.surcharge(invoice.due_date, customer.kind)
        for period in d.interest.periods:
            try:
                row = law.reference_row(period.start)
            except RateUnavailable:
                continue
            rows.append(
                {
                    "period": f"{period.start.isoformat()}..{period.end.isoformat()}",
                    "principal": f"{period.principal:.2f}",
                    "rate": f"{period.rate:.2f}",
                    "days": f"{period.days}/{period.year_days}",
                    "amount": f"{period.amount:.4f}",
                    "reference_row": (
                        f"{law.reference_rate_name} {row.reference_rate} % in force "
                        f"{row.valid_from.isoformat()}..{row.valid_to.isoformat()} "
                        f"({row.source}; confidence {row.confidence})"
                    ),
                    "surcharge": f"+ {surcharge.points} points ({surcharge.citation})",
                }
            )
    data["interest_rows"] = rows
    return data


def explain_command(
    settings: Settings, tenant: str | None, reference: str, today: date, *, as_json: bool
) -> int:
    """Explain one invoice: timeline, today's decision and its rules, or why there is none."""
    from bridge.engine.cycle import CycleOptions, run_tenant  # noqa: PLC0415
    from policies.ladder import load_policy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    names = _selected(settings, tenant)
    opts = CycleOptions(today=today, now=datetime.now(UTC), dry_run=True)
    with _store(settings) as store:
        for name in names:
            outcome = run_tenant(store, name, settings.tenants[name], opts)
            if outcome.snapshot is None:
                continue
            invoice = find_invoice(outcome.snapshot, reference)
            if invoice is None:
                continue
            config = settings.tenants[name]
            history = [*store.history(name), *outcome.snapshot.steps]
            remembered = [d for row in store.letters(name) for d in row.letter.decisions]
            data = {
                "tenant": name,
                **explanation(
                    today,
                    outcome.snapshot,
                    history,
                    for_country(config.country),
                    load_policy(config.policy_file, config.country),
                    invoice=invoice,
                    plan=outcome.plan,
                    remembered=remembered,
                    voice=present.ENGLISH if as_json else present.voice_for(settings, name),
                ),
            }
            data["not_dunned_because"] = [why for inv, why in outcome.blocked if inv == invoice.id]
            if as_json:
                _emit(data)
            else:
                _print(data, today, present.voice_for(settings, name))
            return 0
    err.print(f"error: invoice {reference!r} not found among open or recently paid invoices")
    return 2


def _print(data: dict[str, Any], today: date, voice: present.Voice = present.ENGLISH) -> None:
    """Show an explanation on the terminal, amounts in the tenant's locale, steps in words."""
    from babel.numbers import format_decimal  # noqa: PLC0415

    money = data["currency"]

    def cash(value: str) -> str:
        return voice.money(Decimal(value), money)

    name = f" {data['customer_name']}" if data["customer_name"] else ""
    console.print(
        f"[bold]Invoice {escape(data['number'])}[/] ({data['tenant']}), customer "
        f"{escape(data['customer'])}{escape(name)}: {cash(data['amount'])} due "
        f"{data['due_date']}, outstanding {cash(data['outstanding'])}"
    )
    console.print("\n[bold]Timeline[/]")
    for event in data["timeline"]:
        console.print(f"  {event['date']}  {voice.prose(event['event'])}", markup=False)
    for d in data["decisions"]:
        step = voice.step(d["action"], d["step"])
        console.print(f"\n[bold]Today ({today.isoformat()}): step {escape(step)}[/]")
        for rule in d["rules"]:
            console.print(
                f"  {rule['amount'].capitalize()}: {voice.prose(rule['rule'])}", markup=False
            )
        for row in d["interest_rows"]:
            exact = format_decimal(Decimal(row["amount"]), "#,##0.0000", locale=voice.locale)
            console.print(
                f"    {row['period']}: {cash(row['principal'])} x {row['rate']} % x "
                f"{row['days']} = {exact}; {row['reference_row']} {row['surcharge']}",
                markup=False,
            )
        for basis in d["legal_basis"]:
            console.print(f"  § {basis}", markup=False)
    console.print("\n[bold]Why no other step today[/]")
    for note in data["why_not"]:
        console.print(f"  {voice.prose(note)}", markup=False)
    if data["customer_record"]:
        console.print("\n[bold]Customer record[/] ", end="")
        console.print(voice.prose(data["customer_record"]), markup=False)
