"""Turn decisions, letters and outcomes into JSON-ready dicts and rich tables.

The JSON shape of a decision is the scenario contract's event (docs/scenario.md), so `plan
--json`, `simulate --json` and `explain --json` speak one language.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from rich import box
from rich.console import Console
from rich.table import Table

from bridge.vocab.domain import ZERO, ActionKind, Decision, StepRecord
from bridge.vocab.money import LOCALES, money

if TYPE_CHECKING:
    from bridge.engine.withdrawn import Withdrawn

# Piped or logged output (a file, journald, a mail) is not wrapped: a line is as long as what
# it says, and tables take the width they need, up to this.
UNWRAPPED_WIDTH = 1000


def console(*, stderr: bool = False) -> Console:
    """A console for text and tables: on a terminal its width; piped, no hard wrap at all.

    ``COLUMNS`` still sets the width of piped output when an operator wants one.
    """
    out = Console(highlight=False, stderr=stderr)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.soft_wrap = True
        out.width = UNWRAPPED_WIDTH
    return out


def heading(out: Console, title: str) -> None:
    """A title line: a rule across a terminal, the plain title when piped."""
    if out.is_terminal:
        out.rule(title)
    else:
        out.print(f"== {title} ==", markup=False)


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders numbers as numbers: 2 before 10, "K-9" before "K-10"."""
    parts = re.split(r"(\d+)", text)
    return tuple(
        (0, int(part), part) if part.isdigit() else (1, 0, part.casefold())
        for part in parts
        if part
    )


# ---------------------------------------------------------------------------------------------
# Money and action names as people read them: one function for the CLI, the report and letters.

# The engine's explanations write amounts in one fixed form, "DKK 10,000.00" (policies/text.py,
# and "NOK 1234.56" in a derivation): the presentation puts them in the reader's locale.
_ENGINE_AMOUNT: Final = re.compile(
    r"\b([A-Z]{3}) (-?\d{1,3}(?:,\d{3})*\.\d{2}|-?\d+\.\d{2})(?!\d|\.\d)"
)


@dataclass(frozen=True, slots=True)
class Voice:
    """How one tenant's people read the CLI: their language and their country's law names."""

    lang: str = "en"
    country: str = "DK"

    @property
    def locale(self) -> str:
        """The locale amounts are written in (English where no letters exist in the language)."""
        return LOCALES.get(self.lang, LOCALES["en"])

    def money(self, value: Decimal | None, currency: str) -> str:
        """An amount in this reader's locale (nothing for a missing one)."""
        return "" if value is None else money(value, currency, self.locale)

    def action(self, kind: ActionKind | str) -> str:
        """A ladder step's kind as the letters name it in this language (``rykker``)."""
        value = kind.value if isinstance(kind, ActionKind) else str(kind)
        lang = self.lang if self.lang in LOCALES else "en"
        return _action_word(lang, self.country, value)

    def step(self, kind: ActionKind | str, step: int) -> str:
        """'2 rykker': the step's number and its name."""
        return f"{step} {self.action(kind)}"

    def withdrawn_step(self, item: Withdrawn) -> str:
        """A withdrawn letter's step in this reader's words ('2 rykker')."""
        return self.step(item.action, item.step)

    def prose(self, text: str) -> str:
        """The engine's English sentences with their amounts in this reader's locale."""
        return _ENGINE_AMOUNT.sub(
            lambda m: money(Decimal(m.group(2).replace(",", "")), m.group(1), self.locale), text
        )


ENGLISH = Voice()


@functools.lru_cache(maxsize=256)
def _action_word(lang: str, country: str, kind: str) -> str:
    # The letters' own names for each kind (bridge/engine/templates/letters/<lang>/_law.txt.j2), so
    # the CLI and the letter a customer gets never name a step differently.
    from bridge.engine.letter_templates import environment  # noqa: PLC0415  (letters import this module)

    try:
        module = (
            environment(lang)
            .get_template(f"{lang}/_law.txt.j2")
            .make_module({"country": country, "follows_warning": False})
        )
        return str(module.action_name(kind)).strip()  # type: ignore[attr-defined]
    except Exception:  # an unknown kind still reads as words
        return kind.replace("_", " ")


def voice_of(country: str, options: Mapping[str, str] | None = None) -> Voice:
    """The voice of a tenant: its ``language`` option, else its country's language."""
    from bridge.vocab.languages import tenant_language  # noqa: PLC0415

    return Voice(lang=tenant_language(country, options), country=country.upper())


