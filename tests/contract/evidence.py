"""What exactly-once rests on in each vendor, and the evidence for it.

Writing a letter exactly once needs two things from a vendor: that a write can be found again
by the key the bridge put in it (read-back), and, where the bridge would retry a write, that a
retry cannot make a second document. The sandboxes emulate both; this registry says, for each
behaviour a sandbox emulates and the connector's exactly-once depends on, where the vendor shows
it: a recording of the real system (``recorded``) or its documentation (``documented``).

A behaviour with neither is not relied on: ``relied_on=False`` names the test that proves the
connector stays exactly-once without it. test_evidence.py checks that every cited file exists
in ../shared and says what it is cited for, and that every proving test exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Source:
    """A file under ../shared and a phrase it must contain for the citation to hold."""

    path: str
    says: str


@dataclass(frozen=True)
class Behaviour:
    """One vendor behaviour a sandbox emulates and exactly-once touches."""

    system: str
    name: str
    evidence: Literal["recorded", "documented", "none"]
    sources: tuple[Source, ...]
    relied_on: bool = True
    # For a behaviour not relied on: "tests/...py::test_name" proving the connector does without.
    proven_by: str = ""


ECONOMIC_SCHEMAS = "vendor-specs/economic/schemas"
ECONOMIC_FIXTURES = "vendor-specs/economic/fixtures/traels-it"
CUSTOM_REFERENCE = "A text field that can be used to save any custom reference on the invoice."

BEHAVIOURS = (
    Behaviour(
        "economic",
        "a replayed Idempotency-Key returns the first answer (X-ResultFromCache: true)",
        "documented",
        (Source("reference/apis.md", "X-ResultFromCache: true"),),
        # Documented, but no recording shows a replay: a write whose answer was lost is read
        # back by its key (session.py _create_draft), never retried on the key's strength.
        relied_on=False,
        proven_by="tests/connectors/economic/test_session.py::"
        "test_a_lost_draft_answer_is_read_back_not_posted_again_without_replay",
    ),
    Behaviour(
        "economic",
        "a draft keeps the references.other it was posted with",
        "recorded",
        (
            Source(f"{ECONOMIC_FIXTURES}/create_draft_invoice.json", '"other": "Custom reference"'),
            Source(f"{ECONOMIC_SCHEMAS}/invoices.drafts.post.schema.json", CUSTOM_REFERENCE),
        ),
    ),
    Behaviour(
        "economic",
        "a booked invoice carries its draft's references.other",
        "recorded",
        (
            Source(f"{ECONOMIC_FIXTURES}/invoice_book.json", '"other": "FM765"'),
            Source(
                f"{ECONOMIC_FIXTURES}/create_booked_invoice.json", '"other": "Custom reference"'
            ),
        ),
    ),
    Behaviour(
        "economic",
        "drafts and booked invoices are listed filtered by references.other",
        # The filterable flag itself is checked for every filter the client sends, in
        # tests/contract/test_economic_requests.py.
        "documented",
        (
            Source(f"{ECONOMIC_SCHEMAS}/invoices.drafts.get.schema.json", CUSTOM_REFERENCE),
            Source(f"{ECONOMIC_SCHEMAS}/invoices.booked.get.schema.json", CUSTOM_REFERENCE),
            Source("vendor-specs/economic/SOURCE.md", "filterable"),
        ),
    ),
    Behaviour(
        "economic",
        "a deleted draft is gone: deleting answers deletedCount, reading it answers 404",
        "recorded",
        (
            Source(f"{ECONOMIC_FIXTURES}/invoice_delete.json", '"deletedCount": 1'),
            Source(f"{ECONOMIC_FIXTURES}/404.json", '"httpStatusCode": 404'),
        ),
    ),
    Behaviour(
        "dinero",
        "an invoice's reminders are listed with their Description (where the key is written)",
        "documented",
        (
            Source(
                "vendor-specs/dinero/openapi.dunning-extract.json",
                "/v1/{organizationId}/invoices/{voucherGuid}/reminders",
            ),
            Source("reference/apis.md", "Before retrying a POST that timed out, re-read"),
        ),
    ),
    Behaviour(
        "dinero",
        "a contact's notes are listed (a proposal note is found by its key)",
        "documented",
        (
            Source(
                "vendor-specs/dinero/openapi.dunning-extract.json",
                "/v1/{organizationId}/contacts/{contactGuid}/notes",
            ),
        ),
    ),
    Behaviour(
        "fortnox",
        "invoices are listed filtered by ExternalInvoiceReference1 (where the key is written)",
        "documented",
        (
            Source("vendor-specs/fortnox/openapi.json", "externalinvoicereference1"),
            Source("reference/apis.md", "Before retrying a create, search by our reference"),
        ),
    ),
    Behaviour(
        "fortnox",
        "an invoice answers with its ExternalInvoiceReference1",
        "recorded",
        (
            Source(
                "vendor-specs/fortnox/fixtures/accodeing-vcr/invoices/"
                "save_new_with_country_Norway.yml",
                '"ExternalInvoiceReference1"',
            ),
        ),
    ),
    Behaviour(
        "tripletex",
        "an invoice's reminders are listed (GET /reminder?invoiceId=) before any send",
        "documented",
        (
            Source("vendor-specs/tripletex/openapi-2.74.00.json", '"/reminder"'),
            Source("reference/apis.md", "check `GET /reminder?invoiceId=` before retrying"),
        ),
    ),
    Behaviour(
        "tripletex",
        "orders are listed filtered by deliveryComment (where the key is written)",
        "documented",
        (Source("vendor-specs/tripletex/openapi-2.74.00.json", '"deliveryComment"'),),
    ),
)
