"""Partnership use cases: a provider confirms or updates a partnership (API), a school
challenges one (operator API). Each is one transaction ending in `session.commit()`.

Every write moves `updated_at` of everything whose representation it changes: the
partnership, the school (its `in_partnership` and programme choice) and the participants
training under the partnership (their delivery partner, their visibility)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, false, or_, select, true, update
from sqlalchemy.orm import Session

from cpd_api.core import clock
from cpd_api.core.audit import Actor, record_change
from cpd_api.core.database import lock_for_write
from cpd_api.core.errors import InvalidAction, NotFound, UnprocessableEntity
from cpd_api.delivery_partners.models import DeliveryPartner, ProviderRelationship
from cpd_api.participants.models import InductionRecord, Participant, ParticipantProfile
from cpd_api.schedules.models import Cohort
from cpd_api.schools import rules as school_rules
from cpd_api.schools.models import School, SchoolCohort

from . import rules
from .models import Partnership


@dataclass(frozen=True, slots=True)
class PartnershipOwner:
    """The provider confirming a partnership (the caller, or a provider named in intake)."""

    id: uuid.UUID
    name: str


def _uuid(value: Any) -> uuid.UUID | None:
    if rules.is_blank(value):
        return None
    try:
        return uuid.UUID(rules.as_text(value))
    except ValueError:
        return None


def _cohort(session: Session, value: Any) -> Cohort | None:
    if rules.is_blank(value):
        return None
    text = rules.as_text(value)
    if not text.isdigit() or len(text) > 6:
        return None
    return session.get(Cohort, int(text))


def _partnership_lock(school_id: uuid.UUID, cohort: int | str) -> str:
    """One school's partnerships for one cohort are decided one request at a time, so two
    providers cannot both confirm the same school at once."""
    return f"partnership:{school_id}:{cohort}"


def _active_main(school_id: uuid.UUID, cohort: int):
    return and_(
        Partnership.school_id == school_id,
        Partnership.cohort_year == cohort,
        Partnership.relationship.is_(false()),
        Partnership.challenged_at.is_(None),
        Partnership.challenge_reason.is_(None),
    )


def _related(session: Session, provider_id: uuid.UUID, partner_id: uuid.UUID, cohort: int) -> bool:
    return (
        session.scalar(
            select(ProviderRelationship.id).where(
                ProviderRelationship.lead_provider_id == provider_id,
                ProviderRelationship.delivery_partner_id == partner_id,
                ProviderRelationship.cohort_year == cohort,
            )
        )
        is not None
    )


def _create_facts(
    session: Session,
    provider_id: uuid.UUID,
    attributes: dict[str, Any],
    cohort: Cohort | None,
    school: School | None,
    partner: DeliveryPartner | None,
) -> rules.CreateFacts:
    own = other = last_cohort = False
    if school is not None and cohort is not None:
        year = cohort.start_year
        own = session.scalar(
            exists()
            .where(_active_main(school.id, year), Partnership.lead_provider_id == provider_id)
            .select()
        )
        other = session.scalar(
            exists()
            .where(_active_main(school.id, year), Partnership.lead_provider_id != provider_id)
            .select()
        )
        has_school_cohort = session.scalar(
            exists()
            .where(SchoolCohort.school_id == school.id, SchoolCohort.cohort_year == year)
            .select()
        )
        last_cohort = not has_school_cohort and session.scalar(
            exists().where(_active_main(school.id, year - 1)).select()
        )
    return rules.CreateFacts(
        cohort_given=not rules.is_blank(attributes.get("cohort")),
        cohort_exists=cohort is not None,
        school_given=not rules.is_blank(attributes.get("school_id")),
        school=None
        if school is None
        else rules.SchoolFacts(funding_eligible=school.funding_eligible, cip_only=school.cip_only),
        own_active_partnership=bool(own),
        other_provider_active_partnership=bool(other),
        partnered_last_cohort_without_school_cohort=bool(last_cohort),
        delivery_partner_given=not rules.is_blank(attributes.get("delivery_partner_id")),
        delivery_partner_exists=partner is not None,
        delivery_partner_related=partner is not None
        and cohort is not None
        and _related(session, provider_id, partner.id, cohort.start_year),
    )


def confirm_partnership(
    session: Session, owner: PartnershipOwner, attributes: dict[str, Any], actor: Actor
) -> Partnership:
    """`POST /partnerships/ecf`: confirm (or re-confirm after a challenge) a partnership."""
    school_id = _uuid(attributes.get("school_id"))
    raw_cohort = attributes.get("cohort")
    if school_id is not None and not rules.is_blank(raw_cohort):
        lock_for_write(session, _partnership_lock(school_id, rules.as_text(raw_cohort)))
    cohort = _cohort(session, attributes.get("cohort"))
    school = session.get(School, school_id) if school_id is not None else None
    partner_id = _uuid(attributes.get("delivery_partner_id"))
    partner = session.get(DeliveryPartner, partner_id) if partner_id is not None else None
    errors = rules.create_errors(
        _create_facts(session, owner.id, attributes, cohort, school, partner)
    )
    if errors:
        raise UnprocessableEntity(errors)
    assert cohort is not None and school is not None and partner is not None
    partnership = _record_to_confirm(session, owner.id, school.id, cohort.start_year, partner.id)
    created = partnership.id is None
    _report(session, partnership, cohort, partner.id, activating=True)
    record_change(
        session,
        actor,
        "partnership",
        partnership.id,
        "created" if created else "confirmed",
        {"school_id": school.id, "cohort": cohort.start_year, "delivery_partner_id": partner.id},
    )
    session.commit()
    return partnership


def _record_to_confirm(
    session: Session,
    provider_id: uuid.UUID,
    school_id: uuid.UUID,
    cohort: int,
    partner_id: uuid.UUID,
) -> Partnership:
    """The provider's main partnership for the school and cohort (a challenged one comes back
    to life with the same id); else a relationship with this delivery partner, promoted;
    else a new one."""
    mine = and_(
        Partnership.school_id == school_id,
        Partnership.cohort_year == cohort,
        Partnership.lead_provider_id == provider_id,
    )
    main = session.scalar(select(Partnership).where(mine, Partnership.relationship.is_(false())))
    if main is not None:
        return main
    relationship = session.scalar(
        select(Partnership)
        .where(
            mine,
            Partnership.relationship.is_(true()),
            Partnership.delivery_partner_id == partner_id,
        )
        .order_by(Partnership.created_at)
        .limit(1)
    )
    if relationship is not None:
        relationship.relationship = False
        return relationship
    return Partnership(
        school_id=school_id,
        cohort_year=cohort,
        lead_provider_id=provider_id,
        delivery_partner_id=partner_id,
    )


def _report(
    session: Session,
    partnership: Partnership,
    cohort: Cohort,
    partner_id: uuid.UUID,
    *,
    activating: bool,
) -> None:
    """Effects shared by confirming and re-reporting with another delivery partner;
    `activating` says the school gains a confirmed partnership (its `in_partnership`)."""
    now = clock.now_seconds()
    partnership.delivery_partner_id = partner_id
    partnership.challenge_reason = None
    partnership.challenged_at = None
    partnership.pending = False
    partnership.challenge_deadline = rules.challenge_deadline(
        cohort.academic_year_start_date, clock.today()
    )
    partnership.updated_at = now
    session.add(partnership)
    session.flush()
    adopt_school_cohort(session, partnership, now, activating=activating)
    touch_participants_of_partnerships(session, [partnership.id])


def adopt_school_cohort(
    session: Session, partnership: Partnership, now, *, activating: bool = True
) -> None:
    """The school now runs provider-led training with this partnership for the cohort: its
    choice says so, and participants on the school's default programme (no partnership, or
    a challenged one) train under it."""
    school_cohort = session.scalar(
        select(SchoolCohort).where(
            SchoolCohort.school_id == partnership.school_id,
            SchoolCohort.cohort_year == partnership.cohort_year,
        )
    )
    school_changed = activating
    if school_cohort is None:
        school_changed = True
        school_cohort = SchoolCohort(
            school_id=partnership.school_id,
            cohort_year=partnership.cohort_year,
            induction_programme_choice="full_induction_programme",
        )
        session.add(school_cohort)
    elif not school_rules.is_provider_led(school_cohort.induction_programme_choice):
        school_cohort.induction_programme_choice = "full_induction_programme"
        school_cohort.updated_at = now
        school_changed = True
    challenged_mains = select(Partnership.id).where(
        Partnership.school_id == partnership.school_id,
        Partnership.cohort_year == partnership.cohort_year,
        Partnership.relationship.is_(false()),
        Partnership.id != partnership.id,
        or_(Partnership.challenged_at.is_not(None), Partnership.challenge_reason.is_not(None)),
    )
    default_programme = and_(
        InductionRecord.school_id == partnership.school_id,
        InductionRecord.cohort_year == partnership.cohort_year,
        InductionRecord.end_date.is_(None),
        or_(
            InductionRecord.partnership_id.is_(None),
            InductionRecord.partnership_id.in_(challenged_mains),
        ),
    )
    session.execute(
        update(InductionRecord)
        .where(default_programme)
        .values(partnership_id=partnership.id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if school_changed:
        touch_school(session, partnership.school_id, now)


def change_delivery_partner(
    session: Session,
    provider_id: uuid.UUID,
    partnership_id: uuid.UUID,
    attributes: dict[str, Any],
    actor: Actor,
) -> Partnership:
    """`PUT /partnerships/ecf/{id}`: re-report the partnership with another delivery partner."""
    lock_for_write(session, f"partnership:{partnership_id}")
    partnership = session.scalar(
        select(Partnership).where(
            Partnership.id == partnership_id,
            Partnership.lead_provider_id == provider_id,
            Partnership.relationship.is_(false()),
        )
    )
    if partnership is None:
        raise NotFound()
    lock_for_write(session, _partnership_lock(partnership.school_id, partnership.cohort_year))
    session.refresh(partnership)
    partner_id = _uuid(attributes.get("delivery_partner_id"))
    partner = session.get(DeliveryPartner, partner_id) if partner_id is not None else None
    duplicate = partner is not None and session.scalar(
        exists()
        .where(
            Partnership.school_id == partnership.school_id,
            Partnership.cohort_year == partnership.cohort_year,
            Partnership.lead_provider_id == provider_id,
            Partnership.relationship.is_(true()),
            Partnership.delivery_partner_id == partner.id,
        )
        .select()
    )
    errors = rules.update_errors(
        rules.UpdateFacts(
            delivery_partner_given=not rules.is_blank(attributes.get("delivery_partner_id")),
            delivery_partner_exists=partner is not None,
            delivery_partner_related=partner is not None
            and _related(session, provider_id, partner.id, partnership.cohort_year),
            partnership_challenged=rules.is_challenged(
                partnership.challenge_reason, partnership.challenged_at
            ),
            duplicate_relationship=bool(duplicate),
        )
    )
    if errors:
        raise UnprocessableEntity(errors)
    assert partner is not None
    if partner.id == partnership.delivery_partner_id:
        session.rollback()
        return partnership
    previous = partnership.delivery_partner_id
    cohort = session.get(Cohort, partnership.cohort_year)
    assert cohort is not None
    _report(session, partnership, cohort, partner.id, activating=False)
    record_change(
        session,
        actor,
        "partnership",
        partnership.id,
        "delivery_partner_changed",
        {"delivery_partner_id": [previous, partner.id]},
    )
    session.commit()
    return partnership


def challenge_partnership(
    session: Session, partnership_id: uuid.UUID, reason: str, actor: Actor
) -> Partnership:
    """A school says the partnership is wrong. The provider's participants there disappear
    from its listings, the school shows as not partnered, and the provider can no longer
    change the partnership (only re-confirm it)."""
    lock_for_write(session, f"partnership:{partnership_id}")
    partnership = session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound()
    lock_for_write(session, _partnership_lock(partnership.school_id, partnership.cohort_year))
    session.refresh(partnership)
    errors = rules.challenge_errors(reason)
    if errors:
        raise UnprocessableEntity(errors)
    if rules.is_challenged(partnership.challenge_reason, partnership.challenged_at):
        raise InvalidAction(rules.ALREADY_CHALLENGED)
    now = clock.now()
    partnership.challenge_reason = rules.as_text(reason)
    partnership.challenged_at = now
    partnership.updated_at = now.replace(microsecond=0)
    session.flush()
    touch_school(session, partnership.school_id, partnership.updated_at)
    touch_participants_of_partnerships(session, [partnership.id])
    record_change(session, actor, "partnership", partnership.id, "challenged", {"reason": reason})
    session.commit()
    return partnership


# --- keeping updated_at exact --------------------------------------------------------------


def touch_school(session: Session, school_id: uuid.UUID, now=None) -> None:
    session.execute(
        update(School)
        .where(School.id == school_id)
        .values(updated_at=now or clock.now_seconds())
        .execution_options(synchronize_session=False)
    )


def _touch_participants_of_profiles(session: Session, profile_ids) -> None:
    people = select(ParticipantProfile.participant_id).where(ParticipantProfile.id.in_(profile_ids))
    session.execute(
        update(Participant)
        .where(Participant.id.in_(people))
        .values(updated_at=clock.now_seconds())
        .execution_options(synchronize_session=False)
    )


def touch_participants_of_partnerships(
    session: Session, partnership_ids: Iterable[uuid.UUID]
) -> None:
    """Everyone with a training record under these partnerships: what the provider shows
    for them (delivery partner, visibility) has changed."""
    ids = list(partnership_ids)
    if not ids:
        return
    profiles = select(InductionRecord.participant_profile_id).where(
        InductionRecord.partnership_id.in_(ids)
    )
    _touch_participants_of_profiles(session, profiles)
