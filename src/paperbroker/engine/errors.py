"""The engine's error vocabulary; the API maps each to one documented problem status."""


class BrokerError(Exception):
    """Base of every error the engine raises on purpose."""


class OrderNotFound(BrokerError):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"Order {order_id} does not exist.")
        self.order_id = order_id


class QuoteNotFound(BrokerError):
    def __init__(self, symbols: list[str]) -> None:
        super().__init__(f"No quote for {', '.join(symbols)}.")
        self.symbols = symbols


class InvalidTransition(BrokerError):
    """The order's status forbids the event; raised only by `engine.transitions.transition`."""


class UnacceptableRequest(BrokerError):
    """Well formed, but the broker cannot accept it (a bid above the ask, a stop price on a limit)."""


class PositionNotFound(BrokerError):
    def __init__(self, position_id: str) -> None:
        super().__init__(f"There is no open position {position_id}.")
        self.position_id = position_id


class SymbolNotFound(BrokerError):
    def __init__(self, symbol: str) -> None:
        super().__init__(f"{symbol} is not traded here: it has no rules and no quote.")
        self.symbol = symbol


class PreviewAlreadyUsed(BrokerError):
    """A confirmId names one placement; a second one with it is a conflict, as a replayed order would be."""

    def __init__(self, confirm_id: str) -> None:
        super().__init__(f"The confirmId {confirm_id} was used already; preview the order again.")
