"""The tenant policy: the ladder plus switches, read from TOML or a mapping, checked by key."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, Literal, cast

from bridge.vocab.domain import ActionKind
from policies.daycount import DayCount
from policies.law import for_country
from policies.law.overrides import OVERRIDE_KEYS, LawOverrides, OverrideError
from policies.policy_values import PolicyError, Values
from policies.steps import (
    ASSIGNEES,
    TASKS,
    LadderStep,
    default_name,
    default_steps,
    default_task_name,
    default_tone,
)

__all__ = [
    "CompensationPolicy",
    "CreditHold",
    "InterestInvoice",
    "PolicyError",
    "PreDueNotice",
    "Promises",
    "TenantPolicy",
    "load_policy",
]


@dataclass(frozen=True, slots=True)
class PreDueNotice:
    """A friendly notice shortly before the due date; never carries a fee."""

    enabled: bool = False
    days_before_due: int = 3


@dataclass(frozen=True, slots=True)
class InterestInvoice:
    """An invoice for interest not yet charged, after an invoice was paid late."""

    enabled: bool = True
    minimum: Decimal = Decimal("100.00")  # below this the invoice costs more than it brings
    deadline_days: int = 10
    compensation: bool = False  # also claim an uncharged B2B compensation on it


@dataclass(frozen=True, slots=True)
class CreditHold:
    """A proposal to stop credit once a customer has an invoice at the chosen ladder step."""

    enabled: bool = False
    # The 1-based ladder step that triggers it; None: the ladder's first collection warning.
    after_step: int | None = None

    def trigger(self, steps: tuple[LadderStep, ...]) -> int:
        """Return the ladder step number from which a credit hold is proposed."""
        if self.after_step is not None:
            return self.after_step
        for number, step in enumerate(steps, start=1):
            if step.action == ActionKind.COLLECTION_WARNING:
                return number
        letters = [
            n
            for n, s in enumerate(steps, start=1)
            if s.action not in (ActionKind.HANDOVER, ActionKind.TASK)
        ]
        return letters[-1] if letters else 1


@dataclass(frozen=True, slots=True)
class Promises:
    """How promises to pay and payment plans are judged."""

    # Days after an instalment's date (moved off a non-banking day) a payment still counts:
    # a transfer made on time can reach the ledger a banking day or two later.
    grace_days: int = 3


# How the B2B compensation meets a EUR invoice under a law pack in another currency:
# "directive" charges the Late Payment Directive's own EUR 40 (2011/7/EU art. 6, which the
# national amounts implement: law.md §§ 1.3, 2.3, 3.3, 4.2), "convert" the national amount at
# the policy's EUR rate.
EurInvoices = Literal["directive", "convert"]
EUR_INVOICES: Final[tuple[EurInvoices, ...]] = ("directive", "convert")
_RATE_DECIMALS: Final = 6


@dataclass(frozen=True, slots=True)
class CompensationPolicy:
    """How the flat B2B compensation is charged on an invoice in a foreign currency.

    ``rates``: (currency, value of one unit in the law pack's currency), e.g. ("EUR",
    Decimal("7.4600")) for 1 EUR = DKK 7.46, set by the operator with ``rates_source`` (where
    and on which day it was read). A foreign currency without a rate gets no compensation.
    """

    eur_invoices: EurInvoices = "directive"
    rates: tuple[tuple[str, Decimal], ...] = ()
    rates_source: str = ""

    def rate(self, currency: str) -> Decimal | None:
        """Return the value of one unit of ``currency`` in the law's currency, if set."""
        return dict(self.rates).get(currency.upper())


