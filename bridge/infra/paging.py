"""Pagination as a four-method object, and a helper that turns pages into plain iterators.

A paginator says which parameters fetch the first page, learns from each page, tells whether
another page exists and which parameters fetch it. :func:`iterate` drives it and refuses to
fetch the same page twice, so a vendor whose "next" link loops cannot keep us spinning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeVar

from bridge.vocab.errors import MalformedResponse

Params = dict[str, str | int]
T = TypeVar("T")

# A guard against a vendor that never says "last page": 1,000 pages of 1,000 items is far beyond
# any accounting agreement we serve.
MAX_PAGES = 1000


class Paginator(Protocol):
    """The state of one walk through a paged collection."""

    def first(self) -> Params:
        """Return the query parameters of the first page."""
        ...

    def update(self, page: Any) -> None:
        """Learn from the page just read (totals, next link)."""
        ...

    def has_next(self) -> bool:
        """Tell whether another page follows."""
        ...

    def next_params(self) -> Params:
        """Return the query parameters of the next page."""
        ...


class PageNumberPaginator:
    """Pages addressed by number and size (``skippages``/``pagesize``, ``page``/``limit``, ...).

    ``next_page`` reads the number of the following page from a page, None on the last one.
    """

    def __init__(
        self,
        *,
        page_param: str,
        size_param: str,
        size: int,
        next_page: Callable[[Any, int], int | None],
        start: int = 0,
    ) -> None:
        self.page_param = page_param
        self.size_param = size_param
        self.size = size
        self._next_page = next_page
        self.current = start
        self._next: int | None = start

    def first(self) -> Params:
        """Return the parameters of the first page."""
        return {self.page_param: self.current, self.size_param: self.size}

    def update(self, page: Any) -> None:
        """Read the next page number from ``page``."""
        self._next = self._next_page(page, self.current)

    def has_next(self) -> bool:
        """Tell whether the last page read pointed at a following one."""
        return self._next is not None

    def next_params(self) -> Params:
        """Advance to the following page and return its parameters."""
        if self._next is None:
            raise LookupError("no page follows the last one")
        self.current = self._next
        return {self.page_param: self.current, self.size_param: self.size}


def iterate(
    fetch: Callable[[Params], Any],
    paginator: Paginator,
    items: Callable[[Any], Iterable[T]],
    *,
    what: str = "collection",
    max_pages: int = MAX_PAGES,
) -> Iterator[T]:
    """Yield every item of every page; raise MalformedResponse on a repeated page or a loop."""
    params = paginator.first()
    seen: set[tuple[tuple[str, str], ...]] = set()
    for _ in range(max_pages):
        key = _signature(params)
        if key in seen:
            raise MalformedResponse(f"the vendor's pages of {what} loop back to {dict(params)}")
        seen.add(key)
        page = fetch(params)
        paginator.update(page)
        yield from items(page)
        if not paginator.has_next():
            return
        params = paginator.next_params()
    raise MalformedResponse(f"the vendor's {what} did not end within {max_pages} pages")


def _signature(params: Mapping[str, str | int]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, str(v)) for k, v in params.items()))
