// The frontend's cases, run against whatever backend PAPERBROKER_URL names: the stateful mock, the real
// service, or (to prove the suite can fail) the stub. Each case trades a symbol of its own that the simulated
// market does not quote, so only setQuote moves its price and the results are deterministic. The configured
// instruments (AAPL, EURUSD) are only read, or sent orders their rules refuse, so nothing is placed on them.
import { describe, expect, it } from "vitest";
import { OrderStatus, OrderType, ParentType, Side, type Order, type PreOrder } from "../src/adapter";
import { keyed } from "./backend";

const broker = keyed();
const sim = broker.client;

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

/** Places a limit order; returns its id (fails the test if the backend refuses). */
async function placeLimit(symbol: string, side: Side, qty: number, limitPrice: number): Promise<string> {
  const placed = await broker.placeOrder({ symbol, type: OrderType.Limit, side, qty, limitPrice });
  expect(placed.status).toBe(201);
  return unwrap(placed).orderId;
}

/** The orders protecting `parentId` (an order's id, or a position's, which is its symbol), oldest first. */
async function bracketsOf(parentId: string): Promise<Order[]> {
  return unwrap(await broker.getOrders()).filter((order) => order.parentId === parentId);
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
    expect(start.currencySign).toMatch(/^\S+$/);
    if (start.currency === "USD") expect(start.currencySign).toBe("$");
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

  it("previews an order: rows and a confirmId, which places that order once", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 29.9, 30.1);
    const order: PreOrder = { symbol, type: OrderType.Limit, side: Side.Buy, qty: 5, limitPrice: 29 };
    const result = await broker.previewOrder(order);
    expect(result.status).toBe(200);
    const preview = unwrap(result);
    expect(preview.errors ?? []).toEqual([]);
    const rows = preview.sections.flatMap((section) => section.rows);
    // A limit that would rest is estimated at its own price.
    expect(rows).toContainEqual({ title: "Estimated fill price", value: "29" });
    expect(rows.map((row) => row.title)).toEqual(
      expect.arrayContaining(["Order value", "Commission", "Margin", "Cash after"]),
    );
    const confirmId = preview.confirmId;
    expect(confirmId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    // The confirmId names this very order: another one is refused, this one placed, and only once.
    const other = await broker.placeOrder({ ...order, qty: 6 }, confirmId);
    expect(other.status).toBe(422);
    const placed = await broker.placeOrder(order, confirmId);
    expect(placed.status).toBe(201);
    expect(await getOrder(unwrap(placed).orderId)).toMatchObject({
      symbol,
      qty: 5,
      limitPrice: 29,
      status: OrderStatus.Working,
    });
    const again = await broker.placeOrder(order, confirmId);
    expect(again.status).toBe(409);

    // An order that breaks its instrument's rules (AAPL: whole shares, cents) is previewed with errors
    // and no confirmId.
    const broken = unwrap(
      await broker.previewOrder({ symbol: "AAPL", type: OrderType.Limit, side: Side.Buy, qty: 0.5, limitPrice: 1.005 }),
    );
    expect(broken.errors).toHaveLength(2);
    expect(broken.confirmId).toBeUndefined();
  });

  it("cancels the pending orders of a symbol: one side, then the rest, then by id", async () => {
    const symbol = freshSymbol();
    const bystanderSymbol = freshSymbol();
    await setQuote(symbol, 99, 101);
    await setQuote(bystanderSymbol, 99, 101);
    const firstBuy = await placeLimit(symbol, Side.Buy, 1, 90);
    const secondBuy = await placeLimit(symbol, Side.Buy, 2, 91);
    const sell = await placeLimit(symbol, Side.Sell, 1, 110);
    const bystander = await placeLimit(bystanderSymbol, Side.Buy, 1, 90);

    const buys = await broker.cancelOrders({ symbol, side: Side.Buy });
    expect(buys.status).toBe(200);
    expect(unwrap(buys).map((order) => [order.id, order.status])).toEqual([
      [firstBuy, OrderStatus.Canceled],
      [secondBuy, OrderStatus.Canceled],
    ]);
    expect((await getOrder(sell)).status).toBe(OrderStatus.Working);

    const rest = unwrap(await broker.cancelOrders({ symbol }));
    expect(rest.map((order) => [order.id, order.status])).toEqual([[sell, OrderStatus.Canceled]]);
    expect(unwrap(await broker.cancelOrders({ symbol }))).toEqual([]);
    expect((await getOrder(bystander)).status).toBe(OrderStatus.Working);

    const byId = unwrap(await broker.cancelOrders({ orderIds: [bystander] }));
    expect(byId.map((order) => [order.id, order.status])).toEqual([[bystander, OrderStatus.Canceled]]);
  });

  it("lists the orders history: final orders, the latest first, no working ones", async () => {
    const symbol = await buyAtMarket(2, 9.9, 10.1);
    const filled = unwrap(await broker.getOrders()).find((order) => order.symbol === symbol);
    expect(filled?.status).toBe(OrderStatus.Filled);
    const working = await placeLimit(symbol, Side.Buy, 1, 9);
    const canceled = await placeLimit(symbol, Side.Buy, 1, 8);
    expect((await broker.cancelOrder(canceled)).status).toBe(200);

    const result = await broker.getOrdersHistory();
    expect(result.status).toBe(200);
    const history = unwrap(result);
    const ids = history.map((order) => order.id);
    expect(ids).not.toContain(working);
    expect(ids.indexOf(canceled)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(canceled)).toBeLessThan(ids.indexOf(filled?.id ?? ""));
    const final: OrderStatus[] = [OrderStatus.Filled, OrderStatus.Canceled, OrderStatus.Rejected];
    expect(history.every((order) => final.includes(order.status))).toBe(true);

    const latest = unwrap(await broker.getOrdersHistory(1));
    expect(latest).toHaveLength(1);
    expect(latest[0]).toMatchObject({ id: canceled, symbol, status: OrderStatus.Canceled });
  });

  it("closes a position at the market: part of it, then the rest", async () => {
    const symbol = await buyAtMarket(10, 39.9, 40.1);
    await setQuote(symbol, 41.9, 42.1);
    // More than the position holds is refused.
    expect((await broker.closePosition(symbol, 11)).status).toBe(422);

    const partial = await broker.closePosition(symbol, 4);
    expect(partial.status).toBe(201);
    expect(unwrap(partial)).toMatchObject({
      symbol,
      type: OrderType.Market,
      side: Side.Sell,
      qty: 4,
      status: OrderStatus.Filled,
      filledQty: 4,
      avgPrice: 41.9,
    });
    const left = unwrap(await broker.getPositions()).find((position) => position.symbol === symbol);
    expect(left).toEqual({ id: symbol, symbol, qty: 6, side: Side.Buy, avgPrice: 40.1 });

    const whole = await broker.closePosition(symbol);
    expect(whole.status).toBe(201);
    expect(unwrap(whole)).toMatchObject({ side: Side.Sell, qty: 6, status: OrderStatus.Filled, avgPrice: 41.9 });
    expect(unwrap(await broker.getPositions()).some((position) => position.symbol === symbol)).toBe(false);
    // A flat position is no longer there to close.
    expect((await broker.closePosition(symbol)).status).toBe(404);
  });

  it("reverses a position at the market: a long of 5 becomes a short of 5", async () => {
    const symbol = await buyAtMarket(5, 59.9, 60.1);
    const result = await broker.reversePosition(symbol);
    expect(result.status).toBe(201);
    expect(unwrap(result)).toMatchObject({
      symbol,
      type: OrderType.Market,
      side: Side.Sell,
      qty: 10,
      status: OrderStatus.Filled,
      avgPrice: 59.9,
    });
    const position = unwrap(await broker.getPositions()).find((candidate) => candidate.symbol === symbol);
    expect(position).toEqual({ id: symbol, symbol, qty: 5, side: Side.Sell, avgPrice: 59.9 });
    expect(unwrap(await broker.getExecutions(symbol)).map((execution) => execution.side)).toEqual([
      Side.Buy,
      Side.Sell,
    ]);
  });

  it("edits a position's brackets: sets both, then removes them with null", async () => {
    const symbol = await buyAtMarket(10, 49.9, 50.1);
    const set = await broker.editPositionBrackets(symbol, { takeProfit: 55, stopLoss: 45 });
    expect(set.status).toBe(200);
    const protectedPosition = { id: symbol, symbol, qty: 10, side: Side.Buy, avgPrice: 50.1 };
    expect(unwrap(set)).toEqual({ ...protectedPosition, takeProfit: 55, stopLoss: 45 });
    expect(unwrap(await broker.getPositions()).find((position) => position.symbol === symbol)).toEqual({
      ...protectedPosition,
      takeProfit: 55,
      stopLoss: 45,
    });
    const legs = await bracketsOf(symbol);
    expect(legs).toHaveLength(2);
    expect(legs).toContainEqual(
      expect.objectContaining({
        type: OrderType.Limit,
        side: Side.Sell,
        qty: 10,
        limitPrice: 55,
        parentType: ParentType.Position,
      }),
    );
    expect(legs).toContainEqual(
      expect.objectContaining({
        type: OrderType.Stop,
        side: Side.Sell,
        qty: 10,
        stopPrice: 45,
        parentType: ParentType.Position,
      }),
    );
    // A take-profit on the losing side of the stop-loss is refused, and the brackets stay as they were.
    expect((await broker.editPositionBrackets(symbol, { takeProfit: 44 })).status).toBe(422);
    expect((await bracketsOf(symbol)).map((leg) => leg.status)).toEqual([OrderStatus.Working, OrderStatus.Working]);

    const withoutTakeProfit = unwrap(await broker.editPositionBrackets(symbol, { takeProfit: null }));
    expect(withoutTakeProfit).toEqual({ ...protectedPosition, stopLoss: 45 });
    const unprotected = unwrap(await broker.editPositionBrackets(symbol, { stopLoss: null }));
    expect(unprotected).toEqual(protectedPosition);
    expect(unprotected.takeProfit).toBeUndefined();
    expect(unprotected.stopLoss).toBeUndefined();
    const after = await bracketsOf(symbol);
    expect(after.map((leg) => leg.status)).toEqual([OrderStatus.Canceled, OrderStatus.Canceled]);
  });

  it("modifies an order's brackets with the whole order: a bracket it no longer carries is removed", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 69.9, 70.1);
    const placed = await broker.placeOrder({
      symbol,
      type: OrderType.Limit,
      side: Side.Buy,
      qty: 3,
      limitPrice: 65,
      takeProfit: 75,
      stopLoss: 60,
      customFields: { note: { text: "earnings", checked: true }, hedge: false },
    });
    const { orderId } = unwrap(placed);
    const order = await getOrder(orderId);
    expect(order).toMatchObject({
      takeProfit: 75,
      stopLoss: 60,
      customFields: { note: { text: "earnings", checked: true }, hedge: false },
    });
    expect((await bracketsOf(orderId)).map((leg) => [leg.type, leg.status, leg.parentType])).toEqual([
      [OrderType.Limit, OrderStatus.Inactive, ParentType.Order],
      [OrderType.Stop, OrderStatus.Inactive, ParentType.Order],
    ]);

    const result = await broker.modifyOrder({ ...order, qty: 4, takeProfit: undefined, stopLoss: 61 });
    expect(result.status).toBe(200);
    const modified = unwrap(result);
    expect(modified).toMatchObject({ id: orderId, qty: 4, stopLoss: 61, status: OrderStatus.Working });
    expect(modified.takeProfit).toBeUndefined();
    const legs = await bracketsOf(orderId);
    expect(legs.filter((leg) => leg.status === OrderStatus.Inactive)).toEqual([
      expect.objectContaining({ type: OrderType.Stop, side: Side.Sell, qty: 4, stopPrice: 61 }),
    ]);
  });

  it("reads an instrument's rules, and 404 for a symbol never quoted", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 9.99, 10.01);
    const result = await broker.symbolInfo(symbol);
    expect(result.status).toBe(200);
    // A quoted symbol without configured rules takes any value with at most nine decimals.
    expect(unwrap(result)).toMatchObject({ symbol, qty: { min: 1e-9, step: 1e-9 }, minTick: 1e-9 });

    expect(unwrap(await broker.symbolInfo("AAPL"))).toMatchObject({
      symbol: "AAPL",
      type: "stock",
      qty: { min: 1, step: 1 },
      minTick: 0.01,
    });
    expect(unwrap(await broker.symbolInfo("EURUSD"))).toMatchObject({
      symbol: "EURUSD",
      type: "forex",
      qty: { min: 1000, step: 1000 },
      minTick: 0.00001,
    });
    // The rules are enforced with a 422, and nothing is placed: a quantity off the step, a price off the tick.
    const before = unwrap(await broker.getOrders()).length;
    const aapl: Pick<PreOrder, "symbol" | "type" | "side"> = { symbol: "AAPL", type: OrderType.Limit, side: Side.Buy };
    const offStep = await broker.placeOrder({ ...aapl, qty: 1.5, limitPrice: 1 });
    expect(offStep.status).toBe(422);
    expect(offStep.ok ? undefined : offStep.error.detail).toMatch(/step/);
    const offTick = await broker.placeOrder({ ...aapl, qty: 1, limitPrice: 1.005 });
    expect(offTick.status).toBe(422);
    expect(offTick.ok ? undefined : offTick.error.detail).toMatch(/minTick/);
    expect(unwrap(await broker.getOrders())).toHaveLength(before);

    const unknown = await broker.symbolInfo(freshSymbol());
    expect(unknown.ok).toBe(false);
    expect(unknown.status).toBe(404);
  });

  it("lists the instruments, and searches them", async () => {
    const symbol = freshSymbol();
    await setQuote(symbol, 1.5, 1.6);
    const result = await broker.getSymbols();
    expect(result.status).toBe(200);
    const symbols = unwrap(result).map((instrument) => instrument.symbol);
    expect(symbols).toEqual(expect.arrayContaining(["AAPL", "EURUSD", symbol]));
    expect(symbols).toEqual([...symbols].sort());

    const found = unwrap(await broker.getSymbols(symbol.toLowerCase()));
    expect(found.map((instrument) => instrument.symbol)).toContain(symbol);
    const matches = (text: string) => text.toUpperCase().includes(symbol);
    expect(found.every((instrument) => matches(instrument.symbol) || matches(instrument.description))).toBe(true);
    expect(unwrap(await broker.getSymbols("apple")).map((instrument) => instrument.symbol)).toContain("AAPL");
  });
});
