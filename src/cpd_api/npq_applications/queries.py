"""Reading NPQ applications for list, CSV and show: one statement for the page (with each
application's schedule) and one for the funding history that decides `eligible_for_funding`,
whatever the page size."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from cpd_api.core.paging import Page
from cpd_api.core.sorting import order_by, parse_sort
from cpd_api.participants.npq.rules import same_course_identifiers
from cpd_api.schedules.models import Schedule

from . import rules
from .models import NpqApplication

SORT_COLUMNS = {"created_at": NpqApplication.created_at, "updated_at": NpqApplication.updated_at}


@dataclass(slots=True)
class ApplicationView:
    application: NpqApplication
    schedule_identifier: str | None
    previously_funded: bool = False

    @property
    def eligible_for_funding(self) -> bool:
        return rules.eligible_for_funding(
            self.application.eligible_for_funding, self.previously_funded
        )

    @property
    def ineligible_for_funding_reason(self) -> str | None:
        return rules.ineligible_for_funding_reason(
            self.application.eligible_for_funding, self.previously_funded
        )


def applications_query(
    provider_id: uuid.UUID,
    *,
    cohorts: Sequence[int] | None = None,
    updated_since: datetime | None = None,
    inclusive_since: bool = False,
    participant_ids: Sequence[uuid.UUID] | None = None,
) -> Select:
    query = (
        select(NpqApplication, Schedule.identifier)
        .outerjoin(Schedule, Schedule.id == NpqApplication.schedule_id)
        .where(NpqApplication.lead_provider_id == provider_id)
    )
    if cohorts is None:
        query = query.where(NpqApplication.cohort_year > 2020)
    else:
        query = query.where(NpqApplication.cohort_year.in_(list(cohorts)))
    if updated_since is not None:
        query = query.where(
            NpqApplication.updated_at >= updated_since
            if inclusive_since
            else NpqApplication.updated_at > updated_since
        )
    if participant_ids is not None:
        query = query.where(NpqApplication.participant_id.in_(list(participant_ids)))
    return query


def _views(session: Session, rows) -> list[ApplicationView]:
    views = [ApplicationView(application, identifier) for application, identifier in rows]
    _attach_funding_history(session, views)
    return views


def list_applications(
    session: Session, query: Select, page: Page | None, sort: str | None = None
) -> list[ApplicationView]:
    order = order_by(parse_sort(sort, SORT_COLUMNS), SORT_COLUMNS)
    order = order or [NpqApplication.created_at.asc()]
    query = query.order_by(*order, NpqApplication.id)
    if page is not None:
        query = query.offset(page.offset).limit(page.limit)
    return _views(session, session.execute(query))


def application_of_provider(
    session: Session, provider_id: uuid.UUID, application_id: uuid.UUID
) -> ApplicationView | None:
    rows = session.execute(
        select(NpqApplication, Schedule.identifier)
        .outerjoin(Schedule, Schedule.id == NpqApplication.schedule_id)
        .where(NpqApplication.lead_provider_id == provider_id, NpqApplication.id == application_id)
    ).all()
    views = _views(session, rows)
    return views[0] if views else None


def funded_applications(
    session: Session, participant_ids: Sequence[uuid.UUID], courses: Sequence[str]
) -> list[rules.FundedApplication]:
    """Accepted, raw-eligible applications with a funded (or unspecified) place of these
    people for these courses, any provider and any cohort."""
    if not participant_ids or not courses:
        return []
    rows = session.execute(
        select(
            NpqApplication.id, NpqApplication.participant_id, NpqApplication.course_identifier
        ).where(
            NpqApplication.participant_id.in_(list(participant_ids)),
            NpqApplication.course_identifier.in_(list(courses)),
            NpqApplication.status == "accepted",
            NpqApplication.eligible_for_funding.is_(True),
            or_(NpqApplication.funded_place.is_(None), NpqApplication.funded_place.is_(True)),
        )
    )
    return [rules.FundedApplication(*row) for row in rows]


def previously_funded_ids(
    session: Session, applications: Sequence[NpqApplication]
) -> set[uuid.UUID]:
    """Ids of the given applications whose person was already funded for the course by
    another application. Declarations use this for "fundable" (npq.md 1.7.2)."""
    people = list({a.participant_id for a in applications})
    courses = sorted(
        {c for a in applications for c in same_course_identifiers(a.course_identifier)}
    )
    by_person: dict[uuid.UUID, list[rules.FundedApplication]] = {}
    for funded in funded_applications(session, people, courses):
        by_person.setdefault(funded.participant_id, []).append(funded)
    return {
        a.id
        for a in applications
        if rules.previously_funded(
            a.id, a.participant_id, a.course_identifier, by_person.get(a.participant_id, ())
        )
    }


def _attach_funding_history(session: Session, views: list[ApplicationView]) -> None:
    flagged = previously_funded_ids(session, [v.application for v in views])
    for view in views:
        view.previously_funded = view.application.id in flagged
