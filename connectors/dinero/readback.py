"""Reading back what the bridge wrote to Dinero: reminder drafts and contact notes.

``find`` looks a letter up by its key (after a crash or a timeout); ``reconcile`` tells which
waiting drafts were booked or deleted, keeping what it found in the tenant's feed snapshot
(READBACK) so the next read-back reads only the invoices ``changesSince`` lists.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bridge.vocab.connector import Pending
from bridge.vocab.domain import StepStatus, WriteResult
from bridge.vocab.feeds import add_written, full_sweep_due, keep, swept_at
from connectors.dinero import mapping
from connectors.dinero.feed import CLOCK_SKEW, OPEN_STATUSES, PAID_STATUSES
from connectors.dinero.state import DineroState

# The document of a proposal left as a contact note: ``note:<contact>/<note id or key>``.
NOTE_PREFIX = "note:"

# The feed snapshot of the last read-back of our waiting drafts and notes (reconcile), and the
# shape of its body: {"states": {"<invoice guid>/<reminder id>" or a note document: state}}.
READBACK = "dinero.readback"
READBACK_VERSION = 1


@dataclass(frozen=True, slots=True)
class _Hint:
    """Where a letter was written, kept in process so a read-back costs a call, not a scan."""

    invoices: tuple[str, ...]
    contact: str


# Per (tenant, letter key): written before the POST leaves, read by find() after a timeout.
_HINTS: dict[tuple[str, str], _Hint] = {}
_HINTS_LOCK = threading.Lock()


def forget_hints() -> None:
    """Drop every read-back hint, as a restart does (tests use it to take the scan path)."""
    with _HINTS_LOCK:
        _HINTS.clear()


def remember_hint(tenant: str, letter_key: str, invoices: tuple[str, ...], contact: str) -> None:
    """Note where a letter is written, before the POST leaves (find() reads it after a timeout)."""
    with _HINTS_LOCK:
        _HINTS[(tenant, letter_key)] = _Hint(invoices, contact)


class Readback(DineroState):
    """Session.find and Session.reconcile for Dinero."""

    def find(self, letter_key: str) -> WriteResult | None:
        """Find the reminders or note carrying ``letter_key``.

        In the process that wrote it, the hint names the invoices and contact (a few calls);
        after a restart every overdue invoice's reminders and every contact's notes are
        searched, which is slow for a large organization but happens only after a crash.
        """
        with _HINTS_LOCK:
            hint = _HINTS.get((self.ctx.tenant, letter_key))
        if hint is not None:
            invoices: Iterable[str] = hint.invoices
            contacts: Iterable[str] = (hint.contact,)
        else:
            invoices = (mapping.invoice_guid(i) for i in self.client.invoices(("Overdue",)))
            contacts = (str(c.get("ContactGuid")) for c in self.client.contacts())
        found = [
            (guid, raw)
            for guid in invoices
            for raw in self._reminders_or_none(guid)
            if mapping.reminder_key(raw) == letter_key and not mapping.is_deleted(raw)
        ]
        if found:
            documents = ",".join(f"{g}/{mapping.reminder_id(r)}" for g, r in found)
            draft = any(mapping.is_draft(r) for _, r in found)
            return WriteResult(
                letter_key,
                documents,
                StepStatus.PENDING if draft else StepStatus.ISSUED,
                f"reminder(s) {documents} found by key",
            )
        for contact in contacts:
            for note in self._notes_or_none(contact):
                if mapping.note_key(note) == letter_key:
                    document = f"{NOTE_PREFIX}{contact}/{mapping.note_id(note)}"
                    return WriteResult(
                        letter_key, document, StepStatus.PENDING, f"note {document} found by key"
                    )
        return None

    def reconcile(self, pending: Sequence[Pending]) -> Iterator[WriteResult]:
        """Booked reminders -> issued; deleted drafts or notes -> rejected; the rest pending.

        Dinero lists reminders per invoice only, so a read-back of every waiting draft cost one
        request per invoice per cycle. What the last read-back found is kept in the tenant's
        feed snapshot (READBACK): the next one lists the invoices changed since
        (``changesSince``, usually one page) and reads the reminders of those only. Booking a
        draft moves the invoice's ``UpdatedAt``; deleting one may not (the sandbox's does not,
        and nothing in Dinero's documentation says it does), so a whole read-back runs when the
        last is older than ``full_sweep_days``: a deleted draft is seen then at the latest.
        Notes are kept likewise (a contact note's deletion moves nothing a feed lists).
        """
        if not pending:
            return
        now = datetime.now(UTC)
        feeds = self.ctx.feeds
        kept = feeds.load(READBACK) if feeds is not None else None
        whole = full_sweep_due(kept, version=READBACK_VERSION, now=now, options=self.ctx.options)
        known: dict[str, str] = {}
        changed: set[str] = set()
        if not whole and kept is not None:
            known = {str(k): str(v) for k, v in dict(kept.body.get("states", {})).items()}
            changed = self._changed_invoices(kept.watermark - CLOCK_SKEW)
        states: dict[str, str] = {}
        reads: dict[str, list[Any]] = {}
        notes: dict[str, set[str]] = {}
        for item in pending:
            if item.document.startswith(NOTE_PREFIX):
                state = known.get(item.document)
                if state == "kept":
                    result = item.result(StepStatus.PENDING, "note kept")
                else:
                    result = self._reconcile_note(item, notes)
                if result.status is StepStatus.PENDING:
                    states[item.document] = "kept"
                yield result
                continue
            parts = item.document.split(",")
            found: list[str] = []
            for part in parts:
                guid = part.partition("/")[0]
                state = known.get(part)
                if state is None or guid in changed:
                    state = self._reminder_state(part, reads)
                states[part] = state
                found.append(state)
            yield readback_result(item, found)
        if feeds is not None:
            swept = swept_at(kept, whole=whole, now=now)
            keep(feeds, READBACK, READBACK_VERSION, {"states": states}, swept_at=swept, now=now)

    def _keep_written(self) -> None:
        """Add the drafts and notes written by this session to the read-back snapshot.

        A draft just written is a waiting draft: the next reconcile need not read it back
        unless ``changesSince`` lists its invoice. The watermark is the earliest of the
        snapshot's and the first write's, so whatever happened to a draft after it was written
        is listed then; a new snapshot counts as a whole read-back from the first write on.
        """
        feeds, since = self.ctx.feeds, self._written_since
        if feeds is None or since is None or not self._written:
            return
        add_written(feeds, READBACK, READBACK_VERSION, "states", self._written, since=since)
        self._written = {}

    def _changed_invoices(self, since: datetime) -> set[str]:
        """The invoices Dinero lists as changed since ``since`` (a booked reminder moves one)."""
        return {
            str(item["Guid"])
            for item in self.client.invoices((*OPEN_STATUSES, *PAID_STATUSES), changes_since=since)
            if isinstance(item, Mapping) and item.get("Guid")
        }

    def _reminder_state(self, part: str, reads: dict[str, list[Any]]) -> str:
        """``draft``, ``booked`` or ``gone``: the reminder ``guid/id`` as Dinero has it now."""
        guid, _, ident = part.partition("/")
        if guid not in reads:
            reads[guid] = self._reminders_or_none(guid)
        match = next(
            (r for r in reads[guid] if str(r.get("Id")) == ident and not mapping.is_deleted(r)),
            None,
        )
        return "gone" if match is None else "draft" if mapping.is_draft(match) else "booked"

    def _reconcile_note(self, item: Pending, cache: dict[str, set[str]]) -> WriteResult:
        """A note kept (found by its Id or, for documents that name no note Id, by our key)."""
        contact, _, note = item.document[len(NOTE_PREFIX) :].partition("/")
        if contact not in cache:
            live = [n for n in self._notes_or_none(contact) if not n.get("DeletedAt")]
            cache[contact] = {mapping.note_id(n) for n in live} | {
                key for n in live if (key := mapping.note_key(n)) is not None
            }
        if note in cache[contact] or item.letter_key in cache[contact]:
            return item.result(StepStatus.PENDING, "note kept")
        return item.result(
            StepStatus.REJECTED, f"note {item.document} was deleted: the proposal is rejected"
        )


def readback_result(item: Pending, states: Sequence[str]) -> WriteResult:
    """What a letter's reminders' states (draft, booked, gone) make of it."""
    if "draft" in states:
        return item.result(StepStatus.PENDING, "draft")
    if "booked" in states:
        return item.result(StepStatus.ISSUED, "booked by the accountant")
    return item.result(
        StepStatus.REJECTED, f"reminder draft(s) {item.document} deleted without being booked"
    )
