"""Serve Fortnox's recorded VCR cassettes to the connector, as vcrpy would (record mode none).

``Replay`` is an httpx transport: a request is answered with the recorded response whose
method and path match and whose recorded query parameters the request also carries (the
connector adds its own paging and sorting: extra parameters are allowed). A request no
cassette recorded fails the test, so nothing is ever sent anywhere. The cassettes stay in
../shared; without them the tests skip with the reason (tests/contract/fortnox_spec.py).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.connectors.fortnox.recorded import Interaction, interactions


class Unrecorded(AssertionError):
    """The connector sent a request no cassette holds."""


class Replay(httpx.BaseTransport):
    """An httpx transport answering from cassettes; ``played`` lists what it served."""

    def __init__(self, *cassettes: str) -> None:
        self.recorded: list[Interaction] = [i for name in cassettes for i in interactions(name)]
        self.played: list[Interaction] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer with the first matching recording."""
        path = request.url.path.rstrip("/")
        asked = set(parse_qsl(request.url.query.decode("ascii")))
        for item in self.recorded:
            url = urlsplit(item.uri)
            if item.method != request.method or url.path.rstrip("/") != path:
                continue
            if not set(parse_qsl(url.query)) <= asked:
                continue
            self.played.append(item)
            return httpx.Response(
                item.status,
                headers={"Content-Type": item.content_type or "application/json"},
                content=item.body.encode("utf-8"),
                request=request,
            )
        raise Unrecorded(f"no cassette recorded {request.method} {request.url}")
