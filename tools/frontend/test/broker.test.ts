// The frontend's cases, run against whatever backend PAPERBROKER_URL names: the stateful mock, the real
// service, or (to prove the suite can fail) the stub. Each case trades a symbol of its own that the simulated
// market does not quote, so only setQuote moves its price and the results are deterministic.
import { createBrokerClient } from "@generated/client";
import { describe, expect, it } from "vitest";
import { HttpBroker, OrderStatus, OrderType, Side, type Order } from "../src/adapter";

const baseUrl = process.env.PAPERBROKER_URL ?? "http://127.0.0.1:8000";
const broker = new HttpBroker(baseUrl);
const sim = createBrokerClient(baseUrl);

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
let counter = 0;
/** A symbol no one else trades: the run's id and a counter, such as T1ABCD2. */
function freshSymbol(): string {
  counter += 1;
  return `T${counter}${run}`;
}

/** Moves the market of `symbol` by hand (PUT /sim/quotes/{symbol}); fails the test if the backend refuses. */
async function setQuote(symbol: string, bid: number, ask: number): Promise<void> {
  const { data, response } = await sim.PUT("/sim/quotes/{symbol}", {
    params: { path: { symbol } },
    body: { bid, ask },
  });
  expect(response.status).toBe(200);
  expect(data).toMatchObject({ symbol, bid, ask });
}

function unwrap<T>(result: { ok: true; data: T } | { ok: false; status: number }): T {
  if (!result.ok) throw new Error(`the backend answered ${result.status}`);
  return result.data;
}

async function getOrder(orderId: string): Promise<Order> {
  const orders = unwrap(await broker.getOrders());
  const order = orders.find((candidate) => candidate.id === orderId);
  if (order === undefined) throw new Error(`order ${orderId} is not listed`);
  return order;
}

/** Buys `qty` of a fresh symbol at the market at `ask`; returns the symbol. */
async function buyAtMarket(qty: number, bid: number, ask: number): Promise<string> {
  const symbol = freshSymbol();
  await setQuote(symbol, bid, ask);
  const placed = await broker.placeOrder({ symbol, type: OrderType.Market, side: Side.Buy, qty });
  expect(placed.status).toBe(201);
  expect((await getOrder(unwrap(placed).orderId)).status).toBe(OrderStatus.Filled);
  return symbol;
}

