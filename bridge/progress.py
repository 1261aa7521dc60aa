"""Progress of long runs on a terminal (rich); silent when output is piped, JSON or a daemon."""

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
