"""Keep secrets out of logs, error messages and exceptions.

Three nets, from cheap to thorough: names (a header, query parameter or log key named like a
secret is masked whatever its value), patterns (``token=...`` or ``X-AppSecretToken: ...``
inside free text) and values (every secret a connector reads is registered here, and any string
that passes through is scrubbed of it).
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

REDACTED = "***"

# Substrings that make a name secret: X-AppSecretToken, X-AgreementGrantToken, Authorization,
# client_secret, refresh_token, api_key, password, Cookie, ...
_NAME_WORDS = r"token|secret|passw|pwd|key|grant|authori[sz]ation|cookie|signature|credential"
_SECRET_NAME = re.compile(_NAME_WORDS, re.IGNORECASE)
# Names that match the pattern above but carry no secret; support needs to see them.
_PUBLIC_NAMES = frozenset(
    {"idempotency-key", "idempotency_key", "letter_key", "decision_key", "key"}
)
# Shorter values are too likely to be ordinary words ("demo") to be scrubbed from free text;
# `secrets set` refuses them (bridge/surfaces/commands.py), so every stored secret can be masked.
MIN_SECRET_LENGTH = 8
_MIN_VALUE_LENGTH = MIN_SECRET_LENGTH

_NAME = rf"[A-Za-z0-9_.\-]*(?:{_NAME_WORDS})[A-Za-z0-9_.\-]*"
# "name=value" as in a query string or a form body.
_ASSIGNMENT = re.compile(rf"(?i)(?P<name>{_NAME})=(?P<value>[^&\s#'\"]+)")
# "Name: value" as in a header dump; "Bearer abc" counts as one value.
_HEADER_LINE = re.compile(
    rf"(?i)(?P<name>{_NAME})(?P<sep>\s*:\s*)(?P<value>(?:Bearer\s+|Basic\s+)?[^\s,;'\"]+)"
)

# Registered values, oldest first. A daemon registers every access token it is issued, so the
# list is bounded: the oldest are long expired, and a secret still in use is registered again
# on every read, which makes it the newest.
MAX_KNOWN_VALUES = 4096
_known_values: dict[str, None] = {}
_longest_first: tuple[str, ...] = ()  # the same values, longest first (rebuilt on change)
_lock = threading.Lock()


def is_secret_name(name: str) -> bool:
    """Tell whether a header, parameter or field called ``name`` holds a secret."""
    return name.lower() not in _PUBLIC_NAMES and bool(_SECRET_NAME.search(name))


def register_secret(value: str) -> None:
    """Remember a secret value so that any text mentioning it is scrubbed from now on."""
    global _longest_first  # noqa: PLW0603  (the module keeps one registry for the process)
    if len(value) < _MIN_VALUE_LENGTH:
        return
    with _lock:
        known = value in _known_values
        _known_values.pop(value, None)
        _known_values[value] = None
        if known:
            return  # only its age changed
        while len(_known_values) > MAX_KNOWN_VALUES:
            del _known_values[next(iter(_known_values))]
        _longest_first = tuple(sorted(_known_values, key=len, reverse=True))


def redact_text(text: str) -> str:
    """Mask known secret values and ``secret=value`` / ``Secret: value`` fragments in text."""
    # No lock to read: the tuple is replaced whole (under the lock), never changed in place,
    # and every log line passes here from every tenant's thread.
    for value in _longest_first:
        if value in text:
            text = text.replace(value, REDACTED)
    # Most values (amounts, ids, dates) have neither "=" nor ":": skip the patterns for them.
    if "=" in text:
        text = _ASSIGNMENT.sub(lambda m: _masked_pair(m, "="), text)
    if ":" in text:
        text = _HEADER_LINE.sub(lambda m: _masked_pair(m, m.group("sep")), text)
    return text


def _masked_pair(match: re.Match[str], sep: str) -> str:
    name = match.group("name")
    if not is_secret_name(name):
        return match.group(0)
    return f"{name}{sep}{REDACTED}"


def redact_url(url: str | httpx.URL) -> str:
    """Return the URL with secret query parameters and any user:password masked."""
    parts = urlsplit(str(url))
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, REDACTED if is_secret_name(k) else redact_text(v)) for k, v in pairs],
            safe="$:*,[]()",
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    """Return a copy of the headers with every secret-named one masked."""
    return {k: REDACTED if is_secret_name(k) else redact_text(v) for k, v in headers.items()}


def redact_value(value: Any) -> Any:
    """Redact a log value of any shape: mappings by key, sequences item by item, text by content."""
    if isinstance(value, Mapping):
        return redact_mapping(value)
    if isinstance(value, httpx.URL):
        return redact_url(value)
    if isinstance(value, httpx.Headers):
        return redact_headers(value)
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, BaseException):
        return redact_text(f"{type(value).__name__}: {value}")
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


def redact_strings(value: Any) -> Any:
    """Mask secret values in every string of a JSON-shaped value (keys are left as they are).

    For data a command prints: unlike :func:`redact_mapping` a key named like a secret keeps
    its value (``secrets check --json`` reports ``{"app_secret_token": true}``).
    """
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_strings(v) for v in value]
    return value


def redact_mapping(event: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a dict-shaped event with secret-named keys masked, recursively."""
    return {
        key: REDACTED if isinstance(key, str) and is_secret_name(key) else redact_value(value)
        for key, value in event.items()
    }


def redact_processor(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Mask secrets in every structlog event before it is rendered."""
    del logger, method_name  # structlog's processor signature; neither matters here
    return redact_mapping(event_dict)


def known_secret_count() -> int:
    """Return how many secret values are registered (for diagnostics, never the values)."""
    with _lock:
        return len(_known_values)


def forget_secrets(values: Iterable[str] | None = None) -> None:
    """Forget registered values (all of them when ``values`` is None); for tests and rotation."""
    global _longest_first  # noqa: PLW0603
    with _lock:
        if values is None:
            _known_values.clear()
        else:
            for value in values:
                _known_values.pop(value, None)
        _longest_first = tuple(sorted(_known_values, key=len, reverse=True))


# ---------------------------------------------------------------------------------------------
# Output: every line a command prints passes redact_text.


class RedactingStream:
    """A text stream that masks secrets line by line before passing text on.

    Text is held until a line is complete (or the stream is flushed), so a secret written in two
    pieces is still found. Everything else (``isatty``, ``encoding``, ``buffer``...) is the
    wrapped stream's: binary output (a PDF to ``stdout.buffer``) is not text and passes as is.
    """

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner
        self._pending = ""
        self._guard = threading.Lock()

    @property
    def inner(self) -> IO[str]:
        """The wrapped stream."""
        return self._inner

    def write(self, text: str) -> int:
        """Mask and pass on every complete line; keep the rest for the next write or flush."""
        with self._guard:
            self._pending += text
            head, sep, tail = self._pending.rpartition("\n")
            if sep:
                self._pending = tail
                self._inner.write(redact_text(head + sep))
        return len(text)

    def flush(self) -> None:
        """Pass on what is held, masked, and flush the wrapped stream."""
        with self._guard:
            if self._pending:
                self._inner.write(redact_text(self._pending))
                self._pending = ""
        self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def redact_output() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`RedactingStream` (idempotent)."""
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)


@contextlib.contextmanager
def redacting_output() -> Iterator[None]:
    """Mask everything printed inside the block; the original streams come back after it."""
    saved = sys.stdout, sys.stderr
    redact_output()
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved
