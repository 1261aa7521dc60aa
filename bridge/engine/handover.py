"""Hand-over to collection: check the preconditions, build the case file, deliver it once.

A hand-over is not a document in the accounting system: it is a case for the tenant's
collection agency. The case file holds the debtor's identity, every invoice with principal,
fees, compensation and interest to date, the letters sent with their dates and deadlines, and
the dispute history, as JSON (complete), CSV (one row per invoice, and per letter) and a PDF
summary. It is delivered to a folder (option ``handover_folder``, default ``handovers/`` next to
the state database) and/or by e-mail to the agency (option ``handover_email``), then recorded
in the store, so the invoice is never dunned again.

Exactly once: the case id derives from the letter key (the folder's name carries it, and
``case.json`` holds the key itself), a folder delivery is one atomic rename, and the e-mail goes
through the mailer, which never sends one key twice. The outbox holds the letter's intent before
anything is delivered; after a crash the read-back (:func:`find_delivered`) asks the folder, not
the database, whether the case went out:

- the case folder is there and its ``case.json`` carries the key -> delivered;
- the bridge's journal (``.delivered/<case id>.json`` in the hand-over folder, never taken by
  the agency) says ``delivered`` -> delivered, even when the agency has taken the folder since;
- the journal says ``staged`` (written once the staging folder is complete, just before the
  rename) and neither the staging folder nor the case folder is there -> the rename happened
  and the agency took the case: delivered;
- otherwise (no journal entry, or the staging folder still there) -> never delivered.

So a SIGKILL between the rename and the database record is read back as delivered: no second
case for the same claims, none for a claim paid in between, no case delivered again after the
agency took it. The agency must leave the hidden entries (``.delivered/``, ``.*.partial``)
alone.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from bridge.engine.handover_summary import Summary, csv_text, letter_name, sections_and_tables
from bridge.engine.letter_creditor import Creditor
from bridge.engine.letter_pdf import table_pdf
from bridge.infra import failpoints
from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    Dispute,
    InterestCharge,
    Invoice,
    Letter,
    Payment,
    StepRecord,
    StepStatus,
)
from bridge.vocab.errors import BridgeError
from bridge.vocab.safenames import check_name
from policies.claim import Claim
from policies.claim import build as build_claim
from policies.rules import dispute_span, disputed_between

if TYPE_CHECKING:
    from policies.ladder import TenantPolicy
    from policies.law import LawPack

CASE_FORMAT: Final[int] = 1
CASE_FILES: Final[tuple[str, ...]] = ("case.json", "invoices.csv", "letters.csv", "summary.pdf")
# The bridge's own record of folder deliveries, inside the hand-over folder (see the docstring).
JOURNAL: Final[str] = ".delivered"
STAGED: Final[str] = "staged"
DELIVERED: Final[str] = "delivered"
# The minimum deadline of a collection warning when the step recorded none (DK: 10 days).
_FALLBACK_WARNING_DAYS: Final[int] = 10

Accrual = Callable[[Invoice, Sequence[StepRecord]], InterestCharge | None]


class HandoverNotReady(BridgeError):
    """A precondition of the hand-over does not hold (or there is nowhere to deliver it)."""


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A hand-over case: its id, the data, and the files rendered from it."""

    case_id: str
    data: dict[str, Any]
    files: dict[str, bytes]


def case_id(letter_key: str) -> str:
    """The case id of a hand-over letter: stable, so a retry finds the same case."""
    return "case-" + letter_key.removeprefix("dl-")


def check_case_id(cid: str) -> str:
    """Return a case id that is one plain folder name; raise ConfigError for anything else."""
    return check_name(cid, "case id")


