"""Runtime configuration read from the environment (and a `.env` file).

Settings are read once per process; tests build their own `Settings` and hand them to the
app factory, so nothing here is a hidden global that tests must patch."""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_RATE_LIMIT = "1000/5 minutes"
DEFAULT_UNAUTHENTICATED_RATE_LIMIT = "300/5 minutes"
_RATE_LIMIT_PATTERN = re.compile(
    r"^\s*\d+\s*(/|per)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*$", re.IGNORECASE
)


class ConfigurationError(Exception):
    """Raised with a one-line message naming the variable that is wrong."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///./cpd-api.db", validation_alias="DATABASE_URL")
    redis_url: str | None = Field(None, validation_alias="REDIS_URL")
    environment: Literal["sandbox", "production"] = Field(
        "sandbox", validation_alias="CPD_API_ENVIRONMENT"
    )
    rate_limit: str | None = Field(None, validation_alias="CPD_API_RATE_LIMIT")
    unauthenticated_rate_limit: str = Field(
        DEFAULT_UNAUTHENTICATED_RATE_LIMIT, validation_alias="CPD_API_UNAUTHENTICATED_RATE_LIMIT"
    )
    operator_token: str | None = Field(None, validation_alias="CPD_API_OPERATOR_TOKEN")
    funded_place: bool = Field(True, validation_alias="CPD_API_FUNDED_PLACE")
    max_body_bytes: int = Field(1024 * 1024, validation_alias="CPD_API_MAX_BODY_BYTES", gt=0)
    log_requests: bool = Field(True, validation_alias="CPD_API_LOG_REQUESTS")
    commit_sha: str | None = Field(None, validation_alias="COMMIT_SHA")

    @field_validator("funded_place", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in {"on", "off"}:
            return value.strip().lower() == "on"
        return value

    @field_validator("rate_limit", "unauthenticated_rate_limit")
    @classmethod
    def _rate_limit_syntax(cls, value: str | None) -> str | None:
        if value is not None and not _RATE_LIMIT_PATTERN.match(value):
            raise ValueError("must look like '1000/5 minutes'")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgres://")
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        if not (value.startswith("sqlite") or value.startswith("postgresql+psycopg://")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sandbox(self) -> bool:
        return self.environment == "sandbox"

    @property
    def effective_rate_limit(self) -> str | None:
        """Production always limits; sandbox only when a limit was configured explicitly."""
        if self.rate_limit:
            return self.rate_limit
        return DEFAULT_RATE_LIMIT if self.is_production else None


_ALIASES = {name: (field.validation_alias or name) for name, field in Settings.model_fields.items()}


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning a validation failure into one line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "configuration"
        variable = _ALIASES.get(field, field)
        raise ConfigurationError(f"Invalid configuration: {variable} {first['msg']}") from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
