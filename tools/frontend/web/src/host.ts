// The page's Trading Host: what TradingView's library would be to PaperBrokerTerminal (src/terminal.ts). The
// terminal pushes orders, positions, executions, P&L, quotes and its connection status here, exactly as it
// would to a Trading Terminal; the host keeps the view they add up to (a Book) and tells the panels it
// changed. Reloading the view asks the terminal, as TradingView does after currentAccountUpdate.
import type { PaperBrokerTerminal, TerminalHost } from "../../src/terminal";
import {
  ConnectionStatus,
  OrderStatus,
  type ActionMetaInfo,
  type Execution,
  type Order,
  type Position,
  type TradingQuotes,
} from "../../src/tradingview";
import { factory } from "../../src/watched";


/** What changed, so a panel redraws only when its part did. */
export type BookChange = "orders" | "positions" | "executions" | "quotes" | "connection";

/** The orders, positions, executions and quotes the terminal has pushed, as a Trading Terminal holds them. */
export interface Book {
  readonly orders: ReadonlyMap<string, Order>;
  readonly positions: ReadonlyMap<string, Position>;
  readonly pl: ReadonlyMap<string, number>;
  readonly executions: readonly Execution[];
  readonly quotes: ReadonlyMap<string, TradingQuotes>;
  readonly connection: ConnectionStatus;
}

/** The statuses that can still fill: the "working" orders. */
export const PENDING: readonly OrderStatus[] = [OrderStatus.Placing, OrderStatus.Inactive, OrderStatus.Working];

export class PageHost implements TerminalHost, Book {
  readonly orders = new Map<string, Order>();
  readonly positions = new Map<string, Position>();
  readonly pl = new Map<string, number>();
  executions: Execution[] = [];
  readonly quotes = new Map<string, TradingQuotes>();
  connection: ConnectionStatus = ConnectionStatus.Connecting;
  /** The symbol whose executions the view holds. */
  symbol = "";
  private terminal: PaperBrokerTerminal | undefined;
  private bracketsTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(change: BookChange) => void>();

  readonly factory = factory;

  /** Calls `listener` after every change of the book. */
  onChange(listener: (change: BookChange) => void): void {
    this.listeners.add(listener);
  }

  /** Loads the view from the terminal, as a Trading Terminal does once its broker is created. */
  async attach(terminal: PaperBrokerTerminal, symbol: string): Promise<void> {
    this.terminal = terminal;
    this.symbol = symbol;
    await this.reload();
  }

  async reload(): Promise<void> {
    const terminal = this.terminal;
    if (terminal === undefined) return;
    const [pending, history, positions, executions] = await Promise.all([
      terminal.orders(),
      terminal.ordersHistory(),
      terminal.positions(),
      this.symbol === "" ? [] : terminal.executions(this.symbol),
    ]);
    this.orders.clear();
    for (const order of [...history, ...pending]) this.orders.set(order.id, order);
    this.positions.clear();
    for (const position of positions) this.positions.set(position.id, position);
    this.executions = executions;
    for (const change of ["orders", "positions", "executions"] as const) this.changed(change);
  }

  /** The executions of another symbol, from now on. */
  async showExecutions(symbol: string): Promise<void> {
    this.symbol = symbol;
    this.executions = this.terminal === undefined ? [] : await this.terminal.executions(symbol);
    this.changed("executions");
  }

  private changed(change: BookChange): void {
    for (const listener of this.listeners) listener(change);
  }

  // TerminalHost

  orderUpdate(order: Order): void {
    this.orders.set(order.id, order);
    this.changed("orders");
  }

  positionUpdate(position: Position): void {
    if (position.qty === 0) {
      this.positions.delete(position.id);
      this.pl.delete(position.id);
    } else {
      // A fill's position event carries no brackets: the service's list has them, read once fills settle.
      this.positions.set(position.id, position);
      this.readBracketsSoon();
    }
    this.changed("positions");
  }

  private readBracketsSoon(): void {
    clearTimeout(this.bracketsTimer);
    this.bracketsTimer = setTimeout(() => {
      void this.terminal
        ?.positions()
        .then((positions) => positions.forEach((position) => this.bracketsUpdate(position)))
        .catch(() => undefined);
    }, 100);
  }

  /** A position's brackets as the service lists them (the stream's position events carry none). */
  bracketsUpdate(position: Position): void {
    const shown = this.positions.get(position.id);
    if (shown === undefined || shown.qty !== position.qty || shown.side !== position.side) return; // stale
    this.positions.set(position.id, position);
    this.changed("positions");
  }

  executionUpdate(execution: Execution): void {
    if (execution.symbol !== this.symbol) return;
    this.executions = [...this.executions, execution];
    this.changed("executions");
  }

  equityUpdate(): void {
    // The account panel watches the terminal's summary values, equity among them.
  }

  plUpdate(positionId: string, pl: number): void {
    this.pl.set(positionId, pl);
    this.changed("positions");
  }

  realtimeUpdate(symbol: string, quotes: TradingQuotes): void {
    this.quotes.set(symbol, quotes);
    this.changed("quotes");
  }

  connectionStatusUpdate(status: ConnectionStatus): void {
    this.connection = status;
    this.changed("connection");
  }

  currentAccountUpdate(): void {
    void this.reload().catch(() => undefined);
  }

  defaultContextMenuActions(): Promise<ActionMetaInfo[]> {
    return Promise.resolve([]);
  }
}