def preconditions(
    letter: Letter,
    history: Iterable[StepRecord],
    disputes: Iterable[Dispute],
    today: date,
    handed_over: Iterable[str] = (),
) -> list[str]:
    """Say what stops the hand-over: no warning sent, deadline not passed, a dispute open, or
    the warning's deadline ran during a dispute."""
    steps = list(history)
    open_disputes = list(disputes)
    done = set(handed_over)
    problems: list[str] = []
    for d in letter.decisions:
        invoice = d.invoice_number
        if d.invoice_id in done:
            problems.append(f"invoice {invoice} was already handed over")
            continue
        warnings = [
            s
            for s in steps
            if s.invoice_id == d.invoice_id
            and s.action is ActionKind.COLLECTION_WARNING
            and s.status is StepStatus.ISSUED
        ]
        if not warnings:
            problems.append(f"invoice {invoice}: no collection warning was sent")
            continue
        last = max(warnings, key=lambda s: s.date)
        deadline = last.deadline or last.date + timedelta(days=_FALLBACK_WARNING_DAYS)
        if today <= deadline:
            problems.append(
                f"invoice {invoice}: the warning's deadline {deadline.isoformat()} has not passed"
            )
        # No hand-over on a deadline the debtor spent disputing the claim (docs/holds.md): the
        # engine renews the warning first; this guards a hand-over decided otherwise.
        mine = [x for x in open_disputes if x.invoice_id == d.invoice_id]
        ran = disputed_between(last.date, deadline, mine)
        if ran is not None and not ran.covers(today):
            problems.append(
                f"invoice {invoice}: the warning's deadline {deadline.isoformat()} ran while the "
                f"claim was disputed ({dispute_span(ran, bare=True)}); a renewed warning with a "
                "new deadline goes first"
            )
        if any(x.invoice_id == d.invoice_id and x.covers(today) for x in open_disputes):
            problems.append(f"invoice {invoice} is disputed")
    return problems


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _party(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "name": customer.name,
        "kind": customer.kind.value,
        "org_number": customer.org_number,
        "address": customer.address,
        "country": customer.country,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
    }


def _creditor(creditor: Creditor) -> dict[str, Any]:
    return {
        "name": creditor.name,
        "org_number": creditor.org_number or None,
        "address": creditor.address or None,
        "email": creditor.email or None,
        "phone": creditor.phone or None,
        "agency": creditor.agency or None,
    }


def _invoice_row(invoice: Invoice, claim: Claim) -> dict[str, Any]:
    """One invoice of the case, every amount read off its claim (policies/claim.py)."""
    accrued = claim.accrued
    running = accrued.interest if accrued else None
    return {
        "id": invoice.id,
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "amount": _amount(invoice.amount),
        "principal": _amount(claim.principal),
        # Charges still unpaid: what the creditor's letters charged less what was paid of it.
        "fees": _amount(claim.fees),
        "compensation": _amount(claim.compensation),
        "interest_charged": _amount(claim.interest_charged),
        "interest_accrued": _amount(claim.interest_accrued),
        "interest_accrued_from": _day(accrued.start) if accrued else None,
        "interest_accrued_to": _day(accrued.end) if accrued else None,
        "interest_rate": str(running.rate) if running else None,
        # The accrued interest period by period: a rate change or a part payment starts a new one.
        "interest_periods": [
            {
                "from": p.start.isoformat(),
                "to": p.end.isoformat(),
                "rate": str(p.rate),
                "days": p.days,
                "principal": _amount(p.principal),
            }
            for p in (running.periods if running else ())
        ],
        # Every item of the claim: what was charged, when, what of it was paid and is owed.
        "items": [
            {
                "kind": item.kind.value,
                "charged_on": _day(item.day),
                "step": item.step,
                "from": _day(item.start),
                "to": _day(item.end),
                "rate": str(item.rate) if item.rate is not None else None,
                "charged": _amount(item.charged),
                "paid": _amount(item.paid),
                "unpaid": _amount(item.unpaid),
            }
            for item in claim.items
        ],
        "total": _amount(claim.total),
    }


def _step_row(step: StepRecord, numbers: Mapping[str, str], name: str = "") -> dict[str, Any]:
    return {
        "invoice": numbers.get(step.invoice_id, step.invoice_id),
        # The letter by the name its debtor read, in the case's language (betalingsoppfordring).
        "name": name,
        "action": step.action.value,
        "step": step.step,
        "date": step.date.isoformat(),
        "deadline": _day(step.deadline),
        "fee": _amount(step.fee),
        "interest": _amount(step.interest),
        "compensation": _amount(step.compensation),
        "status": step.status.value,
        "source": step.source,
        "document": step.document,
    }


