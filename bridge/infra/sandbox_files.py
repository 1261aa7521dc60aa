"""Where the embedded vendor sandboxes keep their state between runs (the demo, the fault tests).

One file per sandbox, written whole and atomically: a crash leaves the old file or the new one,
never half of either. There is no fsync: the file stands for a remote vendor's database, and what
must survive is our process being killed (the page cache does), not the machine losing power;
syncing on every write made the demo several times slower.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bridge.vocab.errors import ConfigError

T = TypeVar("T")


def save_state(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_state(path: Path, parse: Callable[[bytes], T]) -> T:
    """Read and parse ``path``; a corrupt file is a clear ConfigError and is left as it is."""
    try:
        return parse(path.read_bytes())
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # JSONDecodeError is a ValueError; a wrong shape shows as one of the others.
        raise ConfigError(
            f"sandbox state {path} is corrupt ({type(exc).__name__}: {exc}); "
            "remove it to start the sandbox afresh (make demo-reset for the demo)"
        ) from None
