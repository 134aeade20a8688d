"""Operator endpoints. They translate HTTP into the same intake kinds and services the command
line uses, so a row accepted here is exactly a row `cpd-api import` would accept.

* `POST /operator/{kind}`: rows of an intake kind (`schools`, `delivery-partners`,
  `partnerships`, `ecf-participants`, `npq-applications`, `eligibility`, `statements`, ...),
  either as JSON `{"data": [row, ...]}` (a row may be a plain object or `{"attributes": {...}}`)
  or as a CSV body (`Content-Type: text/csv`). All rows are validated first; any bad row gets
  `422` naming its row (JSON) or line (CSV) and nothing is written.
* `POST /operator/partnerships/{id}/challenge`: a school challenges a partnership.
* `GET /operator/statements`, `GET /operator/statements/{id}`: statements with line totals."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from cpd_api.core.audit import Actor
from cpd_api.core.body import data_attributes, read_json
from cpd_api.core.database import Database
from cpd_api.core.dependencies import database, db_session
from cpd_api.core.errors import BadJson, BadParameter, NotFound, UnprocessableEntity
from cpd_api.core.formats import calendar_date, timestamp
from cpd_api.core.intake import IntakeKind, IntakeRejected, run_intake
from cpd_api.core.jsonapi import JsonApiResponse
from cpd_api.intake_kinds import intake_kinds
from cpd_api.partnerships.service import challenge_partnership
from cpd_api.statements.service import StatementSummary, statement_summaries

ACTOR = Actor.operator("operator-api")
CSV_TYPES = ("text/csv", "application/csv")

router = APIRouter(prefix="/operator", include_in_schema=False)


def _kind(name: str) -> IntakeKind:
    kind = intake_kinds().get(name)
    if kind is None:
        raise NotFound()
    return kind


def _rows_as_json_lines(body: Any) -> str:
    """`{"data": [...]}` as JSON Lines, one row per line, so line N is row N."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise BadJson()
    lines = []
    for row in body["data"]:
        if isinstance(row, dict) and isinstance(row.get("attributes"), dict):
            row = row["attributes"]
        lines.append(orjson.dumps(row).decode())
    return "\n".join(lines)


async def _intake_text(request: Request) -> tuple[str, str, str]:
    """(text, format, what a line number counts) of the request body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in CSV_TYPES:
        raw = await request.body()
        try:
            return raw.decode("utf-8-sig"), "csv", "line"
        except UnicodeDecodeError:
            raise BadParameter("The CSV body must be UTF-8 text") from None
    body = await read_json(request)
    return _rows_as_json_lines(body), "jsonl", "row"


def _intake_result(result) -> dict[str, Any]:
    return {
        "data": {
            "type": "intake-result",
            "attributes": {
                "kind": result.kind,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "notes": list(result.notes),
            },
        }
    }


@router.get("")
def operator_index() -> JsonApiResponse:
    """What this API offers, so a feeding system can discover the kinds it may send."""
    kinds = intake_kinds()
    return JsonApiResponse(
        {
            "data": [
                {
                    "id": name,
                    "type": "intake-kind",
                    "attributes": {
                        "description": kind.description,
                        "endpoint": f"POST /operator/{name}",
                        "fields": list(kind.row_model.model_fields),
                    },
                }
                for name, kind in kinds.items()
            ],
            "links": {
                "statements": "/operator/statements",
                "challenge": "/operator/partnerships/{id}/challenge",
            },
        }
    )


@router.get("/statements")
def list_statements(request: Request, session: Session = Depends(db_session)) -> JsonApiResponse:
    params = request.query_params
    cohort = params.get("cohort")
    if cohort is not None and not cohort.isdigit():
        raise BadParameter("cohort must be a start year such as 2024")
    summaries = statement_summaries(
        session, provider=params.get("provider"), cohort=int(cohort) if cohort else None
    )
    programme = params.get("programme")
    if programme:
        summaries = [s for s in summaries if s.statement.programme == programme]
    return JsonApiResponse({"data": [_statement(summary) for summary in summaries]})


@router.get("/statements/{statement_id}")
def show_statement(statement_id: str, session: Session = Depends(db_session)) -> JsonApiResponse:
    try:
        wanted = uuid.UUID(statement_id)
    except ValueError:
        raise NotFound() from None
    for summary in statement_summaries(session):
        if summary.statement.id == wanted:
            return JsonApiResponse({"data": _statement(summary)})
    raise NotFound()


def _statement(summary: StatementSummary) -> dict[str, Any]:
    statement, totals = summary.statement, summary.totals
    return {
        "id": str(statement.id),
        "type": "statement",
        "attributes": {
            "lead_provider_id": str(statement.lead_provider_id),
            "lead_provider_name": summary.provider_name,
            "programme": statement.programme,
            "cohort": str(statement.cohort_year),
            "name": statement.name,
            "cut_off_date": calendar_date(statement.deadline_date),
            "payment_date": calendar_date(statement.payment_date),
            "output_fee": statement.output_fee,
            "state": statement.state,
            "paid": statement.paid,
            "totals": {
                "lines": dict(sorted(totals.counts.items())),
                "billable": totals.billable,
                "refundable": totals.refundable,
                "net": totals.net,
            },
            "created_at": timestamp(statement.created_at),
            "updated_at": timestamp(statement.updated_at),
        },
    }


@router.post("/partnerships/{partnership_id}/challenge")
async def challenge(partnership_id: str, request: Request, db: Database = Depends(database)):
    """A school says it does not work with the provider: the partnership is challenged."""
    attributes = data_attributes(await read_json(request))
    try:
        key = uuid.UUID(partnership_id)
    except ValueError:
        raise NotFound() from None
    reason = attributes.get("reason") if attributes else None
    with db.session() as session:
        partnership = challenge_partnership(session, key, reason, ACTOR)
        body = {
            "data": {
                "id": str(partnership.id),
                "type": "partnership",
                "attributes": {
                    "status": "challenged",
                    "challenged_reason": partnership.challenge_reason,
                    "challenged_at": timestamp(partnership.challenged_at),
                    "cohort": partnership.cohort_year,
                    "lead_provider_id": str(partnership.lead_provider_id),
                    "school_id": str(partnership.school_id),
                },
            }
        }
    return JsonApiResponse(body)


@router.post("/{kind}")
async def intake(kind: str, request: Request, db: Database = Depends(database)):
    """Rows of one intake kind: all validated, then all written, or none."""
    chosen = _kind(kind)
    text, fmt, unit = await _intake_text(request)
    try:
        with db.session() as session:
            result = run_intake(session, chosen, text, fmt=fmt, actor=ACTOR)
    except IntakeRejected as rejected:
        raise UnprocessableEntity(
            [(f"{unit} {error.line}", error.message) for error in rejected.errors]
        ) from None
    return JsonApiResponse(_intake_result(result))
