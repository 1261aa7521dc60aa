"""`dunning-bridge letter`: an invoice's letter as the cycle writes it, or a scenario's series.

``letter INVOICE`` shows the letter the cycle wrote and that still waits (a pending draft):
the outbox's text, the very text the accounting system's draft carries. Otherwise, or with
``--step N`` for a step not written yet, or ``--on DATE``, it replays the coming cycle days
with the cycle's own decision and rendering (``bridge.engine.cycle.decide_day``, ``render_letter``)
and shows the letter as it would be written on its day. It says which on stderr; nothing is
written. docs/letters.md has the assumptions.

``letter all --scenario FILE --out DIR`` replays a simulation scenario (docs/scenario.md) and
writes every letter of the series in the customer's language (or ``--lang``), plus the
hand-over case file, to DIR: the letters a stubborn customer would receive, in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from bridge.engine.cycle import (
    CycleOptions,
    decide_day,
    letter_language,
    render_letter,
    run_tenant,
)
from bridge.engine.handover import build_case, deliver_to_folder, interest_accrual
from bridge.engine.letter_creditor import Creditor
from bridge.engine.letter_templates import template_override
from bridge.engine.letters import FORMATS, Rendered, compose, to_html, to_pdf
from bridge.store import open_store
from bridge.store.outbox import OutboxLetter
from bridge.surfaces import present
from bridge.vocab.domain import (
    ActionKind,
    Invoice,
    Letter,
    Snapshot,
    StepRecord,
    StepStatus,
)
from bridge.vocab.errors import BridgeError, ConfigError
from bridge.vocab.languages import AVAILABLE, INTERNAL_ACTIONS, language_for, tenant_language
from bridge.vocab.safenames import file_component
from bridge.vocab.settings import Settings, TenantSettings
from policies.steps import LADDER_ACTIONS

if TYPE_CHECKING:
    from policies.ladder import TenantPolicy
    from policies.law import LawPack

console = present.console()
err = present.console(stderr=True)

EXTENSIONS: Final[dict[str, str]] = {"text": "txt", "html": "html", "pdf": "pdf"}


def _output(rendered: Rendered, creditor: Creditor, fmt: str, when: date) -> bytes:
    if fmt == "pdf":
        return to_pdf(rendered, creditor, when=when)
    text = to_html(rendered, creditor) if fmt == "html" else rendered.text
    return text.encode("utf-8")


def preview_letter(
    letter: Letter,
    snapshot: Snapshot,
    *,
    tenant: str,
    country: str,
    options: Mapping[str, str],
    history: Sequence[StepRecord] = (),
    lang: str | None = None,
) -> tuple[Rendered, Creditor]:
    """Render one letter as the cycle would (same language choice, creditor, overrides)."""
    customer = snapshot.customers[letter.customer_id]
    default = tenant_language(country, options)
    chosen = lang or (
        default if letter.action in INTERNAL_ACTIONS else language_for(customer, default)
    )
    creditor = Creditor.from_options(tenant, options)
    rendered = compose(
        letter,
        customer,
        {i.id: i for i in (*snapshot.invoices, *snapshot.settled)},
        creditor=creditor,
        lang=chosen,
        country=country,
        override=template_override(options),
        open_invoices=snapshot.invoices,
        history=history,
    )
    return rendered, creditor


# How far ahead a future step is looked for: beyond a year a ladder has ended or waits on a
# person (a hold, a dispute, a promise), and ``why_not`` says which.
HORIZON_DAYS: Final = 366
# Outbox states whose text went (or may have gone) to the accounting system.
_WRITTEN_STATES: Final = ("intended", "pending", "issued")


@dataclasses.dataclass(frozen=True, slots=True)
class Preview:
    """The letter ``letter INVOICE`` shows, and which letter it is."""

    letter: Letter
    rendered: Rendered
    creditor: Creditor
    label: str  # "pending draft 36 written 2026-03-16", "preview of ... as decided on ..."


@dataclasses.dataclass(frozen=True, slots=True)
class NoPreview:
    """Why there is no letter to show, and the exit code that says so."""

    reason: str
    code: int = 1


@dataclasses.dataclass(frozen=True)
class TenantView:
    """One tenant as a cycle today sees it: read once, by the cycle's own dry run."""

    settings: Settings
    name: str
    config: TenantSettings
    snapshot: Snapshot
    history: list[StepRecord]  # as the cycle decides on: the store's steps and the vendor's
    law: LawPack
    policy: TenantPolicy

    @property
    def creditor(self) -> Creditor:
        return Creditor.from_options(self.name, self.config.options)


