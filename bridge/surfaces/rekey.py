"""``dunning-bridge secrets rotate-store-key``: a new store key, every token row re-sealed.

The work is bridge/engine/store_key.py; this prints what it did, by the keys' one-way ids and
a count, never a key or a token.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bridge.surfaces import present
from bridge.surfaces.shared import _store
from bridge.vocab.errors import BridgeError
from bridge.vocab.settings import Settings
from bridge.vocab.tokenseal import KEY_NAME, KEY_OWNER, PREVIOUS_NAME

console = present.console()
err = present.console(stderr=True)


def rotate_command(settings: Settings, new_text: str | None) -> int:
    """Rotate the store key (``new_text`` given, or made); exit 2 when refused."""
    from bridge.engine.store_key import rotate_store_key  # noqa: PLC0415

    try:
        with _store(settings) as store:
            shared = store.shared
            done = rotate_store_key(store, at=datetime.now(UTC), new_text=new_text)
    except BridgeError as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    what = "finished the rotation begun earlier" if done.finished_earlier else "rotated"
    console.print(
        f"Store key {what}: {done.old_id} -> {done.new_id}; {done.resealed} token rows "
        "re-sealed with the new key.",
        markup=False,
    )
    if new_text is not None:
        console.print(
            "Store the same new key on every other machine sharing this database before its "
            f"daemon starts: `dunning-bridge secrets set {KEY_OWNER} {KEY_NAME} --stdin`.",
            markup=False,
        )
    elif shared:
        console.print(
            "The new key is only in this machine's keyring and is never shown: another daemon "
            "sharing this database cannot open the tokens. For several machines rotate with "
            "--stdin and a key you keep (docs/operations.md § Rotating the store key).",
            markup=False,
        )
    if done.previous_left:
        console.print(
            f"The old key is still readable as {KEY_OWNER}.{PREVIOUS_NAME} (a systemd "
            "credential): no row needs it now, remove it.",
            markup=False,
        )
    return 0
