// The broker a TradingView Trading Terminal uses: TradingView's IBrokerTerminal on the frontend's broker
// interface (src/api.ts). Requests go to the backend as they come; everything the terminal learns without
// asking (fills, positions, P&L, equity, quotes, the connection) arrives on the backend's event stream and is
// pushed to the host the way TradingView expects (set broker_config's supportPLUpdate: P&L comes as plUpdate). No trading logic lives here: one engine, the backend's.
import { HttpBroker } from "./adapter";
import type { ApiInterface, BracketChanges, BrokerEvent, BrokerProblem, BrokerSubscription, ChannelState, Result } from "./api";
import { ExampleBroker } from "./examples";
import {
  accountId,
  ConnectionStatus,
  OrderStatus,
  StandardFormatterName,
  type AccountId,
  type AccountManagerColumn,
  type AccountManagerInfo,
  type AccountMetainfo,
  type ActionMetaInfo,
  type Brackets,
  type DefaultContextMenuActionsParams,
  type Execution,
  type IBrokerConnectionAdapterHost,
  type IBrokerTerminal,
  type InstrumentInfo,
  type IsTradableResult,
  type IWatchedValue,
  type Order,
  type OrderPreviewResult,
  type OrderTableColumn,
  type PlaceOrderResult,
  type Position,
  type PreOrder,
  type Side,
  type TradeContext,
} from "./tradingview";

/** The Trading Host members the terminal calls: TradingView's host has them all. */
export type TerminalHost = Pick<
  IBrokerConnectionAdapterHost,
  | "factory"
  | "orderUpdate"
  | "positionUpdate"
  | "executionUpdate"
  | "equityUpdate"
  | "plUpdate"
  | "realtimeUpdate"
  | "connectionStatusUpdate"
  | "currentAccountUpdate"
  | "defaultContextMenuActions"
>;

export interface PaperBrokerTerminalOptions {
  /** The backend's origin, such as http://127.0.0.1:8000: the terminal talks to it with HttpBroker. */
  url?: string;
  /** The API key HttpBroker sends with `url` (`Authorization: Bearer <key>`). */
  apiKey?: string;
  /** The account to trade first (one of the key's user's); left out, the user's first account. */
  accountId?: string;
  /** A broker interface of your own instead (it wins over `url`). With neither, the spec's examples answer. */
  api?: ApiInterface;
  /** How long the first data requests wait for the event stream to open (default 5 s). */
  streamWaitMs?: number;
}

const STATUS: Record<ChannelState, ConnectionStatus> = {
  connecting: ConnectionStatus.Connecting,
  connected: ConnectionStatus.Connected,
  disconnected: ConnectionStatus.Disconnected,
};

/** The statuses of the orders TradingView's orders() lists: the ones that can still fill. */
const PENDING: OrderStatus[] = [OrderStatus.Placing, OrderStatus.Inactive, OrderStatus.Working];

function problemText(problem: BrokerProblem): string {
  return problem.detail === undefined ? `${problem.status} ${problem.title}` : problem.detail;
}

/** The data of a successful answer; a refusal becomes the Error TradingView shows its user. */
function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(problemText(result.error));
  return result.data;
}

/** TradingView hands over a position's brackets as they should be: one it leaves out is removed. */
export function toBracketChanges(brackets: Brackets): BracketChanges {
  return {
    takeProfit: brackets.takeProfit ?? null,
    stopLoss: brackets.stopLoss ?? null,
    guaranteedStop: brackets.guaranteedStop ?? null,
    trailingStopPips: brackets.trailingStopPips ?? null,
  };
}

const ORDER_COLUMNS: OrderTableColumn[] = [
  { id: "symbol", label: "Symbol", dataFields: ["symbol"], formatter: StandardFormatterName.Symbol },
  { id: "side", label: "Side", dataFields: ["side"], formatter: StandardFormatterName.Side },
  { id: "type", label: "Type", dataFields: ["type", "parentId", "stopType"], formatter: StandardFormatterName.Type },
  { id: "qty", label: "Qty", dataFields: ["qty"], formatter: StandardFormatterName.FormatQuantity, alignment: "right" },
  { id: "limitPrice", label: "Limit price", dataFields: ["limitPrice"], formatter: StandardFormatterName.FormatPrice, alignment: "right" },
  { id: "stopPrice", label: "Stop price", dataFields: ["stopPrice"], formatter: StandardFormatterName.FormatPrice, alignment: "right" },
  { id: "avgPrice", label: "Fill price", dataFields: ["avgPrice"], formatter: StandardFormatterName.FormatPrice, alignment: "right" },
  { id: "status", label: "Status", dataFields: ["status"], formatter: StandardFormatterName.Status },
  { id: "id", label: "Order id", dataFields: ["id"], formatter: StandardFormatterName.Text },
];

