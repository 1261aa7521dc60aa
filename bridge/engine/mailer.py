"""The bridge's own e-mail: for steps that need a channel the accounting system lacks.

A pre-due notice on e-conomic, a task for the salesperson, a case file for the collection
agency: these go through the tenant's SMTP server (STARTTLS required unless the tenant opts out,
and then never with credentials), with the password read through the keyring
(``dunning-bridge secrets set TENANT smtp_password``).

Never twice: before the SMTP conversation starts, the message's key and Message-ID are recorded
in the store as ``sending``. Accepted -> ``sent``; refused before the server took the message
-> ``failed`` (a later cycle may try again); the connection lost while the message was being
handed over -> stays ``sending`` and is never re-sent by itself (:class:`MailUnknown`): the
message may have arrived, and a second copy of a dunning letter is the worse mistake.

The key travels with the message: ``Message-ID: <KEY.TENANT@sender-domain>`` (derived from the
key alone, so a retry after ``failed`` carries the same id and a mailbox or agency that
de-duplicates by Message-ID drops a copy) and ``X-Dunning-Key: KEY``.

SMTP has no read-back: nothing can ask the server "did you take message X?". A row left
``sending`` by a crash (fail point ``mail.sent``: the server accepted, the store not yet told) is
therefore read back as *unknown*: the letter's intent stays open, the cycle says "could not
confirm" with the Message-ID so the accountant can look in the sent folder or ask the recipient,
and nothing is sent again by itself. Resending automatically would turn every crash in that
window into a second dunning letter, which is the mistake this bridge exists to avoid.

Tenant options: ``smtp_host`` (unset = the bridge sends no e-mail), ``smtp_port`` (587),
``smtp_user``, ``smtp_from``, ``smtp_starttls`` (``true``), ``smtp_ca_file`` (trust a private CA).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Final

import structlog

from bridge.infra import failpoints
from bridge.store import Store
from bridge.store.mail import FAILED, SENDING, SENT
from bridge.vocab.connector import SecretStore
from bridge.vocab.errors import BridgeError, ConfigError, SecretMissing
from bridge.vocab.redact import redact_text, register_secret

log = structlog.get_logger("bridge.engine.mailer")

PASSWORD_SECRET: Final[str] = "smtp_password"  # noqa: S105 (the secret's name, not its value)
DEFAULT_PORT: Final[int] = 587
_TRUE: Final[frozenset[str]] = frozenset({"1", "true", "yes", "on"})


class MailFailed(BridgeError):
    """The server did not take the message (refused, unreachable, TLS or login failed)."""


class MailUnknown(BridgeError):
    """The message may or may not have been delivered; it is not sent again by itself."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how a tenant's e-mail goes out."""

    host: str
    sender: str
    port: int = DEFAULT_PORT
    username: str = ""
    starttls: bool = True
    ca_file: str = ""
    timeout: float = 30.0

    @classmethod
    def from_options(cls, options: Mapping[str, str] | None) -> SmtpSettings | None:
        """Read the SMTP options; None when the tenant has no ``smtp_host``."""
        o = options or {}
        host = o.get("smtp_host", "").strip()
        if not host:
            return None
        sender = o.get("smtp_from", "").strip() or o.get("company_email", "").strip()
        if "@" not in sender:
            raise ConfigError("tenant option smtp_from must be an e-mail address")
        raw_port = o.get("smtp_port", str(DEFAULT_PORT)).strip()
        if not raw_port.isdigit():
            raise ConfigError(f"tenant option smtp_port must be a number, not {raw_port!r}")
        starttls = o.get("smtp_starttls", "true").strip().lower() in _TRUE
        username = o.get("smtp_user", "").strip()
        if username and not starttls:
            raise ConfigError("refusing to send SMTP credentials without STARTTLS")
        return cls(
            host=host,
            sender=sender,
            port=int(raw_port),
            username=username,
            starttls=starttls,
            ca_file=o.get("smtp_ca_file", "").strip(),
        )

    def tls_context(self) -> ssl.SSLContext:
        """A verifying TLS context (system CAs, or the tenant's own CA file)."""
        return ssl.create_default_context(cafile=self.ca_file or None)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message."""

    filename: str
    content: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to send under a key that makes it unique (a letter key, a task key...)."""

    key: str
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: Sequence[Attachment] = ()


@dataclass(frozen=True, slots=True)
class MailResult:
    """What became of a message: ``sent`` now, or ``already`` sent by an earlier run."""

    key: str
    message_id: str
    status: str
    recipient: str


def message_id(key: str, tenant: str, domain: str) -> str:
    """The Message-ID of a key: the same for every attempt, unique per tenant and key."""
    return f"<{key}.{tenant}@{domain}>"


def _open(smtp: smtplib.SMTP, settings: SmtpSettings, password: str) -> None:
    """Greet, upgrade to TLS and log in as the settings say."""
    smtp.ehlo()
    if settings.starttls:
        # Raises SMTPNotSupportedError when the server offers no STARTTLS: nothing goes out
        # in clear.
        smtp.starttls(context=settings.tls_context())
        smtp.ehlo()
    if settings.username:
        smtp.login(settings.username, password)


