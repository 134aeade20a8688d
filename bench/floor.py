"""The floor: what one v3 participants page costs with nothing but SQL, psycopg and orjson.

No HTTP, no authentication, no rate limit, no ORM, no middleware: the same rows the endpoint
must return (`ECFParticipant` of the v3 reference document, attribute order included), read
with a fixed three statements and serialised from plain tuples. The endpoint's time divided by
this time is what the service's layers cost."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import UTC, datetime

import orjson
import psycopg

PAGE_SQL = """
SELECT participant_id, participant_created_at
FROM visible_people
WHERE lead_provider_id = %(provider)s
ORDER BY participant_created_at, participant_id
LIMIT %(limit)s OFFSET %(offset)s
"""

PEOPLE_SQL = """
SELECT id, full_name, trn, updated_at FROM participants WHERE id = ANY(%(people)s)
"""

# The visible induction record of every ECF profile of the page's people (ecf.md 1.4: open
# records first, then latest start, then latest creation), with what the enrolment shows.
ENROLMENTS_SQL = """
SELECT
    pp.participant_id, pp.id, pp.profile_type, pp.eligibility_status,
    pp.trn_validated, pp.pupil_premium_uplift, pp.sparsity_uplift, pp.created_at,
    pp.induction_completion_date, pp.mentor_completion_date,
    pp.cohort_changed_after_payments_frozen, pp.mentor_ineligible_for_funding_reason,
    ir.email, mp.participant_id AS mentor_id, s.urn, ir.cohort_year, ir.training_status,
    ir.induction_status, ir.start_date, ir.end_date, sc.identifier, pa.delivery_partner_id,
    st.reason, st.created_at AS state_at
FROM visible_enrolments ve
JOIN participant_profiles pp ON pp.id = ve.participant_profile_id
JOIN induction_records ir ON ir.id = ve.induction_record_id
JOIN partnerships pa ON pa.id = ir.partnership_id
JOIN schools s ON s.id = ir.school_id
JOIN schedules sc ON sc.id = ir.schedule_id
LEFT JOIN participant_profiles mp ON mp.id = ir.mentor_profile_id
LEFT JOIN LATERAL (
    SELECT reason, created_at FROM participant_profile_states
    WHERE participant_profile_id = pp.id AND lead_provider_id = %(provider)s
      AND state = ir.training_status AND ir.training_status IN ('withdrawn', 'deferred')
    ORDER BY created_at DESC LIMIT 1
) st ON true
WHERE ve.lead_provider_id = %(provider)s AND ve.participant_id = ANY(%(people)s)
ORDER BY pp.created_at, pp.id
"""

ID_CHANGES_SQL = """
SELECT participant_id, from_participant_id, to_participant_id, created_at
FROM participant_id_changes WHERE participant_id = ANY(%(people)s)
ORDER BY created_at, id
"""

LEGACY_REASONS = {"school-left-fip": "switched-to-school-led"}


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _participant_status(induction_status, start, end, now) -> str | None:
    if end is not None:
        return "leaving" if end > now else "left"
    if start > now:
        return "joining"
    return {"active": "active", "completed": "active", "withdrawn": "withdrawn"}.get(
        induction_status, "withdrawn" if induction_status == "changed" else None
    )


def _eligible(status: str | None) -> bool | None:
    return True if status == "eligible" else False if status == "ineligible" else None


def page_document(
    connection: psycopg.Connection, provider_id: uuid.UUID, number: int, per_page: int
) -> bytes:
    """One page of v3 participants as the encoded JSON:API document."""
    now = datetime.now(UTC)
    keys = connection.execute(
        PAGE_SQL,
        {"provider": provider_id, "limit": per_page, "offset": (number - 1) * per_page},
    ).fetchall()
    ids = [row[0] for row in keys]
    found = {row[0]: row for row in connection.execute(PEOPLE_SQL, {"people": ids})}
    people = [found[pid] for pid in ids]
    trns = {row[0]: row[2] for row in people}
    enrolments: dict[uuid.UUID, list[dict]] = {pid: [] for pid in ids}
    changes: dict[uuid.UUID, list[dict]] = {pid: [] for pid in ids}
    rows = connection.execute(ENROLMENTS_SQL, {"provider": provider_id, "people": ids})
    for (person, profile_id, kind, eligibility, trn_validated, pupil_premium, sparsity,
         created, induction_end, mentor_end, cohort_changed, mentor_reason, email, mentor_id,
         urn, cohort, training_status, induction_status, start, end, schedule, partner,
         state_reason, state_at) in rows:  # fmt: skip
        state = None
        if state_at is not None:
            if training_status == "withdrawn":
                state_reason = LEGACY_REASONS.get(state_reason, state_reason)
            state = {"reason": state_reason, "date": _stamp(state_at)}
        enrolments[person].append(
            {
                "training_record_id": str(profile_id),
                "email": email,
                "mentor_id": str(mentor_id) if mentor_id and kind == "ect" else None,
                "school_urn": urn,
                "participant_type": kind,
                "cohort": str(cohort),
                "training_status": training_status,
                "participant_status": _participant_status(induction_status, start, end, now),
                "teacher_reference_number_validated": bool(trn_validated) if trns[person] else None,
                "eligible_for_funding": _eligible(eligibility),
                "pupil_premium_uplift": pupil_premium,
                "sparsity_uplift": sparsity,
                "schedule_identifier": schedule,
                "delivery_partner_id": str(partner),
                "withdrawal": state if training_status == "withdrawn" else None,
                "deferral": state if training_status == "deferred" else None,
                "created_at": _stamp(created),
                "induction_end_date": induction_end.isoformat() if induction_end else None,
                "mentor_funding_end_date": mentor_end.isoformat() if mentor_end else None,
                "cohort_changed_after_payments_frozen": cohort_changed,
                "mentor_ineligible_for_funding_reason": mentor_reason,
            }
        )
    for person, source, target, changed in connection.execute(ID_CHANGES_SQL, {"people": ids}):
        changes[person].append(
            {
                "from_participant_id": str(source),
                "to_participant_id": str(target),
                "changed_at": _stamp(changed),
            }
        )
    data = [
        {
            "id": str(person),
            "type": "participant",
            "attributes": {
                "full_name": name,
                "teacher_reference_number": trn,
                "updated_at": _stamp(updated),
                "ecf_enrolments": enrolments[person],
                "participant_id_changes": changes[person],
            },
        }
        for person, name, trn, updated in people
    ]
    return orjson.dumps({"data": data})


def measure(
    conninfo: str,
    provider_id: uuid.UUID,
    number: int,
    per_page: int,
    *,
    repeats: int = 50,
    max_seconds: float = 15.0,
) -> dict:
    """Latency of the floor for one page, warmed up, on one connection."""
    with psycopg.connect(conninfo, autocommit=True) as connection:
        document = page_document(connection, provider_id, number, per_page)
        timings = []
        deadline = time.perf_counter() + max_seconds
        for _ in range(repeats):
            started = time.perf_counter()
            page_document(connection, provider_id, number, per_page)
            timings.append(time.perf_counter() - started)
            if time.perf_counter() > deadline:
                break
    timings.sort()
    return {
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[min(len(timings) - 1, int(len(timings) * 0.95))] * 1000,
        "samples": len(timings),
        "records": len(orjson.loads(document)["data"]),
        "bytes": len(document),
    }
