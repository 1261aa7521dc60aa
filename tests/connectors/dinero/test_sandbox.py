"""The Dinero sandbox answers like Dinero: pages, default fields, 429, tokens, reminder rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.infra.http_json import parse_json
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 16, 7, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _token(sandbox: DineroSandbox) -> str:
    response = httpx.Client(transport=sandbox.transport()).post(
        "https://connect.visma.com/connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": DineroSandbox.REFRESH_TOKEN,
            "client_id": DineroSandbox.CLIENT_ID,
            "client_secret": DineroSandbox.CLIENT_SECRET,
        },
    )
    assert response.status_code == 200
    return str(response.json()["access_token"])


def _api(sandbox: DineroSandbox) -> httpx.Client:
    return httpx.Client(
        base_url=f"https://api.dinero.dk/v1/{sandbox.organization}",
        transport=sandbox.transport(),
        headers={"Authorization": f"Bearer {_token(sandbox)}"},
    )


def _json(response: httpx.Response) -> Any:
    return parse_json(response)


def test_lists_return_dinero_default_fields_unless_asked(sandbox: DineroSandbox) -> None:
    api = _api(sandbox)
    plain = _json(api.get("/invoices"))["Collection"][0]
    assert set(plain) == {"Guid", "ContactName", "Date", "Description"}
    asked = _json(api.get("/invoices", params={"fields": "guid,TOTALINCLVAT"}))["Collection"][0]
    assert set(asked) == {"guid", "TOTALINCLVAT"}  # returned the way they were asked for


def test_the_pagination_block_is_dinero_s(sandbox: DineroSandbox) -> None:
    api = _api(sandbox)
    page = _json(api.get("/invoices", params={"pageSize": 15, "page": 2}))
    assert page["Pagination"] == {
        "MaxPageSizeAllowed": 1000,
        "PageSize": 15,
        "Result": 11,
        "ResultWithoutFilter": 41,
        "Page": 2,
    }
    assert _json(api.get("/invoices", params={"pageSize": 5000}))["Pagination"]["PageSize"] == 1000


def test_status_filter_and_changes_since(sandbox: DineroSandbox) -> None:
    api = _api(sandbox)
    fields = {"fields": "Status"}
    overdue = _json(api.get("/invoices", params={**fields, "statusFilter": "Overdue"}))
    assert {i["Status"] for i in overdue["Collection"]} == {"Overdue"}
    assert api.get("/invoices", params={"statusFilter": "Unpaid"}).status_code == 400
    future = {"changesSince": "2099-01-01T00:00:00Z"}
    assert _json(api.get("/invoices", params=future))["Collection"] == []
    assert api.get("/invoices", params={"changesSince": "2099-01-01"}).status_code == 400


def test_429_is_plain_text_with_retry_after() -> None:
    clock = Clock()
    sandbox = DineroSandbox(TODAY, rate_limit=(100, 60.0), clock=clock)
    api = _api(sandbox)
    for _ in range(100):
        assert api.get("/sales/settings").status_code == 200
    over = api.get("/sales/settings")
    assert over.status_code == 429
    assert over.text == "API calls quota exceeded!"
    assert int(over.headers["Retry-After"]) >= 1
    clock.now += timedelta(seconds=61)
    assert api.get("/sales/settings").status_code == 200


def test_access_tokens_expire_after_an_hour() -> None:
    clock = Clock()
    sandbox = DineroSandbox(TODAY, clock=clock)
    api = _api(sandbox)
    assert api.get("/sales/settings").status_code == 200
    clock.now += timedelta(seconds=3600)
    expired = api.get("/sales/settings")
    assert expired.status_code == 401
    assert "invalid_token" in expired.headers["WWW-Authenticate"]
    assert api.get("/sales/settings", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_reminder_rules_and_concurrency(sandbox: DineroSandbox) -> None:
    api = _api(sandbox)
    overdue = _json(
        api.get(
            "/invoices", params={"fields": "Guid,Status,PaymentDate", "statusFilter": "Overdue"}
        )
    )
    guid = next(
        i["Guid"] for i in overdue["Collection"] if not sandbox.state.reminders.get(i["Guid"])
    )
    stamp = _json(api.get(f"/invoices/{guid}"))["TimeStamp"]
    flags = {
        "WithFee": True,
        "WithInterestFee": False,
        "WithCompensationFee": False,
        "WithDebtCollectionWarning": False,
    }
    stale = api.post(
        f"/invoices/{guid}/reminders", json={"Timestamp": "0", "Date": "2026-03-16", **flags}
    )
    assert stale.status_code == 400
    assert stale.json()["code"] == 58
    missing = api.post(
        f"/invoices/{guid}/reminders", json={"Timestamp": stamp, "Date": "2026-03-16"}
    )
    assert missing.status_code == 400
    made = api.post(
        f"/invoices/{guid}/reminders", json={"Timestamp": stamp, "Date": "2026-03-16", **flags}
    )
    assert made.status_code == 200
    view = _json(made)
    assert view["IsDraft"]
    assert view["Number"] == 1
    assert view["FeeAmount"] == Decimal("100.00")
    second = api.post(
        f"/invoices/{guid}/reminders", json={"Timestamp": stamp, "Date": "2026-03-16", **flags}
    )
    assert second.status_code == 400  # a draft already waits
    booked = api.post(
        f"/invoices/{guid}/reminders/{view['Id']}/book", json={"Timestamp": view["Timestamp"]}
    )
    assert booked.status_code == 200
    assert not _json(booked)["IsDraft"]
    soon = api.post(
        f"/invoices/{guid}/reminders",
        json={
            "Timestamp": _json(api.get(f"/invoices/{guid}"))["TimeStamp"],
            "Date": "2026-03-20",
            **flags,
        },
    )
    assert soon.status_code == 400
    assert "10 days" in soon.json()["message"]
    not_due = next(g for g in sandbox.state.invoices if sandbox.state.status(g, TODAY) == "Booked")
    early = api.post(
        f"/invoices/{not_due}/reminders",
        json={
            "Timestamp": sandbox.state.invoices[not_due]["TimeStamp"],
            "Date": "2026-03-16",
            **flags,
        },
    )
    assert early.status_code == 400
    assert early.json()["code"] == 87


def test_unknown_things_answer_dinero_errors(sandbox: DineroSandbox) -> None:
    api = _api(sandbox)
    missing = api.get("/invoices/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert set(missing.json()) >= {
        "code",
        "message",
        "errorMessageList",
    }
    other = httpx.Client(transport=sandbox.transport(), headers=api.headers)
    assert other.get("https://api.dinero.dk/v1/9999/invoices").status_code == 403


def test_save_and_load_keep_everything(sandbox: DineroSandbox, tmp_path: Path) -> None:
    guid = next(iter(sandbox.state.invoices))
    sandbox.pay(guid, Decimal("12.34"), TODAY)
    path = tmp_path / "dinero.json"
    sandbox.save(path)
    again = DineroSandbox.load_or_demo(path, TODAY)
    assert again.state.payments[guid][-1]["Amount"] == Decimal("12.34")
    assert again.state.invoices == sandbox.state.invoices


def test_the_demo_company_has_every_situation(sandbox: DineroSandbox) -> None:
    statuses = {sandbox.state.status(g, TODAY) for g in sandbox.state.invoices}
    assert statuses == {"Draft", "Booked", "Paid", "Overdue"}
    persons = [c["IsPerson"] for c in sandbox.state.contacts.values()]
    assert persons.count(True) >= 10
    assert persons.count(False) >= 10
    company = {c["CompanyStatus"] for c in sandbox.state.contacts.values()}
    assert {"underBankruptcy", "dissolvedAfterBankruptcy", "normal"} <= company


@pytest.mark.parametrize("mode", ["reuse", "rotating"])
def test_refresh_modes(sandbox: DineroSandbox, mode: str) -> None:
    sandbox.set_refresh_mode(mode)
    client = httpx.Client(transport=sandbox.transport())
    form = {
        "grant_type": "refresh_token",
        "refresh_token": DineroSandbox.REFRESH_TOKEN,
        "client_id": DineroSandbox.CLIENT_ID,
        "client_secret": DineroSandbox.CLIENT_SECRET,
    }
    first = client.post("https://connect.visma.com/connect/token", data=form).json()
    again = client.post("https://connect.visma.com/connect/token", data=form)
    if mode == "reuse":
        assert first["refresh_token"] == DineroSandbox.REFRESH_TOKEN
        assert again.status_code == 200
    else:
        assert first["refresh_token"] != DineroSandbox.REFRESH_TOKEN
        assert again.status_code == 400
        assert again.json() == {"error": "invalid_grant"}
    with pytest.raises(ValueError, match="unknown"):
        sandbox.set_refresh_mode("sometimes")
