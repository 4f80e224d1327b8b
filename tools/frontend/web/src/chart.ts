// The price chart: candles of one symbol from getBars (bars.ts), the forming candle moved by every quote
// the stream pushes, and the symbol's working orders and position drawn as price lines.
import {
  CandlestickSeries,
  ColorType,
  createChart,
  LineStyle,
  type CandlestickData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { OrderType, Side, type Order, type Position } from "../../src/tradingview";
import { fetchBars, type Resolution } from "./bars";
import type { HttpBroker } from "../../src/adapter";
import { formatPrice } from "./dom";

const UP = "#1a7f4b";
const DOWN = "#c62f3a";

export class PriceChart {
  private readonly chart: IChartApi;
  private readonly series: ISeriesApi<"Candlestick">;
  private readonly legend: HTMLElement;
  private readonly figure: HTMLElement;
  private lines: IPriceLine[] = [];
  private last: CandlestickData<UTCTimestamp> | undefined;
  private count = 0;
  private symbol = "";
  private resolution: Resolution = 1;
  private loading = 0;

  constructor(figure: HTMLElement, canvas: HTMLElement, legend: HTMLElement) {
    this.figure = figure;
    this.legend = legend;
    this.chart = createChart(canvas, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "#ffffff" }, textColor: "#1f2328", attributionLogo: true },
      grid: { vertLines: { color: "#eef0f2" }, horzLines: { color: "#eef0f2" } },
      timeScale: { timeVisible: true, secondsVisible: false, rightOffset: 6, barSpacing: 10 },
    });
    this.series = this.chart.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderUpColor: UP,
      borderDownColor: DOWN,
      wickUpColor: UP,
      wickDownColor: DOWN,
    });
  }

  /** Shows `symbol` at `resolution`: its bars from the service, then the stream's quotes on top. */
  async show(broker: HttpBroker, symbol: string, resolution: Resolution): Promise<void> {
    this.symbol = symbol;
    this.resolution = resolution;
    const loading = ++this.loading;
    const bars = await fetchBars(broker, symbol, resolution);
    if (loading !== this.loading) return; // another symbol or resolution was asked for meanwhile
    const data = bars.map((bar) => ({
      time: (bar.time / 1000) as UTCTimestamp,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
    }));
    this.series.setData(data);
    this.count = data.length;
    this.last = data.at(-1);
    this.chart.timeScale().scrollToRealTime();
    this.describe();
  }

  /** A new last price: it closes the forming bar, or opens the next one when its period began. */
  trade(price: number, now = Date.now()): void {
    const period = this.resolution * 60;
    const time = (Math.floor(now / 1000 / period) * period) as UTCTimestamp;
    const last = this.last;
    if (last !== undefined && time <= last.time) {
      this.last = { ...last, high: Math.max(last.high, price), low: Math.min(last.low, price), close: price };
    } else {
      this.last = { time, open: price, high: price, low: price, close: price };
      this.count += 1;
    }
    this.series.update(this.last);
    this.describe();
  }

  /** The symbol's working orders (limit and stop prices) and its position's average price, as price lines. */
  drawLines(orders: Iterable<Order>, positions: Iterable<Position>): void {
    for (const line of this.lines) this.series.removePriceLine(line);
    this.lines = [];
    for (const order of orders) {
      if (order.symbol !== this.symbol) continue;
      const side = order.side === Side.Buy ? "Buy" : "Sell";
      const color = order.side === Side.Buy ? "#1f6feb" : "#b35900";
      const prices: [string, number | undefined][] =
        order.type === OrderType.Limit
          ? [["LMT", order.limitPrice]]
          : order.type === OrderType.Stop
            ? [["STP", order.stopPrice]]
            : order.type === OrderType.StopLimit
              ? [["STP", order.stopPrice], ["LMT", order.limitPrice]]
              : [];
      for (const [kind, price] of prices) {
        if (price === undefined) continue;
        const title = `${side} ${order.qty} ${kind}`;
        this.lines.push(this.series.createPriceLine({ price, color, lineWidth: 1, lineStyle: LineStyle.Dashed, title }));
      }
    }
    for (const position of positions) {
      if (position.symbol !== this.symbol) continue;
      const title = `${position.side === Side.Buy ? "Long" : "Short"} ${position.qty}`;
      this.lines.push(
        this.series.createPriceLine({ price: position.avgPrice, color: "#6e40c9", lineWidth: 2, lineStyle: LineStyle.Solid, title }),
      );
    }
  }

  /** The last bar in words, for the legend and for readers that cannot see a canvas. */
  private describe(): void {
    this.figure.dataset["bars"] = String(this.count);
    const bar = this.last;
    this.legend.textContent =
      bar === undefined
        ? `${this.symbol} · ${this.resolution}m · no bars yet`
        : `${this.symbol} · ${this.resolution}m · O ${formatPrice(bar.open)} H ${formatPrice(bar.high)} L ${formatPrice(bar.low)} C ${formatPrice(bar.close)}`;
  }
}
