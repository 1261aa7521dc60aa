"""`dunning-bridge promise`: record a promise to pay or a payment plan, withdraw or list them.

A promise covers one invoice or every invoice of a customer in its currency. While it is kept
dunning pauses; when an instalment is missed dunning resumes by itself, at the step where it
stopped (policies/promises.py judges it from the payments each cycle reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bridge.surfaces import present
from bridge.surfaces.shared import _emit, _store
from bridge.vocab.domain import Instalment, Promise
from bridge.vocab.errors import BridgeError, ConfigError
from bridge.vocab.settings import Settings

console = present.console()
err = present.console(stderr=True)


class PromiseInputError(ValueError):
    """The command line does not describe a promise."""


def instalments(amounts: Sequence[str], dates: Sequence[date]) -> tuple[Instalment, ...]:
    """Pair each ``--amount`` with its ``--by`` date, in the order given."""
    if not amounts or len(amounts) != len(dates):
        raise PromiseInputError(
            "give one --by DATE for each --amount (a plan repeats both, in order)"
        )
    parts = []
    for raw, due in zip(amounts, dates, strict=True):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise PromiseInputError(f"--amount {raw!r} is not an amount") from None
        if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
            raise PromiseInputError(f"--amount {raw!r} must be positive, with at most 2 decimals")
        parts.append(Instalment(due=due, amount=value.quantize(Decimal("0.01"))))
    return tuple(sorted(parts, key=lambda i: i.due))


def promise_dict(promise: Promise) -> dict[str, Any]:
    """Return a JSON-ready dict for one promise."""
    return {
        "id": promise.id,
        "customer": promise.customer_id,
        "invoice": promise.invoice_id,
        "made_on": promise.made_on.isoformat(),
        "currency": promise.currency,
        "instalments": [
            {"due": i.due.isoformat(), "amount": f"{i.amount:.2f}"} for i in promise.instalments
        ],
        "ended": promise.ended.isoformat() if promise.ended else None,
        "note": promise.note,
    }


def _tenant(settings: Settings, tenant: str | None) -> str:
    """The tenant named, or the only one configured."""
    if tenant is not None:
        settings.tenant(tenant)
        return tenant
    if len(settings.tenants) == 1:
        return next(iter(settings.tenants))
    raise ConfigError("several tenants are configured: name one with --tenant")


def promise_command(
    settings: Settings,
    tenant: str | None,
    invoice: str | None,
    *,
    customer: str | None,
    amounts: Sequence[str],
    dates: Sequence[date],
    currency: str | None,
    note: str,
    end: str | None,
    show: bool,
    today: date,
    as_json: bool,
) -> int:
    """Record, withdraw (``end``) or list (``show``) promises; exit 2 on bad input."""
    from bridge.engine.marks import known_customer, known_invoice, withdraw_after_mark  # noqa: PLC0415
    from bridge.engine.withdraw import affected  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    now = datetime.now(UTC)
    say = _quiet if as_json else _say
    try:
        name = _tenant(settings, tenant)
        with _store(settings) as store:
            if show:
                rows = store.promises(name)
                if as_json:
                    _emit([promise_dict(p) for p in rows])
                else:
                    _print(rows, present.voice_for(settings, name))
                return 0
            if end is not None:
                if not store.end_promise(name, end, today=today, at=now):
                    raise PromiseInputError(f"no open promise #{end} for tenant {name}")
                data: dict[str, Any] = {"tenant": name, "promise": end, "ended": today.isoformat()}
                message = f"promise #{end} withdrawn from {today.isoformat()}"
            else:
                if (invoice is None) == (customer is None):
                    raise PromiseInputError("name either an INVOICE or --customer, not both")
                plan = instalments(amounts, dates)
                code = (currency or for_country(settings.tenants[name].country).currency).upper()
                shown = invoice
                if invoice is not None:
                    known = known_invoice(settings, store, name, invoice, today=today, at=now)
                    invoice, shown = known.invoice_id, known.number
                elif customer is not None:
                    known_customer(settings, store, name, customer, today=today, at=now)
                promise = store.add_promise(
                    name,
                    customer_id=customer,
                    invoice_id=invoice,
                    made_on=today,
                    currency=code,
                    instalments=plan,
                    note=note,
                    at=now,
                )
                data = {"tenant": name, **promise_dict(promise)}
                what = "payment plan" if len(plan) > 1 else "promise to pay"
                scope = f"invoice {shown}" if invoice else f"customer {customer}"
                voice = present.voice_for(settings, name)
                parts = ", ".join(
                    f"{voice.money(i.amount, code)} by {i.due.isoformat()}" for i in plan
                )
                message = f"{what} #{promise.id} recorded for {scope}: {parts}"
                say(message)
                waiting = affected(
                    store,
                    name,
                    invoice_ids=[invoice] if invoice else [],
                    customer=customer,
                    currency=code,
                    ladder_only=True,
                )
                withdrawn = withdraw_after_mark(
                    settings,
                    store,
                    name,
                    waiting,
                    f"{what} #{promise.id} was recorded for {scope}",
                    today=today,
                    at=now,
                    say=say,
                    step_words=present.voice_for(settings, name).withdrawn_step,
                )
                data["withdrawn"] = [w.as_dict() for w in withdrawn]
                message = ""
    except (BridgeError, PromiseInputError) as exc:
        err.print(f"error: {exc}")
        return 2
    if as_json:
        _emit(data)
    elif message:
        console.print(message)
    return 0


def _print(rows: Sequence[Promise], voice: present.Voice = present.ENGLISH) -> None:
    if not rows:
        console.print("No promises recorded.")
        return
    console.print(
        present.rows_table(
            "Promises",
            ["#", "Scope", "Made", "Instalments", "Ended", "Note"],
            [
                (
                    p.id,
                    f"invoice {p.invoice_id}" if p.invoice_id else f"customer {p.customer_id}",
                    p.made_on.isoformat(),
                    ", ".join(
                        f"{voice.money(i.amount, p.currency)} by {i.due}" for i in p.instalments
                    ),
                    p.ended.isoformat() if p.ended else "",
                    p.note,
                )
                for p in rows
            ],
        )
    )


def _say(message: str) -> None:
    console.print(message)


def _quiet(message: str) -> None:
    """Say nothing: --json prints the result as data instead."""