@dataclass(frozen=True, slots=True)
class TenantPolicy:
    """Everything a tenant chooses about dunning; the law pack caps what it may charge."""

    country: str
    steps: tuple[LadderStep, ...]
    pre_due_notice: PreDueNotice = field(default_factory=PreDueNotice)
    interest_invoice: InterestInvoice = field(default_factory=InterestInvoice)
    credit_hold: CreditHold = field(default_factory=CreditHold)
    promises: Promises = field(default_factory=Promises)
    compensation: CompensationPolicy = field(default_factory=CompensationPolicy)
    # Below this outstanding amount an invoice is not worth chasing; per currency where
    # ``minimum_by_currency`` names one, else this amount.
    minimum_outstanding: Decimal = Decimal("50.00")
    minimum_by_currency: tuple[tuple[str, Decimal], ...] = ()
    day_count: DayCount = "actual/365"
    combine_invoices: bool = True
    lenient_due_date: bool = True
    # Move a payment deadline that falls on a non-banking day to the next banking day.
    deadline_on_banking_day: bool = True
    # The tenant's stricter values for law parameters (never beyond the legal cap).
    law: LawOverrides = field(default_factory=LawOverrides)

    def minimum_for(self, currency: str) -> Decimal:
        """Return the smallest outstanding amount worth chasing in a currency."""
        return dict(self.minimum_by_currency).get(currency.upper(), self.minimum_outstanding)

    @classmethod
    def default(cls, country: str) -> TenantPolicy:
        """Return the country's default policy (raises UnknownCountry for an unknown country)."""
        law = for_country(country)
        return cls(
            country=law.country,
            steps=default_steps(law.country),
            day_count=law.default_day_count,
        )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], country: str, *, strict: bool = True
    ) -> TenantPolicy:
        """Build a policy from parsed TOML/JSON; keys left out keep the country default.

        ``strict`` rejects unknown keys (policy files); the scenario format allows extra keys.
        """
        return _Reader(strict).policy(data, cls.default(country))