def _claims(t: TenantView, letter: Letter) -> str:
    """'3 inkassovarsel for invoice 1026': the step as the tenant's letters name it."""
    numbers = ", ".join(d.invoice_number for d in letter.decisions)
    noun = "invoices" if len(letter.decisions) > 1 else "invoice"
    voice = present.voice_of(t.config.country, t.config.options)
    return f"{voice.step(letter.action, letter.step)} for {noun} {numbers}"


def _holding(letters: Iterable[Letter], invoice_id: str) -> Letter | None:
    """The letter that carries an invoice; a letter to the customer before an internal one."""
    mine = [x for x in letters if any(d.invoice_id == invoice_id for d in x.decisions)]
    return min(mine, key=lambda x: x.action in INTERNAL_ACTIONS, default=None)


def _written(t: TenantView, invoice_id: str, step: int | None) -> OutboxLetter | None:
    """The newest letter the cycle wrote for the invoice: without ``step`` one still waiting
    (a pending draft, or a write whose outcome is not read back yet), else ladder step ``step``
    in any state but cancelled or rejected."""
    from bridge.store.outbox import ISSUED  # noqa: PLC0415

    with open_store(t.settings.database) as store:
        rows = store.letters(t.name, states=_WRITTEN_STATES)
    rows = [r for r in rows if any(d.invoice_id == invoice_id for d in r.letter.decisions)]
    if step is None:
        rows = [r for r in rows if r.state != ISSUED]
    else:
        rows = [r for r in rows if r.letter.step == step and r.letter.action in LADDER_ACTIONS]
    return min(rows, key=lambda r: r.letter.action in INTERNAL_ACTIONS, default=None)


def _as_written(t: TenantView, row: OutboxLetter, lang: str | None) -> Preview:
    """The letter as the cycle wrote it: the outbox's text, the very text sent to the system.

    The stored text, not a new rendering, is the truth: a re-rendering would show today's
    open invoices, names and templates. HTML and PDF are layouts of that text. Only ``--lang``
    other than the letter's own renders its stored decisions anew, and says so.
    """
    letter = row.letter
    words = {"pending": "pending draft", "issued": "issued document", "intended": "letter"}
    label = f"{words.get(row.state, row.state)} {row.document or ''}".rstrip()
    label += f" written {letter.date.isoformat()}: {_claims(t, letter)}"
    if row.state == "intended":
        label += " (its outcome is read back at the next cycle)"
    customer = t.snapshot.customers.get(letter.customer_id)
    own = (
        letter_language(letter, customer, t.config)
        if customer is not None
        else tenant_language(t.config.country, t.config.options)
    )
    if lang is None or lang == own or customer is None:
        return Preview(letter, Rendered.of_text(own, row.text), t.creditor, label)
    # The history it was decided on: the steps before its day (its own are not in it).
    before = [s for s in t.history if s.date < letter.date]
    rendered = render_letter(
        letter, t.snapshot, before, tenant=t.config, creditor=t.creditor, lang=lang
    )
    label += f"; rendered anew in {lang} from its stored decisions (it was written in {own})"
    return Preview(letter, rendered, t.creditor, label)


def _booked(record: StepRecord) -> StepRecord:
    """A draft waiting for review, as if the accountant booked it (the ladder waits until then)."""
    if record.status is StepStatus.PENDING:
        return dataclasses.replace(record, status=StepStatus.ISSUED)
    return record


def _cycle_days(t: TenantView, today: date, last: date) -> list[date]:
    """Today (a cycle run now), then the days the schedule runs a cycle, through ``last``."""
    from bridge.surfaces.report.gather import schedule_days  # noqa: PLC0415

    ahead = schedule_days(t.settings, today + timedelta(days=1), (last - today).days)
    return [today, *ahead]


