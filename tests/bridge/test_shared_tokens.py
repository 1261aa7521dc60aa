"""Rotating refresh tokens shared by daemons through the database (issue 17, item 5).

Two "daemons" are two Store objects on one database (SQLite file, or PostgreSQL when a test
server runs), each with its own keyring (StaticSecrets) and its own sessions, in threads. The
vendors are the sandboxes, which follow the vendors' rotation rules:

- Fortnox: "the refresh token is valid for 45 days and can only be used once; each refresh
  returns a new one" (developer portal, docs/connectors/fortnox.md); a spent token is refused
  with 400 ``{"error":"invalid_grant"}`` as recorded in
  vendor-specs/fortnox/fixtures/accodeing-vcr/authentication/invalid_refresh_token.yml.
- Dinero (Visma Connect), rotating one-time tokens: a rotated token is refused with
  ``invalid_grant`` (vendor-specs/dinero/fixtures/apaq-dinero-java/error_unauthorized_grant.json)
  unless within the app's grace period (5-60 s, developer.dinero.dk/news/
  grace-period-on-refresh-tokens).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import structlog

from bridge.engine.shared_tokens import DatabaseSecrets
from bridge.store import Store, open_store
from bridge.vocab.errors import AuthError, SecretMissing
from bridge.vocab.redact import redact_text
from bridge.vocab.rotating import TokenState
from bridge.vocab.secrets import StaticSecrets
from bridge.vocab.tokenseal import SET_COMMAND, StoreKey, StoreKeyMissing, WrongStoreKey, new_key
from connectors.dinero import CONNECTOR as DINERO
from connectors.dinero.auth import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    TOKEN_NAMES,
    DineroAuth,
    open_tokens,
)
from connectors.dinero.sandbox.server import DineroSandbox
from connectors.fortnox import CONNECTOR as FORTNOX
from connectors.fortnox import auth as fortnox_auth
from connectors.fortnox.sandbox.server import FortnoxSandbox
from connectors.fortnox.session import FortnoxSession
from tests.connectors.fortnox.conftest import context as fortnox_context
from tests.pg import pg_server, pg_url  # noqa: F401  (fixtures)

KEY = StoreKey.from_text(new_key())
TODAY = datetime(2026, 3, 16, tzinfo=UTC).date()
VISMA_TOKEN = ("POST", "/connect/token")
FORTNOX_TOKEN = ("POST", "/oauth-v1/token")


class Killed(BaseException):
    """The daemon dies here: nothing after this line of its code runs (no except Exception)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state.sqlite3")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def daemons(target: str) -> Iterator[tuple[Store, Store]]:
    first, second = open_store(target), open_store(target)
    yield first, second
    first.close()
    second.close()


def _raw(target: str, store: Store) -> bytes:
    """Every byte the database holds of the tokens table (file and WAL for SQLite)."""
    if store.backend == "sqlite":
        return b"".join(
            Path(f"{target}{suffix}").read_bytes()
            for suffix in ("", "-wal")
            if Path(f"{target}{suffix}").exists()
        )
    conn = store._conn
    assert conn is not None
    rows = conn.execute("SELECT * FROM tokens").fetchall()
    return repr(rows).encode()


# ---------------------------------------------------------------------------------------------
# Dinero


def _dinero_keyring(with_token: bool = True) -> StaticSecrets:
    values = dict(DINERO.sandbox_secrets)
    if not with_token:
        values.pop(REFRESH_TOKEN)
    return StaticSecrets("demo", values)


def _dinero_client(
    sandbox: DineroSandbox, store: Store, keyring: StaticSecrets, transport: httpx.BaseTransport
) -> httpx.Client:
    secrets = DatabaseSecrets("demo", keyring, store, key=KEY)
    tokens = open_tokens("demo", secrets, transport=transport)
    return httpx.Client(
        base_url="https://api.dinero.dk", auth=DineroAuth(tokens), transport=sandbox.transport()
    )


def _settings(sandbox: DineroSandbox) -> str:
    return f"/v1/{sandbox.organization}/sales/settings"


