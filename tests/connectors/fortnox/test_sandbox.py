"""The sandbox behaves like Fortnox: filters, paging, errors, writes, tokens, persistence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bridge.vocab.faults import Fault
from connectors.fortnox.sandbox.server import FortnoxSandbox
from tests.connectors.fortnox.conftest import TODAY, open_on


def _client(sandbox: FortnoxSandbox) -> httpx.Client:
    session = open_on(sandbox)
    return session.http


def _get(sandbox: FortnoxSandbox, path: str) -> httpx.Response:
    return _client(sandbox).get(path)


def test_an_unknown_filter_answers_the_lower_case_error(sandbox: FortnoxSandbox) -> None:
    answer = _get(sandbox, "/3/invoices?filter=doesntexist")
    assert answer.status_code == 400
    assert answer.json() == {
        "ErrorInformation": {
            "error": 1,
            "message": "Ett ogiltigt filter har använts.",
            "code": 2000587,
        }
    }


def test_a_missing_invoice_answers_the_recorded_404(sandbox: FortnoxSandbox) -> None:
    answer = _get(sandbox, "/3/invoices/123456789")
    assert answer.status_code == 404
    assert answer.json()["ErrorInformation"]["Code"] == 2000434
    assert _get(sandbox, "/3/customers/999").json()["ErrorInformation"]["Code"] == 2000433
    assert _get(sandbox, "/3/articles").status_code == 404


def test_paging_limits(sandbox: FortnoxSandbox) -> None:
    assert _get(sandbox, "/3/invoices?limit=501").status_code == 400
    assert _get(sandbox, "/3/invoices?page=0").status_code == 400
    last = _get(sandbox, "/3/invoices?limit=500&page=9").json()
    assert last["Invoices"] == []
    assert last["MetaInformation"] == {"@TotalResources": 32, "@TotalPages": 1, "@CurrentPage": 9}
    empty = _get(sandbox, "/3/invoices?customernumber=999").json()["MetaInformation"]
    assert empty == {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1}


def test_filters_match_fortnox(sandbox: FortnoxSandbox) -> None:
    def numbers(query: str) -> set[str]:
        return {
            i["DocumentNumber"] for i in _get(sandbox, f"/3/invoices?{query}").json()["Invoices"]
        }

    overdue = numbers("filter=unpaidoverdue")
    assert "3" in overdue
    assert "2" not in overdue
    assert "13" not in overdue
    assert numbers("filter=fullypaid") == {"13", "14", "15"}
    assert numbers("filter=cancelled") == {"25"}
    assert numbers("filter=unbooked") == set()
    assert numbers("filter=fullypaid&fromfinalpaydate=2026-03-05") == {"13"}
    assert numbers("customernumber=21") == {"21", "32"}
    listed = _get(sandbox, "/3/invoices?documentnumber=1").json()["Invoices"][0]
    assert listed["CurrencyRate"] == "1"  # the list's quirk, as recorded
    assert "Reminders" not in listed  # only the full invoice has them


def test_lastmodified_lists_what_changed(sandbox: FortnoxSandbox) -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    stamp = later.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
    query = f"lastmodified={stamp:%Y-%m-%d %H:%M}"
    assert _get(sandbox, f"/3/invoices?{query}").json()["Invoices"] == []
    assert _get(sandbox, "/3/invoices?lastmodified=yesterday").status_code == 400


def test_creating_validates_like_fortnox(sandbox: FortnoxSandbox) -> None:
    client = _client(sandbox)
    assert (
        client.post("/3/invoices", json={"Invoice": {"CustomerNumber": "999"}}).status_code == 400
    )
    bad_type = {"Invoice": {"CustomerNumber": "1", "InvoiceType": "REMINDER"}}
    assert client.post("/3/invoices", json=bad_type).status_code == 400
    too_long = {"Invoice": {"CustomerNumber": "1", "Remarks": "x" * 1025}}
    assert client.post("/3/invoices", json=too_long).status_code == 400
    unknown = {"Invoice": {"CustomerNumber": "1", "Balance": 0}}
    assert client.post("/3/invoices", json=unknown).status_code == 400
    bad_vat = {"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Price": 1, "VAT": 7}]}}
    assert client.post("/3/invoices", json=bad_vat).status_code == 400
    assert client.post("/3/invoices", content=b"{not json").status_code == 400
    good = {"Invoice": {"CustomerNumber": "1", "InvoiceRows": [{"Price": 100, "VAT": 25}]}}
    made = client.post("/3/invoices", json=good)
    assert made.status_code == 201
    assert made.json()["Invoice"]["Total"] == 125


def test_an_invoice_without_a_due_date_is_due_by_the_customers_terms(
    sandbox: FortnoxSandbox,
) -> None:
    # Recorded (invoices/save_new.yml): no InvoiceDate, no DueDate, customer terms "30" ->
    # dated the day, due 30 days later. A posted DueDate is kept (save_new_with_unsaved_parent).
    client = _client(sandbox)
    made = client.post("/3/invoices", json={"Invoice": {"CustomerNumber": "7"}}).json()["Invoice"]
    assert (made["InvoiceDate"], made["TermsOfPayment"]) == (TODAY.isoformat(), "30")
    assert made["DueDate"] == (TODAY + timedelta(days=30)).isoformat()
    sandbox.set_customer("7", TermsOfPayment="10")
    dated = {"CustomerNumber": "7", "InvoiceDate": "2026-03-02"}
    made = client.post("/3/invoices", json={"Invoice": dated}).json()["Invoice"]
    assert made["DueDate"] == "2026-03-12"
    sandbox.set_customer("7", TermsOfPayment="K")  # kontant: no credit (our assumption)
    made = client.post("/3/invoices", json={"Invoice": dated}).json()["Invoice"]
    assert made["DueDate"] == "2026-03-02"
    given = {**dated, "DueDate": "2026-03-23"}
    made = client.post("/3/invoices", json={"Invoice": given}).json()["Invoice"]
    assert made["DueDate"] == "2026-03-23"


def test_booking_and_sending_follow_the_rules(sandbox: FortnoxSandbox) -> None:
    client = _client(sandbox)
    made = client.post("/3/invoices", json={"Invoice": {"CustomerNumber": "7"}}).json()["Invoice"]
    number = made["DocumentNumber"]
    assert client.get(f"/3/invoices/{number}/email").status_code == 400  # not booked
    assert client.put(f"/3/invoices/{number}/bookkeep").json()["Invoice"]["Booked"] is True
    assert client.put(f"/3/invoices/{number}/bookkeep").status_code == 400  # twice
    assert client.get(f"/3/invoices/{number}/email").status_code == 400  # customer 7: no e-mail
    assert client.get(f"/3/invoices/{number}/eprint").json()["Invoice"]["Sent"] is True


def test_fortnox_finans_takes_booked_unpaid_sek_invoices_once(sandbox: FortnoxSandbox) -> None:
    client = _client(sandbox)

    def hand(number: str) -> httpx.Response:
        body = {
            "NoxFinansInvoice": {
                "InvoiceNumber": number,
                "SendMethod": "EMAIL",
                "Service": "REMINDER",
            }
        }
        return client.post("/3/noxfinansinvoices", json=body)

    assert hand("9").status_code == 201
    assert hand("9").status_code == 400  # already there
    assert hand("27").status_code == 400  # EUR
    assert hand("15").status_code == 400  # paid
    assert client.get("/3/noxfinansinvoices/9").json()["NoxFinansInvoice"]["Status"] == "PENDING"


def test_faults_and_the_token_endpoint(sandbox: FortnoxSandbox) -> None:
    client = _client(sandbox)
    sandbox.inject(Fault("malformed", path_prefix="/3/customers"))
    assert client.get("/3/customers").text.startswith("<html>")
    sandbox.inject(Fault("drop", path_prefix="/3/customers"))
    with pytest.raises(httpx.ConnectError):
        client.get("/3/customers")
    sandbox.inject(Fault("status", status=503, path_prefix="/oauth-v1/token"))
    answer = httpx.Client(transport=sandbox.transport()).post(
        "https://apps.fortnox.se/oauth-v1/token", data={"grant_type": "client_credentials"}
    )
    assert answer.status_code == 503  # a fault reaches the token endpoint only by its path


def test_the_token_endpoint_keeps_the_recorded_quirks(sandbox: FortnoxSandbox) -> None:
    raw = httpx.Client(transport=sandbox.transport())
    bad_client = raw.post("https://apps.fortnox.se/oauth-v1/token", data={"grant_type": "x"})
    assert bad_client.status_code == 401
    assert bad_client.headers["content-type"].startswith("text/plain")
    auth = (FortnoxSandbox.CLIENT_ID, FortnoxSandbox.CLIENT_SECRET)
    bad_grant = raw.post(
        "https://apps.fortnox.se/oauth-v1/token",
        data={"grant_type": "refresh_token", "refresh_token": "nope"},
        auth=auth,
    )
    assert bad_grant.status_code == 400
    assert bad_grant.headers["content-type"].startswith("text/html")
    assert bad_grant.json()["error"] == "invalid_grant"
    odd = raw.post(
        "https://apps.fortnox.se/oauth-v1/token", data={"grant_type": "password"}, auth=auth
    )
    assert odd.json()["error"] == "unsupported_grant_type"
    assert raw.get("https://api.fortnox.se/3/invoices").json() == {"message": "unauthorized"}


def test_state_survives_save_and_load(tmp_path: Path) -> None:
    sandbox = FortnoxSandbox.demo(TODAY)
    sandbox.pay("4", Decimal("0.10"), TODAY)
    path = tmp_path / "fortnox.json"
    sandbox.save(path)
    again = FortnoxSandbox.load_or_demo(path, TODAY)
    assert again.state() == sandbox.state()
    assert again.invoice("4")["Balance"] == Decimal("8989.90")
    assert FortnoxSandbox.load_or_demo(tmp_path / "absent.json", TODAY).state()["customers"]


def test_accountant_hooks(sandbox: FortnoxSandbox) -> None:
    with pytest.raises(ValueError, match="credit it instead"):
        sandbox.reject_draft("4")
    with pytest.raises(ValueError, match="redan bokförd"):
        sandbox.book("4")
    with pytest.raises(ValueError, match="not booked and unpaid"):
        sandbox.hand_to_finans("15")
    assert sandbox.accept_drafts() == 0


# -- a customer's identity and salesperson ------------------------------------------------------

IDENTITY = ("OrganisationNumber", "Address1", "Address2", "ZipCode", "City", "Country", "Phone1")


def test_a_full_customer_carries_identity_and_salesperson(sandbox: FortnoxSandbox) -> None:
    full = _get(sandbox, "/3/customers/1").json()["Customer"]
    assert {k: full[k] for k in IDENTITY} == {
        "OrganisationNumber": "556677-1234",
        "Address1": "Fyrisvallsgatan 4",
        "Address2": None,  # unset: null, as recorded
        "ZipCode": "752 28",
        "City": "Uppsala",
        "Country": "Sverige",
        "Phone1": "070-174 06 05",
    }
    assert full["Phone2"] is None
    assert full["OurReference"] == "Maria Holmgren"
    consumer = _get(sandbox, "/3/customers/6").json()["Customer"]
    assert (consumer["OrganisationNumber"], consumer["OurReference"]) == ("", "")  # as recorded
    norwegian = _get(sandbox, "/3/customers/19").json()["Customer"]
    assert (norwegian["CountryCode"], norwegian["Country"]) == ("NO", "Norge")


def test_the_customer_list_has_one_phone_and_no_reference(sandbox: FortnoxSandbox) -> None:
    listed = _get(sandbox, "/3/customers?customernumber=1").json()["Customers"][0]
    assert listed == {
        "@url": "https://api.fortnox.se/3/customers/1",
        "Address1": "Fyrisvallsgatan 4",
        "Address2": "",  # the list answers "" where the full customer has null (recorded)
        "City": "Uppsala",
        "CustomerNumber": "1",
        "Email": "ekonomi@fyrisbygg.example.se",
        "Name": "Byggbolaget Fyris AB",
        "OrganisationNumber": "556677-1234",
        "Phone": "070-174 06 05",
        "ZipCode": "752 28",
    }


def test_customers_have_the_recorded_shape(sandbox: FortnoxSandbox) -> None:
    from tests.connectors.fortnox.recorded import interactions  # noqa: PLC0415

    recorded_list = interactions("customers/all.yml")[0].json()["Customers"][0]
    recorded_full = interactions("customers/find_id_1.yml")[0].json()["Customer"]
    listed = _get(sandbox, "/3/customers").json()["Customers"]
    assert {tuple(sorted(item)) for item in listed} == {tuple(sorted(recorded_list))}
    full = _get(sandbox, "/3/customers/1").json()["Customer"]
    assert set(full) <= set(recorded_full)
    for field in (*IDENTITY, "Phone2", "OurReference"):
        assert field in recorded_full, field
        assert full[field] is None or isinstance(full[field], str), field
    for field in ("OrganisationNumber", "OurReference"):
        assert recorded_full[field] == ""  # unset as "", never null
    assert recorded_full["Phone1"] is None  # unset as null, never ""