def _future(
    t: TenantView,
    match: Invoice,
    *,
    today: date,
    step: int | None,
    on: date | None,
    lang: str | None,
) -> Preview | NoPreview:
    """The letter the cycle would write: each cycle day replayed from today, as the cycle decides.

    Assumed, as the report's forecast does: drafts waiting for review are booked, every letter
    of the coming days is booked the day it is written, and nothing is paid meanwhile. Only
    the invoice's customer is replayed: every decision and letter is per customer.
    """
    from bridge.vocab.domain import issued_step  # noqa: PLC0415
    from policies.engine import why_not  # noqa: PLC0415

    customer = match.customer_id
    mine = dataclasses.replace(
        t.snapshot,
        invoices=tuple(i for i in t.snapshot.invoices if i.customer_id == customer),
        settled=tuple(i for i in t.snapshot.settled if i.customer_id == customer),
    )
    ids = {i.id for i in (*mine.invoices, *mine.settled)}
    waiting = sorted(
        {
            r.document or "?"
            for r in t.history
            if r.status is StepStatus.PENDING and r.invoice_id in ids
        }
    )
    records = [_booked(r) for r in t.history]
    last = on or today + timedelta(days=HORIZON_DAYS)
    days = _cycle_days(t, today, last)
    if on is not None and on not in days:
        days.append(on)  # a day the schedule skips: as a cycle run by hand that day
    day = today
    for day in days:
        outcome = decide_day(t.name, t.config, mine, records, day, law=t.law, policy=t.policy)
        found = _holding(outcome.letters, match.id)
        if on is not None and day < on:
            found = None
        elif step is not None and found is not None:
            if found.action not in LADDER_ACTIONS or found.step < step:
                found = None
            elif found.step > step:
                return NoPreview(
                    f"step {step} will not be reached for invoice {match.number}: the ladder "
                    f"goes on to step {found.step} on {day.isoformat()}"
                )
        if found is not None:
            rendered = render_letter(
                found, mine, records, tenant=t.config, creditor=t.creditor, lang=lang
            )
            when = "today, " if day == today else ""
            label = f"preview of {_claims(t, found)} as it would be decided on {when}{day}"
            label += _assumptions(day, today, waiting)
            return Preview(found, rendered, t.creditor, label)
        if on is not None and day == on:
            break
        records.extend(issued_step(d) for d in outcome.plan)
    why = " ".join(why_not(day, mine, records, t.law, t.policy, invoice_id=match.id))
    if on is not None:
        what = f"step {step}" if step is not None else "letter"
        return NoPreview(f"no {what} for invoice {match.number} on {on.isoformat()}: {why}")
    if step is not None:
        return NoPreview(
            f"step {step} will not be reached for invoice {match.number} "
            f"(looked ahead to {day.isoformat()}): {why}"
        )
    return NoPreview(
        f"no further letter for invoice {match.number} (looked ahead to {day.isoformat()}): {why}"
    )


def _assumptions(day: date, today: date, waiting: Sequence[str]) -> str:
    """What a preview of a later day takes for granted, as a clause ("" for none)."""
    said = []
    if waiting:
        noun = "drafts" if len(waiting) > 1 else "draft"
        verb = "are" if len(waiting) > 1 else "is"
        said.append(f"{noun} {', '.join(waiting)} {verb} booked")
    if day > today:
        said.append("nothing is paid before then")
    return f" (assuming {' and '.join(said)})" if said else ""


