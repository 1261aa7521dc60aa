"""The store key: how tokens kept in the database are sealed (AES-256-GCM) and opened again.

Every daemon sharing a database reads the same key from its own keyring (or a systemd
credential) under the name ``database/store-key``; the database holds only what the key seals.
A token sealed for one credential cannot be passed off as another's (the credential name is
bound in as associated data). The tenant is not, so `tenants rename` can move a sealed row.

Nothing here ever puts a token or the key into a message: a missing key names the command
that stores it, a wrong key says it is another key (by its one-way id), never what it opened.

While the key is rotated (`dunning-bridge secrets rotate-store-key`, bridge/engine/store_key.py)
the old key stays beside it as ``database/store-key-previous``: a row names the key that sealed
it by that id, so a row the rotation has not re-sealed yet still opens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bridge.vocab.errors import ConfigError, SecretMissing, StoreError
from bridge.vocab.redact import register_secret
from bridge.vocab.secrets import TenantSecrets

# Stored like the database password (bridge/store/pg.py): keyring service dunning-bridge,
# entry database/store-key, or the systemd credential file database.store-key.
KEY_OWNER, KEY_NAME = "database", "store-key"
# The key before the last rotation, kept only until every row is sealed with the new one.
PREVIOUS_NAME = "store-key-previous"
SET_COMMAND = f"dunning-bridge secrets set {KEY_OWNER} {KEY_NAME}"
KEY_BYTES = 32
_NONCE_BYTES = 12
_FORMAT = "v1"


class StoreKeyMissing(ConfigError):
    """No store key is stored on this machine."""

    def __init__(self) -> None:
        super().__init__(
            "the database keeps the rotating OAuth tokens encrypted, and this machine has no "
            f"store key to open them; store the key every daemon shares with `{SET_COMMAND}` "
            "(docs/operations.md § Tokens shared by daemons)"
        )


class WrongStoreKey(StoreError):
    """The stored key does not open what the database holds (another key sealed it)."""


def parse_key(text: str) -> bytes:
    """Read a key written as base64 (standard or URL-safe) of 32 random bytes."""
    cleaned = text.strip()
    padded = cleaned + "=" * (-len(cleaned) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ConfigError(
            f"the store key must be {KEY_BYTES} random bytes written in base64 (44 characters), "
            f"e.g. the output of `openssl rand -base64 32`; store it with `{SET_COMMAND}`"
        )
    return raw


def new_key() -> str:
    """A fresh key, as base64 text (what `secrets set database store-key` accepts)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


class StoreKey:
    """One key: seals and opens the token rows of the database."""

    def __init__(self, raw: bytes, *, previous: StoreKey | None = None) -> None:
        if len(raw) != KEY_BYTES:
            raise ConfigError(f"a store key has {KEY_BYTES} bytes")
        self._aead = AESGCM(raw)
        # A one-way tag naming the key in the database and in messages, never the key itself.
        self.key_id = hmac.new(raw, b"dunning-bridge store key id", hashlib.sha256).hexdigest()[:12]
        # The key a rotation under way replaces: it only opens the rows it sealed, never seals.
        self.previous = previous if previous is None or previous.key_id != self.key_id else None

    @classmethod
    def from_text(cls, text: str, *, previous: StoreKey | None = None) -> StoreKey:
        """Build the key from its base64 text."""
        register_secret(text.strip())
        return cls(parse_key(text), previous=previous)

    def seal(self, plaintext: str, credential: str) -> str:
        """Encrypt ``plaintext`` for one credential: ``v1:`` and base64 of nonce + ciphertext."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), credential.encode("utf-8"))
        return f"{_FORMAT}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, credential: str, *, key_id: str, where: str) -> str:
        """Decrypt a sealed value; ``where`` names the row in an error (never its contents)."""
        if self.previous is not None and key_id == self.previous.key_id:
            return self.previous.open(sealed, credential, key_id=key_id, where=where)
        version, _, body = sealed.partition(":")
        try:
            if version != _FORMAT:
                raise ValueError(version)
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], credential.encode("utf-8")
            )
            return plain.decode("utf-8")
        except InvalidTag:
            if key_id != self.key_id:
                raise WrongStoreKey(
                    f"the tokens of {where} in the database were sealed with store key "
                    f"{key_id}, and this machine's store key is {self.key_id}: every daemon "
                    f"needs the same key; store it with `{SET_COMMAND}`"
                ) from None
            raise WrongStoreKey(
                f"the tokens of {where} in the database do not open with the store key "
                f"{self.key_id} that sealed them (the row was changed or damaged); authorize "
                "the tenant again to store new tokens"
            ) from None
        except (ValueError, UnicodeError):
            raise WrongStoreKey(
                f"the tokens of {where} in the database are not in a form this program reads; "
                "authorize the tenant again to store new tokens"
            ) from None


def stored_text(name: str = KEY_NAME) -> str | None:
    """The text of a key stored on this machine (systemd credential, then keyring), or None."""
    try:
        text = TenantSecrets(KEY_OWNER).get(name)
    except SecretMissing:
        return None
    return text.strip() or None


def stored_key() -> StoreKey | None:
    """This machine's store key (systemd credential, then keyring), None when none is stored.

    The previous key, when a rotation has not finished, comes along to open the rows it sealed.
    """
    text = stored_text()
    if text is None:
        return None
    before = stored_text(PREVIOUS_NAME)
    return StoreKey.from_text(text, previous=StoreKey.from_text(before) if before else None)


def required_key() -> StoreKey:
    """This machine's store key, or StoreKeyMissing naming the command that stores it."""
    key = stored_key()
    if key is None:
        raise StoreKeyMissing()
    return key
