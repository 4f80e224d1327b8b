// TradingView's Broker API (Trading Platform / Trading Terminal), declared by hand from TradingView's public
// documentation: https://www.tradingview.com/charting-library-docs/latest/api/interfaces/Charting_Library.IBrokerTerminal
// and its sibling pages (IBrokerCommon, IBrokerAccountInfo, IBrokerWithoutRealtime, IBrokerConnectionAdapterHost,
// PreOrder, PlacedOrder, Position, InstrumentInfo, AccountManagerInfo, ...), plus the "Broker API" and "Trading Host"
// guides. No file of TradingView's licensed library or typings was copied or consulted.
//
// Shape: the whole IBrokerTerminal chain with the members a paper broker can implement (optional ones optional), the
// data types they carry, and the subset of the Trading Host we call. Two directions decide how wide each type is:
// - what we hand to the library (orders, positions, AccountManagerInfo, ...) declares every field the docs make
//   required, so a value of our type is a value of TradingView's;
// - what the library hands to us (the host, its formatters and watched values) declares only members we can state
//   precisely, so TradingView's object is a value of our type. Methods use method syntax, so their parameters are
//   checked bivariantly, as TradingView's own declarations are.
//
// Enums: TradingView declares Side, OrderType, OrderStatus, ... as `const enum`s. Two distinct enum declarations are
// never assignable to each other, even with equal values, but a numeric literal union is assignable to a numeric
// enum. So each enum here is a literal union type plus a frozen const object of the same name for readable values:
// `Side.Buy` has type `1`, which TradingView accepts wherever it expects its `Side`.
// String enums (StandardFormatterName) and nominal strings (AccountId, FormatterName) cannot be matched by a plain
// string; they are branded the way the docs describe TradingView's `Nominal<T, Name>`, and built only here.

// ---------------------------------------------------------------------------------------------------------------
// Enums as literal unions

/** Which way an order, execution or position faces. */
export const Side = Object.freeze({ Buy: 1, Sell: -1 } as const);
export type Side = (typeof Side)[keyof typeof Side];

/** How an order is priced. */
export const OrderType = Object.freeze({ Limit: 1, Market: 2, Stop: 3, StopLimit: 4 } as const);
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

/** Where an order is in its life: Placing, Working and Inactive are transitional; the rest are final. */
export const OrderStatus = Object.freeze({
  Canceled: 1,
  Filled: 2,
  Inactive: 3,
  Placing: 4,
  Rejected: 5,
  Working: 6,
} as const);
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** The filter tabs of the Orders page (statuses plus All). */
export const OrderStatusFilter = Object.freeze({
  All: 0,
  Canceled: 1,
  Filled: 2,
  Inactive: 3,
  Rejected: 5,
  Working: 6,
} as const);
export type OrderStatusFilter = (typeof OrderStatusFilter)[keyof typeof OrderStatusFilter];

/** What a bracket order is attached to. */
export const ParentType = Object.freeze({ Order: 1, Position: 2, Trade: 3 } as const);
export type ParentType = (typeof ParentType)[keyof typeof ParentType];

/** Kind of protective stop on an order or position. */
export const StopType = Object.freeze({ StopLoss: 0, TrailingStop: 1, GuaranteedStop: 2 } as const);
export type StopType = (typeof StopType)[keyof typeof StopType];

/** State of the broker connection as the library shows it. */
export const ConnectionStatus = Object.freeze({ Connected: 1, Connecting: 2, Disconnected: 3, Error: 4 } as const);
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/** Look of a host notification toast. */
export const NotificationType = Object.freeze({ Error: 0, Success: 1 } as const);
export type NotificationType = (typeof NotificationType)[keyof typeof NotificationType];

/** Why a connection was lost, reported with a disconnected status. */
export const DisconnectType = Object.freeze({
  LogOut: 0,
  FailedRestoring: 1,
  Offline: 2,
  APIError: 3,
  TwoFactorRequired: 4,
  CancelAuthorization: 5,
  TimeOutForAuthorization: 6,
  OauthError: 7,
  BrokenConnection: 8,
  Reconnect: 9,
  FailedSignIn: 10,
} as const);
export type DisconnectType = (typeof DisconnectType)[keyof typeof DisconnectType];

// ---------------------------------------------------------------------------------------------------------------
// Nominal strings

