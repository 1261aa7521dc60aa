"""Render letters (jinja2, sandboxed, strict) in the customer's language: text, HTML and PDF.

Templates live in bridge/engine/templates/letters/<lang>/<action>.txt.j2, one per action and
language
(da, nb, sv, fi, en). The text template is the single source of a letter's wording: its first
line is the subject, the rest the body; HTML (``_layout.html.j2``) and PDF
(bridge/engine/letter_pdf.py)
are layouts of that text, so the legally required content can never differ between formats.

The law that applies is the tenant's country, not the language: an English letter of a
Norwegian creditor is still an "Inkassovarsel" with 14 days. Each language's ``_law.txt.j2``
holds the country-specific titles and warning paragraphs.

A tenant may point the option ``templates`` at a folder with the same layout to override any
template (missing ones fall back to the shipped set). Amounts, dates, rates and account details
are formatted per locale with babel.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, PackageLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from bridge.engine.template_budget import BoundedEnvironment, ConfinedLoader, render_bounded
from bridge.vocab.domain import (
    ZERO,
    ActionKind,
    Customer,
    CustomerKind,
    Decision,
    InterestCharge,
    Invoice,
    Letter,
    StepRecord,
    StepStatus,
)
from bridge.vocab.errors import BridgeError
from bridge.vocab.languages import (
    AVAILABLE,
    COUNTRY_LANGUAGE,
)
from bridge.vocab.money import LOCALES as PRESENT_LOCALES
from bridge.vocab.money import money as format_money
from bridge.vocab.payref import Reference, ReferenceOptions
from policies import claim as claims
from policies.steps import TONES, default_name, default_steps

LOCALES: Final[dict[str, str]] = PRESENT_LOCALES
_AND: Final[dict[str, str]] = {"da": "og", "nb": "og", "sv": "och", "fi": "ja", "en": "and"}
# The actions whose letters asked the debtor to pay an overdue claim: "despite our reminder of
# 22 January" names them.
_DUNNING: Final[frozenset[ActionKind]] = frozenset(
    {ActionKind.REMINDER, ActionKind.COLLECTION_WARNING}
)

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
class Creditor:
    """Who sends the letter and where to pay, from the tenant's options."""

    name: str
    address: str = ""
    org_number: str = ""
    email: str = ""
    phone: str = ""
    bank_reg: str = ""  # DK registreringsnummer
    bank_account: str = ""
    iban: str = ""
    bic: str = ""
    bankgiro: str = ""  # SE
    plusgiro: str = ""  # SE
    agency: str = ""  # the collection agency, named in warnings and hand-overs
    # Structured payment references (bridge/vocab/payref.py, docs/letters.md).
    fik_creditor: str = ""  # DK: the FI creditor number of the +71 payment slip
    kid: str = ""  # NO: "mod10" for KIDs the bridge generates
    kid_length: str = ""  # NO: the fixed KID length of the agreement, if any
    ocr: str = ""  # SE: "mod10" or "mod10_length" for OCR references the bridge generates
    fi_reference: str = ""  # FI: "national" (the default), "rf" or "none"

    def references(self, country: str) -> ReferenceOptions:
        """The creditor's structured-reference settings for a letter under ``country``'s law."""
        return ReferenceOptions.from_options(
            country,
            {
                "fik_creditor": self.fik_creditor,
                "kid": self.kid,
                "kid_length": self.kid_length,
                "ocr": self.ocr,
                "fi_reference": self.fi_reference,
            },
        )

    @property
    def payable(self) -> bool:
        """Tell whether a letter can say where to pay (an account, IBAN, giro or FIK)."""
        return bool(
            self.bank_account or self.iban or self.bankgiro or self.plusgiro or self.fik_creditor
        )

    @classmethod
    def from_options(cls, name: str, options: Mapping[str, str] | None) -> Creditor:
        """Read the creditor's details from tenant options (``company_name`` overrides name)."""
        o = options or {}
        return cls(
            name=o.get("company_name", name),
            address=o.get("company_address", ""),
            org_number=o.get("company_org_number", ""),
            email=o.get("company_email", ""),
            phone=o.get("company_phone", ""),
            bank_reg=o.get("bank_reg", ""),
            bank_account=o.get("bank_account", ""),
            iban=o.get("iban", "").strip(),
            bic="".join(o.get("bic", "").split()).upper(),
            bankgiro=o.get("bankgiro", ""),
            plusgiro=o.get("plusgiro", ""),
            agency=o.get("collection_agency", ""),
            fik_creditor=o.get("fik_creditor", "").strip(),
            kid=o.get("kid", "").strip().lower(),
            kid_length=o.get("kid_length", "").strip(),
            ocr=o.get("ocr", "").strip().lower(),
            fi_reference=o.get("fi_reference", "").strip().lower(),
        )


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
        environment = env or _html_environment(None)
        template = environment.get_template("_layout.html.j2")
        return template.render(lang=self.lang, subject=self.subject, blocks=self.blocks, **extra)


