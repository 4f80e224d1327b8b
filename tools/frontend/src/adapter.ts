// The reference adapter: the frontend's broker interface implemented on the client generated from
// openapi/broker.yaml. Every mapping below is written against the generated types, field by field and with
// exhaustive enum tables, so a breaking change to the contract (a required field removed or renamed, an enum
// value changed) stops this file from compiling instead of surfacing at run time.
import {
  createBrokerClient,
  type AccountInfo as ApiAccountInfo,
  type BrokerClient,
  type Execution as ApiExecution,
  type OrderModification as ApiOrderModification,
  type OrderStatus as ApiOrderStatus,
  type OrderType as ApiOrderType,
  type PlacedOrder as ApiPlacedOrder,
  type Position as ApiPosition,
  type PreOrder as ApiPreOrder,
  type Side as ApiSide,
} from "@generated/client";

// The frontend's own model, in TradingView's Broker API terms. It does not change when the contract does.

export enum Side {
  Buy = 1,
  Sell = -1,
}

export enum OrderType {
  Limit = 1,
  Market = 2,
  Stop = 3,
  StopLimit = 4,
}

export enum OrderStatus {
  Canceled = 1,
  Filled = 2,
  Inactive = 3,
  Placing = 4,
  Rejected = 5,
  Working = 6,
}

export interface PreOrder {
  symbol: string;
  type: OrderType;
  side: Side;
  qty: number;
  limitPrice?: number;
  stopPrice?: number;
}

export interface Order {
  id: string;
  symbol: string;
  type: OrderType;
  side: Side;
  qty: number;
  status: OrderStatus;
  filledQty?: number;
  avgPrice?: number;
  limitPrice?: number;
  stopPrice?: number;
  updateTime?: number;
  message?: string;
}

export interface Position {
  id: string;
  symbol: string;
  qty: number;
  side: Side;
  avgPrice: number;
}

export interface Execution {
  symbol: string;
  price: number;
  qty: number;
  side: Side;
  time: number;
  commission?: number;
  netAmount?: number;
}

export interface AccountInfo {
  id: string;
  name: string;
  currency: string;
  balance: number;
  equity: number;
  realizedPnl: number;
  unrealizedPnl: number;
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

export interface BrokerApi {
  placeOrder(order: PreOrder): Promise<Result<{ orderId: string }>>;
  modifyOrder(order: Order): Promise<Result<Order>>;
  cancelOrder(orderId: string): Promise<Result<Order>>;
  getOrders(): Promise<Result<Order[]>>;
  getPositions(): Promise<Result<Position[]>>;
  getExecutions(symbol: string): Promise<Result<Execution[]>>;
  getAccountInfo(): Promise<Result<AccountInfo>>;
}

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

// Mappings, one field at a time: a renamed or removed field cannot slip through a spread or a cast.

export function toApiPreOrder(order: PreOrder): ApiPreOrder {
  const api: ApiPreOrder = {
    symbol: order.symbol,
    type: typeToApi[order.type],
    side: sideToApi[order.side],
    qty: order.qty,
  };
  if (order.limitPrice !== undefined) api.limitPrice = order.limitPrice;
  if (order.stopPrice !== undefined) api.stopPrice = order.stopPrice;
  return api;
}

export function toApiModification(order: Order): ApiOrderModification {
  const api: ApiOrderModification = { qty: order.qty };
  if (order.limitPrice !== undefined) api.limitPrice = order.limitPrice;
  if (order.stopPrice !== undefined) api.stopPrice = order.stopPrice;
  return api;
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
    updateTime: order.updateTime,
    message: order.message?.text,
  };
}

export function fromApiPosition(position: ApiPosition): Position {
  return {
    id: position.id,
    symbol: position.symbol,
    qty: position.qty,
    side: sideFromApi[position.side],
    avgPrice: position.avgPrice,
  };
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
    balance: account.balance,
    equity: account.equity,
    realizedPnl: account.realizedPnl,
    unrealizedPnl: account.unrealizedPnl,
  };
}

function toProblem(error: unknown, response: Response): BrokerProblem {
  const problem: BrokerProblem = { status: response.status, title: response.statusText || `HTTP ${response.status}` };
  if (typeof error === "object" && error !== null) {
    if ("title" in error && typeof error.title === "string") problem.title = error.title;
    if ("detail" in error && typeof error.detail === "string") problem.detail = error.detail;
  }
  return problem;
}

interface Answer<A> {
  data?: A;
  error?: unknown;
  response: Response;
}

async function settle<A, T>(pending: Promise<Answer<A>>, map: (data: A) => T): Promise<Result<T>> {
  const { data, error, response } = await pending;
  if (response.ok && data !== undefined) return { ok: true, status: response.status, data: map(data) };
  return { ok: false, status: response.status, data: undefined, error: toProblem(error, response) };
}

/** The frontend's broker interface over HTTP. `baseUrl` is the server's origin, such as http://127.0.0.1:8000. */
export class HttpBroker implements BrokerApi {
  readonly client: BrokerClient;

  constructor(baseUrl: string) {
    this.client = createBrokerClient(baseUrl);
  }

  placeOrder(order: PreOrder): Promise<Result<{ orderId: string }>> {
    return settle(this.client.POST("/broker/orders", { body: toApiPreOrder(order) }), (placed) => ({
      orderId: placed.orderId,
    }));
  }

  modifyOrder(order: Order): Promise<Result<Order>> {
    return settle(
      this.client.PUT("/broker/orders/{orderId}", {
        params: { path: { orderId: order.id } },
        body: toApiModification(order),
      }),
      fromApiOrder,
    );
  }

  cancelOrder(orderId: string): Promise<Result<Order>> {
    return settle(
      this.client.DELETE("/broker/orders/{orderId}", { params: { path: { orderId } } }),
      fromApiOrder,
    );
  }

  getOrders(): Promise<Result<Order[]>> {
    return settle(this.client.GET("/broker/orders"), (orders) => orders.map(fromApiOrder));
  }

  getPositions(): Promise<Result<Position[]>> {
    return settle(this.client.GET("/broker/positions"), (positions) => positions.map(fromApiPosition));
  }

  getExecutions(symbol: string): Promise<Result<Execution[]>> {
    return settle(
      this.client.GET("/broker/executions/{symbol}", { params: { path: { symbol } } }),
      (executions) => executions.map(fromApiExecution),
    );
  }

  getAccountInfo(): Promise<Result<AccountInfo>> {
    return settle(this.client.GET("/broker/account"), fromApiAccountInfo);
  }
}
