// The header: the stream's connection status, the account's money (the terminal's Account Manager summary,
// the watched values a Trading Terminal shows), and the executions of the selected symbol.
import type { PaperBrokerTerminal } from "../../src/terminal";
import { ConnectionStatus } from "../../src/tradingview";
import { byId, formatMoney, formatPrice, formatQty, formatTime, h } from "./dom";
import type { Book } from "./host";
import { sideName } from "./orders";

const CONNECTION_TEXT: Record<ConnectionStatus, [string, string]> = {
  [ConnectionStatus.Connected]: ["connected", "Live"],
  [ConnectionStatus.Connecting]: ["connecting", "Connecting…"],
  [ConnectionStatus.Disconnected]: ["disconnected", "Disconnected: retrying"],
  [ConnectionStatus.Error]: ["error", "Connection error"],
};

export function showConnection(status: ConnectionStatus): void {
  const element = byId("connection", HTMLElement);
  const [name, text] = CONNECTION_TEXT[status];
  element.dataset["status"] = name;
  element.textContent = text;
}

const SUMMARY_IDS: Record<string, string> = {
  Balance: "account-balance",
  Equity: "account-equity",
  "Realized P&L": "account-realized",
  "Unrealized P&L": "account-unrealized",
};

/** Binds the account figures to the terminal's summary values: they change as its stream moves them. */
export function watchAccount(terminal: PaperBrokerTerminal): void {
  for (const item of terminal.accountManagerInfo().summary) {
    const id = SUMMARY_IDS[item.text];
    if (id === undefined) continue;
    const element = byId(id, HTMLElement);
    item.wValue.when((value) => {
      element.textContent = formatMoney(value);
    });
    item.wValue.subscribe((value) => {
      element.textContent = formatMoney(value);
    });
  }
}

export function showExecutions(book: Book, symbol: string): void {
  byId("executions-symbol", HTMLElement).textContent = symbol;
  const rows = [...book.executions]
    .sort((a, b) => b.time - a.time)
    .map((execution) =>
      h(
        "tr",
        {},
        h("td", {}, formatTime(execution.time)),
        h("td", {}, sideName(execution.side)),
        h("td", { class: "num" }, formatQty(execution.qty)),
        h("td", { class: "num" }, formatPrice(execution.price)),
        h("td", { class: "num" }, execution.commission === undefined ? "—" : formatMoney(execution.commission)),
      ),
    );
  byId("executions", HTMLTableElement).tBodies[0]?.replaceChildren(...rows);
}
