"""Collection queries as e-conomic reads them: ``filter``, ``sort``, ``skippages``, ``pagesize``.

Filter syntax (e-conomic's REST documentation): ``field$op:value`` with ``$eq $ne $gt $gte $lt
$lte $like $in $nin``, clauses joined by ``$and:`` and ``$or:`` (``$and:`` binds tighter),
grouped with parentheses. ``$in:[1,2,3]`` and ``$nin:[...]`` take lists; ``$like:`` treats
``*`` as a wildcard and otherwise matches a substring; ``field$eq:$null:`` and
``field$ne:$null:`` test for absence (``field$null:`` is read as ``$eq:$null:``). Special
characters in values are escaped with ``$``: ``$$ $( $) $* $[ $] $,``. Text compares without
regard to case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any
from urllib.parse import quote_plus

from connectors.economic.sandbox.errors import ApiError, bad_query
from connectors.economic.sandbox.fields import Field, Fields, Kind

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 20

_OPERATORS = ("eq", "ne", "gte", "gt", "lte", "lt", "like", "in", "nin", "null")
_ESCAPABLE = "$()*[],"
_FIELD_CHARS = re.compile(r"[A-Za-z0-9_.]")

Doc = Mapping[str, Any]
Record = dict[str, Any]
Predicate = Callable[[Doc], bool]


@dataclass(frozen=True, slots=True)
class Clause:
    """One ``field$op:value`` test; ``values`` holds one value, a list, or nothing for null."""

    path: str
    op: str
    values: tuple[Any, ...]
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class Junction:
    """Clauses joined by ``$and:`` (``all``) or ``$or:`` (any)."""

    all: bool
    parts: tuple[Clause | Junction, ...]


Node = Clause | Junction


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a collection request asks for."""

    skip_pages: int
    page_size: int
    where: Node | None
    order: tuple[tuple[str, bool], ...]  # (field, descending)
    # Every other query parameter, kept in order so page links preserve the query.
    rest: tuple[tuple[str, str], ...]


def parse_list_query(params: Sequence[tuple[str, str]], fields: Fields) -> ListQuery:
    """Read paging, filter and sort parameters; raise a 400 ApiError for anything unusable."""
    skip, size = "0", str(DEFAULT_PAGE_SIZE)
    where: Node | None = None
    order: tuple[tuple[str, bool], ...] = ()
    rest: list[tuple[str, str]] = []
    for name, value in params:
        key = name.lower()
        if key == "skippages":
            skip = value
        elif key == "pagesize":
            size = value
        else:
            rest.append((name, value))
            if key == "filter" and value:
                where = parse_filter(value, fields)
            elif key == "sort" and value:
                order = parse_sort(value, fields)
    return ListQuery(_skip_pages(skip), _page_size(size), where, order, tuple(rest))


def _skip_pages(text: str) -> int:
    if not text.isdigit():
        raise bad_query(
            "Could not parse query string skippages parameter.",
            [f"skippages must be a whole number of 0 or more, not '{text}'."],
        )
    return int(text)