/** A string made distinct by a phantom tag, as the docs' `Nominal<T, Name>`. */
export type Nominal<T, Name extends string> = T & { [Symbol.species]: Name };

/** Identifier of a trading account. */
export type AccountId = Nominal<string, "AccountID">;

/** Name of a custom Account Manager column formatter. */
export type FormatterName = Nominal<string, "FormatterName">;

/** Tags a plain string as an account id; the one place a string becomes an AccountId. */
export function accountId(id: string): AccountId {
  return id as AccountId;
}

/** Tags a plain string as a formatter name (for custom formatters). */
export function formatterName(name: string): FormatterName {
  return name as FormatterName;
}

// The library's built-in column formatters. TradingView declares them as a string enum, which no string literal can
// match; typed as FormatterName (the other half of the column's formatter union) they are accepted as they are.
const standardFormatterNames = {
  Date: "date",
  DateOrDateTime: "dateOrDateTime",
  Default: "default",
  Fixed: "fixed",
  FixedInCurrency: "fixedInCurrency",
  VariablePrecision: "variablePrecision",
  FormatQuantity: "formatQuantity",
  FormatPrice: "formatPrice",
  FormatPriceForexSup: "formatPriceForexSup",
  FormatPriceInCurrency: "formatPriceInCurrency",
  IntegerSeparated: "integerSeparated",
  LocalDate: "localDate",
  LocalDateOrDateTime: "localDateOrDateTime",
  Percentage: "percentage",
  Pips: "pips",
  Profit: "profit",
  ProfitInInstrumentCurrency: "profitInInstrumentCurrency",
  ProfitInPercent: "profitInPercent",
  Side: "side",
  PositionSide: "positionSide",
  Status: "status",
  Symbol: "symbol",
  Text: "text",
  Type: "type",
  MarginPercent: "marginPercent",
  Empty: "empty",
} as const;

/** Built-in Account Manager formatters by name. */
export const StandardFormatterName: Readonly<Record<keyof typeof standardFormatterNames, FormatterName>> =
  Object.freeze(standardFormatterNames as Record<keyof typeof standardFormatterNames, FormatterName>);

// ---------------------------------------------------------------------------------------------------------------
// Observable values and formatters

/** Callback run with a watched value's new value. */
export type WatchedValueCallback<T> = (value: T) => void;

/** Options for subscribing to a watched value. */
export interface WatchedValueSubscribeOptions {
  once?: boolean;
  callWithLast?: boolean;
}

/** A value the library reads and observes, e.g. an Account Manager summary figure. */
export interface IWatchedValueReadonly<T> {
  value(): T;
  subscribe(callback: WatchedValueCallback<T>, options?: WatchedValueSubscribeOptions): void;
  unsubscribe(callback?: WatchedValueCallback<T> | null): void;
  when(callback: WatchedValueCallback<T>): void;
  spawn(): IWatchedValueReadonlySpawn<T>;
}

/** A read-only child of a watched value that can be destroyed on its own. */
export interface IWatchedValueReadonlySpawn<T> extends IWatchedValueReadonly<T> {
  destroy(): void;
}

/** A watched value the broker writes (made by the host's factory). */
export interface IWatchedValue<T> extends IWatchedValueReadonly<T> {
  setValue(value: T, forceUpdate?: boolean): void;
  readonly(): IWatchedValueReadonly<T>;
  spawn(): IWatchedValueSpawn<T>;
}

/** A writable child of a watched value that can be destroyed on its own. */
export interface IWatchedValueSpawn<T> extends IWatchedValue<T> {
  destroy(): void;
}

/** An event source that listeners subscribe to (e.g. an Account Manager table's change signal). */
export interface ISubscription<TFunc extends (...args: never[]) => void> {
  subscribe(obj: object | null, member: TFunc, singleshot?: boolean): void;
  unsubscribe(obj: object | null, member: TFunc): void;
  unsubscribeAll(obj: object | null): void;
}

/** An event source the broker can fire (made by the host's factory). */
export interface IDelegate<TFunc extends (...args: never[]) => void> extends ISubscription<TFunc> {
  fire: TFunc;
}

/** Outcome of parsing a formatted number back. */
export type FormatterParseResult<T> = { res: false; error?: string } | { res: true; value: T; suggest?: string };

