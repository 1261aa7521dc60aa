"""Structured logs (structlog): JSON lines for journald in the daemon, readable in a terminal.

Every event passes the redaction processor, so a token in a URL, a header or a traceback never
reaches a log.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog

from bridge.vocab.redact import redact_processor

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
# The level configured last: a line per request costs its arguments even when filtered out.
_threshold = logging.INFO


def enabled(level: int) -> bool:
    """Tell whether events at ``level`` are written (to skip building a filtered one)."""
    return level >= _threshold


def configure(
    fmt: Literal["json", "console"] = "json",
    level: str = "info",
    *,
    quiet: bool = False,
) -> None:
    """Set up structlog once per process; ``quiet`` keeps only errors (interactive commands)."""
    global _threshold  # noqa: PLW0603  (one level for the process, as structlog keeps it)
    threshold = logging.ERROR if quiet else _LEVELS.get(level, logging.INFO)
    _threshold = threshold
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # Tracebacks become plain text here, before redaction, so a token in an exception
            # message is scrubbed too, and no renderer ever prints local variables.
            structlog.processors.format_exc_info,
            redact_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
