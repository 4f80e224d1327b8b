// The reference adapter: the frontend's broker interface (src/api.ts) implemented on the client generated from
// openapi/broker.yaml. Every mapping below is written against the generated types, field by field and with
// exhaustive enum tables, so a breaking change to the contract (a required field removed or renamed, an enum
// value changed) stops this file from compiling instead of surfacing at run time. The frontend's types are
// TradingView's (src/tradingview.ts), so the terminal hands them to a TradingView host as they are.
import {
  BASE_PATH,
  createBrokerClient,
  type AccountInfo as ApiAccountInfo,
  type AccountMetainfo as ApiAccountMetainfo,
  type Brackets as ApiBrackets,
  type BrokerClient,
  type CustomInputFieldsValues as ApiCustomFields,
  type DurationType as ApiDurationType,
  type Execution as ApiExecution,
  type InstrumentInfo as ApiInstrumentInfo,
  type ModifiedOrder as ApiModifiedOrder,
  type OrderCancellation as ApiOrderCancellation,
  type OrderDuration as ApiOrderDuration,
  type OrderPreviewResult as ApiOrderPreviewResult,
  type OrderStatus as ApiOrderStatus,
  type OrderType as ApiOrderType,
  type ParentType as ApiParentType,
  type paths,
  type PlacedOrder as ApiPlacedOrder,
  type Position as ApiPosition,
  type PositionUpdate as ApiPositionUpdate,
  type PreOrder as ApiPreOrder,
  type Quote as ApiQuote,
  type Side as ApiSide,
  type StopType as ApiStopType,
} from "@generated/client";
import type {
  AccountInfo,
  ApiInterface,
  BracketChanges,
  BrokerEvent,
  BrokerEventListener,
  BrokerProblem,
  BrokerSubscription,
  InstrumentInfo,
  OrderCancellation,
  OrderFilter,
  OrderRequest,
  Result,
} from "./api";
import { decodePayload, EventStreamConnection, type StreamMessage } from "./stream";
import {
  accountId,
  OrderStatus,
  OrderType,
  ParentType,
  Side,
  StopType,
  type AccountMetainfo,
  type CustomInputFieldsValues,
  type Execution,
  type Order,
  type OrderDuration,
  type OrderPreviewResult,
  type Position,
  type TradingQuotes,
} from "./tradingview";

export { OrderStatus, OrderType, ParentType, Side, StopType };
export type { AccountInfo, BracketChanges, BrokerProblem, InstrumentInfo, Order, OrderCancellation, Position, Result };
export type { Execution, OrderPreviewResult, OrderRequest as PreOrder };

// Enum tables. Keyed by the generated unions, so a value added, removed or renumbered in the spec is a
// compile error here (a missing or an excess key), where a cast would hide it.

const sideToApi: Record<Side, ApiSide> = { [Side.Buy]: 1, [Side.Sell]: -1 };
const sideFromApi: Record<ApiSide, Side> = { 1: Side.Buy, [-1]: Side.Sell };

const typeToApi: Record<OrderType, ApiOrderType> = {
  [OrderType.Limit]: 1,
  [OrderType.Market]: 2,
  [OrderType.Stop]: 3,
  [OrderType.StopLimit]: 4,
};
const typeFromApi: Record<ApiOrderType, OrderType> = {
  1: OrderType.Limit,
  2: OrderType.Market,
  3: OrderType.Stop,
  4: OrderType.StopLimit,
};

const statusFromApi: Record<ApiOrderStatus, OrderStatus> = {
  1: OrderStatus.Canceled,
  2: OrderStatus.Filled,
  3: OrderStatus.Inactive,
  4: OrderStatus.Placing,
  5: OrderStatus.Rejected,
  6: OrderStatus.Working,
};

const statusToApi: Record<OrderStatus, ApiOrderStatus> = {
  [OrderStatus.Canceled]: 1,
  [OrderStatus.Filled]: 2,
  [OrderStatus.Inactive]: 3,
  [OrderStatus.Placing]: 4,
  [OrderStatus.Rejected]: 5,
  [OrderStatus.Working]: 6,
};

