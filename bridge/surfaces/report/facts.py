"""The report as JSON-ready facts: amounts as strings per currency, dates as ISO text.

``report --json`` prints them and the CSV export's cells are made of them (csvexport.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bridge.surfaces.report.actions import ActionRow
from bridge.surfaces.report.data import Report, TenantReport


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _row_json(r: ActionRow) -> dict[str, Any]:
    return {
        "date": r.date.isoformat(),
        "invoice": r.invoice,
        "invoice_number": r.invoice_number,
        "customer": r.customer,
        "customer_name": r.customer_name,
        "action": r.action,
        "step": r.step,
        "label": r.label,
        "state": r.state,
        "currency": r.currency,
        "fee": _amount(r.fee),
        "interest": _amount(r.interest),
        "compensation": _amount(r.compensation),
        "outstanding": _amount(r.outstanding),
        "deadline": _day(r.deadline),
        "legal_basis": list(r.legal_basis),
        "document": r.document,
        "source": r.source,
    }


def tenant_json(t: TenantReport) -> dict[str, Any]:
    """One tenant's report as JSON-ready data (amounts as strings, per currency)."""
    s = t.summary
    return {
        "tenant": t.tenant,
        "system": t.system,
        "country": t.country,
        "company": t.company,
        "currency": t.currency,
        "locale": t.locale,
        "today": t.today.isoformat(),
        "error": t.error,
        "open_invoices": t.open_invoices,
        "open": t.open_amounts.json(),
        "overdue": t.overdue_amounts.json(),
        "awaiting_review": t.awaiting_review,
        "receivables": [
            {"bucket": b.key, "label": b.label, "invoices": b.invoices, "amount": b.amounts.json()}
            for b in t.receivables
        ],
        "pipeline": [
            {
                "stage": st.key,
                "label": st.label,
                "action": st.action,
                "step": st.step,
                "invoices": st.invoices,
                "amount": st.amounts.json(),
                "awaiting_review": st.awaiting_review,
            }
            for st in t.pipeline
        ],
        "recovery": {
            "steps": [
                {
                    "stage": r.key,
                    "label": r.label,
                    "action": r.action,
                    "step": r.step,
                    "reached": r.reached,
                    "paid": r.paid,
                    "partly_paid": r.partly_paid,
                    "rate_percent": None if r.rate is None else f"{r.rate:.1f}",
                    "recovered": r.recovered.json(),
                    "charged": r.charged.json(),
                    "median_days": None if r.median_days is None else f"{r.median_days:.1f}",
                    "days": list(r.days),
                }
                for r in t.recovery
            ],
            "summary": {
                "dunned": s.dunned,
                "paid": s.paid,
                "still_open": s.still_open,
                "handed_over": s.handed_over,
                "paid_after_first_step": s.paid_after_first_step,
                "recovered": s.recovered.json(),
                "charged": s.charged.json(),
            },
        },
        "upcoming": {"days": t.forecast_days, "actions": [_row_json(r) for r in t.upcoming]},
        "late_customers": [
            {
                "customer": c.customer,
                "name": c.name,
                "late_invoices": c.late_invoices,
                "paid_late": c.paid_late,
                "overdue_now": c.overdue_now,
                "dunned": c.dunned,
                "highest_step": c.highest_step,
                "average_days_late": f"{c.average_days_late:.1f}",
                "max_days_late": c.max_days_late,
                "overdue": c.overdue.json(),
            }
            for c in t.late_customers
        ],
        "actions": [_row_json(r) for r in t.actions],
        "attention": list(t.attention),
    }


def report_json(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "generated_at": report.generated_at.isoformat(),
        "today": report.today.isoformat(),
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()},
        "tenants": [tenant_json(t) for t in report.tenants],
    }
