"""Countless page-number paging: no totals, no links, clients stop at a short page."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PAGINATION_DETAIL, BadRequest
from .query import QueryParams

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000


@dataclass(frozen=True, slots=True)
class Page:
    number: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def limit(self) -> int:
        return self.per_page


def _positive(value: str | None, default: int) -> int:
    if value is None:
        return default
    text = value.strip()
    # The public service converted non-numeric text to 0, which then failed the >= 1 check.
    number = int(text) if text.lstrip("+-").isdigit() else 0
    if number < 1:
        raise BadRequest(PAGINATION_DETAIL)
    return number


def parse_page(params: QueryParams) -> Page:
    page = params.nested("page")
    if isinstance(page, str):
        raise BadRequest(PAGINATION_DETAIL)
    number = _positive(page.get("page"), 1)
    per_page = min(_positive(page.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return Page(number, per_page)
