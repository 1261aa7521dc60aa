"""`dunning-bridge secrets rotate-store-key`: a new store key for the tokens kept in the database.

The rotating tokens sit in the ``tokens`` table sealed with AES-256-GCM under the store key
(bridge/vocab/tokenseal.py); each row names the key that sealed it by a one-way id. Rotation
keeps the old key as ``database/store-key-previous`` while it stores the new key and re-seals
every row in one transaction, and drops the old key only once no row needs it; a read picks
the key by the row's id. So a crash at any point leaves every token readable, and running the
command again finishes the rotation (docs/operations.md § Rotating the store key).

Runs on SQLite and, when the test server runs, on PostgreSQL (tests/pg.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from bridge.engine.shared_tokens import DatabaseSecrets
from bridge.engine.store_key import CRASH_POINTS, rotate_store_key
from bridge.store import Store, open_store
from bridge.surfaces.cli import app
from bridge.vocab.errors import StoreLocked
from bridge.vocab.rotating import TokenState
from bridge.vocab.secrets import StaticSecrets, TenantSecrets
from bridge.vocab.tokenseal import (
    KEY_NAME,
    KEY_OWNER,
    PREVIOUS_NAME,
    StoreKey,
    WrongStoreKey,
    new_key,
    stored_key,
)
from connectors.dinero.auth import TOKEN_NAMES as DINERO_NAMES
from connectors.fortnox.auth import TOKEN_NAMES as FORTNOX_NAMES
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)

# Three grants of two tenants and two systems; the refresh tokens are markers to look for.
GRANTS = {
    ("alpha", "dinero"): "rt-rotation-alpha-dinero-000001",
    ("beta", "dinero"): "rt-rotation-beta-dinero-0000002",
    ("beta", "fortnox"): "rt-rotation-beta-fortnox-000003",
}
NAMES = {"dinero": DINERO_NAMES, "fortnox": FORTNOX_NAMES}
AT = datetime(2026, 3, 16, 9, tzinfo=UTC)


class Killed(BaseException):
    """The process dies here: nothing after this point runs (no ``except Exception``)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(target: str) -> Iterator[Store]:
    with open_store(target) as opened:
        yield opened


def _keyring() -> TenantSecrets:
    return TenantSecrets(KEY_OWNER)


def _seed(store: Store) -> str:
    """Store the first key in this machine's keyring and the grants sealed with it."""
    text = new_key()
    _keyring().set(KEY_NAME, text)
    key = StoreKey.from_text(text)
    for (tenant, system), refresh in GRANTS.items():
        DatabaseSecrets(tenant, StaticSecrets(tenant, {}), store, key=key).rotating(
            system, NAMES[system]
        ).replace(TokenState(refresh, f"at-{refresh}", AT))
    return text


def _readable(store: Store) -> dict[tuple[str, str], str]:
    """Each grant's refresh token as a daemon starting now reads it (this machine's keys)."""
    found = {}
    for tenant, system in GRANTS:
        secrets = DatabaseSecrets(tenant, StaticSecrets(tenant, {}), store, key=stored_key())
        found[tenant, system] = secrets.rotating(system, NAMES[system]).peek().refresh_token
    return found


def _key_ids(store: Store) -> set[str]:
    ids = set()
    for tenant, system in GRANTS:
        row = store.token_row(tenant, system)
        assert row is not None
        ids.add(row.key_id)
    return ids


