// API keys and accounts, against the backend PAPERBROKER_URL names: a request or a stream without a valid key
// is refused and the adapter says so (the stream stops instead of retrying a key that cannot work); the
// terminal lists the key's accounts and trades one at a time. The two-account case needs a second account of
// the key's user, which the harness creates only against `serve` (PAPERBROKER_SECOND_ACCOUNT).
import { afterEach, describe, expect, it } from "vitest";
import { HttpBroker } from "../src/adapter";
import type { BrokerProblem, ChannelState } from "../src/api";
import { PaperBrokerTerminal } from "../src/terminal";
import { accountId, ConnectionStatus, OrderStatus, OrderType, Side } from "../src/tradingview";
import { apiKey, baseUrl, keyed, secondAccount } from "./backend";
import { RecordingHost, within } from "./host";

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
let counter = 0;
function freshSymbol(): string {
  counter += 1;
  return `K${counter}${run}`;
}

const closing: { close(): void }[] = [];
afterEach(() => {
  for (const open of closing.splice(0)) open.close();
});

describe("API keys", () => {
  it("a request without a key is a 401 the adapter reports in the service's words; with the key it is answered", async () => {
    const refusals: BrokerProblem[] = [];
    const anonymous = new HttpBroker(baseUrl, { onUnauthorized: (problem) => refusals.push(problem) });
    const refused = await anonymous.getOrders();
    expect(refused.ok).toBe(false);
    expect(refused.status).toBe(401);
    if (refused.ok) return;
    expect(refused.error.detail).toMatch(/key/i);
    expect(refusals).toEqual([refused.error]);

    const wrong = await new HttpBroker(baseUrl, { apiKey: "pbk_0123456789abcdef_not-the-key-of-anyone-at-all-0000" }).getAccountInfo();
    expect(wrong.status).toBe(401);

    const answered = await keyed().getOrders();
    expect(answered.status).toBe(200);
  });

  it("the stream refused for its key reports disconnected once and stops retrying; with the key it opens", async () => {
    const states: ChannelState[] = [];
    const refusals: BrokerProblem[] = [];
    const anonymous = new HttpBroker(baseUrl, { onUnauthorized: (problem) => refusals.push(problem) });
    closing.push(anonymous.subscribe({ event: () => undefined, state: (state) => states.push(state) }));
    await within(2_000, "the refusal", () => (refusals.length > 0 ? true : undefined));
    // A retrying stream would go connecting → disconnected again within its first back-off (250 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(states).toEqual(["connecting", "disconnected"]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ status: 401, detail: expect.stringMatching(/key/i) });

    const host = new RecordingHost();
    const terminal = new PaperBrokerTerminal(host, { url: baseUrl, apiKey });
    closing.push(terminal);
    await within(5_000, "the keyed stream opens", () =>
      terminal.connectionStatus() === ConnectionStatus.Connected ? true : undefined,
    );
  });
});

describe("accounts", () => {
  it("accountsMetainfo lists the key's accounts, the local one first and current", async () => {
    const host = new RecordingHost();
    const terminal = new PaperBrokerTerminal(host, { url: baseUrl, apiKey });
    closing.push(terminal);
    const accounts = await terminal.accountsMetainfo();
    const info = await keyed().getAccountInfo();
    if (!info.ok) throw new Error(`getAccountInfo answered ${info.status}`);
    expect(accounts[0]).toEqual({
      id: info.data.id,
      name: info.data.name,
      currency: info.data.currency,
      currencySign: info.data.currencySign,
    });
    expect(terminal.currentAccount()).toBe(info.data.id);
    expect(new Set(accounts.map((account) => account.id)).size).toBe(accounts.length);
  });

  it.skipIf(secondAccount === undefined)(
    "orders placed in one account are not seen in the other; setCurrentAccount moves the terminal to it",
    async () => {
      const second = secondAccount ?? "";
      const first = keyed();
      const other = first.withAccount(second);
      const listed = await first.accounts();
      if (!listed.ok) throw new Error(`getAccounts answered ${listed.status}`);
      expect(listed.data.map((account) => account.id)).toContain(second);
      const firstId = listed.data[0]?.id ?? "";
      expect(firstId).not.toBe(second);

      const symbol = freshSymbol();
      const quoted = await first.client.PUT("/sim/quotes/{symbol}", { params: { path: { symbol } }, body: { bid: 50, ask: 51 } });
      expect(quoted.response.status).toBe(200);
      const placed = await other.placeOrder({ symbol, type: OrderType.Limit, side: Side.Buy, qty: 2, limitPrice: 40 });
      if (!placed.ok) throw new Error(`placeOrder in ${second} answered ${placed.status}`);
      const { orderId } = placed.data;

      const inOther = await other.getOrders({ symbol });
      const inFirst = await first.getOrders({ symbol });
      expect(inOther.ok && inOther.data.map((order) => order.id)).toEqual([orderId]);
      expect(inFirst.ok && inFirst.data).toEqual([]);
      expect((await first.cancelOrder(orderId)).status).toBe(404);

      // The terminal starts on the first account, then switches: the host reloads and sees the order.
      const host = new RecordingHost();
      const terminal = new PaperBrokerTerminal(host, { url: baseUrl, apiKey });
      closing.push(terminal);
      await within(5_000, "the stream opens", () =>
        terminal.connectionStatus() === ConnectionStatus.Connected ? true : undefined,
      );
      await terminal.accountsMetainfo();
      await host.attach(terminal);
      expect(terminal.currentAccount()).toBe(firstId);
      expect(host.orders.has(orderId)).toBe(false);

      terminal.setCurrentAccount(accountId(second));
      expect(terminal.currentAccount()).toBe(second);
      await within(2_000, "the host reloads the second account", () => (host.orders.has(orderId) ? true : undefined));
      await within(5_000, "the second account's stream opens", () =>
        terminal.connectionStatus() === ConnectionStatus.Connected ? true : undefined,
      );
      // Its stream is the second account's: a change there reaches the host.
      expect((await other.cancelOrder(orderId)).status).toBe(200);
      const canceled = await within(1_000, "orderUpdate(Canceled) from the second account", () =>
        host.orders.get(orderId)?.status === OrderStatus.Canceled ? true : undefined,
      );
      expect(canceled).toBe(true);
    },
  );
});