def build_case(
    letter: Letter,
    *,
    customer: Customer,
    invoices: Mapping[str, Invoice],
    history: Iterable[StepRecord],
    disputes: Iterable[Dispute],
    creditor: Creditor,
    today: date,
    accrue: Accrual | None = None,
    cover: str = "",
    lang: str = "en",
    country: str = "DK",
) -> CaseFile:
    """Assemble the case: the data once, and JSON, CSV and PDF rendered from it.

    ``lang`` is the tenant's language, the hand-over letter's: the PDF summary is worded in it.
    """
    ids = [d.invoice_id for d in letter.decisions]
    missing = [i for i in ids if i not in invoices]
    if missing:
        raise HandoverNotReady(f"invoice(s) {', '.join(missing)} not in the snapshot")
    all_steps = sorted(
        (s for s in history if s.invoice_id in ids and s.action is not ActionKind.HANDOVER),
        key=lambda s: (s.date, s.invoice_id, s.step),
    )
    rows = []
    for decision in letter.decisions:
        invoice = invoices[decision.invoice_id]
        own = [s for s in all_steps if s.invoice_id == decision.invoice_id]
        # The engine's claim, which the cover letter and the explanation state too; a decision
        # read back from the store has none, and the history and the accrual make it again.
        claim = decision.claim or build_claim(
            invoice, own, accrued=accrue(invoice, own) if accrue else None
        )
        rows.append(_invoice_row(invoice, claim))
    numbers = {i: invoices[i].number for i in ids}
    totals = {
        key: _amount(sum((Decimal(r[key]) for r in rows), ZERO))
        for key in ("principal", "fees", "compensation", "interest_charged", "interest_accrued")
    }
    totals["total"] = _amount(sum((Decimal(r["total"]) for r in rows), ZERO))
    cid = case_id(letter.key)
    data: dict[str, Any] = {
        "format": CASE_FORMAT,
        "case_id": cid,
        "letter_key": letter.key,
        "tenant": letter.tenant,
        "prepared_on": today.isoformat(),
        "currency": letter.currency,
        "creditor": _creditor(creditor),
        "debtor": _party(customer),
        "invoices": rows,
        "totals": totals,
        "letters": [
            _step_row(s, numbers, _name(s, all_steps, country=country, lang=lang))
            for s in all_steps
        ],
        "disputes": [
            {"invoice": numbers[x.invoice_id], "from": _day(x.start), "to": _day(x.end)}
            for x in sorted(disputes, key=lambda x: (x.invoice_id, x.start))
            if x.invoice_id in numbers
        ],
        # Promises to pay are not recorded by any source system yet; the key is kept so an
        # agency's import sees the field from the first case on.
        "promises": [],
        "cover_letter": cover,
        "language": lang,
    }
    return CaseFile(cid, data, _files(data, lang))


def _name(step: StepRecord, steps: Sequence[StepRecord], *, country: str, lang: str) -> str:
    """The letter's own name (handover_summary.letter_name): a Norwegian warning after an
    issued warning on the same invoice is the betalingsoppfordring."""
    follows = step.action is ActionKind.COLLECTION_WARNING and any(
        s.action is ActionKind.COLLECTION_WARNING
        and s.status is StepStatus.ISSUED
        and s.invoice_id == step.invoice_id
        and s.date < step.date
        for s in steps
    )
    return letter_name(
        Summary(lang),
        action=step.action.value,
        step=step.step,
        country=country,
        follows_warning=follows,
        source=step.source,
    )


