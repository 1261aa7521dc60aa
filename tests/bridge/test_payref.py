"""Structured payment references at their edges, and the payment options checked at start-up.

Every generated FIK, KID and OCR passes ``stdnum.luhn``; every RF passes ``stdnum.iso11649``.
The Finnish national reference has no stdnum module: it is checked against published examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649, luhn

from bridge.vocab.errors import ConfigError
from bridge.vocab.payref import (
    Reference,
    ReferenceOptions,
    check_options,
    fi_check_digit,
    fi_format,
    fi_is_valid,
    fi_national,
    fik_line,
    fik_payment_id,
    is_valid_reference,
    kid,
    ocr,
    rf,
)
from bridge.vocab.settings import load_settings

NUMBERS = st.from_regex(r"[0-9]{1,14}", fullmatch=True)

# -- Denmark: FIK +71


def test_fik_payment_id_is_15_digits_with_a_luhn_digit() -> None:
    assert fik_payment_id("1001") == "000000000010017"
    assert luhn.is_valid("000000000010017")
    assert fik_line("000000000010017", "85123456") == "+71<000000000010017+85123456<"


def test_dineros_published_fik_passes_the_same_check() -> None:
    # Dinero's API documents the FIK "+71<000000016460909+12345678<".
    assert luhn.is_valid("000000016460909")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("7", "000000000000075"),  # short: zero-padded
        ("0042", "000000000000422"),  # leading zeros are not significant in a FIK
        ("42", "000000000000422"),
        ("2026-0042", "000000202600425"),  # separators dropped
        ("99999999999999", "999999999999994"),  # 14 digits: the longest that fits
    ],
)
def test_fik_edges(number: str, expected: str) -> None:
    assert fik_payment_id(number) == expected
    assert luhn.is_valid(expected)


@pytest.mark.parametrize("number", ["F1001", "1001A", "123456789012345", "", "---"])
def test_fik_refuses_letters_and_numbers_that_do_not_fit(number: str) -> None:
    assert fik_payment_id(number) is None


# -- Norway: KID


def test_kid_is_the_invoice_number_and_a_luhn_digit() -> None:
    assert kid("1001") == "10017"
    assert kid("7") == "75"  # the shortest KID: two digits
    assert kid("0042") == "00422"  # leading zeros kept: a KID is compared digit by digit


def test_kid_of_a_fixed_length_is_zero_padded() -> None:
    assert kid("1001", 10) == "0000010017"
    assert kid("12345678901", 10) is None  # does not fit the agreed length
    assert luhn.is_valid("0000010017")


@pytest.mark.parametrize("number", ["A-1001", "1001/B", "1" * 25])
def test_kid_refuses_letters_and_too_long_numbers(number: str) -> None:
    assert kid(number) is None


# -- Sweden: OCR


def test_ocr_matches_fortnox_recorded_reference() -> None:
    # A recorded Fortnox invoice 13 carries OCR "133": number and Luhn digit.
    assert ocr("13") == "133"


def test_ocr_with_a_length_digit() -> None:
    # "1001", length digit 6 (six digits in all), then the Luhn digit over "10016".
    assert ocr("1001", length_digit=True) == "100164"
    value = ocr("12345678", length_digit=True)
    assert value is not None
    assert len(value) == 10
    assert value[-2] == "0"  # ten digits: the length digit is 0
    assert luhn.is_valid(value)


@pytest.mark.parametrize("number", ["S1001", "1" * 25, ""])
def test_ocr_refuses_letters_and_too_long_numbers(number: str) -> None:
    assert ocr(number) is None


# -- Finland: the national reference and RF


@pytest.mark.parametrize(
    ("base", "digit"),
    # Published examples of the 7-3-1 check digit (Finanssiala's guide: 123 -> 1232,
    # 123456 -> 1234561).
    [("123", "2"), ("123456", "1"), ("1001", "6"), ("999", "1")],
)
def test_finnish_check_digit(base: str, digit: str) -> None:
    assert fi_check_digit(base) == digit


def test_finnish_reference_edges() -> None:
    assert fi_national("1001") == "10016"
    assert fi_national("0001001") == "10016"  # leading zeros do not count in Finland
    assert fi_national("12") is None  # fewer than 3 significant digits
    assert fi_national("1" * 20) is None  # longer than 20 with the check digit
    assert fi_national("L-1001") is None
    assert fi_is_valid("1234 561")
    assert not fi_is_valid("1234562")
    assert fi_format("1234567890123") == "123 45678 90123"


def test_rf_wraps_any_letters_and_digits() -> None:
    assert rf("539007547034") == "RF18539007547034"  # ISO 11649's own example
    assert rf("inv-9") == "RF25INV9"
    assert rf("ÆØÅ") is None
    assert rf("1" * 22) is None
    for value in ("RF18539007547034", "RF25INV9"):
        assert iso11649.is_valid(value)


def test_finland_falls_back_to_rf_where_no_national_reference_fits() -> None:
    options = ReferenceOptions("FI")
    assert options.generate("1001") == Reference("fi", "10016", "10016")
    short = options.generate("7")
    assert short is not None
    assert (short.scheme, iso11649.is_valid(short.value)) == ("rf", True)
    lettered = options.generate("INV-9")
    assert lettered is not None
    assert lettered.value == "RF25INV9"


def test_finnish_rf_wraps_the_national_reference() -> None:
    found = ReferenceOptions("FI", fi_reference="rf").generate("1001")
    assert found is not None
    assert found.value == "RF0810016"
    assert found.value.endswith("10016")  # the national reference, check digit and all
    assert ReferenceOptions("FI", fi_reference="none").generate("1001") is None


# -- choosing, and the source system's own


def test_no_reference_where_the_country_scheme_is_not_set_up() -> None:
    for country in ("DK", "NO", "SE"):
        assert ReferenceOptions(country).generate("1001") is None


def test_the_source_systems_reference_wins() -> None:
    assert ReferenceOptions("SE", ocr="mod10").reference("1001", "133") == Reference(
        "ocr", "133", "133", source="system"
    )
    # Tripletex gives a KID even when the bridge would not generate one.
    assert ReferenceOptions("NO").reference("1001", "00010017") == Reference(
        "kid", "00010017", "00010017", source="system"
    )
    # Blank or unusable: the bridge's own.
    assert ReferenceOptions("NO", kid="mod10").reference("1001", "") == Reference(
        "kid", "10017", "10017"
    )
    assert ReferenceOptions("FI").reference("1001", "not a reference") == Reference(
        "fi", "10016", "10016"
    )
    fik = ReferenceOptions("DK", fik_creditor="85123456").reference("1001", "000000016460909")
    assert fik is not None
    assert fik.display == "+71<000000016460909+85123456<"


@given(NUMBERS)
def test_every_generated_reference_passes_its_check(number: str) -> None:
    for options in (
        ReferenceOptions("DK", fik_creditor="85123456"),
        ReferenceOptions("NO", kid="mod10"),
        ReferenceOptions("SE", ocr="mod10"),
        ReferenceOptions("SE", ocr="mod10_length"),
        ReferenceOptions("FI"),
        ReferenceOptions("FI", fi_reference="rf"),
    ):
        found = options.generate(number)
        assert found is not None, (options, number)
        assert is_valid_reference(found), found


# -- the options at start-up


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"iban": "DK50 0040 0440 1162 44"}, "tenant option 'iban' is not a valid IBAN"),
        ({"iban": "DK50"}, "'iban'"),
        ({"bic": "DABADKKX1"}, "tenant option 'bic' is not a valid BIC"),
        ({"fik_creditor": "1234"}, "8-digit FI creditor number"),
        ({"kid": "mod11"}, "let the source system assign them"),
        ({"kid_length": "40"}, "'kid_length'"),
        ({"ocr": "yes"}, "'ocr' must be one of mod10, mod10_length"),
        ({"fi_reference": "rf11649"}, "'fi_reference'"),
    ],
)
def test_bad_payment_options_are_refused(options: dict[str, str], fragment: str) -> None:
    with pytest.raises(ValueError, match="tenant option") as info:
        check_options(options)
    assert fragment in str(info.value)


def test_good_payment_options_pass() -> None:
    check_options(
        {
            "iban": "dk50 0040 0440 1162 43",
            "bic": "NDEADKKK",
            "fik_creditor": "85123456",
            "kid": "MOD10",
            "kid_length": "10",
            "ocr": "mod10_length",
            "fi_reference": "rf",
        }
    )


def test_a_bad_iban_stops_the_settings_naming_tenant_and_option(tmp_path: Path) -> None:
    env = tmp_path / "bridge.env"
    env.write_text(
        "BRIDGE_TENANTS__KONTOR__SYSTEM=economic\n"
        "BRIDGE_TENANTS__KONTOR__OPTIONS__IBAN=DK5000400440116244\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    message = str(info.value)
    assert "bridge_tenants__kontor__options__iban" in message.lower()
    assert "tenant option 'iban' is not a valid IBAN" in message
