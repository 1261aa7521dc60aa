"""`law rates update`: each publisher's answer becomes half-year rows; bad answers change nothing.

The answers are hand-made in each publisher's shape (tests/fixtures/law_sources/README.md) and
served through httpx.MockTransport: no test reaches the network.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import bridge.surfaces.lawupdate as module
from bridge.surfaces.cli import app
from bridge.surfaces.lawrates import NewRow, write_rows
from bridge.surfaces.lawsources.fi import viitekorko
from bridge.surfaces.lawupdate import Outcome, run_law_update, update_command, update_country
from bridge.vocab.domain import CustomerKind
from policies.law import for_country, tables_for

FIXTURES = Path(__file__).parent.parent / "fixtures" / "law_sources"
TODAY = date(2027, 1, 5)
H2_2026 = date(2026, 7, 1)
H1_2027 = date(2027, 1, 1)

ANSWERS = {
    "DK": ("api.statbank.dk", "dk_dnrentd.csv", "text/csv; charset=utf-8"),
    "NO": ("data.norges-bank.no", "no_ir_kpra.json", "application/json"),
    "SE": ("api.riksbank.se", "se_swea_secbrefeff.json", "application/json"),
    "FI": ("data-api.ecb.europa.eu", "fi_ecb_mro.csv", "text/csv"),
}

Handler = Callable[[httpx.Request], httpx.Response]


def recorded(seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """Serve each publisher's recorded answer by host."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        for host, name, content_type in ANSWERS.values():
            if request.url.host == host:
                body = (FIXTURES / name).read_bytes()
                return httpx.Response(200, content=body, headers={"content-type": content_type})
        return httpx.Response(404)

    return httpx.MockTransport(handler)


def answering(body: bytes, status: int = 200, content_type: str = "text/plain") -> Handler:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers={"content-type": content_type})

    return handler


def by_start(outcomes: list[Outcome]) -> dict[date | None, Outcome]:
    return {o.start: o for o in outcomes}


def operator_rates(folder: Path, country: str) -> dict[date, tuple[Decimal, str]]:
    tables = tables_for(country, folder)
    return {
        r.valid_from: (r.reference_rate, r.confidence)
        for r in tables.reference_rates
        if r.origin != "shipped"
    }


# --- each country ---------------------------------------------------------------------------


