"""Schedules and delays as the settings spell them: cron expressions and retry delays.

Read where the settings load (so a bad value stops the start with its reason) and where the
daemon plans its runs (bridge/engine/cycle_retry.py, bridge/surfaces/startcheck.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600}
_DELAY = re.compile(r"^\s*(\d+)\s*(s|m|min|h)\s*$")
_OFF = frozenset({"", "off", "no", "none", "0"})


def parse_delays(text: str) -> tuple[timedelta, ...]:
    """``"15m,1h,3h"`` as delays; ``""``/``off`` as none. ValueError names what is wrong."""
    if text.strip().lower() in _OFF:
        return ()
    delays = []
    for part in text.split(","):
        found = _DELAY.match(part)
        if found is None:
            raise ValueError(
                f"retry delay {part.strip()!r} not understood: use e.g. 15m, 1h or 90s, "
                "comma-separated (or off)"
            )
        seconds = int(found.group(1)) * _UNITS[found.group(2)]
        if seconds <= 0:
            raise ValueError(f"retry delay {part.strip()!r} must be more than zero")
        delays.append(timedelta(seconds=seconds))
    if len(delays) > 24:
        raise ValueError("at most 24 retries a day")
    return tuple(delays)


# A schedule that does not fire within this long is taken for one that never fires.
FIRE_HORIZON = timedelta(days=5 * 366)


def schedule_problem(
    name: str, expression: str, zone: str = "UTC", now: datetime | None = None
) -> str | None:
    """Why a 5-field cron expression cannot serve as a schedule, or None when it can."""
    from apscheduler.triggers.cron import CronTrigger  # noqa: PLC0415

    if len(expression.split()) != 5:
        return f"{name} {expression!r} must be a cron expression with 5 fields"
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError):  # the time zone's own check says what is wrong
        tz = ZoneInfo("UTC")
    try:
        trigger = CronTrigger.from_crontab(expression, timezone=tz)
    except ValueError as exc:
        return f"{name} {expression!r}: {exc}"
    moment = (now or datetime.now(UTC)).astimezone(tz)
    fire = trigger.get_next_fire_time(None, moment)
    if fire is None or fire - moment > FIRE_HORIZON:
        return f"{name} {expression!r} never fires (no date within 5 years matches it)"
    return None
