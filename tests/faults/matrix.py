"""The fault matrix: run real cycles under faults, recover, and count documents per decision.

Two kinds of fault:

- process kills: a subprocess runs `dunning-bridge cycle` and is SIGKILLed at a fail point
  (bridge/infra/failpoints.py); the next process recovers;
- HTTP faults: the sandbox answers badly (time-out after acting, dropped connection, 5xx and 429
  storms, truncated or malformed JSON) for a stretch of requests, in process.

After the fault, cycles run until one writes nothing new. The result is compared with a clean
reference run on the same day: every decision of the reference must be carried by exactly one
live letter and one vendor document (none lost), and no document may carry a key twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import failpoints
from bridge.infra.persisting import PersistingTransport
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.connector import ConnectorDescriptor, Sandbox
from bridge.vocab.faults import Fault
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
BIN = Path(sys.executable).parent / "dunning-bridge"
KILL_POINTS = ("fetched", "intended:1", "attempted:1", "applied:1", "applied:3", "recorded:2")
HTTP_FAULTS: dict[str, list[Fault]] = {
    "timeout after commit": [Fault("timeout_after_commit", method="POST", times=2)],
    "dropped connections": [Fault("drop", times=3)],
    "5xx storm": [Fault("status", status=503, times=4), Fault("status", status=502, times=2)],
    "429 storm": [Fault("status", status=429, retry_after=1, times=5)],
    "truncated JSON": [Fault("truncated", times=2)],
    "malformed JSON": [Fault("malformed", times=2)],
    "write answered 500 after acting": [Fault("timeout_after_commit", method="POST", times=60)],
}


@dataclass
class Cell:
    """One cell of the matrix."""

    connector: str
    fault: str
    runs: int = 0
    duplicates: int = 0
    lost: int = 0
    note: str = ""
    # Letters left "could not confirm" for the accountant (no document, decisions held): by
    # design neither lost nor duplicated, shown beside the cell.
    unconfirmed: int = 0


def systems() -> list[str]:
    """Connectors whose sandbox can count documents by key (all should)."""
    out = []
    for key, descriptor in sorted(registry.connectors().items()):
        if hasattr(descriptor.sandbox(None, TODAY), "documents_by_key"):
            out.append(key)
    return out


def tenant(folder: Path, descriptor: ConnectorDescriptor) -> TenantSettings:
    """A review-mode tenant on the connector's file-backed sandbox."""
    return TenantSettings(
        system=descriptor.key,
        country=descriptor.country,
        sandbox_state=folder / "sandbox.json",
        options=dict(CONTACT),
    )


# Who to ask about a claim: a collection warning without it waits (bridge/engine/letter_checks.py),
# and the matrix covers warnings and hand-overs too.
CONTACT = {"company_email": "bogholderi@kontor.example", "company_phone": "+45 12 34 56 78"}


def env_file(folder: Path, descriptor: ConnectorDescriptor) -> Path:
    """The env file a subprocess reads: the same tenant as :func:`tenant`."""
    path = folder / "bridge.env"
    path.write_text(
        f"BRIDGE_DATABASE={folder}/state.sqlite3\n"
        "BRIDGE_LOG_FORMAT=json\n"
        f"BRIDGE_TENANTS__T__SYSTEM={descriptor.key}\n"
        f"BRIDGE_TENANTS__T__COUNTRY={descriptor.country}\n"
        f"BRIDGE_TENANTS__T__SANDBOX_STATE={folder}/sandbox.json\n"
        + "".join(f"BRIDGE_TENANTS__T__OPTIONS__{k.upper()}={v}\n" for k, v in CONTACT.items()),
        encoding="utf-8",
    )
    return path


def cycle_subprocess(
    folder: Path, descriptor: ConnectorDescriptor, failpoint: str | None
) -> tuple[int, str]:
    """Run one `dunning-bridge cycle` in a child process; return its exit code and stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    if failpoint:
        env[failpoints.ENV] = failpoint
    done = subprocess.run(
        [
            str(BIN),
            "cycle",
            "--env-file",
            str(env_file(folder, descriptor)),
            "--json",
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stderr[-400:]


def run_once(store: Store, settings: TenantSettings, **kwargs: object) -> int:
    """One in-process cycle; return how many letters it wrote."""
    moment = datetime.combine(TODAY, time(7), tzinfo=UTC)
    opts = CycleOptions(today=TODAY, now=moment, **kwargs)  # type: ignore[arg-type]
    outcome = run_tenant(store, "t", settings, opts)
    return len(outcome.written)


def settle(store: Store, settings: TenantSettings, limit: int = 6) -> int:
    """Run cycles until one writes nothing; return how many ran."""
    for n in range(1, limit + 1):
        wrote = run_once(store, settings)
        waiting = len(store.unresolved("t")) - len(store.unconfirmed("t"))
        if wrote == 0 and not waiting:
            return n
    raise AssertionError(f"still writing after {limit} cycles")


def reference(folder: Path, descriptor: ConnectorDescriptor) -> set[str]:
    """Decision keys a clean run on the same day writes."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = tenant(folder, descriptor)
    with open_store(folder / "state.sqlite3") as store:
        run_once(store, settings)
        return live_decisions(store)[0]


