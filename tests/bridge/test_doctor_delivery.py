"""`doctor` checks the bridge's own channels: the SMTP login, where tasks and hand-overs go."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.engine.mailer import PASSWORD_SECRET, MailFailed, SmtpSettings, verify
from bridge.surfaces.doctor import delivery
from bridge.vocab.secrets import StaticSecrets, TenantSecrets
from bridge.vocab.settings import Settings, TenantSettings
from tests.bridge.smtp_server import PASSWORD, Inbox, smtp_server

TASK_POLICY = '[[steps]]\naction = "reminder"\ndays = 3\n\n[[steps]]\naction = "task"\ndays = 4\n'


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    with smtp_server(tmp_path) as server:
        yield server


def _tenant(tmp_path: Path, policy: str = "", **options: str) -> TenantSettings:
    path = tmp_path / "policy.toml"
    path.write_text(policy)
    return TenantSettings(system="economic", country="DK", policy_file=path, options=options)


def _settings(tmp_path: Path, tenant: TenantSettings, database: str = "") -> Settings:
    return Settings(database=database or str(tmp_path / "db.sqlite3"), tenants={"t": tenant})


def test_verify_logs_in_and_sends_nothing(inbox: Inbox) -> None:
    settings = SmtpSettings.from_options(inbox.options())
    assert settings is not None
    checked = verify(settings, StaticSecrets("t", {PASSWORD_SECRET: PASSWORD}))
    assert checked.endswith("(STARTTLS, logged in as " + settings.username + ")")
    assert inbox.logins
    assert inbox.messages == []


def test_verify_names_a_wrong_password_without_showing_it(inbox: Inbox) -> None:
    settings = SmtpSettings.from_options(inbox.options())
    assert settings is not None
    with pytest.raises(MailFailed) as caught:
        verify(settings, StaticSecrets("t", {PASSWORD_SECRET: "wrong-horse-battery"}))
    assert "wrong-horse-battery" not in str(caught.value)
    with pytest.raises(MailFailed, match="missing secret smtp_password"):
        verify(settings, StaticSecrets("t", {}))


def test_doctor_reports_the_login_and_the_task_route(inbox: Inbox, tmp_path: Path) -> None:
    TenantSecrets("t").set(PASSWORD_SECRET, PASSWORD)
    tenant = _tenant(tmp_path, TASK_POLICY, **inbox.options())
    checks = delivery("t", tenant, _settings(tmp_path, tenant))
    assert [c.ok for c in checks] == [True, True]
    assert checks[0].detail.startswith("e-mail via 127.0.0.1:")
    assert checks[1].detail == (
        "tasks are written into the accounting system as notes (no task_email)"
    )
    with_recipient = _tenant(tmp_path, TASK_POLICY, **inbox.options(task_email="a@b.example"))
    assert len(delivery("t", with_recipient, _settings(tmp_path, with_recipient))) == 1


def test_doctor_fails_an_unreachable_server_and_a_handover_with_nowhere_to_go(
    tmp_path: Path,
) -> None:
    unreachable = _tenant(
        tmp_path, smtp_host="127.0.0.1", smtp_port="1", smtp_from="a@b.example", smtp_user=""
    )
    (check,) = delivery("t", unreachable, _settings(tmp_path, unreachable))
    assert not check.ok
    assert "127.0.0.1:1" in check.detail
    no_smtp = _tenant(tmp_path, handover_email="sager@inkasso.example")
    (check,) = delivery("t", no_smtp, _settings(tmp_path, no_smtp))
    assert (check.ok, check.detail) == (
        False,
        "handover_email is set but the tenant has no smtp_host",
    )
    plain = _tenant(tmp_path)
    on_server = _settings(tmp_path, plain, "postgresql://bridge@localhost/bridge")
    (check,) = delivery("t", plain, on_server)
    assert not check.ok
    assert "hand-overs have nowhere to go" in check.detail
    assert delivery("t", plain, _settings(tmp_path, plain)) == []
    bad_smtp = _tenant(tmp_path, smtp_host="mail.example", smtp_from="nobody")
    (check,) = delivery("t", bad_smtp, _settings(tmp_path, bad_smtp))
    assert not check.ok
    assert "smtp_from" in check.detail
