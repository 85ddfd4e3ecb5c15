# Generated from spec/paperspace-deployments-api-openapi.yml by the project's generator: do not edit.
# Change the spec, its overlays or the templates, then run `make generate`.
# (hand-owned runtime: templates/runtime/_pagination.py)
"""Cursor pagination: :class:`Paging` says how a paginated operation's answer is read, and the
page objects a paginated method returns walk every item of every page, fetching the next page
only when it is needed (and refusing a cursor that would loop forever). The fetching itself is
the client's: a page is handed a function that sends the next request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic

from .errors import APIError

PageT = TypeVar("PageT", bound=pydantic.BaseModel)
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Paging:
    """How a paginated operation's answer is read; generated from the spec's ``x-pagination``."""

    cursor_param: str  # wire name of the query parameter that takes the cursor
    items: str  # attribute names on the page model
    has_more: str
    next_cursor: str


class _PageBase(Generic[PageT, ItemT]):
    def __init__(self, page: PageT, paging: Paging) -> None:
        self.page = page
        self._paging = paging

    def __getattr__(self, name: str) -> Any:
        # the page's own fields (``has_more``, ``next_page``...) read straight through
        if name.startswith("_") or name == "page":
            raise AttributeError(name)
        return getattr(self.page, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.page!r})"

    def _items(self, page: PageT) -> list[ItemT]:
        return list(getattr(page, self._paging.items) or [])

    def _next_cursor(self, page: PageT, seen: set[str]) -> str | None:
        if not getattr(page, self._paging.has_more):
            return None
        cursor = getattr(page, self._paging.next_cursor)
        if not cursor:
            raise APIError("The server said there are more pages but gave no cursor for the next one.")
        if cursor in seen:
            raise APIError(f"The server repeated the cursor {cursor!r}; stopping instead of looping forever.")
        seen.add(cursor)
        return str(cursor)


class SyncPage(_PageBase[PageT, ItemT]):
    """One page; iterating it yields every item of every page, fetching the next ones lazily."""

    def __init__(self, page: PageT, fetch: Callable[[str], PageT], paging: Paging) -> None:
        super().__init__(page, paging)
        self._fetch = fetch

    def iter_pages(self) -> Iterator[PageT]:
        page: PageT | None = self.page
        seen: set[str] = set()
        while page is not None:
            yield page
            cursor = self._next_cursor(page, seen)
            page = self._fetch(cursor) if cursor is not None else None

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from self._items(page)


class AsyncPage(_PageBase[PageT, ItemT]):
    """One page; ``async for`` over it yields every item of every page, fetching lazily."""

    def __init__(self, page: PageT, fetch: Callable[[str], Awaitable[PageT]], paging: Paging) -> None:
        super().__init__(page, paging)
        self._fetch = fetch

    async def iter_pages(self) -> AsyncIterator[PageT]:
        page: PageT | None = self.page
        seen: set[str] = set()
        while page is not None:
            yield page
            cursor = self._next_cursor(page, seen)
            page = await self._fetch(cursor) if cursor is not None else None

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in self._items(page):
                yield item


class AsyncPaginator(Generic[PageT, ItemT]):
    """What an async paginated method returns, as Stainless SDKs do: ``async for`` over it yields
    every item of every page; ``await`` it for the first page (an :class:`AsyncPage`). Nothing is
    sent before either, and each starts from the first page again."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[PageT, ItemT]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[PageT, ItemT]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for item in await self._first_page():
            yield item

    def __repr__(self) -> str:
        return f"{type(self).__name__}(not sent yet: await it for the first page, or async for over its items)"


__all__ = ["AsyncPage", "AsyncPaginator", "Paging", "SyncPage"]
