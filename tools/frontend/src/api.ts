// The frontend's broker interface: what the terminal (src/terminal.ts) needs from a backend, in TradingView's
// Broker API terms (src/tradingview.ts) plus the few shapes TradingView has no type for. Two implementations:
// HttpBroker (src/adapter.ts) on the client generated from openapi/broker.yaml, and ExampleBroker
// (src/examples.ts) on the spec's examples, for work with no backend. Neither changes when the other does.
import type {
  AccountMetainfo,
  Execution,
  InstrumentInfo as TradingViewInstrumentInfo,
  Order,
  OrderPreviewResult,
  OrderStatus,
  Position,
  PreOrder,
  Side,
  TradingQuotes,
} from "./tradingview";

/** An order to place or preview: TradingView's PreOrder, which may name a guaranteed stop. */
export type OrderRequest = PreOrder & { guaranteedStop?: number };

/** A position's brackets to change: a field left out keeps that bracket, null removes it. */
export interface BracketChanges {
  takeProfit?: number | null;
  stopLoss?: number | null;
  guaranteedStop?: number | null;
  trailingStopPips?: number | null;
}

/** Which orders cancelOrders cancels: the pending ones of a symbol (and side), or these ids. */
export type OrderCancellation = { symbol: string; side?: Side } | { orderIds: string[] };

/** Which orders getOrders lists: all, or those with one of these statuses and of this symbol. */
export interface OrderFilter {
  status?: OrderStatus[];
  symbol?: string;
}

/** The account: TradingView's AccountMetainfo fields and its money. */
export interface AccountInfo {
  id: string;
  name: string;
  currency: string;
  currencySign: string;
  balance: number;
  equity: number;
  realizedPnl: number;
  unrealizedPnl: number;
}

/** An instrument's trading rules: TradingView's InstrumentInfo, with the symbol it describes. */
export interface InstrumentInfo extends TradingViewInstrumentInfo {
  symbol: string;
  type: string;
  currency: string;
  marginRate: number;
  allowedDurations: string[];
}

/** What the backend said when it refused: its RFC 7807 problem, or the bare status when it sent none. */
export interface BrokerProblem {
  status: number;
  title: string;
  detail?: string;
}

export type Result<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; data: undefined; error: BrokerProblem };

/** One change the backend pushed, decoded into the frontend's types. */
export type BrokerEvent =
  | { kind: "order"; order: Order }
  | { kind: "execution"; execution: Execution }
  /** `qty` 0 when the position went flat. */
  | { kind: "position"; position: Position }
  | { kind: "account"; account: AccountInfo }
  /** An open position's unrealized P&L at the current quote (TradingView's plUpdate). */
  | { kind: "pl"; positionId: string; pl: number }
  | { kind: "quote"; symbol: string; quotes: TradingQuotes }
  /** Events were missed and cannot be sent: refetch orders, positions and the account. */
  | { kind: "resync"; reason: string };

/** Whether the push channel is open: "disconnected" when it dropped and is being retried. */
export type ChannelState = "connecting" | "connected" | "disconnected";

export interface BrokerEventListener {
  event(event: BrokerEvent): void;
  state(state: ChannelState): void;
}

/** A live subscription to the backend's changes; it reconnects by itself until closed. */
export interface BrokerSubscription {
  /** Receive `quote` events of these symbols from now on. */
  setSymbols(symbols: readonly string[]): void;
  close(): void;
}

export interface ApiInterface {
  /** The caller's accounts (TradingView's accountsMetainfo), the default one first. */
  accounts(): Promise<Result<AccountMetainfo[]>>;
  /** The same backend acting on another of the caller's accounts (every account operation, and the stream). */
  withAccount(accountId: string): ApiInterface;
  /** Places the order; `confirmId` is the one previewOrder gave for this very order. */
  placeOrder(order: OrderRequest, confirmId?: string): Promise<Result<{ orderId: string }>>;
  previewOrder(order: OrderRequest): Promise<Result<OrderPreviewResult>>;
  /** Sends the whole order as the frontend holds it; a bracket it lacks is removed. */
  modifyOrder(order: Order): Promise<Result<Order>>;
  cancelOrder(orderId: string): Promise<Result<Order>>;
  cancelOrders(which: OrderCancellation): Promise<Result<Order[]>>;
  getOrders(filter?: OrderFilter): Promise<Result<Order[]>>;
  /** Filled, canceled and rejected orders, the most recently changed first (at most `limit`). */
  getOrdersHistory(limit?: number): Promise<Result<Order[]>>;
  getPositions(): Promise<Result<Position[]>>;
  /** Closes the position at the market, all of it or `amount`; resolves to the closing order. */
  closePosition(positionId: string, amount?: number): Promise<Result<Order>>;
  /** Turns the position around at the market; resolves to the reversing order. */
  reversePosition(positionId: string): Promise<Result<Order>>;
  editPositionBrackets(positionId: string, brackets: BracketChanges): Promise<Result<Position>>;
  getExecutions(symbol: string): Promise<Result<Execution[]>>;
  getAccountInfo(): Promise<Result<AccountInfo>>;
  /** The instrument's rules; a 404 when the broker neither lists nor quotes the symbol. */
  symbolInfo(symbol: string): Promise<Result<InstrumentInfo>>;
  /** The instruments the broker trades, those whose symbol or description contains `search` if given. */
  getSymbols(search?: string): Promise<Result<InstrumentInfo[]>>;
  /** Pushes every change from now on to `listener`, and quotes of `symbols`. */
  subscribe(listener: BrokerEventListener, symbols?: readonly string[]): BrokerSubscription;
}
