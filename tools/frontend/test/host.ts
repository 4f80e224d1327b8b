// A recording stand-in for TradingView's Trading Host: it keeps every call the terminal makes, and the view a
// Trading Terminal would build from them (orders by id, open positions by id), reloading that view from the
// broker when told to (currentAccountUpdate), as TradingView does.
import type { TerminalHost } from "../src/terminal";
import type {
  ConnectionStatus,
  Execution,
  IDelegate,
  IWatchedValue,
  IWatchedValueReadonly,
  IWatchedValueSpawn,
  Order,
  Position,
  TradingQuotes,
  WatchedValueCallback,
} from "../src/tradingview";
import { factory } from "../src/watched";


export type HostCall =
  | { method: "orderUpdate"; order: Order }
  | { method: "positionUpdate"; position: Position }
  | { method: "executionUpdate"; execution: Execution }
  | { method: "equityUpdate"; equity: number }
  | { method: "plUpdate"; positionId: string; pl: number }
  | { method: "realtimeUpdate"; symbol: string; quotes: TradingQuotes }
  | { method: "connectionStatusUpdate"; status: ConnectionStatus }
  | { method: "currentAccountUpdate" };

/** What the host needs from the broker to reload its view: TradingView asks the same. */
export interface Reloadable {
  orders(): Promise<Order[]>;
  ordersHistory?(): Promise<Order[]>;
  positions?(): Promise<Position[]>;
}

export class RecordingHost implements TerminalHost {
  readonly calls: HostCall[] = [];
  readonly orders = new Map<string, Order>();
  readonly positions = new Map<string, Position>();
  broker: Reloadable | undefined;
  reloads = 0;

  readonly factory = factory;

  /** Loads the view from `broker`, as a Trading Terminal does once its broker is created. */
  async attach(broker: Reloadable): Promise<void> {
    this.broker = broker;
    await this.reload();
  }

  async reload(): Promise<void> {
    if (this.broker === undefined) return;
    const [pending, history, positions] = await Promise.all([
      this.broker.orders(),
      this.broker.ordersHistory?.() ?? [],
      this.broker.positions?.() ?? [],
    ]);
    this.orders.clear();
    for (const order of [...history, ...pending]) this.orders.set(order.id, order);
    this.positions.clear();
    for (const position of positions) this.positions.set(position.id, position);
    this.reloads += 1;
  }

  of<M extends HostCall["method"]>(method: M): Extract<HostCall, { method: M }>[] {
    return this.calls.filter((call): call is Extract<HostCall, { method: M }> => call.method === method);
  }

  orderUpdate(order: Order): void {
    this.calls.push({ method: "orderUpdate", order });
    this.orders.set(order.id, order);
  }

  positionUpdate(position: Position): void {
    this.calls.push({ method: "positionUpdate", position });
    if (position.qty === 0) this.positions.delete(position.id);
    else this.positions.set(position.id, position);
  }

  executionUpdate(execution: Execution): void {
    this.calls.push({ method: "executionUpdate", execution });
  }

  equityUpdate(equity: number): void {
    this.calls.push({ method: "equityUpdate", equity });
  }

  plUpdate(positionId: string, pl: number): void {
    this.calls.push({ method: "plUpdate", positionId, pl });
  }

  realtimeUpdate(symbol: string, quotes: TradingQuotes): void {
    this.calls.push({ method: "realtimeUpdate", symbol, quotes });
  }

  connectionStatusUpdate(status: ConnectionStatus): void {
    this.calls.push({ method: "connectionStatusUpdate", status });
  }

  currentAccountUpdate(): void {
    this.calls.push({ method: "currentAccountUpdate" });
    void this.reload();
  }

  defaultContextMenuActions(): Promise<[]> {
    return Promise.resolve([]);
  }
}

/** Resolves once `check` returns a value other than undefined; rejects after `ms` with `what`. */
export async function within<T>(ms: number, what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