def _loaders(override: Path | None) -> ChoiceLoader:
    loaders: list[Any] = []
    if override is not None:
        loaders.append(ConfinedLoader(str(override)))  # no link leads out of the folder
    loaders.append(PackageLoader("bridge.engine", "templates/letters"))
    return ChoiceLoader(loaders)


def group_account(value: str, size: int = 4) -> str:
    """Write an IBAN in groups of four, as printed on paper."""
    compact = "".join(value.split()).upper()
    return " ".join(compact[i : i + size] for i in range(0, len(compact), size))


def national_account(country: str, value: str) -> str:
    """Format a domestic account number the way the country prints it."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if country == "NO" and len(digits) == 11:
        return f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    if country == "SE" and len(digits) in {7, 8}:
        return f"{digits[:-4]}-{digits[-4:]}"  # bankgiro
    return value.strip()


def _filters(env: SandboxedEnvironment, lang: str) -> None:
    locale = LOCALES[lang]

    # Amounts go through the one function every command and the report use as well.
    def money(value: Decimal, currency: str) -> str:
        return format_money(value, currency, locale)

    def day(value: date | None) -> str:
        return format_date(value, format="long", locale=locale) if value else ""

    def percent(value: Decimal | None) -> str:
        if value is None:
            return ""
        return format_decimal(value, format="#,##0.00##", locale=locale) + " %"

    def listing(values: Iterable[Any]) -> str:
        """Join a list the way the language writes one: "1001, 1002 og 1003"."""
        words = [str(v) for v in values]
        if len(words) < 2:
            return "".join(words)
        return f"{', '.join(words[:-1])} {_AND[lang]} {words[-1]}"

    env.filters["money"] = money
    env.filters["listing"] = listing
    env.filters["date"] = day
    env.filters["percent"] = percent
    env.filters["iban"] = group_account


def environment(lang: str, override: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed, strict, bounded environment for text letters in ``lang``."""
    env = BoundedEnvironment(
        loader=_loaders(override),
        undefined=StrictUndefined,
        autoescape=False,  # plain text; the HTML layout escapes on its own
        keep_trailing_newline=True,
    )
    _filters(env, lang)
    return env


# Compiling the templates costs far more than rendering them: a cycle writing thousands of
# letters keeps one environment per language and folder (templates still reload when changed).
_cached_environment = functools.lru_cache(maxsize=64)(environment)


def _html_environment(override: Path | None) -> SandboxedEnvironment:
    return BoundedEnvironment(loader=_loaders(override), undefined=StrictUndefined, autoescape=True)


