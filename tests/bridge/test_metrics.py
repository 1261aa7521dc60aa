"""Operator metrics: the hooks count what happened, and the endpoint and textfile parse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bridge.engine.cycle import CycleOptions, run_tenant
from bridge.infra import metrics, retry
from bridge.infra.http import build_client
from bridge.store import open_store
from bridge.surfaces.daemon import run_all
from bridge.vocab.domain import ActionKind, Decision
from bridge.vocab.errors import Transient
from bridge.vocab.settings import Settings, TenantSettings

NOW = datetime(2026, 3, 16, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_waits() -> Iterator[None]:
    retry.set_waits(False)
    yield
    retry.set_waits(True)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse Prometheus text (this raises on anything a scraper would refuse)."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def _requests(vendor: str) -> float:
    """Requests answered for ``vendor``, whatever their status."""
    return sum(
        s.value
        for family in metrics.REGISTRY.collect()
        for s in family.samples
        if s.name == "dunning_bridge_api_requests_total" and s.labels.get("vendor") == vendor
    )


def _client(handler: httpx.MockTransport) -> httpx.Client:
    return build_client(base_url="https://api.vendor.test", auth=None, transport=handler)


def test_responses_errors_and_429s_are_counted_per_vendor_and_status() -> None:
    answers = iter([429, 200, 404])
    transport = httpx.MockTransport(lambda request: httpx.Response(next(answers)))
    before = {
        key: _value(*key[:1], **dict(key[1]))
        for key in [
            ("dunning_bridge_api_requests_total", (("vendor", "vx"), ("status", "429"))),
            ("dunning_bridge_api_requests_total", (("vendor", "vx"), ("status", "200"))),
            ("dunning_bridge_api_errors_total", (("vendor", "vx"), ("status", "404"))),
            ("dunning_bridge_api_rate_limited_total", (("vendor", "vx"),)),
            ("dunning_bridge_api_retries_total", (("vendor", "vx"),)),
        ]
    }
    with _client(transport) as client, metrics.vendor_scope("vx"):
        retry.send(client, client.build_request("GET", "/a"))  # 429, retried, then 200
        with pytest.raises(Exception, match="no such resource"):
            retry.send(client, client.build_request("GET", "/b"))

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(labels.items()))
        return _value(name, **labels) - before[key]

    assert grew("dunning_bridge_api_requests_total", vendor="vx", status="429") == 1
    assert grew("dunning_bridge_api_requests_total", vendor="vx", status="200") == 1
    assert grew("dunning_bridge_api_errors_total", vendor="vx", status="404") == 1
    assert grew("dunning_bridge_api_rate_limited_total", vendor="vx") == 1
    assert grew("dunning_bridge_api_retries_total", vendor="vx") == 1


def test_outside_a_cycle_the_host_names_the_vendor_and_transport_failures_count() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    before = _value("dunning_bridge_api_errors_total", vendor="api.vendor.test", status="transport")
    with _client(httpx.MockTransport(refuse)) as client, pytest.raises(Transient):
        retry.send(client, client.build_request("GET", "/x"), policy=retry.RetryPolicy(attempts=2))
    after = _value("dunning_bridge_api_errors_total", vendor="api.vendor.test", status="transport")
    assert after - before == 2


def test_cycles_decisions_and_duration_count_real_cycles_only() -> None:
    decision = Decision(
        tenant="t",
        invoice_id="1",
        invoice_number="1",
        customer_id="c",
        date=date(2026, 3, 16),
        action=ActionKind.REMINDER,
        step=1,
        currency="DKK",
        outstanding=Decimal("10"),
    )
    cycles = _value("dunning_bridge_cycles_total", tenant="m1", status="ok")
    reminders = _value("dunning_bridge_decisions_total", action="reminder", country="SE")
    metrics.observe_cycle(
        "m1", "SE", status="ok", seconds=1.5, decisions=[decision, decision], dry_run=False
    )
    metrics.observe_cycle("m1", "SE", status="ok", seconds=1.0, decisions=[decision], dry_run=True)
    assert _value("dunning_bridge_cycles_total", tenant="m1", status="ok") - cycles == 1
    assert (
        _value("dunning_bridge_decisions_total", action="reminder", country="SE") - reminders == 2
    )
    assert _value("dunning_bridge_cycle_duration_seconds_count", tenant="m1") >= 1
    assert _value("dunning_bridge_cycle_duration_seconds_bucket", tenant="m1", le="2.5") >= 1


def _settings(tmp_path: Path, system: str = "economic", **extra: object) -> Settings:
    return Settings(
        database=tmp_path / "state.sqlite3",
        schedule="0 7 * * *",
        tenants={"shop": TenantSettings(system=system, sandbox_state=tmp_path / "sandbox.json")},
        **extra,  # type: ignore[arg-type]
    )


# A tenant whose system is not installed fails at once: a real (failed) run, no requests.
QUICK = "not-installed"


def test_a_sandbox_cycle_is_labelled_with_its_connector(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    before = _requests("economic")
    store = open_store(settings.database)
    try:
        outcome = run_tenant(
            store,
            "shop",
            settings.tenants["shop"],
            CycleOptions(today=NOW.date(), now=NOW, dry_run=True),
        )
    finally:
        store.close()
    assert outcome.status == "ok", outcome.error
    assert _requests("economic") - before == outcome.requests > 0
    assert metrics.vendor_label() == "unknown"  # the label does not leak past the cycle


def test_the_endpoint_serves_text_a_parser_accepts_with_store_gauges(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    store = open_store(settings.database)
    server = metrics.serve(0, metrics.registry_with(store, ["shop", "idle"]))
    try:
        run = store.start_run("shop", dry_run=False, started_at=NOW)
        store.finish_run(run, status="ok", finished_at=NOW, summary={})
        later = store.start_run("shop", dry_run=True, started_at=NOW + timedelta(hours=1))
        store.finish_run(later, status="error", finished_at=NOW, summary={}, error="x")
        metrics.observe_cycle("shop", "DK", status="ok", seconds=2, decisions=[], dry_run=False)
        response = httpx.get(f"http://127.0.0.1:{server.port}/metrics", timeout=10)
    finally:
        server.stop()
        store.close()
    assert response.status_code == 200
    samples = _samples(response.text)
    shop = (("tenant", "shop"),)
    assert samples[("dunning_bridge_last_cycle_success", shop)] == 1.0
    assert samples[("dunning_bridge_last_cycle_timestamp_seconds", shop)] == NOW.timestamp()
    assert samples[("dunning_bridge_pending_reviews", shop)] >= 0
    assert samples[("dunning_bridge_unresolved_writes", shop)] == 0
    assert samples[("dunning_bridge_cycles_total", (("status", "ok"), ("tenant", "shop")))] >= 1
    idle = (("tenant", "idle"),)
    assert ("dunning_bridge_last_cycle_success", idle) not in samples  # never ran: no sample
    assert samples[("dunning_bridge_pending_reviews", idle)] == 0
    assert "app_secret" not in response.text
    assert "token" not in response.text.lower()


def test_the_endpoint_binds_localhost_only(tmp_path: Path) -> None:
    server = metrics.serve(0)
    try:
        assert server._server.server_address[0] == "127.0.0.1"
    finally:
        server.stop()


def test_the_daemon_rewrites_the_textfile_after_each_run(tmp_path: Path) -> None:
    target = tmp_path / "textfile" / "dunning_bridge.prom"
    settings = _settings(tmp_path, QUICK, metrics_textfile=target)
    store = open_store(settings.database)
    try:
        run_all(settings, store, now=NOW)
        first = target.read_text(encoding="utf-8")
        run_all(settings, store, now=NOW + timedelta(days=1))
        second = target.read_text(encoding="utf-8")
    finally:
        store.close()
    shop = (("tenant", "shop"),)
    assert _samples(first)[("dunning_bridge_last_cycle_success", shop)] == 0.0
    assert _samples(first)[("dunning_bridge_last_cycle_timestamp_seconds", shop)] == NOW.timestamp()
    later = _samples(second)[("dunning_bridge_last_cycle_timestamp_seconds", shop)]
    assert later == (NOW + timedelta(days=1)).timestamp()
    assert [p.name for p in target.parent.iterdir()] == ["dunning_bridge.prom"]  # no temp left


def test_an_unwritable_textfile_does_not_stop_the_cycle(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    settings = _settings(tmp_path, QUICK, metrics_textfile=blocker / "sub" / "m.prom")
    store = open_store(settings.database)
    try:
        (outcome,) = run_all(settings, store, now=NOW)
    finally:
        store.close()
    assert outcome.tenant == "shop"


def test_settings_read_the_metrics_variables(tmp_path: Path) -> None:
    from bridge.vocab.settings import load_settings  # noqa: PLC0415

    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={tmp_path}/s.sqlite3\nBRIDGE_METRICS_PORT=9464\n"
        f"BRIDGE_METRICS_TEXTFILE={tmp_path}/m.prom\n",
        encoding="utf-8",
    )
    settings = load_settings(env)
    assert settings.metrics_port == 9464
    assert settings.metrics_textfile == tmp_path / "m.prom"
    assert Settings().metrics_port is None
    assert Settings().metrics_textfile is None
    env.write_text("BRIDGE_METRICS_PORT=70000\n", encoding="utf-8")
    with pytest.raises(Exception, match="BRIDGE_METRICS_PORT"):
        load_settings(env)
