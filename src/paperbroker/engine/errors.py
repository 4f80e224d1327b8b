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
