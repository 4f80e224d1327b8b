"""Thin handlers named after the spec's operationIds: parse, call the broker, serialise.

Each handler takes the broker first; `bind_handlers` gives it the broker of the account the request acts
on: the one its `accountId` names, when that is one of the caller's accounts, else the caller's first.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from paperbroker.api import account, auth, events, instruments, market, orders, portfolio
from paperbroker.broker import Broker
from paperbroker.events.feed import EventFeed

Handler = Callable[..., Awaitable[Any]]

ACCOUNT_HANDLERS: dict[str, Handler] = {
    "placeOrder": orders.place_order,
    "previewOrder": orders.preview_order,
    "cancelOrders": orders.cancel_orders,
    "getOrdersHistory": orders.get_orders_history,
    "modifyOrder": orders.modify_order,
    "cancelOrder": orders.cancel_order,
    "getOrder": orders.get_order,
    "getOrders": orders.get_orders,
    "closePosition": portfolio.close_position,
    "reversePosition": portfolio.reverse_position,
    "editPositionBrackets": portfolio.edit_position_brackets,
    "getPositions": portfolio.get_positions,
    "getExecutions": portfolio.get_executions,
    "getAccountInfo": account.get_account_info,
}
"""Operations on one account of the caller's (the `accountId` query parameter)."""

ADMIN_ACCOUNT_HANDLERS: dict[str, Handler] = {"resetAccount": account.reset_account}
"""Simulation controls on one account: an admin's key, on any account."""

MARKET_HANDLERS: dict[str, Handler] = {
    "symbolInfo": instruments.symbol_info,
    "getSymbols": instruments.get_symbols,
    "getQuotes": market.get_quotes,
    "getBars": market.get_bars,
}
"""Market data: the same for every caller."""

ADMIN_MARKET_HANDLERS: dict[str, Handler] = {"setQuote": market.set_quote}

ACCOUNT_PARAMETER = inspect.Parameter("account_id", inspect.Parameter.KEYWORD_ONLY, default=None)
"""The contract's `accountId`, as Connexion's pythonic names pass it."""


def _signed(call: Handler, handler: Callable[..., Any], *, drop: int, account: bool) -> Handler:
    """`call` as Connexion should see it: the handler's request parameters (its first `drop` bound ones
    left out) and `accountId` where the operation takes one. Connexion then passes exactly those, as it
    passes the handler's own (not the security context it adds for `**kwargs`), and the fast path checks
    them against the contract at start-up."""
    parameters = [
        parameter
        for parameter in list(inspect.signature(handler).parameters.values())[drop:]
        if parameter.name != ACCOUNT_PARAMETER.name
    ]
    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [*parameters, ACCOUNT_PARAMETER] if account else parameters
    )
    return call


def _on_account(handler: Handler, broker: Broker) -> Handler:
    async def call(account_id: str | None = None, **parameters: Any) -> Any:
        return await handler(broker.account(auth.caller().account(account_id)), **parameters)

    return _signed(call, handler, drop=1, account=True)


def _admin_on_account(handler: Handler, broker: Broker) -> Handler:
    async def call(account_id: str | None = None, **parameters: Any) -> Any:
        admin = auth.admin()
        target = account_id or admin.account(None)
        if not broker.account_exists(target):
            raise auth.AccountNotFound(target)
        return await handler(broker.account(target), **parameters)

    return _signed(call, handler, drop=1, account=True)


def _admin(handler: Handler, broker: Broker) -> Handler:
    async def call(**parameters: Any) -> Any:
        auth.admin()
        return await handler(broker, **parameters)

    return _signed(call, handler, drop=1, account=False)


def _stream(feed: EventFeed) -> Handler:
    async def call(account_id: str | None = None, **parameters: Any) -> Any:
        return await events.stream_events(feed, account_id=auth.caller().account(account_id), **parameters)

    return _signed(call, events.stream_events, drop=1, account=True)


def bind_handlers(broker: Broker, feed: EventFeed | None = None) -> dict[str, Handler]:
    """Connexion sees only the request parameters; the broker (streamEvents: the worker's feed) is bound."""
    if feed is None:
        feed = EventFeed(broker.store, retention=100_000, heartbeat=15.0)
    bound: dict[str, Handler] = {
        "streamEvents": _stream(feed),
        "getAccounts": partial(account.get_accounts, broker),
    }
    bound |= {name: _on_account(handler, broker) for name, handler in ACCOUNT_HANDLERS.items()}
    bound |= {name: _admin_on_account(handler, broker) for name, handler in ADMIN_ACCOUNT_HANDLERS.items()}
    bound |= {name: partial(handler, broker) for name, handler in MARKET_HANDLERS.items()}
    bound |= {name: _admin(handler, broker) for name, handler in ADMIN_MARKET_HANDLERS.items()}
    return bound