const POSITION_COLUMNS: AccountManagerColumn[] = [
  { id: "symbol", label: "Symbol", dataFields: ["symbol"], formatter: StandardFormatterName.Symbol },
  { id: "side", label: "Side", dataFields: ["side"], formatter: StandardFormatterName.PositionSide },
  { id: "qty", label: "Qty", dataFields: ["qty"], formatter: StandardFormatterName.FormatQuantity, alignment: "right" },
  { id: "avgPrice", label: "Avg price", dataFields: ["avgPrice"], formatter: StandardFormatterName.FormatPrice, alignment: "right" },
  { id: "pl", label: "P&L", dataFields: ["pl"], formatter: StandardFormatterName.Profit, alignment: "right" },
];

/**
 * TradingView's broker, backed by paperbroker: `broker_factory: (host) => new PaperBrokerTerminal(host, { url, apiKey })`.
 * It trades one of the key's accounts at a time (the first, or `accountId`); setCurrentAccount switches.
 */
export class PaperBrokerTerminal implements IBrokerTerminal {
  private readonly host: TerminalHost;
  private readonly streamWaitMs: number;
  private api: ApiInterface;
  private subscription: BrokerSubscription;
  private streamOpened: Promise<void>;
  private status: ConnectionStatus = ConnectionStatus.Connecting;
  private account: AccountId;
  private readonly realtimeSymbols = new Set<string>();
  private equitySubscribed = false;
  private readonly money: Record<"balance" | "equity" | "realizedPnl" | "unrealizedPnl", IWatchedValue<number>>;

  constructor(host: TerminalHost, options: PaperBrokerTerminalOptions = {}) {
    this.host = host;
    this.streamWaitMs = options.streamWaitMs ?? 5_000;
    this.account = accountId(options.accountId ?? "");
    const api =
      options.api ??
      (options.url === undefined ? new ExampleBroker() : new HttpBroker(options.url, { apiKey: options.apiKey }));
    this.api = options.accountId === undefined ? api : api.withAccount(options.accountId);
    this.money = {
      balance: host.factory.createWatchedValue(0),
      equity: host.factory.createWatchedValue(0),
      realizedPnl: host.factory.createWatchedValue(0),
      unrealizedPnl: host.factory.createWatchedValue(0),
    };
    [this.subscription, this.streamOpened] = this.subscribe();
  }

  /** Subscribes before anything is read: a change made after a read then reaches the stream, never neither. */
  private subscribe(): [BrokerSubscription, Promise<void>] {
    let opened: () => void = () => undefined;
    const streamOpened = new Promise<void>((resolve) => {
      opened = resolve;
      setTimeout(resolve, this.streamWaitMs);
    });
    const api = this.api;
    const subscription = api.subscribe(
      {
        // A switched-away account's stream may still deliver a last event: only the current one's count.
        event: (event) => {
          if (api === this.api) this.apply(event);
        },
        state: (state) => {
          if (state === "connected") opened();
          if (api === this.api) this.setStatus(STATUS[state]);
        },
      },
      [...this.realtimeSymbols],
    );
    return [subscription, streamOpened];
  }

  /** Closes the event stream; the terminal pushes nothing afterwards. */
  close(): void {
    this.subscription.close();
  }

  connectionStatus(): ConnectionStatus {
    return this.status;
  }

  // Accounts

  /** The key's accounts, the default first; the first becomes current unless one was chosen. */
  async accountsMetainfo(): Promise<AccountMetainfo[]> {
    const accounts = unwrap(await this.api.accounts());
    const first = accounts[0];
    if (this.account === "" && first !== undefined) this.account = first.id;
    await this.refreshAccount();
    return accounts;
  }

  /** The account in use: the one chosen, else the first accountsMetainfo listed (empty before it ran). */
  currentAccount(): AccountId {
    return this.account;
  }

  /**
   * Trades `id` from now on (TradingView calls this when its user picks another account): requests and the
   * stream move to it, and the host reloads orders, positions and the account (currentAccountUpdate).
   */
  setCurrentAccount(id: AccountId): void {
    if (id === this.account) return;
    this.account = id;
    this.api = this.api.withAccount(id);
    this.subscription.close();
    this.setStatus(ConnectionStatus.Connecting);
    [this.subscription, this.streamOpened] = this.subscribe();
    this.host.currentAccountUpdate();
    void this.refreshAccount().catch(() => undefined);
  }

  accountManagerInfo(): AccountManagerInfo {
    return {
      accountTitle: "Paper trading",
      summary: [
        { text: "Balance", wValue: this.money.balance, formatter: StandardFormatterName.Fixed },
        { text: "Equity", wValue: this.money.equity, formatter: StandardFormatterName.Fixed },
        { text: "Realized P&L", wValue: this.money.realizedPnl, formatter: StandardFormatterName.Profit },
        { text: "Unrealized P&L", wValue: this.money.unrealizedPnl, formatter: StandardFormatterName.Profit },
      ],
      orderColumns: ORDER_COLUMNS,
      historyColumns: ORDER_COLUMNS,
      positionColumns: POSITION_COLUMNS,
      pages: [],
    };
  }

