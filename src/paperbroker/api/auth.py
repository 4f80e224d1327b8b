"""Bearer API keys on every operation, checked by Connexion's security middleware, and the account each
request acts on.

The contract declares `bearerAuth` on every operation; Connexion calls the scheme's handler before
validation, so a request without a valid key is a 401 before anything else is read. The caller it finds
travels in Connexion's request context to the handlers (`caller()`), which act on one of its accounts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from connexion.context import context
from connexion.exceptions import ProblemException
from connexion.security import BearerSecurityHandler

from paperbroker.accounts.registry import AccountNotFound, AdminOnly, Caller

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="paperbroker"'}
"""RFC 6750: a 401 names the scheme the client should use."""

Verify = Callable[[str | None], Caller | None]
"""The key sent (None: no usable Authorization header) → its caller, or None to refuse."""


def unauthorized(detail: str) -> ProblemException:
    return ProblemException(status=401, title="Unauthorized", detail=detail, headers=CHALLENGE)


def token_info(verify: Verify, authorization: str | None) -> dict[str, Any]:
    """Connexion's token info for the request's Authorization header (None: none sent), or a 401."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    key = token.strip() if scheme.lower() == "bearer" and token.strip() else None
    found = verify(key)
    if found is None:
        raise unauthorized(
            "Send an API key as `Authorization: Bearer <key>`."
            if key is None
            else "The API key is not valid: unknown, revoked or malformed."
        )
    return {"sub": found.user_id, "caller": found}


def security_map(verify: Verify) -> dict[str, type[BearerSecurityHandler]]:
    """Connexion's `security_map` with the `bearer` scheme checked by `verify`.

    The handler also offers `check_authorization` (the header's value → token info, or a 401), which
    paperbroker.fastpath calls directly from the ASGI scope for operations this scheme alone secures.
    """

    class KeyHandler(BearerSecurityHandler):  # type: ignore[misc]
        check_authorization = staticmethod(functools.partial(token_info, verify))

        def _resolve_func(self, _scheme: dict[str, Any]) -> Verify:
            return verify

        def _get_verify_func(self, function: Verify) -> Callable[[Any], dict[str, Any]]:
            def check(request: Any) -> dict[str, Any]:
                return token_info(function, request.headers.get("Authorization"))

            return check

    return {"bearer": KeyHandler}


def caller() -> Caller:
    """The caller of the request being handled (set by the security handler)."""
    found: Caller = context["token_info"]["caller"]
    return found


def admin() -> Caller:
    """The caller, who must hold an admin key (the simulation controls move every account's market)."""
    found = caller()
    if not found.admin:
        raise AdminOnly()
    return found


__all__ = [
    "CHALLENGE",
    "AccountNotFound",
    "Verify",
    "admin",
    "caller",
    "security_map",
    "token_info",
    "unauthorized",
]
