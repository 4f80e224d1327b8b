// The positions panel: each open position with its P&L (plUpdate), and close, reverse and brackets.
import type { PaperBrokerTerminal } from "../../src/terminal";
import { Side, type Position } from "../../src/tradingview";
import { editInDialog } from "./dialog";
import { byId, formatMoney, formatPrice, formatQty, h, reporting } from "./dom";
import type { Book, PageHost } from "./host";

export class PositionsPanel {
  private readonly table = byId("positions", HTMLTableElement);
  private readonly error = byId("positions-error", HTMLElement);

  constructor(
    private readonly terminal: PaperBrokerTerminal,
    private readonly host: PageHost,
  ) {}

  render(book: Book): void {
    const rows = [...book.positions.values()].map((position) => this.row(position, book.pl.get(position.id)));
    this.table.tBodies[0]?.replaceChildren(...rows);
  }

  private row(position: Position, pl: number | undefined): HTMLTableRowElement {
    const label = `${position.symbol} position`;
    const button = (text: string, action: () => void) => {
      const element = h("button", { type: "button", "aria-label": `${text} ${label}` }, text);
      element.addEventListener("click", action);
      return element;
    };
    return h(
      "tr",
      { "data-position-id": position.id, "data-symbol": position.symbol },
      h("td", {}, position.symbol),
      h("td", {}, position.side === Side.Buy ? "Long" : "Short"),
      h("td", { class: "num" }, formatQty(position.qty)),
      h("td", { class: "num" }, formatPrice(position.avgPrice)),
      h("td", { class: "num" }, formatPrice(position.takeProfit)),
      h("td", { class: "num" }, formatPrice(position.stopLoss)),
      h("td", { class: pl === undefined ? "num" : pl < 0 ? "num loss" : "num profit" }, pl === undefined ? "—" : formatMoney(pl)),
      h(
        "td",
        { class: "row-actions" },
        button("Close", () => void this.act(() => this.terminal.closePosition(position.id))),
        button("Reverse", () => void this.act(() => this.terminal.reversePosition(position.id))),
        button("Brackets", () => this.editBrackets(position)),
      ),
    );
  }

  /** Take-profit and stop-loss; one left empty is removed. Other stops the position has are kept. */
  private editBrackets(position: Position): void {
    const fields = [
      { name: "takeProfit", label: "Take profit", value: position.takeProfit },
      { name: "stopLoss", label: "Stop loss", value: position.stopLoss },
    ];
    editInDialog(`Brackets of the ${position.symbol} position`, fields, async (values) => {
      await this.terminal.editPositionBrackets(position.id, {
        takeProfit: values["takeProfit"],
        stopLoss: values["stopLoss"],
        guaranteedStop: position.guaranteedStop,
        trailingStopPips: position.trailingStopPips,
      });
      for (const updated of await this.terminal.positions()) this.host.bracketsUpdate(updated);
    });
  }

  private act(action: () => Promise<void>): Promise<void> {
    return reporting(this.error, action);
  }
}
