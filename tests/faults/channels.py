"""The fault matrix inside the bridge's own channels: hand-over case folders and SMTP e-mail.

A tenant on the e-conomic sandbox with SMTP (a loopback server, tests/bridge/smtp_server.py), a
task address, pre-due notices and credit holds on, and a hand-over folder plus an agency
address. Day one (16 March) e-mails the notices and a task; the drafts are booked; day two
(30 March) hands cases over (a folder and an e-mail each). A subprocess cycle is SIGKILLed at a
fail point between a channel's act and its record (``handover.renamed``, ``mail.sent``), fresh
processes recover, and the result is compared with a clean run:

- duplicates: an e-mail key received twice, a case folder made twice for one invoice, an invoice
  recorded as handed over twice, a vendor document twice, a decision in two live letters;
- lost: a decision, an e-mail or a hand-over of the clean run missing after recovery.

An e-mail interrupted after the server took it stays "could not confirm" (never resent): it is
neither lost (it arrived) nor a duplicate; the cell's note counts such e-mails. Its letter holds
its invoices until its next step is due, then is superseded and the next step goes out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bridge.infra import failpoints
from bridge.store import open_store
from bridge.vocab import registry
from tests.bridge.smtp_server import HOST, Inbox
from tests.faults.matrix import BIN, Cell, live_decisions

DAY_ONE = date(2026, 3, 16)
DAY_TWO = date(2026, 3, 30)
AGENCY = "sager@inkasso.example"
TASKS = "saelger@kontor.example"
# Fail point -> the day it is armed on.
CHANNEL_POINTS: dict[str, date] = {
    "mail.sent:1": DAY_ONE,
    "mail.sent:2": DAY_ONE,
    "handover.renamed:1": DAY_TWO,
    "mail.sent:1 (agency)": DAY_TWO,
}


@dataclass
class Outcome:
    """What a channel run left behind."""

    decisions: set[str] = field(default_factory=set)
    twice: int = 0
    mail_keys: dict[str, int] = field(default_factory=dict)
    handed: dict[str, int] = field(default_factory=dict)  # invoice -> hand-over records
    case_invoices: dict[str, int] = field(default_factory=dict)  # invoice -> case folders
    documents: dict[str, int] = field(default_factory=dict)
    unconfirmed: int = 0
    invoice_of: dict[str, str] = field(default_factory=dict)  # decision or letter key -> invoice
    held: set[str] = field(default_factory=set)  # invoices of letters left "could not confirm"
    # Decisions whose e-mail the server took, whatever the store says of their letter (one left
    # unconfirmed and then superseded is recorded rejected, yet the debtor has it).
    mailed: set[str] = field(default_factory=set)


def env_file(folder: Path, inbox: Inbox) -> Path:
    """A tenant with every bridge channel on, pointed at the loopback SMTP server."""
    policy = folder / "policy.toml"
    policy.write_text("[pre_due_notice]\nenabled = true\n\n[credit_hold]\nenabled = true\n")
    options = {
        "SMTP_HOST": HOST,
        "SMTP_PORT": str(inbox.port),
        "SMTP_FROM": "bridge@kontor.example",
        "SMTP_STARTTLS": "false",
        "TASK_EMAIL": TASKS,
        "HANDOVER_FOLDER": str(folder / "cases"),
        "HANDOVER_EMAIL": AGENCY,
        # A contact for objections: without it the warnings, and so the hand-overs, would wait.
        "COMPANY_EMAIL": "bogholderi@kontor.example",
    }
    lines = [
        f"BRIDGE_DATABASE={folder}/state.sqlite3",
        "BRIDGE_LOG_FORMAT=json",
        "BRIDGE_TENANTS__T__SYSTEM=economic",
        "BRIDGE_TENANTS__T__COUNTRY=DK",
        f"BRIDGE_TENANTS__T__SANDBOX_STATE={folder}/sandbox.json",
        f"BRIDGE_TENANTS__T__POLICY_FILE={policy}",
        *(f"BRIDGE_TENANTS__T__OPTIONS__{k}={v}" for k, v in options.items()),
    ]
    path = folder / "bridge.env"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cycle(folder: Path, inbox: Inbox, day: date, failpoint: str | None) -> tuple[int, str]:
    """One `dunning-bridge cycle` in a child process on ``day``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIDGE_")}
    if failpoint:
        env[failpoints.ENV] = failpoint
    args = [str(BIN), "cycle", "--env-file", str(env_file(folder, inbox)), "--json"]
    done = subprocess.run(
        [*args, "--today", day.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stderr[-400:]


def _wrote(folder: Path) -> bool:
    with open_store(folder / "state.sqlite3") as store:
        runs = store.runs("t", limit=1)
    return bool(runs and runs[0].summary and runs[0].summary.get("written"))


def _accept(folder: Path) -> None:
    sandbox = registry.connector("economic").sandbox(folder / "sandbox.json", DAY_TWO)
    sandbox.accept_drafts()
    sandbox.save(folder / "sandbox.json")


def run_days(
    folder: Path, inbox: Inbox, point: str | None = None, *, take_cases: bool = False
) -> tuple[int, str]:
    """Both days, the fail point armed on its day; return the runs and a note (empty if fine).

    ``take_cases``: right after the kill, the agency takes every case folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    armed = point.split(" ")[0] if point else None
    runs, note = 0, ""
    for day in (DAY_ONE, DAY_TWO):
        if day == DAY_TWO:
            _accept(folder)
        mine = armed if point and CHANNEL_POINTS[point] == day else None
        code, err = cycle(folder, inbox, day, mine)
        runs += 1
        if mine and code != -9:
            note = f"fail point {mine} not reached (exit {code}): {err}"
        elif not mine and code != 0:
            return runs, f"run exited {code}: {err}"
        if mine and take_cases:
            for case in (folder / "cases").glob("case-*"):
                shutil.rmtree(case)
        for _ in range(4):
            if not mine and not _wrote(folder):
                break
            code, err = cycle(folder, inbox, day, None)
            runs += 1
            if code != 0:
                return runs, f"recovery run exited {code}: {err}"
            mine = None
    return runs, note


def outcome(folder: Path, inbox: Inbox) -> Outcome:
    """Count what the runs left: decisions, e-mails by key, hand-overs, case folders, documents."""
    out = Outcome()
    for message in inbox.messages:
        key = str(message["X-Dunning-Key"])
        out.mail_keys[key] = out.mail_keys.get(key, 0) + 1
    with open_store(folder / "state.sqlite3") as store:
        out.decisions, out.twice = live_decisions(store)
        for row in store.handovers("t"):
            for invoice in row.invoices:
                out.handed[invoice] = out.handed.get(invoice, 0) + 1
        unresolved = store.unresolved("t")
        # E-mails never confirmed (still `sending`): the letter may be settled since (superseded
        # by its next step), the e-mail itself stays unconfirmed and is never sent again.
        out.unconfirmed = sum(1 for m in store.mails("t") if m.state == "sending")
        out.held = {d.invoice_id for r in unresolved for d in r.letter.decisions}
        for row in store.letters("t"):
            if row.letter.key in out.mail_keys:
                out.mailed |= {d.key for d in row.letter.decisions}
            for d in row.letter.decisions:
                out.invoice_of[d.key] = d.invoice_id
                out.invoice_of[row.letter.key] = d.invoice_id
    journal = folder / "cases" / ".delivered"
    for entry in journal.glob("case-*.json") if journal.is_dir() else ():
        key = json.loads(entry.read_text(encoding="utf-8"))["letter_key"]
        with open_store(folder / "state.sqlite3") as store:
            letter = store.letter(key)
        for d in letter.letter.decisions if letter else ():
            out.case_invoices[d.invoice_id] = out.case_invoices.get(d.invoice_id, 0) + 1
    sandbox = registry.connector("economic").sandbox(folder / "sandbox.json", DAY_TWO)
    out.documents = sandbox.documents_by_key()
    return out


def judge(cell: Cell, got: Outcome, ref: Outcome) -> Cell:
    """Fill in duplicates and lost against the clean run."""
    cell.duplicates = (
        got.twice
        + sum(n - 1 for n in got.mail_keys.values() if n > 1)
        + sum(n - 1 for n in got.handed.values() if n > 1)
        + sum(n - 1 for n in got.case_invoices.values() if n > 1)
        + sum(n - 1 for n in got.documents.values() if n > 1)
    )

    def missing(keys: set[str]) -> int:
        # An invoice whose e-mail could not be confirmed waits for a person: its later steps
        # are held, not lost.
        return len({k for k in keys if ref.invoice_of.get(k) not in got.held})

    cell.lost = (
        missing(ref.decisions - got.decisions - got.mailed)
        # A case's e-mail to the agency is a copy of the case: counted with the hand-overs.
        + missing({k for k in set(ref.mail_keys) - set(got.mail_keys) if not k.endswith("-case")})
        + len(set(ref.handed) - set(got.handed))
        + len(set(ref.documents) - set(got.documents))
    )
    return cell
