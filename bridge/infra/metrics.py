"""Prometheus metrics for operators: what the cycles did and how the vendors' APIs behaved.

Counters live in one private registry (not prometheus_client's global one, so tests and two
daemons in one process never clash). The HTTP stack and the cycle call the small hooks below;
gauges that describe state (the last run per tenant, drafts awaiting review) are read from the
store at scrape time by :class:`StoreCollector`, so they are right even after a restart.

Exposure is opt-in (docs/metrics.md): ``BRIDGE_METRICS_PORT`` serves ``/metrics`` on localhost
from the daemon, ``BRIDGE_METRICS_TEXTFILE`` is rewritten after every cycle for node_exporter's
textfile collector. Labels never carry secrets or URLs: a vendor is its connector key, a
status is the HTTP status number (or ``transport`` when no answer came).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from wsgiref.simple_server import WSGIServer

    from bridge.store import Store
    from bridge.vocab.domain import Decision

PREFIX = "dunning_bridge"
LOCALHOST = "127.0.0.1"
# Dry runs (plan, report) leave the run ledger's newest rows; gauges look this far back.
_RUN_LOOKBACK = 200

REGISTRY = CollectorRegistry(auto_describe=True)

CYCLES = Counter(
    f"{PREFIX}_cycles",
    "Cycles run, per tenant and outcome (ok, partial, error).",
    ["tenant", "status"],
    registry=REGISTRY,
)
CYCLE_SECONDS = Histogram(
    f"{PREFIX}_cycle_duration_seconds",
    "Wall time of one tenant's cycle.",
    ["tenant"],
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
    registry=REGISTRY,
)
DECISIONS = Counter(
    f"{PREFIX}_decisions",
    "Decisions taken by real (not dry-run) cycles, per action and country.",
    ["action", "country"],
    registry=REGISTRY,
)
REQUESTS = Counter(
    f"{PREFIX}_api_requests",
    "Requests answered by a vendor API, per vendor and HTTP status.",
    ["vendor", "status"],
    registry=REGISTRY,
)
ERRORS = Counter(
    f"{PREFIX}_api_errors",
    "Vendor API failures: an error status, or 'transport' when no answer came.",
    ["vendor", "status"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    f"{PREFIX}_api_rate_limited",
    "429 answers: the vendor asked us to slow down.",
    ["vendor"],
    registry=REGISTRY,
)
RETRIES = Counter(
    f"{PREFIX}_api_retries",
    "Requests sent again after a transient failure.",
    ["vendor"],
    registry=REGISTRY,
)

# The connector key of the cycle running in this thread: the HTTP hooks label by it.
_VENDOR: ContextVar[str | None] = ContextVar("bridge_metrics_vendor", default=None)


def set_vendor(vendor: str) -> Token[str | None]:
    """Label the HTTP metrics of this thread's requests with ``vendor`` until reset."""
    return _VENDOR.set(vendor)


def reset_vendor(token: Token[str | None]) -> None:
    """Undo :func:`set_vendor`."""
    _VENDOR.reset(token)


@contextmanager
def vendor_scope(vendor: str) -> Iterator[None]:
    """Label the HTTP metrics of everything run in the block with ``vendor``."""
    token = set_vendor(vendor)
    try:
        yield
    finally:
        reset_vendor(token)


def vendor_label(host: str | None = None) -> str:
    """The vendor label: the running cycle's connector, else the API host, else 'unknown'."""
    return _VENDOR.get() or host or "unknown"


# ---------------------------------------------------------------------------------------------
# Hooks called by bridge/infra/http.py, bridge/infra/retry.py and bridge/engine/cycle.py.


def observe_response(status: int, host: str | None = None) -> None:
    """Count one answered request; error statuses and 429s count again on their own."""
    vendor = vendor_label(host)
    REQUESTS.labels(vendor=vendor, status=str(status)).inc()
    if status >= 400:
        ERRORS.labels(vendor=vendor, status=str(status)).inc()
    if status == 429:
        RATE_LIMITED.labels(vendor=vendor).inc()


def observe_transport_error(host: str | None = None) -> None:
    """Count a request that got no answer (connection refused, timeout...)."""
    ERRORS.labels(vendor=vendor_label(host), status="transport").inc()


def observe_retry(host: str | None = None) -> None:
    """Count one retry."""
    RETRIES.labels(vendor=vendor_label(host)).inc()


def observe_cycle(
    tenant: str,
    country: str,
    *,
    status: str,
    seconds: float,
    decisions: Iterable[Decision],
    dry_run: bool,
) -> None:
    """Count one finished real cycle; dry runs (plan, report, explain) are not operations."""
    if dry_run:
        return
    CYCLES.labels(tenant=tenant, status=status).inc()
    CYCLE_SECONDS.labels(tenant=tenant).observe(max(0.0, seconds))
    for decision in decisions:
        DECISIONS.labels(action=decision.action.value, country=country).inc()


# ---------------------------------------------------------------------------------------------
# State gauges, read from the store when scraped.


