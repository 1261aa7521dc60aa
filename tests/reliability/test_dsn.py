"""Issue 18, finding 7: the database URL's password never shows, a mistyped URL is refused,
and secrets too short to be masked are refused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bridge.store import open_store
from bridge.surfaces.cli import app
from bridge.surfaces.doctor import run_doctor
from bridge.vocab.dsn import DatabaseUrl, database_target, mask_url_text
from bridge.vocab.errors import ConfigError, StoreError
from bridge.vocab.redact import forget_secrets, redact_text, redacting_output
from bridge.vocab.secrets import MemoryKeyring
from bridge.vocab.settings import load_settings

HASHED = "postgresql://bridge:Sup3r#S3cretPG@db.invalid/state"
PIECES = ("Sup3r", "S3cretPG")


@pytest.fixture(autouse=True)
def _forget() -> object:
    yield
    forget_secrets()


def test_a_hash_in_the_password_is_part_of_the_password() -> None:
    url = DatabaseUrl(HASHED)
    assert url.password == "Sup3r#S3cretPG"
    for shown in (str(url), repr(url), f"{url}", url.masked):
        assert not any(p in shown for p in PIECES), shown
    assert url.masked == "postgresql://bridge:***@db.invalid/state"
    assert redact_text(f"connect failed: {url.password}") == "connect failed: ***"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("postgresql://bridge:p?ss#w@rd@db/state", "p?ss"),
        ("postgresql://bridge:pass word", "pass"),  # cut by an env file comment: no "@" left
        ("postgresql://db/state?sslmode=require&password=s3cret#word", "s3cret"),
    ],
)
def test_masking_never_shows_any_part_of_a_password(text: str, secret: str) -> None:
    shown = mask_url_text(text)
    assert secret not in shown, shown


@pytest.mark.parametrize(
    "text",
    [
        "postgresq://bridge:Sup3rS3cretPG@db/state",
        "postgressql://bridge@db/state",
        "sqlite:///var/lib/state.sqlite3",
        "postgresql:/db/state",
        "mysql://bridge:Sup3rS3cretPG@db/state",
    ],
)
def test_an_unknown_scheme_is_refused_not_taken_as_a_path(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="neither a file path nor a PostgreSQL URL") as caught:
        database_target(text)
    assert "Sup3rS3cretPG" not in str(caught.value)
    env = tmp_path / "bridge.env"
    env.write_text(f"BRIDGE_DATABASE={text}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown scheme") as loaded:
        load_settings(env)
    assert "Sup3rS3cretPG" not in str(loaded.value)
    with pytest.raises(StoreError):
        open_store(text)
    assert os.listdir(tmp_path) == ["bridge.env"]  # no folder named after the URL


def test_paths_and_memory_still_work(tmp_path: Path) -> None:
    assert database_target(str(tmp_path / "s.sqlite3")) == tmp_path / "s.sqlite3"
    assert database_target("relative/state.sqlite3") == Path("relative/state.sqlite3")
    with open_store(":memory:") as store:
        assert store.backend


def test_status_and_doctor_never_print_the_password(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={HASHED}\nBRIDGE_TENANTS__KONTOR__SYSTEM=economic\n", encoding="utf-8"
    )
    settings = load_settings(env)
    assert not any(p in str(settings.database) for p in PIECES)
    assert not any(p in repr(settings) for p in PIECES)

    def refuse(url: object) -> object:
        raise StoreError(f"cannot open state database {url}: password Sup3r#S3cretPG refused")

    monkeypatch.setattr("bridge.surfaces.doctor.open_store", refuse)
    for as_json in (False, True):
        with redacting_output():
            run_doctor(settings, as_json=as_json)
        out, err = capsys.readouterr()
        assert "db.invalid" in out + err
        assert not any(p in out + err for p in PIECES), out + err


def test_an_env_file_value_cut_at_a_comment_says_to_quote_it(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text("BRIDGE_DATABASE=postgresql://bridge:pass #word@db/state\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="quote") as caught:
        load_settings(env)
    assert "pass" not in str(caught.value).replace("password", "")
    # Quoted, the value is whole; libpq wants the space percent-encoded, and says so.
    env.write_text("BRIDGE_DATABASE='postgresql://bridge:pass #word@db/state'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="%20") as spaced:
        load_settings(env)
    assert "#word" not in str(spaced.value)
    env.write_text(
        "BRIDGE_DATABASE='postgresql://bridge:pass%20#word@db/state'\n", encoding="utf-8"
    )
    assert load_settings(env).database == DatabaseUrl("postgresql://bridge:pass%20#word@db/state")


def test_secrets_set_refuses_a_value_too_short_to_mask(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    ring = memory_keyring
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/s.db\nBRIDGE_TENANTS__KONTOR__SYSTEM=economic\n",
        encoding="utf-8",
    )
    args = ["secrets", "set", "kontor", "app_secret_token", "--stdin", "--env-file", str(env)]
    short = CliRunner().invoke(app, args, input="abc1234\n")
    assert short.exit_code == 2
    assert "at least 8" in short.output
    assert ring.get_password("dunning-bridge", "kontor/app_secret_token") is None
    done = CliRunner().invoke(app, args, input="abcd12345\n")
    assert done.exit_code == 0, done.output
