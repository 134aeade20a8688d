"""Building blocks for tests: providers with tokens, and request helpers."""

from __future__ import annotations

from dataclasses import dataclass

from cpd_api.core.audit import Actor
from cpd_api.core.database import Database
from cpd_api.providers.service import create_provider, issue_token

TEST_ACTOR = Actor.operator("tests")


@dataclass(frozen=True)
class ProviderWithToken:
    id: object
    name: str
    token: str
    token_id: object

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def provider_with_token(
    db: Database, name: str = "Ambition Institute", *, ecf: bool = True, npq: bool = True
) -> ProviderWithToken:
    with db.session() as session:
        provider = create_provider(session, name, ecf=ecf, npq=npq, actor=TEST_ACTOR)
        issued = issue_token(session, provider, description="tests", actor=TEST_ACTOR)
        return ProviderWithToken(provider.id, provider.name, issued.plain, issued.token.id)
