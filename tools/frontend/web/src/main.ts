// The web terminal: PaperBrokerTerminal (src/terminal.ts) on HttpBroker, driven by a page-sized Trading
// Host (host.ts), with a chart, an order ticket, orders, positions, executions and the account (and a picker
// when the key holds several). Every call to the service goes through the client generated from
// openapi/broker.yaml, so contract drift breaks this build; the page and the API share an origin. Every
// call carries the API key (key.ts); without one, or after a 401, the page asks for it.
import { HttpBroker } from "../../src/adapter";
import { PaperBrokerTerminal } from "../../src/terminal";
import { accountId, type AccountMetainfo } from "../../src/tradingview";
import { showConnection, showExecutions, watchAccount } from "./account";
import { RESOLUTIONS, type Resolution } from "./bars";
import { PriceChart } from "./chart";
import { byId, h, messageOf } from "./dom";
import { PageHost, PENDING } from "./host";
import { askForKey, takeKey } from "./key";
import { OrdersPanel } from "./orders";
import { PositionsPanel } from "./positions";
import { OrderTicket } from "./ticket";

function resolutionOf(select: HTMLSelectElement): Resolution {
  return RESOLUTIONS.find((resolution) => String(resolution) === select.value) ?? 1;
}

/** The account picker, shown only when the key holds more than one account. */
function offerAccounts(terminal: PaperBrokerTerminal, accounts: readonly AccountMetainfo[]): void {
  if (accounts.length < 2) return;
  const picker = byId("account-picker", HTMLSelectElement);
  picker.replaceChildren(
    ...accounts.map((account) =>
      h("option", { value: account.id, selected: account.id === terminal.currentAccount() }, account.name),
    ),
  );
  picker.addEventListener("change", () => terminal.setCurrentAccount(accountId(picker.value)));
  byId("account-choice", HTMLElement).hidden = false;
}

async function start(apiKey: string): Promise<void> {
  let refused = false;
  const broker = new HttpBroker(window.location.origin, {
    apiKey,
    onUnauthorized: (problem) => {
      if (refused) return;
      refused = true;
      terminal.close();
      askForKey(problem.detail ?? problem.title);
    },
  });
  const host = new PageHost();
  const terminal = new PaperBrokerTerminal(host, { api: broker });
  const chart = new PriceChart(byId("chart", HTMLElement), byId("chart-canvas", HTMLElement), byId("chart-legend", HTMLElement));
  const resolution = byId("chart-resolution", HTMLSelectElement);
  const orders = new OrdersPanel(terminal);
  const positions = new PositionsPanel(terminal, host);
  let symbol = "";

  const drawLines = () =>
    chart.drawLines(
      [...host.orders.values()].filter((order) => PENDING.includes(order.status)),
      host.positions.values(),
    );
  const showChart = () => void chart.show(broker, symbol, resolutionOf(resolution)).then(drawLines);

  const ticket = new OrderTicket(terminal, (selected) => {
    if (symbol !== "") terminal.unsubscribeRealtime(symbol);
    symbol = selected;
    terminal.subscribeRealtime(symbol);
    showChart();
    void host.showExecutions(symbol);
  });
  resolution.addEventListener("change", showChart);

  host.onChange((change) => {
    switch (change) {
      case "orders":
        orders.render(host);
        drawLines();
        return;
      case "positions":
        positions.render(host);
        drawLines();
        return;
      case "executions":
        showExecutions(host, symbol);
        return;
      case "quotes": {
        const quotes = host.quotes.get(symbol);
        ticket.showQuote(quotes);
        const price = quotes?.trade ?? (quotes?.bid !== undefined && quotes.ask !== undefined ? (quotes.bid + quotes.ask) / 2 : undefined);
        if (price !== undefined) chart.trade(price);
        return;
      }
      case "connection":
        showConnection(host.connection);
        return;
    }
  });

  watchAccount(terminal);
  terminal.subscribeEquity();
  offerAccounts(terminal, await terminal.accountsMetainfo());
  const instruments = await broker.getSymbols();
  if (!instruments.ok) throw new Error(instruments.error.detail ?? instruments.error.title);
  ticket.setInstruments(instruments.data);
  await host.attach(terminal, ticket.selected);
  document.body.dataset["ready"] = "true";
}

const apiKey = takeKey();
if (apiKey === undefined) {
  askForKey();
} else {
  start(apiKey).catch((error: unknown) => {
    if (document.body.dataset["locked"] === "true") return; // the key was refused: the form says why
    byId("ticket-error", HTMLElement).textContent = `The terminal could not start: ${messageOf(error)}`;
  });
}