const stopTypeToApi: Record<StopType, ApiStopType> = {
  [StopType.StopLoss]: 0,
  [StopType.TrailingStop]: 1,
  [StopType.GuaranteedStop]: 2,
};
const stopTypeFromApi: Record<ApiStopType, StopType> = {
  0: StopType.StopLoss,
  1: StopType.TrailingStop,
  2: StopType.GuaranteedStop,
};

const parentTypeFromApi: Record<ApiParentType, ParentType> = {
  1: ParentType.Order,
  2: ParentType.Position,
  3: ParentType.Trade,
};

// Mappings, one field at a time: a renamed or removed field cannot slip through a spread or a cast.

function toApiCustomFields(fields: CustomInputFieldsValues): ApiCustomFields {
  const api: ApiCustomFields = {};
  for (const [name, value] of Object.entries(fields)) {
    api[name] = typeof value === "object" ? { text: value.text, checked: value.checked } : value;
  }
  return api;
}

function fromApiCustomFields(fields: ApiCustomFields): CustomInputFieldsValues {
  const custom: CustomInputFieldsValues = {};
  for (const [name, value] of Object.entries(fields)) {
    custom[name] = typeof value === "object" ? { text: value.text, checked: value.checked } : value;
  }
  return custom;
}

// The contract's durations, keyed by its union so one added or removed there is a compile error here.
const durationTypes: Record<ApiDurationType, true> = { DAY: true, GTC: true, GTT: true, IOC: true, FOK: true };

function isApiDurationType(type: string): type is ApiDurationType {
  return Object.hasOwn(durationTypes, type);
}

/** TradingView names durations with free strings; the terminal offers only the broker's (setDurations). */
function toApiDuration(duration: OrderDuration): ApiOrderDuration {
  const type = duration.type;
  if (!isApiDurationType(type)) throw new TypeError(`the broker offers no duration "${type}"`);
  return duration.datetime === undefined ? { type } : { type, datetime: duration.datetime };
}

function fromApiDuration(duration: ApiOrderDuration): OrderDuration {
  return duration.datetime === undefined ? { type: duration.type } : { type: duration.type, datetime: duration.datetime };
}

export function toApiPreOrder(order: OrderRequest): ApiPreOrder {
  const api: ApiPreOrder = {
    symbol: order.symbol,
    type: typeToApi[order.type],
    side: sideToApi[order.side],
    qty: order.qty,
  };
  if (order.limitPrice !== undefined) api.limitPrice = order.limitPrice;
  if (order.stopPrice !== undefined) api.stopPrice = order.stopPrice;
  if (order.takeProfit !== undefined) api.takeProfit = order.takeProfit;
  if (order.stopLoss !== undefined) api.stopLoss = order.stopLoss;
  if (order.guaranteedStop !== undefined) api.guaranteedStop = order.guaranteedStop;
  if (order.trailingStopPips !== undefined) api.trailingStopPips = order.trailingStopPips;
  if (order.stopType !== undefined) api.stopType = stopTypeToApi[order.stopType];
  if (order.customFields !== undefined) api.customFields = toApiCustomFields(order.customFields);
  if (order.duration !== undefined) api.duration = toApiDuration(order.duration);
  if (order.isClose !== undefined) api.isClose = order.isClose;
  if (order.currentQuotes !== undefined) api.currentQuotes = { ask: order.currentQuotes.ask, bid: order.currentQuotes.bid };
  return api;
}

/**
 * The whole order as the frontend holds it, as TradingView's modifyOrder hands it over: its identity (which
 * the broker checks), what it asks for, and its brackets, where one the order does not carry is sent as
 * null (removed). Fields the broker owns (status, fills, parent, message) are its own and are not sent.
 */
