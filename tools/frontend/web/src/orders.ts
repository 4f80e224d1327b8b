// The orders panel: the working orders (modify, cancel) and the history (filled, canceled, rejected), kept
// current by the terminal's orderUpdate pushes.
import type { PaperBrokerTerminal } from "../../src/terminal";
import { OrderStatus, OrderType, Side, type Order } from "../../src/tradingview";
import { editInDialog, type Field } from "./dialog";
import { byId, formatPrice, formatQty, h, reporting } from "./dom";
import { PENDING, type Book } from "./host";

export const STATUS_NAMES: Record<OrderStatus, string> = {
  [OrderStatus.Canceled]: "Canceled",
  [OrderStatus.Filled]: "Filled",
  [OrderStatus.Inactive]: "Inactive",
  [OrderStatus.Placing]: "Placing",
  [OrderStatus.Rejected]: "Rejected",
  [OrderStatus.Working]: "Working",
};

export const TYPE_NAMES: Record<OrderType, string> = {
  [OrderType.Limit]: "Limit",
  [OrderType.Market]: "Market",
  [OrderType.Stop]: "Stop",
  [OrderType.StopLimit]: "Stop limit",
};

export function sideName(side: Side): string {
  return side === Side.Buy ? "Buy" : "Sell";
}

const HISTORY_ROWS = 50;

function cell(text: string, numeric = false): HTMLTableCellElement {
  return h("td", numeric ? { class: "num" } : {}, text);
}

export class OrdersPanel {
  private readonly working = byId("orders-working", HTMLTableElement);
  private readonly history = byId("orders-history", HTMLTableElement);
  private readonly error = byId("orders-error", HTMLElement);

  constructor(private readonly terminal: PaperBrokerTerminal) {}

  render(book: Book): void {
    const orders = [...book.orders.values()].sort((a, b) => Number(b.id) - Number(a.id) || b.id.localeCompare(a.id));
    const working = orders.filter((order) => PENDING.includes(order.status));
    const done = orders
      .filter((order) => !PENDING.includes(order.status))
      .sort((a, b) => (b.updateTime ?? 0) - (a.updateTime ?? 0))
      .slice(0, HISTORY_ROWS);
    this.working.tBodies[0]?.replaceChildren(...working.map((order) => this.workingRow(order)));
    this.history.tBodies[0]?.replaceChildren(...done.map((order) => this.historyRow(order)));
  }

  private workingRow(order: Order): HTMLTableRowElement {
    const label = `${sideName(order.side)} ${order.qty} ${order.symbol}`;
    const modify = h("button", { type: "button", "aria-label": `Modify order ${order.id}: ${label}` }, "Modify");
    const cancel = h("button", { type: "button", "aria-label": `Cancel order ${order.id}: ${label}` }, "Cancel");
    modify.addEventListener("click", () => this.modify(order));
    cancel.addEventListener("click", () => void this.act(() => this.terminal.cancelOrder(order.id)));
    return h(
      "tr",
      { "data-order-id": order.id },
      ...identityCells(order),
      cell(formatPrice(order.limitPrice), true),
      cell(formatPrice(order.stopPrice), true),
      cell(formatPrice(order.takeProfit), true),
      cell(formatPrice(order.stopLoss), true),
      cell(order.duration?.type ?? "—"),
      h("td", { class: "status" }, STATUS_NAMES[order.status]),
      h("td", { class: "row-actions" }, modify, cancel),
    );
  }

  private historyRow(order: Order): HTMLTableRowElement {
    return h(
      "tr",
      { "data-order-id": order.id },
      ...identityCells(order),
      cell(formatQty(order.filledQty), true),
      cell(formatPrice(order.avgPrice), true),
      h("td", { class: "status", "data-status": STATUS_NAMES[order.status] }, STATUS_NAMES[order.status]),
    );
  }

  /** The whole order goes back with the new values: a bracket left empty is removed. */
  private modify(order: Order): void {
    const fields: Field[] = [{ name: "qty", label: "Quantity", value: order.qty }];
    if (order.type === OrderType.Limit || order.type === OrderType.StopLimit) {
      fields.push({ name: "limitPrice", label: "Limit price", value: order.limitPrice });
    }
    if (order.type === OrderType.Stop || order.type === OrderType.StopLimit) {
      fields.push({ name: "stopPrice", label: "Stop price", value: order.stopPrice });
    }
    fields.push({ name: "takeProfit", label: "Take profit", value: order.takeProfit });
    fields.push({ name: "stopLoss", label: "Stop loss", value: order.stopLoss });
    editInDialog(`Modify order ${order.id}`, fields, (values) =>
      this.terminal.modifyOrder({
        ...order,
        qty: values["qty"] ?? order.qty,
        limitPrice: "limitPrice" in values ? values["limitPrice"] : order.limitPrice,
        stopPrice: "stopPrice" in values ? values["stopPrice"] : order.stopPrice,
        takeProfit: values["takeProfit"],
        stopLoss: values["stopLoss"],
      }),
    );
  }

  private act(action: () => Promise<void>): Promise<void> {
    return reporting(this.error, action);
  }
}

/** The columns both order tables open with: what the order is. */
function identityCells(order: Order): HTMLTableCellElement[] {
  return [
    cell(order.id),
    cell(order.symbol),
    cell(sideName(order.side)),
    cell(TYPE_NAMES[order.type]),
    cell(formatQty(order.qty), true),
  ];
}
