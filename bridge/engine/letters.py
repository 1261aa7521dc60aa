"""Render letters (jinja2, sandboxed, strict) in the customer's language: text, HTML and PDF.

Templates live in bridge/engine/templates/letters/<lang>/<action>.txt.j2, one per action and
language (da, nb, sv, fi, en). The text template is the single source of a letter's wording:
its first line is the subject, the rest the body; HTML (``_layout.html.j2``) and PDF
(bridge/engine/letter_pdf.py) are layouts of that text, so the legally required content can
never differ between formats.

The law that applies is the tenant's country, not the language: an English letter of a
Norwegian creditor is still an "Inkassovarsel" with 14 days. Each language's ``_law.txt.j2``
holds the country-specific titles and warning paragraphs.

A tenant may point the option ``templates`` at a folder with the same layout to override any
template (missing ones fall back to the shipped set; bridge/engine/letter_templates.py loads
them). Everything a template sees is built in bridge/engine/letter_context.py; the creditor
and its accounts are bridge/engine/letter_creditor.py. Amounts, dates, rates and account
details are formatted per locale with babel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from bridge.engine.letter_context import context, warning_kind
from bridge.engine.letter_creditor import Creditor
from bridge.engine.letter_templates import cached_environment, html_environment, template_override
from bridge.engine.template_budget import render_bounded
from bridge.vocab.domain import Customer, Invoice, Letter, StepRecord
from bridge.vocab.errors import BridgeError
from bridge.vocab.languages import AVAILABLE, COUNTRY_LANGUAGE

# The cycle takes the creditor, the warning's name and the override folder from here too
# (their homes: letter_creditor, letter_context, letter_templates).
__all__ = [
    "FORMATS",
    "Creditor",
    "Format",
    "LetterError",
    "Rendered",
    "compose",
    "render",
    "template_override",
    "to_html",
    "to_pdf",
    "warning_kind",
]

Format = Literal["text", "html", "pdf"]
FORMATS: Final[tuple[str, ...]] = ("text", "html", "pdf")


# What rendering a template can raise besides jinja2's own errors: a too large ``range`` is an
# OverflowError, a deep recursion a RecursionError; none of them may stop the tenant's cycle.
_RENDER_FAILURES = (
    TemplateError,
    ArithmeticError,
    LookupError,
    ValueError,
    TypeError,
    RecursionError,
)


class LetterError(BridgeError):
    """A letter's template cannot be rendered (a syntax error, a field that does not exist)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered letter: subject (the template's first line), body, and the full text."""

    lang: str
    subject: str
    body: str
    text: str
    blocks: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    @classmethod
    def of_text(cls, lang: str, full: str) -> Rendered:
        """Split a letter's full text into subject, body and layout blocks (as written)."""
        subject, _, body = full.partition("\n")
        return cls(
            lang=lang,
            subject=subject.strip(),
            body=body.lstrip("\n"),
            text=full,
            blocks=_blocks(body),
        )

    def html(self, env: SandboxedEnvironment | None = None, **extra: Any) -> str:
        """Lay the letter out as HTML (escaped: the text may hold customer names)."""
        environment = env or html_environment(None)
        template = environment.get_template("_layout.html.j2")
        return template.render(lang=self.lang, subject=self.subject, blocks=self.blocks, **extra)


def _blocks(body: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Split a body into paragraphs and bullet lists (lines starting with "- ")."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for chunk in body.strip("\n").split("\n\n"):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        bullets: list[str] = []
        for line in lines:
            if line.startswith("- "):
                if paragraph:
                    out.append(("p", tuple(paragraph)))
                    paragraph = []
                bullets.append(line[2:])
            else:
                if bullets:
                    out.append(("ul", tuple(bullets)))
                    bullets = []
                paragraph.append(line)
        if paragraph:
            out.append(("p", tuple(paragraph)))
        if bullets:
            out.append(("ul", tuple(bullets)))
    return tuple(out)


def compose(
    letter: Letter,
    customer: Customer,
    invoices: Mapping[str, Invoice],
    *,
    creditor: Creditor | str,
    lang: str = "da",
    country: str | None = None,
    override: Path | None = None,
    open_invoices: Iterable[Invoice] = (),
    history: Iterable[StepRecord] = (),
) -> Rendered:
    """Render a letter's text and split it into subject, body and layout blocks."""
    if lang not in AVAILABLE:
        raise ValueError(f"no letters in {lang!r}; languages: {', '.join(AVAILABLE)}")
    law_country = (country or {v: k for k, v in COUNTRY_LANGUAGE.items()}.get(lang, "DK")).upper()
    who = creditor if isinstance(creditor, Creditor) else Creditor(name=creditor)
    data = context(
        letter,
        customer,
        invoices,
        creditor=who,
        country=law_country,
        open_invoices=open_invoices,
        history=history,
    )
    name = f"{lang}/{letter.action.value}.txt.j2"
    try:
        template = cached_environment(lang, override).get_template(name)
        full = render_bounded(template, data)  # within a size, loop and time budget
    except (
        TemplateError,
        ArithmeticError,
        LookupError,
        ValueError,
        TypeError,
        RecursionError,
    ) as exc:
        # A tenant's own template with a typo, one that asks for a field that does not exist,
        # or one past its budget (docs/reliability.md): that letter cannot be written, the
        # others can.
        where = f" (overrides in {override})" if override is not None else ""
        raise LetterError(f"template {name}{where} cannot be rendered: {exc}") from exc
    return Rendered.of_text(lang, full)


def render(
    letter: Letter,
    customer: Customer,
    invoices: Mapping[str, Invoice],
    *,
    creditor: Creditor | str,
    lang: str = "da",
    country: str | None = None,
    override: Path | None = None,
    open_invoices: Iterable[Invoice] = (),
    history: Iterable[StepRecord] = (),
) -> str:
    """Render the letter's full text: every amount, period and deadline the law asks for."""
    return compose(
        letter,
        customer,
        invoices,
        creditor=creditor,
        lang=lang,
        country=country,
        override=override,
        open_invoices=open_invoices,
        history=history,
    ).text


def to_html(rendered: Rendered, creditor: Creditor, override: Path | None = None) -> str:
    """The letter as an HTML document (for e-mail and preview)."""
    return rendered.html(html_environment(override), creditor=creditor)


def to_pdf(rendered: Rendered, creditor: Creditor, *, when: date) -> bytes:
    """The letter as a one-document PDF."""
    from bridge.engine.letter_pdf import letter_pdf  # noqa: PLC0415  (fpdf2 loads only when asked)

    header = [line for line in (creditor.name, creditor.address, creditor.org_number) if line]
    return letter_pdf(rendered.subject, rendered.blocks, header=header, when=when)