def live_decisions(store: Store) -> tuple[set[str], int]:
    """The decision keys carried by live letters, and how many times one was carried twice."""
    seen: set[str] = set()
    twice = 0
    for row in store.letters("t"):
        if row.state in {"cancelled", "rejected"}:
            continue
        for decision in row.letter.decisions:
            twice += decision.key in seen
            seen.add(decision.key)
    return seen, twice


def judge(cell: Cell, folder: Path, descriptor: ConnectorDescriptor, expected: set[str]) -> Cell:
    """Fill in duplicates and lost for a recovered run."""
    settings = tenant(folder, descriptor)
    assert settings.sandbox_state is not None
    documents = descriptor.sandbox(settings.sandbox_state, TODAY).documents_by_key()
    with open_store(folder / "state.sqlite3") as store:
        keys, twice = live_decisions(store)
        letters = {r.letter.key for r in store.letters("t") if r.state not in {"cancelled"}}
        unsure = {r.letter.key for r in store.unconfirmed("t")}
    cell.duplicates = twice + sum(n - 1 for n in documents.values() if n > 1)
    cell.duplicates += len(set(documents) - letters)  # a document no live letter knows about
    cell.duplicates += len(unsure & set(documents))  # held for a person, yet written anyway
    cell.lost = len(expected - keys) + len(letters - unsure - set(documents))
    cell.unconfirmed = len(unsure)
    return cell


def kill_cell(root: Path, descriptor: ConnectorDescriptor, point: str, expected: set[str]) -> Cell:
    """SIGKILL a cycle at ``point``, then recover in fresh processes."""
    folder = root / f"{descriptor.key}-{point.replace(':', '-')}"
    folder.mkdir(parents=True)
    cell = Cell(descriptor.key, f"SIGKILL at {point}")
    code, err = cycle_subprocess(folder, descriptor, point)
    cell.runs = 1
    if code != -9:
        cell.note = f"fail point not reached (exit {code}): {err}"
    for _ in range(4):
        cell.runs += 1
        code, err = cycle_subprocess(folder, descriptor, None)
        if code != 0:
            cell.note = f"recovery run exited {code}: {err}"
            break
        with open_store(folder / "state.sqlite3") as store:
            waiting = len(store.unresolved("t")) - len(store.unconfirmed("t"))
            if not waiting and not _wrote_last(store):
                break
    return judge(cell, folder, descriptor, expected)


# The accountant deletes the draft of the letter a kill at ``applied:1`` left unrecorded, before
# the next cycle: the "deleted before the read-back" story, as a cell of the matrix.
DELETED_CELL = "SIGKILL at applied:1, draft deleted before the next cycle"


def delete_drafts_of(descriptor: ConnectorDescriptor, path: Path, key: str) -> int:
    """Delete every draft carrying ``key`` as the accountant does in the vendor's UI (each
    sandbox's own way: e-conomic deletes the draft, Dinero the reminder draft, Fortnox cancels
    the unbooked invoice, Tripletex deletes the order); return how many."""
    sandbox: Any = descriptor.sandbox(path, TODAY)
    deleted = 0
    if descriptor.key == "economic":
        drafts = sandbox.state()["drafts"]
        for draft in list(drafts.values() if isinstance(drafts, dict) else drafts):
            if (draft.get("references") or {}).get("other") == key:
                sandbox.delete_draft(int(draft["draftInvoiceNumber"]))
                deleted += 1
    elif descriptor.key == "dinero":
        from connectors.dinero import mapping as dinero_mapping  # noqa: PLC0415

        for guid, reminder in sandbox.drafts():
            if dinero_mapping.reminder_key(reminder) == key:
                sandbox.delete_reminder(guid, int(reminder["Id"]))
                deleted += 1
    elif descriptor.key == "fortnox":
        for invoice in sandbox.unbooked():
            if invoice.get("ExternalInvoiceReference1") == key:
                sandbox.reject_draft(str(invoice["DocumentNumber"]))
                deleted += 1
    elif descriptor.key == "tripletex":
        for order in sandbox.our_orders():
            if str(order.get("reference") or order["deliveryComment"].split()[1]) == key:
                sandbox.delete_order(int(order["id"]))
                deleted += 1
    else:
        raise AssertionError(f"no way to delete a {descriptor.key} draft in the matrix")
    sandbox.save(path)
    return deleted


@dataclass
class Deleted:
    """What became of the letter whose draft the accountant deleted."""

    key: str
    state: str  # the outbox state after recovery
    unconfirmed: bool  # waiting for the accountant's word ("could not confirm")
    documents_before: int  # documents carrying the key right after the deletion
    documents_after: int  # ... after recovery (more: written again blindly)


