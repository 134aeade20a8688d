"""Reading intake files (CSV or JSON Lines) row by row with line numbers, validating every
row before anything is written, and reporting each bad row with its line and reason.

A kind of intake is a pydantic model for one row plus a function that writes all valid rows
in one transaction. Kinds register themselves in `cpd_api.intake_kinds`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from .audit import Actor

Row = TypeVar("Row", bound=BaseModel)


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class IntakeRejected(Exception):
    """Nothing was written because at least one row is bad."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} bad row(s); nothing was written")


@dataclass
class IntakeResult:
    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.kind}: {self.rows} row(s) read, {self.created} created, {self.updated} updated"
        )


@dataclass(frozen=True)
class IntakeKind(Generic[Row]):
    """`apply` receives validated rows with their line numbers; it may raise IntakeRejected
    for errors that need the database (unknown references), still before any write lands."""

    name: str
    row_model: type[Row]
    apply: Callable[[Session, list[tuple[int, Row]], Actor], IntakeResult]
    description: str


def _blank_to_none(record: dict[str, Any]) -> dict[str, Any]:
    return {k.strip(): (None if v == "" else v) for k, v in record.items() if k is not None}


def read_records(text: str, *, fmt: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, record) pairs; a record that cannot be parsed is returned as a message."""
    if fmt == "jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield number, f"not valid JSON ({exc})"
                continue
            if not isinstance(value, dict):
                yield number, "each line must be a JSON object"
                continue
            yield number, value
        return
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        return
    for record in reader:
        if None in record:
            yield reader.line_num, "more values than columns"
            continue
        yield reader.line_num, _blank_to_none(record)


def detect_format(path: Path) -> str:
    return "jsonl" if path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        location = ".".join(str(p) for p in item["loc"]) or "row"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


def validate_rows(
    kind: IntakeKind[Row], records: Iterable[tuple[int, dict[str, Any] | str]]
) -> list[tuple[int, Row]]:
    rows: list[tuple[int, Row]] = []
    errors: list[RowError] = []
    for line, record in records:
        if isinstance(record, str):
            errors.append(RowError(line, record))
            continue
        try:
            rows.append((line, kind.row_model.model_validate(record)))
        except ValidationError as exc:
            errors.append(RowError(line, _describe(exc)))
    if errors:
        raise IntakeRejected(errors)
    return rows


def run_intake(
    session: Session, kind: IntakeKind[Row], text: str, *, fmt: str, actor: Actor
) -> IntakeResult:
    """Validate everything, then write everything in the caller's one transaction."""
    rows = validate_rows(kind, read_records(text, fmt=fmt))
    if not rows:
        raise IntakeRejected([RowError(1, "the file has no rows")])
    return kind.apply(session, rows, actor)
