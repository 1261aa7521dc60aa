"""Where the state database lives: a SQLite file, or a PostgreSQL URL whose password never shows.

``BRIDGE_DATABASE`` holds either a path or ``postgresql://user@host:5432/dbname``. A URL is kept
as a :class:`DatabaseUrl`, whose text form (``str``, ``repr``, f-strings, logs, ``status``,
``doctor``) masks the password; only the store's connect step reads :attr:`DatabaseUrl.dsn`.
This module stays free of heavy imports: the settings load it at every start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = ("postgresql", "postgres")
MASK = "***"

# How libpq reads a URL's user information: up to the first "@" or "/" (so a "#" or "?" in a
# password belongs to the password, as libpq takes it, not to a fragment or a query).
_USERINFO = re.compile(
    r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:@/]*)(?::(?P<password>[^@/]*))?@"
)
# "scheme:" of two or more characters: a URL, never a file path (":memory:" is not one).
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_QUERY_PASSWORD = re.compile(r"(?i)(?P<name>[?&]password=)[^&]*")


def is_postgres_url(text: str) -> bool:
    """Tell whether a BRIDGE_DATABASE value names a PostgreSQL server rather than a file."""
    scheme, sep, _ = text.strip().partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def database_target(text: str) -> DatabaseUrl | Path:
    """Read a BRIDGE_DATABASE value: a PostgreSQL URL, or a SQLite file path.

    Anything that looks like a URL but is not ``postgresql://``/``postgres://`` (a typo such as
    ``postgresq://``, ``sqlite:///...``, ``postgresql:/host``) raises ValueError: taken as a path
    it would create folders named after the host and the password.
    """
    value = text.strip()
    if is_postgres_url(value):
        return DatabaseUrl(value)
    if "://" in value or _URL_LIKE.match(value):
        scheme = value.split(":", 1)[0]
        raise ValueError(
            f"{mask_url_text(value)} is neither a file path nor a PostgreSQL URL (unknown scheme "
            f"{scheme!r}): write postgresql://user@host/dbname, or a plain path for SQLite"
        )
    return Path(value)


def mask_url_text(text: str) -> str:
    """Mask the password of any URL-looking text (``user:password@`` and ``?password=``).

    Reads the user information the way libpq does, so a ``#`` or ``?`` in a password is masked
    with the rest of it. Text whose authority cannot be read is masked whole.
    """
    value = text.strip()
    found = _USERINFO.match(value)
    if found:
        user = found.group("user")
        secret = f":{MASK}" if found.group("password") is not None else ""
        value = f"{found.group('head')}{user}{secret}@{value[found.end() :]}"
    else:
        head, sep, rest = value.partition("://")
        authority = re.split(r"[/?]", rest, maxsplit=1)[0]
        port = authority.rpartition(":")[2] if ":" in authority else ""
        if sep and ":" in authority and not port.isdigit():
            # "user:pass" with no "@" (cut short, or a "@" missing): never show it.
            return f"{head}://{MASK}"
    return _QUERY_PASSWORD.sub(lambda m: f"{m.group('name')}{MASK}", value)


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A PostgreSQL connection URL; its text form never carries the password."""

    dsn: str = field(repr=False)

    def __post_init__(self) -> None:
        if not is_postgres_url(self.dsn):
            raise ValueError(
                f"a database URL starts with postgresql:// (got {self.masked_text(self.dsn)!r})"
            )
        shown = self.masked_text(self.dsn)
        if _USERINFO.match(self.dsn) is None and shown.endswith(f"://{MASK}"):
            raise ValueError(
                f"cannot read the database URL {shown}: user and password need an '@' before "
                "the host (in an env file, quote a value that holds ' #': after a space, '#' "
                "starts a comment)"
            )
        parsed = _conninfo(self.dsn, shown)
        if not parsed.get("dbname"):
            raise ValueError(f"database URL {shown} names no database")
        password = self.password
        if password:
            from bridge.vocab.redact import register_secret  # noqa: PLC0415

            register_secret(password)  # masked in every log line and error from here on

    @property
    def password(self) -> str | None:
        """The password written into the URL (discouraged: see docs/configuration.md), if any."""
        found = _USERINFO.match(self.dsn)
        if found and found.group("password") is not None:
            return unquote(found.group("password"))
        query = dict(parse_qsl(self._rest().query))
        return query.get("password")

    def _rest(self) -> Any:
        """The URL without its user information, split (safe to parse: no password left)."""
        found = _USERINFO.match(self.dsn)
        text = f"{found.group('head')}{self.dsn[found.end() :]}" if found else self.dsn
        return urlsplit(text)

    @property
    def masked(self) -> str:
        """The URL with its password replaced by ``***``: safe to log and show."""
        return self.masked_text(self.dsn)

    @staticmethod
    def masked_text(text: str) -> str:
        """Mask the password of any URL-looking text (user:password@ and ?password=)."""
        return mask_url_text(text)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.masked!r})"


def _conninfo(dsn: str, shown: str) -> dict[str, str]:
    """What libpq will read from the URL: psycopg's own parser when the driver is installed.

    Without psycopg (an optional dependency: nothing could connect anyway) a plain split that
    reads the user information as libpq does.
    """
    try:
        from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415
    except ImportError:
        found = _USERINFO.match(dsn)
        rest = urlsplit(f"{found.group('head')}{dsn[found.end() :]}" if found else dsn)
        query = dict(parse_qsl(rest.query))
        return {"dbname": unquote(rest.path.strip("/")) or query.get("dbname", "")}
    try:
        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:
        hint = ": write a space as %20" if " " in dsn else ""
        raise ValueError(f"cannot read the database URL {shown}{hint}") from None
