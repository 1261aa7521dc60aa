"""The bridge's own channels: what it does itself instead of writing into the accounting system.

- A hand-over to collection goes to the agency as a case file (bridge/engine/handover.py): it must
not
  become an invoice in the accounting system. Where the system has its own collection service
  (Fortnox Finans) and the tenant chose it (``handover_via = system``), the connector hands the
  claim over instead.
- A credit hold and a task step (call the customer, tell the salesperson) are tasks for a
  person: e-mailed with the customer's open items to the account's salesperson (from the source
  system, or the option ``salespeople``), the tenant's named person (option ``task_email``), or
  the address the ladder step names. Without SMTP or a recipient the task goes into the
  accounting system only where it has an internal note a debtor never receives (Dinero's
  contact notes, the ``internal_note`` capability); elsewhere it waits in the bridge's own task
  list (`pending`, the report, `dunning-bridge tasks`). A task is never an invoice draft.
- A pre-due notice is e-mailed to the customer when the system cannot send one itself (its
  connector lacks the ``send_notice`` capability) and the tenant has SMTP configured; otherwise
  the connector writes it as usual.

Every path returns a WriteResult recorded in the outbox exactly like a vendor write, and can be
read back after a crash (:meth:`Channels.find`) from the store's own records.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import structlog

from bridge.engine.handover import (
    Accrual,
    CaseFile,
    HandoverNotReady,
    build_case,
    case_id,
    deliver_to_folder,
    find_delivered,
    preconditions,
)
from bridge.engine.letter_checks import delivery_problem, warning_problems
from bridge.engine.letter_creditor import Creditor
from bridge.engine.letters import Rendered, to_html, to_pdf
from bridge.engine.mailer import Attachment, Mailer, MailFailed, MailUnknown, Outgoing, SmtpSettings
from bridge.store import Store
from bridge.store.mail import FAILED, RESEND_ASKED, SENDING, SENT, HandoverRow
from bridge.vocab.connector import SecretStore
from bridge.vocab.domain import (
    FOR_PEOPLE,
    ActionKind,
    Customer,
    Letter,
    Snapshot,
    StepRecord,
    StepStatus,
    WriteResult,
)
from bridge.vocab.languages import tenant_language

if TYPE_CHECKING:
    from bridge.engine.withdrawn import Withdrawn

log = structlog.get_logger("bridge.engine.channels")


class Route(enum.Enum):
    """Where a letter goes."""

    SYSTEM = "system"  # the connector writes it into the accounting system
    EMAIL = "email"  # the bridge e-mails it to the customer
    TASK = "task"  # the bridge e-mails a task to a named person
    HANDOVER = "handover"  # the bridge delivers a case file to the agency
    LIST = "list"  # the task waits in the bridge's own task list (nowhere else to go)


class Unknown(enum.Enum):
    """A bridge-side write whose outcome cannot be told: leave it for a person."""

    OUTCOME = "unknown"


UNKNOWN: Final = Unknown.OUTCOME
# Letters for the tenant's own people rather than the debtor.


def _listed(letter: Letter) -> WriteResult:
    """A task in the bridge's list: told (the ladder goes on), done when a person says so."""
    return WriteResult(
        letter.key,
        f"task:{letter.key}",
        StepStatus.ISSUED,
        f"in the bridge's task list (no e-mail): `dunning-bridge tasks done {letter.tenant} "
        f"{letter.key[:12]}` once done",
    )


def salespeople(options: Mapping[str, str]) -> dict[str, str]:
    """Read the option ``salespeople``: "Anna Jensen=anna@shop.dk; Bo Berg=bo@shop.dk".

    Source systems that name the account's salesperson without an e-mail (Fortnox's "our
    reference", say) are matched by name, ignoring case and spacing.
    """
    found: dict[str, str] = {}
    for part in re.split(r"[;\n]", options.get("salespeople", "")):
        name, sep, address = part.partition("=")
        if sep and "@" in address and name.strip():
            found[_name_key(name)] = address.strip()
    return found


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


_CASE_MIME: Final[dict[str, str]] = {
    "case.json": "application/json",
    "invoices.csv": "text/csv",
    "letters.csv": "text/csv",
    "summary.pdf": "application/pdf",
}


