"""The account's money: realized P&L and commissions from fills, unrealized P&L at current quotes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from paperbroker.engine.model import Account, Execution, Position, Quote
from paperbroker.engine.positions import unrealized_pnl


def book_fill(account: Account, execution: Execution, realized: float) -> Account:
    return replace(
        account,
        realized_pnl=account.realized_pnl + realized,
        commissions=account.commissions + execution.commission,
    )


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account: Account
    unrealized_pnl: float

    @property
    def balance(self) -> float:
        return self.account.balance

    @property
    def equity(self) -> float:
        return self.account.balance + self.unrealized_pnl


def mark_to_market(
    account: Account, positions: Iterable[Position], quotes: Mapping[str, Quote]
) -> AccountSummary:
    """Value open positions at the price that would close them now (no quote: counted as flat)."""
    unrealized = 0.0
    for position in positions:
        quote = quotes.get(position.symbol)
        if quote is not None:
            unrealized += unrealized_pnl(position, quote.bid, quote.ask)
    return AccountSummary(account, unrealized)