def _page_size(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise bad_query(
            "Could not parse query string pagesize parameter.",
            [f"pagesize must be a whole number from 1 to {MAX_PAGE_SIZE}, not '{text}'."],
        )
    if int(text) > MAX_PAGE_SIZE:
        raise bad_query(
            f"The pagesize cannot be larger than {MAX_PAGE_SIZE}.",
            [f"pagesize {text} is above maxPageSizeAllowed ({MAX_PAGE_SIZE})."],
        )
    return int(text)


def parse_sort(text: str, fields: Fields) -> tuple[tuple[str, bool], ...]:
    """Read ``sort=name,-balance`` into (field, descending) pairs."""
    out: list[tuple[str, bool]] = []
    for raw in text.split(","):
        descending = raw.startswith("-")
        path = raw.removeprefix("-").strip()
        spec = fields.get(path)
        if spec is None or not spec.sortable:
            raise bad_query(
                "Could not parse query string sort parameter.",
                [f"Sorting is not allowed on property '{path}'."],
                allowedSortingFields=sorted(p for p, f in fields.items() if f.sortable),
            )
        out.append((path, descending))
    return tuple(out)


def parse_filter(text: str, fields: Fields) -> Node:
    """Parse a filter expression into a tree of clauses."""
    parser = _Parser(text, fields)
    node = parser.expression(depth=0)
    if not parser.at_end():
        raise parser.error(f"Unexpected '{text[parser.pos :]}'.")
    return node


class _Parser:
    def __init__(self, text: str, fields: Fields) -> None:
        self.text = text
        self.pos = 0
        self.fields = fields

    def error(self, detail: str) -> ApiError:
        return bad_query("Could not parse query string filter.", [detail])

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def expression(self, depth: int) -> Node:
        return self.joined(depth, "$or:", self.conjunction, every=False)

    def conjunction(self, depth: int) -> Node:
        return self.joined(depth, "$and:", self.factor, every=True)

    def joined(self, depth: int, token: str, part: Callable[[int], Node], *, every: bool) -> Node:
        """One ``part`` or several joined by ``token`` ($and: binds tighter than $or:)."""
        parts = [part(depth)]
        while self.peek(token):
            self.pos += len(token)
            parts.append(part(depth))
        return parts[0] if len(parts) == 1 else Junction(all=every, parts=tuple(parts))

    def factor(self, depth: int) -> Node:
        if self.peek("("):
            self.pos += 1
            node = self.expression(depth + 1)
            if not self.peek(")"):
                raise self.error("Missing ')'.")
            self.pos += 1
            return node
        return self.clause(depth)

    def clause(self, depth: int) -> Clause:
        start = self.pos
        while not self.at_end() and _FIELD_CHARS.match(self.text[self.pos]):
            self.pos += 1
        path = self.text[start : self.pos]
        if not path:
            raise self.error(f"Expected a property name at position {start}.")
        spec = self.fields.get(path)
        if spec is None or not spec.filterable:
            raise bad_query(
                "Could not parse query string filter.",
                [f"Filtering is not allowed on property '{path}'."],
                allowedFilteringFields=sorted(p for p, f in self.fields.items() if f.filterable),
            )
        op = self.operator()
        if op == "null":
            return Clause(path, "eq", ())
        if op in ("in", "nin"):
            return Clause(path, op, tuple(_typed(v, spec, path) for v in self.listing()))
        chars = self.value(depth)
        if chars == [("$null:", False)]:
            if op not in ("eq", "ne"):
                raise self.error(f"$null: can only be used with $eq: or $ne: (on '{path}').")
            return Clause(path, op, ())
        literal = "".join(c for c, _ in chars)
        if op == "like":
            return Clause(path, op, (literal,), _like_pattern(chars))
        return Clause(path, op, (_typed(literal, spec, path),))

    def operator(self) -> str:
        for name in _OPERATORS:
            token = f"${name}:"
            if self.peek(token):
                self.pos += len(token)
                return name
        raise self.error(f"Unknown operator at '{self.text[self.pos : self.pos + 8]}'.")

    def value(self, depth: int) -> list[tuple[str, bool]]:
        """Read one value as (text, is_wildcard) pieces, stopping at a joiner or ')'."""
        if self.peek("$null:"):
            self.pos += len("$null:")
            return [("$null:", False)]
        out: list[tuple[str, bool]] = []
        while not self.at_end():
            char = self.text[self.pos]
            if char == "$":
                if self.peek("$and:") or self.peek("$or:"):
                    break
                escaped = self.text[self.pos + 1 : self.pos + 2]
                if not escaped or escaped not in _ESCAPABLE:
                    raise self.error(f"Unescaped '$' at position {self.pos}; write '$$'.")
                out.append((escaped, False))
                self.pos += 2
                continue
            if char == ")" and depth > 0:
                break
            out.append((char, char == "*"))
            self.pos += 1
        return out

    def listing(self) -> list[str]:
        """Read ``[a,b,c]`` with ``$,`` and ``$]`` escapes inside items."""
        if not self.peek("["):
            raise self.error("$in: and $nin: take a list like [1,2,3].")
        self.pos += 1
        items: list[str] = []
        current: list[str] = []
        while True:
            if self.at_end():
                raise self.error("Missing ']' after a list.")
            char = self.text[self.pos]
            if char == "$":
                escaped = self.text[self.pos + 1 : self.pos + 2]
                if not escaped or escaped not in _ESCAPABLE:
                    raise self.error(f"Unescaped '$' at position {self.pos}; write '$$'.")
                current.append(escaped)
                self.pos += 2
            elif char in ",]":
                items.append("".join(current))
                current = []
                self.pos += 1
                if char == "]":
                    return items
            else:
                current.append(char)
                self.pos += 1


def _like_pattern(chars: Sequence[tuple[str, bool]]) -> re.Pattern[str]:
    body = "".join(".*" if wild else re.escape(c) for c, wild in chars)
    if not any(wild for _, wild in chars):
        body = f".*{body}.*"  # no wildcard: a substring match
    return re.compile(f"^{body}$", re.IGNORECASE | re.DOTALL)


def _typed(text: str, spec: Field, path: str) -> Any:
    """Read a filter value as the field's type; a 400 when it cannot be."""
    try:
        return convert(text, spec.kind)
    except (ValueError, InvalidOperation) as exc:
        raise bad_query(
            "Could not parse query string filter.",
            [f"'{text}' is not a valid {spec.kind.value} for property '{path}'."],
        ) from exc


def convert(value: Any, kind: Kind) -> Any:
    """Turn a filter text or a document value into something comparable for ``kind``."""
    if value is None:
        return False if kind is Kind.BOOL else None
    if kind is Kind.INT:
        if isinstance(value, bool):
            raise ValueError("not an integer")
        return int(value)
    if kind is Kind.NUMBER:
        return Decimal(str(value))
    if kind is Kind.DATE:
        return date.fromisoformat(str(value)[:10]) if isinstance(value, str) else value
    if kind is Kind.DATETIME:
        return _instant(str(value))
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        if str(value).lower() not in ("true", "false"):
            raise ValueError("not a boolean")
        return str(value).lower() == "true"
    return str(value).casefold()


def _instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def lookup(doc: Mapping[str, Any], path: str, missing: Any = None) -> Any:
    """Return the value at a dotted path, ``missing`` when any step is missing."""
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return missing
        node = node[part]
    return node


def matches(node: Node, doc: Doc, fields: Fields) -> bool:
    """Tell whether ``doc`` satisfies the filter tree."""
    if isinstance(node, Junction):
        results = (matches(part, doc, fields) for part in node.parts)
        return all(results) if node.all else any(results)
    raw = lookup(doc, node.path)
    kind = fields[node.path].kind
    if node.op == "like":
        return raw is not None and node.pattern is not None and bool(node.pattern.match(str(raw)))
    value = convert(raw, kind)
    if not node.values:  # $null:
        absent = raw is None
        return absent if node.op == "eq" else not absent
    if node.op == "in":
        return value in node.values
    if node.op == "nin":
        return value not in node.values
    wanted = node.values[0]
    if node.op == "eq":
        return bool(value == wanted)
    if node.op == "ne":
        return bool(value != wanted)
    if value is None:
        return False
    return _ORDERED[node.op](value, wanted)


_ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda a, b: bool(a > b),
    "gte": lambda a, b: bool(a >= b),
    "lt": lambda a, b: bool(a < b),
    "lte": lambda a, b: bool(a <= b),
}


