"""The bridge's own e-mail against a real SMTP server on loopback: STARTTLS, login, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bridge.engine.mailer import (
    PASSWORD_SECRET,
    Attachment,
    Mailer,
    MailFailed,
    MailUnknown,
    Outgoing,
    SmtpSettings,
)
from bridge.store import Store, open_store
from bridge.vocab.errors import ConfigError, SecretMissing
from bridge.vocab.secrets import TenantSecrets
from tests.bridge.smtp_server import PASSWORD, USER, Inbox, smtp_server

AT = datetime(2026, 3, 16, 7, 0, tzinfo=UTC)


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
def store() -> Iterator[Store]:
    with open_store(":memory:") as s:
        yield s


def _mailer(inbox: Inbox, store: Store, **options: str) -> Mailer:
    TenantSecrets("t").set(PASSWORD_SECRET, PASSWORD)
    settings = SmtpSettings.from_options(inbox.options(**options))
    assert settings is not None
    return Mailer(settings, TenantSecrets("t"), store, "t")


def _notice(key: str = "dl-notice", to: str = "kunde@example.dk") -> Outgoing:
    return Outgoing(
        key=key,
        to=to,
        subject="Venlig påmindelse: faktura 1001 forfalder snart",
        text="Kære Tømrer Hansen ApS\n\nFaktura 1001 forfalder snart.\n",
        html="<p>Kære Tømrer Hansen ApS</p>",
        attachments=(Attachment("brev.pdf", b"%PDF-1.3 test", "application/pdf"),),
    )


def test_a_message_arrives_once_over_starttls_with_login(inbox: Inbox, store: Store) -> None:
    mailer = _mailer(inbox, store)
    first = mailer.send(_notice(), at=AT)
    again = mailer.send(_notice(), at=AT)
    assert first.status == "sent"
    assert again.status == "already"
    assert again.message_id == first.message_id
    assert len(inbox.messages) == 1
    assert inbox.logins == [USER]
    got = inbox.messages[0]
    assert got["Message-ID"] == first.message_id
    assert got["X-Dunning-Key"] == "dl-notice"
    assert got["Subject"] == "Venlig påmindelse: faktura 1001 forfalder snart"
    parts = {part.get_content_type() for part in got.walk()}
    assert {"text/plain", "text/html", "application/pdf"} <= parts
    row = store.mail("t", "dl-notice")
    assert row is not None
    assert (row.state, row.message_id) == ("sent", first.message_id)


def test_a_new_mailer_over_the_same_store_does_not_send_again(inbox: Inbox, tmp_path: Path) -> None:
    with open_store(tmp_path / "db.sqlite3") as store:
        _mailer(inbox, store).send(_notice(), at=AT)
    with open_store(tmp_path / "db.sqlite3") as store:  # a restarted process
        assert _mailer(inbox, store).send(_notice(), at=AT).status == "already"
    assert len(inbox.messages) == 1


def test_a_refused_recipient_fails_and_may_be_tried_again(inbox: Inbox, store: Store) -> None:
    inbox.refuse.add("gone@example.dk")
    mailer = _mailer(inbox, store)
    with pytest.raises(MailFailed, match="refused"):
        mailer.send(_notice(to="gone@example.dk"), at=AT)
    assert mailer.status("dl-notice") == "failed"
    inbox.refuse.clear()
    assert mailer.send(_notice(to="gone@example.dk"), at=AT).status == "sent"
    assert len(inbox.messages) == 1


def test_an_interrupted_send_is_never_repeated(
    inbox: Inbox, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib  # noqa: PLC0415

    def cut(self: smtplib.SMTP, *args: object, **kwargs: object) -> None:
        raise smtplib.SMTPServerDisconnected("connection lost")

    mailer = _mailer(inbox, store)
    monkeypatch.setattr(smtplib.SMTP, "send_message", cut)
    with pytest.raises(MailUnknown):
        mailer.send(_notice(), at=AT)
    monkeypatch.undo()
    with pytest.raises(MailUnknown, match="not sent again"):
        mailer.send(_notice(), at=AT)
    assert inbox.messages == []
    assert mailer.status("dl-notice") == "sending"


def test_a_wrong_password_fails_without_showing_it(inbox: Inbox, store: Store) -> None:
    mailer = _mailer(inbox, store)
    TenantSecrets("t").set(PASSWORD_SECRET, "wrong-password-1234")
    with pytest.raises(MailFailed) as caught:
        mailer.send(_notice(), at=AT)
    assert "wrong-password-1234" not in str(caught.value)
    row = store.mail("t", "dl-notice")
    assert row is not None
    assert "wrong-password-1234" not in row.detail
    assert inbox.messages == []


def test_an_untrusted_certificate_fails(inbox: Inbox, store: Store, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    from tests.bridge.smtp_server import make_certificate  # noqa: PLC0415

    stranger, _ = make_certificate(other)
    mailer = _mailer(inbox, store, smtp_ca_file=str(stranger))
    with pytest.raises(MailFailed, match=r"SSL|certificate"):
        mailer.send(_notice(), at=AT)
    assert inbox.messages == []


def test_a_server_without_starttls_gets_nothing(tmp_path: Path, store: Store) -> None:
    with smtp_server(tmp_path, starttls=False) as plain:
        mailer = _mailer(plain, store)
        with pytest.raises(MailFailed, match=r"STARTTLS|SMTPNotSupported"):
            mailer.send(_notice(), at=AT)
        assert plain.messages == []
        assert plain.logins == []


def test_a_missing_password_is_named(inbox: Inbox, store: Store) -> None:
    settings = SmtpSettings.from_options(inbox.options())
    assert settings is not None
    with pytest.raises(SecretMissing):
        Mailer(settings, TenantSecrets("nobody"), store, "nobody").send(_notice(), at=AT)
    assert store.mail("nobody", "dl-notice") is None


def test_settings() -> None:
    assert SmtpSettings.from_options({}) is None
    s = SmtpSettings.from_options({"smtp_host": "mail.example.dk", "smtp_from": "a@example.dk"})
    assert s is not None
    assert (s.port, s.starttls, s.username) == (587, True, "")
    with pytest.raises(ConfigError, match="without STARTTLS"):
        SmtpSettings.from_options(
            {
                "smtp_host": "h",
                "smtp_from": "a@b.dk",
                "smtp_user": "u",
                "smtp_starttls": "false",
            }
        )
    with pytest.raises(ConfigError, match="smtp_from"):
        SmtpSettings.from_options({"smtp_host": "h"})
    with pytest.raises(ConfigError, match="smtp_port"):
        SmtpSettings.from_options({"smtp_host": "h", "smtp_from": "a@b.dk", "smtp_port": "x"})