describe("broker adapter", () => {
  it("places an order and gets its id", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 99, 101);
    const result = await broker.placeOrder({
      symbol,
      type: OrderType.Limit,
      side: Side.Buy,
      qty: 3,
      limitPrice: 95,
    });
    expect(result.status).toBe(201);
    expect(unwrap(result).orderId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("lists orders, the new one working with its fields", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 49, 51);
    const { orderId } = unwrap(
      await broker.placeOrder({ symbol, type: OrderType.Limit, side: Side.Sell, qty: 2, limitPrice: 60 }),
    );
    const result = await broker.getOrders();
    expect(result.status).toBe(200);
    const order = unwrap(result).find((candidate) => candidate.id === orderId);
    expect(order).toMatchObject({
      id: orderId,
      symbol,
      type: OrderType.Limit,
      side: Side.Sell,
      qty: 2,
      limitPrice: 60,
      status: OrderStatus.Working,
    });
  });

  it("lists positions: a market buy opens one at the ask", async () => {
    const symbol = await buyAtMarket(4, 19.9, 20.1);
    const result = await broker.getPositions();
    expect(result.status).toBe(200);
    const position = unwrap(result).find((candidate) => candidate.symbol === symbol);
    expect(position).toEqual({ id: symbol, symbol, qty: 4, side: Side.Buy, avgPrice: 20.1 });
  });

  it("modifies a working order", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 99, 101);
    const { orderId } = unwrap(
      await broker.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 5, limitPrice: 90 }),
    );
    const order = await getOrder(orderId);
    const result = await broker.modifyOrder({ ...order, qty: 7, limitPrice: 91 });
    expect(result.status).toBe(200);
    expect(unwrap(result)).toMatchObject({ id: orderId, qty: 7, limitPrice: 91, status: OrderStatus.Working });
    expect(await getOrder(orderId)).toMatchObject({ qty: 7, limitPrice: 91 });
  });

  it("cancels a working order, and refuses to cancel it twice", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 99, 101);
    const { orderId } = unwrap(
      await broker.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 1, limitPrice: 80 }),
    );
    const result = await broker.cancelOrder(orderId);
    expect(result.status).toBe(200);
    expect(unwrap(result)).toMatchObject({ id: orderId, status: OrderStatus.Canceled });
    expect((await getOrder(orderId)).status).toBe(OrderStatus.Canceled);

    const again = await broker.cancelOrder(orderId);
    expect(again.ok).toBe(false);
    expect(again.status).toBe(409);
  });

  it("lists the executions of a symbol, and none for a symbol never traded", async () => {
    const symbol = await buyAtMarket(6, 9.9, 10.1);
    const result = await broker.getExecutions(symbol);
    expect(result.status).toBe(200);
    const executions = unwrap(result);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ symbol, price: 10.1, qty: 6, side: Side.Buy });

    const untraded = await broker.getExecutions(freshSymbol());
    expect(untraded.status).toBe(200);
    expect(unwrap(untraded)).toEqual([]);
  });

  it("reads the account: a round trip realizes its P&L", async () => {
    const before = await broker.getAccountInfo();
    expect(before.status).toBe(200);
    const start = unwrap(before);
    expect(start.currency).toMatch(/^[A-Z]{3}$/);
    expect(start.equity).toBeCloseTo(start.balance + start.unrealizedPnl, 6);

    const symbol = await buyAtMarket(10, 99, 100);
    await setQuote(symbol, 104, 105);
    const sold = await broker.placeOrder({ symbol, type: OrderType.Market, side: Side.Sell, qty: 10 });
    expect((await getOrder(unwrap(sold).orderId)).status).toBe(OrderStatus.Filled);

    const after = unwrap(await broker.getAccountInfo());
    expect(after.id).toBe(start.id);
    expect(after.realizedPnl - start.realizedPnl).toBeCloseTo(40, 6);
    expect(unwrap(await broker.getPositions()).some((position) => position.symbol === symbol)).toBe(false);
  });

  it("runs a limit order's life: working, modified, filled by setQuote, then final", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 49.9, 50.1);
    const { orderId } = unwrap(
      await broker.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 10, limitPrice: 48 }),
    );
    expect(await getOrder(orderId)).toMatchObject({ status: OrderStatus.Working, filledQty: 0 });

    // The market falls, but not to the limit: still working.
    await setQuote(symbol, 48.4, 48.6);
    expect((await getOrder(orderId)).status).toBe(OrderStatus.Working);

    // Raise the limit to 48.5: still below the ask of 48.6.
    const modified = unwrap(await broker.modifyOrder({ ...(await getOrder(orderId)), limitPrice: 48.5 }));
    expect(modified).toMatchObject({ limitPrice: 48.5, status: OrderStatus.Working });

    // The ask reaches the limit: the order fills at the quote, which is the limit or better.
    await setQuote(symbol, 48.3, 48.5);
    const filled = await getOrder(orderId);
    expect(filled).toMatchObject({ status: OrderStatus.Filled, filledQty: 10, avgPrice: 48.5 });

    const executions = unwrap(await broker.getExecutions(symbol));
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({ price: 48.5, qty: 10, side: Side.Buy });
    const position = unwrap(await broker.getPositions()).find((candidate) => candidate.symbol === symbol);
    expect(position).toMatchObject({ qty: 10, side: Side.Buy, avgPrice: 48.5 });

    // A filled order is final: modify and cancel are refused with a conflict.
    const late = await broker.modifyOrder({ ...filled, qty: 11 });
    expect(late.status).toBe(409);
    expect(late.ok ? undefined : late.error.status).toBe(409);
    expect((await broker.cancelOrder(orderId)).status).toBe(409);
  });
});
