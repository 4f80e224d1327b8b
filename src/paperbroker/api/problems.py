"""The one place where engine errors become problem+json responses with the statuses the spec documents."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from connexion.problem import problem

from paperbroker.accounts.registry import AccountNotFound, AdminOnly
from paperbroker.engine.errors import (
    BrokerError,
    InvalidTransition,
    OrderNotFound,
    PositionNotFound,
    PreviewAlreadyUsed,
    QuoteNotFound,
    SymbolNotFound,
    UnacceptableRequest,
)

STATUS_OF: dict[type[BrokerError], HTTPStatus] = {
    OrderNotFound: HTTPStatus.NOT_FOUND,
    AccountNotFound: HTTPStatus.NOT_FOUND,
    AdminOnly: HTTPStatus.FORBIDDEN,
    QuoteNotFound: HTTPStatus.NOT_FOUND,
    PositionNotFound: HTTPStatus.NOT_FOUND,
    SymbolNotFound: HTTPStatus.NOT_FOUND,
    InvalidTransition: HTTPStatus.CONFLICT,
    PreviewAlreadyUsed: HTTPStatus.CONFLICT,
    UnacceptableRequest: HTTPStatus.UNPROCESSABLE_ENTITY,
}


def status_of(error: BrokerError) -> HTTPStatus:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return HTTPStatus.UNPROCESSABLE_ENTITY


def broker_error(_request: Any, error: Exception) -> Any:
    assert isinstance(error, BrokerError)
    status = status_of(error)
    return problem(status=int(status), title=status.phrase, detail=str(error))