def test_dinero_two_daemons_refresh_once_and_both_hold_a_valid_token(
    daemons: tuple[Store, Store], target: str
) -> None:
    sandbox = DineroSandbox(TODAY)
    sandbox.set_refresh_mode("rotating")  # grace 0: a second spend of a token is refused
    first, second = daemons
    # Daemon A was authorized (its keyring has the token); B only has the app's credentials.
    clients = [
        _dinero_client(sandbox, first, _dinero_keyring(), sandbox.transport()),
        _dinero_client(sandbox, second, _dinero_keyring(False), sandbox.transport()),
    ]
    barrier = threading.Barrier(2)
    answers: list[int] = []
    failures: list[BaseException] = []

    def work(client: httpx.Client) -> None:
        barrier.wait()
        try:
            answers.append(client.get(_settings(sandbox)).status_code)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert answers == [200, 200]
    assert sandbox.token_requests == ["refresh_token"]  # exactly one vendor refresh
    row = first.token_row("demo", "dinero")
    assert row is not None
    assert row.version == 2  # moved in from A's keyring, then rotated once
    assert row.refreshing_by is None
    live = sandbox.state.refresh_tokens
    assert len(live) == 1
    assert live[0].encode() not in _raw(target, first)
    assert DineroSandbox.REFRESH_TOKEN.encode() not in _raw(target, first)


def test_dinero_takeover_mid_refresh_within_the_grace_period_gets_no_invalid_grant(
    daemons: tuple[Store, Store],
) -> None:
    sandbox = DineroSandbox(TODAY)
    sandbox.set_refresh_mode("rotating", grace_seconds=30)
    first, second = daemons
    at_vendor, kill = threading.Event(), threading.Event()

    def dies_after_vendor_answered(request: httpx.Request) -> httpx.Response:
        sandbox.handle(request)  # Visma Connect rotates the token here
        at_vendor.set()
        kill.wait(10)
        raise Killed  # before the answer is stored

    a = _dinero_client(
        sandbox, first, _dinero_keyring(), httpx.MockTransport(dies_after_vendor_answered)
    )
    b = _dinero_client(sandbox, second, _dinero_keyring(False), sandbox.transport())
    outcome: dict[str, object] = {}

    def run_a() -> None:
        try:
            a.get(_settings(sandbox))
        except Killed:
            outcome["a"] = "killed"

    def run_b() -> None:
        outcome["b"] = b.get(_settings(sandbox)).status_code

    thread_a = threading.Thread(target=run_a)
    thread_a.start()
    assert at_vendor.wait(10)
    thread_b = threading.Thread(target=run_b)
    with structlog.testing.capture_logs() as logs:
        thread_b.start()
        time.sleep(0.3)
        assert "b" not in outcome  # B waits: A holds the grant's lock
        kill.set()
        thread_a.join(10)
        thread_b.join(10)
    assert outcome == {"a": "killed", "b": 200}
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]
    assert [e["event"] for e in logs if e["event"].startswith("tokens.")] == [
        "tokens.refresh_interrupted"
    ]
    row = second.token_row("demo", "dinero")
    assert row is not None
    assert row.refreshing_by is None
    assert all(t not in repr(logs) for t in sandbox.state.refresh_tokens)


def test_dinero_takeover_after_the_grace_period_names_the_interrupted_refresh(
    daemons: tuple[Store, Store],
) -> None:
    """The remaining window (docs/connectors/dinero.md): killed between answer and commit."""
    sandbox = DineroSandbox(TODAY)
    sandbox.set_refresh_mode("rotating")  # no grace period

    def dies(request: httpx.Request) -> httpx.Response:
        sandbox.handle(request)
        raise Killed

    first, second = daemons
    a = _dinero_client(sandbox, first, _dinero_keyring(), httpx.MockTransport(dies))
    with pytest.raises(Killed):
        a.get(_settings(sandbox))
    b = _dinero_client(sandbox, second, _dinero_keyring(False), sandbox.transport())
    with pytest.raises(AuthError) as caught:
        b.get(_settings(sandbox))
    message = str(caught.value)
    assert "invalid_grant" in message
    assert "was cut off before it stored its answer" in message
    assert "dunning-bridge authorize demo" in message
    assert DineroSandbox.REFRESH_TOKEN not in message


def test_dinero_a_killed_daemon_whose_request_never_left_leaves_a_usable_token(
    daemons: tuple[Store, Store],
) -> None:
    sandbox = DineroSandbox(TODAY)
    sandbox.set_refresh_mode("rotating")

    def dies_before_sending(request: httpx.Request) -> httpx.Response:
        raise Killed

    first, second = daemons
    a = _dinero_client(sandbox, first, _dinero_keyring(), httpx.MockTransport(dies_before_sending))
    with pytest.raises(Killed):
        a.get(_settings(sandbox))
    row = first.token_row("demo", "dinero")
    assert row is not None
    assert row.refreshing_by is not None
    b = _dinero_client(sandbox, second, _dinero_keyring(False), sandbox.transport())
    assert b.get(_settings(sandbox)).status_code == 200