def find_preview(
    t: TenantView,
    match: Invoice,
    *,
    today: date,
    step: int | None,
    on: date | None,
    lang: str | None,
) -> Preview | NoPreview:
    """The letter to show for an invoice: the one written, or the one the cycle would write.

    Without ``step`` and ``on``: the draft still waiting for review, else the next letter the
    cycle would write (today or on a later cycle day). ``step``: that ladder step as written,
    else as decided on the day the ladder reaches it. ``on``: the letter decided that day.
    """
    if step is not None and not 1 <= step <= len(t.policy.steps):
        return NoPreview(f"the ladder has {len(t.policy.steps)} steps, not a step {step}", 2)
    if on is not None and on < today:
        return NoPreview(f"--on {on.isoformat()} is before today ({today.isoformat()})", 2)
    if on is None:
        row = _written(t, match.id, step)
        if row is not None:
            return _as_written(t, row, lang)
        if step is not None:
            taken = next(
                (
                    r
                    for r in reversed(t.history)
                    if r.invoice_id == match.id
                    and r.action in LADDER_ACTIONS
                    and r.step >= step
                    and r.status is not StepStatus.REJECTED
                ),
                None,
            )
            if taken is not None:
                by = "the bridge" if taken.source == "bridge" else taken.source
                return NoPreview(
                    f"step {step} of invoice {match.number} is past: step {taken.step} was "
                    f"taken on {taken.date.isoformat()} by {by}, and no text of step {step} is "
                    "stored"
                )
    return _future(t, match, today=today, step=step, on=on, lang=lang)


def read_tenant(settings: Settings, name: str, today: date) -> TenantView | None:
    """Read a tenant with the cycle's own dry run for ``today``; None when the read failed."""
    from policies.ladder import load_policy  # noqa: PLC0415
    from policies.law import for_country  # noqa: PLC0415

    config = settings.tenant(name)
    opts = CycleOptions(today=today, now=datetime.now(UTC), dry_run=True)
    with open_store(settings.database) as store:
        outcome = run_tenant(store, name, config, opts)
        if outcome.snapshot is None:
            return None
        history = [*store.history(name), *outcome.snapshot.steps]
    return TenantView(
        settings=settings,
        name=name,
        config=config,
        snapshot=outcome.snapshot,
        history=history,
        law=for_country(config.country),
        policy=load_policy(config.policy_file, config.country),
    )


def find_invoice(view: TenantView, invoice: str) -> Invoice | None:
    """The open or recently paid invoice with this id or number."""
    known = (*view.snapshot.invoices, *view.snapshot.settled)
    return next((i for i in known if invoice in {i.id, i.number}), None)


