"""The exclusive lock that keeps a second daemon off a database: ``flock`` on ``<db>.lock``.

The kernel drops an ``flock`` when its holder dies, so a crashed daemon never leaves a stale
lock behind. The file itself stays (deleting it would let two processes lock two different
files of the same name); it only records who holds it, for the error message.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bridge.vocab.errors import StoreLocked


def lock_path(db_path: str | Path) -> Path:
    """Return the lock file that guards ``db_path``."""
    return Path(f"{db_path}.lock")


def _holder(fd: int) -> str:
    """Describe who holds the lock from what they wrote into the file."""
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8")
        info = json.loads(raw)
        return f"{info['owner']} (pid {info['pid']}) since {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        # The holder may be between taking the lock and writing its name.
        return "another process (owner unknown)"


@contextmanager
def hold(db_path: str | Path, owner: str) -> Iterator[None]:
    """Hold the exclusive lock for the block, or raise StoreLocked at once when it is taken."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreLocked(f"state database {db_path} is held by {_holder(fd)}") from None
        try:
            since = datetime.now(UTC).isoformat(timespec="seconds")
            info = json.dumps({"owner": owner, "pid": os.getpid(), "since": since})
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode("utf-8"), 0)
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def waiting(path: Path, *, wait: float) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` for the block, waiting up to ``wait`` seconds.

    For short critical sections between processes (a token refresh); raises StoreLocked when
    the holder keeps it longer.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLocked(
                        f"{path} has been held by another process for over {wait:.0f} s"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
