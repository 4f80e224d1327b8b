"""History pages: the opaque cursor getOrdersHistory hands out, and the RFC 8288 `Link` that announces it.

A cursor is the last order's key in the index (update_time, seq) with a digest that binds it to the account
that got it, base64url-encoded: clients treat it as opaque (the contract says so), a tampered one or one of
another account is a 400 that says nothing about the other account. The digest is not a secret (a client
that forges one may only choose a position in its own history); its key is fixed, so every worker and every
restart reads the cursors the others wrote.

The body stays TradingView's `Order[]` (clients type ordersHistory's result so); the next page is a
`Link: <...?cursor=...>; rel="next"` header naming the same request (limit, accountId) with the new cursor,
and the last page has no Link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from urllib.parse import parse_qsl, urlencode

from connexion.exceptions import BadRequestProblem
from starlette.types import Scope

from paperbroker.store.base import HistoryPosition

_DIGEST_KEY = b"paperbroker history cursor v1"


def _digest(account_id: str, position: HistoryPosition) -> str:
    text = f"{account_id}\x00{position.update_time}\x00{position.seq}".encode()
    return hashlib.blake2b(text, key=_DIGEST_KEY, digest_size=9).hexdigest()


def encode(account_id: str, position: HistoryPosition) -> str:
    text = f"{position.update_time}.{position.seq}.{_digest(account_id, position)}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(account_id: str, cursor: str) -> HistoryPosition:
    """The position a cursor of this account names; BadRequestProblem (400) for any other string."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        update_time, seq, digest = text.split(".")
        position = HistoryPosition(int(update_time), int(seq))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        position, digest = None, ""
    if position is None or digest != _digest(account_id, position):
        raise BadRequestProblem(detail="The cursor is not one this account's ordersHistory returned.")
    return position


def next_link(scope: Scope, cursor: str) -> str:
    """`<path?query with cursor replaced>; rel="next"`: a reference relative to the request's origin, as
    RFC 8288 allows, keeping every other parameter (limit, accountId)."""
    query = [
        (name, value)
        for name, value in parse_qsl(scope["query_string"].decode("latin-1"))
        if name != "cursor"
    ]
    target = scope.get("root_path", "") + scope["path"]
    return f'<{target}?{urlencode([*query, ("cursor", cursor)])}>; rel="next"'
