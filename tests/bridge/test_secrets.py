"""Secrets go through keyring only; missing ones say how to fix; values never leak."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from bridge.vocab.errors import ConfigError, SecretMissing
from bridge.vocab.secrets import SERVICE, MemoryKeyring, StaticSecrets, TenantSecrets, use_backend


def test_round_trip_through_keyring(memory_keyring: MemoryKeyring) -> None:
    secrets = TenantSecrets("kontor")
    secrets.set("agreement_grant_token", "s3cr3t")
    assert secrets.get("agreement_grant_token") == "s3cr3t"
    assert memory_keyring.get_password(SERVICE, "kontor/agreement_grant_token") == "s3cr3t"
    assert secrets.has("agreement_grant_token")


def test_missing_secret_says_how_to_store_it() -> None:
    with pytest.raises(SecretMissing, match="dunning-bridge secrets set kontor app_secret_token"):
        TenantSecrets("kontor").get("app_secret_token")
    assert not TenantSecrets("kontor").has("app_secret_token")


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ConfigError, match="empty"):
        TenantSecrets("kontor").set("x", "")


def test_systemd_credentials_directory_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "kontor.app_secret_token").write_text("from-systemd\n", encoding="utf-8")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    TenantSecrets("kontor").set("app_secret_token", "from-keyring")
    assert TenantSecrets("kontor").get("app_secret_token") == "from-systemd"


def test_headless_file_backend(tmp_path: Path) -> None:
    """The documented headless-server backend (keyrings.alt file keyring) works end to end."""
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    TenantSecrets("kontor").set("agreement_grant_token", "grant-1")
    assert TenantSecrets("kontor").get("agreement_grant_token") == "grant-1"
    assert (tmp_path / "keyring_pass.cfg").exists()


class _UnwritableFolder(PlaintextKeyring):
    """The file keyring as the service user meets /var/lib/dunning-bridge owned by root."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PermissionError(13, "Permission denied", "/var/lib/dunning-bridge")

    def get_password(self, service: str, username: str) -> str | None:
        raise PermissionError(13, "Permission denied", "/var/lib/dunning-bridge")


def test_unwritable_keyring_folder_names_the_folder_and_the_fix() -> None:
    """issue 19: `secrets set` ended in a raw PermissionError on /var/lib/dunning-bridge."""
    keyring.set_keyring(_UnwritableFolder())
    for attempt in (
        lambda: TenantSecrets("kontor").set("app_secret_token", "x" * 20),
        lambda: TenantSecrets("kontor").get("app_secret_token"),
    ):
        with pytest.raises(ConfigError) as caught:
            attempt()
        message = str(caught.value)
        assert "/var/lib/dunning-bridge: Permission denied" in message
        assert "install -d -m 0700 -o dunning-bridge -g dunning-bridge" in message
        assert "docs/operations.md" in message


def test_keyring_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("not a folder", encoding="utf-8")
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "state" / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    with pytest.raises(ConfigError, match=r"cannot use the file keyring at .*state"):
        TenantSecrets("kontor").set("app_secret_token", "x" * 20)


def test_backend_selected_by_class_path() -> None:
    use_backend("bridge.vocab.secrets.MemoryKeyring")
    assert isinstance(keyring.get_keyring(), MemoryKeyring)
    with pytest.raises(ConfigError, match="cannot load keyring backend"):
        use_backend("no.such.Backend")


def test_static_secrets_for_sandbox() -> None:
    s = StaticSecrets("demo", {"a": "1"})
    assert s.get("a") == "1"
    s.set("a", "2")
    assert s.get("a") == "2"
    with pytest.raises(SecretMissing):
        s.get("b")