export function toApiModifiedOrder(order: Order): ApiModifiedOrder {
  const api: ApiModifiedOrder = {
    id: order.id,
    symbol: order.symbol,
    type: typeToApi[order.type],
    side: sideToApi[order.side],
    qty: order.qty,
    takeProfit: order.takeProfit ?? null,
    stopLoss: order.stopLoss ?? null,
    guaranteedStop: order.guaranteedStop ?? null,
    trailingStopPips: order.trailingStopPips ?? null,
  };
  if (order.limitPrice !== undefined) api.limitPrice = order.limitPrice;
  if (order.stopPrice !== undefined) api.stopPrice = order.stopPrice;
  // A stop's kind means nothing without the stop: a bracket removed takes its kind with it.
  const hasStop =
    order.stopLoss !== undefined || order.guaranteedStop !== undefined || order.trailingStopPips !== undefined;
  if (order.stopType !== undefined && hasStop) api.stopType = stopTypeToApi[order.stopType];
  if (order.customFields !== undefined) api.customFields = toApiCustomFields(order.customFields);
  if (order.duration !== undefined) api.duration = toApiDuration(order.duration);
  return api;
}

export function toApiBrackets(brackets: BracketChanges): ApiBrackets {
  const api: ApiBrackets = {};
  if (brackets.takeProfit !== undefined) api.takeProfit = brackets.takeProfit;
  if (brackets.stopLoss !== undefined) api.stopLoss = brackets.stopLoss;
  if (brackets.guaranteedStop !== undefined) api.guaranteedStop = brackets.guaranteedStop;
  if (brackets.trailingStopPips !== undefined) api.trailingStopPips = brackets.trailingStopPips;
  return api;
}

export function toApiOrderCancellation(which: OrderCancellation): ApiOrderCancellation {
  if ("orderIds" in which) return { orderIds: [...which.orderIds] };
  if (which.side === undefined) return { symbol: which.symbol };
  return { symbol: which.symbol, side: sideToApi[which.side] };
}

export function fromApiOrder(order: ApiPlacedOrder): Order {
  return {
    id: order.id,
    symbol: order.symbol,
    type: typeFromApi[order.type],
    side: sideFromApi[order.side],
    qty: order.qty,
    status: statusFromApi[order.status],
    filledQty: order.filledQty,
    avgPrice: order.avgPrice,
    limitPrice: order.limitPrice,
    stopPrice: order.stopPrice,
    takeProfit: order.takeProfit,
    stopLoss: order.stopLoss,
    guaranteedStop: order.guaranteedStop,
    trailingStopPips: order.trailingStopPips,
    stopType: order.stopType === undefined ? undefined : stopTypeFromApi[order.stopType],
    customFields: order.customFields === undefined ? undefined : fromApiCustomFields(order.customFields),
    parentId: order.parentId,
    parentType: order.parentType === undefined ? undefined : parentTypeFromApi[order.parentType],
    duration: order.duration === undefined ? undefined : fromApiDuration(order.duration),
    updateTime: order.updateTime,
  };
}

/** A position with its brackets: the stream's position fields, and the prices of its protection. */
export function fromApiPosition(position: ApiPosition): Position {
  return {
    ...fromApiPositionUpdate(position),
    takeProfit: position.takeProfit,
    stopLoss: position.stopLoss,
    guaranteedStop: position.guaranteedStop,
    trailingStopPips: position.trailingStopPips,
  };
}

/** A position as the stream reports it after a fill: `qty` 0 when it went flat. */
export function fromApiPositionUpdate(position: ApiPositionUpdate): Position {
  return {
    id: position.id,
    symbol: position.symbol,
    qty: position.qty,
    side: sideFromApi[position.side],
    avgPrice: position.avgPrice,
  };
}

/** A quote as TradingView's realtimeUpdate takes it: bid, ask, and the last trade's price. */
export function fromApiQuote(quote: ApiQuote): TradingQuotes {
  return { bid: quote.bid, ask: quote.ask, trade: quote.last, spread: quote.ask - quote.bid };
}