def _items(letter: Letter, invoices: Mapping[str, Invoice]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in letter.decisions:
        invoice = invoices.get(d.invoice_id)
        charge = d.interest
        out.append(
            {
                "number": d.invoice_number,
                "due_date": invoice.due_date if invoice else None,
                "issue_date": invoice.issue_date if invoice else None,
                "amount": invoice.amount if invoice else d.outstanding,
                "outstanding": d.outstanding,
                "interest": d.interest_amount,
                "interest_from": charge.start if charge else None,
                "interest_to": charge.end if charge else None,
                "rate": charge.rate if charge else None,
                # The capital the interest is computed on (inkassolagen 5 § asks for it).
                "interest_principal": charge.periods[-1].principal
                if charge and charge.periods
                else None,
                # A placeholder reference rate (grade U) the tenant's policy allowed: say so.
                "placeholder_rate": bool(charge and any(p.placeholder for p in charge.periods)),
                # Each stretch at one rate on one capital (a part-payment or a new rate starts
                # the next): the letter itemises them where there are several.
                "periods": _periods(charge),
                "compensation": d.compensation,
                "fee": d.fee,
            }
        )
    return out


_CENT: Final = Decimal("0.01")


def _periods(charge: InterestCharge | None) -> list[dict[str, Any]]:
    """The stretches of an interest charge, each with its rate and the capital it ran on.

    Each stretch's amount is rounded to the cent and the last takes the rounding difference,
    so the lines add up to the charge (which is rounded once, over the whole period).
    """
    if charge is None or not charge.periods:
        return []
    amounts = [p.amount.quantize(_CENT) for p in charge.periods]
    amounts[-1] += charge.amount - sum(amounts, ZERO)
    return [
        {
            "start": p.start,
            "end": p.end,
            "days": p.days,
            "rate": p.rate,
            "principal": p.principal,
            "amount": amount,
        }
        for p, amount in zip(charge.periods, amounts, strict=True)
    ]


def _open_items(
    customer_id: str, open_invoices: Iterable[Invoice], today: date
) -> list[dict[str, Any]]:
    return [
        {
            "number": i.number,
            "due_date": i.due_date,
            "outstanding": i.outstanding,
            "days_overdue": max(0, (today - i.due_date).days),
        }
        for i in sorted(open_invoices, key=lambda i: (i.due_date, i.number))
        if i.customer_id == customer_id and i.outstanding > ZERO
    ]


def _steps(history: Iterable[StepRecord], invoice_ids: set[str]) -> list[dict[str, Any]]:
    return [
        {
            "invoice": s.invoice_id,
            "action": s.action.value,
            "step": s.step,
            "date": s.date,
            "deadline": s.deadline,
            "fee": s.fee,
        }
        for s in sorted(history, key=lambda s: (s.date, s.invoice_id, s.step))
        if s.invoice_id in invoice_ids
    ]


def claim_of(
    decision: Decision, invoices: Mapping[str, Invoice], history: Iterable[StepRecord]
) -> claims.Claim:
    """The claim a decision states: the engine's, else rebuilt from the step history.

    A decision read back from the store carries no claim; the history's issued charges (taken
    as unpaid, principal first) and the decision's own charges make it again.
    """
    if decision.claim is not None:
        return decision.claim
    invoice = invoices.get(decision.invoice_id) or Invoice(
        id=decision.invoice_id,
        number=decision.invoice_number,
        customer_id=decision.customer_id,
        issue_date=decision.date,
        due_date=decision.date,
        currency=decision.currency,
        amount=decision.outstanding,
        outstanding=decision.outstanding,
    )
    # Only what was charged before the letter: a letter read back after it went out finds its
    # own record in the history.
    before = [s for s in history if s.date < decision.date]
    return claims.build(invoice, before, current=claims.Charges.of(decision))


def _claim_items(
    letter: Letter,
    invoices: Mapping[str, Invoice],
    history: Sequence[StepRecord],
    country: str,
    fee_kind: str,
) -> list[dict[str, Any]]:
    """Each invoice's claim, item by item, for the templates' ``_claim`` partial."""
    out: list[dict[str, Any]] = []
    for d in letter.decisions:
        claim = claim_of(d, invoices, history)
        invoice = invoices.get(d.invoice_id)
        warned = sorted(
            s.date
            for s in history
            if s.invoice_id == d.invoice_id
            and s.action is ActionKind.COLLECTION_WARNING
            and s.status is StepStatus.ISSUED
        )
        items = []
        for item in claim.items:
            if item.kind is claims.ItemKind.PRINCIPAL or not item.unpaid:
                continue
            kind = fee_kind
            if item.kind is claims.ItemKind.FEE and not item.new and item.action is not None:
                follows = any(day < item.day for day in warned) if item.day else False
                kind = _fee_kind(item.action, country, follows_warning=follows)
            items.append(
                {
                    "kind": item.kind.value,
                    "amount": item.unpaid,
                    "charged": item.charged,
                    "paid": item.paid,
                    "date": item.day,
                    "step": item.step,
                    "new": item.new,
                    "start": item.start,
                    "end": item.end,
                    "rate": item.rate,
                    "principal": item.base,
                    "placeholder_rate": item.placeholder,
                    "fee_kind": kind,
                    "periods": _periods(item.interest),
                }
            )
        principal = next((i for i in claim.items if i.kind is claims.ItemKind.PRINCIPAL), None)
        starts = [
            i.start
            for i in claim.items
            if i.kind in (claims.ItemKind.INTEREST, claims.ItemKind.ACCRUED) and i.start is not None
        ]
        out.append(
            {
                "number": d.invoice_number,
                "issue_date": invoice.issue_date if invoice else None,
                "due_date": invoice.due_date if invoice else None,
                "amount": invoice.amount if invoice else d.outstanding,
                # What payments paid of the invoice: the letter shows invoiced, paid and rest.
                "paid": principal.paid if principal else ZERO,
                "principal": claim.principal,
                "items": items,
                "total": claim.total,
                # The first day interest runs from and the rate in force (Norway's
                # betalingsoppfordring states both, inkassoloven § 10).
                "interest_from": min(starts) if starts else None,
                "rate": next((e["rate"] for e in reversed(items) if e["rate"] is not None), None),
            }
        )
    return out


def _earlier(
    history: Iterable[StepRecord], invoices: Mapping[str, Invoice], ids: set[str], day: date
) -> list[dict[str, Any]]:
    """The reminders and warnings sent on the letter's invoices before it, one per letter.

    "Despite our reminder of 22 January 2026" names them rather than "despite earlier
    reminders" where there was one.
    """
    sent: dict[tuple[date, str, int], dict[str, Any]] = {}
    for s in sorted(history, key=lambda s: (s.date, s.step, s.invoice_id)):
        if s.invoice_id not in ids or s.status is not StepStatus.ISSUED or s.date >= day:
            continue
        if s.action not in _DUNNING:
            continue
        entry = sent.setdefault(
            (s.date, s.action.value, s.step),
            {"action": s.action.value, "step": s.step, "date": s.date, "invoices": []},
        )
        invoice = invoices.get(s.invoice_id)
        entry["invoices"].append(invoice.number if invoice else s.invoice_id)
    return list(sent.values())


def _tone(letter: Letter, charged: bool) -> str:
    """The letter's tone: its ladder step's, else what the action and charges call for.

    A letter without a recorded tone (a pre-due notice, an interest invoice, a decision stored
    before tones were kept) is friendly only when it charges nothing.
    """
    if letter.tone in TONES:
        return letter.tone
    if letter.action is ActionKind.PRE_DUE_NOTICE:
        return "friendly"
    if letter.action is ActionKind.REMINDER:
        if letter.step >= 3:
            return "formal"
        return "friendly" if letter.step == 1 and not charged else "firm"
    if letter.action in {ActionKind.COLLECTION_WARNING, ActionKind.HANDOVER}:
        return "formal"
    return "firm"


def _own_name(letter: Letter, country: str) -> str:
    """The ladder step's name where the tenant chose it; empty for the country's default name.

    A default name ("Rykker", "Purring") is the country's word, and each language's templates
    have their own for it; a name the tenant wrote is its own title and is printed as written.
    """
    name = letter.name.strip()
    if not name:
        return ""
    defaults = {default_name(country, letter.action)}
    with contextlib.suppress(KeyError):  # a country with no default ladder
        defaults |= {step.name for step in default_steps(country)}
    return "" if name in defaults else name


def address_lines(text: str | None) -> list[str]:
    """A one-line address ("Street 1, 8600 Silkeborg") as the lines of a postal block."""
    return [
        part.strip()
        for line in (text or "").splitlines()
        for part in line.split(",")
        if part.strip()
    ]


def _references(
    letter: Letter, invoices: Mapping[str, Invoice], options: ReferenceOptions
) -> list[dict[str, str]]:
    """Each invoice's structured payment reference, where it has one (bridge/vocab/payref.py).

    None for an interest invoice: its invoices are paid, and a payment with their reference
    would be matched to them as an overpayment; the debtor names the invoice numbers instead.
    """
    if letter.action is ActionKind.INTEREST_INVOICE:
        return []
    out: list[dict[str, str]] = []
    for d in letter.decisions:
        invoice = invoices.get(d.invoice_id)
        found: Reference | None = options.reference(
            d.invoice_number, invoice.payment_reference if invoice else None
        )
        if found is not None:
            out.append(
                {
                    "number": d.invoice_number,
                    "scheme": found.scheme,
                    "value": found.value,
                    "display": found.display,
                    "source": found.source,
                }
            )
    return out


def context(
    letter: Letter,
    customer: Customer,
    invoices: Mapping[str, Invoice],
    *,
    creditor: Creditor,
    country: str,
    open_invoices: Iterable[Invoice] = (),
    history: Iterable[StepRecord] = (),
) -> dict[str, Any]:
    """Everything a template may use; a template asking for anything else fails (strict)."""
    items = _items(letter, invoices)
    fee = sum((d.fee for d in letter.decisions), ZERO)
    interest = sum((d.interest_amount for d in letter.decisions), ZERO)
    compensation = sum((d.compensation for d in letter.decisions), ZERO)
    history = tuple(history)
    follows_warning = _follows_warning(letter, history)
    fee_kind = _fee_kind(letter.action, country.upper(), follows_warning=follows_warning)
    if letter.action is ActionKind.INTEREST_INVOICE:
        # An interest invoice asks only for its own charges.
        claim_list: list[dict[str, Any]] = []
        capital, costs, total = ZERO, fee + compensation, fee + interest + compensation
    else:
        # Every other letter states the whole claim: principal, earlier charges still unpaid,
        # today's charges and interest (policies/claim.py), the same totals as the
        # explanation and the case file.
        stated = [claim_of(d, invoices, history) for d in letter.decisions]
        claim_list = _claim_items(letter, invoices, history, country.upper(), fee_kind)
        capital = sum((c.principal for c in stated), ZERO)
        interest = sum((c.interest for c in stated), ZERO)
        costs = sum((c.costs for c in stated), ZERO)
        total = sum((c.total for c in stated), ZERO)
    deadline = letter.deadline
    opened = _open_items(customer.id, open_invoices, letter.date)
    ids = {d.invoice_id for d in letter.decisions}
    steps = _steps(history, ids)
    earlier = _earlier(history, invoices, ids, letter.date)
    charged = any(d.total_charges > ZERO for d in letter.decisions)
    references = _references(letter, invoices, creditor.references(country))
    return {
        "customer": customer,
        "creditor": creditor,
        "country": country.upper(),
        "action": letter.action.value,
        "step": letter.step,
        "date": letter.date,
        "deadline": deadline,
        "deadline_days": (deadline - letter.date).days if deadline else None,
        "items": items,
        "numbers": ", ".join(str(i["number"]) for i in items),
        # The same as a list, for "fakturaerne 1001 og 1002" (filter ``listing``).
        "invoice_numbers": [str(i["number"]) for i in items],
        "fee": fee,
        "interest": interest,
        "compensation": compensation,
        "capital": capital,
        "costs": costs,
        "total": total,
        # Each invoice's claim item by item: earlier charges still unpaid, today's, accrued.
        "claims": claim_list,
        "currency": letter.currency,
        "account": national_account(country.upper(), creditor.bank_account),
        "open_items": opened,
        "open_total": sum((i["outstanding"] for i in opened), ZERO),
        "steps": steps,
        # A task step: "call", "tell_salesperson" or the tenant's own instruction.
        "task": next((d.task for d in letter.decisions if d.task), ""),
        "follows_warning": follows_warning,
        # The wording follows the ladder step (docs/policy.md): its tone ("friendly", "firm",
        # "formal") and, where the tenant named the step itself, that name as the title.
        "tone": _tone(letter, charged),
        "name": _own_name(letter, country.upper()),
        # The letter charges a fee, interest or compensation: it is no "friendly reminder".
        "charged": charged,
        # Reminders and warnings sent before this letter on its invoices, one per letter,
        # oldest first; and which reminder this one is (1 for the first).
        "earlier": earlier,
        "reminder_number": 1 + sum(1 for e in earlier if e["action"] == "reminder"),
        # A business debtor gets no "Dear <company>": the templates leave the greeting out.
        "business": customer.kind is CustomerKind.BUSINESS,
        # What the letter's fee is, for its name in every language (templates' _claim).
        "fee_kind": fee_kind,
        # The letter's head and the payment lines (docs/letters.md): the debtor's postal
        # block, the creditor's, and each invoice's structured payment reference.
        "debtor_address": address_lines(customer.address),
        "creditor_address": address_lines(creditor.address),
        "references": references,
        # Every invoice has its reference: the letter need not ask for invoice numbers.
        "all_referenced": bool(references) and len(references) == len(letter.decisions),
    }


def _follows_warning(letter: Letter, history: Sequence[StepRecord]) -> bool:
    """Tell whether the letter is a warning after an issued warning on the same claim: in
    Norway the betalingsoppfordring (inkassoloven § 10) that follows the inkassovarsel."""
    ids = {d.invoice_id for d in letter.decisions}
    return letter.action is ActionKind.COLLECTION_WARNING and any(
        s.action is ActionKind.COLLECTION_WARNING
        and s.status is StepStatus.ISSUED
        and s.invoice_id in ids
        and s.date < letter.date
        for s in history
    )


def warning_kind(letter: Letter, history: Sequence[StepRecord], country: str) -> str:
    """The kind of a collection warning by its legal name: ``inkassovarsel`` or
    ``betalingsoppfordring`` (Norway), ``inkassokrav`` (Sweden), ``maksuvaatimus`` (Finland);
    ``reminder`` for a Danish warning (the third rykker) and for every other letter."""
    return _fee_kind(
        letter.action, country.upper(), follows_warning=_follows_warning(letter, history)
    )


def _fee_kind(action: ActionKind, country: str, *, follows_warning: bool) -> str:
    """Name the kind of fee a letter carries: the templates word each kind in every language.

    ``reminder`` (rykkergebyr, purregebyr, påminnelseavgift, muistutusmaksu), or for a collection
    warning ``inkassovarsel`` and ``betalingsoppfordring`` (Norway), ``inkassokrav`` (Sweden's
    inkassoavgift), ``maksukehotus`` (Finland). Denmark's warning is the third rykker under
    renteloven § 9 b: its fee is a rykkergebyr.
    """
    if action is not ActionKind.COLLECTION_WARNING:
        return "reminder"
    if country == "NO":
        return "betalingsoppfordring" if follows_warning else "inkassovarsel"
    return {"SE": "inkassokrav", "FI": "maksukehotus"}.get(country, "reminder")


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
        template = _cached_environment(lang, override).get_template(name)
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
    return rendered.html(_html_environment(override), creditor=creditor)


def to_pdf(rendered: Rendered, creditor: Creditor, *, when: date) -> bytes:
    """The letter as a one-document PDF."""
    from bridge.engine.letter_pdf import letter_pdf  # noqa: PLC0415  (fpdf2 loads only when asked)

    header = [line for line in (creditor.name, creditor.address, creditor.org_number) if line]
    return letter_pdf(rendered.subject, rendered.blocks, header=header, when=when)


def template_override(options: Mapping[str, str] | None) -> Path | None:
    """The tenant's override folder (option ``templates``), None when unset."""
    value = (options or {}).get("templates", "").strip()
    return Path(value) if value else None


def missing_templates(override: Path | None = None) -> Sequence[str]:
    """List the action/language pairs with no template (doctor and tests use it)."""
    env = environment("en", override)
    names = set(env.list_templates())
    return [
        f"{lang}/{action.value}.txt.j2"
        for lang in AVAILABLE
        for action in ActionKind
        if f"{lang}/{action.value}.txt.j2" not in names
    ]
