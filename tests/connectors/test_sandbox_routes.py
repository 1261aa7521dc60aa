"""The emulators' one dispatch (connectors/sandbox_base.py Routes) and what each vendor's
sandbox answers through it for a path or method it does not serve."""

from __future__ import annotations

import pytest

from connectors.dinero.sandbox.routes import ROUTES as DINERO
from connectors.dinero.sandbox.state import SandboxError
from connectors.economic.sandbox.errors import ApiError as EconomicError
from connectors.economic.sandbox.routes import ROUTES as ECONOMIC
from connectors.fortnox.sandbox.errors import ApiError as FortnoxError
from connectors.fortnox.sandbox.routes import ROUTES as FORTNOX
from connectors.sandbox_base import ANY, Routes
from connectors.tripletex.sandbox.routes import ROUTES as TRIPLETEX
from connectors.tripletex.sandbox.state import ApiError as TripletexError


class Refused(Exception):
    def __init__(self, status: int, method: str, path: str) -> None:
        super().__init__(status, method, path)
        self.status = status


def _table(*, with_405: bool) -> Routes[str]:
    routes: Routes[str] = Routes(
        lambda method, path: Refused(404, method, path),
        (lambda method, path: Refused(405, method, path)) if with_405 else None,
    )
    routes.add("GET", "/invoices", "list")
    routes.add("GET", "/invoices/{number}", "one")
    routes.add("PUT", r"/invoices/{number:\d+}/book", "book")
    routes.add("GET", "/invoices/{number}/{way:email|print}", "send")
    routes.add("PUT", "/orders/{ident}/:close", "close")
    routes.add(ANY, "/orders/{ident}/:close", "refuse")
    return routes


def test_a_pattern_names_its_segments() -> None:
    routes = _table(with_405=True)
    assert routes.resolve("GET", "/invoices") == ("list", {})
    assert routes.resolve("GET", "/invoices/A-7") == ("one", {"number": "A-7"})
    assert routes.resolve("PUT", "/invoices/12/book") == ("book", {"number": "12"})
    assert routes.resolve("GET", "/invoices/12/print") == ("send", {"number": "12", "way": "print"})


def test_a_segment_matches_whole_and_never_spans_a_slash() -> None:
    routes = _table(with_405=False)
    for method, path in (
        ("PUT", "/invoices/12a/book"),  # {number:\d+} wants the whole segment
        ("GET", "/invoices/12/fax"),  # not one of the ways
        ("GET", "/invoices/1/2"),
        ("GET", "/invoices/"),
        ("GET", "/invoicesX"),
    ):
        with pytest.raises(Refused) as refused:
            routes.resolve(method, path)
        assert refused.value.status == 404, path


def test_another_method_on_a_known_path_is_405_only_where_the_vendor_says_so() -> None:
    with pytest.raises(Refused) as refused:
        _table(with_405=True).resolve("DELETE", "/invoices/12")
    assert refused.value.status == 405
    with pytest.raises(Refused) as refused:
        _table(with_405=False).resolve("DELETE", "/invoices/12")
    assert refused.value.status == 404


def test_the_first_match_answers_and_any_takes_the_other_methods() -> None:
    routes = _table(with_405=False)
    assert routes.resolve("PUT", "/orders/9/:close") == ("close", {"ident": "9"})
    assert routes.resolve("GET", "/orders/9/:close") == ("refuse", {"ident": "9"})
    assert routes.resolve("POST", "/orders/9/:close") == ("refuse", {"ident": "9"})


def test_economic_answers_its_recorded_404_for_another_method() -> None:
    # The recorded 404 ("Resource not found.", no error code) for a path or method the API
    # does not have; e-conomic answers no 405.
    with pytest.raises(EconomicError) as refused:
        ECONOMIC.resolve("PUT", "/customers/1")
    assert (refused.value.status, refused.value.message, refused.value.code) == (
        404,
        "Resource not found.",
        None,
    )
    with pytest.raises(EconomicError):
        ECONOMIC.resolve("GET", "/customers/abc")  # a customer number is an integer


def test_dinero_answers_405_for_another_method_and_404_for_an_unknown_path() -> None:
    with pytest.raises(SandboxError) as refused:
        DINERO.resolve("PUT", "/v1/4711/invoices")
    assert (refused.value.status, refused.value.code) == (405, 405)
    with pytest.raises(SandboxError) as refused:
        DINERO.resolve("GET", "/v1/4711/vouchers")
    assert (refused.value.status, refused.value.code) == (404, 404)


def test_fortnox_answers_404_for_any_path_or_method_it_does_not_serve() -> None:
    for method, path in (("DELETE", "/invoices/1"), ("GET", "/invoices/1/print")):
        with pytest.raises(FortnoxError) as refused:
            FORTNOX.resolve(method, path)
        assert (refused.value.status, refused.value.code) == (404, 2000362)


def test_tripletex_answers_404_for_an_endpoint_it_does_not_emulate() -> None:
    with pytest.raises(TripletexError) as refused:
        TRIPLETEX.resolve("POST", "/invoice")
    assert (refused.value.status, refused.value.code) == (404, 6000)