/** Turns numbers into the text the UI shows (prices, quantities). */
export interface INumberFormatter {
  format(value?: number): string;
  parse?(value: string): FormatterParseResult<number>;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders, positions, executions

/** Extra broker-defined fields an order, position or execution may carry for custom columns. */
export interface CustomFields {
  [key: string]: any; // open-ended in the docs; `any` also keeps interfaces without an index signature assignable
}

/** The value of an Order Ticket field that pairs a checkbox with text. */
export interface TextWithCheckboxValue {
  checked: boolean;
  text: string;
}

/** Values of the broker's custom Order Ticket fields, keyed by field id. */
export type CustomInputFieldsValues = Record<string, TextWithCheckboxValue | boolean | string>;

/** How long an order lives: a duration id (DAY, GTC, ...) and, for dated ones, the expiry time. */
export interface OrderDuration {
  type: string;
  datetime?: number;
}

/** One duration the Order Ticket offers. */
export interface OrderDurationMetaInfo {
  name: string;
  value: string;
  default?: boolean;
  hasDatePicker?: boolean;
  hasTimePicker?: boolean;
  supportedOrderTypes?: OrderType[];
}

/** Bid and ask, when the library knows them. */
export type AskBid = Required<Pick<TradingQuotes, "ask" | "bid">>;

/** Take-profit, stop-loss and trailing-stop levels of an order or position. */
export interface Brackets {
  stopLoss?: number;
  takeProfit?: number;
  trailingStopPips?: number;
  guaranteedStop?: number;
}

/** What the Order Ticket produces and placeOrder receives. */
export interface PreOrder {
  symbol: string;
  type: OrderType;
  side: Side;
  qty: number;
  limitPrice?: number;
  stopPrice?: number;
  takeProfit?: number;
  stopLoss?: number;
  trailingStopPips?: number;
  stopType?: StopType;
  duration?: OrderDuration;
  customFields?: CustomInputFieldsValues;
  isClose?: boolean;
  currentQuotes?: AskBid;
}

/** An order the broker knows about (the docs' PlacedOrder). */
export interface PlacedOrder extends CustomFields {
  id: string;
  symbol: string;
  type: OrderType;
  side: Side;
  qty: number;
  status: OrderStatus;
  brokerSymbol?: string;
  limitPrice?: number;
  stopPrice?: number;
  avgPrice?: number;
  filledQty?: number;
  parentId?: string;
  parentType?: ParentType;
  takeProfit?: number;
  stopLoss?: number;
  trailingStopPips?: number;
  guaranteedStop?: number;
  stopType?: StopType;
  duration?: OrderDuration;
  customFields?: CustomInputFieldsValues;
  isClose?: boolean;
  last?: number;
  commission?: number;
  updateTime?: number;
}

/** An order as the library stores and shows it. */
export type Order = PlacedOrder;

/** A net position in one symbol. */
export interface Position extends CustomFields {
  id: string;
  symbol: string;
  qty: number;
  side: Side;
  avgPrice: number;
  brokerSymbol?: string;
  shortQty?: number;
  longQty?: number;
  updateTime?: number;
  stopLoss?: number;
  takeProfit?: number;
  trailingStopPips?: number;
  guaranteedStop?: number;
}

/** One fill. */
export interface Execution extends CustomFields {
  symbol: string;
  price: number;
  qty: number;
  side: Side;
  time: number;
  brokerSymbol?: string;
  commission?: number;
  netAmount?: number;
}

/** What placeOrder resolves to: the new order's id, when known. */
export interface PlaceOrderResult {
  orderId?: string;
}

/** One label/value line of an order preview. */
export interface OrderPreviewSectionRow {
  title: string;
  value: string;
}

/** A titled group of preview lines. */
export interface OrderPreviewSection {
  rows: OrderPreviewSectionRow[];
  header?: string;
}

/** What previewOrder resolves to; confirmId is passed back to placeOrder. */
export interface OrderPreviewResult {
  sections: OrderPreviewSection[];
  confirmId?: string;
  warnings?: string[];
  errors?: string[];
}

/** Live quotes for a symbol, pushed with realtimeUpdate. */
export interface TradingQuotes {
  trade?: number;
  size?: number;
  bid?: number;
  bid_size?: number;
  ask?: number;
  ask_size?: number;
  spread?: number;
  isDelayed?: boolean;
  isHalted?: boolean;
  isHardToBorrow?: boolean;
  isNotShortable?: boolean;
}

/** One price level of the order book. */
export interface DOMLevel {
  price: number;
  volume: number;
}

/** Depth-of-market data pushed with domUpdate. */
export interface DOMData {
  snapshot: boolean;
  asks: DOMLevel[];
  bids: DOMLevel[];
}

/** Pip values for buying and selling a symbol, pushed with pipValueUpdate. */
export interface PipValues {
  buyPipValue: number;
  sellPipValue: number;
}

/** Step and bounds of the quantity field. */
export interface QuantityMetainfo {
  min: number;
  max: number;
  step: number;
  uiStep?: number;
  default?: number;
}

/** What the Order Ticket needs to know about a symbol. */
export interface InstrumentInfo {
  qty: QuantityMetainfo;
  pipValue: number;
  pipSize: number;
  minTick: number;
  description: string;
  domVolumePrecision?: number;
  limitPriceStep?: number;
  marginRate?: number;
  lotSize?: number;
  leverage?: string;
  currency?: string;
  baseCurrency?: string;
  quoteCurrency?: string;
  bigPointValue?: number;
  priceMagnifier?: number;
  brokerSymbol?: string;
  allowedDurations?: string[];
  allowedOrderTypes?: OrderType[];
}

/** Why a symbol cannot be traded, when isTradable says no. */
export interface IsTradableResult {
  tradable: boolean;
  reason?: string;
  shortReason?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Accounts and the Account Manager

/** An account the user can switch to. */
export interface AccountMetainfo {
  id: AccountId;
  name: string;
  currency?: string;
  currencySign?: string;
}

/** A figure shown in the Account Manager's header row (balance, equity, ...). */
export interface AccountManagerSummaryField {
  text: string;
  wValue: IWatchedValueReadonly<number>;
  formatter?: FormatterName;
  isDefault?: boolean;
}

/** Cell alignment in an Account Manager column. */
export type CellAlignment = "left" | "right";

/** One column of an Account Manager table; dataFields name the row fields the formatter reads. */
export interface AccountManagerColumn {
  id: string;
  label: string;
  dataFields: string[];
  formatter?: FormatterName;
  alignment?: CellAlignment;
  sortProp?: string;
  notSortable?: boolean;
  help?: string;
  highlightDiff?: boolean;
  notHideable?: boolean;
  hideByDefault?: boolean;
}

/** A column of the Orders page, optionally limited to some status tabs. */
export interface OrderTableColumn extends AccountManagerColumn {
  supportedStatusFilters?: OrderStatusFilter[];
}

/** Initial sort of an Account Manager table. */
export interface SortingParameters {
  property: string;
  asc?: boolean;
}

/** A table on a custom Account Manager page; changeDelegate tells the library to call getData again. */
export interface AccountManagerTable {
  id: string;
  title?: string;
  columns: AccountManagerColumn[];
  initialSorting?: SortingParameters;
  changeDelegate: ISubscription<() => void>;
  getData(paginationLastId?: string | number): Promise<object[]>;
}

/** A custom Account Manager tab made of tables. */
export interface AccountManagerPage {
  id: string;
  title: string;
  tables: AccountManagerTable[];
}

/** Everything the library needs to build the Account Manager. */
export interface AccountManagerInfo {
  accountTitle: string;
  summary: AccountManagerSummaryField[];
  orderColumns: OrderTableColumn[];
  orderColumnsSorting?: SortingParameters;
  possibleOrderStatuses?: OrderStatus[];
  historyColumns?: AccountManagerColumn[];
  historyColumnsSorting?: SortingParameters;
  positionColumns?: AccountManagerColumn[];
  pages: AccountManagerPage[];
  marginUsed?: IWatchedValue<number>;
  contextMenuActions?(
    contextMenuEvent: MouseEvent | TouchEvent,
    activePageActions: ActionMetaInfo[],
  ): Promise<ActionMetaInfo[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Menus and context

/** A menu item's look and state. */
export interface ActionDescription {
  text?: string;
  separator?: boolean;
  shortcut?: string;
  tooltip?: string;
  checked?: boolean;
  checkable?: boolean;
  enabled?: boolean;
  externalLink?: boolean;
}

/** A menu item with the function it runs. */
export interface ActionDescriptionWithCallback extends ActionDescription {
  action: (actionDescription: ActionDescription) => void;
}

/** A separator line in a menu. */
export interface MenuSeparator {
  separator: boolean;
}

/** One entry of a context or dropdown menu. */
export type ActionMetaInfo = ActionDescriptionWithCallback | MenuSeparator;

/** Where on the chart a context menu was opened. */
export interface TradeContext {
  symbol: string;
  displaySymbol: string;
  value: number | null;
  formattedValue: string;
  last: number;
}

/**
 * Options for the host's default chart context menu. Narrowed: the docs' members are not read here, so any
 * object is accepted.
 */
export type DefaultContextMenuActionsParams = object;

/** Which default items the host's dropdown menu should include. */
export interface DefaultDropdownActionsParams {
  showFloatingToolbar?: boolean;
  showDOM?: boolean;
  tradingProperties?: boolean;
  selectAnotherBroker?: boolean;
  disconnect?: boolean;
  showHowToUse?: boolean;
}

/** Details reported with a disconnected status. */
export interface DisconnectionInfo {
  message: string;
  disconnectType?: DisconnectType;
}

// ---------------------------------------------------------------------------------------------------------------
// Broker configuration (the widget's broker_config)

/** Switches telling the library which trading features the broker supports. */
export interface BrokerConfigFlags {
  supportPositions?: boolean;
  supportReversePosition?: boolean;
  supportNativeReversePosition?: boolean;
  supportClosePosition?: boolean;
  supportPartialClosePosition?: boolean;
  supportPLUpdate?: boolean;
  supportReducePosition?: boolean;
  supportOrderBrackets?: boolean;
  supportPositionBrackets?: boolean;
  supportTradeBrackets?: boolean;
  supportTrades?: boolean;
  supportCloseTrade?: boolean;
  supportPartialCloseTrade?: boolean;
  requiresFIFOCloseTrades?: boolean;
  supportTrailingStop?: boolean;
  supportGuaranteedStop?: boolean;
  supportMarketBrackets?: boolean;
  supportAddBracketsToExistingOrder?: boolean;
  supportModifyBrackets?: boolean;
  supportMarketOrders?: boolean;
  supportLimitOrders?: boolean;
  supportStopOrders?: boolean;
  supportStopLimitOrders?: boolean;
  supportStopOrdersInBothDirections?: boolean;
  supportStopLimitOrdersInBothDirections?: boolean;
  supportModifyOrderPrice?: boolean;
  supportEditAmount?: boolean;
  supportModifyDuration?: boolean;
  supportPlaceOrderPreview?: boolean;
  supportModifyOrderPreview?: boolean;
  supportOrdersHistory?: boolean;
  supportExecutions?: boolean;
  supportLevel2Data?: boolean;
  supportDOM?: boolean;
  supportMultiposition?: boolean;
  supportPositionNetting?: boolean;
  supportMargin?: boolean;
  supportLeverage?: boolean;
  supportBalances?: boolean;
  supportSymbolSearch?: boolean;
  showQuantityInsteadOfAmount?: boolean;
  calculatePLUsingLast?: boolean;
}

/** The broker description the widget takes as broker_config. */
export interface SingleBrokerMetaInfo {
  configFlags: BrokerConfigFlags;
  durations?: OrderDurationMetaInfo[];
  customNotificationFields?: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// The Broker API (what the library calls on us)

/** Requests every broker answers: data for the Account Manager, the chart and the Order Ticket. */
export interface IBrokerCommon {
  chartContextMenuActions(context: TradeContext, options?: DefaultContextMenuActionsParams): Promise<ActionMetaInfo[]>;
  isTradable(symbol: string): Promise<boolean | IsTradableResult>;
  connectionStatus(): ConnectionStatus;
  orders(): Promise<Order[]>;
  ordersHistory?(): Promise<Order[]>;
  positions?(): Promise<Position[]>;
  executions(symbol: string): Promise<Execution[]>;
  symbolInfo(symbol: string): Promise<InstrumentInfo>;
  accountManagerInfo(): AccountManagerInfo;
  formatter?(symbol: string, alignToMinMove: boolean): Promise<INumberFormatter>;
  spreadFormatter?(symbol: string): Promise<INumberFormatter>;
  quantityFormatter?(symbol: string): Promise<INumberFormatter>;
  subscribeEquity?(): void;
  unsubscribeEquity?(): void;
  subscribeMarginAvailable?(symbol: string): void;
  unsubscribeMarginAvailable?(symbol: string): void;
  subscribePipValue?(symbol: string): void;
  unsubscribePipValue?(symbol: string): void;
}

/** The user's accounts and which one is current. */
export interface IBrokerAccountInfo {
  accountsMetainfo(): Promise<AccountMetainfo[]>;
  currentAccount(): AccountId;
  setCurrentAccount?(id: AccountId): void;
}

/** A broker that trades but leaves quotes to the datafeed. */
export interface IBrokerWithoutRealtime extends IBrokerCommon, IBrokerAccountInfo {
  placeOrder(order: PreOrder, confirmId?: string): Promise<PlaceOrderResult>;
  previewOrder?(order: PreOrder): Promise<OrderPreviewResult>;
  modifyOrder(order: Order, confirmId?: string): Promise<void>;
  cancelOrder(orderId: string): Promise<void>;
  cancelOrders?(symbol: string, side: Side, ordersIds: string[]): Promise<void>;
  reversePosition?(positionId: string): Promise<void>;
  closePosition?(positionId: string, amount?: number): Promise<void>;
  closeTrade?(tradeId: string, amount?: number): Promise<void>;
  editPositionBrackets?(positionId: string, brackets: Brackets, customFields?: CustomInputFieldsValues): Promise<void>;
  editTradeBrackets?(tradeId: string, brackets: Brackets): Promise<void>;
  subscribeDOM?(symbol: string): void;
  unsubscribeDOM?(symbol: string): void;
}

/** A broker that also streams trading quotes (pushed with the host's realtimeUpdate). */
export interface IBrokerTerminal extends IBrokerWithoutRealtime {
  subscribeRealtime(symbol: string): void;
  unsubscribeRealtime(symbol: string): void;
}

// ---------------------------------------------------------------------------------------------------------------
// The Trading Host (what we call on the library)

/** Factory for library-side observable objects. */
export interface IBrokerConnectionAdapterFactory {
  createWatchedValue<T>(value?: T): IWatchedValue<T>;
  createDelegate<TFunc extends (...args: never[]) => void>(): IDelegate<TFunc>;
}

/** The library object handed to broker_factory: the broker pushes state changes and asks for UI helpers here. */
export interface IBrokerConnectionAdapterHost {
  factory: IBrokerConnectionAdapterFactory;
  orderUpdate(order: Order): void;
  orderPartialUpdate(id: string, orderChanges: Partial<Order>): void;
  positionUpdate(position: Position, isHistoryUpdate?: boolean): void;
  positionPartialUpdate(id: string, positionChanges: Partial<Position>): void;
  executionUpdate(execution: Execution): void;
  equityUpdate(equity: number): void;
  plUpdate(positionId: string, pl: number): void;
  marginAvailableUpdate(marginAvailable: number): void;
  pipValueUpdate(symbol: string, pipValues: PipValues): void;
  realtimeUpdate(symbol: string, data: TradingQuotes): void;
  domUpdate(symbol: string, data: DOMData): void;
  connectionStatusUpdate(status: ConnectionStatus, info?: DisconnectionInfo): void;
  currentAccountUpdate(): void;
  showNotification(title: string, text: string, notificationType?: NotificationType): void;
  showMessageDialog(title: string, text: string, textHasHTML?: boolean): void;
  showCancelOrderDialog(orderId: string, handler: () => Promise<void>): Promise<void>;
  showReversePositionDialog(positionId: string, handler: () => Promise<boolean>): Promise<boolean>;
  showTradingProperties(): void;
  defaultFormatter(symbol: string, alignToMinMove: boolean): Promise<INumberFormatter>;
  numericFormatter(decimalPlaces: number): Promise<INumberFormatter>;
  quantityFormatter(decimalPlaces?: number): Promise<INumberFormatter>;
  defaultContextMenuActions(context: TradeContext, params?: DefaultContextMenuActionsParams): Promise<ActionMetaInfo[]>;
  defaultDropdownMenuActions(options?: Partial<DefaultDropdownActionsParams>): ActionMetaInfo[];
  setDurations(durations: OrderDurationMetaInfo[]): void;
  patchConfig(config: Partial<BrokerConfigFlags>): void;
  getSymbolMinTick(symbol: string): Promise<number>;
  getQty(symbol: string): Promise<number>;
  setQty(symbol: string, quantity: number): void;
  sellBuyButtonsVisibility(): IWatchedValue<boolean> | null;
  domPanelVisibility(): IWatchedValue<boolean> | null;
  orderPanelVisibility(): IWatchedValue<boolean> | null;
  silentOrdersPlacement(): IWatchedValue<boolean>;
}
