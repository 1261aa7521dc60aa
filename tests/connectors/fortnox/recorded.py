"""Real Fortnox interactions recorded as VCR cassettes, read without a YAML library.

The cassettes stay in ../shared (tests/contract/fortnox_spec.py finds them); every test that
reads them calls ``require_specs()`` first and is skipped with a visible reason without them.
The cassettes use one narrow YAML shape: a body is ``string:`` followed by a quoted scalar
(single- or double-quoted, folded over lines), which :func:`_scalar` reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.contract.fortnox_spec import CASSETTES, require_specs

_FIELD = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z_-]+):\s?(?P<rest>.*)$")


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its answer."""

    cassette: str
    method: str
    uri: str
    request_body: str
    status: int
    content_type: str
    body: str

    def json(self) -> Any:
        """The answer's body as JSON, every fraction a Decimal (as the connector reads it)."""
        return json.loads(self.body, parse_float=Decimal)


def _scalar(lines: list[str], start: int, first: str) -> tuple[str, int]:
    """Read a quoted YAML scalar that may run over several lines; return it and the last line."""
    quote = first[0]
    pieces = [first[1:]]
    index = start
    while True:
        text = "\n".join(pieces)
        end = _closing(text, quote)
        if end is not None:
            return _fold(text[:end], quote), index
        index += 1
        pieces.append(lines[index].strip())


def _closing(text: str, quote: str) -> int | None:
    i = 0
    while i < len(text):
        char = text[i]
        if quote == "'" and char == "'":
            if text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i
        if quote == '"':
            if char == "\\":
                i += 2
                continue
            if char == '"':
                return i
        i += 1
    return None


def _fold(raw: str, quote: str) -> str:
    # YAML folding: a line break is a space, an empty line a line break.
    out = ""
    for n, part in enumerate(raw.split("\n")):
        if n == 0:
            out = part
        elif part == "":
            out += "\n"
        else:
            out += ("" if out.endswith("\n") else " ") + part
    if quote == "'":
        return out.replace("''", "'")
    decoded: str = json.loads(f'"{out}"')
    return decoded


def interactions(name: str) -> list[Interaction]:
    """Every interaction of one cassette, e.g. ``invoices/find_id_1.yml``."""
    require_specs()
    lines = (CASSETTES / name).read_text(encoding="utf-8").split("\n")
    found: list[Interaction] = []
    current: dict[str, Any] = {}
    section = ""
    for index, line in enumerate(lines):
        if line.lstrip().startswith("- request:"):
            current, section = {}, "request"
            continue
        match = _FIELD.match(line)
        if not match:
            if current.get("awaiting_type") and line.strip().startswith("- "):
                current["content_type"] = line.strip()[2:]
                current["awaiting_type"] = False
            continue
        key, rest = match.group("key"), match.group("rest")
        if key == "response":
            section = "response"
        elif key == "method" and section == "request":
            current["method"] = rest.strip().upper()
        elif key == "uri" and section == "request":
            current["uri"] = rest.strip()
        elif key == "code" and section == "response":
            current["status"] = int(rest.strip())
        elif key == "Content-Type" and section == "response":
            current["awaiting_type"] = True
        elif key == "string":
            value = _scalar(lines, index, rest)[0] if rest[:1] in "'\"" else rest.strip()
            if section == "request":
                current["request_body"] = value
            else:
                found.append(
                    Interaction(
                        cassette=name,
                        method=current.get("method", ""),
                        uri=current.get("uri", ""),
                        request_body=current.get("request_body", ""),
                        status=int(current.get("status", 0)),
                        content_type=str(current.get("content_type", "")),
                        body=value,
                    )
                )
    return found


def names(folder: str) -> list[str]:
    """The cassettes of one folder (empty when the specs are absent)."""
    base = CASSETTES / folder
    return sorted(f"{folder}/{p.name}" for p in base.glob("*.yml")) if base.is_dir() else []


def recorded(folder: str, status: int = 200) -> Iterator[Interaction]:
    """Every interaction with this status in the cassettes of ``folder``."""
    for name in names(folder):
        for item in interactions(name):
            if item.status == status:
                yield item