def verify(settings: SmtpSettings, secrets: SecretStore) -> str:
    """Connect, STARTTLS and log in without sending anything; say what was checked.

    Raises MailFailed (redacted) when the server, TLS, the password or the login fails.
    """
    password = ""
    if settings.username:
        try:
            password = secrets.get(PASSWORD_SECRET)
        except SecretMissing:
            raise MailFailed(
                f"missing secret {PASSWORD_SECRET} "
                f"(dunning-bridge secrets set TENANT {PASSWORD_SECRET})"
            ) from None
        register_secret(password)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            _open(smtp, settings, password)
            smtp.noop()
    except (smtplib.SMTPException, OSError) as exc:
        raise MailFailed(redact_text(f"{type(exc).__name__}: {exc}")) from None
    how = "STARTTLS" if settings.starttls else "no TLS"
    who = f", logged in as {settings.username}" if settings.username else ""
    return f"{settings.host}:{settings.port} ({how}{who})"


class Mailer:
    """Send a tenant's e-mail exactly once per key."""

    def __init__(
        self, settings: SmtpSettings, secrets: SecretStore, store: Store, tenant: str
    ) -> None:
        self.settings = settings
        self._secrets = secrets
        self._store = store
        self.tenant = tenant

    def status(self, key: str) -> str | None:
        """The state recorded for a key (sending, sent, failed), None when never tried."""
        row = self._store.mail(self.tenant, key)
        return None if row is None else row.state

    def send(self, outgoing: Outgoing, *, at: datetime) -> MailResult:
        """Send once; a key already sent returns ``already``; an unknown outcome raises."""
        existing = self._store.mail(self.tenant, outgoing.key)
        if existing is not None and existing.state == SENT:
            return MailResult(outgoing.key, existing.message_id, "already", existing.recipient)
        if existing is not None and existing.state == SENDING:
            raise MailUnknown(
                f"e-mail {outgoing.key} to {existing.recipient} may have been sent "
                f"(Message-ID {existing.message_id}); check the mailbox, it is not sent again"
            )
        if not outgoing.to or "@" not in outgoing.to:
            raise MailFailed(f"e-mail {outgoing.key}: no valid recipient address")
        password = self._password()
        message = self._message(outgoing, at)
        mid = str(message["Message-ID"])
        if not self._store.mail_claim(
            self.tenant,
            outgoing.key,
            message_id=mid,
            recipient=outgoing.to,
            subject=outgoing.subject,
            at=at,
        ):
            row = self._store.mail(self.tenant, outgoing.key)
            return MailResult(outgoing.key, row.message_id if row else "", "already", outgoing.to)
        self._deliver(outgoing.key, message, password, at)
        log.info("mail.sent", tenant=self.tenant, key=outgoing.key, message_id=mid)
        return MailResult(outgoing.key, mid, "sent", outgoing.to)

    def _password(self) -> str:
        if not self.settings.username:
            return ""
        value = self._secrets.get(PASSWORD_SECRET)
        register_secret(value)  # masked in every log line and error from here on
        return value

    def _message(self, outgoing: Outgoing, at: datetime) -> EmailMessage:
        message = EmailMessage()
        domain = self.settings.sender.rsplit("@", 1)[-1]
        message["Message-ID"] = message_id(outgoing.key, self.tenant, domain)
        message["Date"] = format_datetime(at)
        message["From"] = self.settings.sender
        message["To"] = outgoing.to
        message["Subject"] = outgoing.subject
        # Lets a mailbox or a later audit tie the message to the bridge's record.
        message["X-Dunning-Key"] = outgoing.key
        message.set_content(outgoing.text)
        if outgoing.html is not None:
            message.add_alternative(outgoing.html, subtype="html")
        for item in outgoing.attachments:
            main, _, sub = item.mime.partition("/")
            message.add_attachment(
                item.content, maintype=main, subtype=sub or "octet-stream", filename=item.filename
            )
        return message

    def _deliver(self, key: str, message: EmailMessage, password: str, at: datetime) -> None:
        s = self.settings
        handing_over = False
        try:
            with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as smtp:
                _open(smtp, s, password)
                handing_over = True
                smtp.send_message(message)
                handing_over = False
        except (
            smtplib.SMTPRecipientsRefused,
            smtplib.SMTPSenderRefused,
            smtplib.SMTPDataError,
        ) as exc:
            # The server answered "no": it did not take the message.
            self._failed(key, f"refused by the mail server: {exc}", at)
        except (smtplib.SMTPException, OSError) as exc:
            if handing_over:
                raise MailUnknown(
                    f"e-mail {key}: connection lost while handing the message over "
                    f"({type(exc).__name__}); it is not sent again by itself"
                ) from None
            self._failed(key, f"{type(exc).__name__}: {exc}", at)
        failpoints.reached("mail.sent")
        self._store.mail_settle(self.tenant, key, SENT, at=at)

    def _failed(self, key: str, reason: str, at: datetime) -> None:
        reason = redact_text(reason)
        self._store.mail_settle(self.tenant, key, FAILED, detail=reason, at=at)
        raise MailFailed(f"e-mail {key} not sent: {reason}")
