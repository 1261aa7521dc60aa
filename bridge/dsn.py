"""Where the state database lives: a SQLite file, or a PostgreSQL URL whose password never shows.

``BRIDGE_DATABASE`` holds either a path or ``postgresql://user@host:5432/dbname``. A URL is kept
as a :class:`DatabaseUrl`, whose text form (``str``, ``repr``, f-strings, logs, ``status``,
``doctor``) masks the password; only the store's connect step reads :attr:`DatabaseUrl.dsn`.
This module stays free of heavy imports: the settings load it at every start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres")
MASK = "***"


def is_postgres_url(text: str) -> bool:
    """Tell whether a BRIDGE_DATABASE value names a PostgreSQL server rather than a file."""
    scheme, sep, _ = text.strip().partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A PostgreSQL connection URL; its text form never carries the password."""

    dsn: str = field(repr=False)

    def __post_init__(self) -> None:
        if not is_postgres_url(self.dsn):
            raise ValueError(
                f"a database URL starts with postgresql:// (got {self.masked_text(self.dsn)!r})"
            )
        parts = urlsplit(self.dsn)
        if not parts.path.strip("/") and "dbname" not in dict(parse_qsl(parts.query)):
            raise ValueError(f"database URL {self.masked_text(self.dsn)} names no database")

    @property
    def password(self) -> str | None:
        """The password written into the URL (discouraged: see docs/configuration.md), if any."""
        parts = urlsplit(self.dsn)
        if parts.password is not None:
            return unquote(parts.password)
        query = dict(parse_qsl(parts.query))
        return query.get("password")

    @property
    def masked(self) -> str:
        """The URL with its password replaced by ``***``: safe to log and show."""
        return self.masked_text(self.dsn)

    @staticmethod
    def masked_text(text: str) -> str:
        """Mask the password of any URL-looking text (user:password@ and ?password=)."""
        try:
            parts = urlsplit(text.strip())
        except ValueError:
            return MASK  # unparseable: show nothing rather than risk a secret
        netloc = parts.netloc
        userinfo, at, hostport = netloc.rpartition("@")
        if at and ":" in userinfo:
            netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{hostport}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, MASK if k.lower() == "password" else v) for k, v in pairs], safe="/*"
            )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.masked!r})"