export function fromApiExecution(execution: ApiExecution): Execution {
  return {
    symbol: execution.symbol,
    price: execution.price,
    qty: execution.qty,
    side: sideFromApi[execution.side],
    time: execution.time,
    commission: execution.commission,
    netAmount: execution.netAmount,
  };
}

export function fromApiAccountInfo(account: ApiAccountInfo): AccountInfo {
  return {
    id: account.id,
    name: account.name,
    currency: account.currency,
    currencySign: account.currencySign,
    balance: account.balance,
    equity: account.equity,
    realizedPnl: account.realizedPnl,
    unrealizedPnl: account.unrealizedPnl,
  };
}

/** An account as TradingView's account picker lists it. */
export function fromApiAccountMetainfo(account: ApiAccountMetainfo): AccountMetainfo {
  return { id: accountId(account.id), name: account.name, currency: account.currency, currencySign: account.currencySign };
}

/** One event of the stream, decoded by its name in the contract's `x-events` and mapped. */
export function fromStreamMessage(message: StreamMessage): BrokerEvent {
  switch (message.event) {
    case "order":
      return { kind: "order", order: fromApiOrder(decodePayload("order", message.data)) };
    case "execution":
      return { kind: "execution", execution: fromApiExecution(decodePayload("execution", message.data)) };
    case "position":
      return { kind: "position", position: fromApiPositionUpdate(decodePayload("position", message.data)) };
    case "account":
      return { kind: "account", account: fromApiAccountInfo(decodePayload("account", message.data)) };
    case "pl": {
      const pl = decodePayload("pl", message.data);
      return { kind: "pl", positionId: pl.id, pl: pl.pl };
    }
    case "quote": {
      const quote = decodePayload("quote", message.data);
      return { kind: "quote", symbol: quote.symbol, quotes: fromApiQuote(quote) };
    }
    case "resync":
      return { kind: "resync", reason: decodePayload("resync", message.data).reason };
  }
}

export function fromApiOrderPreview(preview: ApiOrderPreviewResult): OrderPreviewResult {
  return {
    sections: preview.sections.map((section) => ({
      header: section.header,
      rows: section.rows.map((row) => ({ title: row.title, value: row.value })),
    })),
    confirmId: preview.confirmId,
    warnings: preview.warnings === undefined ? undefined : [...preview.warnings],
    errors: preview.errors === undefined ? undefined : [...preview.errors],
  };
}

export function fromApiInstrumentInfo(info: ApiInstrumentInfo): InstrumentInfo {
  return {
    symbol: info.symbol,
    description: info.description,
    type: info.type,
    currency: info.currency,
    qty: { min: info.qty.min, max: info.qty.max, step: info.qty.step, default: info.qty.default },
    minTick: info.minTick,
    pipSize: info.pipSize,
    pipValue: info.pipValue,
    marginRate: info.marginRate,
    allowedDurations: [...info.allowedDurations],
  };
}

/** What a 401 says when the service gave no detail: the key, not the request, is what to fix. */
export const UNAUTHORIZED_DETAIL = "The service refused the API key (401): send a valid key, `Authorization: Bearer pbk_...`.";

function toProblem(error: unknown, response: Response): BrokerProblem {
  const problem: BrokerProblem = { status: response.status, title: response.statusText || `HTTP ${response.status}` };
  if (typeof error === "object" && error !== null) {
    if ("title" in error && typeof error.title === "string") problem.title = error.title;
    if ("detail" in error && typeof error.detail === "string") problem.detail = error.detail;
  }
  if (response.status === 401 && problem.detail === undefined) problem.detail = UNAUTHORIZED_DETAIL;
  return problem;
}

interface Answer<A> {
  data?: A;
  error?: unknown;
  response: Response;
}

const EVENTS_PATH: keyof paths = "/broker/events";

