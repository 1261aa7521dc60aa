"""Issue 18, finding 8: no vendor holds a request for ever or makes us read a huge answer.

Loopback servers (127.0.0.1, each bounded in time and in bytes) stand for the vendor: one
trickles its answer a byte at a time (after the headers, or inside them), one sends a body
far larger than any answer we read, and the process's stop event cuts a trickle short.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest

from bridge.infra import interrupt, retry
from bridge.infra.http import build_client
from bridge.infra.http_bounds import get_capped
from bridge.infra.retry import RetryPolicy
from bridge.vocab.errors import MalformedResponse, Transient

ONCE = RetryPolicy(attempts=1)
# The most any server below runs, whatever the client does.
SERVER_LIMIT_S = 15.0


@contextmanager
def vendor(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """Serve ``answer`` on 127.0.0.1 to at most 4 connections; yield the base URL."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    port = server.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        ends = time.monotonic() + SERVER_LIMIT_S
        served = 0
        while not done.is_set() and time.monotonic() < ends and served < 4:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            served += 1
            with conn:
                conn.settimeout(1.0)
                try:
                    conn.recv(65536)  # the request
                    answer(conn)
                except OSError:
                    pass  # the client hung up: what the tests want

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        done.set()
        thread.join(SERVER_LIMIT_S)
        server.close()


def _trickle_body(conn: socket.socket) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n"
    )
    for _ in range(40):  # a byte every 0.2 s: never a per-read timeout, never an end
        conn.sendall(b" ")
        time.sleep(0.2)


def _trickle_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 60:
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def _huge_declared(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    conn.sendall(b"Content-Length: 400000000\r\n\r\n")
    conn.sendall(b"[" + b"0," * 1000)


def _huge_chunked(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    conn.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"0," * 32768
    for _ in range(64):  # 4 MB at most
        conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")


def _client(base: str, **kw: float) -> httpx.Client:
    return build_client(base_url=base, auth=None, timeout=5.0, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("answer", [_trickle_body, _trickle_headers], ids=["body", "headers"])
def test_a_trickling_vendor_is_cut_at_the_deadline(answer: Callable[[socket.socket], None]) -> None:
    with vendor(answer) as base, _client(base, deadline=1.5) as client:
        started = time.monotonic()
        with pytest.raises(Transient, match=r"within 1\.5 s"):
            retry.send(client, client.build_request("GET", "/invoices"), policy=ONCE)
        assert time.monotonic() - started < 3.0


def test_a_write_to_a_trickling_vendor_has_an_unknown_outcome() -> None:
    with vendor(_trickle_body) as base, _client(base, deadline=1.0) as client:
        request = client.build_request("POST", "/invoices/drafts", content=b"{}")
        with pytest.raises(Transient, match="outcome unknown"):
            retry.send(client, request, policy=ONCE)


@pytest.mark.parametrize("answer", [_huge_declared, _huge_chunked], ids=["declared", "chunked"])
def test_an_oversized_answer_is_refused_not_read(answer: Callable[[socket.socket], None]) -> None:
    with vendor(answer) as base, _client(base, max_bytes=1024 * 1024) as client:
        started = time.monotonic()
        with pytest.raises(MalformedResponse, match="1048576"):
            retry.send(client, client.build_request("GET", "/invoices"), policy=ONCE)
        assert time.monotonic() - started < 5.0


def test_the_stop_event_cuts_a_trickle_within_a_second() -> None:
    stop = threading.Event()
    with (
        vendor(_trickle_body) as base,
        _client(base, deadline=60.0) as client,
        interrupt.stop_on(stop),
    ):
        threading.Timer(0.5, stop.set).start()
        started = time.monotonic()
        with pytest.raises(Transient, match="stopping"):
            retry.send(client, client.build_request("GET", "/invoices"))  # retries, too
        assert time.monotonic() - started < 2.0
    assert not interrupt.stopping()


def test_get_capped_is_the_same_bounded_path() -> None:
    with (
        vendor(_trickle_body) as base,
        httpx.Client() as client,
        pytest.raises(Transient, match="within 1 s"),
    ):
        get_capped(client, f"{base}/rates", deadline=1.0, max_bytes=1000)


def test_a_daemon_round_stops_within_seconds_whatever_the_vendor_does(
    tmp_path: object, memory_keyring: object
) -> None:
    """run_all with the daemon's stop event: a tenant whose vendor trickles is let go."""
    from pathlib import Path  # noqa: PLC0415

    from bridge.store import open_store  # noqa: PLC0415
    from bridge.surfaces.daemon import run_all  # noqa: PLC0415
    from bridge.vocab.secrets import TenantSecrets  # noqa: PLC0415
    from bridge.vocab.settings import Settings  # noqa: PLC0415

    assert isinstance(tmp_path, Path)
    with vendor(_trickle_body) as base:
        settings = Settings(
            database=tmp_path / "db.sqlite3",
            tenants={"kontor": {"system": "economic", "base_url": base}},  # type: ignore[dict-item]
        )
        secrets = TenantSecrets("kontor")
        secrets.set("app_secret_token", "app-secret-0123")
        secrets.set("agreement_grant_token", "grant-token-0123")
        stop = threading.Event()
        with open_store(settings.database) as store:  # type: ignore[arg-type]
            threading.Timer(1.0, stop.set).start()
            started = time.monotonic()
            outcomes = run_all(settings, store, datetime(2026, 3, 16, 7, tzinfo=UTC), stop)
            assert time.monotonic() - started < 6.0
    assert [o.status for o in outcomes] == ["error"]