def deleted_cell(
    root: Path, descriptor: ConnectorDescriptor, expected: set[str]
) -> tuple[Cell, Deleted]:
    """SIGKILL at ``applied:1``, the accountant deletes that letter's draft, then recover."""
    folder = root / f"{descriptor.key}-applied-1-deleted"
    folder.mkdir(parents=True)
    cell = Cell(descriptor.key, DELETED_CELL)
    code, err = cycle_subprocess(folder, descriptor, "applied:1")
    cell.runs = 1
    if code != -9:
        cell.note = f"fail point not reached (exit {code}): {err}"
    with open_store(folder / "state.sqlite3") as store:
        interrupted = [r.letter for r in store.unresolved("t")]
    if len(interrupted) != 1:
        cell.note = f"expected one interrupted letter, found {len(interrupted)}"
        return cell, Deleted("", "", False, 0, 0)
    letter = interrupted[0]
    if not delete_drafts_of(descriptor, folder / "sandbox.json", letter.key):
        cell.note = f"no draft carried {letter.key}: the cell would prove nothing"
    sandbox = descriptor.sandbox(folder / "sandbox.json", TODAY)
    before = sandbox.documents_by_key().get(letter.key, 0)
    for _ in range(4):
        cell.runs += 1
        code, err = cycle_subprocess(folder, descriptor, None)
        if code != 0:
            cell.note = f"recovery run exited {code}: {err}"
            break
        with open_store(folder / "state.sqlite3") as store:
            waiting = len(store.unresolved("t")) - len(store.unconfirmed("t"))
            if not waiting and not _wrote_last(store):
                break
    sandbox = descriptor.sandbox(folder / "sandbox.json", TODAY)
    documents = sandbox.documents_by_key()
    with open_store(folder / "state.sqlite3") as store:
        row = store.letter(letter.key)
        unsure = {r.letter.key for r in store.unconfirmed("t")}
        keys, twice = live_decisions(store)
        letters = {r.letter.key for r in store.letters("t") if r.state not in {"cancelled"}}
    state = row.state if row is not None else "missing"
    fate = Deleted(letter.key, state, letter.key in unsure, before, documents.get(letter.key, 0))
    mine = {d.key for d in letter.decisions}
    others = {k: n for k, n in documents.items() if k != letter.key}
    cell.duplicates = (
        twice
        + sum(n - 1 for n in others.values() if n > 1)
        + len(set(others) - letters)
        + len((unsure - {letter.key}) & set(others))
        + max(0, fate.documents_after - fate.documents_before)  # written again after deletion
    )
    # The deleted letter is lost when its rejection is: neither recorded rejected nor waiting
    # for the accountant. Its decisions are not expected to be live once it is rejected.
    rejection_kept = state == "rejected" or (state == "intended" and fate.unconfirmed)
    cell.lost = (
        len(expected - mine - keys)
        + len(letters - unsure - set(documents) - {letter.key})
        + (0 if rejection_kept else 1)
    )
    cell.unconfirmed = len(unsure)
    return cell, fate


def _wrote_last(store: Store) -> bool:
    runs = store.runs("t", limit=1)
    return bool(runs and runs[0].summary and runs[0].summary.get("written"))


def http_cell(root: Path, descriptor: ConnectorDescriptor, name: str, expected: set[str]) -> Cell:
    """Run a cycle while the sandbox misbehaves, then recover."""
    folder = root / f"{descriptor.key}-{name.replace(' ', '-')}"
    folder.mkdir(parents=True)
    settings = tenant(folder, descriptor)
    assert settings.sandbox_state is not None
    sandbox = descriptor.sandbox(None, TODAY)
    for fault in HTTP_FAULTS[name]:
        sandbox.inject(replace(fault))  # a fault counts down as it is used: inject a copy
    sandbox.save(settings.sandbox_state)
    cell = Cell(descriptor.key, name, runs=1)
    with open_store(folder / "state.sqlite3") as store:
        run_once(
            store,
            settings,
            transport=_saving(sandbox, settings.sandbox_state),
            secrets=StaticSecrets("t", descriptor.sandbox_secrets),
        )
        cell.runs += settle(store, settings)
    return judge(cell, folder, descriptor, expected)


def _saving(sandbox: Sandbox, path: Path) -> PersistingTransport:
    return PersistingTransport(sandbox.transport(), lambda: sandbox.save(path))


def table(cells: list[Cell]) -> str:
    """The matrix as a Markdown table: faults x connectors, each cell runs/duplicates/lost."""
    connectors = sorted({c.connector for c in cells})
    faults = list(dict.fromkeys(c.fault for c in cells))
    by = {(c.fault, c.connector): c for c in cells}
    lines = [
        "| fault | " + " | ".join(f"{k} (runs / dup / lost)" for k in connectors) + " |",
        "|---|" + "---|" * len(connectors),
    ]
    for fault in faults:
        row = []
        for k in connectors:
            c = by.get((fault, k))
            text = "n/a" if c is None else f"{c.runs} / {c.duplicates} / {c.lost}"
            if c is not None and c.unconfirmed:
                text += f" ({c.unconfirmed} could not confirm)"
            row.append(text)
        lines.append(f"| {fault} | " + " | ".join(row) + " |")
    return "\n".join(lines)
