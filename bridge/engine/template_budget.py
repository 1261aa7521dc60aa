"""Letter templates within a budget: size, loop iterations, time, and their own folder.

A tenant may override any letter template (option ``templates``). Such a template is code the
bridge runs, so it runs sandboxed (jinja2's ``SandboxedEnvironment``) and bounded:

- ``range`` gives at most ``MAX_RANGE`` numbers, and every loop of a render together at most
  ``MAX_ITERATIONS`` turns (each ``for`` is wrapped in a counting iterator when it is parsed,
  so nested loops over any sequence count, not only ``range``);
- a string, list or number built by ``*``, ``**``, ``%`` or a padding method or filter stays
  under ``MAX_CHARS``; the output stops past ``MAX_CHARS`` characters;
- a render stops after ``MAX_SECONDS`` of wall-clock time (checked between output chunks and
  every 1000 loop turns);
- templates are read only from inside their folder: a link that leads out of it is refused.

Exceeding a budget raises ``TemplateBudgetExceeded`` (a jinja2 ``SecurityError``); the letter
renderer turns it, like any render error, into a ``LetterError`` for that letter only.
"""

from __future__ import annotations

import contextvars
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, nodes
from jinja2.environment import Environment, Template
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_RANGE = 10_000
MAX_ITERATIONS = 200_000
MAX_CHARS = 1_000_000
MAX_SECONDS = 5.0

_CHECK_EVERY = 1000
_WIDE = re.compile(r"\d{7,}")  # a format width or precision of a million or more
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_PADDING_FILTERS = ("center", "indent", "wordwrap", "truncate")


class TemplateBudgetExceeded(SecurityError):
    """A template went past its size, loop or time budget."""


@dataclass
class Budget:
    """What one render may still spend."""

    # The CPU the rendering thread spends, not the wall clock: a render that waits while other
    # tenants' threads hold the interpreter is not the template's doing, and must not fail.
    started: float = field(default_factory=time.thread_time)
    iterations: int = 0
    chars: int = 0

    def tick(self, turns: int = 1) -> None:
        """Count loop turns; check the clock now and then."""
        before = self.iterations
        self.iterations += turns
        if self.iterations > MAX_ITERATIONS:
            raise TemplateBudgetExceeded(f"more than {MAX_ITERATIONS} loop iterations")
        if self.iterations // _CHECK_EVERY != before // _CHECK_EVERY:
            self.check_time()

    def check_time(self) -> None:
        """Stop a render that has taken too long."""
        if time.thread_time() - self.started > MAX_SECONDS:
            raise TemplateBudgetExceeded(f"rendering took more than {MAX_SECONDS:g} s")

    def output(self, chunk: str) -> None:
        """Count output characters."""
        self.chars += len(chunk)
        if self.chars > MAX_CHARS:
            raise TemplateBudgetExceeded(f"output longer than {MAX_CHARS} characters")
        self.check_time()


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "template_budget", default=None
)


def _current() -> Budget:
    budget = _budget.get()
    # Rendered outside ``render_bounded`` (e.g. the HTML layout): each loop gets its own.
    return budget if budget is not None else Budget()


def _sized(value: Any) -> Any:
    """Refuse a built value past the size budget."""
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_CHARS:
        raise TemplateBudgetExceeded(f"a value longer than {MAX_CHARS} characters")
    return value


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _current()
    for item in iterable:
        budget.tick()
        yield item


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateBudgetExceeded(f"range of {len(numbers)} numbers (at most {MAX_RANGE})")
    return numbers


def _product_size(left: Any, right: Any) -> int:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
            return len(seq) * max(times, 0)
    return 0


def _power_digits(base: Any, exponent: Any) -> float:
    if not isinstance(base, (int, float)) or not isinstance(exponent, (int, float)):
        return 0.0
    if abs(base) <= 1 or exponent <= 0:
        return 0.0
    return float(exponent) * math.log10(abs(base))


class BoundedEnvironment(SandboxedEnvironment):
    """A sandboxed environment whose templates stay within a size, loop and time budget."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = _bounded_range
        self.filters["_bounded_iter"] = _counted
        for name in _PADDING_FILTERS:
            self.filters[name] = _size_checked(self.filters[name])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse products, powers and formats that would build something huge."""
        if operator == "*" and _product_size(left, right) > MAX_CHARS:
            raise TemplateBudgetExceeded(f"a value longer than {MAX_CHARS} characters")
        if operator == "**" and _power_digits(left, right) > MAX_CHARS:
            raise TemplateBudgetExceeded(f"a number of more than {MAX_CHARS} digits")
        if operator == "%" and isinstance(left, str) and _WIDE.search(left):
            raise TemplateBudgetExceeded("a format width past the size budget")
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Check the arguments of padding and formatting methods, and the size of the result."""
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            if name in _PADDING_METHODS and any(
                isinstance(a, int) and a > MAX_CHARS for a in (*args, *kwargs.values())
            ):
                raise TemplateBudgetExceeded(f"padding past {MAX_CHARS} characters")
            if name in {"format", "format_map"} and _WIDE.search(__obj.__self__):
                raise TemplateBudgetExceeded("a format width past the size budget")
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Parse, then make every ``for`` loop count its turns against the budget."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(
                loop.iter, "_bounded_iter", [], [], None, None, lineno=loop.lineno
            )
        return tree


def _size_checked(function: Callable[..., Any]) -> Callable[..., Any]:
    def checked(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, int) and a > MAX_CHARS for a in (*args[1:], *kwargs.values())):
            raise TemplateBudgetExceeded(f"a width past {MAX_CHARS} characters")
        return _sized(function(*args, **kwargs))

    # jinja2 passes the environment or context to filters that ask for it; keep the marks.
    for mark in ("jinja_pass_arg",):
        if hasattr(function, mark):
            setattr(checked, mark, getattr(function, mark))
    return checked


def render_bounded(template: Template, data: dict[str, Any]) -> str:
    """Render a template within a fresh budget, stopping past the output or time limit."""
    budget = Budget()
    token = _budget.set(budget)
    try:
        parts: list[str] = []
        for chunk in template.generate(**data):
            budget.output(chunk)
            parts.append(chunk)
        return "".join(parts)
    finally:
        _budget.reset(token)


class ConfinedLoader(FileSystemLoader):
    """A ``FileSystemLoader`` that reads nothing outside its folder, links included."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Load a template only when its real path lies inside the folder."""
        self._confined(template)
        return super().get_source(environment, template)

    def _confined(self, template: str) -> None:
        for root in self.searchpath:
            candidate = Path(root, *template.split("/"))
            if not os.path.lexists(candidate):
                continue
            if not candidate.resolve().is_relative_to(Path(root).resolve()):
                raise SecurityError(
                    f"template {template} leads out of the override folder {root}; not read"
                )

    def list_templates(self) -> list[str]:
        """The templates that lie inside the folder."""
        inside: list[str] = []
        for name in super().list_templates():
            try:
                self._confined(name)
            except (SecurityError, OSError):
                continue
            inside.append(name)
        return inside