export interface HttpBrokerOptions {
  /** The API key (`pbk_<16 hex>_<secret>`), sent as `Authorization: Bearer <key>` on every request and the stream. */
  apiKey?: string;
  /** Which of the caller's accounts every account operation and the stream act on; left out, the first. */
  accountId?: string;
  /** Told of every 401 (a request's or the stream's), with the problem: the key needs replacing. */
  onUnauthorized?(problem: BrokerProblem): void;
}

/** The frontend's broker interface over HTTP. `baseUrl` is the server's origin, such as http://127.0.0.1:8000. */
export class HttpBroker implements ApiInterface {
  readonly client: BrokerClient;
  private readonly baseUrl: string;
  private readonly options: HttpBrokerOptions;
  private readonly headers: Record<string, string>;
  /** The `accountId` query of the account operations: empty for the caller's first account. */
  private readonly scope: { accountId?: string };

  constructor(baseUrl: string, options: HttpBrokerOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.options = options;
    this.headers = options.apiKey === undefined ? {} : { Authorization: `Bearer ${options.apiKey}` };
    this.scope = options.accountId === undefined ? {} : { accountId: options.accountId };
    this.client = createBrokerClient(this.baseUrl, { headers: this.headers });
  }

  /** The account operations act on `accountId` (one of the caller's: another's answers 404). */
  withAccount(accountId: string): HttpBroker {
    return new HttpBroker(this.baseUrl, { ...this.options, accountId });
  }

  /** The account in use when one was named; undefined for the caller's first. */
  get accountId(): string | undefined {
    return this.options.accountId;
  }

  private async settle<A, T>(pending: Promise<Answer<A>>, map: (data: A) => T): Promise<Result<T>> {
    const { data, error, response } = await pending;
    if (response.ok && data !== undefined) return { ok: true, status: response.status, data: map(data) };
    const problem = toProblem(error, response);
    if (response.status === 401) this.options.onUnauthorized?.(problem);
    return { ok: false, status: response.status, data: undefined, error: problem };
  }

  /**
   * The live stream (streamEvents): reopened after every drop, resuming with Last-Event-ID, except after a
   * 401, when it reports "disconnected" and stops (the same key would be refused again).
   */
  subscribe(listener: BrokerEventListener, symbols: readonly string[] = []): BrokerSubscription {
    return new EventStreamConnection({
      url: `${this.baseUrl}${BASE_PATH}${EVENTS_PATH}`,
      symbols,
      headers: this.headers,
      query: this.scope,
      onMessage: (message) => listener.event(fromStreamMessage(message)),
      onState: (state) => listener.state(state),
      onUnauthorized: (detail) =>
        this.options.onUnauthorized?.({ status: 401, title: "Unauthorized", detail: detail ?? UNAUTHORIZED_DETAIL }),
    });
  }

  /** The caller's accounts, the default first. */
  accounts(): Promise<Result<AccountMetainfo[]>> {
    return this.settle(this.client.GET("/broker/accounts"), (accounts) => accounts.map(fromApiAccountMetainfo));
  }

  /** Places the order; `confirmId` is the one previewOrder gave for this very order. */
  placeOrder(order: OrderRequest, confirmId?: string): Promise<Result<{ orderId: string }>> {
    return this.settle(
      this.client.POST("/broker/orders", {
        params: { query: confirmId === undefined ? this.scope : { ...this.scope, confirmId } },
        body: toApiPreOrder(order),
      }),
      (placed) => ({ orderId: placed.orderId }),
    );
  }

  previewOrder(order: OrderRequest): Promise<Result<OrderPreviewResult>> {
    return this.settle(this.client.POST("/broker/order-previews", { params: { query: this.scope }, body: toApiPreOrder(order) }), fromApiOrderPreview);
  }

  modifyOrder(order: Order): Promise<Result<Order>> {
    return this.settle(
      this.client.PUT("/broker/orders/{orderId}", {
        params: { path: { orderId: order.id }, query: this.scope },
        body: toApiModifiedOrder(order),
      }),
      fromApiOrder,
    );
  }