  // What the terminal reads

  async orders(): Promise<Order[]> {
    await this.streamOpened;
    return unwrap(await this.api.getOrders({ status: PENDING }));
  }

  async ordersHistory(): Promise<Order[]> {
    await this.streamOpened;
    return unwrap(await this.api.getOrdersHistory());
  }

  async positions(): Promise<Position[]> {
    await this.streamOpened;
    return unwrap(await this.api.getPositions());
  }

  async executions(symbol: string): Promise<Execution[]> {
    await this.streamOpened;
    return unwrap(await this.api.getExecutions(symbol));
  }

  async symbolInfo(symbol: string): Promise<InstrumentInfo> {
    return unwrap(await this.api.symbolInfo(symbol));
  }

  /** Tradable when the broker knows the instrument; otherwise the broker's reason. */
  async isTradable(symbol: string): Promise<boolean | IsTradableResult> {
    const info = await this.api.symbolInfo(symbol);
    if (info.ok) return true;
    return { tradable: false, reason: problemText(info.error), shortReason: "Not tradable" };
  }

  chartContextMenuActions(context: TradeContext, options?: DefaultContextMenuActionsParams): Promise<ActionMetaInfo[]> {
    return this.host.defaultContextMenuActions(context, options);
  }

  // What the terminal asks for: each resolves once the backend accepted it; the host hears the outcome
  // (working, filled, ...) from the stream.

  async placeOrder(order: PreOrder, confirmId?: string): Promise<PlaceOrderResult> {
    return unwrap(await this.api.placeOrder(order, confirmId));
  }

  async previewOrder(order: PreOrder): Promise<OrderPreviewResult> {
    return unwrap(await this.api.previewOrder(order));
  }

  async modifyOrder(order: Order): Promise<void> {
    unwrap(await this.api.modifyOrder(order));
  }

  async cancelOrder(orderId: string): Promise<void> {
    unwrap(await this.api.cancelOrder(orderId));
  }

  /** The orders named, or (with none named) the pending ones of the symbol on that side. */
  async cancelOrders(symbol: string, side: Side | undefined, ordersIds: string[]): Promise<void> {
    const which = ordersIds.length > 0 ? { orderIds: ordersIds } : side === undefined ? { symbol } : { symbol, side };
    unwrap(await this.api.cancelOrders(which));
  }

  async closePosition(positionId: string, amount?: number): Promise<void> {
    unwrap(await this.api.closePosition(positionId, amount));
  }

  async reversePosition(positionId: string): Promise<void> {
    unwrap(await this.api.reversePosition(positionId));
  }

  async editPositionBrackets(positionId: string, brackets: Brackets): Promise<void> {
    unwrap(await this.api.editPositionBrackets(positionId, toBracketChanges(brackets)));
  }

  // Subscriptions the terminal manages

  subscribeRealtime(symbol: string): void {
    this.realtimeSymbols.add(symbol);
    this.subscription.setSymbols([...this.realtimeSymbols]);
  }

  unsubscribeRealtime(symbol: string): void {
    this.realtimeSymbols.delete(symbol);
    this.subscription.setSymbols([...this.realtimeSymbols]);
  }

  subscribeEquity(): void {
    this.equitySubscribed = true;
    this.host.equityUpdate(this.money.equity.value());
  }

  unsubscribeEquity(): void {
    this.equitySubscribed = false;
  }

  // From the stream to the host

  private async refreshAccount(): Promise<void> {
    const api = this.api;
    const account = unwrap(await api.getAccountInfo());
    if (api !== this.api) return; // switched meanwhile: the new account's figures are on their way
    this.account = accountId(account.id);
    this.setMoney(account);
  }

  private setMoney(account: { balance: number; equity: number; realizedPnl: number; unrealizedPnl: number }): void {
    this.money.balance.setValue(account.balance);
    this.money.equity.setValue(account.equity);
    this.money.realizedPnl.setValue(account.realizedPnl);
    this.money.unrealizedPnl.setValue(account.unrealizedPnl);
    if (this.equitySubscribed) this.host.equityUpdate(account.equity);
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.host.connectionStatusUpdate(status);
  }

  private apply(event: BrokerEvent): void {
    switch (event.kind) {
      case "order":
        this.host.orderUpdate(event.order);
        return;
      case "execution":
        this.host.executionUpdate(event.execution);
        return;
      case "position":
        this.host.positionUpdate(event.position);
        return;
      case "account":
        this.setMoney(event.account);
        return;
      case "pl":
        this.host.plUpdate(event.positionId, event.pl);
        return;
      case "quote":
        if (this.realtimeSymbols.has(event.symbol)) this.host.realtimeUpdate(event.symbol, event.quotes);
        return;
      case "resync":
        // Changes were missed (a reset, or a gap the backend no longer holds): the host reloads everything.
        this.host.currentAccountUpdate();
        void this.refreshAccount().catch(() => undefined);
        return;
    }
  }
}