def preview_command(
    settings: Settings,
    invoice: str,
    *,
    tenant: str | None,
    today: date,
    step: int | None,
    fmt: str,
    output: Path | None,
    lang: str | None,
    on: date | None = None,
) -> int:
    """Print (or write) an invoice's letter: as written, or as the cycle would write it.

    What it is goes to stderr ("pending draft 36 written 2026-03-16: ..."), the letter to
    stdout, so the text can be compared with the draft as it stands.
    """
    if fmt not in FORMATS:
        err.print(f"error: --format must be one of {', '.join(FORMATS)}")
        return 2
    if lang is not None and lang not in AVAILABLE:
        err.print(f"error: --lang must be one of {', '.join(AVAILABLE)}")
        return 2
    names = [tenant] if tenant else sorted(n for n, t in settings.tenants.items() if t.enabled)
    try:
        for name in names:
            view = read_tenant(settings, name, today)
            match = find_invoice(view, invoice) if view is not None else None
            if view is None or match is None:
                continue
            found = find_preview(view, match, today=today, step=step, on=on, lang=lang)
            if isinstance(found, NoPreview):
                err.print(f"error: {found.reason}", markup=False, soft_wrap=True)
                return found.code
            err.print(found.label, markup=False, highlight=False, soft_wrap=True)
            return _emit(
                found.rendered,
                found.creditor,
                fmt=fmt,
                output=output,
                number=match.number,
                letter=found.letter,
            )
    except (BridgeError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    err.print(
        f"error: invoice {invoice!r} not found among the open or recently paid invoices the "
        "system shows today (one due further ahead is read nearer its due date)",
        soft_wrap=True,
    )
    return 2


def _emit(
    rendered: Rendered,
    creditor: Creditor,
    *,
    fmt: str,
    output: Path | None,
    number: str,
    letter: Letter,
) -> int:
    content = _output(rendered, creditor, fmt, letter.date)
    if fmt == "pdf" and output is None:
        output = Path(f"{number}-{letter.action.value}-{letter.step}.pdf")
    if output is not None:
        output.write_bytes(content)
        console.print(f"wrote {output}")
        return 0
    print(content.decode("utf-8"), end="")
    return 0


# -- the series of a scenario ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class SeriesItem:
    """One file the series wrote."""

    day: date
    customer: str
    action: ActionKind
    step: int
    lang: str
    path: Path


def letter_series(
    scenario: Mapping[str, Any],
    out: Path,
    *,
    fmt: str = "text",
    only: str | None = None,
    options: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> list[SeriesItem]:
    """Replay a scenario and write each letter (and the hand-over case file) into ``out``.

    ``lang`` writes every letter in that language instead of each customer's own.
    """
    from bridge.surfaces.scenario import parse_scenario  # noqa: PLC0415
    from bridge.surfaces.simulate import _decide, _snapshot  # noqa: PLC0415
    from bridge.vocab.domain import issued_step  # noqa: PLC0415
    from policies.engine import letters  # noqa: PLC0415

    model = parse_scenario(scenario)
    country = model.law.country
    settings = {"company_name": str(scenario.get("creditor", model.tenant)), **(options or {})}
    history: list[StepRecord] = []
    written: list[SeriesItem] = []
    out.mkdir(parents=True, exist_ok=True)
    day = model.start
    while day <= model.end:
        snapshot = _snapshot(model, day)
        decisions = _decide(model, day, snapshot, history)
        for letter in letters(decisions):
            if only and all(only != d.invoice_id for d in letter.decisions):
                continue
            rendered, creditor = preview_letter(
                letter,
                snapshot,
                tenant=model.tenant,
                country=country,
                options=settings,
                history=history,
                lang=lang,
            )
            who = file_component(letter.customer_id)  # an id from data is never a path
            name = f"{day.isoformat()}_{who}_{letter.action.value}-{letter.step}"
            path = out / f"{name}.{EXTENSIONS[fmt]}"
            path.write_bytes(_output(rendered, creditor, fmt, day))
            written.append(
                SeriesItem(day, letter.customer_id, letter.action, letter.step, rendered.lang, path)
            )
            if letter.action is ActionKind.HANDOVER:
                case = build_case(
                    letter,
                    customer=snapshot.customers[letter.customer_id],
                    invoices={i.id: i for i in (*snapshot.invoices, *snapshot.settled)},
                    history=history,
                    disputes=snapshot.disputes,
                    creditor=creditor,
                    today=day,
                    accrue=interest_accrual(
                        model.law, model.policy, snapshot.customers, snapshot.payments, day
                    ),
                    cover=rendered.text,
                    lang=rendered.lang,
                    country=country,
                )
                folder, _ = deliver_to_folder(case, out / "handovers")
                written.append(
                    SeriesItem(
                        day, letter.customer_id, letter.action, letter.step, rendered.lang, folder
                    )
                )
        history.extend(issued_step(d) for d in decisions)
        day += timedelta(days=1)
    return written


def series_command(
    scenario: Path,
    out: Path | None,
    *,
    fmt: str,
    only: str | None,
    options: Iterable[str],
    lang: str | None = None,
) -> int:
    """Write a scenario's letters and case files, and list them."""
    from bridge.surfaces.scenario import ScenarioError, load_scenario  # noqa: PLC0415

    if out is None:
        err.print("error: --out DIR is required with --scenario")
        return 2
    if fmt not in FORMATS:
        err.print(f"error: --format must be one of {', '.join(FORMATS)}")
        return 2
    if lang is not None and lang not in AVAILABLE:
        err.print(f"error: --lang must be one of {', '.join(AVAILABLE)}")
        return 2
    try:
        extra = dict(_option(o) for o in options)
        items = letter_series(
            load_scenario(scenario), out, fmt=fmt, only=only, options=extra, lang=lang
        )
    except (ScenarioError, BridgeError) as exc:
        err.print(f"error: {exc}", markup=False)
        return 2
    console.print(
        present.rows_table(
            f"Letters of {scenario.name}",
            ["Date", "Customer", "Action", "Step", "Language", "File"],
            [(i.day, i.customer, i.action.value, i.step, i.lang, str(i.path)) for i in items],
        )
    )
    return 0


def _option(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"--option {text!r} is not NAME=VALUE")
    return name.strip(), value