def sort_docs(
    docs: list[dict[str, Any]], order: Sequence[tuple[str, bool]], fields: Fields
) -> list[dict[str, Any]]:
    """Sort by the requested fields; absent values sort first, like SQL NULLs ascending."""
    out = list(docs)
    for path, descending in reversed(order):
        out.sort(key=partial(_sort_key, path=path, kind=fields[path].kind), reverse=descending)
    return out


def _sort_key(doc: Doc, path: str, kind: Kind) -> tuple[bool, Any]:
    value = convert(lookup(doc, path), kind)
    return (value is not None, value if value is not None else 0)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a collection and the ``pagination`` block that describes it."""

    items: list[dict[str, Any]]
    pagination: dict[str, Any]
    self_link: str


def paginate(
    docs: list[dict[str, Any]], query: ListQuery, fields: Fields, base: str, path: str
) -> Page:
    """Filter, sort and cut one page out of ``docs`` (already in the collection's order)."""
    selected = [d for d in docs if query.where is None or matches(query.where, d, fields)]
    if query.order:
        selected = sort_docs(selected, query.order, fields)
    return _cut(selected, len(docs), query, (base, path), lambda doc: doc)


def paginate_records(
    records: Sequence[Record],
    render: Callable[[Record], dict[str, Any]],
    query: ListQuery,
    fields: Fields,
    *,
    where: tuple[str, str],
    stored_as_shown: frozenset[str],
    unfiltered: int | None = None,
) -> Page:
    """Answer as :func:`paginate` over every record rendered, rendering only the page.

    A large collection is paged through in many requests; rendering all of it for each page
    would make a walk quadratic. ``where`` is the base URL and the path of the collection;
    ``unfiltered`` is the collection's size when ``records`` holds only part of it.
    Records are filtered as stored when every filtered field is
    ``stored_as_shown`` (the same value in the record as in the rendered document) and no sort
    is asked for; otherwise everything is rendered, exactly as before.
    """
    base, path = where
    total = len(records) if unfiltered is None else unfiltered
    if query.order or (query.where is not None and not _paths(query.where) <= stored_as_shown):
        selected = [render(r) for r in records]
        selected = [d for d in selected if query.where is None or matches(query.where, d, fields)]
        if query.order:
            selected = sort_docs(selected, query.order, fields)
        return _cut(selected, total, query, (base, path), lambda doc: doc)
    selected = [r for r in records if query.where is None or matches(query.where, r, fields)]
    return _cut(selected, total, query, (base, path), render)


def _paths(node: Node) -> set[str]:
    if isinstance(node, Junction):
        return set().union(*(_paths(part) for part in node.parts))
    return {node.path}


def _cut(
    selected: Sequence[Any],
    unfiltered: int,
    query: ListQuery,
    where: tuple[str, str],
    render: Callable[[Any], dict[str, Any]],
) -> Page:
    base, path = where
    size, skip, total = query.page_size, query.skip_pages, len(selected)
    last = max(0, math.ceil(total / size) - 1)

    def link(page: int) -> str:
        return page_link(base, path, page, size, query.rest)

    block: dict[str, Any] = {
        "maxPageSizeAllowed": MAX_PAGE_SIZE,
        "skipPages": skip,
        "pageSize": size,
        "results": total,
        "resultsWithoutFilter": unfiltered,
        "firstPage": link(0),
    }
    if skip > 0:
        block["previousPage"] = link(skip - 1)
    if (skip + 1) * size < total:
        block["nextPage"] = link(skip + 1)
    block["lastPage"] = link(last)
    items = [render(item) for item in selected[skip * size : (skip + 1) * size]]
    return Page(items, block, link(skip))


def page_link(base: str, path: str, page: int, size: int, rest: Sequence[tuple[str, str]]) -> str:
    """Build a page link the way e-conomic does: paging first, then the rest of the query."""
    query = f"skippages={page}&pagesize={size}"
    for name, value in rest:
        query += f"&{name}={encode_param(value)}"
    return f"{base}{path}?{query}"


def encode_param(value: str) -> str:
    """Percent-encode like e-conomic's links (``name%24like%3aTorsten``): lower-case escapes."""
    encoded = quote_plus(value, safe="*()!")
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded)
