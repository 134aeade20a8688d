"""`updated_since` is exact (spec README decision 9) for partnership changes: a challenge, a
new delivery partner and a confirmation each move what they change, so incremental sync
sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cpd_api.core import clock
from cpd_api.core.audit import Actor
from cpd_api.core.errors import InvalidAction, NotFound, UnprocessableEntity
from cpd_api.delivery_partners.models import DeliveryPartner
from cpd_api.participants.models import Participant
from cpd_api.partnerships.models import Partnership
from cpd_api.partnerships.service import challenge_partnership
from cpd_api.schools.models import School, SchoolCohort
from tests.factories_ecf_other import DP2_ID, fixture_f

SCHOOL = Actor.operator("school")


def _age_everything(db, f) -> str:
    """Push every timestamp of the fixture into the past; return an instant in between."""
    past = clock.now_seconds() - timedelta(days=10)
    with db.session() as session:
        for model in (Partnership, School, SchoolCohort, DeliveryPartner, Participant):
            for row in session.query(model):
                row.updated_at = past
    return (past + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ids(client, provider, path):
    response = client.get(path, headers=provider.headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["data"]}


def test_nothing_changed_means_nothing_listed(db, client):
    f = fixture_f(db)
    since = _age_everything(db, f)
    assert _ids(client, f.lp_a, f"/api/v3/partnerships/ecf?filter[updated_since]={since}") == set()
    path = f"/api/v3/schools/ecf?filter[cohort]=2024&filter[updated_since]={since}"
    assert _ids(client, f.lp_a, path) == set()


def test_challenge_moves_partnership_school_and_participants(db, client):
    f = fixture_f(db)
    since = _age_everything(db, f)
    with db.session() as session:
        challenge_partnership(session, f.pa1.id, "not_confirmed", SCHOOL)
    assert _ids(client, f.lp_a, f"/api/v3/partnerships/ecf?filter[updated_since]={since}") == {
        str(f.pa1.id)
    }
    path = f"/api/v3/schools/ecf?filter[cohort]=2024&filter[updated_since]={since}"
    assert _ids(client, f.lp_a, path) == {str(f.s1.id)}
    with db.session() as session:
        cutoff = clock.now_seconds() - timedelta(minutes=1)
        for person_id in (f.e1.participant_id, f.m1.participant_id):
            assert session.get(Participant, person_id).updated_at >= cutoff
        audit = session.get(Partnership, f.pa1.id)
        assert audit.challenge_reason == "not_confirmed"


def test_challenge_errors_change_nothing(db):
    f = fixture_f(db)
    with db.session() as session, pytest.raises(UnprocessableEntity) as caught:
        challenge_partnership(session, f.pa1.id, "bored", SCHOOL)
    assert caught.value.errors == [
        ("challenge_reason", "The property '#/challenge_reason' must be a valid reason")
    ]
    with db.session() as session:
        assert session.get(Partnership, f.pa1.id).challenge_reason is None
        challenge_partnership(session, f.pa1.id, "mistake", SCHOOL)
    with db.session() as session, pytest.raises(InvalidAction):
        challenge_partnership(session, f.pa1.id, "no_ects", SCHOOL)
    with db.session() as session, pytest.raises(NotFound):
        challenge_partnership(session, f.s1.id, "mistake", SCHOOL)


def test_new_delivery_partner_moves_partnership_and_participants_not_school(db, client):
    f = fixture_f(db)
    since = _age_everything(db, f)
    body = {"data": {"attributes": {"delivery_partner_id": str(DP2_ID)}}}
    response = client.put(f"/api/v3/partnerships/ecf/{f.pa1.id}", json=body, headers=f.lp_a.headers)
    assert response.status_code == 200
    assert _ids(client, f.lp_a, f"/api/v3/partnerships/ecf?filter[updated_since]={since}") == {
        str(f.pa1.id)
    }
    with db.session() as session:
        assert session.get(Participant, f.e1.participant_id).updated_at > b_at(since)
        assert session.get(School, f.s1.id).updated_at < b_at(since)


def test_confirmation_moves_the_school(db, client):
    f = fixture_f(db)
    with db.session() as session:
        challenge_partnership(session, f.pa1.id, "mistake", SCHOOL)
    since = _age_everything(db, f)
    body = {
        "data": {
            "attributes": {
                "cohort": "2024",
                "school_id": str(f.s1.id),
                "delivery_partner_id": str(f.dp1.id),
            }
        }
    }
    response = client.post("/api/v3/partnerships/ecf", json=body, headers=f.lp_a.headers)
    assert response.status_code == 200
    path = f"/api/v3/schools/ecf?filter[cohort]=2024&filter[updated_since]={since}"
    assert _ids(client, f.lp_a, path) == {str(f.s1.id)}
    with db.session() as session:
        assert session.get(Participant, f.e1.participant_id).updated_at > b_at(since)


def b_at(text: str):
    from tests.builders import at

    return at(text)
