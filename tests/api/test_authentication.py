"""Bearer authentication, programme checks and token storage."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from cpd_api.core.audit import AuditEvent
from cpd_api.providers.models import ApiToken
from cpd_api.providers.service import revoke_token
from tests.api import probe
from tests.factories import TEST_ACTOR, provider_with_token

DENIED = {"error": "HTTP Token: Access denied"}


@pytest.fixture
def probed(app, client):
    probe.mount(app)
    return client


@pytest.fixture
def provider(db):
    return provider_with_token(db, ecf=True, npq=True)


def test_missing_header_is_401_with_exact_body(probed):
    response = probed.get("/api/v3/probe/ecf")
    assert response.status_code == 401
    assert response.json() == DENIED
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert "www-authenticate" in response.headers


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer-token abc", "Bearer wrong-token-value-xyz"],
)
def test_malformed_or_unknown_tokens_are_401(probed, provider, header):
    response = probed.get("/api/v3/probe/ecf", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == DENIED


def test_token_in_query_string_is_ignored(probed, provider):
    for name in ("token", "access_token"):
        response = probed.get(f"/api/v3/probe/ecf?{name}={provider.token}")
        assert response.status_code == 401


def test_valid_bearer_token_is_accepted(probed, provider):
    response = probed.get("/api/v3/probe/ecf", headers=provider.headers)
    assert response.status_code == 200
    assert response.json() == {"data": {"provider": str(provider.id)}}


def test_legacy_token_scheme_is_accepted(probed, provider):
    response = probed.get(
        "/api/v3/probe/ecf", headers={"Authorization": f'Token token="{provider.token}"'}
    )
    assert response.status_code == 200


def test_unknown_route_without_token_is_401_not_404(probed):
    assert probed.get("/api/v3/does-not-exist").status_code == 401


def test_unknown_route_with_token_is_json_404(probed, provider):
    response = probed.get("/api/v3/does-not-exist", headers=provider.headers)
    assert response.status_code == 404
    assert response.json()["error"] == "Resource not Found"
    assert response.json()["errors"][0]["title"] == "Resource not found"


def test_revoked_token_is_refused_on_the_next_request(probed, provider, db):
    assert probed.get("/api/v3/probe/ecf", headers=provider.headers).status_code == 200
    with db.session() as session:
        revoke_token(session, str(provider.token_id), actor=TEST_ACTOR)
    response = probed.get("/api/v3/probe/ecf", headers=provider.headers)
    assert response.status_code == 401
    assert response.json() == DENIED


def test_ecf_only_provider_gets_403_on_npq_endpoints(probed, db):
    ecf_only = provider_with_token(db, "ECF Only", ecf=True, npq=False)
    response = probed.get("/api/v3/probe/npq", headers=ecf_only.headers)
    assert response.status_code == 403
    assert response.content == b""
    assert probed.get("/api/v3/probe/ecf", headers=ecf_only.headers).status_code == 200


def test_npq_only_provider_gets_403_on_ecf_endpoints(probed, db):
    npq_only = provider_with_token(db, "NPQ Only", ecf=False, npq=True)
    assert probed.get("/api/v3/probe/ecf", headers=npq_only.headers).status_code == 403
    assert probed.get("/api/v3/probe/npq", headers=npq_only.headers).status_code == 200


def test_only_the_sha256_digest_of_a_token_is_stored(db, provider):
    with db.session() as session:
        rows = session.execute(select(ApiToken)).scalars().all()
        assert len(rows) == 1
        assert rows[0].hashed_token == hashlib.sha256(provider.token.encode()).hexdigest()
        for column in ApiToken.__table__.columns:
            assert getattr(rows[0], column.key) != provider.token
        audit = session.scalars(select(AuditEvent)).all()
        assert provider.token not in repr([(a.changes, a.actor_name) for a in audit])


def test_last_used_at_is_recorded_at_most_once_a_minute(probed, provider, db):
    probed.get("/api/v3/probe/ecf", headers=provider.headers)
    with db.session() as session:
        first = session.get(ApiToken, provider.token_id).last_used_at
    assert first is not None
    probed.get("/api/v3/probe/ecf", headers=provider.headers)
    with db.session() as session:
        assert session.get(ApiToken, provider.token_id).last_used_at == first


def test_unexpected_errors_are_json_500_without_traceback(probed, provider):
    response = probed.get("/api/v3/probe/boom", headers=provider.headers)
    assert response.status_code == 500
    assert response.json()["error"] == "Internal server error"
    assert "secret internals" not in response.text