def voice_for(settings: Any, tenant: str | None) -> Voice:
    """The voice of a configured tenant (English when it is not known)."""
    config = settings.tenants.get(tenant) if tenant is not None else None
    if config is None:
        return ENGLISH
    return voice_of(config.country, config.options)


def amount(value: Decimal | None) -> str:
    """Format an amount as the contract wants: a string with two decimals."""
    return f"{(value or ZERO):.2f}"


def decision_dict(d: Decision) -> dict[str, Any]:
    """Return the contract's event dict for one decision (plus its key and letter)."""
    return {
        "date": d.date.isoformat(),
        "invoice": d.invoice_id,
        "invoice_number": d.invoice_number,
        "customer": d.customer_id,
        "action": d.action.value,
        "step": d.step,
        "fee": amount(d.fee),
        "interest": amount(d.interest_amount),
        "interest_from": d.interest.start.isoformat() if d.interest else None,
        "interest_to": d.interest.end.isoformat() if d.interest else None,
        "interest_rate": f"{d.interest.rate:.2f}" if d.interest else None,
        "compensation": amount(d.compensation),
        "currency": d.currency,
        "outstanding": amount(d.outstanding),
        "deadline": d.deadline.isoformat() if d.deadline else None,
        "legal_basis": list(d.legal_basis),
        "explanation": d.explanation,
        "key": d.key,
        "letter": d.letter,
    }


def step_dict(s: StepRecord) -> dict[str, Any]:
    """Return a JSON-ready dict for one recorded step."""
    return {
        "invoice": s.invoice_id,
        "action": s.action.value,
        "step": s.step,
        "date": s.date.isoformat(),
        "status": s.status.value,
        "fee": amount(s.fee),
        "interest": amount(s.interest),
        "interest_to": s.interest_to.isoformat() if s.interest_to else None,
        "compensation": amount(s.compensation),
        "deadline": s.deadline.isoformat() if s.deadline else None,
        "source": s.source,
        "document": s.document,
    }


def cite(basis: str) -> str:
    """The citation of a legal-basis line without its gloss: 'renteloven § 9 b (…)' -> '… § 9 b'."""
    return basis.split(" (", 1)[0].strip()


def plan_table(
    decisions: Sequence[Decision], names: dict[str, str], title: str, voice: Voice = ENGLISH
) -> Table:
    """A table of what the bridge would do and why, readable in 80 columns.

    Legal bases are numbered in the last column and spelt out in the caption; the full text and
    the explanation of every amount are one `explain INVOICE` away.
    """
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Invoice", no_wrap=True)
    table.add_column("Customer", max_width=14, no_wrap=True, overflow="ellipsis")
    table.add_column("Step", max_width=20, no_wrap=True, overflow="ellipsis")
    table.add_column("Fee", justify="right", no_wrap=True)
    table.add_column("Interest", justify="right", no_wrap=True)
    table.add_column("Comp.", justify="right", no_wrap=True)
    table.add_column("Deadline", no_wrap=True)
    table.add_column("Basis", no_wrap=True)
    legend: dict[str, int] = {}
    for d in decisions:
        refs = sorted({legend.setdefault(cite(b), len(legend) + 1) for b in d.legal_basis})
        # Amounts are in the invoice's currency, which the locale's format names.
        table.add_row(
            d.invoice_number,
            names.get(d.customer_id, d.customer_id),
            voice.step(d.action, d.step),
            voice.money(d.fee, d.currency),
            voice.money(d.interest_amount, d.currency),
            voice.money(d.compensation, d.currency),
            d.deadline.isoformat() if d.deadline else "",
            ",".join(str(r) for r in refs),
        )
    table.caption = "  ".join(f"[{n}] {c}" for c, n in legend.items())
    table.caption_justify = "left"
    return table


# Columns of amounts, right-aligned wherever a listing shows them.
MONEY_COLUMNS: Final = frozenset({"Fee", "Interest", "Comp.", "Charges", "Amount", "Outstanding"})


def rows_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A plain table for history, status and similar listings."""
    table = Table(title=title, expand=False)
    for col in columns:
        table.add_column(col, justify="right" if col in MONEY_COLUMNS else "left")
    for row in rows:
        table.add_row(*[("" if v is None else str(v)) for v in row])
    return table