def test_a_keyring_token_moves_into_the_database_once(daemons: tuple[Store, Store]) -> None:
    sandbox = DineroSandbox(TODAY)
    sandbox.set_refresh_mode("rotating")
    first, second = daemons
    keyring_a, keyring_b = _dinero_keyring(), _dinero_keyring()  # both hold the first token
    _dinero_client(sandbox, first, keyring_a, sandbox.transport()).get(_settings(sandbox))
    with pytest.raises(SecretMissing):
        keyring_a.get(REFRESH_TOKEN)  # A's copy is no longer used, nor kept
    # B's stale copy of the same token is recognised as moved already: not moved over the
    # rotated one (which would then be refused), only dropped.
    sandbox.expire_access_tokens()
    client_b = _dinero_client(sandbox, second, keyring_b, sandbox.transport())
    assert client_b.get(_settings(sandbox)).status_code == 200
    with pytest.raises(SecretMissing):
        keyring_b.get(REFRESH_TOKEN)
    assert sandbox.token_requests == ["refresh_token", "refresh_token"]


def test_a_token_stored_later_with_secrets_set_replaces_the_database_one(
    daemons: tuple[Store, Store],
) -> None:
    sandbox = DineroSandbox(TODAY)
    sandbox.set_refresh_mode("rotating")
    first, _ = daemons
    keyring = _dinero_keyring()
    _dinero_client(sandbox, first, keyring, sandbox.transport()).get(_settings(sandbox))
    # A new consent's token put in the keyring by hand wins over the database's.
    fresh = "sbx-refresh-by-hand-0001"
    keyring.set(REFRESH_TOKEN, fresh)
    secrets = DatabaseSecrets("demo", keyring, first, key=KEY)
    assert open_tokens("demo", secrets).tokens.peek().refresh_token == fresh


def test_authorize_writes_the_tokens_to_the_database(daemons: tuple[Store, Store]) -> None:
    from connectors.dinero.auth import authorize  # noqa: PLC0415

    sandbox = DineroSandbox(TODAY)
    first, second = daemons
    keyring = StaticSecrets("demo", {})
    said: list[str] = []
    authorize(
        "demo",
        DatabaseSecrets("demo", keyring, first, key=KEY),
        client_id=DineroSandbox.CLIENT_ID,
        client_secret=DineroSandbox.CLIENT_SECRET,
        redirect_uri="https://localhost/callback",
        ask=lambda _: DineroSandbox.AUTH_CODE,
        say=said.append,
        transport=sandbox.transport(),
    )
    assert "in the database (sealed)" in said[-1]
    with pytest.raises(SecretMissing):
        keyring.get(REFRESH_TOKEN)
    # Another daemon with only the app's credentials works from the database's grant.
    other = StaticSecrets("demo", {CLIENT_ID: keyring.get(CLIENT_ID)})
    other.set(CLIENT_SECRET, keyring.get(CLIENT_SECRET))
    client = _dinero_client(sandbox, second, other, sandbox.transport())
    assert client.get(_settings(sandbox)).status_code == 200
    row = second.token_row("demo", "dinero")
    assert row is not None
    audit = [r.event for r in second.audit_log("demo")]
    assert "tokens.authorized" in audit


# ---------------------------------------------------------------------------------------------
# Fortnox (authorization-code route: one-time refresh tokens, no grace period)


def _fortnox_session(
    sandbox: FortnoxSandbox,
    store: Store,
    keyring: StaticSecrets,
    transport: httpx.BaseTransport | None = None,
) -> FortnoxSession:
    ctx = fortnox_context(transport or sandbox.transport())
    opened = FORTNOX.open(
        type(ctx)(
            tenant="t",
            country="SE",
            mode=ctx.mode,
            secrets=DatabaseSecrets("t", keyring, store, key=KEY),
            transport=ctx.transport,
            options={"auth": "code"},
        )
    )
    assert isinstance(opened, FortnoxSession)
    return opened


