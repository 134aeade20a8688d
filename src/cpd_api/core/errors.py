"""Errors a request can end in, and their JSON:API bodies.

Endpoints and services raise these; one exception handler renders them, so every error body
of the API has exactly one source."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NOT_FOUND_BODY = {
    "error": "Resource not Found",
    "errors": [
        {"title": "Resource not found", "detail": "Nothing could be found for the provided details"}
    ],
}
UNAUTHORIZED_BODY = {"error": "HTTP Token: Access denied"}
INTERNAL_ERROR_BODY = {
    "error": "Internal server error",
    "errors": [{"title": "Internal server error", "detail": "Something went wrong on our side"}],
}
BAD_JSON_DETAIL = "correct json data structure required. See API docs for reference"
PAGINATION_DETAIL = (
    "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid number "
    "(equal and more than 1)"
)


class ApiError(Exception):
    """An error with a status, a body and optional headers."""

    status_code: int = 400

    def __init__(
        self,
        status_code: int,
        body: dict | None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, body)
        self.status_code = status_code
        self.body = body
        self.headers = headers or {}


def error_body(pairs: Iterable[tuple[str, str]]) -> dict:
    return {"errors": [{"title": title, "detail": detail} for title, detail in pairs]}


class BadRequest(ApiError):
    def __init__(self, detail: str, title: str = "Bad request") -> None:
        super().__init__(400, error_body([(title, detail)]))
        self.detail = detail


class BadJson(BadRequest):
    def __init__(self) -> None:
        super().__init__(BAD_JSON_DETAIL)


class BadParameter(BadRequest):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, title="Bad parameter")


class NotFound(ApiError):
    def __init__(self) -> None:
        super().__init__(404, NOT_FOUND_BODY)


class Unauthorized(ApiError):
    def __init__(self) -> None:
        super().__init__(401, UNAUTHORIZED_BODY, {"WWW-Authenticate": 'Bearer realm="Application"'})


class Forbidden(ApiError):
    """403 with an empty body, as the public service answers."""

    def __init__(self) -> None:
        super().__init__(403, None)


class PayloadTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            error_body(
                [("Payload too large", f"The request body must not be larger than {limit} bytes")]
            ),
        )


class NotAcceptable(ApiError):
    def __init__(self) -> None:
        super().__init__(406, None)


class ServiceUnavailable(ApiError):
    def __init__(self, detail: str = "The service is temporarily unavailable, try again shortly"):
        super().__init__(503, error_body([("Service unavailable", detail)]), {"Retry-After": "5"})


class UnprocessableEntity(ApiError):
    """Domain validation failure: one error per attribute, messages de-duplicated, in order."""

    def __init__(self, errors: Sequence[tuple[str, str | Sequence[str]]]) -> None:
        merged: dict[str, list[str]] = {}
        for attribute, messages in errors:
            bucket = merged.setdefault(attribute, [])
            for message in [messages] if isinstance(messages, str) else messages:
                if message not in bucket:
                    bucket.append(message)
        self.errors = [(attribute, ", ".join(msgs)) for attribute, msgs in merged.items()]
        super().__init__(422, error_body(self.errors))


class InvalidAction(UnprocessableEntity):
    def __init__(self, detail: str) -> None:
        super().__init__([("Invalid action", detail)])


class BadOrMissingParameters(UnprocessableEntity):
    def __init__(self, parameter: str) -> None:
        super().__init__([("Bad or missing parameters", parameter)])


def validation_error(attribute: str, message: str) -> UnprocessableEntity:
    return UnprocessableEntity([(attribute, message)])
