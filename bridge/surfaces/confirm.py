"""`dunning-bridge confirm TENANT KEY --sent | --rejected | --not-sent`: settle a write the
bridge could not confirm.

A write whose request left the process and whose outcome never came back (a crash, a time-out)
is read back by its key. When nothing is found and a second attempt would not be safe (the
vendor honours no idempotency key, or its window has passed; an e-mail the SMTP server may have
taken), the letter waits for the accountant (docs/reliability.md § Could not confirm). They look
in the accounting system, the sent folder or ask the recipient, and say what happened:

- ``--sent``: it arrived (a draft booked, an e-mail delivered): recorded as issued;
- ``--rejected``: it was written as a draft and they deleted it: recorded as rejected, so the
  same step is not proposed again (the next one comes when due);
- ``--not-sent``: it never arrived: cancelled, and the next cycle writes it again. A task
  e-mail (a credit hold or a task for the tenant's own people) is not decided again (its
  trigger was the day its step was reached): its letter stays held and the same e-mail is sent
  again once by the next cycle, claimed under its key before it goes (docs/reliability.md).

The same command settles an e-mail of its own (a task or withdrawal notice, a case's copy to
the agency) left unconfirmed. Every answer is in the audit log; a letter's shows in `history`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bridge.store import Store
from bridge.surfaces import present
from bridge.surfaces.shared import _emit, _selected, _store
from bridge.vocab.errors import BridgeError
from bridge.vocab.settings import Settings

console = present.console()
err = present.console(stderr=True)


@dataclass(frozen=True)
class Unconfirmed:
    """One write waiting for the accountant's word."""

    tenant: str
    key: str
    kind: str  # letter | e-mail
    what: str
    customer: str
    invoices: tuple[str, ...]
    since: datetime
    detail: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        """The item as `pending --json` prints it."""
        return {
            "tenant": self.tenant,
            "key": self.key,
            "state": "unconfirmed",
            "kind": self.kind,
            "what": self.what,
            "customer": self.customer,
            "invoices": list(self.invoices),
            "since": self.since.isoformat(),
            "detail": self.detail,
            "text": self.text,
        }


def unconfirmed(store: Store, tenant: str) -> list[Unconfirmed]:
    """The tenant's letters and e-mails waiting for `confirm`, oldest first."""
    items = [
        Unconfirmed(
            tenant=tenant,
            key=r.letter.key,
            kind="letter",
            what=f"{r.letter.action.value} {r.letter.step}",
            customer=r.letter.customer_id,
            invoices=tuple(d.invoice_id for d in r.letter.decisions),
            since=r.unconfirmed_at or r.updated_at,
            detail=r.detail,
            text=r.text,
        )
        for r in store.unconfirmed(tenant)
    ]
    items.extend(
        Unconfirmed(
            tenant=tenant,
            key=m.key,
            kind="e-mail",
            what=f"e-mail to {m.recipient}: {m.subject}",
            customer="",
            invoices=(),
            since=m.updated_at,
            detail=(
                f"could not confirm the e-mail (Message-ID {m.message_id}): the process stopped "
                "during the SMTP conversation"
            ),
            text="",
        )
        for m in store.unconfirmed_mail(tenant)
    )
    return items


def print_unconfirmed(items: list[Unconfirmed]) -> None:
    """Print the writes waiting for the accountant, each with its letter."""
    console.print("Could not confirm (settle each with `dunning-bridge confirm`):")
    for u in items:
        head = f"- {u.tenant} {u.key}: {u.what}"
        if u.customer:
            head += f", customer {u.customer}, invoices {', '.join(u.invoices)}"
        console.print(head, markup=False)
        console.print(f"  {u.detail}", markup=False)
        if u.text:
            console.print("  The letter:", markup=False)
            for line in u.text.splitlines():
                console.print(f"    {line}", markup=False)
        console.print(
            f"  Then: dunning-bridge confirm {u.tenant} {u.key} --sent | --rejected | --not-sent",
            markup=False,
        )


def confirm_command(
    settings: Settings, tenant: str, key: str, verdict: str, note: str, *, as_json: bool
) -> int:
    """Record the accountant's word; exit 2 when nothing waits under the key."""
    try:
        _selected(settings, tenant)
        with _store(settings) as store:
            wanted = _resolve(store, tenant, key.strip())
            what, state = store.confirm(tenant, wanted, verdict, at=datetime.now(UTC), note=note)
    except BridgeError as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    if as_json:
        _emit({"tenant": tenant, "key": wanted, "kind": what, "verdict": verdict, "state": state})
        return 0
    after = {
        "issued": "recorded as sent",
        "rejected": "recorded as rejected: the same step is not proposed again",
        "cancelled": "recorded as not sent: the next cycle writes it again",
        "intended": "recorded as not sent: the next cycle sends this e-mail again (once)",
        "sent": "recorded as sent",
        "failed": "recorded as not sent",
    }[state]
    console.print(f"{tenant} {wanted}: {after}.", markup=False)
    return 0


def _resolve(store: Store, tenant: str, key: str) -> str:
    """A unique prefix of a waiting key names it; anything else is passed on as given."""
    keys = [u.key for u in unconfirmed(store, tenant)]
    if key in keys:
        return key
    hits = [k for k in keys if key and k.startswith(key)]
    if len(hits) > 1:
        raise BridgeError(f"{key!r} names {len(hits)} writes waiting for confirmation; give more")
    return hits[0] if hits else key
