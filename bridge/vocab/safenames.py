"""Names that come from data or configuration, made safe before they touch the file system.

Tenant names become folder and credential file names (``handovers/<tenant>``,
``$CREDENTIALS_DIRECTORY/<tenant>.<name>``), customer ids and case ids become file names. None of
them may carry a path: a tenant name must match :data:`SAFE_NAME` (checked when the settings
load), an id from a vendor or a scenario is turned into a plain file name by
:func:`file_component`, and :func:`inside` refuses a path that resolves outside its folder.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bridge.vocab.errors import ConfigError

# A letter or digit first (no ".", "..", hidden files or options), then at most 63 more of
# letters, digits, "_", "." and "-": never a separator, never a path.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_.-]")
_MAX_COMPONENT = 80


def is_safe_name(name: str) -> bool:
    """Tell whether ``name`` may be used as one file or folder name as it is."""
    return SAFE_NAME.fullmatch(name) is not None


def check_name(name: str, what: str) -> str:
    """Return ``name`` when it is safe; raise ConfigError naming ``what`` otherwise."""
    if not is_safe_name(name):
        raise ConfigError(
            f"{what} {name!r} is not allowed: use 1 to 64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return name


def file_component(text: str) -> str:
    """A plain file name for an id from data: the id itself when it is safe, else a mangled form.

    Unsafe characters become ``_`` and a short hash of the original is added, so two ids that
    differ only in those characters never share a file, and the result is never ``.``/``..``,
    never hidden, never a path.
    """
    if is_safe_name(text) and len(text) <= _MAX_COMPONENT:
        return text
    plain = _UNSAFE_CHARS.sub("_", text).lstrip(".-_")[:40] or "id"
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{plain}-{digest}"


def inside(folder: Path, path: Path) -> Path:
    """Return ``path`` resolved, or raise ConfigError when it lies outside ``folder``.

    Links are resolved first, so a link inside the folder that points out of it is refused too.
    """
    base = folder.resolve()
    target = path.resolve()
    if not target.is_relative_to(base):
        raise ConfigError(f"{path} is outside {folder}")
    return target
