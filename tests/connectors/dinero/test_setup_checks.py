"""The Dinero checks `doctor` runs: what would make the drafts wrong or refused.

``GET /v1/organizations`` "is also used to validate if the users has a Pro subscription or not,
which is a prerequsite to interact with the API. Incase a user does not have Pro every other
request will return a 403 error" (openapi.dunning-extract.json). The app's scopes are
``dineropublicapi:read dineropublicapi:write offline_access`` (reference apis.md § 3).
"""

from __future__ import annotations

from bridge.vocab.connector import SetupChecks
from connectors.dinero.auth import token_scopes
from connectors.dinero.sandbox.server import DineroSandbox
from tests.connectors.dinero.support import TODAY, open_session

READY = [
    "organization 4711 'Sandbox ApS' is reachable and has the Pro plan the API needs",
    "the token's scopes allow every call: dineropublicapi:read, dineropublicapi:write, "
    "offline_access",
    "Dinero computes its reminders' fee (100.00 kr.) and interest (0.8333 % a month) from "
    "Indstillinger -> Salg; a draft whose amounts differ from the bridge's waits with a note",
]


def _checks(sandbox: DineroSandbox, **options: str) -> list[tuple[bool, str]]:
    session = open_session(sandbox, **options)
    try:
        assert isinstance(session, SetupChecks)
        return session.checks()
    finally:
        session.close()


def _failures(found: list[tuple[bool, str]]) -> list[str]:
    return [detail for ok, detail in found if not ok]


def test_the_demo_organization_is_ready(sandbox: DineroSandbox) -> None:
    found = _checks(sandbox)
    assert [d for _, d in found] == READY
    assert _failures(found) == []


def test_an_organization_the_grant_does_not_reach_names_the_option(
    sandbox: DineroSandbox,
) -> None:
    assert _failures(_checks(sandbox, organization_id="999")) == [
        "the grant does not reach organization 999: set organization_id to one it reaches (4711)"
    ]


def test_an_organization_without_pro_is_named(sandbox: DineroSandbox) -> None:
    sandbox.set_pro(False)
    failures = _failures(_checks(sandbox, organization_id=sandbox.organization))
    assert failures[0] == (
        "organization 4711 'Sandbox ApS' has no Pro plan: Dinero refuses every API call but "
        "this one (403); upgrade it in Dinero, or set organization_id to one with Pro"
    )


def test_a_token_without_the_write_scope_is_named(sandbox: DineroSandbox) -> None:
    sandbox.grant_scopes("dineropublicapi:read offline_access")
    assert _failures(_checks(sandbox)) == [
        "the token lacks the scope dineropublicapi:write (dineropublicapi:write to write "
        "reminder drafts, book and e-mail them, leave contact notes): give the Visma Connect "
        "app the scope and re-authorize with `dunning-bridge authorize demo`"
    ]


def test_scopes_are_read_from_the_token_s_claims() -> None:
    # header {"alg":"none"}, claims {"scope":["a","b"]} and {"scope":"a b"}, base64url.
    assert token_scopes("eyJhbGciOiJub25lIn0.eyJzY29wZSI6WyJhIiwiYiJdfQ.x") == {"a", "b"}
    assert token_scopes("eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImEgYiJ9.x") == {"a", "b"}
    assert token_scopes("eyJhbGciOiJub25lIn0.e30.x") is None  # {}: no claim
    assert token_scopes("opaque-token") is None
    assert token_scopes("a.!!!.c") is None


def test_the_sandbox_refuses_writes_without_the_write_scope(sandbox: DineroSandbox) -> None:
    sandbox.grant_scopes("dineropublicapi:read offline_access")
    session = open_session(sandbox, organization_id=sandbox.organization)
    snapshot = session.fetch(TODAY, None)
    contact = snapshot.invoices[0].customer_id
    refused = session.http.post(
        f"/v1/{sandbox.organization}/contacts/{contact}/notes", json={"Text": "x"}
    )
    assert refused.status_code == 403


def test_the_sandbox_refuses_all_but_the_organization_list_without_pro(
    sandbox: DineroSandbox,
) -> None:
    sandbox.set_pro(False)
    http = open_session(sandbox).http
    assert http.get("/v1/organizations").status_code == 200
    assert http.get(f"/v1/{sandbox.organization}/sales/settings").status_code == 403
