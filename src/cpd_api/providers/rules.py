"""Pure rules about tokens and which programmes a provider may use."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32  # 43 URL-safe characters, well above the 32-character floor
_BEARER = re.compile(r"^\s*(?:Bearer|Token)\s+(?:token=\"?)?([^\s\"]+)\"?\s*$", re.IGNORECASE)


def generate_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The only form in which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_from_header(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header (or the legacy `Token` forms)."""
    if not header:
        return None
    match = _BEARER.match(header)
    return match.group(1) if match else None


PROGRAMMES = ("ecf", "npq", "any", "ecf_or_npq")


def may_use(programme: str, *, ecf: bool, npq: bool, internal: bool = False) -> bool:
    """Whether a provider delivering `ecf`/`npq` may call an endpoint of `programme`.

    Internal service tokens unlock no lead provider endpoint at all."""
    if internal:
        return False
    if programme == "ecf":
        return ecf
    if programme == "npq":
        return npq
    if programme == "ecf_or_npq":
        return ecf or npq
    return True
