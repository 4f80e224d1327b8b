// The chart's history: getBars through the generated client, the one place the page reads bars.
import type { Bar } from "@generated/client";
import type { HttpBroker } from "../../src/adapter";

/** Minutes per bar, as getBars' `resolution` allows them. */
export const RESOLUTIONS = [1, 5, 15, 60] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export type { Bar };

/** The latest bars of `symbol`, oldest first; none when the service has none (or refused). */
export async function fetchBars(broker: HttpBroker, symbol: string, resolution: Resolution): Promise<Bar[]> {
  const { data } = await broker.client.GET("/market/bars/{symbol}", {
    params: { path: { symbol }, query: { resolution, limit: 300 } },
  });
  return data ?? [];
}