class StoreCollector(Collector):
    """Per tenant: when the last real cycle ran, whether it succeeded, drafts awaiting review."""

    def __init__(self, store: Store, tenants: Iterable[str]) -> None:
        self._store = store
        self._tenants = tuple(tenants)

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges (a store error yields none rather than failing the scrape)."""
        from bridge.vocab.errors import StoreError  # noqa: PLC0415

        last_run = GaugeMetricFamily(
            f"{PREFIX}_last_cycle_timestamp_seconds",
            "Start of the last real cycle per tenant (Unix time).",
            labels=["tenant"],
        )
        last_ok = GaugeMetricFamily(
            f"{PREFIX}_last_cycle_success",
            "1 when the last real cycle ended ok or partial, 0 when it failed or never ended.",
            labels=["tenant"],
        )
        pending = GaugeMetricFamily(
            f"{PREFIX}_pending_reviews",
            "Drafts written back that wait for the accountant.",
            labels=["tenant"],
        )
        unresolved = GaugeMetricFamily(
            f"{PREFIX}_unresolved_writes",
            "Writes whose outcome is unknown until the next cycle reads them back.",
            labels=["tenant"],
        )
        waits = GaugeMetricFamily(
            f"{PREFIX}_rate_waits",
            "Steps the last real cycle held back: they need interest for a day with no rate.",
            labels=["tenant"],
        )
        try:
            for tenant in self._tenants:
                runs = [r for r in self._store.runs(tenant, limit=_RUN_LOOKBACK) if not r.dry_run]
                if runs:
                    last_run.add_metric([tenant], runs[0].started_at.timestamp())
                    last_ok.add_metric([tenant], 1.0 if runs[0].status in OK_STATUSES else 0.0)
                    waits.add_metric([tenant], float(runs[0].summary.get("rate_waits") or 0))
                pending.add_metric([tenant], float(len(self._store.pending(tenant))))
                unresolved.add_metric([tenant], float(len(self._store.unresolved(tenant))))
        except StoreError:
            return
        yield from (last_run, last_ok, pending, unresolved, waits)


class LawCollector(Collector):
    """Per country in use: days left in the reference-rate table, and a weak rate in use."""

    def __init__(self, countries: Iterable[str]) -> None:
        self._countries = tuple(sorted(set(countries)))

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges, read from the law tables (operator rows included) when scraped."""
        from datetime import UTC, datetime  # noqa: PLC0415

        from policies.law import LawDataError, UnknownCountry, for_country  # noqa: PLC0415

        days_left = GaugeMetricFamily(
            f"{PREFIX}_law_rate_table_days_left",
            "Days until the reference-rate table ends (negative: ended; interest steps wait).",
            labels=["country"],
        )
        weak = GaugeMetricFamily(
            f"{PREFIX}_law_rate_weak",
            "1 when today's reference rate is graded C or U (unconfirmed or a placeholder).",
            labels=["country"],
        )
        today = datetime.now(UTC).date()
        for country in self._countries:
            try:
                law = for_country(country)
                _first, last = law.rate_table_span
                days_left.add_metric([country], float((last - today).days))
                row = next(
                    (r for r in law.reference_rates if r.valid_from <= today <= r.valid_to), None
                )
            except (UnknownCountry, LawDataError):
                continue
            weak.add_metric([country], 1.0 if row is None or row.confidence in ("C", "U") else 0.0)
        yield from (days_left, weak)


OK_STATUSES = frozenset({"ok", "partial"})


def registry_with(
    store: Store | None = None, tenants: Iterable[str] = (), countries: Iterable[str] = ()
) -> CollectorRegistry:
    """The process's counters, plus the store's gauges when a store is given, and the law
    tables' gauges for ``countries``."""
    if store is None:
        return REGISTRY
    combined = CollectorRegistry(auto_describe=True)
    combined.register(_Forward(REGISTRY))
    combined.register(StoreCollector(store, tenants))
    if countries:
        combined.register(LawCollector(countries))
    return combined


class _Forward(Collector):
    """Hand another registry's metrics on (so counters stay in one place)."""

    def __init__(self, source: CollectorRegistry) -> None:
        self._source = source

    def collect(self) -> Iterator[Metric]:
        """Yield the source registry's metrics."""
        yield from self._source.collect()


def exposition(registry: CollectorRegistry = REGISTRY) -> str:
    """The metrics as Prometheus text."""
    return generate_latest(registry).decode("utf-8")


def write_textfile(path: Path, registry: CollectorRegistry = REGISTRY) -> None:
    """Write the metrics for node_exporter's textfile collector, atomically (rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(exposition(registry))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class MetricsServer:
    """The opt-in /metrics endpoint, bound to localhost; stop() ends it."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def port(self) -> int:
        """The port actually bound (useful when 0 asked for a free one)."""
        return int(self._server.server_address[1])

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve(
    port: int, registry: CollectorRegistry = REGISTRY, address: str = LOCALHOST
) -> MetricsServer:
    """Serve ``registry`` at http://address:port/metrics in a daemon thread."""
    from prometheus_client import start_http_server  # noqa: PLC0415

    server, thread = start_http_server(port, addr=address, registry=registry)
    return MetricsServer(server, thread)
