"""Reading the bracketed query parameters (`filter[cohort]`, `page[per_page]`) of a request.

FastAPI's own parameter parsing is bypassed for these on purpose: the public service answers
shape errors with its own 400 bodies, never a framework 422."""

from __future__ import annotations

from starlette.datastructures import QueryParams as StarletteQueryParams


class QueryParams:
    """Query parameters grouped by their bracketed prefix."""

    __slots__ = ("_flat", "_nested")

    def __init__(self, params: StarletteQueryParams) -> None:
        self._flat: dict[str, str] = {}
        self._nested: dict[str, dict[str, str] | str] = {}
        for key, value in params.multi_items():
            if "[" in key and key.endswith("]"):
                prefix, _, rest = key.partition("[")
                name = rest[:-1]
                group = self._nested.get(prefix)
                if not isinstance(group, dict):
                    group = {}
                    self._nested[prefix] = group
                group[name] = value
            else:
                self._flat[key] = value
                # A scalar `filter=abc` is remembered so its shape can be rejected.
                self._nested.setdefault(key, value)

    def get(self, name: str) -> str | None:
        return self._flat.get(name)

    def nested(self, prefix: str) -> dict[str, str] | str:
        """The `prefix[...]` group as a dict, the raw scalar if sent flat, or `{}`."""
        return self._nested.get(prefix, {})