def test_denmark_adds_the_lending_rate_standing_on_each_first_day(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    outcomes = by_start(update_country("DK", tmp_path, today=TODAY, transport=recorded(seen)))
    # 2026 H2: 2.00 as shipped (grade C) is now confirmed from the official table, grade A.
    assert outcomes[H2_2026].status == "confirmed"
    assert outcomes[H2_2026].value == Decimal("2.00")
    # 2027 H1: the rate cut to 1.90 on 2026-12-18 stands on 1 January.
    assert outcomes[H1_2027].status == "added"
    assert outcomes[H1_2027].value == Decimal("1.90")
    assert all(o.written for o in outcomes.values())
    assert operator_rates(tmp_path, "DK") == {
        H2_2026: (Decimal("2.00"), "A"),
        H1_2027: (Decimal("1.90"), "A"),
    }
    url = str(seen[0].url)
    assert url.startswith("https://api.statbank.dk/v1/data/DNRENTD/CSV?")
    assert "INSTRUMENT=OIRNAA" in url
    assert "Tid=%3E%3D2026M06D17" in url
    row = tables_for("DK", tmp_path).reference_rates[-1]
    assert row.source == url  # the exact URL read
    assert "1.90 % on 2026-12-30" in row.note


def test_norway_adds_the_policy_rate_standing_on_each_first_day(tmp_path: Path) -> None:
    outcomes = by_start(update_country("NO", tmp_path, today=TODAY, transport=recorded()))
    assert outcomes[H2_2026].status == "confirmed"  # 4.25 shipped as C
    assert outcomes[H1_2027].status == "added"
    assert operator_rates(tmp_path, "NO") == {
        H2_2026: (Decimal("4.25"), "A"),
        H1_2027: (Decimal("4"), "A"),
    }


def test_sweden_adds_the_published_referensranta(tmp_path: Path) -> None:
    outcomes = by_start(update_country("SE", tmp_path, today=TODAY, transport=recorded()))
    assert outcomes[H2_2026].status == "confirmed"  # the 2.00 placeholder (U) is now official
    assert outcomes[H1_2027].status == "added"
    assert operator_rates(tmp_path, "SE") == {
        H2_2026: (Decimal("2.0"), "A"),
        H1_2027: (Decimal("1.5"), "A"),
    }


def test_finland_computes_the_viitekorko_from_the_ecb_rate(tmp_path: Path) -> None:
    outcomes = by_start(update_country("FI", tmp_path, today=TODAY, transport=recorded()))
    # 2026 H2: MRO 2.15 (from 2025-06-11) rounded up = 2.5, the U placeholder confirmed as B.
    assert outcomes[H2_2026].status == "confirmed"
    # 2027 H1: MRO 2.65 (from 2026-12-16) rounded up = 3.0.
    assert outcomes[H1_2027].status == "added"
    assert operator_rates(tmp_path, "FI") == {
        H2_2026: (Decimal("2.5"), "B"),
        H1_2027: (Decimal("3.0"), "B"),
    }
    note = tables_for("FI", tmp_path).reference_rates[-1].note
    assert "MRO rate 2.65 % from 2026-12-16, rounded up to 3.0 %" in note
    assert "no machine-readable feed" in note


def test_the_statute_rounds_the_mro_rate_up_to_a_half_point() -> None:
    assert viitekorko(Decimal("2.15")) == Decimal("2.5")
    assert viitekorko(Decimal("4")) == Decimal("4")
    assert viitekorko(Decimal("4.01")) == Decimal("4.5")
    assert viitekorko(Decimal("0")) == Decimal("0")


def test_the_updated_rows_price_interest(tmp_path: Path) -> None:
    before = for_country("DK", tmp_path)
    with pytest.raises(LookupError):  # no 2027 row shipped
        before.annual_rate(date(2027, 2, 1), date(2027, 1, 15), CustomerKind.BUSINESS)
    update_country("DK", tmp_path, today=TODAY, transport=recorded())
    rate = for_country("DK", tmp_path).annual_rate(
        date(2027, 2, 1), date(2027, 1, 15), CustomerKind.BUSINESS
    )
    assert rate.reference == Decimal("1.90")
    assert rate.rate == Decimal("9.90")


def test_a_second_update_is_a_no_op(tmp_path: Path) -> None:
    update_country("DK", tmp_path, today=TODAY, transport=recorded())
    written = (tmp_path / "dk.toml").read_bytes()
    again = update_country("DK", tmp_path, today=TODAY, transport=recorded())
    assert [o.status for o in again] == ["unchanged", "unchanged"]
    assert not any(o.written for o in again)
    assert (tmp_path / "dk.toml").read_bytes() == written


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    outcomes = update_country("DK", tmp_path, today=TODAY, dry_run=True, transport=recorded())
    assert [o.status for o in outcomes] == ["confirmed", "added"]
    assert all("dry run" in o.message for o in outcomes)
    assert not (tmp_path / "dk.toml").exists()


# --- what is refused, and why ---------------------------------------------------------------


def _only(country: str, handler: Handler, tmp_path: Path) -> Outcome:
    outcomes = update_country(
        country, tmp_path, today=TODAY, transport=httpx.MockTransport(handler)
    )
    assert len(outcomes) == 1, outcomes
    assert not list(tmp_path.iterdir()), "nothing may be written"
    return outcomes[0]


@pytest.mark.parametrize(
    ("country", "body", "why"),
    [
        ("DK", b"INSTRUMENT;LAND;TID\nOIRNAA;DK;2026M07D01\n", "column(s) OPGOER, INDHOLD missing"),
        ("DK", b"INSTRUMENT;LAND;OPGOER;TID;INDHOLD\nOIRNAA;DK;E;2026M07D01;two\n", "not a number"),
        ("DK", b"INSTRUMENT;LAND;OPGOER;TID;INDHOLD\nOIRNAA;DK;E;1 July;2.00\n", "not a day"),
        ("NO", b'{"data": {"dataSets": []', "not JSON"),
        ("NO", b'{"meta": {}}', "has no object 'data'"),
        ("SE", b'{"date": "2027-01-04", "value": 1.5}', "expected a JSON array"),
        ("SE", b'[{"date": "2027-01-04", "value": "n/a"}]', "is not a number"),
        ("SE", b'[{"date": "2027-01-04"}]', "expected {date, value}"),
        ("FI", b"KEY,TIME_PERIOD\nFM.B.U2.EUR.4F.KR.MRR_FR.LEV,2026-12-16\n", "OBS_VALUE missing"),
    ],
)
def test_a_malformed_answer_changes_nothing(
    tmp_path: Path, country: str, body: bytes, why: str
) -> None:
    outcome = _only(country, answering(body), tmp_path)
    assert outcome.status == "failed"
    assert why in outcome.message
    assert "nothing changed" in outcome.message
    assert f"dunning-bridge law rates set {country} --from 2027-01-01 --rate R" in outcome.message


def test_an_empty_series_changes_nothing(tmp_path: Path) -> None:
    outcome = _only("SE", answering(b"[]", content_type="application/json"), tmp_path)
    assert outcome.status == "failed"
    assert "the series is empty" in outcome.message


def test_an_empty_body_changes_nothing(tmp_path: Path) -> None:
    outcome = _only("FI", answering(b""), tmp_path)
    assert "the answer is empty" in outcome.message


def test_an_html_error_page_changes_nothing(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
    outcome = _only("DK", answering(page, content_type="text/html"), tmp_path)
    assert "an HTML page" in outcome.message


def test_a_server_error_changes_nothing(tmp_path: Path) -> None:
    outcome = _only("NO", answering(b"oops", status=500), tmp_path)
    assert outcome.status == "failed"
    assert "HTTP 500" in outcome.message


def test_a_timeout_changes_nothing(tmp_path: Path) -> None:
    def timing_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    outcome = _only("SE", timing_out, tmp_path)
    assert outcome.status == "failed"
    assert "timed out" in outcome.message


def test_an_oversized_answer_changes_nothing(tmp_path: Path) -> None:
    declared = _only("FI", answering(b"x" * (600 * 1024)), tmp_path)
    assert "more than the 524288 we read" in declared.message

    def streaming(_request: httpx.Request) -> httpx.Response:
        # No Content-Length: the cap is checked while reading.
        return httpx.Response(200, content=iter([b"x" * 65536] * 10))

    streamed = _only("FI", streaming, tmp_path)
    assert "larger than the 524288 bytes we read" in streamed.message


def test_an_implausible_value_is_refused(tmp_path: Path) -> None:
    body = b'[{"date": "2026-07-01", "value": 2.0}, {"date": "2027-01-04", "value": 125}]'
    outcomes = by_start(
        update_country("SE", tmp_path, today=TODAY, transport=httpx.MockTransport(answering(body)))
    )
    assert outcomes[H1_2027].status == "refused"
    assert "125 % is outside -5..25 %" in outcomes[H1_2027].message
    # The good half-year is still written; the refused one is not.
    assert operator_rates(tmp_path, "SE") == {H2_2026: (Decimal("2.0"), "A")}


def test_a_jump_of_more_than_five_points_is_refused(tmp_path: Path) -> None:
    body = b'[{"date": "2026-07-01", "value": 2.0}, {"date": "2027-01-04", "value": 9.5}]'
    outcomes = by_start(
        update_country("SE", tmp_path, today=TODAY, transport=httpx.MockTransport(answering(body)))
    )
    refused = outcomes[H1_2027]
    assert refused.status == "refused"
    assert "implausible: 9.5 % after 2.0 %" in refused.message
    assert H1_2027 not in operator_rates(tmp_path, "SE")


def test_a_different_value_never_overwrites_an_official_row(tmp_path: Path) -> None:
    official = NewRow(
        "reference_rate",
        H1_2027,
        date(2027, 6, 30),
        Decimal("1.75"),
        "https://www.nationalbanken.dk (read by hand)",
        "A",
    )
    write_rows(tmp_path, "DK", [official])
    before = (tmp_path / "dk.toml").read_bytes()
    outcomes = by_start(update_country("DK", tmp_path, today=TODAY, transport=recorded()))
    refused = outcomes[H1_2027]
    assert refused.status == "refused"
    assert "says 1.90 % but the row in force says 1.75 % [A]" in refused.message
    assert "dunning-bridge law rates set DK --from 2027-01-01 --rate 1.90" in refused.message
    # The refused half-year is untouched; the other one is still confirmed and written.
    assert operator_rates(tmp_path, "DK")[H1_2027] == (Decimal("1.75"), "A")
    assert operator_rates(tmp_path, "DK")[H2_2026] == (Decimal("2.00"), "A")
    assert (tmp_path / "dk.toml").read_bytes() != before


def test_a_half_year_is_left_until_its_rate_can_be_known(tmp_path: Path) -> None:
    # 20 December: Denmark's 2027 rate is the one standing on 1 January, unknown until then.
    outcomes = by_start(
        update_country("DK", tmp_path, today=date(2026, 12, 20), transport=recorded())
    )
    assert outcomes[H1_2027].status == "pending"
    assert "not known before 2027-01-01" in outcomes[H1_2027].message
    # Finland's is known on the half-year's eve (the last MRO before it).
    fi = by_start(update_country("FI", tmp_path, today=date(2026, 12, 31), transport=recorded()))
    assert fi[H1_2027].status == "added"
    assert fi[H1_2027].value == Decimal("3.0")


def test_a_half_year_not_yet_in_the_series_waits(tmp_path: Path) -> None:
    body = (
        "\ufeffINSTRUMENT;LAND;OPGOER;TID;INDHOLD\n"
        "OIRNAA;DK;E;2026M06D30;2.00\nOIRNAA;DK;E;2026M07D01;2.00\n"
        "OIRNAA;DK;E;2026M12D30;1.90\n"
    ).encode()
    outcomes = by_start(
        update_country("DK", tmp_path, today=TODAY, transport=httpx.MockTransport(answering(body)))
    )
    assert outcomes[H1_2027].status == "pending"
    assert "has not published it yet" in outcomes[H1_2027].message
    assert outcomes[H2_2026].written


# --- the command and the daemon's job -------------------------------------------------------


def test_the_command_reports_every_country(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = update_command(
        tmp_path, None, today=TODAY, dry_run=False, as_json=False, transport=recorded()
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "DK 2027-01-01..2027-06-30: added 1.90 % [A]" in out
    assert "FI 2027-01-01..2027-06-30: added 3.0 % [B]" in out
    assert "note: FI is computed from the ECB's MRO rate" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dk.toml",
        "fi.toml",
        "no.toml",
        "se.toml",
    ]


def test_the_command_exits_1_when_something_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = update_command(
        tmp_path,
        "no",
        today=TODAY,
        dry_run=False,
        as_json=True,
        transport=httpx.MockTransport(answering(b"", status=503)),
    )
    assert code == 1
    assert '"status": "failed"' in capsys.readouterr().out


def test_the_cli_refuses_an_unknown_country_and_a_missing_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["law", "rates", "update", "XX", "--law-data", str(tmp_path)])
    assert unknown.exit_code == 2
    assert "unknown country" in unknown.output
    env = tmp_path / "bridge.env"
    env.write_text("", encoding="utf-8")
    missing = runner.invoke(app, ["law", "rates", "update", "DK", "--env-file", str(env)])
    assert missing.exit_code == 2
    assert "BRIDGE_LAW_DATA" in missing.output


def test_the_scheduled_job_logs_a_failure_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = module.update_country

    def flaky(country: str, directory: Path, **kwargs: object) -> list[Outcome]:
        calls.append(country)
        if country == "DK":
            raise RuntimeError("disk on fire")
        return real(country, directory, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "update_country", flaky)
    outcomes = run_law_update(tmp_path, ["DK", "SE"], today=TODAY, transport=recorded())
    assert calls == ["DK", "SE"]
    assert {o.country for o in outcomes} == {"SE"}
    assert operator_rates(tmp_path, "SE")[H1_2027] == (Decimal("1.5"), "A")
