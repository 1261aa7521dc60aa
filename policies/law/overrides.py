"""A tenant's own, stricter values for law parameters: lower caps, longer waits, a regime date.

A policy may tighten the law, never loosen it: a fee cap or count only downwards, a waiting
period or minimum deadline only upwards, stacking fees on the B2B compensation only where the
law leaves it open (Finland), and the in-force date of a pending regime (Norway's new
inkassolov). Anything else is refused with the key and the legal limit named.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache

from policies.law.base import FeeRule, LawPack

__all__ = ["OVERRIDE_KEYS", "LawOverrides", "OverrideError", "current_fee_rules"]


class OverrideError(ValueError):
    """A law override goes beyond what the law allows; ``key`` names the parameter."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"{key}: {message}")


@dataclass(frozen=True, slots=True)
class LawOverrides:
    """The ``[law]`` table of a tenant policy; None leaves the law's own value."""

    reminder_fee_cap: Decimal | None = None
    max_fees: int | None = None
    fee_spacing_days: int | None = None
    first_fee_days_after_due: int | None = None
    collection_warning_min_days: int | None = None
    stack_fees_with_compensation: bool | None = None
    # Price interest on a placeholder reference rate (grade U: carried forward, not published)
    # instead of letting the step wait for the published rate; every letter says so.
    allow_placeholder_rates: bool | None = None
    # Regime switches by their policy key (e.g. new_inkassolov_from), as (key, date) pairs.
    regimes: tuple[tuple[str, date], ...] = ()

    @property
    def empty(self) -> bool:
        """Tell whether the tenant overrides nothing."""
        return all(getattr(self, f.name) in (None, ()) for f in fields(self))

    def check(self, law: LawPack) -> None:
        """Raise OverrideError when a value would loosen the law of ``law``."""
        current = current_fee_rules(law)
        if self.reminder_fee_cap is not None and current:
            cap = max(rule.cap for rule in current)
            if self.reminder_fee_cap > cap:
                raise OverrideError(
                    "reminder_fee_cap",
                    f"{self.reminder_fee_cap} {law.currency} is above the legal cap of "
                    f"{cap} {law.currency} per letter in {law.country}",
                )
        if self.max_fees is not None and current:
            most = max(rule.max_count for rule in current)
            if self.max_fees > most:
                raise OverrideError(
                    "max_fees",
                    f"{self.max_fees} is more than the {most} fee-bearing letters per claim "
                    f"the law allows in {law.country}",
                )
        for key, value, floor in (
            ("fee_spacing_days", self.fee_spacing_days, _least(current, "min_spacing_days")),
            (
                "first_fee_days_after_due",
                self.first_fee_days_after_due,
                _least(current, "earliest_days_after_due"),
            ),
            (
                "collection_warning_min_days",
                self.collection_warning_min_days,
                law.collection_warning_min_days,
            ),
        ):
            if value is not None and value < floor:
                raise OverrideError(
                    key,
                    f"{value} days is shorter than the legal minimum of {floor} in {law.country}",
                )
        if self.stack_fees_with_compensation:
            barred = [c for c in law.compensations if not c.may_stack]
            if barred:
                raise OverrideError(
                    "stack_fees_with_compensation",
                    f"in {law.country} the compensation {barred[-1].relation}s reminder fees "
                    f"by law ({barred[-1].citation.split(' (', 1)[0]}); it cannot be stacked",
                )
        known = {regime.policy_key for regime in law.regimes}
        for key, _day in self.regimes:
            if key not in known:
                raise OverrideError(key, f"{law.country} has no pending regime switch of that name")

    def apply(self, law: LawPack) -> LawPack:
        """Return ``law`` tightened by these values (the same object when there are none)."""
        if self.empty:
            return law
        return _apply(law, self)


OVERRIDE_KEYS: tuple[str, ...] = (
    "reminder_fee_cap",
    "max_fees",
    "fee_spacing_days",
    "first_fee_days_after_due",
    "collection_warning_min_days",
    "stack_fees_with_compensation",
    "allow_placeholder_rates",
)


def current_fee_rules(law: LawPack) -> list[FeeRule]:
    """Return the open-ended fee rules for claims falling due now: today's legal limits."""
    return [r for r in law.fee_rules if r.valid_to is None and r.claims_due_to is None]


def _least(rules: list[FeeRule], name: str) -> int:
    """Return the smallest value of an integer rule field (0 when there are no rules)."""
    return min((int(getattr(rule, name)) for rule in rules), default=0)


@lru_cache(maxsize=64)
def _apply(law: LawPack, overrides: LawOverrides) -> LawPack:
    """Tighten every rule of the pack; cached, since decide() asks once per day."""
    rules = tuple(_tighten(rule, overrides) for rule in law.fee_rules)
    compensations = law.compensations
    if overrides.stack_fees_with_compensation is not None:
        stack = overrides.stack_fees_with_compensation
        compensations = tuple(
            replace(c, stacks_with_fees=stack, relation="add" if stack else c.relation)
            if c.may_stack
            else c
            for c in law.compensations
        )
    dates = dict(overrides.regimes)
    regimes = tuple(
        replace(r, in_force=dates[r.policy_key]) if r.policy_key in dates else r
        for r in law.regimes
    )
    minimum = law.collection_warning_min_days
    if overrides.collection_warning_min_days is not None:
        minimum = max(minimum, overrides.collection_warning_min_days)
    return replace(
        law,
        fee_rules=rules,
        compensations=compensations,
        regimes=regimes,
        collection_warning_min_days=minimum,
        allow_placeholders=bool(overrides.allow_placeholder_rates),
    )


def _tighten(rule: FeeRule, overrides: LawOverrides) -> FeeRule:
    """Apply the stricter of the law's and the tenant's value to one fee rule."""
    changes: dict[str, object] = {}
    if overrides.reminder_fee_cap is not None and overrides.reminder_fee_cap < rule.cap:
        changes["cap"] = overrides.reminder_fee_cap
    if overrides.max_fees is not None and overrides.max_fees < rule.max_count:
        changes["max_count"] = overrides.max_fees
    if overrides.fee_spacing_days is not None:
        changes["min_spacing_days"] = max(rule.min_spacing_days, overrides.fee_spacing_days)
    if overrides.first_fee_days_after_due is not None:
        changes["earliest_days_after_due"] = max(
            rule.earliest_days_after_due, overrides.first_fee_days_after_due
        )
    return replace(rule, **changes) if changes else rule  # type: ignore[arg-type]