@dataclass
class Channels:
    """One tenant's bridge-side channels for one cycle."""

    store: Store
    tenant: str
    options: dict[str, str]
    secrets: SecretStore
    creditor: Creditor
    system_sends_notices: bool
    today: date
    now: datetime
    accrue: Accrual | None = None
    # The connector can hand a claim to a collection service itself (Fortnox Finans).
    system_hands_over: bool = False
    # The system has an internal note a debtor never receives (CAP_INTERNAL_NOTE).
    system_keeps_notes: bool = False
    # The system's own document prints the company's bank details (CAP_PAYMENT_DETAILS).
    system_prints_payment: bool = False
    country: str = "DK"

    def __post_init__(self) -> None:
        settings = SmtpSettings.from_options(self.options)
        self.mailer: Mailer | None = (
            Mailer(settings, self.secrets, self.store, self.tenant) if settings else None
        )

    # -- routing -------------------------------------------------------------------------------

    def route(self, letter: Letter, customer: Customer) -> Route:
        """Choose the channel of a letter."""
        if letter.action is ActionKind.HANDOVER:
            return Route.SYSTEM if self.handover_by_system else Route.HANDOVER
        if letter.action in FOR_PEOPLE:
            if self.mailer and self.recipient(letter, customer):
                return Route.TASK
            # Never an invoice draft a debtor could receive by a wrong click.
            return Route.SYSTEM if self.system_keeps_notes else Route.LIST
        if (
            letter.action is ActionKind.PRE_DUE_NOTICE
            and self.mailer is not None
            and customer.email
            and not self.system_sends_notices
        ):
            return Route.EMAIL
        return Route.SYSTEM

    @property
    def handover_by_system(self) -> bool:
        """Hand-overs go through the accounting system's own collection service.

        Only where the connector has one and the tenant chose it (option ``handover_via`` =
        ``system``): such a service costs money, so it is never the default.
        """
        return self.system_hands_over and self.options.get("handover_via", "").strip() == "system"

    @property
    def task_recipient(self) -> str:
        """Who gets tasks (call the customer, stop credit): option ``task_email``."""
        return self.options.get("task_email", "").strip()

    def recipient(self, letter: Letter, customer: Customer) -> str:
        """The e-mail address a task goes to ("" when none is known).

        A step for the salesperson goes to the e-mail the source system gives for the account's
        salesperson, else the one the option ``salespeople`` maps their name to, else the
        tenant's ``task_email``; a step that names an address goes there.
        """
        assignee = next((d.assignee for d in letter.decisions if d.assignee), "tasks")
        if "@" in assignee:
            return assignee
        if assignee == "salesperson":
            if customer.salesperson_email:
                return customer.salesperson_email
            mapped = salespeople(self.options).get(_name_key(customer.salesperson or ""))
            if mapped:
                return mapped
        return self.task_recipient

    def handover_folder(self) -> Path | None:
        """Where case files go: option ``handover_folder``, else next to the state database."""
        explicit = self.options.get("handover_folder", "").strip()
        if explicit:
            return Path(explicit)
        if not self.store.is_file:  # in memory, or on a database server: no folder to use
            return None
        return Path(self.store.path).parent / "handovers" / self.tenant

    # -- what a letter needs -------------------------------------------------------------------

    def check_letter(
        self,
        letter: Letter,
        customer: Customer,
        *,
        route: Route,
        routes: frozenset[str] | None,
        name: str,
    ) -> list[str]:
        """The reasons the letter must wait (empty when it can go): bridge/engine/letter_checks.py.

        ``route`` is where the letter goes; ``routes`` how the connector would deliver it to the
        debtor (None: it does not say); ``name`` the letter's own name (betalingsoppfordring).
        """
        vendor_pays = route is Route.SYSTEM and self.system_prints_payment
        problems = warning_problems(letter, self.creditor, vendor_pays=vendor_pays)
        if route is Route.EMAIL:
            routes = frozenset({"email"})
        elif route is not Route.SYSTEM:
            routes = None
        late = delivery_problem(
            letter, customer, country=self.country, routes=routes, options=self.options, name=name
        )
        if late is not None:
            problems.append(late)
        return problems

    # -- hand-over -----------------------------------------------------------------------------

    def check_handover(
        self, letter: Letter, snapshot: Snapshot, history: Sequence[StepRecord]
    ) -> list[str]:
        """The reasons the hand-over cannot go today (empty when it can)."""
        done = {i for row in self.store.handovers(self.tenant) for i in row.invoices}
        problems = preconditions(letter, history, snapshot.disputes, self.today, done)
        if self.handover_folder() is None and not self._agency_email:
            problems.append(
                "no hand-over destination: set the tenant option handover_folder or handover_email"
            )
        if self._agency_email and self.mailer is None:
            problems.append("handover_email is set but the tenant has no smtp_host")
        return problems

    @property
    def _agency_email(self) -> str:
        return self.options.get("handover_email", "").strip()

    def case(
        self,
        letter: Letter,
        snapshot: Snapshot,
        history: Sequence[StepRecord],
        cover: Rendered,
    ) -> CaseFile:
        """Build the case file of a hand-over letter."""
        return build_case(
            letter,
            customer=snapshot.customers[letter.customer_id],
            invoices={i.id: i for i in (*snapshot.invoices, *snapshot.settled)},
            history=history,
            disputes=snapshot.disputes,
            creditor=self.creditor,
            today=self.today,
            accrue=self.accrue,
            cover=cover.text,
            lang=cover.lang,
            country=self.country,
        )

    def handover(self, letter: Letter, case: CaseFile, cover: Rendered) -> WriteResult:
        """Deliver the case (folder and/or e-mail), record it, and report it issued."""
        where: list[str] = []
        channel = "folder"
        folder = self.handover_folder()
        if folder is not None:
            path, _ = deliver_to_folder(case, folder)
            where.append(str(path))
        if self._agency_email:
            if self.mailer is None:
                raise HandoverNotReady("handover_email is set but the tenant has no smtp_host")
            attachments = tuple(
                Attachment(name, content, _CASE_MIME[name]) for name, content in case.files.items()
            )
            self.mailer.send(
                Outgoing(
                    key=f"{letter.key}-case",
                    to=self._agency_email,
                    subject=cover.subject,
                    text=cover.body,
                    attachments=attachments,
                ),
                at=self.now,
            )
            channel = "email"
            where.append(self._agency_email)
        self.store.record_handover(
            HandoverRow(
                tenant=self.tenant,
                letter_key=letter.key,
                case_id=case.case_id,
                customer_id=letter.customer_id,
                invoices=tuple(d.invoice_id for d in letter.decisions),
                channel=channel,
                delivered_to=", ".join(where),
                delivered_at=self.now,
            )
        )
        return WriteResult(
            letter.key,
            case.case_id,
            StepStatus.ISSUED,
            f"case {case.case_id} delivered to {', '.join(where)}",
        )

    # -- e-mail --------------------------------------------------------------------------------

    def email(self, letter: Letter, to: str, rendered: Rendered, *, with_pdf: bool) -> WriteResult:
        """E-mail a letter (or a task) once; the Message-ID becomes the document id."""
        assert self.mailer is not None, "route() sends nothing by e-mail without SMTP"
        # Source systems keep several addresses in one field ("a@x.dk; b@x.dk").
        to = ", ".join(part.strip() for part in re.split(r"[;,]", to) if part.strip())
        attachments: tuple[Attachment, ...] = ()
        if with_pdf:
            pdf = to_pdf(rendered, self.creditor, when=letter.date)
            attachments = (Attachment(f"{letter.action.value}.pdf", pdf, "application/pdf"),)
        sent = self.mailer.send(
            Outgoing(
                key=letter.key,
                to=to,
                subject=rendered.subject,
                text=rendered.body,
                html=to_html(rendered, self.creditor),
                attachments=attachments,
            ),
            at=self.now,
        )
        return WriteResult(
            letter.key, sent.message_id, StepStatus.ISSUED, f"e-mailed to {sent.recipient}"
        )

    def resend_asked(self, letter: Letter) -> bool:
        """Whether the accountant said this task e-mail never arrived (``confirm --not-sent``)
        and it has not gone again since: the next cycle sends it once more."""
        if letter.action not in FOR_PEOPLE:
            return False
        row = self.store.mail(self.tenant, letter.key)
        return row is not None and row.state == FAILED and row.detail.startswith(RESEND_ASKED)

    def resend_task(self, letter: Letter, text: str) -> WriteResult:
        """Send a task e-mail again as it was recorded (same key, text and recipient).

        The mailer claims the key as ``sending`` before the SMTP conversation, so a crash from
        here on leaves it "could not confirm" again, never sent a third time.
        """
        if self.mailer is None:
            raise MailFailed("the tenant has no smtp_host any more")
        row = self.store.mail(self.tenant, letter.key)
        to = row.recipient if row is not None else self.task_recipient
        lang = tenant_language(self.country, self.options)
        return self.email(letter, to, Rendered.of_text(lang, text), with_pdf=False)

    # -- the bridge's task list ---------------------------------------------------------------

    def task_list(self, letter: Letter, rendered: Rendered) -> WriteResult:
        """Put a task in the bridge's own list (once): it has nowhere else to go."""
        self.store.add_task(letter, rendered.subject, rendered.body, at=self.now)
        return _listed(letter)

    # -- telling the accountant ----------------------------------------------------------------

    def tell_withdrawals(self, withdrawn: Sequence[Withdrawn]) -> None:
        """E-mail ``task_email`` once per withdrawn (or "do not book") draft, when configured.

        The pending list and the report show them anyway; a mail that fails is only logged.
        """
        if self.mailer is None or not self.task_recipient:
            return
        for item in withdrawn:
            if item.state not in ("withdrawn", "marked", "booked"):
                continue
            subject = {
                "withdrawn": "Draft withdrawn",
                "marked": "DO NOT BOOK",
                "booked": "Booked before it could be withdrawn",
            }[item.state]
            try:
                self.mailer.send(
                    Outgoing(
                        key=f"{item.letter_key}-{item.state}",
                        to=self.task_recipient,
                        subject=f"{subject}: {item.action} {item.step}, invoice "
                        f"{', '.join(item.invoices)}",
                        text=item.sentence() + "\n\n- dunning-bridge\n",
                    ),
                    at=self.now,
                )
            except (MailFailed, MailUnknown) as exc:
                log.warning("withdraw.mail_failed", tenant=self.tenant, error=str(exc))

    def tell_unconfirmed(self, letter: Letter, text: str, why: str) -> None:
        """E-mail ``task_email`` once when a letter goes to the accountant as "could not
        confirm", with the letter and the command that settles it (when configured).

        `pending`, `status` and the report show it anyway; a mail that fails is only logged.
        """
        if self.mailer is None or not self.task_recipient:
            return
        body = (
            f"{why}\n\nOnce you know, run one of:\n"
            f"  dunning-bridge confirm {self.tenant} {letter.key} --sent\n"
            f"  dunning-bridge confirm {self.tenant} {letter.key} --rejected\n"
            f"  dunning-bridge confirm {self.tenant} {letter.key} --not-sent\n"
            "Until then nothing more is sent for its invoices, unless the next step becomes due.\n"
        )
        if text:
            body += "\nThe letter:\n\n" + text + "\n"
        try:
            self.mailer.send(
                Outgoing(
                    key=f"{letter.key}-unconfirmed",
                    to=self.task_recipient,
                    subject=f"Could not confirm: {letter.action.value} {letter.step} to customer "
                    f"{letter.customer_id}",
                    text=body + "\n- dunning-bridge\n",
                ),
                at=self.now,
            )
        except (MailFailed, MailUnknown) as exc:
            log.warning("outbox.unconfirmed_mail_failed", tenant=self.tenant, error=str(exc))

    # -- read-back -----------------------------------------------------------------------------

    def owns(self, letter: Letter) -> bool:
        """Tell whether a letter went (or was going) by a bridge channel."""
        return (
            (letter.action is ActionKind.HANDOVER and not self.handover_by_system)
            or self.store.mail(self.tenant, letter.key) is not None
            or (
                letter.action in FOR_PEOPLE and self.store.task(self.tenant, letter.key) is not None
            )
        )

    def find(self, letter: Letter) -> WriteResult | Unknown | None:
        """Read back a bridge-side write: done, unknown (leave it), or never happened."""
        if letter.action is ActionKind.HANDOVER:
            return self._find_handover(letter)
        if letter.action in FOR_PEOPLE and self.store.task(self.tenant, letter.key) is not None:
            return _listed(letter)
        row = self.store.mail(self.tenant, letter.key)
        if row is None or row.state == FAILED:
            return None
        if row.state == SENDING:
            return UNKNOWN
        return WriteResult(
            letter.key, row.message_id, StepStatus.ISSUED, f"e-mailed to {row.recipient}"
        )

    def _find_handover(self, letter: Letter) -> WriteResult | Unknown | None:
        """Read back a hand-over by its key: the store's record, else the case folder (and its
        journal) and the agency e-mail's sent record.

        Delivered but never recorded (a crash in between) is recorded now, so its invoices count
        as handed over and no second case is built for them, whatever was paid since.
        """
        recorded = self.store.handover(self.tenant, letter.key)
        if recorded is not None:
            return WriteResult(
                letter.key,
                recorded.case_id,
                StepStatus.ISSUED,
                f"case {recorded.case_id} delivered to {recorded.delivered_to}",
            )
        cid = case_id(letter.key)
        folder = self.handover_folder()
        delivered = find_delivered(folder, letter.key) if folder is not None else None
        mail = self.store.mail(self.tenant, f"{letter.key}-case")
        where = [str(delivered)] if delivered is not None else []
        if mail is not None and mail.state == SENT:
            where.append(mail.recipient)
        if not where:
            if mail is not None and mail.state == SENDING:
                return UNKNOWN  # the e-mail may have reached the agency: a person decides
            return None  # never delivered: the letter is decided again
        notes: list[str] = []
        if delivered is not None and self._agency_email and (mail is None or mail.state == FAILED):
            # The folder got the case, the e-mail was never handed to the server: send it now
            # (its first attempt), from the files in the folder.
            sent, why = self._finish_agency_mail(letter, delivered)
            if sent:
                where.append(self._agency_email)
                mail = self.store.mail(self.tenant, f"{letter.key}-case")
            else:
                notes.append(why)
        if mail is not None and mail.state == SENDING:
            notes.append(
                f"could not confirm the e-mail to {mail.recipient} (Message-ID "
                f"{mail.message_id}); it is not sent again"
            )
        self.store.record_handover(
            HandoverRow(
                tenant=self.tenant,
                letter_key=letter.key,
                case_id=cid,
                customer_id=letter.customer_id,
                invoices=tuple(d.invoice_id for d in letter.decisions),
                channel="email" if mail is not None and mail.state == SENT else "folder",
                delivered_to=", ".join(where),
                delivered_at=self.now,
            )
        )
        detail = f"case {cid} delivered to {', '.join(where)} (read back after an interruption)"
        if notes:
            log.warning("handover.partly_confirmed", tenant=self.tenant, letter=letter.key)
        return WriteResult(letter.key, cid, StepStatus.ISSUED, "; ".join([detail, *notes]))

    def _finish_agency_mail(self, letter: Letter, delivered: Path) -> tuple[bool, str]:
        """E-mail a case read back from its folder to the agency; say why not when it fails."""
        files = {name: delivered / name for name in _CASE_MIME}
        if self.mailer is None or not all(path.is_file() for path in files.values()):
            return False, (
                f"the e-mail to {self._agency_email} was not sent (interrupted) and the agency "
                "has taken the case folder since: it has the case"
            )
        data = json.loads(files["case.json"].read_text(encoding="utf-8"))
        cover = Rendered.of_text(str(data.get("language", "en")), str(data.get("cover_letter", "")))
        try:
            self.mailer.send(
                Outgoing(
                    key=f"{letter.key}-case",
                    to=self._agency_email,
                    subject=cover.subject,
                    text=cover.body,
                    attachments=tuple(
                        Attachment(name, path.read_bytes(), _CASE_MIME[name])
                        for name, path in files.items()
                    ),
                ),
                at=self.now,
            )
        except (MailFailed, MailUnknown) as exc:
            return False, f"the e-mail to {self._agency_email}: {exc}"
        return True, ""

    def unconfirmed(self, letter: Letter) -> str:
        """Say, for the accountant, which e-mail of a letter could not be confirmed."""
        for key in (letter.key, f"{letter.key}-case"):
            row = self.store.mail(self.tenant, key)
            if row is not None and row.state == SENDING:
                return (
                    f"could not confirm the e-mail to {row.recipient} (Message-ID "
                    f"{row.message_id}, since {row.updated_at:%Y-%m-%d %H:%M}): the process "
                    "stopped during the SMTP conversation; look in the sent folder or ask the "
                    "recipient. It is not sent again by itself."
                )
        return "could not confirm the delivery; it is not repeated by itself"