def load_policy(path: Path | None, country: str) -> TenantPolicy:
    """Read a TOML policy file; None gives the country default."""
    if path is None:
        return TenantPolicy.default(country)
    try:
        with path.open("rb") as handle:
            # Decimal keeps ``fee = 100.50`` exact: money never passes through float.
            data = tomllib.load(handle, parse_float=Decimal)
    except OSError as exc:
        raise PolicyError(str(path), f"cannot read the policy file ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), f"not valid TOML: {exc}") from exc
    return TenantPolicy.from_mapping(data, country)


_TOP_KEYS: Final[frozenset[str]] = frozenset(
    {
        "country",
        "steps",
        "pre_due_notice",
        "interest_invoice",
        "credit_hold",
        "promises",
        "compensation",
        "minimum_outstanding",
        "day_count",
        "combine_invoices",
        "lenient_due_date",
        "deadline_on_banking_day",
        "law",
    }
)
_STEP_KEYS: Final[frozenset[str]] = frozenset(
    {
        "action",
        "name",
        "tone",
        "days",
        "fee",
        "interest",
        "compensation",
        "deadline_days",
        "after_deadline",
        "task",
        "to",
    }
)
_PRE_DUE_KEYS: Final[frozenset[str]] = frozenset({"enabled", "days_before_due"})
_INTEREST_INVOICE_KEYS: Final[frozenset[str]] = frozenset(
    {"enabled", "minimum", "deadline_days", "compensation"}
)
_CREDIT_HOLD_KEYS: Final[frozenset[str]] = frozenset({"enabled", "after_step"})
_PROMISE_KEYS: Final[frozenset[str]] = frozenset({"grace_days"})
_COMPENSATION_KEYS: Final[frozenset[str]] = frozenset({"eur_invoices", "rates", "rates_source"})
_CURRENCY_DEFAULT: Final[str] = "default"
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True, slots=True)
class _Reader(Values):
    """Turns a loose mapping into the tenant's policy, naming the key on every error."""

    def policy(self, data: Mapping[str, Any], base: TenantPolicy) -> TenantPolicy:
        """Overlay ``data`` on ``base``."""
        if not isinstance(data, Mapping):
            raise PolicyError("(root)", "must be a table/object")
        self.known("", data, _TOP_KEYS)
        if "country" in data:
            stated = self.text("country", data["country"]).upper()
            if stated != base.country:
                raise PolicyError(
                    "country", f"the file is for {stated} but the tenant is in {base.country}"
                )
        result = base
        if "steps" in data:
            result = replace(result, steps=self.steps(data["steps"], base.country))
        if "pre_due_notice" in data:
            result = replace(result, pre_due_notice=self.pre_due(data["pre_due_notice"]))
        if "interest_invoice" in data:
            result = replace(
                result, interest_invoice=self.interest_invoice(data["interest_invoice"])
            )
        if "credit_hold" in data:
            hold = self.credit_hold(data["credit_hold"])
            if hold.after_step is not None and hold.after_step > len(result.steps):
                raise PolicyError(
                    "credit_hold.after_step",
                    f"the ladder has {len(result.steps)} steps, not {hold.after_step}",
                )
            result = replace(result, credit_hold=hold)
        if "promises" in data:
            result = replace(result, promises=self.promises(data["promises"]))
        if "compensation" in data:
            result = replace(
                result, compensation=self.compensation(data["compensation"], base.country)
            )
        if "minimum_outstanding" in data:
            result = self.minimum(result, data["minimum_outstanding"])
        if "day_count" in data:
            result = replace(result, day_count=self.day_count(data["day_count"]))
        if "combine_invoices" in data:
            combine = self.flag("combine_invoices", data["combine_invoices"])
            result = replace(result, combine_invoices=combine)
        if "lenient_due_date" in data:
            lenient = self.flag("lenient_due_date", data["lenient_due_date"])
            result = replace(result, lenient_due_date=lenient)
        if "deadline_on_banking_day" in data:
            banking = self.flag("deadline_on_banking_day", data["deadline_on_banking_day"])
            result = replace(result, deadline_on_banking_day=banking)
        if "law" in data:
            result = replace(result, law=self.law(data["law"], base.country))
        return result

    def law(self, raw: Any, country: str) -> LawOverrides:
        """Read ``[law]``: stricter values for law parameters, checked against the legal caps."""
        if not isinstance(raw, Mapping):
            raise PolicyError("law", "must be a table/object")
        pack = for_country(country)
        regime_keys = {regime.policy_key for regime in pack.regimes}
        self.known("law", raw, frozenset(OVERRIDE_KEYS) | regime_keys)
        values: dict[str, Any] = {}
        if "reminder_fee_cap" in raw:
            values["reminder_fee_cap"] = self.amount(
                "law.reminder_fee_cap", raw["reminder_fee_cap"]
            )
        for key in (
            "max_fees",
            "fee_spacing_days",
            "first_fee_days_after_due",
            "collection_warning_min_days",
        ):
            if key in raw:
                values[key] = self.count(f"law.{key}", raw[key], minimum=0)
        for key in ("stack_fees_with_compensation", "allow_placeholder_rates"):
            if key in raw:
                values[key] = self.flag(f"law.{key}", raw[key])
        regimes = []
        for key in sorted(regime_keys & set(raw)):
            value = raw[key]
            if value in (None, False, ""):
                continue  # explicitly off: the in-force date is not known
            regimes.append((key, self.day(f"law.{key}", value)))
        overrides = LawOverrides(**values, regimes=tuple(regimes))
        try:
            overrides.check(pack)
        except OverrideError as exc:
            raise PolicyError(f"law.{exc.key}", str(exc).split(": ", 1)[-1]) from None
        return overrides

    def steps(self, raw: Any, country: str) -> tuple[LadderStep, ...]:
        """Read the ladder: a non-empty list of step tables, a hand-over only last."""
        if not isinstance(raw, list | tuple) or not raw:
            raise PolicyError("steps", "must be a non-empty list of step tables")
        steps = tuple(self.step(f"steps[{i}]", item, country) for i, item in enumerate(raw))
        seen_warning = False
        for index, step in enumerate(steps):
            key = f"steps[{index}].action"
            if step.action == ActionKind.HANDOVER:
                if index != len(steps) - 1:
                    raise PolicyError(key, "a handover must be the last step")
                if not seen_warning:
                    raise PolicyError(
                        key, "a handover needs a collection_warning before it (inkassoloven § 10)"
                    )
            seen_warning = seen_warning or step.action == ActionKind.COLLECTION_WARNING
        return steps

    def step(self, key: str, raw: Any, country: str) -> LadderStep:
        """Read one ladder entry."""
        if not isinstance(raw, Mapping):
            raise PolicyError(key, "must be a table/object")
        self.known(key, raw, _STEP_KEYS)
        if "action" not in raw:
            raise PolicyError(f"{key}.action", "is required")
        action = self.action(f"{key}.action", raw["action"])
        if "days" not in raw:
            raise PolicyError(f"{key}.days", "is required")
        days = self.count(f"{key}.days", raw["days"], minimum=0)
        task, assignee = self.task(key, raw, action)
        fallback = default_task_name(country, task) if task else default_name(country, action)
        name = self.text(f"{key}.name", raw.get("name", fallback))
        tone = self.tone(f"{key}.tone", raw.get("tone", default_tone(action)))
        fee = self.amount(f"{key}.fee", raw.get("fee", 0))
        interest = self.flag(f"{key}.interest", raw.get("interest", False))
        compensation = self.flag(f"{key}.compensation", raw.get("compensation", False))
        after_deadline = self.flag(f"{key}.after_deadline", raw.get("after_deadline", False))
        if action in (ActionKind.HANDOVER, ActionKind.TASK):
            # Neither is a letter to the debtor: the agency claims its own costs, and a task is
            # for the creditor's own people.
            word_for = "a handover" if action == ActionKind.HANDOVER else "a task"
            for word, value in (
                ("fee", fee),
                ("interest", interest),
                ("compensation", compensation),
            ):
                if value:
                    raise PolicyError(f"{key}.{word}", f"{word_for} charges nothing")
            if raw.get("deadline_days") is not None:
                raise PolicyError(f"{key}.deadline_days", f"{word_for} sets no payment deadline")
            deadline: int | None = None
        else:
            deadline = self.count(f"{key}.deadline_days", raw.get("deadline_days", 10), minimum=1)
        return LadderStep(
            action=action,
            name=name,
            days=days,
            fee=fee,
            interest=interest,
            compensation=compensation,
            deadline_days=deadline,
            tone=tone,
            after_deadline=after_deadline,
            task=task,
            assignee=assignee,
        )

    def task(self, key: str, raw: Mapping[str, Any], action: ActionKind) -> tuple[str, str]:
        """Read a task step's ``task`` and ``to`` (only a task step may have them)."""
        if action != ActionKind.TASK:
            for word in ("task", "to"):
                if word in raw:
                    raise PolicyError(f"{key}.{word}", "only a step with action = 'task' has it")
            return "", ""
        task = self.text(f"{key}.task", raw.get("task", "call")).strip()
        if not task:
            raise PolicyError(
                f"{key}.task", f"must be one of {', '.join(TASKS)} or your own instruction"
            )
        default_to = "salesperson" if task == "tell_salesperson" else "tasks"
        assignee = self.text(f"{key}.to", raw.get("to", default_to)).strip()
        if assignee not in ASSIGNEES and not _EMAIL.fullmatch(assignee):
            raise PolicyError(
                f"{key}.to", f"must be one of {', '.join(ASSIGNEES)} or an e-mail address"
            )
        return task, assignee

    def pre_due(self, raw: Any) -> PreDueNotice:
        """Read ``pre_due_notice`` (a table, or a bare true/false)."""
        table = self.section("pre_due_notice", raw, _PRE_DUE_KEYS)
        return PreDueNotice(
            enabled=self.flag("pre_due_notice.enabled", table.get("enabled", True)),
            days_before_due=self.count(
                "pre_due_notice.days_before_due", table.get("days_before_due", 3), minimum=0
            ),
        )

    def interest_invoice(self, raw: Any) -> InterestInvoice:
        """Read ``interest_invoice`` (a table, or a bare true/false)."""
        table = self.section("interest_invoice", raw, _INTEREST_INVOICE_KEYS)
        return InterestInvoice(
            enabled=self.flag("interest_invoice.enabled", table.get("enabled", True)),
            minimum=self.amount("interest_invoice.minimum", table.get("minimum", "100.00")),
            deadline_days=self.count(
                "interest_invoice.deadline_days", table.get("deadline_days", 10), minimum=1
            ),
            compensation=self.flag(
                "interest_invoice.compensation", table.get("compensation", False)
            ),
        )

    def credit_hold(self, raw: Any) -> CreditHold:
        """Read ``credit_hold`` (a table, or a bare true/false)."""
        table = self.section("credit_hold", raw, _CREDIT_HOLD_KEYS)
        after = table.get("after_step")
        return CreditHold(
            enabled=self.flag("credit_hold.enabled", table.get("enabled", True)),
            after_step=None
            if after is None
            else self.count("credit_hold.after_step", after, minimum=1),
        )

    def promises(self, raw: Any) -> Promises:
        """Read ``[promises]``."""
        if not isinstance(raw, Mapping):
            raise PolicyError("promises", "must be a table/object")
        self.known("promises", raw, _PROMISE_KEYS)
        return Promises(
            grace_days=self.count("promises.grace_days", raw.get("grace_days", 3), minimum=0)
        )

    def compensation(self, raw: Any, country: str) -> CompensationPolicy:
        """Read ``[compensation]``: the B2B compensation on invoices in a foreign currency."""
        if not isinstance(raw, Mapping):
            raise PolicyError("compensation", "must be a table/object")
        self.known("compensation", raw, _COMPENSATION_KEYS)
        eur = raw.get("eur_invoices", "directive")
        if eur not in EUR_INVOICES:
            raise PolicyError(
                "compensation.eur_invoices",
                f"must be one of {', '.join(EUR_INVOICES)}, not {eur!r}",
            )
        source = ""
        if "rates_source" in raw:
            source = self.text("compensation.rates_source", raw["rates_source"])
        own = for_country(country).currency
        table = raw.get("rates", {})
        if not isinstance(table, Mapping):
            raise PolicyError(
                "compensation.rates", 'must be a table of currency = "rate", e.g. { EUR = "7.46" }'
            )
        rates: dict[str, Decimal] = {}
        for name, value in table.items():
            key = f"compensation.rates.{name}"
            if not isinstance(name, str) or len(name) != 3 or not name.isalpha():
                raise PolicyError(key, "must be a three-letter currency code")
            if name.upper() == own:
                raise PolicyError(key, f"{own} is the law's own currency and needs no rate")
            rates[name.upper()] = self.rate(key, value, own)
        return CompensationPolicy(
            eur_invoices=cast(EurInvoices, eur),
            rates=tuple(sorted(rates.items())),
            rates_source=source,
        )

    @staticmethod
    def rate(key: str, raw: Any, own: str) -> Decimal:
        """Read an exchange rate: the value of one foreign unit in ``own``, never via float."""
        if isinstance(raw, bool | float):
            raise PolicyError(key, f'write rates as strings (e.g. "7.4600"), not {raw!r}')
        if not isinstance(raw, str | int | Decimal):
            raise PolicyError(key, f"must be a rate, not {raw!r}")
        try:
            value = Decimal(raw.strip() if isinstance(raw, str) else raw)
            if not value.is_finite():
                raise InvalidOperation
            exact = value.quantize(Decimal(1).scaleb(-_RATE_DECIMALS))
        except InvalidOperation:
            raise PolicyError(key, f"not a rate: {raw!r}") from None
        if value <= 0:
            raise PolicyError(key, f"must be above 0 ({own} for one unit), not {raw!r}")
        if value != exact:
            raise PolicyError(key, f"at most six decimals, not {raw!r}")
        return value

    def minimum(self, base: TenantPolicy, raw: Any) -> TenantPolicy:
        """Read ``minimum_outstanding``: one amount, or a table of amounts per currency."""
        if not isinstance(raw, Mapping):
            return replace(base, minimum_outstanding=self.amount("minimum_outstanding", raw))
        default = base.minimum_outstanding
        per_currency: dict[str, Decimal] = {}
        for name, value in raw.items():
            key = f"minimum_outstanding.{name}"
            if name == _CURRENCY_DEFAULT:
                default = self.amount(key, value)
                continue
            if not isinstance(name, str) or len(name) != 3 or not name.isalpha():
                raise PolicyError(key, "must be a three-letter currency code or 'default'")
            per_currency[name.upper()] = self.amount(key, value)
        return replace(
            base,
            minimum_outstanding=default,
            minimum_by_currency=tuple(sorted(per_currency.items())),
        )
