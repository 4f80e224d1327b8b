// PaperBrokerTerminal as a TradingView terminal drives it, against the backend PAPERBROKER_URL names (the
// stateful mock, the real service, or the stub, where every case must fail). The host is a recording stand-in
// for TradingView's: the terminal never polls, so every update it asserts arrived on the event stream.
// The restart case starts a server of its own from PAPERBROKER_SERVER (a JSON argv), kills it and starts
// it again on the same port.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { HttpBroker } from "../src/adapter";
import { PaperBrokerTerminal } from "../src/terminal";
import { ConnectionStatus, OrderStatus, OrderType, Side, type Order } from "../src/tradingview";
import { apiKey, baseUrl, keyed } from "./backend";
import { RecordingHost, within } from "./host";

const backend = keyed();

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
let counter = 0;
/** A symbol no one else trades, so only this case's setQuote moves it. */
function freshSymbol(): string {
  counter += 1;
  return `V${counter}${run}`;
}

async function setQuote(broker: HttpBroker, symbol: string, bid: number, ask: number): Promise<void> {
  const { response } = await broker.client.PUT("/sim/quotes/{symbol}", { params: { path: { symbol } }, body: { bid, ask } });
  expect(response.status).toBe(200);
}

const open: PaperBrokerTerminal[] = [];
afterEach(() => {
  for (const terminal of open.splice(0)) terminal.close();
});

/** A terminal on `url` with a recording host that has loaded its view, once the stream is open. */
async function connect(url = baseUrl): Promise<{ host: RecordingHost; terminal: PaperBrokerTerminal }> {
  const host = new RecordingHost();
  const terminal = new PaperBrokerTerminal(host, { url, apiKey });
  open.push(terminal);
  await within(5_000, "the stream opens", () => (terminal.connectionStatus() === ConnectionStatus.Connected ? true : undefined));
  await host.attach(terminal);
  return { host, terminal };
}

function lastUpdateOf(host: RecordingHost, orderId: string): Order | undefined {
  return host.of("orderUpdate").filter((call) => call.order.id === orderId).at(-1)?.order;
}

