"""A tenant is its accounting company, read from the vendor (issue 18, finding 4, rest).

e-conomic's ``GET /self`` (agreementNumber), Fortnox's ``GET /3/companyinformation``
(DatabaseNumber, else OrganizationNumber) and Tripletex's ``GET /token/session/>whoAmI``
(companyId) name the company a tenant works on, so a tenant renamed in the env file on the same
company is recognised and refused with the `tenants rename` hint, even without a sandbox file
or a configured base URL. The sandboxes answer those endpoints as the vendors' specs describe.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import httpx
import pytest

from bridge.engine.cycle import CycleOptions, TenantOutcome, run_tenant
from bridge.infra import retry
from bridge.store import Store, open_store
from bridge.vocab import registry
from bridge.vocab.domain import Mode
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings
from tests.contract import economic_schemas, fortnox_spec, tripletex_spec

TODAY = date(2026, 3, 16)
AT = datetime.combine(TODAY, time(7), tzinfo=UTC)
# The demo companies' own ids, as each sandbox answers them.
KEYS = {
    "economic": "economic:agreement:7341290",
    "fortnox": "fortnox:database:581204",
    "tripletex": "tripletex:company:7712034",
}


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


class _Counting(httpx.BaseTransport):
    """Count the company-identity requests a cycle sends."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.identity = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith(("/self", "/companyinformation", "/token/session/>whoAmI")):
            self.identity += 1
        return self.inner.handle_request(request)


def _run(store: Store, name: str, system: str, transport: httpx.BaseTransport) -> TenantOutcome:
    descriptor = registry.connector(system)
    tenant = TenantSettings(system=system, country=descriptor.country, mode=Mode.REVIEW)
    opts = CycleOptions(
        today=TODAY,
        now=AT,
        transport=transport,
        secrets=StaticSecrets(name, descriptor.sandbox_secrets),
    )
    return run_tenant(store, name, tenant, opts)


@pytest.mark.parametrize("system", sorted(KEYS))
def test_a_renamed_tenant_on_the_same_vendor_company_is_refused(
    tmp_path: Path, system: str
) -> None:
    sandbox = registry.connector(system).sandbox(None, TODAY)
    counting = _Counting(sandbox.transport())
    with open_store(tmp_path / "state.db") as store:
        first = _run(store, "acme", system, counting)
        assert first.status == "ok", first.error
        assert store.company_key("acme") == KEYS[system]
        assert counting.identity == 1  # once per cycle
        written = dict(sandbox.documents_by_key())  # type: ignore[attr-defined]
        renamed = _run(store, "acme-dk", system, counting)
        assert renamed.status == "error"
        assert "dunning-bridge tenants rename acme acme-dk" in (renamed.error or "")
        assert store.letters("acme-dk") == []
        assert dict(sandbox.documents_by_key()) == written  # type: ignore[attr-defined]


def test_a_tenant_on_another_company_is_not_taken_for_a_rename(tmp_path: Path) -> None:
    one = registry.connector("tripletex").sandbox(None, TODAY)
    other = registry.connector("tripletex").sandbox(None, TODAY)
    other.state["companyId"] = 7712035  # type: ignore[attr-defined]
    with open_store(tmp_path / "state.db") as store:
        assert _run(store, "oslo", "tripletex", one.transport()).status == "ok"
        again = _run(store, "bergen", "tripletex", other.transport())
        assert again.status == "ok", again.error
        assert store.company_key("bergen") == "tripletex:company:7712035"


def test_without_the_scope_the_tenant_is_not_bound_and_still_runs(tmp_path: Path) -> None:
    """Fortnox answers 403 to companyinformation without its scope: no key, no failure."""
    sandbox = registry.connector("fortnox").sandbox(None, TODAY)
    inner = sandbox.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/companyinformation"):
            body = {
                "ErrorInformation": {"error": 1, "message": "Saknar behörighet.", "code": 2000663}
            }
            return httpx.Response(403, json=body)
        return inner.handle_request(request)

    with open_store(tmp_path / "state.db") as store:
        out = _run(store, "nord", "fortnox", httpx.MockTransport(handler))
        assert out.status == "ok", out.error
        assert store.company_key("nord") is None


def _get(system: str, path: str) -> Any:
    descriptor = registry.connector(system)
    sandbox = descriptor.sandbox(None, TODAY)
    with httpx.Client(transport=sandbox.transport(), base_url=descriptor.base_url) as http:
        if system == "tripletex":
            token = http.post(
                "/token/session/:create",
                json={
                    "consumerToken": descriptor.sandbox_secrets["consumer_token"],
                    "employeeToken": descriptor.sandbox_secrets["employee_token"],
                    "expirationDate": "2026-03-17",
                },
            ).json()["value"]["token"]
            return http.get(path, auth=("0", token)).json()
        session = descriptor.open(
            _ctx(descriptor, sandbox.transport())  # the session authenticates like the bridge
        )
        try:
            return session.client._send("GET", path)  # type: ignore[attr-defined]
        finally:
            session.close()


def _ctx(descriptor: Any, transport: httpx.BaseTransport) -> Any:
    from bridge.vocab.connector import TenantContext  # noqa: PLC0415

    return TenantContext(
        tenant="t",
        country=descriptor.country,
        mode=Mode.REVIEW,
        secrets=StaticSecrets("t", descriptor.sandbox_secrets),
        base_url=None,
        transport=transport,
        options={},
    )


def test_the_sandboxes_answer_the_identity_endpoints_as_specified() -> None:
    economic_schemas.require_specs()
    fortnox_spec.require_specs()
    tripletex_spec.require_specs()
    economic_schemas.assert_valid("self.get", _get("economic", "/self"))
    ref = fortnox_spec.response_schema("GET", "/3/companyinformation", 200)
    fortnox_spec.assert_valid(ref, _get("fortnox", "/companyinformation"))
    who = _get("tripletex", "/token/session/>whoAmI")
    tripletex_spec.validate(who, "ResponseWrapperLoggedInUserInfo")
    assert isinstance(who["value"]["companyId"], int)