def _fortnox_keyring(refresh: str | None) -> StaticSecrets:
    values = {
        fortnox_auth.CLIENT_ID: FortnoxSandbox.CLIENT_ID,
        fortnox_auth.CLIENT_SECRET: FortnoxSandbox.CLIENT_SECRET,
    }
    if refresh is not None:
        values[fortnox_auth.REFRESH_TOKEN] = refresh
    return StaticSecrets("t", values)


@pytest.fixture
def fortnox() -> Iterator[FortnoxSandbox]:
    fortnox_auth.forget_tokens()
    yield FortnoxSandbox(TODAY)
    fortnox_auth.forget_tokens()


def _customers(session: FortnoxSession) -> int:
    return len(list(session.client.customers()))


def test_fortnox_two_daemons_refresh_once(
    daemons: tuple[Store, Store], fortnox: FortnoxSandbox, target: str
) -> None:
    first, second = daemons
    granted = fortnox.authorize()
    sessions = [
        _fortnox_session(fortnox, first, _fortnox_keyring(granted)),
        _fortnox_session(fortnox, second, _fortnox_keyring(None)),
    ]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(session: FortnoxSession) -> None:
        barrier.wait()
        try:
            _customers(session)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert fortnox.requests.count(FORTNOX_TOKEN) == 1
    # The token both end with is the one Fortnox still accepts.
    live = list(fortnox._state["refresh_tokens"])
    assert len(live) == 1
    raw = _raw(target, first)
    assert live[0].encode() not in raw
    assert granted.encode() not in raw