def test_rotation_reseals_every_row_and_the_old_key_no_longer_opens_them(store: Store) -> None:
    old_text = _seed(store)
    old = StoreKey.from_text(old_text)
    versions = {g: store.token_row(*g).version for g in GRANTS}  # type: ignore[union-attr]
    done = rotate_store_key(store, at=AT)
    new = stored_key()
    assert new is not None
    assert new.key_id != old.key_id
    assert (done.old_id, done.new_id, done.resealed) == (old.key_id, new.key_id, 3)
    assert _key_ids(store) == {new.key_id}
    assert _readable(store) == GRANTS
    for tenant, system in GRANTS:
        row = store.token_row(tenant, system)
        assert row is not None
        assert row.version == versions[tenant, system]  # a re-seal is no token rotation
        with pytest.raises(WrongStoreKey):
            old.open(row.sealed, system, key_id=old.key_id, where=tenant)
    assert not _keyring().has(PREVIOUS_NAME)  # the old key is gone from the keyring
    assert [e.event for e in store.audit_log("beta")].count("tokens.resealed") == 2


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_crash_at_any_point_leaves_every_token_readable_and_a_rerun_finishes(
    store: Store, point: str
) -> None:
    old = StoreKey.from_text(_seed(store))

    def crash(where: str) -> None:
        if where == point:
            raise Killed(where)

    with pytest.raises(Killed):
        rotate_store_key(store, at=AT, crash=crash)
    assert _readable(store) == GRANTS  # whatever the keyring and the rows hold now
    again = rotate_store_key(store, at=AT)
    new = stored_key()
    assert new is not None
    assert new.key_id != old.key_id
    assert again.new_id == new.key_id
    assert _key_ids(store) == {new.key_id}
    assert _readable(store) == GRANTS
    assert not _keyring().has(PREVIOUS_NAME)


def test_a_crash_while_resealing_changes_no_row(store: Store) -> None:
    old = StoreKey.from_text(_seed(store))

    def crash(where: str) -> None:
        if where == "resealed one row":
            raise Killed(where)

    with pytest.raises(Killed):
        rotate_store_key(store, at=AT, crash=crash)
    assert _key_ids(store) == {old.key_id}  # one transaction: the first row rolled back too


def test_a_row_no_key_opens_stops_the_rotation_before_anything_changes(store: Store) -> None:
    text = _seed(store)
    stranger = StoreKey.from_text(new_key())
    DatabaseSecrets("gamma", StaticSecrets("gamma", {}), store, key=stranger).rotating(
        "dinero", DINERO_NAMES
    ).replace(TokenState("rt-rotation-gamma-stranger-0004"))
    with pytest.raises(WrongStoreKey, match=stranger.key_id) as caught:
        rotate_store_key(store, at=AT)
    assert "rt-rotation-gamma" not in str(caught.value)
    assert _keyring().get(KEY_NAME) == text
    assert not _keyring().has(PREVIOUS_NAME)
    assert _readable(store) == GRANTS


def _legacy_row(store: Store, key: StoreKey, refresh: str, moved: str) -> None:
    """A row as written before the tag's key was recorded: the tag made with the row's key."""
    tag = hmac.new(key.key_id.encode(), moved.encode(), hashlib.sha256).hexdigest()
    payload = {"refresh_token": refresh, "access_token": None, "expires_at": None, "moved": tag}
    store.put_tokens(
        "delta",
        "dinero",
        sealed=key.seal(json.dumps(payload), "dinero"),
        key_id=key.key_id,
        at=AT,
    )


@pytest.mark.parametrize("legacy", [False, True])
def test_a_moved_keyring_token_is_still_known_after_a_rotation(store: Store, legacy: bool) -> None:
    # A token moved from a keyring whose delete failed must not be moved in again later (it
    # would replace the rotated one): the tag that recognises it survives the new key.
    _seed(store)
    moved, rotated = "rt-rotation-delta-keyring-0005", "rt-rotation-delta-rotated-0006"
    key = stored_key()
    assert key is not None
    if legacy:
        _legacy_row(store, key, rotated, moved)
    else:
        copy = StaticSecrets("delta", {DINERO_NAMES.refresh: moved})
        grant = DatabaseSecrets("delta", copy, store, key=key).rotating("dinero", DINERO_NAMES)
        with grant.hold() as hold:  # moved into the database, then rotated
            hold.rotated(TokenState(rotated))
    rotate_store_key(store, at=AT)
    left = StaticSecrets("delta", {DINERO_NAMES.refresh: moved})  # its delete had failed
    later = DatabaseSecrets("delta", left, store, key=stored_key())
    with later.rotating("dinero", DINERO_NAMES).hold() as hold:
        assert hold.state.refresh_token == rotated


