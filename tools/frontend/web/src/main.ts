// The web terminal: PaperBrokerTerminal (src/terminal.ts) on HttpBroker, driven by a page-sized Trading
// Host (host.ts), with a chart, an order ticket, orders, positions, executions and the account. Every call
// to the service goes through the client generated from openapi/broker.yaml, so contract drift breaks this
// build; the page and the API share an origin.
import { HttpBroker } from "../../src/adapter";
import { PaperBrokerTerminal } from "../../src/terminal";
import { showConnection, showExecutions, watchAccount } from "./account";
import { RESOLUTIONS, type Resolution } from "./bars";
import { PriceChart } from "./chart";
import { byId, messageOf } from "./dom";
import { PageHost, PENDING } from "./host";
import { OrdersPanel } from "./orders";
import { PositionsPanel } from "./positions";
import { OrderTicket } from "./ticket";

function resolutionOf(select: HTMLSelectElement): Resolution {
  return RESOLUTIONS.find((resolution) => String(resolution) === select.value) ?? 1;
}

async function start(): Promise<void> {
  const broker = new HttpBroker(window.location.origin);
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
  await terminal.accountsMetainfo();
  const instruments = await broker.getSymbols();
  if (!instruments.ok) throw new Error(instruments.error.detail ?? instruments.error.title);
  ticket.setInstruments(instruments.data);
  await host.attach(terminal, ticket.selected);
  document.body.dataset["ready"] = "true";
}

start().catch((error: unknown) => {
  byId("ticket-error", HTMLElement).textContent = `The terminal could not start: ${messageOf(error)}`;
});