def test_fortnox_takeover_of_a_daemon_killed_before_fortnox_answered(
    daemons: tuple[Store, Store], fortnox: FortnoxSandbox
) -> None:
    first, second = daemons
    inside, kill = threading.Event(), threading.Event()

    def dies_holding_the_lock(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth-v1/token":
            inside.set()
            kill.wait(10)
            raise Killed  # the request never reached Fortnox
        return fortnox.handle(request)

    a = _fortnox_session(
        fortnox,
        first,
        _fortnox_keyring(fortnox.authorize()),
        httpx.MockTransport(dies_holding_the_lock),
    )
    b = _fortnox_session(fortnox, second, _fortnox_keyring(None))
    outcome: dict[str, object] = {}

    def run_a() -> None:
        try:
            _customers(a)
        except Killed:
            outcome["a"] = "killed"

    def run_b() -> None:
        try:
            outcome["b"] = _customers(b)
        except AuthError as exc:  # reported below
            outcome["b"] = exc

    thread_a = threading.Thread(target=run_a)
    thread_a.start()
    assert inside.wait(10)
    thread_b = threading.Thread(target=run_b)
    thread_b.start()
    time.sleep(0.3)
    assert "b" not in outcome  # waiting on A's lock
    kill.set()
    thread_a.join(10)
    thread_b.join(10)
    assert outcome["a"] == "killed"
    assert outcome["b"] == 0  # read (an empty company), no invalid_grant
    assert fortnox.requests.count(FORTNOX_TOKEN) == 1


def test_fortnox_killed_after_rotation_is_the_documented_window(
    daemons: tuple[Store, Store], fortnox: FortnoxSandbox
) -> None:
    first, second = daemons

    def dies_after(request: httpx.Request) -> httpx.Response:
        answer = fortnox.handle(request)
        if request.url.path == "/oauth-v1/token":
            raise Killed
        return answer

    granted = fortnox.authorize()
    a = _fortnox_session(fortnox, first, _fortnox_keyring(granted), httpx.MockTransport(dies_after))
    with pytest.raises(Killed):
        _customers(a)
    b = _fortnox_session(fortnox, second, _fortnox_keyring(None))
    with pytest.raises(AuthError) as caught:
        _customers(b)
    message = str(caught.value)
    assert "invalid_grant" in message
    assert "was cut off before it stored its answer" in message
    assert granted not in message


def test_fortnox_a_refused_refresh_clears_the_intent(
    daemons: tuple[Store, Store], fortnox: FortnoxSandbox
) -> None:
    first, _ = daemons
    session = _fortnox_session(fortnox, first, _fortnox_keyring("sbx-rt-never-issued-000000"))
    with pytest.raises(AuthError):
        _customers(session)
    row = first.token_row("t", "fortnox")
    assert row is not None
    assert row.refreshing_by is None


# ---------------------------------------------------------------------------------------------
# The key


def test_the_database_never_holds_a_token_in_clear(
    daemons: tuple[Store, Store], target: str
) -> None:
    first, _ = daemons
    secrets = DatabaseSecrets("demo", StaticSecrets("demo", {}), first, key=KEY)
    refresh, access = "rt-clear-text-marker-123456", "at-clear-text-marker-654321"
    tokens = secrets.rotating("dinero", TOKEN_NAMES)
    tokens.replace(TokenState(refresh, access, datetime.now(UTC) + timedelta(hours=1)))
    raw = _raw(target, first)
    assert refresh.encode() not in raw
    assert access.encode() not in raw
    row = first.token_row("demo", "dinero")
    assert row is not None
    assert row.sealed.startswith("v1:")
    assert row.key_id == KEY.key_id
    assert tokens.peek().refresh_token == refresh


def test_a_wrong_key_is_a_clear_error_without_the_token(daemons: tuple[Store, Store]) -> None:
    first, second = daemons
    names = TOKEN_NAMES
    secret = "rt-wrong-key-marker-0000000001"
    DatabaseSecrets("demo", StaticSecrets("demo", {}), first, key=KEY).rotating(
        "dinero", names
    ).replace(TokenState(secret))
    other = StoreKey.from_text(new_key())
    with pytest.raises(WrongStoreKey) as caught:
        DatabaseSecrets("demo", StaticSecrets("demo", {}), second, key=other).rotating(
            "dinero", names
        ).peek()
    message = str(caught.value)
    assert KEY.key_id in message
    assert other.key_id in message
    assert SET_COMMAND in message
    assert secret not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_a_missing_key_names_the_command_that_stores_it(
    daemons: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = daemons
    monkeypatch.setattr("bridge.engine.shared_tokens.stored_key", lambda: None)
    secrets = DatabaseSecrets("demo", _dinero_keyring(), first)
    if first.shared:
        with pytest.raises(StoreKeyMissing) as caught:
            open_tokens("demo", secrets)
        assert "dunning-bridge secrets set database store-key" in str(caught.value)
    else:
        # One daemon per SQLite file: without a key the keyring keeps the tokens, as before.
        assert open_tokens("demo", secrets).tokens.peek().refresh_token


def test_key_text_is_checked_when_stored() -> None:
    from bridge.vocab.errors import ConfigError  # noqa: PLC0415
    from bridge.vocab.tokenseal import parse_key  # noqa: PLC0415

    assert len(parse_key("A" * 43 + "=")) == 32  # 32 bytes: min and max
    with pytest.raises(ConfigError, match="openssl rand -base64 32"):
        parse_key("A" * 42 + "==")  # 31 bytes
    with pytest.raises(ConfigError):
        parse_key("A" * 44 + "AAAA")  # 33 bytes
    with pytest.raises(ConfigError):
        parse_key("not base64 at all!")


def test_sealed_rows_move_with_a_renamed_tenant(daemons: tuple[Store, Store]) -> None:
    first, _ = daemons
    names = TOKEN_NAMES
    first.touch_tenant("old", "dinero", "DK", at=datetime.now(UTC))
    DatabaseSecrets("old", StaticSecrets("old", {}), first, key=KEY).rotating(
        "dinero", names
    ).replace(TokenState("rt-rename-marker-000000001"))
    first.rename_tenant("old", "new", at=datetime.now(UTC))
    moved = DatabaseSecrets("new", StaticSecrets("new", {}), first, key=KEY).rotating(
        "dinero", names
    )
    assert moved.peek().refresh_token == "rt-rename-marker-000000001"
    assert "rt-rename-marker" not in redact_text("rt-rename-marker-000000001")


# ---------------------------------------------------------------------------------------------
# The commands


def test_the_store_key_is_set_with_secrets_set_and_tokens_count_for_secrets_check(
    tmp_path: Path, memory_keyring: object
) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from bridge.surfaces.cli import app  # noqa: PLC0415
    from bridge.vocab.secrets import TenantSecrets  # noqa: PLC0415
    from bridge.vocab.tokenseal import stored_key  # noqa: PLC0415

    runner = CliRunner()
    database = tmp_path / "s.sqlite3"
    env = tmp_path / "bridge.env"
    env.write_text(
        f"BRIDGE_DATABASE={database}\nBRIDGE_TENANTS__DEMO__SYSTEM=dinero\n", encoding="utf-8"
    )
    bad = runner.invoke(
        app,
        ["secrets", "set", "database", "store-key", "--stdin", "--env-file", str(env)],
        input="too-short-for-a-key\n",
    )
    assert bad.exit_code == 2
    assert "openssl rand -base64 32" in bad.output
    text = new_key()
    done = runner.invoke(
        app,
        ["secrets", "set", "database", "store-key", "--stdin", "--env-file", str(env)],
        input=f"{text}\n",
    )
    assert done.exit_code == 0, done.output
    assert text not in done.output
    key = stored_key()
    assert key is not None
    # A grant kept in the database (not in this machine's keyring) counts as present.
    keyring = TenantSecrets("demo")
    keyring.set(CLIENT_ID, DineroSandbox.CLIENT_ID)
    keyring.set(CLIENT_SECRET, DineroSandbox.CLIENT_SECRET)
    with open_store(database) as store:
        DatabaseSecrets("demo", keyring, store).rotating("dinero", TOKEN_NAMES).replace(
            TokenState("rt-in-the-database-00000001")
        )
    check = runner.invoke(app, ["secrets", "check", "--env-file", str(env), "--json"])
    assert check.exit_code == 0, check.output
    assert check.stdout.count("true") == 3
    assert "rt-in-the-database" not in check.output


def test_a_cycle_hands_connectors_the_database_keeper(tmp_path: Path) -> None:
    from bridge.engine.cycle import CycleOptions  # noqa: PLC0415
    from bridge.engine.tenant_session import tenant_context as _context  # noqa: PLC0415
    from bridge.vocab import registry  # noqa: PLC0415
    from bridge.vocab.settings import TenantSettings  # noqa: PLC0415

    with open_store(tmp_path / "s.sqlite3") as store:
        opts = CycleOptions(today=TODAY, now=datetime.now(UTC))
        real = TenantSettings(system="dinero")
        ctx, _ = _context(store, "demo", real, registry.connector("dinero"), opts)
        assert isinstance(ctx.secrets, DatabaseSecrets)
        sandbox = TenantSettings(system="dinero", sandbox_state=tmp_path / "sandbox.json")
        ctx, _ = _context(store, "demo", sandbox, registry.connector("dinero"), opts)
        assert isinstance(ctx.secrets, StaticSecrets)  # the sandbox's own tokens


_HOLDER = """
import sys, time
from bridge.vocab.rotating import TokenState
from bridge.vocab.secrets import StaticSecrets
from bridge.engine.shared_tokens import DatabaseSecrets
from bridge.store import open_store
from bridge.vocab.tokenseal import StoreKey
from connectors.dinero.auth import TOKEN_NAMES

store = open_store(sys.argv[1])
tokens = DatabaseSecrets(
    "demo", StaticSecrets("demo", {}), store, key=StoreKey.from_text(sys.argv[2])
).rotating("dinero", TOKEN_NAMES)
tokens.replace(TokenState("rt-killed-holder-00000001"))
with tokens.hold() as hold:
    hold.spending()
    print("holding", flush=True)
    time.sleep(60)
"""


def test_a_daemon_killed_holding_the_lock_blocks_nobody(target: str) -> None:
    """A real SIGKILL: the server (PostgreSQL) or the kernel (flock) drops the lock at once."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    text = new_key()
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, target, text],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "holding"
        child.kill()
        child.wait(10)
        with open_store(target) as store:
            tokens = DatabaseSecrets(
                "demo", StaticSecrets("demo", {}), store, key=StoreKey.from_text(text)
            ).rotating("dinero", TOKEN_NAMES)
            started = time.monotonic()
            with tokens.hold() as hold:
                waited = time.monotonic() - started
                assert hold.interrupted is not None
                assert f":{child.pid}:" in hold.interrupted
                assert hold.state.refresh_token == "rt-killed-holder-00000001"
            assert waited < 5
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if child.stdout is not None:
            child.stdout.close()


def test_fortnox_a_token_from_another_daemon_keeps_its_scopes(
    daemons: tuple[Store, Store], fortnox: FortnoxSandbox
) -> None:
    """doctor's scope check reads them, whichever daemon obtained the token."""
    first, second = daemons
    a = _fortnox_session(fortnox, first, _fortnox_keyring(fortnox.authorize()))
    _customers(a)
    b = _fortnox_session(fortnox, second, _fortnox_keyring(None))
    _customers(b)
    assert fortnox.requests.count(FORTNOX_TOKEN) == 1
    assert b.auth.granted_scopes() == a.auth.granted_scopes()
    assert b.auth.granted_scopes()