describe("PaperBrokerTerminal", () => {
  it("tells the host a placed order is working, within 1 s", async () => {
    const { host, terminal } = await connect();
    const symbol = freshSymbol();
    await setQuote(backend, symbol, 100, 100.5);
    const { orderId } = await terminal.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 3, limitPrice: 99 });
    expect(orderId).toBeTypeOf("string");
    const order = await within(1_000, "orderUpdate(Working)", () => {
      const update = lastUpdateOf(host, orderId ?? "");
      return update?.status === OrderStatus.Working ? update : undefined;
    });
    expect(order).toMatchObject({ symbol, side: Side.Buy, type: OrderType.Limit, qty: 3, limitPrice: 99 });
  });

  it("pushes a fill: orderUpdate(Filled), executionUpdate, positionUpdate, equityUpdate and plUpdate", async () => {
    const { host, terminal } = await connect();
    terminal.subscribeEquity();
    const symbol = freshSymbol();
    await setQuote(backend, symbol, 100, 100.5);
    const { orderId } = await terminal.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 4, limitPrice: 99 });
    await within(1_000, "orderUpdate(Working)", () => lastUpdateOf(host, orderId ?? ""));
    const equityBefore = host.of("equityUpdate").length;

    await setQuote(backend, symbol, 98.5, 99);
    const filled = await within(1_000, "orderUpdate(Filled)", () => {
      const update = lastUpdateOf(host, orderId ?? "");
      return update?.status === OrderStatus.Filled ? update : undefined;
    });
    expect(filled).toMatchObject({ filledQty: 4, avgPrice: 99 });
    const execution = await within(1_000, "executionUpdate", () => host.of("executionUpdate").find((call) => call.execution.symbol === symbol));
    expect(execution.execution).toMatchObject({ symbol, side: Side.Buy, qty: 4, price: 99 });
    const position = await within(1_000, "positionUpdate", () => host.of("positionUpdate").find((call) => call.position.symbol === symbol));
    expect(position.position).toMatchObject({ id: symbol, qty: 4, side: Side.Buy, avgPrice: 99 });
    await within(1_000, "equityUpdate after the fill", () => (host.of("equityUpdate").length > equityBefore ? true : undefined));
    // 4 bought at 99, marked at the bid of 98.5; then the bid moves to 101.
    const pl = await within(1_000, "plUpdate", () => host.of("plUpdate").find((call) => call.positionId === symbol));
    expect(pl.pl).toBeCloseTo(-2, 9);
    await setQuote(backend, symbol, 101, 101.5);
    await within(1_000, "plUpdate at the new bid", () =>
      host.of("plUpdate").some((call) => call.positionId === symbol && Math.abs(call.pl - 8) < 1e-9) ? true : undefined,
    );
    const account = await backend.getAccountInfo();
    if (!account.ok) throw new Error(`getAccountInfo answered ${account.status}`);
    await within(1_000, "the host's equity is the account's", () =>
      host.of("equityUpdate").at(-1)?.equity === account.data.equity ? true : undefined,
    );
  });

  it("closes a position: positionUpdate with quantity 0, and the host no longer holds it", async () => {
    const { host, terminal } = await connect();
    const symbol = freshSymbol();
    await setQuote(backend, symbol, 50, 50.5);
    await terminal.placeOrder({ symbol, type: OrderType.Market, side: Side.Sell, qty: 2 });
    await within(1_000, "the short opens", () => host.positions.get(symbol));
    await terminal.closePosition(symbol);
    const flat = await within(1_000, "positionUpdate(qty 0)", () =>
      host.of("positionUpdate").find((call) => call.position.symbol === symbol && call.position.qty === 0),
    );
    expect(flat.position).toMatchObject({ id: symbol, qty: 0 });
    expect(host.positions.has(symbol)).toBe(false);
  });

  it("streams quotes of subscribed symbols only, as realtimeUpdate", async () => {
    const { host, terminal } = await connect();
    const watched = freshSymbol();
    const other = freshSymbol();
    terminal.subscribeRealtime(watched);
    // The stream reopens for the new symbol; a quote set before it is open would not be pushed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await setQuote(backend, other, 10, 10.5);
    await setQuote(backend, watched, 20, 20.25);
    const update = await within(1_000, "realtimeUpdate", () => host.of("realtimeUpdate").find((call) => call.symbol === watched));
    expect(update.quotes).toMatchObject({ bid: 20, ask: 20.25 });
    expect(host.of("realtimeUpdate").some((call) => call.symbol === other)).toBe(false);
    expect(host.of("connectionStatusUpdate").some((call) => call.status !== ConnectionStatus.Connected)).toBe(false);
  });

  it("refuses what the backend refuses, with the backend's reason", async () => {
    const { terminal } = await connect();
    await expect(terminal.placeOrder({ symbol: "AAPL", type: OrderType.Market, side: Side.Buy, qty: 0 })).rejects.toThrow(/qty|quantity/i);
    await expect(terminal.cancelOrder("999999999")).rejects.toThrow();
    expect(await terminal.isTradable("AAPL")).toBe(true);
    expect(await terminal.isTradable(freshSymbol())).toMatchObject({ tradable: false });
  });

  it("cancels through the terminal: the host sees the order canceled", async () => {
    const { host, terminal } = await connect();
    const symbol = freshSymbol();
    await setQuote(backend, symbol, 30, 30.5);
    const { orderId } = await terminal.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 1, limitPrice: 29 });
    await terminal.cancelOrders(symbol, Side.Buy, []);
    const canceled = await within(1_000, "orderUpdate(Canceled)", () => {
      const update = lastUpdateOf(host, orderId ?? "");
      return update?.status === OrderStatus.Canceled ? update : undefined;
    });
    expect(canceled.id).toBe(orderId);
    expect((await terminal.orders()).some((order) => order.id === orderId)).toBe(false);
  });

  it("survives a server restart: down, up again, and then the host's view equals the backend's", async () => {
    const argv = JSON.parse(process.env.PAPERBROKER_SERVER ?? "null") as string[] | null;
    if (argv === null) throw new Error("PAPERBROKER_SERVER (a JSON argv of the server to restart) is not set");
    const server = new RestartableServer(argv, await freePort());
    try {
      await server.start();
      const broker = keyed(server.url);
      const { host, terminal } = await connect(server.url);
      const symbol = freshSymbol();
      await setQuote(broker, symbol, 10, 10.5);
      const first = await terminal.placeOrder({ symbol, type: OrderType.Market, side: Side.Buy, qty: 5 });
      await terminal.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 1, limitPrice: 9 });
      await within(1_000, "the first fill", () => (lastUpdateOf(host, first.orderId ?? "")?.status === OrderStatus.Filled ? true : undefined));

      await server.kill();
      await within(3_000, "connectionStatusUpdate(down)", () =>
        host.of("connectionStatusUpdate").some((call) => call.status !== ConnectionStatus.Connected) ? true : undefined,
      );
      const downAt = host.calls.length;
      await server.start();
      // Changes the terminal cannot see live: it is still waiting to reconnect.
      await setQuote(broker, symbol, 11, 11.5);
      await broker.placeOrder({ symbol, type: OrderType.Market, side: Side.Sell, qty: 2 });
      await broker.placeOrder({ symbol, type: OrderType.Limit, side: Side.Sell, qty: 1, limitPrice: 20 });

      await within(10_000, "connectionStatusUpdate(Connected) after the restart", () =>
        host.calls.slice(downAt).some((call) => call.method === "connectionStatusUpdate" && call.status === ConnectionStatus.Connected)
          ? true
          : undefined,
      );
      // The host applies what it missed (resumed events, or a reload after `resync`) shortly after.
      const byId = <T extends { id: string }>(items: Iterable<T>): T[] => [...items].sort((x, y) => x.id.localeCompare(y.id));
      const deadline = Date.now() + 3_000;
      let theirs: unknown;
      let mine: unknown;
      for (;;) {
        const [orders, positions] = await Promise.all([broker.getOrders(), broker.getPositions()]);
        if (!orders.ok || !positions.ok) throw new Error("the restarted backend refused a read");
        theirs = { orders: byId(orders.data), positions: byId(positions.data) };
        mine = { orders: byId(host.orders.values()), positions: byId(host.positions.values()) };
        if (JSON.stringify(mine) === JSON.stringify(theirs) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(mine).toEqual(theirs);
      expect(host.orders.size).toBeGreaterThanOrEqual(2);
    } finally {
      await server.kill();
    }
  }, 40_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A server process on a fixed port that can be killed (SIGKILL, as a crash) and started again. */
class RestartableServer {
  private process: ChildProcess | undefined;
  readonly url: string;

  constructor(
    private readonly argv: string[],
    private readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const [command, ...args] = this.argv;
    if (command === undefined) throw new Error("PAPERBROKER_SERVER is an empty argv");
    const child = spawn(command, [...args, "--host", "127.0.0.1", "--port", String(this.port)], { stdio: "ignore" });
    this.process = child;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited with status ${child.exitCode}`);
      try {
        await fetch(`${this.url}/api/v1/openapi.json`);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`${this.url} did not answer within 30 s`);
  }

  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}
