"""Redaction, exact outputs: what is masked, what is kept byte for byte, and in which order.

The broader tests (test_redact.py) check that a secret is gone; these check the whole output,
so a mask that eats a neighbour, a public name dropped, or a secret found inside a longer one
shows up too.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest

from bridge.vocab.redact import (
    REDACTED,
    RedactingStream,
    forget_secrets,
    redact_mapping,
    redact_strings,
    redact_text,
    redact_url,
    redact_value,
    register_secret,
)


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


# A secret that contains another: scrubbing the shorter one first would leave the longer one's
# other parts in clear. The inner one sorts after the outer one alphabetically, so only an
# order by length (longest first) masks the outer one whole.
INNER = "zzzz-inner-secret"
OUTER = "aaaa-zzzz-inner-secret-tail"


def test_a_secret_containing_another_is_masked_whole() -> None:
    register_secret(INNER)
    register_secret(OUTER)
    assert redact_text(f"x {OUTER} y {INNER} z") == f"x {REDACTED} y {REDACTED} z"


def test_the_longest_first_order_survives_forgetting_another_secret() -> None:
    register_secret(INNER)
    register_secret(OUTER)
    register_secret("rotated-away-secret")
    forget_secrets(["rotated-away-secret"])
    assert redact_text(f"x {OUTER} y") == f"x {REDACTED} y"
    assert redact_text("rotated-away-secret") == "rotated-away-secret"


def test_forgetting_an_unknown_value_is_harmless() -> None:
    register_secret(INNER)
    forget_secrets(["never-registered-value"])
    assert redact_text(INNER) == REDACTED


def test_a_secret_header_in_text_keeps_its_name_and_separator() -> None:
    text = "sent X-AppSecretToken: abcdef123 now"
    assert redact_text(text) == f"sent X-AppSecretToken: {REDACTED} now"
    assert redact_text("Authorization:Bearer qwe, done") == f"Authorization:{REDACTED}, done"


def test_public_names_in_text_are_kept_byte_for_byte() -> None:
    text = "Idempotency-Key: dl-0001 and letter_key=L-0002"
    assert redact_text(text) == text


def test_userinfo_is_masked_up_to_the_last_at_sign() -> None:
    # A password may itself contain "@": the host is what follows the last one.
    assert (
        redact_url("https://user:pw@api.example.test/x") == f"https://{REDACTED}@api.example.test/x"
    )
    assert (
        redact_url("https://user:p@ss@api.example.test/x")
        == f"https://{REDACTED}@api.example.test/x"
    )


def test_blank_query_parameters_are_kept() -> None:
    url = "https://api.example.test/x?flag=&page=2"
    assert redact_url(url) == url


def test_every_shape_of_log_value_is_redacted_exactly() -> None:
    headers = httpx.Headers({"Authorization": "Bearer abc", "Accept": "application/json"})
    assert redact_value(headers) == {"authorization": REDACTED, "accept": "application/json"}
    error = ValueError("refused: password=hunter22")
    assert redact_value(error) == f"ValueError: refused: password={REDACTED}"


def test_a_secret_named_key_is_masked_even_when_its_value_is_not_registered() -> None:
    assert redact_mapping({"password": "hunter22", "count": 3}) == {
        "password": REDACTED,
        "count": 3,
    }


def test_strings_inside_lists_are_scrubbed() -> None:
    register_secret("printed-secret-1")
    value = {"app_secret_token": True, "lines": ["ok", "was printed-secret-1", 4]}
    assert redact_strings(value) == {
        "app_secret_token": True,
        "lines": ["ok", f"was {REDACTED}", 4],
    }


def test_the_stream_passes_complete_lines_at_once_and_holds_the_rest() -> None:
    inner = io.StringIO()
    stream = RedactingStream(inner)
    assert stream.write("first\nsecond\nthird") == len("first\nsecond\nthird")
    assert inner.getvalue() == "first\nsecond\n"  # every complete line, not only the first
    stream.write(" token=abcdefgh")
    assert inner.getvalue() == "first\nsecond\n"
    stream.flush()
    assert inner.getvalue() == f"first\nsecond\nthird token={REDACTED}"
    stream.flush()  # nothing held any more: nothing written twice
    stream.write("next\n")
    assert inner.getvalue() == f"first\nsecond\nthird token={REDACTED}next\n"
    # Everything else is the wrapped stream's.
    assert stream.getvalue() == inner.getvalue()
