"""Issue 18, finding 6: a secret the vendor echoes back never leaves the process or reaches the
database, whichever way it travels (request id, skip and cancellation reasons, JSON, console).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import httpx
import pytest
import structlog
from typer.testing import CliRunner

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import retry
from bridge.store import open_store
from bridge.surfaces.cli import app
from bridge.vocab import registry
from bridge.vocab.errors import RejectedRequest
from bridge.vocab.redact import forget_secrets, register_secret
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.settings import TenantSettings

TODAY = date(2026, 3, 16)
ECONOMIC = registry.connector("economic")
GRANT = ECONOMIC.sandbox_secrets["agreement_grant_token"]


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)
    forget_secrets()


def _echoing_vendor() -> httpx.MockTransport:
    """The e-conomic sandbox, except that it refuses drafts and echoes the grant token."""
    sandbox = ECONOMIC.sandbox(None, TODAY)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.startswith("/invoices/drafts"):
            token = request.headers["X-AgreementGrantToken"]
            body = {
                "message": f"agreement {token} may not do this",
                "errorCode": f"E-{token}",
                "logId": token,
            }
            return httpx.Response(400, json=body, headers={"x-request-id": token})
        return sandbox.handle(request)

    return httpx.MockTransport(handle)


def test_a_token_echoed_in_a_refusal_reaches_no_reason_and_no_row(tmp_path: Path) -> None:
    tenant = TenantSettings(system="economic", country="DK")
    options = CycleOptions(
        today=TODAY,
        now=datetime.combine(TODAY, time(7), tzinfo=UTC),
        transport=_echoing_vendor(),
        secrets=StaticSecrets("t", ECONOMIC.sandbox_secrets),
    )
    with open_store(tmp_path / "db.sqlite3") as store:
        outcome = run_tenant(store, "t", tenant, options)
        refused = [why for _, why in outcome.skipped if why.startswith("rejected by the vendor")]
        assert refused, outcome.skipped
        assert "***" in refused[0]
        shown = json.dumps(
            {
                "skipped": outcome.skipped,
                "error": outcome.error,
                "summary": outcome.summary(),
                "letters": [(row.state, row.detail) for row in store.letters("t")],
                "runs": [(r.error, r.summary) for r in store.runs("t", limit=5)],
                "audit": [a.data for a in store.audit_log("t", limit=200)],
            },
            default=str,
        )
    assert GRANT not in shown


def test_a_connector_error_masks_its_request_id_and_code() -> None:
    register_secret("echoed-token-123")
    exc = RejectedRequest(
        "refused: echoed-token-123",
        vendor_code="echoed-token-123",
        request_id="req-echoed-token-123",
        url="https://x/?a=echoed-token-123",
    )
    assert "echoed-token-123" not in str(exc)
    assert "echoed-token-123" not in f"{exc.request_id} {exc.vendor_code} {exc.url}"


def test_every_printed_line_passes_the_redactor(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's JSON emitter, the rich console and plain prints: one net for all of them."""
    from bridge.surfaces import present  # noqa: PLC0415
    from bridge.surfaces.cli_options import emit_json  # noqa: PLC0415
    from bridge.vocab.redact import redacting_output  # noqa: PLC0415

    register_secret("printed-token-456")
    with redacting_output():
        emit_json({"request_id": "printed-token-456", "why": "x printed-token-456 y"})
        present.console().print("detail: printed-token-456")
        present.console(stderr=True).print("oops printed-token-456")
        print("plain printed-token-456")
    out, err = capsys.readouterr()
    assert "printed-token-456" not in out + err
    assert out.count("***") == 4
    assert "***" in err


def test_the_cli_output_is_masked_end_to_end(tmp_path: Path) -> None:
    """A command's output (here: doctor on a URL whose password is registered) is masked."""
    env = tmp_path / "bridge.env"
    env.write_text(
        "BRIDGE_DATABASE=postgresql://bridge:Sup3r#S3cretPG@127.0.0.1:9/state\n"
        f"BRIDGE_LAW_DATA={tmp_path}/law\n",
        encoding="utf-8",
    )
    for args in (["doctor", "--env-file", str(env)], ["doctor", "--env-file", str(env), "--json"]):
        result = CliRunner().invoke(app, args)
        text = result.output + (result.stderr if result.stderr_bytes else "")
        assert "127.0.0.1" in text, text
        assert "Sup3r" not in text, text
        assert "S3cretPG" not in text, text


def test_log_events_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    from bridge.infra.logs import configure  # noqa: PLC0415

    configure("json")
    register_secret("logged-token-789")
    structlog.get_logger("t").warning(
        "x", request_id="logged-token-789", reason="a logged-token-789"
    )
    assert "logged-token-789" not in capsys.readouterr().err
