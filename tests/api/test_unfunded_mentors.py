"""v3 /unfunded-mentors/ecf: mentors of the provider's ECTs who are not its participants."""

from __future__ import annotations

import uuid
from datetime import timedelta

from cpd_api.core import clock
from cpd_api.participants.models import Participant
from tests import builders as b
from tests.contract.reference import (
    assert_matches_contract,
    assert_not_found_document,
    attribute_names,
)
from tests.factories import provider_with_token

PATH = "/api/v3/unfunded-mentors/ecf"


def _ok(response):
    assert response.status_code == 200, response.text
    assert_matches_contract(
        "v3", "GET", response.request.url.path, 200, response.json(), strict_attributes=True
    )
    return response.json()["data"]


def _setup(db, session):
    alpha = provider_with_token(db, "Alpha", ecf=True, npq=False)
    beta = provider_with_token(db, "Beta", ecf=True, npq=False)
    mine = b.partnership(session, alpha.id)
    theirs = b.partnership(session, beta.id)
    elsewhere = b.mentor(session, theirs)  # trains with Beta
    b.ect(session, mine, mentor=elsewhere)
    funded = b.mentor(session, mine)  # trains with Alpha: not unfunded for Alpha
    b.ect(session, mine, mentor=funded)
    school_led = b.mentor(
        session,
        None,
        school_=session.get(
            __import__("cpd_api.schools.models", fromlist=["School"]).School, mine.school_id
        ),
    )
    b.ect(session, theirs, mentor=school_led)  # mentors only Beta's ECT
    session.commit()
    return alpha, beta, elsewhere, funded, school_led


def test_mentor_training_elsewhere_is_unfunded_for_the_ects_provider(db, client, session):
    alpha, beta, elsewhere, funded, school_led = _setup(db, session)
    data = _ok(client.get(PATH, headers=alpha.headers))
    assert [d["id"] for d in data] == [str(elsewhere.participant_id)]
    item = data[0]
    assert item["type"] == "unfunded-mentor"
    assert list(item["attributes"]) == attribute_names("v3", "UnfundedMentorAttributes")
    person = session.get(Participant, elsewhere.participant_id)
    assert item["attributes"]["full_name"] == person.full_name
    assert item["attributes"]["email"] == person.email
    assert item["attributes"]["teacher_reference_number"] == person.trn
    shown = _ok(client.get(f"{PATH}/{elsewhere.participant_id}", headers=alpha.headers))
    assert shown == item
    assert [d["id"] for d in _ok(client.get(PATH, headers=beta.headers))] == [
        str(school_led.participant_id)
    ]
    for provider, person_id in (
        (alpha, funded.participant_id),
        (beta, elsewhere.participant_id),
        (alpha, uuid.uuid4()),
        (alpha, "nope"),
    ):
        response = client.get(f"{PATH}/{person_id}", headers=provider.headers)
        assert response.status_code == 404
        assert_not_found_document(response.json())


def test_challenged_partnership_hides_its_ects_mentors(db, client, session):
    alpha = provider_with_token(db, "Alpha", ecf=True, npq=False)
    challenged = b.partnership(session, alpha.id, challenged_reason="mistake")
    outsider = b.mentor(session, None, school_=b.school(session))
    b.ect(session, challenged, mentor=outsider)
    session.commit()
    assert _ok(client.get(PATH, headers=alpha.headers)) == []


def test_only_the_ects_latest_record_counts(db, client, session):
    from cpd_api.participants.models import InductionRecord

    alpha = provider_with_token(db, "Alpha", ecf=True, npq=False)
    mine = b.partnership(session, alpha.id)
    former, current = (b.mentor(session, None, school_=b.school(session)) for _ in range(2))
    ect = b.ect(
        session,
        mine,
        mentor=former,
        start_date=b.at("2024-09-01T00:00:00Z"),
        end_date=b.at("2024-12-31T00:00:00Z"),
        induction_status="changed",
    )
    record = InductionRecord(
        participant_profile_id=ect.id,
        school_id=mine.school_id,
        cohort_year=2024,
        partnership_id=mine.id,
        schedule_id=ect.schedule_id,
        mentor_profile_id=current.id,
        start_date=b.at("2025-01-01T00:00:00Z"),
    )
    session.add(record)
    session.commit()
    assert [d["id"] for d in _ok(client.get(PATH, headers=alpha.headers))] == [
        str(current.participant_id)
    ]


def test_updated_since_and_sort(db, client, session):
    alpha = provider_with_token(db, "Alpha", ecf=True, npq=False)
    mine = b.partnership(session, alpha.id)
    base = clock.now_seconds() - timedelta(days=10)
    ids = []
    for index in range(3):
        mentor = b.mentor(session, None, school_=b.school(session))
        b.ect(session, mine, mentor=mentor)
        person = session.get(Participant, mentor.participant_id)
        person.created_at = base + timedelta(days=index)
        person.updated_at = base + timedelta(days=5 - index)
        ids.append(str(person.id))
    session.commit()

    def listed(query=""):
        return [d["id"] for d in _ok(client.get(f"{PATH}?{query}", headers=alpha.headers))]

    assert listed() == ids
    assert listed("sort=updated_at") == ids[::-1]
    assert listed("sort=-updated_at") == ids
    since = (base + timedelta(days=3, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert listed(f"filter[updated_since]={since}") == ids[:2]
    assert listed("page[page]=2&page[per_page]=2") == ids[2:]
