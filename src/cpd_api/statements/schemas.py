"""v3 statement documents: the plain-dict serializer, and pydantic models that describe
responses and filters in the published OpenAPI document."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from cpd_api.core.formats import calendar_date, cohort_text, timestamp
from cpd_api.core.jsonapi import resource

from .queries import StatementRow, month_text, year_text

RESOURCE_TYPE = "statement"


def statement_attributes(row: StatementRow) -> dict:
    return {
        "month": month_text(row.name, row.month),
        "year": year_text(row.name, row.year),
        "type": row.programme,
        "cohort": cohort_text(row.cohort),
        "cut_off_date": calendar_date(row.deadline_date),
        "payment_date": calendar_date(row.payment_date),
        "paid": row.state == "paid",
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }


def statement_resource(row: StatementRow) -> dict:
    return resource(row.id, RESOURCE_TYPE, statement_attributes(row))


class StatementsFilter(BaseModel):
    """Filter statements to return more specific results."""

    cohort: str | None = Field(
        None, description="Comma-separated cohort start years.", examples=["2021,2022"]
    )
    type: Literal["ecf", "npq"] | None = Field(None, description="Statements of one programme.")
    updated_since: str | None = Field(
        None,
        description="Only statements updated at or after this date and time (ISO 8601).",
        examples=["2021-05-13T11:21:55Z"],
    )


class StatementAttributes(BaseModel):
    month: str = Field(examples=["May"])
    year: str = Field(examples=["2022"])
    type: Literal["ecf", "npq"]
    cohort: str
    cut_off_date: str = Field(description="Last day declarations can attach to the statement")
    payment_date: str
    paid: bool
    created_at: datetime
    updated_at: datetime


class Statement(BaseModel):
    id: str
    type: Literal["statement"]
    attributes: StatementAttributes


class StatementResponse(BaseModel):
    data: Statement


class StatementsResponse(BaseModel):
    data: list[Statement]
