// The order ticket: a PreOrder from the form, previewOrder's rows, placeOrder with the preview's confirmId.
// The service validates; what it refuses is shown next to the ticket in its own words (problem+json detail).
import type { InstrumentInfo } from "../../src/api";
import type { PaperBrokerTerminal } from "../../src/terminal";
import type { OrderPreviewResult, OrderType, PreOrder, Side, TradingQuotes } from "../../src/tradingview";
import { byId, formatPrice, h, messageOf, numberOf } from "./dom";

export class OrderTicket {
  private readonly form = byId("ticket", HTMLFormElement);
  private readonly symbol = byId("ticket-symbol", HTMLSelectElement);
  private readonly type = byId("ticket-type", HTMLSelectElement);
  private readonly qty = byId("ticket-qty", HTMLInputElement);
  private readonly limit = byId("ticket-limit", HTMLInputElement);
  private readonly stop = byId("ticket-stop", HTMLInputElement);
  private readonly takeProfit = byId("ticket-tp", HTMLInputElement);
  private readonly stopLoss = byId("ticket-sl", HTMLInputElement);
  private readonly duration = byId("ticket-duration", HTMLSelectElement);
  private readonly quote = byId("ticket-quote", HTMLElement);
  private readonly error = byId("ticket-error", HTMLElement);
  private readonly result = byId("ticket-result", HTMLElement);
  private readonly preview = byId("ticket-preview-result", HTMLElement);
  private readonly instruments = new Map<string, InstrumentInfo>();
  /** The confirmId of the last preview, good for exactly the order it previewed. */
  private confirmation: { order: string; confirmId: string } | undefined;

  constructor(
    private readonly terminal: PaperBrokerTerminal,
    private readonly onSymbol: (symbol: string) => void,
  ) {
    this.symbol.addEventListener("change", () => this.selectSymbol(this.symbol.value));
    this.type.addEventListener("change", () => this.showPriceFields());
    byId("ticket-preview", HTMLButtonElement).addEventListener("click", () => void this.previewOrder());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.placeOrder();
    });
    this.form.addEventListener("input", () => this.clearPreviewIfChanged());
    this.showPriceFields();
  }

  /** The instruments the broker trades, the first one selected. */
  setInstruments(instruments: readonly InstrumentInfo[]): void {
    this.symbol.replaceChildren(...instruments.map((info) => h("option", { value: info.symbol }, info.symbol)));
    for (const info of instruments) this.instruments.set(info.symbol, info);
    const first = instruments[0];
    if (first !== undefined) this.selectSymbol(first.symbol);
  }

  get selected(): string {
    return this.symbol.value;
  }

  showQuote(quotes: TradingQuotes | undefined): void {
    this.quote.textContent = `Bid ${formatPrice(quotes?.bid)} · Ask ${formatPrice(quotes?.ask)}`;
  }

  private selectSymbol(symbol: string): void {
    this.symbol.value = symbol;
    const info = this.instruments.get(symbol);
    if (info !== undefined) {
      this.qty.step = String(info.qty.step);
      this.qty.value = String(info.qty.default ?? info.qty.min);
      for (const input of [this.limit, this.stop, this.takeProfit, this.stopLoss]) input.step = String(info.minTick);
      this.duration.replaceChildren(...info.allowedDurations.map((type) => h("option", { value: type }, type)));
    }
    this.showQuote(undefined);
    this.clearMessages();
    this.onSymbol(symbol);
  }

  /** Limit and stop prices only for the order types that have them. */
  private showPriceFields(): void {
    for (const label of this.form.querySelectorAll<HTMLLabelElement>("[data-for-types]")) {
      const shown = (label.dataset["forTypes"] ?? "").split(" ").includes(this.type.value);
      label.hidden = !shown;
      for (const input of label.querySelectorAll("input")) input.disabled = !shown;
    }
  }

  private order(): PreOrder {
    const side = this.form.querySelector<HTMLInputElement>('input[name="side"]:checked');
    const order: PreOrder = {
      symbol: this.symbol.value,
      side: Number(side?.value ?? 1) as Side,
      type: Number(this.type.value) as OrderType,
      qty: Number(this.qty.value),
    };
    const limitPrice = this.limit.disabled ? undefined : numberOf(this.limit);
    const stopPrice = this.stop.disabled ? undefined : numberOf(this.stop);
    const takeProfit = numberOf(this.takeProfit);
    const stopLoss = numberOf(this.stopLoss);
    if (limitPrice !== undefined) order.limitPrice = limitPrice;
    if (stopPrice !== undefined) order.stopPrice = stopPrice;
    if (takeProfit !== undefined) order.takeProfit = takeProfit;
    if (stopLoss !== undefined) order.stopLoss = stopLoss;
    if (this.duration.value !== "") order.duration = { type: this.duration.value };
    return order;
  }

  private async previewOrder(): Promise<void> {
    this.clearMessages();
    const order = this.order();
    try {
      const preview = await this.terminal.previewOrder(order);
      this.showPreview(preview);
      this.confirmation =
        preview.confirmId === undefined ? undefined : { order: JSON.stringify(order), confirmId: preview.confirmId };
    } catch (error) {
      this.error.textContent = messageOf(error);
    }
  }

  private async placeOrder(): Promise<void> {
    this.clearMessages();
    const order = this.order();
    const confirmId = this.confirmation?.order === JSON.stringify(order) ? this.confirmation.confirmId : undefined;
    try {
      const placed = await this.terminal.placeOrder(order, confirmId);
      this.result.textContent = `Order ${placed.orderId ?? ""} placed`;
      this.confirmation = undefined;
      this.preview.hidden = true;
    } catch (error) {
      this.error.textContent = messageOf(error);
    }
  }

  private showPreview(preview: OrderPreviewResult): void {
    const sections = preview.sections.map((section) =>
      h(
        "dl",
        {},
        ...section.rows.flatMap((row) => [h("dt", {}, row.title), h("dd", {}, row.value)]),
      ),
    );
    const notes = [
      ...(preview.warnings ?? []).map((text) => h("li", { class: "warning" }, text)),
      ...(preview.errors ?? []).map((text) => h("li", { class: "error" }, text)),
    ];
    this.preview.replaceChildren(...sections, ...(notes.length > 0 ? [h("ul", {}, ...notes)] : []));
    this.preview.hidden = false;
  }

  private clearPreviewIfChanged(): void {
    if (this.confirmation !== undefined && this.confirmation.order !== JSON.stringify(this.order())) {
      this.confirmation = undefined;
      this.preview.hidden = true;
    }
  }

  private clearMessages(): void {
    this.error.textContent = "";
    this.result.textContent = "";
  }
}