  cancelOrder(orderId: string): Promise<Result<Order>> {
    return this.settle(
      this.client.DELETE("/broker/orders/{orderId}", { params: { path: { orderId }, query: this.scope } }),
      fromApiOrder,
    );
  }

  /** Cancels, at once, the pending orders of a symbol (of one side if given) or the orders named. */
  cancelOrders(which: OrderCancellation): Promise<Result<Order[]>> {
    return this.settle(
      this.client.POST("/broker/order-cancellations", {
        params: { query: this.scope },
        body: toApiOrderCancellation(which),
      }),
      (orders) => orders.map(fromApiOrder),
    );
  }

  getOrders(filter: OrderFilter = {}): Promise<Result<Order[]>> {
    const query: { accountId?: string; status?: ApiOrderStatus[]; symbol?: string } = { ...this.scope };
    if (filter.status !== undefined) query.status = filter.status.map((status) => statusToApi[status]);
    if (filter.symbol !== undefined) query.symbol = filter.symbol;
    return this.settle(this.client.GET("/broker/orders", { params: { query } }), (orders) => orders.map(fromApiOrder));
  }

  /** Filled, canceled and rejected orders, the most recently changed first (at most `limit`). */
  getOrdersHistory(limit?: number): Promise<Result<Order[]>> {
    return this.settle(
      this.client.GET("/broker/orders-history", { params: { query: limit === undefined ? this.scope : { ...this.scope, limit } } }),
      (orders) => orders.map(fromApiOrder),
    );
  }

  getPositions(): Promise<Result<Position[]>> {
    return this.settle(this.client.GET("/broker/positions", { params: { query: this.scope } }), (positions) => positions.map(fromApiPosition));
  }

  /** Closes the position at the market, all of it or `amount`; resolves to the closing order. */
  closePosition(positionId: string, amount?: number): Promise<Result<Order>> {
    return this.settle(
      this.client.POST("/broker/positions/{positionId}/close", {
        params: { path: { positionId }, query: this.scope },
        body: amount === undefined ? {} : { amount },
      }),
      fromApiOrder,
    );
  }

  /** Turns the position around at the market; resolves to the reversing order. */
  reversePosition(positionId: string): Promise<Result<Order>> {
    return this.settle(
      this.client.POST("/broker/positions/{positionId}/reverse", { params: { path: { positionId }, query: this.scope } }),
      fromApiOrder,
    );
  }

  /** Sets, changes or (with null) removes the position's take-profit and stop-loss. */
  editPositionBrackets(positionId: string, brackets: BracketChanges): Promise<Result<Position>> {
    return this.settle(
      this.client.PUT("/broker/positions/{positionId}/brackets", {
        params: { path: { positionId }, query: this.scope },
        body: toApiBrackets(brackets),
      }),
      fromApiPosition,
    );
  }

  getExecutions(symbol: string): Promise<Result<Execution[]>> {
    return this.settle(
      this.client.GET("/broker/executions/{symbol}", { params: { path: { symbol }, query: this.scope } }),
      (executions) => executions.map(fromApiExecution),
    );
  }

  getAccountInfo(): Promise<Result<AccountInfo>> {
    return this.settle(this.client.GET("/broker/account", { params: { query: this.scope } }), fromApiAccountInfo);
  }

  /** The instrument's rules; a 404 when the broker neither lists nor quotes the symbol (not tradable). */
  symbolInfo(symbol: string): Promise<Result<InstrumentInfo>> {
    return this.settle(
      this.client.GET("/broker/symbols/{symbol}", { params: { path: { symbol } } }),
      fromApiInstrumentInfo,
    );
  }

  /** The instruments the broker trades, those whose symbol or description contains `search` if given. */
  getSymbols(search?: string): Promise<Result<InstrumentInfo[]>> {
    return this.settle(
      this.client.GET("/broker/symbols", { params: { query: search === undefined ? {} : { search } } }),
      (instruments) => instruments.map(fromApiInstrumentInfo),
    );
  }
}
