"""Progress of long runs on a terminal (rich); silent when output is piped, JSON or a daemon.

`cycle_progress` follows the stages of cycles over tenants; `steps_progress` counts any long
operation in equal steps (a report over many tenants, a simulation over a year of days).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Reporter = Callable[[str, str, int, int], None]


@contextmanager
def cycle_progress(tenants: int, *, enabled: bool = True) -> Iterator[Reporter | None]:
    """Yield a progress reporter for CycleOptions, or None when nobody watches a terminal."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True, redirect_stdout=False) as bar:
        overall = bar.add_task(f"{tenants} tenant(s)", total=tenants)
        current = bar.add_task("", total=None, visible=False)
        seen: set[str] = set()

        def report(tenant: str, stage: str, done: int, total: int) -> None:
            if stage == "done":
                seen.add(tenant)
                bar.update(overall, completed=len(seen))
                bar.update(current, visible=False)
                return
            bar.update(
                current,
                description=f"{tenant}: {stage}",
                completed=done,
                total=total or None,
                visible=True,
            )

        yield report


Advance = Callable[[str], None]


@contextmanager
def steps_progress(what: str, total: int, *, enabled: bool = True) -> Iterator[Advance]:
    """Yield ``advance(label)`` for a long operation of ``total`` steps (tenants, days...).

    On a terminal it draws one bar; piped, in JSON mode or in the daemon it does nothing, so
    callers call it unconditionally.
    """
    if not enabled or total <= 1 or not sys.stderr.isatty():
        yield _quiet
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True, redirect_stdout=False) as bar:
        task = bar.add_task(what, total=total)

        def advance(label: str) -> None:
            bar.update(task, advance=1, description=f"{what}: {label}")

        yield advance


def _quiet(label: str) -> None:
    """Progress nobody watches."""