def _csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], lang: str = "en") -> bytes:
    """A CSV in the case's language: localised headings and decimal signs (csv_text)."""
    headings, cells, separator = csv_text(rows, columns, lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(cells)
    return out.getvalue().encode("utf-8")


_INVOICE_COLUMNS: Final[tuple[str, ...]] = (
    "number",
    "issue_date",
    "due_date",
    "amount",
    "principal",
    "fees",
    "compensation",
    "interest_charged",
    "interest_accrued",
    "interest_accrued_from",
    "interest_accrued_to",
    "interest_rate",
    "total",
)
_LETTER_COLUMNS: Final[tuple[str, ...]] = (
    "invoice",
    "name",
    "date",
    "deadline",
    "fee",
    "interest",
    "compensation",
    "status",
    "document",
)


def _files(data: Mapping[str, Any], lang: str = "en") -> dict[str, bytes]:
    title, sections, tables = sections_and_tables(data, lang)
    return {
        "case.json": (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        "invoices.csv": _csv(data["invoices"], _INVOICE_COLUMNS, lang),
        "letters.csv": _csv(data["letters"], _LETTER_COLUMNS, lang),
        "summary.pdf": table_pdf(
            title, sections, tables, when=date.fromisoformat(data["prepared_on"])
        ),
    }


def _journal_entry(folder: Path, cid: str) -> Path:
    return folder / JOURNAL / f"{cid}.json"


def _journal_state(folder: Path, cid: str, letter_key: str) -> str | None:
    """The journal's word on a case: ``staged``, ``delivered``, or None (no entry, or not ours)."""
    try:
        entry = json.loads(_journal_entry(folder, cid).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("letter_key") != letter_key:
        return None
    state = entry.get("state")
    return state if state in (STAGED, DELIVERED) else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(folder: Path, cid: str, letter_key: str, state: str) -> None:
    """Write the journal entry of a case atomically (temporary file, fsync, rename)."""
    journal = folder / JOURNAL
    journal.mkdir(mode=0o700, exist_ok=True)
    entry = {"case_id": cid, "letter_key": letter_key, "state": state}
    tmp = journal / f".{cid}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, _journal_entry(folder, cid))
    _fsync_dir(journal)


def _case_key(target: Path) -> str | None:
    try:
        data = json.loads((target / "case.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = data.get("letter_key") if isinstance(data, dict) else None
    return key if isinstance(key, str) else None


def find_delivered(folder: Path, letter_key: str) -> Path | None:
    """Read back a folder delivery by the letter's key: the case's path when it was delivered
    (still there, or taken by the agency since), None when it never was."""
    cid = check_case_id(case_id(letter_key))
    target = folder / cid
    if _case_key(target) == letter_key:
        return target
    state = _journal_state(folder, cid, letter_key)
    if state == DELIVERED:
        return target
    staging = folder / f".{cid}.partial"
    if state == STAGED and not staging.exists() and not target.exists():
        return target  # renamed into place, then taken by the agency
    return None


def deliver_to_folder(case: CaseFile, folder: Path) -> tuple[Path, bool]:
    """Write the case into ``folder/<case id>/`` in one rename; False when it was already there.

    "Already there" is asked of :func:`find_delivered`, so a case the agency has taken is not
    delivered again.
    """
    cid = check_case_id(case.case_id)
    target = folder / cid
    key = str(case.data.get("letter_key", ""))
    if target.is_dir() and (target / "case.json").is_file():
        return target, False
    if key and find_delivered(folder, key) is not None:
        return target, False
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".{cid}.partial"
    entry = _journal_entry(folder, cid)
    if entry.exists():
        entry.unlink()  # "staged" with the staging folder still there: nothing was delivered
    if staging.exists():
        shutil.rmtree(staging)  # left by an interrupted delivery: nothing of it was delivered
    staging.mkdir(mode=0o700)
    for name, content in case.files.items():
        path = staging / name
        with path.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    _fsync_dir(staging)
    if key:
        _write_journal(folder, cid, key, STAGED)
    os.replace(staging, target)
    _fsync_dir(folder)
    failpoints.reached("handover.renamed")
    if key:
        _write_journal(folder, cid, key, DELIVERED)
    return target, True


def interest_accrual(
    law: LawPack,
    policy: TenantPolicy,
    customers: Mapping[str, Customer],
    payments: Iterable[Payment],
    today: date,
) -> Accrual:
    """Interest accrued and not yet charged, from the day after the last charge through today."""
    from policies.claim import interest_principal  # noqa: PLC0415
    from policies.interest import accrue, first_interest_day  # noqa: PLC0415

    paid = list(payments)

    def accrued(invoice: Invoice, steps: Sequence[StepRecord]) -> InterestCharge | None:
        charged = [
            s.interest_to for s in steps if s.interest_to and s.status is not StepStatus.REJECTED
        ]
        first = first_interest_day(law, invoice.due_date, lenient=policy.lenient_due_date)
        start = max(first, max(charged) + timedelta(days=1)) if charged else first
        return accrue(
            law,
            due_date=invoice.due_date,
            kind=customers[invoice.customer_id].kind,
            start=start,
            end=today,
            principal=interest_principal(invoice, steps, paid, law.payment_allocation.order),
            day_count=policy.day_count,
        )

    return accrued