def test_the_rotation_is_refused_while_a_daemon_holds_the_database(
    target: str, store: Store
) -> None:
    text = _seed(store)
    with (
        open_store(target) as daemon,
        daemon.exclusive("daemon", shared=True),
        pytest.raises(StoreLocked, match="held by"),
    ):
        rotate_store_key(store, at=AT)
    assert _keyring().get(KEY_NAME) == text


# ---------------------------------------------------------------------------------------------
# The command


def _env(tmp_path: Path) -> Path:
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path / 's.sqlite3'}\nBRIDGE_TENANTS__ALPHA__SYSTEM=dinero\n",
        encoding="utf-8",
    )
    return env


def test_the_command_says_what_it_did_and_shows_no_key_or_token(tmp_path: Path) -> None:
    env = _env(tmp_path)
    with open_store(tmp_path / "s.sqlite3") as opened:
        old_text = _seed(opened)
    with structlog.testing.capture_logs() as logs:
        result = CliRunner().invoke(app, ["secrets", "rotate-store-key", "--env-file", str(env)])
    assert result.exit_code == 0, result.output
    new_text = _keyring().get(KEY_NAME)
    assert new_text != old_text
    new, old = StoreKey.from_text(new_text), StoreKey.from_text(old_text)
    assert "3" in result.output
    assert new.key_id in result.output
    assert old.key_id in result.output
    shown = result.output + repr(logs)
    for secret in (old_text, new_text, *GRANTS.values()):
        assert secret not in shown
    with open_store(tmp_path / "s.sqlite3") as opened:
        assert _readable(opened) == GRANTS


def test_the_command_takes_the_new_key_from_stdin_for_the_other_machines(
    tmp_path: Path,
) -> None:
    env = _env(tmp_path)
    with open_store(tmp_path / "s.sqlite3") as opened:
        _seed(opened)
    chosen = new_key()
    result = CliRunner().invoke(
        app,
        ["secrets", "rotate-store-key", "--stdin", "--env-file", str(env)],
        input=f"{chosen}\n",
    )
    assert result.exit_code == 0, result.output
    assert chosen not in result.output
    assert _keyring().get(KEY_NAME) == chosen
    bad = CliRunner().invoke(
        app,
        ["secrets", "rotate-store-key", "--stdin", "--env-file", str(env)],
        input="too-short-for-a-key\n",
    )
    assert bad.exit_code == 2
    assert "openssl rand -base64 32" in bad.output
    assert _keyring().get(KEY_NAME) == chosen


def test_the_command_without_a_key_names_the_command_that_stores_one(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = CliRunner().invoke(app, ["secrets", "rotate-store-key", "--env-file", str(env)])
    assert result.exit_code == 2
    assert "dunning-bridge secrets set database store-key" in result.output


def test_a_key_from_a_systemd_credential_is_rotated_by_putting_both_keys_there(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bridge.vocab.errors import ConfigError  # noqa: PLC0415

    old_text = _seed(store)
    _keyring().forget(KEY_NAME)
    folder = tmp_path / "credentials"
    folder.mkdir()
    (folder / f"{KEY_OWNER}.{KEY_NAME}").write_text(old_text, encoding="utf-8")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(folder))
    with pytest.raises(ConfigError, match=f"{KEY_OWNER}.{PREVIOUS_NAME}") as caught:
        rotate_store_key(store, at=AT)
    assert old_text not in str(caught.value)
    assert _readable(store) == GRANTS
    new_text = new_key()
    (folder / f"{KEY_OWNER}.{PREVIOUS_NAME}").write_text(old_text, encoding="utf-8")
    (folder / f"{KEY_OWNER}.{KEY_NAME}").write_text(new_text, encoding="utf-8")
    assert _readable(store) == GRANTS  # both keys there: every row opens before the re-seal
    done = rotate_store_key(store, at=AT)
    assert (done.resealed, done.finished_earlier, done.previous_left) == (3, True, True)
    assert _key_ids(store) == {StoreKey.from_text(new_text).key_id}
    (folder / f"{KEY_OWNER}.{PREVIOUS_NAME}").unlink()
    assert _readable(store) == GRANTS
