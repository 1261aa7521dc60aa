"""The calls that withdraw a pending draft are the ones each vendor documents.

Each connector withdraws a draft it wrote against its sandbox through a recording transport;
every request that changes something must be an operation the vendor's own description has
(e-conomic: the recorded answer to the same call), with the body its schema asks for.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
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

_ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("DUNNING_BRIDGE_SHARED", _ROOT.parent / "shared")) / "vendor-specs"
DAY = date(2026, 3, 16)


class Recording(httpx.BaseTransport):
    """Keep every request passed on to the sandbox."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.seen.append(request)
        return self.inner.handle_request(request)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _withdrawal_requests(tmp_path: Path, system: str) -> list[httpx.Request]:
    """Write the review drafts, dispute one invoice, and keep the next cycle's writes."""
    descriptor = registry.connector(system)
    sandbox = descriptor.sandbox(None, DAY)
    tenant = TenantSettings(system=system, country=descriptor.country)
    secrets = StaticSecrets("t", descriptor.sandbox_secrets)
    at = datetime.combine(DAY, time(7), tzinfo=UTC)
    with open_store(tmp_path / "db.sqlite3") as store:
        first = Recording(sandbox.transport())
        opts = CycleOptions(today=DAY, now=at, transport=first, secrets=secrets)
        assert run_tenant(store, "t", tenant, opts).status == "ok"
        row = next(
            r
            for r in store.letters("t", states={"pending"})
            if r.letter.action.value in ("reminder", "collection_warning")
        )
        store.set_dispute(
            "t", row.letter.decisions[0].invoice_id, start=DAY, end=None, note="", at=at
        )
        second = Recording(sandbox.transport())
        opts = CycleOptions(today=DAY, now=at, transport=second, secrets=secrets)
        outcome = run_tenant(store, "t", tenant, opts)
        assert outcome.status == "ok", outcome.error
        assert [w.state for w in outcome.withdrawn if w.letter_key == row.letter.key] == [
            "withdrawn"
        ]
    return [r for r in second.seen if r.method != "GET" and "token" not in r.url.path]


def _spec(*parts: str) -> dict[str, Any]:
    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"vendor specs not found at {path} (contract tests need ../shared)")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The spec's operation whose path template matches ``path``."""
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            found: dict[str, Any] = operations[method.lower()]
            return found
    raise AssertionError(f"{method} {path} is not in the vendor's description")


def test_e_conomic_deletes_the_draft_invoice_as_recorded(tmp_path: Path) -> None:
    recorded = _spec("economic", "fixtures", "traels-it", "invoice_delete.json")
    [delete] = _withdrawal_requests(tmp_path, "economic")
    assert delete.method == "DELETE"
    assert re.fullmatch(r"/invoices/drafts/\d+", delete.url.path)
    assert recorded["message"] == "Deleted invoice."


def test_fortnox_cancels_the_unbooked_invoice(tmp_path: Path) -> None:
    spec = _spec("fortnox", "openapi.json")
    [cancel] = _withdrawal_requests(tmp_path, "fortnox")
    assert cancel.method == "PUT"
    assert re.fullmatch(r"/3/invoices/\d+/cancel", cancel.url.path)
    assert _operation(spec, "PUT", cancel.url.path)["operationId"] == "cancel"
    assert not any(
        "delete" in ops for p, ops in spec["paths"].items() if p.startswith("/3/invoices")
    )


def test_dinero_deletes_the_reminder_draft_with_its_timestamp(tmp_path: Path) -> None:
    spec = _spec("dinero", "openapi.dunning-extract.json")
    # A letter over two invoices has a reminder on each: both go. The same cycle then writes
    # the undisputed invoice's reminder anew (POST), decided again without the other.
    deletes = [r for r in _withdrawal_requests(tmp_path, "dinero") if r.method == "DELETE"]
    assert deletes
    schema = spec["components"]["schemas"]["ReminderDeleteModel"]
    for delete in deletes:
        operation = _operation(spec, "DELETE", delete.url.path)
        assert "If unbooked this will just remove the draft" in operation["description"]
        assert set(schema["required"]) <= set(json.loads(delete.content))


def test_tripletex_deletes_the_draft_order(tmp_path: Path) -> None:
    spec = _spec("tripletex", "openapi-2.74.00.json")
    [delete] = _withdrawal_requests(tmp_path, "tripletex")
    assert delete.method == "DELETE"
    path = delete.url.path.removeprefix("/v2")
    assert re.fullmatch(r"/order/\d+", path)
    assert _operation(spec, "DELETE", path)["operationId"] == "Order_delete"
