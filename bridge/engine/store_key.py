"""Rotating the store key: a new key for the tokens the database keeps sealed.

Each row of ``tokens`` names the key that sealed it (``key_id``, a one-way id), and a read picks
the key by that id from this machine's ``database/store-key`` and, while a rotation is under
way, ``database/store-key-previous`` (bridge/vocab/tokenseal.py). The rotation:

1. checks that every row opens with this machine's key (else nothing changes);
2. keeps the current key as ``store-key-previous``;
3. stores the new key as ``store-key``;
4. re-seals every row with the new key, in one transaction;
5. deletes ``store-key-previous``.

A crash after 2 or 3 leaves rows sealed with the previous key, which is still there; a crash
inside 4 rolls every row back; a crash before 5 leaves a key no row needs. Each case reads
every token, and running the command again finishes the rotation without a new key (a
previous key that differs from the current one means exactly that). The daemons must not run
meanwhile: the command holds the database as a manual cycle does, so a daemon holding an old
key in memory cannot write a row with it after the re-seal.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import structlog

from bridge.engine.shared_tokens import resealed_payload
from bridge.store import Store
from bridge.store.tokens import TokenRow
from bridge.vocab.errors import ConfigError
from bridge.vocab.secrets import TenantSecrets
from bridge.vocab.tokenseal import (
    KEY_NAME,
    KEY_OWNER,
    PREVIOUS_NAME,
    StoreKey,
    StoreKeyMissing,
    new_key,
    parse_key,
    stored_text,
)

log = structlog.get_logger("bridge.store_key")

# Where a crash is simulated by the tests (``crash``): after each step that changes something.
CRASH_POINTS = ("previous stored", "key stored", "resealed one row", "committed")
OWNER = "cli-rotate-store-key"


@dataclass(frozen=True, slots=True)
class Rotation:
    """What a rotation did: the keys by their one-way ids, and how many rows it re-sealed."""

    old_id: str
    new_id: str
    resealed: int
    finished_earlier: bool  # it completed a rotation a crash had cut off (no new key made)
    previous_left: bool  # the previous key is still readable (a systemd credential) afterwards


def _no_crash(_: str) -> None:
    return None


def rotate_store_key(
    store: Store,
    *,
    at: datetime,
    new_text: str | None = None,
    crash: Callable[[str], None] = _no_crash,
) -> Rotation:
    """Rotate this machine's store key and re-seal every token row (module docstring).

    ``new_text`` is the new key (base64 of 32 bytes, to store the same on other machines);
    None makes one. Raises StoreKeyMissing without a key, StoreLocked while a daemon holds
    the database, WrongStoreKey when a row does not open with this machine's key.
    """
    if new_text is not None:
        parse_key(new_text)  # a bad key is refused before anything changes
    keyring = TenantSecrets(KEY_OWNER)
    current_text = stored_text()
    if current_text is None:
        raise StoreKeyMissing()
    previous_text = stored_text(PREVIOUS_NAME)
    with store.exclusive(OWNER):
        if previous_text is not None and parse_key(previous_text) != parse_key(current_text):
            # A rotation stopped after storing its new key: finish it with the key it stored.
            old, new = StoreKey.from_text(previous_text), StoreKey.from_text(current_text)
            resumed = True
        else:
            _refuse_credential()
            old = StoreKey.from_text(current_text)
            store.reseal_tokens(_check(old), at=at)  # reads every row, changes none
            text = new_text.strip() if new_text is not None else new_key()
            new = StoreKey.from_text(text)
            if new.key_id == old.key_id:
                raise ConfigError("the new store key is the key in use; give another one")
            keyring.set(PREVIOUS_NAME, current_text)
            crash("previous stored")
            keyring.set(KEY_NAME, text)
            crash("key stored")
            resumed = False
        count = store.reseal_tokens(_resealer(old, new, crash), at=at)
        crash("committed")
        keyring.forget(PREVIOUS_NAME)
    left = stored_text(PREVIOUS_NAME) is not None
    log.info("store_key.rotated", old=old.key_id, new=new.key_id, resealed=count)
    return Rotation(old.key_id, new.key_id, count, resumed, left)


def _where(row: TokenRow) -> str:
    return f"tenant {row.tenant!r} ({row.credential})"


def _check(key: StoreKey) -> Callable[[TokenRow], None]:
    """Open every row with the key in use (WrongStoreKey names the first that does not)."""

    def check(row: TokenRow) -> None:
        key.open(row.sealed, row.credential, key_id=row.key_id, where=_where(row))

    return check


def _resealer(
    old: StoreKey, new: StoreKey, crash: Callable[[str], None]
) -> Callable[[TokenRow], tuple[str, str] | None]:
    """Open a row with the old key and seal it with the new key."""
    done = [0]

    def reseal(row: TokenRow) -> tuple[str, str] | None:
        if row.key_id == new.key_id:
            return None  # sealed with the new key already (a rotation finished again)
        plain = old.open(row.sealed, row.credential, key_id=row.key_id, where=_where(row))
        sealed = new.seal(resealed_payload(plain, row.key_id), row.credential)
        done[0] += 1
        if done[0] == 1:
            crash("resealed one row")
        return sealed, new.key_id

    return reseal


def _refuse_credential() -> None:
    """A key read from a systemd credential cannot be replaced from here: say what to do."""
    folder = os.environ.get("CREDENTIALS_DIRECTORY")
    if folder and (Path(folder) / f"{KEY_OWNER}.{KEY_NAME}").is_file():
        raise ConfigError(
            f"the store key comes from the systemd credential {KEY_OWNER}.{KEY_NAME}, which "
            f"this command cannot replace: put the key in use into the credential "
            f"{KEY_OWNER}.{PREVIOUS_NAME} and a new key into {KEY_OWNER}.{KEY_NAME}, then run "
            "this command again to re-seal the tokens (docs/operations.md § Rotating the "
            "store key)"
        )
