"""The account's money: realized P&L and commissions from fills, unrealized P&L at current quotes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from paperbroker.engine.model import Account, Execution, Position, Quote
from paperbroker.engine.numbers import CONTEXT, ZERO, Money
from paperbroker.engine.positions import unrealized_pnl


def book_fill(account: Account, execution: Execution, realized: Money) -> Account:
    return replace(
        account,
        realized_pnl=CONTEXT.add(account.realized_pnl, realized),
        commissions=CONTEXT.add(account.commissions, execution.commission),
    )


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account: Account
    unrealized_pnl: Money

    @property
    def balance(self) -> Money:
        return self.account.balance

    @property
    def equity(self) -> Money:
        return CONTEXT.add(self.account.balance, self.unrealized_pnl)


def mark_to_market(
    account: Account, positions: Iterable[Position], quotes: Mapping[str, Quote]
) -> AccountSummary:
    """Value open positions at the price that would close them now (no quote: counted as flat)."""
    unrealized = ZERO
    for position in positions:
        quote = quotes.get(position.symbol)
        if quote is not None:
            unrealized = CONTEXT.add(unrealized, unrealized_pnl(position, quote.bid, quote.ask))
    return AccountSummary(account, unrealized)
