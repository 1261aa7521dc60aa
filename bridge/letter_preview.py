"""`dunning-bridge letter`: preview one letter, or write a scenario's whole series of letters.

``letter INVOICE`` reads the tenant's accounting system (a dry run: nothing is written), finds
the letter the bridge would send today for the invoice, and prints it as text or HTML, or
writes it as PDF. ``--step N`` previews ladder step N even when it is not due today (amounts
are then the ladder's, without interest: a layout preview, not a decision).

``letter all --scenario FILE --out DIR`` replays a simulation scenario (docs/scenario.md) and
writes every letter of the series in the customer's language, plus the hand-over case file, to
DIR: the letters a stubborn customer would receive, in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from bridge import present
from bridge.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.domain import (
    ActionKind,
    Decision,
    Invoice,
    Letter,
    Snapshot,
    StepRecord,
)
from bridge.errors import BridgeError, ConfigError
from bridge.handover import build_case, deliver_to_folder, interest_accrual
from bridge.letters import (
    FORMATS,
    INTERNAL_ACTIONS,
    Creditor,
    Rendered,
    compose,
    language_for,
    template_override,
    tenant_language,
    to_html,
    to_pdf,
)
from bridge.safenames import file_component
from bridge.settings import Settings
from bridge.store import open_store

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


def _find(outcome: TenantOutcome, invoice: str) -> Invoice | None:
    if outcome.snapshot is None:
        return None
    known = [*outcome.snapshot.invoices, *outcome.snapshot.settled]
    return next((i for i in known if invoice in {i.id, i.number}), None)


def _step_letter(tenant: str, match: Invoice, today: date, step: int, policy: Any) -> Letter | None:
    """A layout preview of ladder step ``step`` for one invoice (the ladder's fee, no interest)."""
    if not 1 <= step <= len(policy.steps):
        return None
    rung = policy.steps[step - 1]
    deadline = today + timedelta(days=rung.deadline_days) if rung.deadline_days else None
    decision = Decision(
        tenant=tenant,
        invoice_id=match.id,
        invoice_number=match.number,
        customer_id=match.customer_id,
        date=today,
        action=rung.action,
        step=step,
        currency=match.currency,
        outstanding=match.outstanding,
        fee=rung.fee,
        deadline=deadline,
    )
    return Letter(
        tenant=tenant,
        customer_id=match.customer_id,
        action=rung.action,
        step=step,
        date=today,
        currency=match.currency,
        decisions=(decision,),
    )


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
) -> int:
    """Print (or write) the letter the bridge would send today for one invoice."""
    from policies.engine import letters  # noqa: PLC0415
    from policies.ladder import load_policy  # noqa: PLC0415

    if fmt not in FORMATS:
        err.print(f"error: --format must be one of {', '.join(FORMATS)}")
        return 2
    names = [tenant] if tenant else sorted(n for n, t in settings.tenants.items() if t.enabled)
    opts = CycleOptions(today=today, now=datetime.now(UTC), dry_run=True)
    try:
        with open_store(settings.database) as store:
            for name in names:
                config = settings.tenant(name)
                outcome = run_tenant(store, name, config, opts)
                match = _find(outcome, invoice)
                if match is None or outcome.snapshot is None:
                    continue
                history = [*store.history(name, match.id), *outcome.snapshot.steps]
                chosen: Letter | None
                if step is None:
                    chosen = next(
                        (
                            letter
                            for letter in letters(outcome.plan)
                            if any(d.invoice_id == match.id for d in letter.decisions)
                        ),
                        None,
                    )
                    if chosen is None:
                        err.print(
                            f"error: no letter is due today for invoice {match.number}; "
                            "use --step N to preview a ladder step"
                        )
                        return 1
                else:
                    policy = load_policy(config.policy_file, config.country)
                    chosen = _step_letter(name, match, today, step, policy)
                    if chosen is None:
                        err.print(f"error: the ladder has no step {step}")
                        return 2
                rendered, creditor = preview_letter(
                    chosen,
                    outcome.snapshot,
                    tenant=name,
                    country=config.country,
                    options=config.options,
                    history=history,
                    lang=lang,
                )
                return _emit(
                    rendered,
                    creditor,
                    fmt=fmt,
                    today=today,
                    output=output,
                    number=match.number,
                    letter=chosen,
                )
    except (BridgeError, ValueError) as exc:
        err.print(f"error: {exc}")
        return 2
    err.print(f"error: invoice {invoice!r} not found among open or recently paid invoices")
    return 2


def _emit(
    rendered: Rendered,
    creditor: Creditor,
    *,
    fmt: str,
    today: date,
    output: Path | None,
    number: str,
    letter: Letter,
) -> int:
    content = _output(rendered, creditor, fmt, today)
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
) -> list[SeriesItem]:
    """Replay a scenario and write each letter (and the hand-over case file) into ``out``."""
    from bridge.simulate import _decide, _parse, _record, _snapshot  # noqa: PLC0415
    from policies.engine import letters  # noqa: PLC0415

    model = _parse(scenario)
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
                )
                folder, _ = deliver_to_folder(case, out / "handovers")
                written.append(
                    SeriesItem(
                        day, letter.customer_id, letter.action, letter.step, rendered.lang, folder
                    )
                )
        history.extend(_record(d) for d in decisions)
        day += timedelta(days=1)
    return written


def series_command(
    scenario: Path, out: Path | None, *, fmt: str, only: str | None, options: Iterable[str]
) -> int:
    """Write a scenario's letters and case files, and list them."""
    from bridge.simulate import ScenarioError, load_scenario  # noqa: PLC0415

    if out is None:
        err.print("error: --out DIR is required with --scenario")
        return 2
    if fmt not in FORMATS:
        err.print(f"error: --format must be one of {', '.join(FORMATS)}")
        return 2
    try:
        extra = dict(_option(o) for o in options)
        items = letter_series(load_scenario(scenario), out, fmt=fmt, only=only, options=extra)
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
