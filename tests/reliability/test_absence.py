"""Issue 18, finding 2: a draft missing from the vendor's list is a rejection only when the
list is complete and plausible.

When e-conomic's draft list came back empty (or with unreadable numbers) while our drafts were
there, every pending letter was recorded as rejected and the run said ok.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.store import open_store
from bridge.vocab import registry
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
ECONOMIC = registry.connector("economic")


@pytest.fixture(autouse=True)
def _no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _empty(body: dict[str, Any]) -> dict[str, Any]:
    body["collection"] = []
    body["pagination"]["results"] = 0
    return body


def _unreadable(body: dict[str, Any]) -> dict[str, Any]:
    for item in body["collection"]:
        item["draftInvoiceNumber"] = "not a number"
    return body


def _run(tmp_path: Path, change: Callable[[dict[str, Any]], dict[str, Any]] | None) -> Any:
    sandbox = ECONOMIC.sandbox(None, TODAY)
    faulty = {"on": False}

    def handle(request: httpx.Request) -> httpx.Response:
        answer = sandbox.handle(request)
        if faulty["on"] and request.method == "GET" and request.url.path == "/invoices/drafts":
            body = change(json.loads(answer.content)) if change else json.loads(answer.content)
            return httpx.Response(answer.status_code, json=body, headers={"x-fault": "1"})
        return answer

    tenant = TenantSettings(system="economic", country="DK")
    options = CycleOptions(
        today=TODAY,
        now=datetime.combine(TODAY, time(7), tzinfo=UTC),
        transport=httpx.MockTransport(handle),
        secrets=StaticSecrets("t", ECONOMIC.sandbox_secrets),
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        first = run_tenant(store, "t", tenant, options)
        drafts = [r for _, r in first.written if r.status.value == "pending"]
        assert len(drafts) >= 2, first.written
        before = len(store.pending("t"))
        faulty["on"] = True
        second = run_tenant(store, "t", tenant, options)
        return before, len(store.pending("t")), second, sandbox


@pytest.mark.parametrize("change", [_empty, _unreadable])
def test_an_implausible_draft_list_rejects_nothing(
    tmp_path: Path, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    before, after, outcome, _ = _run(tmp_path, change)
    assert after == before
    assert not [r for r in outcome.reconciled if r.status.value == "rejected"]
    assert outcome.status == "partial"
    assert any(what == "reconcile" for what, _ in outcome.skipped), outcome.skipped


def test_a_complete_list_still_shows_one_draft_deleted(tmp_path: Path) -> None:
    def drop_first(body: dict[str, Any]) -> dict[str, Any]:
        body["collection"] = body["collection"][1:]
        body["pagination"]["results"] = len(body["collection"])
        return body

    before, after, outcome, _ = _run(tmp_path, drop_first)
    rejected = [r for r in outcome.reconciled if r.status.value == "rejected"]
    assert len(rejected) == 1
    assert after == before - 1
    assert not any(what == "reconcile" for what, _ in outcome.skipped)
